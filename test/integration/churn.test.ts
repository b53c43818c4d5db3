// 客户流失 through dispatch on SQLite and PostgreSQL: the check opens one 流失预警 per stale
// customer (by its 购买策略's cycle, 180 days without one, never-ordered customers by age),
// never twice; 暂缓措施 → 暂缓流失; 确认流失 moves the customer to its 流失 category; a new order
// (closeWarningsForOrder) or a recent last order (the check) closes it; scope and refusals.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeWarningsForOrder, dailyChurnCheck, runChurnCheck } from '../../src-main/modules/churn/churn.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, dictId, expectCode, expectFieldIssue, makeStaff, syncVersion, type Staff } from './customers.fixtures'

const NOW = new Date('2026-06-30T04:00:00Z') // 2026-06-30 12:00 in Shanghai
const DAY = 86_400_000
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString().slice(0, 10)

describeEachDb('churn', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const customer = (id: string) => k()('customers').where({ id }).first()
  const warningsOf = (customerId: string) => k()('churn_warnings').where({ customer_id: customerId }).whereNull('deleted_at').orderBy('created_at')

  /** A customer of `owner` created `createdDaysAgo` ago, with a last order `lastOrderDaysAgo` ago (null: none). */
  async function makeCustomer(name: string, owner: string, o: { createdDaysAgo?: number; lastOrderDaysAgo?: number | null; policy?: string; category?: string } = {}) {
    t.clock.setNow(new Date(NOW.getTime() - (o.createdDaysAgo ?? 400) * DAY))
    const c = await t.call(s.admin.key, 'customers', 'create', {
      name, ownerId: owner, purchasePolicyId: o.policy ? await dictId(t, 'purchase_policy', o.policy) : null,
      categoryId: o.category ? await dictId(t, 'category', o.category) : null,
    })
    t.clock.setNow(NOW)
    // the orders module keeps last_order_date from orders; here it is set as an order would
    if (o.lastOrderDaysAgo != null) await k()('customers').where({ id: c.id }).update({ last_order_date: daysAgo(o.lastOrderDaysAgo), order_count: 1 })
    return c.id
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    await t.call(s.admin.key, 'reminders', 'saveSettings', { timeZone: 'Asia/Shanghai' })
  })
  afterAll(async () => {
    t.clock.reset()
    await t.close()
  })

  it('opens one warning per stale customer by its policy cycle, once; the customer turns 流失预警', async () => {
    const stale = await makeCustomer('半年未下单有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 200 })
    const fresh = await makeCustomer('上月下单有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 30 })
    const monthly = await makeCustomer('月采购策略有限公司', s.mgrA2.userId, { lastOrderDaysAgo: 40, policy: '每月采购' })
    const yearly = await makeCustomer('年采购策略有限公司', s.mgrA2.userId, { lastOrderDaysAgo: 200, policy: '每年采购' })
    const neverOld = await makeCustomer('从未下单老客户有限公司', s.mgrB.userId, { createdDaysAgo: 200, lastOrderDaysAgo: null })
    const neverNew = await makeCustomer('从未下单新客户有限公司', s.mgrB.userId, { createdDaysAgo: 20, lastOrderDaysAgo: null })

    const touchedBefore = String((await customer(stale)).updated_at)
    const first = await runChurnCheck(t.app, { actor: null })
    expect(first.opened).toBe(3)
    // a status the check sets on its own moves the sync version, not 最近更新 (updated_at: the list's default order)
    expect(String((await customer(stale)).updated_at)).toBe(touchedBefore)
    for (const id of [stale, monthly, neverOld]) {
      const [w] = await warningsOf(id)
      expect(w).toMatchObject({ status: 'open', owner_id: (await customer(id)).owner_id })
      expect((await customer(id)).status).toBe('churn_warning')
    }
    expect((await warningsOf(stale))[0]).toMatchObject({ last_order_date: daysAgo(200), cycle_days: 180 })
    expect((await warningsOf(monthly))[0]).toMatchObject({ cycle_days: 30 })
    for (const id of [fresh, yearly, neverNew]) {
      expect(await warningsOf(id)).toHaveLength(0)
      expect((await customer(id)).status).toBe('normal')
    }
    // the system wrote it: audited without a user, under the customer
    const [created] = await auditRows(t, 'churn_warning', (await warningsOf(stale))[0].id)
    expect(created).toMatchObject({ action: 'create', user_id: null, parent_id: stale })
    // one entry per warning: the customer's status change is in it, not in an entry of its own
    expect(created.changes.customerStatus).toEqual(['normal', 'churn_warning'])
    expect(await auditRows(t, 'customer', stale)).toHaveLength(1) // its creation only
    // the database wrote the entry (INSERT … SELECT): the same JSON JavaScript wrote, a last order date or null
    const exact = async (id: string) => String((await k()('audit_log').where({ entity: 'churn_warning', parent_id: id }).first('changes')).changes)
    expect(await exact(stale)).toBe(JSON.stringify({ status: [null, 'open'], lastOrderDate: [null, daysAgo(200)], cycleDays: [null, 180], customerStatus: ['normal', 'churn_warning'] }))
    expect(await exact(neverOld)).toBe(JSON.stringify({ status: [null, 'open'], lastOrderDate: [null, null], cycleDays: [null, 180], customerStatus: ['normal', 'churn_warning'] }))
    expect(await exact(monthly)).toBe(JSON.stringify({ status: [null, 'open'], lastOrderDate: [null, daysAgo(40)], cycleDays: [null, 30], customerStatus: ['normal', 'churn_warning'] }))
    // the warning, its customer and the customer's sync version: one transaction's version
    const [w] = await warningsOf(stale)
    expect(Number((await customer(stale)).version)).toBe(Number(w.version))
    expect(String(w.detected_at).length).toBeGreaterThan(0)
    // the card's 操作记录 shows it: the owner (churn.view) the warning's entry with the change;
    // a 客服专员 (customers.view, no churn.view) the customer's status change alone, as the customer's
    const own = (await t.call(s.mgrA1.key, 'audit', 'forCustomer', { customerId: stale, page: 1, pageSize: 20 })).items
    expect(own.find((e) => e.entity === 'churn_warning')).toMatchObject({ action: 'create', changes: { customerStatus: ['normal', 'churn_warning'], status: [null, 'open'] } })
    const agents = (await t.call(s.agent.key, 'audit', 'forCustomer', { customerId: stale, page: 1, pageSize: 20 })).items
    expect(agents.map((e) => [e.entity, e.action])).toEqual([['customer', 'update'], ['customer', 'create']])
    expect(agents[0]).toMatchObject({ entityId: stale, changes: { status: ['normal', 'churn_warning'] } })
    expect(agents[0]!.changes).not.toHaveProperty('cycleDays')

    // idempotent: nothing new, nothing written
    const version = await syncVersion(t)
    const second = await runChurnCheck(t.app, { actor: null })
    expect(second).toMatchObject({ opened: 0, closed: 0 })
    expect(await syncVersion(t)).toBe(version)
    expect(await warningsOf(stale)).toHaveLength(1)
  })

  it('records measures (暂缓流失), then confirms the loss: category → its 流失 category, status 已流失', async () => {
    const agent = await makeCustomer('现有代理流失测试有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 300, category: '现有代理' })
    const end = await makeCustomer('潜在终端流失测试有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 300, category: '潜在终端客户' })
    await runChurnCheck(t.app, { actor: null })
    const wa = (await t.call(s.mgrA1.key, 'churn', 'forCustomer', { customerId: agent }))!
    expect(wa).toMatchObject({ status: 'open', customerName: '现有代理流失测试有限公司', actions: ['addMeasure', 'confirm'], measures: [] })

    const m1 = await t.call(s.mgrA1.key, 'churn', 'addMeasure', { id: wa.id, version: wa.version, measureDate: '2026-06-28', content: '上门拜访，给予季度返点' })
    expect(m1.status).toBe('paused')
    expect((await customer(agent)).status).toBe('churn_paused')
    const m2 = await t.call(s.mgrA1.key, 'churn', 'addMeasure', { id: wa.id, version: m1.version, measureDate: '2026-06-30', content: '总经理电话沟通' })
    expect(m2.measures.map((m) => [m.measureDate, m.content, m.createdByName])).toEqual([
      ['2026-06-30', '总经理电话沟通', '经理甲一'],
      ['2026-06-28', '上门拜访，给予季度返点', '经理甲一'],
    ])
    expectFieldIssue(await t.raw(s.mgrA1.key, 'churn', 'addMeasure', { id: wa.id, version: m2.version, measureDate: '2026-07-05', content: '未来' }), 'measureDate', 'in_future')

    // a reason that is not a 流失原因 is refused; then the loss is confirmed
    expectFieldIssue(await t.raw(s.mgrA1.key, 'churn', 'confirm', { id: wa.id, version: m2.version, reasonId: await dictId(t, 'region', '华南') }), 'reasonId', 'invalid_dict')
    const reason = await dictId(t, 'churn_reason', '被竞争对手抢走')
    const done = await t.call(s.mgrA1.key, 'churn', 'confirm', { id: wa.id, version: m2.version, reasonId: reason, reasonText: '对手低价 15%' })
    expect(done).toMatchObject({ status: 'confirmed', reasonId: reason, reasonText: '对手低价 15%', confirmedByName: '经理甲一', actions: [] })
    const c = await customer(agent)
    expect(c.status).toBe('churned')
    expect(c.category_id).toBe(await dictId(t, 'category', '流失代理'))
    const last = (await auditRows(t, 'customer', agent)).at(-1)!
    expect(last).toMatchObject({ user_id: s.mgrA1.userId })
    expect(last.changes.categoryId).toEqual([await dictId(t, 'category', '现有代理'), await dictId(t, 'category', '流失代理')])

    // confirmed is final; a second confirm is refused with the state machine's message
    const again = expectCode(await t.raw(s.mgrA1.key, 'churn', 'confirm', { id: wa.id, version: done.version, reasonId: reason }), 'rule')
    expect(again).toMatchObject({ key: 'churn.errors.illegalTransition', params: { status: 'confirmed', action: 'confirm' } })
    // and the check does not open another warning for a 已流失 customer
    expect((await runChurnCheck(t.app, { actor: null })).opened).toBe(0)
    expect(await warningsOf(agent)).toHaveLength(1)

    const we = (await t.call(s.mgrA1.key, 'churn', 'forCustomer', { customerId: end }))!
    // a stale version is a conflict
    expectCode(await t.raw(s.mgrA1.key, 'churn', 'confirm', { id: we.id, version: we.version - 1, reasonId: reason }), 'conflict')
    await t.call(s.mgrA1.key, 'churn', 'confirm', { id: we.id, version: we.version, reasonId: reason })
    expect((await customer(end)).category_id).toBe(await dictId(t, 'category', '流失终端客户'))
  })

  it('closes the warning on a new order (closeWarningsForOrder) and when the last order is recent again (the check)', async () => {
    const a = await makeCustomer('新订单关闭预警有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 250 })
    const b = await makeCustomer('补录订单关闭预警有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 250 })
    await runChurnCheck(t.app, { actor: null })
    const wa = (await t.call(s.mgrA1.key, 'churn', 'forCustomer', { customerId: a }))!
    await t.call(s.mgrA1.key, 'churn', 'addMeasure', { id: wa.id, version: wa.version, measureDate: '2026-06-29', content: '报价优惠' })

    // the orders service calls this inside the order's transaction
    const closed = await k().transaction(async (trx) => {
      await trx('customers').where({ id: a }).update({ last_order_date: '2026-06-30' })
      return closeWarningsForOrder(trx, a, { now: NOW })
    })
    expect(closed).toBe(1)
    expect((await warningsOf(a))[0]).toMatchObject({ status: 'closed', closed_reason: 'order' })
    expect((await customer(a)).status).toBe('normal')
    expect(await t.call(s.mgrA1.key, 'churn', 'forCustomer', { customerId: a })).toBeNull()
    expect(await k().transaction((trx) => closeWarningsForOrder(trx, a))).toBe(0)

    // before the call is wired: the check closes warnings whose customer ordered within the cycle
    await k()('customers').where({ id: b }).update({ last_order_date: daysAgo(3) })
    const [bBefore, versionBefore] = [await customer(b), await syncVersion(t)]
    const r = await runChurnCheck(t.app, { actor: null })
    expect(r).toMatchObject({ closed: 1, opened: 0 })
    expect((await warningsOf(b))[0]).toMatchObject({ status: 'closed' })
    expect((await customer(b)).status).toBe('normal')
    // sync clients see it (a newer version); updated_at stays the last time someone worked on the customer
    expect(Number((await customer(b)).version)).toBeGreaterThan(versionBefore)
    expect(String((await customer(b)).updated_at)).toBe(String(bBefore.updated_at))

    // stale again later: a new warning opens (the closed one stays closed)
    await k()('customers').where({ id: b }).update({ last_order_date: daysAgo(190) })
    expect((await runChurnCheck(t.app, { actor: null })).opened).toBe(1)
    expect((await warningsOf(b)).map((w) => w.status)).toEqual(['closed', 'open'])
  })

  it('runs the daily check once per app day', async () => {
    const id = await makeCustomer('每日检查有限公司', s.mgrA2.userId, { lastOrderDaysAgo: 365 })
    t.clock.setNow(new Date(NOW.getTime() + 2 * DAY))
    try {
      const r = await dailyChurnCheck(t.app)
      expect(r?.opened).toBeGreaterThanOrEqual(1)
      expect(await warningsOf(id)).toHaveLength(1)
      expect(await dailyChurnCheck(t.app)).toBeNull() // same day: not again
      t.clock.setNow(new Date(NOW.getTime() + 3 * DAY))
      expect(await dailyChurnCheck(t.app)).toMatchObject({ opened: 0 })
    } finally {
      t.clock.setNow(NOW)
    }
  })

  it('shows warnings to the owner and the team supervisor only; the button checks the caller\'s customers', async () => {
    const mine = await makeCustomer('甲一的流失客户有限公司', s.mgrA1.userId, { lastOrderDaysAgo: 500 })
    const bs = await makeCustomer('乙组的流失客户有限公司', s.mgrB.userId, { lastOrderDaysAgo: 500 })
    // a manager cannot run the check; supervisor A checks team A only
    expectCode(await t.raw(s.mgrA1.key, 'churn', 'runCheck', {}), 'forbidden')
    const r = await t.call(s.supA.key, 'churn', 'runCheck', {})
    expect(r.opened).toBeGreaterThanOrEqual(1)
    expect(await warningsOf(mine)).toHaveLength(1)
    expect(await warningsOf(bs)).toHaveLength(0)
    await t.call(s.supB.key, 'churn', 'runCheck', {})
    const w = (await warningsOf(bs))[0]

    const listed = async (key: string, filter: Record<string, unknown> = {}) => (await t.call(key, 'churn', 'list', { pageSize: 500, filter })).items.map((x) => x.customerId)
    expect(await listed(s.mgrA1.key)).toContain(mine)
    expect(await listed(s.mgrA1.key)).not.toContain(bs)
    expect(await listed(s.mgrA2.key)).not.toContain(mine)
    expect(await listed(s.supA.key)).toContain(mine)
    expect(await listed(s.supA.key)).not.toContain(bs)
    expect(await listed(s.admin.key)).toEqual(expect.arrayContaining([mine, bs]))
    expect(await listed(s.exec.key)).toEqual(expect.arrayContaining([mine, bs]))
    expect(await listed(s.admin.key, { status: 'confirmed' })).not.toContain(mine)
    expect(await listed(s.admin.key, { search: '乙组的流失' })).toEqual([bs])
    expect(await listed(s.admin.key, { ownerId: s.mgrB.userId, status: 'open' })).toContain(bs)
    expectCode(await t.raw(s.mgrA1.key, 'churn', 'get', { id: w.id }), 'not_found')
    expectCode(await t.raw(s.mgrA1.key, 'churn', 'forCustomer', { customerId: bs }), 'not_found')
    expectCode(await t.raw(s.mgrA1.key, 'churn', 'addMeasure', { id: w.id, version: Number(w.version), measureDate: '2026-06-30', content: 'x' }), 'not_found')
    // the executive reads but writes nothing; the agent has no churn at all
    expectCode(await t.raw(s.exec.key, 'churn', 'addMeasure', { id: w.id, version: Number(w.version), measureDate: '2026-06-30', content: 'x' }), 'forbidden')
    expectCode(await t.raw(s.agent.key, 'churn', 'list', {}), 'forbidden')
    // the list is paged with the standing warnings first
    const page = await t.call(s.admin.key, 'churn', 'list', { pageSize: 2 })
    expect(page.items).toHaveLength(2)
    expect(page.total).toBeGreaterThan(2)
  })
})
