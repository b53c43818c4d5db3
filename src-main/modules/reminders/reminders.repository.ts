// Knex queries of the reminders table (lists, the centre, due notifications) and the
// app_settings keys of the reminders module.
import type { Knex } from 'knex'
import type { ReminderSource } from '../../contract/reminders'
import type { Dialect } from '../../db/config'
import { applyPage, countRows, insertRows, upsert, type PageRequest } from '../../db/dialect'

export type Row = Record<string, unknown>

/** The caller's data scope, applied by the service to the owner column it names. */
export type ScopeFilter = (q: Knex.QueryBuilder, ownerColumn: string) => Knex.QueryBuilder

/** The time lists sort and classify by: the snooze time when snoozed, else the due time. */
export const EFFECTIVE = 'coalesce(r.snoozed_until, r.due_at)'

/** Reminders with the names the UI shows (customer, contact, owner). */
export function reminderRows(db: Knex) {
  return db('reminders as r')
    .leftJoin('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('contacts as ct', 'ct.id', 'r.contact_id')
    .leftJoin('users as u', 'u.id', 'r.owner_id')
    .whereNull('r.deleted_at')
}

export const reminderColumns = ['r.*', 'c.name as customer_name', 'ct.name as contact_name', 'u.name as owner_name']

export const findReminder = (db: Knex, id: string): Promise<Row | undefined> =>
  reminderRows(db).where('r.id', id).first(reminderColumns)

/** A live reminder with its owner's team, for scope checks. */
export const findReminderForScope = (db: Knex, id: string): Promise<Row | undefined> =>
  db('reminders as r')
    .leftJoin('users as o', 'o.id', 'r.owner_id')
    .where('r.id', id)
    .whereNull('r.deleted_at')
    .first('r.*', 'o.team_id as owner_team_id')

export const findRemindersByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length ? db('reminders').whereIn('id', ids).select('*') : Promise.resolve([])

/** Inserts reminders (insertRows: the multi-row INSERT written without knex's query builder; SQL Server: insertChunked). */
export const insertReminders = (db: Knex, dialect: Dialect, rows: Row[]) => insertRows(db, dialect, 'reminders', rows)

/**
 * Updates a reminder; with `expectVersion` only while its stored version is still that one (the
 * version the user acted on). Answers how many rows changed: 0 means someone changed it first.
 */
export async function updateReminder(db: Knex, id: string, patch: Row, expectVersion?: number): Promise<number> {
  const q = db('reminders').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

/** Withdraws the open occurrences of a series due after `afterDue`, other than `exceptId`. */
export const retractLaterOccurrences = (db: Knex, seriesId: string, exceptId: string, afterDue: string, patch: Row) =>
  db('reminders')
    .where({ series_id: seriesId })
    .whereNot('id', exceptId)
    .where('due_at', '>', afterDue)
    .whereNull('done_at')
    .whereNull('deleted_at')
    .update(patch)

/** Reopens a done, live reminder (a promise marked not kept after all). */
export const reopenDone = (db: Knex, id: string, patch: Row) => db('reminders').where({ id }).whereNotNull('done_at').whereNull('deleted_at').update(patch)

// ---- lists and the reminder centre ----------------------------------------------------------

export interface ReminderFilter {
  sources?: ReminderSource[]
  customerId?: string
}

function applyFilters(q: Knex.QueryBuilder, f: ReminderFilter) {
  if (f.sources?.length) q.whereIn('r.source', f.sources)
  if (f.customerId) q.where('r.customer_id', f.customerId)
  return q
}

export interface ListFilter extends ReminderFilter {
  status: 'open' | 'done' | 'all'
  ownerId?: string
  /** effective time range [from, to) */
  from?: string
  to?: string
}

/** One page of the reminders in scope, by effective time (done ones newest first). */
export async function pageReminders(db: Knex, scope: ScopeFilter, f: ListFilter, p: PageRequest): Promise<{ rows: Row[]; total: number }> {
  const q = applyFilters(scope(reminderRows(db), 'r.owner_id'), f)
  if (f.status === 'open') q.whereNull('r.done_at')
  if (f.status === 'done') q.whereNotNull('r.done_at')
  if (f.ownerId) q.where('r.owner_id', f.ownerId)
  if (f.from) q.whereRaw(`${EFFECTIVE} >= ?`, [f.from])
  if (f.to) q.whereRaw(`${EFFECTIVE} < ?`, [f.to])
  const total = await countRows(q)
  const rows = total ? await applyPage(q.clone().select(reminderColumns).orderByRaw(`${EFFECTIVE} ${f.status === 'done' ? 'desc' : 'asc'}`).orderBy('r.id'), p) : []
  return { rows, total }
}

/** The centre's windows: overdue before `now`, today until `todayEnd`, upcoming until `upcomingEnd`, done since `doneSince`. */
export interface CentreBounds {
  now: string
  todayEnd: string
  upcomingEnd: string
  doneSince: string
}

const byEffective = (q: Knex.QueryBuilder) => q.orderByRaw(`${EFFECTIVE} asc`).orderBy('r.id')

/** One owner's centre lists (at most `limit` rows each). */
export async function centreLists(db: Knex, ownerId: string, f: ReminderFilter, b: CentreBounds, limit: number) {
  const list = (build: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Row[]> =>
    build(applyFilters(reminderRows(db).where('r.owner_id', ownerId), f).select(reminderColumns)).limit(limit)
  const open = (q: Knex.QueryBuilder) => q.whereNull('r.done_at')
  return {
    overdue: await list((q) => byEffective(open(q).whereRaw(`${EFFECTIVE} < ?`, [b.now]))),
    today: await list((q) => byEffective(open(q).whereRaw(`${EFFECTIVE} >= ?`, [b.now]).whereRaw(`${EFFECTIVE} < ?`, [b.todayEnd]))),
    upcoming: await list((q) => byEffective(open(q).whereRaw(`${EFFECTIVE} >= ?`, [b.todayEnd]).whereRaw(`${EFFECTIVE} < ?`, [b.upcomingEnd]))),
    done: await list((q) => q.where('r.done_at', '>=', b.doneSince).orderBy([{ column: 'r.done_at', order: 'desc' }, { column: 'r.id' }])),
  }
}

/** Counts of one owner's open reminders per window, and of those done since `doneSince`, in one statement. */
export async function centreCounts(db: Knex, ownerId: string, f: ReminderFilter, b: CentreBounds) {
  const row = await applyFilters(reminderRows(db).where('r.owner_id', ownerId), f).first(
    db.raw(`sum(case when r.done_at is null and ${EFFECTIVE} < ? then 1 else 0 end) as overdue`, [b.now]),
    db.raw(`sum(case when r.done_at is null and ${EFFECTIVE} >= ? and ${EFFECTIVE} < ? then 1 else 0 end) as today`, [b.now, b.todayEnd]),
    db.raw(`sum(case when r.done_at is null and ${EFFECTIVE} >= ? and ${EFFECTIVE} < ? then 1 else 0 end) as upcoming`, [b.todayEnd, b.upcomingEnd]),
    db.raw('sum(case when r.done_at >= ? then 1 else 0 end) as done', [b.doneSince]),
  )
  return {
    overdue: Number(row?.overdue ?? 0),
    today: Number(row?.today ?? 0),
    upcoming: Number(row?.upcoming ?? 0),
    done: Number(row?.done ?? 0),
  }
}

/** Overdue follow-ups and contact-policy reminders of the others in scope (a supervisor's view). */
export async function teamOverdue(db: Knex, scope: ScopeFilter, exceptOwnerId: string, f: ReminderFilter, now: string, limit: number) {
  const q = applyFilters(scope(reminderRows(db), 'r.owner_id'), f)
    .whereNot('r.owner_id', exceptOwnerId)
    .whereIn('r.source', ['follow_up', 'contact_policy'])
    .whereNull('r.done_at')
    .whereRaw(`${EFFECTIVE} < ?`, [now])
  const total = await countRows(q)
  const rows: Row[] = total ? await byEffective(q.clone().select(reminderColumns)).limit(limit) : []
  return { rows, total }
}

// ---- 今日需联系客户 ---------------------------------------------------------------------------

/** A contact policy and the instant before which a last contact (or creation) makes it due. */
export interface PolicyThreshold {
  id: string
  at: string
}

/**
 * One page of the customers in scope whose contact policy is due: never contacted (due since
 * creation) first by creation, then by last contact; each part reads in index order.
 */
export async function customersDueForContact(
  db: Knex, scope: ScopeFilter, ownerId: string | undefined, thresholds: PolicyThreshold[], p: PageRequest,
): Promise<{ rows: Row[]; total: number }> {
  const scoped = () => {
    const q = scope(db('customers as c').whereNull('c.deleted_at'), 'c.owner_id')
    return ownerId ? q.where('c.owner_id', ownerId) : q
  }
  const neverContacted = (q: Knex.QueryBuilder, only?: string) =>
    q.where((w) => {
      for (const t of thresholds) if (!only || only === t.id) w.orWhere((x) => x.where('c.contact_policy_id', t.id).whereNull('c.last_contact_at').where('c.created_at', '<', t.at))
    })
  const contacted = (q: Knex.QueryBuilder, only?: string) =>
    q.where((w) => {
      for (const t of thresholds) if (!only || only === t.id) w.orWhere((x) => x.where('c.contact_policy_id', t.id).where('c.last_contact_at', '<', t.at))
    })
  let never = 0
  let since = 0
  for (const t of thresholds) {
    never += await countRows(neverContacted(scoped(), t.id))
    since += await countRows(contacted(scoped(), t.id))
  }
  const total = never + since
  if (!total) return { rows: [], total }
  const columns = ['c.id', 'c.code', 'c.name', 'c.owner_id', 'u.name as owner_name', 'c.contact_policy_id', 'p.label', 'p.cycle_days', 'c.last_contact_at', 'c.created_at']
  const withNames = (q: Knex.QueryBuilder) => q.join('dict_items as p', 'p.id', 'c.contact_policy_id').leftJoin('users as u', 'u.id', 'c.owner_id').select(columns)
  const offset = (p.page - 1) * p.pageSize
  const rows: Row[] = []
  if (offset < never) {
    rows.push(...(await withNames(neverContacted(scoped())).orderBy([{ column: 'c.created_at' }, { column: 'c.id' }]).limit(p.pageSize).offset(offset)))
  }
  const more = p.pageSize - rows.length
  if (more > 0 && since > 0) {
    rows.push(...(await withNames(contacted(scoped())).orderBy([{ column: 'c.last_contact_at' }, { column: 'c.id' }]).limit(more).offset(Math.max(0, offset - never))))
  }
  return { rows, total }
}

/** The owner's reminders whose notification time has come and that were not notified yet. */
export const dueCandidates = (db: Knex, ownerId: string, now: string, limit: number): Promise<Row[]> =>
  db('reminders as r')
    // never about a deleted customer (its reminders are retracted with it; this is the safety net)
    .leftJoin('customers as c', 'c.id', 'r.customer_id')
    .where('r.owner_id', ownerId)
    .whereNull('r.notified_at')
    .where('r.fire_at', '<=', now)
    .whereNull('r.done_at')
    .whereNull('r.deleted_at')
    .whereNull('c.deleted_at')
    .orderBy([{ column: 'r.fire_at' }, { column: 'r.id' }])
    .limit(limit)
    .select('r.id')

/** Claims one notification: true only for the caller that set notified_at. */
export async function claimNotification(db: Knex, id: string, patch: Row): Promise<boolean> {
  const n = await db('reminders').where({ id }).whereNull('notified_at').whereNull('done_at').whereNull('deleted_at').update(patch)
  return Number(n) === 1
}

// ---- links ---------------------------------------------------------------------------

export const findCustomerLink = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c').leftJoin('users as o', 'o.id', 'c.owner_id').where('c.id', id).whereNull('c.deleted_at').first('c.id', 'c.name', 'c.owner_id', 'o.team_id as owner_team_id')

export const findContactLink = (db: Knex, id: string): Promise<Row | undefined> =>
  db('contacts').where({ id }).whereNull('deleted_at').first('id', 'customer_id', 'name')

export const findOpportunityLink = (db: Knex, id: string): Promise<Row | undefined> =>
  db('opportunities as o')
    .leftJoin('users as ow', 'ow.id', 'o.owner_id')
    .where('o.id', id)
    .whereNull('o.deleted_at')
    .first('o.id', 'o.owner_id', 'o.assigned_to', 'o.created_by', 'o.customer_id', 'ow.team_id as owner_team_id')

/** Each user's working hour and time zone (NULL: the app's defaults). */
export const userClockRows = (db: Knex): Promise<Row[]> => db('users').whereNull('deleted_at').select('id', 'work_hour', 'time_zone')

export const findUserClock = (db: Knex, id: string): Promise<Row | undefined> => db('users').where({ id }).first('id', 'work_hour', 'time_zone')

/** A user's open system reminders due on a date (not snoozed): a changed working hour moves them. */
export const openDateOnlyReminders = (db: Knex, ownerId: string, sources: readonly string[]): Promise<Row[]> =>
  db('reminders')
    .where('owner_id', ownerId)
    .whereIn('source', [...sources])
    .whereNull('done_at')
    .whereNull('deleted_at')
    .whereNull('snoozed_until')
    .select('id', 'due_at', 'time_zone', 'notify_ahead_minutes')

export const findUserLink = (db: Knex, id: string): Promise<Row | undefined> =>
  db('users').where({ id }).whereNull('deleted_at').first('id', 'team_id', 'disabled', 'name')

// ---- customers' contact facts ---------------------------------------------------------------

/** The latest live interaction's time of each of some customers (≤ 500 ids): 最近联系. */
export const lastContactsOf = (db: Knex, customerIds: string[]): Promise<Array<{ customer_id: string; v: unknown }>> =>
  db('interactions').whereIn('customer_id', customerIds).whereNull('deleted_at').groupBy('customer_id').select('customer_id', db.raw('max(occurred_at) as v'))

/** The earliest open follow-up of each of some customers (≤ 500 ids; its snooze time when snoozed): 下次联系. */
export const nextFollowUpsOf = (db: Knex, customerIds: string[]): Promise<Array<{ customer_id: string; at: unknown }>> =>
  db('reminders as r')
    .whereIn('r.customer_id', customerIds)
    .where('r.source', 'follow_up')
    .whereNull('r.done_at')
    .whereNull('r.deleted_at')
    .groupBy('r.customer_id')
    .select('r.customer_id', db.raw(`min(${EFFECTIVE}) as at`))

/** The stored 最近联系 / 下次联系 of some customers (≤ 500 ids). */
export const customersContactFacts = (db: Knex, ids: string[]): Promise<Row[]> =>
  db('customers').whereIn('id', ids).select('id', 'last_contact_at', 'next_contact_at', 'deleted_at')

export const updateCustomerContactFacts = (db: Knex, id: string, patch: Row) => db('customers').where({ id }).update(patch)

// ---- settings --------------------------------------------------------------------------

export const SETTINGS_PREFIX = 'reminders.'

export async function readSettings(db: Knex): Promise<Record<string, string | null>> {
  const rows: Array<{ key: string; value: string | null }> = await db('app_settings').where('key', 'like', `${SETTINGS_PREFIX}%`).select('key', 'value')
  return Object.fromEntries(rows.map((r) => [r.key.slice(SETTINGS_PREFIX.length), r.value]))
}

export const writeSetting = (db: Knex, dialect: Dialect, key: string, value: string, now: string) =>
  upsert(db, dialect, 'app_settings', { key: SETTINGS_PREFIX + key, value, updated_at: now }, ['key'])
