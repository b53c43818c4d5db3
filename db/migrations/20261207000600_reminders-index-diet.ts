// Three of the reminders' eleven indexes (initial schema) served no read of their own, and every
// reminder insert paid for them — the first evaluation at 1,000,000 customers inserts ~630,000
// (issue 8): reminders_owner_id_index and reminders_customer_id_index are prefixes of
// (owner_id, done_at, due_at) / (owner_id, notified_at, fire_at) and (customer_id, source, done_at),
// which serve every read by owner or customer (lists, the centre and badge, a customer's
// reminders, the evaluation's slices); reminders_source_key_index is read by nothing (a system
// reminder is found by its id, a hash of its source key). Same names on every dialect (knex's
// default). The remaining eight: the key, version (sync), the two owner covers, due_at, the
// customer cover, (source, done_at) and source_id (the hourly run).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.dropIndex(['owner_id'])
    t.dropIndex(['customer_id'])
    t.dropIndex(['source_key'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.index(['owner_id'])
    t.index(['customer_id'])
    t.index(['source_key'])
  })
}
