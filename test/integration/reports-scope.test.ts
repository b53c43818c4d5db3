// The reports count what the lists show: a report's scope is reports.view's, narrowed to the view
// scope of the list it drills down to (reports/reports.scope.ts). A 销售主管 (reports.view "all",
// customers.view "team") gets team-wide reports, so a 客户构成 slice counts exactly the customers the
// customer list shows for that slice's filter — for every seeded role that may view reports.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff, type Who } from './customers.fixtures'

const TZ = { timeZone: 'Asia/Shanghai' }

describeEachDb('reports scope agrees with the lists', (dialect) => {
  let t: TestApp
  let s: Staff
  const d: Record<string, string> = {}

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
    s = await makeStaff(t)
    d.key = await dictId(t, 'level', '核心客户')
    d.important = await dictId(t, 'level', '重要客户')
    const customer = (name: string, owner: Who, levelId: string) => t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner.userId, levelId })
    await customer('范围一号公司', s.mgrA1, d.key)
    await customer('范围二号公司', s.mgrA1, d.important)
    await customer('范围三号公司', s.mgrA2, d.key)
    await customer('范围四号公司', s.mgrB, d.key)
    await customer('范围五号公司', s.mgrB, d.key)
    await customer('范围六号公司', s.supB, d.important)
  })
  afterAll(async () => {
    await t.close()
  })

  it('a 销售主管 counts his team only: each 客户构成 slice equals the customer list filtered to it', async () => {
    const r = await t.call(s.supA.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level' })
    expect(r.scope).toBe('team')
    expect(r.slices.map((x) => [x.id, x.customers])).toEqual([[d.key, 2], [d.important, 1]])
    for (const slice of r.slices) {
      const list = await t.call(s.supA.key, 'customers', 'list', { filter: { levelId: slice.id! }, page: 1, pageSize: 50 })
      expect([slice.id, list.total]).toEqual([slice.id, slice.customers])
    }
    const b = await t.call(s.supB.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level' })
    expect(b.slices.map((x) => [x.id, x.customers])).toEqual([[d.key, 2], [d.important, 1]])
    // naming another team does not widen it
    const other = await t.call(s.supA.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level', teamId: s.teamB })
    expect(other.customers).toBe(0)
  })

  it('every role that views reports: the report total, its scope and the customer list agree', async () => {
    const expected: Array<[Who, string, number]> = [[s.admin, 'all', 6], [s.exec, 'all', 6], [s.supA, 'team', 3], [s.supB, 'team', 3], [s.mgrA1, 'own', 2], [s.mgrB, 'own', 2]]
    for (const [who, scope, total] of expected) {
      const list = await t.call(who.key, 'customers', 'list', { page: 1, pageSize: 50 })
      for (const report of ['composition', 'churn'] as const) {
        const r = await t.call(who.key, 'reports', report, { ...TZ, period: 'year' })
        expect([who.userId, report, r.scope, r.customers, list.total]).toEqual([who.userId, report, scope, total, total])
      }
      for (const report of ['contribution', 'service', 'followups'] as const) {
        const r = await t.call(who.key, 'reports', report, { ...TZ, period: 'year' })
        expect([who.userId, report, r.scope]).toEqual([who.userId, report, scope])
      }
    }
  })
})
