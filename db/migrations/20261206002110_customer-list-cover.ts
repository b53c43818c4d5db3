// Middle and last pages of the customer list (issue 8). A page is read as the ids of one window
// of the ordered list (OFFSET), then its rows; the database steps over every row before the
// window. With the sort indexes of migration 20261206001200 each row stepped over was also read
// from the table (its id, its deleted_at, its owner for a scope): at 86,000 customers the middle
// page took 53 ms of CPU on SQLite, linear in the customers. These indexes carry what the list
// checks — the sort columns, id, deleted_at and owner_id — so the rows stepped over are read from
// the index alone (SQLite, same page: 2 ms): one index per sort, read in either direction
// (nulls-last sorts: one per direction, as before), and the manager's own list
// (owner_id, updated_at, id, deleted_at). They replace the narrower ones of 20261206001200.
// SQL Server: the same keys (its nulls-last sorts through the persisted computed columns of
// 20261206001200).
import type { Knex } from 'knex'

const client = (knex: Knex) => String(knex.client.config.client)
const isMssql = (knex: Knex) => client(knex) === 'mssql'

/** The list's plain sorts (column) and the short name of their covering index. */
export const COVER_SORTS: Array<[column: string, short: string]> = [
  ['updated_at', 'updated'], ['code', 'code'], ['name_pinyin', 'pinyin'], ['created_at', 'created'],
]
/** As migration 20261206001200 names them: the nulls-last sorts. */
const NULLS_LAST: Array<[column: string, short: string]> = [
  ['order_total_cents', 'order_total'], ['credit_rating', 'credit_rating'], ['last_contact_at', 'last_contact'], ['next_contact_at', 'next_contact'],
]
const nullsLast = (column: string) => `case when ${column} is null then 1 else 0 end`
const TAIL = 'deleted_at, owner_id'

export async function up(knex: Knex): Promise<void> {
  const ms = isMssql(knex)
  const q = (s: string) => (ms ? `[${s}]` : s)
  for (const [column, short] of COVER_SORTS) {
    await knex.schema.raw(`create index ${q(`customers_${short}_cover`)} on ${q('customers')} (${[column, 'id', 'deleted_at', 'owner_id'].map(q).join(', ')})`)
  }
  await knex.schema.raw(`create index ${q('customers_owner_cover')} on ${q('customers')} (${['owner_id', 'updated_at', 'id', 'deleted_at'].map(q).join(', ')})`)
  for (const [column, short] of NULLS_LAST) {
    const key = ms ? `[${short}_nulls_last]` : `(${nullsLast(column)})`
    await knex.schema.raw(`create index ${q(`customers_${short}_desc_cover`)} on ${q('customers')} (${key}, ${q(column)} desc, ${q('id')} desc, ${TAIL.split(', ').map(q).join(', ')})`)
    await knex.schema.raw(`create index ${q(`customers_${short}_asc_cover`)} on ${q('customers')} (${key}, ${q(column)}, ${q('id')}, ${TAIL.split(', ').map(q).join(', ')})`)
  }
  // the narrower indexes these replace
  for (const name of ['customers_owner_updated', 'customers_created_sort', ...NULLS_LAST.flatMap(([, s]) => [`customers_${s}_desc`, `customers_${s}_asc`])]) {
    await knex.schema.raw(ms ? `drop index [${name}] on [customers]` : `drop index ${name}`)
  }
}

export async function down(knex: Knex): Promise<void> {
  const ms = isMssql(knex)
  const q = (s: string) => (ms ? `[${s}]` : s)
  await knex.schema.raw(`create index ${q('customers_owner_updated')} on ${q('customers')} (${['owner_id', 'updated_at', 'id'].map(q).join(', ')})`)
  await knex.schema.raw(`create index ${q('customers_created_sort')} on ${q('customers')} (${['created_at', 'id'].map(q).join(', ')})`)
  for (const [column, short] of NULLS_LAST) {
    const key = ms ? `[${short}_nulls_last]` : `(${nullsLast(column)})`
    await knex.schema.raw(`create index ${q(`customers_${short}_desc`)} on ${q('customers')} (${key}, ${q(column)} desc, ${q('id')} desc)`)
    await knex.schema.raw(`create index ${q(`customers_${short}_asc`)} on ${q('customers')} (${key}, ${q(column)}, ${q('id')})`)
  }
  const names = [...COVER_SORTS.map(([, s]) => `customers_${s}_cover`), 'customers_owner_cover', ...NULLS_LAST.flatMap(([, s]) => [`customers_${s}_desc_cover`, `customers_${s}_asc_cover`])]
  for (const name of names) await knex.schema.raw(ms ? `drop index [${name}] on [customers]` : `drop index ${name}`)
}
