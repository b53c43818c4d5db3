// analyzeTableInSteps and withPageCache (issue 8: the first reminder evaluation at 1,000,000
// customers) on a real in-memory SQLite database; PostgreSQL and SQL Server compiled only.
import knexLib, { type Knex } from 'knex'
import { afterEach, describe, expect, it } from 'vitest'
import { analyzeTableInSteps, withPageCache } from '../../src-main/db/dialect'

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

describe('withPageCache', () => {
  it('SQLite: the cache at the given size during the work, the previous size after (also when the work fails)', async () => {
    const db = await sqlite()
    const size = async () => Number(((await db.raw('pragma cache_size')) as Array<{ cache_size: number }>)[0]!.cache_size)
    const before = await size()
    expect(await withPageCache(db, 'sqlite', 65_536, async () => size())).toBe(-65_536)
    expect(await size()).toBe(before)
    await expect(withPageCache(db, 'sqlite', 4096, async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await size()).toBe(before)
  })
})
