// Offline sync (issue 12). Central side: a mutation's stored answer (sync_mutation_results.result),
// so a repeated push returns exactly what the first one did. Client side (the desktop client's
// local SQLite cache runs the same migrations): the outbox of offline writes and the client's own
// sync state (client id, pull cursor, epoch, schema). Conflicts to resolve use sync_conflicts.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_mutation_results', (t) => {
    t.text('result').nullable() // JSON: the answer the push gave (applied / rejected / kept, conflicts)
    t.bigInteger('version').nullable() // the central version the mutation committed with (null: nothing written)
  })
  await knex.schema.createTable('sync_outbox', (t) => {
    t.bigInteger('mutation_id').primary() // rising per client, never reused
    t.string('operation', 64).notNullable() // customers.create, interactions.create, …
    t.text('args').notNullable() // JSON: the service input
    t.text('base').nullable() // JSON: the values the edited fields had when the offline edit was made
    t.string('entity', 32).notNullable()
    t.uuid('entity_id').notNullable()
    t.bigInteger('base_version').nullable() // the row version the edit was based on
    t.string('schema_version', 64).notNullable() // the client's newest migration when written
    t.string('status', 16).notNullable() // pending | applied | rejected | held
    t.text('result').nullable() // JSON: the central answer
    t.boolean('refreshed').notNullable().defaultTo(false) // the central copy of the entity was fetched back
    t.timestamp('created_at').notNullable()
    t.timestamp('applied_at').nullable()
    t.index(['status', 'mutation_id'])
  })
  await knex.schema.createTable('sync_client_state', (t) => {
    t.string('key', 64).primary()
    t.text('value').nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_client_state')
  await knex.schema.dropTable('sync_outbox')
  await knex.schema.alterTable('sync_mutation_results', (t) => {
    t.dropColumn('version')
    t.dropColumn('result')
  })
}
