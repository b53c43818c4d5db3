// Knex queries of the 定时报告: saved_reports (the definitions and their run bookkeeping) and
// saved_report_runs (every run). Rows in snake_case; the service maps them.
import type { Knex } from 'knex'

export type Row = Record<string, unknown>
export type ScopeFn = (q: Knex.QueryBuilder, ownerCol: string) => void

const live = (db: Knex) => db('saved_reports as s').leftJoin('users as u', 'u.id', 's.owner_id').whereNull('s.deleted_at')
const COLUMNS = ['s.*', 'u.name as owner_name', 'u.team_id as owner_team_id']

/** The live saved reports the scope allows, by name. */
export function listSaved(db: Knex, scope: ScopeFn): Promise<Row[]> {
  const q = live(db)
  scope(q, 's.owner_id')
  return q.orderBy([{ column: 's.name' }, { column: 's.id' }]).select(COLUMNS)
}

export const findSaved = (db: Knex, id: string): Promise<Row | undefined> => live(db).where('s.id', id).first(COLUMNS)

/** Live saved reports called `name` (any owner) in the scope. */
export function savedByName(db: Knex, name: string, scope: ScopeFn): Promise<Row[]> {
  const q = live(db).where('s.name', name)
  scope(q, 's.owner_id')
  return q.orderBy([{ column: 's.created_at' }, { column: 's.id' }]).select(COLUMNS)
}

/** Another live saved report of this owner with this name. */
export function sameName(db: Knex, ownerId: string, name: string, exceptId?: string) {
  const q = db('saved_reports').whereNull('deleted_at').where({ owner_id: ownerId, name })
  if (exceptId) q.whereNot('id', exceptId)
  return q.first('id')
}

export const insertSaved = (db: Knex, row: Row) => db('saved_reports').insert(row)

export function updateSaved(db: Knex, id: string, patch: Row, expectVersion: number) {
  return db('saved_reports').where({ id }).whereNull('deleted_at').where('version', expectVersion).update(patch)
}

/** Scheduled reports due at `now` (their next run at or before it), oldest due first. */
export function dueSaved(db: Knex, now: string, limit: number): Promise<Row[]> {
  return db('saved_reports')
    .whereNull('deleted_at')
    .whereNot('schedule', 'none')
    .whereNotNull('next_run_at')
    .where('next_run_at', '<=', now)
    .orderBy([{ column: 'next_run_at' }, { column: 'id' }])
    .limit(limit)
    .select('*')
}

/**
 * Claims the scheduled run of one period: moves the report's next run on and records the period,
 * only while it is still due as read (`next_run_at` unchanged) and that period has not run. One
 * row changed: this caller runs it; none: another process (or an earlier pass) did.
 */
export async function claimRun(db: Knex, id: string, seenNextRunAt: unknown, periodKey: string, nextRunAt: string | null): Promise<boolean> {
  const n = await db('saved_reports')
    .where({ id })
    .whereNull('deleted_at')
    .where('next_run_at', seenNextRunAt as string)
    .where((w) => w.whereNull('last_period').orWhereNot('last_period', periodKey))
    .update({ next_run_at: nextRunAt, last_period: periodKey })
  return Number(n) === 1
}

/**
 * Moves a report's next run past a period that has already run (its last period), while it is
 * still due as read: a run time set back (restored backup, a hand edit) does not stop the
 * schedule. Answers whether it moved.
 */
export async function skipRanPeriod(db: Knex, id: string, seenNextRunAt: unknown, periodKey: string, nextRunAt: string | null): Promise<boolean> {
  const n = await db('saved_reports').where({ id }).whereNull('deleted_at').where('next_run_at', seenNextRunAt as string).where('last_period', periodKey).update({ next_run_at: nextRunAt })
  return Number(n) === 1
}

/** The run's outcome on the report (its bookkeeping columns; the definition's version is untouched). */
export const recordLastRun = (db: Knex, id: string, patch: Row) => db('saved_reports').where({ id }).update(patch)

export const insertRun = (db: Knex, row: Row) => db('saved_report_runs').insert(row)
export const finishRun = (db: Knex, id: string, patch: Row) => db('saved_report_runs').where({ id }).update(patch)

export function runsOf(db: Knex, savedReportId: string, limit: number): Promise<Row[]> {
  return db('saved_report_runs')
    .where('saved_report_id', savedReportId)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(limit)
    .select('*')
}

export const findUser = (db: Knex, id: string): Promise<Row | undefined> =>
  db('users').where({ id }).whereNull('deleted_at').first('id', 'name', 'team_id', 'disabled')
