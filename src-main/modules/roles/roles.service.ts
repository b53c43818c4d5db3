// 角色与权限: roles are data. Saving a role replaces its permission rows in the same
// transaction; system roles and roles still held by users cannot be removed, and the
// admin role keeps the right to edit roles so nobody can lock the administrators out.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import { Action, PermModule } from '../../contract/common'
import type { Role, RolePermission } from '../../contract/roles'
import { AppError, conflict, fieldError, notFound, ruleError } from '../../shared/errors'
import { toBool, toNum } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import { diff, recordAudit, type Changes } from '../audit/audit.service'
import * as repo from './roles.repository'

const ACTION_ORDER: readonly string[] = Action.options
const MODULE_ORDER: readonly string[] = PermModule.options

function toPermission(p: repo.RolePermissionRow): RolePermission {
  const actions = String(p.actions).split(',').filter((a) => ACTION_ORDER.includes(a))
  return { module: p.module as RolePermission['module'], actions: actions as RolePermission['actions'], scope: p.scope as RolePermission['scope'] }
}

const byModule = (a: { module: string }, b: { module: string }) => MODULE_ORDER.indexOf(a.module) - MODULE_ORDER.indexOf(b.module)

function toRole(r: repo.RoleRow, perms: repo.RolePermissionRow[]): Role {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en ?? null,
    description: r.description ?? null,
    isSystem: toBool(r.is_system),
    userCount: toNum(r.user_count) ?? 0,
    permissions: perms.filter((p) => p.role_id === r.id && MODULE_ORDER.includes(p.module)).map(toPermission).sort(byModule),
    version: Number(r.version ?? 0),
  }
}

async function loadRoles(ctx: ServiceContext, onlyId?: string): Promise<Role[]> {
  const k = ctx.db.knex
  const rows = await repo.listRoles(k, onlyId)
  const perms = await repo.permissionsOf(k, rows.map((r) => r.id))
  return rows.map((r) => toRole(r, perms))
}

export async function listRoles(ctx: ServiceContext): Promise<Role[]> {
  requirePerm(ctx.actor, 'roles', 'view')
  return loadRoles(ctx)
}

/** One entry per module, actions de-duplicated in a stable order; empty entries dropped. */
function normalisePermissions(perms: RolePermission[]): RolePermission[] {
  const seen = new Set<string>()
  perms.forEach((p, i) => {
    if (seen.has(p.module)) throw fieldError(`permissions.${i}.module`, 'duplicate', `module listed twice: ${p.module}`)
    seen.add(p.module)
  })
  return perms
    .map((p) => ({ ...p, actions: ACTION_ORDER.filter((a) => p.actions.includes(a as RolePermission['actions'][number])) as RolePermission['actions'] }))
    .filter((p) => p.actions.length > 0)
    .sort(byModule)
}

const permText = (p: RolePermission | undefined) => (p ? `${p.actions.join(',')}/${p.scope}` : null)

/** Audit changes per module: "permissions.customers": ["view,edit/own", "view/team"]. */
function permissionChanges(before: RolePermission[], after: RolePermission[]): Changes {
  const out: Changes = {}
  for (const m of MODULE_ORDER) {
    const a = permText(before.find((p) => p.module === m))
    const b = permText(after.find((p) => p.module === m))
    if (a !== b) out[`permissions.${m}`] = [a, b]
  }
  return out
}

export async function saveRole(
  ctx: ServiceContext,
  input: { id?: string; version?: number; code?: string; name: string; nameEn?: string | null; description?: string | null; permissions: RolePermission[] },
): Promise<Role> {
  requirePerm(ctx.actor, 'roles', input.id ? 'edit' : 'create')
  const permissions = normalisePermissions(input.permissions)
  const fields = { name: input.name, nameEn: input.nameEn || null, description: input.description || null }
  const id = await ctx.db.knex.transaction(async (trx) => {
    const clash = await repo.findRoleByName(trx, input.name)
    if (clash && clash.id !== input.id) throw fieldError('name', 'duplicate', `role name already used: ${input.name}`)
    const now = ctx.clock.now().toISOString()
    const permRows = (roleId: string) => permissions.map((p) => ({ id: newId(), role_id: roleId, module: p.module, actions: p.actions.join(','), scope: p.scope }))
    if (input.id) {
      const row = await repo.findActiveRole(trx, input.id)
      if (!row) throw notFound('role', input.id)
      if (input.version !== undefined && input.version !== Number(row.version)) throw conflict('role', Number(row.version))
      if (input.code !== undefined && input.code !== row.code) throw fieldError('code', 'immutable', 'a role code cannot be changed')
      if (row.code === 'admin') {
        const roles = permissions.find((p) => p.module === 'roles')
        if (!roles || roles.scope !== 'all' || !roles.actions.includes('view') || !roles.actions.includes('edit')) {
          throw ruleError('roles.errors.adminLockout', 'the admin role must keep viewing and editing roles')
        }
      }
      const oldPerms = (await repo.permissionsOf(trx, [row.id])).map(toPermission)
      const changes = {
        ...diff({ name: row.name, nameEn: row.name_en ?? null, description: row.description ?? null }, fields),
        ...permissionChanges(oldPerms, permissions),
      }
      if (Object.keys(changes).length === 0) return row.id
      const patch = { name: fields.name, name_en: fields.nameEn, description: fields.description, updated_at: now, version: await nextVersion(trx) }
      // only while the role still has the version the edit is based on (a parallel edit answers conflict)
      if (!(await repo.updateRole(trx, row.id, patch, input.version))) throw conflict('role')
      await repo.deletePermissions(trx, row.id)
      await repo.insertPermissions(trx, ctx.db.dialect, permRows(row.id))
      await recordAudit(trx, ctx, { entity: 'role', entityId: row.id, action: 'update', changes })
      return row.id
    }
    if (!input.code) throw fieldError('code', 'required', 'a new role needs a code')
    if (await repo.findRoleByCodeAny(trx, input.code)) throw fieldError('code', 'duplicate', `role code already used: ${input.code}`)
    const roleId = newId()
    await repo.insertRole(trx, {
      id: roleId, code: input.code, name: fields.name, name_en: fields.nameEn, description: fields.description,
      is_system: false, created_at: now, updated_at: now, version: await nextVersion(trx),
    })
    await repo.insertPermissions(trx, ctx.db.dialect, permRows(roleId))
    await recordAudit(trx, ctx, {
      entity: 'role',
      entityId: roleId,
      action: 'create',
      changes: { ...diff(null, { code: input.code, ...fields }), ...permissionChanges([], permissions) },
    })
    return roleId
  })
  const [role] = await loadRoles(ctx, id)
  return role
}

export async function removeRole(ctx: ServiceContext, input: { id: string }) {
  requirePerm(ctx.actor, 'roles', 'delete')
  await ctx.db.knex.transaction(async (trx) => {
    const row = await repo.findActiveRole(trx, input.id)
    if (!row) throw notFound('role', input.id)
    if (toBool(row.is_system)) throw ruleError('roles.errors.system', `a system role cannot be removed: ${row.code}`, { code: row.code })
    const users = await repo.countRoleUsers(trx, row.id)
    if (users > 0) throw new AppError('in_use', `role is held by ${users} user(s)`, { key: 'roles.errors.inUse', params: { users } })
    const now = ctx.clock.now().toISOString()
    await repo.updateRole(trx, row.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) })
    await repo.deletePermissions(trx, row.id)
    await recordAudit(trx, ctx, { entity: 'role', entityId: row.id, action: 'delete', changes: { code: [row.code, null], name: [row.name, null] } })
  })
  return { ok: true as const }
}

// ---- for the users module ---------------------------------------------------------------------------

/** A live role by id (who may grant it is the users module's rule). */
export const findActiveRole = (db: Knex, id: string) => repo.findActiveRole(db, id)

/** The permission rows of some roles. */
export const permissionsOf = (db: Knex, roleIds: string[]) => repo.permissionsOf(db, roleIds)
