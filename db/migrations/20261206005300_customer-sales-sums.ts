// 统计报表 (issue 13 item 2): each customer's counted sales (approved, shipped, completed orders not
// deleted, by order date) and payments received (not deleted, by paid date) per calendar year
// ('YYYY') and per month ('YYYY-MM'), so 客户贡献分析 and 客户构成分析 read one row per customer and
// period instead of every order of the period (reports.repository salesPieces: whole years and
// months from here, the days left at the edges from the orders / payments themselves).
//
// Kept by database triggers on orders and payments, so every write — the services (create, edit,
// approve, ship, complete, cancel, soft delete), imports, the sync's push and pull, `crm demo`,
// a hard delete — moves the sums in the same transaction, whoever writes. All trigger DDL of every
// dialect is here (test/unit/sales-sums-mssql.test.ts checks the T-SQL; test/integration/
// reports-sales-sums.test.ts writes orders and payments every way and compares with the sums
// computed from the tables). A row whose sums went back to 0 stays (the reports skip nothing by
// it: a customer at 0 ranks after every customer with an amount).
// - SQLite: row triggers; the rows are created with INSERT … WHERE NOT EXISTS, not INSERT OR
//   IGNORE / an upsert (an outer statement's ON CONFLICT clause would override the trigger's).
// - PostgreSQL: one plpgsql function per table, AFTER row triggers, INSERT … ON CONFLICT DO UPDATE.
// - SQL Server: one AFTER INSERT, UPDATE, DELETE trigger per table, the statement's `inserted`
//   minus `deleted` summed per customer and period, MERGE … WITH (HOLDLOCK).
// Not synced: each database keeps its own from its own orders and payments.
import type { Knex } from 'knex'

export type Kind = 'sqlite' | 'postgres' | 'mssql'
export const kindOf = (knex: Knex): Kind => {
  const c = String(knex.client.config.client)
  return c === 'mssql' ? 'mssql' : ['sqlite3', 'better-sqlite3'].includes(c) ? 'sqlite' : 'postgres'
}

/** The order statuses counted as sales (contract/orders COUNTED_STATUSES, frozen here; 20261207000210 reads it too). */
export const COUNTED = "('approved', 'shipped', 'completed')"

/** Per source table: the date, the amount, the sums column, and when a row counts (`r`: new / old / a set's alias). */
const SOURCES = [
  { table: 'orders', date: 'order_date', amount: 'total_cents', column: 'order_cents', counted: (r: string) => `${r}.deleted_at is null and ${r}.status in ${COUNTED}` },
  { table: 'payments', date: 'paid_date', amount: 'amount_cents', column: 'payment_cents', counted: (r: string) => `${r}.deleted_at is null` },
] as const
type Source = (typeof SOURCES)[number]

const TRIGGER = (s: Source) => `${s.table}_sales_sums`

function sqliteTriggers(s: Source): string[] {
  const periods = (r: string) => `(substr(${r}.${s.date}, 1, 4), substr(${r}.${s.date}, 1, 7))`
  const ensure = `insert into customer_sales_sums (customer_id, period, order_cents, payment_cents) select new.customer_id, p.period, 0, 0 from (select substr(new.${s.date}, 1, 4) as period union all select substr(new.${s.date}, 1, 7)) as p where ${s.counted('new')} and not exists (select 1 from customer_sales_sums as x where x.customer_id = new.customer_id and x.period = p.period)`
  const add = `update customer_sales_sums set ${s.column} = ${s.column} + new.${s.amount} where ${s.counted('new')} and customer_id = new.customer_id and period in ${periods('new')}`
  const sub = `update customer_sales_sums set ${s.column} = ${s.column} - old.${s.amount} where ${s.counted('old')} and customer_id = old.customer_id and period in ${periods('old')}`
  const body = (xs: string[]) => `begin ${xs.map((x) => x + '; ').join('')}end`
  return [
    `create trigger ${TRIGGER(s)}_insert after insert on ${s.table} for each row when ${s.counted('new')} ${body([ensure, add])}`,
    `create trigger ${TRIGGER(s)}_update after update of customer_id, ${s.date}, ${s.amount}, deleted_at${s.table === 'orders' ? ', status' : ''} on ${s.table} for each row ${body([sub, ensure, add])}`,
    `create trigger ${TRIGGER(s)}_delete after delete on ${s.table} for each row when ${s.counted('old')} ${body([sub])}`,
  ]
}

function pgTriggers(s: Source): string[] {
  const fn = `${TRIGGER(s)}_apply`
  const periods = (r: string) => `(left(${r}.${s.date}, 4), left(${r}.${s.date}, 7))`
  return [
    `create or replace function ${fn}() returns trigger language plpgsql as $$ begin ` +
      `if tg_op <> 'INSERT' and ${s.counted('old')} then ` +
      `update customer_sales_sums set ${s.column} = ${s.column} - old.${s.amount} where customer_id = old.customer_id and period in ${periods('old')}; end if; ` +
      `if tg_op <> 'DELETE' and ${s.counted('new')} then ` +
      `insert into customer_sales_sums as x (customer_id, period, ${s.column}) values (new.customer_id, left(new.${s.date}, 4), new.${s.amount}), (new.customer_id, left(new.${s.date}, 7), new.${s.amount}) ` +
      `on conflict (customer_id, period) do update set ${s.column} = x.${s.column} + excluded.${s.column}; end if; ` +
      `return null; end $$`,
    `create trigger ${TRIGGER(s)} after insert or delete or update of customer_id, ${s.date}, ${s.amount}, deleted_at${s.table === 'orders' ? ', status' : ''} on ${s.table} for each row execute function ${fn}()`,
  ]
}

function mssqlTrigger(s: Source): string[] {
  const side = (set: 'inserted' | 'deleted', sign: '' | '-') =>
    [4, 7].map((n) => `select r.customer_id, left(r.${s.date}, ${n}) as period, ${sign}cast(r.${s.amount} as bigint) as cents from ${set} as r where ${s.counted('r')}`).join(' union all ')
  return [
    `create trigger ${TRIGGER(s)} on ${s.table} after insert, update, delete as begin set nocount on; ` +
      `merge customer_sales_sums with (holdlock) as t using (select d.customer_id, d.period, sum(d.cents) as cents from (${side('inserted', '')} union all ${side('deleted', '-')}) as d group by d.customer_id, d.period having sum(d.cents) <> 0) as s ` +
      `on t.customer_id = s.customer_id and t.period = s.period ` +
      `when matched then update set ${s.column} = t.${s.column} + s.cents ` +
      `when not matched then insert (customer_id, period, ${s.column}) values (s.customer_id, s.period, s.cents); end`,
  ]
}

/** The trigger DDL of a dialect (both tables). */
export const salesSumsTriggers = (kind: Kind): string[] => SOURCES.flatMap((s) => (kind === 'sqlite' ? sqliteTriggers(s) : kind === 'postgres' ? pgTriggers(s) : mssqlTrigger(s)))

/** The sums of the rows already there (one statement: both tables, years and months). */
function backfill(kind: Kind): string {
  const sub = (s: Source, n: 4 | 7) => {
    const period = kind === 'sqlite' ? `substr(r.${s.date}, 1, ${n})` : `left(r.${s.date}, ${n})`
    const [o, p] = s.column === 'order_cents' ? [`r.${s.amount}`, '0'] : ['0', `r.${s.amount}`]
    return `select r.customer_id, ${period} as period, ${o} as order_cents, ${p} as payment_cents from ${s.table} as r where ${s.counted('r')}`
  }
  const parts = SOURCES.flatMap((s) => [sub(s, 4), sub(s, 7)]).join(' union all ')
  return `insert into customer_sales_sums (customer_id, period, order_cents, payment_cents) select u.customer_id, u.period, sum(u.order_cents), sum(u.payment_cents) from (${parts}) as u group by u.customer_id, u.period`
}

export async function up(knex: Knex): Promise<void> {
  const kind = kindOf(knex)
  await knex.schema.createTable('customer_sales_sums', (t) => {
    t.uuid('customer_id').notNullable()
    t.string('period', 7).notNullable() // YYYY or YYYY-MM
    t.bigInteger('order_cents').notNullable().defaultTo(0)
    t.bigInteger('payment_cents').notNullable().defaultTo(0)
    t.primary(['customer_id', 'period'])
    // the reports' read: one period (or a few), every customer, both sums
    t.index(['period', 'customer_id', 'order_cents', 'payment_cents'], 'customer_sales_sums_period')
  })
  await knex.schema.raw(backfill(kind))
  for (const ddl of salesSumsTriggers(kind)) await knex.schema.raw(ddl)
}

export async function down(knex: Knex): Promise<void> {
  const kind = kindOf(knex)
  for (const s of SOURCES) {
    if (kind === 'sqlite') for (const x of ['insert', 'update', 'delete']) await knex.schema.raw(`drop trigger if exists ${TRIGGER(s)}_${x}`)
    else if (kind === 'postgres') {
      await knex.schema.raw(`drop trigger if exists ${TRIGGER(s)} on ${s.table}`)
      await knex.schema.raw(`drop function if exists ${TRIGGER(s)}_apply()`)
    } else await knex.schema.raw(`drop trigger ${TRIGGER(s)}`)
  }
  await knex.schema.dropTable('customer_sales_sums')
}
