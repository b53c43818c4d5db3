// customer_sales_sums (migration 20261206005300): its row triggers on an UPDATE of orders and
// payments ran for every update naming one of the columns they read — approving a counted order
// again, shipping it, completing it subtracted the order from its customer's year and month and
// added it back (four writes to the sums for nothing). Now the UPDATE trigger runs only when the
// row counts on either side and something it reads changed: the customer, the date, the amount,
// or whether it counts (not deleted and, for orders, a counted status).
// - SQLite: the `_update` trigger again with a WHEN clause (same body); the table is not altered.
// - PostgreSQL: the one AFTER INSERT OR DELETE OR UPDATE trigger split in two — insert / delete as
//   before, and the update with the same WHEN (a WHEN may not name OLD on an INSERT trigger); the
//   plpgsql function is unchanged.
// - SQL Server: unchanged — its statement trigger sums `inserted` minus `deleted` per customer and
//   period and merges only the non-zero differences (`having sum(d.cents) <> 0`), so an update that
//   moves nothing writes nothing there already.
import type { Knex } from 'knex'
import { COUNTED, kindOf, salesSumsTriggers, type Kind } from './20261206005300_customer-sales-sums'

const SOURCES = [
  { table: 'orders', date: 'order_date', amount: 'total_cents', counted: (r: string) => `(${r}.deleted_at is null and ${r}.status in ${COUNTED})` },
  { table: 'payments', date: 'paid_date', amount: 'amount_cents', counted: (r: string) => `(${r}.deleted_at is null)` },
] as const
type Source = (typeof SOURCES)[number]

const TRIGGER = (s: Source) => `${s.table}_sales_sums`
/** The columns the sums read (the trigger's UPDATE OF list). */
const columns = (s: Source) => `customer_id, ${s.date}, ${s.amount}, deleted_at${s.table === 'orders' ? ', status' : ''}`

/** When an UPDATE moves the sums: the row counts before or after, and its customer, date, amount or being counted changed (`differs`: SQLite `is not`, PostgreSQL `is distinct from`). */
export function salesSumsUpdateWhen(s: Source, differs: 'is not' | 'is distinct from'): string {
  const changed = [`old.customer_id ${differs} new.customer_id`, `old.${s.date} ${differs} new.${s.date}`, `old.${s.amount} ${differs} new.${s.amount}`, `${s.counted('old')} ${differs} ${s.counted('new')}`]
  return `(${s.counted('old')} or ${s.counted('new')}) and (${changed.join(' or ')})`
}

/** SQLite: 20261206005300's update trigger of a table, with the WHEN clause (or without: `down`). */
function sqliteUpdateTrigger(s: Source, when: boolean): string {
  const ddl = salesSumsTriggers('sqlite').find((x) => x.startsWith(`create trigger ${TRIGGER(s)}_update `))
  if (!ddl || !ddl.includes(' for each row begin ')) throw new Error(`no update trigger for ${s.table}`)
  return when ? ddl.replace(' for each row begin ', ` for each row when ${salesSumsUpdateWhen(s, 'is not')} begin `) : ddl
}

/** PostgreSQL: the triggers of a table (the function of 20261206005300 stays). */
const pgTriggers = (s: Source): string[] => [
  `create trigger ${TRIGGER(s)} after insert or delete on ${s.table} for each row execute function ${TRIGGER(s)}_apply()`,
  `create trigger ${TRIGGER(s)}_update after update of ${columns(s)} on ${s.table} for each row when (${salesSumsUpdateWhen(s, 'is distinct from')}) execute function ${TRIGGER(s)}_apply()`,
]

/** The DDL of this migration per dialect (checked in test/unit/sales-sums-mssql.test.ts). */
export function salesSumsWhenDdl(kind: Kind): string[] {
  if (kind === 'sqlite') return SOURCES.flatMap((s) => [`drop trigger if exists ${TRIGGER(s)}_update`, sqliteUpdateTrigger(s, true)])
  if (kind === 'postgres') return SOURCES.flatMap((s) => [`drop trigger if exists ${TRIGGER(s)} on ${s.table}`, ...pgTriggers(s)])
  return []
}

export async function up(knex: Knex): Promise<void> {
  for (const ddl of salesSumsWhenDdl(kindOf(knex))) await knex.schema.raw(ddl)
}

export async function down(knex: Knex): Promise<void> {
  const kind = kindOf(knex)
  for (const s of SOURCES) {
    if (kind === 'sqlite') {
      await knex.schema.raw(`drop trigger if exists ${TRIGGER(s)}_update`)
      await knex.schema.raw(sqliteUpdateTrigger(s, false))
    } else if (kind === 'postgres') {
      await knex.schema.raw(`drop trigger if exists ${TRIGGER(s)}_update on ${s.table}`)
      await knex.schema.raw(`drop trigger if exists ${TRIGGER(s)} on ${s.table}`)
      await knex.schema.raw(`create trigger ${TRIGGER(s)} after insert or delete or update of ${columns(s)} on ${s.table} for each row execute function ${TRIGGER(s)}_apply()`)
    }
  }
}
