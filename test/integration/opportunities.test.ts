// 销售机会 end to end through dispatch on SQLite and PostgreSQL: create with its code and the
// system's fields, list filters and pinyin search, edit/delete only while 未分配 (delete only by
// the creator), 指派 with its reminder, the 客户开发计划 with step reminders, 开发成功 creating the
// customer with its contact (or linking the one of the same name) and 开发失败 with a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpportunityCreate, OpportunityDetail } from '../../src-main/contract/opportunities'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { opportunitiesBoard } from '../../src-main/modules/opportunities/pipeline.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { auditRows, dictId, expectCode, expectFieldIssue, makeStaff, syncVersion, type Staff } from './customers.fixtures'
import { freezeClock } from './reminders.fixtures'

const NOW = '2026-03-10T02:00:00.000Z' // 10:00 in Shanghai

describeEachDb('opportunities', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, NOW)
    s = await makeStaff(t)
    await k()('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: NOW })
  })
  afterAll(() => t.close())

  const base = (over: Partial<OpportunityCreate> = {}): OpportunityCreate => ({
    customerName: '广州市人易软件技术有限公司', probability: 20, summary: '采购CRM系统', description: '客户计划今年上线客户管理系统，预算约五十万。',
    contactName: '李明', contactPhone: '138 0013 8000', ...over,
  })
  const create = (who = s.mgrA1, over: Partial<OpportunityCreate> = {}) => t.call(who.key, 'opportunities', 'create', base(over))
  const remindersOf = (opportunityId: string) => k()('reminders').where({ opportunity_id: opportunityId }).orderBy('created_at').select('*')

  describe('create (表1)', () => {
    it('generates the code and sets 创建人/创建时间 and 未分配; the audit log has it', async () => {
      const o = await create()
      expect(o.code).toMatch(/^JH-2026-\d{6}$/)
      expect(o).toMatchObject({ status: 'unassigned', createdBy: s.mgrA1.userId, createdByName: '经理甲一', createdAt: NOW, customerId: null, assignedTo: null })
      expect(o.can).toEqual({ edit: true, remove: true, assign: false, track: true, plan: false, close: false })
      const second = await create()
      expect(Number(second.code.slice(-6))).toBe(Number(o.code.slice(-6)) + 1)
      const [entry] = await auditRows(t, 'opportunity', o.id)
      expect(entry.action).toBe('create')
      expect(entry.changes.code).toEqual([null, o.code])
      expect(entry.changes.customerName).toEqual([null, '广州市人易软件技术有限公司'])
    })

    it('refuses missing required fields and a probability outside 0–100, writing nothing', async () => {
      const before = await syncVersion(t)
      for (const f of ['customerName', 'summary', 'description', 'probability'] as const) {
        const input: Record<string, unknown> = { ...base() }
        delete input[f]
        expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', input), f, 'invalid_type')
      }
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), summary: '  ' }), 'summary', 'too_small')
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), probability: 101 }), 'probability', 'too_big')
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), probability: -1 }), 'probability', 'too_small')
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), probability: 50.5 }), 'probability', 'invalid_type')
      // 创建人 / 编号 / 状态 cannot be sent
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), createdBy: s.mgrA2.userId }), 'validation')
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), status: 'won' }), 'validation')
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', { ...base(), sourceId: await dictId(t, 'region', '华南') }), 'sourceId', 'invalid_dict')
      expect(await syncVersion(t)).toBe(before)
    })

    it('an existing customer must be one the creator may see; its name is the one stored', async () => {
      const mine = await t.call(s.mgrA1.key, 'customers', 'create', { name: '深圳甲一电子有限公司' })
      const other = await t.call(s.mgrB.key, 'customers', 'create', { name: '杭州乙方网络科技有限公司' })
      const o = await create(s.mgrA1, { customerId: mine.id, customerName: '随便写的' })
      expect(o).toMatchObject({ customerId: mine.id, customerName: '深圳甲一电子有限公司', customerCode: mine.code, customerVisible: true })
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'create', base({ customerId: other.id })), 'customerId', 'invalid_customer')
    })
  })

  describe('查重: the same-name rule', () => {
    it('finds the customer whatever the width, spaces, brackets and case, and says whether the caller may see it', async () => {
      const c = await t.call(s.mgrB.key, 'customers', 'create', { name: 'ABC（中国）贸易 有限公司' })
      const seen = await t.call(s.mgrA1.key, 'opportunities', 'checkName', { name: 'ａｂｃ(中国)贸易有限公司' })
      expect(seen.match).toMatchObject({ id: c.id, code: c.code, ownerName: '经理乙', visible: false })
      expect((await t.call(s.supB.key, 'opportunities', 'checkName', { name: 'abc（中国）贸易有限公司。' })).match?.visible).toBe(true)
      expect((await t.call(s.mgrA1.key, 'opportunities', 'checkName', { name: 'ABC中国贸易有限公司' })).match).toBeNull()
    })
  })

  describe('list', () => {
    let ids: Record<string, OpportunityDetail>
    beforeAll(async () => {
      const web = await dictId(t, 'opportunity_source', '网站')
      const fair = await dictId(t, 'opportunity_source', '展会')
      const quote = await dictId(t, 'opportunity_stage', '方案报价')
      ids = {
        a: await create(s.mgrA2, { customerName: '北京列表测试甲有限公司', sourceId: web, probability: 10, contactName: '王小二', contactPhone: '010-66668888' }),
        b: await (t.clock.advance(1000), create)(s.mgrA2, { customerName: '上海列表测试乙有限公司', sourceId: fair, probability: 60, stageId: quote, expectedCloseDate: '2026-06-30', expectedAmountCents: 500_000_00 }),
      }
      t.clock.advance(86_400_000)
      ids.c = await create(s.mgrA2, { customerName: '重庆列表测试丙有限公司', sourceId: web, probability: 90, expectedCloseDate: '2026-04-01' })
      t.clock.setNow(new Date(NOW))
    })
    const listA2 = (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      t.call(s.mgrA2.key, 'opportunities', 'list', { filter, pageSize: 50, ...extra }).then((r) => r.items.map((x) => x.id))

    it('filters by status, source, stage, probability range, creator and dates', async () => {
      const web = await dictId(t, 'opportunity_source', '网站')
      expect(await listA2({})).toEqual([ids.c.id, ids.b.id, ids.a.id])
      expect(await listA2({ sourceId: web })).toEqual([ids.c.id, ids.a.id])
      expect(await listA2({ stageId: ids.b.stageId })).toEqual([ids.b.id])
      expect(await listA2({ probabilityMin: 50, probabilityMax: 60 })).toEqual([ids.b.id])
      expect(await listA2({ probabilityMin: 60 })).toEqual([ids.c.id, ids.b.id])
      expect(await listA2({ createdFrom: '2026-03-11T00:00:00Z' })).toEqual([ids.c.id])
      expect(await listA2({ createdTo: '2026-03-11T00:00:00Z' })).toEqual([ids.b.id, ids.a.id])
      expect(await listA2({ closeFrom: '2026-04-01', closeTo: '2026-05-31' })).toEqual([ids.c.id])
      expect(await listA2({ status: 'assigned' })).toEqual([])
      expect(await listA2({ createdBy: s.mgrA2.userId, status: 'unassigned' })).toHaveLength(3)
    })

    it('searches code, customer, contact, phone digits and pinyin (full and initials)', async () => {
      expect(await listA2({ search: ids.b.code })).toEqual([ids.b.id])
      expect(await listA2({ search: '列表测试丙' })).toEqual([ids.c.id])
      expect(await listA2({ search: '王小二' })).toEqual([ids.a.id])
      expect(await listA2({ search: '01066668888' })).toEqual([ids.a.id])
      expect(await listA2({ search: 'bjlbcs' })).toEqual([ids.a.id])
      expect(await listA2({ search: 'chongqing' })).toEqual([ids.c.id])
      expect(await listA2({ search: 'wxe' })).toEqual([ids.a.id])
      expect(await listA2({ search: '100%' })).toEqual([])
    })

    it('pages and sorts on the server (nulls last)', async () => {
      const page1 = await t.call(s.mgrA2.key, 'opportunities', 'list', { pageSize: 2, sort: { field: 'probability', order: 'desc' } })
      expect(page1.total).toBe(3)
      expect(page1.items.map((x) => x.probability)).toEqual([90, 60])
      const page2 = await t.call(s.mgrA2.key, 'opportunities', 'list', { page: 2, pageSize: 2, sort: { field: 'probability', order: 'desc' } })
      expect(page2.items.map((x) => x.probability)).toEqual([10])
      expect(await listA2({}, { sort: { field: 'expectedCloseDate', order: 'asc' } })).toEqual([ids.c.id, ids.b.id, ids.a.id])
      expect(await listA2({}, { sort: { field: 'expectedCloseDate', order: 'desc' } })).toEqual([ids.b.id, ids.c.id, ids.a.id])
    })

    it('a 客户经理 sees own opportunities; the supervisor the team; another team nothing', async () => {
      const mine = await t.call(s.mgrA1.key, 'opportunities', 'list', { pageSize: 100 })
      expect(mine.items.every((x) => x.createdBy === s.mgrA1.userId)).toBe(true)
      const team = await t.call(s.supA.key, 'opportunities', 'list', { pageSize: 100, filter: { search: '列表测试' } })
      expect(team.total).toBe(3)
      expect((await t.call(s.supB.key, 'opportunities', 'list', { filter: { search: '列表测试' } })).total).toBe(0)
      expect((await t.call(s.exec.key, 'opportunities', 'list', { filter: { search: '列表测试' } })).total).toBe(3)
      expectCode(await t.raw(s.agent.key, 'opportunities', 'list', {}), 'forbidden')
    })
  })

  describe('edit and delete only while 未分配', () => {
    it('edits the 表1 fields with the version it was based on; a stale version is a conflict', async () => {
      const o = await create(s.mgrA1, { customerName: '编辑测试有限公司' })
      const e = await t.call(s.mgrA1.key, 'opportunities', 'update', { id: o.id, version: o.version, fields: { summary: '改过的概要', probability: 35, contactName: '赵六' } })
      expect(e).toMatchObject({ summary: '改过的概要', probability: 35, contactName: '赵六' })
      expect(e.version).toBeGreaterThan(o.version)
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'update', { id: o.id, version: o.version, fields: { summary: '旧版本' } }), 'conflict')
      expect((await t.call(s.mgrA1.key, 'opportunities', 'list', { filter: { search: 'zl' } })).items.map((x) => x.id)).toContain(o.id)
      const entries = await auditRows(t, 'opportunity', o.id)
      expect(entries.at(-1)!.changes).toEqual({ summary: ['采购CRM系统', '改过的概要'], probability: [20, 35], contactName: ['李明', '赵六'] })
      // the supervisor of the team may edit it too; the system fields cannot be sent
      await t.call(s.supA.key, 'opportunities', 'update', { id: o.id, version: e.version, fields: { description: '主管补充了描述' } })
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'update', { id: o.id, version: e.version, fields: { status: 'won' } }), 'validation')
    })

    it('deletes only after the creator asks, with the current version', async () => {
      const o = await create(s.mgrA1, { customerName: '删除测试有限公司' })
      const e = expectCode(await t.raw(s.supA.key, 'opportunities', 'remove', { id: o.id, version: o.version }), 'rule')
      expect(e.key).toBe('opportunities.errors.notCreator')
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'remove', { id: o.id, version: o.version + 1 }), 'conflict')
      expect(await t.call(s.mgrA1.key, 'opportunities', 'remove', { id: o.id, version: o.version })).toEqual({ ok: true })
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'get', { id: o.id }), 'not_found')
      expect((await k()('opportunities').where({ id: o.id }).first()).deleted_at).not.toBeNull()
      expect((await auditRows(t, 'opportunity', o.id)).at(-1)!.action).toBe('delete')
    })

    it('an assigned opportunity cannot be edited or deleted, not even by its creator', async () => {
      const o = await create(s.mgrA1, { customerName: '指派后不能编辑有限公司' })
      const a = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA2.userId })
      const before = await syncVersion(t)
      expect(expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'update', { id: o.id, version: a.version, fields: { summary: 'x' } }), 'rule', 'not_found').code).toBeDefined()
      const sup = expectCode(await t.raw(s.supA.key, 'opportunities', 'update', { id: o.id, version: a.version, fields: { summary: 'x' } }), 'rule')
      expect(sup.key).toBe('opportunities.errors.notUnassigned')
      const del = expectCode(await t.raw(s.mgrA2.key, 'opportunities', 'remove', { id: o.id, version: a.version }), 'rule')
      expect(del.key).toBe('opportunities.errors.deleteNotUnassigned')
      expect(await syncVersion(t)).toBe(before)
    })
  })

  describe('指派 and the 客户开发计划', () => {
    it('lists the team\'s 客户经理 with region, industry and open load', async () => {
      const south = await dictId(t, 'region', '华南')
      await t.call(s.mgrA2.key, 'customers', 'create', { name: '华南负荷测试有限公司', regionId: south })
      const list = await t.call(s.supA.key, 'opportunities', 'assignees', {})
      expect(list.map((x) => x.name).sort()).toEqual(['经理甲一', '经理甲二'])
      const a2 = list.find((x) => x.userId === s.mgrA2.userId)!
      expect(a2).toMatchObject({ teamId: s.teamA, teamName: '华南一组', regionIds: [south] })
      expect(a2.openCount).toBeGreaterThanOrEqual(1)
      expect((await t.call(s.admin.key, 'opportunities', 'assignees', {})).map((x) => x.name)).toContain('经理乙')
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'assignees', {}), 'forbidden')
    })

    it('assigns to one 客户经理 of the team, with a reminder; a supervisor or another team is refused', async () => {
      const o = await create(s.supA, { customerName: '深圳市指派测试科技有限公司', contactName: '陈先生', contactPhone: '13912345678' })
      expectFieldIssue(await t.raw(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrB.userId }), 'assigneeId', 'out_of_team')
      expectFieldIssue(await t.raw(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.supA.userId }), 'assigneeId', 'invalid_assignee')
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA1.userId }), 'forbidden', 'not_found')
      t.clock.advance(60_000)
      const a = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA1.userId })
      expect(a).toMatchObject({ status: 'assigned', assignedTo: s.mgrA1.userId, assignedToName: '经理甲一', assignedBy: s.supA.userId, assignedByName: '主管甲' })
      expect(a.assignedAt).toBe(t.clock.now().toISOString())
      expect(a.can).toMatchObject({ edit: false, remove: false, assign: true, plan: true, close: true })
      // the 客户经理 now sees it, with the plan open to them
      const seen = await t.call(s.mgrA1.key, 'opportunities', 'get', { id: o.id })
      expect(seen.can).toEqual({ edit: false, remove: false, assign: false, track: true, plan: true, close: true })
      const [r] = await remindersOf(o.id)
      expect(r).toMatchObject({ owner_id: s.mgrA1.userId, source: 'opportunity', source_id: o.id })
      // its title is a key and values, rendered in the reader's language
      expect(r).toMatchObject({ title: '', title_key: 'opportunity' })
      expect(JSON.parse(String(r.title_params))).toMatchObject({ code: o.code })
      // listed under 今日 until the end of the day (23:59 Shanghai), notified at once
      expect(new Date(r.due_at).toISOString()).toBe('2026-03-10T15:59:00.000Z')
      expect(Date.parse(new Date(r.fire_at).toISOString())).toBeLessThanOrEqual(t.clock.now().getTime())
      const centre = await t.call(s.mgrA1.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })
      expect(centre.today.map((x) => x.opportunityId)).toContain(o.id)
      expect((await t.call(s.mgrA1.key, 'reminders', 'due', {})).items.map((x) => x.opportunityId)).toContain(o.id)
      t.clock.setNow(new Date(NOW))
    })

    it('runs a 3-step plan: reminders per dated step, reorder, edit, delete, 执行效果; 开发成功 creates the customer with its contact', async () => {
      const o = await create(s.supA, { customerName: '佛山市开发成功测试有限公司', contactName: '周经理', contactPhone: '139-0000-1111' })
      const a = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA1.userId })
      const s1 = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-03-12', action: '电话沟通需求' })
      const s2 = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-03-20', action: '上门演示' })
      const s3 = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-03-25', action: '提交报价' })
      // the 指派 reminder is met by the plan; each dated step reminds the 客户经理 at 09:00 Shanghai
      const rs = await remindersOf(o.id)
      expect(rs.find((r) => r.source === 'opportunity').done_at).not.toBeNull()
      const stepRs = rs.filter((r) => r.source === 'plan_step')
      expect(stepRs.map((r) => [r.source_id, new Date(r.due_at).toISOString(), r.owner_id])).toEqual([
        [s1.id, '2026-03-12T01:00:00.000Z', s.mgrA1.userId],
        [s2.id, '2026-03-20T01:00:00.000Z', s.mgrA1.userId],
        [s3.id, '2026-03-25T01:00:00.000Z', s.mgrA1.userId],
      ])
      expect(stepRs[1].title_key).toBe('plan_step')
      expect(JSON.parse(String(stepRs[1].title_params)).action).toBe('上门演示')
      // reorder: 3, 1, 2
      const order = await t.call(s.mgrA1.key, 'opportunities', 'reorderSteps', { opportunityId: o.id, ids: [s3.id, s1.id, s2.id] })
      expect(order.map((x) => x.action)).toEqual(['提交报价', '电话沟通需求', '上门演示'])
      expectFieldIssue(await t.raw(s.mgrA1.key, 'opportunities', 'reorderSteps', { opportunityId: o.id, ids: [s3.id, s1.id] }), 'ids', 'invalid')
      // a new date moves the reminder; a deleted step retracts it
      const s3b = order.find((x) => x.id === s3.id)!
      const moved = await t.call(s.mgrA1.key, 'opportunities', 'updateStep', { id: s3.id, version: s3b.version, plannedDate: '2026-03-15' })
      expect(new Date((await k()('reminders').where({ source_id: s3.id }).first()).due_at).toISOString()).toBe('2026-03-15T01:00:00.000Z')
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'updateStep', { id: s3.id, version: s3b.version, action: 'stale' }), 'conflict')
      const s2now = (await t.call(s.mgrA1.key, 'opportunities', 'get', { id: o.id })).steps.find((x) => x.id === s2.id)!
      await t.call(s.mgrA1.key, 'opportunities', 'removeStep', { id: s2.id, version: s2now.version })
      expect((await k()('reminders').where({ source_id: s2.id }).first()).retracted_at).not.toBeNull()
      const s2b = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-03-20', action: '上门演示（改期）' })
      // 执行效果: the step's reminder is done
      const s1now = (await t.call(s.mgrA1.key, 'opportunities', 'get', { id: o.id })).steps.find((x) => x.id === s1.id)!
      const done = await t.call(s.mgrA1.key, 'opportunities', 'recordResult', { id: s1.id, version: s1now.version, result: '客户确认预算和需求' })
      expect(done).toMatchObject({ result: '客户确认预算和需求', executedAt: NOW })
      expect((await k()('reminders').where({ source_id: s1.id }).first()).done_at).not.toBeNull()
      expectFieldIssue(
        await t.raw(s.mgrA1.key, 'opportunities', 'recordResult', { id: s3.id, version: moved.version, result: 'x', executedAt: '2027-01-01T00:00:00Z' }),
        'executedAt', 'in_future',
      )
      await t.call(s.mgrA1.key, 'opportunities', 'recordResult', { id: s3.id, version: moved.version, result: '报价已提交' })
      // another 客户经理 of the team cannot touch the plan
      expectCode(await t.raw(s.mgrA2.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-03-30', action: 'x' }), 'not_found')

      // 开发成功
      const cur = await t.call(s.mgrA1.key, 'opportunities', 'get', { id: o.id })
      expect(cur.version).toBe(a.version) // plan steps leave the opportunity's version alone
      const won = await t.call(s.mgrA1.key, 'opportunities', 'close', { id: o.id, version: cur.version, outcome: 'won', note: '签下首单' })
      expect(won.customerCreated).toBe(true)
      expect(won.opportunity).toMatchObject({ status: 'won', probability: 100, resultNote: '签下首单', customerId: won.customerId, customerVisible: true })
      expect(won.opportunity.can).toEqual({ edit: false, remove: false, assign: false, track: false, plan: false, close: false })
      const customer = await t.call(s.mgrA1.key, 'customers', 'get', { id: won.customerId! })
      expect(customer).toMatchObject({ name: '佛山市开发成功测试有限公司', ownerId: s.mgrA1.userId })
      expect(customer.code).toMatch(/^KH-2026-\d{6}$/)
      const contacts = await t.call(s.mgrA1.key, 'contacts', 'list', { customerId: customer.id })
      expect(contacts.map((c) => [c.name, c.mobile, c.officePhone, c.isPrimary])).toEqual([['周经理', '139-0000-1111', null, true]])
      expect((await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: 'zjl' } })).items.map((x) => x.id)).toContain(customer.id)
      expect((await auditRows(t, 'customer', customer.id))[0].changes.fromOpportunity).toEqual([null, o.code])
      // the open step's reminder is withdrawn with the plan
      expect((await k()('reminders').where({ source_id: s2b.id }).first()).retracted_at).not.toBeNull()

      // the result is read-only afterwards
      const closed = (await t.call(s.mgrA1.key, 'opportunities', 'get', { id: o.id }))
      const before = await syncVersion(t)
      const ro = [
        await t.raw(s.mgrA1.key, 'opportunities', 'close', { id: o.id, version: closed.version, outcome: 'lost', lostReasonId: await dictId(t, 'opportunity_lost_reason', '其他') }),
        await t.raw(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-04-01', action: '回访' }),
        await t.raw(s.mgrA1.key, 'opportunities', 'recordResult', { id: s2b.id, version: s2b.version, result: 'x' }),
        await t.raw(s.mgrA1.key, 'opportunities', 'track', { id: o.id, version: closed.version, probability: 50 }),
        await t.raw(s.supA.key, 'opportunities', 'assign', { id: o.id, version: closed.version, assigneeId: s.mgrA2.userId }),
      ]
      for (const r of ro) expect(expectCode(r, 'rule').key).toBe('opportunities.errors.closed')
      expect(await syncVersion(t)).toBe(before)
    })

    it('开发成功 links the existing customer of the same name instead of a duplicate', async () => {
      const existing = await t.call(s.mgrB.key, 'customers', 'create', { name: '东莞 同名客户 电子有限公司' })
      const o = await create(s.supA, { customerName: '东莞同名客户电子有限公司', contactName: '不会新增' })
      const a = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA2.userId })
      const won = await t.call(s.mgrA2.key, 'opportunities', 'close', { id: o.id, version: a.version, outcome: 'won' })
      expect(won).toMatchObject({ customerId: existing.id, customerCreated: false })
      expect(won.opportunity.customerVisible).toBe(false) // another team's customer
      const n = await k()('customers').whereNull('deleted_at').where('name', 'like', '%同名客户%').count({ n: '*' }).first()
      expect(Number(n!.n)).toBe(1)
      expect(await k()('contacts').where({ customer_id: existing.id }).count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(0)
    })

    it('开发失败 needs a 失败原因 from its dictionary; the supervisor may end the plan too', async () => {
      const o = await create(s.supA, { customerName: '开发失败测试有限公司' })
      const a = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA2.userId })
      expectFieldIssue(await t.raw(s.mgrA2.key, 'opportunities', 'close', { id: o.id, version: a.version, outcome: 'lost' }), 'lostReasonId', 'required')
      expectFieldIssue(
        await t.raw(s.mgrA2.key, 'opportunities', 'close', { id: o.id, version: a.version, outcome: 'lost', lostReasonId: await dictId(t, 'churn_reason', '其他') }),
        'lostReasonId', 'invalid_dict',
      )
      const reason = await dictId(t, 'opportunity_lost_reason', '选择了竞争对手')
      const lost = await t.call(s.supA.key, 'opportunities', 'close', { id: o.id, version: a.version, outcome: 'lost', lostReasonId: reason, note: '对方价格低' })
      expect(lost.opportunity).toMatchObject({ status: 'lost', probability: 0, lostReasonId: reason, resultNote: '对方价格低' })
      expect(lost).toMatchObject({ customerId: null, customerCreated: false })
      // the reason is in use now: it can be disabled, not deleted
      expectCode(await t.raw(s.admin.key, 'dictionary', 'remove', { id: reason }), 'in_use')
    })

    it('hands an assigned opportunity over: steps and reminders follow the new 客户经理', async () => {
      const o = await create(s.supA, { customerName: '转交测试有限公司' })
      const a = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: s.mgrA1.userId })
      const step = await t.call(s.mgrA1.key, 'opportunities', 'addStep', { opportunityId: o.id, plannedDate: '2026-03-18', action: '拜访' })
      const b = await t.call(s.supA.key, 'opportunities', 'assign', { id: o.id, version: a.version, assigneeId: s.mgrA2.userId })
      expect(b.assignedTo).toBe(s.mgrA2.userId)
      expect((await k()('plan_steps').where({ id: step.id }).first()).owner_id).toBe(s.mgrA2.userId)
      expect((await k()('reminders').where({ source_id: step.id }).first()).owner_id).toBe(s.mgrA2.userId)
      expectCode(await t.raw(s.mgrA1.key, 'opportunities', 'get', { id: o.id }), 'not_found')
      expect((await t.call(s.mgrA2.key, 'opportunities', 'get', { id: o.id })).steps.map((x) => x.id)).toEqual([step.id])
    })
  })

  describe('stages, the board and the funnel', () => {
    it('choosing a stage takes its default probability unless one is typed; the dictionary holds the defaults', async () => {
      const stage = await dictId(t, 'opportunity_stage', '商务谈判')
      expect((await t.call(s.admin.key, 'dictionary', 'items', { typeCode: 'opportunity_stage' })).map((i) => i.probability)).toEqual([10, 30, 50, 70, 90])
      const o = await create(s.mgrA1, { customerName: '阶段测试有限公司' })
      const moved = await t.call(s.mgrA1.key, 'opportunities', 'track', { id: o.id, version: o.version, stageId: stage })
      expect(moved).toMatchObject({ stageId: stage, probability: 70 })
      const typed = await t.call(s.mgrA1.key, 'opportunities', 'track', { id: o.id, version: moved.version, stageId: await dictId(t, 'opportunity_stage', '签约'), probability: 80 })
      expect(typed.probability).toBe(80)
      const amount = await t.call(s.mgrA1.key, 'opportunities', 'track', { id: o.id, version: typed.version, expectedAmountCents: 123_456_78, expectedCloseDate: '2026-05-01' })
      expect(amount).toMatchObject({ expectedAmountCents: 123_456_78, expectedCloseDate: '2026-05-01', probability: 80 })
      const item = await t.call(s.admin.key, 'dictionary', 'save', { id: stage, version: await versionOf(t, 'dict_items', stage), typeCode: 'opportunity_stage', label: '商务谈判', probability: 75 })
      expect(item.probability).toBe(75)
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'region', label: '新区域', probability: 5 }), 'probability', 'not_allowed')
    })

    it('board: open opportunities per stage with Σ amount and the weighted value; dragging is for its 客户经理 or the supervisor', async () => {
      const t2 = await makeTestApp(dialect)
      try {
        freezeClock(t2, NOW)
        const staff = await makeStaff(t2)
        const st = async (label: string) => (await t2.app.db.knex('dict_items').where({ type_code: 'opportunity_stage', label }).first('id')).id
        const [first, quote] = [await st('初步接洽'), await st('方案报价')]
        const mk = (over: Partial<OpportunityCreate>) => (t2.clock.advance(1000), t2.call(staff.supA.key, 'opportunities', 'create', base(over)))
        const a = await mk({ customerName: '看板甲', stageId: first, probability: 10, expectedAmountCents: 100_000_00 })
        const b = await mk({ customerName: '看板乙', stageId: quote, probability: 50, expectedAmountCents: 300_000_00 })
        await mk({ customerName: '看板丙', stageId: quote, probability: 60, expectedAmountCents: 33_33 })
        await mk({ customerName: '看板丁', probability: 5 })
        const board = await t2.call(staff.supA.key, 'opportunities', 'board', {})
        const col = (id: string | null) => board.columns.find((c) => c.stageId === id)!
        expect(board.columns.map((c) => c.stageId)).toEqual([null, first, await st('需求确认'), quote, await st('商务谈判'), await st('签约')])
        expect(col(quote)).toMatchObject({ count: 2, amountCents: 300_033_33, weightedCents: 150_020_00 })
        expect(col(first)).toMatchObject({ count: 1, amountCents: 100_000_00, weightedCents: 10_000_00 })
        expect(col(null).items.map((x) => x.customerName)).toEqual(['看板丁'])
        expect(board).toMatchObject({ count: 4, amountCents: 400_033_33, weightedCents: 160_020_00 })
        // a wide board reads each column's cards with a query of its own: the same answer
        const actor = (await loadActor(t2.app, staff.supA.userId))!
        expect(await opportunitiesBoard({ ...t2.app, actor }, { filter: {}, perColumn: 30 }, { narrowBoard: 0 })).toEqual(board)
        const one = await opportunitiesBoard({ ...t2.app, actor }, { filter: {}, perColumn: 1 }, { narrowBoard: 0 })
        expect(one.columns.find((c) => c.stageId === quote)).toMatchObject({ count: 2, items: [expect.objectContaining({ customerName: '看板丙' })] })
        expect((await t2.call(staff.supA.key, 'opportunities', 'board', { perColumn: 1 })).columns.find((c) => c.stageId === quote)!.items.map((x) => x.customerName)).toEqual(['看板丙'])
        // drag 甲 to 方案报价: probability follows the stage
        const assigned = await t2.call(staff.supA.key, 'opportunities', 'assign', { id: a.id, version: a.version, assigneeId: staff.mgrA1.userId })
        const refused = expectCode(await t2.raw(staff.mgrA2.key, 'opportunities', 'track', { id: a.id, version: assigned.version, stageId: quote }), 'not_found')
        expect(refused).toBeDefined()
        t2.clock.advance(1000)
        const dragged = await t2.call(staff.mgrA1.key, 'opportunities', 'track', { id: a.id, version: assigned.version, stageId: quote })
        expect(dragged.probability).toBe(50)
        const after = await t2.call(staff.supA.key, 'opportunities', 'board', {})
        expect(after.columns.find((c) => c.stageId === quote)!.items[0].id).toBe(a.id)
        expect(after.weightedCents).toBe(board.weightedCents - 10_000_00 + 50_000_00)
        // the 客户经理's board holds only theirs; a won one leaves the board
        const mine = await t2.call(staff.mgrA1.key, 'opportunities', 'board', {})
        expect(mine.count).toBe(1)
        const bb = await t2.call(staff.supA.key, 'opportunities', 'assign', { id: b.id, version: b.version, assigneeId: staff.mgrA2.userId })
        await t2.call(staff.mgrA2.key, 'opportunities', 'close', { id: b.id, version: bb.version, outcome: 'won' })
        expect((await t2.call(staff.supA.key, 'opportunities', 'board', {})).count).toBe(3)
        expect((await t2.call(staff.supA.key, 'opportunities', 'board', { filter: { search: '看板丙' } })).count).toBe(1)
      } finally {
        await t2.close()
      }
    })

    it('funnel: counts, amounts, stage-to-stage conversion per 客户经理 and team, win rate and reasons', async () => {
      const t2 = await makeTestApp(dialect)
      try {
        freezeClock(t2, NOW)
        const staff = await makeStaff(t2)
        const id = (type: string, label: string) => t2.app.db.knex('dict_items').where({ type_code: type, label }).first('id').then((r) => r.id as string)
        const [s1, s2, s3, s4, s5] = await Promise.all(['初步接洽', '需求确认', '方案报价', '商务谈判', '签约'].map((l) => id('opportunity_stage', l)))
        const price = await id('opportunity_lost_reason', '价格过高')
        const web = await id('opportunity_source', '网站')
        const run = async (who: typeof staff.mgrA1, stageId: string | null, end: 'won' | 'lost' | 'open' | 'unassigned', amount: number) => {
          const o = await t2.call(staff.admin.key, 'opportunities', 'create', base({ customerName: `漏斗${Math.random()}`, stageId, sourceId: web, expectedAmountCents: amount }))
          if (end === 'unassigned') return
          const a = await t2.call(staff.admin.key, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: who.userId })
          if (end === 'won') await t2.call(who.key, 'opportunities', 'close', { id: o.id, version: a.version, outcome: 'won' })
          if (end === 'lost') await t2.call(who.key, 'opportunities', 'close', { id: o.id, version: a.version, outcome: 'lost', lostReasonId: price })
        }
        await run(staff.mgrA1, s1, 'open', 1000)
        await run(staff.mgrA1, s2, 'lost', 2000)
        await run(staff.mgrA1, s3, 'open', 3000)
        await run(staff.mgrA1, s4, 'won', 4000)
        await run(staff.mgrA2, s5, 'won', 5000)
        await run(staff.mgrB, s3, 'lost', 6000)
        await run(staff.mgrB, null, 'unassigned', 7000)
        const f = await t2.call(staff.admin.key, 'opportunities', 'funnel', { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' })
        expect(f).toMatchObject({ total: 7, open: 3, won: 2, lost: 2, unassigned: 1, wonAmountCents: 9000 })
        // reached: 初步接洽 by all but the one without a stage; won ones reached every stage
        expect(f.stages.map((x) => x.reached)).toEqual([6, 5, 4, 2, 2])
        expect(f.stages.map((x) => x.conversion)).toEqual([0.8571, 0.8333, 0.8, 0.5, 1])
        expect(f.stages.map((x) => [x.count, x.open])).toEqual([[1, 1], [1, 0], [2, 1], [0, 0], [0, 0]])
        expect(f.amountCents).toBe(1000 + 3000 + 7000)
        const a1 = f.groups.find((g) => g.key === staff.mgrA1.userId)!
        expect(a1).toMatchObject({ name: '经理甲一', total: 4, open: 2, won: 1, lost: 1, winRate: 0.5, reached: [4, 3, 2, 1, 1] })
        expect(f.groups.at(-1)).toMatchObject({ key: null, total: 1 })
        expect(f.closed).toMatchObject({ won: 2, lost: 2, winRate: 0.5, wonAmountCents: 9000 })
        expect(f.closed.lostReasons).toEqual([{ reasonId: price, count: 2, amountCents: 8000 }])
        expect(f.closed.wonSources).toEqual([{ sourceId: web, count: 2, amountCents: 9000 }])
        const teams = await t2.call(staff.admin.key, 'opportunities', 'funnel', { groupBy: 'team' })
        expect(teams.groups.map((g) => [g.name, g.total, g.won])).toEqual([['华南一组', 5, 2], ['华东二组', 1, 0], [null, 1, 0]])
        // another period holds nothing; a 客户经理's funnel holds only theirs
        expect((await t2.call(staff.admin.key, 'opportunities', 'funnel', { from: '2026-04-01T00:00:00Z' })).total).toBe(0)
        expect((await t2.call(staff.mgrA2.key, 'opportunities', 'funnel', {})).total).toBe(1)
      } finally {
        await t2.close()
      }
    })
  })
})
