// Knex queries of 流失预警 and 暂缓措施, and the set-based statements of the churn check.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import type { ChurnFilter } from '../../contract/churn'
import { insertRows, upsert, whereContainsAny } from '../../db/dialect'

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
 * Served by customers_churn_check_index (status, purchase_policy_id, last_order_date): a
 * customer with a warning is no longer 正常, so a repeated check reads only new candidates.
 */
export function staleCustomers(db: Knex, g: PolicyGroup, lastOrderBefore: string, createdBefore: string, restrict: Restrict): Promise<Row[]> {
  const q = db('customers as c')
    .where('c.status', 'normal')
    .whereNull('c.deleted_at')
    .where((w) =>
      w
        .where('c.last_order_date', '<', lastOrderBefore)
        .orWhere((n) => n.whereNull('c.last_order_date').where('c.created_at', '<', createdBefore)),
    )
    .whereNotExists(function () {
      this.select(db.raw('1')).from('churn_warnings as w').whereRaw('w.customer_id = c.id').whereIn('w.status', LIVE).whereNull('w.deleted_at')
    })
  inGroup(q, g)
  if (restrict) restrict(q)
  return q.select('c.id')
}

/**
 * What the check decides on, for some customers (a chunk re-checked inside its transaction):
 * those still live, 正常 and without a standing warning, in one read.
 */
export const openableCustomers = (db: Knex, ids: string[]): Promise<Row[]> =>
  db('customers as c')
    .whereIn('c.id', ids)
    .whereNull('c.deleted_at')
    .where('c.status', 'normal')
    .whereNotExists(function () {
      this.select(db.raw('1')).from('churn_warnings as w').whereRaw('w.customer_id = c.id').whereIn('w.status', LIVE).whereNull('w.deleted_at')
    })
    .select('c.id', 'c.owner_id', 'c.last_order_date', 'c.created_at', 'c.purchase_policy_id')

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

export const insertWarnings = (db: Knex, dialect: Dialect, rows: Row[]) => insertRows(db, dialect, 'churn_warnings', rows)

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
