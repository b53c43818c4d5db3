// The desktop client mode through dispatch() (issue 12 items 2, 3, 8), as `crm serve --client-dir`
// and the Electron app run it, against real centrals (a SQLite file and PostgreSQL) and real
// SQLite caches:
// - a central database that stops answering mid-sync (a port that accepts and never speaks) never
//   holds up a write or a cached read: they answer at once while the nudged sync waits;
// - a file the cache lacks is fetched from the central database on demand while online, and
//   offline the user is told it opens once back online (never "file missing");
// - 执行效果, handling notes and attachments sent offline under their screen's call names land in
//   the outbox under the operations' names and reach the central database after reconnecting.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import type { AppContext } from '../../src-main/modules/context'
import { openDb } from '../../src-main/db/connection'
import { DesktopSync } from '../../src-main/modules/sync/sync.desktop'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { makeSyncWorld, removeClientDirs, type Rep, type SyncWorld } from './sync.fixtures'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(cond: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(20)
  }
}
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

/** "At once": well under the 5 s a connect to an unreachable central may wait (FAIL_FAST_MS.connect),
 *  with room for a busy test machine (1.36 s was seen at load 25); being held up by the central
 *  takes 5 s or more, and the tests check the sync is still waiting after the calls. */
const AT_ONCE_MS = 2500

describeEachDb('desktop client mode through dispatch', (dialect) => {
  let t: TestApp
  let w: SyncWorld
  let down: AppContext
  let silent: AppContext
  let blackhole: net.Server
  const sockets = new Set<net.Socket>()
  let n = 0
  const tag = () => `${++n}`
  const dirs: string[] = []
  const clients: DesktopSync[] = []

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeSyncWorld(t, 'mode')
    // refused: a port nobody listens on
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port
        s.close(() => resolve(port))
      })
    })
    down = { ...t.app, db: openDb({ dialect: 'postgres', url: `postgres://crm:crm@127.0.0.1:${closed}/none` }, { failFast: true }) }
    // hanging: a port that accepts connections and never answers (a central server that froze)
    blackhole = net.createServer((s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => null)
    })
    const silentPort = await new Promise<number>((resolve) => blackhole.listen(0, '127.0.0.1', () => resolve((blackhole.address() as net.AddressInfo).port)))
    silent = { ...t.app, db: openDb({ dialect: 'postgres', url: `postgres://crm:crm@127.0.0.1:${silentPort}/none` }, { failFast: true }) }
  })
  afterAll(async () => {
    for (const d of clients) await d.close().catch(() => null)
    await down?.db.knex.destroy()
    for (const s of sockets) s.destroy()
    await silent?.db.knex.destroy()
    blackhole?.close()
    await t?.close()
    removeClientDirs()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  const k = () => t.app.db.knex

  /** A desktop client of `rep` (first sync done), its central switchable, with a dispatch() as the window's. */
  async function desktop(rep: Rep) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-client-mode-'))
    dirs.push(dir)
    const world = { central: t.app as AppContext }
    const d = await DesktopSync.open({
      clientDir: dir, central: { dialect: 'sqlite', file: path.join(dir, 'unused.sqlite') }, dataDir: dir, browserMode: true, login: rep.login, retryMs: 60_000,
      openCentral: () => world.central,
    })
    clients.push(d)
    await d.start()
    const sessions = new SessionStore()
    sessions.set('me', rep.userId)
    const call = (area: string, name: string, input: unknown) => dispatch({ app: d.cache, sessions, client: d }, area, name, input, 'me')
    const ok = async <T = Record<string, unknown>>(area: string, name: string, input: unknown): Promise<T> => {
      const r = await call(area, name, input)
      if (!r.ok) throw new Error(`${area}.${name}: ${r.error.code} ${r.error.message}`)
      return r.data as T
    }
    // (after the sync the timer runs at start, or it would be joined)
    const settled = () => until(() => d.loop.mode !== 'syncing')
    const goOffline = async () => {
      await settled()
      world.central = down
      expect(await d.loop.now()).toBeNull()
      expect(d.loop.mode).toBe('offline')
    }
    const goOnline = async () => {
      await settled()
      world.central = t.app
      expect(await d.loop.now()).not.toBeNull()
      expect(d.loop.mode).toBe('online')
    }
    await settled()
    return { d, dir, world, call, ok, goOffline, goOnline }
  }

  const visit = (customerId: string, subject: string) => ({ customerId, channelId: w.channel, kind: 'visit' as const, occurredAt: '2026-01-05T10:00:00+08:00', subject, promises: [] })
  const cached = (d: DesktopSync, table: string, id: string) => d.client.local.db.knex(table).where({ id }).first()

  it('a central database that stops answering mid-sync never holds up a write or a cached read: they answer at once while the nudged sync waits', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `卡住的中央库客户${tag()}` })
    const { d, world, ok } = await desktop(w.repA)
    expect(d.loop.mode).toBe('online')
    world.central = silent // the client still believes it is online

    const subject = `卡住时的拜访${tag()}`
    let t0 = Date.now()
    await ok('interactions', 'create', visit(cust.id, subject)) // an offline operation: on the cache, nudges a sync
    expect(Date.now() - t0).toBeLessThan(AT_ONCE_MS)
    await until(() => d.loop.mode === 'syncing', 3000) // the nudged sync is waiting on the silent central database

    // the customer edit right after the visit (based on the version the visit left), a cached read, the status
    const row = await ok<{ version: number }>('customers', 'get', { id: cust.id })
    t0 = Date.now()
    const edited = await ok<{ shortName: string }>('customers', 'update', { id: cust.id, version: row.version, fields: { shortName: '卡住也能改' } })
    expect(edited.shortName).toBe('卡住也能改')
    expect(await ok('interactions', 'listByCustomer', { customerId: cust.id, page: 1, pageSize: 20 })).toMatchObject({ total: 1 })
    expect(await ok('sync', 'status', {})).toMatchObject({ mode: 'syncing', pending: 2 })
    expect(Date.now() - t0).toBeLessThan(AT_ONCE_MS)
    expect(d.loop.mode).toBe('syncing') // all of it while the sync still waited

    // the sync gives up within the fail-fast limits: offline, nothing lost
    // (a connect that times out means unreachable, like a refused one: pg says "timeout expired")
    await until(() => d.loop.mode !== 'syncing', 20_000)
    expect(d.loop.runs[0]).toMatchObject({ ok: false, reachable: false, error: { code: 'db_unreachable' } })
    expect(d.loop.mode).toBe('offline')
    world.central = t.app
    expect(await d.loop.now()).not.toBeNull()
    expect(Number((await k()('interactions').where({ subject }).count({ n: '*' }).first())!.n)).toBe(1)
    expect((await k()('customers').where({ id: cust.id }).first()).short_name).toBe('卡住也能改')
  }, 40_000)

  it('a file the cache lacks comes from the central database on demand while online; offline it says it opens once back online', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `附件按需客户${tag()}` })
    const rec = await t.call(w.repA.key, 'interactions', 'create', visit(cust.id, `带附件的拜访${tag()}`))
    const text = `现场照片说明${tag()}：设备铭牌、安装位置。`
    const att = await t.call(w.repA.key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName: '现场说明.txt', contentBase64: b64(text) })
    const { d, dir, ok, call, goOffline, goOnline } = await desktop(w.repA)
    // the row is cached; the file is not on this machine (fetched ahead and gone, or over the budget)
    const stored = String((await cached(d, 'attachments', att.id)).stored_name)
    const file = path.join(dir, 'attachments', stored)
    fs.rmSync(file, { force: true })
    expect(await ok('interactions', 'attachments', { interactionId: rec.id })).toHaveLength(1)

    // online: fetched from the central database on demand, and kept here
    const got = await ok<{ contentBase64: string }>('interactions', 'downloadAttachment', { id: att.id })
    expect(Buffer.from(got.contentBase64, 'base64').toString('utf8')).toBe(text)
    expect(fs.readFileSync(file, 'utf8')).toBe(text)

    // offline: a kept file opens; a missing one answers the reason (not "file missing")
    await goOffline()
    expect(await ok('interactions', 'downloadAttachment', { id: att.id })).toMatchObject({ fileName: '现场说明.txt' })
    fs.rmSync(file, { force: true })
    const t0 = Date.now()
    const refused = await call('interactions', 'downloadAttachment', { id: att.id })
    expect(Date.now() - t0).toBeLessThan(AT_ONCE_MS)
    expect(refused).toMatchObject({ ok: false, error: { code: 'db_unreachable', key: 'sync.fileNotHere' } })
    expect(await call('interactions', 'openAttachment', { id: att.id })).toMatchObject({ ok: false, error: { key: 'sync.fileNotHere' } })
    // the list still answers from the cache
    expect(await ok('interactions', 'attachments', { interactionId: rec.id })).toHaveLength(1)
    await goOnline()
    expect(await ok('interactions', 'downloadAttachment', { id: att.id })).toMatchObject({ contentBase64: b64(text) })
  })

  it('执行效果, handling notes and attachments sent offline under their screen\'s call names land in the outbox and reach the central database after reconnecting', async () => {
    // an opportunity of repB's with a plan step, a ticket repB handles, a record of repB's
    const o = await t.call(w.admin.key, 'opportunities', 'create', { customerName: `离线别名机会客户${tag()}`, probability: 40, summary: '采购生产线', description: '客户计划扩产。' })
    await t.call(w.admin.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: w.repB.userId })
    const step = await t.call(w.repB.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-01-10', action: '上门演示样机' })
    const cust = await t.call(w.repB.key, 'customers', 'create', { name: `离线别名报修客户${tag()}` })
    const type = (await k()('dict_items').where({ type_code: 'service_type' }).first('id')).id
    const tk = await t.call(w.repB.key, 'services', 'create', { customerId: cust.id, typeId: type, summary: '设备异响', request: '主轴有异响' })
    await t.call(w.admin.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: w.repB.userId })
    const rec = await t.call(w.repB.key, 'interactions', 'create', visit(cust.id, `离线别名拜访${tag()}`))

    const { d, ok, goOffline, goOnline } = await desktop(w.repB)
    await goOffline()
    const result = `离线执行效果${tag()}：客户认可样机`
    const note = `离线处理记录${tag()}：已更换轴承`
    const text = `离线附件${tag()}`
    const stepRow = await cached(d, 'plan_steps', step.id)
    const ticketRow = await cached(d, 'service_tickets', tk.id)
    expect(await ok('opportunities', 'recordResult', { id: step.id, version: Number(stepRow.version), result })).toMatchObject({ result })
    await ok('services', 'addNote', { id: tk.id, version: Number(ticketRow.version), content: note })
    const att = await ok<{ id: string }>('interactions', 'addAttachment', { interactionId: rec.id, fileName: '离线附件.txt', contentBase64: b64(text) })

    // in the outbox under the operations' names, in order; nothing central yet
    const queued = (await d.client.outbox()).filter((e) => e.status === 'pending')
    expect(queued.map((e) => e.operation)).toEqual(['plan_steps.update', 'service_ticket_notes.create', 'attachments.create'])
    expect((await k()('plan_steps').where({ id: step.id }).first()).result).toBeNull()
    expect(await k()('service_ticket_notes').where({ content: note }).first()).toBeUndefined()
    expect(await k()('attachments').where({ id: att.id }).first()).toBeUndefined()

    // back online: pushed, each once
    await goOnline()
    expect(d.loop.runs[0]).toMatchObject({ ok: true, pushed: 3, applied: 3, rejected: 0 })
    expect((await d.client.state()).pending).toBe(0)
    expect((await k()('plan_steps').where({ id: step.id }).first()).result).toBe(result)
    expect(Number((await k()('service_ticket_notes').where({ content: note }).count({ n: '*' }).first())!.n)).toBe(1)
    expect(await t.call(w.repB.key, 'interactions', 'downloadAttachment', { id: att.id })).toMatchObject({ contentBase64: b64(text) })
  })

  it('offline, records are edited and deleted and reminders snoozed and done through the outbox; back online the central rows follow, each once', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `离线编辑记录客户${tag()}` })
    const edited = await t.call(w.repA.key, 'interactions', 'create', { ...visit(cust.id, `待离线修改${tag()}`), promises: [{ content: '周五前寄样品' }] })
    const gone = await t.call(w.repA.key, 'interactions', 'create', visit(cust.id, `待离线删除${tag()}`))
    const later = await t.call(w.repA.key, 'reminders', 'create', { title: `离线稍后提醒${tag()}`, customerId: cust.id, dueAt: '2026-03-12T02:00:00.000Z' })
    const finish = await t.call(w.repA.key, 'reminders', 'create', { title: `离线完成${tag()}`, customerId: cust.id, dueAt: '2026-03-11T02:00:00.000Z' })
    const { d, ok, goOffline, goOnline } = await desktop(w.repA)
    await goOffline()

    // a record edited (its promise changed, one added), another deleted; a record made offline and edited offline
    const cur = await ok<{ version: number; promises: Array<{ id: string; content: string }> }>('interactions', 'get', { id: edited.id })
    const newSubject = `离线已修改${tag()}`
    await ok('interactions', 'update', {
      id: edited.id, version: cur.version, fields: { subject: newSubject, outcome: '客户同意试用' },
      promises: [{ id: cur.promises[0]!.id, content: '下周一前寄样品' }, { content: '月底前报价' }],
    })
    expect(await ok('interactions', 'remove', { id: gone.id })).toMatchObject({ ok: true })
    const made = await ok<{ id: string }>('interactions', 'create', { ...visit(cust.id, `离线新建再修改${tag()}`), promises: [{ content: '明天回电' }] })
    const mine = await ok<{ version: number; promises: Array<{ id: string; content: string }> }>('interactions', 'get', { id: made.id })
    await ok('interactions', 'update', { id: made.id, version: mine.version, fields: {}, promises: [{ id: mine.promises[0]!.id, content: '后天回电' }] })
    // a reminder snoozed an hour, another done
    const r1 = await ok<{ version: number }>('reminders', 'get', { id: later.id })
    const snoozed = await ok<{ snoozedUntil: string }>('reminders', 'snooze', { id: later.id, version: r1.version, preset: '1h' })
    expect(Date.parse(snoozed.snoozedUntil) - Date.now()).toBeGreaterThan(50 * 60_000)
    const r2 = await ok<{ version: number }>('reminders', 'get', { id: finish.id })
    await ok('reminders', 'done', { id: finish.id, version: r2.version })
    expect((await d.client.outbox()).filter((e) => e.status === 'pending').map((e) => e.operation)).toEqual([
      'interactions.update', 'interactions.remove', 'interactions.create', 'interactions.update', 'reminders.snooze', 'reminders.done',
    ])
    expect((await k()('interactions').where({ id: edited.id }).first()).subject).not.toBe(newSubject) // nothing central yet

    await goOnline()
    expect(d.loop.runs[0]).toMatchObject({ ok: true, pushed: 6, applied: 6, rejected: 0, conflicts: 0 })
    const row = await t.call(w.repA.key, 'interactions', 'get', { id: edited.id })
    expect(row).toMatchObject({ subject: newSubject, outcome: '客户同意试用' })
    expect(row.promises.map((p: { content: string }) => p.content).sort()).toEqual(['下周一前寄样品', '月底前报价'].sort())
    expect((await k()('interactions').where({ id: gone.id }).first()).deleted_at).not.toBeNull()
    const again = await t.call(w.repA.key, 'interactions', 'get', { id: made.id })
    expect(again.promises.map((p: { content: string }) => p.content)).toEqual(['后天回电']) // the promise made offline edited, not doubled
    const c1 = await t.call(w.repA.key, 'reminders', 'get', { id: later.id })
    expect(c1.snoozedUntil).toBe(snoozed.snoozedUntil) // the time the rep chose, not an hour from the push
    expect((await t.call(w.repA.key, 'reminders', 'get', { id: finish.id })).doneAt).not.toBeNull()
  })

  const count = async (table: string, where: Record<string, unknown>) => Number((await k()(table).where(where).count({ n: '*' }).first())!.n)
  const lower = (v: unknown) => String(v).toLowerCase()

  it('offline, 批量稍后提醒 / 批量完成, 兑现 / 未兑现 and a reminder\'s text and time edit go through the outbox, one entry per row; back online each reaches the central database once', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `离线批量客户${tag()}` })
    const rem = (title: string, extra: Record<string, unknown> = {}) => t.call(w.repA.key, 'reminders', 'create', { title: `${title}${tag()}`, customerId: cust.id, dueAt: '2026-03-12T02:00:00.000Z', ...extra })
    const s1 = await rem('批量稍后一')
    const s2 = await rem('批量稍后二')
    const wasDone = await rem('早已完成')
    await t.call(w.repA.key, 'reminders', 'done', { id: wasDone.id, version: wasDone.version })
    const d1 = await rem('批量完成一')
    const weekly = await rem('每周例会', { repeat: 'weekly' })
    const edit = await rem('离线改文字时间')
    const rec = await t.call(w.repA.key, 'interactions', 'create', { ...visit(cust.id, `带承诺的拜访${tag()}`), promises: [{ content: '周五前报价', dueDate: '2026-03-13' }, { content: '下周寄样品', dueDate: '2026-03-20' }] })
    const [p1, p2] = rec.promises as Array<{ id: string; version: number }>
    const keptCentrally = await t.call(w.repA.key, 'interactions', 'keepPromise', { id: p2!.id, version: p2!.version })
    const { d, ok, call, goOffline, goOnline } = await desktop(w.repA)
    await goOffline()

    // 待办中心's bulk actions: the done one is skipped as the central call skips it
    const snoozed = await ok<{ snoozed: number }>('reminders', 'bulkSnooze', { ids: [s1.id, s2.id, wasDone.id], preset: 'tomorrow' })
    expect(snoozed).toEqual({ snoozed: 2 })
    expect(await ok('reminders', 'bulkDone', { ids: [d1.id, weekly.id] })).toEqual({ done: 2, created: 1 })
    // a reminder's text and time edited offline
    const er = await ok<{ version: number }>('reminders', 'get', { id: edit.id })
    const title = `离线改过的提醒${tag()}`
    await ok('reminders', 'update', { id: edit.id, version: er.version, fields: { title, dueAt: '2026-03-15T06:30:00.000Z' } })
    // 兑现 one promise, 未兑现 the one kept centrally; a record made offline whose promise is kept offline (the central copy takes its own id)
    const kept = await ok<{ keptAt: string | null }>('interactions', 'keepPromise', { id: p1!.id, version: p1!.version })
    expect(kept.keptAt).not.toBeNull()
    const c2 = await cached(d, 'interaction_promises', p2!.id)
    expect(c2.kept_at).not.toBeNull()
    await ok('interactions', 'unkeepPromise', { id: p2!.id, version: Number(c2.version) })
    const made = await ok<{ id: string; promises: Array<{ id: string; version: number }> }>('interactions', 'create', { ...visit(cust.id, `离线新建带承诺${tag()}`), promises: [{ content: '明天回电', dueDate: '2026-03-14' }] })
    await ok('interactions', 'keepPromise', { id: made.promises[0]!.id, version: made.promises[0]!.version })
    // the cache shows it all at once; nothing central yet
    const s1Cached = await ok<{ snoozedUntil: string }>('reminders', 'get', { id: s1.id })
    expect(s1Cached.snoozedUntil).not.toBeNull()
    expect((await ok<{ snoozedUntil: string }>('reminders', 'get', { id: s2.id })).snoozedUntil).toBe(s1Cached.snoozedUntil)
    const queued = (await d.client.outbox()).filter((e) => e.status === 'pending')
    expect(queued.map((e) => `${e.operation}:${e.entityId}`)).toEqual([
      `reminders.snooze:${s1.id}`, `reminders.snooze:${s2.id}`, `reminders.done:${d1.id}`, `reminders.done:${weekly.id}`, `reminders.update:${edit.id}`,
      `interactions.keepPromise:${rec.id}`, `interactions.unkeepPromise:${rec.id}`, `interactions.create:${made.id}`, `interactions.keepPromise:${made.id}`,
    ])
    expect((await k()('reminders').where({ id: s1.id }).first()).snoozed_until).toBeNull()
    expect((await k()('reminders').where({ id: d1.id }).first()).done_at).toBeNull()
    expect((await k()('interaction_promises').where({ id: p1!.id }).first()).kept_at).toBeNull()
    // a call the central database alone answers is refused with the reason (the page disables its button)
    expect(await call('reminders', 'reopen', { id: wasDone.id, version: wasDone.version + 1 })).toMatchObject({ ok: false, error: { key: 'sync.needsCentral' } })

    await goOnline()
    expect(d.loop.runs[0]).toMatchObject({ ok: true, pushed: 9, applied: 9, rejected: 0, conflicts: 0 })
    const central = (id: string) => t.call(w.repA.key, 'reminders', 'get', { id })
    for (const id of [s1.id, s2.id]) expect((await central(id)).snoozedUntil).toBe(s1Cached.snoozedUntil)
    expect((await central(wasDone.id)).snoozedUntil).toBeNull()
    expect((await central(d1.id)).doneAt).not.toBeNull()
    expect((await central(weekly.id)).doneAt).not.toBeNull()
    expect(await count('reminders', { series_id: weekly.id, deleted_at: null, done_at: null })).toBe(1) // one next occurrence
    expect(await central(edit.id)).toMatchObject({ title, dueAt: '2026-03-15T06:30:00.000Z' })
    expect((await k()('interaction_promises').where({ id: p1!.id }).first()).kept_at).not.toBeNull()
    expect((await k()('interaction_promises').where({ id: p2!.id }).first()).kept_at).toBeNull()
    const madeCentral = await t.call(w.repA.key, 'interactions', 'get', { id: made.id })
    expect(madeCentral.promises).toHaveLength(1)
    expect(madeCentral.promises[0].keptAt).not.toBeNull()
    expect(keptCentrally.keptAt).not.toBeNull()
    // the cache now holds the central copies (the promise made offline under the central id)
    expect((await ok<{ promises: Array<{ id: string; keptAt: string | null }> }>('interactions', 'get', { id: made.id })).promises.map((p) => [lower(p.id), !!p.keptAt])).toEqual([[lower(madeCentral.promises[0].id), true]])

    // once: the register holds each mutation once, and a second sync changes nothing
    const clientId = (await d.client.state()).clientId
    expect(await count('sync_mutation_results', { client_id: clientId })).toBe(9)
    const versions = async () => (await k()('reminders').whereIn('id', [s1.id, s2.id, d1.id, weekly.id, edit.id]).select('id', 'version')).map((r) => `${r.id}:${r.version}`).sort()
    const before = await versions()
    expect(await d.loop.now()).not.toBeNull()
    expect(d.loop.runs[0]).toMatchObject({ ok: true, pushed: 0 })
    expect(await versions()).toEqual(before)
  }, 40_000)

  it('offline bulk actions and promise marks meet central changes by the single actions\' rules: done stays done, an edited row takes the mark on its current version, a deleted one is refused with the reason', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `离线批量冲突客户${tag()}` })
    const rem = (title: string) => t.call(w.repA.key, 'reminders', 'create', { title: `${title}${tag()}`, customerId: cust.id, dueAt: '2026-03-12T02:00:00.000Z' })
    const doneMeanwhile = await rem('中央已完成')
    const deletedMeanwhile = await rem('中央已删除')
    const editedMeanwhile = await rem('中央已改')
    const doneEdited = await rem('离线完成中央改时间')
    const rec = await t.call(w.repA.key, 'interactions', 'create', { ...visit(cust.id, `冲突承诺拜访${tag()}`), promises: [{ content: '周三前回复', dueDate: '2026-03-11' }] })
    const goneRec = await t.call(w.repA.key, 'interactions', 'create', { ...visit(cust.id, `将被删除的拜访${tag()}`), promises: [{ content: '月底结款', dueDate: '2026-03-31' }] })
    const { d, ok, goOffline, goOnline } = await desktop(w.repA)
    await goOffline()
    await ok('reminders', 'bulkSnooze', { ids: [doneMeanwhile.id, deletedMeanwhile.id, editedMeanwhile.id], preset: 'until', until: '2027-01-04T01:00:00.000Z' })
    await ok('reminders', 'bulkDone', { ids: [doneEdited.id] })
    const p = rec.promises[0] as { id: string; version: number }
    const gp = goneRec.promises[0] as { id: string; version: number }
    await ok('interactions', 'keepPromise', { id: p.id, version: p.version })
    await ok('interactions', 'keepPromise', { id: gp.id, version: gp.version })

    // meanwhile, on the central database (the rep's other computer, a colleague)
    await t.call(w.repA.key, 'reminders', 'done', { id: doneMeanwhile.id, version: doneMeanwhile.version })
    await t.call(w.repA.key, 'reminders', 'remove', { id: deletedMeanwhile.id })
    const edited = await t.call(w.repA.key, 'reminders', 'update', { id: editedMeanwhile.id, version: editedMeanwhile.version, fields: { title: `中央改的标题${tag()}` } })
    await t.call(w.repA.key, 'reminders', 'update', { id: doneEdited.id, version: doneEdited.version, fields: { dueAt: '2026-03-20T02:00:00.000Z' } })
    const cur = await t.call(w.repA.key, 'interactions', 'get', { id: rec.id })
    await t.call(w.repA.key, 'interactions', 'update', { id: rec.id, version: cur.version, fields: {}, promises: [{ id: p.id, content: '周四前回复', dueDate: '2026-03-12' }] })
    await t.call(w.repA.key, 'interactions', 'remove', { id: goneRec.id })

    await goOnline()
    expect(d.loop.runs[0]).toMatchObject({ ok: true, pushed: 6, applied: 4, rejected: 2, conflicts: 0 })
    const central = (id: string) => t.call(w.repA.key, 'reminders', 'get', { id })
    const dm = await central(doneMeanwhile.id)
    expect(dm.doneAt).not.toBeNull()
    expect(dm.snoozedUntil).toBeNull() // done stays done
    expect(await central(editedMeanwhile.id)).toMatchObject({ title: edited.title, snoozedUntil: '2027-01-04T01:00:00.000Z' })
    expect(await central(doneEdited.id)).toMatchObject({ dueAt: '2026-03-20T02:00:00.000Z' })
    expect((await central(doneEdited.id)).doneAt).not.toBeNull()
    const promise = (await t.call(w.repA.key, 'interactions', 'get', { id: rec.id })).promises[0]
    expect(promise).toMatchObject({ content: '周四前回复' })
    expect(promise.keptAt).not.toBeNull()
    // the refused ones are listed in 同步详情 with their reasons, as any refused offline write
    const details = await ok<{ rejected: Array<{ operation: string; entityId: string; error: { code: string } }> }>('sync', 'details', {})
    expect(details.rejected.map((r) => [r.operation, lower(r.entityId), r.error.code]).sort()).toEqual([
      ['interactions.keepPromise', lower(goneRec.id), 'not_found'], ['reminders.snooze', lower(deletedMeanwhile.id), 'not_found'],
    ].sort())
    // and the cache follows the central database
    expect(await cached(d, 'reminders', deletedMeanwhile.id)).toMatchObject({ deleted_at: expect.anything() })
    expect((await cached(d, 'reminders', editedMeanwhile.id)).title).toBe(edited.title)
  }, 40_000)
})
