// Issue 7, item 4, on SQLite and PostgreSQL: each user's working hour and time zone (个人设置)
// decide when reminders that carry only a date fall due, and moving them moves the open ones;
// 日程 (the calendar call) answers a date range by day, capped per day with a count of the rest,
// within the caller's scope.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { addContact, addCustomer, dictId, expectFieldIssue, freezeClock, iso, makeWorld, type World } from './reminders.fixtures'

const SH = { timeZone: 'Asia/Shanghai' }

describeEachDb('follow-up desk: working hours and the calendar', (dialect) => {
  let t: TestApp
  let w: World
  let cust: string
  let other: string

  const dueOf = async (source: string, ownerId: string) =>
    (await t.app.db.knex('reminders').where({ source, owner_id: ownerId }).whereNull('deleted_at').whereNull('done_at').orderBy('due_at').select('due_at', 'time_zone')).map(
      (r: Record<string, unknown>) => [iso(r.due_at), r.time_zone],
    )

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-06-15T00:30:00Z') // Mon 15 June 2026, 08:30 in Shanghai
    w = await makeWorld(t)
    const weekly = await dictId(t, 'contact_policy', '每周联系')
    cust = await addCustomer(t, { name: '深圳时钟电子有限公司', ownerId: w.mgrA1.userId, contactPolicyId: weekly, lastContactAt: '2026-06-08T06:17:42.000Z' })
    await addContact(t, cust, '刘工', '1985-06-20') // birthday in 5 days: the 7-day reminder, late
    other = await addCustomer(t, { name: '东莞无策略五金有限公司', ownerId: w.mgrA1.userId })
    await evaluateReminders(t.app)
  })
  afterAll(async () => t?.close())

  it('a reminder with a date only falls due at 09:00 by default, never at the time of the last contact', async () => {
    expect(await dueOf('contact_policy', w.mgrA1.userId)).toEqual([['2026-06-15T01:00:00.000Z', 'Asia/Shanghai']])
    expect(await dueOf('birthday', w.mgrA1.userId)).toEqual([['2026-06-13T01:00:00.000Z', 'Asia/Shanghai']])
    const me = await t.call(w.mgrA1.key, 'auth', 'me', {})
    expect(me).toMatchObject({ workHour: null, timeZone: null })
  })

  it('个人设置: a new working hour and zone move the open date-only reminders to that hour on the same date; an explicit time stays', async () => {
    const phone = await dictId(t, 'interaction_channel', '电话')
    await t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: other, channelId: phone, occurredAt: '2026-06-14T10:00:00+08:00', subject: '电话沟通', nextFollowUpAt: '2026-06-16T14:30:00+08:00',
    })
    const followUpBefore = await dueOf('follow_up', w.mgrA1.userId)
    const me = await t.call(w.mgrA1.key, 'auth', 'savePreferences', { workHour: 8, timeZone: 'Asia/Urumqi' })
    expect(me).toMatchObject({ workHour: 8, timeZone: 'Asia/Urumqi' })
    // 13 June in Shanghai is 13 June in Urumqi (UTC+6): 08:00 there
    expect(await dueOf('birthday', w.mgrA1.userId)).toEqual([['2026-06-13T02:00:00.000Z', 'Asia/Urumqi']])
    expect(await dueOf('contact_policy', w.mgrA1.userId)).toEqual([['2026-06-15T02:00:00.000Z', 'Asia/Urumqi']])
    expect(await dueOf('follow_up', w.mgrA1.userId)).toEqual(followUpBefore)
    // the evaluation agrees (nothing to move back), also in full
    expect(await evaluateReminders(t.app, { full: true })).toMatchObject({ created: 0, updated: 0, retracted: 0 })
    // snooze "tomorrow" is at the working hour too, on the user's clock
    const [birthday] = (await t.call(w.mgrA1.key, 'reminders', 'list', { sources: ['birthday'] })).items
    const s = await t.call(w.mgrA1.key, 'reminders', 'snooze', { id: birthday.id, version: birthday.version, preset: 'tomorrow' })
    expect(s.snoozedUntil).toBe('2026-06-16T02:00:00.000Z')
    // the change is in the user's history
    const log = await t.call(w.admin.key, 'audit', 'list', { entity: 'user', entityId: w.mgrA1.userId })
    expect(log.items[0]!.changes).toEqual({ workHour: [null, 8], timeZone: [null, 'Asia/Urumqi'] })
    // back to the defaults
    expect(await t.call(w.mgrA1.key, 'auth', 'savePreferences', { workHour: null, timeZone: null })).toMatchObject({ workHour: null, timeZone: null })
    expect(await dueOf('contact_policy', w.mgrA1.userId)).toEqual([['2026-06-15T01:00:00.000Z', 'Asia/Shanghai']])
  })

  it('bad preferences are field errors', async () => {
    expectFieldIssue(await t.raw(w.mgrA1.key, 'auth', 'savePreferences', { workHour: 24, timeZone: null }), 'workHour')
    expectFieldIssue(await t.raw(w.mgrA1.key, 'auth', 'savePreferences', { workHour: 9, timeZone: 'Asia/Peking' }), 'timeZone')
  })

  it('日程: a range by day on the caller\'s calendar, the first few per day and the rest counted', async () => {
    const mk = (title: string, dueAt: string) => t.call(w.mgrA2.key, 'reminders', 'create', { title, dueAt, ...SH })
    for (let i = 0; i < 6; i++) await mk(`周三事项${i + 1}`, `2026-06-17T${String(9 + i).padStart(2, '0')}:00:00+08:00`)
    await mk('凌晨事项', '2026-06-18T01:30:00+08:00') // 18 June in Shanghai, 17 June in UTC
    await mk('下周事项', '2026-06-23T09:00:00+08:00')
    const done = await mk('已办事项', '2026-06-18T09:00:00+08:00')
    await t.call(w.mgrA2.key, 'reminders', 'done', { id: done.id, version: done.version })
    const cal = await t.call(w.mgrA2.key, 'reminders', 'calendar', { from: '2026-06-15', to: '2026-06-21', perDay: 3, ...SH })
    expect(cal.days.map((d) => d.date)).toEqual(['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18', '2026-06-19', '2026-06-20', '2026-06-21'])
    const wed = cal.days[2]!
    expect([wed.total, wed.open, wed.items.map((r) => r.title)]).toEqual([6, 6, ['周三事项1', '周三事项2', '周三事项3']])
    expect(cal.days[3]).toMatchObject({ total: 2, open: 1 })
    expect(cal.days[3]!.items.map((r) => [r.title, !!r.doneAt])).toEqual([['凌晨事项', false], ['已办事项', true]])
    expect(cal.total).toBe(8)
    const openOnly = await t.call(w.mgrA2.key, 'reminders', 'calendar', { from: '2026-06-15', to: '2026-06-21', includeDone: false, ...SH })
    expect(openOnly.days[3]!.total).toBe(1)
    // on a UTC calendar the early one is the day before
    const utc = await t.call(w.mgrA2.key, 'reminders', 'calendar', { from: '2026-06-17', to: '2026-06-17', timeZone: 'UTC', perDay: 10 })
    expect(utc.days[0]!.items.map((r) => r.title)).toContain('凌晨事项')
  })

  it('日程 of another user: the supervisor sees the team member\'s; a rep sees nobody else\'s', async () => {
    const q = { from: '2026-06-15', to: '2026-06-21', ...SH }
    expect((await t.call(w.supA.key, 'reminders', 'calendar', { ...q, ownerId: w.mgrA2.userId })).total).toBe(8)
    expect((await t.call(w.mgrA1.key, 'reminders', 'calendar', { ...q, ownerId: w.mgrA2.userId })).total).toBe(0)
    expect((await t.call(w.supA.key, 'reminders', 'calendar', { ...q, ownerId: w.mgrB.userId })).total).toBe(0)
    expectFieldIssue(await t.raw(w.mgrA2.key, 'reminders', 'calendar', { from: '2026-06-01', to: '2026-08-01' }), 'to', 'range_days')
  })
})
