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
  it('客户贡献分析: sums per customer from customer_sales_sums (whole years and months) and the edge days from the base table, narrowed by a semi-join on the customers in scope', () => {
    // 本年: the year's row per customer, no aggregate
    const text = tsql(repo.amountsByCustomer(k, 'orders', days, filter, own, true))
    expect(text).toMatch(/^select \[s\]\.\[customer_id\] as \[customer_id\], s\.order_cents as cents from \[customer_sales_sums\] as \[s\] where \[s\]\.\[period\] in \(@p0\) and \[s\]\.\[order_cents\] <> @p1 and /)
    expect(text).toMatch(/\[s\]\.\[customer_id\] in \(select \[fc\]\.\[id\] from \[customers\] as \[fc\] where \[fc\]\.\[deleted_at\] is null and \[fc\]\.\[owner_id\] = @p\d+ and \[fc\]\.\[owner_id\] = @p\d+ and \[fc\]\.\[owner_id\] in \(select \[id\] from \[users\] where \[team_id\] = @p\d+\) and \[fc\]\.\[region_id\] = @p\d+ and \[fc\]\.\[level_id\] = @p\d+\)$/)
    // custom days with edges: the months from the sums, the edge days from the payments (covering index), one UNION ALL summed per customer
    const mixed = tsql(repo.amountsByCustomer(k, 'payments', { first: '2026-02-10', last: '2026-04-30' }, {}, none, false, { first: '2025-02-10', last: '2025-04-30' }))
    expect(mixed).toBe(
      'select [u].[customer_id] as [customer_id], cast(sum(u.cents) as bigint) as cents, cast(sum(u.compare_cents) as bigint) as compare_cents from (' +
        'select [s].[customer_id] as [customer_id], case when s.period in (@p0, @p1) then s.payment_cents else 0 end as cents, case when s.period in (@p2, @p3) then s.payment_cents else 0 end as compare_cents' +
        ' from [customer_sales_sums] as [s] where [s].[period] in (@p4, @p5, @p6, @p7) and [s].[payment_cents] <> @p8' +
        ' union all select [o].[customer_id] as [customer_id], o.amount_cents as cents, 0 as compare_cents from [payments] as [o] where [o].[paid_date] >= @p9 and [o].[paid_date] <= @p10 and [o].[deleted_at] is null' +
        ' union all select [o].[customer_id] as [customer_id], 0 as cents, o.amount_cents as compare_cents from [payments] as [o] where [o].[paid_date] >= @p11 and [o].[paid_date] <= @p12 and [o].[deleted_at] is null' +
        ') as [u] group by [u].[customer_id]',
    )
  })

  it('the pieces of a range of days: whole years, whole months, edge days', () => {
    expect(repo.salesPieces({ first: '2026-01-01', last: '2026-12-31' })).toEqual({ periods: ['2026'], edges: [] })
    expect(repo.salesPieces({ first: '2026-12-01', last: '2026-12-31' })).toEqual({ periods: ['2026-12'], edges: [] })
    expect(repo.salesPieces({ first: '2024-02-01', last: '2024-02-29' })).toEqual({ periods: ['2024-02'], edges: [] })
    expect(repo.salesPieces({ first: '2025-02-01', last: '2025-02-27' })).toEqual({ periods: [], edges: [{ first: '2025-02-01', last: '2025-02-27' }] })
    expect(repo.salesPieces({ first: '2026-11-30', last: '2026-12-06' })).toEqual({ periods: [], edges: [{ first: '2026-11-30', last: '2026-11-30' }, { first: '2026-12-01', last: '2026-12-06' }] })
    expect(repo.salesPieces({ first: '2024-11-15', last: '2026-02-03' })).toEqual({
      periods: ['2024-12', '2025', '2026-01'],
      edges: [{ first: '2024-11-15', last: '2024-11-30' }, { first: '2026-02-01', last: '2026-02-03' }],
    })
    expect(repo.salesPieces({ first: '2026-03-05', last: '2026-03-20' })).toEqual({ periods: [], edges: [{ first: '2026-03-05', last: '2026-03-20' }] })
  })

  it('客户构成分析: per dimension value in one pass over the customers, the sales per customer left-joined', () => {
    const text = tsql(repo.compositionByDimension(k, 'level', days, {}, own, true))
    expect(text).toMatch(/^select \[c\]\.\[level_id\] as \[k\], count\(\*\) as n, sum\(s\.cents\) as cents from \[customers\] as \[c\] left join \(select \[s\]\.\[customer_id\] as \[customer_id\], s\.order_cents as cents from \[customer_sales_sums\] as \[s\] where \[s\]\.\[period\] in \(@p0\) and \[s\]\.\[order_cents\] <> @p1\) as \[s\] on \[s\]\.\[customer_id\] = \[c\]\.\[id\] where \[c\]\.\[deleted_at\] is null and \[c\]\.\[owner_id\] = @p\d+ group by \[c\]\.\[level_id\]$/)
    // a period of whole months and edge days: the per-customer sums grouped first
    expect(tsql(repo.compositionByDimension(k, 'industry', { first: '2026-02-10', last: '2026-04-30' }, {}, none, false))).toMatch(
      /^select \[c\]\.\[industry_id\] as \[k\], count\(\*\) as n, sum\(s\.cents\) as cents from \[customers\] as \[c\] left join \(select \[u\]\.\[customer_id\] as \[customer_id\], cast\(sum\(u\.cents\) as bigint\) as cents, .* group by \[u\]\.\[customer_id\]\) as \[s\] on \[s\]\.\[customer_id\] = \[c\]\.\[id\] where \[c\]\.\[deleted_at\] is null group by \[c\]\.\[industry_id\]$/,
    )
  })

  it('客户构成分析 on SQLite: company scope names the dimension\'s covering index (migration 20261207000200), a narrowed scope leaves the choice to the planner', () => {
    expect(repo.compositionByDimension(lite, 'industry', days, {}, none, false).toSQL().sql).toMatch(/^select `c`\.`industry_id` as `k`, .* from `customers` as `c` indexed by `customers_industry_id_cover` left join /)
    expect(repo.compositionByDimension(lite, 'level', days, {}, own, true).toSQL().sql).toContain('from `customers` as `c` left join ')
  })

  it('客户服务分析: one pass per type, status, score and month — the SLA-breach CASE (types\' own rules, then per urgency), sums and counts (no integer AVG), the month in GROUP BY as in SELECT', () => {
    const rules: repo.BreachRules = {
      own: [{ typeId: id, urgency: 'urgent', minutes: 480, startedBefore: '2026-11-20T12:00:00.000Z' }],
      urgent: { minutes: 240, startedBefore: '2026-11-20T16:00:00.000Z' },
      normal: { minutes: 2880, startedBefore: '2026-11-18T12:00:00.000Z' },
    }
    const late = (a: number) => `(case when t.resolve_minutes > @p${a} or (t.status in (@p${a + 1}, @p${a + 2}) and coalesce(t.sla_start_at, t.created_at) < @p${a + 3}) then 1 else 0 end)`
    const text = tsql(repo.ticketsSummary(k, range, {}, none, false, 480, rules))
    expect(text).toBe(
      'select [t].[type_id] as [type_id], [t].[status] as [status], [t].[satisfaction] as [score], convert(char(7), dateadd(minute, 480, [t].[created_at]), 126) as month, ' +
        'count(*) as n, sum(t.assign_minutes) as assign_sum, count(t.assign_minutes) as assign_n, sum(t.resolve_minutes) as resolve_sum, count(t.resolve_minutes) as resolve_n, ' +
        `sum(case when t.type_id = @p0 and t.urgency = @p1 then ${late(2)} when t.urgency = @p6 then ${late(7)} when t.urgency = @p11 then ${late(12)} else 0 end) as breaches ` +
        'from [service_tickets] as [t] where [t].[created_at] >= @p16 and [t].[created_at] < @p17 and [t].[deleted_at] is null ' +
        'group by [t].[type_id], [t].[status], [t].[satisfaction], convert(char(7), dateadd(minute, 480, [t].[created_at]), 126)',
    )
    expect(text).not.toMatch(/\bavg\(/)
    // narrowed: the customers in scope as a semi-join; SQLite names the covering index at company scope only
    expect(tsql(repo.ticketsSummary(k, range, filter, own, true, 480, rules))).toMatch(/and \[t\]\.\[customer_id\] in \(select \[fc\]\.\[id\] from \[customers\] as \[fc\] where .*\) group by /)
    expect(repo.ticketsSummary(lite, range, {}, none, false, 480, rules).toSQL().sql).toContain('from `service_tickets` as `t` indexed by `service_tickets_report_cover` where')
    expect(repo.ticketsSummary(lite, range, filter, own, true, 480, rules).toSQL().sql).not.toContain('indexed by')
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

  it('SQLite reads the sums through their period index and the edge days through the covering date index (INDEXED BY); the others plain', () => {
    expect(repo.amountsByCustomer(lite, 'orders', days, {}, none, false).toSQL().sql).toMatch(/^select .* from `customer_sales_sums` as `s` indexed by `customer_sales_sums_period` where/)
    const edges = { first: '2026-03-05', last: '2026-03-20' }
    expect(repo.amountsByCustomer(lite, 'orders', edges, {}, none, false, edges).toSQL().sql).toContain('from `orders` as `o` indexed by `orders_date_customer_sums`')
    expect(repo.amountsByCustomer(lite, 'payments', edges, {}, none, false, edges).toSQL().sql).toContain('from `payments` as `o` indexed by `payments_date_customer_amount`')
    expect(repo.amountsByCustomer(pg, 'orders', edges, {}, none, false, edges).toSQL().sql).toContain('from "orders" as "o" where')
    expect(repo.amountsByCustomer(pg, 'orders', days, {}, none, false).toSQL().sql).toContain('from "customer_sales_sums" as "s" where')
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
