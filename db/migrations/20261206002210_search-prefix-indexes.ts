// 全局搜索's prefix ranges on PostgreSQL (issue 14): "names starting with the term" was
// `search_text LIKE 'term%' ORDER BY search_text` (and the same over `name`), which no index
// served there — a LIKE prefix uses a btree only under the C collation (the database's is not,
// e.g. C.UTF-8 or zh_CN.UTF-8), so PostgreSQL read 44,000 rows through the trigram index and
// sorted them (740 ms for "13" at 76,000 customers) or scanned the table (390 ms for 广州).
// These indexes hold the first 100 characters (a search term has at most 100) in code-point
// order (COLLATE "C"), so `left(col, 100) COLLATE "C" >= term AND < term || U+10FFFF ORDER BY`
// the same expression is an index range read in order (src-main/db/dialect.ts
// searchPrefixRange). left(…, 100) also keeps a long search text within a btree entry.
// Also the contacts' pg_trgm index (as customers_search_trgm, migration 20261206001200) when the
// extension exists: a pinyin, mobile or code fragment's trigrams are selective where the GIN
// grams' character pairs of digits and Latin letters (13, 38, 80 …) are each in most rows
// (a mobile fragment read 150 ms of contacts that way).
// SQLite has covering indexes over search_text and name (range on the binary order) and SQL
// Server no search index: nothing there.
import type { Knex } from 'knex'

const isPostgres = (knex: Knex) => ['pg', 'postgres', 'postgresql'].includes(String(knex.client.config.client))

const INDEXES: Array<[string, string, string]> = [
  ['customers_search_prefix', 'customers', 'search_text'],
  ['contacts_search_prefix', 'contacts', 'search_text'],
  ['customers_name_prefix', 'customers', 'name'],
  ['contacts_name_prefix', 'contacts', 'name'],
]

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return
  for (const [name, table, column] of INDEXES) await knex.schema.raw(`create index ${name} on ${table} ((left(${column}, 100) collate "C"))`)
  await knex.schema.raw(`do $$ begin
  if exists (select 1 from pg_extension where extname = 'pg_trgm') then
    create index if not exists contacts_search_trgm on contacts using gin (search_text gin_trgm_ops);
  end if;
end $$`)
  for (const table of ['customers', 'contacts']) await knex.schema.raw(`analyze ${table}`)
}

export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return
  for (const [name] of INDEXES) await knex.schema.raw(`drop index if exists ${name}`)
  await knex.schema.raw('drop index if exists contacts_search_trgm')
}
