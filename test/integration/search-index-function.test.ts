// SQLite only (the function and the triggers exist only there): the search indexes' triggers
// double Chinese characters through crm_double_han, a JavaScript function every app connection
// registers (migration 20261206003300, issue 11: the per-character SQL doubling cost ~0.17 ms per
// written customer). Checks: the function gives what the old SQL doubling gave; the triggers call
// it; what services and imports write is found through the index; a connection without the
// function cannot write a customer (an error, nothing written) but can read; down restores the
// SQL doubling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { doubledHanSql } from '../../db/migrations/20261206002100_customer-search-index'
import * as m3300 from '../../db/migrations/20261206003300_search-index-js-doubling'
import { registerSqliteFunctions } from '../../src-main/db/connection'
import { searchIndexQuery } from '../../src-main/db/dialect'

describe('SQLite search indexes: Chinese doubling in a JavaScript SQL function', () => {
  let t: TestApp
  let s: Staff
  let file: string
  beforeAll(async () => {
    t = await makeTestApp('sqlite')
    s = await makeStaff(t)
    file = String((t.app.db.knex.client.config.connection as { filename: string }).filename)
  })
  afterAll(async () => t?.close())

  const indexed = async (table: 'customer_search_fts' | 'contact_search_fts', term: string) =>
    Number((await t.app.db.knex.raw(`select count(*) as n from ${table} where ${table} match ?`, [searchIndexQuery(term)]))[0].n)

  it('crm_double_han gives what the SQL doubling gave (ideographs of both ranges doubled; letters, digits, other planes, null as they were)', async () => {
    const samples = ['长春辉亿', 'Acme 贸易 13912345678', '㐀䶿一鿿', '𠀀龘', 'ｇｚ全角　', '', 'a|张伟|zhangwei|zw', null]
    for (const x of samples) {
      const [r] = await t.app.db.knex.raw(`with v(x) as (select ?) select crm_double_han(x) as js, ${doubledHanSql('x')} as sql from v`, [x])
      expect(r.js).toBe(r.sql)
    }
    const [r] = await t.app.db.knex.raw("select crm_double_han('科技a') as d")
    expect(r.d).toBe('科科技技a')
  })

  it('the triggers of customers, contacts, opportunities and service tickets call it; what the services write is found through the index', async () => {
    const triggers = await t.app.db.knex.raw("select name, sql from sqlite_master where type = 'trigger' and name like '%_search_%'")
    expect(triggers).toHaveLength(12)
    for (const tr of triggers.filter((x: { name: string }) => !x.name.endsWith('_delete'))) {
      expect(tr.sql).toMatch(/crm_double_han\((new\.search_text|coalesce\(new\.search_text, ''\))\)/)
      expect(tr.sql).not.toContain('with recursive')
    }
    const c = await t.call(s.admin.key, 'customers', 'create', { name: '合肥宇弘教育科技', ownerId: s.mgrA1.userId })
    await t.call(s.admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: '欧阳娜娜', mobile: '13912345678' } })
    expect(await indexed('customer_search_fts', '宇弘')).toBe(1)
    expect(await indexed('contact_search_fts', '阳娜')).toBe(1)
    await t.call(s.admin.key, 'customers', 'update', { id: c.id, version: c.version, fields: { name: '合肥星河教育' } })
    expect(await indexed('customer_search_fts', '宇弘')).toBe(0)
    expect(await indexed('customer_search_fts', '星河')).toBe(1)
  })

  it('a connection without the function cannot write a customer (an error, nothing written) and still reads; with it the write is indexed', () => {
    const db = new Database(file)
    try {
      const before = (db.prepare('select count(*) as n from customers').get() as { n: number }).n
      expect(before).toBeGreaterThan(0)
      const owner = (db.prepare('select owner_id from customers limit 1').get() as { owner_id: string }).owner_id
      const insert = () =>
        db.prepare("insert into customers (id, code, name, owner_id, customer_type, status, search_text, created_at, updated_at, version) values (?, ?, '外部工具写入', ?, 'company', 'normal', '外部工具写入', '2026-12-06T00:00:00.000Z', '2026-12-06T00:00:00.000Z', 1)")
          .run('00000000-0000-4000-8000-00000000c0de', 'KH-EXT-1', owner)
      expect(insert).toThrow(/no such function: crm_double_han/)
      expect((db.prepare('select count(*) as n from customers').get() as { n: number }).n).toBe(before)
      expect((db.prepare('select count(*) as n from customer_search').get() as { n: number }).n).toBe(before)
      registerSqliteFunctions(db)
      insert()
      const q = searchIndexQuery('工具')
      expect((db.prepare('select count(*) as n from customer_search_fts where customer_search_fts match ?').get(q) as { n: number }).n).toBe(1)
    } finally {
      db.close()
    }
  })

  it('down puts the SQL doubling back (same index content), up the function again', async () => {
    const k = t.app.db.knex
    await m3300.down(k)
    const [tr] = await k.raw("select sql from sqlite_master where name = 'customers_search_insert'")
    expect(tr.sql).toContain('with recursive')
    await t.call(s.admin.key, 'customers', 'create', { name: '南京紫金山贸易', ownerId: s.mgrA1.userId })
    expect(await indexed('customer_search_fts', '紫金')).toBe(1)
    await m3300.up(k)
    const [again] = await k.raw("select sql from sqlite_master where name = 'customers_search_insert'")
    expect(again.sql).toContain('crm_double_han(new.search_text)')
  })
})

