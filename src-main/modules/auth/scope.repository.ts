// The queries behind the data-scope checks of auth/permissions.ts (knex only).
import type { Knex } from 'knex'

/** Rows whose owner column is one of the team's users. */
export const whereOwnerInTeam = (q: Knex.QueryBuilder, knex: Knex, ownerCol: string | Knex.Raw, teamId: string) =>
  typeof ownerCol === 'string' ? q.whereIn(ownerCol, knex('users').select('id').where('team_id', teamId)) : q.whereRaw('? in ?', [ownerCol, knex('users').select('id').where('team_id', teamId)])

/** Rows outside the team's scope: owned by no one (公海) or by a user of another team. */
export const whereOwnerOutsideTeam = (q: Knex.QueryBuilder, knex: Knex, ownerCol: string, teamId: string) =>
  q.where((b) => b.whereNull(ownerCol).orWhereNotIn(ownerCol, knex('users').select('id').where('team_id', teamId)))

/**
 * Live rows of a table in all, and those owned by the team's users. Customers: from the 简报's
 * kept per-owner-and-day sums (briefing_owner_day.customers, migration 20261206005200: each live
 * customer once, at its owner — the nil uuid for the 公海 — and its creation day), a few thousand
 * small rows instead of two counts over every customer; other tables: two index counts.
 */
export async function countLiveOwnedByTeam(knex: Knex, table: string, teamId: string): Promise<{ inside: number; total: number }> {
  if (table === 'customers') {
    const sums = () => knex('briefing_owner_day as b').sum({ n: 'b.customers' }).first()
    const [all, team] = await Promise.all([sums(), whereOwnerInTeam(sums(), knex, 'b.owner_id', teamId)])
    return { inside: Number(team?.n ?? 0), total: Number(all?.n ?? 0) }
  }
  const live = () => knex(table).whereNull('deleted_at')
  const [total, inside] = await Promise.all([
    live().count({ n: '*' }).first(),
    whereOwnerInTeam(live(), knex, 'owner_id', teamId).count({ n: '*' }).first(),
  ])
  return { inside: Number(inside?.n ?? 0), total: Number(total?.n ?? 0) }
}

/** Rows owned by one user. */
export const whereOwnerIs = (q: Knex.QueryBuilder, ownerCol: string | Knex.Raw, userId: string) =>
  typeof ownerCol === 'string' ? q.where(ownerCol, userId) : q.where(ownerCol, '=', userId)

export interface RowOwner {
  owner_id: string | null
  owner_team_id: string | null
  deleted_at: unknown
}

/** The owner of a row and the owner's team; a deleted row only when `withDeleted`. */
export function findRowOwner(knex: Knex, table: string, id: string, opts: { withDeleted?: boolean } = {}): Promise<RowOwner | undefined> {
  const q = knex(table)
    .leftJoin('users as scope_owner', 'scope_owner.id', `${table}.owner_id`)
    .where(`${table}.id`, id)
  if (!opts.withDeleted) q.whereNull(`${table}.deleted_at`)
  return q.first(`${table}.owner_id as owner_id`, 'scope_owner.team_id as owner_team_id', `${table}.deleted_at as deleted_at`)
}

/**
 * Rows outside the team's scope (as whereOwnerOutsideTeam) with the other teams' users resolved
 * first: `owner is null or owner in (their ids)` is two index ranges on the owner column, where
 * `not in (the team)` reads every row. Owners are users (foreign key), so the two agree; with
 * many users outside the team, the subquery form.
 */
export async function outsideTeamFilter(knex: Knex, teamId: string): Promise<(q: Knex.QueryBuilder, ownerCol: string) => Knex.QueryBuilder> {
  const others: string[] = (await knex('users').where((w) => w.whereNull('team_id').orWhereNot('team_id', teamId)).limit(OUTSIDE_IDS + 1).pluck('id')).map(String)
  if (others.length > OUTSIDE_IDS) return (q, ownerCol) => whereOwnerOutsideTeam(q, knex, ownerCol, teamId)
  return (q, ownerCol) => q.where((b) => (others.length ? b.whereNull(ownerCol).orWhereIn(ownerCol, others) : b.whereNull(ownerCol)))
}
/** At most this many ids inline (SQL Server: 2,100 parameters a statement). */
const OUTSIDE_IDS = 500
