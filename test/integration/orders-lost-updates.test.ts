// Lost updates in orders, 回款, products and 销售目标: every edit says which version it is based on
// and the UPDATE checks it in its WHERE, so of ten edits of one version sent at the same time
// exactly one is applied and nine answer `conflict` (on PostgreSQL the ten transactions run side
// by side), and an edit of an existing row without its version is refused by the contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, expectCode, makeStaff, type Staff } from './customers.fixtures'
import { customerOf, draft, walk } from './orders.fixtures'

/** Exactly one of the results is ok; every other one is a conflict. */
function oneWinner(results: Array<ApiResult<unknown>>) {
  const codes = results.map((r) => (r.ok ? 'ok' : r.error.code))
  expect(codes.filter((c) => c === 'ok')).toHaveLength(1)
  expect(codes.filter((c) => c === 'conflict')).toHaveLength(results.length - 1)
}

/** Exactly one removal is applied; the others find the row changed or already gone. */
function oneRemoval(results: Array<ApiResult<unknown>>) {
  const codes = results.map((r) => (r.ok ? 'ok' : r.error.code))
  expect(codes.filter((c) => c === 'ok')).toHaveLength(1)
  expect(codes.filter((c) => c === 'conflict' || c === 'not_found')).toHaveLength(results.length - 1)
}

const ten = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 10 }, (_, i) => fn(i)))

describeEachDb('orders: lost updates', (dialect) => {
  let t: TestApp
  let s: Staff

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
    s = await makeStaff(t)
  })
  afterAll(async () => t?.close())

  const sale = async (name: string) => {
    const c = await customerOf(t, s.admin, s.mgrA1, name)
    return walk(t, await draft(t, s.mgrA1, c.id, '2026-05-01', [{ productName: '设备', quantity: 1, unitPriceCents: 100_000 }]), s.mgrA1, s.supA, 'approved')
  }

  describe('ten parallel edits of one version: one applied, nine conflict', () => {
    it('orders.update (a draft), audited once', async () => {
      const c = await customerOf(t, s.admin, s.mgrA1, '并发订单客户')
      const o = await draft(t, s.mgrA1, c.id)
      oneWinner(await ten((i) => t.raw(s.mgrA1.key, 'orders', 'update', { id: o.id, version: o.version, fields: { notes: `备注${i}` } })))
      const audited = await t.app.db.knex('audit_log').where({ entity: 'order', entity_id: o.id, action: 'update' })
      expect(audited).toHaveLength(1)
    })

    it('orders.submit and approve (status transitions)', async () => {
      const c = await customerOf(t, s.admin, s.mgrA1, '并发审批客户')
      const o = await draft(t, s.mgrA1, c.id)
      oneWinner(await ten(() => t.raw(s.mgrA1.key, 'orders', 'submit', { id: o.id, version: o.version })))
      const p = await t.call(s.supA.key, 'orders', 'get', { id: o.id })
      oneWinner(await ten(() => t.raw(s.supA.key, 'orders', 'approve', { id: p.id, version: p.version })))
    })

    it('orders.savePlan (an edit) and removePlan', async () => {
      const o = await t.call(s.mgrA1.key, 'orders', 'savePlan', { orderId: (await sale('并发回款计划客户')).id, dueDate: '2026-07-01', amountCents: 50_000 })
      const p = o.plans[0]
      oneWinner(await ten((i) => t.raw(s.mgrA1.key, 'orders', 'savePlan', { orderId: o.id, id: p.id, version: p.version, dueDate: '2026-07-01', amountCents: 40_000 + i })))
      const q = (await t.call(s.mgrA1.key, 'orders', 'get', { id: o.id })).plans[0]
      oneRemoval(await ten(() => t.raw(s.mgrA1.key, 'orders', 'removePlan', { id: q.id, version: q.version })))
    })

    it('orders.addPayment at one order version: one payment recorded', async () => {
      const o = await sale('并发回款客户')
      oneWinner(await ten(() => t.raw(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, version: o.version, paidDate: '2026-06-10', amountCents: 10_000 })))
      const after = await t.call(s.mgrA1.key, 'orders', 'get', { id: o.id })
      expect([after.payments.length, after.receivedCents]).toEqual([1, 10_000])
      const pay = after.payments[0]
      oneRemoval(await ten(() => t.raw(s.mgrA1.key, 'orders', 'removePayment', { id: pay.id, version: pay.version })))
      expect((await t.call(s.mgrA1.key, 'orders', 'get', { id: o.id })).receivedCents).toBe(0)
      expect(await t.app.db.knex('audit_log').where({ entity: 'payment', entity_id: pay.id, action: 'delete' })).toHaveLength(1)
    })

    it('products.update and saveStock (an edit)', async () => {
      const p = await t.call(s.admin.key, 'products', 'create', { name: '并发测试产品', priceCents: 1_000 })
      oneWinner(await ten((i) => t.raw(s.admin.key, 'products', 'update', { id: p.id, version: p.version, fields: { priceCents: 2_000 + i } })))
      const st = await t.call(s.admin.key, 'products', 'saveStock', { productId: p.id, warehouse: '并发仓', quantity: 1 })
      oneWinner(await ten((i) => t.raw(s.admin.key, 'products', 'saveStock', { id: st.id, version: st.version, productId: p.id, warehouse: '并发仓', quantity: 2 + i })))
    })

    it('targets.save (an edit) and remove', async () => {
      const tg = await t.call(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-09-01', amountCents: 100_000 })
      oneWinner(await ten((i) => t.raw(s.supA.key, 'targets', 'save', { id: tg.id, version: tg.version, userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-09-01', amountCents: 100_001 + i })))
      const [cur] = (await t.call(s.supA.key, 'targets', 'list', { year: 2026 })).filter((x) => x.id === tg.id)
      oneRemoval(await ten(() => t.raw(s.supA.key, 'targets', 'remove', { id: cur.id, version: cur.version })))
    })
  })

  it('an edit of an existing plan, stock row or target without its version is refused by the contract', async () => {
    const o = await t.call(s.mgrA1.key, 'orders', 'savePlan', { orderId: (await sale('无版本客户')).id, dueDate: '2026-07-01', amountCents: 50_000 })
    const noVersion = (r: ApiResult<unknown>) => expect(expectCode(r, 'validation').issues?.map((i) => i.field)).toContain('version')
    noVersion(await t.raw(s.mgrA1.key, 'orders', 'savePlan', { orderId: o.id, id: o.plans[0].id, dueDate: '2026-07-02', amountCents: 50_000 }))
    const p = await t.call(s.admin.key, 'products', 'create', { name: '无版本产品' })
    const st = await t.call(s.admin.key, 'products', 'saveStock', { productId: p.id, warehouse: '无版本仓', quantity: 1 })
    noVersion(await t.raw(s.admin.key, 'products', 'saveStock', { id: st.id, productId: p.id, warehouse: '无版本仓', quantity: 2 }))
    const tg = await t.call(s.supA.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-10-01', amountCents: 1 })
    noVersion(await t.raw(s.supA.key, 'targets', 'save', { id: tg.id, userId: s.mgrA1.userId, periodType: 'month', periodStart: '2026-10-01', amountCents: 2 }))
    // a payment method is a dictionary item; recording a payment needs the order's version
    const transfer = await dictId(t, 'payment_method', '银行转账')
    noVersion(await t.raw(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, paidDate: '2026-06-10', amountCents: 1, methodId: transfer }))
  })
})
