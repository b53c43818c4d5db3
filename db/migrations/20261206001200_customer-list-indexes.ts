// Indexes the customer list uses at scale (issue 8; measured on 100,000 demo customers):
// - (owner_id, updated_at, id): an account manager's own customers in the default order (most
//   recently changed first), read in index order instead of sorting all of them (SQLite: 17.5 →
//   1.1 ms); the id breaks ties as the list's ORDER BY does.
// - (created_at, id): sort by 创建时间, which had no index.
// - the sorts on a column that may be empty (order total, credit rating, last and next contact):
//   the list orders those nulls last (`case when col is null then 1 else 0 end`), then the
//   column, then the id, which no plain index serves. SQLite and PostgreSQL get expression
//   indexes matching that ORDER BY in each direction (SQLite, order total on 100,000 customers:
//   39 → 2.4 ms); SQL Server, which has no expression indexes, a persisted computed column of the
//   same expression per column (its optimizer matches the expression to the column) and indexes
//   on it.
// - PostgreSQL: a pg_trgm GIN index on search_text when the extension is available (created here
//   when the server has it and the user may create it; skipped otherwise), so a search of three or
//   more characters reads the index instead of every row (86 → 2 ms). It cannot help shorter
//   terms (two Chinese characters make no trigram): those stay a scan of the table.
//   SQL Server's equivalent is not created by this migration (it needs a full-text catalog, which
//   a migration inside a transaction cannot create, and Full-Text Search is an optional feature):
//   see BENCHMARKS.md, "SQL Server: the search's index", for the full-text index on search_text
//   (or an n-gram side table) and what it changes.
// SQLite's covering search index (initial schema) stays: there a scan of that narrow index is the search.
import type { Knex } from 'knex'

const client = (knex: Knex) => String(knex.client.config.client)
const isMssql = (knex: Knex) => client(knex) === 'mssql'
const isPg = (knex: Knex) => ['pg', 'postgres', 'postgresql'].includes(client(knex))

/** The columns the list sorts nulls last, as its ORDER BY writes them, and the short name of their indexes. */
export const NULLS_LAST_SORTS: Array<[column: string, short: string]> = [
  ['order_total_cents', 'order_total'], ['credit_rating', 'credit_rating'], ['last_contact_at', 'last_contact'], ['next_contact_at', 'next_contact'],
]
const nullsLast = (column: string) => `case when ${column} is null then 1 else 0 end`

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.index(['owner_id', 'updated_at', 'id'], 'customers_owner_updated')
    t.index(['created_at', 'id'], 'customers_created_sort')
  })
  for (const [column, short] of NULLS_LAST_SORTS) {
    if (isMssql(knex)) {
      await knex.schema.raw(`alter table [customers] add [${short}_nulls_last] as (${nullsLast(column)}) persisted`)
      await knex.schema.raw(`create index [customers_${short}_desc] on [customers] ([${short}_nulls_last], [${column}] desc, [id] desc)`)
      await knex.schema.raw(`create index [customers_${short}_asc] on [customers] ([${short}_nulls_last], [${column}], [id])`)
    } else {
      await knex.schema.raw(`create index customers_${short}_desc on customers ((${nullsLast(column)}), ${column} desc, id desc)`)
      await knex.schema.raw(`create index customers_${short}_asc on customers ((${nullsLast(column)}), ${column}, id)`)
    }
  }
  if (isPg(knex)) {
    await knex.schema.raw(`do $$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_trgm') and exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    begin
      create extension pg_trgm;
    exception when insufficient_privilege then
      raise notice 'pg_trgm not created (insufficient privilege): the customer search scans the table';
    end;
  end if;
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    create index if not exists customers_search_trgm on customers using gin (search_text gin_trgm_ops);
  end if;
end
$$`)
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) await knex.schema.raw('drop index if exists customers_search_trgm')
  for (const [, short] of [...NULLS_LAST_SORTS].reverse()) {
    if (isMssql(knex)) {
      await knex.schema.raw(`drop index [customers_${short}_asc] on [customers]`)
      await knex.schema.raw(`drop index [customers_${short}_desc] on [customers]`)
      await knex.schema.raw(`alter table [customers] drop column [${short}_nulls_last]`)
    } else {
      await knex.schema.raw(`drop index customers_${short}_asc`)
      await knex.schema.raw(`drop index customers_${short}_desc`)
    }
  }
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['created_at', 'id'], 'customers_created_sort')
    t.dropIndex(['owner_id', 'updated_at', 'id'], 'customers_owner_updated')
  })
}
