// Indexes the customer list uses at scale (issue 8; measured on 100,000 demo customers):
// - (owner_id, updated_at, id): an account manager's own customers in the default order (most
//   recently changed first), read in index order instead of sorting all of them (SQLite: 17.5 →
//   1.1 ms); the id breaks ties as the list's ORDER BY does.
// - sort by order total: the list orders nulls last (`case when order_total_cents is null then 1
//   else 0 end`), then the total, then the id, which no plain index serves. SQLite and PostgreSQL
//   get expression indexes matching that ORDER BY in both directions (SQLite: 39 → 2.4 ms);
//   SQL Server, which has no expression indexes, a persisted computed column of the same
//   expression (its optimizer matches the expression to the column) and indexes on it.
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

/** The list's nulls-last key for the order total, as the list's ORDER BY writes it. */
const NULLS_LAST = 'case when order_total_cents is null then 1 else 0 end'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.index(['owner_id', 'updated_at', 'id'], 'customers_owner_updated')
  })
  if (isMssql(knex)) {
    await knex.schema.raw(`alter table [customers] add [order_total_nulls_last] as (${NULLS_LAST}) persisted`)
    await knex.schema.raw('create index [customers_order_total_desc] on [customers] ([order_total_nulls_last], [order_total_cents] desc, [id] desc)')
    await knex.schema.raw('create index [customers_order_total_asc] on [customers] ([order_total_nulls_last], [order_total_cents], [id])')
    return
  }
  await knex.schema.raw(`create index customers_order_total_desc on customers ((${NULLS_LAST}), order_total_cents desc, id desc)`)
  await knex.schema.raw(`create index customers_order_total_asc on customers ((${NULLS_LAST}), order_total_cents, id)`)
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
    create index customers_search_trgm on customers using gin (search_text gin_trgm_ops);
  end if;
end
$$`)
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) await knex.schema.raw('drop index if exists customers_search_trgm')
  if (isMssql(knex)) {
    await knex.schema.raw('drop index [customers_order_total_asc] on [customers]')
    await knex.schema.raw('drop index [customers_order_total_desc] on [customers]')
    await knex.schema.raw('alter table [customers] drop column [order_total_nulls_last]')
  } else {
    await knex.schema.raw('drop index customers_order_total_asc')
    await knex.schema.raw('drop index customers_order_total_desc')
  }
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['owner_id', 'updated_at', 'id'], 'customers_owner_updated')
  })
}
