// 订单 with its lines, approval and 回款 (payment plans and received payments).
//
// Money is integer cents; a quantity has at most three decimals. The rounding rule, the same
// everywhere (src-main/modules/orders/orders.model.ts): a line's total is
//   round_half_up(quantity × unit price × (1 − discount))   in cents, once per line,
// and the order's total is the sum of its line totals.
//
// Status: 草稿 draft → 待审批 pending → 已审批 approved → 已发货 shipped → 已完成 completed, or
// 已取消 cancelled from draft, pending or approved. Approved, shipped and completed orders are
// sales: they count for the customer's 交易次数/交易金额/首次交易/最近交易, targets and 应收.
import { z } from 'zod'
import { BaseVersion, call, DataScope, Empty, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, text, versionWithId } from './common'
import { Cents, MAX_QUANTITY } from './products'

export const OrderStatus = z.enum(['draft', 'pending', 'approved', 'shipped', 'completed', 'cancelled'])
export type OrderStatus = z.infer<typeof OrderStatus>

/** Statuses that count as a sale (customer trade figures, sales targets, receivables). */
export const COUNTED_STATUSES = ['approved', 'shipped', 'completed'] as const satisfies readonly OrderStatus[]

/**
 * The edges (cents) of the amount bands order_stats keeps per owner, month and status: ¥100,
 * ¥200, ¥300, ¥500, ¥1,000 … ¥500,000,000 (1-2-3-5 per decade). Band b holds the totals in
 * [edge b−1, edge b) (band 0 from 0, the last band without an upper edge). An amount filter on
 * band edges is answered from order_stats alone; one between edges also reads the orders of the
 * band it cuts.
 */
export const AMOUNT_BAND_EDGES: readonly number[] = [10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000]
  .flatMap((p) => [p, 2 * p, 3 * p, 5 * p])

/** The band of an order total (index into the bands of AMOUNT_BAND_EDGES). */
export const amountBandOf = (cents: number) => {
  let b = 0
  while (b < AMOUNT_BAND_EDGES.length && cents >= AMOUNT_BAND_EDGES[b]!) b++
  return b
}

/** A discount in basis points: 1000 = 10 %, 10000 = 100 %. */
export const DiscountBp = z.number().int().min(0).max(10_000)
export const LineQuantity = z.number().gt(0).max(MAX_QUANTITY).multipleOf(0.001)

export const OrderLineInput = z.strictObject({
  /** a catalogue product, or none for a free-text line */
  productId: Id.nullish(),
  productName: requiredText(200),
  model: optText(200),
  unit: optText(20),
  quantity: LineQuantity,
  unitPriceCents: Cents,
  discountBp: DiscountBp.default(0),
})
export type OrderLineInput = z.input<typeof OrderLineInput>

export const MAX_LINES = 200

export const OrderFields = z.strictObject({
  customerId: Id,
  orderDate: IsoDate,
  deliveryAddress: optText(500),
  notes: optText(4000),
  lines: z.array(OrderLineInput).max(MAX_LINES).default([]),
})
export type OrderFields = z.input<typeof OrderFields>
/** An edit of a draft: only the fields sent; `lines`, when sent, replaces all lines. */
export const OrderPatch = OrderFields.extend({ lines: z.array(OrderLineInput).max(MAX_LINES).optional() }).partial()
export type OrderPatch = z.input<typeof OrderPatch>

export const OrderLine = z.object({
  id: Id,
  lineNo: z.number().int(),
  productId: Id.nullable(),
  productCode: z.string().nullable(),
  productName: z.string(),
  model: z.string().nullable(),
  unit: z.string().nullable(),
  quantity: z.number(),
  unitPriceCents: z.number().int(),
  discountBp: z.number().int(),
  /** quantity × unit price, before the discount (rounded like the total) */
  grossCents: z.number().int(),
  lineTotalCents: z.number().int(),
})
export type OrderLine = z.infer<typeof OrderLine>

export const PlanState = z.enum(['paid', 'partial', 'open', 'overdue'])
export type PlanState = z.infer<typeof PlanState>

export const PaymentPlan = z.object({
  id: Id,
  orderId: Id,
  dueDate: IsoDate,
  amountCents: z.number().int(),
  /** received payments allocated to the plans in due-date order */
  paidCents: z.number().int(),
  note: z.string().nullable(),
  state: PlanState,
  version: z.number(),
})
export type PaymentPlan = z.infer<typeof PaymentPlan>

export const Payment = z.object({
  id: Id,
  orderId: Id,
  paidDate: IsoDate,
  amountCents: z.number().int(),
  /** a dict item of type payment_method */
  methodId: Id.nullable(),
  note: z.string().nullable(),
  createdBy: Id.nullable(),
  createdByName: z.string().nullable(),
  createdAt: IsoDateTime,
  version: z.number(),
})
export type Payment = z.infer<typeof Payment>

/** What the caller may do with the order now (the service refuses the rest anyway). */
export const OrderAllowed = z.object({
  edit: z.boolean(),
  submit: z.boolean(),
  withdraw: z.boolean(),
  approve: z.boolean(),
  reject: z.boolean(),
  ship: z.boolean(),
  complete: z.boolean(),
  cancel: z.boolean(),
  remove: z.boolean(),
  plans: z.boolean(),
  payments: z.boolean(),
})
export type OrderAllowed = z.infer<typeof OrderAllowed>

export const Order = z.object({
  id: Id,
  code: z.string(),
  customerId: Id,
  customerCode: z.string().nullable(),
  customerName: z.string().nullable(),
  orderDate: IsoDate,
  status: OrderStatus,
  deliveryAddress: z.string().nullable(),
  notes: z.string().nullable(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  createdBy: Id.nullable(),
  createdByName: z.string().nullable(),
  grossCents: z.number().int(),
  discountCents: z.number().int(),
  totalCents: z.number().int(),
  /** the highest line discount */
  maxDiscountBp: z.number().int(),
  /** the app's discount limit: above it only a role with orders.approve may approve */
  discountLimitBp: z.number().int(),
  receivedCents: z.number().int(),
  /** 应收: total − received for a sale, 0 otherwise */
  outstandingCents: z.number().int(),
  /** due plans (before today) not yet covered by payments */
  overdueCents: z.number().int(),
  /** the earliest due date of a plan not fully paid */
  nextDueDate: IsoDate.nullable(),
  submittedAt: IsoDateTime.nullable(),
  /** the last decision: approved, or rejected back to draft */
  approvalResult: z.enum(['approved', 'rejected']).nullable(),
  reviewedBy: Id.nullable(),
  reviewedByName: z.string().nullable(),
  reviewedAt: IsoDateTime.nullable(),
  approvalComment: z.string().nullable(),
  shippedAt: IsoDateTime.nullable(),
  completedAt: IsoDateTime.nullable(),
  cancelledAt: IsoDateTime.nullable(),
  cancelReason: z.string().nullable(),
  lines: z.array(OrderLine),
  plans: z.array(PaymentPlan),
  payments: z.array(Payment),
  allowed: OrderAllowed,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Order = z.infer<typeof Order>

export const OrderRow = z.object({
  id: Id,
  code: z.string(),
  customerId: Id,
  customerName: z.string().nullable(),
  orderDate: IsoDate,
  status: OrderStatus,
  totalCents: z.number().int(),
  receivedCents: z.number().int(),
  outstandingCents: z.number().int(),
  maxDiscountBp: z.number().int(),
  nextDueDate: IsoDate.nullable(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  updatedAt: IsoDateTime,
})
export type OrderRow = z.infer<typeof OrderRow>

export const ORDER_SORT_FIELDS = ['orderDate', 'code', 'totalCents', 'updatedAt'] as const

export const OrderFilter = z.strictObject({
  /** order number, or the customer's name / code / pinyin */
  search: text(100).optional(),
  status: OrderStatus.optional(),
  customerId: Id.optional(),
  ownerId: Id.optional(),
  dateFrom: IsoDate.optional(),
  dateTo: IsoDate.optional(),
  amountMinCents: Cents.optional(),
  amountMaxCents: Cents.optional(),
  /** narrows the caller's scope to mine / my team (never widens it): a 工作台 card's scope, carried by its link */
  scope: DataScope.optional(),
})
export type OrderFilter = z.infer<typeof OrderFilter>

/** Totals over every order matching the filter (not only the page). */
export const OrderSums = z.object({
  totalCents: z.number().int(),
  receivedCents: z.number().int(),
  outstandingCents: z.number().int(),
  overdueCents: z.number().int(),
})
export type OrderSums = z.infer<typeof OrderSums>

export const OrderListInput = PageInput.extend({
  filter: OrderFilter.default({}),
  sort: z
    .strictObject({ field: z.enum(ORDER_SORT_FIELDS), order: z.enum(['asc', 'desc']).default('desc') })
    .default({ field: 'orderDate', order: 'desc' }),
})
export type OrderListInput = z.input<typeof OrderListInput>

/** 应收款: a sale with money still to come. */
export const ReceivableRow = OrderRow.extend({ overdueCents: z.number().int() })
export type ReceivableRow = z.infer<typeof ReceivableRow>

export const ReceivableFilter = z.strictObject({
  search: text(100).optional(),
  customerId: Id.optional(),
  ownerId: Id.optional(),
  /** only orders with a plan past its due date and not fully paid */
  overdueOnly: z.boolean().optional(),
})
export type ReceivableFilter = z.infer<typeof ReceivableFilter>

/** Totals over every receivable matching the filter. */
export const ReceivableSums = z.object({ outstandingCents: z.number().int(), overdueCents: z.number().int() })
export type ReceivableSums = z.infer<typeof ReceivableSums>

export const PaymentRow = Payment.extend({
  orderCode: z.string(),
  customerId: Id,
  customerName: z.string().nullable(),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
})
export type PaymentRow = z.infer<typeof PaymentRow>

export const PaymentFilter = z.strictObject({
  search: text(100).optional(),
  customerId: Id.optional(),
  ownerId: Id.optional(),
  methodId: Id.optional(),
  dateFrom: IsoDate.optional(),
  dateTo: IsoDate.optional(),
  /** narrows the caller's scope to mine / my team (never widens it): a 工作台 card's scope, carried by its link */
  scope: DataScope.optional(),
})
export type PaymentFilter = z.infer<typeof PaymentFilter>

export const OrderSettings = z.object({
  /** the highest line discount a caller without orders.approve may approve (default 10 %) */
  discountLimitBp: DiscountBp,
})
export type OrderSettings = z.infer<typeof OrderSettings>

const Transition = z.strictObject({ id: Id, version: BaseVersion, comment: optText(500) })
const Versioned = z.strictObject({ id: Id, version: BaseVersion })

export const PlanInput = z.strictObject({
  orderId: Id,
  /** an existing plan to edit (with its version), or none for a new one */
  id: Id.optional(),
  version: BaseVersion.optional(),
  dueDate: IsoDate,
  amountCents: Cents.min(1),
  note: optText(500),
}).superRefine(versionWithId)
export type PlanInput = z.input<typeof PlanInput>

export const PaymentInput = z.strictObject({
  orderId: Id,
  /** the order's version the payment is recorded against */
  version: BaseVersion,
  paidDate: IsoDate,
  amountCents: Cents.min(1),
  methodId: Id.nullish(),
  note: optText(500),
})
export type PaymentInput = z.input<typeof PaymentInput>

export const ordersContract = {
  list: call(OrderListInput, pageOf(OrderRow).extend({ sums: OrderSums })),
  get: call(z.strictObject({ id: Id }), Order),
  create: call(OrderFields, Order),
  /** Draft only. */
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: OrderPatch }), Order),
  /** Draft, pending or cancelled orders only (orders.delete). */
  remove: call(Versioned, Ok),
  /** draft → pending (needs at least one line) */
  submit: call(Transition, Order),
  /** pending → draft, by its owner or creator */
  withdraw: call(Transition, Order),
  /** pending → approved: never one's own order; above the discount limit only with orders.approve */
  approve: call(Transition, Order),
  /** pending → draft with the reviewer's reason */
  reject: call(z.strictObject({ id: Id, version: BaseVersion, comment: requiredText(500) }), Order),
  /** approved → shipped */
  ship: call(Transition, Order),
  /** shipped → completed */
  complete: call(Transition, Order),
  /** draft, pending or approved (without received payments) → cancelled */
  cancel: call(Transition, Order),
  /** Adds or edits a payment plan (回款计划); not on a cancelled order. */
  savePlan: call(PlanInput, Order),
  removePlan: call(Versioned, Order),
  /** Records a received payment on a sale; more than the outstanding amount is refused. */
  addPayment: call(PaymentInput, Order),
  removePayment: call(Versioned, Order),
  /** 应收款: sales with money outstanding, with overdue amounts and the next due date. */
  receivables: call(PageInput.extend({ filter: ReceivableFilter.default({}) }), pageOf(ReceivableRow).extend({ sums: ReceivableSums })),
  /** 回款记录: received payments, newest first. */
  payments: call(
    PageInput.extend({ filter: PaymentFilter.default({}) }),
    pageOf(PaymentRow).extend({ sums: z.object({ amountCents: z.number().int() }) }),
  ),
  getSettings: call(Empty, OrderSettings),
  saveSettings: call(z.strictObject({ discountLimitBp: DiscountBp }), OrderSettings),
  /**
   * The PDF file name of an order's printed sheet (the caller must be allowed to see the order).
   * The desktop app then asks where to save and prints the window showing the sheet to PDF.
   */
  savePdf: call(z.strictObject({ id: Id }), z.object({ fileName: z.string(), saved: z.boolean(), path: z.string().nullable() })),
} as const
