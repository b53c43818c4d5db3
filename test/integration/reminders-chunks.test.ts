// A whole-database reminder evaluation commits in chunks: it holds the sync_version row lock
// (and on SQLite the only connection) for one chunk at a time, so a user's write made while a
// large evaluation runs completes long before the evaluation does, instead of waiting for it.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { insertChunked } from '../../src-main/db/dialect'
import { CHUNK_WORK, evaluateReminders, SQLITE_TX_ROWS } from '../../src-main/modules/reminders/system-reminders.service'
import { addCustomer, dictId, freezeClock, makeWorld, syncVersion, type World } from './reminders.fixtures'

const N = 2000

describeEachDb('reminder evaluation in chunks', (dialect) => {
  let t: TestApp
  let w: World
  let weekly: string
  let mine: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-06-15T02:00:00Z')
    w = await makeWorld(t)
    weekly = await dictId(t, 'contact_policy', '每周联系')
    const at = '2025-01-01T00:00:00.000Z'
    const rows = Array.from({ length: N }, (_, i) => ({
      id: randomUUID(), code: `KH-C-${String(i).padStart(6, '0')}`, name: `批量客户${i}`, owner_id: w.mgrA1.userId, customer_type: 'company',
      status: 'normal', order_count: 0, created_at: at, updated_at: at, version: 1, contact_policy_id: weekly, last_contact_at: at,
    }))
    await insertChunked(t.app.db.knex, t.app.db.dialect, 'customers', rows)
    mine = await addCustomer(t, { name: '用户正在编辑的客户', ownerId: w.mgrA1.userId })
    if (dialect === 'postgres') await t.app.db.knex.raw('analyze')
    // N overdue 跟进提醒 (one bulk insert per chunk)
    expect((await evaluateReminders(t.app, { full: true })).created).toBe(N)
  })
  afterAll(async () => t?.close())

  it('a customer update made during a large evaluation finishes long before the evaluation does', async () => {
    // the cycle changes: every reminder is re-scheduled one by one (two statements each)
    await t.app.db.knex('dict_items').where({ id: weekly }).update({ cycle_days: 14, version: (await syncVersion(t)) + 1 })
    let queries = 0
    let queriesAtUpdate = -1
    let update: Promise<number> | undefined
    const customer = await t.call(w.mgrA1.key, 'customers', 'get', { id: mine })
    const onQuery = () => {
      queries++
      // well inside the run, when it has re-scheduled a few hundred reminders (and so holds the lock)
      if (queries === 600) {
        update = t.call(w.mgrA1.key, 'customers', 'update', { id: mine, version: customer.version, fields: { name: '改好的名字' } }).then(() => {
          queriesAtUpdate = queries
          return performance.now()
        })
      }
    }
    const knex = t.app.db.knex
    knex.on('query', onQuery)
    let evalDone = 0
    let stats
    try {
      stats = await evaluateReminders(t.app, { full: true })
      evalDone = performance.now()
    } finally {
      knex.off('query', onQuery)
    }
    expect(stats.updated).toBe(N)
    expect(update).toBeDefined()
    const updateDone = await update!
    expect(updateDone).toBeLessThan(evalDone)
    // the evaluation still had much of its work ahead (a chunk is about 1000 statements here)
    // when the update had completed, instead of the update waiting for all of it
    expect(queriesAtUpdate).toBeGreaterThan(0)
    expect(queries - queriesAtUpdate).toBeGreaterThanOrEqual(1000)
    expect((await t.call(w.mgrA1.key, 'customers', 'get', { id: mine })).name).toBe('改好的名字')
    // every chunk took its own version: the versions of the re-scheduled reminders rise in chunks
    // (on SQLite a transaction goes on until work waits for the connection: the user's update made it commit)
    const versions = await knex('reminders').where({ source: 'contact_policy' }).distinct('version').pluck('version')
    expect(versions.length).toBeGreaterThanOrEqual(dialect === 'sqlite' ? 2 : N / 500)
  })

  it('with nobody waiting, SQLite commits about once a second (or once SQLITE_TX_ROWS rows are written) instead of after every chunk; elsewhere every chunk commits', async () => {
    await t.app.db.knex('dict_items').where({ id: weekly }).update({ cycle_days: 7, version: (await syncVersion(t)) + 1 })
    let commits = 0
    const onQuery = (q: { sql?: string }) => {
      if (/^commit/i.test(String(q.sql ?? ''))) commits++
    }
    const knex = t.app.db.knex
    knex.on('query', onQuery)
    let stats
    const t0 = performance.now()
    try {
      stats = await evaluateReminders(t.app, { full: true })
    } finally {
      knex.off('query', onQuery)
    }
    const wall = performance.now() - t0
    expect(stats.updated).toBe(N) // every reminder re-scheduled, one by one: N steps of work
    if (process.env.CRM_DEBUG_FIGURES) console.log(`${dialect}: ${commits} commits in ${wall.toFixed(0)} ms`)
    // chunks of 500 reminders (or 30 ms) each committed before: at least N / 500, and one per 30 ms
    if (dialect === 'sqlite') expect(commits).toBeLessThanOrEqual(Math.floor(wall / 1000) + Math.ceil(N / SQLITE_TX_ROWS) + 2)
    else expect(commits).toBeGreaterThanOrEqual(N / 500)
    // on SQLite a transaction also ends once it has written SQLITE_TX_ROWS rows (checked after each
    // step, CHUNK_WORK at most): its COMMIT writes every page it changed, on the event loop
    if (dialect === 'sqlite') {
      const perVersion = await knex('reminders').where({ source: 'contact_policy' }).groupBy('version').select('version').count({ n: '*' })
      expect(perVersion.length).toBeGreaterThanOrEqual(Math.ceil(N / (SQLITE_TX_ROWS + CHUNK_WORK)))
      expect(Math.max(...perVersion.map((v) => Number(v.n)))).toBeLessThanOrEqual(SQLITE_TX_ROWS + CHUNK_WORK)
    }
  })
})
