// 全局搜索's statements over customers and contacts compiled per database without a connection
// (SQL Server is mocked by its compiler only: no server here). SQL Server has no search index: a
// correct LIKE over the search text, wildcards escaped, a term no index narrows read from a TOP-
// bounded derived table. SQLite reads through its FTS5 trigram indexes, PostgreSQL through the
// GIN grams when asked.
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import { boundedSearchFrom, searchIndexFrom, searchIndexQuery, searchIndexServes, searchPrefixRange } from '../../src-main/db/dialect'
import * as customers from '../../src-main/modules/customers/customers.repository'
import * as contacts from '../../src-main/modules/contacts/contacts.repository'

const native = (q: unknown) => (q as Knex.QueryBuilder).toSQL().toNative() as { sql: string; bindings: unknown[] }
const ownScope = (col: string) => (q: Knex.QueryBuilder) => void q.where(col, 'u-1')

describe('global search SQL per database (SQL Server compiled only, no server)', () => {
  const ms = compilerOnly('mssql')

  it('SQL Server: customers\' matches are a LIKE over the search text with the wildcards escaped, no index', () => {
    const { query, bounded } = customers.searchMatchesQuery(ms, 'mssql', 'a_b%x', 400, ownScope('c.owner_id'), { grams: false })
    expect(bounded).toBe(false)
    const q = native(query)
    expect(q.sql).toBe(
      "select top (@p0) [c].[id], [c].[search_text] from [customers] as [c] where [c].[deleted_at] is null and [c].[owner_id] = @p1 and [c].[search_text] like @p2 escape '\\'",
    )
    expect(q.bindings).toEqual([400, 'u-1', '%a\\_b\\%x%'])
    expect(q.sql).not.toMatch(/match|crm_search_grams|ilike|_search_fts/)
  })

  it('SQL Server: a term no index narrows reads a TOP-bounded derived table (never the whole table)', () => {
    const { query, bounded } = customers.searchMatchesQuery(ms, 'mssql', 'h', 400, ownScope('c.owner_id'), { grams: false })
    expect(bounded).toBe(true)
    const q = native(query)
    expect(q.sql).toBe(
      "select top (@p0) [c].[id], [c].[search_text] from (select top (@p1) [c].[id], [c].[search_text] from [customers] as [c] where [c].[deleted_at] is null and [c].[owner_id] = @p2) as [c] where [c].[search_text] like @p3 escape '\\'",
    )
    expect(q.bindings).toEqual([400, customers.SEARCH_SCAN_BOUND, 'u-1', '%h%'])
  })

  it('SQL Server: contacts by a part\'s start, by name, a Chinese name inside customers\' names', () => {
    const part = native(contacts.searchPartPrefix(ms, 'mssql', 'zw', 20, ownScope('ct.owner_id'), { grams: false }))
    expect(part.sql).toBe("select top (@p0) [ct].[id], [ct].[search_text] from [contacts] as [ct] where [ct].[deleted_at] is null and [ct].[owner_id] = @p1 and [ct].[search_text] like @p2 escape '\\'")
    expect(part.bindings).toEqual([20, 'u-1', '%|zw%'])
    const prefix = native(contacts.searchNamePrefix(ms, 'mssql', 'zhang', 20, ownScope('ct.owner_id')))
    expect(prefix.sql).toMatch(/\[ct\]\.\[search_text\] like @p\d escape '\\' order by \[ct\]\.\[search_text\] asc$/)
    expect(prefix.bindings).toContain('zhang%')
    const name = native(customers.searchByNameContains(ms, 'mssql', '恒远', 20, ownScope('c.owner_id'), { grams: false }))
    expect(name.sql).toBe(
      "select top (@p0) [c].[id] from [customers] as [c] where [c].[deleted_at] is null and [c].[owner_id] = @p1 and ([c].[name] like @p2 escape '\\' or [c].[short_name] like @p3 escape '\\')",
    )
    expect(name.bindings).toEqual([20, 'u-1', '%恒远%', '%恒远%'])
    expect(searchIndexServes('mssql', 'hfyhjy')).toBe(false)
  })

  it('SQLite: the FTS5 index is the outer loop (CROSS JOIN), its query the term\'s trigrams with Chinese doubled', () => {
    const lite = compilerOnly('sqlite')
    const q = native(contacts.searchMatches(lite, 'sqlite', '张伟', 400, ownScope('ct.owner_id'), { grams: false }))
    expect(q.sql).toMatch(/^select `ct`.`id`, `ct`.`search_text` from `contact_search_fts` cross join `contact_search` on `contact_search`.`id` = `contact_search_fts`.rowid cross join `contacts` as `ct` on `ct`.`id` = `contact_search`.`contact_id` where `contact_search_fts` match \? /)
    expect(q.bindings).toContain('"张张伟" AND "张伟伟"')
    expect(searchIndexQuery('|hf')).toBe('"|hf"')
    expect(searchIndexQuery('hf')).toBeNull()
    expect(searchIndexQuery('张')).toBeNull() // 张张: two characters, no trigram
    expect(searchIndexQuery('|张')).toBe('"|张张"')
  })

  it('PostgreSQL: the GIN grams only when the plan asks for them', () => {
    const pg = compilerOnly('postgres')
    expect(native(searchIndexFrom(pg, 'postgres', 'customers', 'c', 'hfyhjy', { grams: true }).select('c.id')).sql).toContain('crm_search_grams("c"."search_text") @> $1::text[]')
    expect(native(searchIndexFrom(pg, 'postgres', 'customers', 'c', 'hfyhjy', { grams: false }).select('c.id')).sql).not.toContain('crm_search_grams')
    expect(() => boundedSearchFrom(pg, pg('customers as c'), 'c', 0)).toThrow()
  })

  it('prefix ranges: PostgreSQL over left(col, 100) COLLATE "C" (its expression indexes), SQLite a binary range, SQL Server LIKE', () => {
    const pg = native(searchPrefixRange(compilerOnly('postgres')('customers as c').select('c.id'), 'postgres', 'c.name', '广州'))
    expect(pg.sql).toBe('select "c"."id" from "customers" as "c" where left("c"."name", 100) collate "C" >= $1 and left("c"."name", 100) collate "C" < $2 order by left("c"."name", 100) collate "C"')
    expect(pg.bindings).toEqual(['广州', '广州\u{10FFFF}'])
    const lite = native(searchPrefixRange(compilerOnly('sqlite')('customers as c').select('c.id'), 'sqlite', 'c.name', '广州'))
    expect(lite.sql).toBe('select `c`.`id` from `customers` as `c` where `c`.`name` >= ? and `c`.`name` < ? order by `c`.`name` asc')
    const m = native(searchPrefixRange(ms('customers as c').select('c.id'), 'mssql', 'c.name', '广州'))
    expect(m.sql).toBe("select [c].[id] from [customers] as [c] where [c].[name] like @p0 escape '\\' order by [c].[name] asc")
    expect(m.bindings).toEqual(['广州%'])
  })
})
