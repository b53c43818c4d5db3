// Shared set-up for the orders / 回款 / targets suites: products, a customer per owner, and
// orders walked through the status machine.
import type { CallInput } from '../../src-main/contract/index'
import { amountBandOf, type Order } from '../../src-main/contract/orders'
import type { TestApp } from '../helpers/test-app'
import type { Who } from './customers.fixtures'

export async function product(t: TestApp, admin: Who, code: string, name: string, priceCents: number, extra: Partial<CallInput<'products', 'create'>> = {}) {
  return t.call(admin.key, 'products', 'create', { code, name, priceCents, unit: '台', ...extra })
}

export async function customerOf(t: TestApp, admin: Who, owner: Who, name: string) {
  return t.call(admin.key, 'customers', 'create', { name, ownerId: owner.userId, address: `${name}地址` })
}

export const twoLines = (p1: { id: string; name: string }, p2?: { id: string; name: string }) => [
  { productId: p1.id, productName: p1.name, quantity: 2, unitPriceCents: 1_250_000, discountBp: 500 }, // 25,000 × 0.95 = 23,750.00
  p2
    ? { productId: p2.id, productName: p2.name, quantity: 1.5, unitPriceCents: 333_333, discountBp: 0 } // 4,999.995 → 5,000.00 (half up)
    : { productName: '安装调试服务', unit: '次', quantity: 1.5, unitPriceCents: 333_333, discountBp: 0 },
]
/** 2,375,000 + 500,000 (499,999.5 rounded half up) */
export const TWO_LINES_TOTAL = 2_875_000

/** A draft order of `who` for `customerId`; by default one free-text line of 10 × ¥100.00. */
export function draft(t: TestApp, who: Who, customerId: string, orderDate = '2026-05-10', lines: CallInput<'orders', 'create'>['lines'] = [{ productName: '通用配件', quantity: 10, unitPriceCents: 10_000 }]) {
  return t.call(who.key, 'orders', 'create', { customerId, orderDate, lines })
}

/** Walks an order from draft to `to` (submit by `owner`, approve by `reviewer`, ship/complete by `owner`). */
export async function walk(t: TestApp, o: Order, owner: Who, reviewer: Who, to: 'pending' | 'approved' | 'shipped' | 'completed'): Promise<Order> {
  let cur = o
  const step = async (who: Who, call: 'submit' | 'approve' | 'ship' | 'complete') => {
    cur = await t.call(who.key, 'orders', call, { id: cur.id, version: cur.version })
  }
  if (cur.status === 'draft') await step(owner, 'submit')
  if (to === 'pending') return cur
  await step(reviewer, 'approve')
  if (to === 'approved') return cur
  await step(owner, 'ship')
  if (to === 'shipped') return cur
  await step(owner, 'complete')
  return cur
}

export async function customerFigures(t: TestApp, customerId: string) {
  const c = await t.app.db.knex('customers').where({ id: customerId }).first('order_count', 'order_total_cents', 'first_order_date', 'last_order_date')
  return { count: Number(c.order_count), total: Number(c.order_total_cents ?? 0), first: c.first_order_date ?? null, last: c.last_order_date ?? null }
}

/**
 * The derived data is exact: order_stats and payment_stats hold what grouping the live orders and
 * payments gives, and every live plan carries its order's owner, customer, status, date and total.
 */
export async function expectStatsExact(t: TestApp) {
  const { expect } = await import('vitest')
  const k = t.app.db.knex
  const key = (r: Record<string, unknown>) => `${r.owner_id ? String(r.owner_id).toLowerCase() : '-'}|${r.month}|${r.status ?? ''}${r.amount_band === undefined ? '' : `|${r.amount_band}`}`
  const orders: Array<Record<string, unknown>> = await k('orders').whereNull('deleted_at').select('owner_id', 'order_date', 'status', 'total_cents', 'received_cents', 'outstanding_cents')
  const want = new Map<string, number[]>()
  for (const o of orders) {
    // order_stats per owner, month, status and amount band (migration 20261206003400)
    const id = key({ ...o, month: String(o.order_date).slice(0, 7), amount_band: amountBandOf(Number(o.total_cents)) })
    const cur = want.get(id) ?? [0, 0, 0, 0, 0]
    want.set(id, [cur[0] + 1, cur[1] + Number(o.total_cents), cur[2] + Number(o.received_cents), cur[3] + Number(o.outstanding_cents), cur[4] + (Number(o.outstanding_cents) > 0 ? 1 : 0)])
  }
  const got = new Map((await k('order_stats').select('*')).map((r: Record<string, unknown>) => [key({ ...r, amount_band: Number(r.amount_band) }), [r.order_count, r.total_cents, r.received_cents, r.outstanding_cents, r.receivable_count].map(Number)]))
  expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want))
  const pays: Array<Record<string, unknown>> = await k('payments').whereNull('deleted_at').select('owner_id', 'paid_date', 'amount_cents')
  const wantP = new Map<string, number[]>()
  for (const p of pays) {
    const id = key({ owner_id: p.owner_id, month: String(p.paid_date).slice(0, 7) })
    const cur = wantP.get(id) ?? [0, 0]
    wantP.set(id, [cur[0] + 1, cur[1] + Number(p.amount_cents)])
  }
  const gotP = new Map((await k('payment_stats').select('*')).map((r: Record<string, unknown>) => [key(r), [r.payment_count, r.amount_cents].map(Number)]))
  expect(Object.fromEntries(gotP)).toEqual(Object.fromEntries(wantP))
  const stale = await k('payment_plans as pp')
    .join('orders as o', 'o.id', 'pp.order_id')
    .whereNull('pp.deleted_at')
    .where((w) =>
      w.whereRaw('pp.owner_id <> o.owner_id').orWhereRaw('pp.customer_id <> o.customer_id').orWhereRaw('pp.order_status <> o.status')
        .orWhereRaw('pp.order_date <> o.order_date').orWhereRaw('pp.order_total_cents <> o.total_cents'),
    )
    .select('pp.id')
  expect(stale).toEqual([])
  await expectSalesSumsExact(k)
}

/**
 * customer_sales_sums (migration 20261206005300, kept by triggers) holds what grouping the counted
 * orders (approved, shipped, completed, not deleted) and the live payments per customer and
 * year / month gives; rows at 0 on both sides may stay.
 */
export async function expectSalesSumsExact(k: import('knex').Knex) {
  const { expect } = await import('vitest')
  const want = new Map<string, [number, number]>()
  const add = (customer: unknown, date: unknown, i: 0 | 1, cents: unknown) => {
    for (const period of [String(date).slice(0, 4), String(date).slice(0, 7)]) {
      const key = `${String(customer).toLowerCase()}|${period}`
      const cur = want.get(key) ?? [0, 0]
      cur[i] += Number(cents)
      want.set(key, cur)
    }
  }
  for (const o of await k('orders').whereNull('deleted_at').whereIn('status', ['approved', 'shipped', 'completed']).select('customer_id', 'order_date', 'total_cents')) add(o.customer_id, o.order_date, 0, o.total_cents)
  for (const p of await k('payments').whereNull('deleted_at').select('customer_id', 'paid_date', 'amount_cents')) add(p.customer_id, p.paid_date, 1, p.amount_cents)
  const got = new Map<string, [number, number]>()
  for (const r of await k('customer_sales_sums').select('customer_id', 'period', 'order_cents', 'payment_cents')) {
    const v: [number, number] = [Number(r.order_cents), Number(r.payment_cents)]
    if (v[0] || v[1]) got.set(`${String(r.customer_id).toLowerCase()}|${r.period}`, v)
  }
  for (const [key, v] of want) if (!v[0] && !v[1]) want.delete(key)
  expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want))
}
