// Who may see and change an interaction. Visible: the records of the customers in the caller's
// scope (by the customer's current owner: a 客户经理 sees his own customers' records).
// Editable: own records; a team scope also the team's (by author or customer owner); an all
// scope every record.
import type { Knex } from 'knex'
import type { Actor } from '../context'
import type { DataScope } from '../../contract/common'
import { forbidden, notFound } from '../../shared/errors'
import { applyScope, inScope, requirePerm } from '../auth/permissions'
import { findInteraction, type Row } from './interactions.repository'

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

/** Restricts interactions (joined to their customers as c) to what the caller may see. */
export const visibleInteractions = (q: Knex.QueryBuilder, k: Knex, actor: Actor, scope: DataScope) => applyScope(q, k, actor, scope, 'c.owner_id')

export const canSee = (actor: Actor, scope: DataScope, r: Row) => inScope(actor, scope, str(r.customer_owner_id), str(r.customer_owner_team_id))

/** Own records always; a team scope also the team's (by author or customer owner); all scope everything. */
export function canModify(actor: Actor, scope: DataScope, r: Row): boolean {
  if (scope === 'all' || r.created_by === actor.userId) return true
  return scope === 'team' && !!actor.teamId && (r.author_team_id === actor.teamId || r.customer_owner_team_id === actor.teamId)
}

export async function loadVisible(db: Knex, actor: Actor, scope: DataScope, id: string): Promise<Row> {
  const r = await findInteraction(db, id)
  if (!r || !canSee(actor, scope, r)) throw notFound('interaction', id)
  return r
}

/** The record, checked for an edit/delete by the caller (visible, and own unless the scope is wider). */
export async function loadModifiable(db: Knex, actor: Actor, action: 'edit' | 'delete', id: string): Promise<Row> {
  const scope = requirePerm(actor, 'interactions', action)
  const r = await loadVisible(db, actor, scope, id)
  if (!canModify(actor, scope, r)) throw forbidden('interactions', action)
  return r
}
