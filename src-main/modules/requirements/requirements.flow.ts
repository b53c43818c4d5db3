// The 客户需求单 state machine (客户需求确认管理流程): which step may follow which, who may take
// it, and when an edit is a 需求变更. Pure: the service loads, checks with these and writes.
//
//   received 已接收 ─organise→ organising 整理 ─startReview→ reviewing 评议 ─report→ reported 报告
//   ─approve→ approved 已批准 ─confirm→ confirmed 客户确认 ─start→ in_progress 进行中 ─finish→ done 已完成
//   reject (with a reason) from any step before the work starts → rejected 已拒绝
import type { Action } from '../../contract/common'
import { REQUIREMENT_ACTIONS, type RequirementAction, type RequirementStatus } from '../../contract/requirements'
import { ruleError } from '../../shared/errors'

/** The states each action may start from. */
export const FROM: Record<RequirementAction, readonly RequirementStatus[]> = {
  edit: ['received', 'organising', 'reviewing', 'reported', 'approved', 'confirmed', 'in_progress'],
  organise: ['received'],
  startReview: ['organising'],
  review: ['reviewing'],
  report: ['reviewing'],
  approve: ['reported'],
  reject: ['received', 'organising', 'reviewing', 'reported', 'approved'],
  confirm: ['approved'],
  start: ['confirmed'],
  finish: ['in_progress'],
  remove: ['received', 'organising', 'reviewing', 'reported'],
}

/** The state an action leads to (edit, review and remove keep it). */
export const TO: Partial<Record<RequirementAction, RequirementStatus>> = {
  organise: 'organising',
  startReview: 'reviewing',
  report: 'reported',
  approve: 'approved',
  reject: 'rejected',
  confirm: 'confirmed',
  start: 'in_progress',
  finish: 'done',
}

/** The permission action (module requirements) each step needs. */
export const PERMISSION: Record<RequirementAction, Action> = {
  edit: 'edit',
  organise: 'edit',
  startReview: 'edit',
  review: 'edit',
  report: 'edit',
  approve: 'approve',
  reject: 'approve',
  confirm: 'edit',
  start: 'edit',
  finish: 'edit',
  remove: 'delete',
}

export const canTake = (status: RequirementStatus, action: RequirementAction) => FROM[action].includes(status)

/** The state after `action`, or a `rule` error naming both when the sheet's state does not allow it. */
export function nextStatus(status: RequirementStatus, action: RequirementAction): RequirementStatus {
  if (!canTake(status, action)) {
    throw ruleError('requirements.errors.illegalTransition', `a requirement in state ${status} cannot ${action}`, { status, action })
  }
  return TO[action] ?? status
}

/** After approval (until done) every change of a tracked field is a 需求变更 and needs a reason. */
export const changesNeedReason = (status: RequirementStatus) => status === 'approved' || status === 'confirmed' || status === 'in_progress'

/** The actions the state allows, narrowed to those the caller holds the permission for. */
export function allowedActions(status: RequirementStatus, has: (a: Action) => boolean): RequirementAction[] {
  return REQUIREMENT_ACTIONS.filter((a) => canTake(status, a) && has(PERMISSION[a]))
}

/** 报告 only once every asked department has answered: the ones still missing. */
export function missingReviews(asked: string[], answered: string[]): string[] {
  const done = new Set(answered)
  return asked.filter((d) => !done.has(d))
}

/**
 * Days a sheet's finish is late, on `today` (YYYY-MM-DD): actual finish − planned finish once
 * finished, today − planned finish while open; never negative; 0 without a planned finish and
 * for a rejected sheet. (The list computes the same in SQL: requirements.repository delayExpr.)
 */
export function delayDays(r: { status: RequirementStatus; plannedFinish: string | null; actualFinish: string | null }, today: string): number {
  if (!r.plannedFinish || r.status === 'rejected') return 0
  const end = r.actualFinish ?? (r.status === 'done' ? null : today)
  if (!end) return 0
  const days = Math.round((Date.parse(end + 'T00:00:00Z') - Date.parse(r.plannedFinish + 'T00:00:00Z')) / 86_400_000)
  return Math.max(0, days)
}
