import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { applyPage, selectForUpdate, whereContainsAny } from '../../db/dialect'

export interface UserRow {
  id: string
  login: string
  name: string
  role_id: string
  role_name: string
  role_code: string
  team_id: string | null
  team_name: string | null
  email: string | null
  phone: string | null
  disabled: unknown
  locked_until: unknown
  failed_logins: unknown
  last_login_at: unknown
  created_at: unknown
  version: unknown
}

/** Which users a query may return: everyone, one team, or one user. */
export type UserVisibility = { teamId?: string; userId?: string }

const USER_COLUMNS = [
  'u.id', 'u.login', 'u.name', 'u.role_id', 'r.name as role_name', 'r.code as role_code', 'u.team_id',
  't.name as team_name', 'u.email', 'u.phone', 'u.disabled', 'u.locked_until', 'u.failed_logins',
  'u.last_login_at', 'u.created_at', 'u.version',
]

function usersQuery(db: Knex, vis: UserVisibility) {
  const q = db('users as u').join('roles as r', 'r.id', 'u.role_id').leftJoin('teams as t', 't.id', 'u.team_id').whereNull('u.deleted_at')
  if (vis.teamId) q.where('u.team_id', vis.teamId)
  if (vis.userId) q.where('u.id', vis.userId)
  return q
}

export async function pageUsers(
  db: Knex,
  f: { search?: string; includeDisabled: boolean; vis: UserVisibility; page: number; pageSize: number },
): Promise<{ rows: UserRow[]; total: number }> {
  const q = usersQuery(db, f.vis)
  if (!f.includeDisabled) q.where('u.disabled', false)
  if (f.search) whereContainsAny(q, ['u.login', 'u.name'], f.search)
  const [{ n }] = await q.clone().count({ n: '*' })
  const rows = await applyPage(q.clone().select(USER_COLUMNS).orderBy([{ column: 'u.login' }, { column: 'u.id' }]), f)
  return { rows, total: Number(n) }
}

export const findUser = (db: Knex, id: string, vis: UserVisibility = {}): Promise<UserRow | undefined> =>
  usersQuery(db, vis).where('u.id', id).first(USER_COLUMNS)

export const enabledUsers = (db: Knex, vis: UserVisibility) =>
  usersQuery(db, vis).where('u.disabled', false).select('u.id', 'u.name', 'u.login', 'u.team_id', 'r.code as role_code').orderBy([{ column: 'u.name' }, { column: 'u.id' }])

/** Enabled users holding the role with this code, other than `exceptId`. */
export async function countEnabledWithRole(db: Knex, roleCode: string, exceptId: string): Promise<number> {
  const [{ n }] = await db('users as u')
    .join('roles as r', 'r.id', 'u.role_id')
    .where('r.code', roleCode)
    .where('u.disabled', false)
    .whereNull('u.deleted_at')
    .whereNot('u.id', exceptId)
    .count({ n: '*' })
  return Number(n)
}

/**
 * Locks the row of the role with this code until the transaction ends: changes that may take
 * the role away from someone run one after another, each counting after the previous committed.
 */
export const lockRole = (db: Knex, dialect: Dialect, code: string) => selectForUpdate(db, dialect, 'roles').where({ code }).first('id')

/** Updates a user; with `expectVersion` only while it still has that version. Answers the rows changed. */
export async function updateUserRow(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number): Promise<number> {
  const q = db('users').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

// ---- teams -----------------------------------------------------------------------

export interface TeamRow {
  id: string
  name: string
  leader_id: string | null
  member_count: unknown
  version: unknown
}

export function listTeams(db: Knex, onlyId?: string): Promise<TeamRow[]> {
  const members = db('users').count('*').where('team_id', db.ref('t.id')).whereNull('deleted_at').as('member_count')
  const q = db('teams as t').whereNull('t.deleted_at').select('t.id', 't.name', 't.leader_id', 't.version', members).orderBy([{ column: 't.name' }, { column: 't.id' }])
  if (onlyId) q.where('t.id', onlyId)
  return q
}

export const findTeam = (db: Knex, id: string): Promise<{ id: string; name: string; leader_id: string | null; version: unknown } | undefined> =>
  db('teams').where({ id }).whereNull('deleted_at').first('id', 'name', 'leader_id', 'version')

export const findTeamByName = (db: Knex, name: string): Promise<{ id: string } | undefined> =>
  db('teams').whereRaw('lower(name) = ?', [name.toLowerCase()]).whereNull('deleted_at').first('id')

export const insertTeam = (db: Knex, row: Record<string, unknown>) => db('teams').insert(row)
/** Updates a team; with `expectVersion` only while it still has that version. Answers the rows changed. */
export async function updateTeam(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number): Promise<number> {
  const q = db('teams').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}
