// SQL Server cannot run here: the offline-sync migration and the central queries of a pull are
// compiled for mssql and checked for T-SQL that SQL Server accepts: Unicode text, datetime2,
// bit, TOP instead of LIMIT, a locking read with UPDLOCK/HOLDLOCK, parameters far below 2100.
import type { Knex } from 'knex'
import { afterAll, describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import { printMigrationSql } from '../../src-main/db/migrate'
import { selectForUpdate } from '../../src-main/db/dialect'
import { changedRows, leftScopeRows, rowsAtVersion } from '../../src-main/modules/sync/sync.repository'

const k = compilerOnly('mssql')
afterAll(() => k.destroy())
const sql = (q: unknown) => (q as Knex.QueryBuilder).toSQL().toNative()
const ID = '00000000-0000-4000-8000-000000000001'
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
})
