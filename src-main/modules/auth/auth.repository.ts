import type { Knex } from 'knex'

export const findUserById = (db: Knex, id: string) => db('users').where({ id }).whereNull('deleted_at').first()
export const findUserByLogin = (db: Knex, login: string) => db('users').whereRaw('lower(login) = ?', [login.toLowerCase()]).whereNull('deleted_at').first()
export const countUsers = async (db: Knex) => Number((await db('users').whereNull('deleted_at').count({ n: '*' }))[0].n)
export const findRole = (db: Knex, id: string) => db('roles').where({ id }).first()
export const findRoleByCode = (db: Knex, code: string) => db('roles').where({ code }).whereNull('deleted_at').first()
export const rolePermissions = (db: Knex, roleId: string) => db('role_permissions').where({ role_id: roleId })
export const updateUser = (db: Knex, id: string, patch: Record<string, unknown>) => db('users').where({ id }).update(patch)
export const insertUserRow = (db: Knex, row: Record<string, unknown>) => db('users').insert(row)

/** Rows of a user that is not locked at `now` (no lock, or one that has run out). */
const unlockedAt = (q: Knex.QueryBuilder, now: string) => q.where((w) => w.whereNull('locked_until').orWhere('locked_until', '<=', now))

/**
 * Counts one wrong password, unless the account is locked at `now`. The UPDATE takes the row
 * lock (PostgreSQL, SQL Server) or the write lock (SQLite), so parallel attempts count one by
 * one and one that waited behind the lock sees the new lock. Returns the new count, or null
 * when the account was locked (the attempt does not count).
 */
export async function countFailedLogin(trx: Knex.Transaction, id: string, now: string): Promise<number | null> {
  const changed = await unlockedAt(trx('users').where({ id }), now).increment('failed_logins', 1)
  if (!changed) return null
  const row = await trx('users').where({ id }).first('failed_logins')
  return Number(row.failed_logins)
}

/** Locks the account until `until`; the count starts again from zero. */
export const lockUser = (trx: Knex.Transaction, id: string, until: string) => trx('users').where({ id }).update({ failed_logins: 0, locked_until: until })

/**
 * A login with the right password: clears the count and notes the time, in one statement that
 * also checks the account is enabled and not locked (a lock set by a parallel attempt after
 * this one read the row wins). Returns whether the login may proceed.
 */
export async function recordLogin(db: Knex, id: string, now: string): Promise<boolean> {
  const changed = await unlockedAt(db('users').where({ id }).where('disabled', false).whereNull('deleted_at'), now).update({
    failed_logins: 0, locked_until: null, last_login_at: now,
  })
  return changed > 0
}

/** Sets a new password hash unless the account is locked at `now`; returns whether it did. */
export async function setPasswordUnlessLocked(trx: Knex.Transaction, id: string, now: string, patch: Record<string, unknown>): Promise<boolean> {
  const changed = await unlockedAt(trx('users').where({ id }), now).update({ ...patch, failed_logins: 0, locked_until: null })
  return changed > 0
}

/** The earliest created enabled administrator (the command line acts as it when no --as is given). */
export const firstAdmin = (db: Knex): Promise<{ id: string } | undefined> =>
  db('users as u').join('roles as r', 'r.id', 'u.role_id').where('r.code', 'admin').where('u.disabled', false).whereNull('u.deleted_at')
    .orderBy([{ column: 'u.created_at' }, { column: 'u.id' }]).first('u.id')
