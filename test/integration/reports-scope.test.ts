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

  it('客户构成 by industry, nature, size, source and category: exact slices for a 主管, the company and a team filter; each slice drills down to as many customers in the list', async () => {
    const k = t.app.db.knex
    const id = (type: string, label: string) => dictId(t, type, label)
    const v = {
      edu: await id('industry', '教育'), med: await id('industry', '医疗卫生'), state: await id('nature', '国有企业'), jv: await id('nature', '中外合资'),
      large: await id('size', '大型'), medium: await id('size', '中型'), web: await id('source', '网站广告'), fair: await id('source', '展览会'), end: await id('category', '潜在终端客户'),
    }
    // (一, 二, 三: 甲组; 四, 五, 六: 乙组)
    const set: Array<[string, Record<string, string | null>]> = [
      ['范围一号公司', { industry_id: v.edu, nature_id: v.state, size_id: v.large, source_id: v.web, category_id: v.end }],
      ['范围二号公司', { industry_id: v.med, nature_id: v.jv, size_id: v.medium, source_id: v.web, category_id: v.end }],
      ['范围三号公司', { industry_id: v.edu, nature_id: v.jv, size_id: v.medium, source_id: v.fair, category_id: v.end }],
      ['范围四号公司', { industry_id: v.edu, nature_id: v.state, size_id: v.medium, source_id: null, category_id: v.end }],
      ['范围五号公司', { industry_id: null, nature_id: v.jv, size_id: v.medium, source_id: null, category_id: v.end }],
      ['范围六号公司', { industry_id: null, nature_id: null, size_id: v.medium, source_id: null, category_id: v.end }],
    ]
    for (const [name, cols] of set) await k('customers').where({ name }).update(cols)
    const FILTER = { industry: 'industryId', nature: 'natureId', size: 'sizeId', source: 'sourceId', category: 'categoryId' } as const
    const sorted = (xs: Array<[string | null, number]>) => [...xs].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    const expected: Record<keyof typeof FILTER, { team: Array<[string | null, number]>; all: Array<[string | null, number]> }> = {
      industry: { team: [[v.edu, 2], [v.med, 1]], all: [[v.edu, 3], [v.med, 1], [null, 2]] },
      nature: { team: [[v.state, 1], [v.jv, 2]], all: [[v.state, 2], [v.jv, 3], [null, 1]] },
      size: { team: [[v.large, 1], [v.medium, 2]], all: [[v.large, 1], [v.medium, 5]] },
      source: { team: [[v.web, 2], [v.fair, 1]], all: [[v.web, 2], [v.fair, 1], [null, 3]] },
      category: { team: [[v.end, 3]], all: [[v.end, 6]] },
    }
    for (const dimension of Object.keys(FILTER) as Array<keyof typeof FILTER>) {
      const team = await t.call(s.supA.key, 'reports', 'composition', { ...TZ, period: 'year', dimension })
      const all = await t.call(s.admin.key, 'reports', 'composition', { ...TZ, period: 'year', dimension })
      const narrowed = await t.call(s.admin.key, 'reports', 'composition', { ...TZ, period: 'year', dimension, teamId: s.teamA })
      expect([dimension, sorted(team.slices.map((x) => [x.id, x.customers]))]).toEqual([dimension, sorted(expected[dimension].team)])
      expect([dimension, sorted(all.slices.map((x) => [x.id, x.customers]))]).toEqual([dimension, sorted(expected[dimension].all)])
      expect([dimension, sorted(narrowed.slices.map((x) => [x.id, x.customers]))]).toEqual([dimension, sorted(expected[dimension].team)])
      // the drill-down: the customer list under the slice's filter (and the report's team filter) counts the slice
      for (const [who, r, extra] of [[s.supA, team, {}], [s.admin, all, {}], [s.admin, narrowed, { teamId: s.teamA }]] as const) {
        for (const slice of r.slices) {
          if (!slice.id) continue
          const list = await t.call(who.key, 'customers', 'list', { filter: { [FILTER[dimension]]: slice.id, ...extra }, page: 1, pageSize: 50 })
          expect([dimension, slice.id, list.total]).toEqual([dimension, slice.id, slice.customers])
        }
      }
    }
  })
})
