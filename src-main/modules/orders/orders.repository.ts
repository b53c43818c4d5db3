// Knex queries of orders, their lines, payment plans and payments, the customers' computed
// trade figures, and the module's app_settings key.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { COUNTED_STATUSES, type OrderFilter, type ORDER_SORT_FIELDS, type PaymentFilter, type ReceivableFilter } from '../../contract/orders'
import { boundedSearchFrom, customerSearchIndexCount, customerSearchIndexed, dialectOf, insertChunked, likePattern, searchIndexFrom, searchIndexQuery, upsert, whereCustomerSearchIndexed, whereLike } from '../../db/dialect'
import { nextVersion } from '../../db/tx'

export type Row = Record<string, unknown>
type Q = Knex.QueryBuilder

const COUNTED = [...COUNTED_STATUSES]

// ---- single orders ----------------------------------------------------------------------

/** A live order with the names the UI shows and its owner's team (scope checks). */
export const findOrder = (db: Knex, id: string): Promise<Row | undefined> =>
  db('orders as o')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .leftJoin('users as u', 'u.id', 'o.owner_id')
    .leftJoin('users as cb', 'cb.id', 'o.created_by')
    .leftJoin('users as rv', 'rv.id', 'o.approved_by')
    .where('o.id', id)
    .whereNull('o.deleted_at')
    .first('o.*', 'c.name as customer_name', 'c.code as customer_code', 'u.name as owner_name', 'u.team_id as owner_team_id',
      'cb.name as created_by_name', 'rv.name as reviewer_name')

export const linesOf = (db: Knex, orderId: string): Promise<Row[]> =>
  db('order_lines as l')
    .leftJoin('products as p', 'p.id', 'l.product_id')
    .where('l.order_id', orderId)
    .whereNull('l.deleted_at')
    .orderBy([{ column: 'l.line_no' }, { column: 'l.id' }])
    .select('l.*', 'p.code as product_code')

export const plansOf = (db: Knex, orderId: string): Promise<Row[]> =>
  db('payment_plans').where({ order_id: orderId }).whereNull('deleted_at').orderBy([{ column: 'due_date' }, { column: 'id' }]).select('*')

export const paymentsOf = (db: Knex, orderId: string): Promise<Row[]> =>
  db('payments as p')
    .leftJoin('users as u', 'u.id', 'p.created_by')
    .where('p.order_id', orderId)
    .whereNull('p.deleted_at')
    .orderBy([{ column: 'p.paid_date' }, { column: 'p.created_at' }, { column: 'p.id' }])
    .select('p.*', 'u.name as created_by_name')

export const orderCodeExists = async (db: Knex, code: string) => !!(await db('orders').where({ code }).first('id'))

export const insertOrder = (db: Knex, row: Row) => db('orders').insert(row)

/** Updates a live order; with `expectVersion` only while its version is still that one. */
export function updateOrder(db: Knex, id: string, patch: Row, expectVersion?: number) {
  const q = db('orders').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

/** Replaces an order's lines: the old ones are deleted (soft, so the deletion syncs), the new inserted. */
export async function replaceLines(db: Knex, dialect: Dialect, orderId: string, rows: Row[], at: string, version: number) {
  await db('order_lines').where({ order_id: orderId }).whereNull('deleted_at').update({ deleted_at: at, updated_at: at, version })
  await insertChunked(db, dialect, 'order_lines', rows)
}

/** Live products among `ids` (order lines may refer only to them). */
export const productsByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length ? db('products').whereIn('id', ids).whereNull('deleted_at').select('id', 'code', 'enabled') : Promise.resolve([])

// ---- plans and payments ---------------------------------------------------------------------

export const findPlan = (db: Knex, id: string): Promise<Row | undefined> => db('payment_plans').where({ id }).whereNull('deleted_at').first()
export const insertPlan = (db: Knex, row: Row) => db('payment_plans').insert(row)
export function updatePlan(db: Knex, id: string, patch: Row, expectVersion?: number) {
  const q = db('payment_plans').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

export const findPayment = (db: Knex, id: string): Promise<Row | undefined> => db('payments').where({ id }).whereNull('deleted_at').first()
export const insertPayment = (db: Knex, row: Row) => db('payments').insert(row)
export function updatePayment(db: Knex, id: string, patch: Row, expectVersion?: number) {
  const q = db('payments').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

export async function receivedOf(db: Knex, orderId: string): Promise<number> {
  const r = await db('payments').where({ order_id: orderId }).whereNull('deleted_at').sum({ s: 'amount_cents' }).first()
  return Number(r?.s ?? 0)
}

/** An order's plans and payments move with it (deleted with the order). */
export async function removeOrderChildren(db: Knex, orderId: string, at: string, version: number) {
  const patch = { deleted_at: at, updated_at: at, version }
  for (const table of ['order_lines', 'payment_plans', 'payments']) await db(table).where({ order_id: orderId }).whereNull('deleted_at').update(patch)
}

// ---- the customer's trade figures ----------------------------------------------------------------

/** The trade figures of one customer from its live sales: count, sum, first and last order date. */
export const customerTradeQuery = (db: Knex, customerId: string) =>
  db('orders')
    .where({ customer_id: customerId })
    .whereNull('deleted_at')
    .whereIn('status', COUNTED)
    .first(db.raw('count(*) as n'), db.raw('sum(total_cents) as s'), db.raw('min(order_date) as f'), db.raw('max(order_date) as l'))

/**
 * Recomputes a customer's 交易次数 / 交易金额 / 首次交易 / 最近交易 from its live sales (approved,
 * shipped, completed orders) inside the caller's transaction; writes (with a new version, or
 * the given one) only when a figure changed. Answers whether it wrote.
 */
export async function recomputeCustomerTrade(trx: Knex, customerId: string, version?: number): Promise<boolean> {
  const agg = await customerTradeQuery(trx, customerId)
  const want = {
    order_count: Number(agg?.n ?? 0),
    order_total_cents: Number(agg?.s ?? 0),
    first_order_date: agg?.f ? String(agg.f) : null,
    last_order_date: agg?.l ? String(agg.l) : null,
  }
  const cur = await trx('customers').where({ id: customerId }).first('order_count', 'order_total_cents', 'first_order_date', 'last_order_date')
  if (!cur) return false
  const same =
    Number(cur.order_count ?? 0) === want.order_count && Number(cur.order_total_cents ?? 0) === want.order_total_cents &&
    (cur.first_order_date ?? null) === want.first_order_date && (cur.last_order_date ?? null) === want.last_order_date
  if (same) return false
  await trx('customers').where({ id: customerId }).update({ ...want, version: version ?? (await nextVersion(trx as Knex.Transaction)) })
  return true
}

/**
 * The two statements that set every customer's trade figures from its sales, stamped with
 * `version`: correlated aggregates for customers with sales, zeros for the others that had any.
 */
export function allCustomerTradeUpdates(db: Knex, version: number): Q[] {
  const sales = () => db('orders as o').whereRaw('o.customer_id = customers.id').whereNull('o.deleted_at').whereIn('o.status', COUNTED)
  return [
    db('customers')
      .whereExists(sales().select(db.raw('1')))
      .update({
        order_count: sales().count('*'),
        order_total_cents: sales().sum('o.total_cents'),
        first_order_date: sales().min('o.order_date'),
        last_order_date: sales().max('o.order_date'),
        version,
      }),
    db('customers')
      .whereNotExists(sales().select(db.raw('1')))
      .where((w) => w.where('order_count', '<>', 0).orWhere('order_total_cents', '<>', 0).orWhereNotNull('last_order_date'))
      .update({ order_count: 0, order_total_cents: 0, first_order_date: null, last_order_date: null, version }),
  ]
}

/** Every customer's trade figures from its sales (bulk loads such as `crm demo`). */
export async function recomputeAllCustomerTrade(db: Knex, version: number): Promise<void> {
  for (const q of allCustomerTradeUpdates(db, version)) await q
}

// ---- lists ----------------------------------------------------------------------------------------

const SORT_COLUMNS: Record<(typeof ORDER_SORT_FIELDS)[number], string> = {
  orderDate: 'o.order_date', code: 'o.code', totalCents: 'o.total_cents', updatedAt: 'o.updated_at',
}

/**
 * Orders of a team's members, written as a correlated EXISTS: the planner then walks the list's
 * sort index and checks each row (half the orders match), instead of gathering every order of
 * each member and sorting them all.
 */
export const whereOrderOwnerInTeam = (db: Knex, q: Q, teamId: string) =>
  q.whereExists(db('users as su').whereRaw('su.id = o.owner_id').where('su.team_id', teamId).select(db.raw('1')))

/** An order number as typed: the whole number (an index seek), or its digits / a part with the dash. */
const FULL_CODE = /^dd-\d{4}-\d{6}$/i
const CODE_PART = /^(dd-?)?[\d-]{4,}$/i

/** How a search narrows orders: by number (whole or a part), or by the customers it finds (resolved once). */
export type SearchPlan = { code: string; exact: boolean } | { customerIds: string[] } | { customerPattern: string }

/** At most this many matching customers are passed on as a literal list. */
const MAX_LISTED_CUSTOMERS = 1000

export async function planSearch(db: Knex, search: string): Promise<SearchPlan> {
  const s = search.trim()
  if (FULL_CODE.test(s)) return { code: s.toUpperCase(), exact: true }
  if (CODE_PART.test(s)) return { code: s.toUpperCase(), exact: false }
  const term = s.toLowerCase()
  const pattern = likePattern(term)
  const q = db('customers as sc').whereNull('sc.deleted_at')
  // the customers' search index (SQLite trigram, PostgreSQL grams) finds the candidates when it
  // offers few enough of them; LIKE then checks each, as it checks every customer without it
  const dialect = dialectOf(db)
  if (customerSearchIndexed(dialect, term) && (await customerSearchIndexCount(db, dialect, term, MAX_LISTED_CUSTOMERS)) <= MAX_LISTED_CUSTOMERS) {
    whereCustomerSearchIndexed(db, q, dialect, 'sc.id', 'sc.search_text', term)
  }
  const rows: Array<{ id: string }> = await q
    .whereRaw(`?? like ? escape '\\'`, ['sc.search_text', pattern])
    .limit(MAX_LISTED_CUSTOMERS + 1)
    .select('sc.id')
  return rows.length > MAX_LISTED_CUSTOMERS ? { customerPattern: pattern } : { customerIds: rows.map((r) => String(r.id)) }
}

/** Live orders (alias o) in scope and matching the filter (`search` as planned by planSearch, else planned inline). */
export function filteredOrders(db: Knex, f: OrderFilter | ReceivableFilter, scope: (q: Q) => void, search?: SearchPlan): Q {
  const q = db('orders as o').whereNull('o.deleted_at')
  scope(q)
  if (f.customerId) q.where('o.customer_id', f.customerId)
  if (f.ownerId) q.where('o.owner_id', f.ownerId)
  if ('status' in f && f.status) q.where('o.status', f.status)
  if ('dateFrom' in f && f.dateFrom) q.where('o.order_date', '>=', f.dateFrom)
  if ('dateTo' in f && f.dateTo) q.where('o.order_date', '<=', f.dateTo)
  if ('amountMinCents' in f && f.amountMinCents !== undefined) q.where('o.total_cents', '>=', f.amountMinCents)
  if ('amountMaxCents' in f && f.amountMaxCents !== undefined) q.where('o.total_cents', '<=', f.amountMaxCents)
  if (f.search) searchOrders(db, q, search ?? inlinePlan(f.search))
  return q
}

/** A search planned without a round trip: the customers found by a subquery. */
function inlinePlan(search: string): SearchPlan {
  const s = search.trim()
  if (FULL_CODE.test(s)) return { code: s.toUpperCase(), exact: true }
  if (CODE_PART.test(s)) return { code: s.toUpperCase(), exact: false }
  return { customerPattern: likePattern(s.toLowerCase()) }
}

/**
 * By order number — the whole number (index seek) or a part of it (DD-2026-0012, 001234) — or
 * else by the customer's search text (name, short name, code, pinyin): one or the other, so each
 * reads its own index instead of every order.
 */
function searchOrders(db: Knex, q: Q, plan: SearchPlan, col = { code: 'o.code', customer: 'o.customer_id' }): Q {
  if ('code' in plan) return plan.exact ? q.where(col.code, plan.code) : q.whereRaw(`?? like ? escape '\\'`, [col.code, likePattern(plan.code)])
  if ('customerIds' in plan) return q.whereIn(col.customer, plan.customerIds)
  return q.whereIn(col.customer, db('customers as sc').whereNull('sc.deleted_at').whereRaw(`?? like ? escape '\\'`, ['sc.search_text', plan.customerPattern]).select('sc.id'))
}

/** Count and money sums of the matches; totals count sales only (approved, shipped, completed). */
export async function orderSums(db: Knex, q: Q): Promise<{ n: number; total: number; received: number; outstanding: number }> {
  const r = await q
    .clone()
    .first(
      db.raw('count(*) as n'),
      db.raw(`sum(case when o.status in (${COUNTED.map(() => '?').join(', ')}) then o.total_cents else 0 end) as total`, COUNTED),
      db.raw('sum(o.received_cents) as received'),
      db.raw('sum(o.outstanding_cents) as outstanding'),
    )
  return { n: Number(r?.n ?? 0), total: Number(r?.total ?? 0), received: Number(r?.received ?? 0), outstanding: Number(r?.outstanding ?? 0) }
}

/**
 * Cents due before `today` and not paid over the sales matching the filter, read from the open
 * plans alone (open_due_date is set only for sales; each plan carries its order's owner,
 * customer, status, date and total): one index range, filtered in the index. A search narrows
 * to the orders it finds.
 */
export function overdueQuery(db: Knex, f: OrderFilter | ReceivableFilter, scope: (q: Q) => void, today: string, search?: SearchPlan) {
  const q = db('payment_plans as pp').where('pp.open_due_date', '<', today).whereNull('pp.deleted_at')
  scope(q)
  if (f.ownerId) q.where('pp.owner_id', f.ownerId)
  if (f.customerId) q.where('pp.customer_id', f.customerId)
  if ('status' in f && f.status) q.where('pp.order_status', f.status)
  if ('dateFrom' in f && f.dateFrom) q.where('pp.order_date', '>=', f.dateFrom)
  if ('dateTo' in f && f.dateTo) q.where('pp.order_date', '<=', f.dateTo)
  if ('amountMinCents' in f && f.amountMinCents !== undefined) q.where('pp.order_total_cents', '>=', f.amountMinCents)
  if ('amountMaxCents' in f && f.amountMaxCents !== undefined) q.where('pp.order_total_cents', '<=', f.amountMaxCents)
  if (f.search) narrowBySearch(db, q, search ?? inlinePlan(f.search), 'pp')
  return q.first(db.raw('sum(pp.amount_cents - pp.paid_cents) as s'))
}

/** A search on rows that carry order_id and customer_id (plans `pp`, payments `p`). */
function narrowBySearch(db: Knex, q: Q, plan: SearchPlan, alias: string) {
  if ('code' in plan) q.whereIn(`${alias}.order_id`, searchOrders(db, db('orders as so').select('so.id'), plan, { code: 'so.code', customer: 'so.customer_id' }))
  else searchOrders(db, q, plan, { code: '', customer: `${alias}.customer_id` })
}

export async function overdueSum(db: Knex, f: OrderFilter | ReceivableFilter, scope: (q: Q) => void, today: string, search?: SearchPlan): Promise<number> {
  const r = await overdueQuery(db, f, scope, today, search)
  return Number(r?.s ?? 0)
}

/** Plans whose copy of their order's facts differs from the order (after an order write). */
export const orderFactsOfPlans = (o: Record<string, unknown>) => ({
  owner_id: o.owner_id ?? null, customer_id: o.customer_id, order_status: o.status, order_date: o.order_date, order_total_cents: o.total_cents,
})

/** The overdue cents of each given order (the rows of one page). */
export async function overdueByOrder(db: Knex, orderIds: string[], today: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (!orderIds.length) return out
  const rows: Array<{ order_id: string; s: unknown }> = await db('payment_plans')
    .whereIn('order_id', orderIds)
    .where('open_due_date', '<', today)
    .whereNull('deleted_at')
    .groupBy('order_id')
    .select('order_id', db.raw('sum(amount_cents - paid_cents) as s'))
  for (const r of rows) out.set(String(r.order_id), Number(r.s ?? 0))
  return out
}

export const ORDER_ROW_COLUMNS = [
  'o.id', 'o.code', 'o.customer_id', 'o.order_date', 'o.status', 'o.total_cents', 'o.received_cents', 'o.outstanding_cents',
  'o.max_discount_bp', 'o.next_due_date', 'o.owner_id', 'o.updated_at',
]

/**
 * One page of ids of the ordered matches; `reverse` reads the window from the other end (a page
 * past the middle, dialect pageWindow: the list's covering indexes of migration 20261206003410
 * read either way).
 */
export function orderPageIds(q: Q, sort: { field: (typeof ORDER_SORT_FIELDS)[number]; order: 'asc' | 'desc' }, offset: number, limit: number, reverse = false) {
  const col = SORT_COLUMNS[sort.field]
  const order = reverse ? (sort.order === 'asc' ? 'desc' : 'asc') : sort.order
  return q.clone().select('o.id').orderBy([{ column: col, order }, { column: 'o.id', order }]).limit(limit).offset(offset)
}

/** Receivables in order: by the next due date (the overdue first), unplanned ones last (9999-12-31). */
export const receivablePageIds = (q: Q, offset: number, limit: number) =>
  q
    .clone()
    .select('o.id')
    .orderBy([{ column: 'o.receivable_due' }, { column: 'o.order_date' }, { column: 'o.id' }])
    .limit(limit)
    .offset(offset)

/** Sales with money outstanding (receivable_due is set); with `overdueBefore`, only those with a plan due before that day and not paid. */
export function onlyReceivable(q: Q, overdueBefore: string | null = null) {
  q.whereNotNull('o.receivable_due')
  if (overdueBefore) q.where('o.receivable_due', '<', overdueBefore)
  return q
}

/** Count and outstanding of receivables (a filtered query on o). */
export async function receivableSums(db: Knex, q: Q): Promise<{ n: number; outstanding: number }> {
  const r = await q.clone().first(db.raw('count(*) as n'), db.raw('sum(o.outstanding_cents) as outstanding'))
  return { n: Number(r?.n ?? 0), outstanding: Number(r?.outstanding ?? 0) }
}

/** The list rows of the given orders with customer and owner names. */
export const orderRowsByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length
    ? db('orders as o')
        .leftJoin('customers as c', 'c.id', 'o.customer_id')
        .leftJoin('users as u', 'u.id', 'o.owner_id')
        .whereIn('o.id', ids)
        .select([...ORDER_ROW_COLUMNS, 'c.name as customer_name', 'u.name as owner_name'])
    : Promise.resolve([])

/** Live payments (alias p) in scope and matching the filter (`search` as planned by planSearch). */
export function filteredPayments(db: Knex, f: PaymentFilter, scope: (q: Q) => void, search?: SearchPlan): Q {
  const q = db('payments as p').whereNull('p.deleted_at')
  scope(q)
  if (f.customerId) q.where('p.customer_id', f.customerId)
  if (f.ownerId) q.where('p.owner_id', f.ownerId)
  if (f.methodId) q.where('p.method_id', f.methodId)
  if (f.dateFrom) q.where('p.paid_date', '>=', f.dateFrom)
  if (f.dateTo) q.where('p.paid_date', '<=', f.dateTo)
  if (f.search) narrowBySearch(db, q, search ?? inlinePlan(f.search), 'p')
  return q
}

export async function paymentSums(db: Knex, q: Q): Promise<{ n: number; amount: number }> {
  const r = await q.clone().first(db.raw('count(*) as n'), db.raw('sum(p.amount_cents) as amount'))
  return { n: Number(r?.n ?? 0), amount: Number(r?.amount ?? 0) }
}

export const paymentPageIds = (q: Q, offset: number, limit: number) =>
  q
    .clone()
    .select('p.id')
    .orderBy([{ column: 'p.paid_date', order: 'desc' }, { column: 'p.created_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
    .limit(limit)
    .offset(offset)

export const paymentRowsByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length
    ? db('payments as p')
        .join('orders as o', 'o.id', 'p.order_id')
        .leftJoin('customers as c', 'c.id', 'p.customer_id')
        .leftJoin('users as u', 'u.id', 'p.owner_id')
        .leftJoin('users as cb', 'cb.id', 'p.created_by')
        .whereIn('p.id', ids)
        .select('p.*', 'o.code as order_code', 'c.name as customer_name', 'u.name as owner_name', 'cb.name as created_by_name')
    : Promise.resolve([])

// ---- settings ------------------------------------------------------------------------------------

export const SETTINGS_PREFIX = 'orders.'

export async function readSetting(db: Knex, key: string): Promise<string | null> {
  const r = await db('app_settings').where('key', SETTINGS_PREFIX + key).first('value')
  return r?.value ?? null
}

export const writeSetting = (db: Knex, dialect: Dialect, key: string, value: string, now: string) =>
  upsert(db, dialect, 'app_settings', { key: SETTINGS_PREFIX + key, value, updated_at: now }, ['key'])

// ---- global search ----------------------------------------------------------------------------

/** The years that have order numbers (their code sequences `order:YYYY`), newest first. */
export async function orderCodeYears(db: Knex): Promise<number[]> {
  const rows: Array<{ name: string }> = await db('code_sequences').where('name', 'like', 'order:%').select('name')
  return rows.map((r) => Number(String(r.name).slice('order:'.length))).filter((y) => Number.isInteger(y) && y > 0).sort((a, b) => b - a)
}

/** What a search hit shows of an order and its customer. */
const SEARCH_COLUMNS = ['o.id', 'o.code', 'o.order_date', 'o.customer_id', 'c.name as customer_name', 'c.short_name as customer_short_name',
  'c.code as customer_code', 'c.phone as customer_phone', 'c.phone2 as customer_phone2']

const searchBase = (db: Knex, scope: (q: Q) => void) => {
  const q = db('orders as o').leftJoin('customers as c', 'c.id', 'o.customer_id').whereNull('o.deleted_at')
  scope(q)
  return q
}

/** Live orders in scope with one of these numbers (index seeks). */
export const searchOrdersByCodes = (db: Knex, codes: string[], scope: (q: Q) => void): Promise<Row[]> =>
  codes.length ? searchBase(db, scope).whereIn('o.code', codes).select(SEARCH_COLUMNS) : Promise.resolve([])

/** Up to `limit` live orders in scope numbered in [from, to), the newest numbers first (one index range, read backwards). */
export const searchOrdersInCodeRange = (db: Knex, from: string, to: string, limit: number, scope: (q: Q) => void): Promise<Row[]> =>
  searchBase(db, scope).where('o.code', '>=', from).where('o.code', '<', to).orderBy('o.code', 'desc').limit(limit).select(SEARCH_COLUMNS)

/** Up to `limit` live orders in scope of these customers, the newest first (the customer_id, order_date index). */
export const searchOrdersOfCustomers = (db: Knex, customerIds: string[], limit: number, scope: (q: Q) => void): Promise<Row[]> =>
  customerIds.length
    ? searchBase(db, scope).whereIn('o.customer_id', customerIds).orderBy([{ column: 'o.order_date', order: 'desc' }, { column: 'o.code', order: 'desc' }]).limit(limit).select(SEARCH_COLUMNS)
    : Promise.resolve([])

/**
 * Up to `cap` live customers whose search text (name, short name, code, pinyin, phones, contacts)
 * holds the term, in any scope, as the order list's search finds them: for a caller who may see
 * orders but not customers. Through the customers' search index (dialect searchIndexFrom); a term
 * no index narrows among CUSTOMER_SCAN_BOUND customers.
 */
export function searchCustomerTexts(db: Knex, dialect: Dialect, term: string, cap: number): Promise<Array<{ id: string; search_text: string | null }>> {
  const from = searchIndexQuery(term)
    ? searchIndexFrom(db, dialect, 'customers', 'sc', term).whereNull('sc.deleted_at')
    : boundedSearchFrom(db, db('customers as sc').whereNull('sc.deleted_at').select('sc.id', 'sc.search_text'), 'sc', CUSTOMER_SCAN_BOUND)
  return whereLike(from, 'sc.search_text', term).limit(cap).select('sc.id', 'sc.search_text')
}
const CUSTOMER_SCAN_BOUND = 5000

// ---- 导入 ----------------------------------------------------------------------------------------

/** Codes among `codes` an order holds (live or deleted: the code is unique). */
export async function takenOrderCodes(db: Knex, codes: string[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (let i = 0; i < codes.length; i += 500) {
    for (const r of await db('orders').whereIn('code', codes.slice(i, i + 500)).select('code')) out.add(String(r.code))
  }
  return out
}

export const insertOrders = (db: Knex, dialect: Dialect, rows: Row[]) => insertChunked(db, dialect, 'orders', rows)
export const insertOrderLines = (db: Knex, dialect: Dialect, rows: Row[]) => insertChunked(db, dialect, 'order_lines', rows)

/** The live orders an import created, with what their removal needs. */
export const importedOrders = (db: Knex, batchId: string): Promise<Row[]> =>
  db('orders').where({ import_batch_id: batchId }).whereNull('deleted_at').select('id', 'code', 'customer_id', 'owner_id', 'order_date', 'status', 'version')

/** Live lines of the orders. */
export async function lineCountOf(db: Knex, orderIds: string[]): Promise<number> {
  let n = 0
  for (let i = 0; i < orderIds.length; i += 500) {
    const r = await db('order_lines').whereIn('order_id', orderIds.slice(i, i + 500)).whereNull('deleted_at').count({ n: '*' }).first()
    n += Number(r?.n ?? 0)
  }
  return n
}
