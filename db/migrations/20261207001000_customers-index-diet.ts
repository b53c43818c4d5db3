// The customers table's index diet (issues 10 and 11): every inserted or non-HOT-updated customer
// maintains every index of the table (51 on SQLite, 53 on PostgreSQL), and that maintenance was
// most of an import's and of the first churn check's CPU. Dropped here, each the leading part of a
// wider index that stays (same leading columns in the same order, so every read they served is
// served by the wider one, which covers more):
// - name → customers_name_cover (name, short_name, deleted_at, owner_id, id); SQLite only — on
//   PostgreSQL and SQL Server nothing reads customers by plain name (the search's name range reads
//   customers_name_prefix on PostgreSQL; duplicates are found by name_key)
// - name_pinyin → customers_pinyin_cover (name_pinyin, id, deleted_at, owner_id)
// - created_at → customers_created_cover (created_at, id, deleted_at, owner_id)
// - contact_policy_id → (contact_policy_id, last_contact_at)
// - purchase_policy_id → (purchase_policy_id, last_order_date)
// and next_contact_at, which nothing filters on: the list's 下次联系 sort reads the nulls-last covers
// of migration 20261206002110. Two narrow ones stay although a wider index leads with their
// column (SQLite, 100,000 customers): customers_status_index — under the demo's sampled statistics
// SQLite reads the churn check's `id in (…) and status = ?` through a status index, and through
// customers_churn_check_index that read took 560 ms of CPU instead of 200; customers_owner_id_index —
// a manager's search reads the manager's customers' rows through it, in rowid order, and through
// customers_owner_cover (updated_at order: the rows in random order) it took 84 ms instead of 26.
// None of the dropped is read by name (INDEXED BY) or backs a foreign key (customers has none of
// its own; the dictionary ids are plain columns). Which statements used which index: BENCHMARKS.md, "The customers table's index diet".
// Runs on SQLite (plain drop index: no table copy, the triggers stay), PostgreSQL and SQL Server
// (the same names: knex's).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'

/** [index name, its columns] as the migration that made it wrote them. */
export const DROPPED: Array<[string, string[]]> = [
  ['customers_name_index', ['name']],
  ['customers_name_pinyin_index', ['name_pinyin']],
  ['customers_created_at_index', ['created_at']],
  ['customers_contact_policy_id_index', ['contact_policy_id']],
  ['customers_purchase_policy_id_index', ['purchase_policy_id']],
  ['customers_next_contact_at_index', ['next_contact_at']],
]

const q = (knex: Knex, s: string) => (isMssql(knex) ? `[${s}]` : s)

export async function up(knex: Knex): Promise<void> {
  for (const [name] of DROPPED) await knex.schema.raw(isMssql(knex) ? `drop index [${name}] on [customers]` : `drop index ${name}`)
}

export async function down(knex: Knex): Promise<void> {
  for (const [name, cols] of DROPPED) {
    await knex.schema.raw(`create index ${q(knex, name)} on ${q(knex, 'customers')} (${cols.map((c) => q(knex, c)).join(', ')})`)
  }
}
