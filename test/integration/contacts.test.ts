// contacts.* through dispatch on real SQLite and PostgreSQL: one primary per customer,
// partial edits, birthdays in both calendars, soft delete, search text and audit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Contact } from '../../src-main/contract/contacts'
import type { Customer } from '../../src-main/contract/customers'
import type { CallInput } from '../../src-main/contract/index'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { auditRows, expectCode, expectFieldIssue, makeStaff, syncVersion, type Staff } from './customers.fixtures'

describeEachDb('contacts', (dialect) => {
  let t: TestApp
  let s: Staff
  let cust: Customer
  const k = () => t.app.db.knex
  const add = (fields: CallInput<'contacts', 'create'>['fields'], customerId = cust.id, who = s.mgrA1) =>
    t.call(who.key, 'contacts', 'create', { customerId, fields })
  const primaries = async (customerId = cust.id) =>
    (await k()('contacts').where({ customer_id: customerId }).whereNull('deleted_at').where('is_primary', true).select('id')).map((r: { id: string }) => r.id)
  const searchText = async (id = cust.id) => String((await k()('customers').where({ id }).first()).search_text)

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
  })
  afterAll(async () => t?.close())
  beforeEach(async () => {
    cust = await t.call(s.mgrA1.key, 'customers', 'create', { name: '深圳市联络科技有限公司' })
  })

  it('creates a contact with every field, owned by the customer owner, audited under the customer', async () => {
    const before = await syncVersion(t)
    const c = await add({
      name: '张三', gender: 'male', title: '采购经理', department: '采购部', mobile: '13800138000', officePhone: '0755-86001111',
      homePhone: '0755-86002222', email: 'zhang@example.com', wechat: 'zhangsan_wx', birthday: '1985-06-15', hometown: '湖南长沙',
      education: '本科', hobbies: '羽毛球', familyNotes: '一子', buyingRole: 'decision_maker', friendliness: 4, bestCallTime: '上午', notes: '关键人',
    })
    expect(c).toMatchObject({
      customerId: cust.id, name: '张三', gender: 'male', title: '采购经理', department: '采购部', mobile: '13800138000', officePhone: '0755-86001111',
      homePhone: '0755-86002222', email: 'zhang@example.com', wechat: 'zhangsan_wx', birthday: '1985-06-15', birthdayCalendar: 'solar',
      birthdayLeapMonth: false, hometown: '湖南长沙', education: '本科', hobbies: '羽毛球', familyNotes: '一子', buyingRole: 'decision_maker',
      friendliness: 4, bestCallTime: '上午', isPrimary: true, notes: '关键人', version: before + 1,
    })
    const row = await k()('contacts').where({ id: c.id }).first()
    expect(row.owner_id).toBe(s.mgrA1.userId)
    expect(await searchText()).toContain('|张三|13800138000|zhangsan|zs')
    const [entry] = await auditRows(t, 'contact', c.id)
    expect(entry).toMatchObject({ action: 'create', parent_id: cust.id, user_id: s.mgrA1.userId })
    expect(entry.changes).toMatchObject({ name: [null, '张三'], mobile: [null, '13800138000'], isPrimary: [null, true], birthday: [null, '1985-06-15'] })
    const history = await t.call(s.mgrA1.key, 'audit', 'forCustomer', { customerId: cust.id })
    expect(history.items.map((e) => [e.entity, e.entityId])).toContainEqual(['contact', c.id])
  })

  it('takes the owner of a customer created for someone else, even when a supervisor adds the contact', async () => {
    const theirs = await t.call(s.supA.key, 'customers', 'create', { name: '指派客户', ownerId: s.mgrA2.userId })
    const c = await add({ name: '王五' }, theirs.id, s.supA)
    expect((await k()('contacts').where({ id: c.id }).first()).owner_id).toBe(s.mgrA2.userId)
  })

  it('makes the first contact primary; a later one only when asked, clearing the others', async () => {
    const a = await add({ name: '甲', isPrimary: false })
    expect(a.isPrimary).toBe(true)
    const b = await add({ name: '乙' })
    expect(b.isPrimary).toBe(false)
    expect(await primaries()).toEqual([a.id])
    const c = await add({ name: '丙', isPrimary: true })
    expect(c.isPrimary).toBe(true)
    expect(await primaries()).toEqual([c.id])
    const list = await t.call(s.mgrA1.key, 'contacts', 'list', { customerId: cust.id })
    expect(list.map((x) => [x.name, x.isPrimary])).toEqual([['丙', true], ['甲', false], ['乙', false]])
    const demoted = (await auditRows(t, 'contact', a.id)).filter((e) => e.action === 'update')
    expect(demoted.map((e) => e.changes)).toEqual([{ isPrimary: [true, false] }])
    const row = (await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: cust.code } })).items[0]
    expect(row.primaryContact).toBe('丙')
  })

  it('setPrimary moves the flag, audited on both contacts; repeating it changes nothing', async () => {
    const a = await add({ name: '甲' })
    const b = await add({ name: '乙' })
    expect(await t.call(s.mgrA1.key, 'contacts', 'setPrimary', { id: b.id, version: await versionOf(t, 'contacts', b.id) })).toEqual({ ok: true })
    expect(await primaries()).toEqual([b.id])
    expect((await auditRows(t, 'contact', a.id)).filter((e) => e.action === 'update').map((e) => e.changes)).toEqual([{ isPrimary: [true, false] }])
    expect((await auditRows(t, 'contact', b.id)).filter((e) => e.action === 'update').map((e) => e.changes)).toEqual([{ isPrimary: [false, true] }])
    const v = await syncVersion(t)
    await t.call(s.mgrA1.key, 'contacts', 'setPrimary', { id: b.id, version: await versionOf(t, 'contacts', b.id) })
    expect(await syncVersion(t)).toBe(v)
    expect(await primaries()).toEqual([b.id])
  })

  it('update changes only the fields sent (no defaults sneak in) and audits old → new', async () => {
    const a = await add({ name: '赵六', birthday: '1990-08-15', birthdayCalendar: 'lunar', title: '经理' })
    const b = await add({ name: '孙七' })
    const u = await t.call(s.mgrA1.key, 'contacts', 'update', { id: a.id, version: await versionOf(t, 'contacts', a.id), fields: { title: '总经理', friendliness: 5 } })
    expect(u).toMatchObject({ title: '总经理', friendliness: 5, isPrimary: true, birthday: '1990-08-15', birthdayCalendar: 'lunar', name: '赵六' })
    expect(u.version).toBeGreaterThan(a.version)
    expect(await primaries()).toEqual([a.id])
    const upd = (await auditRows(t, 'contact', a.id)).filter((e) => e.action === 'update')
    expect(upd.map((e) => e.changes)).toEqual([{ title: ['经理', '总经理'], friendliness: [null, 5] }])
    const same = await t.call(s.mgrA1.key, 'contacts', 'update', { id: b.id, version: await versionOf(t, 'contacts', b.id), fields: { name: '孙七' } })
    expect(same.version).toBe(b.version)
  })

  it('isPrimary in an update: true takes the flag, false hands it to the earliest other; the only contact stays primary', async () => {
    const a = await add({ name: '一' })
    const b = await add({ name: '二' })
    const c = await add({ name: '三' })
    await t.call(s.mgrA1.key, 'contacts', 'update', { id: c.id, version: await versionOf(t, 'contacts', c.id), fields: { isPrimary: true } })
    expect(await primaries()).toEqual([c.id])
    const off = await t.call(s.mgrA1.key, 'contacts', 'update', { id: c.id, version: await versionOf(t, 'contacts', c.id), fields: { isPrimary: false } })
    expect(off.isPrimary).toBe(false)
    expect(await primaries()).toEqual([a.id])
    await t.call(s.mgrA1.key, 'contacts', 'update', { id: b.id, version: await versionOf(t, 'contacts', b.id), fields: { isPrimary: false } })
    expect(await primaries()).toEqual([a.id])

    const lone = await t.call(s.mgrA1.key, 'customers', 'create', { name: '单人客户' })
    const only = await add({ name: '唯一' }, lone.id)
    const still = await t.call(s.mgrA1.key, 'contacts', 'update', { id: only.id, version: await versionOf(t, 'contacts', only.id), fields: { isPrimary: false } })
    expect(still.isPrimary).toBe(true)
  })

  it('rebuilds the customer search text when a name or mobile changes', async () => {
    const a = await add({ name: '周八', mobile: '13511112222' })
    expect(await searchText()).toContain('zhouba')
    await t.call(s.mgrA1.key, 'contacts', 'update', { id: a.id, version: await versionOf(t, 'contacts', a.id), fields: { name: '吴九', mobile: '13599998888' } })
    const text = await searchText()
    expect(text).toContain('wujiu')
    expect(text).toContain('13599998888')
    expect(text).not.toContain('zhouba')
    expect(text).not.toContain('13511112222')
    expect(text).toContain('szsllkjyxgs') // the customer's own part stays
    // derived data only: the card's version stays, so an open card can still be saved
    const card = await t.call(s.mgrA1.key, 'customers', 'get', { id: cust.id })
    expect(card.version).toBe(cust.version)
    await t.call(s.mgrA1.key, 'customers', 'update', { id: cust.id, version: cust.version, fields: { notes: '仍可保存' } })
  })

  it('remove soft-deletes, promotes the earliest remaining contact when the primary goes, and audits', async () => {
    const a = await add({ name: '甲' })
    const b = await add({ name: '乙' })
    const c = await add({ name: '丙' })
    expect(await t.call(s.mgrA1.key, 'contacts', 'remove', { id: c.id })).toEqual({ ok: true })
    expect(await primaries()).toEqual([a.id])
    await t.call(s.mgrA1.key, 'contacts', 'remove', { id: a.id })
    expect(await primaries()).toEqual([b.id])
    const row = await k()('contacts').where({ id: a.id }).first()
    expect(row.deleted_at).toBeTruthy()
    expect(Number(row.version)).toBe(await syncVersion(t))
    expect((await t.call(s.mgrA1.key, 'contacts', 'list', { customerId: cust.id })).map((x) => x.id)).toEqual([b.id])
    expect(await searchText()).not.toContain('|甲|')
    const del = (await auditRows(t, 'contact', a.id)).filter((e) => e.action === 'delete')
    expect(del).toHaveLength(1)
    expect(del[0].parent_id).toBe(cust.id)
    expect(del[0].changes).toMatchObject({ name: ['甲', null] })
    expect((await auditRows(t, 'contact', b.id)).filter((e) => e.action === 'update').map((e) => e.changes)).toEqual([{ isPrimary: [false, true] }])
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'update', { id: a.id, version: await versionOf(t, 'contacts', a.id), fields: { name: 'x' } }), 'not_found')
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'remove', { id: a.id }), 'not_found')
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'setPrimary', { id: a.id, version: await versionOf(t, 'contacts', a.id) }), 'not_found')
    await t.call(s.mgrA1.key, 'contacts', 'remove', { id: b.id })
    expect(await primaries()).toEqual([])
    const next = await add({ name: '新来' })
    expect(next.isPrimary).toBe(true)
  })

  describe('birthdays', () => {
    it('accepts a real solar date and a plausible lunar one (lunar 02-30 is no solar date)', async () => {
      const a = await add({ name: '公历', birthday: '1992-02-29' })
      expect(a).toMatchObject({ birthday: '1992-02-29', birthdayCalendar: 'solar', birthdayLeapMonth: false })
      const b = await add({ name: '农历', birthday: '1990-02-30', birthdayCalendar: 'lunar' })
      expect(b).toMatchObject({ birthday: '1990-02-30', birthdayCalendar: 'lunar' })
      const c = await add({ name: '闰月', birthday: '2023-02-10', birthdayCalendar: 'lunar', birthdayLeapMonth: true })
      expect(c).toMatchObject({ birthdayCalendar: 'lunar', birthdayLeapMonth: true })
      const row = await k()('contacts').where({ id: c.id }).first()
      expect(row.birthday).toBe('2023-02-10')
      expect(row.birthday_calendar).toBe('lunar')
    })

    it('rejects impossible dates with a field error and writes nothing', async () => {
      const bad: Array<[CallInput<'contacts', 'create'>['fields'], string, string]> = [
        [{ name: 'x', birthday: '1991-02-29' }, 'birthday', 'invalid_date'],
        [{ name: 'x', birthday: '1990-04-31' }, 'birthday', 'invalid_date'],
        [{ name: 'x', birthday: '1990-13-01', birthdayCalendar: 'lunar' }, 'birthday', 'invalid_lunar_date'],
        [{ name: 'x', birthday: '1990-02-31', birthdayCalendar: 'lunar' }, 'birthday', 'invalid_lunar_date'],
        [{ name: 'x', birthday: '1990-00-10', birthdayCalendar: 'lunar' }, 'birthday', 'invalid_lunar_date'],
        [{ name: 'x', birthday: '2024-02-10', birthdayCalendar: 'lunar', birthdayLeapMonth: true }, 'birthdayLeapMonth', 'invalid_leap_month'],
        [{ name: 'x', birthday: '1990-05-01', birthdayLeapMonth: true }, 'birthdayLeapMonth', 'invalid'],
      ]
      for (const [fields, field, code] of bad) {
        expectFieldIssue(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields }), field, code)
      }
      expectFieldIssue(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields: { name: 'x', birthday: '1990/01/01' } }), 'fields.birthday', 'invalid_format')
      expect(Number((await k()('contacts').where({ customer_id: cust.id }).count({ n: '*' }).first())!.n)).toBe(0)
    })

    it('checks the merged birthday on update: switching a lunar 02-30 to solar is refused', async () => {
      const a = await add({ name: '农历', birthday: '1990-02-30', birthdayCalendar: 'lunar' })
      expectFieldIssue(await t.raw(s.mgrA1.key, 'contacts', 'update', { id: a.id, version: await versionOf(t, 'contacts', a.id), fields: { birthdayCalendar: 'solar' } }), 'birthday', 'invalid_date')
      const ok = await t.call(s.mgrA1.key, 'contacts', 'update', { id: a.id, version: await versionOf(t, 'contacts', a.id), fields: { birthdayCalendar: 'solar', birthday: '1990-03-26' } })
      expect(ok).toMatchObject({ birthday: '1990-03-26', birthdayCalendar: 'solar' })
      const cleared = await t.call(s.mgrA1.key, 'contacts', 'update', { id: a.id, version: await versionOf(t, 'contacts', a.id), fields: { birthday: null } })
      expect(cleared.birthday).toBeNull()
    })
  })

  it('answers not_found for an unknown or deleted customer, and validates the payload', async () => {
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: crypto.randomUUID(), fields: { name: 'x' } }), 'not_found')
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'list', { customerId: crypto.randomUUID() }), 'not_found')
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'update', { id: crypto.randomUUID(), version: 1, fields: { name: 'x' } }), 'not_found')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields: { name: '' } }), 'fields.name', 'too_small')
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields: { name: 'x', friendliness: 6 } }), 'validation')
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields: { name: 'x', ownerId: s.mgrB.userId } }), 'validation')
    await t.call(s.mgrA1.key, 'customers', 'remove', { id: cust.id })
    expectCode(await t.raw(s.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields: { name: 'x' } }), 'not_found')
  })

  it('keeps contact rows in the contract shape (Contact type round trip)', async () => {
    const a: Contact = await add({ name: '形状', email: '' })
    expect(a.email).toBeNull()
    expect(Object.keys(a).sort()).toEqual(Object.keys((await t.call(s.mgrA1.key, 'contacts', 'list', { customerId: cust.id }))[0]).sort())
  })
})
