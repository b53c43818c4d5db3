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
})
