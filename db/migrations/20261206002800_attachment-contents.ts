// Attachments travel with offline sync (issue 12 item 8): the bytes of every attachment stored
// through the central database are kept in it too (attachment_contents), because the files
// folder of the machine that wrote them is not reachable by the other desktop clients. A client
// downloads a file it lacks from here (on demand, or ahead for the rep's own customers).
// Not part of the change feed (no version): fetched by id, only by someone who may see the record.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachment_contents', (t) => {
    t.uuid('attachment_id').primary() // the attachments row's id
    t.binary('content').notNullable() // bytea / blob / varbinary(max)
    t.timestamp('created_at').notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attachment_contents')
}
