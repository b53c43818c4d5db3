// Two 销售主管/管理员 reassigning the same customers at once (issue 6 items 4 and 13): each
// reassignment read the current owner, then moved the customer and the previous owner's
// reminders without checking that the owner was still the one it read. On PostgreSQL the later
// one then moved the customer but looked for the reminders under the stale owner, so they stayed
// with the owner in between (who kept reading and reopening them), and the audit said A → C where
// the customer went A → B → C. Now the owners are read after the version (which serialises
// writers) and the customer's UPDATE carries the owner read (else `conflict`, nothing written):
// the reassignments apply one after another and records, reminders and audit stay consistent.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { addCustomer, dictId, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'

describeEachDb('customer reassign under concurrency', (dialect) => {
  let t: TestApp
  let w: World
  let phone: string
  let others: Array<{ key: string; userId: string }>

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    others = [w.mgrA2]
    for (let i = 3; i <= 5; i++) others.push(await t.userSession(`mgra${i}`, 'manager', { teamId: w.teamA, name: `经理甲${i}` }))
  })
  afterAll(async () => t?.close())

  for (let round = 1; round <= 4; round++) {
    it(`parallel reassignments of one customer to different owners: they apply one after another; reminders, records and audit follow the final owner (round ${round})`, async () => {
      const k = t.app.db.knex
      const cust = await addCustomer(t, { name: `广州并发转交${round}有限公司`, ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
      const rec = await t.call(w.mgrA1.key, 'interactions', 'create', {
        customerId: cust, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '电话沟通',
        nextFollowUpAt: '2026-03-12T10:00:00+08:00',
      })
      const manual = await t.call(w.mgrA1.key, 'reminders', 'create', { title: '寄样品', customerId: cust, dueAt: '2026-03-11T02:00:00.000Z' })
      await t.call(w.mgrA1.key, 'reminders', 'done', { id: manual.id, version: await versionOf(t, 'reminders', manual.id) })

      const callers = [w.supA.key, w.admin.key, w.supA.key, w.admin.key]
      const results = await Promise.all(others.slice(0, callers.length).map((o, i) =>
        t.raw(callers[i], 'customers', 'changeOwner', { ids: [cust], ownerId: o.userId })))
      const applied = results.filter((r) => r.ok)
      expect(applied.length).toBeGreaterThanOrEqual(1)
      for (const r of results) if (!r.ok) expect(errorOf(r).code).toBe('conflict')

      const owner = String((await k('customers').where({ id: cust }).first('owner_id')).owner_id).toLowerCase()
      const lc = (rows: Array<{ owner_id: string }>) => [...new Set(rows.map((r) => String(r.owner_id).toLowerCase()))]
      // every reminder about the customer (the done one and the follow-up included) and every record is the final owner's
      expect(lc(await k('reminders').where({ customer_id: cust }).whereNull('deleted_at').select('owner_id'))).toEqual([owner])
      expect(lc(await k('interactions').where({ id: rec.id }).select('owner_id'))).toEqual([owner])
      // no earlier owner still sees (or can reopen) a reminder about it
      for (const o of [w.mgrA1, ...others].filter((o) => o.userId !== owner)) {
        expect((await t.call(o.key, 'reminders', 'list', { customerId: cust, status: 'all', pageSize: 100 })).items).toEqual([])
        expect(errorOf(await t.raw(o.key, 'reminders', 'reopen', { id: manual.id, version: await versionOf(t, 'reminders', manual.id) })).code).toBe('not_found')
      }
      // the audit is a chain: each move starts from the owner the previous one left
      const moves = (await k('audit_log').where({ entity: 'customer', entity_id: cust, action: 'update' }).orderBy('id').select('changes'))
        .map((r) => (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes).ownerId as [string, string])
        .filter(Boolean).map(([a, b]) => [String(a).toLowerCase(), String(b).toLowerCase()])
      expect(moves.length).toBe(applied.length)
      // (one clock instant for all: follow the chain by its owners, not by time)
      let from = w.mgrA1.userId
      const left = [...moves]
      while (left.length) {
        const i = left.findIndex(([a]) => a === from)
        expect(i, `a move from ${from} among ${JSON.stringify(left)}`).toBeGreaterThanOrEqual(0)
        from = left.splice(i, 1)[0][1]
      }
      expect(from).toBe(owner)
    })
  }
  for (let round = 1; round <= 4; round++) {
    it(`a release to the 公海 at the same moment as a reassignment: one after the other, the audit a chain (round ${round})`, async () => {
      const k = t.app.db.knex
      const cust = await addCustomer(t, { name: `广州并发公海${round}有限公司`, ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
      const results = await Promise.all([
        t.raw(w.supA.key, 'customers', 'changeOwner', { ids: [cust], ownerId: w.mgrA2.userId }),
        t.raw(w.admin.key, 'pool', 'release', { ids: [cust], reason: '客户暂无需求' }),
      ])
      // refused only as changed meanwhile, or (the release first) as no longer the supervisor's team's customer
      for (const r of results) if (!r.ok) expect(['conflict', 'not_found']).toContain(errorOf(r).code)
      const owner = (await k('customers').where({ id: cust }).first('owner_id')).owner_id
      const moves = (await k('audit_log').where({ entity: 'customer', entity_id: cust, action: 'update' }).orderBy('id').select('changes'))
        .map((r) => (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes).ownerId as [string | null, string | null])
        .filter(Boolean).map(([a, b]) => [a && String(a).toLowerCase(), b && String(b).toLowerCase()])
      expect(moves.length).toBe(results.filter((r) => r.ok).length)
      let from: string | null = w.mgrA1.userId
      const left = [...moves]
      while (left.length) {
        const i = left.findIndex(([a]) => a === from)
        expect(i, `a move from ${from} among ${JSON.stringify(left)}`).toBeGreaterThanOrEqual(0)
        from = left.splice(i, 1)[0][1]
      }
      expect(from).toBe(owner ? String(owner).toLowerCase() : null)
    })
  }
})
