// 销售目标 and 销售业绩. A target belongs to one account manager (owner_id) or one team (team_id)
// for a month, quarter or year (period_start = its first day). Actual = sales (approved,
// shipped, completed orders dated in the period, by their owner) or received payments (by the
// payment date); a team's actual is the sum over its current members. Scope: own = the caller's
// targets (and the caller's team's, read-only); team = the team's managers and the team; all.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import type { PerformanceRow, PeriodType, Target, TargetBasis } from '../../contract/targets'
import { AppError, fieldError, forbidden, notFound } from '../../shared/errors'
import { toBool, toIso, toNum } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { inScope, narrowerScope, requirePerm } from '../auth/permissions'
import { diff, recordAudit } from '../audit/audit.service'
import { actualsByOwnerMonth } from '../orders/orders.service'
import { findTarget, findTeam, findUser, insertTarget, sameTarget, staff, targetsBetween, teams, updateTarget, type Row } from './targets.repository'

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const int = (v: unknown) => Number(toNum(v) ?? 0)
const conflict = () => new AppError('conflict', 'the target was changed meanwhile; reload and try again', { key: 'errors.conflict' })

// ---- periods ------------------------------------------------------------------------------------

const MONTHS: Record<PeriodType, number> = { month: 1, quarter: 3, year: 12 }

/** Whether `start` is the first day of a period of that type (YYYY-MM-01; quarters start in 1/4/7/10). */
export function isPeriodStart(type: PeriodType, start: string): boolean {
  const m = /^(\d{4})-(\d{2})-01$/.exec(start)
  if (!m) return false
  const month = Number(m[2])
  return type === 'month' ? month >= 1 && month <= 12 : type === 'quarter' ? [1, 4, 7, 10].includes(month) : month === 1
}

/** The first day after the period. */
export function periodEnd(type: PeriodType, start: string): string {
  const y = Number(start.slice(0, 4))
  const m = Number(start.slice(5, 7)) - 1 + MONTHS[type]
  return `${y + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`
}

/** The YYYY-MM months of a period. */
export function monthsOf(type: PeriodType, start: string): string[] {
  const out: string[] = []
  const y = Number(start.slice(0, 4))
  const m0 = Number(start.slice(5, 7)) - 1
  for (let i = 0; i < MONTHS[type]; i++) out.push(`${y + Math.floor((m0 + i) / 12)}-${String(((m0 + i) % 12) + 1).padStart(2, '0')}`)
  return out
}

const rate = (actual: number, target: number | null) => (target && target > 0 ? Math.round((actual * 1000) / target) / 10 : null)

// ---- scope -------------------------------------------------------------------------------------------

/** A manager's target by the manager's team; a team's target by its team (own scope: only reading one's team's). */
function targetInScope(ctx: ServiceContext, scope: DataScope, r: Row, reading: boolean): boolean {
  if (r.owner_id) return inScope(ctx.actor, scope, str(r.owner_id), str(r.owner_team_id))
  if (scope === 'all') return true
  return !!ctx.actor.teamId && r.team_id === ctx.actor.teamId && (scope === 'team' || reading)
}

/** Monthly actuals per owner for the days [from, to) (whole months: periods start on the 1st). */
async function actualsByOwner(db: Knex, basis: TargetBasis, from: string, to: string) {
  const map = new Map<string, Map<string, number>>() // owner → month → cents
  const lastMonth = monthsBefore(to)
  for (const r of await actualsByOwnerMonth(db, basis, from.slice(0, 7), lastMonth)) {
    if (!r.ownerId) continue
    if (!map.has(r.ownerId)) map.set(r.ownerId, new Map())
    const m = map.get(r.ownerId)!
    m.set(r.month, (m.get(r.month) ?? 0) + r.cents)
  }
  return map
}

/** The YYYY-MM before a period end (YYYY-MM-01). */
function monthsBefore(end: string): string {
  const y = Number(end.slice(0, 4))
  const m = Number(end.slice(5, 7))
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

const sumMonths = (byMonth: Map<string, number> | undefined, months: string[]) => (byMonth ? months.reduce((s, m) => s + (byMonth.get(m) ?? 0), 0) : 0)

// ---- list / save / remove --------------------------------------------------------------------------------

function toTarget(r: Row, orders: number, payments: number): Target {
  return {
    id: String(r.id), userId: str(r.owner_id), userName: str(r.user_name), teamId: str(r.team_id), teamName: str(r.team_name),
    periodType: String(r.period_type) as PeriodType, periodStart: String(r.period_start), amountCents: int(r.amount_cents),
    actualOrdersCents: orders, actualPaymentsCents: payments, updatedAt: toIso(r.updated_at)!, version: Number(r.version),
  }
}

/** Actual sales and payments of each target (a team's over its current members). */
async function withActuals(db: Knex, rows: Row[]): Promise<Target[]> {
  if (!rows.length) return []
  const from = rows.reduce((m, r) => (String(r.period_start) < m ? String(r.period_start) : m), String(rows[0].period_start))
  const to = rows.reduce((m, r) => {
    const e = periodEnd(String(r.period_type) as PeriodType, String(r.period_start))
    return e > m ? e : m
  }, from)
  const [orders, payments, members] = [await actualsByOwner(db, 'orders', from, to), await actualsByOwner(db, 'payments', from, to), await staff(db)]
  const owners = (r: Row) => (r.owner_id ? [String(r.owner_id)] : members.filter((u) => u.team_id === r.team_id).map((u) => String(u.id)))
  return rows.map((r) => {
    const months = monthsOf(String(r.period_type) as PeriodType, String(r.period_start))
    const who = owners(r)
    return toTarget(r, who.reduce((s, o) => s + sumMonths(orders.get(o), months), 0), who.reduce((s, o) => s + sumMonths(payments.get(o), months), 0))
  })
}

export async function targetsList(ctx: ServiceContext, input: { year: number; periodType?: PeriodType; teamId?: string; userId?: string }): Promise<Target[]> {
  const scope = requirePerm(ctx.actor, 'targets', 'view')
  const k = ctx.db.knex
  const rows = (await targetsBetween(k, `${input.year}-01-01`, `${input.year + 1}-01-01`, input)).filter((r) => targetInScope(ctx, scope, r, true))
  return withActuals(k, rows)
}

export async function targetsSave(
  ctx: ServiceContext,
  input: { id?: string; version?: number; userId?: string | null; teamId?: string | null; periodType: PeriodType; periodStart: string; amountCents: number },
): Promise<Target> {
  const scope = requirePerm(ctx.actor, 'targets', input.id ? 'edit' : 'create')
  if (!!input.userId === !!input.teamId) throw fieldError('userId', 'one_of', 'a target is for one account manager or one team')
  if (!isPeriodStart(input.periodType, input.periodStart)) throw fieldError('periodStart', 'invalid_period', 'not the first day of such a period', { periodType: input.periodType })
  const k = ctx.db.knex
  const id = await k.transaction(async (trx) => {
    const subject: Row = { owner_id: input.userId ?? null, team_id: null, owner_team_id: null }
    if (input.userId) {
      const u = await findUser(trx, input.userId)
      if (!u || toBool(u.disabled)) throw fieldError('userId', 'invalid_owner', 'not an enabled user')
      Object.assign(subject, { team_id: u.team_id ?? null, owner_team_id: u.team_id ?? null })
    } else {
      if (!(await findTeam(trx, input.teamId!))) throw fieldError('teamId', 'invalid', 'no such team')
      subject.team_id = input.teamId
    }
    if (!targetInScope(ctx, scope, subject, false)) throw forbidden('targets', input.id ? 'edit' : 'create')
    const at = ctx.clock.now().toISOString()
    const fields = { owner_id: input.userId ?? null, team_id: subject.team_id, period_type: input.periodType, period_start: input.periodStart, amount_cents: input.amountCents }
    if (await sameTarget(trx, { ownerId: fields.owner_id, teamId: fields.team_id as string | null, periodType: input.periodType, periodStart: input.periodStart }, input.id)) {
      throw fieldError('periodStart', 'duplicate', 'a target for this period exists already')
    }
    const version = await nextVersion(trx)
    const view = (r: Row) => ({ userId: str(r.owner_id), teamId: str(r.team_id), periodType: r.period_type, periodStart: r.period_start, amountCents: int(r.amount_cents) })
    if (input.id) {
      const before = await findTarget(trx, input.id)
      if (!before || !targetInScope(ctx, scope, before, true)) throw notFound('target', input.id)
      if (!targetInScope(ctx, scope, before, false)) throw forbidden('targets', 'edit')
      if (input.version === undefined || Number(before.version) !== input.version) throw conflict()
      if (!(await updateTarget(trx, input.id, { ...fields, updated_at: at, version }, input.version))) throw conflict()
      await recordAudit(trx, ctx, { entity: 'sales_target', entityId: input.id, action: 'update', changes: diff(view(before), view(fields)) })
      return input.id
    }
    const newIdValue = newId()
    await insertTarget(trx, { id: newIdValue, ...fields, created_at: at, updated_at: at, version })
    await recordAudit(trx, ctx, { entity: 'sales_target', entityId: newIdValue, action: 'create', changes: diff(null, view(fields)) })
    return newIdValue
  })
  return (await withActuals(k, [(await findTarget(k, id))!]))[0]
}

export async function targetsRemove(ctx: ServiceContext, input: { id: string; version: number }) {
  const scope = requirePerm(ctx.actor, 'targets', 'delete')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await findTarget(trx, input.id)
    if (!before || !targetInScope(ctx, scope, before, true)) throw notFound('target', input.id)
    if (!targetInScope(ctx, scope, before, false)) throw forbidden('targets', 'delete')
    const at = ctx.clock.now().toISOString()
    if (!(await updateTarget(trx, input.id, { deleted_at: at, updated_at: at, version: await nextVersion(trx) }, input.version))) throw conflict()
    await recordAudit(trx, ctx, {
      entity: 'sales_target', entityId: input.id, action: 'delete',
      changes: { periodType: [before.period_type, null], periodStart: [before.period_start, null], amountCents: [int(before.amount_cents), null] },
    })
  })
  return { ok: true as const }
}

// ---- 销售业绩 -----------------------------------------------------------------------------------------------

/**
 * Target vs actual for one period: a row per account manager in scope (a manager without a
 * target or sales still shows, with no rate), then a row per team (its target, and the sum over
 * its current members), plus the period's actual per month.
 */
export async function targetsPerformance(
  ctx: ServiceContext,
  input: { periodType: PeriodType; periodStart: string; basis: TargetBasis; teamId?: string; userId?: string; within?: DataScope },
) {
  // the 统计报表 caps the scope (`within`) and may name one account manager (`userId`: no team rows)
  const granted = requirePerm(ctx.actor, 'targets', 'view')
  const scope = input.within ? narrowerScope(granted, input.within) : granted
  if (!isPeriodStart(input.periodType, input.periodStart)) throw fieldError('periodStart', 'invalid_period', 'not the first day of such a period', { periodType: input.periodType })
  const k = ctx.db.knex
  const end = periodEnd(input.periodType, input.periodStart)
  const months = monthsOf(input.periodType, input.periodStart)
  const ownTeam = scope === 'all' ? null : ctx.actor.teamId
  if (scope !== 'all' && input.teamId && input.teamId !== ctx.actor.teamId) return empty(input, end, months)
  const teamFilter = input.teamId ?? ownTeam
  const me = ctx.actor.userId
  const people = (await staff(k, teamFilter)).filter(
    (u) => (scope === 'all' ? true : scope === 'team' && ctx.actor.teamId ? u.team_id === ctx.actor.teamId : u.id === me) && (!input.userId || u.id === input.userId),
  )
  const actuals = await actualsByOwner(k, input.basis, input.periodStart, end)
  const targets = (await targetsBetween(k, input.periodStart, end, { periodType: input.periodType })).filter((t) => t.period_start === input.periodStart)
  const userTarget = new Map(targets.filter((t) => t.owner_id).map((t) => [String(t.owner_id), int(t.amount_cents)]))
  const teamTarget = new Map(targets.filter((t) => !t.owner_id && t.team_id).map((t) => [String(t.team_id), int(t.amount_cents)]))
  const teamList = scope === 'own' ? (ctx.actor.teamId ? await teams(k, ctx.actor.teamId) : []) : await teams(k, teamFilter)
  const teamName = new Map(teamList.map((t) => [String(t.id), String(t.name)]))

  const rows: PerformanceRow[] = []
  const shown = people.filter((u) => u.role_code === 'manager' || userTarget.has(String(u.id)) || actuals.has(String(u.id)))
  const teamOf = (u: Row) => (u.team_id ? (teamName.get(String(u.team_id)) ?? '') : '\uffff')
  shown.sort((a, b) => teamOf(a).localeCompare(teamOf(b), 'zh-CN') || String(a.name).localeCompare(String(b.name), 'zh-CN'))
  for (const u of shown) {
    const target = userTarget.get(String(u.id)) ?? null
    const actual = sumMonths(actuals.get(String(u.id)), months)
    rows.push({ kind: 'user', userId: String(u.id), userName: String(u.name), teamId: str(u.team_id), teamName: u.team_id ? (teamName.get(String(u.team_id)) ?? null) : null, targetCents: target, actualCents: actual, rate: rate(actual, target) })
  }
  const allStaff = await staff(k)
  for (const t of input.userId ? [] : teamList) {
    const members = allStaff.filter((u) => u.team_id === t.id).map((u) => String(u.id))
    const actual = members.reduce((s, id) => s + sumMonths(actuals.get(id), months), 0)
    const target = teamTarget.get(String(t.id)) ?? null
    rows.push({ kind: 'team', userId: null, userName: null, teamId: String(t.id), teamName: String(t.name), targetCents: target, actualCents: actual, rate: rate(actual, target) })
  }
  const ownerIds = new Set(people.map((u) => String(u.id)))
  const byMonth = months.map((m) => ({ month: m, actualCents: [...ownerIds].reduce((s, id) => s + (actuals.get(id)?.get(m) ?? 0), 0) }))
  const userRows = rows.filter((r) => r.kind === 'user')
  return {
    periodType: input.periodType, periodStart: input.periodStart, periodEnd: end, basis: input.basis, rows,
    totalTargetCents: userRows.reduce((s, r) => s + (r.targetCents ?? 0), 0),
    totalActualCents: userRows.reduce((s, r) => s + r.actualCents, 0),
    byMonth,
  }
}

function empty(input: { periodType: PeriodType; periodStart: string; basis: TargetBasis }, end: string, months: string[]) {
  return {
    periodType: input.periodType, periodStart: input.periodStart, periodEnd: end, basis: input.basis, rows: [], totalTargetCents: 0, totalActualCents: 0,
    byMonth: months.map((m) => ({ month: m, actualCents: 0 })),
  }
}

/**
 * For the 工作台's 业绩指标: the period's sales target and actual (orders basis, as 销售业绩) in
 * the caller's scope, the completion rate, and the actual sales per month of the period's year
 * (销售趋势). The target: a team scope's team target when the team has one, else the sum of the
 * targets of the people in scope (null when none has one: no rate).
 */
export async function targetsDashboard(ctx: ServiceContext, input: { periodType: PeriodType; periodStart: string }) {
  const scope = requirePerm(ctx.actor, 'targets', 'view')
  const p = await targetsPerformance(ctx, { ...input, basis: 'orders' })
  const year = await targetsPerformance(ctx, { periodType: 'year', periodStart: `${input.periodStart.slice(0, 4)}-01-01`, basis: 'orders' })
  const people = p.rows.filter((r) => r.kind === 'user')
  const team = scope === 'team' ? p.rows.find((r) => r.kind === 'team' && r.teamId === ctx.actor.teamId) : undefined
  const target = team && team.targetCents !== null ? team.targetCents : people.some((r) => r.targetCents !== null) ? people.reduce((s, r) => s + (r.targetCents ?? 0), 0) : null
  const actual = p.totalActualCents
  return {
    periodType: input.periodType, periodStart: input.periodStart, periodEnd: p.periodEnd, targetCents: target, actualCents: actual, rate: rate(actual, target),
    trend: year.byMonth,
  }
}
