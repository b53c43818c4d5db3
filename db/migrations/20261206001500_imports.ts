// 导入 (issue 11): what an import leaves behind so it can be reported and undone.
// - import_batches: one row per import run (who, what, options, counts, the version range its
//   chunks wrote in, the error report file); not synced (it belongs to the machine that ran it
//   and to the central database);
// - import_mappings: named column mappings (模板) a user saved, per entity;
// - customers.import_batch_id and contacts.import_batch_id: the import a row was created by, so
//   撤销导入 finds them by an index; a row is unchanged since the import while its version is
//   not above the batch's last version.
// Runs on SQLite, PostgreSQL and SQL Server (knex schema builder; on SQL Server the uuid keys are
// NONCLUSTERED, the tables clustered on created_at, as migration 20261206000100 made every other).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'
const ddl = (knex: Knex, sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())

async function keyTable(knex: Knex, table: string) {
  if (!isMssql(knex)) return
  await ddl(knex, 'create clustered index ?? on ?? (??)', [`${table}_created_at_clustered`, table, 'created_at'])
  await ddl(knex, 'alter table ?? add constraint ?? primary key nonclustered (??)', [table, `${table}_pkey`, 'id'])
}

const uuidKey = (knex: Knex, t: Knex.CreateTableBuilder) => (isMssql(knex) ? t.uuid('id').notNullable() : t.uuid('id').primary())

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_batches', (t) => {
    uuidKey(knex, t)
    t.string('entity', 16).notNullable() // customers | contacts
    t.uuid('user_id').notNullable()
    t.string('file_name', 255).notNullable()
    t.string('status', 16).notNullable() // running | done | cancelled | failed | undone
    t.text('options').nullable() // JSON: mapping and choices
    t.integer('total_rows').notNullable().defaultTo(0)
    t.integer('imported').notNullable().defaultTo(0)
    t.integer('updated').notNullable().defaultTo(0)
    t.integer('skipped').notNullable().defaultTo(0)
    t.integer('rejected').notNullable().defaultTo(0)
    t.text('similar').nullable() // JSON: rows imported next to a similar customer
    t.bigInteger('first_version').nullable()
    t.bigInteger('last_version').nullable()
    t.string('error_file', 255).nullable()
    t.timestamp('created_at').notNullable()
    t.timestamp('finished_at').nullable()
    t.timestamp('undone_at').nullable()
    t.index(['user_id', 'created_at'])
  })
  await keyTable(knex, 'import_batches')
  await knex.schema.createTable('import_mappings', (t) => {
    uuidKey(knex, t)
    t.uuid('user_id').notNullable()
    t.string('entity', 16).notNullable()
    t.string('name', 100).notNullable()
    t.text('mapping').notNullable() // JSON: header → field key
    t.timestamp('created_at').notNullable()
    t.timestamp('updated_at').notNullable()
    t.unique(['user_id', 'entity', 'name'])
  })
  await keyTable(knex, 'import_mappings')
  await knex.schema.alterTable('customers', (t) => {
    t.uuid('import_batch_id').nullable()
    t.index(['import_batch_id'])
  })
  await knex.schema.alterTable('contacts', (t) => {
    t.uuid('import_batch_id').nullable()
    t.index(['import_batch_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contacts', (t) => {
    t.dropIndex(['import_batch_id'])
    t.dropColumn('import_batch_id')
  })
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['import_batch_id'])
    t.dropColumn('import_batch_id')
  })
  await knex.schema.dropTable('import_mappings')
  await knex.schema.dropTable('import_batches')
}
