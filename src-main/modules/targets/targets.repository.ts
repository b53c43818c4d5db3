// Knex queries of sales targets, the staff and the teams they are for. The actuals (sales and
// payments per owner and month) come from the orders service.
import type { Knex } from 'knex'

export type Row = Record<string, unknown>


/** Targets with the manager's and team's names and the manager's team (scope checks). */
const targetRows = (db: Knex) =>
  db('sales_targets as t')
    .leftJoin('users as u', 'u.id', 't.owner_id')
    .leftJoin('teams as tm', 'tm.id', 't.team_id')
    .whereNull('t.deleted_at')

const TARGET_COLUMNS = ['t.*', 'u.name as user_name', 'u.team_id as owner_team_id', 'tm.name as team_name']

export const findTarget = (db: Knex, id: string): Promise<Row | undefined> => targetRows(db).where('t.id', id).first(TARGET_COLUMNS)

/** Targets with a period start in [from, to), optionally of one type, team or manager. */
export function targetsBetween(db: Knex, from: string, to: string, f: { periodType?: string; teamId?: string; userId?: string }): Promise<Row[]> {
  const q = targetRows(db).where('t.period_start', '>=', from).where('t.period_start', '<', to)
  if (f.periodType) q.where('t.period_type', f.periodType)
  if (f.teamId) q.where((w) => w.where('t.team_id', f.teamId!).orWhere('u.team_id', f.teamId!))
  if (f.userId) q.where('t.owner_id', f.userId)
  return q.orderBy([{ column: 't.period_start' }, { column: 't.period_type' }, { column: 't.id' }]).select(TARGET_COLUMNS)
}

/** The live target of one manager (or team) for one period, other than `exceptId`. */
export function sameTarget(db: Knex, t: { ownerId: string | null; teamId: string | null; periodType: string; periodStart: string }, exceptId?: string) {
  const q = db('sales_targets').whereNull('deleted_at').where({ period_type: t.periodType, period_start: t.periodStart })
  if (t.ownerId) q.where('owner_id', t.ownerId)
  else q.whereNull('owner_id').where('team_id', t.teamId)
  if (exceptId) q.whereNot('id', exceptId)
  return q.first('id')
}

export const insertTarget = (db: Knex, row: Row) => db('sales_targets').insert(row)

export function updateTarget(db: Knex, id: string, patch: Row, expectVersion?: number) {
  const q = db('sales_targets').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

export const findUser = (db: Knex, id: string): Promise<Row | undefined> =>
  db('users').where({ id }).whereNull('deleted_at').first('id', 'name', 'team_id', 'disabled')
export const findTeam = (db: Knex, id: string): Promise<Row | undefined> => db('teams').where({ id }).whereNull('deleted_at').first('id', 'name')

/** Live users (optionally of one team) with their team and role code. */
export function staff(db: Knex, teamId?: string | null): Promise<Row[]> {
  const q = db('users as u').join('roles as r', 'r.id', 'u.role_id').whereNull('u.deleted_at')
  if (teamId) q.where('u.team_id', teamId)
  return q.orderBy([{ column: 'u.name' }, { column: 'u.id' }]).select('u.id', 'u.name', 'u.team_id', 'u.disabled', 'r.code as role_code')
}

export function teams(db: Knex, teamId?: string | null): Promise<Row[]> {
  const q = db('teams').whereNull('deleted_at')
  if (teamId) q.where('id', teamId)
  return q.orderBy([{ column: 'name' }, { column: 'id' }]).select('id', 'name')
}
