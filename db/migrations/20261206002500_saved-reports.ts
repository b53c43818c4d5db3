// 定时报告 (issue 13 item 3): a 统计报表 saved with its filters under a name, by its owner, and
// generated as .xlsx (and PDF in the desktop app) every week or month into a folder, or on demand.
// - saved_reports: the definition (name, report, filters JSON, owner, schedule, weekday or day of
//   the month, folder, formats, language) and the bookkeeping of its runs: the last run's time,
//   status, reason (a translation key + params, never text), files, the period of the last
//   scheduled run (so one period never runs twice: the scheduler claims it with a conditional
//   UPDATE) and when it is next due. Not synced: it belongs to the central database.
// - saved_report_runs: every run (scheduled, 立即生成, `crm report`): period, status, reason, files.
// - the new action `schedule` of module reports for the seeded 系统管理员, 销售主管 and 高管 roles
//   of existing databases (seeding gives it to new ones).
// Runs on SQLite, PostgreSQL and SQL Server (nvarchar, datetime2; NONCLUSTERED uuid keys clustered
// on created_at, as migration 20261206000100 made every other table).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'
const ddl = (knex: Knex, sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())

async function keyTable(knex: Knex, table: string) {
  if (!isMssql(knex)) return
  await ddl(knex, 'create clustered index ?? on ?? (??)', [`${table}_created_at_clustered`, table, 'created_at'])
  await ddl(knex, 'alter table ?? add constraint ?? primary key nonclustered (??)', [table, `${table}_pkey`, 'id'])
}

const uuidKey = (knex: Knex, t: Knex.CreateTableBuilder) => (isMssql(knex) ? t.uuid('id').notNullable() : t.uuid('id').primary())

/** the seeded roles that get reports.schedule */
export const SCHEDULE_ROLES = ['admin', 'supervisor', 'executive']

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saved_reports', (t) => {
    uuidKey(knex, t)
    t.string('name', 100).notNullable()
    t.string('report', 32).notNullable() // contribution | composition | service | churn | followups | …
    t.text('filters').notNullable() // JSON: the report's filters (team, owner, region, level, basis, dimension, …)
    t.uuid('owner_id').notNullable() // generated with this user's permissions and scope
    t.string('schedule', 16).notNullable().defaultTo('none') // none | weekly | monthly
    t.integer('weekday').nullable() // weekly: 1 = Monday … 7 = Sunday
    t.integer('month_day').nullable() // monthly: 1–31 (past the month's end: its last day)
    t.string('folder', 1000).nullable()
    t.string('formats', 32).notNullable().defaultTo('xlsx') // xlsx | xlsx,pdf
    t.string('lang', 8).notNullable().defaultTo('zh-CN')
    t.timestamp('next_run_at').nullable()
    t.string('last_period', 32).nullable() // schedule:first day of the last scheduled run's period
    t.timestamp('last_run_at').nullable()
    t.string('last_status', 16).nullable() // ok | partial | failed
    t.string('last_error_key', 100).nullable()
    t.text('last_error_params').nullable() // JSON
    t.text('last_files').nullable() // JSON: the paths written
    t.timestamp('created_at').notNullable()
    t.timestamp('updated_at').notNullable()
    t.bigInteger('version').notNullable().defaultTo(0)
    t.timestamp('deleted_at').nullable()
    t.index(['owner_id'])
    t.index(['next_run_at'])
  })
  await keyTable(knex, 'saved_reports')
  await knex.schema.createTable('saved_report_runs', (t) => {
    uuidKey(knex, t)
    t.uuid('saved_report_id').notNullable()
    t.string('trigger', 16).notNullable() // schedule | manual | cli
    t.uuid('user_id').nullable() // who asked (null: the scheduler)
    t.string('period_first', 10).notNullable() // YYYY-MM-DD
    t.string('period_last', 10).notNullable()
    t.string('status', 16).notNullable() // ok | partial | failed
    t.string('error_key', 100).nullable()
    t.text('error_params').nullable() // JSON
    t.text('files').nullable() // JSON: the paths written
    t.timestamp('created_at').notNullable()
    t.timestamp('finished_at').nullable()
    t.index(['saved_report_id', 'created_at'])
  })
  await keyTable(knex, 'saved_report_runs')

  // existing databases: the seeded roles get reports.schedule; nothing to do when only the DDL is printed
  if (!knex.client.config.connection) return
  const rows: Array<{ id: string; actions: string }> = await knex('role_permissions as p')
    .join('roles as r', 'r.id', 'p.role_id')
    .whereIn('r.code', SCHEDULE_ROLES)
    .where('p.module', 'reports')
    .select('p.id', 'p.actions')
  for (const p of rows) {
    const actions = String(p.actions).split(',').filter(Boolean)
    if (actions.includes('schedule') || !actions.includes('export')) continue
    await knex('role_permissions').where({ id: p.id }).update({ actions: [...actions, 'schedule'].join(',') })
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('saved_report_runs')
  await knex.schema.dropTableIfExists('saved_reports')
}
