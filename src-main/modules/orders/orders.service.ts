// 订单: scoped list with sums, the order with lines, plans and payments, create/edit of drafts
// (DD-<year>-<6 digits> numbers), the status machine with supervisor approval, and deletion.
// Every write: one transaction, the next central version, an audit entry on the customer's
// history; a change that makes or unmakes a sale recomputes the customer's trade figures
// (recomputeCustomerTrade) and the order's receivables in the same transaction, and
// re-evaluates the customer's system reminders (purchase policy, 回款 due).
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { Action, DataScope } from '../../contract/common'
import {
  AMOUNT_BAND_EDGES, amountBandOf, MAX_LINES, type Order, type OrderAllowed, type OrderFields, type OrderLine, type OrderLineInput, type OrderPatch, type OrderRow,
  type OrderStatus,
} from '../../contract/orders'
import { MAX_CENTS } from '../../contract/products'
import { AppError, fieldError, forbidden, notFound, ruleError } from '../../shared/errors'
import { ALL_ROWS, hasHan, pageWindow, toIso, toNum } from '../../db/dialect'
import { chunksInOrder } from '../../shared/chunks-in-order'
import { formatCode, newId, nextSequence } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { applyScope, askedScope, can, inScope, requirePerm } from '../auth/permissions'
import { diff, recordAudit, recordAuditMany, type AuditInput } from '../audit/audit.service'
import { closeWarningsForOrder } from '../churn/churn.service'
import { customerSearchCandidateIds, customersGet } from '../customers/customers.service'
import { pinyinForms, withoutDivisions } from '../customers/customers.search'
import type { SearchHit } from '../../contract/search'
import { bestByText, bestMatch, normalizeTerm, scoreOf } from '../../shared/search-rank'
import { appToday, evaluateCustomers } from '../reminders/system-reminders.service'
import { canTransition, isCounted, isEditable, isRemovable, lineAmounts, orderAmounts, reviewRefusal, TRANSITIONS, type TransitionAction } from './orders.model'
import {
  filteredOrders, filteredPayments, findOrder, insertOrder, linesOf, orderCodeExists, orderPageIds, orderRowsByIds, orderSums, overdueSum, paymentSums, planSearch, productsByIds,
  whereOrderOwnerInTeam, type SearchPlan, readSetting, recomputeCustomerTrade, removeOrderChildren, replaceLines, updateOrder, writeSetting, type Row,
  orderCodeYears, searchCustomerTexts, searchOrdersByCodes, searchOrdersInCodeRange, searchOrdersOfCustomers,
  importedOrders, insertOrderLines, insertOrders, lineCountOf, takenOrderCodes,
} from './orders.repository'
import { isOrderCodeOnly, orderCodeQuery } from './orders.search'
import { monthlyActuals, nextMonthStart, orderStatsSums, paymentStatsSums, type StatsRange } from './stats.repository'
import { loadPaymentParts, settleOrder } from './settlement'

export const DEFAULT_DISCOUNT_LIMIT_BP = 1000

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))
const int = (v: unknown) => Number(toNum(v) ?? 0)

/** The service context on a transaction: another module's service then reads inside it. */
export const onTrx = (ctx: ServiceContext, trx: Knex): ServiceContext => ({ ...ctx, db: { ...ctx.db, knex: trx } })

export const orderConflict = () => new AppError('conflict', 'the order was changed meanwhile; reload and try again', { key: 'errors.conflict' })

/** The discount limit (basis points) above which only a role with orders.approve may approve. */
export async function discountLimit(db: Knex): Promise<number> {
  const raw = await readSetting(db, 'discountLimitBp')
  const v = Number(raw)
  return raw !== null && Number.isInteger(v) && v >= 0 && v <= 10_000 ? v : DEFAULT_DISCOUNT_LIMIT_BP
}

// ---- access -------------------------------------------------------------------------------------

/** Whether the actor holds `action` on orders with this order inside that action's scope. */
export function mayOn(ctx: ServiceContext, action: Action, r: Row): boolean {
  const p = ctx.actor.permissions.orders
  return !!p && p.actions.includes(action) && inScope(ctx.actor, p.scope, str(r.owner_id), str(r.owner_team_id))
}

/** A live order the actor may see (orders.view in scope), else not_found. */
export async function loadVisibleOrder(ctx: ServiceContext, db: Knex, id: string): Promise<Row> {
  requirePerm(ctx.actor, 'orders', 'view')
  const r = await findOrder(db, id)
  if (!r || !mayOn(ctx, 'view', r)) throw notFound('order', id)
  return r
}

/** A visible order the actor may change with `action` (forbidden when visible but not permitted). */
export async function loadOrderFor(ctx: ServiceContext, db: Knex, id: string, action: Action): Promise<Row> {
  requirePerm(ctx.actor, 'orders', action)
  const r = await findOrder(db, id)
  if (!r || !mayOn(ctx, 'view', r)) throw notFound('order', id)
  if (!mayOn(ctx, action, r)) throw forbidden('orders', action)
  return r
}

const isMine = (ctx: ServiceContext, r: Row) => r.owner_id === ctx.actor.userId || r.created_by === ctx.actor.userId

function reviewOf(ctx: ServiceContext, r: Row, limit: number) {
  return reviewRefusal(
    { ownerId: str(r.owner_id), createdBy: str(r.created_by), maxDiscountBp: int(r.max_discount_bp) },
    { userId: ctx.actor.userId, hasApprove: mayOn(ctx, 'approve', r), hasEdit: mayOn(ctx, 'edit', r) },
    limit,
  )
}

function allowedFor(ctx: ServiceContext, r: Row, limit: number, lineCount: number): OrderAllowed {
  const st = String(r.status) as OrderStatus
  const edit = mayOn(ctx, 'edit', r)
  const review = st === 'pending' && reviewOf(ctx, r, limit) === null
  const received = int(r.received_cents)
  return {
    edit: edit && isEditable(st),
    submit: edit && st === 'draft' && lineCount > 0,
    withdraw: edit && st === 'pending' && isMine(ctx, r),
    approve: review,
    reject: review,
    ship: edit && st === 'approved',
    complete: edit && st === 'shipped',
    cancel: edit && (st === 'draft' || st === 'pending' || (st === 'approved' && mayOn(ctx, 'approve', r) && received === 0)),
    remove: mayOn(ctx, 'delete', r) && isRemovable(st),
    plans: edit && st !== 'cancelled',
    payments: edit && isCounted(st) && int(r.outstanding_cents) > 0,
  }
}

// ---- mapping --------------------------------------------------------------------------------------

export const toQuantity = (v: unknown) => Math.round((toNum(v) ?? 0) * 1000) / 1000

function toLine(r: Row): OrderLine {
  const quantity = toQuantity(r.quantity)
  const unitPriceCents = int(r.unit_price_cents)
  const discountBp = int(r.discount_bp)
  return {
    id: String(r.id), lineNo: int(r.line_no), productId: str(r.product_id), productCode: str(r.product_code), productName: String(r.product_name),
    model: str(r.model), unit: str(r.unit), quantity, unitPriceCents, discountBp,
    grossCents: lineAmounts({ quantity, unitPriceCents, discountBp }).grossCents, lineTotalCents: int(r.line_total_cents),
  }
}

export function toOrderRow(r: Row): OrderRow {
  return {
    id: String(r.id), code: String(r.code), customerId: String(r.customer_id), customerName: str(r.customer_name), orderDate: String(r.order_date),
    status: String(r.status) as OrderStatus, totalCents: int(r.total_cents), receivedCents: int(r.received_cents),
    outstandingCents: int(r.outstanding_cents), maxDiscountBp: int(r.max_discount_bp), nextDueDate: str(r.next_due_date),
    ownerId: str(r.owner_id), ownerName: str(r.owner_name), updatedAt: toIso(r.updated_at)!,
  }
}

async function buildOrder(ctx: ServiceContext, db: Knex, r: Row): Promise<Order> {
  const [lineRows, limit, today] = [await linesOf(db, String(r.id)), await discountLimit(db), await appToday(ctx, db)]
  const lines = lineRows.map(toLine)
  const parts = await loadPaymentParts(db, String(r.id), today)
  const amounts = orderAmounts(lines)
  return {
    ...toOrderRow(r),
    customerCode: str(r.customer_code),
    deliveryAddress: str(r.delivery_address), notes: str(r.notes), createdBy: str(r.created_by), createdByName: str(r.created_by_name),
    grossCents: amounts.grossCents, discountCents: amounts.grossCents - int(r.total_cents), discountLimitBp: limit,
    overdueCents: isCounted(String(r.status)) ? parts.overdueCents : 0,
    submittedAt: toIso(r.submitted_at), approvalResult: (str(r.approval_result) as Order['approvalResult']) ?? null,
    reviewedBy: str(r.approved_by), reviewedByName: str(r.reviewer_name), reviewedAt: toIso(r.approved_at), approvalComment: str(r.approval_comment),
    shippedAt: toIso(r.shipped_at), completedAt: toIso(r.completed_at), cancelledAt: toIso(r.cancelled_at), cancelReason: str(r.cancel_reason),
    lines, plans: parts.plans, payments: parts.payments,
    allowed: allowedFor(ctx, r, limit, lines.length),
    createdAt: toIso(r.created_at)!,
    version: Number(r.version),
  }
}

export async function loadOrder(ctx: ServiceContext, db: Knex, id: string): Promise<Order> {
  const r = await findOrder(db, id)
  if (!r) throw notFound('order', id)
  return buildOrder(ctx, db, r)
}

/** What the audit log records of an order's header and lines. */
const lineSummary = (l: Pick<OrderLine, 'productName' | 'quantity' | 'unitPriceCents' | 'discountBp' | 'lineTotalCents'>) =>
  `${l.productName} × ${l.quantity} @ ${l.unitPriceCents}${l.discountBp ? ` −${l.discountBp}bp` : ''} = ${l.lineTotalCents}`
const auditView = (o: Pick<Order, 'customerId' | 'orderDate' | 'deliveryAddress' | 'notes' | 'totalCents' | 'lines'>) => ({
  customerId: o.customerId, orderDate: o.orderDate, deliveryAddress: o.deliveryAddress, notes: o.notes, totalCents: o.totalCents,
  lines: o.lines.map(lineSummary),
})

// ---- lines ----------------------------------------------------------------------------------------

interface PreparedLines {
  rows: Row[]
  totalCents: number
  maxDiscountBp: number
}

/** Checks the lines (catalogue products, amounts within range) and prices them by the rounding rule. */
async function prepareLines(db: Knex, orderId: string, lines: OrderLineInput[], keptProducts: Set<string>, at: string, version: number): Promise<PreparedLines> {
  if (lines.length > MAX_LINES) throw fieldError('lines', 'too_big', 'too many lines', { maximum: MAX_LINES })
  const ids = [...new Set(lines.map((l) => l.productId).filter((x): x is string => !!x))]
  const products = new Map((await productsByIds(db, ids)).map((p) => [String(p.id), p]))
  let total = 0
  let maxBp = 0
  const rows = lines.map((l, i) => {
    const p = l.productId ? products.get(l.productId) : undefined
    if (l.productId && (!p || (!p.enabled && !keptProducts.has(l.productId)))) {
      throw fieldError(`lines.${i}.productId`, 'invalid_product', 'not an active product of the catalogue')
    }
    const discountBp = l.discountBp ?? 0
    const a = lineAmounts({ quantity: l.quantity, unitPriceCents: l.unitPriceCents, discountBp })
    if (a.grossCents > MAX_CENTS) throw fieldError(`lines.${i}.quantity`, 'too_big_number', 'the line amount is too large', { maximum: MAX_CENTS })
    total += a.lineTotalCents
    maxBp = Math.max(maxBp, discountBp)
    return {
      id: newId(), order_id: orderId, line_no: i + 1, product_id: l.productId ?? null, product_name: l.productName, model: l.model || null,
      unit: l.unit || null, quantity: l.quantity, unit_price_cents: l.unitPriceCents, discount_bp: discountBp, line_total_cents: a.lineTotalCents,
      created_at: at, updated_at: at, version,
    }
  })
  if (total > MAX_CENTS) throw fieldError('lines', 'too_big_number', 'the order total is too large', { maximum: MAX_CENTS })
  return { rows, totalCents: total, maxDiscountBp: maxBp }
}

async function newOrderCode(trx: Knex.Transaction, year: number): Promise<string> {
  for (;;) {
    const code = formatCode('DD', year, await nextSequence(trx, `order:${year}`))
    if (!(await orderCodeExists(trx, code))) return code
  }
}

// ---- list and get -----------------------------------------------------------------------------------

export interface OrderListQuery {
  page: number
  pageSize: number
  filter: import('../../contract/orders').OrderFilter
  sort: { field: 'orderDate' | 'code' | 'totalCents' | 'updatedAt'; order: 'asc' | 'desc' }
}

const lastDayOfMonth = (ymd: string) => {
  const [y, m] = [Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7))]
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
}

/**
 * The stats range a filter amounts to, or null when the stats cannot answer it: only status,
 * owner and whole months (from the 1st, to a month's last day) are kept per bucket.
 */
export function statsRangeOf(f: Record<string, unknown>, allowed: string[]): StatsRange | null {
  for (const [key, v] of Object.entries(f)) if (v !== undefined && v !== null && v !== false && !allowed.includes(key)) return null
  const from = f.dateFrom as string | undefined
  const to = f.dateTo as string | undefined
  if (from && !from.endsWith('-01')) return null
  if (to && lastDayOfMonth(to) !== to) return null
  return { ownerId: f.ownerId as string | undefined, status: f.status as string | undefined, fromMonth: from?.slice(0, 7), toMonth: to?.slice(0, 7) }
}

type Sums = { n: number; total: number; received: number; outstanding: number }
const addSums = (a: Sums, b: Sums): Sums => ({ n: a.n + b.n, total: a.total + b.total, received: a.received + b.received, outstanding: a.outstanding + b.outstanding })
const nextMonth = (m: string) => nextMonthStart(m).slice(0, 7)
const prevMonth = (m: string) => {
  const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7))]
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`
}
const dayBefore = (ymd: string) => new Date(Date.parse(ymd + 'T00:00:00Z') - 86_400_000).toISOString().slice(0, 10)
/** The first and last cent of an amount band (the last band has no upper edge). */
const bandStart = (b: number) => (b === 0 ? 0 : AMOUNT_BAND_EDGES[b - 1]!)
const bandLast = (b: number) => (b < AMOUNT_BAND_EDGES.length ? AMOUNT_BAND_EDGES[b]! - 1 : Number.MAX_SAFE_INTEGER)

/**
 * A filter of status, owner, dates and amounts split into what order_stats answers — the whole
 * months of the date range and the amount bands the amount range covers whole — and the parts
 * read from the orders: the days before the first and after the last whole month (with the
 * amount filter), and within the whole months the orders of the bands the amount range cuts
 * (through orders_amount_sums). A cut band is read from the smaller side of the cut: either the
 * part inside the range is added (`rows`), or the whole band is taken from the stats and the
 * part outside the range subtracted (`minus`) — ¥123,456 in the band ¥100,000–¥199,999.99 reads
 * the orders of ¥100,000–¥123,455.99 (the narrower side, assuming amounts spread evenly within
 * a band; the last band, without an upper edge, is never taken whole). Null when the filter
 * holds anything else (search, customer) or has no whole month.
 */
export function splitOrderFilter(f: OrderListQuery['filter']): { stats: StatsRange; rows: Array<OrderListQuery['filter']>; minus: Array<OrderListQuery['filter']> } | null {
  const allowed = ['status', 'ownerId', 'dateFrom', 'dateTo', 'amountMinCents', 'amountMaxCents']
  for (const [key, v] of Object.entries(f)) if (v !== undefined && v !== null && !allowed.includes(key)) return null
  const { dateFrom: from, dateTo: to, amountMinCents: min, amountMaxCents: max } = f
  const fromMonth = from ? (from.endsWith('-01') ? from.slice(0, 7) : nextMonth(from.slice(0, 7))) : undefined
  const toMonth = to ? (lastDayOfMonth(to) === to ? to.slice(0, 7) : prevMonth(to.slice(0, 7))) : undefined
  if (fromMonth && toMonth && fromMonth > toMonth) return null
  if (min !== undefined && max !== undefined && min > max) return null
  const base = { status: f.status, ownerId: f.ownerId }
  const rows: Array<OrderListQuery['filter']> = []
  const minus: Array<OrderListQuery['filter']> = []
  // the days outside the whole months, with the amount filter as given
  if (from && fromMonth && from !== `${fromMonth}-01`) rows.push({ ...base, dateFrom: from, dateTo: dayBefore(`${fromMonth}-01`), amountMinCents: min, amountMaxCents: max })
  if (to && toMonth && to !== lastDayOfMonth(`${toMonth}-01`)) rows.push({ ...base, dateFrom: nextMonthStart(toMonth), dateTo: to, amountMinCents: min, amountMaxCents: max })
  // the bands the amount range covers whole (from the stats), and the cut ones (from the orders, the smaller side)
  const lo = min === undefined ? 0 : amountBandOf(min)
  const hi = max === undefined ? AMOUNT_BAND_EDGES.length : amountBandOf(max)
  const cutLow = min !== undefined && min !== bandStart(lo)
  const cutHigh = max !== undefined && max !== bandLast(hi)
  const months = { ...base, dateFrom: fromMonth ? `${fromMonth}-01` : undefined, dateTo: toMonth ? lastDayOfMonth(`${toMonth}-01`) : undefined }
  const part = (a: number, b: number) => ({ ...months, amountMinCents: a, amountMaxCents: b })
  /** Whether a cut band is cheaper as the whole band less the amounts outside [a, b] (widths in cents). */
  const wholeLess = (band: number, a: number, b: number) => band < AMOUNT_BAND_EDGES.length && bandLast(band) - bandStart(band) + 1 - (b - a + 1) < b - a + 1
  let fromBand = cutLow ? lo + 1 : lo
  let toBand = cutHigh ? hi - 1 : hi
  if (lo === hi && (cutLow || cutHigh)) {
    // one band, cut on one side or both
    const a = min ?? bandStart(lo)
    const b = max ?? bandLast(hi)
    if (wholeLess(lo, a, b)) {
      fromBand = toBand = lo
      if (a > bandStart(lo)) minus.push(part(bandStart(lo), a - 1))
      if (b < bandLast(lo)) minus.push(part(b + 1, bandLast(lo)))
    } else rows.push(part(a, b))
  } else {
    if (cutLow) {
      if (wholeLess(lo, min!, bandLast(lo))) {
        fromBand = lo
        minus.push(part(bandStart(lo), min! - 1))
      } else rows.push(part(min!, bandLast(lo)))
    }
    if (cutHigh) {
      if (wholeLess(hi, bandStart(hi), max!)) {
        toBand = hi
        minus.push(part(max! + 1, bandLast(hi)))
      } else rows.push(part(bandStart(hi), max!))
    }
  }
  const stats: StatsRange = { ownerId: f.ownerId, status: f.status, fromMonth, toMonth }
  if (fromBand > toBand) return { stats: { ...stats, fromBand: 1, toBand: 0 }, rows, minus }
  return { stats: { ...stats, ...(min !== undefined ? { fromBand } : {}), ...(max !== undefined ? { toBand } : {}) }, rows, minus }
}

const subSums = (a: Sums, b: Sums): Sums => ({ n: a.n - b.n, total: a.total - b.total, received: a.received - b.received, outstanding: a.outstanding - b.outstanding })

/** Count and sums of the orders matching the filter: from the stats where they can answer, the rest from the orders. */
async function listSums(ctx: ServiceContext, k: Knex, f: OrderListQuery['filter'], q: Knex.QueryBuilder, scope: DataScope, search?: SearchPlan) {
  const split = splitOrderFilter(f)
  let sums: Sums
  if (!split) sums = await orderSums(k, q)
  else {
    const st = split.stats
    sums = st.fromBand !== undefined && st.toBand !== undefined && st.fromBand > st.toBand
      ? { n: 0, total: 0, received: 0, outstanding: 0 }
      : await orderStatsSums(k, st, (x) => scopeOrders(ctx, k, x, scope, 's.owner_id'))
    for (const part of split.rows) sums = addSums(sums, await orderSums(k, filteredOrders(k, part, (x) => scopeOrders(ctx, k, x, scope))))
    for (const part of split.minus) sums = subSums(sums, await orderSums(k, filteredOrders(k, part, (x) => scopeOrders(ctx, k, x, scope))))
  }
  const overdue = await overdueSum(k, f, (x) => scopeOrders(ctx, k, x, scope, 'pp.owner_id'), await appToday(ctx), search)
  return { ...sums, overdue }
}

export async function ordersList(ctx: ServiceContext, input: OrderListQuery) {
  const { scope: asked, ...filter } = input.filter
  const scope = askedScope(requirePerm(ctx.actor, 'orders', 'view'), asked)
  const k = ctx.db.knex
  const search = filter.search ? await planSearch(k, filter.search) : undefined
  const q = filteredOrders(k, filter, (x) => scopeOrders(ctx, k, x, scope), search)
  const sums = await listSums(ctx, k, filter, q, scope, search)
  const offset = (input.page - 1) * input.pageSize
  const w = pageWindow(offset, input.pageSize, sums.n)
  const ids: string[] = offset < sums.n && w.limit > 0 ? (await orderPageIds(q, input.sort, w.offset, w.limit, w.reverse)).map((r: Row) => String(r.id)) : []
  if (w.reverse) ids.reverse()
  const byId = new Map((await orderRowsByIds(k, ids)).map((r) => [String(r.id), toOrderRow(r)]))
  const overdue = sums.overdue
  return {
    items: ids.map((id) => byId.get(id)).filter((x): x is OrderRow => !!x),
    total: sums.n, page: input.page, pageSize: input.pageSize,
    sums: { totalCents: sums.total, receivedCents: sums.received, outstandingCents: sums.outstanding, overdueCents: overdue },
  }
}

/**
 * The whole list in list order, `size` orders at a time (an export): the ordered ids in one read,
 * then the rows by id — linear in the orders, where OFFSET pages re-read every earlier row and
 * count and sum the list again for each page.
 */
export async function* ordersListChunks(ctx: ServiceContext, input: Omit<OrderListQuery, 'page' | 'pageSize'>, size: number): AsyncGenerator<{ items: OrderRow[]; total: number }> {
  const { scope: asked, ...filter } = input.filter
  const scope = askedScope(requirePerm(ctx.actor, 'orders', 'view'), asked)
  const k = ctx.db.knex
  const search = filter.search ? await planSearch(k, filter.search) : undefined
  const q = filteredOrders(k, filter, (x) => scopeOrders(ctx, k, x, scope), search)
  const ids: string[] = (await orderPageIds(q, input.sort, 0, ALL_ROWS)).map((r: Row) => String(r.id))
  for await (const rows of chunksInOrder(ids, size, (slice) => orderRowsByIds(k, slice))) yield { items: rows.map(toOrderRow), total: ids.length }
}

/** The data scope on orders (alias o, or the owner column of plans, payments or stats). */
export function scopeOrders(ctx: ServiceContext, k: Knex, q: Knex.QueryBuilder, scope: DataScope, col = 'o.owner_id') {
  if (col === 'o.owner_id' && scope === 'team' && ctx.actor.teamId) return whereOrderOwnerInTeam(k, q, ctx.actor.teamId)
  return applyScope(q, k, ctx.actor, scope, col)
}

export async function ordersGet(ctx: ServiceContext, input: { id: string }): Promise<Order> {
  const r = await loadVisibleOrder(ctx, ctx.db.knex, input.id)
  return buildOrder(ctx, ctx.db.knex, r)
}

// ---- create / edit / delete ------------------------------------------------------------------------------

export async function ordersCreate(ctx: ServiceContext, input: OrderFields): Promise<Order> {
  requirePerm(ctx.actor, 'orders', 'create')
  const now = ctx.clock.now()
  const at = now.toISOString()
  const id = newId()
  await ctx.db.knex.transaction(async (trx) => {
    // the customer must be one the caller may see (answers not_found otherwise)
    const customer = await customersGet(onTrx(ctx, trx), { id: input.customerId })
    const version = await nextVersion(trx)
    const lines = await prepareLines(trx, id, input.lines ?? [], new Set(), at, version)
    const code = await newOrderCode(trx, Number(input.orderDate.slice(0, 4)) || now.getFullYear())
    await insertOrder(trx, {
      id, code, customer_id: customer.id, order_date: input.orderDate, status: 'draft', total_cents: lines.totalCents, received_cents: 0,
      outstanding_cents: 0, max_discount_bp: lines.maxDiscountBp, delivery_address: input.deliveryAddress || customer.address || null,
      notes: input.notes || null, owner_id: customer.ownerId ?? ctx.actor.userId, created_by: ctx.actor.userId,
      created_at: at, updated_at: at, version,
    })
    await replaceLines(trx, ctx.db.dialect, id, lines.rows, at, version)
    await settleOrder(trx, ctx.db.dialect, id, version)
    const created = await loadOrder(ctx, trx, id)
    await recordAudit(trx, ctx, { entity: 'order', entityId: id, parentId: customer.id, action: 'create', changes: { code: [null, code], ...diff(null, auditView(created)) } })
  })
  return loadOrder(ctx, ctx.db.knex, id)
}

export async function ordersUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: OrderPatch }): Promise<Order> {
  await ctx.db.knex.transaction(async (trx) => {
    const r = await loadOrderFor(ctx, trx, input.id, 'edit')
    if (Number(r.version) !== input.version) throw orderConflict()
    if (!isEditable(String(r.status) as OrderStatus)) throw ruleError('orders.errors.notDraft', 'only a draft order can be edited', { status: r.status })
    const before = await loadOrder(ctx, trx, input.id)
    const f = input.fields
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const patch: Row = {}
    if (f.customerId && f.customerId !== before.customerId) {
      const customer = await customersGet(onTrx(ctx, trx), { id: f.customerId })
      Object.assign(patch, { customer_id: customer.id, owner_id: customer.ownerId ?? r.owner_id }) // its plans follow (settleOrder)
    }
    if (f.orderDate) patch.order_date = f.orderDate
    if (f.deliveryAddress !== undefined) patch.delivery_address = f.deliveryAddress || null
    if (f.notes !== undefined) patch.notes = f.notes || null
    if (f.lines) {
      const kept = new Set(before.lines.map((l) => l.productId).filter((x): x is string => !!x))
      const lines = await prepareLines(trx, input.id, f.lines, kept, at, version)
      await replaceLines(trx, ctx.db.dialect, input.id, lines.rows, at, version)
      Object.assign(patch, { total_cents: lines.totalCents, max_discount_bp: lines.maxDiscountBp })
    }
    if (!(await updateOrder(trx, input.id, { ...patch, updated_at: at, version }, input.version))) throw orderConflict()
    await settleOrder(trx, ctx.db.dialect, input.id, version, r)
    const after = await loadOrder(ctx, trx, input.id)
    await recordAudit(trx, ctx, { entity: 'order', entityId: input.id, parentId: after.customerId, action: 'update', changes: diff(auditView(before), auditView(after)) })
  })
  return loadOrder(ctx, ctx.db.knex, input.id)
}

export async function ordersRemove(ctx: ServiceContext, input: { id: string; version: number }) {
  await ctx.db.knex.transaction(async (trx) => {
    const r = await loadOrderFor(ctx, trx, input.id, 'delete')
    if (Number(r.version) !== input.version) throw orderConflict()
    const status = String(r.status) as OrderStatus
    if (!isRemovable(status)) throw ruleError('orders.errors.notRemovable', 'a sale cannot be deleted; cancel it first', { status })
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    if (!(await updateOrder(trx, input.id, { deleted_at: at, updated_at: at, version }, input.version))) throw orderConflict()
    await removeOrderChildren(trx, input.id, at, version)
    await settleOrder(trx, ctx.db.dialect, input.id, version, r)
    const customerId = String(r.customer_id)
    await recomputeCustomerTrade(trx, customerId, version)
    await evaluateCustomers(trx, ctx, [customerId], async () => version)
    await recordAudit(trx, ctx, { entity: 'order', entityId: input.id, parentId: customerId, action: 'delete', changes: { code: [r.code, null], status: [status, null] } })
  })
  return { ok: true as const }
}

// ---- the status machine -------------------------------------------------------------------------------

const ACTION_PERM: Record<TransitionAction, Action> = {
  submit: 'edit', withdraw: 'edit', approve: 'view', reject: 'view', ship: 'edit', complete: 'edit', cancel: 'edit',
}

/**
 * One step of the status machine. Refused with a translated reason: a step the status does not
 * allow, submitting without lines, withdrawing someone else's order, reviewing one's own order
 * or (without orders.approve) a discount above the limit, cancelling a sale with payments or
 * without orders.approve.
 */
export async function ordersTransition(ctx: ServiceContext, action: TransitionAction, input: { id: string; version: number; comment?: string | null }): Promise<Order> {
  await ctx.db.knex.transaction(async (trx) => {
    const r = await loadOrderFor(ctx, trx, input.id, ACTION_PERM[action])
    // a step based on an older version is a conflict first (the caller reloads and sees the new status)
    if (Number(r.version) !== input.version) throw orderConflict()
    const from = String(r.status) as OrderStatus
    if (!canTransition(action, from)) {
      throw ruleError('orders.errors.badTransition', `cannot ${action} an order that is ${from}`, { action, status: from })
    }
    const limit = await discountLimit(trx)
    if (action === 'approve' || action === 'reject') {
      const refusal = reviewOf(ctx, r, limit)
      if (refusal === 'forbidden') throw forbidden('orders', 'approve')
      if (refusal) throw ruleError(refusal, refusal === 'orders.errors.ownOrder' ? 'nobody reviews their own order' : 'this discount needs a reviewer with orders.approve', { maxDiscountBp: int(r.max_discount_bp), limitBp: limit })
    }
    if (action === 'submit' && !(await linesOf(trx, input.id)).length) throw ruleError('orders.errors.noLines', 'an order needs at least one line')
    if (action === 'withdraw' && !isMine(ctx, r)) throw ruleError('orders.errors.notYours', 'only the owner or creator withdraws an order')
    if (action === 'cancel' && from === 'approved') {
      if (!mayOn(ctx, 'approve', r)) throw forbidden('orders', 'approve')
      if (int(r.received_cents) > 0) throw ruleError('orders.errors.hasPayments', 'delete the received payments before cancelling', { receivedCents: int(r.received_cents) })
    }
    const to = TRANSITIONS[action].to
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const comment = input.comment?.trim() || null
    const patch: Row = { status: to, updated_at: at, version }
    if (action === 'submit') patch.submitted_at = at
    if (action === 'approve' || action === 'reject') {
      Object.assign(patch, { approved_by: ctx.actor.userId, approved_at: at, approval_comment: comment, approval_result: action === 'approve' ? 'approved' : 'rejected' })
    }
    if (action === 'ship') patch.shipped_at = at
    if (action === 'complete') patch.completed_at = at
    if (action === 'cancel') Object.assign(patch, { cancelled_at: at, cancel_reason: comment })
    if (!(await updateOrder(trx, input.id, patch, input.version))) throw orderConflict()
    const customerId = String(r.customer_id)
    await settleOrder(trx, ctx.db.dialect, input.id, version, r)
    if (isCounted(from) !== isCounted(to)) {
      await recomputeCustomerTrade(trx, customerId, version)
      await evaluateCustomers(trx, ctx, [customerId], async () => version)
      // a new sale closes the customer's standing 流失预警 (the customer is 正常 again)
      if (isCounted(to)) await closeWarningsForOrder(trx, customerId, { now: ctx.clock.now(), actor: ctx.actor })
    }
    const changes: Record<string, [unknown, unknown]> = { status: [from, to] }
    if (comment) changes[action === 'cancel' ? 'cancelReason' : 'approvalComment'] = [str(r[action === 'cancel' ? 'cancel_reason' : 'approval_comment']), comment]
    await recordAudit(trx, ctx, { entity: 'order', entityId: input.id, parentId: customerId, action: 'update', changes })
  })
  return loadOrder(ctx, ctx.db.knex, input.id)
}

// ---- settings and printing ---------------------------------------------------------------------------

export async function ordersGetSettings(ctx: ServiceContext) {
  requirePerm(ctx.actor, 'orders', 'view')
  return { discountLimitBp: await discountLimit(ctx.db.knex) }
}

export async function ordersSaveSettings(ctx: ServiceContext, input: { discountLimitBp: number }) {
  requirePerm(ctx.actor, 'settings', 'edit')
  await ctx.db.knex.transaction((trx) => writeSetting(trx, ctx.db.dialect, 'discountLimitBp', String(input.discountLimitBp), ctx.clock.now().toISOString()))
  return { discountLimitBp: await discountLimit(ctx.db.knex) }
}

/** The printed sheet's file name; the desktop shell asks where to save it and prints the window. */
export async function ordersSavePdf(ctx: ServiceContext, input: { id: string }) {
  const r = await loadVisibleOrder(ctx, ctx.db.knex, input.id)
  return { fileName: `${String(r.code)}.pdf`, saved: false, path: null }
}

// ---- for other modules ----------------------------------------------------------------------------

/**
 * Sales (by order month) or received payments (by payment month) per owner and month for the
 * months [fromMonth, toMonth], from the stats (targets and 销售业绩 read them; they check their own
 * permissions).
 */
export async function actualsByOwnerMonth(db: Knex, basis: 'orders' | 'payments', fromMonth: string, toMonth: string) {
  const rows = await monthlyActuals(db, basis, fromMonth, toMonth)
  return rows.map((r) => ({ ownerId: r.owner_id == null ? null : String(r.owner_id), month: String(r.month), cents: Number(r.cents ?? 0) }))
}

// ---- global search ------------------------------------------------------------------------

/** Candidates read before the precise ranking (as the other areas do). */
const searchCandidates = (limit: number) => Math.max(20, limit * 4)

/**
 * 全局搜索's orders: the best `limit` live orders in the caller's orders scope — by number
 * (whole, a part of it, or its sequence digits: index seeks and ranges, see orders.search) or
 * by customer (name, short name, code, phones, pinyin, initials, a contact: the orders of the
 * best-matching customers, newest first) — ranked by shared/search-rank like every area (the
 * customer's name is the name, the order and customer numbers the code). Nothing without the
 * orders view permission; customers found only within the customers scope when the caller has
 * one, else as the order list's search finds them.
 */
export async function ordersSearchTop(ctx: ServiceContext, term: string, limit: number): Promise<SearchHit[]> {
  if (!can(ctx.actor, 'orders', 'view')) return []
  const scope = requirePerm(ctx.actor, 'orders', 'view')
  const t = normalizeTerm(term)
  if (!t) return []
  const k = ctx.db.knex
  const n = searchCandidates(limit)
  const inScope = (q: Knex.QueryBuilder) => scopeOrders(ctx, k, q, scope)
  const rows: Row[] = []
  const rankOf = new Map<string, number>() // customer id → its rank among the candidates
  const codeOnly = isOrderCodeOnly(t)
  const codes = codeOnly || /\d{4}/.test(t) ? orderCodeQuery(t, codeOnly ? [] : await orderCodeYears(k)) : null
  if (codes) {
    rows.push(...(await searchOrdersByCodes(k, codes.exact, inScope)))
    for (const [from, to] of codes.ranges) rows.push(...(await searchOrdersInCodeRange(k, from, to, n, inScope)))
  }
  if (!codeOnly) {
    const customerIds = can(ctx.actor, 'customers', 'view')
      ? await customerSearchCandidateIds(ctx, t, n)
      : bestByText((await searchCustomerTexts(k, ctx.db.dialect, t, 400)).map((r) => ({ id: String(r.id), searchText: String(r.search_text ?? '') })), t, n).map((r) => r.id)
    customerIds.forEach((id, i) => rankOf.set(id.toLowerCase(), i))
    rows.push(...(await searchOrdersOfCustomers(k, customerIds, n * 5, inScope)))
  }
  const seen = new Set<string>()
  const pinyinMatters = !hasHan(t) // a term with Chinese characters never matches a pinyin form
  const hits: Array<SearchHit & { rank: number; date: string }> = []
  for (const r of rows) {
    const id = String(r.id).toLowerCase()
    if (seen.has(id)) continue
    seen.add(id)
    const name = String(r.customer_name ?? '')
    const m = bestMatch(t, [
      { field: 'name', values: [name, str(r.customer_short_name)] },
      { field: 'pinyin', values: pinyinMatters ? [...pinyinForms(name), ...pinyinForms(withoutDivisions(name)), ...pinyinForms(str(r.customer_short_name))] : [] },
      // the number also as its digits: a term typed 2026-000123 arrives as digits (normalizeTerm)
      { field: 'code', values: [String(r.code), String(r.code).replace(/\D/g, ''), str(r.customer_code)] },
      { field: 'phone', values: [str(r.customer_phone), str(r.customer_phone2)] },
    ]) ?? { match: 'contains' as const, field: 'other' as const, score: scoreOf('contains', 'other') } // the customer through a contact
    const customerId = str(r.customer_id)?.toLowerCase() ?? null
    const date = String(r.order_date ?? '')
    hits.push({
      kind: 'order', id, title: name, subtitle: [String(r.code), date].filter(Boolean).join(' · '), customerId, ...m,
      rank: customerId ? rankOf.get(customerId) ?? 0 : 0, date,
    })
  }
  hits.sort((a, b) => a.score - b.score || a.rank - b.rank || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || (a.subtitle! < b.subtitle! ? 1 : -1))
  return hits.slice(0, limit).map(({ rank: _r, date: _d, ...h }) => h)
}

/**
 * For the 工作台's 销售简报: per range of days [firstDay, lastDay], the orders dated in it (every
 * status) and their sales (approved, shipped, completed), and the payments received in it — what
 * the order list and 回款记录 show for the same date filter in the caller's scope (from the
 * order and payment stats when the range is whole months, else from the covering indexes
 * orders_owner_sums / orders_date_sums and payments_owner_date_amount / payments_date_owner_amount).
 */
export async function ordersBriefing(ctx: ServiceContext, ranges: Array<{ firstDay: string; lastDay: string }>) {
  const scope = requirePerm(ctx.actor, 'orders', 'view')
  const k = ctx.db.knex
  const out: Array<{ orders: number; salesCents: number; paymentsCents: number }> = []
  for (const r of ranges) {
    const f = { dateFrom: r.firstDay, dateTo: r.lastDay }
    const range = statsRangeOf(f, ['dateFrom', 'dateTo'])
    const orders = range
      ? await orderStatsSums(k, range, (x) => scopeOrders(ctx, k, x, scope, 's.owner_id'))
      : await orderSums(k, filteredOrders(k, f, (x) => scopeOrders(ctx, k, x, scope)))
    const payments = range
      ? await paymentStatsSums(k, range, (x) => scopeOrders(ctx, k, x, scope, 's.owner_id'))
      : await paymentSums(k, filteredPayments(k, f, (x) => scopeOrders(ctx, k, x, scope, 'p.owner_id')))
    out.push({ orders: orders.n, salesCents: orders.total, paymentsCents: payments.amount })
  }
  return out
}

// ---- 导入 (imports module) ---------------------------------------------------------------------------

export interface ImportedOrder {
  /** the file's order number; null (or taken): the next DD-number of its year */
  code: string | null
  customerId: string
  /** the customer's delivery address when the file has none */
  customerAddress: string | null
  ownerId: string
  orderDate: string
  status: 'draft' | 'approved' | 'shipped' | 'completed' | 'cancelled'
  deliveryAddress: string | null
  notes: string | null
  lines: OrderLineInput[]
}

/**
 * Orders of an import, created as the order form creates them (lines priced by the one rounding
 * rule, receivables settled, stats buckets refreshed, each with its audit entry on the customer's
 * history) but in the status the file gives (an ERP's history: approved, shipped or completed
 * orders are sales at once — the caller required orders.approve for those). Then the customers'
 * 交易次数/交易金额/首次交易/最近交易 are recomputed and their system reminders re-evaluated,
 * as a status change to a sale does. An order whose lines the catalogue refuses is not written:
 * answered in `failed` by its index with the error.
 */
export async function insertImportedOrders(trx: Knex.Transaction, ctx: ServiceContext, items: ImportedOrder[], o: { batchId: string; version: number }) {
  requirePerm(ctx.actor, 'orders', 'create')
  const at = ctx.clock.now().toISOString()
  const failed = new Map<number, AppError>()
  const prepared: Array<{ item: ImportedOrder; id: string; lines: PreparedLines }> = []
  for (let i = 0; i < items.length; i++) {
    const id = newId()
    try {
      prepared.push({ item: items[i]!, id, lines: await prepareLines(trx, id, items[i]!.lines, new Set(), at, o.version) })
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      failed.set(i, e)
    }
  }
  const wanted = prepared.map((p) => p.item.code)
  const taken = await takenOrderCodes(trx, wanted.filter((c): c is string => !!c))
  const used = new Set<string>()
  const orders: Row[] = []
  const lines: Row[] = []
  for (const p of prepared) {
    const it = p.item
    let code = it.code
    if (!code || taken.has(code) || used.has(code)) code = await newOrderCode(trx, Number(it.orderDate.slice(0, 4)))
    used.add(code)
    const st = it.status
    const reviewed = st === 'approved' || st === 'shipped' || st === 'completed'
    orders.push({
      id: p.id, code, customer_id: it.customerId, order_date: it.orderDate, status: st, total_cents: p.lines.totalCents, received_cents: 0,
      outstanding_cents: 0, max_discount_bp: p.lines.maxDiscountBp, delivery_address: it.deliveryAddress || it.customerAddress || null,
      notes: it.notes || null, owner_id: it.ownerId, created_by: ctx.actor.userId,
      approved_by: reviewed ? ctx.actor.userId : null, approved_at: reviewed ? at : null, approval_result: reviewed ? 'approved' : null,
      shipped_at: st === 'shipped' || st === 'completed' ? at : null, completed_at: st === 'completed' ? at : null, cancelled_at: st === 'cancelled' ? at : null,
      created_at: at, updated_at: at, version: o.version, import_batch_id: o.batchId,
    })
    lines.push(...p.lines.rows)
  }
  await insertOrders(trx, ctx.db.dialect, orders)
  await insertOrderLines(trx, ctx.db.dialect, lines)
  for (const p of prepared) await settleOrder(trx, ctx.db.dialect, p.id, o.version)
  const audits: AuditInput[] = orders.map((r, i) => {
    const l = prepared[i]!.lines.rows
    const view = {
      customerId: String(r.customer_id), orderDate: String(r.order_date), deliveryAddress: str(r.delivery_address), notes: str(r.notes), totalCents: Number(r.total_cents),
      lines: l.map((x) => lineSummary({ productName: String(x.product_name), quantity: Number(x.quantity), unitPriceCents: Number(x.unit_price_cents), discountBp: Number(x.discount_bp), lineTotalCents: Number(x.line_total_cents) })),
    }
    return { entity: 'order', entityId: String(r.id), parentId: String(r.customer_id), action: 'create', changes: { code: [null, r.code], status: [null, r.status], ...diff(null, view) } }
  })
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, audits)
  const customers = [...new Set(orders.filter((r) => isCounted(String(r.status))).map((r) => String(r.customer_id)))]
  for (const c of customers) await recomputeCustomerTrade(trx, c, o.version)
  if (customers.length) await evaluateCustomers(trx, ctx, customers, async () => o.version)
  return { ids: prepared.map((p) => p.id), indexes: items.map((_, i) => i).filter((i) => !failed.has(i)), failed }
}

/**
 * 撤销导入 of orders: every order the import created (with its lines) is removed while none
 * changed since (version above the import's last: an edit, a step, a plan or a payment);
 * otherwise nothing is. The customers' trade figures, the stats and the reminders follow; the
 * removed orders' numbers are freed (a re-import may use them again) with a ~suffix. Answers the
 * number of order lines removed (an import counts rows, one per line).
 */
export async function removeImportedOrders(trx: Knex.Transaction, ctx: ServiceContext, batchId: string, lastVersion: number): Promise<number> {
  requirePerm(ctx.actor, 'orders', 'delete')
  const rows = await importedOrders(trx, batchId)
  const changed = rows.filter((r) => Number(r.version) > lastVersion).length
  if (changed) throw ruleError('imports.errors.changedSinceImport', `${changed} imported records changed since the import`, { count: changed })
  for (const r of rows) await loadOrderFor(ctx, trx, String(r.id), 'delete')
  const ids = rows.map((r) => String(r.id))
  const removed = await lineCountOf(trx, ids)
  const at = ctx.clock.now().toISOString()
  const version = await nextVersion(trx)
  for (const r of rows) {
    const id = String(r.id)
    await updateOrder(trx, id, { code: `${String(r.code).slice(0, 23)}~${id.slice(0, 8)}`, deleted_at: at, updated_at: at, version })
    await removeOrderChildren(trx, id, at, version)
    await settleOrder(trx, ctx.db.dialect, id, version, r)
  }
  const customers = [...new Set(rows.map((r) => String(r.customer_id)))]
  for (const c of customers) await recomputeCustomerTrade(trx, c, version)
  if (customers.length) await evaluateCustomers(trx, ctx, customers, async () => version)
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, rows.map((r): AuditInput => ({ entity: 'order', entityId: String(r.id), parentId: String(r.customer_id), action: 'delete', changes: { code: [r.code, null], status: [r.status, null] } })))
  return removed
}

/** 导入's 查重 of orders: the numbers among `codes` an order holds (live or deleted; a number is unique). */
export async function orderCodesTaken(ctx: ServiceContext, codes: string[]): Promise<Set<string>> {
  requirePerm(ctx.actor, 'orders', 'view')
  return takenOrderCodes(ctx.db.knex, codes)
}
