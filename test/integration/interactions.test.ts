// 交往记录 through dispatch() on SQLite and PostgreSQL: CRUD with promises, follow-up reminders
// and the customer's 最近联系/下次联系, search, attachments as real files (and the 50 MB limit),
// bad input, and permissions (a 客户经理 sees and changes only own customers' records).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { keyId } from '../../src-main/modules/reminders/reminders.model'
import { addContact, addCustomer, countRows, dictId, errorOf, expectFieldIssue, iso, makeWorld, remindersOf, type World, freezeClock } from './reminders.fixtures'

describeEachDb('interactions', (dialect) => {
  let t: TestApp
  let w: World
  let phone: string
  let visit: string
  let weekly: string
  let custA1: string // owned by mgrA1
  let custA2: string // owned by mgrA2
  let custB: string // owned by mgrB
  let contactA1: string
  let contactA2: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z') // 10:00 in Shanghai
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    visit = await dictId(t, 'interaction_channel', '拜访')
    weekly = await dictId(t, 'contact_policy', '每周联系')
    custA1 = await addCustomer(t, { name: '广州甲一科技有限公司', ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z', contactPolicyId: weekly })
    custA2 = await addCustomer(t, { name: '深圳甲二贸易有限公司', ownerId: w.mgrA2.userId, createdAt: '2026-01-01T00:00:00.000Z' })
    custB = await addCustomer(t, { name: '上海乙商贸有限公司', ownerId: w.mgrB.userId, createdAt: '2026-01-01T00:00:00.000Z' })
    contactA1 = await addContact(t, custA1, '张经理')
    contactA2 = await addContact(t, custA2, '李总')
  })
  afterAll(async () => t?.close())

  const base = (over: Record<string, unknown> = {}) => ({
    customerId: custA1, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '电话沟通报价', ...over,
  })

  describe('create, read, update, delete', () => {
    it('creates a visit record with promises and a next follow-up, and updates the customer', async () => {
      const rec = await t.call(w.mgrA1.key, 'interactions', 'create', base({
        kind: 'visit', channelId: visit, contactId: contactA1, place: '客户办公室', detail: '介绍新产品', outcome: '有采购意向',
        visitGoal: '确认采购预算', goalMet: true, improvement: '带上样品', nextFollowUpAt: '2026-03-12T10:00:00+08:00',
        promises: [{ content: '周五前发送报价单', dueDate: '2026-03-13' }, { content: '安排技术交流' }],
      }))
      expect(rec).toMatchObject({
        customerId: custA1, customerName: '广州甲一科技有限公司', contactName: '张经理', kind: 'visit', channelLabel: '拜访', goalMet: true,
        visitGoal: '确认采购预算', improvement: '带上样品', createdBy: w.mgrA1.userId, canEdit: true, canDelete: true, followUpDone: false,
        occurredAt: '2026-03-09T02:00:00.000Z', nextFollowUpAt: '2026-03-12T02:00:00.000Z',
      })
      expect(rec.promises.map((p) => [p.content, p.dueDate, p.keptAt])).toEqual([['周五前发送报价单', '2026-03-13', null], ['安排技术交流', null, null]])
      // one follow-up reminder for the customer's owner, keyed by the interaction
      expect(rec.followUpReminderId).toBe(keyId(`follow_up:${rec.id}`))
      const fu = await t.call(w.mgrA1.key, 'reminders', 'get', { id: rec.followUpReminderId! })
      expect(fu).toMatchObject({ source: 'follow_up', sourceId: rec.id, ownerId: w.mgrA1.userId, customerId: custA1, dueAt: '2026-03-12T02:00:00.000Z' })
      // its title is a key and values (rendered in the reader's language), not a stored Chinese sentence
      expect(fu).toMatchObject({ title: '', titleKey: 'follow_up', titleParams: { customer: '广州甲一科技有限公司', subject: '电话沟通报价' } })
      const c = await t.app.db.knex('customers').where({ id: custA1 }).first()
      expect(iso(c.last_contact_at)).toBe('2026-03-09T02:00:00.000Z')
      expect(iso(c.next_contact_at)).toBe('2026-03-12T02:00:00.000Z')
      expect(Number(c.version)).toBe(rec.version) // stamped in the same transaction
    })

    it('a record kind keeps no visit fields; the timeline is newest first and paged', async () => {
      const older = await t.call(w.mgrA1.key, 'interactions', 'create', base({ occurredAt: '2026-03-01T09:00:00+08:00', subject: '较早的电话', visitGoal: '忽略' }))
      expect(older.visitGoal).toBeNull()
      const page1 = await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custA1, pageSize: 1 })
      expect(page1.total).toBe(2)
      expect(page1.items[0].subject).toBe('电话沟通报价')
      const page2 = await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custA1, pageSize: 1, page: 2 })
      expect(page2.items[0].subject).toBe('较早的电话')
      // last contact is the latest occurred_at, not the latest written
      const c = await t.app.db.knex('customers').where({ id: custA1 }).first()
      expect(iso(c.last_contact_at)).toBe('2026-03-09T02:00:00.000Z')
    })

    it('updates fields and promises, moves the follow-up, and checks the version', async () => {
      const [rec] = (await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custA1 })).items
      const stale = await t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version - 1, fields: { subject: 'x' } })
      expect(errorOf(stale).code).toBe('conflict')
      const keep = rec.promises[0]
      const upd = await t.call(w.mgrA1.key, 'interactions', 'update', {
        id: rec.id, version: rec.version,
        fields: { subject: '电话沟通报价（已更新）', nextFollowUpAt: '2026-03-15T09:00:00+08:00' },
        promises: [{ id: keep.id, content: keep.content, dueDate: '2026-03-14' }, { content: '寄送样品', dueDate: '2026-03-20' }],
      })
      expect(upd.subject).toBe('电话沟通报价（已更新）')
      expect(upd.promises.map((p) => [p.content, p.dueDate])).toEqual([['周五前发送报价单', '2026-03-14'], ['寄送样品', '2026-03-20']])
      expect(upd.visitGoal).toBe('确认采购预算') // untouched fields stay
      const fu = await remindersOf(t, 'follow_up')
      expect(fu).toHaveLength(1)
      expect(iso(fu[0].due_at)).toBe('2026-03-15T01:00:00.000Z')
      // the new subject is in its title's values
      expect(JSON.parse(String(fu[0].title_params))).toEqual({ customer: '广州甲一科技有限公司', subject: '电话沟通报价（已更新）' })
      const c = await t.app.db.knex('customers').where({ id: custA1 }).first()
      expect(iso(c.next_contact_at)).toBe('2026-03-15T01:00:00.000Z')
      // an unknown promise id is a field error, nothing written
      const bad = await t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: await versionOf(t, 'interactions', rec.id), fields: { subject: 'y' }, promises: [{ id: contactA1, content: 'x' }] })
      expectFieldIssue(bad, 'promises.0.id', 'not_found')
      expect((await t.call(w.mgrA1.key, 'interactions', 'get', { id: rec.id })).subject).toBe('电话沟通报价（已更新）')
    })

    it('clearing the follow-up date retracts its reminder; the customer has no next contact', async () => {
      const [rec] = (await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custA1 })).items
      await t.call(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: await versionOf(t, 'interactions', rec.id), fields: { nextFollowUpAt: null } })
      expect(await remindersOf(t, 'follow_up')).toHaveLength(0)
      expect((await t.app.db.knex('customers').where({ id: custA1 }).first()).next_contact_at).toBeNull()
      // setting it again revives the same reminder (one per interaction)
      await t.call(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: await versionOf(t, 'interactions', rec.id), fields: { nextFollowUpAt: '2026-03-16T09:00:00+08:00' } })
      const fu = await remindersOf(t, 'follow_up')
      expect(fu.map((r) => r.id)).toEqual([keyId(`follow_up:${rec.id}`)])
    })

    it('moving the follow-up reminder moves the record\'s next follow-up date; its links stay', async () => {
      const [rec] = (await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custA1 })).items
      const moved = await t.call(w.mgrA1.key, 'reminders', 'update', { id: rec.followUpReminderId!, version: await versionOf(t, 'reminders', rec.followUpReminderId!), fields: { dueAt: '2026-03-17T09:00:00+08:00' } })
      expect(moved.dueAt).toBe('2026-03-17T01:00:00.000Z')
      expect((await t.call(w.mgrA1.key, 'interactions', 'get', { id: rec.id })).nextFollowUpAt).toBe('2026-03-17T01:00:00.000Z')
      expect(iso((await t.app.db.knex('customers').where({ id: custA1 }).first()).next_contact_at)).toBe('2026-03-17T01:00:00.000Z')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'update', { id: rec.followUpReminderId!, version: await versionOf(t, 'reminders', rec.followUpReminderId!), fields: { customerId: custA2 } }), 'customerId', 'not_allowed')
      await t.call(w.mgrA1.key, 'reminders', 'update', { id: rec.followUpReminderId!, version: await versionOf(t, 'reminders', rec.followUpReminderId!), fields: { dueAt: '2026-03-16T09:00:00+08:00' } })
    })

    it('promises are kept and un-kept; a kept one is no longer overdue', async () => {
      const [rec] = (await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custA1 })).items
      const p = rec.promises[0]
      const kept = await t.call(w.mgrA1.key, 'interactions', 'keepPromise', { id: p.id, version: await versionOf(t, 'interaction_promises', p.id) })
      expect(kept.keptAt).toBe(t.clock.now().toISOString())
      expect(kept.overdue).toBe(false)
      expect((await t.call(w.mgrA1.key, 'interactions', 'promises', { customerId: custA1, status: 'kept' })).items.map((x) => x.id)).toEqual([p.id])
      const unkept = await t.call(w.mgrA1.key, 'interactions', 'unkeepPromise', { id: p.id, version: await versionOf(t, 'interaction_promises', p.id) })
      expect(unkept.keptAt).toBeNull()
      expect((await t.call(w.mgrA1.key, 'interactions', 'promises', { customerId: custA1 })).total).toBe(2)
    })

    it('the card summary shows last/next contact, policy due and promises', async () => {
      const s = await t.call(w.mgrA1.key, 'interactions', 'summary', { customerId: custA1 })
      expect(s).toMatchObject({
        customerId: custA1, lastContactAt: '2026-03-09T02:00:00.000Z', nextContactAt: '2026-03-16T01:00:00.000Z', nextContactOverdueDays: 0,
        openPromises: 2, overduePromises: 0, interactionCount: 2,
        contactPolicy: { id: weekly, label: '每周联系', cycleDays: 7, dueAt: '2026-03-16T02:00:00.000Z', overdueDays: 0 },
      })
    })

    it('search finds records across the caller\'s customers by text and date range', async () => {
      await t.call(w.mgrA2.key, 'interactions', 'create', { ...base(), customerId: custA2, subject: '拜访讨论合同条款', detail: '付款方式：一个月回款' })
      const mine = await t.call(w.mgrA1.key, 'interactions', 'search', { text: '报价' })
      expect(mine.items.map((i) => i.subject)).toEqual(['电话沟通报价（已更新）'])
      expect((await t.call(w.mgrA1.key, 'interactions', 'search', { text: '合同' })).total).toBe(0) // another rep's customer
      expect((await t.call(w.admin.key, 'interactions', 'search', { text: '一个月回款' })).items.map((i) => i.customerId)).toEqual([custA2])
      expect((await t.call(w.admin.key, 'interactions', 'search', { text: '甲一科技' })).total).toBe(2) // by customer name
      expect((await t.call(w.admin.key, 'interactions', 'search', { text: '100%' })).total).toBe(0) // wildcards match literally
      const range = await t.call(w.admin.key, 'interactions', 'search', { from: '2026-03-05T00:00:00+08:00', to: '2026-03-10T00:00:00+08:00' })
      expect(range.items.map((i) => i.subject).sort()).toEqual(['拜访讨论合同条款', '电话沟通报价（已更新）'])
      expectFieldIssue(await t.raw(w.admin.key, 'interactions', 'search', { from: '2026-03-10T00:00:00Z', to: '2026-03-01T00:00:00Z' }), 'to')
    })

    it('deleting a record soft-deletes it with its promises and reminders and recomputes the customer', async () => {
      const rec = await t.call(w.mgrA1.key, 'interactions', 'create', base({
        occurredAt: '2026-03-10T09:00:00+08:00', subject: '最新一次联系', nextFollowUpAt: '2026-03-11T09:00:00+08:00',
        promises: [{ content: '已过期的承诺', dueDate: '2026-03-01' }],
      }))
      expect(iso((await t.app.db.knex('customers').where({ id: custA1 }).first()).last_contact_at)).toBe('2026-03-10T01:00:00.000Z')
      expect(await remindersOf(t, 'promise')).toHaveLength(1) // overdue promise → reminder at once
      await t.call(w.mgrA1.key, 'interactions', 'remove', { id: rec.id })
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'get', { id: rec.id })).code).toBe('not_found')
      const row = await t.app.db.knex('interactions').where({ id: rec.id }).first()
      expect(row.deleted_at).not.toBeNull()
      expect((await t.app.db.knex('interaction_promises').where({ interaction_id: rec.id }).first()).deleted_at).not.toBeNull()
      expect(await remindersOf(t, 'promise')).toHaveLength(0)
      expect((await remindersOf(t, 'follow_up')).map((r) => r.source_id)).not.toContain(rec.id)
      const c = await t.app.db.knex('customers').where({ id: custA1 }).first()
      expect(iso(c.last_contact_at)).toBe('2026-03-09T02:00:00.000Z')
      expect(iso(c.next_contact_at)).toBe('2026-03-16T01:00:00.000Z')
    })
  })

  describe('bad input: a clear field error and nothing written', () => {
    it('missing or unknown customer, contact of another customer, wrong channel, bad time', async () => {
      const before = await countRows(t, 'interactions')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', { ...base(), customerId: undefined }), 'customerId')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ customerId: '00000000-0000-4000-8000-000000000000' })), 'customerId', 'not_found')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ contactId: contactA2 })), 'contactId', 'not_of_customer')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ channelId: weekly })), 'channelId', 'invalid')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ occurredAt: '2026-03-10 10:00' })), 'occurredAt')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ occurredAt: '2026-04-10T10:00:00+08:00' })), 'occurredAt', 'in_future')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ nextFollowUpAt: 'tomorrow' })), 'nextFollowUpAt')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ nextFollowUpAt: '2026-03-09T09:00:00+08:00' })), 'nextFollowUpAt', 'before_occurred')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ subject: '  ' })), 'subject')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', base({ promises: [{ content: 'x', dueDate: '2026-02-30' }] })), 'promises.0.dueDate')
      expect(await countRows(t, 'interactions')).toBe(before)
    })
  })

  describe('permissions', () => {
    it('a 客户经理 sees and writes only own customers\' records', async () => {
      const b = await t.call(w.mgrB.key, 'interactions', 'create', { ...base(), customerId: custB, subject: '乙的记录' })
      expect((await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: custB })).total).toBe(0)
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'get', { id: b.id })).code).toBe('not_found')
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'update', { id: b.id, version: await versionOf(t, 'interactions', b.id), fields: { subject: 'x' } })).code).toBe('not_found')
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'remove', { id: b.id })).code).toBe('not_found')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', { ...base(), customerId: custB }), 'customerId', 'not_found')
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'summary', { customerId: custB })).code).toBe('not_found')
    })

    it('a manager edits only own records; the supervisor edits the team\'s, not another team\'s', async () => {
      const bySup = await t.call(w.supA.key, 'interactions', 'create', { ...base(), customerId: custA1, subject: '主管陪同拜访' })
      // the customer's owner sees it but may not change it
      const seen = await t.call(w.mgrA1.key, 'interactions', 'get', { id: bySup.id })
      expect(seen).toMatchObject({ canEdit: false, canDelete: false })
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'update', { id: bySup.id, version: await versionOf(t, 'interactions', bySup.id), fields: { subject: 'x' } })).code).toBe('forbidden')
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'remove', { id: bySup.id })).code).toBe('forbidden')
      // the supervisor may edit a team member's record, not another team's
      const [mine] = (await t.call(w.mgrA1.key, 'interactions', 'search', { text: '较早的电话' })).items
      expect((await t.call(w.supA.key, 'interactions', 'update', { id: mine.id, version: await versionOf(t, 'interactions', mine.id), fields: { outcome: '主管补充' } })).outcome).toBe('主管补充')
      const [other] = (await t.call(w.mgrB.key, 'interactions', 'listByCustomer', { customerId: custB })).items
      expect(errorOf(await t.raw(w.supA.key, 'interactions', 'update', { id: other.id, version: await versionOf(t, 'interactions', other.id), fields: { outcome: 'x' } })).code).toBe('not_found')
    })
  })

  describe('attachments', () => {
    let recId: string
    beforeAll(async () => {
      recId = (await t.call(w.mgrA1.key, 'interactions', 'create', base({ subject: '附件测试' }))).id
    })

    it('copies the bytes into <dataDir>/attachments/<yyyy>/<id>-<safe name> and answers its path', async () => {
      const bytes = Buffer.from('报价单 PDF 内容 %PDF-1.4 …', 'utf8')
      const a = await t.call(w.mgrA1.key, 'interactions', 'addAttachment', {
        interactionId: recId, fileName: '..\\..\\报价单:2026/03?.pdf', contentBase64: bytes.toString('base64'),
      })
      expect(a).toMatchObject({ interactionId: recId, fileName: '03?.pdf', sizeBytes: bytes.length, mime: 'application/pdf', createdBy: w.mgrA1.userId })
      const opened = await t.call(w.mgrA1.key, 'interactions', 'openAttachment', { id: a.id })
      const root = path.join(t.app.dataDir, 'attachments', '2026')
      expect(path.dirname(opened.path)).toBe(root)
      expect(path.basename(opened.path)).toBe(`${a.id}-03_.pdf`)
      expect(fs.readFileSync(opened.path)).toEqual(bytes)
      const listed = await t.call(w.mgrA1.key, 'interactions', 'attachments', { interactionId: recId })
      expect(listed.map((x) => x.id)).toEqual([a.id])
      expect((await t.call(w.mgrA1.key, 'interactions', 'get', { id: recId })).attachments.map((x) => x.sha256)).toEqual([a.sha256])
      // another team's manager cannot open it
      expect(errorOf(await t.raw(w.mgrB.key, 'interactions', 'openAttachment', { id: a.id })).code).toBe('not_found')
      await t.call(w.mgrA1.key, 'interactions', 'removeAttachment', { id: a.id })
      expect(await t.call(w.mgrA1.key, 'interactions', 'attachments', { interactionId: recId })).toEqual([])
      expect(errorOf(await t.raw(w.mgrA1.key, 'interactions', 'openAttachment', { id: a.id })).code).toBe('not_found')
    })

    it('refuses more than 50 MB and invalid base64 with a field error, writing no file and no row', async () => {
      const before = await countRows(t, 'attachments')
      const filesBefore = fs.existsSync(path.join(t.app.dataDir, 'attachments', '2026')) ? fs.readdirSync(path.join(t.app.dataDir, 'attachments', '2026')).length : 0
      const big = Buffer.alloc(50 * 1024 * 1024 + 1, 1).toString('base64')
      const e = expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'addAttachment', { interactionId: recId, fileName: 'big.bin', contentBase64: big }), 'contentBase64', 'file_too_large')
      expect(e.issues?.[0].params).toMatchObject({ maximum: 50 * 1024 * 1024 })
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'addAttachment', { interactionId: recId, fileName: 'x.txt', contentBase64: 'not base64!' }), 'contentBase64', 'invalid_base64')
      expect(await countRows(t, 'attachments')).toBe(before)
      expect(fs.readdirSync(path.join(t.app.dataDir, 'attachments', '2026')).length).toBe(filesBefore)
      // exactly 50 MB is accepted
      const ok = await t.call(w.mgrA1.key, 'interactions', 'addAttachment', {
        interactionId: recId, fileName: '录音.amr', contentBase64: Buffer.alloc(50 * 1024 * 1024, 2).toString('base64'),
      })
      expect(ok.sizeBytes).toBe(50 * 1024 * 1024)
    }, 120_000)

    it('only the record\'s author (or a wider scope) may attach files', async () => {
      const bySup = await t.call(w.supA.key, 'interactions', 'create', { ...base(), subject: '主管的记录' })
      const r = await t.raw(w.mgrA1.key, 'interactions', 'addAttachment', { interactionId: bySup.id, fileName: 'a.txt', contentBase64: 'YQ==' })
      expect(errorOf(r).code).toBe('forbidden')
    })
  })

  describe('操作日志', () => {
    const ofInteraction = async (key: string, customerId: string, id: string) =>
      (await t.call(key, 'audit', 'forCustomer', { customerId, pageSize: 100 })).items.filter((e) => e.entity === 'interaction' && e.entityId === id)

    it('create, edit and delete each add an entry on the customer\'s card with the fields old → new', async () => {
      const longDetail = '客户反馈'.repeat(100)
      const rec = await t.call(w.mgrA2.key, 'interactions', 'create', {
        customerId: custA2, channelId: phone, occurredAt: '2026-03-08T15:00:00+08:00', subject: '首次电话', contactId: contactA2, detail: longDetail,
        nextFollowUpAt: '2026-03-12T10:00:00+08:00', promises: [{ content: '寄样品' }],
      })
      let log = await ofInteraction(w.mgrA2.key, custA2, rec.id)
      expect(log).toHaveLength(1)
      expect(log[0]).toMatchObject({ action: 'create', userId: w.mgrA2.userId, userName: '经理甲二', at: '2026-03-10T02:00:00.000Z' })
      expect(log[0].changes).toMatchObject({
        kind: [null, 'record'], subject: [null, '首次电话'], channelId: [null, phone], contactId: [null, contactA2],
        occurredAt: [null, '2026-03-08T07:00:00.000Z'], nextFollowUpAt: [null, '2026-03-12T02:00:00.000Z'],
      })
      // the long text is logged cut short; no promises, attachments or empty fields
      const detail = log[0].changes.detail[1] as string
      expect(detail.length).toBeLessThan(longDetail.length)
      expect(detail.startsWith('客户反馈')).toBe(true)
      expect(Object.keys(log[0].changes)).not.toEqual(expect.arrayContaining(['promises']))
      expect(log[0].changes).not.toHaveProperty('place')
      expect(log[0].changes).not.toHaveProperty('goalMet')

      t.clock.advance(60_000) // entries of one instant have no order
      const edited = await t.call(w.mgrA2.key, 'interactions', 'update', {
        id: rec.id, version: rec.version, fields: { subject: '首次电话（补充）', channelId: visit, kind: 'visit', visitGoal: '了解需求', goalMet: false, place: '' },
      })
      expect(edited.subject).toBe('首次电话（补充）')
      log = await ofInteraction(w.mgrA2.key, custA2, rec.id)
      expect(log.map((e) => e.action)).toEqual(['update', 'create']) // newest first
      expect(log[0].changes).toEqual({
        subject: ['首次电话', '首次电话（补充）'], channelId: [phone, visit], kind: ['record', 'visit'], visitGoal: [null, '了解需求'], goalMet: [null, false],
      })
      // saving without a change logs nothing
      await t.call(w.mgrA2.key, 'interactions', 'update', { id: rec.id, version: await versionOf(t, 'interactions', rec.id), fields: { subject: '首次电话（补充）' } })
      expect(await ofInteraction(w.mgrA2.key, custA2, rec.id)).toHaveLength(2)

      t.clock.advance(60_000)
      await t.call(w.mgrA2.key, 'interactions', 'remove', { id: rec.id })
      log = await ofInteraction(w.mgrA2.key, custA2, rec.id)
      expect(log.map((e) => e.action)).toEqual(['delete', 'update', 'create'])
      expect(log[0].changes).toMatchObject({ subject: ['首次电话（补充）', null], channelId: [visit, null], kind: ['visit', null], goalMet: [false, null] })
      expect(log[0].changes).not.toHaveProperty('place')
      // the system-wide log finds it by entity too
      const all = await t.call(w.admin.key, 'audit', 'list', { entity: 'interaction', entityId: rec.id })
      expect(all.total).toBe(3)
    })

    it('a failed write logs nothing; a manager who cannot see the customer gets nothing', async () => {
      const rec = await t.call(w.mgrA2.key, 'interactions', 'create', { customerId: custA2, channelId: phone, occurredAt: '2026-03-09T09:00:00+08:00', subject: '第二次电话' })
      const before = await countRows(t, 'audit_log')
      expectFieldIssue(await t.raw(w.mgrA2.key, 'interactions', 'update', { id: rec.id, version: await versionOf(t, 'interactions', rec.id), fields: { channelId: weekly, subject: '不应记录' } }), 'channelId', 'invalid')
      expect(await countRows(t, 'audit_log')).toBe(before)
      expect(await ofInteraction(w.mgrA2.key, custA2, rec.id)).toHaveLength(1)
      expect(await t.call(w.mgrB.key, 'audit', 'forCustomer', { customerId: custA2 })).toMatchObject({ items: [], total: 0 })
      expect(await ofInteraction(w.mgrA1.key, custA2, rec.id)).toHaveLength(0)
    })
  })

  it('a promise past its date is overdue until kept, and again when un-kept', async () => {
    const rec = await t.call(w.mgrA2.key, 'interactions', 'create', {
      customerId: custA2, channelId: phone, occurredAt: '2026-03-01T09:00:00+08:00', subject: '催样品', promises: [{ content: '三月五日前寄样品', dueDate: '2026-03-05' }],
    })
    const p = rec.promises[0]
    expect(p.overdue).toBe(true) // the test clock is days past 2026-03-05
    expect((await t.call(w.mgrA2.key, 'interactions', 'keepPromise', { id: p.id, version: await versionOf(t, 'interaction_promises', p.id) })).overdue).toBe(false)
    expect((await t.call(w.mgrA2.key, 'interactions', 'unkeepPromise', { id: p.id, version: await versionOf(t, 'interaction_promises', p.id) })).overdue).toBe(true)
    await t.call(w.mgrA2.key, 'interactions', 'remove', { id: rec.id })
  })
})
