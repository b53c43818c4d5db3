// 服务管理: service tickets (客户服务) through 新创建 → 已分配 → 已处理 → 已反馈 → 已归档,
// with handling notes, an on-site survey, a quote the customer confirms and a supervisor approves,
// customer satisfaction (1–2 reopens the ticket to the supervisor), SLA hours per type × urgency,
// the ticket board and suggestions of similar archived tickets.
import { z } from 'zod'
import { BaseVersion, call, Empty, Id, IsoDateTime, optText, PageInput, pageOf, requiredText, text } from './common'

export const TicketStatus = z.enum(['new', 'assigned', 'handled', 'feedback', 'archived'])
export type TicketStatus = z.infer<typeof TicketStatus>
export const TICKET_STATUSES = TicketStatus.options

export const TicketUrgency = z.enum(['urgent', 'normal'])
export type TicketUrgency = z.infer<typeof TicketUrgency>

/**
 * The quote of a paid service: 待客户确认 pending → 客户已确认 confirmed → 批准 approved /
 * 不批准 rejected by a supervisor; or 客户不接受 declined. Paid work (已处理) needs none, approved
 * or declined.
 */
export const QuoteStatus = z.enum(['pending', 'confirmed', 'approved', 'rejected', 'declined'])
export type QuoteStatus = z.infer<typeof QuoteStatus>

/** What someone may do with a ticket; the service answers which of these the caller may do now. */
export const TicketAction = z.enum([
  'edit',
  'assign',
  'addNote',
  'survey',
  'quote',
  'confirmQuote',
  'declineQuote',
  'decideQuote',
  'withdrawQuote',
  'handle',
  'feedback',
  'archive',
])
export type TicketAction = z.infer<typeof TicketAction>

const money = z.number().int().min(0).max(9_000_000_000_000) // integer cents

/** The fields a user types when creating (and, while new or assigned, editing) a ticket. */
export const TicketFields = z.strictObject({
  /** a dict item of type service_type (服务类型) */
  typeId: Id,
  urgency: TicketUrgency.default('normal'),
  summary: requiredText(200),
  request: requiredText(20000),
  /** one of the customer's contacts */
  contactId: Id.nullish(),
  /** how to reach the person who asked (name, phone) when not a stored contact */
  contactInfo: optText(200),
})
export type TicketFields = z.input<typeof TicketFields>

export const TicketCreate = TicketFields.extend({ customerId: Id })
export type TicketCreate = z.input<typeof TicketCreate>

/** Every change names the ticket and the version it is based on (a newer one answers `conflict`). */
const ByVersion = z.strictObject({ id: Id, version: BaseVersion })

export const TicketUpdate = ByVersion.extend({ fields: TicketFields.extend({ urgency: TicketUrgency.optional() }).partial() })
export type TicketUpdate = z.input<typeof TicketUpdate>

export const TicketNote = z.object({
  id: Id,
  /** handling: 处理记录; feedback: a recorded 客户反馈 (kept when a low score reopens the ticket) */
  kind: z.enum(['handling', 'feedback']),
  content: z.string(),
  /** when the work was done (handling) or the feedback given */
  notedAt: IsoDateTime,
  authorId: Id.nullable(),
  authorName: z.string().nullable(),
  satisfaction: z.number().int().nullable(),
  createdAt: IsoDateTime,
})
export type TicketNote = z.infer<typeof TicketNote>

export const TicketQuote = z.object({
  amountCents: z.number().int(),
  note: z.string().nullable(),
  status: QuoteStatus,
  byId: Id.nullable(),
  byName: z.string().nullable(),
  at: IsoDateTime.nullable(),
  /** how the customer confirmed or declined (who, by which means) */
  customerNote: z.string().nullable(),
  customerAt: IsoDateTime.nullable(),
  decidedById: Id.nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: IsoDateTime.nullable(),
  decisionNote: z.string().nullable(),
})
export type TicketQuote = z.infer<typeof TicketQuote>

/** The SLA clock of a ticket waiting for resolution (new or assigned). */
export const TicketSla = z.object({
  hours: z.number().int(),
  /** created, or reopened after a low satisfaction score */
  startAt: IsoDateTime,
  dueAt: IsoDateTime,
  /** still waiting (new/assigned) and past dueAt */
  overdue: z.boolean(),
  /** still waiting and past twice the SLA (the supervisor has been reminded) */
  escalated: z.boolean(),
})
export type TicketSla = z.infer<typeof TicketSla>

export const Ticket = z.object({
  id: Id,
  code: z.string(),
  customerId: Id,
  customerName: z.string(),
  contactId: Id.nullable(),
  contactName: z.string().nullable(),
  contactInfo: z.string().nullable(),
  typeId: Id.nullable(),
  typeLabel: z.string().nullable(),
  urgency: TicketUrgency,
  summary: z.string(),
  request: z.string().nullable(),
  status: TicketStatus,
  createdBy: Id,
  createdByName: z.string().nullable(),
  createdAt: IsoDateTime,
  assignedTo: Id.nullable(),
  assignedToName: z.string().nullable(),
  assignedBy: Id.nullable(),
  assignedByName: z.string().nullable(),
  assignedAt: IsoDateTime.nullable(),
  firstAssignedAt: IsoDateTime.nullable(),
  handledBy: Id.nullable(),
  handledByName: z.string().nullable(),
  handledAt: IsoDateTime.nullable(),
  surveyResult: z.string().nullable(),
  surveyAt: IsoDateTime.nullable(),
  surveyByName: z.string().nullable(),
  quote: TicketQuote.nullable(),
  satisfaction: z.number().int().nullable(),
  feedback: z.string().nullable(),
  feedbackAt: IsoDateTime.nullable(),
  archivedAt: IsoDateTime.nullable(),
  reopenCount: z.number().int(),
  reopenedAt: IsoDateTime.nullable(),
  /** minutes from creation to the first assignment */
  assignMinutes: z.number().int().nullable(),
  /** minutes from creation to 已处理 (the last time, after a reopen) */
  resolveMinutes: z.number().int().nullable(),
  /** null once handled */
  sla: TicketSla.nullable(),
  /** what the caller may do now (status, permission, scope and role all considered) */
  allowed: z.array(TicketAction),
  updatedAt: IsoDateTime,
  version: z.number().int(),
})
export type Ticket = z.infer<typeof Ticket>

export const TicketDetail = Ticket.extend({ notes: z.array(TicketNote) })
export type TicketDetail = z.infer<typeof TicketDetail>

/** Filters shared by the list, the counts and the board. */
export const TicketFilter = z.strictObject({
  /** code, summary, request, handling notes, customer name */
  text: text(100).optional(),
  customerId: Id.optional(),
  typeId: Id.optional(),
  urgency: TicketUrgency.optional(),
  /** 我的工单: assigned to or created by the caller */
  mine: z.boolean().optional(),
  /** waiting (new/assigned) past their SLA */
  overdue: z.boolean().optional(),
})
export type TicketFilter = z.input<typeof TicketFilter>

export const TicketListInput = PageInput.extend({
  filter: TicketFilter.default({}),
  status: TicketStatus.optional(),
})
export type TicketListInput = z.input<typeof TicketListInput>

export const TicketCounts = z.object({
  new: z.number().int(),
  assigned: z.number().int(),
  handled: z.number().int(),
  feedback: z.number().int(),
  archived: z.number().int(),
  all: z.number().int(),
  mine: z.number().int(),
  overdue: z.number().int(),
})
export type TicketCounts = z.infer<typeof TicketCounts>

export const BoardColumn = z.object({ status: TicketStatus, total: z.number().int(), items: z.array(Ticket) })
export type BoardColumn = z.infer<typeof BoardColumn>

export const SimilarInput = z.strictObject({
  typeId: Id,
  summary: text(200),
  request: text(20000).optional(),
  limit: z.number().int().min(1).max(20).default(5),
})
export type SimilarInput = z.input<typeof SimilarInput>

export const SimilarTicket = z.object({
  id: Id,
  code: z.string(),
  customerName: z.string(),
  summary: z.string(),
  request: z.string().nullable(),
  /** 0..1, character-bigram Jaccard over summary + request */
  score: z.number(),
  archivedAt: IsoDateTime.nullable(),
  satisfaction: z.number().int().nullable(),
  notes: z.array(TicketNote),
})
export type SimilarTicket = z.infer<typeof SimilarTicket>

/** A user a ticket may be assigned to (客服专员 or 客户经理 within the caller's assign scope). */
export const HandlerOption = z.object({ id: Id, name: z.string(), login: z.string(), roleCode: z.string(), teamId: Id.nullable() })
export type HandlerOption = z.infer<typeof HandlerOption>

/** SLA hours for one service type (null: the default for types without their own) and urgency. */
export const SlaRule = z.object({
  typeId: Id.nullable(),
  urgency: TicketUrgency,
  hours: z.number().int(),
  /** null: not stored yet (the built-in default applies) */
  version: z.number().int().nullable(),
})
export type SlaRule = z.infer<typeof SlaRule>

export const SlaRuleInput = z.strictObject({
  typeId: Id.nullable(),
  urgency: TicketUrgency,
  hours: z.number().int().min(1).max(8760),
  /** the version read (null for a rule not stored yet) */
  version: BaseVersion.nullable(),
})
export type SlaRuleInput = z.input<typeof SlaRuleInput>

export const servicesContract = {
  /** One page of tickets (newest first), optionally of one status. */
  list: call(TicketListInput, pageOf(Ticket)),
  /** Tickets per status, mine and overdue, under the same filter (status tabs). */
  counts: call(z.strictObject({ filter: TicketFilter.default({}) }), TicketCounts),
  /** The ticket board: each status with its count and newest cards. */
  board: call(z.strictObject({ filter: TicketFilter.default({}), perColumn: z.number().int().min(1).max(100).default(20) }), z.array(BoardColumn)),
  get: call(z.strictObject({ id: Id }), TicketDetail),
  create: call(TicketCreate, TicketDetail),
  update: call(TicketUpdate, TicketDetail),
  /** 服务分配 (销售主管): to one handler; again while assigned moves it to another. */
  assign: call(ByVersion.extend({ handlerId: Id }), TicketDetail),
  /** 处理记录: dated, several. */
  addNote: call(ByVersion.extend({ content: requiredText(20000), notedAt: IsoDateTime.optional() }), TicketDetail),
  /** 现场勘察 result (optional step). */
  survey: call(ByVersion.extend({ result: requiredText(20000) }), TicketDetail),
  /** A quote for paid work (a new amount waits for the customer's confirmation again). */
  quote: call(ByVersion.extend({ amountCents: money, note: optText(4000) }), TicketDetail),
  /** The customer confirmed (or declined) the quote: how, by whom. */
  confirmQuote: call(ByVersion.extend({ accepted: z.boolean(), note: optText(500) }), TicketDetail),
  /** 主管审批: 批准 / 不批准 a confirmed quote. */
  decideQuote: call(ByVersion.extend({ approved: z.boolean(), note: optText(500) }), TicketDetail),
  /** No paid work after all: the quote is removed. */
  withdrawQuote: call(ByVersion, TicketDetail),
  /** 已处理. */
  handle: call(ByVersion, TicketDetail),
  /** 服务反馈: 客户满意度 1–5; 1–2 reopens the ticket to the supervisor. */
  feedback: call(ByVersion.extend({ satisfaction: z.number().int().min(1).max(5), comment: optText(4000) }), TicketDetail),
  /** 服务归档: read-only afterwards. */
  archive: call(ByVersion, TicketDetail),
  /** Archived tickets of the same type whose text is similar, with their handling notes. */
  similar: call(SimilarInput, z.array(SimilarTicket)),
  /** Who a ticket may be assigned to. */
  handlers: call(Empty, z.array(HandlerOption)),
  /** SLA hours per type × urgency (every enabled type, and the defaults). */
  sla: call(Empty, z.array(SlaRule)),
  saveSla: call(z.strictObject({ rules: z.array(SlaRuleInput).min(1).max(200) }), z.array(SlaRule)),
} as const
