// The churn check's first run on a database opens every warning at once (a fifth of the
// customers in the bench): it writes in chunks, one transaction and one sync version each, and
// lets waiting work go first between chunks, so while it runs timers keep firing and a user's
// customer list answers within 200 ms. On SQLite this is the event loop itself (better-sqlite3
// is synchronous, one connection): a transaction goes on over steps of 300 customers until a
// request waits for the connection (then it commits and the request goes first) — when nobody
// waits, few large transactions (each commit writes every page it changed: many small ones cost
// seconds of CPU at 100,000 customers). On PostgreSQL the list runs on another connection.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { besideUser, expectResponsive } from '../helpers/responsive'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { insertChunked } from '../../src-main/db/dialect'
import { CHECK_CHUNK, runChurnCheck } from '../../src-main/modules/churn/churn.service'
import { staleCustomers } from '../../src-main/modules/churn/churn.repository'
import { makeStaff, type Staff } from './customers.fixtures'

describeEachDb('churn check beside user requests', (dialect) => {
  const STALE = 9000
  const FRESH = 1000
  let t: TestApp
  let s: Staff

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-30T04:00:00Z'))
    s = await makeStaff(t)
    const at = '2025-01-01T00:00:00.000Z'
    // STALE customers never ordered and created 18 months ago (past the 180-day default), FRESH ordered last month
    const rows = Array.from({ length: STALE + FRESH }, (_, i) => ({
      id: randomUUID(), code: `KH-L-${String(i).padStart(6, '0')}`, name: `流失客户${i}`, owner_id: i % 2 ? s.mgrA1.userId : s.mgrB.userId,
      customer_type: 'company', status: 'normal', order_count: i < STALE ? 0 : 1, last_order_date: i < STALE ? null : '2026-06-01',
      created_at: at, updated_at: at, version: 1, search_text: `流失客户${i}`,
    }))
    await insertChunked(t.app.db.knex, t.app.db.dialect, 'customers', rows)
    if (dialect === 'postgres') await t.app.db.knex.raw('analyze')
  }, 300_000)
  afterAll(async () => t?.close())

  const versionsOfWarnings = async () => new Set((await t.app.db.knex('churn_warnings').select('version')).map((w) => Number(w.version)))
  /** Nobody waiting: as few transactions as the transaction size allows (SQLite and PostgreSQL: 1,000 and 2,000 customers, so 9 and 5 for 9,000: also the pages the candidates are read in). */
  const quietTransactions = Math.ceil(STALE / CHECK_CHUNK[dialect].tx)

  it('when nobody waits, the check writes in few transactions (one sync version each); then back to no warnings', async () => {
    const k = t.app.db.knex
    const result = await runChurnCheck(t.app, { actor: null })
    expect(result).toMatchObject({ opened: STALE, closed: 0 })
    expect((await versionsOfWarnings()).size).toBe(quietTransactions)
    if (dialect === 'sqlite') expect(quietTransactions).toBeLessThan(STALE / CHECK_CHUNK[dialect].step)
    // back to where the next test starts: no warnings, every customer 正常
    await k('churn_warnings').del()
    await k('audit_log').del()
    await k('customers').whereNot('status', 'normal').update({ status: 'normal' })
  }, 300_000)

  it('while the first check opens a warning for every stale customer, timers fire and the list answers within 200 ms', async () => {
    const k = t.app.db.knex
    const list = () => t.call(s.mgrA1.key, 'customers', 'list', { page: 2, pageSize: 20, filter: { search: '流失客户1' } })
    await list() // the list's code warmed up first (its first call compiles schemas and queries)
    const version0 = Number((await k('sync_version').where({ id: 1 }).first('version')).version)
    const run = await besideUser(() => runChurnCheck(t.app, { actor: null }), async () => {
      expect((await list()).items.length).toBe(20)
    })
    const result = run.result

    // the same result as ever: one warning per stale customer, the customer 流失预警, one audit entry each (the customer's status change in it); the others untouched
    expect(result).toMatchObject({ opened: STALE, closed: 0 })
    const warnings = await k('churn_warnings').where({ status: 'open' }).select('customer_id', 'version', 'cycle_days', 'last_order_date')
    expect(new Set(warnings.map((w) => String(w.customer_id).toLowerCase())).size).toBe(STALE)
    expect(warnings.every((w) => Number(w.cycle_days) === 180 && w.last_order_date === null)).toBe(true)
    const ours = (status: string) => k('customers').where({ status }).where('code', 'like', 'KH-L-%').count({ n: '*' }).then((r) => Number(r[0]!.n))
    expect(await ours('churn_warning')).toBe(STALE)
    expect(await ours('normal')).toBe(FRESH)
    expect(Number((await k('audit_log').where({ entity: 'churn_warning', action: 'create' }).count({ n: '*' }))[0]!.n)).toBe(STALE)
    // one audit entry per warning, the customer's status change in it (no customer entry of its own)
    expect(Number((await k('audit_log').where({ entity: 'churn_warning', action: 'create' }).where('changes', 'like', '%"customerStatus":["normal","churn_warning"]%').count({ n: '*' }))[0]!.n)).toBe(STALE)
    expect(Number((await k('audit_log').where({ entity: 'customer', action: 'update' }).count({ n: '*' }))[0]!.n)).toBe(0)
    // each chunk wrote with a version of its own, the customer with its warning's; on SQLite the
    // user's requests made the check commit before its transaction was full: more, smaller chunks
    const versions = new Set(warnings.map((w) => Number(w.version)))
    expect(versions.size).toBeGreaterThan(1)
    if (dialect === 'sqlite') expect(versions.size).toBeGreaterThan(quietTransactions)
    expect(Math.min(...versions)).toBeGreaterThan(version0)
    const mismatched = await k('churn_warnings as w').join('customers as c', 'c.id', 'w.customer_id').whereRaw('c.version <> w.version').count({ n: '*' })
    expect(Number(mismatched[0]!.n)).toBe(0)
    // a second check finds nothing to do
    expect(await runChurnCheck(t.app, { actor: null })).toMatchObject({ opened: 0, closed: 0 })

    // the app went on all through it: between two ticks at most a chunk or a request
    expectResponsive(`${dialect}: check ${result.ms} ms`, run)
  }, 300_000)

  // SQLite: a page of the customers that never ordered is a range of customers_churn_check_index up
  // to the cycle's start (created_at), so the 正常 ones too new to churn are not walked on every page
  // (at 1,000,000 customers each page read grew to 210 ms on the event loop without it)
  if (dialect === 'sqlite') {
    it('reads the never-ordered candidates as one range of the index, created_at in it', async () => {
      const k = t.app.db.knex
      const q = staleCustomers(k, { noPolicy: true }, '2025-12-30', '2025-12-30T04:00:00.000Z', null, 1000, 'never') as unknown as { toSQL(): { toNative(): { sql: string; bindings: unknown[] } } }
      const { sql, bindings } = q.toSQL().toNative()
      const plan = ((await k.raw(`explain query plan ${sql}`, bindings as never)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      expect(plan).toMatch(/SEARCH c USING INDEX customers_churn_check_index \(status=\? AND purchase_policy_id=\? AND last_order_date=\? AND created_at<\?\)/)
    })
  }
})
