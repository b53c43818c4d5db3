// 客户构成分析 at company scope (issue 13 item 2): count and sales of the live customers per value
// of a dimension. Each dimension's plain index (customers_<dim>_id_index of the initial schema) is
// replaced by customers_<dim>_id_cover (<dim>_id, deleted_at, id): the report reads the customers
// from it alone, already in the order it groups by (no table row of a customer — SQLite read
// 100,000 whole rows before — and no sort of them), and looks each one's sales up in
// customer_sales_sums by the id. A lookup by the dimension (`where region_id = ?`) uses the same
// index as before (its first column), and the customers keep as many indexes as before. Plain
// indexes: nothing to keep up to date by the writes.
import type { Knex } from 'knex'

export const COMPOSITION_DIMENSIONS = ['level', 'region', 'industry', 'nature', 'size', 'source', 'category'] as const

const cover = (d: string) => [`${d}_id`, 'deleted_at', 'id']

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    for (const d of COMPOSITION_DIMENSIONS) {
      t.dropIndex([`${d}_id`], `customers_${d}_id_index`)
      t.index(cover(d), `customers_${d}_id_cover`)
    }
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    for (const d of COMPOSITION_DIMENSIONS) {
      t.dropIndex(cover(d), `customers_${d}_id_cover`)
      t.index([`${d}_id`], `customers_${d}_id_index`)
    }
  })
}
