// 统计报表 through dispatch on SQLite and PostgreSQL (and in mssql id mode): each report's numbers
// against a hand-built data set (five customers, orders and payments in 2026 and 2025, service
// tickets, churn warnings — rows written directly, so every figure below is worked out by hand),
// the caller's scope (a 客户经理 counts only own customers), the filters, the permission
// (a role without reports.view is refused), and the .xlsx export read back.
import ExcelJS from 'exceljs'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, expectCode, makeStaff, type Staff, type Who } from './customers.fixtures'

const TZ = { timeZone: 'Asia/Shanghai' }

describeEachDb('reports (统计报表)', (dialect) => {
  let t: TestApp
  let s: Staff
  const c: Record<string, string> = {}
  const d: Record<string, string> = {}
  let seq = 0

  const row = (owner: string | null, at = '2026-01-01T00:00:00.000Z') => ({ id: randomUUID(), created_at: at, updated_at: at, version: 1, owner_id: owner })
  const ownerOf: Record<string, string> = {}

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
    s = await makeStaff(t)
    const k = t.app.db.knex
    for (const [key, type, label] of [
      ['key', 'level', '核心客户'], ['important', 'level', '重要客户'], ['ordinary', 'level', '普通客户'], ['south', 'region', '华南'], ['east', 'region', '华东'],
      ['complaint', 'service_type', '投诉'], ['consult', 'service_type', '咨询'], ['price', 'churn_reason', '价格因素'], ['rival', 'churn_reason', '被竞争对手抢走'],
      ['phone', 'interaction_channel', '电话'], ['visit', 'interaction_channel', '拜访'], ['weekly', 'contact_policy', '每周联系'], ['monthly', 'contact_policy', '每月联系'],
    ]) d[key] = await dictId(t, type, label)
    const customer = async (name: string, owner: Who, levelId?: string, regionId?: string) => {
      const r = await t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner.userId, levelId, regionId, address: `${name}地址` })
      ownerOf[r.id] = owner.userId
      return r.id
    }
    c.C1 = await customer('贡献一号公司', s.mgrA1, d.key, d.south)
    c.C2 = await customer('贡献二号公司', s.mgrA1, d.important, d.south)
    c.C3 = await customer('贡献三号公司', s.mgrA2, d.key, d.east)
    c.C4 = await customer('贡献四号公司', s.mgrB, d.ordinary, d.east)
    c.C5 = await customer('贡献五号公司', s.mgrB)

    const orders: Record<string, string> = {}
    const order = async (name: string, cust: string, date: string, status: string, cents: number, deleted = false) => {
      const r = { ...row(ownerOf[c[cust]]), code: `RPT-${++seq}`, customer_id: c[cust], order_date: date, status, total_cents: cents, received_cents: 0, deleted_at: deleted ? '2026-10-01T00:00:00.000Z' : null }
      await k('orders').insert(r)
      orders[name] = r.id
    }
    await order('c1a', 'C1', '2026-03-01', 'completed', 500_000)
    await order('c1b', 'C1', '2026-08-01', 'approved', 300_000)
    await order('c1draft', 'C1', '2026-04-01', 'draft', 999_999)
    await order('c1old', 'C1', '2025-03-01', 'completed', 400_000)
    await order('c2a', 'C2', '2026-05-05', 'shipped', 200_000)
    await order('c2old', 'C2', '2025-06-01', 'completed', 250_000)
    await order('c3a', 'C3', '2026-02-02', 'completed', 100_000)
    await order('c3x', 'C3', '2026-09-09', 'cancelled', 777_777)
    await order('c4a', 'C4', '2026-01-01', 'approved', 50_000)
    await order('c4old', 'C4', '2025-01-10', 'completed', 600_000)
    await order('c5old', 'C5', '2025-12-31', 'completed', 80_000)
    await order('c5del', 'C5', '2026-07-07', 'completed', 123_456, true)
    const pay = (o: string, cust: string, date: string, cents: number) =>
      k('payments').insert({ ...row(ownerOf[c[cust]]), order_id: orders[o], customer_id: c[cust], paid_date: date, amount_cents: cents })
    await pay('c1a', 'C1', '2026-03-10', 300_000)
    await pay('c1b', 'C1', '2026-09-01', 100_000)
    await pay('c3a', 'C3', '2026-02-20', 100_000)
    await pay('c2old', 'C2', '2025-07-01', 50_000)

    const ticket = (cust: string, typeId: string | null, urgency: string, status: string, at: string, m: { assign?: number; resolve?: number; sat?: number } = {}) =>
      k('service_tickets').insert({
        ...row(ownerOf[c[cust]], at), code: `FW-${++seq}`, customer_id: c[cust], type_id: typeId, urgency, status, summary: '报表工单', created_by: s.admin.userId,
        assign_minutes: m.assign ?? null, resolve_minutes: m.resolve ?? null, satisfaction: m.sat ?? null,
      })
    await ticket('C1', d.complaint, 'urgent', 'archived', '2026-03-05T02:00:00.000Z', { assign: 30, resolve: 600, sat: 5 }) // late: 600 > 8 h
    await ticket('C1', d.complaint, 'normal', 'feedback', '2026-03-31T17:00:00.000Z', { assign: 60, resolve: 3000, sat: 2 }) // 2026-04-01 in Shanghai; late: 3000 > 48 h
    await ticket('C3', d.consult, 'normal', 'handled', '2026-04-10T03:00:00.000Z', { assign: 10, resolve: 100 })
    await ticket('C4', d.consult, 'normal', 'new', '2026-11-01T00:00:00.000Z') // waiting 19 days: past its 48 h
    await ticket('C2', null, 'normal', 'assigned', '2026-11-19T20:00:00.000Z', { assign: 5 }) // waiting 8 h: on time
    await ticket('C5', d.consult, 'normal', 'archived', '2025-12-31T17:00:00.000Z', { assign: 20, resolve: 200, sat: 4 }) // 2026-01-01 01:00 in Shanghai
    await ticket('C1', d.consult, 'normal', 'archived', '2025-12-31T15:00:00.000Z', { assign: 1, resolve: 1, sat: 1 }) // 2025-12-31 23:00: before the period

    const warning = (cust: string, status: string, detected: string, m: { confirmed?: string; reason?: string; last?: string } = {}) =>
      k('churn_warnings').insert({
        ...row(ownerOf[c[cust]], detected), customer_id: c[cust], status, detected_at: detected, confirmed_at: m.confirmed ?? null, reason_id: m.reason ?? null, last_order_date: m.last ?? null,
      })
    await warning('C5', 'confirmed', '2026-02-01T00:00:00.000Z', { confirmed: '2026-03-15T00:00:00.000Z', reason: d.price, last: '2025-12-31' })
    await warning('C4', 'confirmed', '2026-05-01T00:00:00.000Z', { confirmed: '2026-06-30T17:00:00.000Z', reason: d.rival, last: '2026-01-01' }) // 2026-07-01 in Shanghai
    await warning('C3', 'open', '2026-10-01T00:00:00.000Z')
    await warning('C2', 'cancelled', '2026-04-01T00:00:00.000Z')
    await warning('C1', 'confirmed', '2025-05-01T00:00:00.000Z', { confirmed: '2025-06-01T00:00:00.000Z', reason: d.price })
    await warning('C1', 'paused', '2026-09-01T00:00:00.000Z')

    const follow = (cust: string, who: Who, channel: string | null, at: string, deleted = false) =>
      k('interactions').insert({ ...row(who.userId, at), customer_id: c[cust], channel_id: channel, occurred_at: at, subject: '报表跟进', deleted_at: deleted ? at : null })
    await follow('C1', s.mgrA1, d.phone, '2026-03-01T02:00:00.000Z')
    await follow('C1', s.mgrA1, d.visit, '2026-03-01T10:00:00.000Z')
    await follow('C2', s.mgrA1, d.phone, '2026-02-28T17:00:00.000Z') // 2026-03-01 01:00 in Shanghai
    await follow('C3', s.mgrA2, d.phone, '2026-06-10T01:00:00.000Z')
    await follow('C4', s.mgrB, null, '2026-06-10T02:00:00.000Z')
    await follow('C1', s.mgrA1, d.phone, '2025-12-31T15:00:00.000Z') // 2025-12-31 23:00: before the period
    await follow('C5', s.mgrB, d.phone, '2026-05-01T00:00:00.000Z', true) // deleted
    // 联系策略 now (2026-11-20 04:00Z): C1 weekly, contacted 3 days ago (on time); C2 weekly, 10 days ago (overdue);
    // C3 monthly, never contacted but created today (on time); C4, C5 none
    await k('customers').where('id', c.C1).update({ contact_policy_id: d.weekly, last_contact_at: '2026-11-17T04:00:00.000Z' })
    await k('customers').where('id', c.C2).update({ contact_policy_id: d.weekly, last_contact_at: '2026-11-10T04:00:00.000Z' })
    await k('customers').where('id', c.C3).update({ contact_policy_id: d.monthly, last_contact_at: null })
  })
  afterAll(async () => {
    await t.close()
  })

  it('客户贡献分析: ranking, shares, growth against 2025, movers and the 20/80 curve from the sales of 2026', async () => {
    const r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year' })
    expect(r).toMatchObject({ scope: 'all', basis: 'orders', period: { firstDay: '2026-01-01', lastDay: '2026-12-31', kind: 'year' }, compare: { firstDay: '2025-01-01', lastDay: '2025-12-31' } })
    // drafts, cancelled and deleted orders do not count
    expect([r.totalCents, r.compareTotalCents, r.customers]).toEqual([1_150_000, 1_330_000, 4])
    expect(r.rows.map((x) => [x.rank, x.customerId, x.cents, x.share, x.cumulativeShare, x.compareCents, x.growth])).toEqual([
      [1, c.C1, 800_000, 0.6957, 0.6957, 400_000, 1],
      [2, c.C2, 200_000, 0.1739, 0.8696, 250_000, -0.2],
      [3, c.C3, 100_000, 0.087, 0.9565, 0, null],
      [4, c.C4, 50_000, 0.0435, 1, 600_000, -0.9167],
    ])
    expect(r.rows[0]).toMatchObject({ name: '贡献一号公司', ownerName: '经理甲一' })
    expect(r.gainers.map((g) => [g.customerId, g.deltaCents])).toEqual([[c.C1, 400_000], [c.C3, 100_000]])
    expect(r.losers.map((g) => [g.name, g.deltaCents])).toEqual([['贡献四号公司', -550_000], ['贡献五号公司', -80_000], ['贡献二号公司', -50_000]])
    expect(r.top20Share).toBe(0.6957)
    expect(r.pareto).toHaveLength(21)
    expect(r.pareto.filter((p) => [0, 10, 20, 50, 75, 100].includes(p.customersPct)).map((p) => p.sharePct)).toEqual([0, 69.57, 69.57, 86.96, 95.65, 100])

    const paid = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year', basis: 'payments' })
    expect(paid.rows.map((x) => [x.customerId, x.cents, x.compareCents])).toEqual([[c.C1, 400_000, 0], [c.C3, 100_000, 0]])
    expect([paid.totalCents, paid.compareTotalCents]).toEqual([500_000, 50_000])
    // a custom period and its year-earlier days
    const spring = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'custom', from: '2026-02-01', to: '2026-05-31' })
    expect(spring.compare).toEqual({ firstDay: '2025-02-01', lastDay: '2025-05-31' })
    expect(spring.rows.map((x) => [x.customerId, x.cents, x.compareCents])).toEqual([[c.C1, 500_000, 400_000], [c.C2, 200_000, 0], [c.C3, 100_000, 0]])
  })

  it('scope and filters: a 客户经理 counts only own customers; team, owner, region and level narrow the customers', async () => {
    const own = await t.call(s.mgrA1.key, 'reports', 'contribution', { ...TZ, period: 'year' })
    expect([own.scope, own.totalCents, own.compareTotalCents, own.rows.map((x) => x.customerId)]).toEqual(['own', 1_000_000, 650_000, [c.C1, c.C2]])
    // a manager cannot widen the scope by naming another owner
    const other = await t.call(s.mgrA1.key, 'reports', 'contribution', { ...TZ, period: 'year', ownerId: s.mgrB.userId })
    expect(other.totalCents).toBe(0)
    const team = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year', teamId: s.teamA })
    expect(team.totalCents).toBe(1_100_000)
    const owner = await t.call(s.exec.key, 'reports', 'contribution', { ...TZ, period: 'year', ownerId: s.mgrB.userId })
    expect([owner.totalCents, owner.compareTotalCents]).toEqual([50_000, 680_000])
    const east = await t.call(s.admin.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level', regionId: d.east })
    expect(east.slices).toEqual([{ id: d.key, customers: 1, salesCents: 100_000 }, { id: d.ordinary, customers: 1, salesCents: 50_000 }])
    const keyLevel = await t.call(s.admin.key, 'reports', 'service', { ...TZ, period: 'year', levelId: d.key })
    expect(keyLevel.tickets).toBe(3) // C1's two of 2026, C3's one
    const mine = await t.call(s.mgrA1.key, 'reports', 'service', { ...TZ, period: 'year' })
    expect([mine.tickets, mine.slaBreaches]).toEqual([3, 2])
    const churnB = await t.call(s.mgrB.key, 'reports', 'churn', { ...TZ, period: 'year' })
    expect([churnB.customers, churnB.churned, churnB.rate]).toEqual([2, 2, 1])
  })

  it('every report narrows by each filter: team, owner, region and level (the administrator, 2026)', async () => {
    // C1 甲一 核心 华南 · C2 甲一 重要 华南 · C3 甲二 核心 华东 · C4 乙 普通 华东 · C5 乙 (none)
    const filters = { team: { teamId: s.teamA }, owner: { ownerId: s.mgrB.userId }, east: { regionId: d.east }, key: { levelId: d.key } }
    const got: Record<string, unknown[]> = {}
    for (const [name, f] of Object.entries(filters)) {
      const input = { ...TZ, period: 'year' as const, ...f }
      const contribution = await t.call(s.admin.key, 'reports', 'contribution', input)
      const composition = await t.call(s.admin.key, 'reports', 'composition', { ...input, dimension: 'level' })
      const service = await t.call(s.admin.key, 'reports', 'service', input)
      const churn = await t.call(s.admin.key, 'reports', 'churn', input)
      const followups = await t.call(s.admin.key, 'reports', 'followups', input)
      got[name] = [contribution.totalCents, composition.customers, service.tickets, [churn.customers, churn.churned], followups.total]
    }
    expect(got).toEqual({
      team: [1_100_000, 3, 4, [3, 0], 4],
      owner: [50_000, 2, 2, [2, 2], 1],
      east: [150_000, 2, 2, [2, 1], 2],
      key: [900_000, 2, 3, [2, 0], 3],
    })
  })

  it('客户构成分析: customers and 2026 sales per level and per region (not set: its own slice)', async () => {
    const level = await t.call(s.admin.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level' })
    expect([level.customers, level.salesCents]).toEqual([5, 1_150_000])
    expect(level.slices).toEqual([
      { id: d.key, customers: 2, salesCents: 900_000 },
      { id: d.important, customers: 1, salesCents: 200_000 },
      { id: d.ordinary, customers: 1, salesCents: 50_000 },
      { id: null, customers: 1, salesCents: 0 },
    ])
    const region = await t.call(s.admin.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'region' })
    expect(region.slices).toEqual([{ id: d.south, customers: 2, salesCents: 1_000_000 }, { id: d.east, customers: 2, salesCents: 150_000 }, { id: null, customers: 1, salesCents: 0 }])
    const own = await t.call(s.mgrA1.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level' })
    expect(own.slices).toEqual([{ id: d.key, customers: 1, salesCents: 800_000 }, { id: d.important, customers: 1, salesCents: 200_000 }])
  })

  it('客户服务分析: by type, month (Shanghai days), status and score; minutes to assign and resolve; SLA breaches', async () => {
    const r = await t.call(s.admin.key, 'reports', 'service', { ...TZ, period: 'year' })
    expect(r.tickets).toBe(6)
    expect(r.byType).toEqual([
      { typeId: d.consult, tickets: 3, open: 1, avgAssignMinutes: 15, avgResolveMinutes: 150, avgSatisfaction: 4, slaBreaches: 1 },
      { typeId: d.complaint, tickets: 2, open: 0, avgAssignMinutes: 45, avgResolveMinutes: 1800, avgSatisfaction: 3.5, slaBreaches: 2 },
      { typeId: null, tickets: 1, open: 1, avgAssignMinutes: 5, avgResolveMinutes: null, avgSatisfaction: null, slaBreaches: 0 },
    ])
    expect(r.byMonth).toEqual([
      { month: '2026-01', tickets: 1, avgSatisfaction: 4, rated: 1 },
      { month: '2026-03', tickets: 1, avgSatisfaction: 5, rated: 1 },
      { month: '2026-04', tickets: 2, avgSatisfaction: 2, rated: 1 },
      { month: '2026-11', tickets: 2, avgSatisfaction: null, rated: 0 },
    ])
    expect(r.byStatus.map((x) => x.tickets)).toEqual([1, 1, 1, 1, 2])
    expect(r.satisfaction.map((x) => x.tickets)).toEqual([0, 1, 0, 1, 1])
    expect([r.avgAssignMinutes, r.avgResolveMinutes, r.slaBreaches]).toEqual([25, 975, 3])
  })

  it('客户服务分析 SLA breaches follow the rules: a type\'s own rule for an urgency, else the urgency\'s rule without a type, else the default', async () => {
    const k = t.app.db.knex
    const at = '2026-01-01T00:00:00.000Z'
    const rule = (typeId: string | null, urgency: string, hours: number) => ({ id: randomUUID(), created_at: at, updated_at: at, version: 1, type_id: typeId, urgency, hours })
    const rules = [rule(d.complaint!, 'urgent', 9), rule(d.consult!, 'normal', 1), rule(null, 'normal', 60)]
    await k('service_sla').insert(rules)
    try {
      const r = await t.call(s.admin.key, 'reports', 'service', { ...TZ, period: 'year' })
      // 投诉 urgent by its own 9 h: 600 min late; 投诉 normal by the untyped 60 h: 3000 min on time;
      // 咨询 normal by its own 1 h: resolved in 100 and 200 min late, waiting since 11-01 late;
      // no type, normal, waiting 8 h of the untyped 60 h: on time
      expect(r.byType.map((x) => [x.typeId, x.slaBreaches])).toEqual([[d.consult, 3], [d.complaint, 1], [null, 0]])
      expect(r.slaBreaches).toBe(4)
    } finally {
      await k('service_sla').whereIn('id', rules.map((x) => x.id)).delete()
    }
    expect((await t.call(s.admin.key, 'reports', 'service', { ...TZ, period: 'year' })).slaBreaches).toBe(3)
  })

  it('客户流失分析: churned with reasons, rate by month and region, warnings open vs resolved', async () => {
    const r = await t.call(s.admin.key, 'reports', 'churn', { ...TZ, period: 'year' })
    expect([r.customers, r.churned, r.rate]).toEqual([5, 2, 0.4])
    expect(r.reasons.map((x) => [x.reasonId, x.churned]).sort()).toEqual([[d.price, 1], [d.rival, 1]].sort())
    expect(r.byMonth).toEqual([{ month: '2026-03', churned: 1, rate: 0.2 }, { month: '2026-07', churned: 1, rate: 0.2 }])
    expect(r.byRegion).toEqual([
      { regionId: d.east, customers: 2, churned: 1, rate: 0.5 },
      { regionId: null, customers: 1, churned: 1, rate: 1 },
      { regionId: d.south, customers: 2, churned: 0, rate: 0 },
    ])
    expect(r.warnings).toEqual({ open: 1, paused: 1, confirmed: 2, cancelled: 1 })
    expect(r.list.map((x) => [x.customerId, x.reasonId, x.lastOrderDate, x.confirmedAt])).toEqual([
      [c.C4, d.rival, '2026-01-01', '2026-06-30T17:00:00.000Z'],
      [c.C5, d.price, '2025-12-31', '2026-03-15T00:00:00.000Z'],
    ])
  })

  it('跟进统计: follow-ups per rep by channel and by (Shanghai) day; customers contacted within their 联系策略', async () => {
    const r = await t.call(s.admin.key, 'reports', 'followups', { ...TZ, period: 'year' })
    expect([r.total, r.customers]).toEqual([5, 4])
    expect(r.channels[0]).toEqual({ channelId: d.phone, count: 3 })
    expect(r.channels.slice(1)).toHaveLength(2)
    expect(r.channels.slice(1)).toEqual(expect.arrayContaining([{ channelId: d.visit, count: 1 }, { channelId: null, count: 1 }]))
    const rep = (who: Who) => r.byRep.find((x) => x.userId === who.userId)
    expect(r.byRep[0]).toEqual({ userId: s.mgrA1.userId, name: '经理甲一', total: 3, customers: 2, channels: [{ channelId: d.phone, count: 2 }, { channelId: d.visit, count: 1 }] })
    expect(rep(s.mgrA2)).toMatchObject({ total: 1, customers: 1, channels: [{ channelId: d.phone, count: 1 }] })
    expect(rep(s.mgrB)).toMatchObject({ total: 1, customers: 1, channels: [{ channelId: null, count: 1 }] })
    expect(r.byDay).toEqual([{ day: '2026-03-01', count: 3 }, { day: '2026-06-10', count: 2 }])
    expect(r.policy).toEqual([
      { userId: s.mgrA1.userId, name: '经理甲一', withPolicy: 2, onTime: 1, overdue: 1 },
      { userId: s.mgrA2.userId, name: '经理甲二', withPolicy: 1, onTime: 1, overdue: 0 },
    ])
    const own = await t.call(s.mgrA2.key, 'reports', 'followups', { ...TZ, period: 'year' })
    expect([own.total, own.byRep.map((x) => x.userId), own.policy.map((x) => x.withPolicy)]).toEqual([1, [s.mgrA2.userId], [1]])
  })

  it('a role without reports.view is refused; exporting needs reports.export', async () => {
    for (const call of ['contribution', 'composition', 'service', 'churn', 'followups'] as const) {
      expectCode(await t.raw(s.agent.key, 'reports', call, { ...TZ, period: 'year' }), 'forbidden')
    }
    expectCode(await t.raw(s.agent.key, 'reports', 'savePdf', { report: 'churn' }), 'forbidden')
    // 客户经理: reports.view (own) but no export
    expectCode(await t.raw(s.mgrA1.key, 'reports', 'export', { report: 'contribution', period: 'year', ...TZ }), 'forbidden')
    expectCode(await t.raw(s.admin.key, 'reports', 'contribution', { period: 'custom', from: '2026-02-01' }), 'validation')
  })

  it('exports a report to .xlsx with its filters above the table and the figures as numbers', async () => {
    const f = await t.call(s.exec.key, 'reports', 'export', { report: 'contribution', ...TZ, period: 'year', teamId: s.teamA, utcOffsetMinutes: 480 })
    expect(f.fileName).toBe('客户贡献分析_2026-11-20.xlsx')
    expect(f.rows).toBe(3)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(f.contentBase64, 'base64') as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]
    const rows = ws.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1))
    expect(rows[0]).toEqual(['客户贡献分析'])
    expect(rows).toContainEqual(['期间', '2026-01-01 ~ 2026-12-31'])
    expect(rows).toContainEqual(['数据范围', '全公司'])
    expect(rows).toContainEqual(['团队', '华南一组'])
    expect(rows).toContainEqual(['口径', '订单金额'])
    const header = rows.findIndex((r) => r[0] === '排名')
    expect(rows[header]).toEqual(['排名', '客户编号', '客户名称', '客户经理', '金额', '占比', '累计占比', '上年同期', '同比增长'])
    expect(rows[header + 1]).toEqual([1, expect.any(String), '贡献一号公司', '经理甲一', 8000, 0.7273, 0.7273, 4000, 1])
    expect(rows[header + 3].slice(2, 5)).toEqual(['贡献三号公司', '经理甲二', 1000])
    expect(rows[header + 4]).toEqual(['合计', undefined, undefined, undefined, 11000, undefined, undefined, 6500])
    let headerRow = 0
    ws.eachRow((r, i) => {
      if (r.getCell(1).value === '排名') headerRow = i
    })
    expect([ws.getRow(headerRow + 1).getCell(5).numFmt, ws.getRow(headerRow + 1).getCell(6).numFmt]).toEqual(['#,##0.00', '0.00%'])
    expect(ws.getRow(headerRow).font?.bold).toBe(true)
    // the chart's other data: the 20/80 curve and the movers (Excel refuses / in a sheet name)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['客户贡献分析', '20 80 曲线', '极端情况（同比变化最大）'])

    const en = await t.call(s.admin.key, 'reports', 'export', { report: 'composition', dimension: 'region', ...TZ, period: 'year', lang: 'en-US' })
    expect(en.fileName).toBe('composition_2026-11-20.xlsx')
    const wb2 = new ExcelJS.Workbook()
    await wb2.xlsx.load(Buffer.from(en.contentBase64, 'base64') as unknown as ArrayBuffer)
    const rows2 = wb2.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1))
    expect(rows2).toContainEqual(['Dimension', 'Region'])
    const h2 = rows2.findIndex((r) => r[0] === 'Region')
    expect(rows2.slice(h2 + 1)).toEqual([
      ['South China', 2, 0.4, 10000, 0.8696],
      ['East China', 2, 0.4, 1500, 0.1304],
      ['Not set', 1, 0.2, 0, 0],
      ['Total', 5, undefined, 11500],
    ])
  })

  it('exports 客户服务, 客户流失 and 跟进统计 with every chart\'s data on a sheet of its own: the hand-worked figures, the filters, the totals', async () => {
    /** sheet name → its rows (cells from column A; a date as yyyy-mm-dd) */
    const read = async (input: Record<string, unknown>) => {
      const f = await t.call(s.admin.key, 'reports', 'export', { ...TZ, period: 'year', utcOffsetMinutes: 480, ...input } as never)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(Buffer.from(f.contentBase64, 'base64') as unknown as ArrayBuffer)
      const cell = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)
      return Object.fromEntries(wb.worksheets.map((ws) => [ws.name, ws.getSheetValues().filter(Boolean).map((r) => [...(r as unknown[]).slice(1)].map(cell))]))
    }
    /** the rows under the header row (after the filters: 地区 is a filter and a column) whose first cell is `first` */
    const body = (rows: unknown[][], first: string) => rows.slice(rows.map((r) => r[0]).lastIndexOf(first) + 1)

    // 客户服务分析: by type (the table), by month (the bar and line), by status and score (the two pies)
    const service = await read({ report: 'service' })
    expect(Object.keys(service)).toEqual(['客户服务分析', '按月', '按状态与满意度'])
    for (const rows of Object.values(service)) {
      expect(rows).toContainEqual(['期间', '2026-01-01 ~ 2026-12-31'])
      expect(rows).toContainEqual(['数据范围', '全公司'])
    }
    expect(body(service['客户服务分析']!, '服务类型')).toEqual([
      ['咨询', 3, 1, 15, 150, 4, 1],
      ['投诉', 2, 0, 45, 1800, 3.5, 2],
      ['未设置', 1, 1, 5, undefined, undefined, 0],
      ['合计', 6, 2, undefined, undefined, undefined, 3],
    ])
    expect(body(service['按月']!, '月份')).toEqual([['2026-01', 1, 1, 4], ['2026-03', 1, 1, 5], ['2026-04', 2, 1, 2], ['2026-11', 2, 0], ['合计', 6, 3]])
    expect(body(service['按状态与满意度']!, '状态 / 评分')).toEqual([
      ['新建', 1], ['已分配', 1], ['已处理', 1], ['已反馈', 1], ['已归档', 2],
      ['1 ★', 0], ['2 ★', 1], ['3 ★', 0], ['4 ★', 1], ['5 ★', 1],
    ])

    // 客户流失分析, narrowed to 华东: by region (bars and rate), by month and reason (the pie), the churned list, the warnings
    const churn = await read({ report: 'churn', regionId: d.east })
    expect(Object.keys(churn)).toEqual(['客户流失分析', '按月与原因', '流失客户', '流失预警（期间内发出）'])
    expect(churn['客户流失分析']).toContainEqual(['地区', '华东'])
    expect(churn['客户流失分析']).toContainEqual(['客户数 / 流失 / 流失率', '2 / 1 / 50.00%'])
    expect(body(churn['客户流失分析']!, '地区')).toEqual([['华东', 2, 1, 0.5], ['合计', 2, 1]])
    expect(body(churn['按月与原因']!, '月份 / 原因')).toEqual([['2026-07', 1, 0.5], ['被竞争对手抢走', 1]])
    const list = body(churn['流失客户']!, '客户编号')
    expect(list.map((r) => r.slice(1, 5))).toEqual([['贡献四号公司', '华东', '被竞争对手抢走', '2026-01-01']])
    // 2026-06-30 17:00 UTC is 07-01 01:00 in Shanghai, written as the local wall time
    expect(list[0]![5]).toBe('2026-07-01')
    expect(body(churn['流失预警（期间内发出）']!, '状态')).toEqual([['待处理', 1], ['暂缓', 0], ['已确认流失', 1], ['已解除', 0], ['合计', 2]])

    // 跟进统计: per rep and channel (the stacked bars), by day (the bars), the 联系策略 table
    const follow = await read({ report: 'followups' })
    expect(Object.keys(follow)).toEqual(['跟进统计', '按日', '联系策略执行'])
    expect(follow['跟进统计']).toContainEqual(['跟进次数 / 客户数', '5 / 4'])
    const reps = follow['跟进统计']!
    const header = reps.find((r) => r[0] === '跟进人')!
    expect(header.slice(0, 4)).toEqual(['跟进人', '跟进次数', '跟进客户数', '电话'])
    expect([...header.slice(4)].sort()).toEqual(['拜访', '未设置'].sort())
    const byName = (name: string) => {
      const r = body(reps, '跟进人').find((x) => x[0] === name)!
      return Object.fromEntries(header.map((h, i) => [h, r[i] ?? 0]))
    }
    expect(byName('经理甲一')).toEqual({ 跟进人: '经理甲一', 跟进次数: 3, 跟进客户数: 2, 电话: 2, 拜访: 1, 未设置: 0 })
    expect(byName('经理甲二')).toEqual({ 跟进人: '经理甲二', 跟进次数: 1, 跟进客户数: 1, 电话: 1, 拜访: 0, 未设置: 0 })
    expect(byName('经理乙')).toMatchObject({ 跟进次数: 1, 跟进客户数: 1, 电话: 0, 拜访: 0, 未设置: 1 })
    expect(byName('合计')).toMatchObject({ 跟进次数: 5, 电话: 3, 拜访: 1, 未设置: 1 })
    expect(body(follow['按日']!, '日期')).toEqual([['2026-03-01', 3], ['2026-06-10', 2], ['合计', 5]])
    expect(body(follow['联系策略执行']!, '客户经理')).toEqual([['经理甲一', 2, 1, 1], ['经理甲二', 1, 1, 0], ['合计', 3, 2, 1]])
  })
})
