// Knex queries of the 统计报表: aggregates over orders, payments, customers, service tickets and
// churn warnings, each narrowed to the customers of the caller's scope and the report's filters
// (a semi-join on customers, left out for company scope without filters so the sums read the
// covering indexes of their own table alone). Every aggregate compiles for SQL Server
// (test/unit/reports-mssql.test.ts): conditional sums, GROUP BY on the same expression as the
// SELECT, month bucketing through db/dialect.ts.
import type { Knex } from 'knex'
import { COUNTED_STATUSES } from '../../contract/orders'
import type { CompositionDimension, ContributionBasis } from '../../contract/reports'
import { dayOfInstant, dialectOf, fromIndexed, idSortKey, monthOfInstant, withWorkMem } from '../../db/dialect'

export type Row = Record<string, unknown>

/** Restricts a query to the caller's data scope on an owner column (auth/permissions applyScope). */
export type ScopeFn = (q: Knex.QueryBuilder, ownerCol: string) => void

export interface CustomerFilter {
  teamId?: string
  ownerId?: string
  regionId?: string
  levelId?: string
}

/** Local days, inclusive (YYYY-MM-DD). */
export interface DayRange {
  first: string
  last: string
}

/** Instants [from, to). */
export interface InstantRange {
  from: string
  to: string
}

/** Whether the customers must be narrowed at all (company scope, no filter: every customer). */
export const narrows = (f: CustomerFilter, scopeAll: boolean) => !scopeAll || !!(f.teamId || f.ownerId || f.regionId || f.levelId)

/** Live customers in scope matching the filters, on alias `alias`. */
export function filterCustomers(k: Knex, q: Knex.QueryBuilder, alias: string, f: CustomerFilter, scope: ScopeFn) {
  q.whereNull(`${alias}.deleted_at`)
  scope(q, `${alias}.owner_id`)
  if (f.ownerId) q.where(`${alias}.owner_id`, f.ownerId)
  if (f.teamId) q.whereIn(`${alias}.owner_id`, k('users').select('id').where('team_id', f.teamId))
  if (f.regionId) q.where(`${alias}.region_id`, f.regionId)
  if (f.levelId) q.where(`${alias}.level_id`, f.levelId)
  return q
}

/** The ids of the customers in scope matching the filters (a subquery). */
const customerIds = (k: Knex, f: CustomerFilter, scope: ScopeFn) => filterCustomers(k, k('customers as fc').select('fc.id'), 'fc', f, scope)

/** `q.customer_id in (customers in scope)` when the customers are narrowed. */
function onCustomers(k: Knex, q: Knex.QueryBuilder, col: string, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) {
  if (narrowed) q.whereIn(col, customerIds(k, f, scope))
  return q
}

// ---- 客户贡献分析 -------------------------------------------------------------------------------

const pad2 = (n: number) => String(n).padStart(2, '0')
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()

/**
 * A range of days as the rows of customer_sales_sums it takes (`periods`: whole calendar years
 * 'YYYY', whole months 'YYYY-MM' of a year not whole) and the days left at its edges (`edges`: at
 * most a partial first and last month), which are read from the orders / payments themselves.
 * 本年: one year; 本月, 本季: whole months; 本周: days only.
 */
export function salesPieces(days: DayRange): { periods: string[]; edges: DayRange[] } {
  const months: Array<{ y: number; key: string; whole: boolean; first: string; last: string }> = []
  let y = Number(days.first.slice(0, 4))
  let m = Number(days.first.slice(5, 7))
  const endKey = days.last.slice(0, 7)
  for (;;) {
    const key = `${y}-${pad2(m)}`
    if (key > endKey) break
    const mFirst = `${key}-01`
    const mLast = `${key}-${pad2(lastDayOf(y, m))}`
    const first = days.first > mFirst ? days.first : mFirst
    const last = days.last < mLast ? days.last : mLast
    months.push({ y, key, whole: first === mFirst && last === mLast, first, last })
    if (++m > 12) [y, m] = [y + 1, 1]
  }
  const wholeYear = (yy: number) => months.filter((x) => x.y === yy && x.whole).length === 12
  const periods: string[] = []
  const edges: DayRange[] = []
  for (const x of months) {
    if (!x.whole) edges.push({ first: x.first, last: x.last })
    else if (!wholeYear(x.y)) periods.push(x.key)
    else if (!periods.includes(String(x.y))) periods.push(String(x.y))
  }
  return { periods, edges }
}

/** The base table of a basis: its covering index of day ranges (migration 20261206001700), date and amount; the sums' column. */
const BASIS = {
  orders: { table: 'orders', index: 'orders_date_customer_sums', date: 'order_date', amount: 'total_cents', sums: 'order_cents' },
  payments: { table: 'payments', index: 'payments_date_customer_amount', date: 'paid_date', amount: 'amount_cents', sums: 'payment_cents' },
} as const

/** The counted rows of some days from the base table (one range of its covering index): customer, cents, compare_cents (the amount on its side, 0 on the other). */
function baseRows(k: Knex, basis: ContributionBasis, days: DayRange, side: 'now' | 'compare') {
  const b = BASIS[basis]
  const q = fromIndexed(k, b.table, 'o', b.index).where(`o.${b.date}`, '>=', days.first).where(`o.${b.date}`, '<=', days.last).whereNull('o.deleted_at')
  if (basis === 'orders') q.whereIn('o.status', [...COUNTED_STATUSES])
  const amount = k.raw(`o.${b.amount}`)
  return q.select('o.customer_id as customer_id', k.raw('? as cents', [side === 'now' ? amount : k.raw('0')]), k.raw('? as compare_cents', [side === 'now' ? k.raw('0') : amount]))
}

/**
 * Per customer: sales (approved, shipped, completed orders by order date) or payments received
 * (by paid date) over the days — `cents`, and `compare_cents` over the comparison days when
 * given. Whole years and months are read from customer_sales_sums (one row per customer and
 * period, kept by the triggers of migration 20261206005300; rows at 0 skipped), the days at the
 * edges from the base table; all of it summed per customer once. One period and no edges (本年,
 * 本月 without comparison) is the sums' rows as they are, one per customer.
 */
export function amountsByCustomer(k: Knex, basis: ContributionBasis, days: DayRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean, compare?: DayRange) {
  const col = `s.${BASIS[basis].sums}`
  const now = salesPieces(days)
  const cmp = compare ? salesPieces(compare) : { periods: [], edges: [] }
  const periods = [...new Set([...now.periods, ...cmp.periods])]
  const sums = () => onCustomers(k, fromIndexed(k, 'customer_sales_sums', 's', 'customer_sales_sums_period').whereIn('s.period', periods).where(col, '<>', 0), 's.customer_id', f, scope, narrowed)
  // the amount of a row of the sums on one side: its column when its period is one of the side's
  const on = (ps: string[]) => (ps.length ? k.raw(`case when s.period in (${ps.map(() => '?').join(', ')}) then ${col} else 0 end`, ps) : k.raw('0'))
  const edges = [...now.edges.map((d) => baseRows(k, basis, d, 'now')), ...cmp.edges.map((d) => baseRows(k, basis, d, 'compare'))].map((q) =>
    onCustomers(k, q, 'o.customer_id', f, scope, narrowed),
  )
  if (!edges.length) {
    if (!compare && periods.length === 1) return sums().select('s.customer_id as customer_id', k.raw(`${col} as cents`))
    if (now.periods.length === 1 && cmp.periods.length === 1 && now.periods[0] !== cmp.periods[0] && dialectOf(k) !== 'sqlite') {
      // one period each (本年, 本月, …): the two ranges of the period index joined on the customer,
      // no aggregate (each holds one row per customer). Not on SQLite: its FULL JOIN of two
      // subqueries scans the second for every row of the first; it sums both ranges per customer
      // (one temp B-tree) below.
      const side = (period: string) => onCustomers(k, fromIndexed(k, 'customer_sales_sums', 's', 'customer_sales_sums_period').where('s.period', period).where(col, '<>', 0), 's.customer_id', f, scope, narrowed).select('s.customer_id', k.raw(`${col} as cents`))
      return k
        .from(side(now.periods[0]!).as('n'))
        .fullOuterJoin(side(cmp.periods[0]!).as('c'), 'c.customer_id', 'n.customer_id')
        .select(k.raw('coalesce(n.customer_id, c.customer_id) as customer_id'), k.raw('coalesce(n.cents, 0) as cents'), k.raw('coalesce(c.cents, 0) as compare_cents'))
    }
    return sums()
      .groupBy('s.customer_id')
      .select('s.customer_id as customer_id', k.raw('cast(sum(?) as bigint) as cents', [on(now.periods)]), k.raw('cast(sum(?) as bigint) as compare_cents', [on(cmp.periods)]))
  }
  const parts = periods.length ? [sums().select('s.customer_id as customer_id', k.raw('? as cents', [on(now.periods)]), k.raw('? as compare_cents', [on(cmp.periods)])), ...edges] : edges
  const [first, ...rest] = parts
  return k
    .from((rest.length ? first!.unionAll(rest) : first!).as('u'))
    .groupBy('u.customer_id')
    .select('u.customer_id as customer_id', k.raw('cast(sum(u.cents) as bigint) as cents'), k.raw('cast(sum(u.compare_cents) as bigint) as compare_cents'))
}

/** How many gainers and losers the report shows. */
export const MOVERS = 5

/**
 * 客户贡献分析 in one statement; only the rows the report shows leave the database, not one per
 * customer. `b` (a CTE): both ranges summed per customer (amountsByCustomer); `t`: the number of
 * customers with an amount and the two totals. Rows, by `kind`:
 * - 'rank': the top `limit` customers with an amount by amount (desc, id as text) — a top-N of
 *   `b`, `rn` their rank (numbered among those rows only);
 * - 'curve': the 20/80 curve as sums per twentieth of the ranks — the customers with an amount
 *   numbered by amount (ties in any order: the sum of the top j amounts does not depend on it),
 *   `rn` = (20·(rank−1)) div cnt + 1, so the top ceil(cnt·i/20) customers hold twentieths 1…i
 *   (`cents` their sum) — one sort and a row number, no running sum over every row;
 * - 'up' / 'down': the MOVERS biggest gains (change desc, id) and losses (change asc, id desc),
 *   each a top-N of `b`, no sort of every customer;
 * - 'total': one row with `cnt`, `total`, `compare_total` (every row carries them).
 * At most limit + 20 + 2·MOVERS + 1 rows.
 */
export function contributionRanked(k: Knex, basis: ContributionBasis, days: DayRange, compare: DayRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean, limit: number) {
  const id = idSortKey(k, 'b.customer_id')
  const totals = ['t.cnt', 't.total', 't.compare_total']
  const top = k
    .from(k.from('b').where('b.cents', '<>', 0).orderByRaw(`b.cents desc, ${id}`).limit(limit).select('b.customer_id', 'b.cents', 'b.compare_cents').as('x'))
    .select('x.customer_id', 'x.cents', 'x.compare_cents', k.raw(`row_number() over (order by x.cents desc, ${idSortKey(k, 'x.customer_id')}) as rn`))
  const twentieths = k
    .from('b')
    .crossJoin(k.raw('t'))
    .where('b.cents', '<>', 0)
    .select('b.cents', k.raw('(20 * (row_number() over (order by b.cents desc) - 1)) / t.cnt + 1 as bucket'))
  const curve = k
    .from(twentieths.as('w'))
    .crossJoin(k.raw('t'))
    .groupBy('w.bucket', ...totals)
    .select(k.raw("'curve' as kind"), k.raw('null as customer_id'), k.raw('cast(sum(w.cents) as bigint) as cents'), k.raw('0 as compare_cents'), 'w.bucket as rn', ...totals)
  const movers = (kind: 'up' | 'down') =>
    k
      .from(
        k
          .from('b')
          .whereRaw(kind === 'up' ? 'b.cents > b.compare_cents' : 'b.cents < b.compare_cents')
          .orderByRaw(kind === 'up' ? `b.cents - b.compare_cents desc, ${id}` : `b.cents - b.compare_cents, ${id} desc`)
          .limit(MOVERS)
          .select('b.customer_id', 'b.cents', 'b.compare_cents')
          .as('g'),
      )
      .crossJoin(k.raw('t'))
      .select(k.raw(`'${kind}' as kind`), 'g.customer_id', 'g.cents', 'g.compare_cents', k.raw('0 as rn'), ...totals)
  return k
    .with('b', amountsByCustomer(k, basis, days, f, scope, narrowed, compare))
    .with('t', k.from('b').select(k.raw('sum(case when b.cents <> 0 then 1 else 0 end) as cnt'), k.raw('sum(b.cents) as total'), k.raw('sum(b.compare_cents) as compare_total')))
    .from(top.as('r'))
    .crossJoin(k.raw('t'))
    .select(k.raw("'rank' as kind"), 'r.customer_id', 'r.cents', 'r.compare_cents', 'r.rn', ...totals)
    .unionAll([curve, movers('up'), movers('down'), k.from('t').select(k.raw("'total' as kind"), k.raw('null as customer_id'), k.raw('0 as cents'), k.raw('0 as compare_cents'), k.raw('0 as rn'), ...totals)])
}

/** contributionRanked's rows; on PostgreSQL with 32 MB of work_mem (its sort of every customer with an amount stays in memory). */
export const contributionRows = (k: Knex, basis: ContributionBasis, days: DayRange, compare: DayRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean, limit: number): Promise<Row[]> =>
  withWorkMem(k, 32, async (t) => (await contributionRanked(t, basis, days, compare, f, scope, narrowed, limit)) as Row[])

// ---- 客户贡献分析 of one period against one period (本年, 本月) at company scope -------------------
// Read from customer_sales_sums alone, without the per-customer join of both periods or a sort of
// every customer: each basis has an index per period ordered by amount (desc, then customer id;
// migration 20261207000100), so the ranked rows are the first entries of the period's range and
// the 20/80 curve one ordered pass over it (reports.service contributionOfPeriods).

const RANK_INDEX = { orders: 'customer_sales_sums_order_rank', payments: 'customer_sales_sums_payment_rank' } as const

/** Per period: `cnt` customers with an amount, `total`, and `least` the smallest amount (a negative one rules the shortcut out). */
export function periodTotals(k: Knex, basis: ContributionBasis, periods: string[]) {
  const col = `s.${BASIS[basis].sums}`
  return k('customer_sales_sums as s')
    .whereIn('s.period', periods)
    .groupBy('s.period')
    .select('s.period as period', k.raw(`sum(case when ${col} <> 0 then 1 else 0 end) as cnt`), k.raw(`cast(sum(${col}) as bigint) as total`), k.raw(`min(${col}) as least`))
}

/**
 * The first `n` customers of a period by amount (desc, id as text) — `cents`, with their amount in
 * the `other` period (`other_cents`, 0 without a row): the top rows of the ranking with their
 * comparison, and the candidates for the biggest gains (other = the comparison period) or losses
 * (the period itself = the comparison period, other = the current one).
 */
export function topOfPeriod(k: Knex, basis: ContributionBasis, period: string, other: string, n: number) {
  const col = BASIS[basis].sums
  return fromIndexed(k, 'customer_sales_sums', 's', RANK_INDEX[basis])
    .leftJoin('customer_sales_sums as o', (j) => j.on('o.customer_id', 's.customer_id').andOn('o.period', k.raw('?', [other])))
    .where('s.period', period)
    .where(`s.${col}`, '<>', 0)
    .orderByRaw(`s.${col} desc, ${idSortKey(k, 's.customer_id')}`)
    .limit(n)
    .select('s.customer_id as customer_id', k.raw(`s.${col} as cents`), k.raw(`coalesce(o.${col}, 0) as other_cents`))
}

/**
 * The 20/80 curve of a period of `cnt` customers with an amount: the customers ranked by amount
 * (one pass over the period's ordered index; ties in any order — the sum of the top j amounts does
 * not depend on it) and summed per twentieth, `bucket` i = ranks ceil(cnt·(i−1)/20)+1 … ceil(cnt·i/20)
 * — (20·(rank−1)) div cnt + 1 —, so the top ceil(cnt·i/20) customers hold buckets 1…i. PostgreSQL
 * and SQL Server (SQLite reads the amounts instead: periodAmounts).
 */
export function paretoBuckets(k: Knex, basis: ContributionBasis, period: string, cnt: number) {
  if (!Number.isSafeInteger(cnt) || cnt < 1) throw new Error(`not a count: ${cnt}`)
  const col = `s.${BASIS[basis].sums}`
  const ranked = k('customer_sales_sums as s')
    .where('s.period', period)
    .where(col, '<>', 0)
    .select(k.raw(`${col} as cents`), k.raw(`(20 * (row_number() over (order by ${col} desc) - 1)) / ${cnt} + 1 as bucket`))
  return k.from(ranked.as('r')).groupBy('r.bucket').select('r.bucket as bucket', k.raw('cast(sum(r.cents) as bigint) as cents'))
}

/** The amounts of a period's customers with one, largest first (SQLite: its window functions cost more than reading the ordered index here). */
export const periodAmounts = (k: Knex, basis: ContributionBasis, period: string): Promise<Row[]> =>
  fromIndexed(k, 'customer_sales_sums', 's', RANK_INDEX[basis])
    .where('s.period', period)
    .where(`s.${BASIS[basis].sums}`, '<>', 0)
    .orderBy(`s.${BASIS[basis].sums}`, 'desc')
    .select(`s.${BASIS[basis].sums} as c`)

/** Code, name and owner's name of some customers (ranked rows, movers). */
export const customerLabels = (k: Knex, ids: string[]): Promise<Row[]> =>
  ids.length
    ? k('customers as c').leftJoin('users as u', 'u.id', 'c.owner_id').whereIn('c.id', ids).select('c.id', 'c.code', 'c.name', 'u.name as owner_name')
    : Promise.resolve([])

// ---- 客户构成分析 -------------------------------------------------------------------------------

const DIMENSION_COLUMN: Record<CompositionDimension, string> = {
  level: 'level_id', region: 'region_id', industry: 'industry_id', nature: 'nature_id', size: 'size_id', source: 'source_id', category: 'category_id',
}

/**
 * Per value of the dimension, in one pass over the customers in scope: how many, and their sales
 * in the days (each customer's sum from amountsByCustomer left-joined: 本年 is one lookup of the
 * year's row of customer_sales_sums per customer). Company scope without filters reads the
 * customers from the dimension's index alone (customers_<dim>_id_cover: the value, the live flag,
 * the id — migration 20261207000200; named on SQLite), in the order it groups by.
 */
export function compositionByDimension(k: Knex, dim: CompositionDimension, days: DayRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) {
  const col = `c.${DIMENSION_COLUMN[dim]}`
  const sums = amountsByCustomer(k, 'orders', days, {}, () => undefined, false).as('s')
  const from = narrowed ? k('customers as c') : fromIndexed(k, 'customers', 'c', `customers_${DIMENSION_COLUMN[dim]}_cover`)
  return filterCustomers(k, from.leftJoin(sums, 's.customer_id', 'c.id'), 'c', f, scope)
    .groupBy(col)
    .select(`${col} as k`, k.raw('count(*) as n'), k.raw('sum(s.cents) as cents'))
}

// ---- 客户服务分析 -------------------------------------------------------------------------------

const WAITING = ['new', 'assigned']

function tickets(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) {
  // company scope: one range of the report's covering index (migration 20261206002600), named on
  // SQLite — with the range's bounds as parameters its planner picked other indexes and read the rows
  const from = narrowed ? k('service_tickets as t') : fromIndexed(k, 'service_tickets', 't', 'service_tickets_report_cover')
  const q = from.where('t.created_at', '>=', range.from).where('t.created_at', '<', range.to).whereNull('t.deleted_at')
  return onCustomers(k, q, 't.customer_id', f, scope, narrowed)
}

/** An SLA as the breach count needs it: minutes to resolve, and the start before which a waiting ticket is late now. */
export interface BreachLimit {
  minutes: number
  startedBefore: string
}

/**
 * The SLAs of every ticket (services.model slaHours): a type's own rule for an urgency (`own`,
 * first match wins) or else the urgency's (`urgent`, `normal`: the rule without a type, or the
 * default). A ticket of another urgency is never late (as before).
 */
export interface BreachRules {
  own: Array<BreachLimit & { typeId: string; urgency: string }>
  urgent: BreachLimit
  normal: BreachLimit
}

/** `sum(case <SLA of the ticket> then <late by it: resolved after its SLA, or waiting past it now> …)`. */
function breachSum(k: Knex, rules: BreachRules): Knex.Raw {
  const late = '(case when t.resolve_minutes > ? or (t.status in (?, ?) and coalesce(t.sla_start_at, t.created_at) < ?) then 1 else 0 end)'
  const lateBy = (l: BreachLimit) => [l.minutes, ...WAITING, l.startedBefore]
  const branches: string[] = []
  const bindings: Knex.RawBinding[] = []
  for (const r of rules.own) {
    branches.push(`when t.type_id = ? and t.urgency = ? then ${late}`)
    bindings.push(r.typeId, r.urgency, ...lateBy(r))
  }
  for (const u of ['urgent', 'normal'] as const) {
    branches.push(`when t.urgency = ? then ${late}`)
    bindings.push(u, ...lateBy(rules[u]))
  }
  return k.raw(`sum(case ${branches.join(' ')} else 0 end)`, bindings)
}

/**
 * 客户服务分析 in one pass over the period's tickets (company scope: one range of
 * service_tickets_report_cover, no table row read): per service type, status, satisfaction and
 * local month of creation — tickets, minutes to assign / resolve (sums and counts) and SLA
 * breaches. The service adds these up per type, month, status and score. At most
 * types × 5 statuses × 6 scores × months rows.
 */
export function ticketsSummary(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean, offsetMinutes: number, rules: BreachRules) {
  const month = monthOfInstant(k, 't.created_at', offsetMinutes)
  return tickets(k, range, f, scope, narrowed)
    .groupBy('t.type_id', 't.status', 't.satisfaction', month)
    .select(
      't.type_id as type_id',
      't.status as status',
      't.satisfaction as score',
      k.raw('? as month', [month]),
      k.raw('count(*) as n'),
      k.raw('sum(t.assign_minutes) as assign_sum'),
      k.raw('count(t.assign_minutes) as assign_n'),
      k.raw('sum(t.resolve_minutes) as resolve_sum'),
      k.raw('count(t.resolve_minutes) as resolve_n'),
      k.raw('? as breaches', [breachSum(k, rules)]),
    )
}

// ---- 客户流失分析 -------------------------------------------------------------------------------

/** Customers in scope per region. */
export const customersByRegion = (k: Knex, f: CustomerFilter, scope: ScopeFn) =>
  filterCustomers(k, k('customers as c'), 'c', f, scope).groupBy('c.region_id').select('c.region_id as k', k.raw('count(*) as n'))

/** 流失 confirmed in the range, of customers in scope (joined: the region is grouped by). */
function churned(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn) {
  const q = k('churn_warnings as w')
    .join('customers as c', 'c.id', 'w.customer_id')
    .where('w.status', 'confirmed')
    .where('w.confirmed_at', '>=', range.from)
    .where('w.confirmed_at', '<', range.to)
    .whereNull('w.deleted_at')
  return filterCustomers(k, q, 'c', f, scope)
}

export const churnedByReason = (k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn) =>
  churned(k, range, f, scope).groupBy('w.reason_id').select('w.reason_id as k', k.raw('count(*) as n'))

export const churnedByRegion = (k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn) =>
  churned(k, range, f, scope).groupBy('c.region_id').select('c.region_id as k', k.raw('count(*) as n'))

export function churnedByMonth(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, offsetMinutes: number) {
  const month = monthOfInstant(k, 'w.confirmed_at', offsetMinutes)
  return churned(k, range, f, scope).groupBy(month).select(k.raw('? as month', [month]), k.raw('count(*) as n'))
}

/** The churned customers, newest first. */
export const churnedList = (k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, limit: number) =>
  churned(k, range, f, scope)
    .orderBy([{ column: 'w.confirmed_at', order: 'desc' }, { column: 'c.code', order: 'asc' }])
    .limit(limit)
    .select('c.id as customer_id', 'c.code', 'c.name', 'c.region_id', 'w.reason_id', 'w.reason_text', 'w.last_order_date', 'w.confirmed_at')

/** 流失预警 raised in the range, by their status now. */
export function warningsByStatus(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) {
  const q = k('churn_warnings as w').where('w.detected_at', '>=', range.from).where('w.detected_at', '<', range.to).whereNull('w.deleted_at')
  return onCustomers(k, q, 'w.customer_id', f, scope, narrowed).groupBy('w.status').select('w.status as status', k.raw('count(*) as n'))
}

// ---- 跟进统计 -------------------------------------------------------------------------------------

function followUps(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) {
  const q = k('interactions as i').where('i.occurred_at', '>=', range.from).where('i.occurred_at', '<', range.to).whereNull('i.deleted_at')
  return onCustomers(k, q, 'i.customer_id', f, scope, narrowed)
}

/** Follow-ups per rep (who wrote them) and channel. */
export const followUpsByRepChannel = (k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) =>
  followUps(k, range, f, scope, narrowed).groupBy('i.owner_id', 'i.channel_id').select('i.owner_id as owner_id', 'i.channel_id as channel_id', k.raw('count(*) as n'))

/** Distinct customers followed up per rep. */
export const customersByRep = (k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) =>
  followUps(k, range, f, scope, narrowed).groupBy('i.owner_id').select('i.owner_id as owner_id', k.raw('count(distinct i.customer_id) as n'))

/** Distinct customers followed up at all. */
export const customersFollowedUp = (k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean) =>
  followUps(k, range, f, scope, narrowed).first(k.raw('count(distinct i.customer_id) as n'))

/** Follow-ups per local day. */
export function followUpsByDay(k: Knex, range: InstantRange, f: CustomerFilter, scope: ScopeFn, narrowed: boolean, offsetMinutes: number) {
  const day = dayOfInstant(k, 'i.occurred_at', offsetMinutes)
  return followUps(k, range, f, scope, narrowed).groupBy(day).select(k.raw('? as day', [day]), k.raw('count(*) as n'))
}

/** One 联系策略 and the instant since which a contact keeps a customer on time. */
export interface PolicyCut {
  policyId: string
  since: string
}

/** Customers in scope with a 联系策略 per owner: how many, and how many were contacted (never: created) since their policy's cut. */
export function policyByOwner(k: Knex, f: CustomerFilter, scope: ScopeFn, cuts: PolicyCut[]) {
  const onTime = cuts.length
    ? k.raw(`sum(case ${cuts.map(() => 'when c.contact_policy_id = ? and coalesce(c.last_contact_at, c.created_at) >= ? then 1').join(' ')} else 0 end)`, cuts.flatMap((c) => [c.policyId, c.since]))
    : k.raw('0')
  return filterCustomers(k, k('customers as c'), 'c', f, scope)
    .whereNotNull('c.contact_policy_id')
    .groupBy('c.owner_id')
    .select('c.owner_id as owner_id', k.raw('count(*) as n'), k.raw('? as on_time', [onTime]))
}

/** The cycle in days of each 联系策略. */
export const contactPolicies = (k: Knex): Promise<Row[]> => k('dict_items').where('type_code', 'contact_policy').whereNull('deleted_at').select('id', 'cycle_days')

/** Names of some users. */
export const userNames = (k: Knex, ids: string[]): Promise<Row[]> => (ids.length ? k('users').whereIn('id', ids).select('id', 'name') : Promise.resolve([]))

// ---- names written on an exported sheet ---------------------------------------------------------

export const userNameOf = async (k: Knex, id: string): Promise<string | null> => {
  const r = await k('users').where('id', id).first('name')
  return r ? String(r.name) : null
}

export const teamNameOf = async (k: Knex, id: string): Promise<string | null> => {
  const r = await k('teams').where('id', id).first('name')
  return r ? String(r.name) : null
}
