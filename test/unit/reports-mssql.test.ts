// SQL Server cannot run here: the 统计报表's aggregates are compiled for mssql (no connection) and
// checked as T-SQL — conditional sums, the SLA-breach CASE, GROUP BY on the very expression the
// SELECT holds (month buckets of timestamps at the caller's offset), semi-joins on the customers
// in scope, TOP instead of LIMIT — and migration 20261206001700's indexes in SQL Server terms.
import { describe, expect, it } from 'vitest'
import { compiler, expectTsql as tsql, ID as id } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import { dayOfInstant, monthOfInstant } from '../../src-main/db/dialect'
import * as repo from '../../src-main/modules/reports/reports.repository'

const k = compiler('mssql')
const pg = compiler('postgres')
const lite = compiler('sqlite')
const days = { first: '2026-01-01', last: '2026-12-31' }
const range = { from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' }
const filter = { teamId: id, ownerId: id, regionId: id, levelId: id }
const own: repo.ScopeFn = (q, col) => void q.where(col, id)
const none: repo.ScopeFn = () => undefined

describe('reports on SQL Server (compiled)', () => {
  it('客户贡献分析: sums per customer over a day range, narrowed by a semi-join on the customers in scope', () => {
    const text = tsql(repo.amountsByCustomer(k, 'orders', days, filter, own, true))
    expect(text).toMatch(/select \[o\]\.\[customer_id\] as \[customer_id\], sum\(o\.total_cents\) as cents from \[orders\] as \[o\] where \[o\]\.\[order_date\] >= @p0 and \[o\]\.\[order_date\] <= @p1 and \[o\]\.\[status\] in \(@p2, @p3, @p4\) and \[o\]\.\[deleted_at\] is null/)
    expect(text).toMatch(/\[o\]\.\[customer_id\] in \(select \[fc\]\.\[id\] from \[customers\] as \[fc\] where \[fc\]\.\[deleted_at\] is null and \[fc\]\.\[owner_id\] = @p\d+ and \[fc\]\.\[owner_id\] = @p\d+ and \[fc\]\.\[owner_id\] in \(select \[id\] from \[users\] where \[team_id\] = @p\d+\) and \[fc\]\.\[region_id\] = @p\d+ and \[fc\]\.\[level_id\] = @p\d+\) group by \[o\]\.\[customer_id\]$/)
    // company scope without filters: the orders alone (the covering index)
    expect(tsql(repo.amountsByCustomer(k, 'payments', days, {}, none, false))).toBe(
      'select [o].[customer_id] as [customer_id], sum(o.amount_cents) as cents from [payments] as [o]' +
        ' where [o].[paid_date] >= @p0 and [o].[paid_date] <= @p1 and [o].[deleted_at] is null group by [o].[customer_id]',
    )
  })

  it('客户构成分析: per dimension value, the sales summed per customer first and joined to the customers', () => {
    expect(tsql(repo.customersByDimension(k, 'industry', filter, none))).toMatch(/^select \[c\]\.\[industry_id\] as \[k\], count\(\*\) as n from \[customers\] as \[c\] where .* group by \[c\]\.\[industry_id\]$/)
    const sales = tsql(repo.salesByDimension(k, 'level', days, {}, own))
    expect(sales).toMatch(/^select \[c\]\.\[level_id\] as \[k\], sum\(s\.cents\) as cents from \(select \[o\]\.\[customer_id\] as \[customer_id\], sum\(o\.total_cents\) as cents from \[orders\] as \[o\] .* group by \[o\]\.\[customer_id\]\) as \[s\] inner join \[customers\] as \[c\] on \[c\]\.\[id\] = \[s\]\.\[customer_id\] where \[c\]\.\[deleted_at\] is null and \[c\]\.\[owner_id\] = @p\d+ group by \[c\]\.\[level_id\]$/)
  })

  it('客户服务分析: the SLA-breach CASE per type and urgency, sums and counts (no integer AVG), months in GROUP BY as in SELECT', () => {
    const rules: repo.BreachRule[] = [
      { typeId: id, urgency: 'urgent', minutes: 480, startedBefore: '2026-11-20T12:00:00.000Z' },
      { typeId: null, urgency: 'normal', minutes: 2880, startedBefore: '2026-11-18T12:00:00.000Z' },
    ]
    const byType = tsql(repo.ticketsByType(k, range, filter, own, true, rules))
    expect(byType).toContain(
      'sum(case when t.type_id = @p2 and t.urgency = @p3 and (t.resolve_minutes > @p4 or (t.status in (@p5, @p6) and coalesce(t.sla_start_at, t.created_at) < @p7)) then 1 ' +
        'when t.type_id is null and t.urgency = @p8 and (t.resolve_minutes > @p9 or (t.status in (@p10, @p11) and coalesce(t.sla_start_at, t.created_at) < @p12)) then 1 else 0 end) as breaches',
    )
    expect(byType).not.toMatch(/\bavg\(/)
    expect(byType).toMatch(/group by \[t\]\.\[type_id\]$/)
    const month = tsql(repo.ticketsByMonth(k, range, {}, none, false, 480))
    expect(month).toBe(
      'select convert(char(7), dateadd(minute, 480, [t].[created_at]), 126) as month, count(*) as n, sum(t.satisfaction) as sat_sum, count(t.satisfaction) as sat_n ' +
        'from [service_tickets] as [t] where [t].[created_at] >= @p0 and [t].[created_at] < @p1 and [t].[deleted_at] is null ' +
        'group by convert(char(7), dateadd(minute, 480, [t].[created_at]), 126)',
    )
    tsql(repo.ticketsByStatus(k, range, filter, own, true))
    tsql(repo.ticketsBySatisfaction(k, range, filter, own, true))
    tsql(repo.ticketKinds(k, range, filter, own, true))
  })

  it('客户流失分析: churned per reason, region and month (joined to the customers), the newest first with TOP', () => {
    expect(tsql(repo.churnedByMonth(k, range, filter, own, -300))).toMatch(/^select convert\(char\(7\), dateadd\(minute, -300, \[w\]\.\[confirmed_at\]\), 126\) as month, count\(\*\) as n from \[churn_warnings\] as \[w\] inner join \[customers\] as \[c\] on \[c\]\.\[id\] = \[w\]\.\[customer_id\] where \[w\]\.\[status\] = @p0 .* group by convert\(char\(7\), dateadd\(minute, -300, \[w\]\.\[confirmed_at\]\), 126\)$/)
    expect(tsql(repo.churnedList(k, range, filter, own, 200))).toMatch(/^select top \(@p0\) \[c\]\.\[id\] as \[customer_id\].* order by \[w\]\.\[confirmed_at\] desc, \[c\]\.\[code\] asc$/)
    tsql(repo.churnedByReason(k, range, filter, own))
    tsql(repo.churnedByRegion(k, range, filter, own))
    tsql(repo.customersByRegion(k, filter, own))
    tsql(repo.warningsByStatus(k, range, filter, own, true))
  })

  it('跟进统计: per rep and channel, distinct customers, days in GROUP BY as in SELECT, the 联系策略 CASE per policy', () => {
    expect(tsql(repo.followUpsByDay(k, range, filter, own, true, 480))).toMatch(
      /^select convert\(char\(10\), dateadd\(minute, 480, \[i\]\.\[occurred_at\]\), 23\) as day, count\(\*\) as n from \[interactions\] as \[i\] where .* group by convert\(char\(10\), dateadd\(minute, 480, \[i\]\.\[occurred_at\]\), 23\)$/,
    )
    expect(tsql(repo.followUpsByRepChannel(k, range, {}, none, false))).toMatch(/group by \[i\]\.\[owner_id\], \[i\]\.\[channel_id\]$/)
    expect(tsql(repo.customersByRep(k, range, {}, none, false))).toContain('count(distinct i.customer_id) as n')
    expect(tsql(repo.customersFollowedUp(k, range, filter, own, true))).toMatch(/^select top \(@p0\) count\(distinct i\.customer_id\) as n/)
    const policy = tsql(repo.policyByOwner(k, filter, own, [{ policyId: id, since: '2026-11-13T04:00:00.000Z' }, { policyId: id, since: '2026-10-21T04:00:00.000Z' }]))
    expect(policy).toContain(
      'sum(case when c.contact_policy_id = @p0 and coalesce(c.last_contact_at, c.created_at) >= @p1 then 1 when c.contact_policy_id = @p2 and coalesce(c.last_contact_at, c.created_at) >= @p3 then 1 else 0 end) as on_time',
    )
    expect(policy).toMatch(/\[c\]\.\[contact_policy_id\] is not null group by \[c\]\.\[owner_id\]$/)
    expect(dayOfInstant(lite, 'i.occurred_at', 480).toQuery()).toBe("strftime('%Y-%m-%d', `i`.`occurred_at`, '+480 minutes')")
    expect(dayOfInstant(pg, 'i.occurred_at', -300).toQuery()).toBe(`to_char(("i"."occurred_at" at time zone 'UTC') + interval '-300 minutes', 'YYYY-MM-DD')`)
  })

  it('SQLite reads the per-customer sums through the covering date index (INDEXED BY); the others plain', () => {
    expect(repo.amountsByCustomer(lite, 'orders', days, {}, none, false).toSQL().sql).toMatch(/^select .* from `orders` as `o` indexed by `orders_date_customer_sums` where/)
    expect(repo.amountsByCustomer(lite, 'payments', days, {}, none, false).toSQL().sql).toContain('from `payments` as `o` indexed by `payments_date_customer_amount`')
    expect(repo.amountsByCustomer(pg, 'orders', days, {}, none, false).toSQL().sql).toContain('from "orders" as "o" where')
  })

  it('month buckets of timestamps per dialect, the offset written into the SQL (refused unless a whole UTC offset)', () => {
    expect(monthOfInstant(lite, 't.created_at', 480).toQuery()).toBe("strftime('%Y-%m', `t`.`created_at`, '+480 minutes')")
    expect(monthOfInstant(lite, 't.created_at', -60).toQuery()).toBe("strftime('%Y-%m', `t`.`created_at`, '-60 minutes')")
    expect(monthOfInstant(pg, 't.created_at', 480).toQuery()).toBe(`to_char(("t"."created_at" at time zone 'UTC') + interval '480 minutes', 'YYYY-MM')`)
    expect(() => monthOfInstant(k, 'x', 1.5)).toThrow()
    expect(() => monthOfInstant(k, 'x', 900)).toThrow()
  })

  it('migration 20261206001700: the two covering indexes as plain SQL Server indexes', async () => {
    const chunks = await printMigrationSql('mssql')
    const from = chunks.indexOf('-- migration 20261206001700_report-indexes')
    expect(from).toBeGreaterThan(0)
    const next = chunks.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    const own = chunks.slice(from + 1, next < 0 ? undefined : next).join('\n')
    expect(own).toContain('CREATE INDEX [orders_date_customer_sums] ON [orders] ([order_date], [customer_id], [status], [total_cents], [deleted_at])')
    expect(own).toContain('CREATE INDEX [payments_date_customer_amount] ON [payments] ([paid_date], [customer_id], [amount_cents], [deleted_at])')
  })
})
