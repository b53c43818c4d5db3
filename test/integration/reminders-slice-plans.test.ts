// SQLite plans a whole-database run's statements of a slice of the customers' id space by the
// slice's ids. The 购买策略 escalation candidates (escalationsCandidates): With the statistics of a
// 1,000,000-customer file (the demo's: four 客户经理, 250,000 customers each) its planner read each
// owner's customers through customers_owner_id_index instead — 870 ms per slice, one statement
// on the event loop, ~14 minutes a run; every list request of `crm serve` waited ~750 ms behind it
// (BENCHMARKS: "1,000,000 customers on SQLite again"). The promise candidates of the first and the
// last slice (a one-sided range) read every open promise due by today through
// interaction_promises_due_date_index: 1.4 s each. The statistics are planted, so the plans are the
// ones the big file gets.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestApp, type TestApp } from '../helpers/test-app'
import { escalationsCandidates, promiseCandidates, supervisorRows } from '../../src-main/modules/reminders/system-reminders.repository'
import { addCustomer, dictId, freezeClock, makeWorld, type World } from './reminders.fixtures'

describe('a slice’s statements on SQLite (planted statistics of 1,000,000 customers)', () => {
  let t: TestApp
  let w: World

  beforeAll(async () => {
    t = await makeTestApp('sqlite')
    freezeClock(t, '2026-06-15T02:00:00Z')
    w = await makeWorld(t)
    const monthly = await dictId(t, 'purchase_policy', '每月采购')
    for (let i = 0; i < 20; i++) await addCustomer(t, { name: `逾期客户${i}`, ownerId: w.mgrA1.userId, purchasePolicyId: monthly, lastOrderDate: '2026-01-10' })
    const k = t.app.db.knex
    await k.raw('analyze')
    // the statistics of the demo's 1,000,000-customer file (customers, users, reminders, promises, interactions: test/fixtures/sqlite-stat1-1m.json)
    const planted = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/sqlite-stat1-1m.json'), 'utf8')) as Array<{ tbl: string; idx: string | null; stat: string }>
    await k('sqlite_stat1').whereIn('tbl', ['customers', 'users', 'reminders', 'interaction_promises', 'interactions']).delete()
    const stat4 = await k('sqlite_schema').where({ name: 'sqlite_stat4' }).first('name')
    if (stat4) await k('sqlite_stat4').whereIn('tbl', ['customers', 'users', 'reminders', 'interaction_promises', 'interactions']).delete() // the big file has none
    await k('sqlite_stat1').insert(planted)
    await k.raw('analyze sqlite_schema') // the planner reloads the statistics
  })
  afterAll(async () => t?.close())

  it('reads the slice by the customers’ ids, not each owner’s customers; the candidates are the same', async () => {
    const k = t.app.db.knex
    const sups = await supervisorRows(k)
    const teams = [{ teamId: w.teamA, supIds: sups.filter((s) => String(s.team_id) === w.teamA).map((s) => String(s.user_id)) }]
    expect(teams[0]!.supIds).toContain(w.supA.userId)
    const monthly = await dictId(t, 'purchase_policy', '每月采购')
    const policies = [{ id: monthly, lastOrderBy: '2026-04-15' }]
    const slice = { lo: '00000000-0000-0000-0000-000000000000', hi: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }
    const q = escalationsCandidates(k, teams, policies, slice) as unknown as { toSQL(): { toNative(): { sql: string; bindings: unknown[] } } }
    const { sql, bindings } = q.toSQL().toNative()
    const plan = ((await k.raw(`explain query plan ${sql}`, bindings as never)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
    expect(plan).toMatch(/SEARCH c USING INDEX sqlite_autoindex_customers_1 \(id>\? AND id<\?\)/)
    expect(plan).not.toMatch(/customers_owner_id_index/)
    const rows = await escalationsCandidates(k, teams, policies, slice)
    expect(rows).toHaveLength(20)
    expect(new Set(rows.map((r) => String(r.sup_id)))).toEqual(new Set([w.supA.userId]))
  })

  it('the first and the last slice’s promise candidates read the slice’s promises, not every promise due by today', async () => {
    const k = t.app.db.knex
    const plan = async (q: unknown) => {
      const { sql, bindings } = (q as { toSQL(): { toNative(): { sql: string; bindings: unknown[] } } }).toSQL().toNative()
      return ((await k.raw(`explain query plan ${sql}`, bindings as never)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
    }
    for (const slice of [{ lo: null, hi: '40000000-0000-4000-8000-000000000000' }, { lo: 'c0000000-0000-4000-8000-000000000000', hi: null }]) {
      const p = await plan(promiseCandidates(k, '2026-06-15', slice))
      expect(p).toMatch(/SEARCH p USING INDEX interaction_promises_customer_id_index \(customer_id[<>]\?\)/)
      expect(p).not.toMatch(/due_date_index/)
    }
  })
})
