// The dialect helpers compiled per database without a connection. mssql queries are read
// with .toSQL().toNative() (toString() prints `= true`, which is not T-SQL).
import path from 'node:path'
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import type { Dialect } from '../../src-main/db/config'
import { describeDb, parseDbUrl } from '../../src-main/db/config'
import { applyPage, chunkRows, insertChunked, likePattern, MAX_PARAMS, toBool, toIso, toNum, upsert, whereContainsAny, whereLike } from '../../src-main/db/dialect'

interface Compiled {
  sql: string
  bindings: readonly unknown[]
}

/**
 * A stand-in knex: `db(table)` builds real queries with the dialect's compiler and, when
 * awaited, records the native SQL and answers the next canned result.
 */
function recorder(dialect: Dialect, results: unknown[] = []) {
  const k = compilerOnly(dialect)
  const log: Compiled[] = []
  const db = ((table: string) => {
    const qb = k(table)
    Object.defineProperty(qb, 'then', {
      value: (resolve: (v: unknown) => void, reject: (e: unknown) => void) => {
        try {
          log.push(qb.toSQL().toNative() as Compiled)
          resolve(results.shift())
        } catch (e) {
          reject(e)
        }
      },
    })
    return qb
  }) as unknown as Knex
  return { db, log, k }
}

const DIALECTS: Dialect[] = ['mssql', 'postgres', 'sqlite']

describe('upsert', () => {
  const row = { id: 'k1', name: '华南', sort_order: 3 }

  it('mssql: UPDATE first; INSERT only when no row changed; never ON CONFLICT or MERGE', async () => {
    const miss = recorder('mssql', [0])
    await upsert(miss.db, 'mssql', 'items', row, ['id'])
    expect(miss.log.map((q) => q.sql)).toEqual([
      'update [items] set [name] = @p0, [sort_order] = @p1 where [id] = @p2;select @@rowcount',
      'insert into [items] ([id], [name], [sort_order]) values (@p0, @p1, @p2)',
    ])
    expect(miss.log[0].bindings).toEqual(['华南', 3, 'k1'])
    expect(miss.log[1].bindings).toEqual(['k1', '华南', 3])

    const hit = recorder('mssql', [1])
    await upsert(hit.db, 'mssql', 'items', row, ['id'])
    expect(hit.log.map((q) => q.sql)).toEqual(['update [items] set [name] = @p0, [sort_order] = @p1 where [id] = @p2;select @@rowcount'])

    for (const q of [...miss.log, ...hit.log]) expect(q.sql).not.toMatch(/on conflict|merge/i)
  })

  it('mssql: composite keys go into the WHERE; a keys-only row is looked up, then inserted if missing', async () => {
    const composite = recorder('mssql', [0])
    await upsert(composite.db, 'mssql', 'inventory', { product_id: 'p', warehouse: '一号库', quantity: 5 }, ['product_id', 'warehouse'])
    expect(composite.log[0].sql).toBe('update [inventory] set [quantity] = @p0 where [product_id] = @p1 and [warehouse] = @p2;select @@rowcount')

    const missing = recorder('mssql', [undefined])
    await upsert(missing.db, 'mssql', 'links', { a: 1, b: 2 }, ['a', 'b'])
    expect(missing.log.map((q) => q.sql)).toEqual(['select top (@p0) * from [links] where [a] = @p1 and [b] = @p2', 'insert into [links] ([a], [b]) values (@p0, @p1)'])

    const present = recorder('mssql', [{ a: 1, b: 2 }])
    await upsert(present.db, 'mssql', 'links', { a: 1, b: 2 }, ['a', 'b'])
    expect(present.log).toHaveLength(1)
  })

  it('PostgreSQL and SQLite: one INSERT … ON CONFLICT … DO UPDATE (or DO NOTHING for keys only)', async () => {
    const pg = recorder('postgres')
    await upsert(pg.db, 'postgres', 'items', row, ['id'])
    expect(pg.log.map((q) => q.sql)).toEqual([
      'insert into "items" ("id", "name", "sort_order") values ($1, $2, $3) on conflict ("id") do update set "name" = excluded."name", "sort_order" = excluded."sort_order"',
    ])
    const lite = recorder('sqlite')
    await upsert(lite.db, 'sqlite', 'items', row, ['id'])
    expect(lite.log.map((q) => q.sql)).toEqual([
      'insert into `items` (`id`, `name`, `sort_order`) values (?, ?, ?) on conflict (`id`) do update set `name` = excluded.`name`, `sort_order` = excluded.`sort_order`',
    ])
    const keysOnly = recorder('postgres')
    await upsert(keysOnly.db, 'postgres', 'links', { a: 1, b: 2 }, ['a', 'b'])
    expect(keysOnly.log[0].sql).toBe('insert into "links" ("a", "b") values ($1, $2) on conflict ("a", "b") do nothing')
  })
})

describe('chunkRows', () => {
  const rowsOf = (n: number, cols: number) => Array.from({ length: n }, (_, i) => Object.fromEntries(Array.from({ length: cols }, (_, c) => [`c${c}`, i])))
  const ROW_LIMIT: Record<Dialect, number> = { mssql: 1000, sqlite: 500, postgres: 65535 }

  it('keeps rows × columns within the limit and rows per statement within the dialect cap, for many shapes', () => {
    for (const dialect of DIALECTS) {
      for (const cols of [1, 2, 3, 5, 7, 13, 17, 40, 100, 101, 333, 500, 999, 1024]) {
        const template = rowsOf(1, cols)[0]
        const wide = cols > 100
        const counts = wide ? [0, 1, 2, 501, 1001] : [0, 1, 2, 499, 500, 501, 999, 1000, 1001, 2000, 2001, 5003]
        for (const n of counts) {
          const shape = `${dialect} ${n}×${cols}`
          // distinct objects so order can be checked by identity (wide rows share one, for speed)
          const rows = Array.from({ length: n }, () => (wide ? template : { ...template }))
          const chunks = chunkRows(dialect, rows)
          const flat = chunks.flat()
          expect(flat.length === n && flat.every((r, i) => r === rows[i]), `${shape}: every row once, in order`).toBe(true)
          const sizes = chunks.map((c) => c.length)
          const tooBig = sizes.filter((k) => k < 1 || k * cols > MAX_PARAMS[dialect] || k > ROW_LIMIT[dialect] || (dialect === 'mssql' && k * cols > 2000))
          expect(tooBig, `${shape}: chunk sizes ${sizes.slice(0, 5)}`).toEqual([])
          // no needlessly small chunks: all but the last are full
          expect(sizes.slice(0, -1).every((k) => k === sizes[0]), `${shape}: even chunks`).toBe(true)
        }
      }
    }
  })

  it('counts the union of all rows\' columns (knex binds every column for every row)', () => {
    const rows = [{ a: 1 }, ...rowsOf(3000, 40)]
    for (const c of chunkRows('mssql', rows)) expect(c.length * 41).toBeLessThanOrEqual(2000)
  })
})

describe('insertChunked on mssql', () => {
  it('compiles every statement under 2100 parameters and at most 1000 rows', async () => {
    for (const [n, cols] of [[5000, 7], [2500, 1], [333, 64], [10, 300]] as const) {
      const { db, log } = recorder('mssql')
      const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(Array.from({ length: cols }, (_, c) => [`col_${c}`, `值${i}-${c}`])))
      await insertChunked(db, 'mssql', 'big', rows)
      expect(log.length).toBeGreaterThan(0)
      let total = 0
      for (const q of log) {
        expect(q.sql).toMatch(/^insert into \[big\] /)
        expect(q.bindings.length).toBeLessThan(2100)
        const values = (q.sql.match(/\(@p/g) ?? []).length
        expect(values).toBeLessThanOrEqual(1000)
        total += q.bindings.length
      }
      expect(total).toBe(n * cols)
    }
  })

  it('stays under the limit when later rows carry more columns than the first', async () => {
    const { db, log } = recorder('mssql')
    const rows = [{ a: 1 }, ...Array.from({ length: 500 }, (_, i) => Object.fromEntries(Array.from({ length: 30 }, (_, c) => [`c${c}`, i])))]
    await insertChunked(db, 'mssql', 't', rows)
    for (const q of log) expect(q.bindings.length).toBeLessThan(2100)
  })
})

describe('applyPage', () => {
  it('compiles to OFFSET … FETCH NEXT on mssql and LIMIT/OFFSET elsewhere', () => {
    const page = { page: 3, pageSize: 20 }
    const native = (d: Dialect) => applyPage(compilerOnly(d)('t').select('id').orderBy('name'), page).toSQL().toNative() as Compiled
    expect(native('mssql')).toEqual({ sql: 'select [id] from [t] order by [name] asc offset @p0 rows fetch next @p1 rows only', bindings: [40, 20] })
    expect(native('postgres')).toEqual({ sql: 'select "id" from "t" order by "name" asc limit $1 offset $2', bindings: [20, 40] })
    expect(native('sqlite')).toEqual({ sql: 'select `id` from `t` order by `name` asc limit ? offset ?', bindings: [20, 40] })
    // the first page needs no offset
    expect((applyPage(compilerOnly('mssql')('t').orderBy('id'), { page: 1, pageSize: 5 }).toSQL().toNative() as Compiled).sql).toBe('select top (@p0) * from [t] order by [id] asc')
    // a raw ORDER BY counts too
    expect((applyPage(compilerOnly('mssql')('t').orderByRaw('lower(name)'), page).toSQL().toNative() as Compiled).sql).toMatch(/order by lower\(name\) offset @p0 rows fetch next @p1 rows only$/)
  })

  it('refuses a query without ORDER BY on every dialect (SQL Server rejects OFFSET without it)', () => {
    for (const d of DIALECTS) expect(() => applyPage(compilerOnly(d)('t').select('*'), { page: 2, pageSize: 10 })).toThrow(/orderBy/)
  })
})

describe('likePattern / whereLike', () => {
  it('escapes % _ [ and \\ so user text matches literally', () => {
    expect(likePattern('100%')).toBe('%100\\%%')
    expect(likePattern('a_b')).toBe('%a\\_b%')
    expect(likePattern('[abc]')).toBe('%\\[abc]%')
    expect(likePattern('C:\\dir')).toBe('%C:\\\\dir%')
    expect(likePattern('广州%_', 'prefix')).toBe('广州\\%\\_%')
    expect(likePattern('plain')).toBe('%plain%')
  })

  it('compiles to LIKE … ESCAPE with a bound pattern on every dialect', () => {
    const expected: Record<Dialect, string> = {
      mssql: "select * from [t] where [name] like @p0 escape '\\'",
      postgres: `select * from "t" where "name" like $1 escape '\\'`,
      sqlite: "select * from `t` where `name` like ? escape '\\'",
    }
    for (const d of DIALECTS) {
      const q = whereLike(compilerOnly(d)('t').select('*'), 'name', "x'; drop table t; --").toSQL().toNative() as Compiled
      expect(q.sql).toBe(expected[d])
      expect(q.bindings).toEqual(["%x'; drop table t; --%"])
    }
  })

  it('whereContainsAny: lower-cased OR group over the columns, one bound pattern each', () => {
    const q = whereContainsAny(compilerOnly('mssql')('t').select('*').where('x', 1), ['a', 'b'], 'Ab%').toSQL().toNative() as Compiled
    expect(q.sql).toBe("select * from [t] where [x] = @p0 and (lower([a]) like @p1 escape '\\' or lower([b]) like @p2 escape '\\')")
    expect(q.bindings).toEqual([1, '%ab\\%%', '%ab\\%%'])
  })
})

describe('value normalisation', () => {
  it('toIso turns driver values into ISO-8601 UTC', () => {
    expect(toIso(new Date('2026-03-04T05:06:07.089Z'))).toBe('2026-03-04T05:06:07.089Z')
    expect(toIso('2026-03-04T05:06:07.089Z')).toBe('2026-03-04T05:06:07.089Z')
    expect(toIso('2026-03-04 05:06:07')).toBe('2026-03-04T05:06:07.000Z') // SQLite text, UTC
    expect(toIso('2026-03-04T13:06:07+08:00')).toBe('2026-03-04T05:06:07.000Z')
    expect(toIso(null)).toBeNull()
    expect(toIso(undefined)).toBeNull()
    expect(toIso('')).toBeNull()
    expect(toIso('not a date')).toBe('not a date')
  })

  it('toBool accepts what each driver returns for a boolean', () => {
    for (const v of [true, 1, '1', 'true']) expect(toBool(v), String(v)).toBe(true)
    for (const v of [false, 0, '0', 'false', null, undefined, '', 2, 'yes']) expect(toBool(v), String(v)).toBe(false)
  })

  it('toNum reads numbers, numeric strings and bigints; anything else is null', () => {
    expect(toNum(12)).toBe(12)
    expect(toNum('12.5')).toBe(12.5)
    expect(toNum(BigInt(9007199254740991))).toBe(9007199254740991)
    expect(toNum('0')).toBe(0)
    for (const v of [null, undefined, '', 'abc', Number.NaN, Number.POSITIVE_INFINITY]) expect(toNum(v), String(v)).toBeNull()
  })
})

describe('parseDbUrl / describeDb', () => {
  it('parses sqlite paths', () => {
    expect(parseDbUrl('sqlite:./data/crm.sqlite')).toEqual({ dialect: 'sqlite', file: path.resolve('data/crm.sqlite') })
    expect(parseDbUrl('sqlite:///var/lib/crm.sqlite')).toEqual({ dialect: 'sqlite', file: '/var/lib/crm.sqlite' })
    expect(parseDbUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' })
    expect(() => parseDbUrl('sqlite:')).toThrow(/file path/)
  })

  it('keeps PostgreSQL URLs as they are', () => {
    expect(parseDbUrl('postgres://crm:pw@db:5432/crm')).toEqual({ dialect: 'postgres', url: 'postgres://crm:pw@db:5432/crm' })
    expect(parseDbUrl('postgresql://db/crm')).toEqual({ dialect: 'postgres', url: 'postgresql://db/crm' })
  })

  it('parses SQL Server URLs with an encoded password, instance and options', () => {
    expect(parseDbUrl('mssql://sa:p%40ss%3Aw0rd@sql.example.cn:1444/crm?instance=SQLEXPRESS&encrypt=false&trustServerCertificate=true')).toEqual({
      dialect: 'mssql', host: 'sql.example.cn', port: 1444, instance: 'SQLEXPRESS', database: 'crm', user: 'sa', password: 'p@ss:w0rd', encrypt: false, trustServerCertificate: true,
    })
    expect(parseDbUrl('sqlserver://u:p@h/db')).toEqual({ dialect: 'mssql', host: 'h', port: undefined, instance: undefined, database: 'db', user: 'u', password: 'p', encrypt: true, trustServerCertificate: false })
    expect(() => parseDbUrl('mssql://u:secret-pw@h/')).toThrow(/host and database/)
  })

  it('refuses other schemes without echoing the URL (it may hold a password)', () => {
    let message = ''
    try {
      parseDbUrl('mysql://root:secret-pw@db/crm')
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/unsupported database URL: mysql/)
    expect(message).not.toContain('secret-pw')
  })

  it('describeDb never prints a password', () => {
    expect(describeDb({ dialect: 'sqlite', file: '/data/crm.sqlite' })).toBe('sqlite:/data/crm.sqlite')
    const pg = describeDb({ dialect: 'postgres', url: 'postgres://crm:secret-pw@db.example.cn:5432/crm' })
    expect(pg).toBe('postgres://crm:***@db.example.cn:5432/crm')
    expect(describeDb({ dialect: 'postgres', url: 'postgres://crm@db/crm' })).toBe('postgres://crm@db/crm')
    expect(describeDb({ dialect: 'postgres', url: 'not a url secret-pw' })).not.toContain('secret-pw')
    const ms = describeDb({ dialect: 'mssql', host: 'sql', instance: 'SQLEXPRESS', database: 'crm', user: 'sa', password: 'secret-pw' })
    expect(ms).toBe('mssql://sa@sql\\SQLEXPRESS:1433/crm')
    expect(describeDb({ dialect: 'mssql', host: 'sql', port: 1444, database: 'crm', user: 'sa', password: 'secret-pw' })).toBe('mssql://sa@sql:1444/crm')
    const fromUrl = describeDb(parseDbUrl('mssql://sa:secret-pw@sql/crm'))
    expect(fromUrl).not.toContain('secret-pw')
  })
})
