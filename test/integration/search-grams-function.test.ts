// crm_search_grams as PL/pgSQL (migration 20261207001100, issue 11): the expression of the
// PostgreSQL GIN search indexes gives the same grams as the SQL function it replaces (so no index
// needed rebuilding) for texts of every kind, the indexes still serve the search, and down
// restores the SQL function. SQLite and SQL Server get no statement from the migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { printMigrationSql } from '../../src-main/db/migrate'
import * as m1100 from '../../db/migrations/20261207001100_search-grams-plpgsql'

const MIGRATION = '20261207001100_search-grams-plpgsql'

/** Texts of every kind: empty, null, one character, ideographs of other planes, separators, a long search text. */
const SAMPLES: Array<string | null> = [
  null, '', 'a', 'ab', '中', '中文', '科技a', '广州华兴电子有限公司0|kh2026000001|020-83559060|02083559060|guangzhouhuaxingdianziyouxiangongsi0|gzhxdzyxgs0',
  '𠀀龘𠀁', 'ｇｚ全角　空格', 'a||b', ' lead and trail ', "quote's \"double\"", '\\back\\slash', 'x'.repeat(2000), '张'.repeat(700) + '|zhang',
]

describe('migration 20261207001100: no statement on SQLite and SQL Server', () => {
  for (const d of ['sqlite', 'mssql'] as const) {
    it(`${d}: nothing between its marker and the next`, async () => {
      const out = await printMigrationSql(d)
      const at = out.indexOf(`-- migration ${MIGRATION}`)
      expect(at).toBeGreaterThan(0)
      const next = out.findIndex((s, i) => i > at && s.startsWith('-- migration '))
      expect(out.slice(at + 1, next < 0 ? out.length : next)).toEqual([])
    })
  }
  it('postgres: the function, nothing else', async () => {
    const out = await printMigrationSql('postgres')
    const at = out.indexOf(`-- migration ${MIGRATION}`)
    const next = out.findIndex((s, i) => i > at && s.startsWith('-- migration '))
    const mine = out.slice(at + 1, next < 0 ? out.length : next)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toContain('create or replace function crm_search_grams(t text) returns text[] language plpgsql immutable parallel safe')
  })
})

describeEachDb('crm_search_grams in PL/pgSQL', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('grams_admin', 'admin')
  }, 60_000)
  afterAll(async () => t?.close())
  const k = () => t.app.db.knex

  it('gives what the SQL function gave, for every sample and every stored search text; the search finds through the index', async () => {
    for (const name of ['宁波科技模具有限公司', '温州科技鞋业有限公司', '𠀀龘贸易']) {
      const c = await t.call(admin.key, 'customers', 'create', { name })
      await t.call(admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: '欧阳娜娜', mobile: '13912345678' } })
    }
    const hits = async (term: string) => {
      const r = await t.call(admin.key, 'search', 'global', { term, limit: 5 })
      return r.groups.find((g) => g.kind === 'customer')?.items.map((h) => h.title).sort() ?? []
    }
    expect(await hits('科技')).toEqual(['宁波科技模具有限公司', '温州科技鞋业有限公司'])
    expect(await hits('龘贸')).toEqual(['𠀀龘贸易'])
    if (dialect !== 'postgres') {
      expect(await k().raw("select name from sqlite_master where name like '%grams%'")).toEqual([])
      return
    }
    const lang = async () => (await k().raw("select l.lanname from pg_proc p join pg_language l on l.oid = p.prolang where p.proname = 'crm_search_grams'")).rows.map((r: { lanname: string }) => r.lanname)
    expect(await lang()).toEqual(['plpgsql'])
    // the old body under another name, to compare with
    await k().raw(m1100.SQL_FUNCTION.replace('crm_search_grams(t text)', 'pg_temp.grams_sql(t text)'))
    for (const x of SAMPLES) {
      const r = (await k().raw('select crm_search_grams(?::text) as now, pg_temp.grams_sql(?::text) as was', [x, x])).rows[0]
      expect(r.now, JSON.stringify(x)).toEqual(r.was)
    }
    expect((await k().raw("select crm_search_grams('科技a') as g")).rows[0].g).toEqual(['科', '技', 'a', '科技', '技a'])
    for (const table of ['customers', 'contacts']) {
      const r = (await k().raw(`select count(*) as n, count(*) filter (where crm_search_grams(search_text) is distinct from pg_temp.grams_sql(search_text)) as differ from ${table}`)).rows[0]
      expect(Number(r.n)).toBeGreaterThan(0)
      expect(Number(r.differ)).toBe(0)
    }
    // down restores the SQL function, up brings the loop back
    await m1100.down(k())
    expect(await lang()).toEqual(['sql'])
    expect(await hits('科技')).toEqual(['宁波科技模具有限公司', '温州科技鞋业有限公司'])
    await m1100.up(k())
    expect(await lang()).toEqual(['plpgsql'])
    expect(await hits('龘贸')).toEqual(['𠀀龘贸易'])
  })
})
