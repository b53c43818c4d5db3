// The opportunity search's index (issue 9: the board and the list searched by a name fragment
// over 100,000 opportunities under 100 ms). The search stays one `search_text LIKE '%term%'`; an
// index only narrows the rows that LIKE then checks — as the customers' (migration 20261206002100):
// - SQLite: an FTS5 trigram index (detail=none, contentless) over each opportunity's search text
//   with every Chinese character doubled (新东 → 新新东东, so a 2-character Chinese term is a
//   trigram too); `opportunity_search` gives every opportunity a stable integer for it. Kept by
//   triggers on opportunities (every writer keeps it; no `insert or ignore`: an upsert's DO
//   UPDATE overrides a trigger's conflict clause), filled here. The doubling is the customers'
//   (doubledHanSql of migration 20261206002100, doubleHan in src-main/db/dialect.ts for the term).
// - PostgreSQL: a GIN index over crm_search_grams(search_text) (the characters and character
//   pairs, the function of migration 20261206000700), as customers and contacts have.
// - SQL Server: nothing; the search scans (a plain LIKE, src-main/db/dialect.ts).
import type { Knex } from 'knex'
import { doubledHanSql } from './20261206002100_customer-search-index'

const client = (knex: Knex) => String(knex.client.config.client)
const isSqlite = (knex: Knex) => ['sqlite3', 'better-sqlite3'].includes(client(knex))
const isPostgres = (knex: Knex) => ['pg', 'postgres', 'postgresql'].includes(client(knex))

const rowOf = (id: string) => `(select id from opportunity_search where opportunity_id = ${id})`

export async function up(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.schema.raw('create index opportunities_search_grams on opportunities using gin (crm_search_grams(search_text))')
    return
  }
  if (!isSqlite(knex)) return
  await knex.schema.raw('create table opportunity_search (id integer primary key, opportunity_id varchar(36) not null unique)')
  await knex.schema.raw(
    "create virtual table opportunity_search_fts using fts5(grams, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = 'none')",
  )
  await knex.schema.raw('insert into opportunity_search (opportunity_id) select id from opportunities order by id')
  await knex.schema.raw(
    `insert into opportunity_search_fts (rowid, grams) select s.id, ${doubledHanSql('o.search_text')} from opportunity_search s join opportunities o on o.id = s.opportunity_id`,
  )
  // each body on one line of statements ("; " between them): tools that split a script on ";\n" keep a trigger whole
  const trigger = (head: string, body: string[]) => knex.schema.raw(`${head} begin ${body.map((x) => x + '; ').join('')}end`)
  await trigger('create trigger opportunities_search_insert after insert on opportunities', [
    'insert into opportunity_search (opportunity_id) select new.id where not exists (select 1 from opportunity_search where opportunity_id = new.id)',
    `insert into opportunity_search_fts (rowid, grams) values (${rowOf('new.id')}, ${doubledHanSql('new.search_text')})`,
  ])
  await trigger('create trigger opportunities_search_update after update of search_text on opportunities when old.search_text is not new.search_text', [
    'insert into opportunity_search (opportunity_id) select new.id where not exists (select 1 from opportunity_search where opportunity_id = new.id)',
    `delete from opportunity_search_fts where rowid = ${rowOf('new.id')}`,
    `insert into opportunity_search_fts (rowid, grams) values (${rowOf('new.id')}, ${doubledHanSql('new.search_text')})`,
  ])
  await trigger('create trigger opportunities_search_delete after delete on opportunities', [
    `delete from opportunity_search_fts where rowid = ${rowOf('old.id')}`,
    'delete from opportunity_search where opportunity_id = old.id',
  ])
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.schema.raw('drop index if exists opportunities_search_grams')
    return
  }
  if (!isSqlite(knex)) return
  for (const t of ['opportunities_search_delete', 'opportunities_search_update', 'opportunities_search_insert']) await knex.schema.raw(`drop trigger ${t}`)
  await knex.schema.raw('drop table opportunity_search_fts')
  await knex.schema.raw('drop table opportunity_search')
}
