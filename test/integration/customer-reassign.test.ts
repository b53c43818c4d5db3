// Reassigning and deleting a customer carries its records and reminders along: a reassign moves
// the interactions, promises, attachments and the previous owner's reminders, done ones included
// (the customer's history), to the new owner (one version, one transaction); a delete retracts the reminders and hides the records.
// Moving a follow-up reminder edits its interaction, so it takes the right to edit that record.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { addContact, addCustomer, dictId, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'

describeEachDb('customer reassign and delete', (dialect) => {
  let t: TestApp
  let w: World
  let cust: string
  let recId: string
  let promiseId: string
  let attachmentId: string
  let manualId: string
  let followUpId: string
  let doneId: string
  let before: Map<string, { owner_id: string; version: number }>

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z') // 10:00 in Shanghai
    w = await makeWorld(t)
    const phone = await dictId(t, 'interaction_channel', '电话')
    cust = await addCustomer(t, { name: '广州转交科技有限公司', ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
    await addContact(t, cust, '张经理', '1980-03-15') // a birthday reminder 7 days ahead
    await evaluateReminders(t.app) // the run makes it (the fixture writes the contact past the service; an interaction write settles only its own kinds)
    manualId = (await t.call(w.mgrA1.key, 'reminders', 'create', { title: '寄样品', customerId: cust, dueAt: '2026-03-11T02:00:00.000Z' })).id
    doneId = (await t.call(w.mgrA1.key, 'reminders', 'create', { title: '确认样品已收到', customerId: cust, dueAt: '2026-03-09T02:00:00.000Z' })).id
    await t.call(w.mgrA1.key, 'reminders', 'done', { id: doneId, version: await versionOf(t, 'reminders', doneId) })
    const rec = await t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: cust, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '电话沟通报价',
      nextFollowUpAt: '2026-03-12T10:00:00+08:00', promises: [{ content: '今天发送报价单', dueDate: '2026-03-10' }],
    })
    recId = rec.id
    promiseId = rec.promises[0].id
    followUpId = rec.followUpReminderId!
    attachmentId = (await t.call(w.mgrA1.key, 'interactions', 'addAttachment', {
      interactionId: recId, fileName: '报价单.pdf', contentBase64: Buffer.from('%PDF-1.4 报价').toString('base64'),
    })).id
    const k = t.app.db.knex
    before = new Map<string, { owner_id: string; version: number }>()
    for (const [table, id] of [['interactions', recId], ['interaction_promises', promiseId], ['attachments', attachmentId], ['reminders', manualId], ['reminders', followUpId], ['reminders', doneId]]) {
      const r = await k(table).where({ id }).first('owner_id', 'version')
      before.set(id, { owner_id: r.owner_id, version: Number(r.version) })
    }
  })
  afterAll(async () => t?.close())

  const remindersOfCustomer = async (key: string) =>
    (await t.call(key, 'reminders', 'list', { customerId: cust, status: 'all', pageSize: 100 })).items

  it('the customer starts with a manual (and a done manual), a follow-up, a promise and a birthday reminder of its owner', async () => {
    const mine = await remindersOfCustomer(w.mgrA1.key)
    expect(mine.map((r) => r.source).sort()).toEqual(['birthday', 'follow_up', 'manual', 'manual', 'promise'])
    expect(mine.find((r) => r.id === doneId)?.doneAt).toBeTruthy()
    expect(new Set(mine.map((r) => r.ownerId))).toEqual(new Set([w.mgrA1.userId]))
  })

  it('a reassign moves the records and the reminders, done ones included, to the new owner in one version', async () => {
    expect(await t.call(w.supA.key, 'customers', 'changeOwner', { ids: [cust], ownerId: w.mgrA2.userId })).toEqual({ changed: 1 })
    const k = t.app.db.knex
    const customerVersion = Number((await k('customers').where({ id: cust }).first('version')).version)
    for (const [table, id] of [['interactions', recId], ['interaction_promises', promiseId], ['attachments', attachmentId], ['reminders', manualId], ['reminders', followUpId], ['reminders', doneId]]) {
      const r = await k(table).where({ id }).first('owner_id', 'version', 'deleted_at')
      expect(r.owner_id, `${table} ${id}`).toBe(w.mgrA2.userId)
      expect(Number(r.version), `${table} ${id}`).toBeGreaterThan(before.get(id)!.version)
      expect(Number(r.version), `${table} ${id}`).toBe(customerVersion)
      expect(r.deleted_at).toBeNull()
    }

    // the previous owner sees none of it any more, and cannot bring the done one back
    expect(await remindersOfCustomer(w.mgrA1.key)).toEqual([])
    for (const id of [manualId, followUpId, doneId]) expect(errorOf(await t.raw(w.mgrA1.key, 'reminders', 'get', { id })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.mgrA1.key, 'reminders', 'reopen', { id: doneId, version: await versionOf(t, 'reminders', doneId) })).code).toBe('not_found')
    expect((await t.call(w.mgrA1.key, 'reminders', 'list', { status: 'done', pageSize: 100 })).items.filter((r) => r.customerId === cust)).toEqual([])
    expect((await t.call(w.mgrA1.key, 'reminders', 'centre', { customerId: cust })).done).toEqual([]) // 已完成 tab
    expect(await k('reminders').where({ id: doneId }).first('done_at')).toMatchObject({ done_at: expect.anything() }) // still done, now the new owner's
    expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'get', { id: recId })).code).toBe('not_found')
    expect((await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: cust })).total).toBe(0)
    expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'attachments', { interactionId: recId })).code).toBe('not_found')
    expect((await t.call(w.mgrA1.key, 'interactions', 'promises', { customerId: cust })).total).toBe(0)

    // the new owner has all of it: one reminder per occasion (the birthday one re-issued, not doubled)
    const hers = await remindersOfCustomer(w.mgrA2.key)
    expect(hers.map((r) => r.source).sort()).toEqual(['birthday', 'follow_up', 'manual', 'manual', 'promise'])
    expect(new Set(hers.map((r) => r.ownerId))).toEqual(new Set([w.mgrA2.userId]))
    expect((await t.call(w.mgrA2.key, 'reminders', 'get', { id: manualId })).ownerId).toBe(w.mgrA2.userId)
    expect((await t.call(w.mgrA2.key, 'interactions', 'get', { id: recId })).attachments.map((a) => a.id)).toEqual([attachmentId])
    expect((await t.call(w.mgrA2.key, 'interactions', 'listByCustomer', { customerId: cust })).total).toBe(1)
    expect((await t.call(w.mgrA2.key, 'interactions', 'promises', { customerId: cust })).items.map((p) => p.id)).toEqual([promiseId])
  })

  it('a manager who may not edit the record cannot move its follow-up through the reminder', async () => {
    // the record is mgrA1's: mgrA2 (scope own) sees it but may not edit it
    expect((await t.call(w.mgrA2.key, 'interactions', 'get', { id: recId })).canEdit).toBe(false)
    const k = t.app.db.knex
    const recBefore = await k('interactions').where({ id: recId }).first('next_follow_up_at', 'version')
    const remBefore = await t.call(w.mgrA2.key, 'reminders', 'get', { id: followUpId })
    const r = await t.raw(w.mgrA2.key, 'reminders', 'update', { id: followUpId, version: await versionOf(t, 'reminders', followUpId), fields: { dueAt: '2026-03-20T02:00:00.000Z' } })
    expect(errorOf(r).code).toBe('forbidden')
    const recAfter = await k('interactions').where({ id: recId }).first('next_follow_up_at', 'version')
    expect(recAfter).toEqual(recBefore)
    expect((await t.call(w.mgrA2.key, 'reminders', 'get', { id: followUpId })).dueAt).toBe(remBefore.dueAt)
    // a title edit does not touch the record: allowed
    expect((await t.call(w.mgrA2.key, 'reminders', 'update', { id: followUpId, version: await versionOf(t, 'reminders', followUpId), fields: { title: '跟进报价' } })).title).toBe('跟进报价')
    // the team's supervisor may edit the record, so may move it: reminder and record move together
    const moved = await t.call(w.supA.key, 'reminders', 'update', { id: followUpId, version: await versionOf(t, 'reminders', followUpId), fields: { dueAt: '2026-03-20T02:00:00.000Z' } })
    expect(moved.dueAt).toBe('2026-03-20T02:00:00.000Z')
    expect((await t.call(w.mgrA2.key, 'interactions', 'get', { id: recId })).nextFollowUpAt).toBe('2026-03-20T02:00:00.000Z')
  })

  it('a delete retracts the reminders (never listed or notified) and hides the records', async () => {
    await t.call(w.supA.key, 'customers', 'remove', { id: cust })
    const k = t.app.db.knex
    const customerVersion = Number((await k('customers').where({ id: cust }).first('version')).version)
    const rows = await k('reminders').where({ customer_id: cust })
    expect(rows.length).toBeGreaterThanOrEqual(4)
    for (const r of rows) {
      expect(r.deleted_at, String(r.source)).not.toBeNull()
      if (r.source !== 'manual') expect(r.retracted_at, String(r.source)).not.toBeNull()
    }
    expect(Number(rows.find((r) => r.id === manualId).version)).toBe(customerVersion)
    // the done one goes with the customer's history: nobody lists or reopens it
    expect(rows.find((r) => r.id === doneId)).toMatchObject({ owner_id: w.mgrA2.userId, retracted_at: null })
    expect(errorOf(await t.raw(w.mgrA2.key, 'reminders', 'reopen', { id: doneId, version: await versionOf(t, 'reminders', doneId) })).code).toBe('not_found')

    expect(await remindersOfCustomer(w.mgrA2.key)).toEqual([])
    expect(await remindersOfCustomer(w.supA.key)).toEqual([])
    t.clock.setNow(new Date('2026-04-01T02:00:00Z')) // past every due time
    expect(((await t.call(w.mgrA2.key, 'reminders', 'due', {})).items).filter((r) => r.customerId === cust)).toEqual([])
    // an evaluation brings none of them back
    await t.call(w.admin.key, 'reminders', 'evaluate', {})
    expect(await k('reminders').where({ customer_id: cust }).whereNull('deleted_at')).toEqual([])

    expect(errorOf(await t.raw(w.mgrA2.key, 'interactions', 'get', { id: recId })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.supA.key, 'interactions', 'get', { id: recId })).code).toBe('not_found')
    expect((await t.call(w.mgrA2.key, 'interactions', 'listByCustomer', { customerId: cust })).total).toBe(0)
    expect((await t.call(w.supA.key, 'interactions', 'search', { text: '报价' })).total).toBe(0)
    expect(errorOf(await t.raw(w.mgrA2.key, 'interactions', 'attachments', { interactionId: recId })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.mgrA2.key, 'interactions', 'openAttachment', { id: attachmentId })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.mgrA2.key, 'interactions', 'keepPromise', { id: promiseId, version: await versionOf(t, 'interaction_promises', promiseId) })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.mgrA2.key, 'interactions', 'summary', { customerId: cust })).code).toBe('not_found')
  })

  it('due never notifies a reminder of a deleted customer, even one left open', async () => {
    // a customer deleted without its reminders retracted (an old client, a sync race): the due query itself skips them
    const other = await addCustomer(t, { name: '深圳残留贸易有限公司', ownerId: w.mgrA2.userId })
    const left = (await t.call(w.mgrA2.key, 'reminders', 'create', { title: '回访', customerId: other, dueAt: '2026-03-31T02:00:00.000Z' })).id
    const own = (await t.call(w.mgrA2.key, 'reminders', 'create', { title: '周报', dueAt: '2026-03-31T02:00:00.000Z' })).id
    await t.app.db.knex('customers').where({ id: other }).update({ deleted_at: '2026-03-31T03:00:00.000Z' })
    const due = ((await t.call(w.mgrA2.key, 'reminders', 'due', {})).items).map((r) => r.id)
    expect(due).toContain(own) // reminders without a customer still fire
    expect(due).not.toContain(left)
  })
})
