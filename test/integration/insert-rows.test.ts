// insertRows (src-main/db/dialect.ts): the bulk writer of imports and crm demo writes what knex's
// own insert writes (a key a row lacks: NULL on SQLite, the column's DEFAULT on PostgreSQL), in
// a handful of statement texts whatever the number of rows (SQLite keeps them prepared).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { insertRows } from '../../src-main/db/dialect'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'

describeEachDb('insertRows: knex\'s values, few statement texts', (dialect) => {
  let t: TestApp
  const k = () => t.app.db.knex
  const table = (name: string) =>
    k().schema.createTable(name, (c) => {
      c.integer('n').primary()
      c.string('a', 20).nullable().defaultTo('dflt')
      c.string('b', 20).nullable()
      c.boolean('flag').nullable()
    })

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    await table('ins_rows_probe')
    await table('ins_rows_knex')
    for (const name of ['ins_typed_probe', 'ins_typed_knex']) {
      await k().schema.createTable(name, (c) => {
        c.uuid('id').primary()
        c.integer('n').notNullable()
        c.bigInteger('cents').nullable()
        c.string('name', 255).nullable()
        c.text('notes').nullable()
        c.boolean('flag').nullable()
        c.timestamp('at', { useTz: true }).nullable()
        c.date('day').nullable()
        c.decimal('qty', 14, 2).nullable()
        c.json('extra').nullable()
        c.string('dflt', 20).nullable().defaultTo('dflt')
      })
    }
  })
  afterAll(() => t.close())

  it('writes the rows as knex does, in at most 8 distinct statements for 1,000 rows', async () => {
    const rows = Array.from({ length: 1000 }, (_, n) => {
      const r: Record<string, unknown> = { n, b: n % 3 ? `第${n}行` : null, flag: n % 2 === 0 }
      if (n % 5) r.a = `a${n}` // every fifth row lacks a
      return r
    })
    const texts = new Set<string>()
    const note = (q: { sql: string }) => texts.add(q.sql)
    k().on('query', note)
    await k().transaction((trx) => insertRows(trx, dialect, 'ins_rows_probe', rows))
    k().off('query', note)
    for (let i = 0; i < rows.length; i += 100) await k()('ins_rows_knex').insert(rows.slice(i, i + 100))
    const inserts = [...texts].filter((s) => /^insert/i.test(s))
    if (dialect === 'sqlite') expect(inserts.length).toBeLessThanOrEqual(8) // 128 × 7 + 64 + 32 + 8: four texts
    const read = async (name: string) => (await k()(name).orderBy('n').select('n', 'a', 'b', 'flag')).map((r) => ({ ...r, flag: r.flag === null ? null : Boolean(r.flag) }))
    const mine = await read('ins_rows_probe')
    expect(mine).toHaveLength(1000)
    expect(mine).toEqual(await read('ins_rows_knex'))
    expect(mine[5]!.a).toBe(dialect === 'postgres' ? 'dflt' : null)
    expect(mine[6]).toEqual({ n: 6, a: 'a6', b: null, flag: true })
  })

  it('writes rows with every column as knex does, on PostgreSQL in one unnest statement per 5,000 rows', async () => {
    const hex = (n: number) => n.toString(16).padStart(12, '0')
    const rows = Array.from({ length: 6001 }, (_, n) => ({
      id: `0000${n % 10}000-0000-4000-8000-${hex(n)}`,
      n,
      cents: n % 7 ? n * 1_000_000_007 : null,
      // quotes, backslashes, braces, commas, NULL as text, Chinese: what an array literal must escape
      name: n % 4 === 0 ? `客户"${n}"\\路{1,2}, NULL` : n % 4 === 1 ? '' : n % 4 === 2 ? 'NULL' : `第${n}家 有限公司`,
      notes: n % 3 ? null : `行一\n行二\t${'长'.repeat(n % 50)}`,
      flag: n % 3 === 0 ? null : n % 2 === 0,
      at: n % 5 ? new Date(Date.UTC(2026, 0, 1) + n * 61_001).toISOString() : null,
      day: n % 6 ? `2026-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}` : null,
      qty: n % 8 ? (n % 1000) / 4 : null,
      extra: n % 9 ? JSON.stringify({ k: n, s: '值"\\' }) : null,
    }))
    const texts: string[] = []
    const note = (q: { sql: string }) => texts.push(q.sql)
    k().on('query', note)
    await k().transaction((trx) => insertRows(trx, dialect, 'ins_typed_probe', rows))
    k().off('query', note)
    for (let i = 0; i < rows.length; i += 200) await k()('ins_typed_knex').insert(rows.slice(i, i + 200))
    const inserts = texts.filter((s) => /^insert/i.test(s))
    if (dialect === 'postgres') {
      expect(inserts).toHaveLength(2) // 5,000 + 1,001 rows
      expect(inserts[0]).toMatch(/select \* from unnest\(\$1::uuid\[\], \$2::integer\[\], \$3::bigint\[\]/)
    }
    const read = async (name: string) =>
      (await k()(name).orderBy('n').select('*')).map((r: Record<string, unknown>): Record<string, unknown> => ({
        ...r,
        flag: r.flag === null ? null : Boolean(r.flag),
        at: r.at === null ? null : new Date(r.at as string).toISOString(),
        day: r.day instanceof Date ? r.day.toISOString() : r.day,
        cents: r.cents === null ? null : String(r.cents),
        qty: r.qty === null ? null : Number(r.qty),
        extra: typeof r.extra === 'string' ? JSON.parse(r.extra) : r.extra,
      }))
    const mine = await read('ins_typed_probe')
    expect(mine).toHaveLength(6001)
    expect(mine).toEqual(await read('ins_typed_knex'))
    expect(mine[4]).toMatchObject({ name: '客户"4"\\路{1,2}, NULL', notes: null, flag: true, dflt: 'dflt', extra: { k: 4, s: '值"\\' } })
    expect(mine[2]!.name).toBe('NULL') // the text, not a null
    expect(mine[1]!.name).toBe('')
  })
})
