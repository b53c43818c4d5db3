// Orders, products and 回款 (issue 9): what the initial schema lacked for them.
// - products: category (dictionary product_category) and a lower-cased search text with pinyin;
// - orders: who created and when it was submitted, shipped, completed or cancelled, the last
//   approval decision, the highest line discount, and the receivable facts kept by the service
//   (outstanding_cents, next_due_date, receivable_due) so the 回款 lists and the reminders read
//   an index;
// - order_lines: line number, 型号 and unit as ordered;
// - payment_plans (回款计划) and payments (回款记录), synced like every other table;
// - order_stats and payment_stats: per owner and month (and status) the counts and sums the
//   lists, 销售目标 and 销售业绩 show, kept by the orders service in the same transaction as each
//   write (derived data: rebuilt from orders and payments at any time, not synced);
// - indexes for the order, 回款 and 销售业绩 queries over a million order lines;
// - the new permission module `targets` (销售目标) for the seeded roles of existing databases.
// Runs on SQLite, PostgreSQL and SQL Server (knex schema builder; on SQL Server the new tables'
// uuid keys are NONCLUSTERED, as migration 20261206000100 made every other one: payment_plans
// and payments are clustered on created_at, the small derived stats tables stay heaps).
import type { Knex } from 'knex'
import { newId } from '../../src-main/db/ids'

type T = Knex.CreateTableBuilder

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'
/** DDL knex's schema builder cannot write (clustered / nonclustered), identifiers quoted by knex. */
const ddl = (knex: Knex, sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())

/** The uuid key: the primary key on SQLite and PostgreSQL; on SQL Server added by `keyTable` after the table. */
const uuidKey = (knex: Knex, t: T) => (isMssql(knex) ? t.uuid('id').notNullable() : t.uuid('id').primary())

/** SQL Server: the clustered index on a rising column first (or none: a heap), then the key NONCLUSTERED. */
async function keyTable(knex: Knex, table: string, clusterOn: string | null) {
  if (!isMssql(knex)) return
  if (clusterOn) await ddl(knex, 'create clustered index ?? on ?? (??)', [`${table}_${clusterOn}_clustered`, table, clusterOn])
  await ddl(knex, 'alter table ?? add constraint ?? primary key nonclustered (??)', [table, `${table}_pkey`, 'id'])
}

function base(knex: Knex, t: T) {
  uuidKey(knex, t)
  t.timestamp('created_at').notNullable()
  t.timestamp('updated_at').notNullable()
  t.bigInteger('version').notNullable().defaultTo(0)
  t.timestamp('deleted_at').nullable()
  t.index(['version'])
  t.uuid('owner_id').nullable()
  t.index(['owner_id'])
}

/** The seeded roles' `targets` permission (frozen here: later seed edits must not change history). */
const TARGET_PERMISSIONS: Record<string, { actions: string; scope: string }> = {
  admin: { actions: 'view,create,edit,delete,export', scope: 'all' },
  supervisor: { actions: 'view,create,edit,delete,export', scope: 'team' },
  manager: { actions: 'view', scope: 'own' },
  executive: { actions: 'view,export', scope: 'all' },
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('products', (t) => {
    t.uuid('category_id').nullable()
    t.string('search_text', 1000).nullable()
    t.index(['category_id'])
  })
  await knex.schema.alterTable('inventory', (t) => {
    t.index(['warehouse'])
  })
  await knex.schema.alterTable('orders', (t) => {
    t.uuid('created_by').nullable()
    t.timestamp('submitted_at').nullable()
    t.string('approval_result', 16).nullable() // approved | rejected (the last decision)
    t.timestamp('shipped_at').nullable()
    t.timestamp('completed_at').nullable()
    t.timestamp('cancelled_at').nullable()
    t.string('cancel_reason', 500).nullable()
    t.integer('max_discount_bp').notNullable().defaultTo(0)
    t.bigInteger('outstanding_cents').notNullable().defaultTo(0) // total − received for a sale, else 0
    t.string('next_due_date', 10).nullable() // earliest due date of a plan not fully paid (sales only)
    // a sale with money outstanding: next_due_date, or 9999-12-31 when no plan is open; else null
    t.string('receivable_due', 10).nullable()
    // pages of the order list in each sort order, ties by id (no sort step, deep pages stay short)
    t.index(['order_date', 'id'])
    t.index(['owner_id', 'order_date', 'id'])
    t.index(['status', 'order_date', 'id'])
    t.index(['updated_at', 'id'])
    t.index(['total_cents', 'id'])
    // sums of one owner (and the stats buckets), and of a date range: covering
    t.index(['owner_id', 'deleted_at', 'status', 'order_date', 'total_cents', 'received_cents', 'outstanding_cents'], 'orders_owner_sums')
    t.index(['order_date', 'status', 'owner_id', 'total_cents', 'received_cents', 'outstanding_cents', 'deleted_at'], 'orders_date_sums')
    // 应收款 in order (the overdue first), with their count and outstanding: covering, per owner too
    t.index(['receivable_due', 'order_date', 'id', 'outstanding_cents', 'deleted_at'], 'orders_receivable')
    t.index(['owner_id', 'receivable_due', 'order_date', 'id', 'outstanding_cents', 'deleted_at'], 'orders_owner_receivable')
  })
  await knex.schema.alterTable('order_lines', (t) => {
    t.integer('line_no').notNullable().defaultTo(0)
    t.string('model', 200).nullable()
    t.string('unit', 20).nullable()
    t.index(['product_id'])
  })
  await knex.schema.createTable('payment_plans', (t) => {
    base(knex, t)
    t.uuid('order_id').notNullable().references('id').inTable('orders')
    t.uuid('customer_id').notNullable()
    t.string('due_date', 10).notNullable()
    t.bigInteger('amount_cents').notNullable()
    t.bigInteger('paid_cents').notNullable().defaultTo(0) // payments allocated in due-date order
    t.string('open_due_date', 10).nullable() // due_date while the order is a sale and the plan not fully paid
    // the order's status, date and total as well, so overdue sums under any order filter read the plans alone
    t.string('order_status', 16).nullable()
    t.string('order_date', 10).nullable()
    t.bigInteger('order_total_cents').nullable()
    t.string('note', 500).nullable()
    t.index(['order_id'])
    t.index(['customer_id', 'open_due_date'])
    // overdue sums: an index range over the open plans, filtered in the index (covering)
    t.index(['open_due_date', 'owner_id', 'order_status', 'order_date', 'order_total_cents', 'customer_id', 'amount_cents', 'paid_cents', 'deleted_at'], 'payment_plans_open_due')
    // the same for one owner (a 客户经理's lists): a tight range
    t.index(['owner_id', 'open_due_date', 'amount_cents', 'paid_cents', 'deleted_at'], 'payment_plans_owner_open_due')
  })
  await keyTable(knex, 'payment_plans', 'created_at')
  await knex.schema.createTable('payments', (t) => {
    base(knex, t)
    t.uuid('order_id').notNullable().references('id').inTable('orders')
    t.uuid('customer_id').notNullable()
    t.string('paid_date', 10).notNullable()
    t.bigInteger('amount_cents').notNullable()
    t.uuid('method_id').nullable()
    t.string('note', 500).nullable()
    t.uuid('created_by').nullable()
    t.index(['order_id'])
    t.index(['customer_id', 'paid_date'])
    // the 回款记录 list by date and the 销售业绩 sums per owner and period (covering)
    t.index(['paid_date', 'owner_id', 'amount_cents', 'deleted_at'], 'payments_date_owner_amount')
    t.index(['owner_id', 'paid_date', 'amount_cents', 'deleted_at'], 'payments_owner_date_amount')
    t.index(['method_id'])
  })
  await keyTable(knex, 'payments', 'created_at')
  // one row per owner, month (YYYY-MM of order_date) and status; id: a UUID named by the three
  await knex.schema.createTable('order_stats', (t) => {
    uuidKey(knex, t)
    t.uuid('owner_id').nullable()
    t.string('month', 7).notNullable()
    t.string('status', 16).notNullable()
    t.integer('order_count').notNullable().defaultTo(0)
    t.bigInteger('total_cents').notNullable().defaultTo(0)
    t.bigInteger('received_cents').notNullable().defaultTo(0)
    t.bigInteger('outstanding_cents').notNullable().defaultTo(0)
    t.integer('receivable_count').notNullable().defaultTo(0) // orders with money outstanding
    t.index(['month', 'owner_id'])
    t.index(['owner_id', 'month'])
  })
  await keyTable(knex, 'order_stats', null)
  // one row per owner and month (YYYY-MM of paid_date); id: a UUID named by the two
  await knex.schema.createTable('payment_stats', (t) => {
    uuidKey(knex, t)
    t.uuid('owner_id').nullable()
    t.string('month', 7).notNullable()
    t.integer('payment_count').notNullable().defaultTo(0)
    t.bigInteger('amount_cents').notNullable().defaultTo(0)
    t.index(['month', 'owner_id'])
    t.index(['owner_id', 'month'])
  })
  await keyTable(knex, 'payment_stats', null)
  await knex.schema.alterTable('sales_targets', (t) => {
    t.index(['period_type', 'period_start'])
  })

  // existing databases: the seeded roles get the new module (seeding adds it to new ones);
  // nothing to do when only the DDL is printed (a knex without a connection)
  if (!knex.client.config.connection) return
  const roles: Array<{ id: string; code: string }> = await knex('roles').whereIn('code', Object.keys(TARGET_PERMISSIONS)).select('id', 'code')
  for (const r of roles) {
    if (await knex('role_permissions').where({ role_id: r.id, module: 'targets' }).first('id')) continue
    const p = TARGET_PERMISSIONS[r.code]
    await knex('role_permissions').insert({ id: newId(), role_id: r.id, module: 'targets', actions: p.actions, scope: p.scope })
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex('role_permissions').where({ module: 'targets' }).delete()
  await knex.schema.dropTableIfExists('payment_stats')
  await knex.schema.dropTableIfExists('order_stats')
  await knex.schema.dropTableIfExists('payments')
  await knex.schema.dropTableIfExists('payment_plans')
  await knex.schema.alterTable('sales_targets', (t) => {
    t.dropIndex(['period_type', 'period_start'])
  })
  await knex.schema.alterTable('order_lines', (t) => {
    t.dropIndex(['product_id'])
    t.dropColumns('line_no', 'model', 'unit')
  })
  await knex.schema.alterTable('orders', (t) => {
    t.dropIndex(['order_date', 'id'])
    t.dropIndex(['owner_id', 'order_date', 'id'])
    t.dropIndex(['status', 'order_date', 'id'])
    t.dropIndex(['updated_at', 'id'])
    t.dropIndex(['total_cents', 'id'])
    t.dropIndex([], 'orders_owner_sums')
    t.dropIndex([], 'orders_date_sums')
    t.dropIndex([], 'orders_receivable')
    t.dropIndex([], 'orders_owner_receivable')
    t.dropColumns(
      'created_by', 'submitted_at', 'approval_result', 'shipped_at', 'completed_at', 'cancelled_at', 'cancel_reason', 'max_discount_bp',
      'outstanding_cents', 'next_due_date', 'receivable_due',
    )
  })
  await knex.schema.alterTable('inventory', (t) => {
    t.dropIndex(['warehouse'])
  })
  await knex.schema.alterTable('products', (t) => {
    t.dropIndex(['category_id'])
    t.dropColumns('category_id', 'search_text')
  })
}
