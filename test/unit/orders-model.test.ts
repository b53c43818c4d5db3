// The order rules without a database: the one rounding rule of line totals (half up, once per
// line, exact in integers), order totals and discounts, the status machine, who may review an
// order, and how payments settle the payment plans.
import { describe, expect, it } from 'vitest'
import {
  TRANSITIONS, canTransition, divRoundHalfUp, isCounted, isEditable, isRemovable, lineAmounts, orderAmounts, overdueOf, planState, reviewRefusal,
  settlePlans, type TransitionAction,
} from '../../src-main/modules/orders/orders.model'
import { OrderStatus } from '../../src-main/contract/orders'

describe('line totals: round_half_up(quantity × unit price × (1 − discount)) once per line', () => {
  it('rounds half up, not half to even, and not per unit', () => {
    expect(divRoundHalfUp(5n, 10n)).toBe(1n) // 0.5 → 1
    expect(divRoundHalfUp(15n, 10n)).toBe(2n) // 1.5 → 2
    expect(divRoundHalfUp(25n, 10n)).toBe(3n) // 2.5 → 3 (half to even would give 2)
    expect(divRoundHalfUp(24n, 10n)).toBe(2n)
    expect(divRoundHalfUp(0n, 7n)).toBe(0n)
    // 3 × ¥0.35 at 5 % = 99.75 cents → ¥1.00; rounding each unit first would give 3 × 33 = 99
    expect(lineAmounts({ quantity: 3, unitPriceCents: 35, discountBp: 500 })).toEqual({ grossCents: 105, lineTotalCents: 100 })
    // exactly half a cent rounds up: 1 × ¥0.05 at 50 % = 2.5 cents → 3
    expect(lineAmounts({ quantity: 1, unitPriceCents: 5, discountBp: 5000 }).lineTotalCents).toBe(3)
    // just below half rounds down: 0.001 × 4999 cents = 4.999 → 5; 0.001 × 499 = 0.499 → 0
    expect(lineAmounts({ quantity: 0.001, unitPriceCents: 4999, discountBp: 0 }).lineTotalCents).toBe(5)
    expect(lineAmounts({ quantity: 0.001, unitPriceCents: 499, discountBp: 0 }).lineTotalCents).toBe(0)
  })

  it('takes quantities with three decimals exactly (no binary floating point drift)', () => {
    // 1.005 kg × ¥10.00: floating point gives 1004.9999999999999 cents; the rule gives 1005
    expect(1.005 * 1000).not.toBe(1005)
    expect(lineAmounts({ quantity: 1.005, unitPriceCents: 1000, discountBp: 0 })).toEqual({ grossCents: 1005, lineTotalCents: 1005 })
    // 0.1 + 0.2 style quantity typed as 0.3
    expect(lineAmounts({ quantity: 0.3, unitPriceCents: 333, discountBp: 0 }).lineTotalCents).toBe(100) // 99.9 → 100
    expect(lineAmounts({ quantity: 2.345, unitPriceCents: 123_456, discountBp: 1234 }).lineTotalCents).toBe(253_779) // 289504.32 × 0.8766 = 253779.487…
  })

  it('is exact for large amounts (bigint arithmetic)', () => {
    // 999,999,999.999 × ¥9,999,999.99 would overflow a double's exact range
    const a = lineAmounts({ quantity: 999_999.999, unitPriceCents: 999_999_999, discountBp: 1 })
    expect(a.grossCents).toBe(999_999_998_000_000) // 999999.999 × 999999999 = 999999998000000.001 → …000
    expect(a.lineTotalCents).toBe(999_899_998_000_200) // × 0.9999 = 999899998000200.0009999 → …200
  })

  it('a 100 % discount makes a free line; no discount keeps the gross', () => {
    expect(lineAmounts({ quantity: 7, unitPriceCents: 1999, discountBp: 10_000 })).toEqual({ grossCents: 13_993, lineTotalCents: 0 })
    expect(lineAmounts({ quantity: 7, unitPriceCents: 1999, discountBp: 0 })).toEqual({ grossCents: 13_993, lineTotalCents: 13_993 })
  })
})

describe('order totals', () => {
  it('sums the rounded line totals; the discount is gross − total; the highest discount is kept', () => {
    const lines = [
      { quantity: 3, unitPriceCents: 35, discountBp: 500 }, // 105 → 100
      { quantity: 2.5, unitPriceCents: 1999, discountBp: 1250 }, // 4997.5 → 4998 gross; × 0.875 = 4372.8125 → 4373
      { quantity: 1, unitPriceCents: 100_000, discountBp: 0 },
    ]
    expect(orderAmounts(lines)).toEqual({ grossCents: 105 + 4998 + 100_000, totalCents: 100 + 4373 + 100_000, discountCents: 5 + 625, maxDiscountBp: 1250 })
    expect(orderAmounts([])).toEqual({ grossCents: 0, totalCents: 0, discountCents: 0, maxDiscountBp: 0 })
  })
})

describe('status machine', () => {
  const all = OrderStatus.options
  const expected: Record<TransitionAction, string[]> = {
    submit: ['draft'], withdraw: ['pending'], approve: ['pending'], reject: ['pending'], ship: ['approved'], complete: ['shipped'],
    cancel: ['draft', 'pending', 'approved'],
  }
  it.each(Object.keys(expected) as TransitionAction[])('%s is allowed exactly from its statuses', (action) => {
    for (const s of all) expect(canTransition(action, s), `${action} from ${s}`).toBe(expected[action].includes(s))
  })
  it('leads where the contract says', () => {
    expect(Object.fromEntries(Object.entries(TRANSITIONS).map(([a, t]) => [a, t.to]))).toEqual({
      submit: 'pending', withdraw: 'draft', approve: 'approved', reject: 'draft', ship: 'shipped', complete: 'completed', cancel: 'cancelled',
    })
  })
  it('counts approved, shipped and completed orders as sales; edits only drafts; deletes no sale', () => {
    expect(all.filter(isCounted)).toEqual(['approved', 'shipped', 'completed'])
    expect(all.filter(isEditable)).toEqual(['draft'])
    expect(all.filter(isRemovable)).toEqual(['draft', 'pending', 'cancelled'])
  })
  it('completed and cancelled are final', () => {
    for (const a of Object.keys(expected) as TransitionAction[]) {
      expect(canTransition(a, 'completed')).toBe(false)
      expect(canTransition(a, 'cancelled')).toBe(false)
    }
  })
})

describe('review (approve / reject)', () => {
  const order = { ownerId: 'mgr', createdBy: 'mgr', maxDiscountBp: 1500 }
  const sup = { userId: 'sup', hasApprove: true, hasEdit: true }
  it('nobody reviews an order they own or created, not even with orders.approve', () => {
    expect(reviewRefusal(order, { ...sup, userId: 'mgr' }, 1000)).toBe('orders.errors.ownOrder')
    expect(reviewRefusal({ ...order, createdBy: 'sup' }, sup, 1000)).toBe('orders.errors.ownOrder')
  })
  it('orders.approve reviews any discount', () => {
    expect(reviewRefusal(order, sup, 1000)).toBeNull()
    expect(reviewRefusal({ ...order, maxDiscountBp: 10_000 }, sup, 0)).toBeNull()
  })
  it('without orders.approve (a 客户经理 with edit rights on it) only within the discount limit', () => {
    const peer = { userId: 'mgr2', hasApprove: false, hasEdit: true }
    expect(reviewRefusal(order, peer, 1000)).toBe('orders.errors.discountNeedsApprover')
    expect(reviewRefusal({ ...order, maxDiscountBp: 1000 }, peer, 1000)).toBeNull() // at the limit is within it
    expect(reviewRefusal({ ...order, maxDiscountBp: 1001 }, peer, 1000)).toBe('orders.errors.discountNeedsApprover')
    expect(reviewRefusal(order, peer, 2000)).toBeNull() // the limit is a setting
  })
  it('neither right: refused', () => {
    expect(reviewRefusal(order, { userId: 'x', hasApprove: false, hasEdit: false }, 1000)).toBe('forbidden')
  })
})

describe('payments settle the plans earliest due date first', () => {
  const plans = [
    { id: 'b', dueDate: '2026-03-31', amountCents: 30_000 },
    { id: 'a', dueDate: '2026-01-31', amountCents: 50_000 },
    { id: 'c', dueDate: '2026-03-31', amountCents: 20_000 },
  ]
  it('allocates in due-date order, ties by id, and names the next due date', () => {
    const s = settlePlans(plans, 60_000)
    expect(Object.fromEntries(s.paid)).toEqual({ a: 50_000, b: 10_000, c: 0 })
    expect(s.nextDueDate).toBe('2026-03-31')
    const all = settlePlans(plans, 100_000)
    expect(Object.fromEntries(all.paid)).toEqual({ a: 50_000, b: 30_000, c: 20_000 })
    expect(all.nextDueDate).toBeNull()
    expect(settlePlans(plans, 0).nextDueDate).toBe('2026-01-31')
    expect(settlePlans([], 500).nextDueDate).toBeNull()
  })
  it('states and overdue amounts against today', () => {
    const today = '2026-03-01'
    expect(planState({ dueDate: '2026-01-31', amountCents: 100, paidCents: 100 }, today)).toBe('paid')
    expect(planState({ dueDate: '2026-01-31', amountCents: 100, paidCents: 40 }, today)).toBe('overdue')
    expect(planState({ dueDate: '2026-03-01', amountCents: 100, paidCents: 40 }, today)).toBe('partial') // due today: not yet overdue
    expect(planState({ dueDate: '2026-04-01', amountCents: 100, paidCents: 0 }, today)).toBe('open')
    expect(overdueOf([
      { dueDate: '2026-01-31', amountCents: 100, paidCents: 40 },
      { dueDate: '2026-02-28', amountCents: 50, paidCents: 0 },
      { dueDate: '2026-03-01', amountCents: 70, paidCents: 0 },
    ], today)).toBe(110)
  })
})
