// 销售漏斗与业绩 (统计报表) through dispatch on SQLite and PostgreSQL (and in mssql id mode): the funnel
// (opportunities service) and 销售业绩 (targets service) against a hand-built data set — nine
// opportunities written directly, orders walked through the real flow (order_stats), targets set
// through the targets calls — so every figure below is worked out by hand; per manager, team and
// region; the filters; the scope (a 客户经理 counts only his own, a 销售主管 his team); the
// permission; the .xlsx export read back.
import ExcelJS from 'exceljs'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { rebuildOpportunityStats } from '../../src-main/modules/opportunities/stats.repository'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, expectCode, makeStaff, type Staff, type Who } from './customers.fixtures'
import { draft, walk } from './orders.fixtures'

const TZ = { timeZone: 'Asia/Shanghai' }
const YEAR = { ...TZ, period: 'year' as const }

describeEachDb('reports: 销售漏斗与业绩', (dialect) => {
  let t: TestApp
  let s: Staff
  const c: Record<string, string> = {}
  const d: Record<string, string> = {}
  const stage: string[] = []
  let seq = 0

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
    s = await makeStaff(t)
    const k = t.app.db.knex
    for (const [key, type, label] of [['south', 'region', '华南'], ['east', 'region', '华东'], ['key', 'level', '核心客户'], ['price', 'opportunity_lost_reason', '价格过高']]) d[key] = await dictId(t, type, label)
    for (const label of ['初步接洽', '需求确认', '方案报价', '商务谈判', '签约']) stage.push(await dictId(t, 'opportunity_stage', label))
    const customer = async (name: string, owner: Who, regionId: string, levelId?: string) =>
      (await t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner.userId, regionId, levelId, address: `${name}地址` })).id
    c.C1 = await customer('漏斗一号公司', s.mgrA1, d.south, d.key)
    c.C2 = await customer('漏斗二号公司', s.mgrA2, d.east)
    c.C3 = await customer('漏斗三号公司', s.mgrB, d.east)

    const opp = (assignee: Who | null, cust: string | null, st: number, status: string, cents: number, probability: number, m: { created?: string; closed?: string; deleted?: boolean } = {}) => {
      const at = m.created ?? '2026-03-01T00:00:00.000Z'
      return k('opportunities').insert({
        id: randomUUID(), created_at: at, updated_at: at, version: 1, deleted_at: m.deleted ? at : null,
        owner_id: assignee ? assignee.userId : s.supA.userId, created_by: s.supA.userId, code: `JH-2026-${String(++seq).padStart(6, '0')}`,
        customer_id: cust ? c[cust] : null, customer_name: cust ?? '潜在客户', probability, summary: '漏斗机会', description: '—',
        expected_amount_cents: cents, stage_id: stage[st], status, assigned_to: assignee?.userId ?? null, closed_at: m.closed ?? null,
        lost_reason_id: status === 'lost' ? d.price : null,
      })
    }
    await opp(s.mgrA1, 'C1', 0, 'assigned', 100_000, 10) // O1
    await opp(s.mgrA1, 'C1', 2, 'assigned', 300_000, 50) // O2
    await opp(s.mgrA1, 'C1', 4, 'won', 500_000, 100, { closed: '2026-06-01T00:00:00.000Z' }) // O3
    await opp(s.mgrA2, 'C2', 1, 'lost', 200_000, 0, { closed: '2026-07-01T00:00:00.000Z' }) // O4: lost at 需求确认
    await opp(s.mgrB, 'C3', 3, 'assigned', 400_000, 70) // O5
    await opp(s.mgrB, 'C3', 4, 'won', 600_000, 100, { closed: '2026-08-01T00:00:00.000Z' }) // O6
    await opp(null, null, 0, 'unassigned', 50_000, 10) // O7: a prospect, not assigned yet (owner: its creator, 主管甲)
    await opp(s.mgrA1, 'C1', 4, 'won', 700_000, 100, { created: '2025-12-01T00:00:00.000Z', closed: '2026-02-01T00:00:00.000Z' }) // O8: created before the period, won in it
    await opp(s.mgrA1, 'C1', 0, 'assigned', 900_000, 10, { deleted: true }) // O9: deleted
    // written directly like a bulk load: the funnel's summaries are made from them, as `crm demo` does
    await k.transaction((trx) => rebuildOpportunityStats(trx, t.app.db.dialect))

    // 销售业绩's actuals: approved orders (order_stats); mgrA2's stays pending, mgrA1's of 2025 is outside the year
    const a1 = await walk(t, await draft(t, s.mgrA1, c.C1, '2026-03-10', [{ productName: '设备', quantity: 1, unitPriceCents: 400_000 }]), s.mgrA1, s.supA, 'approved')
    await t.call(s.mgrA1.key, 'orders', 'addPayment', { orderId: a1.id, version: a1.version, paidDate: '2026-04-01', amountCents: 100_000 })
    await walk(t, await draft(t, s.mgrB, c.C3, '2026-05-05', [{ productName: '设备', quantity: 1, unitPriceCents: 300_000 }]), s.mgrB, s.supB, 'approved')
    await walk(t, await draft(t, s.mgrA2, c.C2, '2026-05-06', [{ productName: '设备', quantity: 1, unitPriceCents: 999_900 }]), s.mgrA2, s.supA, 'pending')
    await walk(t, await draft(t, s.mgrA1, c.C1, '2025-12-20', [{ productName: '设备', quantity: 1, unitPriceCents: 111_100 }]), s.mgrA1, s.supA, 'approved')
    const target = (who: { userId?: string; teamId?: string }, amountCents: number) => t.call(s.admin.key, 'targets', 'save', { ...who, periodType: 'year', periodStart: '2026-01-01', amountCents })
    await target({ userId: s.mgrA1.userId }, 1_000_000)
    await target({ userId: s.mgrA2.userId }, 500_000)
    await target({ teamId: s.teamA }, 2_000_000)
  })
  afterAll(async () => {
    await t.close()
  })

  it('the funnel of 2026: reached per stage, stage-to-stage conversion, amounts, win rates; closed in the period', async () => {
    const r = await t.call(s.admin.key, 'reports', 'pipeline', YEAR)
    expect(r).toMatchObject({ scope: 'all', groupBy: 'manager', basis: 'orders', period: { firstDay: '2026-01-01', lastDay: '2026-12-31', kind: 'year' } })
    // O1–O7 (O8 created in 2025, O9 deleted)
    expect([r.total, r.open, r.won, r.lost, r.winRate]).toEqual([7, 4, 2, 1, 0.6667])
    expect([r.amountCents, r.weightedCents, r.wonAmountCents]).toEqual([850_000, 445_000, 1_100_000])
    expect(r.stages).toEqual([
      { stageId: stage[0], reached: 7, conversion: 1, count: 2, open: 2, amountCents: 150_000, weightedCents: 15_000 },
      { stageId: stage[1], reached: 5, conversion: 0.7143, count: 1, open: 0, amountCents: 0, weightedCents: 0 },
      { stageId: stage[2], reached: 4, conversion: 0.8, count: 1, open: 1, amountCents: 300_000, weightedCents: 150_000 },
      { stageId: stage[3], reached: 3, conversion: 0.75, count: 1, open: 1, amountCents: 400_000, weightedCents: 280_000 },
      { stageId: stage[4], reached: 2, conversion: 0.6667, count: 0, open: 0, amountCents: 0, weightedCents: 0 },
    ])
    expect(r.groups).toEqual([
      { key: s.mgrA1.userId, name: '经理甲一', total: 3, open: 2, won: 1, lost: 0, winRate: 1, amountCents: 400_000, weightedCents: 160_000, wonAmountCents: 500_000, reached: [3, 2, 2, 1, 1] },
      { key: s.mgrB.userId, name: '经理乙', total: 2, open: 1, won: 1, lost: 0, winRate: 1, amountCents: 400_000, weightedCents: 280_000, wonAmountCents: 600_000, reached: [2, 2, 2, 2, 1] },
      { key: s.mgrA2.userId, name: '经理甲二', total: 1, open: 0, won: 0, lost: 1, winRate: 0, amountCents: 0, weightedCents: 0, wonAmountCents: 0, reached: [1, 1, 0, 0, 0] },
      { key: null, name: null, total: 1, open: 1, won: 0, lost: 0, winRate: null, amountCents: 50_000, weightedCents: 5_000, wonAmountCents: 0, reached: [1, 0, 0, 0, 0] },
    ])
    // closed in 2026 by close time: O3, O6 and O8 won, O4 lost
    expect(r.closed).toEqual({ won: 3, lost: 1, wonAmountCents: 1_800_000, winRate: 0.75 })
  })

  it('per team and per customer region (a prospect has none)', async () => {
    const team = await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, groupBy: 'team' })
    expect(team.groups.map((g) => [g.key, g.name, g.total, g.won, g.lost, g.winRate, g.reached])).toEqual([
      [s.teamA, '华南一组', 4, 1, 1, 0.5, [4, 3, 2, 1, 1]],
      [s.teamB, '华东二组', 2, 1, 0, 1, [2, 2, 2, 2, 1]],
      [null, null, 1, 0, 0, null, [1, 0, 0, 0, 0]],
    ])
    const region = await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, groupBy: 'region' })
    const byKey = (k: string | null) => region.groups.find((g) => g.key === k)!
    expect(region.groups.map((g) => g.key).at(-1)).toBeNull()
    expect([byKey(d.south).total, byKey(d.south).won, byKey(d.south).winRate, byKey(d.south).amountCents]).toEqual([3, 1, 1, 400_000])
    expect([byKey(d.east).total, byKey(d.east).won, byKey(d.east).lost, byKey(d.east).winRate, byKey(d.east).reached]).toEqual([3, 1, 1, 0.5, [3, 3, 2, 2, 1]])
    expect([byKey(null).total, byKey(null).open]).toEqual([1, 1])
    expect(region.stages.map((x) => x.reached)).toEqual([7, 5, 4, 3, 2])
  })

  it('销售业绩 of 2026: target vs actual with completion rate per 客户经理 and team; payments basis; a month; no targets for part of a month', async () => {
    const r = await t.call(s.admin.key, 'reports', 'pipeline', YEAR)
    const p = r.performance!
    expect([p.periodType, p.periodStart, p.targetCents, p.actualCents, p.rate]).toEqual(['year', '2026-01-01', 1_500_000, 700_000, 0.4667])
    const user = (who: Who) => p.rows.find((x) => x.kind === 'user' && x.userId === who.userId)
    const team = (id: string) => p.rows.find((x) => x.kind === 'team' && x.teamId === id)
    expect(user(s.mgrA1)).toMatchObject({ userName: '经理甲一', teamName: '华南一组', targetCents: 1_000_000, actualCents: 400_000, rate: 0.4 })
    expect(user(s.mgrA2)).toMatchObject({ targetCents: 500_000, actualCents: 0, rate: 0 })
    expect(user(s.mgrB)).toMatchObject({ targetCents: null, actualCents: 300_000, rate: null })
    expect(team(s.teamA)).toMatchObject({ teamName: '华南一组', targetCents: 2_000_000, actualCents: 400_000, rate: 0.2 })
    expect(team(s.teamB)).toMatchObject({ targetCents: null, actualCents: 300_000, rate: null })
    expect(p.byMonth).toHaveLength(12)
    expect(p.byMonth.filter((m) => m.actualCents)).toEqual([{ month: '2026-03', actualCents: 400_000 }, { month: '2026-05', actualCents: 300_000 }])

    const paid = (await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, basis: 'payments' })).performance!
    expect([paid.actualCents, paid.rate, paid.rows.find((x) => x.userId === s.mgrA1.userId)?.actualCents]).toEqual([100_000, 0.0667, 100_000])
    // a custom period that is exactly March: a month (no monthly targets), March's sales; the funnel of March
    const march = await t.call(s.admin.key, 'reports', 'pipeline', { ...TZ, period: 'custom', from: '2026-03-01', to: '2026-03-31' })
    expect([march.performance?.periodType, march.performance?.periodStart, march.performance?.actualCents, march.performance?.targetCents, march.performance?.rate]).toEqual(['month', '2026-03-01', 400_000, 0, null])
    expect(march.total).toBe(7)
    // half a month is no target period; the funnel still counts
    const half = await t.call(s.admin.key, 'reports', 'pipeline', { ...TZ, period: 'custom', from: '2026-03-01', to: '2026-03-15' })
    expect([half.performance, half.total]).toEqual([null, 7])
  })

  it('filters: owner, team, region and level narrow the funnel; owner and team narrow 销售业绩', async () => {
    const b = await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, ownerId: s.mgrB.userId })
    expect([b.total, b.won, b.closed.won, b.performance!.rows.map((x) => [x.kind, x.userId]), b.performance!.actualCents]).toEqual([2, 1, 1, [['user', s.mgrB.userId]], 300_000])
    const a = await t.call(s.exec.key, 'reports', 'pipeline', { ...YEAR, teamId: s.teamA })
    expect([a.total, a.closed.won, a.closed.lost]).toEqual([4, 2, 1])
    expect(a.performance!.rows.map((x) => [x.kind, x.userId ?? x.teamId])).toEqual([['user', s.mgrA2.userId], ['user', s.mgrA1.userId], ['team', s.teamA]])
    const east = await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, regionId: d.east })
    expect([east.total, east.won, east.lost, east.winRate, east.stages.map((x) => x.reached)]).toEqual([3, 1, 1, 0.5, [3, 3, 2, 2, 1]])
    const key = await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, levelId: d.key })
    expect([key.total, key.closed.won]).toEqual([3, 2])
  })

  it('drill-down: each stage and group row counts what the 销售机会 list shows under the filter the page links it with', async () => {
    // the page's link: the report's days as local instants (Asia/Shanghai here), the row, the report's filters
    const days = { createdFrom: '2025-12-31T16:00:00.000Z', createdTo: '2026-12-31T16:00:00.000Z' }
    const listed = async (filter: Record<string, unknown>) => (await t.call(s.admin.key, 'opportunities', 'list', { page: 1, pageSize: 100, filter: { ...days, ...filter } })).total
    const NOT_WON = ['unassigned', 'assigned', 'lost'] as const
    for (const reportFilter of [{}, { regionId: d.east }, { levelId: d.key }, { teamId: s.teamA }, { ownerId: s.mgrB.userId }] as Array<Record<string, string>>) {
      const asList = { regionId: reportFilter.regionId, levelId: reportFilter.levelId, teamId: reportFilter.teamId, assignedTo: reportFilter.ownerId }
      for (const groupBy of ['manager', 'team', 'region'] as const) {
        const r = await t.call(s.admin.key, 'reports', 'pipeline', { ...YEAR, ...reportFilter, groupBy })
        for (const st of r.stages.filter((x) => x.stageId)) {
          expect({ reportFilter, stage: st.stageId, n: await listed({ ...asList, stageId: st.stageId, statuses: [...NOT_WON] }) }).toEqual({ reportFilter, stage: st.stageId, n: st.count })
        }
        for (const g of r.groups.filter((x) => x.key)) {
          const row = groupBy === 'manager' ? { assignedTo: g.key } : groupBy === 'team' ? { teamId: g.key } : { regionId: g.key }
          expect({ reportFilter, groupBy, key: g.key, n: await listed({ ...asList, ...row }) }).toEqual({ reportFilter, groupBy, key: g.key, n: g.total })
        }
      }
    }
    // worked out by hand: 需求确认 holds O4 (lost), 签约 only won ones; east's 客户经理乙 rows
    expect(await listed({ stageId: stage[1], statuses: [...NOT_WON] })).toBe(1)
    expect(await listed({ stageId: stage[4], statuses: [...NOT_WON] })).toBe(0)
    expect(await listed({ regionId: d.east, assignedTo: s.mgrB.userId })).toBe(2)
    expect(await listed({ teamId: s.teamA })).toBe(4)
  })

  it('scope: a 客户经理 counts only his own, a 销售主管 his team; naming another owner does not widen it', async () => {
    const own = await t.call(s.mgrA1.key, 'reports', 'pipeline', YEAR)
    expect([own.scope, own.total, own.won, own.groups.map((g) => g.key), own.closed.won]).toEqual(['own', 3, 1, [s.mgrA1.userId], 2])
    expect(own.performance!.rows.map((x) => [x.kind, x.userId, x.actualCents, x.rate])).toEqual([['user', s.mgrA1.userId, 400_000, 0.4]])
    expect([own.performance!.targetCents, own.performance!.actualCents]).toEqual([1_000_000, 400_000])
    const other = await t.call(s.mgrA1.key, 'reports', 'pipeline', { ...YEAR, ownerId: s.mgrB.userId })
    expect([other.total, other.performance!.rows, other.performance!.actualCents]).toEqual([0, [], 0])
    // 主管甲: team A's opportunities (his unassigned prospect too), his team's managers (pinyin order: 甲二 before 甲一) and team
    const sup = await t.call(s.supA.key, 'reports', 'pipeline', YEAR)
    expect([sup.scope, sup.total, sup.won, sup.lost]).toEqual(['team', 5, 1, 1])
    expect(sup.performance!.rows.map((x) => [x.kind, x.userId ?? x.teamId])).toEqual([['user', s.mgrA2.userId], ['user', s.mgrA1.userId], ['team', s.teamA]])
    const supB = await t.call(s.supB.key, 'reports', 'pipeline', { ...YEAR, teamId: s.teamA })
    expect([supB.total, supB.performance!.rows]).toEqual([0, []])
  })

  it('a role without reports.view is refused; exporting needs reports.export; a bad period is a validation error', async () => {
    expectCode(await t.raw(s.agent.key, 'reports', 'pipeline', YEAR), 'forbidden')
    expectCode(await t.raw(s.mgrA1.key, 'reports', 'export', { report: 'pipeline', ...YEAR }), 'forbidden')
    expectCode(await t.raw(s.admin.key, 'reports', 'pipeline', { ...TZ, period: 'custom', from: '2026-03-01' }), 'validation')
    expectCode(await t.raw(s.admin.key, 'reports', 'pipeline', { ...YEAR, groupBy: 'product' }), 'validation')
  })

  it('exports to .xlsx: the filters and figures above the stages, the groups with win rates, 销售业绩 with completion rates', async () => {
    const f = await t.call(s.exec.key, 'reports', 'export', { report: 'pipeline', ...YEAR, groupBy: 'team', utcOffsetMinutes: 480 })
    expect(f.fileName).toBe('销售漏斗与业绩_2026-11-20.xlsx')
    expect(f.rows).toBe(5)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(f.contentBase64, 'base64') as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['销售漏斗与业绩', '按团队', '销售业绩', '业绩按月'])
    const sheet = (i: number) => wb.worksheets[i].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1))
    const rows = sheet(0)
    expect(rows[0]).toEqual(['销售漏斗与业绩'])
    expect(rows).toContainEqual(['期间', '2026-01-01 ~ 2026-12-31'])
    expect(rows).toContainEqual(['数据范围', '全公司'])
    expect(rows).toContainEqual(['分组', '团队'])
    expect(rows).toContainEqual(['商机 / 进行中 / 赢单 / 输单', '7 / 4 / 2 / 1'])
    expect(rows).toContainEqual(['赢率', '66.67%'])
    expect(rows).toContainEqual(['目标 / 实际 / 完成率', '年度 · 15000.00 / 7000.00 / 46.67%'])
    const h = rows.findIndex((r) => r[0] === '销售阶段')
    expect(rows.slice(h + 1)).toEqual([
      ['初步接洽', 7, 1, 2, 2, 1500, 150],
      ['需求确认', 5, 0.7143, 1, 0, 0, 0],
      ['方案报价', 4, 0.8, 1, 1, 3000, 1500],
      ['商务谈判', 3, 0.75, 1, 1, 4000, 2800],
      ['签约', 2, 0.6667, 0, 0, 0, 0],
      ['合计', undefined, undefined, 5, 4, 8500, 4450],
    ])
    let header = 0
    wb.worksheets[0].eachRow((r, i) => {
      if (r.getCell(1).value === '销售阶段') header = i
    })
    expect([wb.worksheets[0].getRow(header + 1).getCell(3).numFmt, wb.worksheets[0].getRow(header + 1).getCell(6).numFmt]).toEqual(['0.00%', '#,##0.00'])
    const teams = sheet(1)
    const th = teams.findIndex((r) => r[0] === '团队' && r[1] === '商机')
    expect(teams[th + 1].slice(0, 6)).toEqual(['华南一组', 4, 2, 1, 1, 0.5])
    expect(teams[th + 3].slice(0, 2)).toEqual(['未设置', 1])
    const perf = sheet(2)
    const ph = perf.findIndex((r) => r[0] === '类别')
    expect(perf.slice(ph + 1)).toContainEqual(['客户经理', '经理甲一', '华南一组', 10000, 4000, 0.4])
    expect(perf.slice(ph + 1)).toContainEqual(['团队', '华南一组', '华南一组', 20000, 4000, 0.2])

    const en = await t.call(s.admin.key, 'reports', 'export', { report: 'pipeline', ...TZ, period: 'custom', from: '2026-03-01', to: '2026-03-15', lang: 'en-US' })
    expect(en.fileName).toBe('pipeline_2026-11-20.xlsx')
    const wb2 = new ExcelJS.Workbook()
    await wb2.xlsx.load(Buffer.from(en.contentBase64, 'base64') as unknown as ArrayBuffer)
    expect(wb2.worksheets.map((w) => w.name)).toEqual(['Sales funnel and performance', 'By account manager'])
    const rows2 = wb2.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1))
    expect(rows2).toContainEqual(['Sales performance', 'The period is not a whole month, quarter or year: no targets to compare'])
    expect(rows2.find((r) => r[0] === 'Initial contact')).toEqual(['Initial contact', 7, 1, 2, 2, 1500, 150])
  })
})
