// 销售目标 and 销售业绩 through dispatch, on SQLite and PostgreSQL: targets per manager and team
// per month / quarter / year (one per period), set by supervisors for their team, progress from
// sales or from received payments, and the target-vs-actual table with completion rates.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, expectCode, expectFieldIssue, makeStaff, type Staff } from './customers.fixtures'
import { customerOf, draft, walk } from './orders.fixtures'

describeEachDb('sales targets and performance', (dialect) => {
  let t: TestApp
  let s: Staff

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
    s = await makeStaff(t)
    // sales: mgrA1 1,000.00 in April and 500.00 in May (paid 300.00 in May); mgrA2 2,000.00 in May; mgrB 800.00 in May
    const sell = async (who: typeof s.mgrA1, sup: typeof s.supA, date: string, cents: number) => {
      const c = await customerOf(t, s.admin, who, `客户${who.userId.slice(0, 6)}${date}`)
      return walk(t, await draft(t, who, c.id, date, [{ productName: '产品', quantity: 1, unitPriceCents: cents }]), who, sup, 'approved')
    }
    await sell(s.mgrA1, s.supA, '2026-04-20', 100_000)
    const may = await sell(s.mgrA1, s.supA, '2026-05-05', 50_000)
    await t.call(s.mgrA1.key, 'orders', 'addPayment', { orderId: may.id, version: may.version, paidDate: '2026-05-25', amountCents: 30_000 })
    await sell(s.mgrA2, s.supA, '2026-05-31', 200_000)
    await sell(s.mgrB, s.supB, '2026-05-01', 80_000)
    // not sales: a pending and a cancelled order
    const c = await customerOf(t, s.admin, s.mgrA1, '未成交客户')
    await walk(t, await draft(t, s.mgrA1, c.id, '2026-05-10', [{ productName: 'x', quantity: 1, unitPriceCents: 999_999 }]), s.mgrA1, s.supA, 'pending')
  })
  afterAll(async () => {
    await t.close()
  })

  it('supervisors set targets for their team; one per manager and period; periods start on their first day', async () => {
    const m = await t.call(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-05-01', amountCents: 100_000 })
    expect(m).toMatchObject({ userId: s.mgrA1.userId, userName: '经理甲一', teamName: '华南一组', amountCents: 100_000, actualOrdersCents: 50_000, actualPaymentsCents: 30_000 })
    const q = await t.call(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'quarter', periodStart: '2026-04-01', amountCents: 300_000 })
    expect([q.actualOrdersCents, q.actualPaymentsCents]).toEqual([150_000, 30_000])
    const team = await t.call(s.supA.key, 'targets', 'save', { teamId: s.teamA, periodType: 'month', periodStart: '2026-05-01', amountCents: 500_000 })
    expect([team.userId, team.teamName, team.actualOrdersCents]).toEqual([null, '华南一组', 250_000])
    await t.call(s.supA.key, 'targets', 'save', { userId: s.mgrA2.userId, periodType: 'month', periodStart: '2026-05-01', amountCents: 150_000 })

    expectFieldIssue(await t.raw(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-05-01', amountCents: 1 }), 'periodStart', 'duplicate')
    expectFieldIssue(await t.raw(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'quarter', periodStart: '2026-05-01', amountCents: 1 }), 'periodStart', 'invalid_period')
    expectFieldIssue(await t.raw(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-05-02', amountCents: 1 }), 'periodStart', 'invalid_period')
    expectFieldIssue(await t.raw(s.supA.key, 'targets', 'save', { periodType: 'year', periodStart: '2026-01-01', amountCents: 1 }), 'userId', 'one_of')
    expectFieldIssue(await t.raw(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, teamId: s.teamA, periodType: 'year', periodStart: '2026-01-01', amountCents: 1 }), 'userId', 'one_of')
    // another team's manager or team: refused; managers and executives set none
    expectCode(await t.raw(s.supA.key, 'targets', 'save', { userId: s.mgrB.userId, periodType: 'year', periodStart: '2026-01-01', amountCents: 1 }), 'forbidden')
    expectCode(await t.raw(s.supA.key, 'targets', 'save', { teamId: s.teamB, periodType: 'year', periodStart: '2026-01-01', amountCents: 1 }), 'forbidden')
    expectCode(await t.raw(s.mgrA1.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'year', periodStart: '2026-01-01', amountCents: 1 }), 'forbidden')
    expectCode(await t.raw(s.exec.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'year', periodStart: '2026-01-01', amountCents: 1 }), 'forbidden')
    // edits at the version
    const e = await t.call(s.supA.key, 'targets', 'save', { id: m.id, version: m.version, userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-05-01', amountCents: 120_000 })
    expect(e.amountCents).toBe(120_000)
    expectCode(await t.raw(s.supA.key, 'targets', 'save', { id: m.id, version: m.version, userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-05-01', amountCents: 1 }), 'conflict')
    expect((await auditRows(t, 'sales_target', m.id)).map((a) => a.action)).toEqual(['create', 'update'])
  })

  it('lists targets of a year in scope with both actuals', async () => {
    const all = await t.call(s.admin.key, 'targets', 'list', { year: 2026 })
    expect(all).toHaveLength(4)
    const mine = await t.call(s.mgrA1.key, 'targets', 'list', { year: 2026 })
    // a manager sees own targets and the own team's (read only), not a colleague's
    expect(mine.map((x) => [x.userName, x.teamName, x.periodType]).sort()).toEqual([
      ['经理甲一', '华南一组', 'month'], ['经理甲一', '华南一组', 'quarter'], [null, '华南一组', 'month'],
    ].sort())
    expect(await t.call(s.supB.key, 'targets', 'list', { year: 2026 })).toEqual([])
    expect(await t.call(s.admin.key, 'targets', 'list', { year: 2025 })).toEqual([])
    expect((await t.call(s.admin.key, 'targets', 'list', { year: 2026, periodType: 'quarter' })).map((x) => x.amountCents)).toEqual([300_000])
    const team = mine.find((x) => !x.userId)!
    expectCode(await t.raw(s.mgrA1.key, 'targets', 'remove', { id: team.id, version: team.version }), 'forbidden')
    expectCode(await t.raw(s.supB.key, 'targets', 'remove', { id: team.id, version: team.version }), 'not_found')
  })

  it('销售业绩: target vs actual per manager and team with completion rates; basis orders or payments', async () => {
    const perf = await t.call(s.supA.key, 'targets', 'performance', { periodType: 'month', periodStart: '2026-05-01' })
    expect(perf.periodEnd).toBe('2026-06-01')
    expect(perf.rows.map((r) => [r.kind, r.userName ?? r.teamName, r.targetCents, r.actualCents, r.rate])).toEqual([
      ['user', '经理甲二', 150_000, 200_000, 133.3], // by team, then name in pinyin order (jia er < jia yi)
      ['user', '经理甲一', 120_000, 50_000, 41.7],
      ['team', '华南一组', 500_000, 250_000, 50],
    ])
    expect([perf.totalTargetCents, perf.totalActualCents]).toEqual([270_000, 250_000])
    expect(perf.byMonth).toEqual([{ month: '2026-05', actualCents: 250_000 }])
    const paid = await t.call(s.supA.key, 'targets', 'performance', { periodType: 'month', periodStart: '2026-05-01', basis: 'payments' })
    expect(paid.rows.map((r) => r.actualCents)).toEqual([0, 30_000, 30_000])
    const quarter = await t.call(s.admin.key, 'targets', 'performance', { periodType: 'quarter', periodStart: '2026-04-01' })
    expect(quarter.byMonth).toEqual([{ month: '2026-04', actualCents: 100_000 }, { month: '2026-05', actualCents: 330_000 }, { month: '2026-06', actualCents: 0 }])
    const a1 = quarter.rows.find((r) => r.userId === s.mgrA1.userId)!
    expect([a1.targetCents, a1.actualCents, a1.rate]).toEqual([300_000, 150_000, 50])
    expect(quarter.rows.filter((r) => r.kind === 'team').map((r) => [r.teamName, r.actualCents, r.targetCents])).toEqual([['华东二组', 80_000, null], ['华南一组', 350_000, null]])
    const year = await t.call(s.exec.key, 'targets', 'performance', { periodType: 'year', periodStart: '2026-01-01' })
    expect(year.byMonth).toHaveLength(12)
    expect(year.totalActualCents).toBe(430_000)
    // scope: a manager sees own row and own team's; another team's supervisor sees only that team
    const own = await t.call(s.mgrA1.key, 'targets', 'performance', { periodType: 'month', periodStart: '2026-05-01' })
    expect(own.rows.map((r) => [r.kind, r.userName ?? r.teamName])).toEqual([['user', '经理甲一'], ['team', '华南一组']])
    const b = await t.call(s.supB.key, 'targets', 'performance', { periodType: 'month', periodStart: '2026-05-01' })
    expect(b.rows.map((r) => [r.userName ?? r.teamName, r.actualCents])).toEqual([['经理乙', 80_000], ['华东二组', 80_000]])
    expect((await t.call(s.supB.key, 'targets', 'performance', { periodType: 'month', periodStart: '2026-05-01', teamId: s.teamA })).rows).toEqual([])
    expectFieldIssue(await t.raw(s.admin.key, 'targets', 'performance', { periodType: 'year', periodStart: '2026-02-01' }), 'periodStart', 'invalid_period')
    expectCode(await t.raw(s.agent.key, 'targets', 'performance', { periodType: 'year', periodStart: '2026-01-01' }), 'forbidden')
  })

  it('a sale approved later moves the progress at once', async () => {
    const before = (await t.call(s.supA.key, 'targets', 'list', { year: 2026, userId: s.mgrA2.userId }))[0]
    const c = await customerOf(t, s.admin, s.mgrA2, '新成交客户')
    await walk(t, await draft(t, s.mgrA2, c.id, '2026-05-20', [{ productName: 'y', quantity: 2, unitPriceCents: 12_345 }]), s.mgrA2, s.supA, 'approved')
    const after = (await t.call(s.supA.key, 'targets', 'list', { year: 2026, userId: s.mgrA2.userId }))[0]
    expect(after.actualOrdersCents - before.actualOrdersCents).toBe(24_690)
    await t.call(s.supA.key, 'targets', 'remove', { id: after.id, version: after.version })
    expect(await t.call(s.supA.key, 'targets', 'list', { year: 2026, userId: s.mgrA2.userId })).toEqual([])
  })
})
