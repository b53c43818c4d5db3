// SQL Server cannot run here: migration 20261206005300's table, backfill and triggers
// (customer_sales_sums, kept by triggers on orders and payments) are compiled for mssql and
// checked as T-SQL — one AFTER INSERT, UPDATE, DELETE trigger per table whose `inserted` minus
// `deleted` is summed per customer and period (year: the date's first 4 characters, month: 7) and
// merged under HOLDLOCK; only counted rows (orders: approved, shipped, completed; neither: deleted).
// The triggers' behaviour is checked on SQLite and PostgreSQL (test/integration/reports-sales-sums.test.ts).
import { describe, expect, it } from 'vitest'
import { printMigrationSql } from '../../src-main/db/migrate'
import { salesSumsTriggers } from '../../db/migrations/20261206005300_customer-sales-sums'
import { salesSumsWhenDdl } from '../../db/migrations/20261207000210_sales-sums-update-when'

describe('customer_sales_sums on SQL Server (compiled)', () => {
  it('the table, the backfill and one trigger per table in T-SQL', async () => {
    const all = await printMigrationSql('mssql')
    const start = all.findIndex((x) => x.includes('20261206005300_customer-sales-sums'))
    expect(start).toBeGreaterThan(0)
    const mine = all.slice(start + 1).filter((x) => x.includes('customer_sales_sums'))
    const table = mine.find((x) => x.startsWith('CREATE TABLE') || x.startsWith('create table'))!
    expect(table).toMatch(/\[customer_id\] uniqueidentifier not null, \[period\] nvarchar\(7\) not null, \[order_cents\] bigint not null CONSTRAINT \[\w+\] DEFAULT '0', \[payment_cents\] bigint not null CONSTRAINT \[\w+\] DEFAULT '0', CONSTRAINT \[customer_sales_sums_pkey\] PRIMARY KEY \(\[customer_id\], \[period\]\)/)
    expect(mine.join('\n')).toContain('CREATE INDEX [customer_sales_sums_period] ON [customer_sales_sums] ([period], [customer_id], [order_cents], [payment_cents])')
    const backfill = mine.find((x) => x.startsWith('insert into customer_sales_sums'))!
    expect(backfill).toContain("select r.customer_id, left(r.order_date, 4) as period, r.total_cents as order_cents, 0 as payment_cents from orders as r where r.deleted_at is null and r.status in ('approved', 'shipped', 'completed')")
    expect(backfill).toContain('select r.customer_id, left(r.paid_date, 7) as period, 0 as order_cents, r.amount_cents as payment_cents from payments as r where r.deleted_at is null')
    expect(backfill).not.toMatch(/substr\(/)
    const [orders, payments] = salesSumsTriggers('mssql')
    expect(mine).toContain(orders)
    expect(mine).toContain(payments)
    expect(orders).toBe(
      'create trigger orders_sales_sums on orders after insert, update, delete as begin set nocount on; ' +
        'merge customer_sales_sums with (holdlock) as t using (select d.customer_id, d.period, sum(d.cents) as cents from (' +
        "select r.customer_id, left(r.order_date, 4) as period, cast(r.total_cents as bigint) as cents from inserted as r where r.deleted_at is null and r.status in ('approved', 'shipped', 'completed') union all " +
        "select r.customer_id, left(r.order_date, 7) as period, cast(r.total_cents as bigint) as cents from inserted as r where r.deleted_at is null and r.status in ('approved', 'shipped', 'completed') union all " +
        "select r.customer_id, left(r.order_date, 4) as period, -cast(r.total_cents as bigint) as cents from deleted as r where r.deleted_at is null and r.status in ('approved', 'shipped', 'completed') union all " +
        "select r.customer_id, left(r.order_date, 7) as period, -cast(r.total_cents as bigint) as cents from deleted as r where r.deleted_at is null and r.status in ('approved', 'shipped', 'completed')" +
        ') as d group by d.customer_id, d.period having sum(d.cents) <> 0) as s on t.customer_id = s.customer_id and t.period = s.period ' +
        'when matched then update set order_cents = t.order_cents + s.cents ' +
        'when not matched then insert (customer_id, period, order_cents) values (s.customer_id, s.period, s.cents); end',
    )
    expect(payments).toContain('create trigger payments_sales_sums on payments after insert, update, delete as begin set nocount on; merge customer_sales_sums with (holdlock) as t')
    expect(payments).toContain('select r.customer_id, left(r.paid_date, 7) as period, -cast(r.amount_cents as bigint) as cents from deleted as r where r.deleted_at is null')
    expect(payments).toContain('when matched then update set payment_cents = t.payment_cents + s.cents when not matched then insert (customer_id, period, payment_cents) values (s.customer_id, s.period, s.cents); end')
    expect(payments).not.toContain('status')
    // nothing of the other dialects
    for (const x of [orders, payments, backfill]) expect(x).not.toMatch(/substr\(|plpgsql|on conflict|for each row|\$\$/)
  })

  it('PostgreSQL: a plpgsql function per table, an AFTER row trigger on the columns the sums read; SQLite: row triggers without an upsert or OR IGNORE', () => {
    const pg = salesSumsTriggers('postgres')
    expect(pg).toHaveLength(4)
    expect(pg[1]).toBe('create trigger orders_sales_sums after insert or delete or update of customer_id, order_date, total_cents, deleted_at, status on orders for each row execute function orders_sales_sums_apply()')
    expect(pg[0]).toContain('on conflict (customer_id, period) do update set order_cents = x.order_cents + excluded.order_cents')
    const lite = salesSumsTriggers('sqlite')
    expect(lite).toHaveLength(6)
    expect(lite[1]).toMatch(/^create trigger orders_sales_sums_update after update of customer_id, order_date, total_cents, deleted_at, status on orders for each row begin /)
    for (const x of lite) expect(x).not.toMatch(/or ignore|on conflict/i)
  })

  it('migration 20261207000210: the update triggers run only when a counted row\'s customer, date, amount or being counted changed (SQLite, PostgreSQL); SQL Server unchanged', async () => {
    const lite = salesSumsWhenDdl('sqlite')
    expect(lite).toHaveLength(4)
    expect(lite[0]).toBe('drop trigger if exists orders_sales_sums_update')
    const counted = (r: string) => `(${r}.deleted_at is null and ${r}.status in ('approved', 'shipped', 'completed'))`
    expect(lite[1]).toBe(
      salesSumsTriggers('sqlite')[1]!.replace(
        ' for each row begin ',
        ` for each row when (${counted('old')} or ${counted('new')}) and (old.customer_id is not new.customer_id or old.order_date is not new.order_date or old.total_cents is not new.total_cents or ${counted('old')} is not ${counted('new')}) begin `,
      ),
    )
    expect(lite[3]).toContain('create trigger payments_sales_sums_update after update of customer_id, paid_date, amount_cents, deleted_at on payments for each row when ((old.deleted_at is null) or (new.deleted_at is null)) and (old.customer_id is not new.customer_id or old.paid_date is not new.paid_date or old.amount_cents is not new.amount_cents or (old.deleted_at is null) is not (new.deleted_at is null)) begin ')
    const pg = salesSumsWhenDdl('postgres')
    expect(pg.slice(0, 3)).toEqual([
      'drop trigger if exists orders_sales_sums on orders',
      'create trigger orders_sales_sums after insert or delete on orders for each row execute function orders_sales_sums_apply()',
      `create trigger orders_sales_sums_update after update of customer_id, order_date, total_cents, deleted_at, status on orders for each row when ((${counted('old')} or ${counted('new')}) and (old.customer_id is distinct from new.customer_id or old.order_date is distinct from new.order_date or old.total_cents is distinct from new.total_cents or ${counted('old')} is distinct from ${counted('new')})) execute function orders_sales_sums_apply()`,
    ])
    expect(pg).toHaveLength(6)
    expect(salesSumsWhenDdl('mssql')).toEqual([])
    // SQL Server: this migration writes nothing; 20261207000200 replaces each dimension's index by (dimension, deleted_at, id)
    const all = await printMigrationSql('mssql')
    const at = (name: string) => all.findIndex((x) => x.includes(name))
    const [cover, when] = [at('20261207000200_customers-dimensions-cover'), at('20261207000210_sales-sums-update-when')]
    expect(cover).toBeGreaterThan(0)
    const dims = ['level', 'region', 'industry', 'nature', 'size', 'source', 'category']
    expect(all.slice(cover + 1, when)).toEqual([dims.map((d) => `DROP INDEX [customers_${d}_id_index] ON [customers];\nCREATE INDEX [customers_${d}_id_cover] ON [customers] ([${d}_id], [deleted_at], [id])`).join(';\n')])
    const next = all.findIndex((x, i) => i > when && x.startsWith('-- migration '))
    expect(all.slice(when + 1, next < 0 ? undefined : next).filter((x) => !x.startsWith('--'))).toEqual([])
  })
})
