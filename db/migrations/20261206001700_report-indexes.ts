// Indexes of the 统计报表 (issue 13): the 客户贡献分析 and 客户构成分析 sum each customer's sales
// (or payments received) over a range of days. The indexes of the orders migration cover the
// date and the owner but not the customer, so those sums read every order row of the period
// from the table; these two cover the whole aggregate (date range first, then the customer it
// groups by, and the filtered and summed columns), read from the index alone. SQL Server: plain
// nonclustered indexes (every column ≤ 1700 bytes together).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.index(['order_date', 'customer_id', 'status', 'total_cents', 'deleted_at'], 'orders_date_customer_sums')
  })
  await knex.schema.alterTable('payments', (t) => {
    t.index(['paid_date', 'customer_id', 'amount_cents', 'deleted_at'], 'payments_date_customer_amount')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex([], 'payments_date_customer_amount')
  })
  await knex.schema.alterTable('orders', (t) => {
    t.dropIndex([], 'orders_date_customer_sums')
  })
}
