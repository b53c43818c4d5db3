// System reminders on SQLite and PostgreSQL: a prepared data set produces exactly the expected
// reminders (联系策略, 购买策略 with the supervisor escalation, birthdays incl. 农历 and 29 Feb,
// promises), repeated evaluation adds nothing, facts changing close / retract / revive them,
// a policy cycle change re-schedules them, due() fires each once, 今日需联系客户, and the
// supervisor's view of the team's overdue follow-ups. Reminders that carry only a date fall due at
// their owner's working hour (09:00 by default; 经理乙 works from 18:00, in Shanghai).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { keyId } from '../../src-main/modules/reminders/reminders.model'
import { evaluateReminders, reschedulePolicies } from '../../src-main/modules/reminders/system-reminders.service'
import { addContact, addCustomer, dictId, freezeClock, iso, makeWorld, syncVersion, touch, type CustomerSeed, type World } from './reminders.fixtures'

describeEachDb('system reminders', (dialect) => {
  let t: TestApp
  let w: World
  const c: Record<string, string> = {}
  const k: Record<string, string> = {}
  let weekly: string
  let names: Map<string, string>

  const nameOf = (id: unknown) => names.get(String(id)) ?? String(id)

  /** Live reminders of a source as [customer or contact, owner login, due (UTC), done?]. */
  async function snapshot(source: string) {
    const rows = await t.app.db.knex('reminders').where({ source }).whereNull('deleted_at')
    return rows
      .map((r: Record<string, unknown>) => [nameOf(source === 'birthday' ? r.contact_id : r.customer_id), nameOf(r.owner_id), iso(r.due_at), r.done_at ? 'done' : 'open'])
      .sort((a: unknown[], b: unknown[]) => String(a).localeCompare(String(b)))
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-06-15T02:00:00Z') // Mon 15 June 2026, 10:00 in Shanghai
    w = await makeWorld(t)
    await t.app.db.knex('users').where({ id: w.mgrB.userId }).update({ work_hour: 18, time_zone: 'Asia/Shanghai' })
    await t.app.db.knex('teams').where({ id: w.teamA }).update({ leader_id: w.supA.userId })
    weekly = await dictId(t, 'contact_policy', '每周联系')
    const monthly = await dictId(t, 'contact_policy', '每月联系')
    const buyMonthly = await dictId(t, 'purchase_policy', '每月采购')
    const buyQuarterly = await dictId(t, 'purchase_policy', '每季度采购')
    const A1 = w.mgrA1.userId
    const add = async (key: string, seed: Omit<CustomerSeed, 'name'>) => (c[key] = await addCustomer(t, { createdAt: '2026-01-01T00:00:00.000Z', ...seed, name: key }))
    await add('C1', { ownerId: A1, contactPolicyId: weekly, lastContactAt: '2026-06-01T02:00:00.000Z' }) // due 8 June 09:00: overdue
    await add('C2', { ownerId: A1, contactPolicyId: weekly, lastContactAt: '2026-06-10T02:00:00.000Z' }) // due 17 June
    await add('C3', { ownerId: A1, contactPolicyId: weekly, lastContactAt: '2026-06-08T10:00:00.000Z' }) // (18:00) due today, 09:00
    await add('C4', { ownerId: A1, contactPolicyId: monthly, createdAt: '2026-05-02T00:00:00.000Z' }) // never contacted: due 1 June 09:00
    await add('C5', { ownerId: A1, lastContactAt: '2025-01-01T00:00:00.000Z' }) // no policy
    await add('C6', { ownerId: null, contactPolicyId: weekly, lastContactAt: '2026-01-01T00:00:00.000Z' }) // nobody to remind
    await add('C7', { ownerId: A1, contactPolicyId: weekly, lastContactAt: '2026-01-01T00:00:00.000Z' })
    await t.app.db.knex('customers').where({ id: c.C7 }).update({ deleted_at: '2026-06-01T00:00:00.000Z' })
    await add('C8', { ownerId: w.mgrB.userId, contactPolicyId: weekly, lastContactAt: '2026-05-01T00:00:00.000Z' }) // due 8 May, 18:00 (mgrB)
    await add('C9', { ownerId: w.mgrB.userId, contactPolicyId: weekly, lastContactAt: '2026-06-08T03:00:00.000Z' }) // due today, 18:00 (mgrB)
    await add('P1', { ownerId: A1, purchasePolicyId: buyMonthly, lastOrderDate: '2026-05-01' }) // due 31 May
    await add('P2', { ownerId: A1, purchasePolicyId: buyMonthly, lastOrderDate: '2026-04-01' }) // due 1 May, twice: 31 May
    await add('P3', { ownerId: A1, purchasePolicyId: buyQuarterly, lastOrderDate: '2026-04-01' }) // due 30 June
    await add('P4', { ownerId: A1, purchasePolicyId: buyMonthly }) // never ordered
    k.K1 = await addContact(t, c.C5, 'K1', '1980-06-22') // in 7 days
    k.K2 = await addContact(t, c.C5, 'K2', '1980-06-16') // tomorrow
    k.K3 = await addContact(t, c.C5, 'K3', '1980-06-20') // in 5 days: the 7-day reminder (late)
    k.K4 = await addContact(t, c.C5, 'K4', '1980-06-30') // too far
    k.K5 = await addContact(t, c.C5, 'K5', '1975-05-05', 'lunar') // 端午 = 19 June 2026
    k.K6 = await addContact(t, c.C5, 'K6', '1992-02-29') // for next February
    names = new Map([
      ...Object.entries(c).map(([n, id]) => [id, n] as [string, string]),
      ...Object.entries(k).map(([n, id]) => [id, n] as [string, string]),
      ...Object.entries(w).filter(([, v]) => typeof v === 'object').map(([n, v]) => [(v as { userId: string }).userId, n] as [string, string]),
    ])
    // promises on C5: one overdue, one later, one kept
    const phone = await dictId(t, 'interaction_channel', '电话')
    const rec = await t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: c.C5, channelId: phone, occurredAt: '2026-06-01T10:00:00+08:00', subject: '电话回访',
      promises: [{ content: '寄送合同', dueDate: '2026-06-10' }, { content: '安排培训', dueDate: '2026-06-20' }, { content: '已完成的', dueDate: '2026-06-01' }],
    })
    const kept = rec.promises.find((p) => p.content === '已完成的')!
    await t.call(w.mgrA1.key, 'interactions', 'keepPromise', { id: kept.id, version: kept.version })
    names.set(c.C5, 'C5')
  })
  afterAll(async () => t?.close())

  it('the prepared data set gives exactly the expected reminders', async () => {
    const r = await evaluateReminders(t.app)
    // the promise reminders were made when C5's interaction was written; an interaction write
    // settles only the kinds it can move (follow-ups, contact cycle, promises), so the birthdays of
    // C5's contacts (added before it) are this run's: 5 contact cycles, 2 purchase cycles, 1 escalation, 4 birthdays
    expect(r.created).toBe(5 + 2 + 1 + 4)
    // at the owner's working hour of the date the cycle ends, never at the odd time of the last contact
    expect(await snapshot('contact_policy')).toEqual([
      ['C1', 'mgrA1', '2026-06-08T01:00:00.000Z', 'open'],
      ['C3', 'mgrA1', '2026-06-15T01:00:00.000Z', 'open'],
      ['C4', 'mgrA1', '2026-06-01T01:00:00.000Z', 'open'],
      ['C8', 'mgrB', '2026-05-08T10:00:00.000Z', 'open'],
      ['C9', 'mgrB', '2026-06-15T10:00:00.000Z', 'open'],
    ])
    expect(await snapshot('purchase_policy')).toEqual([
      ['P1', 'mgrA1', '2026-05-31T01:00:00.000Z', 'open'], // 09:00 in Shanghai
      ['P2', 'mgrA1', '2026-05-01T01:00:00.000Z', 'open'],
    ])
    expect(await snapshot('purchase_escalation')).toEqual([['P2', 'supA', '2026-05-31T01:00:00.000Z', 'open']])
    expect(await snapshot('birthday')).toEqual([
      ['K1', 'mgrA1', '2026-06-15T01:00:00.000Z', 'open'], // 7 days ahead
      ['K2', 'mgrA1', '2026-06-15T01:00:00.000Z', 'open'], // 1 day ahead
      ['K3', 'mgrA1', '2026-06-13T01:00:00.000Z', 'open'], // 7 days ahead, found late
      ['K5', 'mgrA1', '2026-06-12T01:00:00.000Z', 'open'], // 农历五月初五 → 19 June, 7 days ahead
    ])
    expect(await snapshot('promise')).toEqual([
      ['C5', 'mgrA1', '2026-06-01T01:00:00.000Z', 'done'], // kept
      ['C5', 'mgrA1', '2026-06-10T01:00:00.000Z', 'open'],
    ])
    const c1 = await t.app.db.knex('reminders').where({ source: 'contact_policy', customer_id: c.C1 }).first()
    expect(c1).toMatchObject({ id: keyId(`contact_policy:${c.C1}:${w.mgrA1.userId}:2026-06-01T02:00:00.000Z`), title: '', title_key: 'contact_policy', title_params: JSON.stringify({ customer: 'C1' }), cycle_days: 7 })
  })

  it('evaluating again changes nothing and takes no sync version', async () => {
    const v = await syncVersion(t)
    for (let i = 0; i < 3; i++) expect(await evaluateReminders(t.app)).toMatchObject({ created: 0, updated: 0, closed: 0, retracted: 0, revived: 0 })
    expect(await syncVersion(t)).toBe(v)
    expect((await t.call(w.admin.key, 'reminders', 'evaluate', {})).created).toBe(0)
  })

  it('every system reminder carries a title key and its values, and no sentence in one language', async () => {
    const rows = await t.app.db.knex('reminders').whereNot('source', 'manual')
    expect(new Set(rows.map((r: Record<string, unknown>) => r.source))).toEqual(new Set(['contact_policy', 'purchase_policy', 'purchase_escalation', 'birthday', 'promise']))
    for (const r of rows) {
      expect(r.title, String(r.source)).toBe('')
      expect(r.title_key, String(r.source)).toBe(r.source)
      expect(JSON.parse(String(r.title_params)), String(r.source)).toEqual(expect.any(Object))
    }
    const params = async (where: Record<string, unknown>) => JSON.parse(String((await t.app.db.knex('reminders').where(where).first()).title_params))
    expect(await params({ source: 'contact_policy', customer_id: c.C1 })).toEqual({ customer: 'C1' })
    expect(await params({ source: 'purchase_escalation', customer_id: c.P2 })).toEqual({ customer: 'P2', owner: '经理甲一' })
    expect(await params({ source: 'birthday', contact_id: k.K5 })).toEqual({ contact: 'K5', customer: 'C5', month: 6, day: 19, lunar: true, lead: 7 })
    // the api answers the key and values for the UI to render in its language
    const centre = await t.call(w.mgrA1.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai', customerId: c.C1 })
    expect(centre.overdue.map((r) => [r.title, r.titleKey, r.titleParams])).toEqual([['', 'contact_policy', { customer: 'C1' }]])
  })

  it('今日需联系客户 lists the customers whose contact policy is due today or overdue, in scope, grouped by urgency', async () => {
    const mine = await t.call(w.mgrA1.key, 'reminders', 'customersToContact', { timeZone: 'Asia/Shanghai' })
    // most recently due first: today, then 1–7, 8–30, more than 30 days overdue
    expect(mine.items.map((x) => [x.name, x.overdueDays, x.urgency, x.dueAt])).toEqual([
      ['C3', 0, 'today', '2026-06-15T01:00:00.000Z'],
      ['C1', 7, 'week', '2026-06-08T01:00:00.000Z'],
      ['C4', 14, 'month', '2026-06-01T01:00:00.000Z'],
    ])
    expect(mine.groups).toEqual({ today: 1, week: 1, month: 1, older: 0 })
    expect(mine.items[2]).toMatchObject({ policyLabel: '每月联系', cycleDays: 30, lastContactAt: null, ownerName: '经理甲一' })
    const b = await t.call(w.mgrB.key, 'reminders', 'customersToContact', {})
    expect(b.items.map((x) => [x.name, x.urgency, x.dueAt])).toEqual([['C9', 'today', '2026-06-15T10:00:00.000Z'], ['C8', 'older', '2026-05-08T10:00:00.000Z']])
    expect((await t.call(w.supA.key, 'reminders', 'customersToContact', {})).total).toBe(3)
    // paged on the server in one order across policies and groups; C6 has no owner but still needs contact
    const page = async (n: number, urgency?: 'today' | 'week' | 'month' | 'older') =>
      t.call(w.admin.key, 'reminders', 'customersToContact', { pageSize: 2, page: n, urgency })
    const first = await page(1)
    expect(first.total).toBe(6)
    expect(first.groups).toEqual({ today: 2, week: 1, month: 1, older: 2 })
    expect(first.items.map((x) => x.name)).toEqual(['C3', 'C9'])
    expect((await page(2)).items.map((x) => x.name)).toEqual(['C1', 'C4'])
    expect((await page(3)).items.map((x) => x.name)).toEqual(['C8', 'C6'])
    expect((await page(4)).items).toEqual([])
    // one group: its own total, the other groups still counted
    const older = await page(1, 'older')
    expect([older.total, older.items.map((x) => x.name), older.groups.today]).toEqual([2, ['C8', 'C6'], 2])
    expect((await page(1, 'today')).items.map((x) => x.name)).toEqual(['C3', 'C9'])
    // an owner filter within the scope
    expect((await t.call(w.admin.key, 'reminders', 'customersToContact', { ownerId: w.mgrB.userId })).items.map((x) => x.name)).toEqual(['C9', 'C8'])
  })

  it('the supervisor sees the team\'s overdue follow-ups; the rep sees own in the centre', async () => {
    const sup = await t.call(w.supA.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })
    expect(sup.teamOverdue!.map((r) => [nameOf(r.customerId), r.source, r.ownerName])).toEqual([
      ['C4', 'contact_policy', '经理甲一'],
      ['C1', 'contact_policy', '经理甲一'],
      ['C3', 'contact_policy', '经理甲一'], // due 09:00 today, it is 10:00
    ])
    expect(sup.teamOverdueCount).toBe(3)
    // the escalation is the supervisor's own reminder
    expect(sup.overdue.map((r) => [r.source, nameOf(r.customerId)])).toEqual([['purchase_escalation', 'P2']])
    const rep = await t.call(w.mgrA1.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai', sources: ['contact_policy', 'purchase_policy'] })
    expect(rep.overdue.map((r) => nameOf(r.customerId))).toEqual(['P2', 'P1', 'C4', 'C1', 'C3'])
    expect(rep.today.map((r) => nameOf(r.customerId))).toEqual([])
    expect(rep.counts).toMatchObject({ overdue: 5, today: 0 })
    expect(rep.badge).toBe(10) // unfiltered: 5 + 4 birthdays + 1 promise overdue
    // 经理乙's C9 falls due at 18:00, his working hour: today, not overdue
    const b = await t.call(w.mgrB.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })
    expect([b.overdue.map((r) => nameOf(r.customerId)), b.today.map((r) => nameOf(r.customerId))]).toEqual([['C8'], ['C9']])
    const onlyC1 = await t.call(w.mgrA1.key, 'reminders', 'centre', { customerId: c.C1 })
    expect(onlyC1.overdue.map((r) => [r.titleKey, r.titleParams])).toEqual([['contact_policy', { customer: 'C1' }]])
  })

  it('due() delivers each system reminder once', async () => {
    const first = await t.call(w.mgrA1.key, 'reminders', 'due', { timeZone: 'Asia/Shanghai' })
    expect(first.items).toHaveLength(10) // all fell due at 09:00 or before
    expect(first.items.map((r) => r.source).sort()).toEqual([
      'birthday', 'birthday', 'birthday', 'birthday', 'contact_policy', 'contact_policy', 'contact_policy', 'promise', 'purchase_policy', 'purchase_policy',
    ])
    // the same call counts as the centre does (a summary never says another number)
    const centre = await t.call(w.mgrA1.key, 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })
    expect(first.counts).toEqual({ overdue: centre.counts.overdue, today: centre.counts.today, badge: centre.badge })
    expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([])
    await evaluateReminders(t.app)
    expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items).toEqual([])
    // 经理乙: C8 now; C9 at 18:00 Shanghai, his working hour
    expect((await t.call(w.mgrB.key, 'reminders', 'due', {})).items.map((r) => [r.titleKey, r.titleParams])).toEqual([['contact_policy', { customer: 'C8' }]])
    t.clock.setNow(new Date('2026-06-15T10:00:00Z'))
    expect((await t.call(w.mgrB.key, 'reminders', 'due', {})).items.map((r) => [r.titleKey, r.titleParams])).toEqual([['contact_policy', { customer: 'C9' }]])
    expect((await t.call(w.mgrB.key, 'reminders', 'due', {})).items).toEqual([])
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
  })

  it('facts met close the occasion; dismissed occasions are never made again', async () => {
    const phone = await dictId(t, 'interaction_channel', '电话')
    // C1 is contacted: its reminder is done, and no new one (next due 22 June)
    await t.call(w.mgrA1.key, 'interactions', 'create', { customerId: c.C1, channelId: phone, occurredAt: '2026-06-15T09:30:00+08:00', subject: '例行联系' })
    expect((await snapshot('contact_policy')).find((x) => x[0] === 'C1')).toEqual(['C1', 'mgrA1', '2026-06-08T01:00:00.000Z', 'done'])
    // C3 done by the user without contact, C4 deleted by the user: never again for this occasion
    const c3 = await t.app.db.knex('reminders').where({ source: 'contact_policy', customer_id: c.C3 }).first()
    const c4 = await t.app.db.knex('reminders').where({ source: 'contact_policy', customer_id: c.C4 }).first()
    await t.call(w.mgrA1.key, 'reminders', 'done', { id: c3.id, version: await versionOf(t, 'reminders', c3.id) })
    await t.call(w.mgrA1.key, 'reminders', 'remove', { id: c4.id })
    // P2 ordered again: its 业务下滑 reminders (owner and supervisor) are done
    await touch(t, 'customers', c.P2, { last_order_date: '2026-06-14' }) // an order (the orders service writes it)
    // the overdue promise is kept
    const [promise] = (await t.call(w.mgrA1.key, 'interactions', 'promises', { customerId: c.C5 })).items.filter((p) => p.dueDate === '2026-06-10')
    await t.call(w.mgrA1.key, 'interactions', 'keepPromise', { id: promise.id, version: await versionOf(t, 'interaction_promises', promise.id) })
    // K1's birthday was mistyped: corrected to July
    await touch(t, 'contacts', k.K1, { birthday: '1980-07-01' })
    const r = await evaluateReminders(t.app)
    expect(r).toMatchObject({ created: 0, closed: 2, retracted: 1 })
    expect(await snapshot('contact_policy')).toEqual([
      ['C1', 'mgrA1', '2026-06-08T01:00:00.000Z', 'done'],
      ['C3', 'mgrA1', '2026-06-15T01:00:00.000Z', 'done'],
      ['C8', 'mgrB', '2026-05-08T10:00:00.000Z', 'open'],
      ['C9', 'mgrB', '2026-06-15T10:00:00.000Z', 'open'],
    ])
    expect(await snapshot('purchase_policy')).toEqual([['P1', 'mgrA1', '2026-05-31T01:00:00.000Z', 'open'], ['P2', 'mgrA1', '2026-05-01T01:00:00.000Z', 'done']])
    expect(await snapshot('purchase_escalation')).toEqual([['P2', 'supA', '2026-05-31T01:00:00.000Z', 'done']])
    expect(await snapshot('promise')).toEqual([['C5', 'mgrA1', '2026-06-01T01:00:00.000Z', 'done'], ['C5', 'mgrA1', '2026-06-10T01:00:00.000Z', 'done']])
    expect((await snapshot('birthday')).map((x) => x[0])).toEqual(['K2', 'K3', 'K5'])
    expect(await evaluateReminders(t.app)).toMatchObject({ created: 0, updated: 0, closed: 0, retracted: 0, revived: 0 })
  })

  it('un-keeping the promise opens its reminder again', async () => {
    const [promise] = (await t.call(w.mgrA1.key, 'interactions', 'promises', { customerId: c.C5, status: 'kept' })).items.filter((p) => p.dueDate === '2026-06-10')
    await t.call(w.mgrA1.key, 'interactions', 'unkeepPromise', { id: promise.id, version: await versionOf(t, 'interaction_promises', promise.id) })
    expect(await snapshot('promise')).toEqual([['C5', 'mgrA1', '2026-06-01T01:00:00.000Z', 'done'], ['C5', 'mgrA1', '2026-06-10T01:00:00.000Z', 'open']])
  })

  it('changing a policy cycle in the dictionary re-schedules, retracts and revives its reminders', async () => {
    // dictionary.save calls reschedulePolicies() after its change; calling it again changes nothing
    const save = async (cycleDays: number) => {
      await t.call(w.admin.key, 'dictionary', 'save', { id: weekly, version: await versionOf(t, 'dict_items', weekly), typeCode: 'contact_policy', label: '每周联系', cycleDays })
      expect(await reschedulePolicies(t.app)).toMatchObject({ created: 0, updated: 0, closed: 0, retracted: 0, revived: 0 })
    }
    const c8 = keyId(`contact_policy:${c.C8}:${w.mgrB.userId}:2026-05-01T00:00:00.000Z`)
    await save(30)
    expect(await snapshot('contact_policy')).toContainEqual(['C8', 'mgrB', '2026-05-31T10:00:00.000Z', 'open'])
    await save(60) // C8 (last contact 1 May) and C9 (8 June) are no longer due
    expect((await snapshot('contact_policy')).map((x) => x[0])).toEqual(['C1', 'C3'])
    await save(3) // C8 due again: the same reminder comes back; C2 (last contact 10 June) is now due
    const snap = await snapshot('contact_policy')
    expect(snap).toContainEqual(['C8', 'mgrB', '2026-05-04T10:00:00.000Z', 'open'])
    expect(snap).toContainEqual(['C2', 'mgrA1', '2026-06-13T01:00:00.000Z', 'open'])
    expect(snap).toContainEqual(['C1', 'mgrA1', '2026-06-08T01:00:00.000Z', 'done'])
    expect(snap).toContainEqual(['C9', 'mgrB', '2026-06-11T10:00:00.000Z', 'open'])
    expect(snap).toHaveLength(5)
    const row = await t.app.db.knex('reminders').where({ id: c8 }).first()
    expect(row.deleted_at).toBeNull()
    expect(Number(row.cycle_days)).toBe(3)
    await save(7)
    expect(await snapshot('contact_policy')).toEqual([
      ['C1', 'mgrA1', '2026-06-08T01:00:00.000Z', 'done'],
      ['C3', 'mgrA1', '2026-06-15T01:00:00.000Z', 'done'],
      ['C8', 'mgrB', '2026-05-08T10:00:00.000Z', 'open'],
      ['C9', 'mgrB', '2026-06-15T10:00:00.000Z', 'open'],
    ])
  })

  it('reassigning a customer moves its policy reminder to the new owner', async () => {
    await touch(t, 'customers', c.C8, { owner_id: w.mgrA2.userId }) // customers.changeOwner
    const r = await evaluateReminders(t.app)
    expect(r).toMatchObject({ retracted: 1, created: 1 })
    expect((await snapshot('contact_policy')).filter((x) => x[0] === 'C8')).toEqual([['C8', 'mgrA2', '2026-05-08T01:00:00.000Z', 'open']]) // 经理甲二's hour (09:00)
  })

  it('birthdays: 29 February falls on 28 February in a common year; passed birthdays are withdrawn', async () => {
    t.clock.setNow(new Date('2027-02-25T02:00:00Z'))
    await evaluateReminders(t.app)
    const snap = await snapshot('birthday')
    expect(snap).toContainEqual(['K6', 'mgrA1', '2027-02-21T01:00:00.000Z', 'open']) // 28 Feb − 7 days, 09:00
    expect(snap.map((x) => x[0])).toEqual(['K6']) // last June's ones have passed
    t.clock.setNow(new Date('2027-02-27T02:00:00Z'))
    await evaluateReminders(t.app)
    expect(await snapshot('birthday')).toEqual([
      ['K6', 'mgrA1', '2027-02-21T01:00:00.000Z', 'open'],
      ['K6', 'mgrA1', '2027-02-27T01:00:00.000Z', 'open'],
    ])
  })
  it('an incremental run finds what fell due by the day moving on, without any write', async () => {
    // written long ago (an old sync version): only the crossed-threshold ranges can find them
    const weeklyId = weekly
    const buyMonthly = await dictId(t, 'purchase_policy', '每月采购')
    c.C10 = await addCustomer(t, { name: 'C10', ownerId: w.mgrA1.userId, contactPolicyId: weeklyId, lastContactAt: '2027-02-21T03:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z' })
    c.P5 = await addCustomer(t, { name: 'P5', ownerId: w.mgrA1.userId, purchasePolicyId: buyMonthly, lastOrderDate: '2027-01-29', createdAt: '2026-01-01T00:00:00.000Z' })
    await t.app.db.knex('customers').whereIn('id', [c.C10, c.P5]).update({ version: 1 })
    names.set(c.C10, 'C10')
    names.set(c.P5, 'P5')
    expect(await evaluateReminders(t.app)).toMatchObject({ created: 0 }) // 27 Feb: not due yet
    t.clock.setNow(new Date('2027-02-28T02:00:00Z'))
    const r = await evaluateReminders(t.app)
    expect((await snapshot('contact_policy')).filter((x) => x[0] === 'C10')).toEqual([['C10', 'mgrA1', '2027-02-28T01:00:00.000Z', 'open']])
    expect((await snapshot('purchase_policy')).filter((x) => x[0] === 'P5')).toEqual([['P5', 'mgrA1', '2027-02-28T01:00:00.000Z', 'open']])
    expect(r.created).toBe(2)
    // and the same run again finds nothing more
    expect(await evaluateReminders(t.app)).toMatchObject({ created: 0, updated: 0, closed: 0, retracted: 0, revived: 0 })
    // a full run agrees with the incremental ones
    expect(await evaluateReminders(t.app, { full: true })).toMatchObject({ created: 0, updated: 0, closed: 0, retracted: 0, revived: 0 })
  })
})
