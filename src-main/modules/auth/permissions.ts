// Permission checks every service runs first: module action + data scope (own/team/all),
// always from the session's actor, never from what the renderer sends.
import type { Knex } from 'knex'
import type { Action, DataScope, PermModule } from '../../contract/common'
import type { Actor } from '../context'
import { forbidden, notFound } from '../../shared/errors'
import { countLiveOwnedByTeam, findRowOwner, outsideTeamFilter, whereOwnerInTeam, whereOwnerIs, type RowOwner } from './scope.repository'

export function can(actor: Actor, module: PermModule, action: Action): boolean {
  return actor.permissions[module]?.actions.includes(action) ?? false
}

/** Throws `forbidden` unless the actor may do `action` in `module`; returns the data scope. */
export function requirePerm(actor: Actor, module: PermModule, action: Action): DataScope {
  const p = actor.permissions[module]
  if (!p || !p.actions.includes(action)) throw forbidden(module, action)
  return p.scope
}

const SCOPE_RANK: Record<DataScope, number> = { own: 0, team: 1, all: 2 }

/** The narrower of two data scopes (a permission's scope capped by another's, e.g. a report's by its list's). */
export const narrowerScope = (a: DataScope, b: DataScope): DataScope => (SCOPE_RANK[a] <= SCOPE_RANK[b] ? a : b)

/** A list's scope: the permission's, narrowed to the one a link asks for (a 工作台 card's), never widened. */
export const askedScope = (scope: DataScope, asked: DataScope | undefined): DataScope => (asked ? narrowerScope(scope, asked) : scope)

/** Restricts a query to the rows the scope allows (ownerCol holds the owning user id). */
export function applyScope(q: Knex.QueryBuilder, knex: Knex, actor: Actor, scope: DataScope, ownerCol: string | Knex.Raw = 'owner_id') {
  if (scope === 'all') return q
  if (scope === 'team' && actor.teamId) {
    return whereOwnerInTeam(q, knex, ownerCol, actor.teamId)
  }
  return whereOwnerIs(q, ownerCol, actor.userId)
}

/**
 * For counts over a team scope that the whole table answers cheaply (an index range) while a
 * per-row path costs in proportion to the rows in scope: when the team owns most of the live rows
 * of `table`, the rows outside it (outsideTeamScope) are fewer, and
 * "in the team" = "all" − "outside the team" is exact (live rows are either). Answers the
 * team id to subtract with, or null when the scope is not a team's or the team owns half or less.
 */
export async function teamHoldsMost(knex: Knex, actor: Actor, scope: DataScope, table = 'customers'): Promise<string | null> {
  if (scope !== 'team' || !actor.teamId) return null
  const teamId = actor.teamId
  // asked once per request (the actor is loaded per call): the 工作台's cards each ask it
  const asked = holdsMostAsked.get(actor) ?? new Map<string, Promise<boolean>>()
  holdsMostAsked.set(actor, asked)
  let holds = asked.get(table)
  if (!holds) asked.set(table, (holds = countLiveOwnedByTeam(knex, table, teamId).then(({ inside, total }) => inside * 2 > total)))
  return (await holds) ? teamId : null
}
/** Only the path a count takes depends on it (both paths are exact), so a stale answer is no error. */
const holdsMostAsked = new WeakMap<Actor, Map<string, Promise<boolean>>>()

/**
 * The complement of applyScope's team scope — rows owned by no one (公海) or by another team's
 * users — with the users outside the team looked up once: the filter it answers reads the owner
 * column's index ranges (owner is null, owner in those users) instead of every row.
 */
export const outsideTeamScope = (knex: Knex, teamId: string) => outsideTeamFilter(knex, teamId)

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
  const row = await findRowOwner(knex, table, id)
  if (!row || !inScope(actor, scope, row.owner_id, row.owner_team_id)) throw notFound(what, id)
  return row
}

/** The owner (and team) of a row, deleted or not, for checks that weigh more than one scope. */
export const loadRowOwner = (knex: Knex, table: string, id: string): Promise<RowOwner | undefined> => findRowOwner(knex, table, id, { withDeleted: true })
