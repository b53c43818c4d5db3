// Every seeded role × every services call, through dispatch, on a ticket of customer A (owner:
// 客户经理 A1 of team A) created by the 客服专员: the call succeeds, or answers forbidden (no such
// action) / not_found (out of scope) / a validation error — and a refused call changes no row.
// Roles: admin; supervisors of team A and B; managers A1 (customer owner, handler), A2, B; the
// agent (services all, no assign/approve); the executive (view only).
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import type { TicketDetail } from '../../src-main/contract/services'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, syncVersion, type Staff, type Who } from './customers.fixtures'

type Role = 'admin' | 'supA' | 'mgrA1' | 'mgrA2' | 'supB' | 'mgrB' | 'agent' | 'exec'
type Outcome = 'ok' | 'forbidden' | 'not_found' | 'validation'
type State = 'new' | 'assigned' | 'noted' | 'quoted' | 'confirmed' | 'handled' | 'feedback'

const ROLES: Role[] = ['admin', 'supA', 'mgrA1', 'mgrA2', 'supB', 'mgrB', 'agent', 'exec']
const row = (o: Outcome[]): Record<Role, Outcome> => Object.fromEntries(ROLES.map((r, i) => [r, o[i]])) as Record<Role, Outcome>

/** Transitions: the state the ticket is put in first, the payload, and the outcome per role (in ROLES order). */
const TRANSITIONS: Array<{ call: string; from: State; payload: Record<string, unknown>; expect: Record<Role, Outcome> }> = [
  //                                                                           admin  supA  mgrA1  mgrA2  supB  mgrB  agent  exec
  { call: 'update', from: 'new', payload: { fields: { summary: '改过的概要' } }, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'assign', from: 'new', payload: { handlerId: 'mgrA1' }, expect: row(['ok', 'ok', 'forbidden', 'forbidden', 'not_found', 'forbidden', 'forbidden', 'forbidden']) },
  { call: 'addNote', from: 'assigned', payload: { content: '电话回访' }, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'survey', from: 'assigned', payload: { result: '现场勘察完毕' }, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'quote', from: 'assigned', payload: { amountCents: 50000 }, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'confirmQuote', from: 'quoted', payload: { accepted: true }, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'decideQuote', from: 'confirmed', payload: { approved: true }, expect: row(['ok', 'ok', 'forbidden', 'forbidden', 'not_found', 'forbidden', 'forbidden', 'forbidden']) },
  { call: 'withdrawQuote', from: 'quoted', payload: {}, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'handle', from: 'noted', payload: {}, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'feedback', from: 'handled', payload: { satisfaction: 4 }, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
  { call: 'archive', from: 'feedback', payload: {}, expect: row(['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'forbidden']) },
]

describeEachDb('permissions: service tickets by role and scope', (dialect) => {
  let t: TestApp
  let s: Staff
  let custA: string
  let typeId: string
  const who = (r: Role): Who => s[r]

  /** The ticket tables, the audit log and the version counter: a refused call must leave them alone. */
  async function snapshot() {
    const k = t.app.db.knex
    const tickets = await k('service_tickets').orderBy('id').select('*')
    const notes = await k('service_ticket_notes').orderBy('id').select('*')
    const sla = await k('service_sla').orderBy('id').select('*')
    const audit = await k('audit_log').count({ n: '*' }).first()
    return JSON.stringify({ tickets, notes, sla, audit: Number(audit!.n), version: await syncVersion(t) })
  }

  /** A fresh ticket of customer A in `state`; the handler is A1, who also made the quote. */
  async function ticketIn(state: State): Promise<TicketDetail> {
    const { admin, agent, mgrA1 } = s
    let tk = await t.call(agent.key, 'services', 'create', { customerId: custA, typeId, summary: '设备异响', request: '主轴有异响' })
    if (state === 'new') return tk
    tk = await t.call(admin.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: mgrA1.userId })
    if (state === 'assigned') return tk
    if (state === 'quoted' || state === 'confirmed') {
      tk = await t.call(mgrA1.key, 'services', 'quote', { id: tk.id, version: tk.version, amountCents: 12000 })
      if (state === 'confirmed') tk = await t.call(mgrA1.key, 'services', 'confirmQuote', { id: tk.id, version: tk.version, accepted: true })
      return tk
    }
    tk = await t.call(mgrA1.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: '已处理' })
    if (state === 'noted') return tk
    tk = await t.call(mgrA1.key, 'services', 'handle', { id: tk.id, version: tk.version })
    if (state === 'handled') return tk
    return t.call(agent.key, 'services', 'feedback', { id: tk.id, version: tk.version, satisfaction: 5 })
  }

  function outcomeOf(r: ApiResult<unknown>): Outcome | string {
    if (r.ok) return 'ok'
    return ['forbidden', 'not_found', 'validation'].includes(r.error.code) ? r.error.code : `${r.error.code}: ${r.error.message}`
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    typeId = await dictId(t, 'service_type', '维修')
    custA = (await t.call(s.admin.key, 'customers', 'create', { name: '佛山顺德恒达机械有限公司', ownerId: s.mgrA1.userId })).id
  })
  afterAll(async () => {
    await t.close()
  })

  it.each(TRANSITIONS.flatMap((tr) => ROLES.map((role) => [tr.call, role, tr.expect[role], tr] as const)))(
    '%s by %s → %s',
    async (call, role, expected, tr) => {
      const tk = await ticketIn(tr.from)
      const payload: Record<string, unknown> = { id: tk.id, version: tk.version, ...tr.payload }
      if (payload.handlerId === 'mgrA1') payload.handlerId = s.mgrA1.userId
      const before = await snapshot()
      const r = await t.raw(who(role).key, 'services', call, payload)
      expect(outcomeOf(r)).toBe(expected)
      if (expected !== 'ok') expect(await snapshot()).toBe(before)
      else expect((await t.call(s.admin.key, 'services', 'get', { id: tk.id })).version).toBeGreaterThan(tk.version)
    },
  )

  it.each(ROLES.map((r, i) => [r, (['ok', 'ok', 'ok', 'validation', 'validation', 'validation', 'ok', 'forbidden'] as Outcome[])[i]] as const))(
    'create for customer A by %s → %s',
    async (role, expected) => {
      const before = await snapshot()
      const r = await t.raw(who(role).key, 'services', 'create', { customerId: custA, typeId, summary: '咨询保养', request: '多久保养一次' })
      expect(outcomeOf(r)).toBe(expected)
      if (expected !== 'ok') expect(await snapshot()).toBe(before)
    },
  )

  it.each(ROLES.map((r, i) => [r, (['ok', 'ok', 'ok', 'not_found', 'not_found', 'not_found', 'ok', 'ok'] as Outcome[])[i]] as const))(
    'reading a ticket of customer A by %s → %s (get, list, counts, board, similar)',
    async (role, expected) => {
      const tk = await ticketIn('feedback')
      const archived = await t.call(s.agent.key, 'services', 'archive', { id: tk.id, version: tk.version })
      const key = who(role).key
      expect(outcomeOf(await t.raw(key, 'services', 'get', { id: tk.id }))).toBe(expected)
      const listed = (await t.call(key, 'services', 'list', { pageSize: 500 })).items.map((x) => x.id)
      expect(listed.includes(tk.id)).toBe(expected === 'ok')
      const counts = await t.call(key, 'services', 'counts', { filter: { customerId: custA } })
      expect(counts.archived > 0).toBe(expected === 'ok')
      const board = await t.call(key, 'services', 'board', { perColumn: 100 })
      expect(board.flatMap((c) => c.items.map((x) => x.id)).includes(tk.id)).toBe(expected === 'ok')
      const similar = await t.call(key, 'services', 'similar', { typeId, summary: '设备异响', request: '主轴有异响' })
      expect(similar.map((x) => x.id).includes(archived.id)).toBe(expected === 'ok')
      expect((await t.call(key, 'services', 'sla', {})).length).toBeGreaterThanOrEqual(2)
    },
  )

  it.each(ROLES.map((r, i) => [r, (['ok', 'ok', 'forbidden', 'forbidden', 'ok', 'forbidden', 'forbidden', 'forbidden'] as Outcome[])[i]] as const))(
    'handlers by %s → %s',
    async (role, expected) => {
      expect(outcomeOf(await t.raw(who(role).key, 'services', 'handlers', {}))).toBe(expected)
    },
  )

  it.each(ROLES.map((r) => [r, r === 'admin' ? 'ok' : 'forbidden'] as const))('saveSla by %s → %s', async (role, expected) => {
    const current = (await t.call(s.admin.key, 'services', 'sla', {})).find((x) => x.typeId === null && x.urgency === 'urgent')!
    const before = await snapshot()
    const r = await t.raw(who(role).key, 'services', 'saveSla', { rules: [{ typeId: null, urgency: 'urgent', hours: current.hours + 1, version: current.version }] })
    expect(outcomeOf(r)).toBe(expected)
    if (expected !== 'ok') expect(await snapshot()).toBe(before)
  })

  it('a 客户经理 who owns the customer but does not handle the ticket may not write its handling (own scope)', async () => {
    let tk = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId, summary: '漏油', request: '液压漏油' })
    tk = await t.call(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.agent.userId })
    expect((await t.call(s.mgrA1.key, 'services', 'get', { id: tk.id })).allowed).toEqual(['edit'])
    const before = await snapshot()
    for (const [call, extra] of [['addNote', { content: 'x' }], ['survey', { result: 'x' }], ['quote', { amountCents: 1 }], ['handle', {}]] as const) {
      expect(outcomeOf(await t.raw(s.mgrA1.key, 'services', call, { id: tk.id, version: tk.version, ...extra })), call).toBe('forbidden')
    }
    expect(await snapshot()).toBe(before)
    // the handler (agent) and the team's supervisor may
    const allowed = (await t.call(s.supA.key, 'services', 'get', { id: tk.id })).allowed
    expect(allowed).toEqual(expect.arrayContaining(['edit', 'assign', 'addNote', 'survey', 'quote']))
    expect(allowed).not.toContain('handle') // no handling note yet
  })
})
