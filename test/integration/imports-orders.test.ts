// 导入 of products and orders through the IPC calls, on SQLite and PostgreSQL (and in mssql id
// mode), with real .xlsx files written by exceljs and a GBK CSV: the headers people use (物料编码、
// 品名、规格型号、计量单位、销售单价; 订单号、下单日期、客户名称、数量、单价、折扣 …), 查重 by product
// code (skip / update / create) and by order number, rows grouped into orders, the customer by code
// or exact name (not found, ambiguous), products by code, status and owner, totals exact to the
// cent, the customers' trade figures and order_stats kept right by the orders service, the error
// report (row's field and problem), 撤销导入 (and a re-import after it), permissions.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { expectCode, makeStaff, type Staff } from './customers.fixtures'
import { customerFigures, customerOf, expectStatsExact, product } from './orders.fixtures'
import { gbkCsv, importFile, readWorkbook, upload, xlsx } from './imports.fixtures'

describeEachDb('imports: products and orders', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const liveProduct = (code: string) => k()('products').whereRaw('lower(code) = ?', [code.toLowerCase()]).whereNull('deleted_at').first()
  const orderByCode = (code: string) => k()('orders').where({ code }).whereNull('deleted_at').first()
  const linesOf = (orderId: string) => k()('order_lines').where({ order_id: orderId }).whereNull('deleted_at').orderBy('line_no')

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(new Date('2026-12-06T02:00:00Z'))
  })
  afterAll(async () => t?.close())

  it('products: ERP headers mapped, prices exact to the cent, bad rows in the error report, 查重 by code (skip / update / create), 撤销导入', async () => {
    const headers = ['物料编码', '品名', '规格型号', '计量单位', '销售单价', '产品分类', '是否启用', '备注']
    const file = await xlsx([
      headers,
      ['IMP-P01', '贴片电阻', '0805 10KΩ', '盘', 35.55, null, '是', '常用'],
      ['IMP-P02', '电解电容', '100uF 25V', '只', '1,234.5', null, '停用', null],
      ['imp-p01', '贴片电阻（重复行）', null, null, 1, null, null, null],
      ['IMP-P03', null, null, null, 3, null, null, null],
      ['IMP-P04', '坏价格', null, null, '十元', null, null, null],
      ['IMP-P05', '坏状态', null, null, 3, null, '也许', null],
    ])
    const fileId = await upload(t, s.supA.key, '物料.xlsx', file)
    const insp = await t.call(s.supA.key, 'imports', 'inspect', { fileId, entity: 'products' })
    expect(insp.mapping).toEqual(['code', 'name', 'model', 'unit', 'priceCents', 'categoryId', 'enabled', 'notes'])
    const prev = await t.call(s.supA.key, 'imports', 'preview', { fileId, entity: 'products', options: { mapping: insp.mapping } })
    expect(prev.rows[0]!.values).toMatchObject({ code: 'IMP-P01', priceCents: '35.55', enabled: '是' })
    expect(prev.rows[3]!.issues).toEqual([{ field: 'name', code: 'required' }])

    const r = await importFile(t, s.supA.key, '物料.xlsx', file, { entity: 'products' })
    expect(r).toMatchObject({ status: 'done', rowsDone: 6, imported: 2, skipped: 1, rejected: 3, hasErrorReport: true })
    expect(await liveProduct('IMP-P01')).toMatchObject({ name: '贴片电阻', model: '0805 10KΩ', unit: '盘', notes: '常用', import_batch_id: r.batchId })
    expect(Number((await liveProduct('IMP-P01')).price_cents)).toBe(3555)
    const p2 = await liveProduct('IMP-P02')
    expect(Number(p2.price_cents)).toBe(123_450)
    expect(!!Number(p2.enabled)).toBe(false)
    expect(p2.search_text).toContain('dianjie') // pinyin of the name, as the form stores it
    const rep = await readWorkbook((await t.call(s.supA.key, 'imports', 'errorReport', { batchId: r.batchId })).contentBase64)
    expect(rep[0]).toEqual([...headers, '错误原因'])
    expect(rep.slice(1).map((x) => x.at(-1))).toEqual(['产品名称：必填，不能为空', '单价：不是数字：十元', '启用：「也许」不是可选的值（字典中没有）'])

    // the same codes again: skip, update (only the fields the file has; the code stays), create (a new CP-number)
    const again = await xlsx([['产品编号', '产品名称', '单价'], ['IMP-P01', '贴片电阻 0805', '36.00'], ['IMP-P02', '电解电容', 12]])
    expect(await importFile(t, s.supA.key, 'again.xlsx', again, { entity: 'products' })).toMatchObject({ imported: 0, skipped: 2 })
    const upd = await importFile(t, s.supA.key, 'again.xlsx', again, { entity: 'products', onDuplicate: 'update' })
    expect(upd).toMatchObject({ imported: 0, updated: 2, skipped: 0 })
    expect(await liveProduct('IMP-P01')).toMatchObject({ name: '贴片电阻 0805', model: '0805 10KΩ', unit: '盘' })
    expect(Number((await liveProduct('IMP-P01')).price_cents)).toBe(3600)
    const created = await importFile(t, s.supA.key, 'again.xlsx', again, { entity: 'products', onDuplicate: 'create' })
    expect(created).toMatchObject({ imported: 2 })
    const copies = await k()('products').where({ import_batch_id: created.batchId }).select('code')
    expect(copies.map((c: { code: string }) => c.code).every((c: string) => /^CP-\d{6}$/.test(c))).toBe(true)

    // 撤销导入: refused once the products changed (the update run above); the copies go
    expectCode(await t.raw(s.supA.key, 'imports', 'undo', { batchId: r.batchId }), 'rule')
    expect(await t.call(s.supA.key, 'imports', 'undo', { batchId: created.batchId })).toEqual({ removed: 2 })
    expect(await k()('products').where({ import_batch_id: created.batchId }).whereNull('deleted_at')).toHaveLength(0)
    // ... and their codes are free again: the same file re-imports under its own codes
    const fresh = await xlsx([['产品编号', '产品名称'], ['FREE-01', '撤销后再导入']])
    const f1 = await importFile(t, s.supA.key, 'fresh.xlsx', fresh, { entity: 'products' })
    expect(await t.call(s.supA.key, 'imports', 'undo', { batchId: f1.batchId })).toEqual({ removed: 1 })
    expect(await liveProduct('FREE-01')).toBeUndefined()
    const f2 = await importFile(t, s.supA.key, 'fresh.xlsx', fresh, { entity: 'products' })
    expect(f2).toMatchObject({ imported: 1, skipped: 0 })
    expect(await liveProduct('FREE-01')).toMatchObject({ code: 'FREE-01', import_batch_id: f2.batchId })

    // rights: a 客户经理 and a 客服 only look products up
    for (const who of [s.mgrA1, s.agent]) {
      expectCode(await t.raw(who.key, 'imports', 'template', { entity: 'products' }), 'forbidden')
      const f = await upload(t, who.key, 'x.xlsx', file).catch(() => null)
      if (f) expectCode(await t.raw(who.key, 'imports', 'start', { fileId: f, entity: 'products', options: { mapping: insp.mapping } }), 'forbidden')
    }
  })

  it('products: a GBK CSV (Chinese Excel / WPS) is read with its encoding detected', async () => {
    const csv = gbkCsv([['产品编号', '产品名称', '规格型号', '单位', '单价'], ['GBK-01', '不锈钢螺丝', 'M4×10', '包', '2.35'], ['GBK-02', '尼龙扎带', '3×150', '袋', '8']])
    const fileId = await upload(t, s.supA.key, '产品.csv', csv)
    const insp = await t.call(s.supA.key, 'imports', 'inspect', { fileId, entity: 'products' })
    expect(insp.encoding === 'gbk' || insp.encoding === 'gb18030').toBe(true)
    expect(insp.mapping).toEqual(['code', 'name', 'model', 'unit', 'priceCents'])
    const r = await importFile(t, s.supA.key, '产品.csv', csv, { entity: 'products' })
    expect(r).toMatchObject({ imported: 2, rejected: 0 })
    expect(await liveProduct('GBK-01')).toMatchObject({ name: '不锈钢螺丝', model: 'M4×10', unit: '包' })
    expect(Number((await liveProduct('GBK-01')).price_cents)).toBe(235)
  })

  it('orders: lines grouped by order number, customers by name or code, products by code, exact totals, trade figures and order_stats through the orders service, the error report, 撤销导入', async () => {
    const a = await customerOf(t, s.admin, s.mgrA1, '广州订单导入电子有限公司')
    const b = await customerOf(t, s.admin, s.mgrA1, '深圳订单导入科技有限公司')
    const twin1 = await customerOf(t, s.admin, s.mgrA2, '重名订单贸易有限公司')
    const twin2 = await customerOf(t, s.admin, s.mgrA2, '重名订单贸易二公司')
    await k()('customers').where({ id: twin2.id }).update({ name: '重名订单贸易有限公司' }) // two customers of one name (e.g. 旧数据)
    await product(t, s.admin, 'ORD-R1', '贴片电阻', 3550, { model: '0805', unit: '盘' })
    await product(t, s.admin, 'ORD-C1', '电解电容', 1000)
    const headers = ['订单号', '下单日期', '客户名称', '客户编号', '物料编码', '产品名称', '数量', '单价', '折扣', '订单状态', '业务员', '备注']
    const rows = [
      headers,
      ['SO-IMP-1', new Date(Date.UTC(2026, 2, 5)), '广州订单导入电子有限公司', null, 'ORD-R1', null, 3, null, '5%', '已完成', null, '展会订单'],
      ['SO-IMP-1', new Date(Date.UTC(2026, 2, 5)), '广州订单导入电子有限公司', null, null, '安装服务', 1.5, 333.33, null, '已完成', null, null],
      ['SO-IMP-2', '2026/4/1', null, b.code, 'ord-c1', null, 2, 10, '9折', '已审批', 'mgra2', null],
      ['SO-IMP-3', '2026-04-02', '不存在的订单客户公司', null, 'ORD-C1', null, 1, null, null, '草稿', null, null],
      ['SO-IMP-4', '2026-04-03', '重名订单贸易有限公司', null, 'ORD-C1', null, 1, null, null, '草稿', null, null],
      ['SO-IMP-5', '2026-04-04', '广州订单导入电子有限公司', null, 'ORD-C1', null, 1, null, null, '草稿', null, null],
      ['SO-IMP-5', '2026-04-04', '广州订单导入电子有限公司', null, 'ORD-C1', null, 'abc', null, null, '草稿', null, null],
      [null, '2026-05-01', '广州订单导入电子有限公司', null, 'ORD-R1', null, 1, null, null, null, null, null],
      ['SO-IMP-6', '2026-05-02', '广州订单导入电子有限公司', null, 'NO-SUCH', null, 1, 1, null, '待审批', null, null],
    ]
    const file = await xlsx(rows)
    const fileId = await upload(t, s.supA.key, '订单.xlsx', file)
    const insp = await t.call(s.supA.key, 'imports', 'inspect', { fileId, entity: 'orders' })
    expect(insp.mapping).toEqual(['orderCode', 'orderDate', 'customerName', 'customerCode', 'productCode', 'productName', 'quantity', 'unitPriceCents', 'discountBp', 'status', 'owner', 'notes'])
    const prev = await t.call(s.supA.key, 'imports', 'preview', { fileId, entity: 'orders', options: { mapping: insp.mapping } })
    expect(prev.rows[0]!.values).toMatchObject({ orderDate: '2026-03-05', quantity: '3', discountBp: '5%', status: '已完成' })
    expect(prev.rows[0]!.issues).toEqual([])
    expect(prev.rows[3]!.issues).toEqual([{ field: 'customerName', code: 'no_customer', params: { value: '不存在的订单客户公司' } }])
    expect(prev.rows[4]!.issues[0]).toMatchObject({ field: 'customerName', code: 'ambiguous_customer', params: { count: 2 } })

    const r = await importFile(t, s.supA.key, '订单.xlsx', file, { entity: 'orders' })
    expect(r).toMatchObject({ status: 'done', rowsDone: 9, imported: 4, skipped: 0, rejected: 5, hasErrorReport: true, undoable: true })

    const so1 = await orderByCode('SO-IMP-1')
    // 3 × 35.50 × 0.95 = 101.175 → 101.18; 1.5 × 333.33 = 499.995 → 500.00 (half up, once per line)
    expect(Number(so1.total_cents)).toBe(10_118 + 50_000)
    expect(so1).toMatchObject({ status: 'completed', order_date: '2026-03-05', notes: '展会订单', delivery_address: '广州订单导入电子有限公司地址' })
    expect(String(so1.owner_id).toLowerCase()).toBe(s.mgrA1.userId.toLowerCase())
    expect(Number(so1.outstanding_cents)).toBe(60_118) // a sale: receivable
    const l1 = await linesOf(so1.id)
    expect(l1.map((l: Record<string, unknown>) => [l.product_name, l.model, l.unit, Number(l.quantity), Number(l.unit_price_cents), Number(l.discount_bp), Number(l.line_total_cents)])).toEqual([
      ['贴片电阻', '0805', '盘', 3, 3550, 500, 10_118],
      ['安装服务', null, null, 1.5, 33_333, 0, 50_000],
    ])
    const so2 = await orderByCode('SO-IMP-2')
    expect(Number(so2.total_cents)).toBe(1_800)
    expect(so2.status).toBe('approved')
    expect(String(so2.owner_id).toLowerCase()).toBe(s.mgrA2.userId.toLowerCase())
    const own = await k()('orders').where({ import_batch_id: r.batchId, customer_id: a.id, status: 'draft' }).whereNull('deleted_at')
    expect(own).toHaveLength(1)
    expect(own[0].code).toMatch(/^DD-2026-\d{6}$/)

    // the customers' 交易次数/交易金额/首次交易/最近交易 (drafts do not count) and the stats
    expect(await customerFigures(t, a.id)).toEqual({ count: 1, total: 60_118, first: '2026-03-05', last: '2026-03-05' })
    expect(await customerFigures(t, b.id)).toEqual({ count: 1, total: 1_800, first: '2026-04-01', last: '2026-04-01' })
    expect(await customerFigures(t, twin1.id)).toMatchObject({ count: 0 })
    await expectStatsExact(t)
    const listed = await t.call(s.supA.key, 'orders', 'list', { pageSize: 100, filter: { customerId: a.id } })
    expect(listed.items.map((o) => o.code)).toContain('SO-IMP-1')

    const rep = await readWorkbook((await t.call(s.supA.key, 'imports', 'errorReport', { batchId: r.batchId })).contentBase64)
    expect(rep[0]).toEqual([...headers, '错误原因'])
    const reasons = Object.fromEntries(rep.slice(1).map((x) => [x[0] || x[2], x.at(-1)]))
    expect(reasons['SO-IMP-3']).toBe('客户名称：找不到客户「不存在的订单客户公司」（或不在你的数据范围内）')
    expect(reasons['SO-IMP-4']).toContain('客户名称：有 2 个客户都叫「重名订单贸易有限公司」')
    expect(rep.filter((x) => x[0] === 'SO-IMP-5').map((x) => x.at(-1))).toEqual(['整行：同一订单的其他行有错误（第 8 行），整张订单未导入', '数量：不是大于 0 的数量（最多 3 位小数）：abc'])
    expect(reasons['SO-IMP-6']).toBe('订单状态：「待审批」不是可选的值（字典中没有）；产品编号：产品库中没有编号为「NO-SUCH」的产品')
    expect(await orderByCode('SO-IMP-5')).toBeUndefined()

    // the same file again: the numbered orders are duplicates (skipped); a row without a number is always a new order
    const again = await importFile(t, s.supA.key, '订单.xlsx', file, { entity: 'orders' })
    expect(again).toMatchObject({ imported: 1, skipped: 3, rejected: 5 })
    expect(await customerFigures(t, a.id)).toMatchObject({ count: 1, total: 60_118 })
    expectCode(await t.raw(s.supA.key, 'imports', 'start', { fileId, entity: 'orders', options: { mapping: insp.mapping, onDuplicate: 'update' } }), 'rule')

    // 撤销导入: the orders go, the customers' figures and the stats follow, the numbers are free again
    expect(await t.call(s.supA.key, 'imports', 'undo', { batchId: r.batchId })).toEqual({ removed: 4 })
    expect(await orderByCode('SO-IMP-1')).toBeUndefined()
    expect(await customerFigures(t, a.id)).toEqual({ count: 0, total: 0, first: null, last: null })
    expect(await customerFigures(t, b.id)).toMatchObject({ count: 0, total: 0 })
    await expectStatsExact(t)
    const back = await importFile(t, s.supA.key, '订单.xlsx', file, { entity: 'orders' })
    expect(back).toMatchObject({ imported: 4, skipped: 0 })
    expect(await customerFigures(t, a.id)).toMatchObject({ count: 1, total: 60_118 })
    await expectStatsExact(t)

    // an imported product used by an imported order: 撤销导入 of the products is refused
    const pf = await xlsx([['产品编号', '产品名称', '单价'], ['USED-01', '被订单使用的产品', 5]])
    const pr = await importFile(t, s.supA.key, 'p.xlsx', pf, { entity: 'products' })
    await importFile(t, s.supA.key, 'o.xlsx', await xlsx([['订单号', '下单日期', '客户编号', '产品编号', '数量'], ['SO-IMP-USED', '2026-06-01', a.code, 'USED-01', 2]]), { entity: 'orders' })
    expect(Number((await orderByCode('SO-IMP-USED')).total_cents)).toBe(1_000)
    expectCode(await t.raw(s.supA.key, 'imports', 'undo', { batchId: pr.batchId }), 'rule')
  })

  it('orders: who may import them — supervisors and admins; a 客户经理 may not; another team\'s customers are not found; sales need orders.approve', async () => {
    const c = await customerOf(t, s.admin, s.mgrB, '乙组订单客户有限公司')
    const file = await xlsx([['订单号', '下单日期', '客户名称', '产品名称', '数量', '单价', '订单状态'], ['SO-SCOPE-1', '2026-07-01', '乙组订单客户有限公司', '服务费', 1, 100, '已完成']])
    const fileId = await upload(t, s.supA.key, 'scope.xlsx', file)
    const insp = await t.call(s.supA.key, 'imports', 'inspect', { fileId, entity: 'orders' })
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'inspect', { fileId, entity: 'orders' }), 'forbidden', 'not_found')
    const mgrFile = await upload(t, s.mgrA1.key, 'scope.xlsx', file)
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'start', { fileId: mgrFile, entity: 'orders', options: { mapping: insp.mapping } }), 'forbidden')
    expectCode(await t.raw(s.mgrA1.key, 'imports', 'template', { entity: 'orders' }), 'forbidden')
    // team A's supervisor does not see team B's customer
    const r = await importFile(t, s.supA.key, 'scope.xlsx', file, { entity: 'orders' })
    expect(r).toMatchObject({ imported: 0, rejected: 1 })
    // team B's does
    const rb = await importFile(t, s.supB.key, 'scope.xlsx', file, { entity: 'orders' })
    expect(rb).toMatchObject({ imported: 1, rejected: 0 })
    expect(await customerFigures(t, c.id)).toMatchObject({ count: 1, total: 10_000 })
    // a role with orders.import but without orders.approve imports drafts only
    const roles = await t.call(s.admin.key, 'roles', 'list', {})
    const base = roles.find((x) => x.code === 'supervisor')!
    const role = await t.call(s.admin.key, 'roles', 'save', {
      code: 'order_clerk', name: '订单录入员', permissions: base.permissions.map((p) => (p.module === 'orders' ? { ...p, actions: p.actions.filter((a) => a !== 'approve') } : p)),
    })
    expect(role).toBeTruthy()
    const clerk = await t.userSession('clerk1', 'order_clerk', { teamId: s.teamB, name: '录入员' })
    const rc = await importFile(t, clerk.key, 'scope.xlsx', await xlsx([['订单号', '下单日期', '客户名称', '产品名称', '数量', '单价', '订单状态'], ['SO-SCOPE-2', '2026-07-02', '乙组订单客户有限公司', '服务费', 1, 100, '已完成'], ['SO-SCOPE-3', '2026-07-02', '乙组订单客户有限公司', '服务费', 1, 100, '草稿']]), { entity: 'orders' })
    expect(rc).toMatchObject({ imported: 1, rejected: 1 })
    const rep = await readWorkbook((await t.call(clerk.key, 'imports', 'errorReport', { batchId: rc.batchId })).contentBase64)
    expect(rep[1]!.at(-1)).toBe('订单状态：导入已审批、已发货或已完成的订单需要订单审批权限')
  })

  it('templates: products and orders, whose headers map back to every field', async () => {
    for (const entity of ['products', 'orders'] as const) {
      const tpl = await t.call(s.supA.key, 'imports', 'template', { entity })
      expect(tpl.fileName).toBe(entity === 'products' ? '产品导入模板.xlsx' : '订单导入模板.xlsx')
      const fileId = await upload(t, s.supA.key, tpl.fileName, Buffer.from(tpl.contentBase64, 'base64'))
      const insp = await t.call(s.supA.key, 'imports', 'inspect', { fileId, entity })
      expect(insp.mapping).toEqual(insp.fields.map((f) => f.key))
    }
  })
})
