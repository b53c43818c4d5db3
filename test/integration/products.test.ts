// 产品 and 库存 through dispatch, on SQLite and PostgreSQL: codes (typed or generated, unique),
// search by code, name, 型号 and pinyin, category and active filters, versioned edits, delete
// only while unused, stock per warehouse; editing for admins and supervisors, a read-only
// lookup for sales roles.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, dictId, expectCode, expectFieldIssue, makeStaff, type Staff } from './customers.fixtures'
import { customerOf, draft } from './orders.fixtures'

describeEachDb('products and stock', (dialect) => {
  let t: TestApp
  let s: Staff
  let hardware: string
  let software: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    hardware = await dictId(t, 'product_category', '硬件设备')
    software = await dictId(t, 'product_category', '软件产品')
  })
  afterAll(async () => {
    await t.close()
  })

  it('creates with a typed or generated code; codes are unique (case-insensitive)', async () => {
    const a = await t.call(s.supA.key, 'products', 'create', { code: 'NET-SW24', name: '千兆交换机', model: 'S1724G-24口', unit: '台', priceCents: 158_000, categoryId: hardware })
    expect(a).toMatchObject({ code: 'NET-SW24', name: '千兆交换机', model: 'S1724G-24口', unit: '台', priceCents: 158_000, categoryId: hardware, enabled: true, stockQuantity: 0 })
    const b = await t.call(s.admin.key, 'products', 'create', { name: '财务软件标准版', categoryId: software, priceCents: 680_000 })
    expect(b.code).toMatch(/^CP-\d{6}$/)
    expectFieldIssue(await t.raw(s.admin.key, 'products', 'create', { code: 'net-sw24', name: '重复' }), 'code', 'duplicate')
    expectFieldIssue(await t.raw(s.admin.key, 'products', 'create', { name: '错类', categoryId: await dictId(t, 'region', '华南') }), 'categoryId', 'invalid_dict')
    expect((await auditRows(t, 'product', a.id)).map((r) => r.action)).toEqual(['create'])
  })

  it('searches code, name, 型号 and pinyin; filters category and active; pages and sorts', async () => {
    await t.call(s.admin.key, 'products', 'create', { code: 'UPS-3K', name: '不间断电源', model: 'C3KS 3000VA', priceCents: 420_000, categoryId: hardware })
    const off = await t.call(s.admin.key, 'products', 'create', { code: 'OLD-9', name: '旧款打印机', enabled: false, categoryId: hardware })
    const codes = async (filter: Record<string, unknown>) => (await t.call(s.mgrA1.key, 'products', 'list', { filter, pageSize: 100 })).items.map((p) => p.code)
    expect(await codes({ search: 'ups' })).toEqual(['UPS-3K'])
    expect(await codes({ search: '交换机' })).toEqual(['NET-SW24'])
    expect(await codes({ search: 's1724g' })).toEqual(['NET-SW24']) // 型号, any case
    expect(await codes({ search: 'bjddy' })).toEqual(['UPS-3K']) // pinyin initials of 不间断电源
    expect(await codes({ search: 'caiwuruanjian' })).toHaveLength(1) // full pinyin
    expect(await codes({ categoryId: software })).toHaveLength(1)
    expect(await codes({ enabled: false })).toEqual([off.code])
    expect(await codes({ enabled: true, categoryId: hardware })).toEqual(['NET-SW24', 'UPS-3K'])
    const page = await t.call(s.mgrA1.key, 'products', 'list', { pageSize: 2, page: 2, sort: { field: 'priceCents', order: 'desc' } })
    expect(page.total).toBe(4)
    expect(page.items.map((p) => p.code)).toEqual(['NET-SW24', off.code]) // no price: last in either direction
    const byPrice = (await t.call(s.mgrA1.key, 'products', 'list', { pageSize: 10, sort: { field: 'priceCents', order: 'desc' } })).items.map((p) => p.priceCents)
    expect(byPrice.slice(0, 3)).toEqual([680_000, 420_000, 158_000])
  })

  it('edits at the version; the search text follows the name', async () => {
    const p = await t.call(s.admin.key, 'products', 'create', { code: 'CAB-01', name: '网线', priceCents: 100 })
    const u = await t.call(s.supA.key, 'products', 'update', { id: p.id, version: p.version, fields: { name: '超五类网线', priceCents: 120, unit: '箱' } })
    expect(u).toMatchObject({ name: '超五类网线', priceCents: 120, unit: '箱', code: 'CAB-01' })
    expectCode(await t.raw(s.supA.key, 'products', 'update', { id: p.id, version: p.version, fields: { priceCents: 1 } }), 'conflict')
    expect((await t.call(s.mgrA1.key, 'products', 'list', { filter: { search: 'cwlwx' } })).items.map((x) => x.id)).toEqual([p.id])
    expect((await auditRows(t, 'product', p.id)).at(-1)!.changes).toMatchObject({ name: ['网线', '超五类网线'], priceCents: [100, 120], unit: [null, '箱'] })
    expectFieldIssue(await t.raw(s.supA.key, 'products', 'update', { id: p.id, version: u.version, fields: { code: 'NET-SW24' } }), 'code', 'duplicate')
  })

  it('deletes only an unused product; a used one is disabled instead', async () => {
    const used = await t.call(s.admin.key, 'products', 'create', { code: 'USED-1', name: '已售产品', priceCents: 1000 })
    const c = await customerOf(t, s.admin, s.mgrA1, '合肥创新实业有限公司')
    await draft(t, s.mgrA1, c.id, '2026-05-01', [{ productId: used.id, productName: used.name, quantity: 1, unitPriceCents: 1000 }])
    const r = await t.raw(s.admin.key, 'products', 'remove', { id: used.id, version: used.version })
    expect(r.ok ? null : [r.error.code, r.error.key]).toEqual(['in_use', 'products.errors.inUse'])
    const off = await t.call(s.admin.key, 'products', 'update', { id: used.id, version: used.version, fields: { enabled: false } })
    expect(off.enabled).toBe(false)
    const free = await t.call(s.admin.key, 'products', 'create', { code: 'FREE-1', name: '未售产品' })
    expectCode(await t.raw(s.supA.key, 'products', 'remove', { id: free.id, version: free.version }), 'forbidden') // supervisors edit, admins delete
    expect(await t.call(s.admin.key, 'products', 'remove', { id: free.id, version: free.version })).toEqual({ ok: true })
    expectCode(await t.raw(s.admin.key, 'products', 'get', { id: free.id }), 'not_found')
  })

  it('stock per warehouse: set, edit, remove and set again; totals on the product; warehouse names', async () => {
    const p = await t.call(s.admin.key, 'products', 'create', { code: 'STK-1', name: '工业传感器', unit: '个' })
    const a = await t.call(s.supA.key, 'products', 'saveStock', { productId: p.id, warehouse: '广州仓', quantity: 120.5 })
    const b = await t.call(s.supA.key, 'products', 'saveStock', { productId: p.id, warehouse: '上海仓', quantity: 30.125 })
    expect((await t.call(s.mgrA1.key, 'products', 'get', { id: p.id })).stockQuantity).toBe(150.625)
    expectFieldIssue(await t.raw(s.supA.key, 'products', 'saveStock', { productId: p.id, warehouse: '广州仓', quantity: 1 }), 'warehouse', 'duplicate')
    const a2 = await t.call(s.supA.key, 'products', 'saveStock', { id: a.id, version: a.version, productId: p.id, warehouse: '广州仓', quantity: 100 })
    expect(a2.quantity).toBe(100)
    expectCode(await t.raw(s.supA.key, 'products', 'saveStock', { id: a.id, version: a.version, productId: p.id, warehouse: '广州仓', quantity: 5 }), 'conflict')
    const rows = await t.call(s.mgrA1.key, 'products', 'stock', { filter: { productId: p.id } })
    expect(rows.items.map((r) => [r.warehouse, r.quantity, r.productCode])).toEqual([['上海仓', 30.125, 'STK-1'], ['广州仓', 100, 'STK-1']])
    expect((await t.call(s.mgrA1.key, 'products', 'stock', { filter: { search: 'gycgq' } })).total).toBe(2)
    expect((await t.call(s.mgrA1.key, 'products', 'stock', { filter: { warehouse: '上海仓' } })).items.map((r) => r.id)).toEqual([b.id])
    expect(await t.call(s.agent.key, 'products', 'warehouses', {})).toEqual(['上海仓', '广州仓'].sort())
    await t.call(s.supA.key, 'products', 'removeStock', { id: b.id, version: b.version })
    // the pair again: the deleted row is revived (the pair is unique)
    const again = await t.call(s.supA.key, 'products', 'saveStock', { productId: p.id, warehouse: '上海仓', quantity: 7 })
    expect(again.id).toBe(b.id)
    expect((await t.call(s.mgrA1.key, 'products', 'get', { id: p.id })).stockQuantity).toBe(107)
  })

  it('sales roles look up, only admins and supervisors change', async () => {
    const p = (await t.call(s.agent.key, 'products', 'list', {})).items[0]
    expect(p).toBeTruthy()
    for (const who of [s.mgrA1, s.agent, s.exec]) {
      expectCode(await t.raw(who.key, 'products', 'create', { name: '越权' }), 'forbidden')
      expectCode(await t.raw(who.key, 'products', 'update', { id: p.id, version: p.version, fields: { name: '越权' } }), 'forbidden')
      expectCode(await t.raw(who.key, 'products', 'remove', { id: p.id, version: p.version }), 'forbidden')
      expectCode(await t.raw(who.key, 'products', 'saveStock', { productId: p.id, warehouse: '越权仓', quantity: 1 }), 'forbidden')
      expect((await t.call(who.key, 'products', 'get', { id: p.id })).id).toBe(p.id)
    }
  })
})
