// 工作台: each card is answered by its area's service (reminders, customers, contacts,
// interactions, opportunities, orders and payments, targets) under the caller's own permissions,
// narrowed to the scope picked (mine / my team / company — never wider than the role allows). A
// card (or 简报 figure) whose area the caller may not see answers null; the others still load.
import type { z } from 'zod'
import type { Actor, ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import { DASHBOARD_CARDS, type BriefingMetric, type PerformanceCard, type DashboardCard, type Layout, type LayoutCard, type Overview, type OverviewInput } from '../../contract/dashboard'
import { AppError, conflict } from '../../shared/errors'
import { nextVersion } from '../../db/tx'
import { recordAudit } from '../audit/audit.service'
import { customersDashboardCounts } from '../customers/customers.service'
import { contactsBirthdaysOn, contactsCreatedCounts } from '../contacts/contacts.service'
import { interactionsCountInGroups, promisesOverdue } from '../interactions/interactions.service'
import { opportunitiesCreatedCounts, opportunitiesFunnel } from '../opportunities/pipeline.service'
import { ordersBriefing } from '../orders/orders.service'
import { targetsDashboard } from '../targets/targets.service'
import { customersToContact, remindersCentre } from '../reminders/reminders.service'
import { appZone } from '../reminders/system-reminders.service'
import { addDays, startOfDay, zoneOf } from '../reminders/tz'
import { nearbyGroups, periodDays, rangeOf, splitUtcDays, todayIn, weekOf } from './dashboard.period'
import { findLayout, insertLayout, sumBriefingDays, updateLayout, type BriefingColumn } from './dashboard.repository'
import { applyScope, narrowerScope, requirePerm } from '../auth/permissions'

type In = z.output<typeof OverviewInput>

const RANK: Record<DataScope, number> = { own: 0, team: 1, all: 2 }
const SCOPES: DataScope[] = ['own', 'team', 'all']

/** 遗忘客户: not followed up for at least these many days */
export const FORGOTTEN_DAYS = [7, 15, 30, 90]

/** The widest scope the caller has over customers (the dashboard's subject); own without it. */
function widestScope(actor: Actor): DataScope {
  return actor.permissions.customers?.scope ?? 'own'
}

/** The scopes the caller may pick: team only with a team. */
export function scopesOf(actor: Actor): DataScope[] {
  const max = RANK[widestScope(actor)]
  return SCOPES.filter((s) => RANK[s] <= max && (s !== 'team' || !!actor.teamId))
}

/**
 * The caller with every module's data scope narrowed to `scope` (never widened): the services
 * called with it apply their usual scope checks, so a card counts only what the scope shows.
 */
export function narrowActor(actor: Actor, scope: DataScope): Actor {
  const permissions: Actor['permissions'] = {}
  for (const [module, p] of Object.entries(actor.permissions) as Array<[keyof Actor['permissions'], NonNullable<Actor['permissions'][keyof Actor['permissions']]>]>) {
    permissions[module] = { actions: p.actions, scope: RANK[p.scope] <= RANK[scope] ? p.scope : scope }
  }
  return { ...actor, permissions }
}

/** A card's value, or null when the caller lacks the permission for its area. */
async function guard<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f()
  } catch (e) {
    if (e instanceof AppError && e.code === 'forbidden') return null
    throw e
  }
}

export async function dashboardOverview(ctx: ServiceContext, input: In): Promise<Overview> {
  const scopes = scopesOf(ctx.actor)
  const asked = input.scope
  const scope = scopes.includes(asked) ? asked : scopes.filter((s) => RANK[s] <= RANK[asked]).pop() ?? 'own'
  const c: ServiceContext = { ...ctx, actor: narrowActor(ctx.actor, scope) }
  const k = ctx.db.knex
  const now = ctx.clock.now()
  const app = await appZone(k)
  const zone = zoneOf(input, 'tz' in app ? app.tz : 'UTC')
  const today = todayIn(now, zone)
  const days = periodDays(input.period, today, input)
  const current = rangeOf(zone, days.current)
  const previous = rangeOf(zone, days.previous)
  const ranges = [{ from: current.from, to: current.to }, { from: previous.from, to: previous.to }]
  const want = new Set<DashboardCard>(input.cards ?? DASHBOARD_CARDS)
  const clientZone = { timeZone: input.timeZone, utcOffsetMinutes: input.utcOffsetMinutes }
  const page = { page: 1, pageSize: input.limit }
  const forgottenBefore = FORGOTTEN_DAYS.map((n) => startOfDay(zone, addDays(today, 1 - n)).toISOString())

  const todos = async () => {
    const centre = await remindersCentre(c, { ...clientZone, limit: input.limit })
    return {
      todayCount: centre.counts.today, overdueCount: centre.counts.overdue, today: centre.today, overdue: centre.overdue,
      teamOverdueCount: centre.teamOverdue ? centre.teamOverdueCount : null,
    }
  }
  const toContact = async () => {
    const r = await customersToContact(c, { ...clientZone, ...page })
    return { total: r.total, items: r.items }
  }
  // 新增客户, 新增联系人 and 跟进记录: the whole UTC days of each period from the kept per-owner-and-day
  // sums (briefing_owner_day, kept by triggers on every write), the partial days at its edges
  // (local midnight ≠ UTC midnight; at most a day at each end) counted from the base tables by
  // the areas' services — one read per group of nearby edges, each over a day or two
  type Range = { from: string; to: string }
  const split = ranges.map(splitUtcDays)
  const edges = split.flatMap((s) => s.edges)
  const groups = nearbyGroups(edges)
  const perEdge = async (countGroups: (gs: Range[][]) => Promise<number[][]>): Promise<Map<Range, number>> => {
    const counted = await countGroups(groups)
    return new Map(groups.flatMap((g, gi) => g.map((r, i): [Range, number] => [r, counted[gi]![i]!])))
  }
  const eachGroup = (count: (rs: Range[]) => Promise<number[]>) => (gs: Range[][]) => Promise.all(gs.map((g) => count(g)))
  const viaDays = async (scope: DataScope, col: BriefingColumn, edgeCounts: () => Promise<Map<Range, number>>): Promise<number[]> => {
    const [sums, byEdge] = await Promise.all([sumBriefingDays(k, (q) => applyScope(q, k, c.actor, scope, 'b.owner_id'), col, split.map((s) => s.days)), edgeCounts()])
    return split.map((s, i) => sums[i]! + s.edges.reduce((a, e) => a + byEdge.get(e)!, 0))
  }
  // 新增客户 of the edge days: each group's rows created in its span (a day or two)
  const newCustomers = () =>
    viaDays(requirePerm(c.actor, 'customers', 'view'), 'customers', () =>
      perEdge(eachGroup((rs) => customersDashboardCounts(c, { ranges: rs, notContactedSince: [] }).then((r) => r.created))))
  const briefing = async () => {
    const metric = async (key: BriefingMetric['key'], f: () => Promise<number[]>): Promise<BriefingMetric | null> => {
      const n = await guard(f)
      return n ? { key, current: n[0], previous: n[1] } : null
    }
    // orders, their amount and payments: one read of the order and payment sums per period
    let sales: Promise<Array<{ orders: number; salesCents: number; paymentsCents: number }>> | null = null
    const orders = () => (sales ??= ordersBriefing(c, [current, previous]))
    const metrics = await Promise.all([
      metric('newCustomers', newCustomers),
      metric('newContacts', () =>
        viaDays(narrowerScope(requirePerm(c.actor, 'contacts', 'view'), requirePerm(c.actor, 'customers', 'view')), 'contacts', () => perEdge(eachGroup((rs) => contactsCreatedCounts(c, rs))))),
      // the edges' records read and their customers checked (a day or two each)
      metric('interactions', () => viaDays(requirePerm(c.actor, 'interactions', 'view'), 'interactions', () => perEdge((gs) => interactionsCountInGroups(c, gs, { short: true })))),
      metric('newOpportunities', () => opportunitiesCreatedCounts(c, ranges)),
      metric('orders', async () => (await orders()).map((x) => x.orders)),
      metric('orderAmount', async () => (await orders()).map((x) => x.salesCents)),
      metric('payments', async () => (await orders()).map((x) => x.paymentsCents)),
    ])
    const shown = metrics.filter((m): m is BriefingMetric => !!m)
    return shown.length ? { metrics: shown } : null
  }
  const forgotten = async () => {
    const n = (await customersDashboardCounts(c, { ranges: [], notContactedSince: forgottenBefore })).forgotten
    return { buckets: FORGOTTEN_DAYS.map((days, i) => ({ days, count: n[i], before: forgottenBefore[i] })) }
  }
  const performance = async (): Promise<PerformanceCard> => {
    // the target period holding the period picked: 本周 → this month; custom → the year of its first day
    const first = days.current.first
    const pad = (n: number) => String(n).padStart(2, '0')
    const [periodType, periodStart]: [PerformanceCard['periodType'], string] =
      input.period === 'quarter' ? ['quarter', `${first.y}-${pad(first.m)}-01`]
      : input.period === 'year' ? ['year', `${first.y}-01-01`]
      : input.period === 'custom' ? ['year', `${first.y}-01-01`]
      : input.period === 'week' ? ['month', `${today.y}-${pad(today.m)}-01`]
      : ['month', `${first.y}-${pad(first.m)}-01`]
    return targetsDashboard(c, { periodType, periodStart })
  }
  const funnel = async () => {
    const f = await opportunitiesFunnel(c, { from: current.from, to: current.to, groupBy: 'manager' })
    return {
      total: f.total, open: f.open, won: f.won, lost: f.lost, amountCents: f.amountCents,
      stages: f.stages.map((s) => ({ stageId: s.stageId, count: s.count, reached: s.reached, amountCents: s.amountCents })),
    }
  }
  const birthdays = async () => {
    const week = weekOf(today)
    const list = await contactsBirthdaysOn(c, Array.from({ length: 7 }, (_, i) => addDays(week.first, i)))
    const r = rangeOf(zone, week)
    return { weekStart: r.firstDay, weekEnd: r.lastDay, total: list.length, items: list.slice(0, input.limit) }
  }
  const promises = async () => {
    const r = await promisesOverdue(c, page)
    return { total: r.total, items: r.items }
  }

  const card = <T>(key: DashboardCard, f: () => Promise<T>) => (want.has(key) ? guard(f) : Promise.resolve(null))
  const [t, tc, b, fg, pf, fn, bd, pr] = await Promise.all([
    card('todos', todos), card('toContact', toContact), card('briefing', briefing), card('forgotten', forgotten),
    card('performance', performance), card('funnel', funnel), card('birthdays', birthdays), card('promises', promises),
  ])
  return {
    now: now.toISOString(), scope, scopes, period: { ...current, kind: input.period }, previous,
    todos: t, toContact: tc, briefing: b, forgotten: fg, performance: pf, funnel: fn, birthdays: bd, promises: pr,
  }
}

// ---- the layout -----------------------------------------------------------------------------------

/** Stored cards in their order (unknown keys dropped, each once), then the cards added since, shown. */
function normalize(stored: LayoutCard[]): LayoutCard[] {
  const seen = new Set<string>()
  const out: LayoutCard[] = []
  for (const c of stored) {
    if (!(DASHBOARD_CARDS as readonly string[]).includes(c.key) || seen.has(c.key)) continue
    seen.add(c.key)
    out.push({ key: c.key, hidden: c.hidden === true })
  }
  for (const key of DASHBOARD_CARDS) if (!seen.has(key)) out.push({ key, hidden: false })
  return out
}

function parseCards(v: unknown): LayoutCard[] {
  try {
    const parsed = JSON.parse(String(v))
    return Array.isArray(parsed) ? parsed : []
  } catch {
    return []
  }
}

export async function dashboardLayout(ctx: ServiceContext): Promise<Layout> {
  const row = await findLayout(ctx.db.knex, ctx.actor.userId)
  return row ? { cards: normalize(parseCards(row.cards)), version: Number(row.version) } : { cards: normalize([]), version: null }
}

/** Saves the caller's card order and hidden cards (only the caller's own layout). */
export async function dashboardSaveLayout(ctx: ServiceContext, input: { cards: LayoutCard[]; version: number | null }): Promise<Layout> {
  const cards = normalize(input.cards)
  await ctx.db.knex.transaction(async (trx) => {
    const row = await findLayout(trx, ctx.actor.userId)
    const now = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const json = JSON.stringify(cards)
    if (!row) {
      if (input.version !== null) throw conflict('dashboard_layout')
      const id = ctx.actor.userId
      await insertLayout(trx, { user_id: id, cards: json, created_at: now, updated_at: now, version })
      await recordAudit(trx, ctx, { entity: 'dashboard_layout', entityId: id, action: 'create', changes: { cards: [null, cards] } })
      return
    }
    if (input.version === null || !(await updateLayout(trx, ctx.actor.userId, { cards: json, updated_at: now, version }, input.version))) {
      throw conflict('dashboard_layout', Number(row.version))
    }
    const before = normalize(parseCards(row.cards))
    if (JSON.stringify(before) !== json) {
      await recordAudit(trx, ctx, { entity: 'dashboard_layout', entityId: ctx.actor.userId, action: 'update', changes: { cards: [before, cards] } })
    }
  })
  return dashboardLayout(ctx)
}

