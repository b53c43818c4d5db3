// 全局搜索's contacts index on SQLite (issue 14: under 50 ms at 100,000 customers): the same
// FTS5 trigram index the customers' search text has (migration 20261206002100) over each
// contact's search text (name, mobile as typed and as digits, full pinyin and initials of the
// name), Chinese characters doubled so a 1–2 character Chinese name part is a trigram too
// (张伟 → 张张伟伟; '|' + 张 → the trigram |张张: a part starting with 张). The global search's
// `search_text LIKE '%term%'` stays; the index only narrows the contacts it then checks.
// `contact_search` gives every contact a stable integer (FTS5 keeps rowids). Kept by triggers on
// contacts (services, demo, import, sync pull and restore keep it without code of their own),
// written with `where not exists`, never `insert or ignore` (an upsert's DO UPDATE — the sync's
// pull — overrides a trigger's conflict clause and the ignored duplicate fails the statement).
// - PostgreSQL: nothing new; the GIN index contacts_search_grams (migration 20261206000700).
// - SQL Server: nothing; the search scans there (see src-main/db/dialect.ts, searchIndexFrom).
import type { Knex } from 'knex'
import { doubledHanSql } from './20261206002100_customer-search-index'

const isSqlite = (knex: Knex) => ['sqlite3', 'better-sqlite3'].includes(String(knex.client.config.client))

const rowOf = (id: string) => `(select id from contact_search where contact_id = ${id})`

export async function up(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return
  await knex.schema.raw('create table contact_search (id integer primary key, contact_id varchar(36) not null unique)')
  await knex.schema.raw(
    "create virtual table contact_search_fts using fts5(grams, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = 'none')",
  )
  await knex.schema.raw('insert into contact_search (contact_id) select id from contacts order by id')
  await knex.schema.raw(
    `insert into contact_search_fts (rowid, grams) select s.id, ${doubledHanSql('c.search_text')} from contact_search s join contacts c on c.id = s.contact_id where c.search_text is not null`,
  )
  // each body on one line of statements ("; " between them): tools that split a script on ";\n" keep a trigger whole
  const trigger = (head: string, body: string[]) => knex.schema.raw(`${head} begin ${body.map((x) => x + '; ').join('')}end`)
  await trigger('create trigger contacts_search_insert after insert on contacts', [
    'insert into contact_search (contact_id) select new.id where not exists (select 1 from contact_search where contact_id = new.id)',
    `insert into contact_search_fts (rowid, grams) select ${rowOf('new.id')}, ${doubledHanSql('new.search_text')} where new.search_text is not null`,
  ])
  await trigger('create trigger contacts_search_update after update of search_text on contacts when old.search_text is not new.search_text', [
    'insert into contact_search (contact_id) select new.id where not exists (select 1 from contact_search where contact_id = new.id)',
    `delete from contact_search_fts where rowid = ${rowOf('new.id')}`,
    `insert into contact_search_fts (rowid, grams) select ${rowOf('new.id')}, ${doubledHanSql('new.search_text')} where new.search_text is not null`,
  ])
  await trigger('create trigger contacts_search_delete after delete on contacts', [
    `delete from contact_search_fts where rowid = ${rowOf('old.id')}`,
    'delete from contact_search where contact_id = old.id',
  ])
}

export async function down(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return
  for (const t of ['contacts_search_delete', 'contacts_search_update', 'contacts_search_insert']) await knex.schema.raw(`drop trigger ${t}`)
  await knex.schema.raw('drop table contact_search_fts')
  await knex.schema.raw('drop table contact_search')
}
