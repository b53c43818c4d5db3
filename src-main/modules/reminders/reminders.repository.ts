// Knex queries of the reminders table (lists, the centre, due notifications) and the
// app_settings keys of the reminders module.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { insertChunked, upsert } from '../../db/dialect'

export type Row = Record<string, unknown>

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

export const insertReminders = (db: Knex, dialect: Dialect, rows: Row[]) => insertChunked(db, dialect, 'reminders', rows)

export const updateReminder = (db: Knex, id: string, patch: Row) => db('reminders').where({ id }).update(patch)

export async function countRows(q: Knex.QueryBuilder): Promise<number> {
  const r = await q.clone().clearSelect().clearOrder().count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

/** Counts of one owner's open reminders per window, and of those done since `doneSince`, in one statement. */
export async function centreCounts(
  q: Knex.QueryBuilder,
  knex: Knex,
  b: { now: string; todayEnd: string; upcomingEnd: string; doneSince: string },
) {
  const row = await q
    .clone()
    .clearSelect()
    .clearOrder()
    .first(
      knex.raw(`sum(case when r.done_at is null and ${EFFECTIVE} < ? then 1 else 0 end) as overdue`, [b.now]),
      knex.raw(`sum(case when r.done_at is null and ${EFFECTIVE} >= ? and ${EFFECTIVE} < ? then 1 else 0 end) as today`, [b.now, b.todayEnd]),
      knex.raw(`sum(case when r.done_at is null and ${EFFECTIVE} >= ? and ${EFFECTIVE} < ? then 1 else 0 end) as upcoming`, [b.todayEnd, b.upcomingEnd]),
      knex.raw('sum(case when r.done_at >= ? then 1 else 0 end) as done', [b.doneSince]),
    )
  return {
    overdue: Number(row?.overdue ?? 0),
    today: Number(row?.today ?? 0),
    upcoming: Number(row?.upcoming ?? 0),
    done: Number(row?.done ?? 0),
  }
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

export const findUserLink = (db: Knex, id: string): Promise<Row | undefined> =>
  db('users').where({ id }).whereNull('deleted_at').first('id', 'team_id', 'disabled', 'name')

// ---- customers' contact facts ---------------------------------------------------------------

export async function lastContactOf(db: Knex, customerId: string): Promise<unknown> {
  const r = await db('interactions').where({ customer_id: customerId }).whereNull('deleted_at').max({ v: 'occurred_at' }).first()
  return r?.v ?? null
}

/** The earliest open follow-up of a customer (its snooze time when snoozed). */
export async function nextFollowUpOf(db: Knex, customerId: string): Promise<Row | undefined> {
  return db('reminders as r')
    .where({ 'r.customer_id': customerId, 'r.source': 'follow_up' })
    .whereNull('r.done_at')
    .whereNull('r.deleted_at')
    .orderByRaw(`${EFFECTIVE} asc`)
    .first(db.raw(`${EFFECTIVE} as at`))
}

export const customerContactFacts = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers').where({ id }).first('id', 'last_contact_at', 'next_contact_at', 'deleted_at')

export const updateCustomerContactFacts = (db: Knex, id: string, patch: Row) => db('customers').where({ id }).update(patch)

// ---- settings --------------------------------------------------------------------------

export const SETTINGS_PREFIX = 'reminders.'

export async function readSettings(db: Knex): Promise<Record<string, string | null>> {
  const rows: Array<{ key: string; value: string | null }> = await db('app_settings').where('key', 'like', `${SETTINGS_PREFIX}%`).select('key', 'value')
  return Object.fromEntries(rows.map((r) => [r.key.slice(SETTINGS_PREFIX.length), r.value]))
}

export const writeSetting = (db: Knex, dialect: Dialect, key: string, value: string, now: string) =>
  upsert(db, dialect, 'app_settings', { key: SETTINGS_PREFIX + key, value, updated_at: now }, ['key'])
