// 销售机会管理 and 客户开发计划 (specification 3.1 营销管理), the board and the 销售漏斗.
// Status flow: 未分配 unassigned → 已指派 assigned (by a 销售主管, to one 客户经理) → 开发成功 won /
// 开发失败 lost (with a 失败原因). Only an unassigned opportunity can be edited; only its creator
// can delete it. The pipeline fields (stage, probability, expected amount and close date) stay
// open to its 客户经理 until it closes (see modules/opportunities/README.md).
import { z } from 'zod'
import { BaseVersion, call, DataScope, Empty, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, text } from './common'

export const OpportunityStatus = z.enum(['unassigned', 'assigned', 'won', 'lost'])
export type OpportunityStatus = z.infer<typeof OpportunityStatus>

/** Integer cents, at most 10 亿元 per opportunity (so Σ amount × probability stays exact). */
const Amount = z.number().int().min(0).max(100_000_000_000)
const Probability = z.number().int().min(0).max(100)

/** 表1 of the specification: what the create and edit forms hold. */
export const OpportunityFields = z.strictObject({
  /** 机会来源 (dictionary opportunity_source) */
  sourceId: Id.nullish(),
  /** an existing customer picked in the search box; null for a new prospect */
  customerId: Id.nullish(),
  /** 客户名称: required; the picked customer's name or the prospect's */
  customerName: requiredText(200),
  /** 成功机率 0–100 */
  probability: Probability,
  /** 概要 */
  summary: requiredText(200),
  contactName: optText(100),
  contactPhone: optText(50),
  /** 机会描述 */
  description: requiredText(4000),
})
export type OpportunityFields = z.infer<typeof OpportunityFields>

/** The pipeline-tracking fields: the funnel's stage, expected amount and close date (and the probability). */
export const PipelineFields = z.strictObject({
  /** 销售阶段 (dictionary opportunity_stage); choosing one without a probability takes the stage's default */
  stageId: Id.nullish(),
  expectedAmountCents: Amount.nullish(),
  expectedCloseDate: IsoDate.nullish(),
})

export const OpportunityCreate = OpportunityFields.extend(PipelineFields.shape)
export type OpportunityCreate = z.input<typeof OpportunityCreate>

/** What the caller may do with one opportunity (the service enforces the same rules). */
export const OpportunityCan = z.object({
  edit: z.boolean(),
  remove: z.boolean(),
  assign: z.boolean(),
  /** stage, probability, expected amount and close date */
  track: z.boolean(),
  /** the 客户开发计划: steps and their 执行效果 */
  plan: z.boolean(),
  /** 开发成功 / 开发失败 */
  close: z.boolean(),
})
export type OpportunityCan = z.infer<typeof OpportunityCan>

export const Opportunity = z.object({
  id: Id,
  code: z.string(),
  sourceId: Id.nullable(),
  customerId: Id.nullable(),
  /** the linked customer's code (a picked customer, or the one 开发成功 made or linked) */
  customerCode: z.string().nullable(),
  customerName: z.string(),
  probability: z.number().int(),
  summary: z.string(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  description: z.string(),
  stageId: Id.nullable(),
  expectedAmountCents: z.number().nullable(),
  expectedCloseDate: IsoDate.nullable(),
  status: OpportunityStatus,
  assignedTo: Id.nullable(),
  assignedToName: z.string().nullable(),
  assignedBy: Id.nullable(),
  assignedByName: z.string().nullable(),
  assignedAt: IsoDateTime.nullable(),
  lostReasonId: Id.nullable(),
  /** what the 客户经理 wrote when ending the plan */
  resultNote: z.string().nullable(),
  closedAt: IsoDateTime.nullable(),
  createdBy: Id,
  createdByName: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
  can: OpportunityCan,
})
export type Opportunity = z.infer<typeof Opportunity>

export const PlanStep = z.object({
  id: Id,
  opportunityId: Id,
  seq: z.number().int(),
  plannedDate: IsoDate,
  /** 计划事项 */
  action: z.string(),
  /** 执行效果 */
  result: z.string().nullable(),
  executedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type PlanStep = z.infer<typeof PlanStep>

export const OpportunityDetail = Opportunity.extend({
  steps: z.array(PlanStep),
  /** the caller may open the linked customer's card */
  customerVisible: z.boolean(),
})
export type OpportunityDetail = z.infer<typeof OpportunityDetail>

export const OpportunityRow = Opportunity.omit({ description: true })
export type OpportunityRow = z.infer<typeof OpportunityRow>

export const OPPORTUNITY_SORT_FIELDS = [
  'code', 'customerName', 'probability', 'expectedAmountCents', 'expectedCloseDate', 'createdAt', 'updatedAt', 'assignedAt',
] as const

export const OpportunityFilter = z.strictObject({
  /** code, customer, summary, contact, phone, or pinyin (full or initials) */
  search: text(100).optional(),
  status: OpportunityStatus.optional(),
  sourceId: Id.optional(),
  stageId: Id.optional(),
  /** the 客户经理 it is assigned to */
  assignedTo: Id.optional(),
  /** 创建人 */
  createdBy: Id.optional(),
  probabilityMin: Probability.optional(),
  probabilityMax: Probability.optional(),
  /** created at or after (the client's local midnight, as an instant) */
  createdFrom: IsoDateTime.optional(),
  /** created before */
  createdTo: IsoDateTime.optional(),
  /** 预计成交日期 range, inclusive */
  closeFrom: IsoDate.optional(),
  closeTo: IsoDate.optional(),
  /** any of these statuses (a drill-down from 销售漏斗与业绩: a stage's opportunities not won) */
  statuses: z.array(OpportunityStatus).min(1).max(4).optional(),
  /** assigned to a member of this team (a drill-down from 销售漏斗与业绩) */
  teamId: Id.optional(),
  /** the customer's region / level (a drill-down from 销售漏斗与业绩) */
  regionId: Id.optional(),
  levelId: Id.optional(),
  /** narrows the caller's scope to mine / my team (never widens it): a 工作台 card's scope, carried by its link */
  scope: DataScope.optional(),
})
export type OpportunityFilter = z.infer<typeof OpportunityFilter>

export const OpportunityListInput = PageInput.extend({
  filter: OpportunityFilter.default({}),
  sort: z
    .strictObject({ field: z.enum(OPPORTUNITY_SORT_FIELDS), order: z.enum(['asc', 'desc']).default('asc') })
    .default({ field: 'createdAt', order: 'desc' }),
})
export type OpportunityListInput = z.input<typeof OpportunityListInput>

/** A 客户经理 the opportunity may be assigned to, with what the 销售主管 weighs (specification 3.1.1.4). */
export const Assignee = z.object({
  userId: Id,
  name: z.string(),
  teamId: Id.nullable(),
  teamName: z.string().nullable(),
  /** 负责分区 / 行业特长: the regions and industries most of the manager's customers are in (dictionary ids) */
  regionIds: z.array(Id),
  industryIds: z.array(Id),
  /** assigned opportunities still open */
  openCount: z.number().int(),
})
export type Assignee = z.infer<typeof Assignee>

/** The customer with the same name (查重), whoever owns it. */
export const SameNameMatch = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  ownerName: z.string().nullable(),
  /** the caller may open its card (and pick it) */
  visible: z.boolean(),
})
export type SameNameMatch = z.infer<typeof SameNameMatch>

export const BoardFilter = z.strictObject({
  search: text(100).optional(),
  assignedTo: Id.optional(),
  sourceId: Id.optional(),
})
export type BoardFilter = z.infer<typeof BoardFilter>

export const BoardCard = OpportunityRow.pick({
  id: true, code: true, customerName: true, summary: true, probability: true, expectedAmountCents: true, expectedCloseDate: true,
  stageId: true, status: true, assignedTo: true, assignedToName: true, version: true, can: true,
})
export type BoardCard = z.infer<typeof BoardCard>

export const BoardColumn = z.object({
  /** null: opportunities without a stage */
  stageId: Id.nullable(),
  count: z.number().int(),
  amountCents: z.number(),
  /** Σ expected amount × probability */
  weightedCents: z.number(),
  /** the most recently changed cards, at most `perColumn` */
  items: z.array(BoardCard),
})
export type BoardColumn = z.infer<typeof BoardColumn>

export const Board = z.object({
  columns: z.array(BoardColumn),
  count: z.number().int(),
  amountCents: z.number(),
  weightedCents: z.number(),
})
export type Board = z.infer<typeof Board>

export const FunnelInput = z.strictObject({
  /** opportunities created in [from, to) — instants, the client's local day boundaries; none: all time */
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  groupBy: z.enum(['manager', 'team']).default('manager'),
  /** narrows the caller's scope (a 工作台 card's link: the funnel the card showed); never widens */
  scope: DataScope.optional(),
})
export type FunnelInput = z.input<typeof FunnelInput>

export const FunnelStage = z.object({
  stageId: Id.nullable(),
  /** opportunities now in this stage: open ones, and the lost ones that stopped here */
  count: z.number().int(),
  open: z.number().int(),
  amountCents: z.number(),
  weightedCents: z.number(),
  /** reached this stage or a later one (won ones reached every stage) */
  reached: z.number().int(),
  /** reached ÷ reached of the stage before (the first stage: ÷ all); null when that is 0 */
  conversion: z.number().nullable(),
})
export type FunnelStage = z.infer<typeof FunnelStage>

export const FunnelGroup = z.object({
  /** a 客户经理's user id or a team id; null: not assigned yet / no team */
  key: Id.nullable(),
  name: z.string().nullable(),
  total: z.number().int(),
  open: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  amountCents: z.number(),
  weightedCents: z.number(),
  wonAmountCents: z.number(),
  /** won ÷ (won + lost); null without a closed one */
  winRate: z.number().nullable(),
  /** reached per stage, in the order of `stages` */
  reached: z.array(z.number().int()),
})
export type FunnelGroup = z.infer<typeof FunnelGroup>

export const Funnel = z.object({
  from: IsoDateTime.nullable(),
  to: IsoDateTime.nullable(),
  total: z.number().int(),
  open: z.number().int(),
  won: z.number().int(),
  lost: z.number().int(),
  unassigned: z.number().int(),
  amountCents: z.number(),
  weightedCents: z.number(),
  wonAmountCents: z.number(),
  stages: z.array(FunnelStage),
  groups: z.array(FunnelGroup),
  /** closed within [from, to) (by close time), whenever they were created */
  closed: z.object({
    won: z.number().int(),
    lost: z.number().int(),
    wonAmountCents: z.number(),
    winRate: z.number().nullable(),
    lostReasons: z.array(z.object({ reasonId: Id.nullable(), count: z.number().int(), amountCents: z.number() })),
    wonSources: z.array(z.object({ sourceId: Id.nullable(), count: z.number().int(), amountCents: z.number() })),
  }),
})
export type Funnel = z.infer<typeof Funnel>

export const CloseResult = z.object({
  opportunity: OpportunityDetail,
  /** the customer the won opportunity is linked to */
  customerId: Id.nullable(),
  /** true when 开发成功 created the customer; false when it linked the existing one of the same name */
  customerCreated: z.boolean(),
})
export type CloseResult = z.infer<typeof CloseResult>

const ById = z.strictObject({ id: Id })
const Versioned = z.strictObject({ id: Id, version: BaseVersion })

/**
 * 执行效果 of a step recorded offline (the sync outbox's form of recordResult: the fields edited,
 * so the central database can merge them like a customer's fields and a 冲突 can be resolved).
 */
export const PlanStepResultEdit = z.strictObject({
  id: Id,
  version: BaseVersion,
  fields: z.strictObject({ result: requiredText(2000).optional(), executedAt: IsoDateTime.optional() }),
})

export const opportunitiesContract = {
  list: call(OpportunityListInput, pageOf(OpportunityRow)),
  get: call(ById, OpportunityDetail),
  create: call(OpportunityCreate, OpportunityDetail),
  /** Edits the fields of 表1 while the opportunity is 未分配. */
  update: call(z.strictObject({ id: Id, version: BaseVersion, fields: OpportunityFields.partial() }), OpportunityDetail),
  /** Deletes an unassigned opportunity; only its creator may. */
  remove: call(Versioned, Ok),
  /** 指派 to one 客户经理 (again while assigned: hands it over with its plan). */
  assign: call(z.strictObject({ id: Id, version: BaseVersion, assigneeId: Id }), OpportunityDetail),
  /** The 客户经理 an opportunity may be assigned to, with region/industry and open load. */
  assignees: call(Empty, z.array(Assignee)),
  /** 查重: the existing customer with the same (normalised) name, if any. */
  checkName: call(z.strictObject({ name: requiredText(200) }), z.object({ match: SameNameMatch.nullable() })),
  /** Stage (board drag-and-drop), probability, expected amount and close date of an open opportunity. */
  track: call(
    z.strictObject({ id: Id, version: BaseVersion, stageId: Id.nullish(), probability: Probability.optional(), expectedAmountCents: Amount.nullish(), expectedCloseDate: IsoDate.nullish() }),
    OpportunityDetail,
  ),
  addStep: call(z.strictObject({ opportunityId: Id, plannedDate: IsoDate, action: requiredText(2000) }), PlanStep),
  updateStep: call(z.strictObject({ id: Id, version: BaseVersion, plannedDate: IsoDate.optional(), action: requiredText(2000).optional() }), PlanStep),
  removeStep: call(Versioned, Ok),
  /** New order of the plan: every step of the opportunity, listed once. */
  reorderSteps: call(z.strictObject({ opportunityId: Id, ids: z.array(Id).min(1).max(200) }), z.array(PlanStep)),
  /** 执行效果 of a step (again to correct it while the plan is open). */
  recordResult: call(z.strictObject({ id: Id, version: BaseVersion, result: requiredText(2000), executedAt: IsoDateTime.optional() }), PlanStep),
  /** 开发成功 (creates or links the customer) or 开发失败 (with a 失败原因); ends the plan. */
  close: call(
    z.strictObject({ id: Id, version: BaseVersion, outcome: z.enum(['won', 'lost']), lostReasonId: Id.optional(), note: optText(2000) }),
    CloseResult,
  ),
  board: call(z.strictObject({ filter: BoardFilter.default({}), perColumn: z.number().int().min(1).max(200).default(30) }), Board),
  funnel: call(FunnelInput, Funnel),
} as const
