// System reminders get their title as a key and parameters, rendered in the reader's language
// (跟进：{customer} — {subject} in Chinese, "Follow up: …" in English), instead of one stored
// Chinese sentence. `title` stays for the titles people write (manual reminders, or a system
// reminder someone retitled). Rows written before this keep their stored title: the reminder
// evaluation gives such a row its key when it next updates it and the title is still the one
// the system wrote (recognised by its prefix).
import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.string('title_key', 40).nullable() // follow_up | contact_policy | purchase_policy | purchase_escalation | birthday | promise
    t.text('title_params').nullable() // JSON object of the title's values (customer name, subject, …)
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reminders', (t) => {
    t.dropColumn('title_params')
    t.dropColumn('title_key')
  })
}
