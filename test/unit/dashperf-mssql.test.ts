// SQL Server cannot run here: the statements that bring 统计报表 and 工作台 under the figures of
// issue 13 are compiled for mssql (no connection) and checked as T-SQL — 客户贡献分析's window
// functions (ROW_NUMBER over a top-N and over every customer for the 20/80 curve's twentieths,
// integer arithmetic), its reads of one period from the ordered index of customer_sales_sums
// (migration 20261207000100), ids sorted as text (a uniqueidentifier sorts by its last byte group),
// the company-wide counts of the 工作台 (index ranges minus the deleted rows), TOP instead of
// LIMIT, and migration 20261206002600's indexes (a filtered one) in SQL Server terms.
import { describe, expect, it } from 'vitest'
import { compiler, expectTsql as tsql, ID as id } from '../helpers/mssql-compile'
import { printMigrationSql } from '../../src-main/db/migrate'
import { idSortKey } from '../../src-main/db/dialect'
import * as repo from '../../src-main/modules/reports/reports.repository'
import { whereOwnerOutsideTeam } from '../../src-main/modules/auth/scope.repository'
import { interactionsInAllQueries, openPromisesDueAllQueries } from '../../src-main/modules/interactions/interactions.repository'
import { customerForgottenQueries } from '../../src-main/modules/customers/customers.repository'

const k = compiler('mssql')
const pg = compiler('postgres')
const lite = compiler('sqlite')
const days = { first: '2026-01-01', last: '2026-12-31' }
const compare = { first: '2025-01-01', last: '2025-12-31' }
const own: repo.ScopeFn = (q, col) => void q.where(col, id)
const none: repo.ScopeFn = () => undefined

describe('统计报表 and 工作台 speed-ups on SQL Server (compiled)', () => {
  it('客户贡献分析 ranked in one statement: per-customer sums in a CTE, the top rows numbered, ids sorted as text, the 20/80 curve summed per twentieth of the ranks in integers, movers with TOP', () => {
    const text = tsql(repo.contributionRanked(k, 'orders', days, compare, { ownerId: id }, own, true, 50))
    // 本年 against the year before: the two years' rows of customer_sales_sums joined on the customer
    expect(text).toMatch(/^with \[b\] as \(select coalesce\(n\.customer_id, c\.customer_id\) as customer_id, coalesce\(n\.cents, 0\) as cents, coalesce\(c\.cents, 0\) as compare_cents from \(select \[s\]\.\[customer_id\], s\.order_cents as cents from \[customer_sales_sums\] as \[s\] where \[s\]\.\[period\] = @p0 and \[s\]\.\[order_cents\] <> @p1 and /)
    expect(text).toContain(') as [n] full outer join (select [s].[customer_id], s.order_cents as cents from [customer_sales_sums] as [s] where [s].[period] = @p4')
    expect(text).toMatch(/\[s\]\.\[customer_id\] in \(select \[fc\]\.\[id\] from \[customers\] as \[fc\] where \[fc\]\.\[deleted_at\] is null and \[fc\]\.\[owner_id\] = @p\d+ and \[fc\]\.\[owner_id\] = @p\d+\)\) as \[c\] on \[c\]\.\[customer_id\] = \[n\]\.\[customer_id\]\)/)
    expect(text).toContain('[t] as (select sum(case when b.cents <> 0 then 1 else 0 end) as cnt, sum(b.cents) as total, sum(b.compare_cents) as compare_total from [b])')
    // the top rows: a TOP of the sums, numbered over those rows only
    expect(text).toContain(
      "select 'rank' as kind, [r].[customer_id], [r].[cents], [r].[compare_cents], [r].[rn], [t].[cnt], [t].[total], [t].[compare_total] from (select [x].[customer_id], [x].[cents], [x].[compare_cents], row_number() over (order by x.cents desc, cast(x.customer_id as char(36))) as rn " +
        'from (select top (@p8) [b].[customer_id], [b].[cents], [b].[compare_cents] from [b] where [b].[cents] <> @p9 order by b.cents desc, cast(b.customer_id as char(36))) as [x]) as [r] cross join t',
    )
    // the 20/80 curve: every customer with an amount numbered by amount, summed per twentieth (integer division; only rows with an amount, so t.cnt > 0)
    expect(text).toContain(
      "union all select 'curve' as kind, null as customer_id, cast(sum(w.cents) as bigint) as cents, 0 as compare_cents, [w].[bucket] as [rn], [t].[cnt], [t].[total], [t].[compare_total] " +
        'from (select [b].[cents], (20 * (row_number() over (order by b.cents desc) - 1)) / t.cnt + 1 as bucket from [b] cross join t where [b].[cents] <> @p10) as [w] cross join t group by [w].[bucket], [t].[cnt], [t].[total], [t].[compare_total]',
    )
    expect(text).not.toContain('rows between')
    expect(text).toContain("select 'up' as kind, [g].[customer_id], [g].[cents], [g].[compare_cents], 0 as rn, [t].[cnt], [t].[total], [t].[compare_total] from (select top (@p11) [b].[customer_id], [b].[cents], [b].[compare_cents] from [b] where b.cents > b.compare_cents order by b.cents - b.compare_cents desc, cast(b.customer_id as char(36))) as [g] cross join t")
    expect(text).toContain('where b.cents < b.compare_cents order by b.cents - b.compare_cents, cast(b.customer_id as char(36)) desc) as [g] cross join t')
    expect(text).toMatch(/union all select 'total' as kind, null as customer_id, 0 as cents, 0 as compare_cents, 0 as rn, \[t\]\.\[cnt\], \[t\]\.\[total\], \[t\]\.\[compare_total\] from \[t\]$/)
    // payments: the payment column, no status; edge days from the payments themselves
    const paid = tsql(repo.contributionRanked(k, 'payments', { first: '2026-01-01', last: '2026-11-19' }, { first: '2025-01-01', last: '2025-11-19' }, {}, none, false, 10))
    expect(paid).toContain('from [payments] as [o] where [o].[paid_date] >= @p')
    expect(paid).toContain('then s.payment_cents else 0 end')
    expect(paid).not.toContain('[status]')
  })

  it('the same statement on SQLite sums the period index of the sums per customer, on PostgreSQL joins the two years; ids sorted as they are', () => {
    const sqlite = repo.contributionRanked(lite, 'orders', days, compare, {}, none, false, 50).toSQL().sql
    // SQLite: both years' rows summed per customer in one range of the period index (no FULL JOIN)
    expect(sqlite.match(/from `customer_sales_sums` as `s` indexed by `customer_sales_sums_period` where `s`.`period` in \(\?, \?\)/g)).toHaveLength(1)
    expect(sqlite).not.toContain('full outer join')
    expect(repo.contributionRanked(pg, 'orders', days, compare, {}, none, false, 50).toSQL().sql).toContain('full outer join')
    expect(sqlite).toContain('order by b.cents desc, b.customer_id limit ?')
    const postgres = repo.contributionRanked(pg, 'payments', days, compare, {}, none, false, 50).toSQL().sql
    expect(postgres).toContain('from "customer_sales_sums" as "s" where')
    expect(idSortKey(pg, 'b.customer_id')).toBe('b.customer_id')
    expect(() => idSortKey(k, 'x); drop table y')).toThrow()
  })

  it('客户贡献分析 of one period at company scope: the totals of both periods, the first customers of a period with the other period\'s amount, the 20/80 curve per twentieth — each read from the ordered index of migration 20261207000100', async () => {
    expect(tsql(repo.periodTotals(k, 'orders', ['2026', '2025']))).toBe(
      'select [s].[period] as [period], sum(case when s.order_cents <> 0 then 1 else 0 end) as cnt, cast(sum(s.order_cents) as bigint) as total, min(s.order_cents) as least from [customer_sales_sums] as [s] where [s].[period] in (@p0, @p1) group by [s].[period]',
    )
    expect(tsql(repo.topOfPeriod(k, 'payments', '2026', '2025', 200))).toBe(
      'select top (@p0) [s].[customer_id] as [customer_id], s.payment_cents as cents, coalesce(o.payment_cents, 0) as other_cents from [customer_sales_sums] as [s] ' +
        'left join [customer_sales_sums] as [o] on [o].[customer_id] = [s].[customer_id] and [o].[period] = @p1 where [s].[period] = @p2 and [s].[payment_cents] <> @p3 order by s.payment_cents desc, cast(s.customer_id as char(36))',
    )
    expect(tsql(repo.paretoBuckets(k, 'orders', '2026', 82419))).toBe(
      'select [r].[bucket] as [bucket], cast(sum(r.cents) as bigint) as cents from (select s.order_cents as cents, (20 * (row_number() over (order by s.order_cents desc) - 1)) / 82419 + 1 as bucket ' +
        'from [customer_sales_sums] as [s] where [s].[period] = @p0 and [s].[order_cents] <> @p1) as [r] group by [r].[bucket]',
    )
    expect(() => repo.paretoBuckets(k, 'orders', '2026', 0)).toThrow()
    expect(() => repo.paretoBuckets(k, 'orders', '2026', 1.5)).toThrow()
    // SQLite reads the ordered index by name (INDEXED BY); PostgreSQL's planner takes it for the period's range in that order
    expect(repo.topOfPeriod(lite, 'orders', '2026', '2025', 200).toSQL().sql).toContain('from `customer_sales_sums` as `s` indexed by `customer_sales_sums_order_rank` left join')
    expect(repo.topOfPeriod(pg, 'payments', '2026', '2025', 200).toSQL().sql).toContain('order by s.payment_cents desc, s.customer_id limit ?')
    const all = (await printMigrationSql('mssql')).join('\n')
    expect(all).toContain('create index [customer_sales_sums_order_rank] on [customer_sales_sums] ([period], [order_cents] desc, [customer_id])')
    expect(all).toContain('create index [customer_sales_sums_payment_rank] on [customer_sales_sums] ([period], [payment_cents] desc, [customer_id])')
  })

  it('工作台 company-wide 跟进记录: the period of interactions minus the records of deleted customers', () => {
    const ranges = [{ from: '2026-11-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' }, { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' }]
    const [all, gone] = interactionsInAllQueries(k, ranges).map(tsql)
    expect(all).toBe(
      'select top (@p0) sum(case when [i].[occurred_at] >= @p1 and [i].[occurred_at] < @p2 then 1 else 0 end) as [n_0], sum(case when [i].[occurred_at] >= @p3 and [i].[occurred_at] < @p4 then 1 else 0 end) as [n_1] ' +
        'from [interactions] as [i] where [i].[deleted_at] is null and [i].[occurred_at] >= @p5 and [i].[occurred_at] < @p6',
    )
    expect(gone).toMatch(/from \[customers\] as \[c\] inner join \[interactions\] as \[i\] on \[i\]\.\[customer_id\] = \[c\]\.\[id\] where \[c\]\.\[deleted_at\] is not null and \[i\]\.\[deleted_at\] is null/)
    // SQLite keeps the deleted customers as the outer loop
    expect(interactionsInAllQueries(lite, ranges)[1].toSQL().sql).toContain('from `customers` as `c` cross join `interactions` as `i` on `i`.`customer_id` = `c`.`id`')
  })

  it('工作台 company-wide 未兑现承诺: open promises due minus those of deleted records and of deleted customers', () => {
    const [all, ofRecords, ofCustomers] = openPromisesDueAllQueries(k, '2026-12-09').map(tsql)
    expect(all).toBe('select top (@p0) count(*) as n from [interaction_promises] as [p] where [p].[kept_at] is null and [p].[deleted_at] is null and [p].[due_date] < @p1')
    expect(ofRecords).toMatch(/^select top \(@p0\) count\(\*\) as n from \[interactions\] as \[i\] inner join \[interaction_promises\] as \[p\] on \[p\]\.\[interaction_id\] = \[i\]\.\[id\] where \[i\]\.\[deleted_at\] is not null and \[p\]\.\[kept_at\] is null/)
    expect(ofCustomers).toMatch(/from \[customers\] as \[c\] inner join \[interaction_promises\] as \[p\] on \[p\]\.\[customer_id\] = \[c\]\.\[id\] inner join \[interactions\] as \[i\] on \[i\]\.\[id\] = \[p\]\.\[interaction_id\] where \[c\]\.\[deleted_at\] is not null and \[i\]\.\[deleted_at\] is null and \[p\]\.\[kept_at\] is null/)
  })

  it('工作台 team scope of a majority team: the customers outside the team (no owner, or another team\'s) without a subquery in an aggregate', () => {
    const q = whereOwnerOutsideTeam(k('interactions as i').join('customers as c', 'c.id', 'i.customer_id'), k, 'c.owner_id', id).count({ n: '*' })
    expect(tsql(q)).toBe(
      'select count(*) as [n] from [interactions] as [i] inner join [customers] as [c] on [c].[id] = [i].[customer_id] ' +
        'where ([c].[owner_id] is null or [c].[owner_id] not in (select [id] from [users] where [team_id] = @p0))',
    )
  })

  it('工作台 遗忘客户 from the follow-up cover index: the nulls-last key as the index has it, one range, a sum per bucket; the never followed up apart', () => {
    const [contacted, never] = customerForgottenQueries(k, () => undefined, ['2026-12-02T16:00:00.000Z', '2026-09-09T16:00:00.000Z']).map(tsql)
    expect(contacted).toBe(
      'select top (@p0) sum(case when [c].[last_contact_at] < @p1 then 1 else 0 end) as [n_0], sum(case when [c].[last_contact_at] < @p2 then 1 else 0 end) as [n_1] ' +
        'from [customers] as [c] where [c].[deleted_at] is null and (case when [c].[last_contact_at] is null then 1 else 0 end) = 0 and [c].[last_contact_at] < @p3',
    )
    expect(never).toBe(
      'select top (@p0) sum(case when [c].[created_at] < @p1 then 1 else 0 end) as [n_0], sum(case when [c].[created_at] < @p2 then 1 else 0 end) as [n_1] ' +
        'from [customers] as [c] where [c].[deleted_at] is null and [c].[last_contact_at] is null and [c].[created_at] < @p3',
    )
  })

  it('migration 20261206002600: the ticket report cover and the filtered index of deleted records', async () => {
    const chunks = await printMigrationSql('mssql')
    const from = chunks.indexOf('-- migration 20261206002600_report-dashboard-cover')
    expect(from).toBeGreaterThan(0)
    const next = chunks.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    const own = chunks.slice(from + 1, next < 0 ? undefined : next).join('\n')
    expect(own).toContain(
      'CREATE INDEX [service_tickets_report_cover] ON [service_tickets] ([created_at], [deleted_at], [customer_id], [type_id], [urgency], [status], [assign_minutes], [resolve_minutes], [satisfaction], [sla_start_at])',
    )
    expect(own).toContain('CREATE INDEX [interactions_deleted] ON [interactions] ([id], [customer_id]) where [deleted_at] is not null')
  })
})
