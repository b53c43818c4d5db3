// 导出 of long lists read in chunks: the customers, 订单, 跟进记录, 回款, 服务工单, 客户需求 and 销售机会 exports read the ordered ids
// once and the rows by id — no OFFSET page, no count per page — in the list's own order and data
// scope, with progress per chunk; the customer export reads each chunk's rows, details and primary
// contacts in one statement. The .xlsx read in chunks opens in exceljs.
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { ExportInput } from '../../src-main/contract/exports'
import { exportList } from '../../src-main/modules/exports/exports.service'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff, type Who } from './customers.fixtures'
import { customerOf, draft, walk } from './orders.fixtures'

describeEachDb('exports read in chunks', (dialect) => {
  let t: TestApp
  let s: Staff
  const names: string[] = []

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(new Date('2026-12-06T02:00:00Z'))
    const phone = await dictId(t, 'interaction_channel', '电话')
    // five customers of manager A1 (each with a primary contact, a record and an order), one of B
    for (let i = 1; i <= 5; i++) {
      const name = `杭州分块${i}号机电有限公司`
      names.push(name)
      const c = await customerOf(t, s.admin, s.mgrA1, name)
      await t.call(s.admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: `联系人${i}`, title: `职务${i}`, mobile: `1380013800${i}` } })
      await t.call(s.mgrA1.key, 'interactions', 'create', { customerId: c.id, channelId: phone, occurredAt: `2026-11-0${i}T09:00:00+08:00`, subject: `分块记录${i}` })
      await draft(t, s.mgrA1, c.id, `2026-10-0${i}`, [{ productName: '设备', quantity: 1, unitPriceCents: 1_000 * i }])
    }
    const b = await customerOf(t, s.admin, s.mgrB, '宁波分块乙方有限公司')
    await t.call(s.mgrB.key, 'interactions', 'create', { customerId: b.id, channelId: phone, occurredAt: '2026-11-03T10:00:00+08:00', subject: '乙方记录' })
    await draft(t, s.mgrB, b.id, '2026-10-03')
  })
  afterAll(async () => t?.close())

  /** The export as CSV lines (header first) with its progress and the statements it sent. */
  async function run(who: Who, input: Record<string, unknown>, pageSize: number) {
    const actor = (await loadActor(t.app, who.userId))!
    const out = new PassThrough()
    const bytes: Buffer[] = []
    out.on('data', (c: Buffer) => bytes.push(c))
    const sql: string[] = []
    const onQuery = (q: { sql: string }) => sql.push(q.sql.toLowerCase())
    t.app.db.knex.on('query', onQuery)
    const progress: Array<[number, number]> = []
    try {
      await exportList({ ...t.app, actor }, ExportInput.parse({ format: 'csv', ...input }), out, { pageSize, onProgress: (d, n) => progress.push([d, n]) })
    } finally {
      t.app.db.knex.off('query', onQuery)
    }
    const lines = Buffer.concat(bytes).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
    return { lines, progress, sql }
  }

  it('订单: the ordered ids once, the rows two at a time — the list\'s order and scope, no OFFSET, no count per page', async () => {
    const sort = { field: 'totalCents', order: 'desc' } as const
    // a 客户经理 may not export orders (seeded role): team A's supervisor
    const r = await run(s.supA, { list: 'orders', columns: ['customerName', 'total'], sort }, 2)
    const seen = (await t.call(s.supA.key, 'orders', 'list', { sort, page: 1, pageSize: 50 })).items
    expect(seen).toHaveLength(5)
    expect(r.lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual(seen.map((o) => o.customerName))
    expect(r.lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual([...names].reverse()) // 5,000 … 1,000
    expect(r.lines.at(-1)).toBe('合计,150.00')
    expect(r.progress).toEqual([[2, 5], [4, 5], [5, 5]])
    const reads = r.sql.filter((q) => q.includes('"orders"') || q.includes('`orders`') || q.includes('[orders]'))
    expect(reads).toHaveLength(1 + 3) // the ids, then three chunks by id
    expect(r.sql.filter((q) => / offset /.test(q) && !q.includes('1000000000'))).toEqual([])
    expect(r.sql.filter((q) => q.includes('count('))).toEqual([])
  })

  it('跟进记录: the ordered ids once, the records two at a time, newest first, own records only', async () => {
    const r = await run(s.mgrA1, { list: 'interactions', columns: ['subject', 'customerName'] }, 2)
    expect(r.lines.slice(1).map((l) => l.split(',')[0])).toEqual(['分块记录5', '分块记录4', '分块记录3', '分块记录2', '分块记录1'])
    const seen = (await t.call(s.mgrA1.key, 'interactions', 'search', { page: 1, pageSize: 50 })).items
    expect(r.lines.slice(1).map((l) => l.split(',')[0])).toEqual(seen.map((i) => i.subject))
    expect(r.progress).toEqual([[2, 5], [4, 5], [5, 5]])
    expect(r.sql.filter((q) => / offset /.test(q))).toEqual([])
    expect(r.sql.filter((q) => q.includes('count('))).toEqual([])
    // neither attachments nor follow-up reminders are exported: not read
    expect(r.sql.filter((q) => /attachments|reminders/.test(q))).toEqual([])
    // the supervisor of team B: 乙方's record only
    const b = await run(s.supB, { list: 'interactions', columns: ['subject'] }, 2)
    expect(b.lines.slice(1)).toEqual(['乙方记录'])
  })

  it('回款记录: the ordered ids once, the payments two at a time, newest first, no OFFSET, no sums per page', async () => {
    const transfer = await dictId(t, 'payment_method', '银行转账')
    const c = await customerOf(t, s.admin, s.mgrA2, '温州分块回款有限公司')
    for (let i = 1; i <= 3; i++) {
      const o = await walk(t, await draft(t, s.mgrA2, c.id, '2026-09-01', [{ productName: '设备', quantity: 1, unitPriceCents: 100_000 }]), s.mgrA2, s.supA, 'approved')
      await t.call(s.mgrA2.key, 'orders', 'addPayment', { orderId: o.id, version: o.version, paidDate: `2026-11-1${i}`, amountCents: 1_000 * i, methodId: transfer })
    }
    const r = await run(s.supA, { list: 'payments', columns: ['paidDate', 'amount'] }, 2)
    expect(r.lines.slice(1)).toEqual(['2026-11-13,30.00', '2026-11-12,20.00', '2026-11-11,10.00', '合计,60.00'])
    expect(r.progress).toEqual([[2, 3], [3, 3]])
    expect(r.sql.filter((q) => / offset /.test(q) && !q.includes('1000000000'))).toEqual([])
    expect(r.sql.filter((q) => q.includes('sum('))).toEqual([])
  })

  it('customers: each chunk of rows, details and primary contacts is one statement; the contact\'s title and mobile are written', async () => {
    const r = await run(s.mgrA1, { list: 'customers', columns: ['name', 'primaryContact', 'contactTitle', 'contactMobile', 'address'], sort: { field: 'name', order: 'asc' } }, 2)
    const rows = r.lines.slice(1).map((l) => l.split(','))
    expect(rows.map((x) => x[0])).toEqual(names)
    expect(rows[0]).toEqual([names[0], '联系人1', '职务1', '13800138001', `${names[0]}地址`])
    expect(r.progress).toEqual([[2, 5], [4, 5], [5, 5]])
    const byId = r.sql.filter((q) => /from ["`[]?customers["`\]]? as ["`[]?c["`\]]?/.test(q) && q.includes(' in ('))
    expect(byId).toHaveLength(3)
    expect(r.sql.filter((q) => /from ["`[]?contacts/.test(q))).toEqual([]) // no read of the contacts apart from the rows' own
  })

  it('服务工单, 客户需求, 销售机会: the ordered ids once, the rows two at a time — the list\'s order, filter and scope, no OFFSET, no count per page', async () => {
    const customers = (await t.call(s.mgrA1.key, 'customers', 'list', { page: 1, pageSize: 50 })).items.filter((c) => names.includes(c.name))
    const repair = await dictId(t, 'service_type', '维修')
    for (const [i, c] of customers.slice(0, 3).entries()) {
      await t.call(s.mgrA1.key, 'services', 'create', { customerId: c.id, typeId: repair, summary: `分块工单${i}`, request: '异响', urgency: i === 1 ? 'urgent' : 'normal' })
      await t.call(s.mgrA1.key, 'requirements', 'create', { customerId: c.id, workContent: `分块需求${i}`, priority: i === 0 ? 'high' : 'low', plannedFinish: `2026-12-0${i + 1}` })
      await t.call(s.admin.key, 'opportunities', 'create', { customerName: `${c.name}机会`, probability: 10 * (i + 1), summary: `分块机会${i}`, description: '试单', expectedAmountCents: 100 * (i + 1) })
    }
    const b = (await t.call(s.mgrB.key, 'customers', 'list', { page: 1, pageSize: 50 })).items[0]!
    await t.call(s.mgrB.key, 'services', 'create', { customerId: b.id, typeId: repair, summary: '乙方工单', request: '漏水' })
    await t.call(s.mgrB.key, 'requirements', 'create', { customerId: b.id, workContent: '乙方需求', plannedFinish: '2027-02-01' })
    const noPages = (sql: string[]) => {
      expect(sql.filter((q) => / offset /.test(q) && !q.includes('1000000000'))).toEqual([])
      expect(sql.filter((q) => q.includes('count(') && !q.includes('change_count'))).toEqual([])
    }

    // 服务工单: team A's supervisor sees team A's three, newest first as the list shows them
    const tk = await run(s.supA, { list: 'tickets', columns: ['summary', 'urgency'] }, 2)
    const tickets = (await t.call(s.supA.key, 'services', 'list', { page: 1, pageSize: 50 })).items
    expect(tickets.map((x) => x.summary).sort()).toEqual(['分块工单0', '分块工单1', '分块工单2'])
    expect(tk.lines.slice(1).map((l) => l.split(',')[0])).toEqual(tickets.map((x) => x.summary))
    expect(tk.progress).toEqual([[2, 3], [3, 3]])
    noPages(tk.sql)
    const urgent = await run(s.supA, { list: 'tickets', columns: ['summary'], filter: { urgency: 'urgent' } }, 2)
    expect(urgent.lines.slice(1)).toEqual(['分块工单1'])

    // 客户需求: sorted as asked (priority, then code), team A only
    const sort = { field: 'priority', order: 'asc' } as const
    const rq = await run(s.supA, { list: 'requirements', columns: ['workContent', 'priority'], sort }, 2)
    const sheets = (await t.call(s.supA.key, 'requirements', 'list', { sort, page: 1, pageSize: 50 })).items
    expect(sheets.map((x) => x.workContent).sort()).toEqual(['分块需求0', '分块需求1', '分块需求2'])
    expect(rq.lines.slice(1).map((l) => l.split(',')[0])).toEqual(sheets.map((x) => x.workContent))
    expect(rq.lines[1]).toBe('分块需求0,高')
    expect(rq.progress).toEqual([[2, 3], [3, 3]])
    noPages(rq.sql)

    // 销售机会: the administrator's, by expected amount, the largest first
    const osort = { field: 'expectedAmountCents', order: 'desc' } as const
    const op = await run(s.admin, { list: 'opportunities', columns: ['summary', 'expectedAmount'], sort: osort }, 2)
    const opps = (await t.call(s.admin.key, 'opportunities', 'list', { sort: osort, page: 1, pageSize: 50 })).items
    expect(op.lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual(opps.map((x) => x.summary))
    expect(op.lines.slice(1, 4)).toEqual(['分块机会2,3.00', '分块机会1,2.00', '分块机会0,1.00'])
    expect(op.lines.at(-1)).toBe('合计,6.00')
    expect(op.progress).toEqual([[2, 3], [3, 3]])
    noPages(op.sql)
  })

  it('.xlsx of the orders read in chunks opens in exceljs with every row and the totals', async () => {
    const actor = (await loadActor(t.app, s.admin.userId))!
    const out = new PassThrough()
    const bytes: Buffer[] = []
    out.on('data', (c: Buffer) => bytes.push(c))
    const r = await exportList({ ...t.app, actor }, ExportInput.parse({ list: 'orders', columns: ['code', 'total'] }), out, { pageSize: 4 })
    const seen = await t.call(s.admin.key, 'orders', 'list', { page: 1, pageSize: 50 })
    expect(seen.total).toBeGreaterThan(4) // more than one chunk
    expect(r.rows).toBe(seen.total)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.concat(bytes) as never)
    const values: unknown[][] = []
    wb.worksheets[0].eachRow((row) => values.push((row.values as unknown[]).slice(1)))
    expect(values[0]).toEqual(['订单编号', '订单金额(元)'])
    expect(values.slice(1, -1).map((v) => v[0])).toEqual(seen.items.map((o) => o.code))
    expect(values.at(-1)).toEqual(['合计', seen.items.reduce((n, o) => n + o.totalCents, 0) / 100]) // every row, drafts too
  })
})
