// Rules whose earlier tests still passed with the rule broken. Each test here was checked by
// breaking the code (the mutation named in the test) and seeing it fail:
//  - done on a recurring reminder: the next occurrence is the first one after now, computed by
//    the service (mutation: counted from the stale due time → an occurrence in the past);
//  - the next follow-up must be later than the interaction: equal is refused, on create and on
//    update (mutation: `<` instead of `<=`);
//  - a due notification is claimed by one client only (mutations: the claim without its
//    `notified_at is null` condition, or the service ignoring whether its claim succeeded).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { addCustomer, dictId, errorOf, expectFieldIssue, freezeClock, makeWorld, type World } from './reminders.fixtures'

describeEachDb('mutation guards', (dialect) => {
  let t: TestApp
  let w: World
  let phone: string
  let cust: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z') // Tue 10 March 2026, 10:00 in Shanghai
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    cust = await addCustomer(t, { name: '守卫测试客户', ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
  })
  afterAll(async () => t?.close())

  describe('done on a recurring reminder', () => {
    it('makes the first occurrence after now, not the one after the stale due time', async () => {
      // weekly on Mondays 09:00 Shanghai, started 5 January and left undone for weeks
      const r = await t.call(w.mgrA1.key, 'reminders', 'create', {
        title: '周一例会', dueAt: '2026-01-05T09:00:00+08:00', repeat: 'weekly', timeZone: 'Asia/Shanghai',
      })
      const d = await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: r.version })
      // now is Tue 10 March: the next Monday 09:00 is 16 March (not 12 January)
      expect(d.next).toMatchObject({ dueAt: '2026-03-16T01:00:00.000Z', repeat: 'weekly', seriesId: r.id, doneAt: null, overdue: false })
      // and it is the one stored (the service made it, the api did not just answer it)
      const stored = await t.app.db.knex('reminders').where({ series_id: r.id }).whereNull('done_at').whereNull('deleted_at').select('id', 'due_at')
      expect(stored.map((x: { id: string }) => x.id)).toEqual([d.next!.id])
    })

    it('a recurring reminder done ahead of time moves on from its own due time', async () => {
      const r = await t.call(w.mgrA1.key, 'reminders', 'create', {
        title: '月度对账', dueAt: '2026-03-20T09:00:00+08:00', repeat: 'monthly', timeZone: 'Asia/Shanghai',
      })
      const d = await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: r.version })
      expect(d.next!.dueAt).toBe('2026-04-20T01:00:00.000Z')
    })
  })

  describe('the next follow-up must be later than the interaction', () => {
    const at = '2026-03-09T10:00:00+08:00'
    const sameInstant = '2026-03-09T02:00:00.000Z' // the same moment written in UTC

    it('is refused when equal to it on create (whatever the offset it is written in)', async () => {
      const base = { customerId: cust, channelId: phone, occurredAt: at, subject: '电话' }
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', { ...base, nextFollowUpAt: at }), 'nextFollowUpAt', 'before_occurred')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'create', { ...base, nextFollowUpAt: sameInstant }), 'nextFollowUpAt', 'before_occurred')
      expect((await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: cust })).total).toBe(0)
      // one minute later is fine
      const ok = await t.call(w.mgrA1.key, 'interactions', 'create', { ...base, nextFollowUpAt: '2026-03-09T10:01:00+08:00' })
      expect(ok.nextFollowUpAt).toBe('2026-03-09T02:01:00.000Z')
    })

    it('is refused when an update makes them equal (either field moved), and nothing is written', async () => {
      const rec = (await t.call(w.mgrA1.key, 'interactions', 'listByCustomer', { customerId: cust })).items[0]
      const before = await t.app.db.knex('interactions').where({ id: rec.id }).first('occurred_at', 'next_follow_up_at', 'version')
      // the follow-up moved onto the interaction time
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version, fields: { nextFollowUpAt: sameInstant } }), 'nextFollowUpAt', 'before_occurred')
      // the interaction time moved onto the follow-up
      expectFieldIssue(await t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version, fields: { occurredAt: '2026-03-09T10:01:00+08:00' } }), 'nextFollowUpAt', 'before_occurred')
      // both sent, equal
      expectFieldIssue(
        await t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version, fields: { occurredAt: at, nextFollowUpAt: at } }),
        'nextFollowUpAt', 'before_occurred',
      )
      expect(await t.app.db.knex('interactions').where({ id: rec.id }).first('occurred_at', 'next_follow_up_at', 'version')).toEqual(before)
    })
  })

  describe('due notifications', () => {
    it('two clients polling at the same time: one of them gets the notification, once', async () => {
      // the same user logged in on two machines (two sessions)
      const second = 'second-client-of-mgra1'
      t.sessions.set(second, w.mgrA1.userId)
      const r = await t.call(w.mgrA1.key, 'reminders', 'create', { title: '给客户回电', dueAt: '2026-03-10T10:30:00+08:00', customerId: cust })
      t.clock.setNow(new Date('2026-03-10T02:31:00Z'))
      const syncBefore = Number((await t.app.db.knex('sync_version').where({ id: 1 }).first('version')).version)
      const answers = await Promise.all([
        t.call(w.mgrA1.key, 'reminders', 'due', {}), t.call(second, 'reminders', 'due', {}),
        t.call(w.mgrA1.key, 'reminders', 'due', {}), t.call(second, 'reminders', 'due', {}),
      ])
      const delivered = answers.flatMap((a) => a.items).filter((x) => x.id === r.id)
      expect(delivered).toHaveLength(1)
      expect(delivered[0].notifiedAt).toBe('2026-03-10T02:31:00.000Z')
      // claimed once: one write of the row
      const row = await t.app.db.knex('reminders').where({ id: r.id }).first('notified_at', 'version')
      expect(Number(row.version)).toBe(syncBefore + 1)
      // and not again later
      expect((await t.call(second, 'reminders', 'due', {})).items.map((x) => x.id)).not.toContain(r.id)
      expect(errorOf(await t.raw(second, 'reminders', 'done', { id: r.id, version: r.version })).code).toBe('conflict')
      t.clock.setNow(new Date('2026-03-10T02:00:00Z'))
    })
  })
})
