// 客户构成分析 at company scope (issue 13 item 2): count and sales of the live customers per value
// of a dimension. customers_dimensions_cover holds the live flag, the id and every dimension the
// report groups by, in id order: the report reads the customers from this index alone (no table
// row of a customer: SQLite read 100,000 whole rows before) and looks each one's sales up in
// customer_sales_sums in the same id order. One index for the seven dimensions (not one per
// dimension: each is another index every customer write maintains). A plain index: nothing to
// keep up to date by the writes.
import type { Knex } from 'knex'

export const CUSTOMER_DIMENSION_COLUMNS = ['deleted_at', 'id', 'level_id', 'region_id', 'industry_id', 'nature_id', 'size_id', 'source_id', 'category_id']

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.index(CUSTOMER_DIMENSION_COLUMNS, 'customers_dimensions_cover')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(CUSTOMER_DIMENSION_COLUMNS, 'customers_dimensions_cover')
  })
}
