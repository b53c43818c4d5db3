// 导出 of the remaining lists — 联系人, 跟进记录, 订单, 回款, 服务工单, 客户需求 — read back with exceljs:
// headers, values, cell types (dates are dates, money numbers with 2 decimals), the totals row,
// the caller's data scope (a 客户经理 own rows, a 销售主管 their team's), the list's filter and sort;
// GBK CSV of the orders; the background export (start → progress → fetch, cancel, another user's job).
import { afterAll, beforeAll, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { ExportFile } from '../../src-main/contract/exports'
import { ExportInput } from '../../src-main/contract/exports'
import { exportsCancel, exportsFetch, exportsStart } from '../../src-main/modules/exports/exports.service'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, errorOf, expectCode, makeStaff, type Staff, type Who } from './customers.fixtures'
import { customerOf, draft, walk } from './orders.fixtures'

async function readXlsx(f: ExportFile) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(f.contentBase64, 'base64') as never)
  const ws = wb.worksheets[0]
  const rows: unknown[][] = []
  ws.eachRow({ includeEmpty: false }, (r) => rows.push((r.values as unknown[]).slice(1)))
  const header = rows[0] as string[]
  const col = (name: string) => {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`no column ${name} in ${header.join(',')}`)
    return i
  }
  return { ws, rows, header, col }
}

describeEachDb('exports of every list', (dialect) => {
  let t: TestApp
  let s: Staff
  const c: Record<string, string> = {}
  const listed = <T>(x: { items: T[] }) => x.items

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(new Date('2026-12-06T02:00:00Z'))
    const cust = async (key: string, owner: Who, name: string) => (c[key] = (await customerOf(t, s.admin, owner, name)).id)
    await cust('a1', s.mgrA1, '广州导出甲一电子有限公司')
    await cust('a1b', s.mgrA1, '广州导出甲一机械有限公司')
    await cust('a2', s.mgrA2, '深圳导出甲二科技有限公司')
    await cust('b', s.mgrB, '上海导出乙方化工有限公司')

    // 联系人
    await t.call(s.mgrA1.key, 'contacts', 'create', { customerId: c.a1, fields: { name: '张三', title: '采购经理', mobile: '13800138000', gender: 'male', buyingRole: 'decision_maker', friendliness: 4 } })
    await t.call(s.mgrA1.key, 'contacts', 'create', { customerId: c.a1, fields: { name: '李四', title: '工程师', mobile: '13900139000', email: 'lisi@example.cn' } })

    // 跟进记录
    const phone = await dictId(t, 'interaction_channel', '电话')
    const rec = (who: Who, customerId: string, occurredAt: string, subject: string, extra: Record<string, unknown> = {}) =>
      t.call(who.key, 'interactions', 'create', { customerId, channelId: phone, occurredAt, subject, ...extra })
    await rec(s.mgrA1, c.a1, '2026-11-02T09:00:00+08:00', '报价跟进', { outcome: '客户要求降价', nextFollowUpAt: '2026-12-10T09:00:00+08:00', promises: [{ content: '寄样品', dueDate: '2026-12-08' }] })
    await rec(s.mgrA1, c.a1b, '2026-11-20T15:30:00+08:00', '报价确认')
    await rec(s.mgrA1, c.a1, '2026-11-25T10:00:00+08:00', '节日问候')
    await rec(s.mgrB, c.b, '2026-11-21T10:00:00+08:00', '报价乙方')

    // 订单 and 回款: team A has two sales and a draft, team B one sale
    const sale = async (who: Who, sup: Who, customerId: string, date: string, cents: number) =>
      walk(t, await draft(t, who, customerId, date, [{ productName: '设备', quantity: 1, unitPriceCents: cents }]), who, sup, 'approved')
    const o1 = await sale(s.mgrA1, s.supA, c.a1, '2026-10-01', 123_456)
    await sale(s.mgrA2, s.supA, c.a2, '2026-10-15', 250_050)
    await draft(t, s.mgrA1, c.a1b, '2026-11-01', [{ productName: '配件', quantity: 2, unitPriceCents: 1_000 }])
    await sale(s.mgrB, s.supB, c.b, '2026-10-20', 999_900)
    const transfer = await dictId(t, 'payment_method', '银行转账')
    await t.call(s.mgrA1.key, 'orders', 'addPayment', { orderId: o1.id, version: o1.version, paidDate: '2026-11-05', amountCents: 23_456, methodId: transfer, note: '首付' })

    // 服务工单
    const repair = await dictId(t, 'service_type', '维修')
    await t.call(s.mgrA1.key, 'services', 'create', { customerId: c.a1, typeId: repair, summary: '设备异响', request: '主轴有异响', urgency: 'urgent' })
    await t.call(s.mgrA2.key, 'services', 'create', { customerId: c.a2, typeId: repair, summary: '更换滤芯', request: '滤芯到期' })
    await t.call(s.mgrB.key, 'services', 'create', { customerId: c.b, typeId: repair, summary: '乙方报修', request: '漏水' })

    // 客户需求
    await t.call(s.mgrA1.key, 'requirements', 'create', { customerId: c.a1, workContent: '非标夹具设计', priority: 'high', plannedStart: '2026-11-01', plannedFinish: '2026-11-30' })
    await t.call(s.mgrA2.key, 'requirements', 'create', { customerId: c.a2, workContent: '包装改版', priority: 'low', plannedFinish: '2027-01-31' })
    await t.call(s.mgrB.key, 'requirements', 'create', { customerId: c.b, workContent: '乙方需求', plannedFinish: '2027-02-01' })
  })
  afterAll(async () => t?.close())

  it('联系人: the customer card\'s contacts, primary first, in the card\'s order; another manager\'s customer is not found', async () => {
    const f = await t.call(s.mgrA1.key, 'exports', 'run', { list: 'contacts', customerId: c.a1 })
    expect(f.fileName).toBe('联系人_2026-12-06.xlsx')
    const { ws, rows, header, col } = await readXlsx(f)
    expect(ws.name).toBe('联系人 2026-12-06')
    expect(header.slice(0, 6)).toEqual(['姓名', '主联系人', '性别', '职务', '部门', '手机'])
    const card = await t.call(s.mgrA1.key, 'contacts', 'list', { customerId: c.a1 })
    expect(rows.slice(1).map((r) => r[col('姓名')])).toEqual(card.map((x) => x.name))
    const zhang = rows.find((r) => r[col('姓名')] === '张三')!
    expect(zhang[col('主联系人')]).toBe('是')
    expect(zhang[col('性别')]).toBe('男')
    expect(zhang[col('手机')]).toBe('13800138000') // text, never a number
    expect(zhang[col('采购角色')]).toBe('决策者')
    expect(zhang[col('友好度')]).toBe(4)
    expect(zhang[col('更新时间')]).toBeInstanceOf(Date)
    expect(rows).toHaveLength(3) // no money column: no totals row
    expectCode(await t.raw(s.mgrA2.key, 'exports', 'run', { list: 'contacts', customerId: c.a1 }), 'not_found', 'forbidden')
  })

  it('跟进记录: a 客户经理 exports only own records, with the search\'s text and range, newest first', async () => {
    const input = { text: '报价', from: '2026-11-01T00:00:00+08:00', to: '2026-11-30T23:59:59+08:00' }
    const f = await t.call(s.mgrA1.key, 'exports', 'run', { list: 'interactions', ...input })
    expect(f.fileName).toBe('跟进记录_2026-12-06.xlsx')
    const { rows, col, ws } = await readXlsx(f)
    const seen = listed(await t.call(s.mgrA1.key, 'interactions', 'search', { ...input, page: 1, pageSize: 50 }))
    const data = rows.slice(1)
    expect(data.map((r) => r[col('主题')])).toEqual(['报价确认', '报价跟进']) // 节日问候 filtered out, 乙方 not in scope
    expect(data.map((r) => r[col('主题')])).toEqual(seen.map((i) => i.subject))
    const first = data[1]
    expect(first[col('客户名称')]).toBe('广州导出甲一电子有限公司')
    expect(first[col('交往方式')]).toBe('电话')
    expect(first[col('类型')]).toBe('交往记录')
    expect(first[col('结果')]).toBe('客户要求降价')
    expect(first[col('承诺')]).toBe('寄样品 (2026-12-08)')
    expect(first[col('记录人')]).toBe('经理甲一')
    // 09:00 in China written as the wall time Excel shows
    expect((first[col('时间')] as Date).toISOString()).toBe('2026-11-02T09:00:00.000Z')
    expect(ws.getRow(2).getCell(col('时间') + 1).numFmt).toBe('yyyy-mm-dd hh:mm')
    expect((first[col('下次跟进')] as Date).toISOString()).toBe('2026-12-10T09:00:00.000Z')
    // the supervisor of team B sees 乙方's record only
    const b = await readXlsx(await t.call(s.supB.key, 'exports', 'run', { list: 'interactions', text: '报价' }))
    expect(b.rows.slice(1).map((r) => r[b.col('主题')])).toEqual(['报价乙方'])
  })

  it('订单: a 销售主管 exports the team\'s orders, filtered and sorted as the list; amounts as numbers; a totals row', async () => {
    const input = { filter: { dateFrom: '2026-09-01' }, sort: { field: 'totalCents' as const, order: 'asc' as const } }
    const f = await t.call(s.supA.key, 'exports', 'run', { list: 'orders', ...input })
    expect(f.fileName).toBe('订单_2026-12-06.xlsx')
    const { ws, rows, header, col } = await readXlsx(f)
    expect(header).toEqual(['订单编号', '订单日期', '客户名称', '状态', '订单金额(元)', '已回款(元)', '未回款(元)', '下次回款日', '客户经理', '更新时间'])
    const seen = listed(await t.call(s.supA.key, 'orders', 'list', { ...input, page: 1, pageSize: 50 }))
    const data = rows.slice(1, -1)
    expect(data.map((r) => r[col('订单编号')])).toEqual(seen.map((o) => o.code))
    expect(data.map((r) => r[col('客户名称')])).toEqual(['广州导出甲一机械有限公司', '广州导出甲一电子有限公司', '深圳导出甲二科技有限公司'])
    expect(data.map((r) => r[col('订单金额(元)')])).toEqual([20, 1234.56, 2500.5])
    expect(data.map((r) => r[col('状态')])).toEqual(['草稿', '已审批', '已审批'])
    expect(data[1][col('已回款(元)')]).toBe(234.56)
    expect(data[1][col('未回款(元)')]).toBe(1000)
    expect((data[1][col('订单日期')] as Date).toISOString()).toBe('2026-10-01T00:00:00.000Z')
    expect(ws.getRow(3).getCell(col('订单日期') + 1).numFmt).toBe('yyyy-mm-dd')
    expect(ws.getRow(3).getCell(col('订单金额(元)') + 1).numFmt).toBe('#,##0.00')
    const totals = rows.at(-1)!
    expect(totals[0]).toBe('合计')
    expect(totals[col('订单金额(元)')]).toBe(3755.06)
    expect(totals[col('已回款(元)')]).toBe(234.56)
    expect(ws.getRow(rows.length).font?.bold).toBe(true)
    expect(JSON.stringify(rows)).not.toContain('乙方')
    // the status filter; a 客户经理 may view orders but not export them (seeded role)
    const approved = await readXlsx(await t.call(s.supA.key, 'exports', 'run', { list: 'orders', filter: { status: 'approved' }, columns: ['code', 'total'] }))
    expect(approved.header).toEqual(['订单编号', '订单金额(元)'])
    expect(approved.rows.at(-1)).toEqual(['合计', 3735.06]) // the draft's 20.00 filtered out
    expectCode(await t.raw(s.mgrA1.key, 'exports', 'run', { list: 'orders' }), 'forbidden')
  })

  it('订单 as GBK CSV: no BOM, Chinese in GBK, money with 2 decimals, the totals line', async () => {
    const f = await t.call(s.supA.key, 'exports', 'run', { list: 'orders', format: 'csv', encoding: 'gbk', columns: ['customerName', 'total', 'orderDate'], sort: { field: 'totalCents', order: 'desc' } })
    expect(f.fileName).toBe('订单_2026-12-06.csv')
    const bytes = Buffer.from(f.contentBase64, 'base64')
    expect(bytes.subarray(0, 8)).toEqual(iconv.encode('客户名称', 'gbk'))
    expect(bytes.includes(Buffer.from('深圳', 'utf8'))).toBe(false)
    const lines = iconv.decode(bytes, 'gbk').trim().split('\r\n')
    expect(lines).toEqual(['客户名称,订单金额(元),订单日期', '深圳导出甲二科技有限公司,2500.50,2026-10-15', '广州导出甲一电子有限公司,1234.56,2026-10-01', '广州导出甲一机械有限公司,20.00,2026-11-01', '合计,3755.06,'])
  })

  it('回款记录: the team\'s payments, dates as dates, a totals row; English headers and file name in en-US', async () => {
    const f = await t.call(s.supA.key, 'exports', 'run', { list: 'payments', lang: 'en-US' })
    expect(f.fileName).toBe('payments_2026-12-06.xlsx')
    const { ws, rows, col } = await readXlsx(f)
    expect(ws.name).toBe('Payments 2026-12-06')
    expect(rows).toHaveLength(3)
    expect(rows[1][col('Customer')]).toBe('广州导出甲一电子有限公司')
    expect(rows[1][col('Amount (CNY)')]).toBe(234.56)
    expect(rows[1][col('Method')]).toBe('Bank transfer')
    expect((rows[1][col('Paid on')] as Date).toISOString()).toBe('2026-11-05T00:00:00.000Z')
    expect(rows[2]).toContain('Total')
    expect(rows[2][col('Amount (CNY)')]).toBe(234.56)
    const b = await readXlsx(await t.call(s.supB.key, 'exports', 'run', { list: 'payments' }))
    expect(b.rows.slice(1, -1)).toHaveLength(0)
  })

  it('服务工单: the team\'s tickets with the list\'s filter and status tab, in the list\'s order', async () => {
    const f = await t.call(s.supA.key, 'exports', 'run', { list: 'tickets', status: 'new' })
    expect(f.fileName).toBe('服务工单_2026-12-06.xlsx')
    const { rows, col } = await readXlsx(f)
    const seen = listed(await t.call(s.supA.key, 'services', 'list', { status: 'new', page: 1, pageSize: 50 }))
    const data = rows.slice(1, -1)
    expect(data.map((r) => r[col('工单编号')])).toEqual(seen.map((x) => x.code))
    expect(data.map((r) => r[col('概要')]).sort()).toEqual(['更换滤芯', '设备异响'])
    const noisy = data.find((r) => r[col('概要')] === '设备异响')!
    expect(noisy[col('紧急程度')]).toBe('紧急')
    expect(noisy[col('状态')]).toBe('新创建')
    expect(noisy[col('服务类型')]).toBe('维修')
    expect(noisy[col('创建时间')]).toBeInstanceOf(Date)
    expect(noisy[col('处理时限')]).toBeInstanceOf(Date)
    expect(rows.at(-1)![0]).toBe('合计')
    const urgent = await readXlsx(await t.call(s.supA.key, 'exports', 'run', { list: 'tickets', filter: { urgency: 'urgent' } }))
    expect(urgent.rows.slice(1, -1).map((r) => r[urgent.col('概要')])).toEqual(['设备异响'])
    const mine = await readXlsx(await t.call(s.admin.key, 'exports', 'run', { list: 'tickets', filter: { text: '乙方' } }))
    expect(mine.rows.slice(1, -1).map((r) => r[mine.col('概要')])).toEqual(['乙方报修'])
  })

  it('客户需求: the team\'s sheets, sorted as asked, planned dates as dates, delay days as numbers', async () => {
    const input = { sort: { field: 'plannedFinish' as const, order: 'desc' as const } }
    const f = await t.call(s.supA.key, 'exports', 'run', { list: 'requirements', ...input })
    expect(f.fileName).toBe('客户需求_2026-12-06.xlsx')
    const { rows, col } = await readXlsx(f)
    const seen = listed(await t.call(s.supA.key, 'requirements', 'list', { ...input, page: 1, pageSize: 50 }))
    const data = rows.slice(1)
    expect(data.map((r) => r[col('需求编号')])).toEqual(seen.map((x) => x.code))
    expect(data.map((r) => r[col('需求描述')])).toEqual(['包装改版', '非标夹具设计'])
    const late = data[1]
    expect(late[col('优先级')]).toBe('高')
    expect(late[col('状态')]).toBe('已接收')
    expect((late[col('计划完成')] as Date).toISOString()).toBe('2026-11-30T00:00:00.000Z')
    expect(late[col('延期天数')]).toBe(seen[1].delayDays)
    expect(late[col('延期天数')]).toBeGreaterThan(0)
    const delayed = await readXlsx(await t.call(s.supA.key, 'exports', 'run', { list: 'requirements', filter: { delayedOnly: true } }))
    expect(delayed.rows.slice(1).map((r) => r[delayed.col('需求描述')])).toEqual(['非标夹具设计'])
  })

  it('in the background: start, progress, fetch once; cancel stops it; another user cannot see the job', async () => {
    const job = await t.call(s.supA.key, 'exports', 'start', { list: 'orders' })
    expect(job).toMatchObject({ state: 'running', done: 0 })
    let p = job
    for (let i = 0; i < 200 && p.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10))
      p = await t.call(s.supA.key, 'exports', 'progress', { jobId: job.jobId })
    }
    expect(p).toMatchObject({ state: 'done', done: 3, total: 3 })
    expectCode(await t.raw(s.supB.key, 'exports', 'fetch', { jobId: job.jobId }), 'not_found')
    const f = await t.call(s.supA.key, 'exports', 'fetch', { jobId: job.jobId })
    expect(f.rows).toBe(3)
    expect((await readXlsx(f)).rows).toHaveLength(5)
    expectCode(await t.raw(s.supA.key, 'exports', 'fetch', { jobId: job.jobId }), 'not_found') // once

    // cancelled before its first page is written: the job says so and answers no file
    const ctx = { ...t.app, actor: (await loadActor(t.app, s.supA.userId))! }
    const started = await exportsStart(ctx, ExportInput.parse({ list: 'orders' }))
    await exportsCancel(ctx, { jobId: started.jobId })
    for (let i = 0; i < 200 && (await t.call(s.supA.key, 'exports', 'progress', { jobId: started.jobId })).state === 'running'; i++) await new Promise((r) => setTimeout(r, 10))
    expect((await t.call(s.supA.key, 'exports', 'progress', { jobId: started.jobId })).state).toBe('cancelled')
    const e = errorOf(await t.raw(s.supA.key, 'exports', 'fetch', { jobId: started.jobId }))
    expect(e.key).toBe('common.export.cancelled')
    await expect(exportsFetch(ctx, { jobId: started.jobId })).rejects.toMatchObject({ code: 'not_found' })

    // the export right is checked when it starts
    expectCode(await t.raw(s.mgrA1.key, 'exports', 'start', { list: 'orders' }), 'forbidden')
  })
})
