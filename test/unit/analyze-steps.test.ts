// analyzeTableInSteps and releaseMemory (issue 8: the first reminder evaluation at 1,000,000
// customers, and what the main process holds after it) on real SQLite databases (in memory; a file
// for the memory map); PostgreSQL and SQL Server compiled only.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knexLib, { type Knex } from 'knex'
import { afterEach, describe, expect, it } from 'vitest'
import { analyzeTableInSteps, releaseMemory } from '../../src-main/db/dialect'

let k: Knex | null = null
afterEach(async () => {
  await k?.destroy()
  k = null
})

async function sqlite() {
  k = knexLib({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
  await k.raw('create table t (id integer primary key, a text, b text)')
  await k.raw('create index t_a on t (a)')
  await k.raw('create index t_a_b on t (a, b)')
  await k.raw("with recursive n(i) as (select 1 union all select i + 1 from n where i < 3000) insert into t (a, b) select 'a' || (i % 30), 'b' || i from n")
  return k
}

describe('analyzeTableInSteps', () => {
  it('SQLite: one ANALYZE per index, the yield after each, and statistics for every index', async () => {
    const db = await sqlite()
    const seen: string[] = []
    db.on('query', (q: { sql: string }) => seen.push(q.sql))
    let yields = 0
    await analyzeTableInSteps(db, 'sqlite', 't', async () => {
      yields++
    })
    const analyses = seen.filter((s) => /^analyze /i.test(s))
    expect(analyses.sort()).toEqual(['analyze "t_a"', 'analyze "t_a_b"'])
    expect(yields).toBe(2)
    expect(seen.some((s) => /^analyze t$/i.test(s))).toBe(false)
    const stats = (await db.raw("select idx, stat from sqlite_stat1 where tbl = 't' order by idx")) as Array<{ idx: string; stat: string }>
    expect(stats.map((s) => s.idx)).toEqual(['t_a', 't_a_b'])
    expect(stats[0]!.stat).toMatch(/^3000 /)
  })

  it('refuses a name that is not a plain table name', async () => {
    const db = await sqlite()
    await expect(analyzeTableInSteps(db, 'sqlite', 't; drop table t', async () => {})).rejects.toThrow(/not a plain name/)
  })
})

describe('releaseMemory', () => {
  // KiB of the file's memory map resident in this process (Linux: /proc/self/smaps)
  const mappedKiB = (file: string) => {
    let kib = 0
    let inFile = false
    for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line)
      if (head) inFile = head[1]!.trim() === file
      else if (inFile && line.startsWith('Rss:')) kib += Number(line.split(/\s+/)[1])
    }
    return kib
  }

  it.runIf(process.platform === 'linux')('SQLite: the pages a read brought into the file\'s memory map leave the process; the map stays at its size and is read through again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-release-'))
    const file = path.join(dir, 'crm.sqlite')
    try {
      k = knexLib({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
      await k.raw('pragma mmap_size = 268435456')
      await k.raw('create table t (id integer primary key, b text)')
      await k.raw("with recursive n(i) as (select 1 union all select i + 1 from n where i < 4000) insert into t (b) select hex(randomblob(1000)) from n")
      const total = async () => Number(((await k!.raw('select sum(length(b)) as n from t')) as Array<{ n: number }>)[0]!.n)
      expect(await total()).toBe(8_000_000)
      expect(mappedKiB(file)).toBeGreaterThan(4000) // ~8 MB read in place
      await releaseMemory(k, 'sqlite')
      expect(mappedKiB(file)).toBeLessThan(64)
      expect(((await k.raw('pragma mmap_size')) as Array<{ mmap_size: number }>)[0]!.mmap_size).toBe(268435456)
      expect(await total()).toBe(8_000_000)
      expect(mappedKiB(file)).toBeGreaterThan(4000) // mapped again, not read into the page cache
    } finally {
      await k?.destroy()
      k = null
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('elsewhere nothing is sent', async () => {
    const sent: string[] = []
    const db = knexLib({ client: 'pg' })
    db.on('query', (q: { sql: string }) => sent.push(q.sql))
    await releaseMemory(db, 'postgres')
    await releaseMemory(db, 'mssql')
    expect(sent).toEqual([])
    await db.destroy()
  })
})
