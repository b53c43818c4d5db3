// What every SQLite connection runs at open (`pragma optimize`, src-main/db/connection.ts) must
// keep the planner's statistics true after a migration adds an index: under SQLite's temporary
// analysis limit (optimize bit 0x10) the re-analysis of customers rated deleted_at — NULL on
// nearly every row — as selective (532 rows per value of 100,000), and 客户流失分析 drove its join
// from the customers: 57 → 1,635 ms at 100,000 (BENCHMARKS "Issue 13 on an idle machine").
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { openDb } from '../../src-main/db/connection'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-open-stats-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

it('a connection opened after a new index keeps deleted_at rated as not selective (no sampled re-analysis)', async () => {
  const file = path.join(dir, 'crm.sqlite')
  const N = 60_000
  const raw = new Database(file)
  raw.exec('create table customers (id text primary key, owner_id text, region_id text, deleted_at text)')
  raw.exec('create index customers_deleted_at_owner_id_index on customers (deleted_at, owner_id)')
  const ins = raw.prepare('insert into customers (id, owner_id, region_id, deleted_at) values (?, ?, ?, ?)')
  raw.transaction(() => {
    for (let i = 0; i < N; i++) ins.run(`c${String(i).padStart(6, '0')}`, `u${i % 40}`, `r${i % 30}`, i % 1000 === 0 ? '2026-01-01T00:00:00.000Z' : null)
  })()
  raw.exec('analyze')
  raw.exec('create index customers_region_probe on customers (region_id, deleted_at, id)') // what a migration does
  raw.close()

  const db = openDb({ dialect: 'sqlite', file })
  try {
    await db.knex.raw('select 1') // the connection opens: pragma optimize runs
    const rows: Array<{ idx: string; stat: string }> = await db.knex('sqlite_stat1').whereIn('idx', ['customers_deleted_at_owner_id_index', 'customers_region_probe']).select('idx', 'stat')
    const stat = (idx: string) => rows.find((r) => r.idx === idx)?.stat.split(' ').map(Number) ?? []
    const deleted = stat('customers_deleted_at_owner_id_index')
    expect(deleted[0]).toBe(N)
    expect(deleted[1]).toBeGreaterThan(N / 4) // rows per deleted_at value: two values (NULL on all but 60 rows), 30,000 each on average
    expect(stat('customers_region_probe')[1]).toBeGreaterThan(N / 100) // the new index analysed too: 30 regions
  } finally {
    await db.knex.destroy()
  }
})
