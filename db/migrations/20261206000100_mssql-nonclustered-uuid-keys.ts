// SQL Server only (nothing to do on SQLite and PostgreSQL, whose tables are heaps): a primary key
// is the clustered index there by default, and on random uniqueidentifier ids every insert lands
// on a random page (page splits, fragmentation, a cold buffer pool). Each uuid-keyed table's
// primary key becomes NONCLUSTERED and the table is clustered on a column that rises with
// inserts and never changes afterwards, so new rows append at the end:
//   created_at  every synced table and sync_mutation_results (written once, by the writer)
//   at          audit_log (insert-only)
//   version     sync_tombstones (insert-only; pulls read it by version range)
//   none        role_permissions (a few rows per role: stays a heap)
// Not `version` elsewhere: it changes on every update and would move the row each time.
// A primary key that foreign keys reference cannot be dropped: those foreign keys are dropped
// first and re-created at the end. Names are knex's defaults from the initial schema
// (`<table>_pkey`, `<table>_<column>_foreign`). A table created by a later migration with a
// uuid key must be created nonclustered itself (test/unit/mssql-ddl.test.ts checks every one).
// On a big database this rebuilds every table once: run it in a maintenance window.
import type { Knex } from 'knex'

/** Tables keyed by a uuid `id`, and the rising column to cluster them on (null: stay a heap). */
export const UUID_KEYED_TABLES: Array<[table: string, clusterOn: string | null]> = [
  ['sync_mutation_results', 'created_at'], ['sync_tombstones', 'version'], ['sync_conflicts', 'created_at'],
  ['teams', 'created_at'], ['roles', 'created_at'], ['role_permissions', null], ['users', 'created_at'],
  ['dict_items', 'created_at'], ['customers', 'created_at'], ['contacts', 'created_at'], ['competitors', 'created_at'],
  ['interactions', 'created_at'], ['interaction_promises', 'created_at'], ['attachments', 'created_at'], ['reminders', 'created_at'],
  ['opportunities', 'created_at'], ['plan_steps', 'created_at'], ['products', 'created_at'], ['inventory', 'created_at'],
  ['orders', 'created_at'], ['order_lines', 'created_at'], ['service_tickets', 'created_at'], ['requirements', 'created_at'],
  ['requirement_reviews', 'created_at'], ['requirement_changes', 'created_at'], ['churn_warnings', 'created_at'],
  ['churn_measures', 'created_at'], ['sales_targets', 'created_at'], ['audit_log', 'at'],
]

/** Foreign keys that reference one of those primary keys: [table, column, referenced table]. */
export const FOREIGN_KEYS: Array<[table: string, column: string, references: string]> = [
  ['role_permissions', 'role_id', 'roles'], ['users', 'role_id', 'roles'], ['users', 'team_id', 'teams'],
  ['contacts', 'customer_id', 'customers'], ['competitors', 'customer_id', 'customers'], ['interactions', 'customer_id', 'customers'],
  ['interactions', 'contact_id', 'contacts'], ['interaction_promises', 'interaction_id', 'interactions'],
  ['plan_steps', 'opportunity_id', 'opportunities'], ['inventory', 'product_id', 'products'], ['orders', 'customer_id', 'customers'],
  ['order_lines', 'order_id', 'orders'], ['order_lines', 'product_id', 'products'], ['service_tickets', 'customer_id', 'customers'],
  ['requirements', 'customer_id', 'customers'], ['requirement_reviews', 'requirement_id', 'requirements'],
  ['requirement_changes', 'requirement_id', 'requirements'], ['churn_warnings', 'customer_id', 'customers'],
  ['churn_measures', 'warning_id', 'churn_warnings'],
]

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'
/** DDL knex's schema builder cannot write (clustered / nonclustered), identifiers quoted by knex. */
const ddl = (knex: Knex, sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())
const fkName = (table: string, column: string) => `${table}_${column}_foreign`
const clusteredName = (table: string, column: string) => `${table}_${column}_clustered`

async function dropForeignKeys(knex: Knex) {
  for (const [table, column] of FOREIGN_KEYS) await knex.schema.alterTable(table, (t) => t.dropForeign([column], fkName(table, column)))
}

async function addForeignKeys(knex: Knex) {
  for (const [table, column, references] of FOREIGN_KEYS) {
    await knex.schema.alterTable(table, (t) => t.foreign(column, fkName(table, column)).references('id').inTable(references))
  }
}

export async function up(knex: Knex): Promise<void> {
  if (!isMssql(knex)) return
  await dropForeignKeys(knex)
  for (const [table, clusterOn] of UUID_KEYED_TABLES) {
    await knex.schema.alterTable(table, (t) => t.dropPrimary(`${table}_pkey`))
    // clustered first, then the nonclustered key: its rows then point at the final clustering key
    if (clusterOn) await ddl(knex, 'create clustered index ?? on ?? (??)', [clusteredName(table, clusterOn), table, clusterOn])
    await ddl(knex, 'alter table ?? add constraint ?? primary key nonclustered (??)', [table, `${table}_pkey`, 'id'])
  }
  await addForeignKeys(knex)
}

export async function down(knex: Knex): Promise<void> {
  if (!isMssql(knex)) return
  await dropForeignKeys(knex)
  for (const [table, clusterOn] of UUID_KEYED_TABLES) {
    await knex.schema.alterTable(table, (t) => t.dropPrimary(`${table}_pkey`))
    if (clusterOn) await ddl(knex, 'drop index ?? on ??', [clusteredName(table, clusterOn), table])
    await ddl(knex, 'alter table ?? add constraint ?? primary key clustered (??)', [table, `${table}_pkey`, 'id'])
  }
  await addForeignKeys(knex)
}
