// A whole-database reminder evaluation never holds up the app: it reads the customers a slice at
// a time and commits (and yields) every few tens of milliseconds, so while a large evaluation runs
// timers keep firing and a user's customer list answers within 200 ms. On SQLite this is the
// event loop itself (better-sqlite3 is synchronous, one connection); on PostgreSQL the list runs
// on another connection while the evaluation's statements wait on the network.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { besideUser, expectResponsive } from '../helpers/responsive'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { insertChunked } from '../../src-main/db/dialect'
import { evaluateReminders, rangeSize } from '../../src-main/modules/reminders/system-reminders.service'
import { dictId, freezeClock, makeWorld, type World } from './reminders.fixtures'

describeEachDb('reminder evaluation beside user requests', (dialect) => {
  /**
   * More than two slices of customers, so the slicing's edges are crossed, and enough for an evaluation
   * well past the 500 ms asserted below on an idle fast machine too (8,234 took 486 ms there once).
   */
  const N = Math.max(2 * rangeSize(dialect) + 1234, 16234)
  let t: TestApp
  let w: World

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-06-15T02:00:00Z')
    w = await makeWorld(t)
    const weekly = await dictId(t, 'contact_policy', '每周联系')
    const at = '2025-01-01T00:00:00.000Z'
    const rows = Array.from({ length: N }, (_, i) => ({
      id: randomUUID(), code: `KH-R-${String(i).padStart(6, '0')}`, name: `响应客户${i}`, owner_id: i % 2 ? w.mgrA1.userId : w.mgrB.userId,
      customer_type: 'company', status: 'normal', order_count: 0, created_at: at, updated_at: at, version: 1, contact_policy_id: weekly,
      last_contact_at: at, search_text: `响应客户${i}`,
    }))
    await insertChunked(t.app.db.knex, t.app.db.dialect, 'customers', rows)
    if (dialect === 'postgres') await t.app.db.knex.raw('analyze')
  }, 300_000)
  afterAll(async () => t?.close())

  it('while the first evaluation creates a reminder for every customer, timers fire and the list answers within 200 ms', async () => {
    const list = () => t.call(w.mgrA1.key, 'customers', 'list', { page: 2, pageSize: 20, filter: { search: '响应客户1' } })
    await list() // the list's code warmed up first (its first call compiles schemas and queries, evaluation or not)
    // a user paging the list all through the evaluation, one request after another
    const run = await besideUser(() => evaluateReminders(t.app, { full: true }), async () => {
      expect((await list()).items.length).toBe(20)
    })
    const stats = run.result
    const evalCpu = run.jobCpu
    // every customer got its 跟进提醒 once: the slices cover the customers without gaps or overlaps
    expect(stats.created).toBe(N)
    expect(Number((await t.app.db.knex('reminders').where({ source: 'contact_policy' }).count({ n: '*' }))[0].n)).toBe(N)
    // a long evaluation (on SQLite several times the bound below in this process's CPU), and the app went on all through it
    expect(stats.ms).toBeGreaterThan(500)
    if (dialect === 'sqlite') expect(evalCpu).toBeGreaterThan(600)
    // between two ticks: a user's request and a chunk at most — within the 200 ms a user may wait
    // (without chunks: seconds)
    if (process.env.CRM_DEBUG_FIGURES) console.log(`${dialect}: timer gap CPU ${run.gaps.cpu.toFixed(0)} ms, wall ${run.gaps.wall.toFixed(0)} ms; evaluation CPU ${evalCpu.toFixed(0)} ms`)
    expectResponsive(dialect, run)
  }, 300_000)
})
