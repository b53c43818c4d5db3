// SQL Server cannot run here: the opportunity queries (list with nulls-last sort and paging,
// the data scope, board, funnel, assignees, the same-name lookup) are compiled for mssql
// without a connection and checked for T-SQL SQL Server accepts; the migration's columns and
// indexes are checked in SQL Server types.
import { describe, expect, it } from 'vitest'
import { compiler, sql, NOT_TSQL, ID } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import * as repo from '../../src-main/modules/opportunities/opportunities.repository'
import * as stats from '../../src-main/modules/opportunities/stats.repository'
import { mssqlMergeAdd, OPPORTUNITY_SEARCH_INDEX, whereTextSearchIndexed } from '../../src-main/db/dialect'
import { customersByKey } from '../../src-main/modules/customers/customers.repository'
import type { Actor } from '../../src-main/modules/context'

const k = compiler('mssql')
const actor = { userId: ID, teamId: ID, permissions: {} } as unknown as Actor

describe('opportunities on SQL Server (compiled)', () => {
  const scopes = (['own', 'team', 'all'] as const).map((s) => repo.scopeOpportunities(k, actor, s))

  it('compiles every list, board, funnel and assignee query without dialect-only syntax', () => {
    const queries: unknown[] = []
    for (const sc of scopes) {
      queries.push(
        repo.pageIds(k, sc, {
          page: 3, pageSize: 20, sort: { field: 'expectedCloseDate', order: 'desc' },
          filter: { search: '人易', status: 'assigned', probabilityMin: 10, probabilityMax: 90, createdFrom: '2026-01-01T00:00:00Z', closeTo: '2026-12-31' },
        }),
        repo.boardTotals(k, sc, { search: 'gzry' }),
        repo.boardCards(k, sc, {}, ID, 30),
        repo.boardCards(k, sc, { assignedTo: ID }, null, 30),
        repo.boardAllCards(k, sc, { sourceId: ID }),
        repo.funnelCells(k, sc, '2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'),
        repo.closedCells(k, sc, null, null),
      )
    }
    queries.push(
      repo.usersWithOpportunityRole(k, ID), repo.openLoads(k, [ID]), repo.customerSpread(k, [ID], 'region_id'), repo.stepsOf(k, ID),
      repo.findOpportunity(k, ID), repo.rowsByIds(k, [ID]), repo.cardRowsByIds(k, [ID]), customersByKey(k, 'name_key', '人易软件', 1),
    )
    for (const q of queries) {
      const { sql: text, bindings } = sql(q)
      expect(text).not.toMatch(NOT_TSQL)
      expect(bindings.length).toBeLessThan(2100)
    }
  })

  it('pages with ORDER BY … OFFSET … FETCH, nulls last in either direction', () => {
    const q = sql(repo.pageIds(k, scopes[2], { page: 3, pageSize: 20, sort: { field: 'expectedAmountCents', order: 'desc' }, filter: {} }))
    expect(q.sql).toMatch(/order by case when \[o\]\.\[expected_amount_cents\] is null then 1 else 0 end asc, \[o\]\.\[expected_amount_cents\] desc, \[o\]\.\[id\] desc offset @p\d+ rows fetch next @p\d+ rows only/i)
    expect(sql(repo.boardCards(k, scopes[2], {}, ID, 30)).sql).toMatch(/^select top \(@p\d+\)/i)
  })

  it('sums amount × probability in the database and escapes the search LIKE', () => {
    const board = sql(repo.boardTotals(k, scopes[0], { search: '100%_' }))
    expect(board.sql).toMatch(/sum\(\[o\]\.\[expected_amount_cents\] \* \[o\]\.\[probability\]\) as \[weighted\]/)
    expect(board.sql).toMatch(/like @p\d+ escape '\\'/)
    expect(board.bindings).toContain('%100\\%\\_%')
    // own scope: owned or created by the actor; team: owned by someone of the team
    expect(board.sql).toMatch(/\(\[o\]\.\[owner_id\] = @p\d+ or \[o\]\.\[created_by\] = @p\d+\)/)
    expect(sql(repo.funnelCells(k, scopes[1], null, null)).sql).toMatch(/coalesce\(\[o\]\.\[owner_id\], \[o\]\.\[owner_id\]\) in \(select \[id\] from \[users\] where \[team_id\] = @p\d+\)/)
  })

  it('the migration adds the columns and indexes in SQL Server types', async () => {
    const ddl = (await printMigrationSql('mssql')).join('\n')
    const part = ddl.slice(ddl.indexOf('-- migration 20261206000300_opportunity-pipeline'))
    expect(part).toContain('ALTER TABLE [dict_items] ADD [probability] int null')
    expect(part).toContain('[search_text] nvarchar(1000) null, [lost_reason_id] uniqueidentifier null')
    expect(part).toMatch(/ALTER TABLE \[plan_steps\] ADD \[seq\] int not null/)
    expect(part).toMatch(/CREATE INDEX \[opportunities_board\] ON \[opportunities\] \(\[status\], \[stage_id\], \[updated_at\], \[id\], \[deleted_at\], \[owner_id\]/)
    expect(part).toMatch(/CREATE INDEX \[opportunities_funnel\] ON \[opportunities\] \(\[assigned_to\], \[stage_id\], \[status\], \[created_at\]/)
    // the stages' default probabilities are set with parameters (nvarchar), not literals
    expect(part).toMatch(/update \[dict_items\] set \[probability\] = @p0 where \[type_code\] = @p1 and \[label\] = @p2 and \[probability\] is null;select @@rowcount -- bindings: \[10,"opportunity_stage","初步接洽"\]/)
  })

  it('the funnel\'s summaries: reads, the rebuild and the delta MERGE compile to T-SQL SQL Server accepts', () => {
    const teamScope = repo.scopeOpportunityStats(k, actor, 'team')!
    expect(repo.scopeOpportunityStats(k, actor, 'own')).toBeNull()
    const reads = [
      stats.funnelStatsCells(k, teamScope, { fromMonth: '2026-01', toMonth: '2027-01' }),
      stats.funnelStatsCells(k, repo.scopeOpportunityStats(k, actor, 'all')!, { fromMonth: null, toMonth: null }),
      stats.closedStatsCells(k, teamScope, { fromMonth: '2026-02', toMonth: null }),
    ].map(sql)
    for (const q of reads) {
      expect(q.sql).not.toMatch(NOT_TSQL)
      expect(q.sql).toMatch(/group by \[s\]\.\[\w+\], \[s\]\.\[\w+\], \[s\]\.\[\w+\] having sum\(\[s\]\.\[opp_count\]\) > 0$/)
    }
    expect(reads[0]!.sql).toMatch(/\[s\]\.\[month\] >= @p\d+ and \[s\]\.\[month\] < @p\d+ and \[s\]\.\[owner_id\] in \(select \[id\] from \[users\] where \[team_id\] = @p\d+\)/)
    // the rebuild groups by the same month expression it selects (SQL Server requires it)
    const month = 'convert(char(7), dateadd(minute, 0, [created_at]), 126)'
    const rebuild = sql(stats.funnelCellsGrouped(k)).sql
    expect(rebuild).toContain(`${month} as [month]`)
    expect(rebuild).toContain(`group by [owner_id], ${month}, [assigned_to], [stage_id], [status]`)
    const closed = sql(stats.closedCellsGrouped(k)).sql
    expect(closed).toContain('group by [owner_id], convert(char(7), dateadd(minute, 0, [closed_at]), 126), [status], [lost_reason_id], [source_id]')
    // a delta: one MERGE WITH (HOLDLOCK) adding to the sums, inserting the key and sums when new
    const [text, bindings] = mssqlMergeAdd('opportunity_stats', { id: ID, owner_id: ID, month: '2026-03', status: 'won' }, ['id'], { opp_count: -1, amount_cents: -500, weighted: -25000 })
    const merge = k.raw(text, bindings).toSQL().toNative()
    expect(merge.sql).toBe(
      'merge into [opportunity_stats] with (holdlock) as t using (values (@p0, @p1, @p2, @p3, @p4, @p5, @p6)) as s ([id], [owner_id], [month], [status], [opp_count], [amount_cents], [weighted]) ' +
        'on t.[id] = s.[id] when matched then update set [opp_count] = t.[opp_count] + s.[opp_count], [amount_cents] = t.[amount_cents] + s.[amount_cents], [weighted] = t.[weighted] + s.[weighted] ' +
        'when not matched then insert ([id], [owner_id], [month], [status], [opp_count], [amount_cents], [weighted]) values (s.[id], s.[owner_id], s.[month], s.[status], s.[opp_count], s.[amount_cents], s.[weighted]);',
    )
    expect(merge.bindings).toEqual([ID, ID, '2026-03', 'won', -1, -500, -25000])
  })

  it('the opportunity search on SQL Server is the plain LIKE (no index there)', () => {
    const narrowed = repo.scopeWithSearchIndex(k, repo.scopeOpportunities(k, actor, 'all'), '新东')
    const q = sql(repo.boardTotals(k, narrowed, { search: '新东' }))
    expect(q.sql).not.toMatch(/match|crm_search_grams|opportunity_search/)
    expect(q.sql).toMatch(/\[o\]\.\[search_text\] like @p\d+ escape '\\'/)
    const direct = k('opportunities as o')
    whereTextSearchIndexed(k, direct, 'mssql', OPPORTUNITY_SEARCH_INDEX, 'o.id', 'o.search_text', '新东')
    expect(sql(direct).sql).toBe('select * from [opportunities] as [o]')
  })

  it('the summaries\' migration: two heaps with a NONCLUSTERED uuid key, no data statement but the (empty) fill; the search index adds nothing on SQL Server', async () => {
    const ddl = await printMigrationSql('mssql')
    const from = ddl.indexOf('-- migration 20261206002300_opportunity-stats')
    const to = ddl.indexOf('-- migration 20261206002310_opportunity-search-index')
    const part = ddl.slice(from, to).join('\n')
    expect(part).toMatch(/CREATE TABLE \[opportunity_stats\] \(\[id\] uniqueidentifier not null, \[owner_id\] uniqueidentifier null, \[month\] nvarchar\(7\) not null, \[assigned_to\] uniqueidentifier null, \[stage_id\] uniqueidentifier null, \[status\] nvarchar\(16\) not null, \[opp_count\] int not null CONSTRAINT \[\w+\] DEFAULT '0', \[amount_cents\] bigint not null CONSTRAINT \[\w+\] DEFAULT '0', \[weighted\] bigint not null/)
    expect(part).toContain('alter table [opportunity_stats] add constraint [opportunity_stats_pkey] primary key nonclustered ([id])')
    expect(part).toContain('alter table [opportunity_closed_stats] add constraint [opportunity_closed_stats_pkey] primary key nonclustered ([id])')
    const next = ddl.findIndex((x, i) => i > to && x.startsWith('-- migration'))
    expect(ddl.slice(to + 1, next < 0 ? undefined : next).join('\n')).not.toMatch(/opportunit/)
    // the list's covering indexes (migration 20261206003410) in T-SQL
    expect(ddl.join('\n')).toContain('create index [opportunities_created_cover] on [opportunities] ([created_at], [id], [deleted_at], [owner_id], [created_by], [status])')
    expect(ddl.join('\n')).toContain('drop index [orders_order_date_id_index] on [orders]')
  })
})
