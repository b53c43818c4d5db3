// Login with scrypt hashes and a lockout (5 wrong passwords → 15 minutes), first-run
// administrator setup, and loading the acting user with its role's permissions.
//
// A failed login never tells why: an unknown login, a wrong password, a disabled and a locked
// account all answer `invalid_credentials`, after the same one scrypt check.
import type { Knex } from 'knex'
import type { Actor, AppContext, ServiceContext } from '../context'
import type { Action, DataScope, PermModule } from '../../contract/common'
import type { Me, Preferences } from '../../contract/auth'
import { AppError, fieldError } from '../../shared/errors'
import { toBool, toIso } from '../../db/dialect'
import { describeDb } from '../../db/config'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { hashPassword, verifyPassword } from './password'
import {
  countFailedLogin, countUsers, findRole, firstAdmin, findRoleByCode, findUserById, findUserByLogin, insertUserRow, lockUser, recordLogin, rolePermissions,
  setPasswordUnlessLocked, updateUser,
} from './auth.repository'
import { diff, recordAudit } from '../audit/audit.service'
import { moveToWorkHour } from '../reminders/reminders.service'

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

/** The command line's acting user: the login given, else the first administrator; null when none is usable. */
export async function loadActorByLogin(app: AppContext, login?: string): Promise<Actor | null> {
  const u = login ? await findUserByLogin(app.db.knex, login) : await firstAdmin(app.db.knex)
  return u ? loadActor(app, String(u.id)) : null
}

const prefsOf = (u: Record<string, unknown> | undefined) => ({
  workHour: u?.work_hour == null ? null : Number(u.work_hour),
  timeZone: typeof u?.time_zone === 'string' && u.time_zone ? u.time_zone : null,
})

async function toMe(app: AppContext, actor: Actor): Promise<Me> {
  const role = await findRole(app.db.knex, actor.roleId)
  const u = await findUserById(app.db.knex, actor.userId)
  return { ...actor, roleName: role?.name ?? actor.roleCode, ...prefsOf(u) }
}

/**
 * 个人设置: the own working hour and time zone. The open system reminders that carry only a date
 * move to the new hour on the same date, in the same transaction.
 */
export async function savePreferences(ctx: ServiceContext, input: Preferences): Promise<Me> {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const u = await findUserById(trx, ctx.actor.userId)
    if (!u) throw invalid()
    const before = prefsOf(u)
    const after = { workHour: input.workHour ?? null, timeZone: input.timeZone ?? null }
    const changes = diff(before, after)
    if (!Object.keys(changes).length) return
    const at = ctx.clock.now().toISOString()
    let version: number | null = null
    const v = async () => (version ??= await nextVersion(trx))
    await updateUser(trx, u.id, { work_hour: after.workHour, time_zone: after.timeZone, updated_at: at, version: await v() })
    await recordAudit(trx, ctx, { entity: 'user', entityId: u.id, action: 'update', changes })
    await moveToWorkHour(trx, ctx, u.id, before, after, v)
  })
  return toMe(ctx, ctx.actor)
}

/** Public (before login): whether the database answers and needs setup; never where it is. */
export async function status(app: AppContext) {
  return {
    needsSetup: (await countUsers(app.db.knex)) === 0,
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
  await insertUserRow(trx, {
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

/** Checked against when the login is unknown, so that path costs one scrypt run like the others. */
const UNKNOWN_USER_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86) + '=='

/**
 * Counts one wrong password and locks the account at the limit; locking starts the count again,
 * so after the lock runs out one wrong password does not lock at once. Attempts while locked do
 * not count (nor move the lock).
 */
async function countFailure(app: AppContext, userId: string, now: Date): Promise<void> {
  await app.db.knex.transaction(async (trx) => {
    const failed = await countFailedLogin(trx, userId, now.toISOString())
    if (failed !== null && failed >= MAX_FAILED_LOGINS) await lockUser(trx, userId, new Date(now.getTime() + LOCK_MINUTES * 60000).toISOString())
  })
}

export async function login(app: AppContext, input: { login: string; password: string }): Promise<Actor> {
  const u = await findUserByLogin(app.db.knex, input.login)
  const now = app.clock.now()
  const passwordOk = await verifyPassword(input.password, u?.password_hash ?? UNKNOWN_USER_HASH)
  if (!u) throw invalid()
  if (!passwordOk) {
    await countFailure(app, u.id, now)
    throw invalid()
  }
  // enabled and not locked, checked after the password in the statement that clears the count
  if (!(await recordLogin(app.db.knex, u.id, now.toISOString()))) throw invalid()
  const actor = await loadActor(app, u.id)
  if (!actor) throw invalid()
  return actor
}

const lockedError = (until: unknown, now: Date) => {
  const iso = toIso(until)
  const minutes = iso ? Math.max(1, Math.ceil((new Date(iso).getTime() - now.getTime()) / 60000)) : LOCK_MINUTES
  return new AppError('locked', `account locked for ${minutes} more minutes`, { key: 'errors.locked', params: { minutes } })
}

/**
 * Changes the own password; the caller ends the user's other sessions. A wrong current password
 * counts toward the login lockout, and a locked account cannot change its password.
 */
export async function changePassword(ctx: ServiceContext, input: { oldPassword: string; newPassword: string }) {
  const k = ctx.db.knex
  const u = await findUserById(k, ctx.actor.userId)
  if (!u) throw invalid()
  const now = ctx.clock.now()
  if (!(await verifyPassword(input.oldPassword, u.password_hash))) {
    await countFailure(ctx, u.id, now)
    throw fieldError('oldPassword', 'wrong', 'current password is wrong')
  }
  const hash = await hashPassword(input.newPassword)
  await k.transaction(async (trx) => {
    const at = now.toISOString()
    const changed = await setPasswordUnlessLocked(trx, u.id, at, { password_hash: hash, updated_at: at, version: await nextVersion(trx) })
    if (!changed) throw lockedError((await findUserById(trx, u.id))?.locked_until, now)
    await recordAudit(trx, ctx, { entity: 'user', entityId: u.id, action: 'update', changes: { passwordChangedAt: [null, at] } })
  })
  return { ok: true as const }
}

export { toMe }

/**
 * 锁屏 unlock: the user's own password, checked like a login. A wrong one counts toward the
 * account lockout (the same count and lock as login); when that locks the account — or it was
 * locked or disabled meanwhile — the answer is `locked` / `invalid_credentials` and the caller
 * ends the session. A right one clears the count, like a login.
 */
export async function unlock(app: AppContext, userId: string, password: string): Promise<Actor> {
  const k = app.db.knex
  const u = await findUserById(k, userId)
  if (!u || toBool(u.disabled)) throw invalid()
  const now = app.clock.now()
  if (!(await verifyPassword(password, u.password_hash))) {
    await countFailure(app, u.id, now)
    const after = await findUserById(k, u.id)
    const until = toIso(after?.locked_until)
    if (until && until > now.toISOString()) throw lockedError(until, now)
    throw fieldError('password', 'wrong', 'wrong password')
  }
  if (!(await recordLogin(k, u.id, now.toISOString()))) {
    const until = toIso(u.locked_until)
    throw until && until > now.toISOString() ? lockedError(until, now) : invalid()
  }
  const actor = await loadActor(app, u.id)
  if (!actor) throw invalid()
  return actor
}
