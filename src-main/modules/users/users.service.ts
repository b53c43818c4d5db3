// 用户与团队: the admin screen's users (create, edit, disable, reset password, unlock)
// and teams. Guards: nobody disables themselves, the last enabled administrator keeps the
// admin role, and an editor limited to a team stays inside it and can neither grant nor touch
// a role wider than its own.
import type { Knex } from 'knex'
import type { Actor, ServiceContext } from '../context'
import type { Action, DataScope, PermModule } from '../../contract/common'
import type { Team, User } from '../../contract/users'
import { conflict, fieldError, forbidden, notFound, ruleError } from '../../shared/errors'
import { toBool, toIso, toNum } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import { insertUser } from '../auth/auth.service'
import { hashPassword } from '../auth/password'
import { diff, recordAudit } from '../audit/audit.service'
import { findActiveRole, permissionsOf } from '../roles/roles.service'
import * as repo from './users.repository'

const ADMIN_ROLE = 'admin'

function visibility(actor: Actor, scope: DataScope): repo.UserVisibility {
  if (scope === 'all') return {}
  if (scope === 'team' && actor.teamId) return { teamId: actor.teamId }
  return { userId: actor.userId }
}

function toUser(r: repo.UserRow): User {
  return {
    id: r.id,
    login: r.login,
    name: r.name,
    roleId: r.role_id,
    roleName: r.role_name,
    roleCode: r.role_code,
    teamId: r.team_id ?? null,
    teamName: r.team_name ?? null,
    email: r.email ?? null,
    phone: r.phone ?? null,
    disabled: toBool(r.disabled),
    lockedUntil: toIso(r.locked_until),
    lastLoginAt: toIso(r.last_login_at),
    createdAt: toIso(r.created_at)!,
    version: Number(r.version ?? 0),
  }
}

const toTeam = (r: repo.TeamRow): Team => ({
  id: r.id, name: r.name, leaderId: r.leader_id ?? null, memberCount: toNum(r.member_count) ?? 0, version: Number(r.version ?? 0),
})

const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v ? v : null)

async function loadVisible(trx: Knex, actor: Actor, scope: DataScope, id: string): Promise<repo.UserRow> {
  const row = await repo.findUser(trx, id, visibility(actor, scope))
  if (!row) throw notFound('user', id)
  return row
}

const SCOPE_RANK: Record<DataScope, number> = { own: 0, team: 1, all: 2 }
/** Modules whose write rights make a role an administrator's, whatever their scope. */
const ADMIN_MODULES: PermModule[] = ['users', 'roles', 'settings']

/**
 * Whether a role is beyond what an editor limited to a team may hand out or manage: it
 * administers users, roles or settings, or it has an action or a scope the actor lacks.
 */
async function widerThanActor(trx: Knex, actor: Actor, roleId: string): Promise<boolean> {
  for (const p of await permissionsOf(trx, [roleId])) {
    const actions = String(p.actions).split(',').filter(Boolean) as Action[]
    if (!actions.length) continue
    const module = p.module as PermModule
    if (ADMIN_MODULES.includes(module) && actions.some((a) => a !== 'view')) return true
    const own = actor.permissions[module]
    if (!own || actions.some((a) => !own.actions.includes(a))) return true
    if (SCOPE_RANK[p.scope as DataScope] > SCOPE_RANK[own.scope]) return true
  }
  return false
}

/** Checks the role (and whether this editor may grant it); returns its code. */
async function checkRole(trx: Knex, actor: Actor, scope: DataScope, roleId: string): Promise<string> {
  const role = await findActiveRole(trx, roleId)
  if (!role) throw fieldError('roleId', 'not_found', 'role not found')
  if (scope !== 'all' && (role.code === ADMIN_ROLE || (await widerThanActor(trx, actor, role.id)))) throw forbidden('users', 'grant_role')
  return role.code
}

/** A team-limited editor may not edit, reset or unlock a user whose role is wider than its own. */
async function checkTarget(trx: Knex, actor: Actor, scope: DataScope, row: repo.UserRow) {
  if (scope !== 'all' && (row.role_code === ADMIN_ROLE || (await widerThanActor(trx, actor, row.role_id)))) throw forbidden('users', 'edit')
}

/**
 * A user's team: one that exists, and for a team-limited editor its own. Another team answers
 * exactly like an unknown id, so the answer never tells which team ids exist.
 */
async function checkTeam(trx: Knex, actor: Actor, scope: DataScope, teamId: string | null | undefined) {
  if (!teamId) {
    if (scope !== 'all' && teamId === null) throw forbidden('users', 'edit')
    return
  }
  const teamNotFound = () => fieldError('teamId', 'not_found', 'team not found')
  if (scope !== 'all' && teamId !== actor.teamId) throw teamNotFound()
  if (!(await repo.findTeam(trx, teamId))) throw teamNotFound()
}

/**
 * A team's leader: a user the editor may see, so a team-limited editor can only pick one of its
 * own team. A user out of reach answers exactly like an unknown id (never which ids exist).
 */
async function checkLeader(trx: Knex, actor: Actor, scope: DataScope, leaderId: string | null | undefined) {
  if (!leaderId) return
  if (!(await repo.findUser(trx, leaderId, visibility(actor, scope)))) throw fieldError('leaderId', 'not_found', 'leader not found')
}

export async function listUsers(ctx: ServiceContext, input: { page: number; pageSize: number; search?: string; includeDisabled: boolean }) {
  const scope = requirePerm(ctx.actor, 'users', 'view')
  const { rows, total } = await repo.pageUsers(ctx.db.knex, { ...input, search: input.search || undefined, vis: visibility(ctx.actor, scope) })
  return { items: rows.map(toUser), total, page: input.page, pageSize: input.pageSize }
}

/**
 * Owner pickers: enabled users within the actor's users.view scope. Someone without users
 * permissions (an account manager) can only pick themselves.
 */
export async function userOptions(ctx: ServiceContext) {
  const p = ctx.actor.permissions.users
  const scope: DataScope = p?.actions.includes('view') ? p.scope : 'own'
  const rows = await repo.enabledUsers(ctx.db.knex, visibility(ctx.actor, scope))
  return rows.map((r: { id: string; name: string; login: string; team_id: string | null; role_code: string }) => ({
    id: r.id, name: r.name, login: r.login, teamId: r.team_id ?? null, roleCode: r.role_code,
  }))
}

export async function getUser(ctx: ServiceContext, id: string): Promise<User> {
  const row = await repo.findUser(ctx.db.knex, id)
  if (!row) throw notFound('user', id)
  return toUser(row)
}

export async function createUser(
  ctx: ServiceContext,
  input: { login: string; name: string; password: string; roleId: string; teamId?: string | null; email?: string | null; phone?: string | null },
): Promise<User> {
  const scope = requirePerm(ctx.actor, 'users', 'create')
  if (scope === 'own') throw forbidden('users', 'create')
  const id = await ctx.db.knex.transaction(async (trx) => {
    const roleCode = await checkRole(trx, ctx.actor, scope, input.roleId)
    const teamId = input.teamId ?? (scope === 'all' ? null : ctx.actor.teamId)
    await checkTeam(trx, ctx.actor, scope, teamId)
    const email = blankToNull(input.email) ?? null
    const phone = blankToNull(input.phone) ?? null
    const userId = await insertUser(ctx, trx, { ...input, teamId, email, phone })
    await recordAudit(trx, ctx, {
      entity: 'user',
      entityId: userId,
      action: 'create',
      // the role once, by its code (fixed for life, readable in the log); the team by id
      changes: diff(null, { login: input.login, name: input.name, role: roleCode, teamId, email, phone }),
    })
    return userId
  })
  return getUser(ctx, id)
}

/**
 * Taken first by every change that may leave no enabled administrator (a new role, disabling):
 * two admins demoting each other at once run one after another, so the second one counts the
 * admins after the first committed and is refused (PostgreSQL and SQL Server row lock).
 */
const guardLastAdmin = (ctx: ServiceContext, trx: Knex) => repo.lockRole(trx, ctx.db.dialect, ADMIN_ROLE)

export async function updateUser(
  ctx: ServiceContext,
  input: { id: string; version: number; name?: string; roleId?: string; teamId?: string | null; email?: string | null; phone?: string | null; disabled?: boolean },
): Promise<User> {
  const scope = requirePerm(ctx.actor, 'users', 'edit')
  await ctx.db.knex.transaction(async (trx) => {
    if (input.roleId !== undefined || input.disabled !== undefined) await guardLastAdmin(ctx, trx)
    const row = await loadVisible(trx, ctx.actor, scope, input.id)
    if (Number(row.version) !== input.version) throw conflict('user', Number(row.version))
    await checkTarget(trx, ctx.actor, scope, row)
    const roleCode = input.roleId !== undefined && input.roleId !== row.role_id ? await checkRole(trx, ctx.actor, scope, input.roleId) : row.role_code
    if (input.teamId !== undefined && input.teamId !== row.team_id) await checkTeam(trx, ctx.actor, scope, input.teamId)
    const before = { name: row.name, role: row.role_code, teamId: row.team_id ?? null, email: row.email ?? null, phone: row.phone ?? null, disabled: toBool(row.disabled) }
    const after = {
      name: input.name,
      role: input.roleId !== undefined ? roleCode : undefined,
      teamId: input.teamId,
      email: blankToNull(input.email),
      phone: blankToNull(input.phone),
      disabled: input.disabled,
    }
    const changes = diff(before, after)
    if (Object.keys(changes).length === 0) return
    const disabled = after.disabled ?? before.disabled
    if (disabled && !before.disabled && input.id === ctx.actor.userId) {
      throw ruleError('users.errors.cannotDisableSelf', 'you cannot disable your own account')
    }
    const losesAdmin = before.role === ADMIN_ROLE && !before.disabled && (roleCode !== ADMIN_ROLE || disabled)
    if (losesAdmin && (await repo.countEnabledWithRole(trx, ADMIN_ROLE, input.id)) === 0) {
      throw ruleError('users.errors.lastAdmin', 'the last enabled administrator must keep the admin role')
    }
    const written = await repo.updateUserRow(trx, input.id, {
      name: after.name ?? before.name,
      role_id: input.roleId ?? row.role_id,
      team_id: after.teamId !== undefined ? after.teamId : before.teamId,
      email: after.email !== undefined ? after.email : before.email,
      phone: after.phone !== undefined ? after.phone : before.phone,
      disabled,
      updated_at: ctx.clock.now().toISOString(),
      version: await nextVersion(trx),
    }, input.version)
    // only while the user still has the version the edit is based on (a parallel edit answers conflict)
    if (!written) throw conflict('user')
    await recordAudit(trx, ctx, { entity: 'user', entityId: input.id, action: 'update', changes })
  })
  return getUser(ctx, input.id)
}

export async function resetPassword(ctx: ServiceContext, input: { id: string; password: string }) {
  const scope = requirePerm(ctx.actor, 'users', 'edit')
  const hash = await hashPassword(input.password)
  await ctx.db.knex.transaction(async (trx) => {
    await checkTarget(trx, ctx.actor, scope, await loadVisible(trx, ctx.actor, scope, input.id))
    const now = ctx.clock.now().toISOString()
    await repo.updateUserRow(trx, input.id, { password_hash: hash, updated_at: now, version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'user', entityId: input.id, action: 'update', changes: { passwordResetAt: [null, now] } })
  })
  return { ok: true as const }
}

export async function unlockUser(ctx: ServiceContext, input: { id: string }) {
  const scope = requirePerm(ctx.actor, 'users', 'edit')
  await ctx.db.knex.transaction(async (trx) => {
    const row = await loadVisible(trx, ctx.actor, scope, input.id)
    await checkTarget(trx, ctx.actor, scope, row)
    const changes = diff({ lockedUntil: toIso(row.locked_until), failedLogins: toNum(row.failed_logins) ?? 0 }, { lockedUntil: null, failedLogins: 0 })
    if (Object.keys(changes).length === 0) return
    await repo.updateUserRow(trx, input.id, { locked_until: null, failed_logins: 0, updated_at: ctx.clock.now().toISOString(), version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'user', entityId: input.id, action: 'update', changes })
  })
  return { ok: true as const }
}

// ---- teams -------------------------------------------------------------------------

export async function listTeams(ctx: ServiceContext): Promise<Team[]> {
  const scope = requirePerm(ctx.actor, 'users', 'view')
  if (scope !== 'all' && !ctx.actor.teamId) return []
  const rows = await repo.listTeams(ctx.db.knex, scope === 'all' ? undefined : ctx.actor.teamId!)
  return rows.map(toTeam)
}

export async function saveTeam(ctx: ServiceContext, input: { id?: string; version?: number; name: string; leaderId?: string | null }): Promise<Team> {
  const scope = requirePerm(ctx.actor, 'users', input.id ? 'edit' : 'create')
  if (scope !== 'all' && (!input.id || input.id !== ctx.actor.teamId)) {
    if (input.id) throw notFound('team', input.id)
    throw forbidden('users', 'create')
  }
  const id = await ctx.db.knex.transaction(async (trx) => {
    const existing = input.id ? await repo.findTeam(trx, input.id) : undefined
    if (input.id && !existing) throw notFound('team', input.id)
    if (existing && input.version !== undefined && input.version !== Number(existing.version)) throw conflict('team', Number(existing.version))
    const clash = await repo.findTeamByName(trx, input.name)
    if (clash && clash.id !== input.id) throw fieldError('name', 'duplicate', `team name already used: ${input.name}`)
    await checkLeader(trx, ctx.actor, scope, input.leaderId)
    const now = ctx.clock.now().toISOString()
    if (existing) {
      const changes = diff({ name: existing.name, leaderId: existing.leader_id ?? null }, { name: input.name, leaderId: input.leaderId })
      if (Object.keys(changes).length === 0) return existing.id
      const written = await repo.updateTeam(trx, existing.id, {
        name: input.name,
        leader_id: input.leaderId !== undefined ? input.leaderId : existing.leader_id,
        updated_at: now,
        version: await nextVersion(trx),
      }, input.version)
      if (!written) throw conflict('team') // changed by someone else since the version the edit is based on
      await recordAudit(trx, ctx, { entity: 'team', entityId: existing.id, action: 'update', changes })
      return existing.id
    }
    const teamId = newId()
    await repo.insertTeam(trx, { id: teamId, name: input.name, leader_id: input.leaderId ?? null, created_at: now, updated_at: now, version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'team', entityId: teamId, action: 'create', changes: diff(null, { name: input.name, leaderId: input.leaderId ?? null }) })
    return teamId
  })
  const [row] = await repo.listTeams(ctx.db.knex, id)
  return toTeam(row)
}
