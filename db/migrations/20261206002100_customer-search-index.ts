// The customer list's search index on SQLite (issue 8: 2-character Chinese searches under 100 ms
// and few-match searches under 20 ms at 1,000,000 customers). The list's search stays one
// `search_text LIKE '%term%'`; an index only narrows the rows that LIKE then checks:
// - SQLite: an FTS5 trigram index (detail=none, contentless) over each customer's search text
//   with every Chinese character doubled (长春辉亿 → 长长春春辉辉亿亿), so a 2-character Chinese
//   term is a trigram too (科技 → the trigram 科技技, which only a text holding 科技 has); Latin
//   letters and digits stay as they are (pinyin initials, phones, codes: 3+ characters). The
//   trigram index keeps rowids, so `customer_search` gives every customer a stable integer
//   (a customers rowid may change on VACUUM). Kept by triggers on customers, so every writer
//   (services, demo, import, sync, restore) keeps it without code of its own; filled here.
//   The doubling rule (CJK Unified Ideographs and Extension A) is the one `doubleHan` in
//   src-main/db/dialect.ts applies to the term.
// - PostgreSQL: nothing new; the GIN index over crm_search_grams(search_text) (the characters
//   and character pairs of the search text, migration 20261206000700) serves terms of every
//   length, and pg_trgm's (migration 20261206001200) 3+ characters.
// - SQL Server: nothing (see BENCHMARKS.md, "SQL Server: the search's index": a full-text
//   index the DBA creates, or the same n-gram side table); the search scans there.
import type { Knex } from 'knex'

const isSqlite = (knex: Knex) => ['sqlite3', 'better-sqlite3'].includes(String(knex.client.config.client))

/** SQL: `text` with every CJK ideograph doubled (U+3400–U+4DBF, U+4E00–U+9FFF), '' for null. */
export const doubledHanSql = (text: string) => `(with recursive d(i, o) as (
    select 1, ''
    union all
    select i + 1, o || case when unicode(substr(${text}, i, 1)) between 13312 and 19903 or unicode(substr(${text}, i, 1)) between 19968 and 40959
      then substr(${text}, i, 1) || substr(${text}, i, 1) else substr(${text}, i, 1) end
    from d where i <= length(${text})
  ) select o from d order by i desc limit 1)`

const rowOf = (id: string) => `(select id from customer_search where customer_id = ${id})`

export async function up(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return
  await knex.schema.raw('create table customer_search (id integer primary key, customer_id varchar(36) not null unique)')
  await knex.schema.raw(
    "create virtual table customer_search_fts using fts5(grams, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = 'none')",
  )
  await knex.schema.raw('insert into customer_search (customer_id) select id from customers order by id')
  await knex.schema.raw(
    `insert into customer_search_fts (rowid, grams) select s.id, ${doubledHanSql('c.search_text')} from customer_search s join customers c on c.id = s.customer_id`,
  )
  // each body on one line of statements ("; " between them): tools that split a script on ";\n" keep a trigger whole.
  // No `insert or ignore` in them: an upsert's DO UPDATE (the sync's pull) overrides a trigger's
  // conflict clause, and the ignored duplicate fails the whole statement instead.
  const trigger = (head: string, body: string[]) => knex.schema.raw(`${head} begin ${body.map((x) => x + '; ').join('')}end`)
  await trigger('create trigger customers_search_insert after insert on customers', [
    'insert into customer_search (customer_id) select new.id where not exists (select 1 from customer_search where customer_id = new.id)',
    `insert into customer_search_fts (rowid, grams) values (${rowOf('new.id')}, ${doubledHanSql('new.search_text')})`,
  ])
  await trigger('create trigger customers_search_update after update of search_text on customers when old.search_text is not new.search_text', [
    'insert into customer_search (customer_id) select new.id where not exists (select 1 from customer_search where customer_id = new.id)',
    `delete from customer_search_fts where rowid = ${rowOf('new.id')}`,
    `insert into customer_search_fts (rowid, grams) values (${rowOf('new.id')}, ${doubledHanSql('new.search_text')})`,
  ])
  await trigger('create trigger customers_search_delete after delete on customers', [
    `delete from customer_search_fts where rowid = ${rowOf('old.id')}`,
    'delete from customer_search where customer_id = old.id',
  ])
}

export async function down(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return
  for (const t of ['customers_search_delete', 'customers_search_update', 'customers_search_insert']) await knex.schema.raw(`drop trigger ${t}`)
  await knex.schema.raw('drop table customer_search_fts')
  await knex.schema.raw('drop table customer_search')
}
