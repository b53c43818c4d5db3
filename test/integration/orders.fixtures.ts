// Shared set-up for the orders / 回款 / targets suites: products, a customer per owner, and
// orders walked through the status machine.
import type { CallInput } from '../../src-main/contract/index'
import type { Order } from '../../src-main/contract/orders'
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
