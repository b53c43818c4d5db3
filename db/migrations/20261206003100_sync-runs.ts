// Offline sync (issue 12), client side: the 同步详情 page's run history, kept in the desktop
// client's cache so it survives a restart (the last runs only: SyncClient prunes the older ones).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_runs', (t) => {
    t.increments('id').primary() // the order runs were recorded in
    t.timestamp('started_at').notNullable()
    t.timestamp('finished_at').notNullable()
    t.boolean('ok').notNullable()
    t.boolean('reachable').notNullable()
    t.text('detail').notNullable() // JSON: the counts (pushed, applied, kept, …) and the error, if any
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_runs')
}
