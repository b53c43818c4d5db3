// 查重 in the customers service: against all customers whatever the caller's scope; same (同名
// or the same 税号) blocks unless the role may save anyway (role setting, default admin) and the
// caller confirmed; similar (place dropped or moved from brackets, company form, shared phone or
// contact mobile) only warns; outside the caller's scope only the name and owner are shown.
// The key columns are index lookups; the migration fills them for existing rows.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'
import { findCustomerBySameName } from '../../src-main/modules/customers/customers.dedupe'
import { migrations } from '../../db/migrations/index'

describeEachDb('customer 查重', (dialect) => {
  let t: TestApp
  let w: World
  let xinghe: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    xinghe = (await t.call(w.mgrA1.key, 'customers', 'create', {
      name: '深圳市星河电子有限公司', taxId: '91440300MA5G8XY01N', phone: '0755-8888 1234',
    })).id
    const c = await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: xinghe, fields: { name: '刘总', mobile: '138 0013 8000' } })
    expect(c.id).toBeTruthy()
  })
  afterAll(async () => t?.close())

  it('same name (width, spaces, punctuation, case) is blocked for another rep, naming only the name and the owner', async () => {
    const check = await t.call(w.mgrB.key, 'customers', 'checkDuplicates', { name: ' 深圳市 星河电子有限公司。' })
    expect(check.level).toBe('same')
    expect(check.blocked).toBe(true)
    expect(check.canOverride).toBe(false)
    expect(check.matches).toEqual([
      { level: 'same', reasons: ['name', 'similarName'], name: '深圳市星河电子有限公司', ownerName: '经理甲一', inPool: false, visible: false, id: null, code: null },
    ])
    const e = errorOf(await t.raw(w.mgrB.key, 'customers', 'create', { name: '深圳市星河电子有限公司' }))
    expect(e.code).toBe('rule')
    expect(e.key).toBe('customers.errors.duplicate')
    expect(e.params).toMatchObject({ name: '深圳市星河电子有限公司', owner: '经理甲一', field: 'name' })
    // asking to save anyway does not help a role that may not
    expect(errorOf(await t.raw(w.mgrB.key, 'customers', 'create', { name: '深圳市星河电子有限公司', duplicateOk: true })).key).toBe('customers.errors.duplicate')
  })

  it('the owner sees the match with its id and code', async () => {
    const check = await t.call(w.mgrA1.key, 'customers', 'checkDuplicates', { name: '深圳市星河电子有限公司' })
    expect(check.matches[0]).toMatchObject({ visible: true, id: xinghe, code: expect.stringMatching(/^KH-/) })
    // an edit of the customer itself is not its own duplicate
    expect((await t.call(w.mgrA1.key, 'customers', 'checkDuplicates', { id: xinghe, name: '深圳市星河电子有限公司' })).level).toBe('none')
  })

  it('the same 税号 is the same customer whatever the name', async () => {
    const check = await t.call(w.mgrB.key, 'customers', 'checkDuplicates', { name: '完全不同贸易有限公司', taxId: ' 91440300ma5g8xy01n ' })
    expect(check.level).toBe('same')
    expect(check.matches[0].reasons).toEqual(['taxId'])
    expect(errorOf(await t.raw(w.mgrB.key, 'customers', 'create', { name: '完全不同贸易有限公司', taxId: '91440300MA5G8XY01N' })).params)
      .toMatchObject({ field: 'taxId', owner: '经理甲一' })
  })

  it('similar names, a shared phone or a contact mobile warn and never block', async () => {
    for (const name of ['星河电子（深圳）有限公司', '深圳星河电子股份有限公司', '广东省深圳市星河电子有限责任公司', '广州星河电子有限公司']) {
      const check = await t.call(w.mgrB.key, 'customers', 'checkDuplicates', { name })
      expect(check.level, name).toBe('similar')
      expect(check.blocked).toBe(false)
      expect(check.matches).toEqual([expect.objectContaining({ level: 'similar', reasons: ['similarName'], name: '深圳市星河电子有限公司', ownerName: '经理甲一', id: null })])
    }
    const phone = await t.call(w.mgrB.key, 'customers', 'checkDuplicates', { name: '蓝海贸易有限公司', phone: '075588881234' })
    expect(phone.matches).toEqual([expect.objectContaining({ level: 'similar', reasons: ['phone'] })])
    const mobile = await t.call(w.mgrB.key, 'customers', 'checkDuplicates', { name: '蓝海贸易有限公司', phone2: '+86 13800138000' })
    expect(mobile.matches).toEqual([expect.objectContaining({ level: 'similar', reasons: ['mobile'] })])
    // the rep continues: a similar customer is saved
    const made = await t.call(w.mgrB.key, 'customers', 'create', { name: '星河电子（深圳）有限公司', phone: '0755-88881234' })
    expect(made.name).toBe('星河电子（深圳）有限公司')
    // different names stay apart
    expect((await t.call(w.mgrB.key, 'customers', 'checkDuplicates', { name: '中山大学' })).level).toBe('none')
  })

  it('an admin may save a same-name customer, but only when confirming', async () => {
    const check = await t.call(w.admin.key, 'customers', 'checkDuplicates', { name: '深圳市星河电子有限公司' })
    expect(check).toMatchObject({ level: 'same', blocked: false, canOverride: true })
    expect(check.matches[0].visible).toBe(true)
    expect(errorOf(await t.raw(w.admin.key, 'customers', 'create', { name: '深圳市星河电子有限公司' })).key).toBe('customers.errors.duplicateConfirm')
    t.clock.advance(60_000)
    const dup = await t.call(w.admin.key, 'customers', 'create', { name: '深圳市星河电子有限公司', duplicateOk: true })
    expect(dup.id).not.toBe(xinghe)
    // the oldest one answers the same-name lookup other modules use
    expect((await findCustomerBySameName(t.app.db.knex, '深圳市星河电子 有限公司'))?.id).toBe(xinghe)
    // editing another field of a duplicate saved anyway is not blocked; renaming into a taken name is
    await t.call(w.admin.key, 'customers', 'update', { id: dup.id, version: dup.version, fields: { notes: '分公司' } })
    const other = await t.call(w.mgrA1.key, 'customers', 'create', { name: '南山精密机械有限公司' })
    const e = errorOf(await t.raw(w.mgrA1.key, 'customers', 'update', { id: other.id, version: other.version, fields: { name: '深圳市星河电子有限公司' } }))
    expect(e.key).toBe('customers.errors.duplicate')
  })

  it('which roles may save anyway is a setting of the admin', async () => {
    expect(errorOf(await t.raw(w.mgrA1.key, 'customers', 'saveDedupeSettings', { overrideRoleCodes: ['manager'] })).code).toBe('forbidden')
    expect(await t.call(w.admin.key, 'customers', 'saveDedupeSettings', { overrideRoleCodes: ['admin', 'supervisor'] })).toEqual({ overrideRoleCodes: ['admin', 'supervisor'] })
    expect((await t.call(w.supA.key, 'customers', 'checkDuplicates', { name: '深圳市星河电子有限公司' })).canOverride).toBe(true)
    expect((await t.call(w.supA.key, 'customers', 'create', { name: '深圳市星河电子有限公司', duplicateOk: true })).id).toBeTruthy()
    await t.call(w.admin.key, 'customers', 'saveDedupeSettings', { overrideRoleCodes: ['admin'] })
    expect((await t.call(w.supA.key, 'customers', 'checkDuplicates', { name: '深圳市星河电子有限公司' })).blocked).toBe(true)
  })

  it('the 查重 tool takes a 税号, a phone or a name', async () => {
    const byTax = await t.call(w.mgrB.key, 'customers', 'lookup', { text: '91440300MA5G8XY01N' })
    expect(byTax.kind).toBe('taxId')
    expect(byTax.matches.map((m) => m.name)).toContain('深圳市星河电子有限公司')
    const byPhone = await t.call(w.mgrB.key, 'customers', 'lookup', { text: '0755-8888-1234' })
    expect(byPhone.kind).toBe('phone')
    expect(byPhone.matches.map((m) => [m.name, m.ownerName])).toContainEqual(['深圳市星河电子有限公司', '经理甲一'])
    const byMobile = await t.call(w.mgrB.key, 'customers', 'lookup', { text: '13800138000' })
    expect(byMobile.matches.map((m) => m.reasons)).toContainEqual(['mobile'])
    const byName = await t.call(w.mgrB.key, 'customers', 'lookup', { text: '星河电子' })
    expect(byName.kind).toBe('name')
    expect(byName.matches.length).toBeGreaterThanOrEqual(2)
    expect(byName.matches.every((m) => m.level === 'similar')).toBe(true)
    expect((await t.call(w.mgrB.key, 'customers', 'lookup', { text: '不存在的公司' })).matches).toEqual([])
  })

  it('permissions and bad input', async () => {
    const agent = await t.userSession('agent1', 'agent')
    expect(errorOf(await t.raw(agent.key, 'customers', 'checkDuplicates', { name: 'x' })).code).toBe('forbidden')
    expect((await t.call(agent.key, 'customers', 'lookup', { text: '星河' })).kind).toBe('name')
    expect(errorOf(await t.raw(w.mgrB.key, 'customers', 'checkDuplicates', { id: xinghe, name: 'x' })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.mgrB.key, 'customers', 'checkDuplicates', { name: 'x'.repeat(201) })).code).toBe('validation')
    expect(errorOf(await t.raw(w.mgrB.key, 'customers', 'lookup', { text: '' })).code).toBe('validation')
    expect(errorOf(await t.raw(w.mgrB.key, 'customers', 'checkDuplicates', { name: 'x', extra: 1 })).code).toBe('validation')
  })

  it('the migration fills the keys of rows written before it, so 查重 finds them', async () => {
    const k = t.app.db.knex
    const m = migrations.find((x) => x.name === '20261206000800_customer-desk')!
    // Later migrations' triggers on customers/contacts name those tables: SQLite refuses the
    // copy-and-rename by which knex alters a table while such a trigger exists ("error in trigger
    // …: no such table"). Migrating in order they do not exist yet — so take them away first and
    // put them back after, as running the migrations in order would. The index diet's down first:
    // this migration's down drops indexes the diet has dropped already.
    const later = ['20261207001000_customers-index-diet', '20261207000210_sales-sums-update-when', '20261206005300_customer-sales-sums', '20261206005200_briefing-owner-day'].map((n) => migrations.find((x) => x.name === n)!)
    for (const l of later) await l.down(k)
    await m.down(k)
    const at = '2026-01-01T00:00:00.000Z'
    const id = crypto.randomUUID()
    await k('customers').insert({ id, code: 'KH-OLD-000001', name: '东莞 旧数据（东莞）贸易有限公司', owner_id: w.mgrB.userId, customer_type: 'company', status: 'normal', order_count: 0, created_at: at, updated_at: at, version: 1, phone: '0769-2222 3333' })
    await m.up(k)
    for (const l of [...later].reverse()) await l.up(k)
    const row = await k('customers').where({ id }).first('name_key', 'similar_key', 'phone_key', 'name_pinyin', 'owner_since')
    expect(row).toMatchObject({ name_key: '东莞旧数据(东莞)贸易有限公司', similar_key: '旧数据贸易', phone_key: '076922223333' })
    expect(row.name_pinyin).toMatch(/^dong1guan3jiu4shu4ju4/)
    expect(row.owner_since).toBeTruthy()
    expect((await t.call(w.mgrA1.key, 'customers', 'checkDuplicates', { name: '东莞旧数据（东莞）贸易有限公司' })).level).toBe('same')
    // the pool permission came back for the seeded roles
    expect((await t.call(w.mgrA1.key, 'pool', 'status', {})).maxOwned).toBeNull()
  })
})
