import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { insertChunked } from '../../db/dialect'

export interface RoleRow {
  id: string
  code: string
  name: string
  name_en: string | null
  description: string | null
  is_system: unknown
  user_count: unknown
  version: unknown
}

export interface RolePermissionRow {
  role_id: string
  module: string
  actions: string
  scope: string
}

export function listRoles(db: Knex, onlyId?: string): Promise<RoleRow[]> {
  const users = db('users').count('*').where('role_id', db.ref('r.id')).whereNull('deleted_at').as('user_count')
  const q = db('roles as r')
    .whereNull('r.deleted_at')
    .select('r.id', 'r.code', 'r.name', 'r.name_en', 'r.description', 'r.is_system', 'r.version', users)
    .orderBy([{ column: 'r.is_system', order: 'desc' }, { column: 'r.created_at' }, { column: 'r.code' }])
  if (onlyId) q.where('r.id', onlyId)
  return q
}

export const permissionsOf = (db: Knex, roleIds: string[]): Promise<RolePermissionRow[]> =>
  roleIds.length ? db('role_permissions').whereIn('role_id', roleIds).select('role_id', 'module', 'actions', 'scope') : Promise.resolve([])

export const findActiveRole = (db: Knex, id: string): Promise<RoleRow | undefined> =>
  db('roles').where({ id }).whereNull('deleted_at').first('id', 'code', 'name', 'name_en', 'description', 'is_system', 'version')

/** Any role with this code, deleted ones included (the column is unique). */
export const findRoleByCodeAny = (db: Knex, code: string): Promise<{ id: string } | undefined> => db('roles').where({ code }).first('id')

export const findRoleByName = (db: Knex, name: string): Promise<{ id: string } | undefined> =>
  db('roles').whereRaw('lower(name) = ?', [name.toLowerCase()]).whereNull('deleted_at').first('id')

export async function countRoleUsers(db: Knex, roleId: string): Promise<number> {
  const [{ n }] = await db('users').where({ role_id: roleId }).whereNull('deleted_at').count({ n: '*' })
  return Number(n)
}

export const insertRole = (db: Knex, row: Record<string, unknown>) => db('roles').insert(row)
/** Updates a role; with `expectVersion` only while it still has that version. Answers the rows changed. */
export async function updateRole(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number): Promise<number> {
  const q = db('roles').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}
export const deletePermissions = (db: Knex, roleId: string) => db('role_permissions').where({ role_id: roleId }).delete()
export const insertPermissions = (db: Knex, dialect: Dialect, rows: Array<RolePermissionRow & { id: string }>) =>
  insertChunked(db, dialect, 'role_permissions', rows)
