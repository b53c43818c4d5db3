// 竞争对手 on the customer card: who else supplies the customer, at what price, how well, and
// which share of the customer's purchases they hold. Read and written with the customer's rights.
import { z } from 'zod'
import { BaseVersion, call, Id, IsoDateTime, Ok, optText, requiredText } from './common'

export const CompetitorFields = z.strictObject({
  name: requiredText(200),
  /** products they supply to the customer */
  products: optText(4000),
  priceInfo: optText(4000),
  strengths: optText(4000),
  weaknesses: optText(4000),
  /** share of the customer's purchases, 0–100 % */
  sharePct: z.number().int().min(0).max(100).nullish(),
  notes: optText(4000),
})
export type CompetitorFields = z.input<typeof CompetitorFields>

export const Competitor = z.object({
  id: Id,
  customerId: Id,
  name: z.string(),
  products: z.string().nullable(),
  priceInfo: z.string().nullable(),
  strengths: z.string().nullable(),
  weaknesses: z.string().nullable(),
  sharePct: z.number().int().nullable(),
  notes: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Competitor = z.infer<typeof Competitor>

export const competitorsContract = {
  list: call(z.strictObject({ customerId: Id }), z.array(Competitor)),
  create: call(CompetitorFields.extend({ customerId: Id }), Competitor),
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: CompetitorFields.partial() }), Competitor),
  remove: call(z.strictObject({ id: Id }), Ok),
} as const
