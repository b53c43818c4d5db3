// 统计报表 (module `reports`): 客户贡献分析, 客户构成分析, 客户服务分析, 客户流失分析, 销售漏斗与业绩, 跟进统计. Each report
// answers its chart's data and the table beneath it for a period and filters, counted over the
// customers in the caller's data scope (reports.view: own / team / all); each exports to .xlsx
// (the filters and the table written on the sheet) and prints (desktop: printToPDF).
import { z } from 'zod'
import { call, Id, IsoDate } from './common'
import { PeriodKind } from './dashboard'
import { ExportFile, ExportLang } from './exports'
import { PerformanceRow, TargetBasis } from './targets'
import { FunnelGroup, FunnelStage } from './opportunities'
import { TimeZone } from './reminders'

export const REPORT_NAMES = ['contribution', 'composition', 'service', 'churn', 'pipeline', 'followups'] as const
export const ReportName = z.enum(REPORT_NAMES)
export type ReportName = z.infer<typeof ReportName>

/** at most this many days in a custom period */
export const MAX_REPORT_DAYS = 1096

/**
 * The customers a report counts (beside the period and the caller's scope): the one filter every
 * report, its export and a saved report (定时报告) extend.
 */
export const ReportFilter = z.strictObject({
  /** customers owned by a member of this team */
  teamId: Id.optional(),
  /** customers owned by this user */
  ownerId: Id.optional(),
  regionId: Id.optional(),
  levelId: Id.optional(),
})
export type ReportFilter = z.infer<typeof ReportFilter>

const filterShape = {
  /** the caller's zone (the period's days); default: the app's */
  timeZone: TimeZone.optional(),
  utcOffsetMinutes: z.number().int().min(-840).max(840).optional(),
  period: PeriodKind.default('year'),
  /** custom period: first and last day, inclusive */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  ...ReportFilter.shape,
}

type FilterLike = { period: string; from?: string; to?: string }
const checkPeriod = (v: FilterLike, ctx: z.RefinementCtx) => {
  if (v.period !== 'custom') return
  if (!v.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a custom period needs its first day' })
  if (!v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a custom period needs its last day' })
  if (v.from && v.to) {
    const days = (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the end is before the start' })
    else if (days >= MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_REPORT_DAYS} days`, params: { maximum: MAX_REPORT_DAYS } })
  }
}

export const ContributionBasis = z.enum(['orders', 'payments'])
export type ContributionBasis = z.infer<typeof ContributionBasis>
export const CompositionDimension = z.enum(['level', 'region', 'industry', 'nature', 'size', 'source', 'category'])
export type CompositionDimension = z.infer<typeof CompositionDimension>
export const COMPOSITION_DIMENSIONS = CompositionDimension.options

const contributionShape = {
  ...filterShape,
  /** 订单金额 (sales by order date) or 回款金额 (payments by paid date) */
  basis: ContributionBasis.default('orders'),
  /** ranked rows answered (the totals and the 20/80 curve count every customer) */
  limit: z.number().int().min(1).max(500).default(50),
}
const compositionShape = { ...filterShape, dimension: CompositionDimension.default('level') }

export const ContributionInput = z.strictObject(contributionShape).superRefine(checkPeriod)
export type ContributionInput = z.input<typeof ContributionInput>
export const CompositionInput = z.strictObject(compositionShape).superRefine(checkPeriod)
export type CompositionInput = z.input<typeof CompositionInput>
export const ServiceReportInput = z.strictObject(filterShape).superRefine(checkPeriod)
export type ServiceReportInput = z.input<typeof ServiceReportInput>
export const ChurnReportInput = z.strictObject(filterShape).superRefine(checkPeriod)
export type ChurnReportInput = z.input<typeof ChurnReportInput>
export const FollowUpReportInput = z.strictObject(filterShape).superRefine(checkPeriod)
export type FollowUpReportInput = z.input<typeof FollowUpReportInput>

/** Local days, inclusive. */
export const ReportDays = z.object({ firstDay: IsoDate, lastDay: IsoDate })
export type ReportDays = z.infer<typeof ReportDays>

const head = {
  /** the data scope applied (reports.view's) */
  scope: z.enum(['own', 'team', 'all']),
  period: ReportDays.extend({ kind: PeriodKind }),
}

export const ContributionRow = z.object({
  rank: z.number().int(),
  customerId: Id,
  code: z.string(),
  name: z.string(),
  ownerName: z.string().nullable(),
  cents: z.number(),
  /** of the period's total, 0–1 (4 decimals) */
  share: z.number(),
  /** the shares of this and every higher-ranked customer, 0–1 */
  cumulativeShare: z.number(),
  /** the same period a year before */
  compareCents: z.number(),
  /** (cents − compareCents) / compareCents, 4 decimals; null without a figure a year before */
  growth: z.number().nullable(),
})
export type ContributionRow = z.infer<typeof ContributionRow>

export const Mover = z.object({ customerId: Id, code: z.string(), name: z.string(), cents: z.number(), compareCents: z.number(), deltaCents: z.number() })
export type Mover = z.infer<typeof Mover>

export const ContributionReport = z.object({
  ...head,
  basis: ContributionBasis,
  /** the same days a year earlier */
  compare: ReportDays,
  totalCents: z.number(),
  compareTotalCents: z.number(),
  /** customers with an amount in the period */
  customers: z.number().int(),
  rows: z.array(ContributionRow),
  /** the largest rises and falls against a year before (极端情况) */
  gainers: z.array(Mover),
  losers: z.array(Mover),
  /** the 20/80 curve: the top `customersPct` % of customers (by amount; rounded up to whole customers) bring `sharePct` % of the total; every 5 % */
  pareto: z.array(z.object({ customersPct: z.number().int(), sharePct: z.number() })),
  /** share of the total from the top 20 % of customers, 0–1 */
  top20Share: z.number(),
})
export type ContributionReport = z.infer<typeof ContributionReport>

export const CompositionSlice = z.object({
  /** the dictionary item; null: not set */
  id: Id.nullable(),
  customers: z.number().int(),
  /** sales (order totals) of these customers in the period */
  salesCents: z.number(),
})
export type CompositionSlice = z.infer<typeof CompositionSlice>

export const CompositionReport = z.object({
  ...head,
  dimension: CompositionDimension,
  customers: z.number().int(),
  salesCents: z.number(),
  slices: z.array(CompositionSlice),
})
export type CompositionReport = z.infer<typeof CompositionReport>

export const TicketStatusName = z.enum(['new', 'assigned', 'handled', 'feedback', 'archived'])

export const ServiceTypeRow = z.object({
  typeId: Id.nullable(),
  tickets: z.number().int(),
  /** still waiting (new, assigned) */
  open: z.number().int(),
  /** average minutes to first assignment / to resolve; null when none */
  avgAssignMinutes: z.number().nullable(),
  avgResolveMinutes: z.number().nullable(),
  /** average score 1–5 of those rated; null when none */
  avgSatisfaction: z.number().nullable(),
  /** resolved after their SLA, or waiting past it now */
  slaBreaches: z.number().int(),
})
export type ServiceTypeRow = z.infer<typeof ServiceTypeRow>

export const ServiceReport = z.object({
  ...head,
  tickets: z.number().int(),
  byType: z.array(ServiceTypeRow),
  /** YYYY-MM (local) of creation: tickets, resolved among them, average satisfaction */
  byMonth: z.array(z.object({ month: z.string(), tickets: z.number().int(), avgSatisfaction: z.number().nullable(), rated: z.number().int() })),
  byStatus: z.array(z.object({ status: TicketStatusName, tickets: z.number().int() })),
  /** scores 1–5 and how many got each */
  satisfaction: z.array(z.object({ score: z.number().int(), tickets: z.number().int() })),
  avgAssignMinutes: z.number().nullable(),
  avgResolveMinutes: z.number().nullable(),
  slaBreaches: z.number().int(),
})
export type ServiceReport = z.infer<typeof ServiceReport>

export const ChurnedCustomer = z.object({
  customerId: Id,
  code: z.string(),
  name: z.string(),
  regionId: Id.nullable(),
  reasonId: Id.nullable(),
  reasonText: z.string().nullable(),
  lastOrderDate: IsoDate.nullable(),
  confirmedAt: z.string(),
})
export type ChurnedCustomer = z.infer<typeof ChurnedCustomer>

export const ChurnReport = z.object({
  ...head,
  /** customers (live, in scope, matching the filters) */
  customers: z.number().int(),
  /** 流失 confirmed in the period */
  churned: z.number().int(),
  /** churned / customers, 4 decimals */
  rate: z.number(),
  reasons: z.array(z.object({ reasonId: Id.nullable(), churned: z.number().int() })),
  byMonth: z.array(z.object({ month: z.string(), churned: z.number().int(), rate: z.number() })),
  byRegion: z.array(z.object({ regionId: Id.nullable(), customers: z.number().int(), churned: z.number().int(), rate: z.number() })),
  /** 流失预警 raised in the period by where they stand now: open (open, paused) vs resolved (confirmed, cancelled) */
  warnings: z.object({ open: z.number().int(), paused: z.number().int(), confirmed: z.number().int(), cancelled: z.number().int() }),
  /** the churned customers, newest first (first 200) */
  list: z.array(ChurnedCustomer),
})
export type ChurnReport = z.infer<typeof ChurnReport>

export const FollowUpRep = z.object({
  /** the rep who wrote the records (interactions.owner_id); null: none */
  userId: Id.nullable(),
  name: z.string().nullable(),
  total: z.number().int(),
  /** distinct customers followed up */
  customers: z.number().int(),
  /** per 交往方式 (dictionary interaction_channel; null: none) */
  channels: z.array(z.object({ channelId: Id.nullable(), count: z.number().int() })),
})
export type FollowUpRep = z.infer<typeof FollowUpRep>

export const FollowUpReport = z.object({
  ...head,
  total: z.number().int(),
  /** customers followed up at least once in the period */
  customers: z.number().int(),
  /** the channels in use, most used first */
  channels: z.array(z.object({ channelId: Id.nullable(), count: z.number().int() })),
  byRep: z.array(FollowUpRep),
  /** per local day with a record: YYYY-MM-DD */
  byDay: z.array(z.object({ day: IsoDate, count: z.number().int() })),
  /** 联系策略 now: per owner, customers with a policy, contacted within its cycle, and overdue */
  policy: z.array(z.object({ userId: Id.nullable(), name: z.string().nullable(), withPolicy: z.number().int(), onTime: z.number().int(), overdue: z.number().int() })),
})
export type FollowUpReport = z.infer<typeof FollowUpReport>

// ---- 销售漏斗与业绩 (the opportunities' funnel and the targets' 销售业绩, read through their services) ----

export const PipelineGroupBy = z.enum(['manager', 'team', 'region'])
export type PipelineGroupBy = z.infer<typeof PipelineGroupBy>

const pipelineShape = {
  ...filterShape,
  /** the funnel's rows: per 客户经理 (assignee), team or customer region */
  groupBy: PipelineGroupBy.default('manager'),
  /** 销售业绩's actual: sales (orders) or received payments */
  basis: TargetBasis.default('orders'),
}
export const PipelineReportInput = z.strictObject(pipelineShape).superRefine(checkPeriod)
export type PipelineReportInput = z.input<typeof PipelineReportInput>

/** A stage of the funnel: the opportunities' own funnel row (conversion 0–1, 4 decimals). */
export const PipelineStage = FunnelStage
export type PipelineStage = z.infer<typeof PipelineStage>

/** A row per 客户经理 (user id), team or region (dictionary item; its label from the dictionary): the opportunities' funnel group. */
export const PipelineGroup = FunnelGroup
export type PipelineGroup = z.infer<typeof PipelineGroup>

export const PipelinePerformance = z.object({
  /** the target period the report's period is (a month, quarter or year) */
  periodType: z.enum(['month', 'quarter', 'year']),
  periodStart: IsoDate,
  targetCents: z.number().int(),
  actualCents: z.number().int(),
  /** actual ÷ target, 0–1 (4 decimals); null without a target */
  rate: z.number().nullable(),
  /** per 客户经理, then per team; `rate` here is 0–1 (4 decimals) too */
  rows: z.array(PerformanceRow),
  byMonth: z.array(z.object({ month: z.string(), actualCents: z.number().int() })),
})
export type PipelinePerformance = z.infer<typeof PipelinePerformance>

export const PipelineReport = z.object({
  ...head,
  groupBy: PipelineGroupBy,
  basis: TargetBasis,
  /** opportunities created in the period */
  total: z.number().int(),
  open: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  /** won ÷ (won + lost) of those created in the period, 0–1; null without a closed one */
  winRate: z.number().nullable(),
  amountCents: z.number(),
  weightedCents: z.number(),
  wonAmountCents: z.number(),
  stages: z.array(PipelineStage),
  groups: z.array(PipelineGroup),
  /** closed within the period (by close time), whenever created */
  closed: z.object({ won: z.number().int(), lost: z.number().int(), wonAmountCents: z.number(), winRate: z.number().nullable() }),
  /** target vs actual; null when the period is not a whole month, quarter or year (targets are set per such periods) */
  performance: PipelinePerformance.nullable(),
})
export type PipelineReport = z.infer<typeof PipelineReport>

const exportCommon = {
  lang: ExportLang.default('zh-CN'),
}
export const ReportExportInput = z.discriminatedUnion('report', [
  z.strictObject({ report: z.literal('contribution'), ...contributionShape, ...exportCommon }),
  z.strictObject({ report: z.literal('composition'), ...compositionShape, ...exportCommon }),
  z.strictObject({ report: z.literal('service'), ...filterShape, ...exportCommon }),
  z.strictObject({ report: z.literal('churn'), ...filterShape, ...exportCommon }),
  z.strictObject({ report: z.literal('pipeline'), ...pipelineShape, ...exportCommon }),
  z.strictObject({ report: z.literal('followups'), ...filterShape, ...exportCommon }),
]).superRefine(checkPeriod)
export type ReportExportInput = z.input<typeof ReportExportInput>

export const reportsContract = {
  contribution: call(ContributionInput, ContributionReport),
  composition: call(CompositionInput, CompositionReport),
  service: call(ServiceReportInput, ServiceReport),
  churn: call(ChurnReportInput, ChurnReport),
  /** 销售漏斗与业绩: the funnel by stage (stage-to-stage conversion, win rates) per manager, team or region; target vs actual */
  pipeline: call(PipelineReportInput, PipelineReport),
  /** 跟进统计: follow-ups per rep by channel and day; customers contacted within their 联系策略 */
  followups: call(FollowUpReportInput, FollowUpReport),
  /** the report as a formatted .xlsx: the filters above the table of the chart's data */
  export: call(ReportExportInput, ExportFile),
  /** desktop: the window (showing the report's print view) saved as PDF; elsewhere the browser prints */
  savePdf: call(z.strictObject({ report: ReportName }), z.object({ fileName: z.string(), saved: z.boolean(), path: z.string().nullable() })),
} as const
