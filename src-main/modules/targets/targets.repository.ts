// Knex queries of sales targets and of the actuals they are measured against: sales (approved,
// shipped, completed orders by order date) or received payments (by payment date), per owner
// and month.
import type { Knex } from 'knex'
import { monthOf } from '../../db/dialect'

export type Row = Record<string, unknown>

const SALES = ['approved', 'shipped', 'completed']

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

/**
 * Actual cents per owner and month (YYYY-MM) in [from, to): sales by order date, or payments
 * by payment date. Covered by orders_date_status_owner_total / payments_date_owner_amount.
 */
export function monthlyActuals(db: Knex, basis: 'orders' | 'payments', from: string, to: string): Promise<Array<{ owner_id: string | null; month: string; cents: unknown }>> {
  if (basis === 'orders') {
    const month = monthOf(db, 'o.order_date')
    return db('orders as o')
      .where('o.order_date', '>=', from)
      .where('o.order_date', '<', to)
      .whereIn('o.status', SALES)
      .whereNull('o.deleted_at')
      .groupBy('o.owner_id', month)
      .select('o.owner_id', db.raw('? as ??', [month, 'month']), db.raw('sum(??) as ??', ['o.total_cents', 'cents']))
  }
  const month = monthOf(db, 'p.paid_date')
  return db('payments as p')
    .where('p.paid_date', '>=', from)
    .where('p.paid_date', '<', to)
    .whereNull('p.deleted_at')
    .groupBy('p.owner_id', month)
    .select('p.owner_id', db.raw('? as ??', [month, 'month']), db.raw('sum(??) as ??', ['p.amount_cents', 'cents']))
}
