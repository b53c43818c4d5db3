// Offline sync (issue 12) against real centrals (a SQLite file and PostgreSQL) and real SQLite
// client caches; failure cases by fault-injection hooks that throw where a process would die.
import { afterAll, beforeAll, expect, it } from 'vitest'
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
})
