// Every seeded role × every opportunities call × own/team/all scope, through dispatch.
// Team A: supervisor supA, 客户经理 mgrA1 and mgrA2; team B: supB and mgrB; an agent (no
// opportunities permission), an executive (view all, write nothing) and the admin (everything).
// A refused call answers forbidden (no permission), not_found (out of scope) or rule (the state
// machine) and changes no row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import type { OpportunityDetail, PlanStep } from '../../src-main/contract/opportunities'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, expectCode, makeStaff, syncVersion, type Staff, type Who } from './customers.fixtures'

describeEachDb('permissions: opportunities by role and scope', (dialect) => {
  let t: TestApp
  let s: Staff
  let stage: string
  let reason: string
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    stage = await dictId(t, 'opportunity_stage', '需求确认')
    reason = await dictId(t, 'opportunity_lost_reason', '其他')
  })
  afterAll(() => t.close())

  async function snapshot() {
    const rows = await Promise.all(['opportunities', 'plan_steps', 'customers', 'contacts', 'reminders'].map((x) => k()(x).orderBy('id').select('*')))
    const audit = await k()('audit_log').count({ n: '*' }).first()
    return JSON.stringify({ rows, audit: Number(audit!.n), version: await syncVersion(t) })
  }

  interface Fixture {
    open: OpportunityDetail // 未分配, created by mgrA1
    assigned: OpportunityDetail // created by supA, assigned to mgrA1, one step
    step: PlanStep
  }
  async function fixture(): Promise<Fixture> {
    const input = { customerName: `权限测试${Math.random().toString(36).slice(2, 8)}有限公司`, probability: 10, summary: '概要', description: '描述' }
    const open = await t.call(s.mgrA1.key, 'opportunities', 'create', input)
    const made = await t.call(s.supA.key, 'opportunities', 'create', { ...input, customerName: input.customerName + '二' })
    await t.call(s.supA.key, 'opportunities', 'assign', { id: made.id, version: made.version, assigneeId: s.mgrA1.userId })
    const step = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: made.id, plannedDate: '2026-03-20', action: '拜访' })
    const assigned = await t.call(s.mgrA1.key, 'opportunities', 'get', { id: made.id })
    return { open, assigned, step }
  }

  type Code = 'forbidden' | 'not_found' | 'rule'
  /** Every call on the fixture that must be refused (`codes` per call, `def` otherwise); no row may move. */
  async function expectRefused(who: Who, f: Fixture, def: Code | Code[], codes: Partial<Record<string, Code | Code[]>> = {}) {
    const before = await snapshot()
    const { open: o, assigned: a, step } = f
    const calls: Array<[string, Promise<ApiResult<unknown>>]> = [
      ['update', t.raw(who.key, 'opportunities', 'update', { id: o.id, version: o.version, fields: { summary: '被改了' } })],
      ['remove', t.raw(who.key, 'opportunities', 'remove', { id: o.id, version: o.version })],
      ['assign', t.raw(who.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA2.userId })],
      ['track', t.raw(who.key, 'opportunities', 'track', { id: a.id, version: a.version, stageId: stage })],
      ['addStep', t.raw(who.key, 'opportunities', 'addStep', { opportunityId: a.id, plannedDate: '2026-03-21', action: '偷加' })],
      ['updateStep', t.raw(who.key, 'opportunities', 'updateStep', { id: step.id, version: step.version, action: '偷改' })],
      ['reorderSteps', t.raw(who.key, 'opportunities', 'reorderSteps', { opportunityId: a.id, ids: [step.id] })],
      ['recordResult', t.raw(who.key, 'opportunities', 'recordResult', { id: step.id, version: step.version, result: '偷记' })],
      ['removeStep', t.raw(who.key, 'opportunities', 'removeStep', { id: step.id, version: step.version })],
      ['close', t.raw(who.key, 'opportunities', 'close', { id: a.id, version: a.version, outcome: 'lost', lostReasonId: reason })],
    ]
    for (const [name, p] of calls) {
      const want = codes[name] ?? def
      const e = expectCode(await p, ...(Array.isArray(want) ? want : [want]))
      expect(e.code, name).toBeDefined()
    }
    expect(await snapshot()).toBe(before)
  }

  async function expectCannotSee(who: Who, f: Fixture) {
    for (const o of [f.open, f.assigned]) {
      expectCode(await t.raw(who.key, 'opportunities', 'get', { id: o.id }), 'not_found')
      const listed = await t.call(who.key, 'opportunities', 'list', { filter: { search: o.code } })
      expect(listed.total).toBe(0)
    }
    const board = await t.call(who.key, 'opportunities', 'board', { filter: { search: f.open.code } })
    expect(board.count).toBe(0)
  }

  it('agent: no opportunities permission at all', async () => {
    const f = await fixture()
    for (const [call, input] of [
      ['list', {}], ['get', { id: f.open.id }], ['board', {}], ['funnel', {}], ['checkName', { name: 'x' }], ['assignees', {}],
      ['create', { customerName: 'x', probability: 1, summary: 'x', description: 'x' }],
    ] as const) {
      expectCode(await t.raw(s.agent.key, 'opportunities', call, input), 'forbidden')
    }
    await expectRefused(s.agent, f, 'forbidden')
  })

  it('executive: reads everything, writes nothing', async () => {
    const f = await fixture()
    expect((await t.call(s.exec.key, 'opportunities', 'get', { id: f.assigned.id })).steps.map((x) => x.id)).toEqual([f.step.id])
    expect((await t.call(s.exec.key, 'opportunities', 'list', { filter: { search: f.open.code } })).total).toBe(1)
    expect((await t.call(s.exec.key, 'opportunities', 'board', {})).count).toBeGreaterThanOrEqual(2)
    expect((await t.call(s.exec.key, 'opportunities', 'funnel', {})).total).toBeGreaterThanOrEqual(2)
    expect((await t.call(s.exec.key, 'opportunities', 'get', { id: f.open.id })).can).toEqual({ edit: false, remove: false, assign: false, track: false, plan: false, close: false })
    expectCode(await t.raw(s.exec.key, 'opportunities', 'create', { customerName: 'x', probability: 1, summary: 'x', description: 'x' }), 'forbidden')
    expectCode(await t.raw(s.exec.key, 'opportunities', 'assignees', {}), 'forbidden')
    await expectRefused(s.exec, f, 'forbidden')
  })

  it('another team (manager and supervisor): cannot even see them', async () => {
    const f = await fixture()
    for (const who of [s.mgrB, s.supB]) await expectCannotSee(who, f)
    await expectRefused(s.mgrB, f, 'not_found', { assign: 'forbidden' })
    await expectRefused(s.supB, f, 'not_found')
  })

  it('another 客户经理 of the same team: own scope, nothing of a colleague\'s', async () => {
    const f = await fixture()
    await expectCannotSee(s.mgrA2, f)
    await expectRefused(s.mgrA2, f, 'not_found', { assign: 'forbidden' })
  })

  it('the creator (客户经理): edits and deletes the unassigned one; plans, tracks and closes the one assigned to them; cannot assign', async () => {
    const f = await fixture()
    expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'assign', { id: f.open.id, version: f.open.version, assigneeId: s.mgrA1.userId }), 'forbidden')
    expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'assignees', {}), 'forbidden')
    const e = await t.call(s.mgrA1.key, 'opportunities', 'update', { id: f.open.id, version: f.open.version, fields: { summary: '改' } })
    expect(await t.call(s.mgrA1.key, 'opportunities', 'remove', { id: e.id, version: e.version })).toEqual({ ok: true })
    const a = f.assigned
    const tr = await t.call(s.mgrA1.key, 'opportunities', 'track', { id: a.id, version: a.version, stageId: stage })
    const s2 = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: a.id, plannedDate: '2026-03-22', action: '第二步' })
    const order = await t.call(s.mgrA1.key, 'opportunities', 'reorderSteps', { opportunityId: a.id, ids: [s2.id, f.step.id] })
    const first = order.find((x) => x.id === f.step.id)!
    const u = await t.call(s.mgrA1.key, 'opportunities', 'updateStep', { id: first.id, version: first.version, action: '改过的第一步' })
    await t.call(s.mgrA1.key, 'opportunities', 'recordResult', { id: u.id, version: u.version, result: '效果' })
    await t.call(s.mgrA1.key, 'opportunities', 'removeStep', { id: s2.id, version: order.find((x) => x.id === s2.id)!.version })
    const closed = await t.call(s.mgrA1.key, 'opportunities', 'close', { id: a.id, version: tr.version, outcome: 'lost', lostReasonId: reason })
    expect(closed.opportunity.status).toBe('lost')
  })

  it('the team supervisor: edits and assigns the team\'s unassigned ones, may not delete another\'s, works the plan', async () => {
    const f = await fixture()
    expectCode(await t.raw(s.supA.key, 'opportunities', 'remove', { id: f.open.id, version: f.open.version }), 'rule')
    const e = await t.call(s.supA.key, 'opportunities', 'update', { id: f.open.id, version: f.open.version, fields: { summary: '主管改' } })
    expect((await t.call(s.supA.key, 'opportunities', 'assignees', {})).map((x) => x.userId).sort()).toEqual([s.mgrA1.userId, s.mgrA2.userId].sort())
    await t.call(s.supA.key, 'opportunities', 'assign', { id: e.id, version: e.version, assigneeId: s.mgrA2.userId })
    const a = f.assigned
    const s2 = await t.call(s.supA.key, 'opportunities', 'addStep', { opportunityId: a.id, plannedDate: '2026-03-22', action: '主管加的一步' })
    expect((await k()('plan_steps').where({ id: s2.id }).first()).owner_id).toBe(s.mgrA1.userId)
    await t.call(s.supA.key, 'opportunities', 'recordResult', { id: f.step.id, version: f.step.version, result: '主管记录' })
    const won = await t.call(s.supA.key, 'opportunities', 'close', { id: a.id, version: a.version, outcome: 'won' })
    expect(won.customerCreated).toBe(true)
    // the new customer belongs to the 客户经理, not to the supervisor who closed it
    expect((await k()('customers').where({ id: won.customerId }).first()).owner_id).toBe(s.mgrA1.userId)
  })

  it('admin: everything, in every team', async () => {
    const f = await fixture()
    expect((await t.call(s.admin.key, 'opportunities', 'assignees', {})).map((x) => x.userId)).toEqual(expect.arrayContaining([s.mgrA1.userId, s.mgrA2.userId, s.mgrB.userId]))
    const a = await t.call(s.admin.key, 'opportunities', 'assign', { id: f.open.id, version: f.open.version, assigneeId: s.mgrB.userId })
    expect(a.assignedTo).toBe(s.mgrB.userId)
    // the admin may end a plan; only the creator may delete (not even the admin)
    const mine = await t.call(s.mgrA1.key, 'opportunities', 'create', { customerName: '管理员删不了', probability: 1, summary: 'x', description: 'x' })
    expect(expectCode(await t.raw(s.admin.key, 'opportunities', 'remove', { id: mine.id, version: mine.version }), 'rule').key).toBe('opportunities.errors.notCreator')
    await t.call(s.admin.key, 'opportunities', 'close', { id: f.assigned.id, version: f.assigned.version, outcome: 'lost', lostReasonId: reason })
  })

  describe('checkName reveals whether the match is visible, never more', () => {
    it('answers the match for any role with view, visible only in scope', async () => {
      const c = await t.call(s.mgrB.key, 'customers', 'create', { name: '查重权限测试有限公司' })
      expect((await t.call(s.mgrA1.key, 'opportunities', 'checkName', { name: '查重权限测试 有限公司' })).match).toMatchObject({ id: c.id, visible: false })
      expect((await t.call(s.supB.key, 'opportunities', 'checkName', { name: '查重权限测试有限公司' })).match).toMatchObject({ id: c.id, visible: true })
      expect((await t.call(s.exec.key, 'opportunities', 'checkName', { name: '查重权限测试有限公司' })).match).toMatchObject({ visible: true })
    })
  })
})
