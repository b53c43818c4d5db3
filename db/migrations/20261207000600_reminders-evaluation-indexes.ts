// The reminders' indexes for the first evaluation at 1,000,000 customers (issue 8), which inserts
// ~630,000 reminders into a table of 1.8 million and looks up a follow-up reminder for each of
// ~1.7 million interactions:
// - Three of the eleven indexes (initial schema) served no read of their own, and every insert paid
//   for them: reminders_owner_id_index and reminders_customer_id_index are prefixes of
//   (owner_id, done_at, due_at) / (owner_id, notified_at, fire_at) and (customer_id, source,
//   done_at), which serve every read by owner or customer (lists, the centre and badge, a
//   customer's reminders, the evaluation's slices); reminders_source_key_index is read by nothing
//   (a system reminder is found by its id, a hash of its source key).
// - reminders_source_id_index becomes (source_id, source, retracted_at): the evaluation's "has this
//   interaction / promise its reminder" checks (source_id = ? and source = ? and retracted_at is
//   null) answer from the index instead of reading each reminder's row (1,718 row reads per slice
//   of 1,000 customers).
// - interactions_follow_up_live: the live interactions with a follow-up date, by customer and id, a
//   partial index (SQL Server: filtered): the follow-up candidates of a slice read those (1,718 of
//   4,023 interactions per slice) from it and each one's reminder check from the index above,
//   without reading the other interactions' rows.
// Same index names on every dialect (knex's default for the dropped ones).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.dropIndex(['owner_id'])
    t.dropIndex(['customer_id'])
    t.dropIndex(['source_key'])
    t.dropIndex(['source_id'])
    t.index(['source_id', 'source', 'retracted_at'], 'reminders_source_id_cover')
  })
  if (isMssql(knex)) {
    await knex.schema.raw('create index [interactions_follow_up_live] on [interactions] ([customer_id], [id]) where [next_follow_up_at] is not null and [deleted_at] is null')
  } else {
    await knex.schema.raw('create index interactions_follow_up_live on interactions (customer_id, id) where next_follow_up_at is not null and deleted_at is null')
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.raw(isMssql(knex) ? 'drop index [interactions_follow_up_live] on [interactions]' : 'drop index interactions_follow_up_live')
  await knex.schema.alterTable('reminders', (t) => {
    t.dropIndex([], 'reminders_source_id_cover')
    t.index(['source_id'])
    t.index(['owner_id'])
    t.index(['customer_id'])
    t.index(['source_key'])
  })
}
