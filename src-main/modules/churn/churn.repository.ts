// Knex queries of 流失预警 and 暂缓措施, and the set-based statements of the churn check.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import type { ChurnFilter } from '../../contract/churn'
import { concatSql, paramAs, upsert, whereContainsAny } from '../../db/dialect'

export type Row = Record<string, unknown>
/** Narrows a query on customers (alias c) to the caller's scope; null: everyone. */
export type Restrict = ((q: Knex.QueryBuilder) => void) | null

const LIVE = ['open', 'paused']

/** Which customers a cycle applies to: those of some 购买策略 items, or those without one. */
export type PolicyGroup = { policyIds: string[] } | { noPolicy: true }

function inGroup(q: Knex.QueryBuilder, g: PolicyGroup) {
  return 'noPolicy' in g ? q.whereNull('c.purchase_policy_id') : q.whereIn('c.purchase_policy_id', g.policyIds)
}

/**
 * Customers of a policy group that are still 正常 and churning: last order before
 * `lastOrderBefore`, or none and created before `createdBefore`; without a standing warning.
 * Served by customers_churn_check_index (status, purchase_policy_id, last_order_date, created_at):
 * a customer with a warning is no longer 正常, so a repeated check reads only new candidates, and
 * the customers without an order that are too new to churn lie outside the 'never' range (without
 * created_at in the index every page walked them again: 210 ms a page at 1,000,000 customers).
 * `only` reads one of the two kinds: 'ordered' (a range of the index: only the churning) or
 * 'never' (the index's entries without an order). Both at once the index serves only the
 * (status, policy) part, and a page read walks every 正常 customer of the group that is not
 * churning (SQLite at 100,000 customers: 40–100 ms a page, 150 cold, whatever the page's size).
 */
export function staleCustomers(
  db: Knex, g: PolicyGroup, lastOrderBefore: string, createdBefore: string, restrict: Restrict, limit?: number, only?: 'ordered' | 'never',
): Promise<Row[]> {
  const ordered = (w: Knex.QueryBuilder) => w.where('c.last_order_date', '<', lastOrderBefore)
  const never = (w: Knex.QueryBuilder) => w.whereNull('c.last_order_date').where('c.created_at', '<', createdBefore)
  const q = db('customers as c')
    .where('c.status', 'normal')
    .whereNull('c.deleted_at')
    .where((w) => (only === 'ordered' ? ordered(w) : only === 'never' ? never(w) : ordered(w).orWhere(never)))
    .whereNotExists(function () {
      this.select(db.raw('1')).from('churn_warnings as w').whereRaw('w.customer_id = c.id').whereIn('w.status', LIVE).whereNull('w.deleted_at')
    })
  inGroup(q, g)
  if (restrict) restrict(q)
  if (limit) q.limit(limit)
  return q.select('c.id')
}

/**
 * Standing warnings whose customer ordered after the warning's last order (candidates to close:
 * the caller checks the new date against the cycle). Driven by the warnings, not the customers.
 */
export function orderedSinceWarning(db: Knex, restrict: Restrict, warningIds?: string[]): Promise<Row[]> {
  const q = db('churn_warnings as w')
    .join('customers as c', 'c.id', 'w.customer_id')
    .whereIn('w.status', LIVE)
    .whereNull('w.deleted_at')
    .whereNull('c.deleted_at')
    .whereNotNull('c.last_order_date')
    .whereRaw('c.last_order_date > coalesce(w.last_order_date, ?)', [''])
  if (restrict) restrict(q)
  if (warningIds) q.whereIn('w.id', warningIds)
  return q.select('w.id', 'w.customer_id', 'w.status', 'c.last_order_date', 'c.purchase_policy_id')
}

/** The standing warnings of one customer (a new order closes them). */
export const liveWarningsOf = (db: Knex, customerId: string): Promise<Row[]> =>
  db('churn_warnings').where({ customer_id: customerId }).whereIn('status', LIVE).whereNull('deleted_at').select('id', 'status', 'customer_id')

/** A policy group as SQL over customers c (the set-based writes of the check). */
function groupSql(g: PolicyGroup): { sql: string; bindings: string[] } {
  return 'noPolicy' in g ? { sql: 'c.purchase_policy_id is null', bindings: [] } : { sql: `c.purchase_policy_id in (${g.policyIds.map(() => '?').join(', ')})`, bindings: g.policyIds }
}

/** When a customer of a policy group is churning: last order before, or none and created before. */
export interface StaleRule {
  group: PolicyGroup
  cycle: number
  lastOrderBefore: string
  createdBefore: string
}

/** An integer written into the SQL text (a cycle, a version: numbers the app made, never user text). */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`)
  return String(n)
}

/** The chunk's tuples (warning id, customer id, audit id) as a table `p(wid, cid, aid)` (dialect idTuplesFrom). */
export type Tuples = { sql: string; bindings: Knex.RawBinding[] }

/**
 * Opens the warnings of a chunk in one INSERT … SELECT: for each tuple whose customer is still
 * live, 正常, without a standing warning and churning by its policy group's rule (the candidate
 * read's test, asked again inside the transaction), a warning `open` with the warning id of the
 * tuple, the customer's owner and last order date, and its group's cycle. No row goes through
 * JavaScript; the customer is found by its key.
 */
export function insertStaleWarnings(db: Knex, dialect: Dialect, p: Tuples, rules: StaleRule[], w: { at: string; version: number }) {
  const groups = rules.map((r) => ({ ...r, g: groupSql(r.group) }))
  const ts = paramAs(dialect, 'timestamp')
  const cycle = `case ${groups.map((r) => `when ${r.g.sql} then ${int(r.cycle)}`).join(' ')} end`
  const stale = groups.map((r) => `(${r.g.sql} and (c.last_order_date < ? or (c.last_order_date is null and c.created_at < ?)))`).join(' or ')
  return db.raw(
    `insert into churn_warnings (id, customer_id, owner_id, last_order_date, detected_at, status, cycle_days, created_at, updated_at, version) ` +
      `select p.wid, c.id, c.owner_id, c.last_order_date, ${ts}, 'open', ${cycle}, ${ts}, ${ts}, ${int(w.version)} ` +
      `from ${p.sql} cross join customers c ` + // SQLite: this join order, each customer by its key (not all 正常 ones by status)
      `where c.id = p.cid and c.deleted_at is null and c.status = 'normal' and (${stale}) ` +
      `and not exists (select 1 from churn_warnings x where x.customer_id = c.id and x.status in ('open', 'paused') and x.deleted_at is null)`,
    [
      w.at, ...groups.flatMap((r) => r.g.bindings), w.at, w.at,
      ...p.bindings,
      ...groups.flatMap((r) => [...r.g.bindings, r.lastOrderBefore, r.createdBefore]),
    ],
  )
}

/** The warnings a chunk opened (joined by the tuples' warning ids), as `from` of a select (alias w). */
export const openedWarningsFrom = (p: Tuples): Tuples => ({ sql: `${p.sql} cross join churn_warnings w where w.id = p.wid`, bindings: p.bindings })

/** Their customers' ids: a subquery for the customers' status update. */
export const openedCustomerIds = (db: Knex, p: Tuples): Knex.Raw => {
  const f = openedWarningsFrom(p)
  return db.raw(`select w.customer_id from ${f.sql}`, f.bindings)
}

/**
 * The audit entry of an opened warning, as the database writes it: the JSON that
 * JSON.stringify gives { status: [null, 'open'], lastOrderDate: [null, d], cycleDays: [null, n],
 * customerStatus: ['normal', 'churn_warning'] } (keys in that order; d a YYYY-MM-DD or null).
 */
export function openedAuditChanges(dialect: Dialect): string {
  const lastOrder = `case when w.last_order_date is null then 'null' else ${concatSql(dialect, [`'"'`, 'w.last_order_date', `'"'`])} end`
  return concatSql(dialect, [`'{"status":[null,"open"],"lastOrderDate":[null,'`, lastOrder, `'],"cycleDays":[null,'`, 'w.cycle_days', `'],"customerStatus":["normal","churn_warning"]}'`])
}

export async function updateWarningsIn(db: Knex, ids: string[], patch: Row) {
  for (let i = 0; i < ids.length; i += 1000) await db('churn_warnings').whereIn('id', ids.slice(i, i + 1000)).update(patch)
}

/** Updates a live warning only while it still has `expectVersion`. */
export const updateWarning = (db: Knex, id: string, patch: Row, expectVersion: number) =>
  db('churn_warnings').where({ id, version: expectVersion }).whereNull('deleted_at').update(patch)

export const insertMeasure = (db: Knex, row: Row) => db('churn_measures').insert(row)

const ROW_COLUMNS = [
  'w.id', 'w.customer_id', 'c.code as customer_code', 'c.name as customer_name', 'c.region_id', 'c.owner_id', 'o.name as owner_name',
  'w.status', 'w.last_order_date', 'w.cycle_days', 'w.detected_at', 'w.reason_id', 'w.confirmed_at', 'w.closed_at', 'w.updated_at', 'w.version',
]

/** Live warnings of live customers, with the customer and its owner (aliases w, c, o). */
const warningBase = (db: Knex) =>
  db('churn_warnings as w')
    .join('customers as c', 'c.id', 'w.customer_id')
    .leftJoin('users as o', 'o.id', 'c.owner_id')
    .whereNull('w.deleted_at')
    .whereNull('c.deleted_at')

const measureStats = (db: Knex) =>
  db('churn_measures as m').whereNull('m.deleted_at').groupBy('m.warning_id').select('m.warning_id').count({ measure_count: '*' }).max({ last_measure_date: 'm.measure_date' })

/** The churn list: filtered, scoped, newest first (standing warnings before settled ones). */
export function warningList(db: Knex, f: ChurnFilter, restrict: Restrict) {
  const q = warningBase(db)
  if (restrict) restrict(q)
  if (f.status) q.where('w.status', f.status)
  if (f.ownerId) q.where('c.owner_id', f.ownerId)
  if (f.regionId) q.where('c.region_id', f.regionId)
  if (f.search) whereContainsAny(q, ['c.name', 'c.code'], f.search)
  const rows = (limit: number, offset: number) =>
    q
      .clone()
      .leftJoin(measureStats(db).as('ms'), 'ms.warning_id', 'w.id')
      .select(ROW_COLUMNS)
      .select('ms.measure_count', 'ms.last_measure_date')
      .orderByRaw(`case when w.status in ('open', 'paused') then 0 else 1 end asc`)
      .orderBy([{ column: 'w.detected_at', order: 'desc' }, { column: 'w.id', order: 'desc' }])
      .limit(limit)
      .offset(offset) // ordered above: OFFSET/FETCH on SQL Server
  return { filtered: q, rows }
}

export async function countOf(q: Knex.QueryBuilder): Promise<number> {
  const row = await q.clone().count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

/** One live warning with its customer, the customer's owner and that owner's team (for the scope). */
export const findWarning = (db: Knex, id: string): Promise<Row | undefined> =>
  warningBase(db)
    .leftJoin('users as cb', 'cb.id', 'w.confirmed_by')
    .where('w.id', id)
    .first([...ROW_COLUMNS, 'w.reason_text', 'w.confirmed_by', 'w.closed_reason', 'o.team_id as owner_team_id', 'c.category_id', 'cb.name as confirmed_by_name'])

/** The warning a customer card shows: a standing one, else the newest confirmed one. */
export const bannerWarningId = async (db: Knex, customerId: string): Promise<string | null> => {
  const r = await db('churn_warnings')
    .where({ customer_id: customerId })
    .whereIn('status', [...LIVE, 'confirmed'])
    .whereNull('deleted_at')
    .orderByRaw(`case when status in ('open', 'paused') then 0 else 1 end asc`)
    .orderBy([{ column: 'detected_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .first('id')
  return r ? String(r.id) : null
}

export const measuresOf = (db: Knex, warningId: string): Promise<Row[]> =>
  db('churn_measures as m')
    .leftJoin('users as u', 'u.id', 'm.created_by')
    .where('m.warning_id', warningId)
    .whereNull('m.deleted_at')
    .orderBy([{ column: 'm.measure_date', order: 'desc' }, { column: 'm.created_at', order: 'desc' }, { column: 'm.id' }])
    .select('m.*', 'u.name as created_by_name')

export const customerRow = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c').leftJoin('users as u', 'u.id', 'c.owner_id').where('c.id', id).whereNull('c.deleted_at').first('c.id', 'c.owner_id', 'c.category_id', 'u.team_id as owner_team_id')

export const readSetting = async (db: Knex, key: string): Promise<string | null> => {
  const r = await db('app_settings').where({ key }).first('value')
  return r ? (r.value as string | null) : null
}
export const writeSetting = (db: Knex, dialect: Dialect, key: string, value: string, at: string) =>
  upsert(db, dialect, 'app_settings', { key, value, updated_at: at }, ['key'])
