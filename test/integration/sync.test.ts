// Offline sync (issue 12) against real centrals (a SQLite file and PostgreSQL) and real SQLite
// client caches; failure cases by fault-injection hooks that throw where a process would die.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { AdjustableClock } from '../../src-main/db/clock'
import { SyncClient } from '../../src-main/modules/sync/sync.client'
import { crashAt, makeSyncWorld, openClient, removeClientDirs, type SyncWorld } from './sync.fixtures'

describeEachDb('offline sync', (dialect) => {
  let t: TestApp
  let w: SyncWorld
  let n = 0
  const tag = () => `${++n}`

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeSyncWorld(t, 'x')
  })
  afterAll(async () => {
    await t?.close()
    removeClientDirs()
  })

  const central = () => t.app
  const k = () => t.app.db.knex
  const newCustomer = async (key: string, name: string, extra: Record<string, unknown> = {}) => t.call(key, 'customers', 'create', { name, ...extra })
  const note = (customerId: string, subject: string) => ({ customerId, channelId: w.channel, occurredAt: '2026-01-05T10:00:00+08:00', subject, promises: [] })
  const countNotes = async (subject: string) => Number((await k()('interactions').where({ subject }).count({ n: '*' }).first())!.n)

  async function syncedClient(rep = w.repA, clock?: AdjustableClock): Promise<SyncClient> {
    const c = await openClient(clock)
    await c.sync(central(), { login: rep.login })
    return c
  }

  it('first fill holds what the rep may see and the dictionary; offline writes push, then come back as the central database stored them', async () => {
    const mine = await newCustomer(w.repA.key, `深圳同步科技${tag()}`)
    const theirs = await newCustomer(w.repB.key, `杭州别人家${tag()}`)
    const c = await syncedClient()
    const lk = c.local.db.knex
    expect(await lk('customers').where({ id: mine.id }).first()).toBeTruthy()
    expect(await lk('customers').where({ id: theirs.id }).first()).toBeUndefined()
    expect(await c.liveCount('dict_items')).toBeGreaterThan(10)
    // an offline visit and a new customer with a contact: local rows plus outbox entries
    const cust = (await c.write('customers.create', { name: `离线新客户${tag()}` })) as { id: string; code: string }
    await c.write('contacts.create', { customerId: cust.id, fields: { name: '李四', mobile: '13800138000' } })
    const subject = `离线拜访${tag()}`
    await c.write('interactions.create', { ...note(mine.id, subject), promises: [{ content: '下周寄样品', dueDate: '2026-01-12' }] })
    expect((await c.state()).pending).toBe(3)
    expect(await lk('interactions').where({ subject }).first()).toBeTruthy()
    const r = await c.sync(central())
    expect(r).toMatchObject({ pushed: 3, applied: 3, rejected: [], conflicts: 0 })
    expect((await c.state()).pending).toBe(0)
    // central has each write once, under the ids the client chose
    expect(await countNotes(subject)).toBe(1)
    const centralCust = await k()('customers').where({ id: cust.id }).first()
    expect(centralCust.code).toMatch(/^KH-/)
    // the cache now holds the central copies: the central code, the central promise ids, no duplicates
    expect((await lk('customers').where({ id: cust.id }).first()).code).toBe(centralCust.code)
    const note1 = await lk('interactions').where({ subject }).first()
    const promisesLocal = await lk('interaction_promises').where({ interaction_id: note1.id })
    const promisesCentral = await k()('interaction_promises').where({ interaction_id: note1.id })
    expect(promisesLocal.map((p: { id: string }) => p.id)).toEqual(promisesCentral.map((p: { id: string }) => p.id))
    await c.close()
  })

  it('case 1 and 4: killed (or timed out) after the central commit, before the local acknowledgement → the re-push changes nothing', async () => {
    const cust = await newCustomer(w.repA.key, `重推测试${tag()}`)
    const c = await syncedClient()
    const subject = `只一次${tag()}`
    await c.write('interactions.create', note(cust.id, subject))
    await c.write('customers.update', { id: cust.id, version: Number((await c.local.db.knex('customers').where({ id: cust.id }).first()).version), fields: { city: '东莞' } })
    await expect(c.sync(central(), { hooks: { beforeLocalAck: crashAt(1) } })).rejects.toThrow('simulated crash')
    expect(await countNotes(subject)).toBe(1)
    expect((await c.state()).pending).toBe(2) // the client never learned the answer
    const versionAfterFirst = Number((await k()('customers').where({ id: cust.id }).first()).version)
    // a push that "times out" after the central commit of its first mutation
    await expect(c.sync(central(), { hooks: { afterCentralCommit: crashAt(1, 'timeout') } })).rejects.toThrow('timeout')
    const r = await c.sync(central())
    expect(r.applied).toBe(2)
    expect(await countNotes(subject)).toBe(1)
    expect(Number((await k()('customers').where({ id: cust.id }).first()).version)).toBe(versionAfterFirst)
    expect((await k()('customers').where({ id: cust.id }).first()).city).toBe('东莞')
    expect((await c.state()).pending).toBe(0)
    await c.close()
  })

  it('case 2: killed mid-pull → the next sync goes on from the stored page, no gap, nothing re-queued', async () => {
    const c = await syncedClient()
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push((await newCustomer(w.repA.key, `分页客户${tag()}`)).id)
    // three versions a page: the crash after the first page leaves its rows and cursor stored
    const small = { pageRows: 3 }
    await expect(c.sync(central(), { hooks: { afterPullPage: crashAt(1) }, ...small })).rejects.toThrow('simulated crash')
    const cursorAfterCrash = (await c.state()).cursor
    const have = await c.local.db.knex('customers').whereIn('id', ids).count({ n: '*' }).first()
    expect(Number(have!.n)).toBeGreaterThan(0)
    expect(Number(have!.n)).toBeLessThan(12)
    await c.sync(central(), small)
    expect((await c.state()).cursor).toBeGreaterThan(cursorAfterCrash)
    expect(Number((await c.local.db.knex('customers').whereIn('id', ids).count({ n: '*' }).first())!.n)).toBe(12)
    expect((await c.state()).pending).toBe(0)
    expect((await c.outbox()).length).toBe(0)
    await c.close()
  })

  const localRow = async (c: SyncClient, table: string, id: string) => c.local.db.knex(table).where({ id }).first()
  const edit = async (c: SyncClient, id: string, fields: Record<string, unknown>) =>
    c.write('customers.update', { id, version: Number((await localRow(c, 'customers', id)).version), fields })
  const centralEdit = async (key: string, id: string, fields: Record<string, unknown>) =>
    t.call(key, 'customers', 'update', { id, version: Number((await k()('customers').where({ id }).first()).version), fields })

  it('case 3: a central transaction that commits late still arrives (versions are handed out in commit order)', async () => {
    const cust = await newCustomer(w.repA.key, `晚提交${tag()}`)
    const second = await newCustomer(w.repA.key, `后提交${tag()}`)
    const c = await syncedClient()
    // the late writer: another connection that takes its version and holds its transaction open
    const { nextVersion } = await import('../../src-main/db/tx')
    const other = dialect === 'sqlite'
      ? (await import('../../src-main/db/connection')).openDb({ dialect: 'sqlite', file: `${t.app.dataDir}/crm.sqlite` }).knex
      : t.app.db.knex
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let taken!: () => void
    const versionTaken = new Promise<void>((r) => (taken = r))
    const late = other.transaction(async (trx) => {
      const v = await nextVersion(trx)
      await trx('customers').where({ id: cust.id }).update({ city: '晚到的城市', version: v })
      taken()
      await held
    })
    await versionTaken
    // PostgreSQL: a later write waits for the held version (SQLite: one writer at a time, so none starts)
    const later = dialect === 'postgres' ? centralEdit(w.repA.key, second.id, { city: '后来' }) : null
    await c.sync(central())
    expect((await localRow(c, 'customers', cust.id)).city).toBeNull()
    expect((await localRow(c, 'customers', second.id)).city).toBeNull()
    release()
    await late
    if (later) await later
    await c.sync(central())
    expect((await localRow(c, 'customers', cust.id)).city).toBe('晚到的城市')
    if (later) expect((await localRow(c, 'customers', second.id)).city).toBe('后来')
    if (dialect === 'sqlite') await other.destroy()
    await c.close()
  })

  it('case 7: the same field changed on both sides → 冲突 with both values, the choice syncs; other fields merge; a client clock a day off changes nothing', async () => {
    for (const offsetDays of [1, -1]) {
      const clock = new AdjustableClock()
      clock.advance(offsetDays * 86_400_000)
      const cust = await newCustomer(w.repA.key, `冲突测试${tag()}`, { city: '广州', phone: '13800000001' })
      const c = await syncedClient(w.repA, clock)
      await edit(c, cust.id, { city: '佛山', address: '佛山市禅城区季华路1号' })
      await centralEdit(w.supA.key, cust.id, { city: '深圳', phone: '13900000002' })
      const r = await c.sync(central())
      expect(r).toMatchObject({ applied: 1, conflicts: 1 })
      const after = await k()('customers').where({ id: cust.id }).first()
      expect({ city: after.city, address: after.address, phone: after.phone }).toEqual({ city: '深圳', address: '佛山市禅城区季华路1号', phone: '13900000002' })
      const conflicts = await c.conflicts()
      expect(conflicts).toHaveLength(1)
      expect(conflicts[0]).toMatchObject({ entity: 'customers', entityId: cust.id, field: 'city', base: '广州', local: '佛山', central: '深圳' })
      // the cache shows the central value until the user picks
      expect((await localRow(c, 'customers', cust.id)).city).toBe('深圳')
      await c.resolve(conflicts[0].id, { keep: 'local' })
      expect(await c.conflicts()).toHaveLength(0)
      const r2 = await c.sync(central())
      expect(r2).toMatchObject({ applied: 1, conflicts: 0 })
      expect((await k()('customers').where({ id: cust.id }).first()).city).toBe('佛山')
      expect((await localRow(c, 'customers', cust.id)).city).toBe('佛山')
      await c.close()
    }
  })

  it('case 7 (contacts): fields changed on one side only merge silently', async () => {
    const cust = await newCustomer(w.repA.key, `联系人合并${tag()}`)
    const ct = await t.call(w.repA.key, 'contacts', 'create', { customerId: cust.id, fields: { name: '王五', title: '采购' } })
    const c = await syncedClient()
    await c.write('contacts.update', { id: ct.id, version: Number((await localRow(c, 'contacts', ct.id)).version), fields: { mobile: '13912345678' } })
    await t.call(w.repA.key, 'contacts', 'update', { id: ct.id, version: ct.version, fields: { title: '采购经理' } })
    const r = await c.sync(central())
    expect(r).toMatchObject({ applied: 1, conflicts: 0 })
    const row = await k()('contacts').where({ id: ct.id }).first()
    expect({ mobile: row.mobile, title: row.title }).toEqual({ mobile: '13912345678', title: '采购经理' })
    expect({ mobile: (await localRow(c, 'contacts', ct.id)).mobile, title: (await localRow(c, 'contacts', ct.id)).title }).toEqual({ mobile: '13912345678', title: '采购经理' })
    await c.close()
  })

  it('case 6: a change the central database refuses (customer reassigned away) is reported with its reason and the queue goes on', async () => {
    const lost = await newCustomer(w.repA.key, `被转走${tag()}`)
    const kept = await newCustomer(w.repA.key, `还在${tag()}`)
    const c = await syncedClient()
    await edit(c, lost.id, { city: '珠海' })
    const subject = `之后的记录${tag()}`
    await c.write('interactions.create', note(kept.id, subject))
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [lost.id], ownerId: w.repB.userId })
    const r = await c.sync(central())
    expect(r.applied).toBe(1)
    expect(r.rejected).toHaveLength(1)
    expect(r.rejected[0]).toMatchObject({ operation: 'customers.update', error: { code: 'not_found' } })
    expect(await countNotes(subject)).toBe(1)
    expect((await k()('customers').where({ id: lost.id }).first()).city).toBeNull()
    const box = await c.outbox()
    expect(box.map((e) => e.status)).toEqual(['rejected', 'applied'])
    await c.close()
  })

  it('case 8: central delete while the rep adds notes offline → the notes are kept on the tombstone for review, the edit is refused, the rep is told', async () => {
    const cust = await newCustomer(w.repA.key, `被删除${tag()}`)
    const c = await syncedClient()
    const subject = `删除后的拜访${tag()}`
    await c.write('interactions.create', note(cust.id, subject))
    await edit(c, cust.id, { city: '中山' })
    await t.call(w.admin.key, 'customers', 'remove', { id: cust.id })
    const r = await c.sync(central())
    expect(r.kept).toBe(1)
    expect(r.rejected.map((x) => x.operation)).toEqual(['customers.update'])
    const kept = await k()('interactions').where({ subject }).first()
    expect(kept.customer_id).toBe(cust.id)
    expect(kept.deleted_at).toBeTruthy()
    const audit = await k()('audit_log').where({ entity: 'interaction', entity_id: kept.id }).first()
    expect(audit.parent_id ?? audit.parentId).toBe(cust.id)
    expect(String(audit.changes)).toContain('keptOnDeletedCustomer')
    expect((await c.outbox())[0].result).toMatchObject({ status: 'kept', key: 'sync.keptOnDeletedCustomer' })
    expect((await localRow(c, 'customers', cust.id)).deleted_at).toBeTruthy()
    await c.close()
  })

  it('case 10: a customer reassigned from rep A to rep B leaves A\'s cache with its records and arrives in B\'s', async () => {
    const cust = await newCustomer(w.repA.key, `转交客户${tag()}`)
    await t.call(w.repA.key, 'contacts', 'create', { customerId: cust.id, fields: { name: '赵六' } })
    await t.call(w.repA.key, 'interactions', 'create', note(cust.id, `转交前记录${tag()}`))
    const a = await syncedClient(w.repA)
    const b = await syncedClient(w.repB)
    expect(await localRow(a, 'customers', cust.id)).toBeTruthy()
    expect(await localRow(b, 'customers', cust.id)).toBeUndefined()
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [cust.id], ownerId: w.repB.userId })
    const ra = await a.sync(central())
    expect(ra.removed).toBeGreaterThan(0)
    expect(await localRow(a, 'customers', cust.id)).toBeUndefined()
    expect(await a.local.db.knex('contacts').where({ customer_id: cust.id }).first()).toBeUndefined()
    expect(await a.local.db.knex('interactions').where({ customer_id: cust.id }).first()).toBeUndefined()
    await b.sync(central())
    expect(await localRow(b, 'customers', cust.id)).toBeTruthy()
    expect(await b.local.db.knex('contacts').where({ customer_id: cust.id }).first()).toBeTruthy()
    expect(await b.local.db.knex('interactions').where({ customer_id: cust.id }).first()).toBeTruthy()
    await a.close()
    await b.close()
  })

  it('case 9: offline past the tombstone retention → uploads first, then reloads; nothing lost', async () => {
    const cust = await newCustomer(w.repA.key, `超期客户${tag()}`)
    const c = await syncedClient()
    const subject = `超期记录${tag()}`
    await c.write('interactions.create', note(cust.id, subject))
    const head = await k()('sync_version').where({ id: 1 }).first()
    await k()('sync_version').where({ id: 1 }).update({ tombstone_floor: Number(head.version) + 1 })
    try {
      const r = await c.sync(central())
      expect(r).toMatchObject({ applied: 1, reloaded: true })
      expect(await countNotes(subject)).toBe(1)
      expect(await c.local.db.knex('interactions').where({ subject }).count({ n: '*' }).first()).toMatchObject({ n: 1 })
      expect(await localRow(c, 'customers', cust.id)).toBeTruthy()
    } finally {
      await k()('sync_version').where({ id: 1 }).update({ tombstone_floor: 0 })
    }
    await c.close()
  })

  it('case 11: queued changes of an older schema apply; of a newer schema (unknown here) they are held, never dropped', async () => {
    const cust = await newCustomer(w.repA.key, `旧版本${tag()}`)
    const c = await syncedClient()
    const s1 = `旧版本记录${tag()}`
    const s2 = `新版本记录${tag()}`
    await c.write('interactions.create', note(cust.id, s1))
    await c.write('interactions.create', note(cust.id, s2))
    const lk = c.local.db.knex
    await lk('sync_outbox').where({ mutation_id: 1 }).update({ schema_version: '20261206001400_orders-payments' })
    await lk('sync_outbox').where({ mutation_id: 2 }).update({ schema_version: '20991231000000_from-the-future' })
    const r = await c.sync(central())
    expect(r).toMatchObject({ applied: 1, held: 1 })
    expect(await countNotes(s1)).toBe(1)
    expect(await countNotes(s2)).toBe(0)
    expect((await c.state()).pending).toBe(1)
    // still queued after more syncs; the offline note stays in the cache
    await c.sync(central())
    expect((await c.outbox()).find((e) => e.mutationId === 2)?.status).toBe('held')
    expect(await lk('interactions').where({ subject: s2 }).first()).toBeTruthy()
    // once the central database knows that schema, it goes through
    await lk('sync_outbox').where({ mutation_id: 2 }).update({ schema_version: '20261206001900_sync-outbox' })
    expect(await c.sync(central())).toMatchObject({ applied: 1, held: 0 })
    expect(await countNotes(s2)).toBe(1)
    await c.close()
  })

  it('case 12: central restored from a backup (new epoch) → the client uploads what the central database lost, then reloads', async () => {
    const cust = await newCustomer(w.repA.key, `恢复客户${tag()}`)
    const c = await syncedClient()
    const s1 = `恢复前记录${tag()}`
    await c.write('interactions.create', note(cust.id, s1))
    await c.sync(central())
    const clientId = (await c.state()).clientId
    const before = Number((await k()('sync_clients').where({ client_id: clientId }).first()).last_mutation_id)
    // "restore": the backup predates the note; the register of this client is as it was then
    const lostId = (await k()('interactions').where({ subject: s1 }).first()).id
    await k()('audit_log').where({ entity_id: lostId }).del()
    await k()('interactions').where({ id: lostId }).del()
    await k()('sync_mutation_results').where({ client_id: clientId }).where('mutation_id', '>', before - 1).del()
    await k()('sync_clients').where({ client_id: clientId }).update({ last_mutation_id: before - 1 })
    await k()('sync_version').where({ id: 1 }).update({ epoch_id: crypto.randomUUID() })
    const s2 = `恢复后记录${tag()}`
    await c.write('interactions.create', note(cust.id, s2))
    const r = await c.sync(central())
    expect(r).toMatchObject({ epochChanged: true, reloaded: true, applied: 2 })
    expect(await countNotes(s1)).toBe(1)
    expect(await countNotes(s2)).toBe(1)
    expect(await c.local.db.knex('interactions').whereIn('subject', [s1, s2]).count({ n: '*' }).first()).toMatchObject({ n: 2 })
    await c.close()
  })

  it('case 5: a transient failure is retried on the timer, with no new local write needed', async () => {
    const cust = await newCustomer(w.repA.key, `重试客户${tag()}`)
    const c = await syncedClient()
    const subject = `重试记录${tag()}`
    await c.write('interactions.create', note(cust.id, subject))
    const { SyncLoop } = await import('../../src-main/modules/sync/sync.loop')
    let failures = 0
    const loop = new SyncLoop(c, async () => central(), {
      intervalMs: 60_000, retryMs: 50,
      hooks: { beforeSync: () => { if (failures++ < 2) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) } },
    })
    loop.start()
    const until = Date.now() + 20_000
    while (loop.mode !== 'online' && Date.now() < until) await new Promise((r) => setTimeout(r, 25))
    loop.stop()
    expect(failures).toBe(3) // two failed attempts, then the timer's third one went through
    expect(loop.mode).toBe('online')
    expect(await countNotes(subject)).toBe(1)
    expect((await c.state()).pending).toBe(0)
    await c.close()
  })

  it('case 13: 5,000 rows of Chinese text and timestamps round trip identically (one bulk version larger than a page)', async () => {
    const { insertChunked } = await import('../../src-main/db/dialect')
    const { nextVersion } = await import('../../src-main/db/tx')
    const texts = ['广州市天河区珠江新城花城大道８５号', '𠮷野家（生僻字）、繁體與简体混排', '引号\'"与反斜杠\\和%_通配符', '表情😀与换行\n第二行', '　全角空格　']
    const ids: string[] = []
    await k().transaction(async (trx) => {
      const v = await nextVersion(trx)
      const rows = Array.from({ length: 5000 }, (_, i) => {
        const id = crypto.randomUUID()
        ids.push(id)
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 0) + i * 61_001).toISOString()
        return {
          id, code: `KH-RT-${String(i).padStart(6, '0')}-${tag()}`, name: `往返测试客户${i}号·${texts[i % texts.length]}`, owner_id: w.repB.userId,
          customer_type: 'company', status: 'normal', order_count: 0, notes: texts[(i + 2) % texts.length].repeat(3), address: texts[i % texts.length],
          created_at: at, updated_at: at, last_contact_at: at, version: v,
        }
      })
      await insertChunked(trx, dialect, 'customers', rows)
    })
    const c = await openClient()
    const r = await c.sync(central(), { login: w.repB.login, pageRows: 1000 })
    expect(r.pulled).toBeGreaterThanOrEqual(5000)
    const pick = (x: Record<string, unknown>) => ({ id: x.id, name: x.name, notes: x.notes, address: x.address, created_at: x.created_at, last_contact_at: x.last_contact_at, version: Number(x.version) })
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v)
    const norm = (x: Record<string, unknown>) => ({ ...pick(x), created_at: iso(x.created_at), last_contact_at: iso(x.last_contact_at) })
    const centralRows = (await k()('customers').whereIn('id', ids.slice(0, 500))).concat(await k()('customers').whereIn('id', ids.slice(500, 1000)))
    const localRows = await c.local.db.knex('customers').whereIn('id', ids.slice(0, 1000))
    const byId = new Map(localRows.map((x: Record<string, unknown>) => [x.id, norm(x)]))
    expect(centralRows).toHaveLength(1000)
    for (const x of centralRows) expect(byId.get(x.id)).toEqual(norm(x))
    expect(Number((await c.local.db.knex('customers').whereIn('id', ids.slice(0, 500)).count({ n: '*' }).first())!.n)).toBe(500)
    expect(await c.liveCount('customers')).toBeGreaterThanOrEqual(5000)
    // and back: offline notes in Chinese arrive centrally as written
    const subject = `往返记录${tag()}·${texts[1]}`
    for (let i = 0; i < 20; i++) await c.write('interactions.create', { ...note(ids[i], `${subject}${i}`), detail: texts[i % texts.length] })
    expect(await c.sync(central())).toMatchObject({ applied: 20 })
    const back = await k()('interactions').where('subject', 'like', `往返记录%`).whereIn('customer_id', ids.slice(0, 20)).orderBy('subject')
    expect(back).toHaveLength(20)
    // as the cache stored them (the contract trims typed text the same way on both sides)
    const mineLocal = new Map((await c.local.db.knex('interactions').whereIn('id', back.map((x: { id: string }) => x.id))).map((x: Record<string, unknown>) => [x.id, x]))
    for (const x of back) {
      expect(mineLocal.get(x.id)).toMatchObject({ subject: x.subject, detail: x.detail })
      expect(String(x.detail)).toContain(texts[Number(String(x.subject).slice(subject.length)) % texts.length].trim())
    }
    await c.close()
  })
})

describe('offline sync on SQL Server (compiled SQL only: no SQL Server runs here)', () => {
  it('case 13: 5,000 pulled rows and refresh lists compile to statements under 2,100 parameters', async () => {
    const { compilerOnly } = await import('../../src-main/db/connection')
    const { chunkRows } = await import('../../src-main/db/dialect')
    const { rowsWhereInQuery, IDS_PER_QUERY } = await import('../../src-main/modules/sync/sync.repository')
    const ms = compilerOnly('mssql')
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      id: crypto.randomUUID(), code: `KH-${i}`, name: `客户${i}`, notes: '中文备注', address: '地址', owner_id: crypto.randomUUID(), customer_type: 'company',
      status: 'normal', order_count: 0, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', last_contact_at: null, version: 7,
    }))
    const chunks = chunkRows('mssql', rows)
    expect(chunks.flat()).toHaveLength(5000)
    for (const ch of chunks) {
      const sql = ms('customers').insert(ch).toSQL()
      expect(sql.bindings.length).toBeLessThan(2100)
      expect(sql.sql).toMatch(/^insert into \[customers\]/)
    }
    const ids = rows.map((r) => r.id)
    const q = rowsWhereInQuery(ms, 'customers', 'id', ids.slice(0, IDS_PER_QUERY), { scope: 'team', userId: ids[0], teamId: ids[1] }).toSQL()
    expect(q.bindings.length).toBeLessThan(2100)
    expect(q.sql).toContain('[team_id]')
  })
})
