// 销售目标 per account manager or team per month / quarter / year, their progress, and the
// 销售业绩 table (target vs actual, completion rate). Actual = the sales (approved, shipped,
// completed orders) dated in the period, or the payments received in it (`basis`).
import { z } from 'zod'
import { BaseVersion, call, DataScope, Id, IsoDate, IsoDateTime, Ok, versionWithId } from './common'
import { Cents } from './products'

export const PeriodType = z.enum(['month', 'quarter', 'year'])
export type PeriodType = z.infer<typeof PeriodType>

/** What "actual" counts: sales (by order date) or received payments (by payment date). */
export const TargetBasis = z.enum(['orders', 'payments'])
export type TargetBasis = z.infer<typeof TargetBasis>

export const Target = z.object({
  id: Id,
  /** the account manager; null for a team target */
  userId: Id.nullable(),
  userName: z.string().nullable(),
  teamId: Id.nullable(),
  teamName: z.string().nullable(),
  periodType: PeriodType,
  /** the first day of the month / quarter / year */
  periodStart: IsoDate,
  amountCents: z.number().int(),
  /** sales in the period */
  actualOrdersCents: z.number().int(),
  /** payments received in the period */
  actualPaymentsCents: z.number().int(),
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Target = z.infer<typeof Target>

export const TargetListInput = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  periodType: PeriodType.optional(),
  teamId: Id.optional(),
  userId: Id.optional(),
})
export type TargetListInput = z.input<typeof TargetListInput>

export const TargetInput = z.strictObject({
  /** an existing target to edit (with its version) */
  id: Id.optional(),
  version: BaseVersion.optional(),
  /** exactly one of userId (a manager's target) and teamId (a team's target) */
  userId: Id.nullish(),
  teamId: Id.nullish(),
  periodType: PeriodType,
  periodStart: IsoDate,
  amountCents: Cents,
}).superRefine(versionWithId)
export type TargetInput = z.input<typeof TargetInput>

export const PerformanceRow = z.object({
  kind: z.enum(['user', 'team']),
  userId: Id.nullable(),
  userName: z.string().nullable(),
  teamId: Id.nullable(),
  teamName: z.string().nullable(),
  /** null: no target set for the period */
  targetCents: z.number().int().nullable(),
  actualCents: z.number().int(),
  /** actual ÷ target in percent (one decimal); null without a target */
  rate: z.number().nullable(),
})
export type PerformanceRow = z.infer<typeof PerformanceRow>

export const PerformanceInput = z.strictObject({
  periodType: PeriodType,
  periodStart: IsoDate,
  basis: TargetBasis.default('orders'),
  teamId: Id.optional(),
  /** narrows the caller's scope (a 工作台 card's link: the figures the card showed); never widens */
  scope: DataScope.optional(),
})
export type PerformanceInput = z.input<typeof PerformanceInput>

export const Performance = z.object({
  periodType: PeriodType,
  periodStart: IsoDate,
  /** the day after the period */
  periodEnd: IsoDate,
  basis: TargetBasis,
  /** managers first (by team, then name), then each team's row */
  rows: z.array(PerformanceRow),
  totalTargetCents: z.number().int(),
  totalActualCents: z.number().int(),
  /** actual per month of the period (for the chart): YYYY-MM → cents */
  byMonth: z.array(z.object({ month: z.string(), actualCents: z.number().int() })),
})
export type Performance = z.infer<typeof Performance>

export const targetsContract = {
  list: call(TargetListInput, z.array(Target)),
  save: call(TargetInput, Target),
  remove: call(z.strictObject({ id: Id, version: BaseVersion }), Ok),
  /** 销售业绩: target vs actual per account manager and team for one period. */
  performance: call(PerformanceInput, Performance),
} as const
