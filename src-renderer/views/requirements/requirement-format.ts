// Shared bits of the requirement screens: tag colours, the flow's steps, and error texts whose
// parameters (state, step) are shown in words.
import type { RequirementPriority, RequirementStatus } from '@contract/requirements'
import { ApiCallError } from '../../api/client'
import { errorMessage, type FieldLabels, type Translate } from '../../api/errors'

export const STATUS_TAG: Record<RequirementStatus, 'info' | 'primary' | 'warning' | 'success' | 'danger'> = {
  received: 'info',
  organising: 'info',
  reviewing: 'warning',
  reported: 'warning',
  approved: 'primary',
  confirmed: 'primary',
  in_progress: 'primary',
  done: 'success',
  rejected: 'danger',
}

export const PRIORITY_TAG: Record<RequirementPriority, 'danger' | 'warning' | 'info'> = { high: 'danger', medium: 'warning', low: 'info' }

/** The flow's steps as the sheet shows them (el-steps), without 已拒绝. */
export const FLOW: RequirementStatus[] = ['received', 'organising', 'reviewing', 'reported', 'approved', 'confirmed', 'in_progress', 'done']

/** The flow steps that need input (a dialog). */
export type StepAction = 'startReview' | 'review' | 'report' | 'approve' | 'reject' | 'confirm' | 'start' | 'finish'

export const STATUSES: RequirementStatus[] = [...FLOW, 'rejected']
export const PRIORITIES: RequirementPriority[] = ['high', 'medium', 'low']

/** errorMessage, with the state machine's codes in words ("已接收", "批准"). */
export function requirementError(e: unknown, t: Translate, labels?: FieldLabels): string {
  if (e instanceof ApiCallError && e.error.key === 'requirements.errors.illegalTransition' && e.error.params) {
    const p = e.error.params
    const copy = new ApiCallError({
      ...e.error,
      params: { ...p, status: t(`requirements.statuses.${String(p.status)}`), action: t(`requirements.actions.${String(p.action)}`) },
    })
    return errorMessage(copy, t, labels)
  }
  return errorMessage(e, t, labels)
}
