// 客户需求单 through dispatch on SQLite and PostgreSQL: the whole flow with two departments'
// reviews, approval by a supervisor, customer confirmation, a 需求变更 with its reason, the
// refusals (illegal step, stale version, missing reason, missing reviews), attachments, the
// tracking matrix with its delay (filter, sort) and the Excel export read back with exceljs.
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Requirement } from '../../src-main/contract/requirements'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, dictId, expectCode, expectFieldIssue, makeStaff, syncVersion, type Staff } from './customers.fixtures'

describeEachDb('requirements', (dialect) => {
  let t: TestApp
  let s: Staff
  let customerId: string
  let quality: string
  let production: string
  let purchasing: string
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    // the app's day is fixed so the delays below are exact
    t.clock.setNow(new Date('2026-03-20T04:00:00Z'))
    await t.call(s.admin.key, 'reminders', 'saveSettings', { timeZone: 'Asia/Shanghai' })
    customerId = (await t.call(s.admin.key, 'customers', 'create', { name: '苏州精工机械有限公司', ownerId: s.mgrA1.userId })).id
    quality = await dictId(t, 'review_department', '质量部')
    production = await dictId(t, 'review_department', '生产部')
    purchasing = await dictId(t, 'review_department', '采购部')
  })
  afterAll(async () => {
    t.clock.reset()
    await t.close()
  })

  const create = (key: string, extra: Record<string, unknown> = {}) =>
    t.call(key, 'requirements', 'create', {
      customerId, customerOwner: '王采购', liaisonId: s.mgrA2.userId, workContent: '非标夹具设计，适配新产线', requirements: '公差 ±0.01mm',
      priority: 'high', plannedStart: '2026-03-01', plannedFinish: '2026-03-10', ...extra,
    })

  it('goes through the whole flow: two reviews, approval, confirmation, a change with its reason, start, finish', async () => {
    const r0 = await create(s.mgrA1.key)
    expect(r0).toMatchObject({ status: 'received', priority: 'high', ownerId: s.mgrA1.userId, liaisonName: '经理甲二', customerName: '苏州精工机械有限公司' })
    expect(r0.code).toMatch(/^XQ-2026-\d{6}$/)
    expect(r0.actions).toEqual(['edit', 'organise', 'remove'].filter((a) => a !== 'remove')) // a manager has no delete, no approve

    const r1 = await t.call(s.mgrA1.key, 'requirements', 'organise', { id: r0.id, version: r0.version })
    expect(r1.status).toBe('organising')
    const r2 = await t.call(s.mgrA1.key, 'requirements', 'startReview', { id: r0.id, version: r1.version, departmentIds: [quality, production] })
    expect(r2).toMatchObject({ status: 'reviewing', reviewDepartments: [quality, production], reviews: [] })

    // a department not asked cannot answer; the report waits for every asked department
    expectFieldIssue(await t.raw(s.mgrA1.key, 'requirements', 'review', { id: r0.id, version: r2.version, departmentId: purchasing, feasible: true }), 'departmentId', 'not_asked')
    const r3 = await t.call(s.mgrA1.key, 'requirements', 'review', { id: r0.id, version: r2.version, departmentId: quality, feasible: true, opinion: '可检测' })
    const missing = expectCode(await t.raw(s.mgrA1.key, 'requirements', 'report', { id: r0.id, version: r3.version, report: '可行' }), 'rule')
    expect(missing.key).toBe('requirements.errors.reviewsMissing')
    expect(missing.params).toMatchObject({ missing: [production], count: 1 })
    const r4 = await t.call(s.mgrA1.key, 'requirements', 'review', { id: r0.id, version: r3.version, departmentId: production, feasible: false, opinion: '需新增工装' })
    // answering again corrects the department's answer (one answer per department)
    const r5 = await t.call(s.mgrA1.key, 'requirements', 'review', { id: r0.id, version: r4.version, departmentId: production, feasible: true, opinion: '外协工装可行' })
    expect(r5.reviews.map((v) => [v.departmentId, v.feasible, v.opinion, v.reviewerName])).toEqual([
      [quality, true, '可检测', '经理甲一'],
      [production, true, '外协工装可行', '经理甲一'],
    ])
    const r6 = await t.call(s.mgrA1.key, 'requirements', 'report', { id: r0.id, version: r5.version, report: '质量、生产评议可行，建议批准' })
    expect(r6).toMatchObject({ status: 'reported', report: '质量、生产评议可行，建议批准', reportedByName: '经理甲一' })

    // approval is the supervisor's (requirements.approve)
    expectCode(await t.raw(s.mgrA1.key, 'requirements', 'approve', { id: r0.id, version: r6.version }), 'forbidden')
    const r7 = await t.call(s.supA.key, 'requirements', 'approve', { id: r0.id, version: r6.version, comment: '同意' })
    expect(r7).toMatchObject({ status: 'approved', approvedBy: s.supA.userId, approvedByName: '主管甲', approvalComment: '同意' })

    // after approval: a change of a tracked field needs a reason and is listed as a 需求变更
    expectFieldIssue(await t.raw(s.mgrA1.key, 'requirements', 'update', { id: r0.id, version: r7.version, fields: { plannedFinish: '2026-03-15' } }), 'reason', 'change_reason_required')
    const r8 = await t.call(s.mgrA1.key, 'requirements', 'update', {
      id: r0.id, version: r7.version, fields: { plannedFinish: '2026-03-15', priority: 'medium', notes: '备注不算变更' }, reason: '客户推迟验收',
    })
    expect(r8.changes.map((c) => [c.field, c.oldValue, c.newValue, c.why, c.changedByName]).sort()).toEqual([
      ['plannedFinish', '2026-03-10', '2026-03-15', '客户推迟验收', '经理甲一'],
      ['priority', 'high', 'medium', '客户推迟验收', '经理甲一'],
    ])
    expect(r8).toMatchObject({ plannedFinish: '2026-03-15', priority: 'medium', notes: '备注不算变更', changeCount: 2 })

    // the customer signs; a signing date in the future is refused
    expectFieldIssue(await t.raw(s.mgrA1.key, 'requirements', 'confirm', { id: r0.id, version: r8.version, signedDate: '2026-04-01', signerName: '王采购' }), 'signedDate', 'in_future')
    const r9 = await t.call(s.mgrA1.key, 'requirements', 'confirm', { id: r0.id, version: r8.version, signedDate: '2026-03-12', signerName: '王采购' })
    expect(r9).toMatchObject({ status: 'confirmed', signedDate: '2026-03-12', signerName: '王采购' })
    const r10 = await t.call(s.mgrA1.key, 'requirements', 'start', { id: r0.id, version: r9.version, actualStart: '2026-03-13' })
    expect(r10).toMatchObject({ status: 'in_progress', actualStart: '2026-03-13', delayDays: 5 }) // planned 03-15, today 03-20
    const r11 = await t.call(s.mgrA1.key, 'requirements', 'finish', { id: r0.id, version: r10.version })
    expect(r11).toMatchObject({ status: 'done', actualFinish: '2026-03-20', delayDays: 5, actions: [] })

    // done is read-only
    const ro = expectCode(await t.raw(s.mgrA1.key, 'requirements', 'update', { id: r0.id, version: r11.version, fields: { notes: 'x' } }), 'rule')
    expect(ro).toMatchObject({ key: 'requirements.errors.illegalTransition', params: { status: 'done', action: 'edit' } })

    // every step is in the audit log, under the customer
    const log = await auditRows(t, 'requirement', r0.id)
    expect(log.map((e) => e.changes.status?.[1]).filter(Boolean)).toEqual(['received', 'organising', 'reviewing', 'reported', 'approved', 'confirmed', 'in_progress', 'done'])
    expect(log.every((e) => e.parent_id === customerId)).toBe(true)
    expect(log.find((e) => e.changes.changeReason)?.changes.changeReason).toEqual([null, '客户推迟验收'])
  })

  it('refuses an illegal step, a stale version and edits of a rejected sheet, and writes nothing then', async () => {
    const r = await create(s.mgrA1.key)
    const before = await syncVersion(t)
    const illegal = expectCode(await t.raw(s.supA.key, 'requirements', 'approve', { id: r.id, version: r.version }), 'rule')
    expect(illegal).toMatchObject({ key: 'requirements.errors.illegalTransition', params: { status: 'received', action: 'approve' } })
    expectCode(await t.raw(s.mgrA1.key, 'requirements', 'startReview', { id: r.id, version: r.version, departmentIds: [quality] }), 'rule')
    const organised = await t.call(s.mgrA1.key, 'requirements', 'organise', { id: r.id, version: r.version })
    const stale = expectCode(await t.raw(s.mgrA1.key, 'requirements', 'update', { id: r.id, version: r.version, fields: { notes: '旧版本' } }), 'conflict')
    expect(stale.key).toBe('errors.conflict')
    expectFieldIssue(
      await t.raw(s.mgrA1.key, 'requirements', 'update', { id: r.id, version: organised.version, fields: { plannedStart: '2026-04-01', plannedFinish: '2026-03-01' } }),
      'plannedFinish', 'before_start',
    )
    // a department id that is not a 评议部门
    const region = await dictId(t, 'region', '华南')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'requirements', 'startReview', { id: r.id, version: organised.version, departmentIds: [region] }), 'departmentIds.0', 'invalid_dict')
    expect(await syncVersion(t)).toBe(before + 1) // only the organise step wrote
    // before approval an edit needs no reason and makes no change record
    const edited = await t.call(s.mgrA1.key, 'requirements', 'update', { id: r.id, version: organised.version, fields: { plannedFinish: '2026-03-31' } })
    expect(edited.changes).toEqual([])
    const rejected = await t.call(s.supA.key, 'requirements', 'reject', { id: r.id, version: edited.version, reason: '超出产能' })
    expect(rejected).toMatchObject({ status: 'rejected', rejectedReason: '超出产能', rejectedByName: '主管甲', delayDays: 0 })
    expectCode(await t.raw(s.mgrA1.key, 'requirements', 'organise', { id: r.id, version: rejected.version }), 'rule')
    expectCode(await t.raw(s.supA.key, 'requirements', 'remove', { id: r.id }), 'rule')
  })

  it('keeps attachments on the sheet: add, download the same bytes, remove', async () => {
    const r = await create(s.mgrA1.key)
    const content = Buffer.from('需求确认单 扫描件').toString('base64')
    const a = await t.call(s.mgrA1.key, 'requirements', 'addAttachment', { requirementId: r.id, fileName: '需求确认单.pdf', contentBase64: content })
    expect(a).toMatchObject({ fileName: '需求确认单.pdf', mime: 'application/pdf' })
    expect((await t.call(s.supA.key, 'requirements', 'get', { id: r.id })).attachments.map((x) => x.id)).toEqual([a.id])
    expect((await t.call(s.supA.key, 'requirements', 'downloadAttachment', { id: a.id })).contentBase64).toBe(content)
    expectCode(await t.raw(s.mgrB.key, 'requirements', 'downloadAttachment', { id: a.id }), 'not_found')
    // an interaction attachment id is not a requirement attachment
    await t.call(s.mgrA1.key, 'requirements', 'removeAttachment', { id: a.id })
    expect((await t.call(s.mgrA1.key, 'requirements', 'get', { id: r.id })).attachments).toEqual([])
  })

  it('lists the tracking matrix with delays (filter, sort) and exports it as a formatted workbook', async () => {
    const other = (await t.call(s.admin.key, 'customers', 'create', { name: '无锡矩阵测试有限公司', ownerId: s.mgrA1.userId })).id
    const late = await create(s.mgrA1.key, { customerId: other, workContent: '逾期需求', plannedStart: '2026-03-01', plannedFinish: '2026-03-05' })
    const onTime = await create(s.mgrA1.key, { customerId: other, workContent: '按期需求', priority: 'low', plannedStart: '2026-03-01', plannedFinish: '2026-04-30' })
    const list = await t.call(s.mgrA1.key, 'requirements', 'list', { filter: { customerId: other }, sort: { field: 'delayDays', order: 'desc' } })
    expect(list.items.map((r) => [r.workContent, r.delayDays])).toEqual([['逾期需求', 15], ['按期需求', 0]])
    const delayed = await t.call(s.mgrA1.key, 'requirements', 'list', { filter: { customerId: other, delayedOnly: true } })
    expect(delayed.items.map((r) => r.id)).toEqual([late.id])
    const byPriority = await t.call(s.mgrA1.key, 'requirements', 'list', { filter: { customerId: other }, sort: { field: 'priority', order: 'asc' } })
    expect(byPriority.items.map((r) => r.id)).toEqual([late.id, onTime.id])
    const searched = await t.call(s.mgrA1.key, 'requirements', 'list', { filter: { search: '逾期' } })
    expect(searched.items.map((r) => r.id)).toEqual([late.id])
    const paged = await t.call(s.mgrA1.key, 'requirements', 'list', { page: 2, pageSize: 1, filter: { customerId: other }, sort: { field: 'code', order: 'asc' } })
    expect(paged).toMatchObject({ total: 2, items: [{ id: onTime.id }] })

    // the export is the supervisor's (requirements.export); a manager has no export
    expectCode(await t.raw(s.mgrA1.key, 'requirements', 'exportMatrix', { filter: { customerId: other } }), 'forbidden')
    const x = await t.call(s.supA.key, 'requirements', 'exportMatrix', { filter: { customerId: other }, sort: { field: 'delayDays', order: 'desc' } })
    expect(x).toMatchObject({ rows: 2, fileName: '需求追踪矩阵-2026-03-20.xlsx' })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(x.contentBase64, 'base64') as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]
    expect(ws.getRow(2).getCell(1).value).toBe('需求编号')
    expect(ws.getRow(2).font?.bold).toBe(true)
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 })
    expect(ws.getRow(3).getCell(3).value).toBe('逾期需求')
    expect(ws.getRow(3).getCell(4).value).toBe('高')
    expect((ws.getRow(3).getCell(8).value as Date).toISOString().slice(0, 10)).toBe('2026-03-05')
    expect(ws.getRow(3).getCell(11).value).toBe(15)
    expect(ws.getRow(3).getCell(11).font?.color?.argb).toBe('FFC0392B')
    expect(ws.getRow(4).getCell(11).font?.color?.argb).not.toBe('FFC0392B')
    const en = await t.call(s.supA.key, 'requirements', 'exportMatrix', { filter: { customerId: other }, locale: 'en-US' })
    const wbEn = new ExcelJS.Workbook()
    await wbEn.xlsx.load(Buffer.from(en.contentBase64, 'base64') as unknown as ArrayBuffer)
    expect(wbEn.worksheets[0].getRow(2).getCell(11).value).toBe('Delay (days)')
  })

  it('shows a sheet to its 负责人, its 对接人 and the customer\'s owner (own scope), and the team to the supervisor', async () => {
    const theirs = (await t.call(s.admin.key, 'customers', 'create', { name: '乙组客户有限公司', ownerId: s.mgrB.userId })).id
    // mgrB's sheet on mgrB's customer with mgrA2 as liaison
    const r = await t.call(s.mgrB.key, 'requirements', 'create', { customerId: theirs, workContent: '跨组对接需求', liaisonId: s.mgrA2.userId })
    const ids = async (key: string) => (await t.call(key, 'requirements', 'list', { pageSize: 500 })).items.map((x) => x.id)
    expect(await ids(s.mgrB.key)).toContain(r.id)
    expect(await ids(s.mgrA2.key)).toContain(r.id) // the liaison
    expect(await ids(s.mgrA1.key)).not.toContain(r.id)
    expectCode(await t.raw(s.mgrA1.key, 'requirements', 'get', { id: r.id }), 'not_found')
    expect(await ids(s.supB.key)).toContain(r.id)
    expect(await ids(s.supA.key)).toContain(r.id) // the liaison is in team A
    // a manager cannot write a sheet for someone else's customer
    expectCode(await t.raw(s.mgrA1.key, 'requirements', 'create', { customerId: theirs, workContent: 'x' }), 'not_found')
    // nor hand it to someone outside the team
    expectFieldIssue(await t.raw(s.mgrA1.key, 'requirements', 'create', { customerId, workContent: 'x', ownerId: s.mgrB.userId }), 'ownerId', 'out_of_team')
    const rowCount = Number((await k()('requirements').count({ n: '*' }))[0].n)
    expect(rowCount).toBeGreaterThan(0)
  })
})
