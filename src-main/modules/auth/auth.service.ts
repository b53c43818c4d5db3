// Login with scrypt hashes and a lockout (5 wrong passwords → 15 minutes), first-run
// administrator setup, and loading the acting user with its role's permissions.
import type { Knex } from 'knex'
import type { Actor, AppContext, ServiceContext } from '../context'
import type { Action, DataScope, PermModule } from '../../contract/common'
import type { Me } from '../../contract/auth'
import { AppError, fieldError } from '../../shared/errors'
import { toBool, toIso } from '../../db/dialect'
import { describeDb } from '../../db/config'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { hashPassword, verifyPassword } from './password'
import { countUsers, findRole, findRoleByCode, findUserById, findUserByLogin, rolePermissions, updateUser } from './auth.repository'
import { recordAudit } from '../audit/audit.service'

export const MAX_FAILED_LOGINS = 5
export const LOCK_MINUTES = 15
export const APP_VERSION = '0.1.0'

export async function loadActor(app: AppContext, userId: string): Promise<Actor | null> {
  const k = app.db.knex
  const u = await findUserById(k, userId)
  if (!u || toBool(u.disabled)) return null
  const role = await findRole(k, u.role_id)
  if (!role) return null
  const perms = await rolePermissions(k, role.id)
  const permissions: Actor['permissions'] = {}
  for (const p of perms) {
    permissions[p.module as PermModule] = { actions: String(p.actions).split(',').filter(Boolean) as Action[], scope: p.scope as DataScope }
  }
  return { userId: u.id, login: u.login, name: u.name, roleId: role.id, roleCode: role.code, teamId: u.team_id ?? null, permissions }
}

async function toMe(app: AppContext, actor: Actor): Promise<Me> {
  const role = await findRole(app.db.knex, actor.roleId)
  return { ...actor, roleName: role?.name ?? actor.roleCode }
}

export async function status(app: AppContext, dbConfigDescription?: string) {
  return {
    needsSetup: (await countUsers(app.db.knex)) === 0,
    dbDescription: dbConfigDescription ?? app.db.dialect,
    dialect: app.db.dialect,
    browserMode: app.browserMode,
    version: APP_VERSION,
  }
}
export { describeDb }

/** Creates a user row (used by setup, the admin screen and `crm user add`). */
export async function insertUser(
  app: AppContext,
  trx: Knex.Transaction,
  u: { login: string; name: string; password: string; roleId: string; teamId?: string | null; email?: string | null; phone?: string | null },
) {
  if (await findUserByLogin(trx, u.login)) throw fieldError('login', 'duplicate', `login already taken: ${u.login}`)
  const now = app.clock.now().toISOString()
  const id = newId()
  await trx('users').insert({
    id, login: u.login, name: u.name, password_hash: await hashPassword(u.password), role_id: u.roleId,
    team_id: u.teamId ?? null, email: u.email || null, phone: u.phone || null, disabled: false,
    failed_logins: 0, created_at: now, updated_at: now, version: await nextVersion(trx),
  })
  return id
}

export async function setup(app: AppContext, input: { login: string; name: string; password: string }): Promise<Actor> {
  const k = app.db.knex
  const id = await k.transaction(async (trx) => {
    if ((await countUsers(trx)) > 0) throw new AppError('already_setup', 'an administrator already exists', { key: 'errors.already_setup' })
    const role = await findRoleByCode(trx, 'admin')
    if (!role) throw new AppError('internal', 'admin role missing')
    const userId = await insertUser(app, trx, { ...input, roleId: role.id })
    await recordAudit(trx, { actor: null as unknown as Actor, clock: app.clock }, { entity: 'user', entityId: userId, action: 'create', changes: { login: [null, input.login], name: [null, input.name], role: [null, 'admin'] } })
    return userId
  })
  return (await loadActor(app, id))!
}

const invalid = () => new AppError('invalid_credentials', 'wrong login or password', { key: 'errors.invalid_credentials' })

/**
 * Counts one wrong password and locks the account at the limit. The increment comes first so
 * it takes the row lock (PostgreSQL, SQL Server) or the write lock (SQLite) before the row is
 * read: parallel attempts are counted one by one instead of all reading the same old count.
 */
async function countFailure(app: AppContext, userId: string, now: Date): Promise<{ failed: number; lockedUntil: Date | null }> {
  return app.db.knex.transaction(async (trx) => {
    await trx('users').where({ id: userId }).increment('failed_logins', 1)
    const row = await trx('users').where({ id: userId }).first('failed_logins', 'locked_until')
    const current = toIso(row.locked_until)
    if (current && new Date(current) > now) {
      // locked by a parallel attempt meanwhile: this one does not count towards the next lock
      await updateUser(trx, userId, { failed_logins: 0 })
      return { failed: MAX_FAILED_LOGINS, lockedUntil: new Date(current) }
    }
    const failed = Number(row.failed_logins)
    if (failed < MAX_FAILED_LOGINS) return { failed, lockedUntil: null }
    const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60000)
    await updateUser(trx, userId, { failed_logins: 0, locked_until: lockedUntil.toISOString() })
    return { failed, lockedUntil }
  })
}

export async function login(app: AppContext, input: { login: string; password: string }): Promise<Actor> {
  const k = app.db.knex
  const u = await findUserByLogin(k, input.login)
  const now = app.clock.now()
  if (!u) {
    await verifyPassword(input.password, 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86) + '==') // same cost as a real check
    throw invalid()
  }
  const lockedUntil = toIso(u.locked_until)
  if (lockedUntil && new Date(lockedUntil) > now) {
    const minutes = Math.ceil((new Date(lockedUntil).getTime() - now.getTime()) / 60000)
    throw new AppError('locked', `account locked for ${minutes} more minutes`, { key: 'errors.locked', params: { minutes } })
  }
  if (toBool(u.disabled)) throw new AppError('forbidden', 'account disabled', { key: 'errors.disabled' })
  if (!(await verifyPassword(input.password, u.password_hash))) {
    const { failed, lockedUntil: until } = await countFailure(app, u.id, now)
    if (until) {
      const minutes = Math.ceil((until.getTime() - now.getTime()) / 60000)
      throw new AppError('locked', `account locked for ${minutes} minutes`, { key: 'errors.locked', params: { minutes } })
    }
    throw new AppError('invalid_credentials', 'wrong login or password', { key: 'errors.invalid_credentials', params: { remaining: MAX_FAILED_LOGINS - failed } })
  }
  await updateUser(k, u.id, { failed_logins: 0, locked_until: null, last_login_at: now.toISOString() })
  const actor = await loadActor(app, u.id)
  if (!actor) throw invalid()
  return actor
}

/** Changes the own password; the caller ends the user's other sessions. */
export async function changePassword(ctx: ServiceContext, input: { oldPassword: string; newPassword: string }) {
  const k = ctx.db.knex
  const u = await findUserById(k, ctx.actor.userId)
  if (!u || !(await verifyPassword(input.oldPassword, u.password_hash))) throw fieldError('oldPassword', 'wrong', 'current password is wrong')
  const hash = await hashPassword(input.newPassword)
  await k.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString()
    await updateUser(trx, u.id, { password_hash: hash, updated_at: now, version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'user', entityId: u.id, action: 'update', changes: { passwordChangedAt: [null, now] } })
  })
  return { ok: true as const }
}

export { toMe }
