// churn_warnings_customer_id_index (customer_id) is the leading part of
// churn_warnings_customer_id_status_index (customer_id, status) of migration 20261206000600: every
// read by customer (a customer's warning, the check's "no standing warning" test, the foreign key's
// look-up when a customer row goes) is served by the wider one. Dropped: each warning the first churn
// check opens — tens of thousands at once — no longer inserts into it (SQLite, 100,000 customers:
// the warnings' INSERT 47 → 33 µs a warning; BENCHMARKS.md, churn check).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('churn_warnings', (t) => t.dropIndex(['customer_id']))
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('churn_warnings', (t) => t.index(['customer_id']))
}
