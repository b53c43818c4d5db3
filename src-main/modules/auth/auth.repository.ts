import type { Knex } from 'knex'

export const findUserById = (db: Knex, id: string) => db('users').where({ id }).whereNull('deleted_at').first()
export const findUserByLogin = (db: Knex, login: string) => db('users').whereRaw('lower(login) = ?', [login.toLowerCase()]).whereNull('deleted_at').first()
export const countUsers = async (db: Knex) => Number((await db('users').whereNull('deleted_at').count({ n: '*' }))[0].n)
export const findRole = (db: Knex, id: string) => db('roles').where({ id }).first()
export const findRoleByCode = (db: Knex, code: string) => db('roles').where({ code }).whereNull('deleted_at').first()
export const rolePermissions = (db: Knex, roleId: string) => db('role_permissions').where({ role_id: roleId })
export const updateUser = (db: Knex, id: string, patch: Record<string, unknown>) => db('users').where({ id }).update(patch)
