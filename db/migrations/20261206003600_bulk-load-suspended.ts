// crm demo at scale (issue 8): a bulk load drops the secondary indexes (and SQLite's per-row
// search-index triggers) of the tables it fills and builds them again, set-based, after the load.
// Their definitions are kept here while they are dropped, so a load that is interrupted (killed,
// power cut) leaves them to be rebuilt by the next `crm demo` (it rebuilds them before anything
// else) instead of losing them. Empty except during a bulk load. Runs on SQLite, PostgreSQL and
// SQL Server (knex schema builder).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bulk_load_suspended', (t) => {
    t.string('name', 128).primary()
    t.string('table_name', 64).notNullable()
    t.string('kind', 16).notNullable() // index | trigger
    t.text('definition').notNullable()
    t.integer('seq').notNullable()
    t.timestamp('created_at').notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('bulk_load_suspended')
}
