// Issue 10 (客户需求单, 客户流失, 竞争对手): what the initial schema's requirement and churn
// tables lack for their flows. Runs unchanged on SQLite, PostgreSQL and SQL Server (knex schema
// builder only; new columns nullable, indexed text ≤ 255).
//
// requirements.status now carries the whole flow (received → organising → reviewing → reported
// → approved → confirmed → in_progress → done, or rejected); the initial `stage` column is not
// used. The departments asked for 评议 are dictionary items (type review_department).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('requirements', (t) => {
    t.text('review_departments').nullable() // JSON array of review_department dict item ids asked for 评议
    t.text('report').nullable() // 编制报告: the summary of the reviews
    t.timestamp('reported_at').nullable()
    t.uuid('reported_by').nullable()
    t.string('approval_comment', 500).nullable()
    t.string('signed_date', 10).nullable() // 客户确认: the date the customer signed (YYYY-MM-DD)
    t.string('signer_name', 100).nullable() // 客户方签署人
    t.text('rejected_reason').nullable()
    t.timestamp('rejected_at').nullable()
    t.uuid('rejected_by').nullable()
    t.uuid('created_by').nullable()
    t.index(['liaison_id'])
    t.index(['planned_finish'])
  })
  await knex.schema.alterTable('requirement_reviews', (t) => {
    t.uuid('department_id').nullable() // the review_department dict item; `department` keeps its label then
    t.index(['department_id'])
  })
  await knex.schema.alterTable('requirement_changes', (t) => {
    // `what` holds the changed field's key (workContent, priority, ownerId, plannedFinish…)
    t.text('old_value').nullable()
    t.text('new_value').nullable()
  })
  // the churn check: customers still 正常, of one 购买策略, whose last order is before a date
  await knex.schema.alterTable('customers', (t) => {
    t.index(['status', 'purchase_policy_id', 'last_order_date'], 'customers_churn_check_index')
  })
  await knex.schema.alterTable('churn_warnings', (t) => {
    t.integer('cycle_days').nullable() // the purchase-policy cycle the warning was opened with
    t.uuid('confirmed_by').nullable()
    t.timestamp('paused_at').nullable()
    t.timestamp('closed_at').nullable()
    t.string('closed_reason', 16).nullable() // order: a new order made the customer active again
    t.index(['customer_id', 'status'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['status', 'purchase_policy_id', 'last_order_date'], 'customers_churn_check_index')
  })
  await knex.schema.alterTable('churn_warnings', (t) => {
    t.dropIndex(['customer_id', 'status'])
    t.dropColumn('cycle_days')
    t.dropColumn('confirmed_by')
    t.dropColumn('paused_at')
    t.dropColumn('closed_at')
    t.dropColumn('closed_reason')
  })
  await knex.schema.alterTable('requirement_changes', (t) => {
    t.dropColumn('old_value')
    t.dropColumn('new_value')
  })
  await knex.schema.alterTable('requirement_reviews', (t) => {
    t.dropIndex(['department_id'])
    t.dropColumn('department_id')
  })
  await knex.schema.alterTable('requirements', (t) => {
    t.dropIndex(['liaison_id'])
    t.dropIndex(['planned_finish'])
    for (const c of ['review_departments', 'report', 'reported_at', 'reported_by', 'approval_comment', 'signed_date', 'signer_name', 'rejected_reason', 'rejected_at', 'rejected_by', 'created_by']) {
      t.dropColumn(c)
    }
  })
}
