// The customers' single-column index on updated_at (initial schema) is a prefix of
// customers_updated_cover (updated_at, id, deleted_at, owner_id; migration 20261206002110), which
// serves every read it served. Kept, it cost every customer write one more index entry and misled
// PostgreSQL: on a list filtered by status or level it walked the narrow index and sorted a whole
// group of rows sharing one updated_at (38,000 of 62,000 after the churn check's batch write) to
// get 50 — 95–146 ms; without it the page reads the covering index in order (0.11–0.15 ms,
// EXPLAIN ANALYZE, BENCHMARKS.md issue 8). Same name on every dialect (knex's default).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => t.dropIndex(['updated_at']))
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => t.index(['updated_at']))
}
