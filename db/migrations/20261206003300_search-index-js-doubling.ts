// The SQLite search indexes' triggers (customers 20261206002100, contacts 20261206002200,
// opportunities 20261206002310, service tickets 20261206003200) double the Chinese characters of a search text through
// `crm_double_han(text)`, a deterministic JavaScript function every SQLite connection of the app
// registers when it opens (src-main/db/connection.ts, registerSqliteFunctions; the rule is
// `doubleHan` of src-main/db/dialect.ts) instead of the recursive CTE that evaluated
// `unicode(substr(...))` per character: that cost ~0.17 ms of CPU per written customer (issue 11:
// a 100,000-row import), the function ~0.01 ms. The index content is the same, so nothing is
// rebuilt. A connection without the function (a plain sqlite3 shell, another program) cannot
// write customers, contacts, opportunities or tickets: SQLite answers "no such function: crm_double_han"
// when it prepares the write, and nothing of the statement is written — reading stays possible.
// PostgreSQL and SQL Server: nothing (their indexes have no such trigger).
import type { Knex } from 'knex'
import { doubledHanSql } from './20261206002100_customer-search-index'

const isSqlite = (knex: Knex) => ['sqlite3', 'better-sqlite3'].includes(String(knex.client.config.client))

/** table, its search side table and id column, the trigger name prefix, whether a null search text is skipped, the text indexed */
const INDEXES = [
  { table: 'customers', side: 'customer_search', key: 'customer_id', prefix: 'customers', nullable: false, text: 'new.search_text' },
  { table: 'contacts', side: 'contact_search', key: 'contact_id', prefix: 'contacts', nullable: true, text: 'new.search_text' },
  { table: 'opportunities', side: 'opportunity_search', key: 'opportunity_id', prefix: 'opportunities', nullable: false, text: 'new.search_text' },
  { table: 'service_tickets', side: 'ticket_search', key: 'ticket_id', prefix: 'service_tickets', nullable: false, text: "coalesce(new.search_text, '')" },
] as const

async function triggers(knex: Knex, doubled: (text: string) => string) {
  // each body on one line of statements ("; " between them): tools that split a script on ";\n" keep a trigger whole.
  // No `insert or ignore`: an upsert's DO UPDATE (the sync's pull) overrides a trigger's conflict clause.
  const trigger = (head: string, body: string[]) => knex.schema.raw(`${head} begin ${body.map((x) => x + '; ').join('')}end`)
  for (const x of INDEXES) {
    for (const t of ['insert', 'update', 'delete']) await knex.schema.raw(`drop trigger if exists ${x.prefix}_search_${t}`)
    const rowOf = (id: string) => `(select id from ${x.side} where ${x.key} = ${id})`
    const fill = x.nullable
      ? `insert into ${x.side}_fts (rowid, grams) select ${rowOf('new.id')}, ${doubled(x.text)} where new.search_text is not null`
      : `insert into ${x.side}_fts (rowid, grams) values (${rowOf('new.id')}, ${doubled(x.text)})`
    const side = `insert into ${x.side} (${x.key}) select new.id where not exists (select 1 from ${x.side} where ${x.key} = new.id)`
    await trigger(`create trigger ${x.prefix}_search_insert after insert on ${x.table}`, [side, fill])
    await trigger(`create trigger ${x.prefix}_search_update after update of search_text on ${x.table} when old.search_text is not new.search_text`, [
      side,
      `delete from ${x.side}_fts where rowid = ${rowOf('new.id')}`,
      fill,
    ])
    await trigger(`create trigger ${x.prefix}_search_delete after delete on ${x.table}`, [
      `delete from ${x.side}_fts where rowid = ${rowOf('old.id')}`,
      `delete from ${x.side} where ${x.key} = old.id`,
    ])
  }
}

export async function up(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return
  await triggers(knex, (text) => `crm_double_han(${text})`)
}

export async function down(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return
  await triggers(knex, doubledHanSql)
}
