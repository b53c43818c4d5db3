// How received payments settle an order: the received total, the plans' paid amounts (allocated
// earliest due date first), the outstanding amount (应收) and the next due date, written when they
// changed; and the plans and payments of an order as the order view shows them.
import type { Knex } from 'knex'
import type { Payment, PaymentPlan } from '../../contract/orders'
import { toIso, toNum } from '../../db/dialect'
import { isCounted, overdueOf, planState, settlePlans } from './orders.model'
import { findOrder, paymentsOf, plansOf, receivedOf, updateOrder, updatePlan, type Row } from './orders.repository'

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))
const int = (v: unknown) => Number(toNum(v) ?? 0)

/**
 * Recomputes an order's receivable facts from its live payments and plans and writes what
 * changed (stamped with `version`): plans' paid_cents / open_due_date, the order's
 * received_cents, outstanding_cents (a sale's total − received, else 0) and next_due_date.
 */
export async function settleOrder(trx: Knex, orderId: string, version: number): Promise<void> {
  const o = await findOrder(trx, orderId)
  if (!o) return
  const received = await receivedOf(trx, orderId)
  const plans = await plansOf(trx, orderId)
  const { paid, nextDueDate } = settlePlans(
    plans.map((p) => ({ id: String(p.id), dueDate: String(p.due_date), amountCents: int(p.amount_cents) })),
    received,
  )
  for (const p of plans) {
    const paidCents = paid.get(String(p.id)) ?? 0
    const open = paidCents < int(p.amount_cents) ? String(p.due_date) : null
    if (paidCents !== int(p.paid_cents) || open !== str(p.open_due_date)) {
      await updatePlan(trx, String(p.id), { paid_cents: paidCents, open_due_date: open, version })
    }
  }
  const sale = isCounted(String(o.status))
  const want = {
    received_cents: received,
    outstanding_cents: sale ? Math.max(0, int(o.total_cents) - received) : 0,
    next_due_date: sale ? nextDueDate : null,
  }
  if (want.received_cents !== int(o.received_cents) || want.outstanding_cents !== int(o.outstanding_cents) || want.next_due_date !== str(o.next_due_date)) {
    await updateOrder(trx, orderId, { ...want, version })
  }
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
