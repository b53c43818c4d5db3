// 客户流失管理: 流失预警 opened by the daily check (last order older than the 购买策略's cycle,
// 180 days without one), 暂缓措施 → 暂缓流失, or 确认流失 with a 流失原因; a new order closes it.
import { z } from 'zod'
import { BaseVersion, call, Empty, Id, IsoDate, IsoDateTime, PageInput, pageOf, requiredText, text, optText } from './common'

export const CHURN_STATUSES = ['open', 'paused', 'confirmed', 'closed'] as const
export const ChurnStatus = z.enum(CHURN_STATUSES)
export type ChurnStatus = z.infer<typeof ChurnStatus>

export const ChurnAction = z.enum(['addMeasure', 'confirm'])
export type ChurnAction = z.infer<typeof ChurnAction>

/** Days without an order after which a customer without a 购买策略 cycle counts as churning. */
export const DEFAULT_CHURN_CYCLE_DAYS = 180

export const ChurnMeasure = z.object({
  id: Id,
  measureDate: IsoDate,
  content: z.string(),
  createdBy: Id.nullable(),
  createdByName: z.string().nullable(),
  createdAt: IsoDateTime,
})
export type ChurnMeasure = z.infer<typeof ChurnMeasure>

export const ChurnWarningRow = z.object({
  id: Id,
  customerId: Id,
  customerCode: z.string(),
  customerName: z.string(),
  regionId: Id.nullable(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  status: ChurnStatus,
  /** the customer's last order when the warning opened (null: never ordered) */
  lastOrderDate: IsoDate.nullable(),
  cycleDays: z.number().int().nullable(),
  detectedAt: IsoDateTime,
  measureCount: z.number().int(),
  lastMeasureDate: IsoDate.nullable(),
  reasonId: Id.nullable(),
  confirmedAt: IsoDateTime.nullable(),
  closedAt: IsoDateTime.nullable(),
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type ChurnWarningRow = z.infer<typeof ChurnWarningRow>

export const ChurnWarning = ChurnWarningRow.extend({
  reasonText: z.string().nullable(),
  confirmedBy: Id.nullable(),
  confirmedByName: z.string().nullable(),
  closedReason: z.string().nullable(),
  measures: z.array(ChurnMeasure),
  /** what the caller may do now */
  actions: z.array(ChurnAction),
})
export type ChurnWarning = z.infer<typeof ChurnWarning>

export const ChurnFilter = z.strictObject({
  status: ChurnStatus.optional(),
  ownerId: Id.optional(),
  regionId: Id.optional(),
  /** customer name or code */
  search: text(100).optional(),
})
export type ChurnFilter = z.infer<typeof ChurnFilter>

export const ChurnCheckResult = z.object({ opened: z.number().int(), closed: z.number().int(), ms: z.number() })
export type ChurnCheckResult = z.infer<typeof ChurnCheckResult>

export const churnContract = {
  list: call(PageInput.extend({ filter: ChurnFilter.default({}) }), pageOf(ChurnWarningRow)),
  get: call(z.strictObject({ id: Id }), ChurnWarning),
  /** The customer card's banner: the warning that is open or paused (or the confirmed one), else null. */
  forCustomer: call(z.strictObject({ customerId: Id }), ChurnWarning.nullable()),
  /** 暂缓措施: a dated measure; the warning (and the customer) become 暂缓流失 */
  addMeasure: call(z.strictObject({ id: Id, version: BaseVersion, measureDate: IsoDate, content: requiredText(2000) }), ChurnWarning),
  /** 确认流失 with a 流失原因 (dictionary churn_reason): the customer moves to the matching 流失 category */
  confirm: call(z.strictObject({ id: Id, version: BaseVersion, reasonId: Id, reasonText: optText(2000) }), ChurnWarning),
  /** Runs the check now over the caller's customers (the daily job checks everyone). */
  runCheck: call(Empty, ChurnCheckResult),
} as const
