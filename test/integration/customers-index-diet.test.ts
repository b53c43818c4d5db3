// The customers table's index diet (migration 20261207001000): the narrow indexes it drops are
// gone, each but next_contact_at's is the leading part of an index that stays (so its reads
// still find an index), the reads those indexes served are planned on the wider one, and the
// migration's down puts them back. SQLite, PostgreSQL, mssql id mode.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { DROPPED, down, up } from '../../db/migrations/20261207001000_customers-index-diet'

describeEachDb('the customers table\'s index diet', (dialect) => {
  let t: TestApp
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
  })
  afterAll(() => t?.close())

  /** Every index of customers with its key columns in order (an expression as null). */
  const indexes = async (): Promise<Map<string, Array<string | null>>> => {
    const out = new Map<string, Array<string | null>>()
    if (dialect === 'sqlite') {
      const names: Array<{ name: string }> = await k().raw("select name from sqlite_master where type = 'index' and tbl_name = 'customers'")
      for (const { name } of names) {
        const cols: Array<{ name: string | null }> = await k().raw('select name from pragma_index_info(?) order by seqno', [name])
        out.set(name, cols.map((c) => c.name))
      }
    } else {
      const rows: Array<{ name: string; cols: Array<string | null> }> = (
        await k().raw(`select i.relname as name, array(select a.attname::text from unnest(x.indkey) with ordinality as u(n, o)
            left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n order by u.o) as cols
          from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
          join pg_namespace s on s.oid = c.relnamespace where c.relname = 'customers' and s.nspname = current_schema()`)
      ).rows
      for (const r of rows) out.set(r.name, r.cols)
    }
    return out
  }

  const plan = async (sql: string): Promise<string> => ((await k().raw(`explain query plan ${sql}`)) as Array<{ detail: string }>).map((r) => r.detail).join(' | ')

  it('drops the six narrow indexes; each but next_contact_at\'s (and name\'s off SQLite) is the leading part of an index that stays', async () => {
    const have = await indexes()
    for (const [name] of DROPPED) expect([...have.keys()]).not.toContain(name)
    for (const [name, cols] of DROPPED) {
      if (name === 'customers_next_contact_at_index') continue // the list's sort reads the nulls-last covers
      // PostgreSQL has no customers_name_cover (SQLite only, migration 20261206000700): nothing reads
      // customers by plain name there — the search's name range reads customers_name_prefix
      if (name === 'customers_name_index' && dialect !== 'sqlite') {
        expect([...have.keys()]).toContain('customers_name_prefix')
        continue
      }
      const wider = [...have].filter(([, c]) => cols.every((col, i) => c[i] === col))
      expect(wider.length, `${name}: an index leading with ${cols.join(', ')}`).toBeGreaterThan(0)
    }
    // the wider indexes named in the migration's comment
    expect(have.get('customers_status_index')).toEqual(['status']) // kept: see the migration's comment
    expect(have.get('customers_owner_id_index')).toEqual(['owner_id']) // kept: see the migration's comment
    expect(have.get('customers_created_cover')?.[0]).toBe('created_at')
  })

  // SQLite: which index a read takes (a test database is empty: PostgreSQL's choice there says
  // nothing — its plans at 100,000 customers are in BENCHMARKS.md)
  if (dialect === 'sqlite') it('plans the reads the dropped indexes served on the wider ones', async () => {
    const cases: Array<[string, RegExp]> = [
      ["select id from customers where created_at >= '2026-12-01' and created_at < '2026-12-02'", /customers_created_cover/],
      ["select id from customers where name = '华为' and deleted_at is null", /customers_name_cover/],
      ["select id from customers where name_pinyin >= 'hua' and name_pinyin < 'hub'", /customers_pinyin_cover/],
      ["select id from customers where contact_policy_id = '00000000-0000-4000-8000-000000000002'", /customers_contact_policy_id_last_contact_at_index/],
      ["select id from customers where purchase_policy_id = '00000000-0000-4000-8000-000000000003'", /customers_purchase_policy_id_last_order_date_index/],
    ]
    for (const [sql, index] of cases) expect(await plan(sql), sql).toMatch(index)
  })

  it('down puts the dropped indexes back with their columns, up drops them again', async () => {
    await down(k())
    const back = await indexes()
    for (const [name, cols] of DROPPED) expect(back.get(name), name).toEqual(cols)
    await up(k())
    const again = await indexes()
    for (const [name] of DROPPED) expect([...again.keys()]).not.toContain(name)
  })
})
