// 提醒 through dispatch() on SQLite and PostgreSQL: create / edit / snooze / done / reopen with
// recurrence, the centre and its badge as the clock moves, due() never answering an
// occurrence twice (also for reminders that fell due while the app was closed), bulk
// actions, bad input, and permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { addContact, addCustomer, countRows, errorOf, expectFieldIssue, makeWorld, syncVersion, type World, freezeClock } from './reminders.fixtures'

const SH = { timeZone: 'Asia/Shanghai' }

describeEachDb('reminders', (dialect) => {
  let t: TestApp
  let w: World
  let custA1: string
  let custB: string
  let contactB: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-01-30T02:00:00Z') // Fri 30 Jan, 10:00 in Shanghai
    w = await makeWorld(t)
    custA1 = await addCustomer(t, { name: '广州甲一科技有限公司', ownerId: w.mgrA1.userId })
    custB = await addCustomer(t, { name: '上海乙商贸有限公司', ownerId: w.mgrB.userId })
    contactB = await addContact(t, custB, '王总')
  })
  afterAll(async () => t?.close())

  describe('create and validation', () => {
    it('creates a reminder linked to an own customer, stored in UTC with its wall-clock zone', async () => {
      const r = await t.call(w.mgrA1.key, 'reminders', 'create', {
        title: '给客户回电', dueAt: '2026-01-30T15:00:00+08:00', customerId: custA1, notifyAheadMinutes: 15, ...SH,
      })
      expect(r).toMatchObject({
        title: '给客户回电', dueAt: '2026-01-30T07:00:00.000Z', fireAt: '2026-01-30T06:45:00.000Z', effectiveAt: '2026-01-30T07:00:00.000Z',
        customerId: custA1, customerName: '广州甲一科技有限公司', ownerId: w.mgrA1.userId, source: 'manual', repeat: 'none', timeZone: 'Asia/Shanghai',
        overdue: false, doneAt: null,
      })
    })

    it('bad input is a clear field error and writes nothing', async () => {
      const before = await countRows(t, 'reminders')
      const v = await syncVersion(t)
      const ok = { title: 'x', dueAt: '2026-02-01T09:00:00+08:00' }
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, dueAt: '2026-02-01 09:00' }), 'dueAt')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, dueAt: '明天' }), 'dueAt')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, repeat: 'every_n_days', repeatInterval: 0 }), 'repeatInterval')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, repeat: 'every_n_days' }), 'repeatInterval')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, timeZone: 'Asia/Peking' }), 'timeZone')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, notifyAheadMinutes: -5 }), 'notifyAheadMinutes')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, title: '' }), 'title')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, customerId: '00000000-0000-4000-8000-000000000000' }), 'customerId', 'not_found')
      // another rep's customer or contact is "not found" for a 客户经理
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, customerId: custB }), 'customerId', 'not_found')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, contactId: contactB }), 'contactId', 'not_found')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, customerId: custA1, contactId: contactB }), 'contactId', 'not_of_customer')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'create', { ...ok, ownerId: w.mgrA2.userId }), 'ownerId', 'out_of_scope')
      const r = (await t.call(w.mgrA1.key, 'reminders', 'list', {})).items[0]
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'update', { id: r.id, version: await versionOf(t, 'reminders', r.id), fields: { repeat: 'every_n_days', repeatInterval: null } }), 'repeatInterval', 'required')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'snooze', { id: r.id, version: await versionOf(t, 'reminders', r.id), preset: 'until' }), 'until')
      expectFieldIssue(await t.raw(w.mgrA1.key, 'reminders', 'snooze', { id: r.id, version: await versionOf(t, 'reminders', r.id), preset: 'until', until: '2026-01-01T00:00:00Z' }), 'until', 'in_past')
      expect(await countRows(t, 'reminders')).toBe(before)
      expect(await syncVersion(t)).toBe(v)
    })

    it('a contact link fills in its customer; a supervisor may remind a team member', async () => {
      const r = await t.call(w.mgrB.key, 'reminders', 'create', { title: '王总生日礼物', dueAt: '2026-02-03T10:00:00+08:00', contactId: contactB })
      expect(r).toMatchObject({ customerId: custB, contactId: contactB, contactName: '王总' })
      const s = await t.call(w.supA.key, 'reminders', 'create', { title: '周报', dueAt: '2026-02-02T18:00:00+08:00', ownerId: w.mgrA2.userId })
      expect(s.ownerId).toBe(w.mgrA2.userId)
      expectFieldIssue(await t.raw(w.supA.key, 'reminders', 'create', { title: 'x', dueAt: '2026-02-02T18:00:00+08:00', ownerId: w.mgrB.userId }), 'ownerId', 'out_of_team')
    })
  })

  describe('the centre and due notifications as the clock moves', () => {
    let tomorrow: string
    beforeAll(async () => {
      tomorrow = (await t.call(w.mgrA1.key, 'reminders', 'create', { title: '明天上午拜访', dueAt: '2026-01-31T09:30:00+08:00', customerId: custA1 })).id
    })

    it('lists today / upcoming / overdue / done in the caller\'s zone with counts and the badge', async () => {
      const c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect(c.today.map((r) => r.title)).toEqual(['给客户回电'])
      expect(c.upcoming.map((r) => r.title)).toEqual(['明天上午拜访'])
      expect(c.overdue).toEqual([])
      expect(c.counts).toEqual({ overdue: 0, today: 1, upcoming: 1, done: 0 })
      expect(c.badge).toBe(1)
      expect(c.todayStart).toBe('2026-01-29T16:00:00.000Z')
      expect(c.todayEnd).toBe('2026-01-30T16:00:00.000Z')
      expect(c.upcomingEnd).toBe('2026-02-06T16:00:00.000Z') // seven Shanghai days after today
      expect(c.teamOverdue).toBeNull() // a 客户经理 has no team view
      // in New York it is still 29 January (21:00): both are upcoming there
      const ny = await t.call(w.mgrA1.key, 'reminders', 'centre', { timeZone: 'America/New_York' })
      expect(ny.counts).toMatchObject({ today: 0, upcoming: 2 })
      expect((await t.call(w.mgrA1.key, 'reminders', 'badge', SH)).badge).toBe(1)
    })

    it('due() fires each occurrence once, honouring notify-ahead', async () => {
      expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([])
      t.clock.setNow(new Date('2026-01-30T06:46:00Z')) // 14:46, inside the 15 minutes ahead of 15:00
      const first = (await t.call(w.mgrA1.key, 'reminders', 'due', {})).items
      expect(first.map((r) => r.title)).toEqual(['给客户回电'])
      expect(first[0].notifiedAt).toBe('2026-01-30T06:46:00.000Z')
      expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([])
      // other users' reminders are never delivered to this caller
      t.clock.setNow(new Date('2026-02-05T00:00:00Z'))
      expect(((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).map((r) => r.title)).toEqual(['明天上午拜访']) // fell due while "closed"
      expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([])
      expect(((await t.call(w.mgrB.key, 'reminders', 'due', {})).items).map((r) => r.title)).toEqual(['王总生日礼物'])
      expect((await t.call(w.mgrB.key, 'reminders', 'due', {})).items).toEqual([])
      t.clock.setNow(new Date('2026-01-30T23:00:00Z')) // back to Sat 31 Jan, 07:00 in Shanghai
    })

    it('moving the clock moves reminders from upcoming to today to overdue', async () => {
      let c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect(c.overdue.map((r) => r.title)).toEqual(['给客户回电'])
      expect(c.today.map((r) => r.title)).toEqual(['明天上午拜访'])
      expect(c.badge).toBe(2)
      t.clock.setNow(new Date('2026-01-31T02:00:00Z')) // 10:00
      c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect(c.overdue.map((r) => [r.title, r.overdue])).toEqual([['给客户回电', true], ['明天上午拜访', true]])
      expect(c.counts).toMatchObject({ overdue: 2, today: 0 })
    })

    it('snooze moves the reminder and lets it fire again; tomorrow means 09:00 tomorrow on the caller\'s clock', async () => {
      const s = await t.call(w.mgrA1.key, 'reminders', 'snooze', { id: tomorrow, version: await versionOf(t, 'reminders', tomorrow), preset: '1h' })
      expect(s).toMatchObject({ snoozedUntil: '2026-01-31T03:00:00.000Z', effectiveAt: '2026-01-31T03:00:00.000Z', fireAt: '2026-01-31T03:00:00.000Z', notifiedAt: null, overdue: false })
      let c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect(c.today.map((r) => r.title)).toEqual(['明天上午拜访'])
      t.clock.setNow(new Date('2026-01-31T03:00:00Z'))
      expect(((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).map((r) => r.id)).toEqual([tomorrow])
      expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([])
      t.clock.setNow(new Date('2026-01-31T15:55:00Z')) // 23:55 in Shanghai
      const tm = await t.call(w.mgrA1.key, 'reminders', 'snooze', { id: tomorrow, version: await versionOf(t, 'reminders', tomorrow), preset: 'tomorrow', ...SH })
      expect(tm.snoozedUntil).toBe('2026-02-01T01:00:00.000Z') // 1 Feb 09:00 +08:00
      const ten = await t.call(w.mgrA1.key, 'reminders', 'snooze', { id: tomorrow, version: await versionOf(t, 'reminders', tomorrow), preset: '10m' })
      expect(ten.snoozedUntil).toBe('2026-01-31T16:05:00.000Z') // 00:05 the next day
      c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect(c.upcoming.map((r) => r.id)).toContain(tomorrow) // after midnight: tomorrow's list
    })

    it('done moves it to the done list; reopen brings it back; remove hides it', async () => {
      const d = await t.call(w.mgrA1.key, 'reminders', 'done', { id: tomorrow, version: await versionOf(t, 'reminders', tomorrow) })
      expect(d.next).toBeNull()
      expect(d.reminder.doneAt).toBe(t.clock.now().toISOString())
      let c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect(c.done.map((r) => r.id)).toEqual([tomorrow])
      expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([]) // done: never fires …
      const at = t.clock.now()
      t.clock.setNow(new Date('2026-01-31T16:10:00Z')) // … not even past its snooze time (16:05)
      expect(((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).map((x) => x.id)).not.toContain(tomorrow)
      t.clock.setNow(at)
      const r = await t.call(w.mgrA1.key, 'reminders', 'reopen', { id: tomorrow, version: await versionOf(t, 'reminders', tomorrow) })
      expect(r.doneAt).toBeNull()
      c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect([...c.overdue, ...c.today, ...c.upcoming].map((x) => x.id)).toContain(tomorrow)
      expect(c.done.map((x) => x.id)).not.toContain(tomorrow)
      await t.call(w.mgrA1.key, 'reminders', 'remove', { id: tomorrow })
      c = await t.call(w.mgrA1.key, 'reminders', 'centre', SH)
      expect([...c.overdue, ...c.today, ...c.upcoming, ...c.done].map((x) => x.id)).not.toContain(tomorrow)
      expect((await t.app.db.knex('reminders').where({ id: tomorrow }).first()).deleted_at).not.toBeNull()
    })
  })

  describe('recurrence', () => {
    it('monthly on the 31st: done makes the next occurrence on the last day of February, then 31 March', async () => {
      t.clock.setNow(new Date('2026-01-31T02:00:00Z'))
      const r = await t.call(w.mgrA1.key, 'reminders', 'create', {
        title: '月末对账', dueAt: '2026-01-31T09:00:00+08:00', repeat: 'monthly', notifyAheadMinutes: 60, ...SH,
      })
      expect(r).toMatchObject({ repeat: 'monthly', repeatInterval: 1, seriesId: r.id })
      const d1 = await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: await versionOf(t, 'reminders', r.id) })
      expect(d1.next).toMatchObject({ dueAt: '2026-02-28T01:00:00.000Z', fireAt: '2026-02-28T00:00:00.000Z', repeat: 'monthly', seriesId: r.id, title: '月末对账', doneAt: null })
      // done twice is harmless: no second next occurrence
      await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: await versionOf(t, 'reminders', r.id) })
      expect(Number((await t.app.db.knex('reminders').where({ series_id: r.id }).whereNull('deleted_at').count({ n: '*' }).first())!.n)).toBe(2)
      t.clock.setNow(new Date('2026-02-28T05:00:00Z'))
      const d2 = await t.call(w.mgrA1.key, 'reminders', 'done', { id: d1.next!.id, version: await versionOf(t, 'reminders', d1.next!.id) })
      expect(d2.next!.dueAt).toBe('2026-03-31T01:00:00.000Z')
      // reopening the February one withdraws the March one; doing it again brings the same one back
      await t.call(w.mgrA1.key, 'reminders', 'reopen', { id: d1.next!.id, version: await versionOf(t, 'reminders', d1.next!.id) })
      expect((await t.app.db.knex('reminders').where({ id: d2.next!.id }).first()).deleted_at).not.toBeNull()
      const again = await t.call(w.mgrA1.key, 'reminders', 'done', { id: d1.next!.id, version: await versionOf(t, 'reminders', d1.next!.id) })
      expect(again.next!.id).toBe(d2.next!.id)
      expect(again.next!.doneAt).toBeNull()
    })

    it('yearly on 29 February and every N days via update', async () => {
      t.clock.setNow(new Date('2028-02-29T00:00:00Z'))
      const y = await t.call(w.mgrA1.key, 'reminders', 'create', { title: '闰日纪念', dueAt: '2028-02-29T10:00:00+08:00', repeat: 'yearly', ...SH })
      expect((await t.call(w.mgrA1.key, 'reminders', 'done', { id: y.id, version: await versionOf(t, 'reminders', y.id) })).next!.dueAt).toBe('2029-02-28T02:00:00.000Z')
      const n = await t.call(w.mgrA1.key, 'reminders', 'create', { title: '巡检', dueAt: '2028-03-01T08:00:00+08:00', ...SH })
      const u = await t.call(w.mgrA1.key, 'reminders', 'update', { id: n.id, version: await versionOf(t, 'reminders', n.id), fields: { repeat: 'every_n_days', repeatInterval: 10 } })
      expect(u).toMatchObject({ repeat: 'every_n_days', repeatInterval: 10, seriesId: n.id })
      expect((await t.call(w.mgrA1.key, 'reminders', 'done', { id: n.id, version: await versionOf(t, 'reminders', n.id) })).next!.dueAt).toBe('2028-03-11T00:00:00.000Z')
    })

    it('a weekly reminder in New York keeps its wall-clock time across DST', async () => {
      t.clock.setNow(new Date('2026-03-02T12:00:00Z'))
      const r = await t.call(w.mgrA1.key, 'reminders', 'create', { title: '周会', dueAt: '2026-03-02T09:00:00-05:00', repeat: 'weekly', timeZone: 'America/New_York' })
      expect(r.dueAt).toBe('2026-03-02T14:00:00.000Z')
      const d = await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: await versionOf(t, 'reminders', r.id) })
      expect(d.next!.dueAt).toBe('2026-03-09T13:00:00.000Z') // 09:00 EDT
    })
  })

  describe('bulk actions and permissions', () => {
    it('bulk done and snooze act only on the caller\'s reminders', async () => {
      t.clock.setNow(new Date('2026-04-01T02:00:00Z'))
      const mk = (key: string, title: string) => t.call(key, 'reminders', 'create', { title, dueAt: '2026-04-01T09:00:00+08:00' })
      const a = await mk(w.mgrA1.key, '批量一')
      const b = await mk(w.mgrA1.key, '批量二')
      const other = await mk(w.mgrB.key, '别人的')
      expect(await t.call(w.mgrA1.key, 'reminders', 'bulkSnooze', { ids: [a.id, b.id, other.id], preset: '10m' })).toEqual({ snoozed: 2 })
      expect((await t.call(w.mgrB.key, 'reminders', 'get', { id: other.id })).snoozedUntil).toBeNull()
      expect(await t.call(w.mgrA1.key, 'reminders', 'bulkDone', { ids: [a.id, b.id, other.id] })).toEqual({ done: 2, created: 0 })
      expect((await t.call(w.mgrB.key, 'reminders', 'get', { id: other.id })).doneAt).toBeNull()
    })

    it('a 客户经理 sees and changes only own reminders; a supervisor the team\'s', async () => {
      const other = (await t.call(w.mgrB.key, 'reminders', 'list', {})).items[0]
      for (const call of ['get', 'snooze', 'done', 'reopen', 'remove'] as const) {
        const input = call === 'snooze' ? { id: other.id, version: other.version, preset: '10m' } : call === 'get' || call === 'remove' ? { id: other.id } : { id: other.id, version: other.version }
        expect(errorOf(await t.raw(w.mgrA1.key, 'reminders', call, input)).code).toBe('not_found')
      }
      expect(errorOf(await t.raw(w.mgrA1.key, 'reminders', 'update', { id: other.id, version: await versionOf(t, 'reminders', other.id), fields: { title: 'x' } })).code).toBe('not_found')
      const mine = await t.call(w.mgrA1.key, 'reminders', 'list', { status: 'all', pageSize: 100 })
      expect(mine.items.every((r) => r.ownerId === w.mgrA1.userId)).toBe(true)
      const team = await t.call(w.supA.key, 'reminders', 'list', { status: 'all', pageSize: 100 })
      const owners = new Set(team.items.map((r) => r.ownerId))
      expect(owners.has(w.mgrA1.userId)).toBe(true)
      expect(owners.has(w.mgrB.userId)).toBe(false)
      const a1 = mine.items.find((r) => !r.doneAt)!
      expect((await t.call(w.supA.key, 'reminders', 'snooze', { id: a1.id, version: await versionOf(t, 'reminders', a1.id), preset: '1h' })).snoozedUntil).not.toBeNull()
      // an executive may look but not change
      const exec = await t.userSession('exec1', 'executive')
      expect((await t.call(exec.key, 'reminders', 'list', { status: 'all' })).total).toBeGreaterThan(0)
      expect(errorOf(await t.raw(exec.key, 'reminders', 'create', { title: 'x', dueAt: '2026-04-01T09:00:00+08:00' })).code).toBe('forbidden')
    })
  })
})
