// The customer list's dictionary filters at 1,000,000 customers (issue 8). Each of 地区, 级别,
// 行业 and 分类 had a single-column index (initial schema): a filter on two or three of them was
// read through one of them (SQLite without useful statistics took 级别's: 600,000 rows at 1M) with
// a table read per row to check the others, the owner and deleted_at — 665 ms of CPU for region +
// level + industry; a supervisor's region filter 787 ms. These covering indexes replace, under the
// same names, the four narrow covers (dimension, deleted_at, id) that migration 20261207000200 put
// in place of the single-column indexes for 客户构成分析 (which reads them by name, INDEXED BY: the
// wider index still carries the dimension, deleted_at and id, in the dimension's order) — no
// index more for a customer write. Each leads with one dimension, then the
// other three in a cycle (地区 → 级别 → 行业 → 分类 → 地区), so any two dimensions next to each other
// in the cycle are an equality prefix of one index and every other combination is checked inside
// the index; then the scope (owner_id), liveness (deleted_at), the default sort (updated_at) and
// id, so a filtered list, its capped count and its default sort read index entries, not rows.
// Runs on SQLite (plain create/drop index: no table copy, the triggers stay), PostgreSQL and
// SQL Server (uuid 16 bytes, datetime2 8: keys far within 1,700 bytes).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'

const DIMS = ['region_id', 'level_id', 'industry_id', 'category_id'] as const
const TAIL = ['owner_id', 'deleted_at', 'updated_at', 'id']

/** [index name, columns, the narrow cover of migration 20261207000200 it replaces (same name)] */
export const DIMENSION_COVERS: Array<[string, string[], string[]]> = DIMS.map((d, i) => [
  `customers_${d}_cover`,
  [...DIMS.slice(i), ...DIMS.slice(0, i), ...TAIL],
  [d, 'deleted_at', 'id'],
])

const q = (knex: Knex, s: string) => (isMssql(knex) ? `[${s}]` : s)
const create = (knex: Knex, name: string, cols: string[]) =>
  knex.schema.raw(`create index ${q(knex, name)} on ${q(knex, 'customers')} (${cols.map((c) => q(knex, c)).join(', ')})`)
const drop = (knex: Knex, name: string) => knex.schema.raw(isMssql(knex) ? `drop index [${name}] on [customers]` : `drop index ${name}`)

export async function up(knex: Knex): Promise<void> {
  for (const [name, cols] of DIMENSION_COVERS) {
    await drop(knex, name)
    await create(knex, name, cols)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [name, , narrow] of DIMENSION_COVERS) {
    await drop(knex, name)
    await create(knex, name, narrow)
  }
}
