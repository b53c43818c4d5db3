// The service tickets' search index (issue 14: 全局搜索 and the ticket list search a text fragment
// without reading every ticket). As the opportunities' (migration 20261206002310): the search stays
// one `search_text LIKE '%term%'`; the index only narrows the rows that LIKE then checks.
// - SQLite: an FTS5 trigram index (detail=none, contentless) over each ticket's search text with
//   every Chinese character doubled (恒达 → 恒恒达达, so a 2-character Chinese term is a trigram
//   too); `ticket_search` gives every ticket a stable integer for it. Kept by triggers on
//   service_tickets, so every writer keeps it (the service, a sync pull's insert and upsert, the
//   demo, imports); filled here.
// - PostgreSQL: a GIN index over crm_search_grams(search_text) (the characters and character
//   pairs, the function of migration 20261206000700), as customers, contacts and opportunities have.
// - SQL Server: nothing; the search scans (a plain LIKE under TOP, src-main/db/dialect.ts).
import type { Knex } from 'knex'
import { doubledHanSql } from './20261206002100_customer-search-index'

const client = (knex: Knex) => String(knex.client.config.client)
const isSqlite = (knex: Knex) => ['sqlite3', 'better-sqlite3'].includes(client(knex))
const isPostgres = (knex: Knex) => ['pg', 'postgres', 'postgresql'].includes(client(knex))

const rowOf = (id: string) => `(select id from ticket_search where ticket_id = ${id})`

export async function up(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.schema.raw('create index service_tickets_search_grams on service_tickets using gin (crm_search_grams(search_text))')
    await knex.schema.raw('analyze service_tickets') // the index's statistics: how many rows a term is offered (textSearchIndexCount)
    return
  }
  if (!isSqlite(knex)) return
  await knex.schema.raw('create table ticket_search (id integer primary key, ticket_id varchar(36) not null unique)')
  await knex.schema.raw(
    "create virtual table ticket_search_fts using fts5(grams, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = 'none')",
  )
  await knex.schema.raw('insert into ticket_search (ticket_id) select id from service_tickets order by id')
  await knex.schema.raw(
    `insert into ticket_search_fts (rowid, grams) select s.id, ${doubledHanSql("coalesce(t.search_text, '')")} from ticket_search s join service_tickets t on t.id = s.ticket_id`,
  )
  // each body on one line of statements ("; " between them): tools that split a script on ";\n" keep a trigger whole
  const trigger = (head: string, body: string[]) => knex.schema.raw(`${head} begin ${body.map((x) => x + '; ').join('')}end`)
  await trigger('create trigger service_tickets_search_insert after insert on service_tickets', [
    'insert into ticket_search (ticket_id) select new.id where not exists (select 1 from ticket_search where ticket_id = new.id)',
    `insert into ticket_search_fts (rowid, grams) values (${rowOf('new.id')}, ${doubledHanSql("coalesce(new.search_text, '')")})`,
  ])
  await trigger('create trigger service_tickets_search_update after update of search_text on service_tickets when old.search_text is not new.search_text', [
    'insert into ticket_search (ticket_id) select new.id where not exists (select 1 from ticket_search where ticket_id = new.id)',
    `delete from ticket_search_fts where rowid = ${rowOf('new.id')}`,
    `insert into ticket_search_fts (rowid, grams) values (${rowOf('new.id')}, ${doubledHanSql("coalesce(new.search_text, '')")})`,
  ])
  await trigger('create trigger service_tickets_search_delete after delete on service_tickets', [
    `delete from ticket_search_fts where rowid = ${rowOf('old.id')}`,
    'delete from ticket_search where ticket_id = old.id',
  ])
}

export async function down(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.schema.raw('drop index if exists service_tickets_search_grams')
    return
  }
  if (!isSqlite(knex)) return
  for (const t of ['service_tickets_search_delete', 'service_tickets_search_update', 'service_tickets_search_insert']) await knex.schema.raw(`drop trigger ${t}`)
  await knex.schema.raw('drop table ticket_search_fts')
  await knex.schema.raw('drop table ticket_search')
}
