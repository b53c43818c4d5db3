// 操作日志 in words (issue 7, item 5) on SQLite and PostgreSQL: each entry names its record
// (客户 "编号 名称", 联系人, 交往记录 概要 …) and the records its changed values point to (the
// contact of an interaction, the owner, a dictionary item), alike in the admin log and the card's history.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeWorld, type World } from './reminders.fixtures'

describeEachDb('audit entries name their records', (dialect) => {
  let t: TestApp
  let w: World
  let cust: { id: string; code: string }
  let contact: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeWorld(t)
    const region = await dictId(t, 'region', '华南')
    cust = await t.call(w.admin.key, 'customers', 'create', { name: '广州名称测试有限公司', regionId: region, ownerId: w.mgrA1.userId })
    contact = (await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: cust.id, fields: { name: '陈立明', birthdayCalendar: 'lunar', birthday: '1980-05-05' } })).id
    const phone = await dictId(t, 'interaction_channel', '电话')
    await t.call(w.mgrA1.key, 'interactions', 'create', { customerId: cust.id, contactId: contact, channelId: phone, occurredAt: new Date(Date.now() - 60_000).toISOString(), subject: '报价跟进' })
  })
  afterAll(async () => t?.close())

  it('the admin log: the record by name and code, ids in the changes by name', async () => {
    const log = (await t.call(w.admin.key, 'audit', 'list', { pageSize: 50 })).items
    const created = log.find((e) => e.entity === 'customer' && e.action === 'create')!
    expect(created.subject).toBe(`${cust.code} 广州名称测试有限公司`)
    expect(Object.values(created.names)).toEqual(expect.arrayContaining(['华南', '经理甲一']))
    const rec = log.find((e) => e.entity === 'interaction')!
    expect(rec.subject).toBe('报价跟进')
    expect(rec.names[contact]).toBe('陈立明')
    expect(log.find((e) => e.entity === 'contact')!.subject).toBe('陈立明')
  })

  it('the card\'s history carries the same names', async () => {
    const h = (await t.call(w.mgrA1.key, 'audit', 'forCustomer', { customerId: cust.id })).items
    expect(h.find((e) => e.entity === 'interaction')!.names[contact]).toBe('陈立明')
    expect(h.find((e) => e.entity === 'customer')!.subject).toContain(cust.code)
  })

  it('a deleted record keeps its name in the log', async () => {
    await t.call(w.mgrA1.key, 'contacts', 'remove', { id: contact })
    const log = (await t.call(w.admin.key, 'audit', 'list', { entity: 'contact', entityId: contact })).items
    expect(log.map((e) => [e.action, e.subject])).toEqual([['delete', '陈立明'], ['create', '陈立明']])
  })
})
