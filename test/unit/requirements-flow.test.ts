// The 客户需求单 state machine: the only way through is 已接收 → 整理 → 评议 → 报告 → 批准 →
// 客户确认 → 进行中 → 已完成, rejection only before the work starts, who may take each step,
// when a change needs a reason, the report waiting for every department, and the delay in days.
import { describe, expect, it } from 'vitest'
import { REQUIREMENT_ACTIONS, REQUIREMENT_STATUSES, type RequirementAction, type RequirementStatus } from '../../src-main/contract/requirements'
import { allowedActions, canTake, changesNeedReason, delayDays, missingReviews, nextStatus, PERMISSION } from '../../src-main/modules/requirements/requirements.flow'
import { AppError } from '../../src-main/shared/errors'

const HAPPY: Array<[RequirementAction, RequirementStatus]> = [
  ['organise', 'organising'], ['startReview', 'reviewing'], ['review', 'reviewing'], ['report', 'reported'], ['approve', 'approved'],
  ['confirm', 'confirmed'], ['start', 'in_progress'], ['finish', 'done'],
]

describe('requirement flow', () => {
  it('walks the happy path from 已接收 to 已完成', () => {
    let s: RequirementStatus = 'received'
    for (const [action, to] of HAPPY) {
      s = nextStatus(s, action)
      expect(s).toBe(to)
    }
  })

  it('allows each step only from its state and refuses the rest with a translated rule error', () => {
    const legal = new Set(['received:organise', 'organising:startReview', 'reviewing:review', 'reviewing:report', 'reported:approve', 'approved:confirm', 'confirmed:start', 'in_progress:finish'])
    for (const s of REQUIREMENT_STATUSES) {
      for (const a of REQUIREMENT_ACTIONS) {
        if (a === 'edit' || a === 'reject' || a === 'remove') continue
        if (legal.has(`${s}:${a}`)) expect(nextStatus(s, a)).toBeTruthy()
        else {
          let err: unknown
          try {
            nextStatus(s, a)
          } catch (e) {
            err = e
          }
          expect(err, `${s} → ${a}`).toBeInstanceOf(AppError)
          expect((err as AppError).toApi()).toMatchObject({ code: 'rule', key: 'requirements.errors.illegalTransition', params: { status: s, action: a } })
        }
      }
    }
  })

  it('rejects only before the work starts, edits until done, deletes only before approval', () => {
    expect(REQUIREMENT_STATUSES.filter((s) => canTake(s, 'reject'))).toEqual(['received', 'organising', 'reviewing', 'reported', 'approved'])
    expect(nextStatus('approved', 'reject')).toBe('rejected')
    expect(REQUIREMENT_STATUSES.filter((s) => !canTake(s, 'edit'))).toEqual(['done', 'rejected'])
    expect(REQUIREMENT_STATUSES.filter((s) => canTake(s, 'remove'))).toEqual(['received', 'organising', 'reviewing', 'reported'])
  })

  it('needs a reason for changes from approval until done', () => {
    expect(REQUIREMENT_STATUSES.filter(changesNeedReason)).toEqual(['approved', 'confirmed', 'in_progress'])
  })

  it('names the permission of each step: approval and rejection are the supervisor\'s', () => {
    expect(PERMISSION.approve).toBe('approve')
    expect(PERMISSION.reject).toBe('approve')
    expect(PERMISSION.remove).toBe('delete')
    const manager = (a: string) => ['view', 'create', 'edit'].includes(a)
    expect(allowedActions('reported', manager)).toEqual(['edit'])
    expect(allowedActions('reported', () => true)).toEqual(['edit', 'approve', 'reject', 'remove'])
    expect(allowedActions('done', () => true)).toEqual([])
  })

  it('reports only when every asked department has answered', () => {
    expect(missingReviews(['q', 'p', 'b'], ['p'])).toEqual(['q', 'b'])
    expect(missingReviews(['q'], ['q', 'x'])).toEqual([])
  })

  it('counts the delay of the finish in days', () => {
    const today = '2026-03-20'
    expect(delayDays({ status: 'in_progress', plannedFinish: '2026-03-10', actualFinish: null }, today)).toBe(10)
    expect(delayDays({ status: 'in_progress', plannedFinish: '2026-03-25', actualFinish: null }, today)).toBe(0)
    expect(delayDays({ status: 'done', plannedFinish: '2026-03-10', actualFinish: '2026-03-12' }, today)).toBe(2)
    expect(delayDays({ status: 'done', plannedFinish: '2026-03-10', actualFinish: '2026-03-01' }, today)).toBe(0)
    expect(delayDays({ status: 'rejected', plannedFinish: '2026-01-01', actualFinish: null }, today)).toBe(0)
    expect(delayDays({ status: 'received', plannedFinish: null, actualFinish: null }, today)).toBe(0)
    // across a month and a leap day
    expect(delayDays({ status: 'approved', plannedFinish: '2028-02-27', actualFinish: null }, '2028-03-01')).toBe(3)
  })
})
