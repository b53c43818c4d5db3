// 统计报表 and 工作台 at company scope, 100,000 customers (issue 13 "Figures", BENCHMARKS.md):
// - service_tickets_report_cover: the 客户服务分析 aggregates (per type, month, status, score,
//   the SLA breaches, the (type, urgency) pairs) read the period's tickets by created_at; with
//   every column they use in the index each is one index-only range instead of a table row per
//   ticket (five passes over the year's tickets).
// - interactions_deleted (partial: deleted records only): the company-wide counts of the 工作台
//   (跟进记录, 未兑现承诺) are the live rows of an index range minus those of deleted records and
//   deleted customers; this finds the deleted records without reading the live ones
//   (customers have customers_deleted_at_owner_id_index).
// Plain indexes: nothing to keep up to date by the writes. SQL Server: a filtered index.
import type { Knex } from 'knex'

export const TICKET_REPORT_COLUMNS = [
  'created_at', 'deleted_at', 'customer_id', 'type_id', 'urgency', 'status', 'assign_minutes', 'resolve_minutes', 'satisfaction', 'sla_start_at',
]

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_tickets', (t) => {
    t.index(TICKET_REPORT_COLUMNS, 'service_tickets_report_cover')
  })
  await knex.schema.alterTable('interactions', (t) => {
    t.index(['id', 'customer_id'], 'interactions_deleted', { predicate: knex.whereNotNull('deleted_at') })
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('interactions', (t) => {
    t.dropIndex(['id', 'customer_id'], 'interactions_deleted')
  })
  await knex.schema.alterTable('service_tickets', (t) => {
    t.dropIndex(TICKET_REPORT_COLUMNS, 'service_tickets_report_cover')
  })
}
