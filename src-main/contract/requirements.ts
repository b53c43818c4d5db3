// 客户需求单 (customer requirement sheets), their flow 已接收 → 整理 → 评议 → 报告 → 批准 →
// 客户确认 → 进行中 → 已完成 (or 已拒绝), 需求变更 after approval, and the 需求追踪矩阵.
import { z } from 'zod'
import { BaseVersion, call, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, str, text } from './common'

export const REQUIREMENT_STATUSES = ['received', 'organising', 'reviewing', 'reported', 'approved', 'confirmed', 'in_progress', 'done', 'rejected'] as const
export const RequirementStatus = z.enum(REQUIREMENT_STATUSES)
export type RequirementStatus = z.infer<typeof RequirementStatus>

export const RequirementPriority = z.enum(['high', 'medium', 'low'])
export type RequirementPriority = z.infer<typeof RequirementPriority>

/** What can be done to a sheet; the service answers which of them the caller may do now. */
export const REQUIREMENT_ACTIONS = ['edit', 'organise', 'startReview', 'review', 'report', 'approve', 'reject', 'confirm', 'start', 'finish', 'remove'] as const
export const RequirementAction = z.enum(REQUIREMENT_ACTIONS)
export type RequirementAction = z.infer<typeof RequirementAction>

/** The fields a user types on the sheet (create and edit share them). */
export const RequirementFields = z.strictObject({
  /** 客户方负责人: the customer's person in charge (a name) */
  customerOwner: optText(100),
  /** 对接人: our liaison (a user) */
  liaisonId: Id.nullish(),
  /** 工作内容 */
  workContent: requiredText(4000),
  /** 工作要求 */
  requirements: optText(4000),
  /** 建议 */
  suggestions: optText(4000),
  priority: RequirementPriority.default('medium'),
  /** 负责人 (defaults to the creator) */
  ownerId: Id.nullish(),
  plannedStart: IsoDate.nullish(),
  plannedFinish: IsoDate.nullish(),
  actualStart: IsoDate.nullish(),
  actualFinish: IsoDate.nullish(),
  /** 备注 */
  notes: optText(4000),
})
export type RequirementFields = z.input<typeof RequirementFields>
/** An edit: only the fields sent (no defaults). */
export const RequirementPatch = RequirementFields.extend({ priority: RequirementPriority.optional() }).partial()

/** The fields whose change after approval is a 需求变更 (with a reason). */
export const TRACKED_FIELDS = ['workContent', 'requirements', 'suggestions', 'priority', 'ownerId', 'plannedStart', 'plannedFinish', 'actualStart', 'actualFinish'] as const

export const RequirementReview = z.object({
  departmentId: Id,
  feasible: z.boolean(),
  opinion: z.string().nullable(),
  reviewerId: Id.nullable(),
  reviewerName: z.string().nullable(),
  reviewedAt: IsoDateTime,
})
export type RequirementReview = z.infer<typeof RequirementReview>

/** 需求变更: one changed field of a change after approval. */
export const RequirementChange = z.object({
  id: Id,
  /** the field's key (workContent, priority, ownerId, plannedFinish…) */
  field: z.string(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  why: z.string().nullable(),
  changedBy: Id.nullable(),
  changedByName: z.string().nullable(),
  at: IsoDateTime,
})
export type RequirementChange = z.infer<typeof RequirementChange>

export const RequirementAttachment = z.object({
  id: Id,
  fileName: z.string(),
  sizeBytes: z.number().int(),
  mime: z.string().nullable(),
  createdBy: Id.nullable(),
  createdAt: IsoDateTime,
})
export type RequirementAttachment = z.infer<typeof RequirementAttachment>

/** A row of the list and the tracking matrix. */
export const RequirementRow = z.object({
  id: Id,
  code: z.string(),
  customerId: Id,
  customerName: z.string(),
  workContent: z.string(),
  priority: RequirementPriority,
  status: RequirementStatus,
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  plannedStart: IsoDate.nullable(),
  plannedFinish: IsoDate.nullable(),
  actualStart: IsoDate.nullable(),
  actualFinish: IsoDate.nullable(),
  /** days the finish is (or was) late: actual finish − planned finish, or today − planned finish while open; 0 when on time */
  delayDays: z.number().int(),
  /** changes recorded after approval */
  changeCount: z.number().int(),
  updatedAt: IsoDateTime,
})
export type RequirementRow = z.infer<typeof RequirementRow>

export const Requirement = RequirementRow.extend({
  customerOwner: z.string().nullable(),
  liaisonId: Id.nullable(),
  liaisonName: z.string().nullable(),
  requirements: z.string().nullable(),
  suggestions: z.string().nullable(),
  notes: z.string().nullable(),
  /** the departments asked for 评议 and what each said so far */
  reviewDepartments: z.array(Id),
  reviews: z.array(RequirementReview),
  report: z.string().nullable(),
  reportedAt: IsoDateTime.nullable(),
  reportedByName: z.string().nullable(),
  approvedBy: Id.nullable(),
  approvedByName: z.string().nullable(),
  approvedAt: IsoDateTime.nullable(),
  approvalComment: z.string().nullable(),
  signedDate: IsoDate.nullable(),
  signerName: z.string().nullable(),
  signedAt: IsoDateTime.nullable(),
  rejectedReason: z.string().nullable(),
  rejectedAt: IsoDateTime.nullable(),
  rejectedByName: z.string().nullable(),
  createdBy: Id.nullable(),
  createdByName: z.string().nullable(),
  changes: z.array(RequirementChange),
  attachments: z.array(RequirementAttachment),
  /** what the caller may do now (by the sheet's state and the caller's permissions) */
  actions: z.array(RequirementAction),
  createdAt: IsoDateTime,
  version: z.number(),
})
export type Requirement = z.infer<typeof Requirement>

export const REQUIREMENT_SORT_FIELDS = ['code', 'priority', 'status', 'plannedStart', 'plannedFinish', 'actualFinish', 'delayDays', 'updatedAt'] as const

export const RequirementFilter = z.strictObject({
  /** code, work content or customer name */
  search: text(100).optional(),
  status: z.array(RequirementStatus).max(REQUIREMENT_STATUSES.length).optional(),
  priority: RequirementPriority.optional(),
  ownerId: Id.optional(),
  customerId: Id.optional(),
  /** only sheets whose finish is late */
  delayedOnly: z.boolean().optional(),
})
export type RequirementFilter = z.infer<typeof RequirementFilter>

export const RequirementSort = z
  .strictObject({ field: z.enum(REQUIREMENT_SORT_FIELDS), order: z.enum(['asc', 'desc']).default('asc') })
  .default({ field: 'updatedAt', order: 'desc' })

export const RequirementListInput = PageInput.extend({ filter: RequirementFilter.default({}), sort: RequirementSort })
export type RequirementListInput = z.input<typeof RequirementListInput>

/** A flow step: the sheet and the version it was read at. */
const step = <T extends z.ZodRawShape>(extra: T) => z.strictObject({ id: Id, version: BaseVersion, ...extra })

/** Largest attachment, decoded (as for interactions). */
export const MAX_REQUIREMENT_ATTACHMENT_BYTES = 50 * 1024 * 1024

export const requirementsContract = {
  list: call(RequirementListInput, pageOf(RequirementRow)),
  get: call(z.strictObject({ id: Id }), Requirement),
  create: call(RequirementFields.extend({ customerId: Id }), Requirement),
  /** Before approval a plain edit; after it every change of a tracked field needs `reason` (需求变更). */
  update: call(step({ fields: RequirementPatch, reason: optText(1000) }), Requirement),
  remove: call(z.strictObject({ id: Id }), Ok),
  /** 已接收 → 整理 */
  organise: call(step({}), Requirement),
  /** 整理 → 评议: the departments to ask (at least one) */
  startReview: call(step({ departmentIds: z.array(Id).min(1).max(20) }), Requirement),
  /** 评议: one department's answer (recorded again to correct it) */
  review: call(step({ departmentId: Id, feasible: z.boolean(), opinion: optText(2000) }), Requirement),
  /** 评议 → 报告: every asked department has answered */
  report: call(step({ report: requiredText(4000) }), Requirement),
  /** 报告 → 批准 (a supervisor: requirements.approve) */
  approve: call(step({ comment: optText(500) }), Requirement),
  /** → 已拒绝 with a reason (requirements.approve), before the work starts */
  reject: call(step({ reason: requiredText(1000) }), Requirement),
  /** 批准 → 客户确认: the date the customer signed and who signed */
  confirm: call(step({ signedDate: IsoDate, signerName: requiredText(100) }), Requirement),
  /** 客户确认 → 进行中 (actual start, default today) */
  start: call(step({ actualStart: IsoDate.nullish() }), Requirement),
  /** 进行中 → 已完成 (actual finish, default today) */
  finish: call(step({ actualFinish: IsoDate.nullish() }), Requirement),
  addAttachment: call(
    z.strictObject({ requirementId: Id, fileName: requiredText(255), contentBase64: str().max(72_000_000) }),
    RequirementAttachment,
  ),
  removeAttachment: call(z.strictObject({ id: Id }), Ok),
  downloadAttachment: call(z.strictObject({ id: Id }), z.object({ fileName: z.string(), mime: z.string().nullable(), contentBase64: z.string() })),
  /** The tracking matrix as a formatted .xlsx (same filter and sort as the list), for the renderer to save. */
  exportMatrix: call(
    z.strictObject({ filter: RequirementFilter.default({}), sort: RequirementSort, locale: z.enum(['zh-CN', 'en-US']).default('zh-CN') }),
    z.object({ fileName: z.string(), mime: z.string(), contentBase64: z.string(), rows: z.number().int() }),
  ),
} as const
