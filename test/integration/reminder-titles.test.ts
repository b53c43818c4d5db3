// A system reminder's title is a key and values the UI renders in the reader's language. A title
// someone writes on it is theirs and stays when the facts change; a Chinese title stored before
// titles had keys is given its key the next time the system updates the reminder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { addCustomer, dictId, freezeClock, makeWorld, type World } from './reminders.fixtures'

describeEachDb('system reminder titles', (dialect) => {
  let t: TestApp
  let w: World
  let phone: string
  let cust: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    cust = await addCustomer(t, { name: '标题测试客户', ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
  })
  afterAll(async () => t?.close())

  const record = (subject: string) =>
    t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: cust, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject, nextFollowUpAt: '2026-03-12T10:00:00+08:00',
    })
  const titleColumns = async (id: string) => t.app.db.knex('reminders').where({ id }).first('title', 'title_key', 'title_params')

  describe('follow-ups', () => {
    it('a title someone wrote replaces the key and stays when the record changes', async () => {
      const rec = await record('电话沟通')
      const fu = await t.call(w.mgrA1.key, 'reminders', 'get', { id: rec.followUpReminderId! })
      const mine = await t.call(w.mgrA1.key, 'reminders', 'update', { id: fu.id, version: fu.version, fields: { title: '给王总回电' } })
      expect(mine).toMatchObject({ title: '给王总回电', titleKey: null, titleParams: null })
      const cur = await t.call(w.mgrA1.key, 'interactions', 'get', { id: rec.id })
      await t.call(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: cur.version, fields: { subject: '电话沟通（改）', nextFollowUpAt: '2026-03-13T10:00:00+08:00' } })
      expect(await t.call(w.mgrA1.key, 'reminders', 'get', { id: fu.id })).toMatchObject({ title: '给王总回电', titleKey: null, dueAt: '2026-03-13T02:00:00.000Z' })
    })

    it('an old stored Chinese title gets its key when the system next updates the reminder', async () => {
      const rec = await record('报价')
      await t.app.db.knex('reminders').where({ id: rec.followUpReminderId! }).update({ title: '跟进：标题测试客户 — 报价', title_key: null, title_params: null })
      expect(await t.call(w.mgrA1.key, 'reminders', 'get', { id: rec.followUpReminderId! })).toMatchObject({ title: '跟进：标题测试客户 — 报价', titleKey: null })
      const cur = await t.call(w.mgrA1.key, 'interactions', 'get', { id: rec.id })
      await t.call(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: cur.version, fields: { subject: '报价（第二版）' } })
      expect(await titleColumns(rec.followUpReminderId!)).toEqual({
        title: '', title_key: 'follow_up', title_params: JSON.stringify({ customer: '标题测试客户', subject: '报价（第二版）' }),
      })
    })
  })

  it('a recurring reminder\'s next occurrence keeps the title as written', async () => {
    const r = await t.call(w.mgrA1.key, 'reminders', 'create', { title: '周报', dueAt: '2026-03-09T10:00:00+08:00', repeat: 'weekly' })
    const d = await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: r.version })
    expect(d.next).toMatchObject({ title: '周报', titleKey: null, titleParams: null })
  })
})
