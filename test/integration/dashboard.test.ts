// 工作台 through dispatch() on SQLite and PostgreSQL (and the mssql id mode): every card's
// numbers against a small hand-built data set with exact expected values, per scope (a 客户经理
// sees only own; a supervisor the team; an administrator the company), the periods and their
// previous periods on the Shanghai wall clock, the per-user layout with its version, bad input.
import { randomUUID } from 'node:crypto'
import { Solar } from 'lunar-typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { addContact, addCustomer, countRows, dictId, expectFieldIssue, freezeClock, makeWorld, syncVersion, type World } from './reminders.fixtures'
import { draft, walk } from './orders.fixtures'

const SH = { timeZone: 'Asia/Shanghai' }
const NOW = '2026-12-09T02:00:00Z' // Wed 9 Dec 2026, 10:00 in Shanghai

describeEachDb('dashboard', (dialect) => {
  let t: TestApp
  let w: World
  const c: Record<string, string> = {}
  let seq = 0

  const contactAt = async (customerId: string, name: string, createdAt: string, birthday: string | null = null, calendar: 'solar' | 'lunar' = 'solar') => {
    const id = await addContact(t, customerId, name, birthday, calendar)
    await t.app.db.knex('contacts').where({ id }).update({ created_at: createdAt })
    return id
  }
  const interaction = async (customerId: string, ownerId: string, occurredAt: string) => {
    const id = randomUUID()
    await t.app.db.knex('interactions').insert({
      id, customer_id: customerId, owner_id: ownerId, kind: 'record', occurred_at: occurredAt, subject: '电话沟通', created_by: ownerId,
      created_at: occurredAt, updated_at: occurredAt, version: 1,
    })
    return id
  }
  const promise = async (interactionId: string, customerId: string, due: string | null, keptAt: string | null = null) =>
    t.app.db.knex('interaction_promises').insert({
      id: randomUUID(), interaction_id: interactionId, customer_id: customerId, content: `承诺 ${++seq}`, due_date: due, kept_at: keptAt,
      created_at: NOW, updated_at: NOW, version: 1,
    })
  const opportunity = async (userId: string, createdAt: string, status: string, stageId: string | null, amount: number) =>
    t.app.db.knex('opportunities').insert({
      id: randomUUID(), code: `SJ-T-${String(++seq).padStart(6, '0')}`, customer_name: `机会客户${seq}`, probability: 30, summary: '采购服务器',
      description: '—', expected_amount_cents: amount, stage_id: stageId, status, assigned_to: status === 'unassigned' ? null : userId,
      owner_id: status === 'unassigned' ? null : userId, created_by: userId, created_at: createdAt, updated_at: createdAt, version: 1,
    })
  const overview = (key: string, input: Record<string, unknown> = {}) => t.call(key, 'dashboard', 'overview', { ...SH, ...input } as never)

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, NOW)
    w = await makeWorld(t)
    const weekly = await dictId(t, 'contact_policy', '每周联系')
    // 经理甲一 (team A): created in December (Shanghai) a, e, f; in November b, d
    c.a = await addCustomer(t, { name: '甲一A', ownerId: w.mgrA1.userId, createdAt: '2026-12-02T02:00:00Z', lastContactAt: '2026-12-08T02:00:00Z' })
    c.b = await addCustomer(t, { name: '甲一B', ownerId: w.mgrA1.userId, createdAt: '2026-11-10T04:00:00Z', lastContactAt: null })
    c.c = await addCustomer(t, { name: '甲一C', ownerId: w.mgrA1.userId, createdAt: '2026-06-01T02:00:00Z', lastContactAt: '2026-08-01T02:00:00Z', contactPolicyId: weekly })
    c.d = await addCustomer(t, { name: '甲一D', ownerId: w.mgrA1.userId, createdAt: '2026-11-30T15:59:00Z', lastContactAt: '2026-12-05T02:00:00Z' }) // 23:59 on 30 Nov in Shanghai
    c.e = await addCustomer(t, { name: '甲一E', ownerId: w.mgrA1.userId, createdAt: '2026-11-30T16:00:00Z', lastContactAt: '2026-11-26T00:00:00Z' }) // 00:00 on 1 Dec in Shanghai
    c.f = await addCustomer(t, { name: '甲一F', ownerId: w.mgrA1.userId, createdAt: '2026-12-08T01:00:00Z', lastContactAt: null })
    // 经理甲二 (team A) and 经理乙 (team B)
    c.a2 = await addCustomer(t, { name: '甲二A', ownerId: w.mgrA2.userId, createdAt: '2026-12-03T02:00:00Z', lastContactAt: null })
    c.bb = await addCustomer(t, { name: '乙A', ownerId: w.mgrB.userId, createdAt: '2026-12-04T02:00:00Z', lastContactAt: '2026-01-01T02:00:00Z' })
    // a deleted customer counts nowhere
    const gone = await addCustomer(t, { name: '已删除', ownerId: w.mgrA1.userId, createdAt: '2026-12-02T02:00:00Z', lastContactAt: null })
    await t.app.db.knex('customers').where({ id: gone }).update({ deleted_at: NOW })

    // contacts: 甲一 two in December (one with a solar birthday on Thu 10 Dec, one a lunar birthday
    // falling on Fri 11 Dec), one in November; 乙 one in December (birthday Tue 8 Dec)
    const lunar = Solar.fromYmd(2026, 12, 11).getLunar()
    const lunarBirthday = `1970-${String(Math.abs(lunar.getMonth())).padStart(2, '0')}-${String(lunar.getDay()).padStart(2, '0')}`
    await contactAt(c.a, '张经理', '2026-12-05T02:00:00Z', '1980-12-10')
    await contactAt(c.c, '李总', '2026-12-07T02:00:00Z', lunarBirthday, 'lunar')
    await contactAt(c.b, '王工', '2026-11-20T02:00:00Z', '1975-12-20')
    await contactAt(c.bb, '赵总', '2026-12-06T02:00:00Z', '1990-12-08')

    // 交往记录: 甲一 three in December, one in November (30 Nov 23:30 Shanghai); 甲二 one in December; 乙 one in December
    const i1 = await interaction(c.a, w.mgrA1.userId, '2026-12-08T02:00:00Z')
    await interaction(c.c, w.mgrA1.userId, '2026-12-01T00:00:00Z')
    await interaction(c.e, w.mgrA1.userId, '2026-12-09T01:00:00Z')
    await interaction(c.b, w.mgrA1.userId, '2026-11-30T15:30:00Z')
    await interaction(c.a2, w.mgrA2.userId, '2026-12-02T02:00:00Z')
    const iB = await interaction(c.bb, w.mgrB.userId, '2026-12-03T02:00:00Z')
    // promises: 甲一 one overdue, one due later, one overdue but kept, one without a date; 乙 one overdue
    await promise(i1, c.a, '2026-12-01')
    await promise(i1, c.a, '2026-12-20')
    await promise(i1, c.a, '2026-11-01', '2026-11-02T02:00:00Z')
    await promise(i1, c.a, null)
    await promise(iB, c.bb, '2026-12-08')

    // opportunities: 甲一 two created in December (one at the first stage, one won), one in November; 乙 one in December
    const stage1 = await dictId(t, 'opportunity_stage', '初步接洽')
    const stage3 = await dictId(t, 'opportunity_stage', '方案报价')
    await opportunity(w.mgrA1.userId, '2026-12-03T02:00:00Z', 'assigned', stage1, 100_000)
    await opportunity(w.mgrA1.userId, '2026-12-04T02:00:00Z', 'won', stage3, 250_000)
    await opportunity(w.mgrA1.userId, '2026-11-15T02:00:00Z', 'assigned', stage3, 70_000)
    await opportunity(w.mgrB.userId, '2026-12-05T02:00:00Z', 'assigned', stage1, 90_000)

    // orders (through the orders service, so the order and payment stats are kept as in use):
    // 甲一 one sale on 3 Dec (1,000.00; 400.00 received 5 Dec), a draft on 8 Dec (500.00: an
    // order, not a sale), a sale on 20 Nov (700.00; 300.00 received 25 Nov, 200.00 on 1 Dec);
    // 甲二 a sale on 2 Dec (2,000.00); 乙 a sale on 4 Dec (800.00, paid in full that day)
    const sale = async (who: World['mgrA1'], customerId: string, date: string, cents: number, to: 'draft' | 'approved' = 'approved') => {
      const o = await draft(t, who, customerId, date, [{ productName: '服务器', quantity: 1, unitPriceCents: cents }])
      return to === 'draft' ? o : walk(t, o, who, w.admin, 'approved')
    }
    const pay = async (o: { id: string }, who: World['mgrA1'], paidDate: string, amountCents: number) => {
      const cur = await t.call(who.key, 'orders', 'get', { id: o.id })
      return t.call(who.key, 'orders', 'addPayment', { orderId: o.id, version: cur.version, paidDate, amountCents })
    }
    // (their customers: made long ago, followed up yesterday, no policy nor promise, so they
    // change no other card and an order's reminder evaluation finds nothing to remind of)
    const buyer = (name: string, ownerId: string) => addCustomer(t, { name, ownerId, createdAt: '2024-06-01T02:00:00Z', lastContactAt: '2026-12-08T02:00:00Z' })
    const [o1, o2, o3, o4] = [await buyer('甲一订货', w.mgrA1.userId), await buyer('甲一老客', w.mgrA1.userId), await buyer('甲二订货', w.mgrA2.userId), await buyer('乙订货', w.mgrB.userId)]
    const dec3 = await sale(w.mgrA1, o1, '2026-12-03', 100_000)
    await pay(dec3, w.mgrA1, '2026-12-05', 40_000)
    await sale(w.mgrA1, o1, '2026-12-08', 50_000, 'draft')
    const nov20 = await sale(w.mgrA1, o2, '2026-11-20', 70_000)
    await pay(nov20, w.mgrA1, '2026-11-25', 30_000)
    await pay(nov20, w.mgrA1, '2026-12-01', 20_000)
    await sale(w.mgrA2, o3, '2026-12-02', 200_000)
    const dec4 = await sale(w.mgrB, o4, '2026-12-04', 80_000)
    await pay(dec4, w.mgrB, '2026-12-04', 80_000)
    // targets for December: 甲一 2,000.00, 甲二 1,500.00, team A 4,000.00
    await t.call(w.supA.key, 'targets', 'save', { userId: w.mgrA1.userId, periodType: 'month', periodStart: '2026-12-01', amountCents: 200_000 })
    await t.call(w.supA.key, 'targets', 'save', { userId: w.mgrA2.userId, periodType: 'month', periodStart: '2026-12-01', amountCents: 150_000 })
    await t.call(w.supA.key, 'targets', 'save', { teamId: w.teamA, periodType: 'month', periodStart: '2026-12-01', amountCents: 400_000 })

    // 甲一's own reminders: one later today, one overdue, one tomorrow
    await t.call(w.mgrA1.key, 'reminders', 'create', { title: '今天下午回电', dueAt: '2026-12-09T15:00:00+08:00' })
    await t.call(w.mgrA1.key, 'reminders', 'create', { title: '昨天该发报价', dueAt: '2026-12-08T09:00:00+08:00' })
    await t.call(w.mgrA1.key, 'reminders', 'create', { title: '明天拜访', dueAt: '2026-12-10T09:00:00+08:00' })
  })
  afterAll(async () => t?.close())

  const metric = (o: { briefing: { metrics: Array<{ key: string; current: number; previous: number }> } | null }) =>
    Object.fromEntries(o.briefing!.metrics.map((m) => [m.key, [m.current, m.previous]]))
  const buckets = (o: { forgotten: { buckets: Array<{ days: number; count: number }> } | null }) => o.forgotten!.buckets.map((b) => [b.days, b.count])

  it('a 客户经理 sees only own: every card for 本月 against November', async () => {
    const o = await overview(w.mgrA1.key, { period: 'month', scope: 'all' })
    expect(o.scope).toBe('own') // asked for the company, narrowed to the role's
    expect(o.scopes).toEqual(['own'])
    expect(o.period).toMatchObject({ kind: 'month', from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z', firstDay: '2026-12-01', lastDay: '2026-12-31' })
    expect(o.previous).toMatchObject({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z', firstDay: '2026-11-01', lastDay: '2026-11-30' })
    expect(o.todos).toMatchObject({ todayCount: 1, overdueCount: 1, teamOverdueCount: null })
    expect(o.todos!.today.map((r) => r.title)).toEqual(['今天下午回电'])
    expect(o.todos!.overdue.map((r) => r.title)).toEqual(['昨天该发报价'])
    expect(o.toContact!.total).toBe(1)
    expect(o.toContact!.items.map((r) => r.name)).toEqual(['甲一C'])
    expect(metric(o)).toEqual({
      newCustomers: [3, 2], newContacts: [2, 1], interactions: [3, 1], newOpportunities: [2, 1], orders: [2, 1], orderAmount: [100_000, 70_000], payments: [60_000, 30_000],
    })
    expect(buckets(o)).toEqual([[7, 3], [15, 2], [30, 1], [90, 1]])
    const months = (p: NonNullable<typeof o.performance>) => p.trend.filter((m) => m.actualCents).map((m) => [m.month, m.actualCents])
    expect(o.performance).toMatchObject({ periodType: 'month', periodStart: '2026-12-01', periodEnd: '2027-01-01', targetCents: 200_000, actualCents: 100_000, rate: 50 })
    expect(o.performance!.trend).toHaveLength(12)
    expect(months(o.performance!)).toEqual([['2026-11', 70_000], ['2026-12', 100_000]])
    expect(o.forgotten!.buckets[0].before).toBe('2026-12-02T16:00:00.000Z') // last follow-up before 3 Dec, Shanghai
    expect(o.funnel).toMatchObject({ total: 2, open: 1, won: 1, lost: 0, amountCents: 100_000 })
    expect(o.birthdays).toMatchObject({ weekStart: '2026-12-07', weekEnd: '2026-12-13', total: 2 })
    expect(o.birthdays!.items.map((b) => [b.contactName, b.date, b.calendar])).toEqual([['张经理', '2026-12-10', 'solar'], ['李总', '2026-12-11', 'lunar']])
    expect(o.promises!.total).toBe(1)
    expect(o.promises!.items.map((p) => [p.dueDate, p.customerName, p.overdue])).toEqual([['2026-12-01', '甲一A', true]])
  })

  it('a supervisor sees the team, and may narrow to own', async () => {
    const team = await overview(w.supA.key, { period: 'month', scope: 'team' })
    expect(team.scope).toBe('team')
    expect(team.scopes).toEqual(['own', 'team'])
    expect(metric(team)).toEqual({
      newCustomers: [4, 2], newContacts: [2, 1], interactions: [4, 1], newOpportunities: [2, 1], orders: [3, 1], orderAmount: [300_000, 70_000], payments: [60_000, 30_000],
    })
    // the team's own target (not the sum of its managers' 3,500.00)
    expect(team.performance).toMatchObject({ targetCents: 400_000, actualCents: 300_000, rate: 75 })
    expect(team.performance!.trend.filter((m) => m.actualCents).map((m) => [m.month, m.actualCents])).toEqual([['2026-11', 70_000], ['2026-12', 300_000]])
    expect(buckets(team)).toEqual([[7, 3], [15, 2], [30, 1], [90, 1]])
    expect(team.promises!.total).toBe(1)
    expect(team.birthdays!.total).toBe(2)
    expect(team.todos).toMatchObject({ todayCount: 0, overdueCount: 0, teamOverdueCount: 0 })
    const own = await overview(w.supA.key, { period: 'month', scope: 'own' })
    expect(metric(own)).toEqual({
      newCustomers: [0, 0], newContacts: [0, 0], interactions: [0, 0], newOpportunities: [0, 0], orders: [0, 0], orderAmount: [0, 0], payments: [0, 0],
    })
    expect(own.performance).toMatchObject({ targetCents: null, actualCents: 0, rate: null })
    expect(buckets(own)).toEqual([[7, 0], [15, 0], [30, 0], [90, 0]])
    expect(own.todos!.teamOverdueCount).toBeNull()
  })

  it('an administrator sees the company', async () => {
    const o = await overview(w.admin.key, { period: 'month', scope: 'all' })
    expect(o.scope).toBe('all')
    expect(metric(o)).toEqual({
      newCustomers: [5, 2], newContacts: [3, 1], interactions: [5, 1], newOpportunities: [3, 1], orders: [4, 1], orderAmount: [380_000, 70_000], payments: [140_000, 30_000],
    })
    // company: the managers' targets summed (甲一 + 甲二), against every sale
    expect(o.performance).toMatchObject({ targetCents: 350_000, actualCents: 380_000, rate: 108.6 })
    expect(buckets(o)).toEqual([[7, 4], [15, 3], [30, 2], [90, 2]])
    expect(o.promises!.total).toBe(2)
    expect(o.birthdays!.items.map((b) => b.contactName)).toEqual(['赵总', '张经理', '李总'])
    expect(o.funnel).toMatchObject({ total: 3, open: 2, won: 1 })
  })

  it('本周, 本季, 本年 and a custom period, each against the one before', async () => {
    const week = await overview(w.mgrA1.key, { period: 'week', cards: ['briefing'] })
    expect(week.period).toMatchObject({ firstDay: '2026-12-07', lastDay: '2026-12-13' })
    expect(week.previous).toMatchObject({ firstDay: '2026-11-30', lastDay: '2026-12-06' })
    // this week: f (8 Dec); last week: a (2 Dec), e (1 Dec 00:00), d (30 Nov 23:59)
    // orders: the draft of 8 Dec (no sale) against the sale of 3 Dec; payments 1 and 5 Dec last week
    expect(metric(week)).toEqual({
      newCustomers: [1, 3], newContacts: [1, 1], interactions: [2, 2], newOpportunities: [0, 2], orders: [1, 1], orderAmount: [0, 100_000], payments: [0, 60_000],
    })
    expect(week.todos).toBeNull() // only the cards asked for
    const quarter = await overview(w.mgrA1.key, { period: 'quarter', cards: ['briefing'] })
    expect(quarter.period).toMatchObject({ firstDay: '2026-10-01', lastDay: '2026-12-31' })
    expect(quarter.previous).toMatchObject({ firstDay: '2026-07-01', lastDay: '2026-09-30' })
    expect(metric(quarter)).toEqual({
      newCustomers: [5, 0], newContacts: [3, 0], interactions: [4, 0], newOpportunities: [3, 0], orders: [3, 0], orderAmount: [170_000, 0], payments: [90_000, 0],
    })
    const qp = await overview(w.mgrA1.key, { period: 'quarter', cards: ['performance'] })
    expect(qp.performance).toMatchObject({ periodType: 'quarter', periodStart: '2026-10-01', targetCents: null, actualCents: 170_000, rate: null })
    const wp = await overview(w.mgrA1.key, { period: 'week', cards: ['performance'] })
    expect(wp.performance).toMatchObject({ periodType: 'month', periodStart: '2026-12-01', targetCents: 200_000, actualCents: 100_000 })
    const year = await overview(w.mgrA1.key, { period: 'year', cards: ['briefing'] })
    expect(year.previous).toMatchObject({ firstDay: '2025-01-01', lastDay: '2025-12-31' })
    expect(metric(year).newCustomers).toEqual([6, 0])
    const custom = await overview(w.mgrA1.key, { period: 'custom', from: '2026-12-01', to: '2026-12-02', cards: ['briefing'] })
    expect(custom.previous).toMatchObject({ firstDay: '2026-11-29', lastDay: '2026-11-30' })
    expect(metric(custom)).toEqual({
      newCustomers: [2, 1], newContacts: [0, 0], interactions: [1, 1], newOpportunities: [0, 0], orders: [0, 0], orderAmount: [0, 0], payments: [20_000, 0],
    })
    const cp = await overview(w.mgrA1.key, { period: 'custom', from: '2026-12-01', to: '2026-12-02', cards: ['performance'] })
    // the year of a custom period: no yearly target set (the monthly ones are not summed into it)
    expect(cp.performance).toMatchObject({ periodType: 'year', periodStart: '2026-01-01', targetCents: null, actualCents: 170_000, rate: null })
  })

  it('the briefing counts are what the filtered lists show', async () => {
    const o = await overview(w.mgrA1.key, { period: 'month', cards: ['briefing', 'forgotten'] })
    const customers = await t.call(w.mgrA1.key, 'customers', 'list', { filter: { createdFrom: o.period.from, createdTo: o.period.to } })
    expect(customers.total).toBe(3)
    for (const b of o.forgotten!.buckets) {
      const list = await t.call(w.mgrA1.key, 'customers', 'list', { filter: { notContactedSince: b.before } })
      expect([b.days, list.total]).toEqual([b.days, b.count])
    }
    const opps = await t.call(w.mgrA1.key, 'opportunities', 'list', { filter: { createdFrom: o.period.from, createdTo: o.period.to } })
    expect(opps.total).toBe(2)
    const records = await t.call(w.mgrA1.key, 'interactions', 'search', { from: o.period.from, to: new Date(Date.parse(o.period.to) - 1).toISOString() })
    expect(records.total).toBe(3)
    // orders, their amount and payments: the order list and 回款记录 for the same days (month and week)
    for (const period of ['month', 'week'] as const) {
      for (const who of [w.mgrA1, w.supA, w.admin]) {
        const x = await overview(who.key, { period, scope: 'all', cards: ['briefing'] })
        const m = metric(x)
        const dates = { dateFrom: x.period.firstDay, dateTo: x.period.lastDay }
        const orders = await t.call(who.key, 'orders', 'list', { filter: dates })
        const payments = await t.call(who.key, 'orders', 'payments', { filter: dates })
        expect([period, orders.total, orders.sums.totalCents, payments.sums.amountCents]).toEqual([period, m.orders[0], m.orderAmount[0], m.payments[0]])
      }
    }
  })

  it('each briefing, 遗忘客户, 销售漏斗 and 业绩指标 link (and the team 已逾期 one) opens a list whose total is the count, in every scope the user may pick (the link carries the scope)', async () => {
    // the lists and filters DashboardView's links open: the customer list by 负责人 / 团队, the other
    // lists narrowed by `scope`; 新增联系人 the 联系人 list
    let narrowed = 0
    let funnelNarrowed = 0
    let perfNarrowed = 0
    for (const who of [w.mgrA1, w.supA, w.admin]) {
      const me = (await t.call(who.key, 'auth', 'me', {}))!
      const first = await overview(who.key, { period: 'month', cards: ['briefing'] })
      for (const scope of first.scopes) {
        for (const period of ['month', 'year'] as const) {
          const o = await overview(who.key, { period, scope, cards: ['briefing', 'forgotten', 'funnel', 'performance', 'todos'] })
          expect(o.scope).toBe(scope)
          const m = metric(o)
          const byOwner = scope === 'own' ? { ownerId: me.userId } : scope === 'team' ? { teamId: me.teamId! } : {}
          const narrow = scope === 'all' ? {} : { scope }
          const dates = { dateFrom: o.period.firstDay, dateTo: o.period.lastDay }
          const created = { createdFrom: o.period.from, createdTo: o.period.to }
          const lists = {
            newCustomers: (await t.call(who.key, 'customers', 'list', { filter: { ...created, ...byOwner } })).total,
            newContacts: (await t.call(who.key, 'contacts', 'search', { ...created, ...narrow })).total,
            interactions: (await t.call(who.key, 'interactions', 'search', { from: o.period.from, to: new Date(Date.parse(o.period.to) - 1).toISOString(), ...narrow })).total,
            newOpportunities: (await t.call(who.key, 'opportunities', 'list', { filter: { ...created, ...narrow } })).total,
            orders: (await t.call(who.key, 'orders', 'list', { filter: { ...dates, ...narrow } })).total,
            orderAmount: (await t.call(who.key, 'orders', 'list', { filter: { ...dates, ...narrow } })).sums.totalCents,
            payments: (await t.call(who.key, 'orders', 'payments', { filter: { ...dates, ...narrow } })).sums.amountCents,
          }
          const label = `${me.login} ${scope} ${period}`
          expect([label, lists]).toEqual([label, Object.fromEntries(Object.keys(lists).map((k) => [k, m[k]![0]]))])
          for (const b of o.forgotten!.buckets) {
            const list = await t.call(who.key, 'customers', 'list', { filter: { notContactedSince: b.before, ...byOwner } })
            expect([label, b.days, list.total]).toEqual([label, b.days, b.count])
          }
          // 销售漏斗 / 业绩指标 查看全部: the funnel of the card's days and the 销售业绩 of its period, both narrowed by `scope`
          const funnel = await t.call(who.key, 'opportunities', 'funnel', { from: o.period.from, to: o.period.to, groupBy: 'manager', ...narrow })
          expect([label, 'funnel', funnel.total, funnel.won, funnel.amountCents]).toEqual([label, 'funnel', o.funnel!.total, o.funnel!.won, o.funnel!.amountCents])
          const perf = await t.call(who.key, 'targets', 'performance', { periodType: o.performance!.periodType, periodStart: o.performance!.periodStart, ...narrow })
          expect([label, 'performance', perf.totalActualCents]).toEqual([label, 'performance', o.performance!.actualCents])
          // the team 已逾期 link opens the 待办中心 whose team card counts the same
          if (o.todos!.teamOverdueCount !== null) {
            expect([label, 'team overdue', (await t.call(who.key, 'reminders', 'centre', {})).teamOverdueCount]).toEqual([label, 'team overdue', o.todos!.teamOverdueCount])
          }
          // the scope matters here: without it the list would show more than the card
          if (scope !== 'all') {
            const wide = (await t.call(who.key, 'contacts', 'search', { ...created })).total
            const wideOrders = (await t.call(who.key, 'orders', 'list', { filter: dates })).total
            if (wide !== m.newContacts![0] || wideOrders !== m.orders![0]) narrowed++
            const wideFunnel = (await t.call(who.key, 'opportunities', 'funnel', { from: o.period.from, to: o.period.to, groupBy: 'manager' })).total
            const widePerf = (await t.call(who.key, 'targets', 'performance', { periodType: o.performance!.periodType, periodStart: o.performance!.periodStart })).totalActualCents
            if (wideFunnel !== o.funnel!.total) funnelNarrowed++
            if (widePerf !== o.performance!.actualCents) perfNarrowed++
          }
        }
      }
    }
    expect(narrowed).toBeGreaterThan(0)
    expect(funnelNarrowed).toBeGreaterThan(0)
    expect(perfNarrowed).toBeGreaterThan(0)
    // a link never widens: a 客户经理 asking for the team still sees only own
    const own = (await t.call(w.mgrA1.key, 'contacts', 'search', { scope: 'own' })).total
    expect((await t.call(w.mgrA1.key, 'contacts', 'search', { scope: 'team' })).total).toBe(own)
    expect((await t.call(w.mgrA1.key, 'contacts', 'search', {})).total).toBe(own)
    expect((await t.call(w.admin.key, 'contacts', 'search', {})).total).toBeGreaterThan(own)
  })

  it('a card whose area the role may not see is null; the others still answer', async () => {
    const agent = await t.userSession('agent1', 'agent', { name: '客服' })
    const o = await overview(agent.key, { scope: 'all' })
    expect(o.funnel).toBeNull() // no opportunities permission
    expect(o.performance).toBeNull() // nor targets
    expect(o.briefing!.metrics.map((m) => m.key)).toEqual(['newCustomers', 'newContacts', 'interactions'])
    expect(o.forgotten).not.toBeNull()
  })

  it('the layout is per user, versioned, and keeps every card once', async () => {
    const first = await t.call(w.mgrA1.key, 'dashboard', 'layout', {})
    expect(first.version).toBeNull()
    expect(first.cards.map((x) => x.key)).toEqual(['todos', 'toContact', 'briefing', 'forgotten', 'performance', 'funnel', 'birthdays', 'promises'])
    const saved = await t.call(w.mgrA1.key, 'dashboard', 'saveLayout', { version: null, cards: [{ key: 'briefing', hidden: false }, { key: 'funnel', hidden: true }] })
    expect(saved.cards.slice(0, 3)).toEqual([{ key: 'briefing', hidden: false }, { key: 'funnel', hidden: true }, { key: 'todos', hidden: false }])
    expect(saved.cards).toHaveLength(8)
    expect(saved.version).toBeGreaterThan(0)
    // another user still has the default
    expect((await t.call(w.mgrA2.key, 'dashboard', 'layout', {})).version).toBeNull()
    // a save based on an old version (or as if never saved) is a conflict
    const stale = await t.raw(w.mgrA1.key, 'dashboard', 'saveLayout', { version: null, cards: [{ key: 'todos', hidden: true }] })
    expect(stale.ok || stale.error.code).toBe('conflict')
    const again = await t.call(w.mgrA1.key, 'dashboard', 'saveLayout', { version: saved.version!, cards: saved.cards.map((x) => ({ ...x, hidden: false })) })
    expect(again.cards.every((x) => !x.hidden)).toBe(true)
    const old = await t.raw(w.mgrA1.key, 'dashboard', 'saveLayout', { version: saved.version!, cards: saved.cards })
    expect(old.ok || old.error.code).toBe('conflict')
    const audit = await t.app.db.knex('audit_log').where({ entity: 'dashboard_layout' }).count({ n: '*' }).first()
    expect(Number(audit!.n)).toBe(2)
  })

  it('本周生日 follows contact edits: the stored month-day is rewritten with the birthday (公历, 农历, cleared)', async () => {
    const k = t.app.db.knex
    const week = async () => (await overview(w.mgrA1.key, { cards: ['birthdays'] })).birthdays!
    const md = async (id: string) => (await k('contacts').where({ id }).first('birthday_md')).birthday_md
    const before = await week()
    expect(before.total).toBe(2)
    const created = await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: c.f, fields: { name: '孙工', birthday: '1985-03-03' } })
    expect(await md(created.id)).toBe('03-03')
    expect((await week()).total).toBe(2)
    // corrected to 12 December (Saturday of this week)
    let cur = await t.call(w.mgrA1.key, 'contacts', 'update', { id: created.id, version: created.version, fields: { birthday: '1985-12-12' } })
    expect(await md(created.id)).toBe('12-12')
    expect((await week()).items.map((b) => [b.contactName, b.date, b.calendar])).toEqual([['张经理', '2026-12-10', 'solar'], ['李总', '2026-12-11', 'lunar'], ['孙工', '2026-12-12', 'solar']])
    // kept in the 农历: the lunar month-day that falls on Sunday 13 December 2026
    const l = Solar.fromYmd(2026, 12, 13).getLunar()
    const lunarMd = `${String(Math.abs(l.getMonth())).padStart(2, '0')}-${String(l.getDay()).padStart(2, '0')}`
    cur = await t.call(w.mgrA1.key, 'contacts', 'update', { id: created.id, version: cur.version, fields: { birthday: `1985-${lunarMd}`, birthdayCalendar: 'lunar' } })
    expect(await md(created.id)).toBe(lunarMd)
    expect((await week()).items.find((b) => b.contactName === '孙工')).toMatchObject({ date: '2026-12-13', calendar: 'lunar' })
    // only the calendar changes back to 公历: the same stored month-day, now read as a solar date (not this week)
    cur = await t.call(w.mgrA1.key, 'contacts', 'update', { id: created.id, version: cur.version, fields: { birthdayCalendar: 'solar' } })
    expect(await md(created.id)).toBe(lunarMd)
    expect((await week()).items.map((b) => b.contactName)).not.toContain('孙工')
    // an edit that leaves the birthday alone keeps the month-day; clearing the birthday clears it
    cur = await t.call(w.mgrA1.key, 'contacts', 'update', { id: created.id, version: cur.version, fields: { name: '孙工程师', birthday: '1985-12-12' } })
    cur = await t.call(w.mgrA1.key, 'contacts', 'update', { id: created.id, version: cur.version, fields: { title: '总工' } })
    expect(await md(created.id)).toBe('12-12')
    expect((await week()).items.map((b) => b.contactName)).toContain('孙工程师')
    await t.call(w.mgrA1.key, 'contacts', 'update', { id: created.id, version: cur.version, fields: { birthday: null } })
    expect(await md(created.id)).toBeNull()
    expect((await week()).total).toBe(2)
    await t.call(w.mgrA1.key, 'contacts', 'remove', { id: created.id })
  })

  describe('bad input', () => {
    it('is a field error and writes nothing', async () => {
      const before = await countRows(t, 'dashboard_layouts')
      const v = await syncVersion(t)
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { period: 'custom' }), 'from')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { period: 'custom', from: '2026-12-05', to: '2026-12-01' }), 'to')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { period: 'custom', from: '2020-01-01', to: '2026-12-01' }), 'to')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { period: 'decade' }), 'period')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { scope: 'galaxy' }), 'scope')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { cards: ['orders'] }), 'cards.0')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { limit: 0 }), 'limit')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { timeZone: 'Mars/Olympus' }), 'timeZone')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'overview', { extra: 1 }), '(input)')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'saveLayout', { version: null, cards: [] }), 'cards')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'saveLayout', { version: null, cards: [{ key: 'todos', hidden: false }, { key: 'todos', hidden: true }] }), 'cards.1.key')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'saveLayout', { version: null, cards: [{ key: 'todos', hidden: 'yes' }] }), 'cards.0.hidden')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'dashboard', 'saveLayout', { cards: [{ key: 'todos', hidden: true }] }), 'version')
      expect(await countRows(t, 'dashboard_layouts')).toBe(before)
      expect(await syncVersion(t)).toBe(v)
    })

    it('needs a session', async () => {
      const r = await t.raw('no-such-session', 'dashboard', 'overview', {})
      expect(r.ok || r.error.code).toBe('unauthenticated')
    })
  })
})
