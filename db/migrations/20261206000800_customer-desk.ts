// The customer desk (issue 7, items 1–3): 查重, 公海, and the list for a working day.
// - customers: derived key columns for 查重 as index lookups (name_key 同名, similar_key 相似,
//   tax_key 税号, phone_key/phone2_key) and the 拼音顺序 sort key name_pinyin, all computed by
//   src-main/db/name-keys.ts and kept by the services; 区 (district) beside 省/市; the 公海 facts
//   (owner_since: since when the current owner has it; pool_at, pool_prev_owner_id, pool_reason:
//   when, from whom and why it entered the pool);
// - contacts: mobile_key (a contact's mobile shared with another customer is 相似);
// - user_list_views (saved filters per user and list) and user_preferences (visible columns …);
// - the new permission module `pool` for the seeded roles of existing databases.
// Existing rows get their keys here, in chunks (keyset by id), so 查重 finds them at once.
// Runs unchanged on SQLite, PostgreSQL and SQL Server (knex schema builder only).
import type { Knex } from 'knex'
import { newId } from '../../src-main/db/ids'
import { customerKeyColumns, phoneKey } from '../../src-main/db/name-keys'

/** The seeded roles' `pool` permission (frozen here: later seed edits must not change history). */
const POOL_PERMISSIONS: Record<string, { actions: string; scope: string }> = {
  admin: { actions: 'view,claim,assign', scope: 'all' },
  supervisor: { actions: 'view,claim,assign', scope: 'team' },
  manager: { actions: 'view,claim', scope: 'own' },
  executive: { actions: 'view', scope: 'all' },
}

const CHUNK = 500

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.string('name_key', 200).nullable()
    t.string('similar_key', 200).nullable()
    t.string('tax_key', 64).nullable()
    t.string('phone_key', 50).nullable()
    t.string('phone2_key', 50).nullable()
    t.string('name_pinyin', 255).nullable()
    t.string('district', 64).nullable()
    t.timestamp('owner_since').nullable()
    t.timestamp('pool_at').nullable()
    t.uuid('pool_prev_owner_id').nullable()
    t.string('pool_reason', 32).nullable() // release | no_follow_up | no_order
    t.string('pool_note', 200).nullable() // the reason a rep typed when releasing
    t.index(['name_key'])
    t.index(['similar_key'])
    t.index(['tax_key'])
    t.index(['phone_key'])
    t.index(['phone2_key'])
    t.index(['name_pinyin'])
    t.index(['pool_at'])
  })
  // the 公海 rules read only owned live customers past a threshold: partial (filtered) indexes hold
  // just those rows, so a daily run reads the customers near their limit, not all of them
  await knex.schema.alterTable('customers', (t) => {
    t.index(['last_contact_at', 'owner_since'], 'customers_pool_follow_up', { predicate: knex.whereNotNull('owner_id') })
    t.index(['last_order_date', 'owner_since'], 'customers_pool_order', { predicate: knex.whereNotNull('owner_id') })
  })
  await knex.schema.alterTable('contacts', (t) => {
    t.string('mobile_key', 50).nullable()
    t.index(['mobile_key'])
  })
  // SQL Server: the uuid key NONCLUSTERED and the table clustered on created_at, like every
  // uuid-keyed table (see 20261206000100); elsewhere a plain primary key
  const mssql = String(knex.client.config.client) === 'mssql'
  await knex.schema.createTable('user_list_views', (t) => {
    if (mssql) t.uuid('id').notNullable()
    else t.uuid('id').primary('user_list_views_pkey')
    t.uuid('user_id').notNullable()
    t.string('list_key', 32).notNullable() // customers | pool
    t.string('name', 50).notNullable()
    t.text('filter').notNullable() // JSON of the list's filter
    t.string('sort', 100).nullable() // JSON {field, order}
    t.timestamp('created_at').notNullable()
    t.timestamp('updated_at').notNullable()
    t.bigInteger('version').notNullable().defaultTo(0)
    t.timestamp('deleted_at').nullable()
    t.index(['user_id', 'list_key'])
  })
  if (mssql) {
    const ddl = (sql: string, names: string[]) => knex.schema.raw(knex.raw(sql, names).toQuery())
    await ddl('create clustered index ?? on ?? (??)', ['user_list_views_created_at_clustered', 'user_list_views', 'created_at'])
    await ddl('alter table ?? add constraint ?? primary key nonclustered (??)', ['user_list_views', 'user_list_views_pkey', 'id'])
  }
  await knex.schema.createTable('user_preferences', (t) => {
    t.uuid('user_id').notNullable()
    t.string('pref_key', 64).notNullable() // e.g. customers.columns
    t.text('value').nullable() // JSON
    t.timestamp('updated_at').notNullable()
    t.primary(['user_id', 'pref_key'])
  })

  // data: nothing to do when only the DDL is printed (a knex without a connection)
  if (!knex.client.config.connection) return

  // the customers' keys, in chunks by id
  // keyset paging by id ('' is no uuid for PostgreSQL: the first page has no lower bound)
  const after = (q: Knex.QueryBuilder, id: string | null) => (id ? q.where('id', '>', id) : q)
  for (let last: string | null = null; ; ) {
    const rows: Array<{ id: string; name: string; tax_id: string | null; phone: string | null; phone2: string | null }> = await after(knex('customers'), last)
      .orderBy('id')
      .limit(CHUNK)
      .select('id', 'name', 'tax_id', 'phone', 'phone2')
    if (!rows.length) break
    for (const r of rows) {
      await knex('customers').where({ id: r.id }).update(customerKeyColumns({ name: r.name, taxId: r.tax_id, phone: r.phone, phone2: r.phone2 }))
    }
    last = rows[rows.length - 1].id
  }
  await knex('customers').whereNotNull('owner_id').update({ owner_since: knex.ref('created_at') })
  for (let last: string | null = null; ; ) {
    const rows: Array<{ id: string; mobile: string }> = await after(knex('contacts').whereNotNull('mobile'), last).orderBy('id').limit(CHUNK).select('id', 'mobile')
    if (!rows.length) break
    for (const r of rows) {
      const key = phoneKey(r.mobile)
      await knex('contacts').where({ id: r.id }).update({ mobile_key: key ?? '' })
    }
    last = rows[rows.length - 1].id
  }

  // existing databases: the seeded roles get the new module (seeding adds it to new ones)
  const roles: Array<{ id: string; code: string }> = await knex('roles').whereIn('code', Object.keys(POOL_PERMISSIONS)).select('id', 'code')
  for (const r of roles) {
    if (await knex('role_permissions').where({ role_id: r.id, module: 'pool' }).first('id')) continue
    const p = POOL_PERMISSIONS[r.code]
    await knex('role_permissions').insert({ id: newId(), role_id: r.id, module: 'pool', actions: p.actions, scope: p.scope })
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.connection) await knex('role_permissions').where({ module: 'pool' }).delete()
  await knex.schema.dropTableIfExists('user_preferences')
  await knex.schema.dropTableIfExists('user_list_views')
  await knex.schema.alterTable('contacts', (t) => {
    t.dropIndex(['mobile_key'])
    t.dropColumn('mobile_key')
  })
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['last_contact_at', 'owner_since'], 'customers_pool_follow_up')
    t.dropIndex(['last_order_date', 'owner_since'], 'customers_pool_order')
  })
  await knex.schema.alterTable('customers', (t) => {
    for (const c of ['name_key', 'similar_key', 'tax_key', 'phone_key', 'phone2_key', 'name_pinyin', 'pool_at']) t.dropIndex([c])
    for (const c of ['name_key', 'similar_key', 'tax_key', 'phone_key', 'phone2_key', 'name_pinyin', 'district', 'owner_since', 'pool_at', 'pool_prev_owner_id', 'pool_reason', 'pool_note']) t.dropColumn(c)
  })
}
