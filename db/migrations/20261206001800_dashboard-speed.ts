// 工作台 at 100,000 customers (issue 13; bench:dashboard, BENCHMARKS.md "工作台"):
// - contacts.birthday_md: the stored birthday's month-day (MM-DD) in its own calendar (公历 or
//   农历), written with the birthday by every contact write (contacts.service columnsOf, demo);
//   existing rows are backfilled here. 本周生日 and the birthday reminders look up the week's
//   month-days (solar and lunar) in the index (birthday_md, birthday_calendar, customer_id,
//   deleted_at) instead of reading every contact with a birthday.
// - unkept promises past due: (kept_at, deleted_at, due_date, customer_id, interaction_id) holds
//   the open promises together, by due date, with what the count and its joins need; each one's
//   record is checked for deletion in interactions_live_cover (id, deleted_at) instead of the
//   wide interactions row.
// - 跟进记录 of a period: counted per customer in scope from interactions_customer_period_cover
//   (customer_id, occurred_at, deleted_at) — an index seek per customer rather than a customer
//   lookup per record (countInteractionsIn).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contacts', (t) => {
    t.string('birthday_md', 5).nullable()
  })
  // SUBSTRING(s, start, length) is the same on SQLite, PostgreSQL and SQL Server
  await knex.schema.raw('update contacts set birthday_md = substring(birthday, 6, 5) where birthday is not null')
  await knex.schema.alterTable('contacts', (t) => {
    t.index(['birthday_md', 'birthday_calendar', 'customer_id', 'deleted_at'], 'contacts_birthday_md')
  })
  await knex.schema.alterTable('interaction_promises', (t) => {
    t.index(['kept_at', 'deleted_at', 'due_date', 'customer_id', 'interaction_id'], 'interaction_promises_open_due')
  })
  await knex.schema.alterTable('interactions', (t) => {
    t.index(['id', 'deleted_at'], 'interactions_live_cover')
    t.index(['customer_id', 'occurred_at', 'deleted_at'], 'interactions_customer_period_cover')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('interactions', (t) => {
    t.dropIndex(['customer_id', 'occurred_at', 'deleted_at'], 'interactions_customer_period_cover')
    t.dropIndex(['id', 'deleted_at'], 'interactions_live_cover')
  })
  await knex.schema.alterTable('interaction_promises', (t) => {
    t.dropIndex(['kept_at', 'deleted_at', 'due_date', 'customer_id', 'interaction_id'], 'interaction_promises_open_due')
  })
  await knex.schema.alterTable('contacts', (t) => {
    t.dropIndex(['birthday_md', 'birthday_calendar', 'customer_id', 'deleted_at'], 'contacts_birthday_md')
  })
  await knex.schema.alterTable('contacts', (t) => {
    t.dropColumn('birthday_md')
  })
}
