// The order rules that need no database: line and order totals (the one rounding rule), the
// status machine, who may review an order, and how received payments settle the payment plans.
import { COUNTED_STATUSES, type OrderStatus, type PlanState } from '../../contract/orders'

// ---- money ------------------------------------------------------------------------------

const BP = 10_000n
const MILLI = 1_000n

/** A quantity with at most three decimals as an integer number of thousandths. */
export const toMilli = (quantity: number): bigint => BigInt(Math.round(quantity * 1000))

/** n ÷ d rounded half up (away from zero for .5), for n ≥ 0 and d > 0. */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d)
}

export interface LineAmounts {
  /** quantity × unit price, rounded half up to the cent */
  grossCents: number
  /** round_half_up(quantity × unit price × (1 − discount)): the rule, once per line */
  lineTotalCents: number
}

/**
 * The rounding rule of every order line, exact in integers:
 *   lineTotal = round_half_up(quantityMilli × unitPriceCents × (10000 − discountBp) / 10⁷)
 * e.g. 3 × ¥0.35 at 5 % → 0.9975 yuan → 99.75 cents → 100 cents (¥1.00).
 */
export function lineAmounts(line: { quantity: number; unitPriceCents: number; discountBp: number }): LineAmounts {
  const q = toMilli(line.quantity)
  const price = BigInt(line.unitPriceCents)
  const gross = divRoundHalfUp(q * price, MILLI)
  const total = divRoundHalfUp(q * price * (BP - BigInt(line.discountBp)), MILLI * BP)
  return { grossCents: Number(gross), lineTotalCents: Number(total) }
}

export interface OrderAmounts {
  grossCents: number
  /** the sum of the line totals */
  totalCents: number
  /** gross − total */
  discountCents: number
  maxDiscountBp: number
}

export function orderAmounts(lines: Array<{ quantity: number; unitPriceCents: number; discountBp: number }>): OrderAmounts {
  let gross = 0
  let total = 0
  let maxBp = 0
  for (const l of lines) {
    const a = lineAmounts(l)
    gross += a.grossCents
    total += a.lineTotalCents
    maxBp = Math.max(maxBp, l.discountBp)
  }
  return { grossCents: gross, totalCents: total, discountCents: gross - total, maxDiscountBp: maxBp }
}

// ---- status machine ----------------------------------------------------------------------

export type TransitionAction = 'submit' | 'withdraw' | 'approve' | 'reject' | 'ship' | 'complete' | 'cancel'

/** Each action: the statuses it starts from and the status it leads to. */
export const TRANSITIONS: Record<TransitionAction, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  submit: { from: ['draft'], to: 'pending' },
  withdraw: { from: ['pending'], to: 'draft' },
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'draft' },
  ship: { from: ['approved'], to: 'shipped' },
  complete: { from: ['shipped'], to: 'completed' },
  cancel: { from: ['draft', 'pending', 'approved'], to: 'cancelled' },
}

export const canTransition = (action: TransitionAction, from: OrderStatus) => TRANSITIONS[action].from.includes(from)

/** A sale: it counts for the customer's trade figures, targets and receivables. */
export const isCounted = (status: string) => (COUNTED_STATUSES as readonly string[]).includes(status)

/** Lines and header may change only in a draft. */
export const isEditable = (status: OrderStatus) => status === 'draft'

/** Deletable (soft) only before it became a sale, or once cancelled. */
export const isRemovable = (status: OrderStatus) => status === 'draft' || status === 'pending' || status === 'cancelled'

// ---- review (approve / reject) -----------------------------------------------------------------

export interface Reviewer {
  userId: string
  /** holds orders.approve with the order in its scope */
  hasApprove: boolean
  /** holds orders.edit with the order in its scope */
  hasEdit: boolean
}

/**
 * Why `who` may not review (approve or reject) the order, as a rule key; null when allowed.
 * Nobody reviews an order they own or created. A role with orders.approve reviews any
 * discount; a role with only orders.edit (a 客户经理 given a team scope) reviews an order
 * only while its highest line discount is within the limit.
 */
export function reviewRefusal(
  order: { ownerId: string | null; createdBy: string | null; maxDiscountBp: number },
  who: Reviewer,
  discountLimitBp: number,
): 'orders.errors.ownOrder' | 'orders.errors.discountNeedsApprover' | 'forbidden' | null {
  if (!who.hasApprove && !who.hasEdit) return 'forbidden'
  if (order.ownerId === who.userId || order.createdBy === who.userId) return 'orders.errors.ownOrder'
  if (!who.hasApprove && order.maxDiscountBp > discountLimitBp) return 'orders.errors.discountNeedsApprover'
  return null
}

// ---- 回款: payments settle the plans in due-date order -----------------------------------------

export interface PlanFacts {
  id: string
  dueDate: string
  amountCents: number
}

export interface Settlement {
  /** plan id → cents of received payments allocated to it */
  paid: Map<string, number>
  /** the earliest due date of a plan not fully paid */
  nextDueDate: string | null
}

/** Allocates the received total to the plans, earliest due date first (ties by id). */
export function settlePlans(plans: PlanFacts[], receivedCents: number): Settlement {
  const sorted = [...plans].sort((a, b) => (a.dueDate === b.dueDate ? (a.id < b.id ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1))
  const paid = new Map<string, number>()
  let left = receivedCents
  let nextDueDate: string | null = null
  for (const p of sorted) {
    const take = Math.max(0, Math.min(left, p.amountCents))
    left -= take
    paid.set(p.id, take)
    if (take < p.amountCents && nextDueDate === null) nextDueDate = p.dueDate
  }
  return { paid, nextDueDate }
}

/** paid / partly paid / open (not yet due) / overdue (due before today, not fully paid). */
export function planState(p: { dueDate: string; amountCents: number; paidCents: number }, today: string): PlanState {
  if (p.paidCents >= p.amountCents) return 'paid'
  if (p.dueDate < today) return 'overdue'
  return p.paidCents > 0 ? 'partial' : 'open'
}

/** Cents of the plans due before `today` not covered by payments. */
export const overdueOf = (plans: Array<{ dueDate: string; amountCents: number; paidCents: number }>, today: string) =>
  plans.reduce((s, p) => s + (p.dueDate < today ? Math.max(0, p.amountCents - p.paidCents) : 0), 0)
