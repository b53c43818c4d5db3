// The desktop client at run time (issue 12 items 2, 7, 9): the sync timer against real centrals
// (a SQLite file and PostgreSQL) and real SQLite caches — offline detection on a real refused
// connection (a PostgreSQL port nobody listens on, opened with the client's fail-fast settings),
// the queued writes pushed by the timer once the central database answers again, the
// configurable interval, one sync at a time; and the client mode's routing through dispatch()
// (cache reads, offline operations into the outbox, central-only calls refused offline).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import type { AppContext } from '../../src-main/modules/context'
import { openDb } from '../../src-main/db/connection'
import { SyncLoop } from '../../src-main/modules/sync/sync.loop'
import { SyncClient } from '../../src-main/modules/sync/sync.client'
import { DesktopSync } from '../../src-main/modules/sync/sync.desktop'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { makeSyncWorld, openClient, removeClientDirs, type SyncWorld } from './sync.fixtures'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(cond: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(20)
  }
}

/** A port on this machine nobody listens on: a real refused connection. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

describeEachDb('desktop client: sync timer and client mode', (dialect) => {
  let t: TestApp
  let w: SyncWorld
  let down: AppContext
  let n = 0
  const tag = () => `${++n}`
  const dirs: string[] = []

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeSyncWorld(t, 'loop')
    const port = await closedPort()
    down = { ...t.app, db: openDb({ dialect: 'postgres', url: `postgres://crm:crm@127.0.0.1:${port}/none` }, { failFast: true }) }
  })
  afterAll(async () => {
    await down?.db.knex.destroy()
    await t?.close()
    removeClientDirs()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  const k = () => t.app.db.knex
  const note = (customerId: string, subject: string) => ({ customerId, channelId: w.channel, occurredAt: '2026-01-05T10:00:00+08:00', subject, promises: [] })
  const countNotes = async (subject: string) => Number((await k()('interactions').where({ subject }).count({ n: '*' }).first())!.n)

  it('goes offline on a refused connection without hanging, and the timer pushes the queued writes once the central database answers', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `定时推送客户${tag()}` })
    const c = await openClient()
    let central: AppContext = t.app
    const loop = new SyncLoop(c, async () => central, { intervalMs: 60_000, retryMs: 100, login: w.repA.login })
    expect(await loop.now()).not.toBeNull()
    expect(loop.mode).toBe('online')

    central = down
    const started = Date.now()
    expect(await loop.now()).toBeNull()
    expect(Date.now() - started).toBeLessThan(8_000) // refused, not hung
    expect(loop.mode).toBe('offline')
    expect(loop.runs[0]).toMatchObject({ ok: false, reachable: false, error: { code: 'db_unreachable' } })

    // offline writes wait in the outbox; the timer keeps trying by itself
    const subject = `离线定时${tag()}`
    await c.write('interactions.create', note(cust.id, subject))
    expect((await c.state()).pending).toBe(1)
    loop.start()
    await sleep(400)
    expect(loop.mode).toBe('offline')
    const failedSoFar = loop.runs.filter((r) => !r.ok).length
    expect(failedSoFar).toBeGreaterThanOrEqual(2) // retried on the timer, no new local write needed
    expect(await countNotes(subject)).toBe(0)

    central = t.app // the central database answers again
    await until(() => loop.mode === 'online')
    await loop.stop()
    expect(await countNotes(subject)).toBe(1)
    expect((await c.state()).pending).toBe(0)
    expect(loop.runs[0]).toMatchObject({ ok: true, reachable: true, pushed: 1, applied: 1 })
    expect(loop.lastSuccessAt).not.toBeNull()
    await c.close()
  })

  it('a failure of the central database that is not a lost connection keeps the client online and shows the error', async () => {
    const c = await openClient()
    const loop = new SyncLoop(c, async () => t.app, { intervalMs: 60_000, retryMs: 60_000, login: `nobody${tag()}` })
    expect(await loop.now()).toBeNull()
    expect(loop.mode).toBe('online')
    expect(loop.runs[0]).toMatchObject({ ok: false, reachable: true, error: { code: 'not_found' } })
    await loop.stop()
    await c.close()
  })

  it('the 同步详情 run history is kept in the client cache: the newest runs survive a restart, older ones are pruned', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `历史客户${tag()}` })
    const c = await openClient()
    let central: AppContext = t.app
    const loop = new SyncLoop(c, async () => central, { intervalMs: 60_000, retryMs: 60_000, login: w.repA.login, keepRuns: 3 })
    await loop.now()
    await loop.now()
    central = down
    await loop.now()
    central = t.app
    await c.write('interactions.create', note(cust.id, `历史${n}`))
    await loop.now()
    await loop.stop()
    expect(loop.runs).toHaveLength(3)
    const before = loop.runs.map((r) => ({ ...r }))
    const dir = c.dir
    await c.close()

    // the app restarts: a new client on the same folder, a new timer
    const again = await SyncClient.open(dir)
    const restarted = new SyncLoop(again, async () => t.app, { intervalMs: 60_000, retryMs: 60_000, keepRuns: 3 })
    await restarted.ready
    expect(restarted.runs).toEqual(before)
    expect(restarted.runs[0]).toMatchObject({ ok: true, pushed: 1, applied: 1 })
    expect(restarted.runs[1]).toMatchObject({ ok: false, reachable: false, error: { code: 'db_unreachable' } })
    expect(Number((await again.local.db.knex('sync_runs').count({ n: '*' }).first())!.n)).toBe(3)
    // a new run goes on top and the oldest leaves, in memory and in the cache
    await restarted.now()
    await restarted.stop()
    expect(restarted.runs.slice(1)).toEqual(before.slice(0, 2))
    expect((await again.runs(10)).map((r) => r.startedAt)).toEqual(restarted.runs.map((r) => r.startedAt))
    await again.close()
  })

  it('syncs every interval; a new interval applies at once', async () => {
    const c = await openClient()
    const loop = new SyncLoop(c, async () => t.app, { intervalMs: 60_000, retryMs: 60_000, login: w.repA.login })
    loop.start()
    await until(() => loop.runs.length === 1)
    await sleep(500)
    expect(loop.runs.length).toBe(1) // the 60 s interval: nothing more yet
    loop.setInterval(150)
    await until(() => loop.runs.length >= 4, 10_000)
    loop.setInterval(60_000)
    await until(() => loop.mode !== 'syncing') // a running sync ends, and schedules by the new interval
    const settled = loop.runs.length
    await sleep(700)
    expect(loop.runs.length).toBe(settled)
    expect(loop.runs.every((r) => r.ok)).toBe(true)
    await loop.stop()
    await c.close()
  })

  it('never runs two syncs at once: 立即同步, nudges and the timer join or follow the running one', async () => {
    const c = await openClient()
    let inside = 0
    let most = 0
    const loop = new SyncLoop(c, async () => t.app, {
      intervalMs: 20, retryMs: 20, login: w.repA.login, nudgeMs: 5,
      hooks: {
        beforeSync: async () => {
          inside++
          most = Math.max(most, inside)
          await sleep(60)
          inside--
        },
      },
    })
    const first = loop.now()
    const again = loop.now()
    expect(again).toBe(first) // joins the running one
    await Promise.all([first, again, loop.now()])
    expect(loop.started).toBe(1)
    loop.start()
    // nudges and 立即同步 every 15 ms until several syncs ran (a loaded machine makes each take longer)
    for (let i = 0; i < 15 || (loop.started <= 2 && i < 700); i++) {
      loop.nudge()
      void loop.now()
      await sleep(15)
    }
    await loop.stop()
    expect(loop.started).toBeGreaterThan(2)
    expect(most).toBe(1)
    expect(loop.maxActive).toBe(1)
    await c.close()
  })

  it('client mode: cached reads and offline operations run on the cache, central-only calls are refused offline, the interval is kept', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `客户端模式${tag()}` })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-desktop-client-'))
    dirs.push(dir)
    let central: AppContext = t.app
    const open = () =>
      DesktopSync.open({ clientDir: dir, central: { dialect: 'sqlite', file: path.join(dir, 'unused.sqlite') }, dataDir: dir, browserMode: true, login: w.repA.login, retryMs: 60_000, openCentral: () => central })
    const d = await open()
    await d.start() // a new folder: the first sync runs before it answers
    const sessions = new SessionStore()
    const deps = { app: d.cache, sessions, client: d }
    sessions.set('rep', w.repA.userId)
    const call = async (area: string, name: string, input: unknown) => dispatch(deps, area, name, input, 'rep')

    // a cached read answers from the cache (a central-only row is not there)
    const list = await call('customers', 'list', { page: 1, pageSize: 20, filter: { search: cust.name } })
    expect(list).toMatchObject({ ok: true, data: { total: 1 } })
    const status = await call('sync', 'status', {})
    expect(status).toMatchObject({ ok: true, data: { enabled: true, mode: 'online', pending: 0, intervalSeconds: 60 } })

    // offline: the central database refuses connections
    central = down
    expect(await d.loop.now()).toBeNull()
    const subject = `客户端模式离线${tag()}`
    const made = await call('interactions', 'create', note(cust.id, subject))
    expect(made.ok).toBe(true)
    expect(await d.client.local.db.knex('interactions').where({ subject }).first()).toBeTruthy()
    expect(await countNotes(subject)).toBe(0)
    expect(await call('sync', 'status', {})).toMatchObject({ ok: true, data: { mode: 'offline', pending: 1 } })
    const started = Date.now()
    const refused = await call('orders', 'list', { page: 1, pageSize: 20 })
    expect(Date.now() - started).toBeLessThan(1000) // refused at once, no connection attempt
    expect(refused).toMatchObject({ ok: false, error: { code: 'db_unreachable', key: 'sync.needsCentral' } })
    // a cached read still answers; the open opportunities and tickets come from the cache offline
    expect(await call('interactions', 'listByCustomer', { customerId: cust.id })).toMatchObject({ ok: true })
    expect(await call('opportunities', 'list', { page: 1, pageSize: 20 })).toMatchObject({ ok: true })
    // 执行效果, handling notes and attachments are offline operations while offline, central calls online
    expect(['opportunities.recordResult', 'services.addNote', 'interactions.addAttachment'].map((c) => d.route(...(c.split('.') as [string, string])))).toEqual(['write', 'write', 'write'])

    // back: 立即同步 through the sync area pushes the note
    central = t.app
    expect(await call('sync', 'now', {})).toMatchObject({ ok: true, data: { mode: 'online', pending: 0 } })
    expect(await countNotes(subject)).toBe(1)
    expect(await call('opportunities', 'list', { page: 1, pageSize: 20 })).toMatchObject({ ok: true })
    expect(['opportunities.recordResult', 'services.addNote', 'opportunities.list'].map((c) => d.route(...(c.split('.') as [string, string])))).toEqual(['central', 'central', 'central'])
    const details = await call('sync', 'details', {})
    if (!details.ok) throw new Error(details.error.message)
    const runs = (details.data as { runs: unknown[] }).runs
    expect(runs[0]).toMatchObject({ ok: true, pushed: 1 })
    expect(runs[1]).toMatchObject({ ok: false, reachable: false })

    // the interval is a setting of the client folder: kept across a restart, bounds checked
    expect(await call('sync', 'saveSettings', { intervalSeconds: 2 })).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(await call('sync', 'saveSettings', { intervalSeconds: 15 })).toMatchObject({ ok: true, data: { intervalSeconds: 15 } })
    expect(d.loop.intervalMs).toBe(15_000)
    await d.close()
    const again = await open()
    expect(again.loop.intervalMs).toBe(15_000)
    await again.close()
  })

  it('outside client mode the sync area says so', async () => {
    expect(await t.call(w.repA.key, 'sync', 'status', {})).toMatchObject({ enabled: false })
    expect(await t.raw(w.repA.key, 'sync', 'now', {})).toMatchObject({ ok: false, error: { code: 'rule', key: 'sync.notClient' } })
  })
})
