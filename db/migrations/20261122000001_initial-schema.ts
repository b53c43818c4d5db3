// The whole domain schema, sync-ready from the first migration.
// Append-only once landed: change the schema with a new migration file.
// Runs unchanged on SQLite, PostgreSQL and SQL Server: knex schema builder only,
// no ON DELETE CASCADE (SQL Server rejects multiple cascade paths), no unique
// index on a nullable column (SQL Server allows one NULL only), indexed text
// kept to string(<=255) because nvarchar(max) cannot be indexed.
import type { Knex } from 'knex'

type T = Knex.CreateTableBuilder

/** id, timestamps (UTC), sync version and soft delete: every synced table has them. */
function base(t: T, opts: { owner?: boolean } = {}) {
  t.uuid('id').primary()
  t.timestamp('created_at').notNullable()
  t.timestamp('updated_at').notNullable()
  t.bigInteger('version').notNullable().defaultTo(0)
  t.timestamp('deleted_at').nullable()
  t.index(['version'])
  if (opts.owner) {
    t.uuid('owner_id').nullable()
    t.index(['owner_id'])
  }
}

const money = (t: T, name: string) => t.bigInteger(name).nullable()

export async function up(knex: Knex): Promise<void> {
  // ---- sync bookkeeping -------------------------------------------------
  await knex.schema.createTable('sync_version', (t) => {
    t.integer('id').primary()
    t.bigInteger('version').notNullable().defaultTo(0)
    t.string('epoch_id', 36).notNullable()
    t.bigInteger('tombstone_floor').notNullable().defaultTo(0)
  })
  await knex.schema.createTable('sync_clients', (t) => {
    t.string('client_id', 64).primary()
    t.uuid('user_id').nullable()
    t.bigInteger('last_mutation_id').notNullable().defaultTo(0)
    t.bigInteger('last_pull_version').notNullable().defaultTo(0)
    t.timestamp('last_seen_at').nullable()
    t.timestamp('created_at').notNullable()
  })
  await knex.schema.createTable('sync_mutation_results', (t) => {
    t.uuid('id').primary()
    t.string('client_id', 64).notNullable()
    t.bigInteger('mutation_id').notNullable()
    t.string('status', 16).notNullable() // applied | rejected | conflict
    t.string('operation', 64).notNullable()
    t.text('error').nullable()
    t.timestamp('created_at').notNullable()
    t.unique(['client_id', 'mutation_id'])
  })
  await knex.schema.createTable('sync_tombstones', (t) => {
    t.uuid('id').primary()
    t.string('entity', 64).notNullable()
    t.uuid('entity_id').notNullable()
    t.uuid('owner_id').nullable()
    t.bigInteger('version').notNullable()
    t.timestamp('deleted_at').notNullable()
    t.index(['version'])
    t.index(['entity', 'entity_id'])
  })
  await knex.schema.createTable('sync_conflicts', (t) => {
    base(t, { owner: true })
    t.string('client_id', 64).notNullable()
    t.string('entity', 64).notNullable()
    t.uuid('entity_id').notNullable()
    t.string('field', 64).notNullable()
    t.text('base_value').nullable()
    t.text('local_value').nullable()
    t.text('central_value').nullable()
    t.timestamp('resolved_at').nullable()
    t.index(['entity', 'entity_id'])
  })
  await knex.schema.createTable('code_sequences', (t) => {
    t.string('name', 64).primary()
    t.bigInteger('value').notNullable().defaultTo(0)
  })
  await knex.schema.createTable('app_settings', (t) => {
    t.string('key', 128).primary()
    t.text('value').nullable()
    t.timestamp('updated_at').notNullable()
  })

  // ---- people, roles, permissions ------------------------------------------
  await knex.schema.createTable('teams', (t) => {
    base(t)
    t.string('name', 100).notNullable()
    t.uuid('leader_id').nullable()
  })
  await knex.schema.createTable('roles', (t) => {
    base(t)
    t.string('code', 64).notNullable().unique()
    t.string('name', 100).notNullable()
    t.string('name_en', 100).nullable()
    t.string('description', 500).nullable()
    t.boolean('is_system').notNullable().defaultTo(false)
  })
  await knex.schema.createTable('role_permissions', (t) => {
    t.uuid('id').primary()
    t.uuid('role_id').notNullable().references('id').inTable('roles')
    t.string('module', 32).notNullable()
    t.string('actions', 255).notNullable() // comma list: view,create,edit,…
    t.string('scope', 8).notNullable() // own | team | all
    t.unique(['role_id', 'module'])
  })
  await knex.schema.createTable('users', (t) => {
    base(t)
    t.string('login', 64).notNullable().unique()
    t.string('name', 100).notNullable()
    t.string('password_hash', 255).notNullable()
    t.uuid('role_id').notNullable().references('id').inTable('roles')
    t.uuid('team_id').nullable().references('id').inTable('teams')
    t.string('email', 255).nullable()
    t.string('phone', 50).nullable()
    t.boolean('disabled').notNullable().defaultTo(false)
    t.integer('failed_logins').notNullable().defaultTo(0)
    t.timestamp('locked_until').nullable()
    t.timestamp('last_login_at').nullable()
    t.index(['team_id'])
    t.index(['role_id'])
  })

  // ---- data dictionary --------------------------------------------------------
  await knex.schema.createTable('dict_types', (t) => {
    t.string('code', 64).primary()
    t.string('name', 100).notNullable()
    t.string('name_en', 100).nullable()
    t.boolean('has_cycle').notNullable().defaultTo(false)
    t.integer('sort_order').notNullable().defaultTo(0)
  })
  await knex.schema.createTable('dict_items', (t) => {
    base(t)
    t.string('type_code', 64).notNullable().references('code').inTable('dict_types')
    t.string('label', 100).notNullable()
    t.string('label_en', 100).nullable()
    t.integer('sort_order').notNullable().defaultTo(0)
    t.boolean('enabled').notNullable().defaultTo(true)
    t.integer('cycle_days').nullable()
    t.index(['type_code', 'sort_order'])
  })

  // ---- customers and contacts ------------------------------------------------
  await knex.schema.createTable('customers', (t) => {
    base(t, { owner: true })
    t.string('code', 32).notNullable().unique()
    t.string('name', 200).notNullable()
    t.string('short_name', 100).nullable()
    t.string('customer_type', 16).notNullable().defaultTo('company') // company | person
    for (const d of ['region', 'nature', 'source', 'category', 'industry', 'size', 'position', 'settlement', 'contact_policy', 'purchase_policy', 'level']) {
      t.uuid(`${d}_id`).nullable()
      t.index([`${d}_id`])
    }
    t.integer('years_in_business').nullable()
    t.integer('credit_rating').nullable()
    t.integer('employees').nullable()
    t.string('wants_agent', 255).nullable()
    t.string('country', 64).nullable()
    t.string('province', 64).nullable()
    t.string('city', 64).nullable()
    t.string('address', 500).nullable()
    t.string('postcode', 20).nullable()
    t.string('phone', 50).nullable()
    t.string('phone2', 50).nullable()
    t.string('fax', 50).nullable()
    t.string('email', 255).nullable()
    t.string('email2', 255).nullable()
    t.string('website', 255).nullable()
    t.text('main_products').nullable()
    t.string('legal_rep', 100).nullable()
    money(t, 'registered_capital_cents')
    money(t, 'annual_revenue_cents')
    t.string('bank', 200).nullable()
    t.string('bank_account', 64).nullable()
    t.string('tax_id', 64).nullable()
    t.string('status', 16).notNullable().defaultTo('normal') // normal | churn_warning | churn_paused | churned
    t.string('tags', 500).nullable()
    t.text('notes').nullable()
    // computed by the system, never typed
    t.integer('order_count').notNullable().defaultTo(0)
    money(t, 'order_total_cents')
    t.string('first_order_date', 10).nullable()
    t.string('last_order_date', 10).nullable()
    t.timestamp('last_contact_at').nullable()
    t.timestamp('next_contact_at').nullable()
    // lower-cased name, short name, code, phones, pinyin and contact names for one LIKE
    t.string('search_text', 2000).nullable()
    t.index(['status'])
    t.index(['name'])
    t.index(['updated_at'])
    t.index(['deleted_at', 'owner_id'])
    t.index(['last_contact_at'])
    t.index(['next_contact_at'])
    // policy evaluation (reminders): customers of one policy past a threshold
    t.index(['contact_policy_id', 'last_contact_at'])
    t.index(['purchase_policy_id', 'last_order_date'])
  })
  // SQLite only: a covering index lets the list's substring search scan this narrow index
  // instead of the wide customers rows (2–3× faster on 100k customers). PostgreSQL and
  // SQL Server cap index keys (≈2.7 kB / 1.7 kB) below search_text's size, so not there.
  if (['sqlite3', 'better-sqlite3'].includes(String(knex.client.config.client))) {
    await knex.schema.alterTable('customers', (t) => {
      t.index(['search_text', 'deleted_at', 'owner_id', 'updated_at', 'id'], 'customers_search_cover')
    })
  }
  await knex.schema.createTable('contacts', (t) => {
    base(t, { owner: true })
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.string('name', 100).notNullable()
    t.string('gender', 8).nullable() // male | female
    t.string('title', 100).nullable()
    t.string('department', 100).nullable()
    t.string('mobile', 50).nullable()
    t.string('office_phone', 50).nullable()
    t.string('home_phone', 50).nullable()
    t.string('email', 255).nullable()
    t.string('wechat', 100).nullable()
    t.string('birthday', 10).nullable() // YYYY-MM-DD, in the calendar below
    t.string('birthday_calendar', 8).notNullable().defaultTo('solar') // solar | lunar
    t.boolean('birthday_leap_month').notNullable().defaultTo(false)
    t.string('hometown', 100).nullable()
    t.string('education', 50).nullable()
    t.string('hobbies', 500).nullable()
    t.text('family_notes').nullable()
    t.string('buying_role', 16).nullable() // initiator | influencer | buyer | user | decision_maker
    t.integer('friendliness').nullable()
    t.string('best_call_time', 100).nullable()
    t.boolean('is_primary').notNullable().defaultTo(false)
    t.text('notes').nullable()
    t.index(['customer_id'])
    t.index(['name'])
    t.index(['mobile'])
    t.index(['birthday'])
  })
  await knex.schema.createTable('competitors', (t) => {
    base(t, { owner: true })
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.string('name', 200).notNullable()
    t.text('products').nullable()
    t.text('price_info').nullable()
    t.text('strengths').nullable()
    t.text('weaknesses').nullable()
    t.integer('share_pct').nullable()
    t.text('notes').nullable()
    t.index(['customer_id'])
  })

  // ---- interactions, promises, attachments, reminders --------------------------
  await knex.schema.createTable('interactions', (t) => {
    base(t, { owner: true })
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.uuid('contact_id').nullable().references('id').inTable('contacts')
    t.string('kind', 16).notNullable().defaultTo('record') // record | visit
    t.uuid('channel_id').nullable()
    t.timestamp('occurred_at').notNullable()
    t.string('place', 200).nullable()
    t.string('subject', 200).notNullable()
    t.text('detail').nullable()
    t.text('outcome').nullable()
    t.timestamp('next_follow_up_at').nullable()
    t.string('visit_goal', 500).nullable()
    t.boolean('goal_met').nullable()
    t.text('improvement').nullable()
    t.uuid('created_by').nullable()
    t.index(['customer_id', 'occurred_at'])
    t.index(['occurred_at'])
    t.index(['next_follow_up_at'])
  })
  await knex.schema.createTable('interaction_promises', (t) => {
    base(t, { owner: true })
    t.uuid('interaction_id').notNullable().references('id').inTable('interactions')
    t.uuid('customer_id').notNullable()
    t.string('content', 500).notNullable()
    t.string('due_date', 10).nullable()
    t.timestamp('kept_at').nullable()
    t.index(['interaction_id'])
    t.index(['customer_id'])
    t.index(['due_date'])
  })
  await knex.schema.createTable('attachments', (t) => {
    base(t, { owner: true })
    t.string('entity', 32).notNullable()
    t.uuid('entity_id').notNullable()
    t.string('file_name', 255).notNullable()
    t.string('stored_name', 255).notNullable()
    t.bigInteger('size_bytes').notNullable()
    t.string('mime', 100).nullable()
    t.string('sha256', 64).nullable()
    t.uuid('created_by').nullable()
    t.index(['entity', 'entity_id'])
  })
  await knex.schema.createTable('reminders', (t) => {
    base(t, { owner: true })
    t.string('title', 200).notNullable()
    t.text('notes').nullable()
    t.uuid('customer_id').nullable()
    t.uuid('contact_id').nullable()
    t.uuid('opportunity_id').nullable()
    t.timestamp('due_at').notNullable()
    t.string('repeat_rule', 16).notNullable().defaultTo('none') // none | daily | weekly | monthly | yearly | every_n_days
    t.integer('repeat_interval').nullable()
    t.integer('notify_ahead_minutes').notNullable().defaultTo(0)
    t.timestamp('snoozed_until').nullable()
    t.timestamp('done_at').nullable()
    t.timestamp('notified_at').nullable()
    t.string('source', 24).notNullable().defaultTo('manual')
    t.string('source_key', 200).nullable() // one reminder per occasion
    // reminders (issue 3): wall-clock recurrence, notification time, system-reminder facts
    t.string('time_zone', 64).nullable() // IANA zone whose wall clock the recurrence follows
    t.string('repeat_anchor', 16).nullable() // local YYYY-MM-DDTHH:mm of the series start (day 31, Feb 29)
    t.uuid('series_id').nullable() // first reminder of a recurring series
    t.timestamp('fire_at').nullable() // when to notify: (snoozed_until or due_at − notify ahead)
    t.uuid('source_id').nullable() // interaction, promise, contact or customer the system reminder is about
    t.timestamp('basis_at').nullable() // contact policy: the last contact (or creation) the occasion counts from
    t.string('basis_date', 10).nullable() // purchase policy: last order date; birthday: the birthday date
    t.integer('cycle_days').nullable() // the policy cycle the due time was computed with
    t.timestamp('retracted_at').nullable() // withdrawn by the system (deleted_at set too); may be revived
    t.index(['owner_id', 'done_at', 'due_at'])
    t.index(['due_at'])
    t.index(['source_key'])
    t.index(['customer_id'])
    t.index(['owner_id', 'notified_at', 'fire_at'])
    t.index(['customer_id', 'source', 'done_at'])
    t.index(['source', 'done_at'])
    t.index(['source_id'])
  })

  // ---- opportunities and development plans ---------------------------------------
  await knex.schema.createTable('opportunities', (t) => {
    base(t, { owner: true })
    t.string('code', 32).notNullable().unique()
    t.uuid('source_id').nullable()
    t.uuid('customer_id').nullable()
    t.string('customer_name', 200).notNullable()
    t.integer('probability').notNullable()
    t.string('summary', 200).notNullable()
    t.string('contact_name', 100).nullable()
    t.string('contact_phone', 50).nullable()
    t.text('description').notNullable()
    money(t, 'expected_amount_cents')
    t.string('expected_close_date', 10).nullable()
    t.uuid('stage_id').nullable()
    t.string('status', 16).notNullable().defaultTo('unassigned') // unassigned | assigned | won | lost
    t.uuid('assigned_to').nullable()
    t.uuid('assigned_by').nullable()
    t.timestamp('assigned_at').nullable()
    t.text('result_reason').nullable()
    t.timestamp('closed_at').nullable()
    t.uuid('created_by').notNullable()
    t.index(['status'])
    t.index(['assigned_to'])
    t.index(['customer_id'])
  })
  await knex.schema.createTable('plan_steps', (t) => {
    base(t, { owner: true })
    t.uuid('opportunity_id').notNullable().references('id').inTable('opportunities')
    t.string('planned_date', 10).notNullable()
    t.text('action').notNullable()
    t.text('result').nullable()
    t.timestamp('executed_at').nullable()
    t.index(['opportunity_id'])
  })

  // ---- products, inventory, orders ---------------------------------------------
  await knex.schema.createTable('products', (t) => {
    base(t)
    t.string('code', 64).notNullable().unique()
    t.string('name', 200).notNullable()
    t.string('model', 200).nullable()
    t.string('unit', 20).nullable()
    money(t, 'price_cents')
    t.boolean('enabled').notNullable().defaultTo(true)
    t.text('notes').nullable()
    t.index(['name'])
  })
  await knex.schema.createTable('inventory', (t) => {
    base(t)
    t.uuid('product_id').notNullable().references('id').inTable('products')
    t.string('warehouse', 100).notNullable()
    t.decimal('quantity', 18, 3).notNullable().defaultTo(0)
    t.unique(['product_id', 'warehouse'])
  })
  await knex.schema.createTable('orders', (t) => {
    base(t, { owner: true })
    t.string('code', 32).notNullable().unique()
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.string('order_date', 10).notNullable()
    t.string('status', 16).notNullable().defaultTo('draft') // draft | pending | approved | shipped | completed | cancelled
    money(t, 'total_cents')
    money(t, 'received_cents')
    t.string('delivery_address', 500).nullable()
    t.uuid('approved_by').nullable()
    t.timestamp('approved_at').nullable()
    t.string('approval_comment', 500).nullable()
    t.text('notes').nullable()
    t.index(['customer_id', 'order_date'])
    t.index(['order_date'])
    t.index(['status'])
  })
  await knex.schema.createTable('order_lines', (t) => {
    base(t)
    t.uuid('order_id').notNullable().references('id').inTable('orders')
    t.uuid('product_id').nullable().references('id').inTable('products')
    t.string('product_name', 200).notNullable()
    t.decimal('quantity', 18, 3).notNullable()
    money(t, 'unit_price_cents')
    t.integer('discount_bp').notNullable().defaultTo(0) // basis points, 1000 = 10 %
    money(t, 'line_total_cents')
    t.index(['order_id'])
  })

  // ---- service tickets ------------------------------------------------------------
  await knex.schema.createTable('service_tickets', (t) => {
    base(t, { owner: true })
    t.string('code', 32).notNullable().unique()
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.uuid('type_id').nullable()
    t.string('urgency', 8).notNullable().defaultTo('normal') // urgent | normal
    t.string('summary', 200).notNullable()
    t.text('request').nullable()
    t.string('status', 16).notNullable().defaultTo('new') // new | assigned | handled | feedback | archived
    t.uuid('assigned_to').nullable()
    t.uuid('assigned_by').nullable()
    t.timestamp('assigned_at').nullable()
    t.text('handling').nullable()
    t.uuid('handled_by').nullable()
    t.timestamp('handled_at').nullable()
    t.integer('satisfaction').nullable()
    t.text('feedback').nullable()
    t.timestamp('feedback_at').nullable()
    t.timestamp('archived_at').nullable()
    money(t, 'quote_cents')
    t.string('quote_status', 16).nullable() // pending | confirmed | approved | rejected
    t.uuid('created_by').notNullable()
    t.index(['customer_id'])
    t.index(['status'])
    t.index(['assigned_to'])
  })

  // ---- customer requirements and their tracking matrix ----------------------------------
  await knex.schema.createTable('requirements', (t) => {
    base(t, { owner: true })
    t.string('code', 32).notNullable().unique()
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.string('customer_owner', 100).nullable()
    t.uuid('liaison_id').nullable()
    t.text('work_content').notNullable()
    t.text('requirements').nullable()
    t.text('suggestions').nullable()
    t.string('priority', 8).notNullable().defaultTo('medium') // high | medium | low
    t.string('status', 16).notNullable().defaultTo('not_started') // not_started | in_progress | done | confirmed | rejected
    t.string('stage', 16).notNullable().defaultTo('received') // received | organised | reviewed | reported | approved | signed
    t.string('planned_start', 10).nullable()
    t.string('planned_finish', 10).nullable()
    t.string('actual_start', 10).nullable()
    t.string('actual_finish', 10).nullable()
    t.uuid('approved_by').nullable()
    t.timestamp('approved_at').nullable()
    t.timestamp('signed_at').nullable()
    t.text('notes').nullable()
    t.index(['customer_id'])
    t.index(['status'])
  })
  await knex.schema.createTable('requirement_reviews', (t) => {
    base(t)
    t.uuid('requirement_id').notNullable().references('id').inTable('requirements')
    t.string('department', 32).notNullable() // quality | production | purchasing | …
    t.boolean('feasible').notNullable()
    t.text('opinion').nullable()
    t.uuid('reviewer_id').nullable()
    t.index(['requirement_id'])
  })
  await knex.schema.createTable('requirement_changes', (t) => {
    base(t)
    t.uuid('requirement_id').notNullable().references('id').inTable('requirements')
    t.uuid('changed_by').nullable()
    t.text('what').notNullable()
    t.text('why').nullable()
    t.index(['requirement_id'])
  })

  // ---- churn -------------------------------------------------------------------------
  await knex.schema.createTable('churn_warnings', (t) => {
    base(t, { owner: true })
    t.uuid('customer_id').notNullable().references('id').inTable('customers')
    t.string('last_order_date', 10).nullable()
    t.timestamp('detected_at').notNullable()
    t.string('status', 16).notNullable().defaultTo('open') // open | paused | confirmed | cancelled
    t.uuid('reason_id').nullable()
    t.text('reason_text').nullable()
    t.timestamp('confirmed_at').nullable()
    t.index(['customer_id'])
    t.index(['status'])
  })
  await knex.schema.createTable('churn_measures', (t) => {
    base(t, { owner: true })
    t.uuid('warning_id').notNullable().references('id').inTable('churn_warnings')
    t.string('measure_date', 10).notNullable()
    t.text('content').notNullable()
    t.uuid('created_by').nullable()
    t.index(['warning_id'])
  })

  // ---- sales targets -----------------------------------------------------------------
  await knex.schema.createTable('sales_targets', (t) => {
    base(t, { owner: true }) // owner_id = the account manager, or null for a team target
    t.uuid('team_id').nullable()
    t.string('period_type', 8).notNullable() // month | quarter | year
    t.string('period_start', 10).notNullable()
    money(t, 'amount_cents')
    t.index(['period_start'])
    t.index(['team_id'])
  })

  // ---- audit -------------------------------------------------------------------------
  await knex.schema.createTable('audit_log', (t) => {
    t.uuid('id').primary()
    t.string('entity', 32).notNullable()
    t.uuid('entity_id').notNullable()
    t.uuid('parent_id').nullable() // e.g. the customer of a contact, so the card shows both
    t.string('action', 16).notNullable() // create | update | delete
    t.text('changes').nullable() // JSON: { field: [old, new] }
    t.uuid('user_id').nullable()
    t.string('user_name', 100).nullable()
    t.timestamp('at').notNullable()
    t.index(['entity', 'entity_id', 'at'])
    t.index(['parent_id', 'at'])
    t.index(['at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  const tables = [
    'audit_log', 'sales_targets', 'churn_measures', 'churn_warnings', 'requirement_changes',
    'requirement_reviews', 'requirements', 'service_tickets', 'order_lines', 'orders', 'inventory',
    'products', 'plan_steps', 'opportunities', 'reminders', 'attachments', 'interaction_promises',
    'interactions', 'competitors', 'contacts', 'customers', 'dict_items', 'dict_types', 'users',
    'role_permissions', 'roles', 'teams', 'app_settings', 'code_sequences', 'sync_conflicts',
    'sync_tombstones', 'sync_mutation_results', 'sync_clients', 'sync_version',
  ]
  for (const t of tables) await knex.schema.dropTableIfExists(t)
}
