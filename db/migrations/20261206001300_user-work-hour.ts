// Per-user working hour and time zone (issue 7, item 4): system reminders that carry only a
// date (联系策略, 购买策略, birthdays, promises, plan steps …) fall due at the owner's working hour
// on the owner's wall clock. NULL means the app's defaults (reminder settings: notify hour,
// default 09:00, and the app's time zone).
//
// Data fix (item 14): the seeded 客户经理 role no longer carries `audit.view` (scope own): the
// 操作日志 screen is for reading others' changes, and the customer card's history needs only
// customers.view. Only the seeded, untouched permission (exactly view / own) is removed; a role
// the administrator changed keeps what it has. The role gets a new sync version.
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('work_hour').nullable() // 0–23, local hour of system reminders with a date only
    t.string('time_zone', 64).nullable() // IANA zone of the user's wall clock
  })
  if ((knex as unknown as { printOnly?: boolean }).printOnly) return // crm migrate --print-sql: DDL only
  const role = await knex('roles').where({ code: 'manager', is_system: true }).first('id')
  if (!role) return // a new database: the seed inserts the role without it
  const removed = await knex('role_permissions').where({ role_id: role.id, module: 'audit', actions: 'view', scope: 'own' }).del()
  if (!removed) return
  const sv = await knex('sync_version').where({ id: 1 }).first('version')
  if (!sv) return
  const version = Number(sv.version) + 1
  await knex('sync_version').where({ id: 1 }).update({ version })
  await knex('roles').where({ id: role.id }).update({ version, updated_at: new Date().toISOString() })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('time_zone')
    t.dropColumn('work_hour')
  })
}
