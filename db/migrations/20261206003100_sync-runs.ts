// Offline sync (issue 12), client side: the 同步详情 page's run history, kept in the desktop
// client's cache so it survives a restart (the last runs only: SyncClient prunes the older ones).
// Runs on SQLite, PostgreSQL and SQL Server (nvarchar, datetime2; a NONCLUSTERED uuid key clustered
// on created_at, as migration 20261206000100 made every other table).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'
const ddl = (knex: Knex, sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_runs', (t) => {
    if (isMssql(knex)) t.uuid('id').notNullable()
    else t.uuid('id').primary()
    t.bigInteger('seq').notNullable() // the order runs were recorded in (rising)
    t.timestamp('started_at').notNullable()
    t.timestamp('finished_at').notNullable()
    t.boolean('ok').notNullable()
    t.boolean('reachable').notNullable()
    t.text('detail').notNullable() // JSON: the counts (pushed, applied, kept, …) and the error, if any
    t.timestamp('created_at').notNullable() // when it was recorded
    t.index(['seq'])
  })
  if (isMssql(knex)) {
    await ddl(knex, 'create clustered index ?? on ?? (??)', ['sync_runs_created_at_clustered', 'sync_runs', 'created_at'])
    await ddl(knex, 'alter table ?? add constraint ?? primary key nonclustered (??)', ['sync_runs', 'sync_runs_pkey', 'id'])
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_runs')
}
