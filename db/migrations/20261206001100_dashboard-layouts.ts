// 工作台: each user's card layout (order and hidden cards) is kept server-side, one row per user,
// so it follows the user to another machine. Keyed by the user (a handful of rows, written
// rarely: no surrogate uuid key, so nothing to uncluster on SQL Server). Also the indexes behind the 销售简报 counts
// (customers and contacts created in a period).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dashboard_layouts', (t) => {
    t.uuid('user_id').primary()
    t.timestamp('created_at').notNullable()
    t.timestamp('updated_at').notNullable()
    t.bigInteger('version').notNullable().defaultTo(0)
    t.timestamp('deleted_at').nullable()
    // JSON array of {key, hidden}, in the user's order
    t.text('cards').notNullable()
    t.index(['version'])
  })
  await knex.schema.alterTable('customers', (t) => {
    t.index(['created_at'], 'customers_created_at_index')
  })
  await knex.schema.alterTable('contacts', (t) => {
    t.index(['created_at'], 'contacts_created_at_index')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contacts', (t) => {
    t.dropIndex(['created_at'], 'contacts_created_at_index')
  })
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['created_at'], 'customers_created_at_index')
  })
  await knex.schema.dropTable('dashboard_layouts')
}
