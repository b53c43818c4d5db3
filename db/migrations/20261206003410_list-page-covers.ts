// Deep pages of the order and opportunity lists (issue 9; as migration 20261206002110 did for the
// customer list). A page is read as the ids of one window of the ordered list (OFFSET); the
// database steps over every entry before the window, and with the sort indexes of 20261206001400
// (orders: sort column, id) and 20261206000300 (opportunities: the sort column alone) each entry
// stepped over was also read from the table (deleted_at, the owner for a scope, a filter's
// status or amount). These covering indexes carry what the lists check, so the entries stepped
// over are read from the index alone; the services read a page past the middle from the other
// end. Orders: they replace the narrower (sort, id) indexes. Opportunities: new, for the default
// sort (created_at) and updated_at; the single-column ones stay (the funnel's edge months read
// created_at). Runs on SQLite, PostgreSQL and SQL Server.
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'

/** [table, index name, columns] */
export const COVERS: Array<[string, string, string[]]> = [
  ['orders', 'orders_date_cover', ['order_date', 'id', 'deleted_at', 'owner_id', 'status', 'total_cents']],
  ['orders', 'orders_owner_date_cover', ['owner_id', 'order_date', 'id', 'deleted_at']],
  ['orders', 'orders_updated_cover', ['updated_at', 'id', 'deleted_at', 'owner_id']],
  ['orders', 'orders_total_cover', ['total_cents', 'id', 'deleted_at', 'owner_id', 'status', 'order_date']],
  ['opportunities', 'opportunities_created_cover', ['created_at', 'id', 'deleted_at', 'owner_id', 'created_by', 'status']],
  ['opportunities', 'opportunities_updated_cover', ['updated_at', 'id', 'deleted_at', 'owner_id', 'created_by', 'status']],
]
/** The orders' indexes these replace (knex's names, migration 20261206001400). */
const REPLACED: Array<[string, string[]]> = [
  ['orders_order_date_id_index', ['order_date', 'id']],
  ['orders_owner_id_order_date_id_index', ['owner_id', 'order_date', 'id']],
  ['orders_updated_at_id_index', ['updated_at', 'id']],
  ['orders_total_cents_id_index', ['total_cents', 'id']],
]

const q = (knex: Knex, s: string) => (isMssql(knex) ? `[${s}]` : s)
const create = (knex: Knex, table: string, name: string, cols: string[]) =>
  knex.schema.raw(`create index ${q(knex, name)} on ${q(knex, table)} (${cols.map((c) => q(knex, c)).join(', ')})`)
const drop = (knex: Knex, table: string, name: string) => knex.schema.raw(isMssql(knex) ? `drop index [${name}] on [${table}]` : `drop index ${name}`)

export async function up(knex: Knex): Promise<void> {
  for (const [table, name, cols] of COVERS) await create(knex, table, name, cols)
  for (const [name] of REPLACED) await drop(knex, 'orders', name)
}

export async function down(knex: Knex): Promise<void> {
  for (const [name, cols] of REPLACED) await create(knex, 'orders', name, cols)
  for (const [table, name] of COVERS) await drop(knex, table, name)
}
