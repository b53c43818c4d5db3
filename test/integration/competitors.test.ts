// 竞争对手 on the customer card through dispatch on SQLite and PostgreSQL: create, list (by
// share), edit with the version, the 100 % share rule, delete, the audit under the customer,
// and the customer's rights deciding who may read and write.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, expectCode, makeStaff, type Staff } from './customers.fixtures'

describeEachDb('competitors', (dialect) => {
  let t: TestApp
  let s: Staff
  let customerId: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    customerId = (await t.call(s.admin.key, 'customers', 'create', { name: '宁波港口机械有限公司', ownerId: s.mgrA1.userId })).id
  })
  afterAll(async () => t.close())

  it('keeps competitor records on the card: create, list by share, edit with the version, delete, audited', async () => {
    const a = await t.call(s.mgrA1.key, 'competitors', 'create', {
      customerId, name: '三一重工', products: '门座起重机', priceInfo: '比我方低 8%', strengths: '交期短', weaknesses: '售后响应慢', sharePct: 40, notes: '采购部倾向',
    })
    expect(a).toMatchObject({ name: '三一重工', sharePct: 40, customerId })
    const b = await t.call(s.mgrA1.key, 'competitors', 'create', { customerId, name: '振华重工', sharePct: 50 })
    expect((await t.call(s.mgrA1.key, 'competitors', 'list', { customerId })).map((c) => c.name)).toEqual(['振华重工', '三一重工'])

    // the shares of a customer's competitors cannot pass 100 %
    const over = expectCode(await t.raw(s.mgrA1.key, 'competitors', 'create', { customerId, name: '第三家', sharePct: 20 }), 'rule')
    expect(over).toMatchObject({ key: 'competitors.errors.shareOver100', params: { others: 90, share: 20 } })
    expectCode(await t.raw(s.mgrA1.key, 'competitors', 'update', { id: a.id, version: a.version, fields: { sharePct: 51 } }), 'rule')

    const edited = await t.call(s.mgrA1.key, 'competitors', 'update', { id: a.id, version: a.version, fields: { sharePct: 45, weaknesses: '' } })
    expect(edited).toMatchObject({ sharePct: 45, weaknesses: null, strengths: '交期短' })
    const stale = expectCode(await t.raw(s.mgrA1.key, 'competitors', 'update', { id: a.id, version: a.version, fields: { notes: '旧版本' } }), 'conflict')
    expect(stale.key).toBe('errors.conflict')

    await t.call(s.mgrA1.key, 'competitors', 'remove', { id: b.id })
    expect((await t.call(s.mgrA1.key, 'competitors', 'list', { customerId })).map((c) => c.id)).toEqual([a.id])
    expectCode(await t.raw(s.mgrA1.key, 'competitors', 'update', { id: b.id, version: b.version, fields: { notes: 'x' } }), 'not_found')

    const log = await auditRows(t, 'competitor', a.id)
    expect(log.map((e) => e.action)).toEqual(['create', 'update'])
    expect(log[1].changes).toEqual({ sharePct: [40, 45], weaknesses: ['售后响应慢', null] })
    expect(log.every((e) => e.parent_id === customerId)).toBe(true)
    // the card's history shows them
    const history = await t.call(s.mgrA1.key, 'audit', 'forCustomer', { customerId })
    expect(history.items.filter((e) => e.entity === 'competitor').length).toBeGreaterThanOrEqual(3)
  })

  it('follows the customer\'s rights: read with customers.view in scope, write with customers.edit in scope', async () => {
    const c = await t.call(s.supA.key, 'competitors', 'create', { customerId, name: '主管录入的对手' })
    expect((await t.call(s.agent.key, 'competitors', 'list', { customerId })).map((x) => x.id)).toContain(c.id) // agent: customers view, all
    expect((await t.call(s.exec.key, 'competitors', 'list', { customerId })).map((x) => x.id)).toContain(c.id)
    for (const who of [s.mgrA2, s.supB, s.mgrB]) {
      expectCode(await t.raw(who.key, 'competitors', 'list', { customerId }), 'not_found')
      expectCode(await t.raw(who.key, 'competitors', 'create', { customerId, name: 'x' }), 'not_found')
      expectCode(await t.raw(who.key, 'competitors', 'update', { id: c.id, version: c.version, fields: { name: 'x' } }), 'not_found')
      expectCode(await t.raw(who.key, 'competitors', 'remove', { id: c.id }), 'not_found')
    }
    for (const who of [s.agent, s.exec]) {
      expectCode(await t.raw(who.key, 'competitors', 'create', { customerId, name: 'x' }), 'forbidden')
      expectCode(await t.raw(who.key, 'competitors', 'update', { id: c.id, version: c.version, fields: { name: 'x' } }), 'forbidden')
      expectCode(await t.raw(who.key, 'competitors', 'remove', { id: c.id }), 'forbidden')
    }
    expect((await t.call(s.admin.key, 'competitors', 'list', { customerId })).find((x) => x.id === c.id)?.name).toBe('主管录入的对手')
  })
})
