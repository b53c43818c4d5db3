// Permission checks every service runs first: module action + data scope (own/team/all),
// always from the session's actor, never from what the renderer sends.
import type { Knex } from 'knex'
import type { Action, DataScope, PermModule } from '../../contract/common'
import type { Actor } from '../context'
import { forbidden, notFound } from '../../shared/errors'

export function can(actor: Actor, module: PermModule, action: Action): boolean {
  return actor.permissions[module]?.actions.includes(action) ?? false
}

/** Throws `forbidden` unless the actor may do `action` in `module`; returns the data scope. */
export function requirePerm(actor: Actor, module: PermModule, action: Action): DataScope {
  const p = actor.permissions[module]
  if (!p || !p.actions.includes(action)) throw forbidden(module, action)
  return p.scope
}

/** Restricts a query to the rows the scope allows (ownerCol holds the owning user id). */
export function applyScope(q: Knex.QueryBuilder, knex: Knex, actor: Actor, scope: DataScope, ownerCol = 'owner_id') {
  if (scope === 'all') return q
  if (scope === 'team' && actor.teamId) {
    return q.whereIn(ownerCol, knex('users').select('id').where('team_id', actor.teamId))
  }
  return q.where(ownerCol, actor.userId)
}

/** Whether a single row owned by `ownerId` (in `ownerTeamId`) is inside the scope. */
export function inScope(actor: Actor, scope: DataScope, ownerId: string | null, ownerTeamId: string | null): boolean {
  if (scope === 'all') return true
  if (ownerId === actor.userId) return true
  return scope === 'team' && !!actor.teamId && ownerTeamId === actor.teamId
}

/**
 * Loads the owner (and the owner's team) of a row and checks it against the scope.
 * Out-of-scope rows answer `not_found`, so a rep cannot even learn they exist.
 */
export async function assertRowInScope(
  knex: Knex,
  actor: Actor,
  scope: DataScope,
  table: string,
  id: string,
  what: string,
): Promise<{ owner_id: string | null }> {
  const row = await knex(table)
    .leftJoin('users as scope_owner', 'scope_owner.id', `${table}.owner_id`)
    .where(`${table}.id`, id)
    .whereNull(`${table}.deleted_at`)
    .first(`${table}.owner_id as owner_id`, 'scope_owner.team_id as owner_team_id')
  if (!row || !inScope(actor, scope, row.owner_id, row.owner_team_id)) throw notFound(what, id)
  return row
}
