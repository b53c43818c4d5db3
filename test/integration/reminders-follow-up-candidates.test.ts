// Follow-up dates written without a reminder (an import, a sync push, a restored file): the next
// evaluation gives each one its 跟进提醒 — to the customer's owner, or to the record's author for a
// 公海 customer — named after the customer; a deleted customer's records get none. The customers
// are read by key after the interactions (issue 8), so these are checked on a whole-database run
// (slices of the id space) and on an incremental one (the written interactions' ids).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { insertChunked } from '../../src-main/db/dialect'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { addCustomer, freezeClock, iso, makeWorld, remindersOf, touch, type World } from './reminders.fixtures'

describeEachDb('follow-up reminders for follow-up dates written without one', (dialect) => {
  let t: TestApp
  let w: World
  const due = '2026-06-20T02:00:00.000Z'

  /** An interaction with a next follow-up date, written straight into the table (no reminder). */
  async function record(customerId: string, subject: string, createdBy: string): Promise<string> {
    const id: string = randomUUID()
    const at = t.clock.now().toISOString()
    await t.app.db.knex('interactions').insert({
      id, created_at: at, updated_at: at, version: 1, customer_id: customerId, owner_id: createdBy, kind: 'record', occurred_at: at,
      subject, next_follow_up_at: due, created_by: createdBy,
    })
    await touch(t, 'interactions', id, {}) // the next sync version, as every writer gives it: an incremental run looks at it
    return id
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-06-15T02:00:00Z')
    w = await makeWorld(t)
    await evaluateReminders(t.app, { full: true }) // the first run: later runs are incremental
  })
  afterAll(async () => t?.close())

  for (const full of [true, false]) {
    it(`${full ? 'a whole-database run' : 'an incremental run'}: the owner's, the author's for a 公海 customer, none for a deleted customer`, async () => {
      const tag = full ? '全量' : '增量'
      const owned = await addCustomer(t, { name: `${tag}有主客户`, ownerId: w.mgrA1.userId })
      const pool = await addCustomer(t, { name: `${tag}公海客户`, ownerId: null })
      const gone = await addCustomer(t, { name: `${tag}已删客户`, ownerId: w.mgrA2.userId })
      const a = await record(owned, `${tag}回访报价`, w.mgrA2.userId)
      const b = await record(pool, `${tag}寄样品`, w.mgrB.userId)
      const c = await record(gone, `${tag}确认需求`, w.mgrA2.userId)
      await touch(t, 'customers', gone, { deleted_at: t.clock.now().toISOString() })

      await evaluateReminders(t.app, { full })

      const mine = (await remindersOf(t, 'follow_up', { open: true })).filter((r) => [a, b, c].includes(String(r.source_id).toLowerCase()))
      const bySource = new Map(mine.map((r) => [String(r.source_id).toLowerCase(), r]))
      expect(mine).toHaveLength(2)
      expect(String(bySource.get(a)?.owner_id).toLowerCase()).toBe(w.mgrA1.userId.toLowerCase())
      expect(bySource.get(a)?.title_key).toBe('follow_up')
      expect(JSON.parse(String(bySource.get(a)?.title_params))).toEqual({ customer: `${tag}有主客户`, subject: `${tag}回访报价` })
      expect(iso(bySource.get(a)?.due_at)).toBe(due)
      expect(String(bySource.get(b)?.owner_id).toLowerCase()).toBe(w.mgrB.userId.toLowerCase())
      expect(JSON.parse(String(bySource.get(b)?.title_params))).toEqual({ customer: `${tag}公海客户`, subject: `${tag}寄样品` })
      expect(bySource.has(c)).toBe(false)

      // idempotent: the next run of either kind adds nothing
      await evaluateReminders(t.app, { full: !full })
      expect((await remindersOf(t, 'follow_up', { open: true })).filter((r) => [a, b, c].includes(String(r.source_id).toLowerCase()))).toHaveLength(2)
    })
  }

  it('a whole-database run: a slice with more follow-ups without a reminder than one read by key takes (500) gives every one its reminder', async () => {
    const customer = await addCustomer(t, { name: '大批跟进客户', ownerId: w.mgrA1.userId })
    const at = t.clock.now().toISOString()
    const rows = Array.from({ length: 1234 }, (_, i) => ({
      id: randomUUID(), created_at: at, updated_at: at, version: 1, customer_id: customer, owner_id: w.mgrA1.userId, kind: 'record',
      occurred_at: at, subject: `批量跟进${i}`, next_follow_up_at: due, created_by: w.mgrA1.userId,
    }))
    await insertChunked(t.app.db.knex, t.app.db.dialect, 'interactions', rows)
    await evaluateReminders(t.app, { full: true })
    const ids = new Set<string>(rows.map((r) => r.id))
    const made = (await remindersOf(t, 'follow_up', { open: true })).filter((r) => ids.has(String(r.source_id).toLowerCase()))
    expect(made).toHaveLength(1234)
    expect(new Set(made.map((r) => String(r.source_id).toLowerCase())).size).toBe(1234)
    expect(made.every((r) => String(r.owner_id).toLowerCase() === w.mgrA1.userId.toLowerCase())).toBe(true)
  })
})
