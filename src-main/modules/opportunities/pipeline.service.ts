// The board (看板: open opportunities per 销售阶段, with Σ amount and the weighted pipeline value
// Σ amount × probability) and the 销售漏斗 (counts, amounts and stage-to-stage conversion per
// 客户经理 or team, win rate and win/loss breakdowns). Both read grouped counts from an index and
// finish in memory; both keep to the caller's opportunities scope.
import type { ServiceContext } from '../context'
import type { DictItem } from '../../contract/dictionary'
import type { Board, BoardCard, BoardColumn, BoardFilter, Funnel, FunnelGroup, FunnelStage, OpportunityStatus } from '../../contract/opportunities'
import { toNum } from '../../db/dialect'
import type { DataScope } from '../../contract/common'
import { narrowerScope, requirePerm } from '../auth/permissions'
import { dictItemsOfType } from '../dictionary/dictionary.service'
import { allowedActions } from './opportunities.rules'
import {
  boardAllCards, boardCards, boardTotals, cardRowsByIds, closedCells, countCreatedIn, funnelCells, scopeForSearch, scopeOpportunities, scopeOpportunityStats, teamNames,
  userTeams, type FunnelCell, type FunnelFilter, type ScopeFn,
} from './opportunities.repository'
import { closedStatsCells, funnelStatsCells, type MonthRange, type StatsScopeFn } from './stats.repository'

const num = (v: unknown) => toNum(v) ?? 0
/** Up to this many open opportunities the board reads all its cards at once instead of one query per column. */
const NARROW_BOARD = 2000
/** Σ amount × probability (percent) → cents. */
const weighted = (v: unknown) => Math.round(num(v) / 100)
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : null)

/**
 * The stages in their dictionary order: the enabled ones, and a disabled one while something
 * still refers to it.
 */
function stagesShown(items: DictItem[], used: Set<string>): DictItem[] {
  return items.filter((i) => i.enabled || used.has(i.id))
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

function toCard(r: Record<string, unknown>, actor: ServiceContext['actor']): BoardCard {
  const status = String(r.status) as OpportunityStatus
  return {
    id: String(r.id), code: String(r.code), customerName: String(r.customer_name), summary: String(r.summary), probability: Number(r.probability),
    expectedAmountCents: toNum(r.expected_amount_cents), expectedCloseDate: str(r.expected_close_date), stageId: str(r.stage_id), status,
    assignedTo: str(r.assigned_to), assignedToName: str(r.assigned_to_name), version: Number(r.version),
    can: allowedActions(actor, { status, createdBy: String(r.created_by), assignedTo: str(r.assigned_to) }),
  }
}

export async function opportunitiesBoard(
  ctx: ServiceContext,
  input: { filter: BoardFilter; perColumn: number },
  opts: { narrowBoard?: number } = {},
): Promise<Board> {
  const scope = requirePerm(ctx.actor, 'opportunities', 'view')
  const k = ctx.db.knex
  const sc = await scopeForSearch(k, scopeOpportunities(k, ctx.actor, scope), input.filter.search)
  // one row per stage (the query answers one per status and stage)
  const totals = new Map<string | null, { n: number; amount: number; weighted: number }>()
  for (const r of await boardTotals(k, sc, input.filter)) {
    const t = totals.get(r.stage_id ?? null) ?? { n: 0, amount: 0, weighted: 0 }
    totals.set(r.stage_id ?? null, { n: t.n + num(r.n), amount: t.amount + num(r.amount), weighted: t.weighted + num(r.weighted) })
  }
  const stages = stagesShown(await dictItemsOfType(k, 'opportunity_stage'), new Set([...totals.keys()].filter((x): x is string => !!x)))
  const known = new Set(stages.map((s) => s.id))
  // a stage deleted from the dictionary shows with the opportunities without one
  const orphans = [...totals.entries()].filter(([id]) => id && !known.has(id))
  const keys: Array<string | null> = [...(totals.has(null) || orphans.length ? [null] : []), ...stages.map((s) => s.id)]

  const cardIds = new Map<string | null, string[]>()
  const open = [...totals.values()].reduce((n, t) => n + t.n, 0)
  if (open <= (opts.narrowBoard ?? NARROW_BOARD)) {
    // a 客户经理's board (or a narrow search): one read of every card, split per column here
    const column = (stageId: string | null) => (stageId && known.has(stageId) ? stageId : null)
    for (const r of await boardAllCards(k, sc, input.filter)) {
      const list = cardIds.get(column(r.stage_id)) ?? []
      if (list.length < input.perColumn) list.push(r.id)
      cardIds.set(column(r.stage_id), list)
    }
  } else {
    for (const key of keys) cardIds.set(key, (await boardCards(k, sc, input.filter, key, input.perColumn)).map((r) => r.id))
  }
  const rows = new Map((await cardRowsByIds(k, [...cardIds.values()].flat())).map((r) => [String(r.id), r]))

  const columns: BoardColumn[] = keys.map((key) => {
    const t = [totals.get(key), ...(key === null ? orphans.map(([, r]) => r) : [])].filter((x) => !!x)
    return {
      stageId: key,
      count: t.reduce((s, r) => s + num(r!.n), 0),
      amountCents: t.reduce((s, r) => s + num(r!.amount), 0),
      weightedCents: t.reduce((s, r) => s + weighted(r!.weighted), 0),
      items: (cardIds.get(key) ?? []).map((id) => rows.get(id)).filter((r) => !!r).map((r) => toCard(r!, ctx.actor)),
    }
  })
  return {
    columns,
    count: columns.reduce((s, c) => s + c.count, 0),
    amountCents: columns.reduce((s, c) => s + c.amountCents, 0),
    weightedCents: columns.reduce((s, c) => s + c.weightedCents, 0),
  }
}

// ---- 销售漏斗 -------------------------------------------------------------------------------------------

const OPEN = new Set(['unassigned', 'assigned'])

interface Tally {
  total: number
  open: number
  won: number
  lost: number
  amount: number
  weighted: number
  wonAmount: number
  reached: number[]
}
const newTally = (stages: number): Tally => ({ total: 0, open: 0, won: 0, lost: 0, amount: 0, weighted: 0, wonAmount: 0, reached: Array(stages).fill(0) })

/**
 * How far a cell's opportunities got: the index of their stage (a won one reached every
 * stage); -1 for none (no stage, or one no longer in the dictionary).
 */
function reachedIndex(c: FunnelCell, index: Map<string, number>, stages: number): number {
  if (c.status === 'won') return stages - 1
  return c.stage_id ? (index.get(c.stage_id) ?? -1) : -1
}

function add(t: Tally, c: FunnelCell, reached: number) {
  const n = num(c.n)
  t.total += n
  if (OPEN.has(c.status)) {
    t.open += n
    t.amount += num(c.amount)
    t.weighted += weighted(c.weighted)
  }
  if (c.status === 'won') {
    t.won += n
    t.wonAmount += num(c.amount)
  }
  if (c.status === 'lost') t.lost += n
  for (let i = 0; i <= reached; i++) t.reached[i] += n
}

const monthStart = (month: string) => `${month}-01T00:00:00.000Z`
function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/**
 * A period [from, to) as the whole UTC months inside it (the summaries answer those) and the
 * parts before and after them (read from the opportunities): `months` null when no whole month
 * fits, then `head` is the whole period.
 */
export function splitByMonths(from: string | null, to: string | null): { head: [string | null, string | null] | null; months: MonthRange | null; tail: [string, string | null] | null } {
  let first: string | null = null
  if (from) {
    const m = from.slice(0, 7)
    first = from === monthStart(m) ? m : nextMonth(m)
  }
  const end = to ? to.slice(0, 7) : null
  if (first && end && first >= end) return { head: [from, to], months: null, tail: null }
  return {
    head: from && first && from < monthStart(first) ? [from, monthStart(first)] : null,
    months: { fromMonth: first, toMonth: end },
    tail: to && end && to > monthStart(end) ? [monthStart(end), to] : null,
  }
}

/**
 * The funnel's cells of a period from the summaries for its whole months and from the
 * opportunities for the rest (or all from the opportunities when the scope is not in the
 * summaries): the same figures either way, possibly split over more rows.
 */
async function cellsOfPeriod<T>(
  from: string | null,
  to: string | null,
  statsScope: StatsScopeFn | null,
  direct: (from: string | null, to: string | null) => Promise<T[]>,
  stats: (scope: StatsScopeFn, m: MonthRange) => Promise<T[]>,
): Promise<T[]> {
  if (!statsScope) return direct(from, to)
  const p = splitByMonths(from, to)
  if (!p.months) return direct(from, to)
  return [
    ...(p.head ? await direct(p.head[0], p.head[1]) : []),
    ...(await stats(statsScope, p.months)),
    ...(p.tail ? await direct(p.tail[0], p.tail[1]) : []),
  ]
}

/** An instant as UTC ISO text (…T…Z), so periods compare as instants on every database. */
const utc = (v: string | undefined) => (v ? new Date(v).toISOString() : null)

/**
 * The 销售漏斗. The 统计报表 (reports module) also groups by the customer's region, narrows with a
 * filter and caps the scope (`within`: never wider than the report's scope). Without a region or
 * a filter, the whole months of the period come from the summaries (stats.repository.ts);
 * `direct`: every figure from the opportunities themselves (tests compare the two).
 */
export async function opportunitiesFunnel(
  ctx: ServiceContext,
  input: { from?: string; to?: string; groupBy: 'manager' | 'team' | 'region'; filter?: FunnelFilter; within?: DataScope },
  opts: { direct?: boolean } = {},
): Promise<Funnel> {
  const granted = requirePerm(ctx.actor, 'opportunities', 'view')
  const scope = input.within ? narrowerScope(granted, input.within) : granted
  const k = ctx.db.knex
  const sc: ScopeFn = scopeOpportunities(k, ctx.actor, scope)
  const filtered = !!input.filter && Object.values(input.filter).some((v) => v !== undefined && v !== null && v !== '')
  const summarised = !opts.direct && input.groupBy !== 'region' && !filtered
  const statsScope = summarised ? scopeOpportunityStats(k, ctx.actor, scope) : null
  const from = utc(input.from)
  const to = utc(input.to)
  const cells: FunnelCell[] = await cellsOfPeriod(
    from, to, statsScope,
    (a, b) => funnelCells(k, sc, a, b, { filter: input.filter, byRegion: input.groupBy === 'region' }),
    (st, m) => funnelStatsCells(k, st, m),
  )
  const stages = stagesShown(await dictItemsOfType(k, 'opportunity_stage'), new Set(cells.map((c) => c.stage_id).filter((x): x is string => !!x)))
  const index = new Map(stages.map((s, i) => [s.id, i]))

  const all = newTally(stages.length)
  const perStage = stages.map(() => ({ count: 0, open: 0, amount: 0, weighted: 0 }))
  const managers = [...new Set(cells.map((c) => c.assigned_to).filter((x): x is string => !!x))]
  const people = new Map((await userTeams(k, managers)).map((u) => [u.id, u]))
  const groupOf = (c: FunnelCell) =>
    input.groupBy === 'region' ? (c.region_id ?? null) : input.groupBy === 'team' ? (c.assigned_to ? (people.get(c.assigned_to)?.team_id ?? null) : null) : c.assigned_to
  const groups = new Map<string | null, Tally>()
  let unassigned = 0
  for (const c of cells) {
    const reached = reachedIndex(c, index, stages.length)
    add(all, c, reached)
    const key = groupOf(c)
    if (!groups.has(key)) groups.set(key, newTally(stages.length))
    add(groups.get(key)!, c, reached)
    if (c.status === 'unassigned') unassigned += num(c.n)
    const at = c.stage_id ? index.get(c.stage_id) : undefined
    if (at !== undefined && c.status !== 'won') {
      const s = perStage[at]
      s.count += num(c.n)
      if (OPEN.has(c.status)) {
        s.open += num(c.n)
        s.amount += num(c.amount)
        s.weighted += weighted(c.weighted)
      }
    }
  }

  const funnelStages: FunnelStage[] = stages.map((s, i) => ({
    stageId: s.id, count: perStage[i].count, open: perStage[i].open, amountCents: perStage[i].amount, weightedCents: perStage[i].weighted,
    reached: all.reached[i], conversion: ratio(all.reached[i], i === 0 ? all.total : all.reached[i - 1]),
  }))

  const teamIds = input.groupBy === 'team' ? [...groups.keys()].filter((x): x is string => !!x) : []
  // a region's label is the dictionary's (the caller's language)
  const names = new Map<string, string>(
    input.groupBy === 'team' ? (await teamNames(k, teamIds)).map((t) => [t.id, t.name]) : input.groupBy === 'manager' ? [...people.values()].map((u) => [u.id, u.name]) : [],
  )
  const groupRows: FunnelGroup[] = [...groups.entries()]
    .map(([key, t]) => ({
      key, name: key ? (names.get(key) ?? null) : null, total: t.total, open: t.open, won: t.won, lost: t.lost, amountCents: t.amount,
      weightedCents: t.weighted, wonAmountCents: t.wonAmount, winRate: ratio(t.won, t.won + t.lost), reached: t.reached,
    }))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : b.total - a.total || String(a.name).localeCompare(String(b.name)) || String(a.key).localeCompare(String(b.key))))

  const closed = await cellsOfPeriod(from, to, statsScope, (a, b) => closedCells(k, sc, a, b, input.filter), (st, m) => closedStatsCells(k, st, m))
  const sumBy = <K extends string>(rows: typeof closed, status: string, key: (r: (typeof closed)[number]) => string | null, name: K) => {
    const m = new Map<string | null, { count: number; amountCents: number }>()
    for (const r of rows.filter((x) => x.status === status)) {
      const e = m.get(key(r)) ?? { count: 0, amountCents: 0 }
      e.count += num(r.n)
      e.amountCents += num(r.amount)
      m.set(key(r), e)
    }
    return [...m.entries()].map(([id, v]) => ({ [name]: id, ...v }) as { count: number; amountCents: number } & Record<K, string | null>).sort((a, b) => b.count - a.count || String(a[name] ?? '').localeCompare(String(b[name] ?? '')))
  }
  const won = closed.filter((r) => r.status === 'won').reduce((s, r) => s + num(r.n), 0)
  const lost = closed.filter((r) => r.status === 'lost').reduce((s, r) => s + num(r.n), 0)

  return {
    from: input.from ?? null, to: input.to ?? null, total: all.total, open: all.open, won: all.won, lost: all.lost, unassigned, amountCents: all.amount, weightedCents: all.weighted,
    wonAmountCents: all.wonAmount, stages: funnelStages, groups: groupRows,
    closed: {
      won, lost, winRate: ratio(won, won + lost),
      wonAmountCents: closed.filter((r) => r.status === 'won').reduce((s, r) => s + num(r.amount), 0),
      lostReasons: sumBy(closed, 'lost', (r) => r.lost_reason_id, 'reasonId'),
      wonSources: sumBy(closed, 'won', (r) => r.source_id, 'sourceId'),
    },
  }
}

/** For the 工作台: opportunities in the caller's scope created in each range [from, to) (the list's 创建时间 filter counts the same). */
export async function opportunitiesCreatedCounts(ctx: ServiceContext, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  const scope = requirePerm(ctx.actor, 'opportunities', 'view')
  const k = ctx.db.knex
  return countCreatedIn(k, scopeOpportunities(k, ctx.actor, scope), ranges)
}
