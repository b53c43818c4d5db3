// 删除确认 (issue 7, item 13) on SQLite and PostgreSQL: removal.preview counts what a delete takes
// with it, only for a caller who may delete the record (others: forbidden / not found), and
// the counts are what the delete then really removes.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'

describeEachDb('removal preview', (dialect) => {
  let t: TestApp
  let w: World
  let cust: string
  let contactA: string
  let rec: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-01-15T02:00:00Z') // far from 王总's birthday (5 May): no birthday reminder of its own
    w = await makeWorld(t)
    const now = t.clock.now().getTime()
    const phone = await dictId(t, 'interaction_channel', '电话')
    cust = (await t.call(w.mgrA1.key, 'customers', 'create', { name: '删除预览有限公司' })).id
    contactA = (await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: cust, fields: { name: '王总', birthday: '1980-05-05' } })).id
    await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: cust, fields: { name: '李工' } })
    const soon = new Date(now + 86_400_000).toISOString()
    const i = await t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: cust, contactId: contactA, channelId: phone, occurredAt: new Date(now - 3600_000).toISOString(), subject: '报价沟通',
      nextFollowUpAt: soon, promises: [{ content: '寄样品', dueDate: '2030-01-01' }],
    })
    rec = i.id
    await t.call(w.mgrA1.key, 'interactions', 'addAttachment', { interactionId: rec, fileName: '报价.txt', contentBase64: Buffer.from('报价').toString('base64') })
    await t.call(w.mgrA1.key, 'interactions', 'create', { customerId: cust, channelId: phone, occurredAt: new Date(now - 7200_000).toISOString(), subject: '初次电话' })
    await t.call(w.mgrA1.key, 'reminders', 'create', { title: '给王总回电', dueAt: soon, customerId: cust, contactId: contactA })
  })
  afterAll(async () => t?.close())

  it('counts a customer\'s contacts, records, promises, attachments and open reminders', async () => {
    expect(await t.call(w.mgrA1.key, 'removal', 'preview', { entity: 'customer', id: cust })).toEqual({
      contacts: 2, interactions: 2, promises: 1, attachments: 1, reminders: 2, keptInteractions: 0, // a follow-up and a manual one
    })
  })

  it('a contact: its birthday reminders go, its records and other reminders stay', async () => {
    await t.app.db.knex('reminders').insert({
      id: crypto.randomUUID(), created_at: new Date().toISOString(), updated_at: new Date().toISOString(), version: 1, owner_id: w.mgrA1.userId,
      title: '生日提醒', customer_id: cust, contact_id: contactA, due_at: new Date().toISOString(), source: 'birthday', repeat_rule: 'none', notify_ahead_minutes: 0,
    })
    expect(await t.call(w.mgrA1.key, 'removal', 'preview', { entity: 'contact', id: contactA })).toMatchObject({ reminders: 1, keptInteractions: 1, contacts: 0 })
  })

  it('an interaction: its promises, attachments and follow-up reminder', async () => {
    expect(await t.call(w.mgrA1.key, 'removal', 'preview', { entity: 'interaction', id: rec })).toMatchObject({ promises: 1, attachments: 1, reminders: 1 })
  })

  it('only for who may delete it: another rep gets not_found, a role without delete forbidden', async () => {
    expect(errorOf(await t.raw(w.mgrB.key, 'removal', 'preview', { entity: 'customer', id: cust })).code).toBe('not_found')
    const agent = await t.userSession('agent-rm', 'agent')
    expect(errorOf(await t.raw(agent.key, 'removal', 'preview', { entity: 'customer', id: cust })).code).toBe('forbidden')
    expect(errorOf(await t.raw(w.mgrA1.key, 'removal', 'preview', { entity: 'contact', id: '00000000-0000-4000-8000-000000000000' })).code).toBe('not_found')
  })

  it('the delete then removes what was counted', async () => {
    await t.call(w.mgrA1.key, 'customers', 'remove', { id: cust })
    const k = t.app.db.knex
    expect(Number((await k('contacts').where({ customer_id: cust }).whereNull('deleted_at').count({ n: '*' }).first())?.n)).toBe(0)
    expect(Number((await k('reminders').where({ customer_id: cust }).whereNull('deleted_at').whereNull('done_at').count({ n: '*' }).first())?.n)).toBe(0)
    expect(errorOf(await t.raw(w.mgrA1.key, 'removal', 'preview', { entity: 'customer', id: cust })).code).toBe('not_found')
  })
})
