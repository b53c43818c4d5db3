// 公海 customer pool: customers without an owner. A rep 放入公海 (releases, with a reason) and
// 领取 (claims) up to a limit of owned customers; a supervisor 分配 (assigns) pool customers.
// Rules (global, set by the admin): a customer not followed up for N days, or without an order
// for M days, returns to the pool by itself (checked with the reminder evaluation, with a
// 公海预警 reminder K days before); a rep cannot reclaim what he released for D days.
import { z } from 'zod'
import { call, Empty, Id, IsoDateTime, pageOf, requiredText } from './common'
import { CustomerListInput, CustomerRow } from './customers'

const days = (max: number) => z.number().int().min(1).max(max)

export const PoolRules = z.object({
  /** 未跟进 N 天退回公海 (null: off) */
  noFollowUpDays: days(3650).nullable(),
  /** 未成交 M 天退回公海 (null: off) */
  noOrderDays: days(3650).nullable(),
  /** 公海预警 this many days before a rule returns a customer (0: no warning) */
  warnDays: z.number().int().min(0).max(60),
  /** a rep may not reclaim a customer he released (or that was taken from him) for this many days (0: at once) */
  reclaimDays: z.number().int().min(0).max(3650),
  /** 领取上限: customers one rep may own at most (null: no limit) */
  maxOwned: z.number().int().min(1).max(1_000_000).nullable(),
  /** when each rule was last switched on: a customer is counted from then at the earliest */
  noFollowUpSince: IsoDateTime.nullable(),
  noOrderSince: IsoDateTime.nullable(),
})
export type PoolRules = z.infer<typeof PoolRules>

export const PoolRulesInput = PoolRules.omit({ noFollowUpSince: true, noOrderSince: true }).strict()
export type PoolRulesInput = z.input<typeof PoolRulesInput>

export const PoolMoveResult = z.object({ changed: z.number().int() })

export const PoolEvalResult = z.object({
  /** customers returned to the pool by a rule */
  returned: z.number().int(),
  /** 公海预警 reminders made */
  warned: z.number().int(),
  /** 公海预警 reminders withdrawn (contacted, ordered, reassigned, rule changed) */
  withdrawn: z.number().int(),
  /** customers whose 查重 keys were missing and were filled in */
  keysFilled: z.number().int(),
  ms: z.number(),
})
export type PoolEvalResult = z.infer<typeof PoolEvalResult>

const Ids = (max: number) => z.array(Id).min(1).max(max)

export const poolContract = {
  /** Customers in the 公海, with the customer list's search, filters and sort. */
  list: call(CustomerListInput, pageOf(CustomerRow).extend({ totalCapped: z.boolean().optional() })),
  /** 放入公海: own (or, with a wider customers scope, the team's) customers, with a reason. */
  release: call(z.strictObject({ ids: Ids(500), reason: requiredText(200) }), PoolMoveResult),
  /** 领取: pool customers become the caller's (within the limit; not what he released lately). */
  claim: call(z.strictObject({ ids: Ids(100) }), PoolMoveResult),
  /** 分配: pool customers to a user (in the team for a team scope). */
  assign: call(z.strictObject({ ids: Ids(500), ownerId: Id }), PoolMoveResult),
  getRules: call(Empty, PoolRules),
  saveRules: call(PoolRulesInput, PoolRules),
  /** The caller's standing: customers owned and the limit. */
  status: call(Empty, z.object({ owned: z.number().int(), maxOwned: z.number().int().nullable(), reclaimDays: z.number().int() })),
  /** Runs the pool rules now (they also run with the reminder evaluation). */
  evaluate: call(Empty, PoolEvalResult),
} as const
