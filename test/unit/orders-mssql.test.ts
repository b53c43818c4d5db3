// SQL Server cannot run here: the new query shapes of orders, 回款 and 销售业绩 — conditional
// sums, correlated EXISTS and aggregate updates, paging, date bucketing by month with the same
// expression in SELECT and GROUP BY — are compiled for mssql (no connection) and checked as
// T-SQL, and the new schema (columns, tables, covering indexes) in SQL Server types.
import { describe, expect, it } from 'vitest'
import { compiler, sql, expectTsql, ID as id } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import { monthOf } from '../../src-main/db/dialect'
import * as repo from '../../src-main/modules/orders/orders.repository'
import * as stats from '../../src-main/modules/orders/stats.repository'
import { paymentDueCandidates, paymentDueMismatches } from '../../src-main/modules/reminders/system-reminders.repository'

const k = compiler('mssql')
const noScope = () => undefined

describe('orders on SQL Server (compiled)', () => {
  const filter = { search: '华鑫', status: 'approved' as const, customerId: id, ownerId: id, dateFrom: '2026-01-01', dateTo: '2026-12-31', amountMinCents: 1, amountMaxCents: 10 }

  it('the order list: filters, search through the customers, conditional sums, OFFSET/FETCH paging', () => {
    const q = repo.filteredOrders(k, filter, noScope)
    const sums = q.clone().first(
      k.raw(`sum(case when o.status in (?, ?, ?) then o.total_cents else 0 end) as total`, ['approved', 'shipped', 'completed']),
    )
    expect(expectTsql(sums)).toMatch(/select top \(@p\d+\) sum\(case when o\.status in \(@p\d+, @p\d+, @p\d+\) then o\.total_cents else 0 end\) as total/i)
    const text = expectTsql(q)
    expect(text).toMatch(/\[o\]\.\[customer_id\] in \(select \[sc\]\.\[id\] from \[customers\] as \[sc\] where \[sc\]\.\[deleted_at\] is null and \[sc\]\.\[search_text\] like @p\d+ escape '\\'\)/)
    const page = expectTsql(repo.orderPageIds(q, { field: 'orderDate', order: 'desc' }, 40, 20))
    expect(page).toMatch(/order by \[o\]\.\[order_date\] desc, \[o\]\.\[id\] desc offset @p\d+ rows fetch next @p\d+ rows only/i)
    const rec = expectTsql(repo.receivablePageIds(repo.onlyReceivable(repo.filteredOrders(k, {}, noScope), '2026-06-15'), 20, 20))
    expect(rec).toMatch(/where \[o\]\.\[deleted_at\] is null and \[o\]\.\[receivable_due\] is not null and \[o\]\.\[receivable_due\] < @p\d+ order by \[o\]\.\[receivable_due\] asc, \[o\]\.\[order_date\] asc, \[o\]\.\[id\] asc offset/i)
    // a whole order number is an index seek, a part of it a LIKE on the number, anything else the customers' search text
    expect(expectTsql(repo.filteredOrders(k, { search: 'dd-2026-000123' }, noScope))).toMatch(/\[o\]\.\[code\] = @p\d+/)
    expect(expectTsql(repo.filteredOrders(k, { search: '000123' }, noScope))).toMatch(/\[o\]\.\[code\] like @p\d+ escape '\\'/)
  })

  it('overdue sums read the open plans alone, filtered by the copies of their orders\' facts (a search through the orders)', () => {
        const overdue = repo.overdueQuery(k, { customerId: id, status: 'approved', dateFrom: '2026-01-01', amountMinCents: 100, search: '华鑫' }, noScope, '2026-06-15')
    expect(expectTsql(overdue)).toMatch(
      /where \[pp\]\.\[open_due_date\] < @p\d+ and \[pp\]\.\[deleted_at\] is null and \[pp\]\.\[customer_id\] = @p\d+ and \[pp\]\.\[order_status\] = @p\d+ and \[pp\]\.\[order_date\] >= @p\d+ and \[pp\]\.\[order_total_cents\] >= @p\d+ and \[pp\]\.\[customer_id\] in \(select \[sc\]\.\[id\] from \[customers\] as \[sc\]/,
    )
    // an order number narrows the plans through the orders
    expect(expectTsql(repo.overdueQuery(k, { search: 'DD-2026-000123' }, noScope, '2026-06-15'))).toMatch(
      /\[pp\]\.\[order_id\] in \(select \[so\]\.\[id\] from \[orders\] as \[so\] where \[so\]\.\[code\] = @p\d+\)/,
    )
    expectTsql(repo.filteredPayments(k, { search: 'DD-2026', customerId: id, ownerId: id, methodId: id, dateFrom: '2026-01-01', dateTo: '2026-02-01' }, noScope))
  })

  it("the customers' trade figures: one aggregate per customer, and correlated aggregate updates in bulk", () => {
    expect(expectTsql(repo.customerTradeQuery(k, id))).toMatch(
      /select top \(@p\d+\) count\(\*\) as n, sum\(total_cents\) as s, min\(order_date\) as f, max\(order_date\) as l from \[orders\] where \[customer_id\] = @p\d+ and \[deleted_at\] is null and \[status\] in \(@p\d+, @p\d+, @p\d+\)/,
    )
    const [withSales, without] = repo.allCustomerTradeUpdates(k, 7).map((q) => expectTsql(q))
    expect(withSales).toMatch(/update \[customers\] set \[order_count\] = \(select count\(\*\) from \[orders\] as \[o\] where o\.customer_id = customers\.id/)
    expect(withSales).toMatch(/\[last_order_date\] = \(select max\(\[o\]\.\[order_date\]\)/)
    expect(withSales).toMatch(/where exists \(select 1 from \[orders\] as \[o\]/)
    expect(without).toMatch(/where not exists \(select 1 from \[orders\] as \[o\]/)
  })

  it('the stats buckets: months grouped with the same expression in SELECT and GROUP BY; one bucket recomputed by an index range', () => {
    expect(sql(k('orders').select(monthOf(k, 'order_date'))).sql).toBe('select substring([order_date], 1, 7) from [orders]')
    const orders = expectTsql(stats.orderBucketsQuery(k))
    // per amount band too (migration 20261206003400): the same CASE in SELECT and GROUP BY
    const band = '\\(case when \\[total_cents\\] < 10000 then 0 when \\[total_cents\\] < 20000 then 1 .* else 28 end\\)'
    expect(orders).toMatch(new RegExp(`select \\[owner_id\\], substring\\(\\[order_date\\], 1, 7\\) as \\[month\\], \\[status\\], ${band} as \\[band\\], count\\(\\*\\) as n, sum\\(total_cents\\) as total.* group by \\[owner_id\\], substring\\(\\[order_date\\], 1, 7\\), \\[status\\], ${band}$`))
    const payments = expectTsql(stats.paymentBucketsQuery(k))
    expect(payments).toMatch(/substring\(\[paid_date\], 1, 7\) as \[month\].* group by \[owner_id\], substring\(\[paid_date\], 1, 7\)$/)
    const one = expectTsql(stats.orderBucketQuery(k, { ownerId: id, month: '2026-12', status: 'approved' }))
    expect(one).toMatch(/where \[owner_id\] = @p\d+ and \[deleted_at\] is null and \[status\] = @p\d+ and \[order_date\] >= @p\d+ and \[order_date\] < @p\d+/)
    expect(sql(stats.orderBucketQuery(k, { ownerId: id, month: '2026-12', status: 'approved' })).bindings).toContain('2027-01-01')
    expect(expectTsql(stats.orderBucketQuery(k, { ownerId: null, month: '2026-01', status: 'draft' }))).toMatch(/where \[owner_id\] is null/)
    expect(one).toMatch(/group by \(case when \[total_cents\] < 10000 then 0 .* else 28 end\)$/)
    // the list's sums over whole bands
    expectTsql(k('order_stats as s').where('s.amount_band', '>=', 13).where('s.amount_band', '<=', 20).sum('s.order_count'))
    expectTsql(stats.paymentBucketQuery(k, { ownerId: id, month: '2026-02' }))
    for (const basis of ['orders', 'payments'] as const) expectTsql(stats.monthlyActuals(k, basis, '2026-01', '2026-12'))
  })

  it('the 回款 reminder queries compile to T-SQL', () => {
    expectTsql(paymentDueCandidates(k, '2026-06-15', [id]))
    expectTsql(paymentDueMismatches(k, null))
  })

  it('the schema has the new columns, tables and covering indexes in SQL Server types', async () => {
    const ddl = (await printMigrationSql('mssql')).join('\n')
    for (const col of ['[category_id] uniqueidentifier null', '[search_text] nvarchar(1000) null', '[next_due_date] nvarchar(10) null',
      '[outstanding_cents] bigint not null', '[max_discount_bp] int not null', '[line_no] int not null', '[approval_result] nvarchar(16) null']) {
      expect(ddl).toContain(col)
    }
    expect(ddl).toMatch(/CREATE TABLE \[payment_plans\] \(\[id\] uniqueidentifier.*\[due_date\] nvarchar\(10\) not null, \[amount_cents\] bigint not null/)
    expect(ddl).toMatch(/CREATE TABLE \[payments\] \(\[id\] uniqueidentifier.*\[paid_date\] nvarchar\(10\) not null, \[amount_cents\] bigint not null/)
    expect(ddl).toContain('CREATE INDEX [orders_owner_sums] ON [orders] ([owner_id], [deleted_at], [status], [order_date], [total_cents], [received_cents], [outstanding_cents])')
    // migration 20261206003400: order_stats per amount band, the amount-first covering index
    expect(ddl).toMatch(/ALTER TABLE \[order_stats\] ADD \[amount_band\] int not null CONSTRAINT \[order_stats_amount_band_default\] DEFAULT '0'/)
    expect(ddl).toContain('CREATE INDEX [orders_amount_sums] ON [orders] ([total_cents], [order_date], [status], [owner_id], [received_cents], [outstanding_cents], [deleted_at])')
    expect(ddl).toContain('CREATE INDEX [payments_date_owner_amount] ON [payments] ([paid_date], [owner_id], [amount_cents], [deleted_at])')
    expect(ddl).toContain('CREATE INDEX [payment_plans_open_due] ON [payment_plans] ([open_due_date], [owner_id], [order_status], [order_date], [order_total_cents], [customer_id], [amount_cents], [paid_cents], [deleted_at])')
    expect(ddl).toMatch(/CREATE TABLE \[order_stats\] \(\[id\] uniqueidentifier not null, \[owner_id\] uniqueidentifier null, \[month\] nvarchar\(7\) not null, \[status\] nvarchar\(16\) not null/)
    expect(ddl).toMatch(/CREATE TABLE \[payment_stats\] \(\[id\] uniqueidentifier/)
    // uuid keys NONCLUSTERED (as migration 20261206000100 made the others); plans and payments clustered on created_at
    for (const t of ['payment_plans', 'payments', 'order_stats', 'payment_stats']) expect(ddl).toContain(`alter table [${t}] add constraint [${t}_pkey] primary key nonclustered ([id])`)
    expect(ddl).toContain('create clustered index [payments_created_at_clustered] on [payments] ([created_at])')
  })
})
