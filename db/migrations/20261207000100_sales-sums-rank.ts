// 客户贡献分析 at company scope ranks the customers of one period (本年, 本月) by amount: an index of
// customer_sales_sums per period ordered by the amount (descending, ties by customer id) per basis,
// so the top rows and the movers' candidates are the first entries of one range and the 20/80
// curve one ordered pass over it, never a sort of every customer (reports.repository
// topOfPeriod / paretoBuckets / periodAmounts). Ordinary indexes of the table the triggers of
// migration 20261206005300 keep: correct as orders and payments change, no trigger touched, no
// table rebuilt (SQLite: `create index` only). Runs on SQLite, PostgreSQL and SQL Server.
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'

export const RANK_INDEXES = [
  { name: 'customer_sales_sums_order_rank', column: 'order_cents' },
  { name: 'customer_sales_sums_payment_rank', column: 'payment_cents' },
] as const

export async function up(knex: Knex): Promise<void> {
  for (const { name, column } of RANK_INDEXES) {
    if (isMssql(knex)) await knex.schema.raw(`create index [${name}] on [customer_sales_sums] ([period], [${column}] desc, [customer_id])`)
    else await knex.schema.raw(`create index ${name} on customer_sales_sums (period, ${column} desc, customer_id)`)
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { name } of RANK_INDEXES) await knex.schema.raw(isMssql(knex) ? `drop index [${name}] on [customer_sales_sums]` : `drop index ${name}`)
}
