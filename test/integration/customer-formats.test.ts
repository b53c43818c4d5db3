// Item 10 of issue 7 through dispatch on SQLite and PostgreSQL: the service refuses a postcode
// "12ab", a website "foo bar", a tax id "123", 从业时间 999, a 10-digit mobile and employees -5,
// each as a field issue the form can show; valid values are stored (the tax id upper-case).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { usccCheckChar } from '../../src-main/contract/formats'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { expectFieldIssue, makeStaff, type Staff } from './customers.fixtures'

describeEachDb('customer and contact formats', (dialect) => {
  let t: TestApp
  let s: Staff
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
  })
  afterAll(async () => t?.close())

  it('create and update refuse each malformed field by name; nothing is written', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['postcode', '12ab', 'postcode'], ['website', 'foo bar', 'website'], ['taxId', '123', 'tax_id'],
      ['yearsInBusiness', 999, 'too_big'], ['employees', -5, 'too_small'], ['phone', '021-1234', 'phone'],
    ]
    const before = Number((await t.app.db.knex('customers').count({ n: '*' }).first())?.n)
    for (const [field, value, code] of cases) {
      expectFieldIssue(await t.raw(s.mgrA1.key, 'customers', 'create', { name: `格式${field}`, [field]: value }), field, code)
    }
    expect(Number((await t.app.db.knex('customers').count({ n: '*' }).first())?.n)).toBe(before)
    const c = await t.call(s.mgrA1.key, 'customers', 'create', { name: '格式正确有限公司' })
    for (const [field, value, code] of cases) {
      expectFieldIssue(await t.raw(s.mgrA1.key, 'customers', 'update', { id: c.id, version: c.version, fields: { [field]: value } }), `fields.${field}`, code)
    }
  })

  it('stores valid values; the tax id upper-case', async () => {
    const tax = '91440101ma5cxxxx1'
    const taxId = tax + usccCheckChar(tax).toLowerCase()
    const c = await t.call(s.mgrA1.key, 'customers', 'create', {
      name: '广州格式有限公司', postcode: '510000', website: 'www.example.com', taxId, yearsInBusiness: 12, employees: 0, phone: '020-8888 1234', fax: '400-800-8888',
    })
    expect(c).toMatchObject({ postcode: '510000', website: 'www.example.com', taxId: taxId.toUpperCase(), yearsInBusiness: 12, employees: 0 })
  })

  it('a contact mobile of 10 digits is refused; 11 digits starting 1[3-9] is kept', async () => {
    const c = await t.call(s.mgrA1.key, 'customers', 'create', { name: '联系人格式有限公司' })
    expectFieldIssue(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: c.id, fields: { name: '张三', mobile: '1380013800' } }), 'fields.mobile', 'mobile')
    const ct = await t.call(s.mgrA1.key, 'contacts', 'create', { customerId: c.id, fields: { name: '张三', mobile: '13800138000' } })
    expect(ct.mobile).toBe('13800138000')
  })
})
