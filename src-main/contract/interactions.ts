// 交往记录 (follow-ups, visit records) with their promises (承诺) and attachments.
import { z } from 'zod'
import { BaseVersion, call, DataScope, Id, IsoDate, IsoDateTime, Ok, optText, PageInput, pageOf, requiredText, str, text } from './common'

export const InteractionKind = z.enum(['record', 'visit'])
export type InteractionKind = z.infer<typeof InteractionKind>

/** Largest attachment, decoded. */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
/** Base64 text a little above 50 MB decoded, so the service can answer the exact size error. */
const MAX_BASE64_CHARS = 72_000_000

export const PromiseInput = z.strictObject({
  /** an existing promise (update keeps it); omitted for a new one */
  id: Id.optional(),
  content: requiredText(500),
  dueDate: IsoDate.nullish(),
})
export type PromiseInput = z.input<typeof PromiseInput>

/** The fields a user types; the visit fields are kept only for kind = visit. */
export const InteractionFields = z.strictObject({
  contactId: Id.nullish(),
  kind: InteractionKind.default('record'),
  /** a dict item of type interaction_channel (交往方式) */
  channelId: Id,
  occurredAt: IsoDateTime,
  place: optText(200),
  subject: requiredText(200),
  detail: optText(20000),
  outcome: optText(4000),
  /** 下次跟进: creates (or moves) one follow-up reminder for the customer's owner */
  nextFollowUpAt: IsoDateTime.nullish(),
  visitGoal: optText(500),
  goalMet: z.boolean().nullish(),
  improvement: optText(4000),
})
export type InteractionFields = z.input<typeof InteractionFields>

/** An edit: only the fields sent (no defaults). */
export const InteractionPatch = InteractionFields.extend({ kind: InteractionKind.optional() }).partial()

export const InteractionCreate = InteractionFields.extend({
  customerId: Id,
  promises: z.array(PromiseInput.omit({ id: true })).max(50).default([]),
})
export type InteractionCreate = z.input<typeof InteractionCreate>

export const InteractionUpdate = z.strictObject({
  id: Id,
  /** the version the edit is based on; a newer stored version answers `conflict` */
  version: BaseVersion,
  fields: InteractionPatch.default({}),
  /** when sent, the full list: listed ids are kept (and edited), others removed, new ones added */
  promises: z.array(PromiseInput).max(50).optional(),
})
export type InteractionUpdate = z.input<typeof InteractionUpdate>

export const PromiseItem = z.object({
  id: Id,
  interactionId: Id,
  customerId: Id,
  customerName: z.string().nullable(),
  content: z.string(),
  dueDate: IsoDate.nullable(),
  keptAt: IsoDateTime.nullable(),
  /** not kept and the due date has passed */
  overdue: z.boolean(),
  version: z.number(),
})
export type PromiseItem = z.infer<typeof PromiseItem>

export const Attachment = z.object({
  id: Id,
  interactionId: Id,
  fileName: z.string(),
  sizeBytes: z.number().int(),
  mime: z.string().nullable(),
  sha256: z.string().nullable(),
  createdBy: Id.nullable(),
  createdAt: IsoDateTime,
})
export type Attachment = z.infer<typeof Attachment>

export const Interaction = z.object({
  id: Id,
  customerId: Id,
  customerName: z.string(),
  contactId: Id.nullable(),
  contactName: z.string().nullable(),
  kind: InteractionKind,
  channelId: Id.nullable(),
  channelLabel: z.string().nullable(),
  occurredAt: IsoDateTime,
  place: z.string().nullable(),
  subject: z.string(),
  detail: z.string().nullable(),
  outcome: z.string().nullable(),
  nextFollowUpAt: IsoDateTime.nullable(),
  /** the follow-up reminder made from nextFollowUpAt, and whether it is done */
  followUpReminderId: Id.nullable(),
  followUpDone: z.boolean(),
  visitGoal: z.string().nullable(),
  goalMet: z.boolean().nullable(),
  improvement: z.string().nullable(),
  /** who wrote the record */
  createdBy: Id.nullable(),
  createdByName: z.string().nullable(),
  promises: z.array(PromiseItem),
  attachments: z.array(Attachment),
  /** whether the caller may edit / delete this record (own records for 客户经理) */
  canEdit: z.boolean(),
  canDelete: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number(),
})
export type Interaction = z.infer<typeof Interaction>

/** The search's fields without the range check (the export reuses them without paging). */
export const InteractionSearchFields = PageInput.extend({
  /** subject, detail, outcome, place or customer name */
  text: text(100).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  customerId: Id.optional(),
  channelId: Id.optional(),
  kind: InteractionKind.optional(),
  /** the author */
  createdBy: Id.optional(),
  /** narrows the caller's scope to mine / my team (never widens it): a 工作台 card's scope, carried by its link */
  scope: DataScope.optional(),
})
/** from ≤ to when both are given */
export const rangeInOrder = (v: { from?: string; to?: string }) => !v.from || !v.to || Date.parse(v.from) <= Date.parse(v.to)
export const InteractionSearch = InteractionSearchFields.refine(rangeInOrder, { path: ['to'], message: 'the end is before the start' })
export type InteractionSearch = z.input<typeof InteractionSearch>

/** The customer card header: 最近联系, 下次联系, days overdue, the contact policy's state. */
export const ContactSummary = z.object({
  customerId: Id,
  lastContactAt: IsoDateTime.nullable(),
  nextContactAt: IsoDateTime.nullable(),
  /** whole days the next contact is overdue (0 when not overdue) */
  nextContactOverdueDays: z.number().int(),
  contactPolicy: z
    .object({ id: Id, label: z.string(), cycleDays: z.number().int(), dueAt: IsoDateTime, overdueDays: z.number().int() })
    .nullable(),
  openPromises: z.number().int(),
  overduePromises: z.number().int(),
  interactionCount: z.number().int(),
})
export type ContactSummary = z.infer<typeof ContactSummary>

export const AttachmentAdd = z.strictObject({
  interactionId: Id,
  /** the name as the user's system gave it; main keeps only its last part, without control or bidi characters */
  fileName: requiredText(255),
  /** the file's bytes, base64; at most 50 MB decoded (the MIME type comes from the name's extension, in main) */
  contentBase64: str().max(MAX_BASE64_CHARS),
})
export type AttachmentAdd = z.input<typeof AttachmentAdd>

export const interactionsContract = {
  /** The customer card's timeline, newest first. */
  listByCustomer: call(PageInput.extend({ customerId: Id }), pageOf(Interaction)),
  /** Records across the caller's customers by text and date range, newest first. */
  search: call(InteractionSearch, pageOf(Interaction)),
  get: call(z.strictObject({ id: Id }), Interaction),
  create: call(InteractionCreate, Interaction),
  update: call(InteractionUpdate, Interaction),
  remove: call(z.strictObject({ id: Id }), Ok),
  summary: call(z.strictObject({ customerId: Id }), ContactSummary),
  /** Promises across the caller's customers (or one customer). */
  promises: call(
    PageInput.extend({ customerId: Id.optional(), status: z.enum(['open', 'kept', 'all']).default('open') }),
    pageOf(PromiseItem),
  ),
  keepPromise: call(z.strictObject({ id: Id, version: BaseVersion }), PromiseItem),
  unkeepPromise: call(z.strictObject({ id: Id, version: BaseVersion }), PromiseItem),
  addAttachment: call(AttachmentAdd, Attachment, { upload: true }),
  attachments: call(z.strictObject({ interactionId: Id }), z.array(Attachment)),
  removeAttachment: call(z.strictObject({ id: Id }), Ok),
  /**
   * Desktop: the main process opens the file with the OS program (opened: true). Office documents
   * need `confirmed: true` (rule error interactions.errors.confirmOpen otherwise); programs and
   * macro-enabled files are only shown in their folder (opened: false).
   */
  openAttachment: call(
    z.strictObject({ id: Id, confirmed: z.boolean().optional() }),
    z.object({ path: z.string(), fileName: z.string(), mime: z.string().nullable(), sizeBytes: z.number().int(), opened: z.boolean() }),
  ),
  /** Browser mode: the file's bytes, so the browser can save it. */
  downloadAttachment: call(
    z.strictObject({ id: Id }),
    z.object({ fileName: z.string(), mime: z.string().nullable(), contentBase64: z.string() }),
  ),
} as const
