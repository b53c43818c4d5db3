// 导出: the customers and opportunities lists to .xlsx and CSV, read back with exceljs and as
// bytes: headers, cell types (dates are dates, money numbers), values, totals, filters, sort,
// visible columns, paging, the caller's data scope and export right, UTF-8 BOM and GBK.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { ExportInput, type ExportFile } from '../../src-main/contract/exports'
import { exportList } from '../../src-main/modules/exports/exports.service'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { expectCode, makeStaff, type Staff } from './customers.fixtures'

async function readXlsx(f: ExportFile) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(f.contentBase64, 'base64') as never)
  const ws = wb.worksheets[0]
  const rows: unknown[][] = []
  ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)))
  return { wb, ws, rows }
}

describeEachDb('exports', (dialect) => {
  let t: TestApp
  let s: Staff
  const ids: Record<string, string> = {}
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(new Date('2026-12-06T02:00:00Z'))
    const make = async (owner: string, name: string, cents: number, contact?: { name: string; title: string; mobile: string }) => {
      const c = await t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner, phone: '020-88881234' })
      if (contact) await t.call(s.admin.key, 'contacts', 'create', { customerId: c.id, fields: contact })
      // order totals are computed from orders (not built yet): set the stored figure directly
      await k()('customers').where({ id: c.id }).update({ order_total_cents: cents, last_contact_at: '2026-11-30T16:30:00.000Z' })
      ids[name] = c.id
    }
    await make(s.mgrA1.userId, '广州甲一电子有限公司', 123456, { name: '张三', title: '采购经理', mobile: '13800138000' })
    await make(s.mgrA1.userId, '广州甲一机械有限公司', 10, { name: '李四', title: '总经理', mobile: '13900139000' })
    await make(s.mgrA1.userId, '广州甲一贸易有限公司', 0)
    await make(s.mgrA2.userId, '深圳甲二科技有限公司', 500000, { name: '王五', title: '厂长', mobile: '13700137000' })
    await make(s.mgrB.userId, '上海乙方化工有限公司', 99)
    await t.call(s.admin.key, 'opportunities', 'create', {
      customerName: '佛山机会陶瓷有限公司', probability: 40, summary: '年度瓷砖采购', description: '新厂房', expectedAmountCents: 8_800_050, expectedCloseDate: '2027-01-15',
      contactName: '赵六', contactPhone: '13600136000',
    })
    await t.call(s.admin.key, 'opportunities', 'create', { customerName: '东莞机会五金厂', probability: 20, summary: '螺丝', description: '试单', expectedAmountCents: 100 })
  })
  afterAll(async () => t?.close())

  it('a 客户经理 exports only own customers: bold frozen header, types, contact, totals, Chinese names', async () => {
    const f = await t.call(s.mgrA1.key, 'exports', 'run', { list: 'customers', sort: { field: 'name', order: 'asc' } })
    expect(f.fileName).toBe('客户列表_2026-12-06.xlsx')
    expect(f.mime).toContain('spreadsheetml')
    expect(f.rows).toBe(3)
    const { ws, rows } = await readXlsx(f)
    expect(ws.name).toBe('客户列表 2026-12-06')
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true)
    expect(ws.getColumn(2).width).toBe(36)
    const header = rows[0] as string[]
    expect(header.slice(0, 3)).toEqual(['客户编号', '客户名称', '简称'])
    expect(header).toContain('联系人')
    expect(header).toContain('职务')
    expect(header).toContain('手机')
    const col = (name: string) => header.indexOf(name)
    const data = rows.slice(1, -1)
    // in the order the list shows them with the same sort (by name: 拼音顺序)
    const seen = await t.call(s.mgrA1.key, 'customers', 'list', { page: 1, pageSize: 50, sort: { field: 'name', order: 'asc' } })
    expect(seen.items.map((c: { name: string }) => c.name).sort()).toEqual(['广州甲一电子有限公司', '广州甲一机械有限公司', '广州甲一贸易有限公司'].sort())
    expect(data.map((r) => r[col('客户名称')])).toEqual(seen.items.map((c: { name: string }) => c.name))
    const first = data.find((r) => r[col('客户名称')] === '广州甲一电子有限公司')!
    expect(first[col('联系人')]).toBe('张三')
    expect(first[col('职务')]).toBe('采购经理')
    expect(first[col('手机')]).toBe('13800138000')
    expect(first[col('客户经理')]).toBe('经理甲一')
    expect(first[col('状态')]).toBe('正常')
    expect(first[col('订单总额(元)')]).toBe(1234.56)
    const last = first[col('最近联系')]
    expect(last).toBeInstanceOf(Date)
    // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in China: the wall time Excel shows
    expect((last as Date).toISOString()).toBe('2026-12-01T00:30:00.000Z')
    expect(ws.getRow(2).getCell(col('订单总额(元)') + 1).numFmt).toBe('#,##0.00')
    expect(ws.getRow(2).getCell(col('最近联系') + 1).numFmt).toBe('yyyy-mm-dd hh:mm')
    const totals = rows.at(-1)!
    expect(totals[0]).toBe('合计')
    expect(totals[col('订单总额(元)')]).toBe(1234.66)
    expect(ws.getRow(rows.length).font?.bold).toBe(true)
  })

  it('the filters, sort and visible columns of the list; English names in English mode', async () => {
    const input = { filter: { search: '甲' }, sort: { field: 'orderTotalCents' as const, order: 'desc' as const } }
    const listed = await t.call(s.admin.key, 'customers', 'list', { ...input, pageSize: 100 })
    const f = await t.call(s.admin.key, 'exports', 'run', { list: 'customers', ...input, columns: ['name', 'orderTotal'], lang: 'en-US' })
    expect(f.fileName).toBe('customers_2026-12-06.xlsx')
    const { ws, rows } = await readXlsx(f)
    expect(ws.name).toBe('Customers 2026-12-06')
    expect(rows[0]).toEqual(['Name', 'Order total (CNY)'])
    expect(rows.slice(1, -1).map((r) => r[0])).toEqual(listed.items.map((c) => c.name))
    expect(listed.items).toHaveLength(4)
    expect(rows.at(-1)).toEqual(['Total', 6234.66])
    expectCode(await t.raw(s.admin.key, 'exports', 'run', { list: 'customers', columns: ['name', 'passwordHash'] }), 'validation')
  })

  it('the customer export carries every field an import reads back: the primary contact and 地址、邮编、电子邮件、网站、传真、主营产品、税号', async () => {
    const c = await t.call(s.admin.key, 'customers', 'create', {
      name: '珠海全字段导出有限公司', ownerId: s.mgrA1.userId, phone: '0756-3311222', phone2: '0756-3311223', fax: '0756-3311224', email: 'sales@zhqzd.cn',
      website: 'www.zhqzd.cn', address: '珠海市香洲区情侣中路 1 号', postcode: '519000', mainProducts: '模具、五金', taxId: '91330100MA2ABCDE43', province: '广东省', city: '珠海市',
    })
    await t.call(s.admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: '周全', title: '销售总监', mobile: '13612345678' } })
    const f = await t.call(s.admin.key, 'exports', 'run', { list: 'customers', filter: { search: '全字段' } })
    const { rows } = await readXlsx(f)
    const header = rows[0] as string[]
    const row = rows[1]
    const v = (h: string) => row[header.indexOf(h)]
    expect(rows).toHaveLength(3)
    expect(v('客户名称')).toBe('珠海全字段导出有限公司')
    expect([v('联系人'), v('职务'), v('手机')]).toEqual(['周全', '销售总监', '13612345678'])
    expect([v('电话'), v('电话2'), v('传真')]).toEqual(['0756-3311222', '0756-3311223', '0756-3311224'])
    expect([v('电子邮件'), v('公司网站'), v('公司地址'), v('邮编')]).toEqual(['sales@zhqzd.cn', 'www.zhqzd.cn', '珠海市香洲区情侣中路 1 号', '519000'])
    expect([v('主营产品'), v('税号'), v('省份'), v('城市')]).toEqual(['模具、五金', '91330100MA2ABCDE43', '广东省', '珠海市'])
    await t.call(s.admin.key, 'customers', 'remove', { id: c.id })
  })

  it('reads the list page by page (a page size of 2 over 5 customers) and reports progress', async () => {
    const actor = (await loadActor(t.app, s.admin.userId))!
    const out = new PassThrough()
    const chunks: Buffer[] = []
    out.on('data', (c: Buffer) => chunks.push(c))
    const progress: Array<[number, number]> = []
    const input = ExportInput.parse({ list: 'customers', format: 'csv', columns: ['code', 'name'], sort: { field: 'code', order: 'asc' } })
    const r = await exportList({ ...t.app, actor }, input, out, { pageSize: 2, onProgress: (d, n) => progress.push([d, n]) })
    expect(r.rows).toBe(5)
    expect(progress).toEqual([[2, 5], [4, 5], [5, 5]])
    const lines = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines).toHaveLength(6) // header + 5, no totals without a money column
    const codes = lines.slice(1).map((l) => l.split(',')[0])
    expect(codes).toEqual([...codes].sort())
    expect(new Set(codes).size).toBe(5)
  })

  it('CSV: UTF-8 with a BOM by default, GBK without one on request; money with 2 decimals', async () => {
    const utf = await t.call(s.mgrA1.key, 'exports', 'run', { list: 'customers', format: 'csv', columns: ['name', 'orderTotal', 'lastContactAt'], sort: { field: 'name', order: 'asc' } })
    expect(utf.fileName).toBe('客户列表_2026-12-06.csv')
    const bytes = Buffer.from(utf.contentBase64, 'base64')
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    expect(text.split('\r\n')[0]).toBe('客户名称,订单总额(元),最近联系')
    expect(text).toContain('广州甲一电子有限公司,1234.56,2026-12-01 00:30')
    expect(text).toContain('合计,1234.66,')

    const gbk = await t.call(s.mgrA1.key, 'exports', 'run', { list: 'customers', format: 'csv', encoding: 'gbk', columns: ['name', 'orderTotal'], sort: { field: 'name', order: 'asc' } })
    const g = Buffer.from(gbk.contentBase64, 'base64')
    expect(g.subarray(0, 8)).toEqual(iconv.encode('客户名称', 'gbk'))
    expect(g.includes(iconv.encode('广州甲一电子有限公司,1234.56', 'gbk'))).toBe(true)
    expect(g.includes(Buffer.from('广州', 'utf8'))).toBe(false)
    expect(iconv.decode(g, 'gbk')).toContain('合计,1234.66')
  })

  it('opportunities: dates as dates, amounts as numbers, totals; the export right is required', async () => {
    const f = await t.call(s.admin.key, 'exports', 'run', { list: 'opportunities', sort: { field: 'code', order: 'asc' } })
    expect(f.fileName).toBe('销售机会_2026-12-06.xlsx')
    const { rows } = await readXlsx(f)
    const header = rows[0] as string[]
    const col = (n: string) => header.indexOf(n)
    const data = rows.slice(1, -1)
    expect(data).toHaveLength(2)
    const o = data.find((r) => r[col('客户名称')] === '佛山机会陶瓷有限公司')!
    expect(o[col('预计金额(元)')]).toBe(88000.5)
    expect(o[col('成功几率(%)')]).toBe(40)
    expect((o[col('预计成交日期')] as Date).toISOString()).toBe('2027-01-15T00:00:00.000Z')
    expect(o[col('状态')]).toBe('未分配')
    expect(o[col('创建时间')]).toBeInstanceOf(Date)
    expect(rows.at(-1)![col('预计金额(元)')]).toBe(88001.5)
    // a 客户经理 may list opportunities but not export them (seeded role)
    expectCode(await t.raw(s.mgrA1.key, 'exports', 'run', { list: 'opportunities' }), 'forbidden')
    expect(ids).toBeTruthy()
  })

  it('a refused export to a file: once refused, the file stream has closed, so a file removed then stays removed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-refused-'))
    try {
      const file = path.join(dir, 'y.xlsx')
      const out = fs.createWriteStream(file) // opens its file later, asynchronously
      const actor = (await loadActor(t.app, s.mgrA1.userId))!
      await expect(exportList({ ...t.app, actor }, ExportInput.parse({ list: 'opportunities' }), out)).rejects.toMatchObject({ code: 'forbidden' })
      expect(out.closed).toBe(true)
      fs.rmSync(file, { force: true })
      await new Promise((r) => setTimeout(r, 50))
      expect(fs.existsSync(file)).toBe(false)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
