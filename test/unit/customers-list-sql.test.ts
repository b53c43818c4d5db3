// The customer list compiles to plain, portable SQL on every dialect — SQL Server included,
// which cannot run here: OFFSET/FETCH with an ORDER BY, a window count, LIKE … ESCAPE, no
// dialect-only NULLS LAST / ILIKE / LIMIT.
import { afterAll, describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import { customerListQueries, listRowsByIds, type ListQuery } from '../../src-main/modules/customers/customers.repository'

const knexes = { mssql: compilerOnly('mssql'), postgres: compilerOnly('postgres'), sqlite: compilerOnly('sqlite') }
afterAll(async () => {
  for (const k of Object.values(knexes)) await k.destroy()
})

const input = (over: Partial<ListQuery> = {}): ListQuery => ({
  page: 3, pageSize: 20, filter: {}, sort: { field: 'updatedAt', order: 'desc' }, ...over,
})
const scopeOwn = (q: import('knex').Knex.QueryBuilder) => q.where('c.owner_id', '00000000-0000-4000-8000-000000000001')

describe('customer list SQL', () => {
  it('on SQL Server: OFFSET/FETCH after ORDER BY, window count with a search, LIKE with ESCAPE', () => {
    const k = knexes.mssql
    const { pageIds, filtered } = customerListQueries(k, input({ filter: { search: 'GZ%ry', regionId: '00000000-0000-4000-8000-0000000000aa' }, sort: { field: 'nextContactAt', order: 'asc' } }), scopeOwn)
    const { sql, bindings } = pageIds({ offset: 40, limit: 20, reverse: false, withCount: true }).toSQL().toNative()
    expect(sql).toContain('select [c].[id], count(*) over () as [total_count] from [customers] as [c]')
    expect(sql).toContain('where coalesce([c].[deleted_at], [c].[deleted_at]) is null and [c].[owner_id] = @p0')
    expect(sql).toContain("[c].[search_text] like @p2 escape '\\'")
    expect(sql).toContain('order by case when [c].[next_contact_at] is null then 1 else 0 end asc, [c].[next_contact_at] asc, [c].[id] asc')
    expect(sql).toMatch(/offset @p\d+ rows fetch next @p\d+ rows only$/)
    expect(sql).not.toMatch(/\blimit\b|nulls last|ilike/i)
    // the search is lower-cased and its % matches literally; page 3 of 20 skips 40
    expect(bindings).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000aa', '%gz\\%ry%', 40, 20])
    const count = filtered.clone().count({ n: '*' }).toSQL().toNative().sql
    expect(count).toMatch(/^select count\(\*\) as \[n\] from \[customers\] as \[c\] where \[c\]\.\[deleted_at\] is null and \[c\]\.\[owner_id\] = @p0/)
  })

  it('counts in the page query only when a search or filter narrows the list', () => {
    expect(customerListQueries(knexes.sqlite, input({ filter: { search: 'x' } }), scopeOwn).narrowed).toBe(true)
    expect(customerListQueries(knexes.sqlite, input({ filter: { levelId: '00000000-0000-4000-8000-0000000000aa' } }), scopeOwn).narrowed).toBe(true)
    expect(customerListQueries(knexes.sqlite, input({ filter: { status: 'churned' } }), scopeOwn).narrowed).toBe(true)
    expect(customerListQueries(knexes.sqlite, input({ filter: {} }), scopeOwn).narrowed).toBe(false)
  })

  it('without a search or filter the page query has no window count (an index counts instead)', () => {
    for (const k of Object.values(knexes)) {
      const q = customerListQueries(k, input(), scopeOwn)
      expect(q.narrowed).toBe(false)
      const sql = q.pageIds({ offset: 0, limit: 20, reverse: false, withCount: false }).toSQL().sql
      expect(sql).not.toMatch(/over \(\)/)
      expect(sql).toMatch(/order by .*updated_at.* desc, .*id.* desc/)
    }
  })

  it('joins owner and primary contact only for the page ids, the same way on every dialect', () => {
    const ids = ['00000000-0000-4000-8000-000000000010', '00000000-0000-4000-8000-000000000011']
    const ms = listRowsByIds(knexes.mssql, ids).toSQL().toNative()
    expect(ms.sql).toContain('left join [users] as [u] on [u].[id] = [c].[owner_id]')
    expect(ms.sql).toContain('left join [contacts] as [pc] on [pc].[customer_id] = [c].[id] and [pc].[is_primary] = @p0 and [pc].[deleted_at] is null')
    expect(ms.sql).toContain('where [c].[id] in (@p1, @p2)')
    expect(ms.bindings).toEqual([true, ...ids])
    const pg = listRowsByIds(knexes.postgres, ids).toSQL().toNative()
    expect(pg.sql).toContain('left join "contacts" as "pc" on "pc"."customer_id" = "c"."id" and "pc"."is_primary" = $1 and "pc"."deleted_at" is null')
  })

  it('sorts every nullable field nulls-last with a portable CASE, and never by an unknown column', () => {
    for (const field of ['lastContactAt', 'nextContactAt', 'orderTotalCents', 'creditRating'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const q = customerListQueries(knexes.postgres, input({ sort: { field, order } }), scopeOwn)
        const fwd = q.pageIds({ offset: 0, limit: 20, reverse: false, withCount: false }).toSQL().sql
        expect(fwd).toMatch(new RegExp(`order by case when "c"\\."[a-z_]+" is null then 1 else 0 end asc, "c"\\."[a-z_]+" ${order}, "c"\\."id" ${order}`))
        // read from the end: every direction flips, so the nulls come first
        const back = order === 'asc' ? 'desc' : 'asc'
        const rev = q.pageIds({ offset: 0, limit: 20, reverse: true, withCount: false }).toSQL().sql
        expect(rev).toMatch(new RegExp(`order by case when "c"\\."[a-z_]+" is null then 1 else 0 end desc, "c"\\."[a-z_]+" ${back}, "c"\\."id" ${back}`))
      }
    }
  })
})
