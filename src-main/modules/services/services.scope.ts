// Who may see a ticket and who may do what with it (pure: decided on a loaded row).
// Visible: scope all; team — created by, handled by, or of a customer owned by a team member;
// own — created by, handled by, or of a customer owned by the caller.
// Acting:
//   edit, feedback, archive      services.edit, the ticket in the edit scope
//   assign                       services.assign, the ticket in the assign scope
//   handler's steps (notes, survey, quote, the customer's answer, withdraw, 已处理)
//                                services.edit and the caller is the handler, or a team/all
//                                edit scope covering the ticket (a supervisor writing on behalf)
//   decideQuote (批准/不批准)       services.approve, the ticket in the approve scope, and not the
//                                handler nor the one who made the quote (a second pair of eyes)
import type { Action, DataScope } from '../../contract/common'
import type { TicketAction } from '../../contract/services'
import type { Actor } from '../context'
import type { Row } from './services.repository'

const str = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())

/** The permission action each ticket action needs. */
export const PERM_OF: Record<TicketAction, Action> = {
  edit: 'edit',
  assign: 'assign',
  addNote: 'edit',
  survey: 'edit',
  quote: 'edit',
  confirmQuote: 'edit',
  declineQuote: 'edit',
  decideQuote: 'approve',
  withdrawQuote: 'edit',
  handle: 'edit',
  feedback: 'edit',
  archive: 'edit',
}

const HANDLER_STEPS = new Set<TicketAction>(['addNote', 'survey', 'quote', 'confirmQuote', 'declineQuote', 'withdrawQuote', 'handle'])

export function ticketInScope(actor: Actor, scope: DataScope, r: Row): boolean {
  if (scope === 'all') return true
  const me = actor.userId.toLowerCase()
  if ([r.created_by, r.assigned_to, r.customer_owner_id].some((v) => str(v) === me)) return true
  const team = str(actor.teamId)
  return scope === 'team' && !!team && [r.creator_team_id, r.handler_team_id, r.customer_owner_team_id].some((v) => str(v) === team)
}

/** Whether the caller's role and scope allow `action` on this ticket (its state aside). */
export function mayDo(actor: Actor, action: TicketAction, r: Row): boolean {
  const p = actor.permissions.services
  const perm = PERM_OF[action]
  if (!p || !p.actions.includes(perm)) return false
  const me = actor.userId.toLowerCase()
  if (HANDLER_STEPS.has(action)) return str(r.assigned_to) === me || (p.scope !== 'own' && ticketInScope(actor, p.scope, r))
  if (action === 'decideQuote') return ticketInScope(actor, p.scope, r) && str(r.assigned_to) !== me && str(r.quote_by) !== me
  return ticketInScope(actor, p.scope, r)
}
