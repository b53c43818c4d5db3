// The opportunity state machine of specification 3.1, every rule: edit only while 未分配;
// delete only while 未分配 and only by the creator; 指派 by the holder of assign while open;
// plan and close only while 已指派, by its 客户经理 or a supervisor; tracking (stage, probability,
// amount, close date) while open; nothing after 开发成功/开发失败; permission checked first.
import { describe, expect, it } from 'vitest'
import type { Action } from '../../src-main/contract/common'
import type { OpportunityStatus } from '../../src-main/contract/opportunities'
import { allowedActions, assertAllowed, probabilityFor, refusal, type OpportunityAction } from '../../src-main/modules/opportunities/opportunities.rules'

const MANAGER: Action[] = ['view', 'create', 'edit', 'delete']
const SUPERVISOR: Action[] = ['view', 'create', 'edit', 'delete', 'assign']
const who = (userId: string, actions: Action[]) => ({ userId, permissions: { opportunities: { actions, scope: 'own' as const } } })
const mgr = who('mgr', MANAGER)
const other = who('other', MANAGER)
const sup = who('sup', SUPERVISOR)
const viewer = who('exec', ['view'])
const opp = (status: OpportunityStatus, createdBy = 'mgr', assignedTo: string | null = status === 'unassigned' ? null : 'mgr') => ({ status, createdBy, assignedTo })

const keyOf = (actor: typeof mgr, o: ReturnType<typeof opp>, a: OpportunityAction) => {
  const e = refusal(actor, o, a)
  return e === null ? 'ok' : e.code === 'forbidden' ? 'forbidden' : e.extra.key
}

describe('opportunity rules', () => {
  it('未分配: the creator edits, deletes and tracks; no plan, no close; assign only with the permission', () => {
    const o = opp('unassigned')
    expect(allowedActions(mgr, o)).toEqual({ edit: true, remove: true, assign: false, track: true, plan: false, close: false })
    expect(keyOf(mgr, o, 'assign')).toBe('forbidden')
    expect(keyOf(mgr, o, 'plan')).toBe('opportunities.errors.notAssigned')
    expect(keyOf(mgr, o, 'close')).toBe('opportunities.errors.notAssigned')
    expect(allowedActions(sup, o)).toEqual({ edit: true, remove: false, assign: true, track: true, plan: false, close: false })
  })

  it('only its creator deletes it (3.1.1.3.1), even a supervisor may not', () => {
    expect(keyOf(sup, opp('unassigned'), 'remove')).toBe('opportunities.errors.notCreator')
    expect(keyOf(other, opp('unassigned'), 'remove')).toBe('opportunities.errors.notCreator')
    expect(keyOf(sup, opp('unassigned', 'sup'), 'remove')).toBe('ok')
  })

  it('已指派: nobody edits or deletes it; its 客户经理 and the supervisor plan, track and close; the supervisor reassigns', () => {
    const o = opp('assigned', 'sup', 'mgr')
    for (const actor of [mgr, sup, other]) {
      expect(keyOf(actor, o, 'edit')).toBe('opportunities.errors.notUnassigned')
      expect(keyOf(actor, o, 'remove')).toBe('opportunities.errors.deleteNotUnassigned')
    }
    expect(keyOf(who('sup', SUPERVISOR), opp('assigned', 'sup', 'mgr'), 'remove')).toBe('opportunities.errors.deleteNotUnassigned')
    expect(allowedActions(mgr, o)).toEqual({ edit: false, remove: false, assign: false, track: true, plan: true, close: true })
    expect(allowedActions(sup, o)).toEqual({ edit: false, remove: false, assign: true, track: true, plan: true, close: true })
    for (const a of ['track', 'plan', 'close'] as const) expect(keyOf(other, o, a)).toBe('opportunities.errors.notAssignee')
  })

  it.each(['won', 'lost'] as const)('%s: the result is read-only for everyone', (status) => {
    const o = opp(status, 'mgr', 'mgr')
    for (const actor of [mgr, sup]) {
      expect(allowedActions(actor, o)).toEqual({ edit: false, remove: false, assign: false, track: false, plan: false, close: false })
      for (const a of ['edit', 'remove', 'assign', 'track', 'plan', 'close'] as const) {
        if (a === 'assign' && actor === mgr) continue
        expect(keyOf(actor, o, a)).toBe('opportunities.errors.closed')
      }
    }
  })

  it('checks the permission before the state: a read-only role is refused as forbidden everywhere', () => {
    for (const status of ['unassigned', 'assigned', 'won', 'lost'] as const) {
      for (const a of ['edit', 'remove', 'assign', 'track', 'plan', 'close'] as const) expect(keyOf(viewer, opp(status), a)).toBe('forbidden')
    }
    const noDelete = who('mgr', ['view', 'edit'])
    expect(keyOf(noDelete, opp('unassigned'), 'remove')).toBe('forbidden')
    expect(() => assertAllowed(noDelete, opp('unassigned'), 'remove')).toThrowError(/no permission: opportunities.delete/)
    expect(() => assertAllowed(mgr, opp('unassigned'), 'edit')).not.toThrow()
  })

  it('a chosen stage sets the probability unless one was typed', () => {
    expect(probabilityFor({ typed: undefined, stageChanged: true, stageDefault: 50, current: 10 })).toBe(50)
    expect(probabilityFor({ typed: 80, stageChanged: true, stageDefault: 50, current: 10 })).toBe(80)
    expect(probabilityFor({ typed: 0, stageChanged: true, stageDefault: 50, current: 10 })).toBe(0)
    expect(probabilityFor({ typed: undefined, stageChanged: false, stageDefault: null, current: 10 })).toBe(10)
    expect(probabilityFor({ typed: null, stageChanged: true, stageDefault: null, current: 35 })).toBe(35)
  })
})
