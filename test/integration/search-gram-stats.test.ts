// 全局搜索 at scale (issue 14 item 3): PostgreSQL decides per term whether its GIN grams index
// pays (searchReadsGrams / the ticket and opportunity searches) from the index's statistics in
// pg_stats. Reading those — a join over the pg_stats view and a few thousand grams parsed in the
// app — was done by every area on every search (4 reads, 10–40 ms at 100,000 customers); now once
// per table per few minutes and again after the app analyses a table. On SQLite nothing is read
// (it counts its trigram index instead). The memo is the database's: a call inside a transaction
// (its own knex client) shares what a call outside read, and an analyse inside one forgets it.
// Real databases.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { analyzeTables, forgetGramStats, searchIndexCount } from '../../src-main/db/dialect'

describeEachDb('global search: the gram statistics', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  const statsReads: string[] = []
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('gram_admin', 'admin')
    for (const name of ['宁波科技模具有限公司', '温州科技鞋业有限公司']) await t.call(admin.key, 'customers', 'create', { name })
    await analyzeTables(t.app.db.knex, t.app.db.dialect, ['customers', 'contacts', 'opportunities', 'service_tickets'])
    t.app.db.knex.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      if (/pg_stats/.test(q.sql)) statsReads.push(String(q.bindings?.[1] ?? ''))
    })
  }, 60_000)
  afterAll(async () => t?.close())

  const search = async (term: string) => {
    const r = await t.call(admin.key, 'search', 'global', { term, limit: 5 })
    return r.groups.find((g) => g.kind === 'customer')?.items.map((h) => h.title).sort() ?? []
  }

  it('reads each index’s statistics once, not on every search; again after an analyse', async () => {
    expect(await search('科技')).toEqual(['宁波科技模具有限公司', '温州科技鞋业有限公司'])
    const first = [...statsReads].sort()
    if (dialect === 'postgres') {
      // each grams index at most once (customers, contacts, opportunities, tickets)
      expect(first.length).toBeGreaterThan(0)
      expect(new Set(first).size).toBe(first.length)
      expect(first.every((ix) => /_search_grams$/.test(ix))).toBe(true)
    } else expect(first).toEqual([])
    expect(await search('科技模具')).toEqual(['宁波科技模具有限公司'])
    expect(await search('鞋业')).toEqual(['温州科技鞋业有限公司'])
    expect(statsReads.length).toBe(first.length) // the next searches read none
    await analyzeTables(t.app.db.knex, t.app.db.dialect, ['customers'])
    expect(await search('宁波')).toEqual(['宁波科技模具有限公司'])
    if (dialect === 'postgres') expect(statsReads.length).toBeGreaterThan(first.length) // read again after the analyse
    else expect(statsReads).toEqual([])
  })

  it('a call inside a transaction uses the statistics read outside it, and the other way round (keyed by the database, not the handle)', async () => {
    const k = t.app.db.knex
    const count = (db: typeof k) => searchIndexCount(db, t.app.db.dialect, 'customers', '科技', 100)
    const reads = () => statsReads.length
    forgetGramStats(k)
    const r0 = reads()
    const outside = await count(k)
    const r1 = reads()
    await k.transaction(async (trx) => {
      expect(await count(trx)).toBe(outside)
      expect(await count(trx)).toBe(outside)
    })
    expect(reads()).toBe(r1) // the transaction read nothing again
    // read first inside a transaction: a second transaction and the handle reuse it
    forgetGramStats(k)
    await k.transaction(async (trx) => void (await count(trx)))
    const r2 = reads()
    await k.transaction(async (trx) => void (await count(trx)))
    await count(k)
    expect(reads()).toBe(r2)
    // an analyse inside a transaction forgets the database's statistics: the next call reads them again
    await k.transaction((trx) => analyzeTables(trx, t.app.db.dialect, ['customers']))
    await count(k)
    if (dialect === 'postgres') {
      expect(r1 - r0).toBe(1)
      expect(r2 - r1).toBe(1)
      expect(reads()).toBe(r2 + 1)
    } else expect(statsReads).toEqual([])
  })
})
