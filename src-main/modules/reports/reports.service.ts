// 统计报表: reports.view first (its data scope, never wider than the customer list's — own / team / all — narrows every report to the
// customers the caller may see), then the report's aggregates (reports.repository) over the
// period's local days (the 工作台's period helper) and the filters. Reads only: no transaction,
// no audit. Shares and rates are rounded to 4 decimals, money stays in integer cents.
import type { z } from 'zod'
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import type {
  ChurnReport, ChurnReportInput, CompositionInput, FollowUpReport, FollowUpReportInput, CompositionReport, ContributionInput, ContributionReport, Mover, ReportName, ServiceReport, ServiceReportInput,
} from '../../contract/reports'
import { COMPOSITION_DIMENSIONS } from '../../contract/reports'
import { dialectOf, toIso, toNum } from '../../db/dialect'
import { applyScope, requirePerm } from '../auth/permissions'
import { periodDays, rangeOf, todayIn, type Days } from '../dashboard/dashboard.period'
import { appZone } from '../reminders/system-reminders.service'
import { addDays, daysInMonth, offsetMinutes, zoneOf, type LocalDate, type Zone } from '../reminders/tz'
import { loadSlaRules } from '../services/services.sla'
import { overdueThreshold, slaHours } from '../services/services.model'
import * as repo from './reports.repository'
import { reportScope } from './reports.scope'

type FilterIn = z.output<typeof ServiceReportInput>
type ContributionIn = z.output<typeof ContributionInput>
type CompositionIn = z.output<typeof CompositionInput>

export { COMPOSITION_DIMENSIONS }

/** 4 decimals */
const r4 = (x: number) => Math.round(x * 10_000) / 10_000
const ratio = (a: number, b: number) => (b ? r4(a / b) : 0)
const n = (v: unknown) => toNum(v) ?? 0
const idOrNull = (v: unknown) => (v == null ? null : String(v).toLowerCase())

/** What every report works from: the scope, the period's days and instants, the filters. */
export interface Frame {
  k: Knex
  scope: DataScope
  scopeFn: repo.ScopeFn
  filter: repo.CustomerFilter
  narrowed: boolean
  zone: Zone
  /** the wall clock's offset from UTC now (month buckets of timestamps) */
  offsetMinutes: number
  days: repo.DayRange
  range: repo.InstantRange
  kind: FilterIn['period']
}

/** The same local day a year earlier (29 February: the 28th). */
const yearEarlier = (l: LocalDate): LocalDate => ({ y: l.y - 1, m: l.m, d: Math.min(l.d, daysInMonth(l.y - 1, l.m)) })

export async function frameOf(ctx: ServiceContext, input: FilterIn): Promise<Frame> {
  // never wider than the customer list the reports drill down to (reports.scope.ts)
  const scope = reportScope(ctx.actor, 'customers')
  const k = ctx.db.knex
  const app = await appZone(k)
  const zone = zoneOf(input, 'tz' in app ? app.tz : 'UTC')
  const now = ctx.clock.now()
  const current = periodDays(input.period, todayIn(now, zone), input).current
  const r = rangeOf(zone, current)
  const filter: repo.CustomerFilter = { teamId: input.teamId, ownerId: input.ownerId, regionId: input.regionId, levelId: input.levelId }
  return {
    k, scope, filter, zone, kind: input.period,
    scopeFn: (q, col) => void applyScope(q, k, ctx.actor, scope, col),
    narrowed: repo.narrows(filter, scope === 'all'),
    offsetMinutes: offsetMinutes(now, zone),
    days: { first: r.firstDay, last: r.lastDay },
    range: { from: r.from, to: r.to },
  }
}

const head = (f: Frame) => ({ scope: f.scope, period: { firstDay: f.days.first, lastDay: f.days.last, kind: f.kind } })

// ---- 客户贡献分析 -------------------------------------------------------------------------------

/** One customer's amounts in the period and the comparison days. */
interface Amounts {
  id: string
  cents: number
  compareCents: number
}

/** What 客户贡献分析 is built from, however it was read. */
interface Ranking {
  /** customers with an amount in the period, their total; the comparison days' total */
  count: number
  total: number
  compareTotal: number
  /** the first `limit` customers by amount (desc, id), with the running sum of their amounts */
  top: Array<Amounts & { cum: number }>
  /** the sum of the top j amounts, for each j = ceil(count · i / 20), i = 1…20 */
  cumAt: Map<number, number>
  /** the biggest gains (change desc, id) and losses (change asc, id desc), MOVERS each, in order */
  gainers: Amounts[]
  losers: Amounts[]
}

/** How many of a period's first customers are read as candidates for the movers (at least the limit), more each time they do not decide them. */
export const MOVER_POOLS = [200, 2_000, 20_000]

const byGain = (a: Amounts, b: Amounts) => b.cents - b.compareCents - (a.cents - a.compareCents) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const gainersOf = (xs: Amounts[]) => xs.filter((r) => r.cents > r.compareCents).sort(byGain).slice(0, repo.MOVERS)
const losersOf = (xs: Amounts[]) => xs.filter((r) => r.cents < r.compareCents).sort((a, b) => -byGain(a, b)).slice(0, repo.MOVERS)
/** ceil(count · i / 20) in integers: the number of the top customers that are i·5 % of them (at least one once i > 0) */
const paretoRank = (count: number, i: number) => Math.floor((count * i + 19) / 20)

/** Every 客户贡献分析 (any scope, filters, days): one statement (reports.repository contributionRanked). */
async function rankingInSql(f: Frame, basis: ContributionIn['basis'], compare: repo.DayRange, limit: number): Promise<Ranking> {
  const got = await repo.contributionRows(f.k, basis, f.days, compare, f.filter, f.scopeFn, f.narrowed, limit)
  const picked = got.map((r) => ({
    kind: String(r.kind), id: r.customer_id == null ? '' : String(r.customer_id).toLowerCase(), cents: n(r.cents), compareCents: n(r.compare_cents), rn: n(r.rn),
  }))
  const first = got[0]
  const ranked = picked.filter((r) => r.kind === 'rank').sort((a, b) => a.rn - b.rn)
  const amounts = (r: (typeof picked)[number]): Amounts => ({ id: r.id, cents: r.cents, compareCents: r.compareCents })
  const count = first ? n(first.cnt) : 0
  // the 20/80 curve from its sums per twentieth (rn: the twentieth)
  const twentieth = new Map(picked.filter((r) => r.kind === 'curve').map((r) => [r.rn, r.cents]))
  const cumAt = new Map<number, number>()
  for (let i = 1, sum = 0; i <= 20 && count; i++) cumAt.set(paretoRank(count, i), (sum += twentieth.get(i) ?? 0))
  let cum = 0
  return {
    count, total: first ? n(first.total) : 0, compareTotal: first ? n(first.compare_total) : 0,
    top: ranked.map((r) => ({ ...amounts(r), cum: (cum += r.cents) })),
    cumAt,
    // picked in SQL, ordered here
    gainers: gainersOf(picked.filter((r) => r.kind === 'up').map(amounts)),
    losers: losersOf(picked.filter((r) => r.kind === 'down').map(amounts)),
  }
}

/**
 * 客户贡献分析 at company scope without filters when the period and the comparison days are each
 * one period of customer_sales_sums (本年: a year, 本月: a month): read from the period's ordered
 * index (migration 20261207000100) without joining the two periods per customer or sorting every
 * customer — the totals (one aggregate of both periods), the first max(limit, pool) customers of
 * the period and of the comparison period each with the other's amount (pool: 200, then 2,000,
 * then 20,000 while they do not decide the movers), and the 20/80 curve (its
 * sums per twentieth of the ranks; SQLite: the amounts in order, summed here). The movers are
 * picked among those candidates: a customer's gain is at most its amount in the period and its
 * loss at most its amount in the comparison period when no amount is negative, so a customer after
 * the candidates (amount ≤ the last candidate's) cannot beat the 5th gain (loss) found when that
 * is larger than the last candidate's amount. `null` when any of this does not hold (negative
 * amounts, the movers not decided by the candidates, other days, a narrowed scope): the caller
 * computes it all in one statement instead (rankingInSql) — the same figures.
 */
async function rankingOfPeriods(f: Frame, basis: ContributionIn['basis'], compare: repo.DayRange, limit: number, pools: number[]): Promise<Ranking | null> {
  if (f.narrowed) return null
  const now = repo.salesPieces(f.days)
  const cmp = repo.salesPieces(compare)
  if (now.edges.length || cmp.edges.length || now.periods.length !== 1 || cmp.periods.length !== 1 || now.periods[0] === cmp.periods[0]) return null
  const [p, q] = [now.periods[0]!, cmp.periods[0]!]
  const totals = new Map(((await repo.periodTotals(f.k, basis, [p, q])) as repo.Row[]).map((r) => [String(r.period), { cnt: n(r.cnt), total: n(r.total), least: n(r.least) }]))
  const tp = totals.get(p) ?? { cnt: 0, total: 0, least: 0 }
  const tq = totals.get(q) ?? { cnt: 0, total: 0, least: 0 }
  if (tp.least < 0 || tq.least < 0) return null
  const id = (v: unknown) => String(v).toLowerCase()
  const read = async (period: string, other: string, size: number) => (await (repo.topOfPeriod(f.k, basis, period, other, size) as Promise<repo.Row[]>)).map((r) => ({ id: id(r.customer_id), cents: n(r.cents), other: n(r.other_cents) }))
  // the movers: decided by the candidates when all were read or the last one's amount is below the 5th change
  const decided = (got: unknown[], all: number, lastAmount: number, movers: Amounts[], change: (m: Amounts) => number) =>
    got.length >= all || (movers.length === repo.MOVERS && lastAmount < change(movers[repo.MOVERS - 1]!))
  let current: Amounts[] = []
  let earlier: Amounts[] = []
  let gainers: Amounts[] = []
  let losers: Amounts[] = []
  let gainersDone = false
  let losersDone = false
  for (const pool of pools) {
    const size = Math.max(limit, pool)
    const [ofNow, ofCompare] = await Promise.all([gainersDone ? null : read(p, q, size), losersDone ? null : read(q, p, size)])
    if (ofNow) {
      current = ofNow.map((r) => ({ id: r.id, cents: r.cents, compareCents: r.other }))
      gainers = gainersOf(current)
      gainersDone = decided(current, tp.cnt, current.at(-1)?.cents ?? 0, gainers, (m) => m.cents - m.compareCents)
    }
    if (ofCompare) {
      earlier = ofCompare.map((r) => ({ id: r.id, cents: r.other, compareCents: r.cents }))
      losers = losersOf(earlier)
      losersDone = decided(earlier, tq.cnt, earlier.at(-1)?.compareCents ?? 0, losers, (m) => m.compareCents - m.cents)
    }
    if (gainersDone && losersDone) break
  }
  if (!gainersDone || !losersDone) return null
  const sqlite = dialectOf(f.k) === 'sqlite'
  const curve = tp.cnt === 0 ? null : sqlite ? await repo.periodAmounts(f.k, basis, p) : ((await repo.paretoBuckets(f.k, basis, p, tp.cnt)) as repo.Row[])
  // the 20/80 curve: the sum of the top ceil(cnt·i/20) amounts
  const cumAt = new Map<number, number>()
  if (curve && sqlite) {
    const ranks = new Set(Array.from({ length: 20 }, (_, i) => paretoRank(tp.cnt, i + 1)))
    let sum = 0
    curve.forEach((r, i) => {
      sum += n(r.c)
      if (ranks.has(i + 1)) cumAt.set(i + 1, sum)
    })
  } else if (curve) {
    const bucket = new Map(curve.map((r) => [n(r.bucket), n(r.cents)]))
    let sum = 0
    for (let i = 1; i <= 20; i++) cumAt.set(paretoRank(tp.cnt, i), (sum += bucket.get(i) ?? 0))
  }
  let cum = 0
  return {
    count: tp.cnt, total: tp.total, compareTotal: tq.total,
    top: current.slice(0, limit).map((r) => ({ ...r, cum: (cum += r.cents) })),
    cumAt, gainers, losers,
  }
}

export async function reportsContribution(ctx: ServiceContext, input: ContributionIn, pools = MOVER_POOLS): Promise<ContributionReport> {
  const f = await frameOf(ctx, input)
  const cur = parseDays(f.days)
  const compare = { first: fmt(yearEarlier(cur.first)), last: fmt(yearEarlier(addDays(cur.end, -1))) }
  // ranks, shares, the 20/80 curve and the movers are worked out in the database: only the rows
  // shown (and at company scope over one period, the movers' candidates) come back, not one per customer
  const { count, total, compareTotal, top, cumAt, gainers, losers } =
    (await rankingOfPeriods(f, input.basis, compare, input.limit, pools)) ?? (await rankingInSql(f, input.basis, compare, input.limit))

  // the 20/80 curve: cumulative shares every 5 % of the customers; the top pct % of the
  // customers, at least one once pct > 0 (the top 20 % of 4 customers: the first one): rank
  // ceil(count · i / 20), in integers
  const at = (i: number) => {
    const j = paretoRank(count, i)
    return total && j ? (cumAt.get(j) ?? 0) / total : 0
  }
  const pareto = Array.from({ length: 21 }, (_, i) => ({ customersPct: i * 5, sharePct: Math.round(at(i) * 10_000) / 100 }))
  const mover = (r: Amounts): Omit<Mover, 'code' | 'name'> => ({ customerId: r.id, cents: r.cents, compareCents: r.compareCents, deltaCents: r.cents - r.compareCents })

  const labels = new Map<string, repo.Row>()
  const ids = [...new Set([...top.map((r) => r.id), ...gainers.map((g) => g.id), ...losers.map((l) => l.id)])]
  for (let i = 0; i < ids.length; i += 500) for (const r of await repo.customerLabels(f.k, ids.slice(i, i + 500))) labels.set(String(r.id).toLowerCase(), r)
  const label = (id: string) => ({ code: String(labels.get(id)?.code ?? ''), name: String(labels.get(id)?.name ?? '') })
  const rows = top.map((r, i) => {
    const c = r.compareCents
    return {
      rank: i + 1, customerId: r.id, ...label(r.id), ownerName: labels.get(r.id)?.owner_name == null ? null : String(labels.get(r.id)!.owner_name),
      cents: r.cents, share: ratio(r.cents, total), cumulativeShare: ratio(r.cum, total), compareCents: c, growth: c ? r4((r.cents - c) / c) : null,
    }
  })
  return {
    ...head(f), basis: input.basis, compare: { firstDay: compare.first, lastDay: compare.last },
    totalCents: total, compareTotalCents: compareTotal, customers: count, rows,
    gainers: gainers.map((g) => ({ ...mover(g), ...label(g.id) })),
    losers: losers.map((g) => ({ ...mover(g), ...label(g.id) })),
    pareto, top20Share: r4(at(4)),
  }
}

const fmt = (l: LocalDate) => `${String(l.y).padStart(4, '0')}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`
function parseDays(d: repo.DayRange): Days {
  const p = (s: string): LocalDate => ({ y: +s.slice(0, 4), m: +s.slice(5, 7), d: +s.slice(8, 10) })
  return { first: p(d.first), end: addDays(p(d.last), 1) }
}

// ---- 客户构成分析 -------------------------------------------------------------------------------

export async function reportsComposition(ctx: ServiceContext, input: CompositionIn): Promise<CompositionReport> {
  const f = await frameOf(ctx, input)
  const rows = (await repo.compositionByDimension(f.k, input.dimension, f.days, f.filter, f.scopeFn, f.narrowed)) as repo.Row[]
  const slices = new Map<string, { id: string | null; customers: number; salesCents: number }>()
  const slice = (id: string | null) => slices.get(String(id)) ?? slices.set(String(id), { id, customers: 0, salesCents: 0 }).get(String(id))!
  for (const r of rows) {
    const x = slice(idOrNull(r.k))
    x.customers += n(r.n)
    x.salesCents += n(r.cents)
  }
  const list = [...slices.values()].sort((a, b) => b.customers - a.customers || b.salesCents - a.salesCents || String(a.id).localeCompare(String(b.id)))
  return {
    ...head(f), dimension: input.dimension,
    customers: list.reduce((s, x) => s + x.customers, 0), salesCents: list.reduce((s, x) => s + x.salesCents, 0), slices: list,
  }
}

// ---- 客户服务分析 -------------------------------------------------------------------------------

const STATUSES = ['new', 'assigned', 'handled', 'feedback', 'archived'] as const
const avg = (sum: unknown, count: unknown) => (n(count) ? Math.round((n(sum) / n(count)) * 100) / 100 : null)

export async function reportsService(ctx: ServiceContext, input: FilterIn): Promise<ServiceReport> {
  const f = await frameOf(ctx, input)
  const rules = await loadSlaRules(f.k)
  const now = ctx.clock.now()
  const limit = (hours: number): repo.BreachLimit => ({ minutes: hours * 60, startedBefore: overdueThreshold(now, hours) })
  // every SLA a ticket can have (slaHours): the types' own rules, then each urgency's
  const breachRules: repo.BreachRules = {
    own: rules.flatMap((r) => (r.typeId ? [{ typeId: r.typeId, urgency: r.urgency, ...limit(slaHours(rules, r.typeId, r.urgency)) }] : [])),
    urgent: limit(slaHours(rules, null, 'urgent')),
    normal: limit(slaHours(rules, null, 'normal')),
  }
  // one pass over the period's tickets (per type, status, score and month), added up here
  const rows = (await repo.ticketsSummary(f.k, f.range, f.filter, f.scopeFn, f.narrowed, f.offsetMinutes, breachRules)) as repo.Row[]
  type Sums = { n: number; open: number; assignSum: number; assignN: number; resolveSum: number; resolveN: number; satSum: number; satN: number; breaches: number }
  const zero = (): Sums => ({ n: 0, open: 0, assignSum: 0, assignN: 0, resolveSum: 0, resolveN: 0, satSum: 0, satN: 0, breaches: 0 })
  const types = new Map<string, { typeId: string | null; s: Sums }>()
  const months = new Map<string, Sums>()
  const byStatus = new Map<string, number>()
  const byScore = new Map<number, number>()
  const all = zero()
  for (const r of rows) {
    const count = n(r.n)
    const score = r.score == null ? null : n(r.score)
    const waiting = r.status === 'new' || r.status === 'assigned'
    const typeId = idOrNull(r.type_id)
    if (!types.has(String(typeId))) types.set(String(typeId), { typeId, s: zero() })
    if (!months.has(String(r.month))) months.set(String(r.month), zero())
    for (const x of [types.get(String(typeId))!.s, months.get(String(r.month))!, all]) {
      x.n += count
      if (waiting) x.open += count
      x.assignSum += n(r.assign_sum)
      x.assignN += n(r.assign_n)
      x.resolveSum += n(r.resolve_sum)
      x.resolveN += n(r.resolve_n)
      if (score !== null) {
        x.satSum += score * count
        x.satN += count
      }
      x.breaches += n(r.breaches)
    }
    byStatus.set(String(r.status), (byStatus.get(String(r.status)) ?? 0) + count)
    if (score !== null) byScore.set(score, (byScore.get(score) ?? 0) + count)
  }
  const typeRows = [...types.values()].map(({ typeId, s }) => ({
    typeId, tickets: s.n, open: s.open,
    avgAssignMinutes: avg(s.assignSum, s.assignN), avgResolveMinutes: avg(s.resolveSum, s.resolveN), avgSatisfaction: avg(s.satSum, s.satN),
    slaBreaches: s.breaches,
  }))
  typeRows.sort((a, b) => b.tickets - a.tickets || String(a.typeId).localeCompare(String(b.typeId)))
  return {
    ...head(f),
    tickets: all.n,
    byType: typeRows,
    byMonth: [...months.entries()]
      .map(([month, s]) => ({ month, tickets: s.n, avgSatisfaction: avg(s.satSum, s.satN), rated: s.satN }))
      .sort((a, b) => a.month.localeCompare(b.month)),
    byStatus: STATUSES.map((status) => ({ status, tickets: byStatus.get(status) ?? 0 })),
    satisfaction: [1, 2, 3, 4, 5].map((score) => ({ score, tickets: byScore.get(score) ?? 0 })),
    avgAssignMinutes: avg(all.assignSum, all.assignN),
    avgResolveMinutes: avg(all.resolveSum, all.resolveN),
    slaBreaches: all.breaches,
  }
}

// ---- 客户流失分析 -------------------------------------------------------------------------------

export async function reportsChurn(ctx: ServiceContext, input: z.output<typeof ChurnReportInput>): Promise<ChurnReport> {
  const f = await frameOf(ctx, input)
  const [regions, reasons, churnRegions, months, warnings, list] = await Promise.all([
    repo.customersByRegion(f.k, f.filter, f.scopeFn),
    repo.churnedByReason(f.k, f.range, f.filter, f.scopeFn),
    repo.churnedByRegion(f.k, f.range, f.filter, f.scopeFn),
    repo.churnedByMonth(f.k, f.range, f.filter, f.scopeFn, f.offsetMinutes),
    repo.warningsByStatus(f.k, f.range, f.filter, f.scopeFn, f.narrowed),
    repo.churnedList(f.k, f.range, f.filter, f.scopeFn, 200),
  ])
  const customers = (regions as repo.Row[]).reduce((s, r) => s + n(r.n), 0)
  const churned = (reasons as repo.Row[]).reduce((s, r) => s + n(r.n), 0)
  const region = new Map<string, { regionId: string | null; customers: number; churned: number }>()
  const at = (id: string | null) => region.get(String(id)) ?? region.set(String(id), { regionId: id, customers: 0, churned: 0 }).get(String(id))!
  for (const r of regions as repo.Row[]) at(idOrNull(r.k)).customers += n(r.n)
  for (const r of churnRegions as repo.Row[]) at(idOrNull(r.k)).churned += n(r.n)
  const status = new Map((warnings as repo.Row[]).map((r) => [String(r.status), n(r.n)]))
  return {
    ...head(f), customers, churned, rate: ratio(churned, customers),
    reasons: (reasons as repo.Row[]).map((r) => ({ reasonId: idOrNull(r.k), churned: n(r.n) })).sort((a, b) => b.churned - a.churned || String(a.reasonId).localeCompare(String(b.reasonId))),
    byMonth: (months as repo.Row[]).map((r) => ({ month: String(r.month), churned: n(r.n), rate: ratio(n(r.n), customers) })).sort((a, b) => a.month.localeCompare(b.month)),
    byRegion: [...region.values()].map((r) => ({ ...r, rate: ratio(r.churned, r.customers) })).sort((a, b) => b.churned - a.churned || b.customers - a.customers || String(a.regionId).localeCompare(String(b.regionId))),
    warnings: { open: status.get('open') ?? 0, paused: status.get('paused') ?? 0, confirmed: status.get('confirmed') ?? 0, cancelled: status.get('cancelled') ?? 0 },
    list: (list as repo.Row[]).map((r) => ({
      customerId: String(r.customer_id).toLowerCase(), code: String(r.code), name: String(r.name), regionId: idOrNull(r.region_id), reasonId: idOrNull(r.reason_id),
      reasonText: r.reason_text == null ? null : String(r.reason_text), lastOrderDate: r.last_order_date == null ? null : String(r.last_order_date), confirmedAt: toIso(r.confirmed_at)!,
    })),
  }
}

// ---- 跟进统计 -------------------------------------------------------------------------------------

export async function reportsFollowUps(ctx: ServiceContext, input: z.output<typeof FollowUpReportInput>): Promise<FollowUpReport> {
  const f = await frameOf(ctx, input)
  const now = ctx.clock.now().getTime()
  const cuts = (await repo.contactPolicies(f.k))
    .filter((p) => n(p.cycle_days) > 0)
    .map((p) => ({ policyId: String(p.id).toLowerCase(), since: new Date(now - n(p.cycle_days) * 86_400_000).toISOString() }))
  const [cells, reps, all, days, policy] = await Promise.all([
    repo.followUpsByRepChannel(f.k, f.range, f.filter, f.scopeFn, f.narrowed),
    repo.customersByRep(f.k, f.range, f.filter, f.scopeFn, f.narrowed),
    repo.customersFollowedUp(f.k, f.range, f.filter, f.scopeFn, f.narrowed),
    repo.followUpsByDay(f.k, f.range, f.filter, f.scopeFn, f.narrowed, f.offsetMinutes),
    repo.policyByOwner(f.k, f.filter, f.scopeFn, cuts),
  ])
  const userIds = [...new Set([...(cells as repo.Row[]).map((r) => idOrNull(r.owner_id)), ...(policy as repo.Row[]).map((r) => idOrNull(r.owner_id))].filter((x): x is string => !!x))]
  const names = new Map((await repo.userNames(f.k, userIds)).map((u) => [String(u.id).toLowerCase(), String(u.name)]))
  const channelTotals = new Map<string, { channelId: string | null; count: number }>()
  const byRep = new Map<string, { userId: string | null; name: string | null; total: number; customers: number; channels: Array<{ channelId: string | null; count: number }> }>()
  const rep = (id: string | null) => byRep.get(String(id)) ?? byRep.set(String(id), { userId: id, name: id ? (names.get(id) ?? null) : null, total: 0, customers: 0, channels: [] }).get(String(id))!
  for (const r of cells as repo.Row[]) {
    const channelId = idOrNull(r.channel_id)
    const count = n(r.n)
    const x = rep(idOrNull(r.owner_id))
    x.total += count
    x.channels.push({ channelId, count })
    const c = channelTotals.get(String(channelId)) ?? channelTotals.set(String(channelId), { channelId, count: 0 }).get(String(channelId))!
    c.count += count
  }
  for (const r of reps as repo.Row[]) rep(idOrNull(r.owner_id)).customers = n(r.n)
  const order = (a: { count: number; channelId: string | null }, b: { count: number; channelId: string | null }) => b.count - a.count || String(a.channelId).localeCompare(String(b.channelId))
  for (const x of byRep.values()) x.channels.sort(order)
  return {
    ...head(f),
    total: [...byRep.values()].reduce((s, x) => s + x.total, 0),
    customers: n((all as repo.Row | undefined)?.n),
    channels: [...channelTotals.values()].sort(order),
    byRep: [...byRep.values()].sort((a, b) => b.total - a.total || String(a.name).localeCompare(String(b.name))),
    byDay: (days as repo.Row[]).map((r) => ({ day: String(r.day), count: n(r.n) })).sort((a, b) => a.day.localeCompare(b.day)),
    policy: (policy as repo.Row[])
      .map((r) => {
        const userId = idOrNull(r.owner_id)
        return { userId, name: userId ? (names.get(userId) ?? null) : null, withPolicy: n(r.n), onTime: n(r.on_time), overdue: n(r.n) - n(r.on_time) }
      })
      .sort((a, b) => b.withPolicy - a.withPolicy || String(a.name).localeCompare(String(b.name))),
  }
}

// ---- print ----------------------------------------------------------------------------------------

const FILE_NAMES: Record<ReportName, string> = { contribution: '客户贡献分析', composition: '客户构成分析', service: '客户服务分析', churn: '客户流失分析', pipeline: '销售漏斗与业绩', followups: '跟进统计' }

/** The PDF's file name; the desktop shell asks where to save it and prints the window (the report's print stylesheet). */
export async function reportsSavePdf(ctx: ServiceContext, input: { report: ReportName }) {
  requirePerm(ctx.actor, 'reports', 'view')
  return { fileName: `${FILE_NAMES[input.report]}_${fmt(todayIn(ctx.clock.now(), { tz: 'UTC' }))}.pdf`, saved: false, path: null }
}

export const reportTitle = (r: ReportName) => FILE_NAMES[r]
export const userName = (ctx: ServiceContext, id: string) => repo.userNameOf(ctx.db.knex, id)
export const teamName = (ctx: ServiceContext, id: string) => repo.teamNameOf(ctx.db.knex, id)
