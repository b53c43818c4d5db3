// 工作台: the home page after login. One call answers the cards the caller asks for, each card
// computed by its area's service (reminders, customers, contacts, interactions, opportunities,
// orders and payments, targets)
// under the caller's permissions, narrowed to the scope picked (mine / team / company).
// A card the caller has no permission for answers null. The per-user layout (order, hidden
// cards) is stored server-side.
import { z } from 'zod'
import { BaseVersion, call, DataScope, Empty, Id, IsoDate, IsoDateTime } from './common'
import { ClientZone, CustomerToContact, Reminder } from './reminders'
import { PromiseItem } from './interactions'

/** The cards of the 工作台 (issue 13), each answered by its area's service. */
export const DashboardCard = z.enum(['todos', 'toContact', 'briefing', 'forgotten', 'performance', 'funnel', 'birthdays', 'promises'])
export type DashboardCard = z.infer<typeof DashboardCard>
export const DASHBOARD_CARDS = DashboardCard.options

export const PeriodKind = z.enum(['week', 'month', 'quarter', 'year', 'custom'])
export type PeriodKind = z.infer<typeof PeriodKind>

/** at most this many days in a custom period */
export const MAX_CUSTOM_DAYS = 731

export const OverviewInput = ClientZone.extend({
  /** mine / my team / company: narrowed to what the role allows (the answer says which applied) */
  scope: DataScope.default('own'),
  period: PeriodKind.default('month'),
  /** custom period: first and last local day, inclusive */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  /** only these cards (default: every card) */
  cards: z.array(DashboardCard).max(DASHBOARD_CARDS.length).optional(),
  /** first items per list card */
  limit: z.number().int().min(1).max(20).default(5),
}).superRefine((v, ctx) => {
  if (v.period !== 'custom') return
  if (!v.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a custom period needs its first day' })
  if (!v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a custom period needs its last day' })
  if (v.from && v.to) {
    const days = (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the end is before the start' })
    else if (days >= MAX_CUSTOM_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_CUSTOM_DAYS} days`, params: { maximum: MAX_CUSTOM_DAYS } })
  }
})
export type OverviewInput = z.input<typeof OverviewInput>

/** A period as instants [from, to) on the caller's wall clock, and its local days (inclusive). */
export const PeriodRange = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  firstDay: IsoDate,
  lastDay: IsoDate,
})
export type PeriodRange = z.infer<typeof PeriodRange>

/**
 * A 销售简报 figure for the period and the one before. orders: orders dated in the period, every
 * status (the order list's count for those dates); orderAmount: their sales in cents (approved,
 * shipped, completed: the list's 合计); payments: cents received in the period (回款记录's 合计).
 */
export const BriefingMetric = z.object({
  key: z.enum(['newCustomers', 'newContacts', 'interactions', 'newOpportunities', 'orders', 'orderAmount', 'payments']),
  current: z.number().int(),
  previous: z.number().int(),
})
export type BriefingMetric = z.infer<typeof BriefingMetric>

export const ForgottenBucket = z.object({
  /** not followed up for at least this many days (never followed up: since created) */
  days: z.number().int(),
  count: z.number().int(),
  /** the instant before which the last follow-up lies (the customer list's filter) */
  before: IsoDateTime,
})
export type ForgottenBucket = z.infer<typeof ForgottenBucket>

export const FunnelCardStage = z.object({
  stageId: Id.nullable(),
  count: z.number().int(),
  reached: z.number().int(),
  amountCents: z.number(),
})

/** 业绩指标: sales target vs actual of the target period holding the period picked, and 销售趋势. */
export const PerformanceCard = z.object({
  /** 本月/本季/本年: that period; 本周: the month of today; custom: the year of its first day */
  periodType: z.enum(['month', 'quarter', 'year']),
  periodStart: IsoDate,
  /** the first day after the period */
  periodEnd: IsoDate,
  /** null: no target set for the scope */
  targetCents: z.number().int().nullable(),
  actualCents: z.number().int(),
  /** actual / target in percent, one decimal; null without a target */
  rate: z.number().nullable(),
  /** actual sales per month (YYYY-MM) of the period's year */
  trend: z.array(z.object({ month: z.string(), actualCents: z.number().int() })),
})
export type PerformanceCard = z.infer<typeof PerformanceCard>

export const BirthdayItem = z.object({
  contactId: Id,
  contactName: z.string(),
  customerId: Id,
  customerName: z.string(),
  /** the (solar) date of the birthday this week */
  date: IsoDate,
  calendar: z.enum(['solar', 'lunar']),
})
export type BirthdayItem = z.infer<typeof BirthdayItem>

export const Overview = z.object({
  now: IsoDateTime,
  /** the scope applied (the one asked for, narrowed to the role's) */
  scope: DataScope,
  /** the scopes the caller may pick */
  scopes: z.array(DataScope),
  period: PeriodRange.extend({ kind: PeriodKind }),
  previous: PeriodRange,
  /** 今日待办 and 已逾期: the caller's own reminders (and, for a wider scope, the team's overdue follow-ups) */
  todos: z
    .object({
      todayCount: z.number().int(),
      overdueCount: z.number().int(),
      today: z.array(Reminder),
      overdue: z.array(Reminder),
      teamOverdueCount: z.number().int().nullable(),
    })
    .nullable(),
  /** 今日需联系客户 */
  toContact: z.object({ total: z.number().int(), items: z.array(CustomerToContact) }).nullable(),
  /** 销售简报: each metric for the period and the one before; a metric the caller may not see is left out */
  briefing: z.object({ metrics: z.array(BriefingMetric) }).nullable(),
  /** 遗忘客户: 7 / 15 / 30 / 90+ days without a follow-up */
  forgotten: z.object({ buckets: z.array(ForgottenBucket) }).nullable(),
  /** 业绩指标 and 销售趋势 */
  performance: PerformanceCard.nullable(),
  /** 销售漏斗 of the opportunities created in the period */
  funnel: z
    .object({ total: z.number().int(), open: z.number().int(), won: z.number().int(), lost: z.number().int(), amountCents: z.number(), stages: z.array(FunnelCardStage) })
    .nullable(),
  /** contacts' birthdays this week (Monday to Sunday, caller's wall clock) */
  birthdays: z.object({ weekStart: IsoDate, weekEnd: IsoDate, total: z.number().int(), items: z.array(BirthdayItem) }).nullable(),
  /** promises not kept and past their date */
  promises: z.object({ total: z.number().int(), items: z.array(PromiseItem) }).nullable(),
})
export type Overview = z.infer<typeof Overview>

export const LayoutCard = z.object({ key: DashboardCard, hidden: z.boolean() })
export type LayoutCard = z.infer<typeof LayoutCard>

export const Layout = z.object({
  /** every card once, in the user's order */
  cards: z.array(LayoutCard),
  /** null: never saved (the default layout) */
  version: z.number().nullable(),
})
export type Layout = z.infer<typeof Layout>

export const LayoutSave = z
  .strictObject({
    cards: z.array(z.strictObject({ key: DashboardCard, hidden: z.boolean() })).min(1).max(DASHBOARD_CARDS.length),
    /** the version of the layout as loaded; null when it was the default (never saved) */
    version: BaseVersion.nullable(),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>()
    v.cards.forEach((c, i) => {
      if (seen.has(c.key)) ctx.addIssue({ code: 'custom', path: ['cards', i, 'key'], message: 'each card once' })
      seen.add(c.key)
    })
  })
export type LayoutSave = z.input<typeof LayoutSave>

export const dashboardContract = {
  /** The cards of the 工作台 for a scope and period. */
  overview: call(OverviewInput, Overview),
  /** The caller's card order and hidden cards. */
  layout: call(Empty, Layout),
  saveLayout: call(LayoutSave, Layout),
} as const
