// 服务管理 (issue 10): what the service tickets of the first migration lacked.
// - service_tickets: the contact, the SLA clock's start (created, or reopened after a low
//   satisfaction score), first assignment and the measured minutes to assign / to resolve, the
//   reopen count, the on-site survey, the quote's confirmation and approval, who recorded the
//   feedback and archived, and search_text (code, customer, summary, request, notes) for search.
// - service_ticket_notes: 处理记录 (several, dated, with author) and recorded feedback.
// - service_sla: hours to resolve per service type (null type: the default) and urgency.
// The old single `handling` column stays unused: notes live in their own table.
// On SQL Server the two new uuid-keyed tables get a NONCLUSTERED primary key and are clustered on
// created_at, like every other (see 20261206000100_mssql-nonclustered-uuid-keys).
import type { Knex } from 'knex'

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'

/** The uuid primary key: knex's (clustered) one on SQLite and PostgreSQL; added by keyedNonclustered on SQL Server. */
const primaryKey = (knex: Knex, t: Knex.CreateTableBuilder, table: string) => {
  if (!isMssql(knex)) t.primary(['id'], `${table}_pkey`)
}

/** SQL Server: cluster the table on created_at, then add the uuid key as NONCLUSTERED (DDL knex cannot write). */
async function keyedNonclustered(knex: Knex, table: string) {
  if (!isMssql(knex)) return
  const ddl = (sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())
  await ddl('create clustered index ?? on ?? (??)', [`${table}_created_at_clustered`, table, 'created_at'])
  await ddl('alter table ?? add constraint ?? primary key nonclustered (??)', [table, `${table}_pkey`, 'id'])
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_tickets', (t) => {
    t.uuid('contact_id').nullable()
    t.string('contact_info', 200).nullable()
    t.timestamp('sla_start_at').nullable()
    t.timestamp('first_assigned_at').nullable()
    t.integer('assign_minutes').nullable()
    t.integer('resolve_minutes').nullable()
    t.integer('reopen_count').notNullable().defaultTo(0)
    t.timestamp('reopened_at').nullable()
    t.text('survey_result').nullable()
    t.timestamp('survey_at').nullable()
    t.uuid('survey_by').nullable()
    t.text('quote_note').nullable()
    t.uuid('quote_by').nullable()
    t.timestamp('quote_at').nullable()
    t.string('quote_customer_note', 500).nullable()
    t.timestamp('quote_customer_at').nullable()
    t.uuid('quote_decided_by').nullable()
    t.timestamp('quote_decided_at').nullable()
    t.string('quote_decision_note', 500).nullable()
    t.uuid('feedback_by').nullable()
    t.uuid('archived_by').nullable()
    t.string('search_text', 2000).nullable()
    t.index(['status', 'created_at'])
    t.index(['type_id', 'status', 'archived_at'])
    t.index(['created_by'])
    t.index(['created_at'])
  })
  await knex.schema.createTable('service_ticket_notes', (t) => {
    t.uuid('id').notNullable()
    primaryKey(knex, t, 'service_ticket_notes')
    t.timestamp('created_at').notNullable()
    t.timestamp('updated_at').notNullable()
    t.bigInteger('version').notNullable().defaultTo(0)
    t.timestamp('deleted_at').nullable()
    t.uuid('owner_id').nullable()
    t.uuid('ticket_id').notNullable().references('id').inTable('service_tickets')
    t.string('kind', 16).notNullable().defaultTo('handling') // handling | feedback
    t.text('content').notNullable()
    t.timestamp('noted_at').notNullable()
    t.uuid('author_id').nullable()
    t.integer('satisfaction').nullable()
    t.index(['version'])
    t.index(['owner_id'])
    t.index(['ticket_id', 'noted_at'])
  })
  await keyedNonclustered(knex, 'service_ticket_notes')
  await knex.schema.createTable('service_sla', (t) => {
    t.uuid('id').notNullable()
    primaryKey(knex, t, 'service_sla')
    t.timestamp('created_at').notNullable()
    t.timestamp('updated_at').notNullable()
    t.bigInteger('version').notNullable().defaultTo(0)
    t.timestamp('deleted_at').nullable()
    t.uuid('type_id').nullable() // a service_type dict item; null: the default of the urgency
    t.string('urgency', 8).notNullable() // urgent | normal
    t.integer('hours').notNullable()
    t.index(['version'])
    t.index(['type_id', 'urgency'])
  })
  await keyedNonclustered(knex, 'service_sla')
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('service_sla')
  await knex.schema.dropTableIfExists('service_ticket_notes')
  await knex.schema.alterTable('service_tickets', (t) => {
    t.dropIndex(['status', 'created_at'])
    t.dropIndex(['type_id', 'status', 'archived_at'])
    t.dropIndex(['created_by'])
    t.dropIndex(['created_at'])
    for (const c of [
      'contact_id', 'contact_info', 'sla_start_at', 'first_assigned_at', 'assign_minutes', 'resolve_minutes', 'reopen_count', 'reopened_at',
      'survey_result', 'survey_at', 'survey_by', 'quote_note', 'quote_by', 'quote_at', 'quote_customer_note', 'quote_customer_at',
      'quote_decided_by', 'quote_decided_at', 'quote_decision_note', 'feedback_by', 'archived_by', 'search_text',
    ]) t.dropColumn(c)
  })
}
