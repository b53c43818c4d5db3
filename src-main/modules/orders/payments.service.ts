// 回款: payment plans (回款计划) and received payments (回款记录) of an order, the 应收款 list
// (sales with money outstanding, overdue first) and the 回款记录 list. A payment is recorded
// only on a sale and never beyond its outstanding amount; plans together never exceed the
// order's total. Each change settles the order (settlement.ts) and re-evaluates the customer's
// reminders, so an overdue plan becomes (or stops being) a 回款 reminder at once.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { Order, PaymentFilter, PaymentRow, ReceivableFilter, ReceivableRow } from '../../contract/orders'
import { AppError, notFound, ruleError } from '../../shared/errors'
import { ALL_ROWS, toNum } from '../../db/dialect'
import { chunksInOrder, inIdOrder } from '../../shared/chunks-in-order'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { askedScope, requirePerm } from '../auth/permissions'
import { diff, recordAudit } from '../audit/audit.service'
import { assertDictRefs } from '../dictionary/dictionary.service'
import { appToday, evaluateCustomers } from '../reminders/system-reminders.service'
import { isCounted } from './orders.model'
import {
  filteredOrders, filteredPayments, findPayment, findPlan, insertPayment, insertPlan, onlyReceivable, orderFactsOfPlans, orderRowsByIds, overdueByOrder,
  overdueSum, planSearch, paymentPageIds, paymentRowsByIds, paymentSums, plansOf, receivablePageIds, receivableSums, updateOrder, updatePayment, updatePlan,
  type Row,
} from './orders.repository'
import { orderStatsSums, paymentStatsSums } from './stats.repository'
import { loadOrder, loadOrderFor, orderConflict, scopeOrders, statsRangeOf, toOrderRow } from './orders.service'
import { refreshPaymentBucket, settleOrder, toPayment } from './settlement'

const int = (v: unknown) => Number(toNum(v) ?? 0)
const conflict = (what: string) => new AppError('conflict', `the ${what} was changed meanwhile; reload and try again`, { key: 'errors.conflict' })

/** After a plan or payment change: settle the order (one new version for it) and its reminders. */
async function afterChange(ctx: ServiceContext, trx: Knex.Transaction, o: Row, version: number) {
  await updateOrder(trx, String(o.id), { updated_at: ctx.clock.now().toISOString(), version })
  await settleOrder(trx, ctx.db.dialect, String(o.id), version)
  await evaluateCustomers(trx, ctx, [String(o.customer_id)], async () => version)
}

// ---- plans -----------------------------------------------------------------------------------------

export async function plansSave(ctx: ServiceContext, input: { orderId: string; id?: string; version?: number; dueDate: string; amountCents: number; note?: string | null }): Promise<Order> {
  await ctx.db.knex.transaction(async (trx) => {
    const o = await loadOrderFor(ctx, trx, input.orderId, 'edit')
    if (o.status === 'cancelled') throw ruleError('orders.errors.cancelled', 'a cancelled order has no payment plans')
    const plans = await plansOf(trx, input.orderId)
    const others = plans.filter((p) => p.id !== input.id).reduce((s, p) => s + int(p.amount_cents), 0)
    if (others + input.amountCents > int(o.total_cents)) {
      throw ruleError('orders.errors.plansExceedTotal', 'the payment plans add up to more than the order total', { totalCents: int(o.total_cents), plannedCents: others })
    }
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const fields = { dueDate: input.dueDate, amountCents: input.amountCents, note: input.note || null }
    if (input.id) {
      const before = await findPlan(trx, input.id)
      if (!before || before.order_id !== input.orderId) throw notFound('payment plan', input.id)
      if (input.version === undefined || Number(before.version) !== input.version) throw conflict('payment plan')
      const ok = await updatePlan(trx, input.id, { due_date: fields.dueDate, amount_cents: fields.amountCents, note: fields.note, updated_at: at, version }, input.version)
      if (!ok) throw conflict('payment plan')
      const old = { dueDate: String(before.due_date), amountCents: int(before.amount_cents), note: before.note ?? null }
      await recordAudit(trx, ctx, { entity: 'payment_plan', entityId: input.id, parentId: String(o.customer_id), action: 'update', changes: diff(old, fields) })
    } else {
      const id = newId()
      await insertPlan(trx, {
        id, order_id: input.orderId, ...orderFactsOfPlans(o), due_date: fields.dueDate, amount_cents: fields.amountCents,
        paid_cents: 0, open_due_date: null, note: fields.note, created_at: at, updated_at: at, version, // settled below
      })
      await recordAudit(trx, ctx, { entity: 'payment_plan', entityId: id, parentId: String(o.customer_id), action: 'create', changes: { orderCode: [null, o.code], ...diff(null, fields) } })
    }
    await afterChange(ctx, trx, o, version)
  })
  return loadOrder(ctx, ctx.db.knex, input.orderId)
}

export async function plansRemove(ctx: ServiceContext, input: { id: string; version: number }): Promise<Order> {
  const orderId = await ctx.db.knex.transaction(async (trx) => {
    const p = await findPlan(trx, input.id)
    if (!p) throw notFound('payment plan', input.id)
    const o = await loadOrderFor(ctx, trx, String(p.order_id), 'edit')
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    if (!(await updatePlan(trx, input.id, { deleted_at: at, updated_at: at, version }, input.version))) throw conflict('payment plan')
    await recordAudit(trx, ctx, {
      entity: 'payment_plan', entityId: input.id, parentId: String(o.customer_id), action: 'delete',
      changes: { orderCode: [o.code, null], dueDate: [p.due_date, null], amountCents: [int(p.amount_cents), null] },
    })
    await afterChange(ctx, trx, o, version)
    return String(o.id)
  })
  return loadOrder(ctx, ctx.db.knex, orderId)
}

// ---- payments ----------------------------------------------------------------------------------------

export async function paymentsAdd(
  ctx: ServiceContext,
  input: { orderId: string; version: number; paidDate: string; amountCents: number; methodId?: string | null; note?: string | null },
): Promise<Order> {
  await ctx.db.knex.transaction(async (trx) => {
    const o = await loadOrderFor(ctx, trx, input.orderId, 'edit')
    if (!isCounted(String(o.status))) throw ruleError('orders.errors.notASale', 'payments are recorded on approved orders only', { status: o.status })
    if (Number(o.version) !== input.version) throw orderConflict()
    const outstanding = int(o.outstanding_cents)
    if (input.amountCents > outstanding) {
      throw ruleError('orders.errors.overpaid', 'the payment is more than the outstanding amount', { outstandingCents: outstanding, amountCents: input.amountCents })
    }
    if (input.methodId) await assertDictRefs(trx, [{ field: 'methodId', typeCode: 'payment_method', id: input.methodId, isNew: true }])
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const id = newId()
    const payment = {
      id, order_id: input.orderId, customer_id: o.customer_id, owner_id: o.owner_id, paid_date: input.paidDate, amount_cents: input.amountCents,
      method_id: input.methodId ?? null, note: input.note || null, created_by: ctx.actor.userId, created_at: at, updated_at: at, version,
    }
    await insertPayment(trx, payment)
    await refreshPaymentBucket(trx, ctx.db.dialect, payment)
    if (!(await updateOrder(trx, input.orderId, { updated_at: at, version }, input.version))) throw orderConflict()
    await recordAudit(trx, ctx, {
      entity: 'payment', entityId: id, parentId: String(o.customer_id), action: 'create',
      changes: { orderCode: [null, o.code], paidDate: [null, input.paidDate], amountCents: [null, input.amountCents], methodId: [null, input.methodId ?? null] },
    })
    await afterChange(ctx, trx, o, version)
  })
  return loadOrder(ctx, ctx.db.knex, input.orderId)
}

export async function paymentsRemove(ctx: ServiceContext, input: { id: string; version: number }): Promise<Order> {
  const orderId = await ctx.db.knex.transaction(async (trx) => {
    const p = await findPayment(trx, input.id)
    if (!p) throw notFound('payment', input.id)
    const o = await loadOrderFor(ctx, trx, String(p.order_id), 'edit')
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    if (!(await updatePayment(trx, input.id, { deleted_at: at, updated_at: at, version }, input.version))) throw conflict('payment')
    await refreshPaymentBucket(trx, ctx.db.dialect, p)
    await recordAudit(trx, ctx, {
      entity: 'payment', entityId: input.id, parentId: String(o.customer_id), action: 'delete',
      changes: { orderCode: [o.code, null], paidDate: [p.paid_date, null], amountCents: [int(p.amount_cents), null] },
    })
    await afterChange(ctx, trx, o, version)
    return String(o.id)
  })
  return loadOrder(ctx, ctx.db.knex, orderId)
}

// ---- lists -------------------------------------------------------------------------------------------

export async function receivablesList(ctx: ServiceContext, input: { page: number; pageSize: number; filter: ReceivableFilter }) {
  const scope = requirePerm(ctx.actor, 'orders', 'view')
  const k = ctx.db.knex
  const today = await appToday(ctx)
  const f = input.filter
  const search = f.search ? await planSearch(k, f.search) : undefined
  const q = onlyReceivable(filteredOrders(k, f, (x) => scopeOrders(ctx, k, x, scope), search), f.overdueOnly ? today : null)
  // count and outstanding from the stats when only an owner narrows it; overdue from the open plans
  const range = statsRangeOf(f, ['ownerId'])
  const sums = range
    ? await orderStatsSums(k, range, (x) => scopeOrders(ctx, k, x, scope, 's.owner_id')).then((x) => ({ n: x.receivables, outstanding: x.outstanding }))
    : await receivableSums(k, q)
  const offset = (input.page - 1) * input.pageSize
  const ids: string[] = offset < sums.n ? (await receivablePageIds(q, offset, input.pageSize)).map((r: Row) => String(r.id)) : []
  const rows = new Map((await orderRowsByIds(k, ids)).map((r) => [String(r.id), r]))
  const overdue = await overdueByOrder(k, ids, today)
  const items: ReceivableRow[] = ids.filter((id) => rows.has(id)).map((id) => ({ ...toOrderRow(rows.get(id)!), overdueCents: overdue.get(id) ?? 0 }))
  // the orders with an overdue plan are exactly those due before today: overdueOnly changes nothing here
  const overdueCents = await overdueSum(k, f, (x) => scopeOrders(ctx, k, x, scope, 'pp.owner_id'), today, search)
  return { items, total: sums.n, page: input.page, pageSize: input.pageSize, sums: { outstandingCents: sums.outstanding, overdueCents } }
}

export async function paymentsList(ctx: ServiceContext, input: { page: number; pageSize: number; filter: PaymentFilter }) {
  const { scope: asked, ...filter } = input.filter
  const scope = askedScope(requirePerm(ctx.actor, 'orders', 'view'), asked)
  const k = ctx.db.knex
  const search = filter.search ? await planSearch(k, filter.search) : undefined
  const q = filteredPayments(k, filter, (x) => scopeOrders(ctx, k, x, scope, 'p.owner_id'), search)
  const range = statsRangeOf(filter, ['ownerId', 'dateFrom', 'dateTo'])
  const sums = range ? await paymentStatsSums(k, range, (x) => scopeOrders(ctx, k, x, scope, 's.owner_id')) : await paymentSums(k, q)
  const offset = (input.page - 1) * input.pageSize
  const ids: string[] = offset < sums.n ? (await paymentPageIds(q, offset, input.pageSize)).map((r: Row) => String(r.id)) : []
  const items = await paymentItems(k, ids)
  return { items, total: sums.n, page: input.page, pageSize: input.pageSize, sums: { amountCents: sums.amount } }
}

/** The payments of `ids` in that order (one read; a payment gone since is left out). */
async function paymentItems(k: Knex, ids: string[]): Promise<PaymentRow[]> {
  return inIdOrder(ids, await paymentRowsByIds(k, ids)).map(toPaymentRow)
}

const toPaymentRow = (r: Row): PaymentRow => ({
  ...toPayment(r), orderCode: String(r.order_code), customerId: String(r.customer_id), customerName: r.customer_name == null ? null : String(r.customer_name),
  ownerId: r.owner_id == null ? null : String(r.owner_id), ownerName: r.owner_name == null ? null : String(r.owner_name),
})

/**
 * The whole 回款 list in list order, `size` payments at a time (an export): the ordered ids in one
 * read, then the rows by id — linear, where OFFSET pages re-read every earlier row and sum the
 * list again for each page.
 */
export async function* paymentsListChunks(ctx: ServiceContext, input: { filter: PaymentFilter }, size: number): AsyncGenerator<{ items: PaymentRow[]; total: number }> {
  const { scope: asked, ...filter } = input.filter
  const scope = askedScope(requirePerm(ctx.actor, 'orders', 'view'), asked)
  const k = ctx.db.knex
  const search = filter.search ? await planSearch(k, filter.search) : undefined
  const q = filteredPayments(k, filter, (x) => scopeOrders(ctx, k, x, scope, 'p.owner_id'), search)
  const ids: string[] = (await paymentPageIds(q, 0, ALL_ROWS)).map((r: Row) => String(r.id))
  for await (const rows of chunksInOrder(ids, size, (slice) => paymentRowsByIds(k, slice))) yield { items: rows.map(toPaymentRow), total: ids.length }
}
