// How received payments settle an order: the received total, the plans' paid amounts (allocated
// earliest due date first), the outstanding amount (应收) and the next due date, written when they
// changed; the order's stats bucket (and its old one) recomputed; and the plans and payments of
// an order as the order view shows them.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import type { Payment, PaymentPlan } from '../../contract/orders'
import { toIso, toNum } from '../../db/dialect'
import { isCounted, overdueOf, planState, settlePlans } from './orders.model'
import { findOrder, orderFactsOfPlans, paymentsOf, plansOf, receivedOf, updateOrder, updatePlan, type Row } from './orders.repository'
import { refreshOrderStats, refreshPaymentStats, type OrderBucket } from './stats.repository'

/** A receivable without an open plan sorts after every dated one. */
export const UNPLANNED_DUE = '9999-12-31'

/** The stats bucket of an order row. */
export const bucketOf = (o: Row): OrderBucket => ({ ownerId: str(o.owner_id), month: String(o.order_date).slice(0, 7), status: String(o.status) })

/** After a payment was added or removed: its owner's month. */
export const refreshPaymentBucket = (trx: Knex, dialect: Dialect, p: Row) =>
  refreshPaymentStats(trx, dialect, [{ ownerId: str(p.owner_id), month: String(p.paid_date).slice(0, 7) }])

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))
const int = (v: unknown) => Number(toNum(v) ?? 0)

/**
 * Recomputes an order's receivable facts from its live payments and plans and writes what
 * changed (stamped with `version`): plans' paid_cents / open_due_date (set only for a sale's
 * plan not fully paid) and their copy of the order's owner, customer, status, date and total;
 * the order's received_cents, outstanding_cents (a sale's total −
 * received, else 0), next_due_date and receivable_due; then the stats bucket of the order and,
 * when given, of the row as it was before the write (status, owner or date may have moved it).
 * A deleted order only refreshes the bucket it left.
 */
export async function settleOrder(trx: Knex, dialect: Dialect, orderId: string, version: number, before: Row | null = null): Promise<void> {
  const o = await findOrder(trx, orderId)
  if (!o) {
    if (before) await refreshOrderStats(trx, dialect, [bucketOf(before)])
    return
  }
  const received = await receivedOf(trx, orderId)
  const plans = await plansOf(trx, orderId)
  const { paid, nextDueDate } = settlePlans(
    plans.map((p) => ({ id: String(p.id), dueDate: String(p.due_date), amountCents: int(p.amount_cents) })),
    received,
  )
  const sale = isCounted(String(o.status))
  const facts = orderFactsOfPlans(o)
  for (const p of plans) {
    const paidCents = paid.get(String(p.id)) ?? 0
    const open = sale && paidCents < int(p.amount_cents) ? String(p.due_date) : null
    const patch: Row = {}
    if (paidCents !== int(p.paid_cents)) patch.paid_cents = paidCents
    if (open !== str(p.open_due_date)) patch.open_due_date = open
    for (const [k, v] of Object.entries(facts)) if (String(p[k] ?? '') !== String(v ?? '')) patch[k] = v
    if (Object.keys(patch).length) await updatePlan(trx, String(p.id), { ...patch, version })
  }
  const outstanding = sale ? Math.max(0, int(o.total_cents) - received) : 0
  const want = {
    received_cents: received,
    outstanding_cents: outstanding,
    next_due_date: sale ? nextDueDate : null,
    receivable_due: outstanding > 0 ? (nextDueDate ?? UNPLANNED_DUE) : null,
  }
  if (
    want.received_cents !== int(o.received_cents) || want.outstanding_cents !== int(o.outstanding_cents) ||
    want.next_due_date !== str(o.next_due_date) || want.receivable_due !== str(o.receivable_due)
  ) {
    await updateOrder(trx, orderId, { ...want, version })
  }
  await refreshOrderStats(trx, dialect, before ? [bucketOf(o), bucketOf(before)] : [bucketOf(o)])
}

export function toPlan(r: Row, today: string): PaymentPlan {
  const p = { dueDate: String(r.due_date), amountCents: int(r.amount_cents), paidCents: int(r.paid_cents) }
  return { id: String(r.id), orderId: String(r.order_id), ...p, note: str(r.note), state: planState(p, today), version: Number(r.version) }
}

export function toPayment(r: Row): Payment {
  return {
    id: String(r.id), orderId: String(r.order_id), paidDate: String(r.paid_date), amountCents: int(r.amount_cents), methodId: str(r.method_id),
    note: str(r.note), createdBy: str(r.created_by), createdByName: str(r.created_by_name), createdAt: toIso(r.created_at)!, version: Number(r.version),
  }
}

/** An order's plans (with their state on `today`), payments and overdue cents. */
export async function loadPaymentParts(db: Knex, orderId: string, today: string) {
  const plans = (await plansOf(db, orderId)).map((r) => toPlan(r, today))
  const payments = (await paymentsOf(db, orderId)).map(toPayment)
  return { plans, payments, overdueCents: overdueOf(plans, today) }
}
