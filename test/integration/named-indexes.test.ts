// Reads that name an index (SQLite INDEXED BY: the service tickets' "customer not deleted", the
// open promises by due date, the reports' sales sums) after an interrupted `crm demo` bulk load
// left their indexes dropped (issue 8): the start-up (prepareDb) builds the named ones again, so
// the ticket list answers — with the deleted customer's ticket still hidden — and the next
// `crm demo` restores the rest as before. SQLite, PostgreSQL (never named there: the repair
// leaves it alone), mssql id mode.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff } from './customers.fixtures'
import { prepareDb } from '../../src-main/db/prepare'
import { SQLITE_NAMED_INDEXES } from '../../src-main/db/dialect'
import { restoreSuspended, suspendIndexes } from '../../src-main/cli/demo-bulk'

const quiet = { log: () => undefined, progress: () => undefined, endProgress: () => undefined }
const TABLES = ['customers', 'interactions', 'interaction_promises', 'orders', 'payments', 'customer_sales_sums', 'service_tickets']

describeEachDb('indexes read by name after an interrupted bulk load', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    const typeId = await dictId(t, 'service_type', '维修')
    for (const name of ['留存客户', '将删除客户']) {
      const c = await t.call(s.admin.key, 'customers', 'create', { name, ownerId: s.mgrA1.userId })
      ids[name] = c.id
      ids[`ticket:${name}`] = (await t.call(s.agent.key, 'services', 'create', { customerId: c.id, typeId, summary: `${name}的工单`, request: '设备故障' })).id
    }
    await t.call(s.admin.key, 'customers', 'remove', { id: ids['将删除客户'] })
  })
  afterAll(() => t?.close())

  const listed = async () => (await t.call(s.admin.key, 'services', 'list', { pageSize: 50 })).items.map((x: { id: string }) => x.id.toLowerCase())
  const indexNames = async (): Promise<string[]> =>
    dialect === 'sqlite'
      ? (await k().raw("select name from sqlite_master where type = 'index'")).map((r: { name: string }) => r.name)
      : (await k().raw('select indexname as name from pg_indexes where schemaname = current_schema()')).rows.map((r: { name: string }) => r.name)

  it('the ticket list answers again after the start-up repair, the rest waits for crm demo', async () => {
    const expected = [ids['ticket:留存客户'].toLowerCase()]
    expect(await listed()).toEqual(expected)
    const before = await indexNames()
    for (const n of SQLITE_NAMED_INDEXES) expect(before, n).toContain(n)

    // what an interrupted bulk load leaves: indexes dropped, their definitions kept
    expect(await suspendIndexes(k(), dialect, TABLES)).toBeGreaterThan(SQLITE_NAMED_INDEXES.length)
    const dropped = await indexNames()
    for (const n of SQLITE_NAMED_INDEXES) expect(dropped).not.toContain(n)
    if (dialect === 'sqlite') await expect(listed()).rejects.toThrow(/internal/) // no such index: customers_deleted_ids
    else expect(await listed()).toEqual(expected) // PostgreSQL never names an index: only slower

    await prepareDb(t.app.db, t.clock) // what every start runs
    expect(await listed()).toEqual(expected)
    const suspended = (await k()('bulk_load_suspended').select('name')).map((r: { name: string }) => r.name)
    if (dialect === 'sqlite') {
      const repaired = await indexNames()
      for (const n of SQLITE_NAMED_INDEXES) expect(repaired).toContain(n)
      for (const n of SQLITE_NAMED_INDEXES) expect(suspended).not.toContain(n)
    }
    expect(suspended.length).toBeGreaterThan(0) // the other indexes wait for crm demo

    // and crm demo puts everything back as it was
    await restoreSuspended(k(), dialect, quiet)
    expect(await k()('bulk_load_suspended').count({ n: '*' })).toEqual([{ n: 0 }])
    expect((await indexNames()).sort()).toEqual(before.sort())
    expect(await listed()).toEqual(expected)
  })
})
