// 工作台 销售简报: 新增客户, 新增联系人 and 跟进记录 read briefing_owner_day (per customer owner and UTC
// day, kept by database triggers — migration 20261206005200) for a period's whole UTC days and the
// base tables for its partial edge days (Shanghai midnight is 16:00 UTC). After every kind of write
// — created through the services (at an edge hour and inside the month), a record moved to another
// day, an import of customers with contacts, a sync push of offline records, an owner transfer,
// released to the 公海, a contact and a record deleted, a customer deleted and back, a raw UPDATE
// of a customer's created_at (a writer without the services) — the kept table equals the one
// rebuilt from the base tables, and the 简报 of the administrator (company), a supervisor (team) and
// an account manager (own), for 本月 and 本周, equals the row-by-row count. On SQLite, PostgreSQL
// and in mssql id mode; the last step checks the 简报 really reads the kept table.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { countsWorld, NOW, SH, type Who } from '../helpers/dashboard-counts'
import { importFile, SEED_HEADERS, xlsx } from './imports.fixtures'
import { syncPush, type Mutation } from '../../src-main/modules/sync/sync.service'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { latestMigration } from '../../src-main/db/migrate'
import { briefingRebuildSql, NIL_OWNER } from '../../db/migrations/20261206005200_briefing-owner-day'

type Range = { from: string; to: string }
const KEYS = ['newCustomers', 'newContacts', 'interactions'] as const
const utcDay = (v: unknown) => new Date(v instanceof Date ? v : String(v)).toISOString().slice(0, 10)

describeEachDb('dashboard: the 简报\'s kept per-owner-and-day sums follow every write', (dialect) => {
  let t: TestApp
  let world: Awaited<ReturnType<typeof countsWorld>>
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    world = await countsWorld(t, '简报汇总', (w) => [w.mgrA1, w.mgrA2, w.mgrB, null])
  })
  afterAll(async () => t?.close())

  /** The kept rows (non-zero), as owner|day → counts. */
  async function kept(db: Knex) {
    const rows: Array<Record<string, unknown>> = await db('briefing_owner_day').select('owner_id', 'day', 'customers', 'contacts', 'interactions')
    const out: Record<string, number[]> = {}
    for (const r of rows) {
      const n = [Number(r.customers), Number(r.contacts), Number(r.interactions)]
      if (n.some((x) => x !== 0)) out[`${String(r.owner_id).toLowerCase()}|${String(r.day)}`] = n
    }
    return out
  }

  /** The same sums worked out here from the base tables (live rows of live customers, by the customer's owner). */
  async function fromBaseTables() {
    const out: Record<string, number[]> = {}
    const add = (owner: unknown, at: unknown, i: number) => {
      const key = `${owner ? String(owner).toLowerCase() : NIL_OWNER}|${utcDay(at)}`
      out[key] ??= [0, 0, 0]
      out[key][i]++
    }
    const customers: Array<Record<string, unknown>> = await k()('customers').whereNull('deleted_at').select('id', 'owner_id', 'created_at')
    const owner = new Map(customers.map((c) => [String(c.id).toLowerCase(), c.owner_id]))
    for (const c of customers) add(c.owner_id, c.created_at, 0)
    for (const [i, table, at] of [[1, 'contacts', 'created_at'], [2, 'interactions', 'occurred_at']] as const) {
      for (const r of await k()(table).whereNull('deleted_at').select('customer_id', at)) {
        const id = String(r.customer_id).toLowerCase()
        if (owner.has(id)) add(owner.get(id), r[at], i)
      }
    }
    return out
  }

  /** 新增客户, 新增联系人, 跟进记录 counted row by row for a range, over the scope's customers. */
  async function direct(r: Range, scope: { teamId?: string; ownerId?: string }) {
    const inScope = (q: Knex.QueryBuilder) => {
      q.whereNull('c.deleted_at')
      if (scope.ownerId) q.where('c.owner_id', scope.ownerId)
      if (scope.teamId) q.whereIn('c.owner_id', k()('users').select('id').where('team_id', scope.teamId))
      return q
    }
    const n = async (q: Knex.QueryBuilder) => Number((await q.count({ n: '*' }).first())?.n ?? 0)
    return [
      await n(inScope(k()('customers as c')).where('c.created_at', '>=', r.from).where('c.created_at', '<', r.to)),
      await n(inScope(k()('contacts as x').join('customers as c', 'c.id', 'x.customer_id')).whereNull('x.deleted_at').where('x.created_at', '>=', r.from).where('x.created_at', '<', r.to)),
      await n(inScope(k()('interactions as x').join('customers as c', 'c.id', 'x.customer_id')).whereNull('x.deleted_at').where('x.occurred_at', '>=', r.from).where('x.occurred_at', '<', r.to)),
    ]
  }

  async function briefing(who: Who, scope: 'all' | 'team' | 'own', period: 'month' | 'week') {
    const o = await t.call(who.key, 'dashboard', 'overview', { ...SH, period, scope, cards: ['briefing'] })
    expect(o.scope).toBe(scope)
    const m = (key: string) => o.briefing!.metrics.find((x) => x.key === key)!
    return { current: KEYS.map((key) => m(key).current), before: KEYS.map((key) => m(key).previous), period: o.period, previous: o.previous }
  }

  async function agree(step: string) {
    const { w } = world
    expect({ step, kept: await kept(k()) }).toEqual({ step, kept: await fromBaseTables() })
    const who: Array<[string, Who, 'all' | 'team' | 'own', { teamId?: string; ownerId?: string }]> = [
      ['admin', w.admin, 'all', {}], ['supA', w.supA, 'team', { teamId: w.teamA }], ['mgrA1', w.mgrA1, 'own', { ownerId: w.mgrA1.userId }],
    ]
    for (const [name, user, scope, filter] of who) {
      for (const period of ['month', 'week'] as const) {
        const b = await briefing(user, scope, period)
        expect({ step, name, period, current: b.current, previous: b.before }).toEqual({
          step, name, period, current: await direct(b.period, filter), previous: await direct(b.previous, filter),
        })
      }
    }
  }

  const at = (iso: string) => t.clock.setNow(new Date(iso))

  it('after each kind of write the kept table equals the base tables and every scope\'s 简报 the direct count', async () => {
    const { w, cust, create } = world
    await agree('start')

    // created through the services: at 01:00 Shanghai on 1 Dec (the month's partial first UTC day) and inside the month
    at('2026-11-30T17:00:00Z')
    const early = await t.call(w.mgrA1.key, 'customers', 'create', { name: '简报汇总月初' })
    await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: early.id, fields: { name: '月初联系人' } })
    at('2026-12-07T03:00:00Z')
    const monday = await t.call(w.mgrA2.key, 'customers', 'create', { name: '简报汇总周一' })
    const ct = await t.call(w.mgrA2.key, 'contacts', 'create', { customerId: monday.id, fields: { name: '周一联系人' } })
    at(NOW)
    const r1 = await create(w.mgrA1, early.id, '2026-11-30T16:30:00Z')
    const r2 = await create(w.mgrA1, cust[0], '2026-12-05T02:00:00Z')
    await create(w.mgrA2, cust[1], '2026-12-06T17:00:00Z') // Monday 7 Dec, 01:00 Shanghai: this week's partial first UTC day
    await create(w.mgrB, cust[2], '2026-11-10T02:00:00Z')
    await create(w.admin, cust[3], '2026-12-08T02:00:00Z')
    await agree('created')

    // a record moved to the month's first partial day, and to last month
    const cur = await t.call(w.mgrA1.key, 'interactions', 'get', { id: r2.id })
    await t.call(w.mgrA1.key, 'interactions', 'update', { id: r2.id, version: cur.version, fields: { occurredAt: '2026-11-30T20:00:00Z' } })
    await agree('moved to the edge')
    const cur2 = await t.call(w.mgrA1.key, 'interactions', 'get', { id: r2.id })
    await t.call(w.mgrA1.key, 'interactions', 'update', { id: r2.id, version: cur2.version, fields: { occurredAt: '2026-11-03T02:00:00Z' } })
    await agree('moved to last month')

    // an import: two customers with their contacts
    const file = await xlsx([SEED_HEADERS, ['中国', '简报汇总导入甲', '导入甲', null, 13800138001], ['中国', '简报汇总导入乙', '导入乙', null, 13800138002]])
    expect(await importFile(t, w.mgrA1.key, '简报导入.xlsx', file)).toMatchObject({ status: 'done', imported: 2 })
    await agree('imported')

    // a sync push of offline records (set-based writes)
    const actor = (await loadActor(t.app, w.mgrA2.userId))!
    const phone = (await k()('dict_items').where({ type_code: 'interaction_channel', label: '电话' }).first('id')).id
    const m = (id: number, occurredAt: string): Mutation => ({
      mutationId: id, operation: 'interactions.create', entityId: crypto.randomUUID(), schema: latestMigration(),
      args: { customerId: cust[1], channelId: phone, occurredAt, subject: `离线${id}`, promises: [] },
    })
    const pushed = await syncPush({ ...t.app, actor }, { clientId: crypto.randomUUID(), mutations: [m(1, '2026-12-02T03:00:00Z'), m(2, '2026-11-30T18:00:00Z'), m(3, '2026-11-15T03:00:00Z')] })
    expect(pushed.results.map((x) => x.status)).toEqual(['applied', 'applied', 'applied'])
    await agree('sync push')

    // owner transfers: to the other team, to the 公海, back
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [early.id, cust[1]], ownerId: w.mgrB.userId })
    await agree('transferred to team B')
    await t.call(w.mgrA1.key, 'pool', 'release', { ids: [cust[0]], reason: '无需求' })
    await agree('released to the 公海')
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [early.id, cust[0]], ownerId: w.mgrA1.userId })
    await agree('transferred back')

    // a contact and a record deleted
    await t.call(w.mgrA2.key, 'contacts', 'remove', { id: ct.id })
    await t.call(w.mgrA1.key, 'interactions', 'remove', { id: r1.id })
    await agree('contact and record deleted')

    // a customer (with a contact and records) deleted, and back
    await t.call(w.admin.key, 'customers', 'remove', { id: early.id })
    await agree('customer deleted')
    await k()('customers').where({ id: early.id }).update({ deleted_at: null })
    await agree('customer back')

    // a writer without the services: a customer's creation moved to the week's partial first day
    await k()('customers').where({ id: monday.id }).update({ created_at: '2026-12-06T18:00:00.000Z' })
    await agree('created_at rewritten')

    // the 简报 reads the kept table for the whole days: a row changed behind its back shows
    const row = await k()('briefing_owner_day').where({ owner_id: w.mgrA1.userId, day: '2026-12-08' }).first()
    if (row) await k()('briefing_owner_day').where({ owner_id: w.mgrA1.userId, day: '2026-12-08' }).update({ interactions: Number(row.interactions) + 5 })
    else await k()('briefing_owner_day').insert({ owner_id: w.mgrA1.userId, day: '2026-12-08', customers: 0, contacts: 0, interactions: 5 })
    const before = (await direct((await briefing(w.mgrA1, 'own', 'month')).period, { ownerId: w.mgrA1.userId }))[2]
    expect((await briefing(w.mgrA1, 'own', 'month')).current[2]).toBe(before + 5)
    // and the migration's rebuild puts it right
    for (const s of briefingRebuildSql(dialect)) await k().raw(s)
    await agree('rebuilt')
  })
})
