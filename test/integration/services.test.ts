// 服务管理 on SQLite and PostgreSQL, through dispatch: a complaint from creation to archive
// (assignment with the urgent reminder, notes, survey, a quote confirmed and approved, a low
// score that reopens it to the supervisor, a second round), stale versions, the SLA clock with its
// reminders (handler at the SLA, supervisor at twice), similar archived tickets, search, counts,
// the board and the SLA settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TicketDetail } from '../../src-main/contract/services'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, dictId, errorOf, expectCode, makeStaff, syncVersion, type Staff } from './customers.fixtures'
import { freezeClock } from './reminders.fixtures'

const HOUR = 3_600_000
const START = '2026-03-02T01:00:00.000Z' // Monday 09:00 in Shanghai

describeEachDb('service tickets', (dialect) => {
  let t: TestApp
  let s: Staff
  let complaint: string
  let repair: string
  let consult: string
  let custA: string
  let custB: string
  const k = () => t.app.db.knex

  /** Open (not done, not withdrawn) ticket reminders as [owner, title key or text, due]. */
  async function ticketReminders(ticketId: string, opts: { open?: boolean } = { open: true }) {
    const q = k()('reminders').where({ source: 'service_ticket', source_id: ticketId }).whereNull('deleted_at')
    if (opts.open) q.whereNull('done_at')
    const rows = await q.select('*')
    return rows.map((r: Record<string, unknown>) => ({ owner: String(r.owner_id), key: String(r.source_key).split(':')[0], due: new Date(String(r.due_at)).toISOString(), done: !!r.done_at }))
  }

  const ruleKey = (r: Awaited<ReturnType<TestApp['raw']>>) => errorOf(r).key

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, START)
    s = await makeStaff(t)
    complaint = await dictId(t, 'service_type', '投诉')
    repair = await dictId(t, 'service_type', '维修')
    consult = await dictId(t, 'service_type', '咨询')
    custA = (await t.call(s.admin.key, 'customers', 'create', { name: '广州华盛精密机械有限公司', ownerId: s.mgrA1.userId })).id
    custB = (await t.call(s.admin.key, 'customers', 'create', { name: '杭州宏远电子科技有限公司', ownerId: s.mgrB.userId })).id
  })
  afterAll(async () => {
    await t.close()
  })

  it('a complaint: created by the agent, assigned, handled with an approved quote, a score of 2 reopens it, handled again, archived', async () => {
    t.clock.setNow(new Date(START))
    // ---- 服务创建 (客服专员) ----
    let tk: TicketDetail = await t.call(s.agent.key, 'services', 'create', {
      customerId: custA, typeId: complaint, urgency: 'urgent', summary: '数控机床主轴异响', request: '客户反映上周交付的数控机床主轴有异响，要求上门检修', contactInfo: '王工 13800138000',
    })
    expect(tk.code).toMatch(/^FW-2026-\d{6}$/)
    expect(tk).toMatchObject({ status: 'new', createdBy: s.agent.userId, createdByName: '客服', urgency: 'urgent', typeLabel: '投诉', reopenCount: 0, assignedTo: null })
    expect(tk.createdAt).toBe(START)
    expect(tk.sla).toMatchObject({ hours: 8, startAt: START, overdue: false })
    expect(tk.allowed).toContain('edit')
    expect(tk.allowed).not.toContain('assign')
    expect(await auditRows(t, 'service_ticket', tk.id)).toHaveLength(1)

    // ---- 服务分配 (销售主管) 30 minutes later: the urgent ticket notifies the handler at once ----
    t.clock.advance(30 * 60_000)
    const supView = await t.call(s.supA.key, 'services', 'get', { id: tk.id })
    expect(supView.allowed).toContain('assign')
    const handlers = await t.call(s.supA.key, 'services', 'handlers', {})
    expect(handlers.map((h) => h.id)).toEqual(expect.arrayContaining([s.mgrA1.userId, s.mgrA2.userId, s.agent.userId]))
    expect(handlers.map((h) => h.id)).not.toContain(s.mgrB.userId)
    expect(handlers.map((h) => h.id)).not.toContain(s.exec.userId)
    tk = await t.call(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.mgrA1.userId })
    expect(tk).toMatchObject({ status: 'assigned', assignedTo: s.mgrA1.userId, assignedBy: s.supA.userId, assignMinutes: 30 })
    expect(tk.firstAssignedAt).toBe(tk.assignedAt)
    expect(await ticketReminders(tk.id)).toEqual([{ owner: s.mgrA1.userId, key: 'service_urgent', due: tk.assignedAt, done: false }])
    const due = (await t.call(s.mgrA1.key, 'reminders', 'due', {})).items
    expect(due.map((r) => r.sourceId)).toContain(tk.id)
    // the title is a key and its values (rendered in the reader's language), no stored sentence
    expect(due.find((r) => r.sourceId === tk.id)).toMatchObject({
      title: '', titleKey: 'service_urgent', titleParams: { code: tk.code, summary: '数控机床主轴异响', customer: '广州华盛精密机械有限公司' },
    })
    expect(expectCode(await t.raw(s.supB.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.mgrB.userId }), 'not_found'))

    // ---- 服务处理: notes, survey, a quote the customer confirms and the supervisor approves ----
    t.clock.advance(HOUR)
    tk = await t.call(s.mgrA1.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: '电话联系王工，约定明天上午上门检查主轴轴承' })
    tk = await t.call(s.mgrA1.key, 'services', 'survey', { id: tk.id, version: tk.version, result: '主轴前端轴承磨损，需要更换，非保修范围' })
    expect(tk.surveyResult).toContain('轴承磨损')
    tk = await t.call(s.mgrA1.key, 'services', 'quote', { id: tk.id, version: tk.version, amountCents: 268000, note: '更换主轴轴承（含工时）' })
    expect(tk.quote).toMatchObject({ amountCents: 268000, status: 'pending', byId: s.mgrA1.userId })
    expect(ruleKey(await t.raw(s.mgrA1.key, 'services', 'handle', { id: tk.id, version: tk.version }))).toBe('services.errors.quoteOpen')
    expect(ruleKey(await t.raw(s.supA.key, 'services', 'decideQuote', { id: tk.id, version: tk.version, approved: true }))).toBe('services.errors.quoteState')
    tk = await t.call(s.mgrA1.key, 'services', 'confirmQuote', { id: tk.id, version: tk.version, accepted: true, note: '王工电话确认' })
    expect(tk.quote?.status).toBe('confirmed')
    expect(tk.allowed).not.toContain('decideQuote') // the handler cannot approve his own work
    expectCode(await t.raw(s.mgrA1.key, 'services', 'decideQuote', { id: tk.id, version: tk.version, approved: true }), 'forbidden')
    tk = await t.call(s.supA.key, 'services', 'decideQuote', { id: tk.id, version: tk.version, approved: true, note: '同意' })
    expect(tk.quote).toMatchObject({ status: 'approved', decidedById: s.supA.userId, decisionNote: '同意' })
    tk = await t.call(s.mgrA1.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: '已更换主轴前端轴承，试机正常' })
    t.clock.advance(HOUR)
    tk = await t.call(s.mgrA1.key, 'services', 'handle', { id: tk.id, version: tk.version })
    expect(tk).toMatchObject({ status: 'handled', handledBy: s.mgrA1.userId, resolveMinutes: 150, sla: null })
    expect(await ticketReminders(tk.id)).toEqual([]) // the urgent notice is done
    expect((await ticketReminders(tk.id, { open: false }))[0]).toMatchObject({ key: 'service_urgent', done: true })

    // ---- 服务反馈 2: reopened to the supervisor ----
    t.clock.advance(24 * HOUR)
    tk = await t.call(s.agent.key, 'services', 'feedback', { id: tk.id, version: tk.version, satisfaction: 2, comment: '异响仍在，客户不满意' })
    const reopenedAt = new Date(t.clock.now()).toISOString()
    expect(tk).toMatchObject({ status: 'new', reopenCount: 1, reopenedAt, assignedTo: null, satisfaction: 2, handledBy: s.mgrA1.userId })
    expect(tk.sla).toMatchObject({ startAt: reopenedAt, overdue: false })
    expect(await ticketReminders(tk.id)).toEqual([{ owner: s.supA.userId, key: 'service_reopened', due: reopenedAt, done: false }])
    const audit = await auditRows(t, 'service_ticket', tk.id)
    expect(audit.at(-1)!.changes).toMatchObject({ status: ['handled', 'new'], reopenCount: [0, 1], reopened: [false, true], satisfaction: [null, 2] })
    expect(audit.at(-1)!.user_id).toBe(s.agent.userId)

    // ---- the second round: another handler, who must write a note of this round ----
    tk = await t.call(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.mgrA2.userId })
    expect(tk.assignMinutes).toBe(30) // measured at the first assignment
    expect((await ticketReminders(tk.id)).map((r) => [r.owner, r.key])).toEqual([[s.mgrA2.userId, 'service_urgent']]) // the supervisor's reopen notice is done
    expect(ruleKey(await t.raw(s.mgrA2.key, 'services', 'handle', { id: tk.id, version: tk.version }))).toBe('services.errors.noHandlingNote')
    expectCode(await t.raw(s.mgrA1.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: '不再是我的工单' }), 'not_found', 'forbidden')
    t.clock.advance(HOUR)
    tk = await t.call(s.mgrA2.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: '更换主轴总成，异响消除' })
    tk = await t.call(s.mgrA2.key, 'services', 'handle', { id: tk.id, version: tk.version })
    t.clock.advance(HOUR)
    tk = await t.call(s.agent.key, 'services', 'feedback', { id: tk.id, version: tk.version, satisfaction: 5, comment: '满意' })
    expect(tk).toMatchObject({ status: 'feedback', satisfaction: 5, reopenCount: 1 })
    tk = await t.call(s.agent.key, 'services', 'archive', { id: tk.id, version: tk.version })
    expect(tk.status).toBe('archived')
    expect(tk.allowed).toEqual([])
    expect(tk.notes.map((n) => [n.kind, n.satisfaction])).toEqual([
      ['handling', null], ['handling', null], ['feedback', 2], ['handling', null], ['feedback', 5],
    ])

    // ---- 归档: read-only ----
    const before = await syncVersion(t)
    for (const [call, extra] of [
      ['update', { fields: { summary: '改' } }], ['addNote', { content: 'x' }], ['assign', { handlerId: s.mgrA1.userId }], ['handle', {}],
      ['feedback', { satisfaction: 1 }], ['archive', {}], ['survey', { result: 'x' }], ['quote', { amountCents: 1 }],
    ] as const) {
      const r = await t.raw(s.admin.key, 'services', call, { id: tk.id, version: tk.version, ...extra })
      expect(ruleKey(r), call).toBe('services.errors.illegalTransition')
    }
    expect(await syncVersion(t)).toBe(before)

    // the customer card's history shows the ticket's entries to those who may see its tickets
    const history = async (key: string) => (await t.call(key, 'audit', 'forCustomer', { customerId: custA, pageSize: 100 })).items.filter((e) => e.entity === 'service_ticket')
    expect((await history(s.mgrA1.key)).length).toBe(audit.length + 5)
    expect((await history(s.agent.key)).length).toBe(audit.length + 5)
    expect(await history(s.supB.key)).toEqual([])
  })

  it('answers conflict for a stale version and writes nothing', async () => {
    const tk = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId: consult, summary: '询问保养周期', request: '设备多久保养一次' })
    const edited = await t.call(s.agent.key, 'services', 'update', { id: tk.id, version: tk.version, fields: { summary: '询问设备保养周期' } })
    expect(edited.version).toBeGreaterThan(tk.version)
    const before = await syncVersion(t)
    expectCode(await t.raw(s.agent.key, 'services', 'update', { id: tk.id, version: tk.version, fields: { summary: '旧版本' } }), 'conflict')
    expectCode(await t.raw(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.mgrA1.userId }), 'conflict')
    expect(await syncVersion(t)).toBe(before)
    expect((await t.call(s.agent.key, 'services', 'get', { id: tk.id })).summary).toBe('询问设备保养周期')

    // five assignments of the same version at once: one applies, the others answer conflict
    const handlers = [s.mgrA1, s.mgrA2, s.agent, s.mgrA1, s.mgrA2]
    const results = await Promise.all(handlers.map((h) => t.raw(s.supA.key, 'services', 'assign', { id: tk.id, version: edited.version, handlerId: h.userId })))
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    for (const r of results.filter((x) => !x.ok)) expect(errorOf(r).code).toBe('conflict')
    const after = await t.call(s.supA.key, 'services', 'get', { id: tk.id })
    expect(after.assignedTo).toBe((results.find((r) => r.ok) as { data: { assignedTo: string } }).data.assignedTo)
    expect((await auditRows(t, 'service_ticket', tk.id)).filter((a) => a.changes.assignedTo)).toHaveLength(1)
  })

  it('refuses bad references and values with field errors', async () => {
    expect(errorOf(await t.raw(s.agent.key, 'services', 'create', { customerId: custA, typeId: await dictId(t, 'region', '华南'), summary: 'x', request: 'y' })).issues?.[0]).toMatchObject({ field: 'typeId', code: 'invalid_dict' })
    const otherContact = await t.call(s.admin.key, 'contacts', 'create', { customerId: custB, fields: { name: '李四' } })
    expect(errorOf(await t.raw(s.agent.key, 'services', 'create', { customerId: custA, typeId: consult, summary: 'x', request: 'y', contactId: otherContact.id })).issues?.[0]).toMatchObject({ field: 'contactId', code: 'not_of_customer' })
    // a 客户经理 creates tickets only for his own customers
    expect(errorOf(await t.raw(s.mgrA1.key, 'services', 'create', { customerId: custB, typeId: consult, summary: 'x', request: 'y' })).issues?.[0]).toMatchObject({ field: 'customerId', code: 'not_found' })
    const tk = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId: repair, summary: '设备漏油', request: '液压站漏油' })
    expect(errorOf(await t.raw(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.mgrB.userId })).issues?.[0]).toMatchObject({ field: 'handlerId', code: 'out_of_team' })
    expect(errorOf(await t.raw(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.exec.userId })).issues?.[0]).toMatchObject({ field: 'handlerId', code: 'invalid_handler' })
    const assigned = await t.call(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.agent.userId }) // 客服专员 serve every customer
    expect(ruleKey(await t.raw(s.supA.key, 'services', 'assign', { id: tk.id, version: assigned.version, handlerId: s.agent.userId }))).toBe('services.errors.sameHandler')
    const future = new Date(t.clock.now().getTime() + 2 * HOUR).toISOString()
    expect(errorOf(await t.raw(s.agent.key, 'services', 'addNote', { id: tk.id, version: assigned.version, content: 'x', notedAt: future })).issues?.[0]).toMatchObject({ field: 'notedAt', code: 'in_future' })
    expect(errorOf(await t.raw(s.agent.key, 'services', 'quote', { id: tk.id, version: assigned.version, amountCents: 0 })).issues?.[0]).toMatchObject({ field: 'amountCents' })
  })

  describe('the SLA clock', () => {
    it('lists a waiting ticket as overdue past its SLA; reminds the handler at the SLA and the supervisor at twice; closes both when handled', async () => {
      t.clock.setNow(new Date('2026-04-06T02:00:00.000Z'))
      const rules = await t.call(s.admin.key, 'services', 'sla', {})
      const normalDefault = rules.find((r) => r.typeId === null && r.urgency === 'normal')!
      await t.call(s.admin.key, 'services', 'saveSla', { rules: [{ typeId: repair, urgency: 'normal', hours: 4, version: null }, { typeId: null, urgency: 'normal', hours: 24, version: normalDefault.version }] })
      const tk0 = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId: repair, summary: '冷却泵不工作', request: '冷却泵通电不转' })
      const other = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId: consult, summary: '索要说明书', request: '需要电子版说明书' })
      let tk = await t.call(s.supA.key, 'services', 'assign', { id: tk0.id, version: tk0.version, handlerId: s.mgrA1.userId })
      expect(tk.sla).toMatchObject({ hours: 4, dueAt: '2026-04-06T06:00:00.000Z', overdue: false })
      expect(await ticketReminders(tk.id)).toEqual([]) // normal urgency: no notice at assignment

      const overdueIds = async () => (await t.call(s.supA.key, 'services', 'list', { filter: { overdue: true }, pageSize: 100 })).items.map((x) => x.id)
      t.clock.setNow(new Date('2026-04-06T06:30:00.000Z'))
      expect(await overdueIds()).toContain(tk.id)
      expect(await overdueIds()).not.toContain(other.id) // consultation: 24 h
      expect((await t.call(s.supA.key, 'services', 'get', { id: tk.id })).sla).toMatchObject({ overdue: true, escalated: false })
      await evaluateReminders(t.app)
      expect(await ticketReminders(tk.id)).toEqual([{ owner: s.mgrA1.userId, key: 'service_overdue', due: '2026-04-06T06:00:00.000Z', done: false }])
      const again = await evaluateReminders(t.app)
      expect(again.created + again.updated + again.retracted + again.closed).toBe(0)

      t.clock.setNow(new Date('2026-04-06T10:30:00.000Z')) // past twice the SLA
      await evaluateReminders(t.app)
      expect((await ticketReminders(tk.id)).map((r) => [r.owner, r.key, r.due]).sort()).toEqual([
        [s.mgrA1.userId, 'service_overdue', '2026-04-06T06:00:00.000Z'],
        [s.supA.userId, 'service_escalation', '2026-04-06T10:00:00.000Z'],
      ].sort())
      expect((await t.call(s.supA.key, 'services', 'counts', {})).overdue).toBeGreaterThanOrEqual(1)

      // another handler: the first handler's reminder is withdrawn, the new one gets it
      tk = await t.call(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.mgrA2.userId })
      expect((await ticketReminders(tk.id)).map((r) => [r.owner, r.key]).sort()).toEqual([[s.mgrA2.userId, 'service_overdue'], [s.supA.userId, 'service_escalation']].sort())
      // their titles are keys and values, and follow the ticket (the new handler's name)
      const titled = await k()('reminders').where({ source: 'service_ticket', source_id: tk.id }).whereNull('deleted_at').whereNull('done_at').select('title', 'title_key', 'title_params')
      const params = (key: string) => JSON.parse(String(titled.find((r: Record<string, unknown>) => r.title_key === key)!.title_params))
      expect(titled.every((r: Record<string, unknown>) => !r.title)).toBe(true)
      expect(params('service_overdue')).toEqual({ code: tk.code, summary: '冷却泵不工作', customer: '广州华盛精密机械有限公司', hours: 4 })
      expect(params('service_escalation')).toEqual({ code: tk.code, summary: '冷却泵不工作', customer: '广州华盛精密机械有限公司', hours: 4, handler: tk.assignedToName })

      tk = await t.call(s.mgrA2.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: '更换冷却泵电机' })
      tk = await t.call(s.mgrA2.key, 'services', 'handle', { id: tk.id, version: tk.version })
      expect(tk.resolveMinutes).toBe(510)
      expect(await ticketReminders(tk.id)).toEqual([])
      expect((await ticketReminders(tk.id, { open: false })).every((r) => r.done)).toBe(true)
      expect(await overdueIds()).not.toContain(tk.id)
    })

    it('changing the SLA hours moves the waiting tickets and their reminders; saving needs dictionary.edit and the version read', async () => {
      const rules = await t.call(s.admin.key, 'services', 'sla', {})
      const rule = rules.find((r) => r.typeId === repair && r.urgency === 'normal')!
      expect(rule.hours).toBe(4)
      expectCode(await t.raw(s.supA.key, 'services', 'saveSla', { rules: [{ typeId: repair, urgency: 'normal', hours: 8, version: rule.version }] }), 'forbidden')
      expectCode(await t.raw(s.admin.key, 'services', 'saveSla', { rules: [{ typeId: repair, urgency: 'normal', hours: 8, version: rule.version! - 1 }] }), 'conflict')
      expectCode(await t.raw(s.admin.key, 'services', 'saveSla', { rules: [{ typeId: repair, urgency: 'normal', hours: 8, version: null }] }), 'conflict')
      expect(errorOf(await t.raw(s.admin.key, 'services', 'saveSla', { rules: [{ typeId: repair, urgency: 'urgent', hours: 2, version: null }, { typeId: repair, urgency: 'urgent', hours: 3, version: null }] })).issues?.[0]).toMatchObject({ code: 'duplicate' })

      t.clock.setNow(new Date('2026-04-07T02:00:00.000Z'))
      const tk = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId: repair, summary: '导轨卡滞', request: 'X 轴导轨卡滞' })
      t.clock.setNow(new Date('2026-04-07T07:00:00.000Z'))
      await evaluateReminders(t.app)
      expect((await ticketReminders(tk.id)).map((r) => [r.owner, r.key])).toEqual([[s.supA.userId, 'service_overdue']]) // unassigned: the supervisor
      const saved = await t.call(s.admin.key, 'services', 'saveSla', { rules: [{ typeId: repair, urgency: 'normal', hours: 48, version: rule.version }] })
      expect(saved.find((r) => r.typeId === repair && r.urgency === 'normal')).toMatchObject({ hours: 48 })
      expect(await ticketReminders(tk.id)).toEqual([]) // not overdue any more: withdrawn
      expect((await t.call(s.agent.key, 'services', 'get', { id: tk.id })).sla).toMatchObject({ hours: 48, overdue: false })
    })

    it('the hourly evaluation settles only what needs it, and closes reminders a ticket no longer waits for (safety net)', async () => {
      t.clock.setNow(new Date('2026-04-08T02:00:00.000Z'))
      const tk = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId: repair, summary: '主轴过热', request: '主轴温度过高报警', urgency: 'urgent' })
      t.clock.setNow(new Date('2026-04-08T12:00:00.000Z')) // past the 8 h of urgent repairs
      await evaluateReminders(t.app)
      expect((await ticketReminders(tk.id)).map((r) => r.key)).toEqual(['service_overdue'])
      const quiet = await evaluateReminders(t.app)
      expect(quiet.created + quiet.updated + quiet.closed + quiet.retracted).toBe(0)
      // resolved behind the service's back (a sync, an import): the next run closes its reminder as met
      await k()('service_tickets').where({ id: tk.id }).update({ status: 'handled' })
      await evaluateReminders(t.app)
      expect(await ticketReminders(tk.id)).toEqual([])
      expect((await ticketReminders(tk.id, { open: false }))[0]).toMatchObject({ key: 'service_overdue', done: true })
    })
  })

  it('suggests similar archived tickets of the same type with their handling notes', async () => {
    const archived = async (typeId: string, summary: string, request: string, note: string) => {
      let tk = await t.call(s.agent.key, 'services', 'create', { customerId: custA, typeId, summary, request })
      tk = await t.call(s.supA.key, 'services', 'assign', { id: tk.id, version: tk.version, handlerId: s.agent.userId })
      tk = await t.call(s.agent.key, 'services', 'addNote', { id: tk.id, version: tk.version, content: note })
      tk = await t.call(s.agent.key, 'services', 'handle', { id: tk.id, version: tk.version })
      tk = await t.call(s.agent.key, 'services', 'feedback', { id: tk.id, version: tk.version, satisfaction: 4 })
      return t.call(s.agent.key, 'services', 'archive', { id: tk.id, version: tk.version })
    }
    const leak = await archived(repair, '液压系统漏油', '设备液压系统漏油严重，油管接头处渗油', '更换液压油管接头密封圈，紧固后试压无渗漏')
    await archived(repair, '电脑开不了机', '办公电脑无法开机', '更换电源')
    const otherType = await archived(complaint, '液压系统漏油投诉', '液压系统漏油，客户投诉', '道歉并安排维修')
    const found = await t.call(s.agent.key, 'services', 'similar', { typeId: repair, summary: '液压站漏油', request: '油管接头漏油' })
    expect(found[0]).toMatchObject({ id: leak.id, code: leak.code })
    expect(found[0].score).toBeGreaterThan(0.1)
    expect(found[0].notes.map((n) => n.content)).toEqual(['更换液压油管接头密封圈，紧固后试压无渗漏'])
    expect(found.map((f) => f.id)).not.toContain(otherType.id)
    expect(found.map((f) => f.summary)).not.toContain('电脑开不了机')
    // a 客户经理 of another team sees no one else's tickets, so no suggestion from them
    expect(await t.call(s.mgrB.key, 'services', 'similar', { typeId: repair, summary: '液压站漏油', request: '油管接头漏油' })).toEqual([])

    // archived tickets are searchable, by the text of their handling notes too
    const search = await t.call(s.agent.key, 'services', 'list', { status: 'archived', filter: { text: '密封圈' } })
    expect(search.items.map((x) => x.id)).toEqual([leak.id])
    expect((await t.call(s.agent.key, 'services', 'list', { filter: { text: leak.code } })).items.map((x) => x.id)).toEqual([leak.id])
  })

  it('lists per status, mine, per customer; counts and the board agree', async () => {
    const counts = await t.call(s.agent.key, 'services', 'counts', {})
    const all = await t.call(s.agent.key, 'services', 'list', { pageSize: 500 })
    expect(counts.all).toBe(all.total)
    for (const status of ['new', 'assigned', 'handled', 'feedback', 'archived'] as const) {
      const page = await t.call(s.agent.key, 'services', 'list', { status, pageSize: 500 })
      expect(page.total, status).toBe(counts[status])
      expect(page.items.every((x) => x.status === status)).toBe(true)
    }
    const board = await t.call(s.agent.key, 'services', 'board', { perColumn: 2 })
    expect(board.map((c) => c.status)).toEqual(['new', 'assigned', 'handled', 'feedback', 'archived'])
    for (const col of board) {
      expect(col.total).toBe(counts[col.status])
      expect(col.items.length).toBe(Math.min(2, col.total))
    }
    const mine = await t.call(s.mgrA2.key, 'services', 'list', { filter: { mine: true }, pageSize: 500 })
    expect(mine.items.length).toBeGreaterThan(0)
    expect(mine.items.every((x) => x.assignedTo === s.mgrA2.userId || x.createdBy === s.mgrA2.userId)).toBe(true)
    expect((await t.call(s.mgrA2.key, 'services', 'counts', {})).mine).toBe(mine.total)
    // the customer card: its tickets only
    const tkB = await t.call(s.agent.key, 'services', 'create', { customerId: custB, typeId: consult, summary: '报价咨询', request: '询问新设备报价' })
    const ofB = await t.call(s.agent.key, 'services', 'list', { filter: { customerId: custB } })
    expect(ofB.items.map((x) => x.id)).toEqual([tkB.id])
    // scope: a 客户经理 of team A sees none of customer B's tickets; the team B supervisor does
    expect((await t.call(s.mgrA1.key, 'services', 'list', { filter: { customerId: custB } })).total).toBe(0)
    expect((await t.call(s.supB.key, 'services', 'list', { filter: { customerId: custB } })).total).toBe(1)
    expectCode(await t.raw(s.mgrA1.key, 'services', 'get', { id: tkB.id }), 'not_found')

    // the customer changes hands: its tickets go with it (lists and single reads agree)
    await t.call(s.admin.key, 'customers', 'changeOwner', { ids: [custB], ownerId: s.mgrA1.userId })
    expect((await t.call(s.mgrA1.key, 'services', 'list', { filter: { customerId: custB } })).items.map((x) => x.id)).toEqual([tkB.id])
    expect((await t.call(s.mgrA1.key, 'services', 'get', { id: tkB.id })).id).toBe(tkB.id)
    expect((await t.call(s.mgrB.key, 'services', 'list', { filter: { customerId: custB } })).total).toBe(0)
    expectCode(await t.raw(s.mgrB.key, 'services', 'get', { id: tkB.id }), 'not_found')
    expect((await t.call(s.mgrA1.key, 'services', 'counts', { filter: { customerId: custB } })).new).toBe(1)
  })
})
