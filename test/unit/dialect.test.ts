// The dialect helpers compiled per database without a connection. mssql queries are read
// with .toSQL().toNative() (toString() prints `= true`, which is not T-SQL).
import path from 'node:path'
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { compilerOnly, knexConfig } from '../../src-main/db/connection'
import type { Dialect } from '../../src-main/db/config'
import { describeDb, parseDbUrl } from '../../src-main/db/config'
import {
  ALL_ROWS, applyPage, bulkCommit, chunkRows, dialectOf, selectForUpdate, incrementCounter, insertChunked, insertRows, likePattern, lowerCaseIds, MAX_PARAMS, toBool, toIso, toNum, upsert,
  whereContainsAny, whereLike,
} from '../../src-main/db/dialect'
import { nextSequence } from '../../src-main/db/ids'
import { orderPageIds, paymentPageIds } from '../../src-main/modules/orders/orders.repository'

interface Compiled {
  sql: string
  bindings: readonly unknown[]
}

/**
 * A stand-in knex: `db(table)` and `db.raw(…)` build real queries with the dialect's compiler
 * and, when awaited, record the native SQL and answer the next canned result.
 */
function recorder(dialect: Dialect, results: unknown[] = []) {
  const k = compilerOnly(dialect)
  const log: Compiled[] = []
  const recording = <Q extends { toSQL(): { toNative(): unknown } }>(q: Q): Q => {
    Object.defineProperty(q, 'then', {
      value: (resolve: (v: unknown) => void, reject: (e: unknown) => void) => {
        try {
          log.push(q.toSQL().toNative() as Compiled)
          resolve(results.shift())
        } catch (e) {
          reject(e)
        }
      },
    })
    return q
  }
  const db = Object.assign((table: string) => recording(k(table)), {
    raw: (sql: string, bindings: readonly Knex.RawBinding[]) => recording(k.raw(sql, bindings)),
    client: k.client,
  }) as unknown as Knex
  return { db, log, k }
}

const DIALECTS: Dialect[] = ['mssql', 'postgres', 'sqlite']

describe('upsert', () => {
  const row = { id: 'k1', name: '华南', sort_order: 3 }

  it('mssql: one MERGE WITH (HOLDLOCK) (two first writers cannot both insert), bound values, never ON CONFLICT', async () => {
    const ms = recorder('mssql')
    await upsert(ms.db, 'mssql', 'items', row, ['id'])
    expect(ms.log).toEqual([
      {
        sql:
          'merge into [items] with (holdlock) as t using (values (@p0, @p1, @p2)) as s ([id], [name], [sort_order]) on t.[id] = s.[id] ' +
          'when matched then update set [name] = s.[name], [sort_order] = s.[sort_order] ' +
          'when not matched then insert ([id], [name], [sort_order]) values (s.[id], s.[name], s.[sort_order]);',
        bindings: ['k1', '华南', 3],
      },
    ])
    // hostile values stay bindings, never SQL text
    const evil = recorder('mssql')
    await upsert(evil.db, 'mssql', 'items', { id: "x'; drop table items; --", name: 'n' }, ['id'])
    expect(evil.log[0].sql).not.toContain('drop table')
    expect(evil.log[0].bindings).toEqual(["x'; drop table items; --", 'n'])
  })

  it('mssql: composite keys join the ON clause; a keys-only row only inserts when missing', async () => {
    const composite = recorder('mssql')
    await upsert(composite.db, 'mssql', 'inventory', { product_id: 'p', warehouse: '一号库', quantity: 5 }, ['product_id', 'warehouse'])
    expect(composite.log[0].sql).toBe(
      'merge into [inventory] with (holdlock) as t using (values (@p0, @p1, @p2)) as s ([product_id], [warehouse], [quantity]) ' +
        'on t.[product_id] = s.[product_id] and t.[warehouse] = s.[warehouse] when matched then update set [quantity] = s.[quantity] ' +
        'when not matched then insert ([product_id], [warehouse], [quantity]) values (s.[product_id], s.[warehouse], s.[quantity]);',
    )
    const keysOnly = recorder('mssql')
    await upsert(keysOnly.db, 'mssql', 'links', { a: 1, b: 2 }, ['a', 'b'])
    expect(keysOnly.log.map((q) => q.sql)).toEqual([
      'merge into [links] with (holdlock) as t using (values (@p0, @p1)) as s ([a], [b]) on t.[a] = s.[a] and t.[b] = s.[b] ' +
        'when not matched then insert ([a], [b]) values (s.[a], s.[b]);',
    ])
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

describe('nextSequence / incrementCounter', () => {
  it('mssql: one MERGE WITH (HOLDLOCK) that increments or creates the row and outputs the new value', async () => {
    const ms = recorder('mssql', [[{ value: 7 }]])
    expect(await nextSequence(ms.db as Knex.Transaction, 'customer:2026')).toBe(7)
    expect(ms.log).toEqual([
      {
        sql:
          'merge into [code_sequences] with (holdlock) as t using (values (@p0)) as s ([name]) on t.[name] = s.[name] ' +
          'when matched then update set [value] = t.[value] + @p1 when not matched then insert ([name], [value]) values (s.[name], @p2) ' +
          'output inserted.[value];',
        bindings: ['customer:2026', 1, 1],
      },
    ])
  })

  it('PostgreSQL and SQLite: one INSERT … ON CONFLICT DO UPDATE … RETURNING', async () => {
    const pg = recorder('postgres', [[{ value: '12' }]])
    expect(await nextSequence(pg.db as Knex.Transaction, 'order:2026')).toBe(12)
    expect(pg.log).toEqual([
      {
        sql: 'insert into "code_sequences" ("name", "value") values ($1, $2) on conflict ("name") do update set "value" = "code_sequences"."value" + $3 returning "value"',
        bindings: ['order:2026', 1, 1],
      },
    ])
    const lite = recorder('sqlite', [[{ value: 1 }]])
    expect(await incrementCounter(lite.db, 'sqlite', 'code_sequences', { column: 'name', value: 'x' }, 'value')).toBe(1)
    expect(lite.log[0].sql).toBe(
      'insert into `code_sequences` (`name`, `value`) values (?, ?) on conflict (`name`) do update set `value` = `code_sequences`.`value` + ? returning `value`',
    )
    // an import reserves a run of codes in one statement: the step is bound, never spliced into the SQL
    const run = recorder('mssql', [[{ value: 250 }]])
    expect(await incrementCounter(run.db, 'mssql', 'code_sequences', { column: 'name', value: 'customer:2026' }, 'value', 250)).toBe(250)
    expect(run.log[0].bindings).toEqual(['customer:2026', 250, 250])
    await expect(incrementCounter(run.db, 'mssql', 'code_sequences', { column: 'name', value: 'x' }, 'value', 0)).rejects.toThrow(/positive integer/)
  })

  it('fails loudly when the database answers no value', async () => {
    await expect(incrementCounter(recorder('mssql', [[]]).db, 'mssql', 'code_sequences', { column: 'name', value: 'x' }, 'value')).rejects.toThrow(/no value/)
  })

  it('dialectOf reads the knex client', () => {
    for (const d of DIALECTS) expect(dialectOf(compilerOnly(d))).toBe(d)
  })
})

describe('selectForUpdate', () => {
  it('locks the rows read until the transaction ends: UPDLOCK, HOLDLOCK on mssql, FOR NO KEY UPDATE on PostgreSQL', () => {
    const native = (d: Dialect) => selectForUpdate(compilerOnly(d), d, 'roles').where({ code: 'admin' }).first('id').toSQL().toNative() as Compiled
    expect(native('mssql')).toEqual({ sql: 'select top (@p0) [id] from [roles] with (updlock, holdlock) where [code] = @p1', bindings: [1, 'admin'] })
    expect(native('postgres')).toEqual({ sql: 'select "id" from "roles" where "code" = $1 limit $2 for no key update', bindings: ['admin', 1] })
    expect(native('sqlite')).toEqual({ sql: 'select `id` from `roles` where `code` = ? limit ?', bindings: ['admin', 1] })
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

describe('insertRows and bulkCommit on mssql (the PostgreSQL unnest path and synchronous_commit stay away)', () => {
  it('insertRows writes what insertChunked writes: under 2100 parameters, no unnest, no cast', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `id-${i}`, name: `客户${i}`, n: i, flag: i % 2 === 0 }))
    const mine = recorder('mssql')
    await insertRows(mine.db, 'mssql', 'customers', rows)
    const theirs = recorder('mssql')
    await insertChunked(theirs.db, 'mssql', 'customers', rows)
    expect(mine.log).toEqual(theirs.log)
    expect(mine.log.length).toBeGreaterThan(5)
    for (const q of mine.log) {
      expect(q.sql).toMatch(/^insert into \[customers\] /)
      expect(q.sql).not.toMatch(/unnest|::/)
      expect(q.bindings.length).toBeLessThan(2100)
    }
  })

  it('bulkCommit sends nothing on mssql and SQLite, synchronous_commit off for the transaction on PostgreSQL', async () => {
    for (const dialect of ['mssql', 'sqlite'] as const) {
      const { db, log } = recorder(dialect)
      await bulkCommit(db as Knex.Transaction, dialect)
      expect(log).toEqual([])
    }
    const { db, log } = recorder('postgres')
    await bulkCommit(db as Knex.Transaction, 'postgres')
    expect(log.map((q) => q.sql)).toEqual(['set local synchronous_commit = off'])
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

  it('ALL_ROWS: an export\'s ordered read of every id keeps a TOP on mssql (an ORDER BY that can stand as a subquery), a plain LIMIT elsewhere', () => {
    const ms = compilerOnly('mssql')
    const orders = orderPageIds(ms('orders as o'), { field: 'orderDate', order: 'desc' }, 0, ALL_ROWS).toSQL().toNative() as Compiled
    expect(orders.sql).toMatch(/^select top \(@p0\) \[o\]\.\[id\] from \[orders\] as \[o\] order by .* desc$/)
    expect(orders.bindings).toEqual([ALL_ROWS])
    const payments = ms.select('x.id').from(paymentPageIds(ms('payments as p'), 0, ALL_ROWS).as('x')).toSQL().toNative() as Compiled
    expect(payments.sql).toMatch(/^select \[x\]\.\[id\] from \(select top \(@p0\) \[p\]\.\[id\] from \[payments\] as \[p\] order by .*\) as \[x\]$/)
    expect((paymentPageIds(compilerOnly('postgres')('payments as p'), 0, ALL_ROWS).toSQL().toNative() as Compiled).bindings).toEqual([ALL_ROWS])
    expect(ALL_ROWS).toBeGreaterThan(100_000_000) // more rows than any list holds
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

describe('lowerCaseIds (the id normalisation at the database boundary)', () => {
  const ID = '6F9619FF-8B86-D011-B42D-00C04FC964FF'
  const id = ID.toLowerCase()

  it('lower-cases UUID-shaped strings in rows, arrays of rows, plucked values, one row and one value', () => {
    const at = new Date('2026-01-01T00:00:00Z')
    expect(lowerCaseIds([{ id: ID, owner_id: ID, name: '广州', n: 3, at, none: null }])).toEqual([{ id, owner_id: id, name: '广州', n: 3, at, none: null }])
    expect(lowerCaseIds({ c_id: ID, title: 'x' })).toEqual({ c_id: id, title: 'x' })
    expect(lowerCaseIds([ID, ID, null])).toEqual([id, id, null])
    expect(lowerCaseIds(ID)).toBe(id)
    expect(lowerCaseIds(5)).toBe(5)
    expect(lowerCaseIds(undefined)).toBeUndefined()
    // mssql raw: an array of rows per result set
    expect(lowerCaseIds([[{ id: ID }]])).toEqual([[{ id }]])
  })

  it('leaves everything that is not exactly a UUID alone', () => {
    const row = {
      key: `follow_up:${ID}`, almost: ID.slice(0, 35) + 'G', longer: ID + '0', spaced: ` ${ID}`, text: '跟进：广州甲一', json: `{"id":"${ID}"}`,
      buf: Buffer.from(ID),
    }
    const copy = { ...row }
    expect(lowerCaseIds(row)).toEqual(copy)
  })

  it('changes rows in place (no copies of big results) and keeps non-plain objects as they are', () => {
    const rows = [{ id: ID }]
    expect(lowerCaseIds(rows)).toBe(rows)
    class Result {
      rows = [{ id: ID }]
    }
    const r = new Result()
    expect(lowerCaseIds(r).rows[0].id).toBe(ID)
  })
})

describe('knexConfig ids', () => {
  const ms = { dialect: 'mssql', host: 'sql', database: 'crm', user: 'u', password: 'p' } as const
  it('SQL Server (mocked: config only): tedious returns lower-case GUIDs and every read is normalised', () => {
    const c = knexConfig(ms)
    expect((c.connection as { options: Record<string, unknown> }).options).toMatchObject({ lowerCaseGuids: true, useUTC: true })
    expect(c.postProcessResponse?.([{ id: 'ABCDEF01-2345-6789-ABCD-EF0123456789' }], undefined)).toEqual([{ id: 'abcdef01-2345-6789-abcd-ef0123456789' }])
  })
  it('SQLite and PostgreSQL return ids as stored: normalised only when asked (the mssql id mode)', () => {
    expect(knexConfig({ dialect: 'postgres', url: 'postgres://x/y' }).postProcessResponse).toBeUndefined()
    expect(knexConfig({ dialect: 'sqlite', file: ':memory:' }).postProcessResponse).toBeUndefined()
    expect(knexConfig({ dialect: 'sqlite', file: ':memory:' }, { normaliseIds: true }).postProcessResponse?.('ABCDEF01-2345-6789-ABCD-EF0123456789', undefined)).toBe(
      'abcdef01-2345-6789-abcd-ef0123456789',
    )
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
