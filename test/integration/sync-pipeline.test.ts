// Offline sync of open opportunities with their plans and open service tickets with their
// handling notes (issue 12 item 1), against real centrals (a SQLite file and PostgreSQL) and
// real SQLite client caches; failures by the fault-injection hooks of sync.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import type { SyncClient } from '../../src-main/modules/sync/sync.client'
import { crashAt, makeSyncWorld, openClient, removeClientDirs, type Rep, type SyncWorld } from './sync.fixtures'

describeEachDb('offline sync: opportunities, plans, tickets, notes', (dialect) => {
  let t: TestApp
  let w: SyncWorld
  let n = 0
  const tag = () => `${++n}`

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeSyncWorld(t, 'p')
  })
  afterAll(async () => {
    await t?.close()
    removeClientDirs()
  })

  const k = () => t.app.db.knex
  async function syncedClient(rep: Rep): Promise<SyncClient> {
    const c = await openClient()
    await c.sync(t.app, { login: rep.login })
    return c
  }
  const local = (c: SyncClient, table: string, id: string) => c.local.db.knex(table).where({ id }).first()
  const central = (table: string, id: string) => k()(table).where({ id }).first()

  /** An opportunity assigned to `rep` (by the admin) with one plan step. */
  async function assignedOpportunity(rep: Rep) {
    const o = await t.call(w.admin.key, 'opportunities', 'create', {
      customerName: `同步机会客户${tag()}`, probability: 40, summary: '采购生产线', description: '客户计划扩产，需要两条生产线。',
    })
    const a = await t.call(w.admin.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: rep.userId })
    const step = await t.call(rep.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-01-10', action: '上门演示样机' })
    return { id: String(a.id), stepId: String(step.id) }
  }

  /** A ticket on a customer of `rep`, handled by `rep`. */
  async function handledTicket(rep: Rep) {
    const cust = await t.call(rep.key, 'customers', 'create', { name: `报修客户${tag()}` })
    const type = (await k()('dict_items').where({ type_code: 'service_type' }).first('id')).id
    const tk = await t.call(rep.key, 'services', 'create', { customerId: cust.id, typeId: type, summary: '设备异响', request: '主轴有异响' })
    const a = await t.call(w.admin.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: rep.userId })
    return { id: String(a.id), customerId: String(cust.id) }
  }

  const stepEdit = async (c: SyncClient, stepId: string, fields: Record<string, unknown>) =>
    c.write('plan_steps.update', { id: stepId, version: Number((await local(c, 'plan_steps', stepId)).version), fields })
  const noteOf = async (c: SyncClient, ticketId: string, content: string) =>
    c.write('service_ticket_notes.create', { id: ticketId, version: Number((await local(c, 'service_tickets', ticketId)).version), content })
  const countNotes = async (content: string) => Number((await k()('service_ticket_notes').where({ content }).count({ n: '*' }).first())!.n)

  it('the cache holds the rep\'s open opportunities with their plans and open tickets with their notes, not the others\'', async () => {
    const mine = await assignedOpportunity(w.repA)
    const theirs = await assignedOpportunity(w.repB)
    const tk = await handledTicket(w.repA)
    await t.call(w.repA.key, 'services', 'addNote', { id: tk.id, version: Number((await central('service_tickets', tk.id)).version), content: `在线记录${tag()}` })
    const other = await handledTicket(w.repB)
    const c = await syncedClient(w.repA)
    expect(await local(c, 'opportunities', mine.id)).toBeTruthy()
    expect(await local(c, 'plan_steps', mine.stepId)).toBeTruthy()
    expect(await local(c, 'opportunities', theirs.id)).toBeUndefined()
    expect(await local(c, 'plan_steps', theirs.stepId)).toBeUndefined()
    expect(await local(c, 'service_tickets', tk.id)).toBeTruthy()
    expect(Number((await c.local.db.knex('service_ticket_notes').where({ ticket_id: tk.id }).count({ n: '*' }).first())!.n)).toBe(1)
    expect(await local(c, 'service_tickets', other.id)).toBeUndefined()
    expect(await c.liveCount('products')).toBe(Number((await k()('products').whereNull('deleted_at').count({ n: '*' }).first())!.n))
    // a closed opportunity leaves the cache with its plan
    const o = await central('opportunities', mine.id)
    const reason = (await k()('dict_items').where({ type_code: 'opportunity_lost_reason', label: '其他' }).first('id')).id
    await t.call(w.repA.key, 'opportunities', 'close', { id: mine.id, version: Number(o.version), outcome: 'lost', lostReasonId: reason })
    const r = await c.sync(t.app)
    expect(r.removed).toBeGreaterThan(0)
    expect(await local(c, 'opportunities', mine.id)).toBeUndefined()
    expect(await local(c, 'plan_steps', mine.stepId)).toBeUndefined()
    await c.close()
  })

  it('a step\'s 执行效果 recorded offline syncs; killed after the central commit → the re-push changes nothing', async () => {
    const o = await assignedOpportunity(w.repA)
    const c = await syncedClient(w.repA)
    const result = `客户认可演示效果${tag()}`
    await stepEdit(c, o.stepId, { result })
    expect((await local(c, 'plan_steps', o.stepId)).result).toBe(result)
    await expect(c.sync(t.app, { hooks: { beforeLocalAck: crashAt(1) } })).rejects.toThrow('simulated crash')
    const after = await central('plan_steps', o.stepId)
    expect(after.result).toBe(result)
    const r = await c.sync(t.app)
    expect(r).toMatchObject({ applied: 1, rejected: [], conflicts: 0 })
    expect(Number((await central('plan_steps', o.stepId)).version)).toBe(Number(after.version))
    expect(Number((await k()('audit_log').where({ entity: 'plan_step', entity_id: o.stepId, action: 'update' }).count({ n: '*' }).first())!.n)).toBe(1)
    expect((await c.state()).pending).toBe(0)
    await c.close()
  })

  it('a step\'s result changed both offline and centrally → 冲突 with both values; the choice syncs', async () => {
    const o = await assignedOpportunity(w.repA)
    const c = await syncedClient(w.repA)
    await stepEdit(c, o.stepId, { result: '离线：客户要求再降价' })
    const s = await central('plan_steps', o.stepId)
    await t.call(w.repA.key, 'opportunities', 'recordResult', { id: o.stepId, version: Number(s.version), result: '在线：客户已同意报价' })
    const r = await c.sync(t.app)
    expect(r.conflicts).toBe(1)
    const [cf] = await c.conflicts()
    expect(cf).toMatchObject({ entity: 'plan_steps', entityId: o.stepId, field: 'result', local: '离线：客户要求再降价', central: '在线：客户已同意报价' })
    expect((await local(c, 'plan_steps', o.stepId)).result).toBe('在线：客户已同意报价')
    await c.resolve(cf.id, { keep: 'local' })
    await c.sync(t.app)
    expect((await central('plan_steps', o.stepId)).result).toBe('离线：客户要求再降价')
    expect(await c.conflicts()).toEqual([])
    await c.close()
  })

  it('an opportunity reassigned meanwhile: the offline result is refused with its reason, the queue goes on, the plan moves to the new rep\'s cache', async () => {
    const o = await assignedOpportunity(w.repA)
    const tk = await handledTicket(w.repA)
    const a = await syncedClient(w.repA)
    const b = await syncedClient(w.repB)
    await stepEdit(a, o.stepId, { result: '离线写的执行效果' })
    const content = `后面的记录${tag()}`
    await noteOf(a, tk.id, content)
    const opp = await central('opportunities', o.id)
    await t.call(w.admin.key, 'opportunities', 'assign', { id: o.id, version: Number(opp.version), assigneeId: w.repB.userId })
    const r = await a.sync(t.app)
    expect(r.rejected).toHaveLength(1)
    expect(r.rejected[0]).toMatchObject({ operation: 'plan_steps.update', error: { code: 'not_found' } })
    expect(r.applied).toBe(1)
    expect(await countNotes(content)).toBe(1)
    expect((await central('plan_steps', o.stepId)).result).toBeNull()
    expect((await a.outbox()).find((e) => e.operation === 'plan_steps.update')?.status).toBe('rejected')
    expect(await local(a, 'opportunities', o.id)).toBeUndefined()
    expect(await local(a, 'plan_steps', o.stepId)).toBeUndefined()
    await b.sync(t.app)
    expect(await local(b, 'opportunities', o.id)).toBeTruthy()
    expect(await local(b, 'plan_steps', o.stepId)).toBeTruthy() // the step itself did not change: it comes with its plan
    await a.close()
    await b.close()
  })

  it('a handling note added offline syncs once (killed or timed out after the central commit); notes never conflict', async () => {
    const tk = await handledTicket(w.repA)
    const c = await syncedClient(w.repA)
    const first = `离线处理记录${tag()}`
    const second = `离线处理记录${tag()}`
    await noteOf(c, tk.id, first)
    await noteOf(c, tk.id, second)
    // a note written centrally meanwhile moves the ticket's version: the offline notes still apply
    await t.call(w.repA.key, 'services', 'addNote', { id: tk.id, version: Number((await central('service_tickets', tk.id)).version), content: `在线处理记录${tag()}` })
    await expect(c.sync(t.app, { hooks: { afterCentralCommit: crashAt(1, 'timeout') } })).rejects.toThrow('timeout')
    expect(await countNotes(first)).toBe(1)
    const r = await c.sync(t.app)
    expect(r).toMatchObject({ applied: 2, rejected: [], conflicts: 0 })
    expect(await countNotes(first)).toBe(1)
    expect(await countNotes(second)).toBe(1)
    // the cache holds the central notes under the ids the client chose, and the ticket as stored centrally
    const notes = await c.local.db.knex('service_ticket_notes').where({ ticket_id: tk.id })
    expect(notes).toHaveLength(3)
    expect(Number((await local(c, 'service_tickets', tk.id)).version)).toBe(Number((await central('service_tickets', tk.id)).version))
    await c.close()
  })

  it('a note on a ticket archived meanwhile is refused with its reason and the queue goes on; the ticket leaves the cache', async () => {
    const tk = await handledTicket(w.repA)
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `后续客户${tag()}` })
    const c = await syncedClient(w.repA)
    await noteOf(c, tk.id, `归档后才到的记录${tag()}`)
    await c.write('interactions.create', { customerId: cust.id, channelId: w.channel, occurredAt: '2026-01-05T10:00:00+08:00', subject: `后面的拜访${tag()}`, promises: [] })
    let cur = await t.call(w.repA.key, 'services', 'addNote', { id: tk.id, version: Number((await central('service_tickets', tk.id)).version), content: '已上门处理' })
    cur = await t.call(w.repA.key, 'services', 'handle', { id: tk.id, version: cur.version })
    cur = await t.call(w.admin.key, 'services', 'feedback', { id: tk.id, version: cur.version, satisfaction: 5, comment: '满意' })
    await t.call(w.admin.key, 'services', 'archive', { id: tk.id, version: cur.version })
    const r = await c.sync(t.app)
    expect(r.rejected).toHaveLength(1)
    expect(r.rejected[0].operation).toBe('service_ticket_notes.create')
    expect(r.rejected[0].error?.code).toBeTruthy()
    expect(r.applied).toBe(1)
    expect(await local(c, 'service_tickets', tk.id)).toBeUndefined()
    expect(await c.local.db.knex('service_ticket_notes').where({ ticket_id: tk.id })).toEqual([])
    await c.close()
  })

  it('a customer reassigned to another rep takes its open tickets along: out of A\'s cache, into B\'s', async () => {
    const cust = await t.call(w.repA.key, 'customers', 'create', { name: `转移客户${tag()}` })
    const type = (await k()('dict_items').where({ type_code: 'service_type' }).first('id')).id
    // created and handled by the admin: rep A sees it only through the customer
    const tk = await t.call(w.admin.key, 'services', 'create', { customerId: cust.id, typeId: type, summary: '更换滤芯', request: '滤芯到期' })
    const a = await syncedClient(w.repA)
    const b = await syncedClient(w.repB)
    expect(await local(a, 'service_tickets', tk.id)).toBeTruthy()
    expect(await local(b, 'service_tickets', tk.id)).toBeUndefined()
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [cust.id], ownerId: w.repB.userId })
    await a.sync(t.app)
    await b.sync(t.app)
    expect(await local(a, 'service_tickets', tk.id)).toBeUndefined()
    expect(await local(b, 'customers', cust.id)).toBeTruthy()
    expect(await local(b, 'service_tickets', tk.id)).toBeTruthy() // the ticket did not change: it comes with its customer
    await a.close()
    await b.close()
  })
})
