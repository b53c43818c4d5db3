// SQL Server cannot run here: the 销售漏斗与业绩 report's new funnel aggregates (grouped by the
// customer's region; narrowed by 客户经理, team, region and level) are compiled for mssql without
// a connection and checked for T-SQL SQL Server accepts: every selected column of the GROUP BY
// grouped by the same expression, the region read through a LEFT JOIN on live customers, the
// filters as IN subqueries, nothing dialect-only.
import { describe, expect, it } from 'vitest'
import { compiler, sql, NOT_TSQL, ID } from '../helpers/mssql-compile'
import * as repo from '../../src-main/modules/opportunities/opportunities.repository'
import type { Actor } from '../../src-main/modules/context'

const k = compiler('mssql')
const actor = { userId: ID, teamId: ID, permissions: {} } as unknown as Actor
const FILTER = { ownerId: ID, teamId: ID, regionId: ID, levelId: ID }

describe('销售漏斗与业绩 on SQL Server (compiled)', () => {
  it('groups the funnel by region through a left join on live customers, grouped as selected', () => {
    for (const scope of ['own', 'team', 'all'] as const) {
      const q = sql(repo.funnelCells(k, repo.scopeOpportunities(k, actor, scope), '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', { byRegion: true, filter: FILTER }))
      expect(q.sql).toMatch(/left join \[customers\] as \[c\] on \[c\]\.\[id\] = \[o\]\.\[customer_id\] and \[c\]\.\[deleted_at\] is null/i)
      expect(q.sql).toMatch(/group by \[c\]\.\[region_id\], \[o\]\.\[assigned_to\], \[o\]\.\[stage_id\], \[o\]\.\[status\]/i)
      expect(q.sql).toMatch(/select \[c\]\.\[region_id\] as \[region_id\], \[o\]\.\[assigned_to\], \[o\]\.\[stage_id\], \[o\]\.\[status\], count\(\*\) as \[n\], sum\(\[o\]\.\[expected_amount_cents\]\) as \[amount\]/i)
      expect(q.sql).toMatch(/sum\(\[o\]\.\[expected_amount_cents\] \* \[o\]\.\[probability\]\) as \[weighted\]/)
      expect(q.sql).not.toMatch(NOT_TSQL)
      expect(q.bindings.length).toBeLessThan(2100)
    }
  })

  it('narrows the funnel and the closed ones by assignee, team, region and level as IN subqueries', () => {
    const sc = repo.scopeOpportunities(k, actor, 'all')
    for (const q of [sql(repo.funnelCells(k, sc, null, null, { filter: FILTER })), sql(repo.closedCells(k, sc, '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', FILTER))]) {
      expect(q.sql).toMatch(/\[o\]\.\[assigned_to\] = @p\d+/)
      expect(q.sql).toMatch(/\[o\]\.\[assigned_to\] in \(select \[id\] from \[users\] where \[team_id\] = @p\d+\)/i)
      expect(q.sql).toMatch(/\[o\]\.\[customer_id\] in \(select \[fc\]\.\[id\] from \[customers\] as \[fc\] where \[fc\]\.\[deleted_at\] is null and \[fc\]\.\[region_id\] = @p\d+ and \[fc\]\.\[level_id\] = @p\d+\)/i)
      expect(q.sql).not.toMatch(NOT_TSQL)
    }
    // without a filter or the region, the funnel reads the opportunities alone (its covering index)
    expect(sql(repo.funnelCells(k, sc, null, null)).sql).not.toMatch(/customers|users/i)
  })
})
