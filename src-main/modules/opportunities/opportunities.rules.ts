// The opportunity state machine (specification 3.1): who may do what in which status. Pure:
// the service asks it before every write, list rows and cards carry its answer (`can`) so the
// UI offers only what the service will accept. The caller has already checked the data scope.
//
//   未分配 unassigned ──指派──▶ 已指派 assigned ──开发成功──▶ won
//        ▲  edit, delete          │  plan, track, reassign   └──开发失败──▶ lost (with a reason)
//        └─ created here          ▼
// - edit (表1 fields): opportunities.edit, only while unassigned (3.1.1.2.1).
// - delete: opportunities.delete, only while unassigned, only by its creator (3.1.1.3.1).
// - assign: opportunities.assign (销售主管), while unassigned — or assigned, to hand it over.
// - track (stage, probability, expected amount, close date): opportunities.edit while open;
//   once assigned only its 客户经理 or someone with assign (the supervisor).
// - plan (steps, 执行效果) and close (成功/失败): opportunities.edit, only while assigned, by its
//   客户经理 or a supervisor (opportunities.assign).
import type { Action } from '../../contract/common'
import type { OpportunityCan, OpportunityStatus } from '../../contract/opportunities'
import type { Actor } from '../context'
import { forbidden, ruleError, type AppError } from '../../shared/errors'

export type OpportunityAction = keyof OpportunityCan

export interface OpportunityFacts {
  status: OpportunityStatus
  createdBy: string
  assignedTo: string | null
}

/** The permission action each opportunity action needs. */
export const PERMISSION_OF: Record<OpportunityAction, Action> = {
  edit: 'edit', remove: 'delete', assign: 'assign', track: 'edit', plan: 'edit', close: 'edit',
}

const has = (actor: Pick<Actor, 'permissions'>, action: Action) => actor.permissions.opportunities?.actions.includes(action) ?? false
const isOpen = (s: OpportunityStatus) => s === 'unassigned' || s === 'assigned'

/** Why `actor` may not do `action` with the opportunity; null when it may. */
export function refusal(actor: Pick<Actor, 'userId' | 'permissions'>, o: OpportunityFacts, action: OpportunityAction): AppError | null {
  const perm = PERMISSION_OF[action]
  if (!has(actor, perm)) return forbidden('opportunities', perm)
  if (!isOpen(o.status)) return ruleError('opportunities.errors.closed', 'the opportunity is closed: its result is read-only', { status: o.status })
  const handler = o.assignedTo === actor.userId || has(actor, 'assign')
  switch (action) {
    case 'edit':
      return o.status === 'unassigned' ? null : ruleError('opportunities.errors.notUnassigned', 'only an unassigned opportunity can be edited')
    case 'remove':
      if (o.status !== 'unassigned') return ruleError('opportunities.errors.deleteNotUnassigned', 'only an unassigned opportunity can be deleted')
      return o.createdBy === actor.userId ? null : ruleError('opportunities.errors.notCreator', 'only its creator can delete an opportunity')
    case 'assign':
      return null
    case 'track':
      return o.status === 'unassigned' || handler ? null : ruleError('opportunities.errors.notAssignee', 'only its account manager or a supervisor can do this')
    case 'plan':
    case 'close':
      if (o.status !== 'assigned') return ruleError('opportunities.errors.notAssigned', 'assign the opportunity first')
      return handler ? null : ruleError('opportunities.errors.notAssignee', 'only its account manager or a supervisor can do this')
  }
}

/** Throws the refusal, if any. */
export function assertAllowed(actor: Pick<Actor, 'userId' | 'permissions'>, o: OpportunityFacts, action: OpportunityAction): void {
  const e = refusal(actor, o, action)
  if (e) throw e
}

/** Every action at once, for list rows and cards. */
export function allowedActions(actor: Pick<Actor, 'userId' | 'permissions'>, o: OpportunityFacts): OpportunityCan {
  const can = (a: OpportunityAction) => refusal(actor, o, a) === null
  return { edit: can('edit'), remove: can('remove'), assign: can('assign'), track: can('track'), plan: can('plan'), close: can('close') }
}

/**
 * The probability after a change of stage: the one the user typed, else the new stage's
 * default, else the current one.
 */
export function probabilityFor(input: { typed?: number | null; stageChanged: boolean; stageDefault: number | null; current: number }): number {
  if (input.typed !== undefined && input.typed !== null) return input.typed
  if (input.stageChanged && input.stageDefault !== null) return input.stageDefault
  return input.current
}
