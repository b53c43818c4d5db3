// upsert, nextSequence, insertChunked and whereLike against real SQLite and PostgreSQL databases.
// SQL Server's upsert (MERGE WITH (HOLDLOCK)) is T-SQL only: its compiled SQL is checked in
// test/unit/dialect.test.ts; its insertChunked chunk sizes run here on PostgreSQL.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { applyPage, insertChunked, upsert, whereLike } from '../../src-main/db/dialect'
import { nextSequence } from '../../src-main/db/ids'
import type { Dialect } from '../../src-main/db/config'

describeEachDb('dialect helpers', (dialect) => {
  let t: TestApp
  let k: Knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    k = t.app.db.knex
    await k.schema.createTable('zz_items', (tb) => {
      tb.string('id', 36).primary()
      tb.string('name', 200).notNullable()
      tb.integer('qty').nullable()
    })
    await k.schema.createTable('zz_stock', (tb) => {
      tb.string('product', 36).notNullable()
      tb.string('warehouse', 100).notNullable()
      tb.integer('qty').notNullable().defaultTo(0)
      tb.primary(['product', 'warehouse'])
    })
    await k.schema.createTable('zz_links', (tb) => {
      tb.string('a', 36).notNullable()
      tb.string('b', 36).notNullable()
      tb.primary(['a', 'b'])
    })
    await k.schema.createTable('zz_bulk', (tb) => {
      tb.integer('n').primary()
      tb.string('label', 50).notNullable()
      tb.string('note', 50).nullable()
    })
  })
  afterAll(async () => {
    await t.close()
  })

  {
    const path = dialect
    it(`upsert inserts, then updates, by single and composite keys`, async () => {
      await k('zz_items').delete()
      await k('zz_stock').delete()
      await k('zz_links').delete()
      await k.transaction(async (trx) => {
        await upsert(trx, path, 'zz_items', { id: 'a', name: '华南区', qty: 1 }, ['id'])
        await upsert(trx, path, 'zz_items', { id: 'b', name: "O'Neil; drop table zz_items; --", qty: null }, ['id'])
      })
      await k.transaction((trx) => upsert(trx, path, 'zz_items', { id: 'a', name: '华南大区', qty: 2 }, ['id']))
      expect(await k('zz_items').orderBy('id').select('*')).toEqual([
        { id: 'a', name: '华南大区', qty: 2 },
        { id: 'b', name: "O'Neil; drop table zz_items; --", qty: null },
      ])

      await k.transaction(async (trx) => {
        await upsert(trx, path, 'zz_stock', { product: 'p1', warehouse: '一号库', qty: 5 }, ['product', 'warehouse'])
        await upsert(trx, path, 'zz_stock', { product: 'p1', warehouse: '二号库', qty: 7 }, ['product', 'warehouse'])
        await upsert(trx, path, 'zz_stock', { product: 'p1', warehouse: '一号库', qty: 9 }, ['product', 'warehouse'])
      })
      expect(await k('zz_stock').orderBy('qty').select('warehouse', 'qty')).toEqual([
        { warehouse: '二号库', qty: 7 },
        { warehouse: '一号库', qty: 9 },
      ])

      // a row that is all key: inserted once, a repeat changes nothing
      await k.transaction(async (trx) => {
        await upsert(trx, path, 'zz_links', { a: 'x', b: 'y' }, ['a', 'b'])
        await upsert(trx, path, 'zz_links', { a: 'x', b: 'y' }, ['a', 'b'])
      })
      expect(await k('zz_links').select('a', 'b')).toEqual([{ a: 'x', b: 'y' }])
    })
  }

  it('nextSequence counts 1, 2, 3 per name; a rolled-back number is taken again', async () => {
    const next = (name: string) => k.transaction((trx) => nextSequence(trx, name))
    expect([await next('t:a'), await next('t:a'), await next('t:b'), await next('t:a')]).toEqual([1, 2, 1, 3])
    await expect(
      k.transaction(async (trx) => {
        expect(await nextSequence(trx, 't:a')).toBe(4)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect(await next('t:a')).toBe(4)
  })

  it('20 parallel first writers of a new sequence get 20 distinct numbers (each in its own transaction)', async () => {
    // on PostgreSQL these are 20 connections racing for a row none of them sees yet; SQLite
    // serialises its writers (one connection), so there it checks the numbering only
    for (let round = 0; round < 3; round++) {
      const name = `race:${round}`
      const got = await Promise.all(
        Array.from({ length: 20 }, () =>
          k.transaction(async (trx) => {
            const n = await nextSequence(trx, name)
            await trx.raw(dialect === 'postgres' ? 'select pg_sleep(0.01)' : 'select 1') // hold the row a little while the others queue
            return n
          }),
        ),
      )
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    }
  })

  // SQL Server's 1000-row chunks exceed SQLite's 500-term compound SELECT: that path runs on PostgreSQL
  for (const path of (dialect === 'postgres' ? ['postgres', 'mssql'] : ['sqlite']) as Dialect[]) {
    it(`insertChunked (${path} chunk sizes) writes every row, across several statements`, async () => {
      await k('zz_bulk').delete()
      const rows = Array.from({ length: 2345 }, (_, i) => (i % 3 ? { n: i, label: `行${i}` } : { n: i, label: `行${i}`, note: `备注 ${i}` }))
      const statements: string[] = []
      const onQuery = (q: { sql: string }) => statements.push(q.sql)
      k.on('query', onQuery)
      try {
        await k.transaction((trx) => insertChunked(trx, path, 'zz_bulk', rows))
      } finally {
        k.off('query', onQuery)
      }
      expect(statements.filter((s) => /^insert into/i.test(s)).length).toBeGreaterThanOrEqual(path === 'postgres' ? 1 : 3)
      expect(Number((await k('zz_bulk').count({ n: '*' }))[0].n)).toBe(2345)
      expect(await k('zz_bulk').where({ n: 2344 }).first()).toEqual({ n: 2344, label: '行2344', note: null })
      expect(await k('zz_bulk').where({ n: 2340 }).first()).toEqual({ n: 2340, label: '行2340', note: '备注 2340' })
    })
  }

  it('whereLike matches %, _ and [ literally; applyPage pages in order', async () => {
    await k('zz_items').delete()
    await k('zz_items').insert([
      { id: '1', name: '100% 折扣' },
      { id: '2', name: '1000 折扣' },
      { id: '3', name: 'a_b' },
      { id: '4', name: 'axb' },
      { id: '5', name: '[备注]' },
    ])
    const names = async (v: string) => (await whereLike(k('zz_items').select('name'), 'name', v).orderBy('id')).map((r: { name: string }) => r.name)
    expect(await names('0%')).toEqual(['100% 折扣'])
    expect(await names('_')).toEqual(['a_b'])
    expect(await names('[备')).toEqual(['[备注]'])
    expect(await names('折扣')).toEqual(['100% 折扣', '1000 折扣'])
    const page2 = await applyPage(k('zz_items').select('id').orderBy('id'), { page: 2, pageSize: 2 })
    expect(page2.map((r: { id: string }) => r.id)).toEqual(['3', '4'])
  })
})
