// Knex queries of the follow-up desk: 今日需联系客户 (customers whose 联系策略 cycle has run out,
// read per policy and per basis column so each part is one index range on
// (contact_policy_id, last_contact_at) or created_at) and the 日程 calendar.
import type { Knex } from 'knex'
import { EFFECTIVE, reminderColumns, reminderRows, type Row } from './reminders.repository'

/** The caller's data scope (and owner filter) applied to a query on `c` (customers) or `r` (reminders). */
export type Restrict = (q: Knex.QueryBuilder) => Knex.QueryBuilder

/** never: not contacted yet, due from creation; contacted: due from the last contact. */
export type ContactStream = 'never' | 'contacted'
const basisCol = (s: ContactStream) => (s === 'never' ? 'c.created_at' : 'c.last_contact_at')

function stream(db: Knex, restrict: Restrict, policyId: string, s: ContactStream, lo: string, hi: string) {
  const q = restrict(db('customers as c').whereNull('c.deleted_at').where('c.contact_policy_id', policyId))
  if (s === 'never') q.whereNull('c.last_contact_at')
  return q.where(basisCol(s), '>=', lo).where(basisCol(s), '<', hi)
}

/** How many customers of one policy and stream have their basis in each range [lo, hi), in one statement. */
export async function contactStreamCounts(db: Knex, restrict: Restrict, policyId: string, s: ContactStream, ranges: Array<[string, string]>): Promise<number[]> {
  if (!ranges.length) return []
  const col = basisCol(s)
  const lo = ranges.reduce((m, r) => (r[0] < m ? r[0] : m), ranges[0]![0])
  const hi = ranges.reduce((m, r) => (r[1] > m ? r[1] : m), ranges[0]![1])
  const sums = ranges.map(([a, b], i) => db.raw(`sum(case when ${col} >= ? and ${col} < ? then 1 else 0 end) as n${i}`, [a, b]))
  const row = (await stream(db, restrict, policyId, s, lo, hi).first(...sums)) as Record<string, unknown> | undefined
  return ranges.map((_, i) => Number(row?.[`n${i}`] ?? 0))
}

/** The customers of one policy and stream with their basis in [lo, hi), latest basis first (most recently due first). */
export function contactStreamRows(db: Knex, restrict: Restrict, policyId: string, s: ContactStream, lo: string, hi: string, limit: number): Promise<Row[]> {
  return stream(db, restrict, policyId, s, lo, hi)
    .join('dict_items as p', 'p.id', 'c.contact_policy_id')
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .orderBy([{ column: basisCol(s), order: 'desc' }, { column: 'c.id', order: 'desc' }])
    .limit(limit)
    .select('c.id', 'c.code', 'c.name', 'c.owner_id', 'u.name as owner_name', 'c.contact_policy_id', 'p.label', 'p.cycle_days', 'c.last_contact_at', 'c.created_at')
}

/**
 * The reminders of a period, light (id, effective time, done), by effective time: the calendar
 * counts them per day and lists the first few. `cap` bounds a runaway range.
 */
export function calendarRows(
  db: Knex,
  restrict: Restrict,
  f: { ownerId: string; from: string; to: string; includeDone: boolean; sources?: string[] },
  cap: number,
): Promise<Row[]> {
  const q = restrict(db('reminders as r').leftJoin('customers as c', 'c.id', 'r.customer_id'))
    .whereNull('r.deleted_at')
    .whereNull('c.deleted_at')
    .where('r.owner_id', f.ownerId)
    .whereRaw(`${EFFECTIVE} >= ?`, [f.from])
    .whereRaw(`${EFFECTIVE} < ?`, [f.to])
  if (!f.includeDone) q.whereNull('r.done_at')
  if (f.sources?.length) q.whereIn('r.source', f.sources)
  return q.orderByRaw(`${EFFECTIVE} asc`).orderBy('r.id').limit(cap).select('r.id', db.raw(`${EFFECTIVE} as at`), 'r.done_at')
}

/** Reminders by id with the names the UI shows. */
export const remindersWithNames = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length ? reminderRows(db).whereIn('r.id', ids).select(reminderColumns) : Promise.resolve([])

/** Only the rows of one owner (when given). */
export const byOwner = (q: Knex.QueryBuilder, col: string, ownerId: string | null | undefined) => (ownerId ? q.where(col, ownerId) : q)
