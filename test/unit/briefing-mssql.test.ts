// SQL Server cannot run here: migration 20261206005200 (the 简报's per-owner-and-day sums kept by
// triggers) is compiled for mssql and its T-SQL checked as text — the table in SQL Server types,
// one statement-level trigger per table (AFTER INSERT, UPDATE, DELETE over the inserted/deleted
// pseudo-tables, so a set-based write is counted whole), deltas merged WITH (HOLDLOCK) (two
// writers' additions both land), UTC days by CONVERT(…, 23), the 公海 as the nil uniqueidentifier,
// nothing PostgreSQL- or SQLite-only; and the 简报's read of it.
import { describe, expect, it } from 'vitest'
import { compiler, expectTsql as tsql, ID as id } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import { briefingRebuildSql, briefingTriggerDdl, NIL_OWNER } from '../../db/migrations/20261206005200_briefing-owner-day'
import type { Knex } from 'knex'
import { briefingDaysQuery } from '../../src-main/modules/dashboard/dashboard.repository'

const NIL = `cast('${NIL_OWNER}' as uniqueidentifier)`
const merge = (col: string, source: string, values: string) =>
  `merge briefing_owner_day with (holdlock) as t using (select owner_id, day, sum(n) as n from (${source}) as d group by owner_id, day having sum(n) <> 0) as s ` +
  `on t.owner_id = s.owner_id and t.day = s.day when matched then update set ${col} = t.${col} + s.n ` +
  `when not matched then insert (owner_id, day, customers, contacts, interactions) values (s.owner_id, s.day, ${values});`
const child = (table: string, at: string, col: string, values: string) =>
  `create trigger ${table}_briefing on ${table} after insert, update, delete as begin set nocount on; ` +
  'if (select count(*) from inserted) + (select count(*) from deleted) = 0 return; ' +
  `if exists (select 1 from deleted) and not (update(customer_id) or update(${at}) or update(deleted_at)) return; ` +
  merge(
    col,
    `select coalesce(c.owner_id, ${NIL}) as owner_id, convert(nvarchar(10), r.${at}, 23) as day, -1 as n from deleted r join customers c on c.id = r.customer_id where r.deleted_at is null and c.deleted_at is null union all ` +
      `select coalesce(c.owner_id, ${NIL}) as owner_id, convert(nvarchar(10), r.${at}, 23) as day, 1 as n from inserted r join customers c on c.id = r.customer_id where r.deleted_at is null and c.deleted_at is null`,
    values,
  ) +
  ' end'

describe('the 简报\'s per-owner-and-day sums on SQL Server (compiled)', async () => {
  const all = await printMigrationSql('mssql')
  const from = all.findIndex((s) => s.startsWith('-- migration 20261206005200'))
  const next = all.findIndex((s, i) => i > from && s.startsWith('-- migration'))
  const ours = all.slice(from + 1, next < 0 ? undefined : next)

  it('the table: uniqueidentifier owner, nvarchar(10) day, int counts, key (owner_id, day), an index by day', () => {
    expect(ours[0]).toBe(
      'CREATE TABLE [briefing_owner_day] ([owner_id] uniqueidentifier not null, [day] nvarchar(10) not null, ' +
        "[customers] int not null CONSTRAINT [briefing_owner_day_customers_default] DEFAULT '0', [contacts] int not null CONSTRAINT [briefing_owner_day_contacts_default] DEFAULT '0', " +
        "[interactions] int not null CONSTRAINT [briefing_owner_day_interactions_default] DEFAULT '0', CONSTRAINT [briefing_owner_day_pkey] PRIMARY KEY ([owner_id], [day]));\n" +
        'CREATE INDEX [briefing_owner_day_day] ON [briefing_owner_day] ([day])',
    )
  })

  it('filled from the base tables (live rows of live customers, by the customer\'s owner), then the three triggers', () => {
    expect(ours.slice(1)).toEqual([...briefingRebuildSql('mssql'), ...briefingTriggerDdl('mssql')])
    expect(ours[2]).toContain(`select coalesce(c.owner_id, ${NIL}), convert(nvarchar(10), x.occurred_at, 23), 0, 0, 1 from interactions x join customers c on c.id = x.customer_id where x.deleted_at is null and c.deleted_at is null`)
    expect(ours[2]).toMatch(/\) as u group by owner_id, day$/)
  })

  it('interactions and contacts: the old rows out and the new rows in, at their customer\'s owner and UTC day, in one MERGE', () => {
    const [interactions, contacts] = briefingTriggerDdl('mssql')
    expect(interactions).toBe(child('interactions', 'occurred_at', 'interactions', '0, 0, s.n'))
    expect(contacts).toBe(child('contacts', 'created_at', 'contacts', '0, s.n, 0'))
  })

  it('customers: itself by created_at; on an update its live children move from the old owner to the new', () => {
    const t = briefingTriggerDdl('mssql')[2]!
    expect(t).toMatch(/^create trigger customers_briefing on customers after insert, update, delete as begin set nocount on; /)
    expect(t).toContain('if exists (select 1 from deleted) and not (update(owner_id) or update(deleted_at) or update(created_at)) return; ')
    expect(t).toContain(
      merge(
        'customers',
        `select coalesce(r.owner_id, ${NIL}) as owner_id, convert(nvarchar(10), r.created_at, 23) as day, -1 as n from deleted r where r.deleted_at is null union all ` +
          `select coalesce(r.owner_id, ${NIL}) as owner_id, convert(nvarchar(10), r.created_at, 23) as day, 1 as n from inserted r where r.deleted_at is null`,
        's.n, 0, 0',
      ),
    )
    expect(t).toContain('if exists (select 1 from inserted) and exists (select 1 from deleted) begin merge')
    for (const [table, at, values] of [['interactions', 'occurred_at', '0, 0, s.n'], ['contacts', 'created_at', '0, s.n, 0']] as const) {
      expect(t).toContain(
        merge(
          table,
          `select coalesce(r.owner_id, ${NIL}) as owner_id, convert(nvarchar(10), x.${at}, 23) as day, -1 as n from deleted r join ${table} x on x.customer_id = r.id where r.deleted_at is null and x.deleted_at is null union all ` +
            `select coalesce(r.owner_id, ${NIL}) as owner_id, convert(nvarchar(10), x.${at}, 23) as day, 1 as n from inserted r join ${table} x on x.customer_id = r.id where r.deleted_at is null and x.deleted_at is null`,
          values,
        ),
      )
    }
    expect(t).toMatch(/; end end$/)
  })

  it('nothing PostgreSQL- or SQLite-only in any of it', () => {
    for (const s of ours) {
      expect(s).not.toMatch(/::|on conflict|substr\(|to_char|at time zone|plpgsql|excluded\.|\bnew\.|\bold\.|for each row/i)
    }
  })

  it('the 简报 reads it with one statement per metric: the days\' sums per period, the scope on owner_id', () => {
    const k = compiler('mssql')
    const team = (b: Knex.QueryBuilder) => void b.whereIn('b.owner_id', k('users').select('id').where('team_id', id))
    const text = tsql(briefingDaysQuery(k, team, 'interactions', [{ first: '2026-12-01', end: '2026-12-31' }, null]))
    expect(text).toBe(
      'select top (@p0) sum(case when b.day >= @p1 and b.day < @p2 then [b].[interactions] else 0 end) as [n_0], 0 as [n_1] ' +
        'from [briefing_owner_day] as [b] where [b].[day] >= @p3 and [b].[day] < @p4 and [b].[owner_id] in (select [id] from [users] where [team_id] = @p5)',
    )
    expect(briefingDaysQuery(k, team, 'contacts', [null, null])).toBeNull()
  })
})
