// SQL Server cannot run here: the offline-sync migration and the central queries of a pull are
// compiled for mssql and checked for T-SQL that SQL Server accepts: Unicode text, datetime2,
// bit, TOP instead of LIMIT, a locking read with UPDLOCK/HOLDLOCK, parameters far below 2100.
import { describe, expect, it } from 'vitest'
import { compiler, sql, ID } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import { selectForUpdate } from '../../src-main/db/dialect'
import { chunkRows } from '../../src-main/db/dialect'
import { changedRows, leftScopeRows, rowsAtVersion } from '../../src-main/modules/sync/sync.repository'
import { contactsQuery, customersForWriteQuery } from '../../src-main/modules/interactions/interactions.repository'
import { customersContactFacts, lastContactsOf, nextFollowUpsOf } from '../../src-main/modules/reminders/reminders.repository'

const k = compiler('mssql')
const NOT_TSQL = /\blimit\b|\|\||ilike|::|= true|= false|nulls (first|last)/i

describe('offline sync on SQL Server (compiled)', () => {
  it('the migration makes the outbox and state tables with SQL Server types', async () => {
    const chunks = await printMigrationSql('mssql')
    const start = chunks.findIndex((c) => c.includes('20261206001900_sync-outbox'))
    expect(start).toBeGreaterThan(-1)
    const next = chunks.findIndex((c, i) => i > start && c.startsWith('-- migration'))
    const ddl = chunks.slice(start, next === -1 ? undefined : next).join('\n')
    expect(ddl).toMatch(/create table \[sync_outbox\]/i)
    expect(ddl).toMatch(/\[mutation_id\] bigint/i)
    expect(ddl).toMatch(/\[operation\] nvarchar\(64\)/i)
    expect(ddl).toMatch(/\[args\] nvarchar\(max\)/i)
    expect(ddl).toMatch(/\[entity_id\] uniqueidentifier/i)
    expect(ddl).toMatch(/\[refreshed\] bit/i)
    expect(ddl).toMatch(/\[created_at\] datetime2/i)
    expect(ddl).toMatch(/alter table \[sync_mutation_results\] add \[result\] nvarchar\(max\)/i)
    expect(ddl).toMatch(/create table \[sync_client_state\]/i)
    expect(ddl).not.toMatch(NOT_TSQL)
  })

  it('compiles a pull page: TOP, ORDER BY version, the scope as a subquery, few parameters', () => {
    for (const scope of [{ scope: 'own' as const, userId: ID, teamId: null }, { scope: 'team' as const, userId: ID, teamId: ID }, null]) {
      const q = sql(changedRows(k, 'customers', 10, 20, 2000, scope))
      expect(q.sql).toMatch(/^select top \(@p\d+\) \*/i)
      expect(q.sql).toMatch(/order by \[version\] asc, \[id\] asc$/i)
      expect(q.sql).not.toMatch(NOT_TSQL)
      expect(q.bindings.length).toBeLessThan(10)
      expect(sql(rowsAtVersion(k, 'customers', 11, scope)).sql).not.toMatch(NOT_TSQL)
    }
    const left = sql(leftScopeRows(k, 'reminders', 0, 5, 100, { scope: 'team', userId: ID, teamId: ID }))
    expect(left.sql).toMatch(/\[owner_id\] is null or \[owner_id\] not in \(select \[id\] from \[users\] where \[team_id\] = @p\d+\)/i)
  })

  it('locks a client register row with UPDLOCK, HOLDLOCK', () => {
    const q = sql(selectForUpdate(k, 'mssql', 'sync_clients').where('client_id', 'c1').first('user_id', 'last_mutation_id'))
    expect(q.sql).toMatch(/from \[sync_clients\] with \(updlock, holdlock\)/i)
  })

  it('the run history table (client cache) compiles with SQL Server types', async () => {
    const chunks = await printMigrationSql('mssql')
    const start = chunks.findIndex((c) => c.includes('20261206003100_sync-runs'))
    expect(start).toBeGreaterThan(-1)
    const next = chunks.findIndex((c, i) => i > start && c.startsWith('-- migration'))
    const ddl = chunks.slice(start, next === -1 ? undefined : next).join('\n')
    expect(ddl).toMatch(/create table \[sync_runs\] \(\[id\] uniqueidentifier/i)
    expect(ddl).toMatch(/\[seq\] bigint not null/i)
    expect(ddl).toMatch(/\[started_at\] datetime2/i)
    expect(ddl).toMatch(/\[ok\] bit/i)
    expect(ddl).toMatch(/\[detail\] nvarchar\(max\)/i)
    expect(ddl).not.toMatch(NOT_TSQL)
  })

  it('a pushed batch of records: its reads and inserts compile to T-SQL under 2,100 parameters', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    for (const q of [customersForWriteQuery(k, ids), contactsQuery(k, ids), lastContactsOf(k, ids), nextFollowUpsOf(k, ids), customersContactFacts(k, ids)]) {
      const c = sql(q)
      expect(c.bindings.length).toBeLessThan(2100)
      expect(c.sql).not.toMatch(NOT_TSQL)
    }
    expect(sql(lastContactsOf(k, ids)).sql).toMatch(/select \[customer_id\], max\(occurred_at\) as v from \[interactions\] where \[customer_id\] in \(.*\) and \[deleted_at\] is null group by \[customer_id\]/i)
    expect(sql(nextFollowUpsOf(k, ids)).sql).toMatch(/min\(coalesce\(r\.snoozed_until, r\.due_at\)\) as at .* group by \[r\]\.\[customer_id\]/i)
    // a batch's records with every column, and its register entries, in chunks under the limit
    const rows = ids.map((id) => ({
      id, customer_id: ID, owner_id: ID, created_by: ID, created_at: '2026-12-06T08:00:00.000Z', updated_at: '2026-12-06T08:00:00.000Z', version: 9, deleted_at: null,
      contact_id: null, kind: 'record', channel_id: ID, occurred_at: '2026-12-06T08:00:00.000Z', place: null, subject: '记录', detail: null, outcome: null,
      next_follow_up_at: null, visit_goal: null, goal_met: null, improvement: null,
    }))
    const register = ids.map((id, i) => ({ id, client_id: ID, mutation_id: i + 1, status: 'applied', operation: 'interactions.create', error: null, result: '{"status":"applied"}', created_at: '2026-12-06T08:00:00.000Z' }))
    for (const [table, list] of [['interactions', rows], ['sync_mutation_results', register]] as const) {
      const chunks = chunkRows('mssql', list as Array<Record<string, unknown>>)
      expect(chunks.flat()).toHaveLength(500)
      for (const ch of chunks) expect(sql(k(table).insert(ch)).bindings.length).toBeLessThan(2100)
    }
  })
})
