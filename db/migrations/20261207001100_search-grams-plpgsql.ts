// PostgreSQL only: crm_search_grams (migration 20261206000700; the expression of the GIN indexes
// customers_search_grams, contacts_search_grams, opportunities_search_grams and
// service_tickets_search_grams, and of every grams read's recheck) as a PL/pgSQL loop instead of a
// SQL function. The SQL body has a sub-select (array(select … from generate_series …)), so
// PostgreSQL cannot inline it and runs it through the SQL-function executor for every row written
// and every row rechecked: 1.3–1.9 s of server CPU per 20,000 import search texts against 0.5–0.7 s
// for this loop (issue 11, a 100,000-row import). The answer is the same for every text — the
// characters, then the character pairs in order; an empty array for '' and null — so the indexes
// stay valid and nothing is rebuilt (test/integration/search-grams-function.test.ts compares both
// on texts of every kind). SQLite and SQL Server: nothing (no such function).
import type { Knex } from 'knex'

const isPostgres = (knex: Knex) => ['pg', 'postgres', 'postgresql'].includes(String(knex.client.config.client))

/** The function as this migration writes it (the test compares it with SQL_FUNCTION). */
export const PLPGSQL_FUNCTION = `create or replace function crm_search_grams(t text) returns text[] language plpgsql immutable parallel safe as $$
declare
  chars text[] := coalesce(string_to_array(t, null), '{}');
  grams text[] := chars;
  n int := cardinality(chars);
begin
  for i in 1 .. n - 1 loop
    grams := grams || (chars[i] || chars[i + 1]);
  end loop;
  return grams;
end
$$`

/** The function as migration 20261206000700 wrote it (down restores it). */
export const SQL_FUNCTION = `create or replace function crm_search_grams(t text) returns text[] language sql immutable parallel safe as $$
  select string_to_array(t, null) || array(select substr(t, i, 2) from generate_series(1, length(t) - 1) as i)
$$`

export async function up(knex: Knex): Promise<void> {
  if (isPostgres(knex)) await knex.schema.raw(PLPGSQL_FUNCTION)
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) await knex.schema.raw(SQL_FUNCTION)
}
