// 销售漏斗与业绩 (统计报表): the opportunities' 销售漏斗 (opportunities service) and the targets' 销售业绩
// (targets service), read through their services for the report's period and filters. The funnel
// counts the opportunities created in the period: per stage how many reached it, the
// stage-to-stage conversion, win rates, per 客户经理, team or customer region; 销售业绩 sets the
// period's targets against the actual sales (or payments) per 客户经理 and team with the
// completion rate — when the period is a whole month, quarter or year (targets exist for those).
// Scope: reports.view, never wider than the opportunities' and the targets' view scopes
// (reports.scope.ts), so the numbers match the 销售机会 list and the 销售目标 page.
import type { z } from 'zod'
import type { ServiceContext } from '../context'
import type { PipelinePerformance, PipelineReport, PipelineReportInput } from '../../contract/reports'
import type { PeriodType } from '../../contract/targets'
import { narrowerScope } from '../auth/permissions'
import { opportunitiesFunnel } from '../opportunities/pipeline.service'
import { isPeriodStart, periodEnd, targetsPerformance } from '../targets/targets.service'
import { frameOf } from './reports.service'
import { reportScope } from './reports.scope'

type In = z.output<typeof PipelineReportInput>

const r4 = (x: number) => Math.round(x * 10_000) / 10_000
const rateOf = (actual: number, target: number | null) => (target && target > 0 ? r4(actual / target) : null)

/** The day after a YYYY-MM-DD. */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** The target period the days are, if they are exactly one (a year before a quarter before a month). */
export function targetPeriodOf(first: string, last: string): { periodType: PeriodType; periodStart: string } | null {
  for (const periodType of ['year', 'quarter', 'month'] as const) {
    if (isPeriodStart(periodType, first) && periodEnd(periodType, first) === nextDay(last)) return { periodType, periodStart: first }
  }
  return null
}

export async function reportsPipeline(ctx: ServiceContext, input: In): Promise<PipelineReport> {
  const f = await frameOf(ctx, input)
  const funnelScope = reportScope(ctx.actor, 'opportunities')
  const targetScope = reportScope(ctx.actor, 'targets')
  const funnel = await opportunitiesFunnel(ctx, { from: f.range.from, to: f.range.to, groupBy: input.groupBy, filter: f.filter, within: funnelScope })

  let performance: PipelinePerformance | null = null
  const tp = targetPeriodOf(f.days.first, f.days.last)
  if (tp) {
    const p = await targetsPerformance(ctx, { ...tp, basis: input.basis, teamId: input.teamId, userId: input.ownerId, within: targetScope })
    // own scope: the caller's own row (the targets page also shows the own team's, read-only)
    const rows = p.rows.filter((r) => targetScope !== 'own' || r.kind === 'user').map((r) => ({ ...r, rate: rateOf(r.actualCents, r.targetCents) }))
    performance = {
      periodType: tp.periodType, periodStart: tp.periodStart,
      targetCents: p.totalTargetCents, actualCents: p.totalActualCents, rate: rateOf(p.totalActualCents, p.totalTargetCents),
      rows, byMonth: p.byMonth,
    }
  }
  return {
    scope: narrowerScope(funnelScope, targetScope),
    period: { firstDay: f.days.first, lastDay: f.days.last, kind: f.kind },
    groupBy: input.groupBy, basis: input.basis,
    total: funnel.total, open: funnel.open, won: funnel.won, lost: funnel.lost, winRate: funnel.won + funnel.lost ? r4(funnel.won / (funnel.won + funnel.lost)) : null,
    amountCents: funnel.amountCents, weightedCents: funnel.weightedCents, wonAmountCents: funnel.wonAmountCents,
    stages: funnel.stages.map((s) => ({ stageId: s.stageId, reached: s.reached, conversion: s.conversion, count: s.count, open: s.open, amountCents: s.amountCents, weightedCents: s.weightedCents })),
    groups: funnel.groups,
    closed: { won: funnel.closed.won, lost: funnel.closed.lost, wonAmountCents: funnel.closed.wonAmountCents, winRate: funnel.closed.winRate },
    performance,
  }
}
