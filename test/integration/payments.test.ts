// 回款 through dispatch, on SQLite and PostgreSQL: payment plans and received payments of an
// order, allocation earliest due date first, 应收 and overdue on the order, the 应收款 and 回款记录
// lists, a payment beyond the outstanding amount refused, and an overdue plan becoming a
// reminder for the order's owner (done once paid, withdrawn when the plan or the sale goes).
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Order } from '../../src-main/contract/orders'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, dictId, errorOf, expectCode, makeStaff, type Staff } from './customers.fixtures'
import { customerOf, draft, expectStatsExact, walk } from './orders.fixtures'

describeEachDb('回款: payment plans, payments, receivables, reminders', (dialect) => {
  let t: TestApp
  let s: Staff
  let transfer: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z')) // 10:00 in Shanghai
    s = await makeStaff(t)
    await t.call(s.admin.key, 'reminders', 'saveSettings', { timeZone: 'Asia/Shanghai', notifyHour: 9 })
    transfer = await dictId(t, 'payment_method', '银行转账')
  })
  afterAll(async () => {
    await t.close()
  })

  const ruleKey = (r: Awaited<ReturnType<TestApp['raw']>>) => {
    const e = errorOf(r)
    expect(e.code).toBe('rule')
    return e.key
  }
  /** A sale of 1,000.00 yuan for a new customer of mgrA1. */
  async function sale(name: string, to: 'approved' | 'shipped' = 'approved'): Promise<Order> {
    const c = await customerOf(t, s.admin, s.mgrA1, name)
    return walk(t, await draft(t, s.mgrA1, c.id, '2026-05-01', [{ productName: '设备', quantity: 1, unitPriceCents: 100_000 }]), s.mgrA1, s.supA, to)
  }
  const plan = (o: Order, dueDate: string, amountCents: number, extra: Record<string, unknown> = {}) =>
    t.call(s.mgrA1.key, 'orders', 'savePlan', { orderId: o.id, dueDate, amountCents, ...extra })
  const pay = (o: Order, amountCents: number, paidDate = '2026-06-10') =>
    t.call(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, version: o.version, paidDate, amountCents, methodId: transfer, note: '网银' })
  const reminders = (planId: string) =>
    t.app.db.knex('reminders').where({ source: 'payment_due', source_id: planId }).select('id', 'owner_id', 'due_at', 'done_at', 'deleted_at', 'retracted_at', 'title', 'title_key', 'title_params', 'basis_date')

  it('plans and payments: allocation in due-date order, outstanding and overdue on the order, overpayment refused', async () => {
    let o = await sale('广州瑞丰电子科技有限公司')
    expect(o.outstandingCents).toBe(100_000)
    o = await plan(o, '2026-07-31', 60_000, { note: '尾款' })
    o = await plan(o, '2026-05-31', 40_000, { note: '首付款' })
    expect(o.plans.map((p) => [p.dueDate, p.amountCents, p.paidCents, p.state])).toEqual([
      ['2026-05-31', 40_000, 0, 'overdue'],
      ['2026-07-31', 60_000, 0, 'open'],
    ])
    expect([o.overdueCents, o.nextDueDate]).toEqual([40_000, '2026-05-31'])
    // plans together never exceed the total
    expect(ruleKey(await t.raw(s.mgrA1.key, 'orders', 'savePlan', { orderId: o.id, dueDate: '2026-08-31', amountCents: 1 }))).toBe('orders.errors.plansExceedTotal')

    o = await pay(o, 30_000)
    expect([o.receivedCents, o.outstandingCents, o.overdueCents, o.nextDueDate]).toEqual([30_000, 70_000, 10_000, '2026-05-31'])
    expect(o.plans.map((p) => [p.paidCents, p.state])).toEqual([[30_000, 'overdue'], [0, 'open']])
    expect(o.payments.map((p) => [p.paidDate, p.amountCents, p.methodId, p.note, p.createdByName])).toEqual([['2026-06-10', 30_000, transfer, '网银', '经理甲一']])

    // more than outstanding: refused, nothing written
    const before = await t.app.db.knex('payments').count({ n: '*' }).first()
    const over = await t.raw(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, version: o.version, paidDate: '2026-06-12', amountCents: 70_001 })
    expect(ruleKey(over)).toBe('orders.errors.overpaid')
    expect(errorOf(over).params).toMatchObject({ outstandingCents: 70_000 })
    expect(await t.app.db.knex('payments').count({ n: '*' }).first()).toEqual(before)
    // at a stale order version: conflict
    expectCode(await t.raw(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, version: o.version - 1, paidDate: '2026-06-12', amountCents: 1 }), 'conflict')

    o = await pay(o, 70_000, '2026-06-14')
    expect([o.receivedCents, o.outstandingCents, o.overdueCents, o.nextDueDate]).toEqual([100_000, 0, 0, null])
    expect(o.plans.map((p) => p.state)).toEqual(['paid', 'paid'])
    expect(o.allowed.payments).toBe(false)
    expect(ruleKey(await t.raw(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, version: o.version, paidDate: '2026-06-14', amountCents: 1 }))).toBe('orders.errors.overpaid')

    // removing a payment reopens the plan it covered
    const first = o.payments.find((p) => p.amountCents === 30_000)!
    o = await t.call(s.mgrA1.key, 'orders', 'removePayment', { id: first.id, version: first.version })
    expect([o.receivedCents, o.outstandingCents, o.nextDueDate]).toEqual([70_000, 30_000, '2026-07-31'])
    expect(o.plans.map((p) => [p.paidCents, p.state])).toEqual([[40_000, 'paid'], [30_000, 'partial']])
    await expectStatsExact(t)
    // audited on the customer's history
    expect((await auditRows(t, 'payment', first.id)).map((a) => [a.action, a.parent_id])).toEqual([['create', o.customerId], ['delete', o.customerId]])
  })

  it('payments only on a sale; plans not on a cancelled order; a sale with payments is not cancelled', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '上海嘉德贸易有限公司')
    const d = await draft(t, s.mgrA1, c.id)
    expect(ruleKey(await t.raw(s.mgrA1.key, 'orders', 'addPayment', { orderId: d.id, version: d.version, paidDate: '2026-06-01', amountCents: 100 }))).toBe('orders.errors.notASale')
    const planned = await plan(d, '2026-09-30', 50_000) // a draft may carry its plan already
    expect(planned.overdueCents).toBe(0)
    const cancelled = await t.call(s.mgrA1.key, 'orders', 'cancel', { id: d.id, version: planned.version })
    expect(ruleKey(await t.raw(s.mgrA1.key, 'orders', 'savePlan', { orderId: d.id, dueDate: '2026-09-30', amountCents: 1 }))).toBe('orders.errors.cancelled')
    expect(cancelled.outstandingCents).toBe(0)

    let o = await sale('上海嘉德贸易二部')
    o = await pay(o, 100)
    expect(ruleKey(await t.raw(s.supA.key, 'orders', 'cancel', { id: o.id, version: o.version }))).toBe('orders.errors.hasPayments')
    const p = o.payments[0]
    o = await t.call(s.mgrA1.key, 'orders', 'removePayment', { id: p.id, version: p.version })
    expect((await t.call(s.supA.key, 'orders', 'cancel', { id: o.id, version: o.version })).status).toBe('cancelled')
  })

  it('edits and removes plans at their version', async () => {
    let o = await sale('北京宇通网络科技有限公司')
    o = await plan(o, '2026-07-01', 50_000)
    const p = o.plans[0]
    o = await plan(o, '2026-07-15', 80_000, { id: p.id, version: p.version, note: '改期' })
    expect(o.plans.map((x) => [x.dueDate, x.amountCents, x.note])).toEqual([['2026-07-15', 80_000, '改期']])
    expectCode(await t.raw(s.mgrA1.key, 'orders', 'savePlan', { orderId: o.id, id: p.id, version: p.version, dueDate: '2026-07-20', amountCents: 1 }), 'conflict')
    const cur = o.plans[0]
    o = await t.call(s.mgrA1.key, 'orders', 'removePlan', { id: cur.id, version: cur.version })
    expect([o.plans, o.nextDueDate]).toEqual([[], null])
    expectCode(await t.raw(s.mgrA2.key, 'orders', 'removePlan', { id: cur.id, version: cur.version }), 'not_found')
  })

  it('应收款 and 回款记录 lists: scoped, overdue first, sums over the matches', async () => {
    const c = await customerOf(t, s.admin, s.mgrB, '西安鼎盛能源有限公司')
    const mk = async (date: string, cents: number) =>
      walk(t, await draft(t, s.mgrB, c.id, date, [{ productName: '组件', quantity: 1, unitPriceCents: cents }]), s.mgrB, s.supB, 'approved')
    let late = await mk('2026-03-01', 200_000)
    late = await t.call(s.mgrB.key, 'orders', 'savePlan', { orderId: late.id, dueDate: '2026-04-30', amountCents: 200_000 })
    let fresh = await mk('2026-06-01', 300_000)
    fresh = await t.call(s.mgrB.key, 'orders', 'savePlan', { orderId: fresh.id, dueDate: '2026-08-31', amountCents: 300_000 })
    let paid = await mk('2026-02-01', 50_000)
    paid = await t.call(s.mgrB.key, 'orders', 'addPayment', { orderId: paid.id, version: paid.version, paidDate: '2026-02-20', amountCents: 50_000 })
    late = await t.call(s.mgrB.key, 'orders', 'addPayment', { orderId: late.id, version: late.version, paidDate: '2026-05-20', amountCents: 20_000, methodId: transfer })
    await walk(t, await draft(t, s.mgrB, c.id), s.mgrB, s.supB, 'pending') // not a sale: no receivable

    const rec = await t.call(s.supB.key, 'orders', 'receivables', { filter: { customerId: c.id } })
    expect(rec.items.map((r) => [r.id, r.outstandingCents, r.overdueCents, r.nextDueDate])).toEqual([
      [late.id, 180_000, 180_000, '2026-04-30'],
      [fresh.id, 300_000, 0, '2026-08-31'],
    ])
    expect(rec.sums).toEqual({ outstandingCents: 480_000, overdueCents: 180_000 })
    const overdue = await t.call(s.supB.key, 'orders', 'receivables', { filter: { customerId: c.id, overdueOnly: true } })
    expect(overdue.items.map((r) => r.id)).toEqual([late.id])
    expect(overdue.sums.overdueCents).toBe(180_000)
    // the order list of the customer (the card's 历史订单) carries the same sums over its sales
    const cardList = await t.call(s.mgrB.key, 'orders', 'list', { filter: { customerId: c.id } })
    expect(cardList.sums).toEqual({ totalCents: 550_000, receivedCents: 70_000, outstandingCents: 480_000, overdueCents: 180_000 })

    const pays = await t.call(s.supB.key, 'orders', 'payments', { filter: { customerId: c.id } })
    expect(pays.items.map((p) => [p.orderCode, p.paidDate, p.amountCents, p.customerName, p.ownerName])).toEqual([
      [late.code, '2026-05-20', 20_000, '西安鼎盛能源有限公司', '经理乙'],
      [paid.code, '2026-02-20', 50_000, '西安鼎盛能源有限公司', '经理乙'],
    ])
    expect(pays.sums).toEqual({ amountCents: 70_000 })
    expect((await t.call(s.supB.key, 'orders', 'payments', { filter: { customerId: c.id, dateFrom: '2026-03-01' } })).items.map((p) => p.amountCents)).toEqual([20_000])
    expect((await t.call(s.supB.key, 'orders', 'payments', { filter: { methodId: transfer, customerId: c.id } })).total).toBe(1)
    expect((await t.call(s.supB.key, 'orders', 'payments', { filter: { search: paid.code } })).items.map((p) => p.orderId)).toEqual([paid.id])
    expect((await t.call(s.supB.key, 'orders', 'payments', { filter: { search: '鼎盛能源' } })).total).toBe(2)
    // out of scope: nothing
    expect((await t.call(s.supA.key, 'orders', 'receivables', { filter: { customerId: c.id } })).total).toBe(0)
    expect((await t.call(s.mgrA1.key, 'orders', 'payments', { filter: { customerId: c.id } })).total).toBe(0)
    expect((await t.call(s.exec.key, 'orders', 'payments', { filter: { customerId: c.id } })).total).toBe(2)
    // unfiltered and per owner the sums come from the stats: the same figures
    await expectStatsExact(t)
    const mine = await t.call(s.mgrB.key, 'orders', 'receivables', {})
    expect(mine.sums).toEqual({ outstandingCents: 480_000, overdueCents: 180_000 })
    expect(mine.total).toBe(2)
    const all = await t.call(s.mgrB.key, 'orders', 'list', {})
    expect(all.sums).toEqual({ totalCents: 550_000, receivedCents: 70_000, outstandingCents: 480_000, overdueCents: 180_000 })
    expect(all.total).toBe(4)
    expect(await t.call(s.mgrB.key, 'orders', 'list', { filter: { dateFrom: '2026-02-01', dateTo: '2026-03-31' } }).then((r) => [r.total, r.sums.totalCents])).toEqual([2, 250_000])
    expect((await t.call(s.mgrB.key, 'orders', 'payments', { filter: { dateFrom: '2026-02-01', dateTo: '2026-02-28' } })).sums).toEqual({ amountCents: 50_000 })
  })

  it('an overdue plan becomes a reminder for the order owner; done once paid; withdrawn when the plan goes', async () => {
    let o = await sale('天津信达供应链管理有限公司')
    o = await plan(o, '2026-06-20', 30_000) // not yet due
    o = await plan(o, '2026-06-10', 70_000) // overdue since the 11th
    const overduePlan = o.plans.find((p) => p.dueDate === '2026-06-10')!
    const futurePlan = o.plans.find((p) => p.dueDate === '2026-06-20')!
    let rows = await reminders(overduePlan.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ owner_id: s.mgrA1.userId, done_at: null, deleted_at: null, basis_date: '2026-06-10' })
    expect(new Date(rows[0].due_at).toISOString()).toBe('2026-06-11T01:00:00.000Z') // the day after, 09:00 Shanghai
    // the title is a key and its values (rendered in the reader's language), never a stored sentence
    expect(rows[0]).toMatchObject({ title: '', title_key: 'payment_due' })
    expect(JSON.parse(String(rows[0].title_params))).toEqual({ code: o.code, customer: '天津信达供应链管理有限公司', dueDate: '2026-06-10', unpaidCents: 70_000 })
    expect(await reminders(futurePlan.id)).toHaveLength(0)
    // it shows in the owner's reminder centre, with the customer
    const centre = await t.call(s.mgrA1.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })
    expect(centre.overdue.map((r) => [r.source, r.sourceId, r.customerId])).toContainEqual(['payment_due', overduePlan.id, o.customerId])

    // partly paid: still open (the title follows the unpaid amount); fully paid: done
    o = await pay(o, 50_000)
    rows = await reminders(overduePlan.id)
    expect(rows[0].done_at).toBeNull()
    expect(JSON.parse(String(rows[0].title_params)).unpaidCents).toBe(20_000)
    o = await pay(o, 20_000)
    rows = await reminders(overduePlan.id)
    expect(rows[0].done_at).not.toBeNull()

    // days later the second plan is overdue: the hourly evaluation makes its reminder
    t.clock.setNow(new Date('2026-06-22T02:00:00Z'))
    await t.call(s.admin.key, 'reminders', 'evaluate', {})
    expect((await reminders(futurePlan.id)).map((r) => [r.done_at, r.deleted_at])).toEqual([[null, null]])
    // the plan moved later: that reminder is withdrawn (no longer overdue)
    const fp = (await t.call(s.mgrA1.key, 'orders', 'get', { id: o.id })).plans.find((p) => p.id === futurePlan.id)!
    o = await plan(o, '2026-07-31', 30_000, { id: fp.id, version: fp.version })
    expect((await reminders(futurePlan.id)).map((r) => r.retracted_at !== null)).toEqual([true])
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
  })

  it('a cancelled sale withdraws its payment reminders', async () => {
    let o = await sale('哈尔滨东方化工有限公司')
    o = await plan(o, '2026-06-01', 100_000)
    const p = o.plans[0]
    expect((await reminders(p.id)).filter((r) => !r.deleted_at)).toHaveLength(1)
    await t.call(s.supA.key, 'orders', 'cancel', { id: o.id, version: o.version })
    expect((await reminders(p.id)).map((r) => r.retracted_at !== null)).toEqual([true])
  })
})
