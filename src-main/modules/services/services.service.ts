// 服务管理: service tickets from 服务创建 to 服务归档 (the state machine is services.model.ts,
// who may do what services.scope.ts). Every transition: the permission first, then the ticket
// in scope (out of scope answers not_found), the expected version (in the UPDATE's WHERE too:
// `conflict` otherwise), the state's rule (a translated rule error), one transaction with the
// next sync version, an audit entry, and the ticket's reminders settled in the same transaction.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { ServiceContext } from '../context'
import type {
  SimilarInput, SlaRule, SlaRuleInput, Ticket, TicketAction, TicketCounts, TicketCreate, TicketDetail, TicketFilter, TicketListInput, TicketNote,
  TicketStatus, TicketUpdate, TicketUrgency, QuoteStatus, BoardColumn, HandlerOption, SimilarTicket,
} from '../../contract/services'
import { TICKET_STATUSES, TicketAction as TicketActionEnum } from '../../contract/services'
import { AppError, conflict, fieldError, forbidden, notFound, ruleError } from '../../shared/errors'
import { hasHan, toIso } from '../../db/dialect'
import { chunksInOrder } from '../../shared/chunks-in-order'
import { formatCode, newId, nextSequence } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { can, inScope, requirePerm } from '../auth/permissions'
import type { SearchHit } from '../../contract/search'
import { bestByText, bestMatch, compareHits, normalizeTerm, scoreOf } from '../../shared/search-rank'
import { diff, recordAudit, type Changes } from '../audit/audit.service'
import { assertDictRefs } from '../dictionary/dictionary.service'
import { evaluateTicketReminders } from '../reminders/system-reminders.service'
import { assertTransition, DEFAULT_SLA_HOURS, feedbackOutcome, minutesBetween, stateAllows, type SlaRuleRow } from './services.model'
import { mayDo, PERM_OF, ticketInScope } from './services.scope'
import { clockOf, loadSlaRules, overdueBranches } from './services.sla'
import { buildTicketSearchText, rankSimilar } from './services.text'
import { pinyinForms, withoutDivisions } from '../customers/customers.search'
import {
  applyFilter, archivedCandidates, ticketTextIndexServes, codeExists, countTickets, findContact, findCustomerForTicket, findHandler, findSla, findTicket, handlerRows,
  handlingNotesSince, insertNote, insertSla, insertTicket, noteTexts, notesOf, pageTickets, searchTicketMatches, searchTicketMatchesBounded, searchTicketRows, slaRows, statusCounts, ticketBase, ticketIdsInOrder, ticketRowsByIds,
  ticketSearchBounded, TICKET_SEARCH_SCAN_BOUND, updateSla,
  updateTicket, visibleTickets, type ListFilter, type Row,
} from './services.repository'

type In<T extends z.ZodType> = z.output<T>

/** Archived tickets of a type read for similarity: the newest this many. */
const SIMILAR_CANDIDATES = 500
/** Texts kept in the audit log are cut to this length. */
const AUDIT_TEXT_MAX = 200

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const low = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const cut = (v: unknown) => (typeof v === 'string' && v.length > AUDIT_TEXT_MAX ? `${v.slice(0, AUDIT_TEXT_MAX)}…` : v)

// ---- mapping ---------------------------------------------------------------------------------------

function toNote(r: Row): TicketNote {
  return {
    id: String(r.id), kind: r.kind === 'feedback' ? 'feedback' : 'handling', content: String(r.content ?? ''), notedAt: toIso(r.noted_at)!,
    authorId: str(r.author_id), authorName: str(r.author_name), satisfaction: num(r.satisfaction), createdAt: toIso(r.created_at)!,
  }
}

/** The actions the caller may do on this ticket now (role, scope and state). */
function allowedActions(ctx: ServiceContext, r: Row, handlingNotes: number): TicketAction[] {
  const status = r.status as TicketStatus
  const quote = (str(r.quote_status) as QuoteStatus | null) ?? null
  return TicketActionEnum.options.filter((a) => mayDo(ctx.actor, a, r) && stateAllows(a, status, quote, handlingNotes))
}

function toTicket(ctx: ServiceContext, r: Row, rules: SlaRuleRow[], now: Date, handlingNotes = 1): Ticket {
  const clock = clockOf(rules, r, now)
  const quoteStatus = str(r.quote_status) as QuoteStatus | null
  return {
    id: String(r.id), code: String(r.code), customerId: String(r.customer_id), customerName: String(r.customer_name ?? ''),
    contactId: str(r.contact_id), contactName: str(r.contact_name), contactInfo: str(r.contact_info),
    typeId: str(r.type_id), typeLabel: str(r.type_label), urgency: (r.urgency === 'urgent' ? 'urgent' : 'normal') as TicketUrgency,
    summary: String(r.summary), request: str(r.request), status: r.status as TicketStatus,
    createdBy: String(r.created_by), createdByName: str(r.created_by_name), createdAt: toIso(r.created_at)!,
    assignedTo: str(r.assigned_to), assignedToName: str(r.assigned_to_name), assignedBy: str(r.assigned_by), assignedByName: str(r.assigned_by_name),
    assignedAt: toIso(r.assigned_at), firstAssignedAt: toIso(r.first_assigned_at),
    handledBy: str(r.handled_by), handledByName: str(r.handled_by_name), handledAt: toIso(r.handled_at),
    surveyResult: str(r.survey_result), surveyAt: toIso(r.survey_at), surveyByName: str(r.survey_by_name),
    quote: quoteStatus
      ? {
          amountCents: Number(r.quote_cents ?? 0), note: str(r.quote_note), status: quoteStatus, byId: str(r.quote_by), byName: str(r.quote_by_name),
          at: toIso(r.quote_at), customerNote: str(r.quote_customer_note), customerAt: toIso(r.quote_customer_at),
          decidedById: str(r.quote_decided_by), decidedByName: str(r.quote_decided_by_name), decidedAt: toIso(r.quote_decided_at),
          decisionNote: str(r.quote_decision_note),
        }
      : null,
    satisfaction: num(r.satisfaction), feedback: str(r.feedback), feedbackAt: toIso(r.feedback_at), archivedAt: toIso(r.archived_at),
    reopenCount: Number(r.reopen_count ?? 0), reopenedAt: toIso(r.reopened_at),
    assignMinutes: num(r.assign_minutes), resolveMinutes: num(r.resolve_minutes),
    sla: clock ? { hours: clock.hours, startAt: clock.startAt, dueAt: clock.dueAt, overdue: clock.overdue, escalated: clock.escalated } : null,
    allowed: allowedActions(ctx, r, handlingNotes),
    updatedAt: toIso(r.updated_at)!, version: Number(r.version),
  }
}

/** The handling notes of this round (since the ticket was created or reopened). */
const roundNotes = (db: Knex, r: Row) => handlingNotesSince(db, String(r.id), toIso(r.sla_start_at) ?? toIso(r.created_at)!)

async function detail(db: Knex, ctx: ServiceContext, id: string): Promise<TicketDetail> {
  const r = await findTicket(db, id)
  if (!r) throw notFound('service ticket', id)
  const rules = await loadSlaRules(db)
  const notes = (await notesOf(db, [String(r.id)])).map(toNote)
  return { ...toTicket(ctx, r, rules, ctx.clock.now(), await roundNotes(db, r)), notes }
}

/** The ticket, visible to the caller under services.view (else not_found). */
async function loadVisible(db: Knex, ctx: ServiceContext, id: string): Promise<Row> {
  const scope = requirePerm(ctx.actor, 'services', 'view')
  const r = await findTicket(db, id)
  if (!r || !ticketInScope(ctx.actor, scope, r)) throw notFound('service ticket', id)
  return r
}

// ---- reading -----------------------------------------------------------------------------------------

/** The list's filter; a text search goes through the tickets' search index when it narrows the text. */
async function listFilter(ctx: ServiceContext, f: In<typeof TicketFilter>, rules: SlaRuleRow[]): Promise<ListFilter> {
  const text = f.text?.trim() || undefined
  const k = ctx.db.knex
  return {
    text, textIndex: (await ticketTextIndexServes(k, text)) ? k : undefined, customerId: f.customerId, typeId: f.typeId, urgency: f.urgency,
    mineOf: f.mine ? ctx.actor.userId : undefined, overdue: f.overdue ? overdueBranches(rules, ctx.clock.now()) : undefined,
  }
}

function scoped(ctx: ServiceContext) {
  const scope = requirePerm(ctx.actor, 'services', 'view')
  const k = ctx.db.knex
  return { k, q: () => visibleTickets(ticketBase(k), k, ctx.actor, scope) }
}

export async function servicesList(ctx: ServiceContext, input: In<typeof TicketListInput>) {
  const { k, q } = scoped(ctx)
  const rules = await loadSlaRules(k)
  const filtered = applyFilter(q(), { ...(await listFilter(ctx, input.filter, rules)), status: input.status })
  const total = await countTickets(filtered)
  const rows = total ? await pageTickets(k, filtered, input) : []
  const now = ctx.clock.now()
  return { items: rows.map((r) => toTicket(ctx, r, rules, now)), total, page: input.page, pageSize: input.pageSize }
}

/**
 * The whole list in list order, `size` tickets at a time (an export): the ordered ids in one read,
 * then the rows by id — linear in the tickets, where OFFSET pages re-read every earlier ticket
 * and count the list again for each page.
 */
export async function* servicesListChunks(ctx: ServiceContext, input: Omit<In<typeof TicketListInput>, 'page' | 'pageSize'>, size: number): AsyncGenerator<{ items: Ticket[]; total: number }> {
  const { k, q } = scoped(ctx)
  const rules = await loadSlaRules(k)
  const ids = await ticketIdsInOrder(applyFilter(q(), { ...(await listFilter(ctx, input.filter, rules)), status: input.status }))
  const now = ctx.clock.now() // one instant for the whole file's SLA figures
  for await (const rows of chunksInOrder(ids, size, (slice) => ticketRowsByIds(k, slice))) yield { items: rows.map((r) => toTicket(ctx, r, rules, now)), total: ids.length }
}

export async function servicesCounts(ctx: ServiceContext, input: { filter: In<typeof TicketFilter> }): Promise<TicketCounts> {
  const { k, q } = scoped(ctx)
  const rules = await loadSlaRules(k)
  const f = await listFilter(ctx, input.filter, rules)
  const per = await statusCounts(applyFilter(q(), f))
  const out = Object.fromEntries(TICKET_STATUSES.map((s) => [s, per.get(s) ?? 0])) as Record<TicketStatus, number>
  return {
    ...out,
    all: TICKET_STATUSES.reduce((n, s) => n + out[s], 0),
    mine: await countTickets(applyFilter(q(), { ...f, mineOf: ctx.actor.userId })),
    overdue: await countTickets(applyFilter(q(), { ...f, overdue: overdueBranches(rules, ctx.clock.now()) })),
  }
}

export async function servicesBoard(ctx: ServiceContext, input: { filter: In<typeof TicketFilter>; perColumn: number }): Promise<BoardColumn[]> {
  const { k, q } = scoped(ctx)
  const rules = await loadSlaRules(k)
  const f = await listFilter(ctx, input.filter, rules)
  const per = await statusCounts(applyFilter(q(), f))
  const now = ctx.clock.now()
  const out: BoardColumn[] = []
  for (const status of TICKET_STATUSES) {
    const total = per.get(status) ?? 0
    const rows = total ? await pageTickets(k, applyFilter(q(), { ...f, status }), { page: 1, pageSize: input.perColumn }) : []
    out.push({ status, total, items: rows.map((r) => toTicket(ctx, r, rules, now)) })
  }
  return out
}

export async function servicesGet(ctx: ServiceContext, input: { id: string }): Promise<TicketDetail> {
  const k = ctx.db.knex
  await loadVisible(k, ctx, input.id)
  return detail(k, ctx, input.id)
}

// ---- 操作日志 ----------------------------------------------------------------------------------------------

/** The audited fields of a ticket (camelCase; long texts cut short). */
function auditView(r: Row): Record<string, unknown> {
  return {
    status: str(r.status), typeId: low(r.type_id), urgency: str(r.urgency), summary: str(r.summary), request: cut(str(r.request)),
    contactId: low(r.contact_id), contactInfo: str(r.contact_info), assignedTo: low(r.assigned_to), surveyResult: cut(str(r.survey_result)),
    quoteCents: num(r.quote_cents), quoteStatus: str(r.quote_status), quoteNote: cut(str(r.quote_note)), satisfaction: num(r.satisfaction),
    feedback: cut(str(r.feedback)), reopenCount: num(r.reopen_count) ?? 0,
  }
}

const audit = (trx: Knex, ctx: ServiceContext, r: Row, action: 'create' | 'update', changes: Changes) =>
  recordAudit(trx, ctx, { entity: 'service_ticket', entityId: String(r.id), parentId: String(r.customer_id), action, changes })

// ---- writing -------------------------------------------------------------------------------------------------

async function newTicketCode(trx: Knex.Transaction, year: number): Promise<string> {
  for (;;) {
    // rows written without the sequence (demo data) must not make a duplicate
    const code = formatCode('FW', year, await nextSequence(trx, `service:${year}`))
    if (!(await codeExists(trx, code))) return code
  }
}

async function checkContact(db: Knex, contactId: string | null | undefined, customerId: string) {
  if (!contactId) return
  const ct = await findContact(db, contactId)
  if (!ct) throw fieldError('contactId', 'not_found', 'contact not found')
  if (low(ct.customer_id) !== low(customerId)) throw fieldError('contactId', 'not_of_customer', 'the contact belongs to another customer')
}

async function searchTextOf(db: Knex, r: { id: string; code: string; customerName: string; summary: string; request: string | null }) {
  return buildTicketSearchText({ ...r, notes: await noteTexts(db, r.id) })
}

/** The ticket's reminders after a change, in the same transaction. */
const settleReminders = (trx: Knex.Transaction, ctx: ServiceContext, id: string, version: number) => evaluateTicketReminders(trx, ctx, { ids: [id] }, async () => version)

export async function servicesCreate(ctx: ServiceContext, input: In<typeof TicketCreate>): Promise<TicketDetail> {
  const scope = requirePerm(ctx.actor, 'services', 'create')
  const now = ctx.clock.now()
  const nowIso = now.toISOString()
  const k = ctx.db.knex
  const id = await k.transaction(async (trx) => {
    const customer = await findCustomerForTicket(trx, input.customerId)
    if (!customer || !inScope(ctx.actor, scope, low(customer.owner_id), low(customer.owner_team_id))) {
      throw fieldError('customerId', 'not_found', 'customer not found')
    }
    await assertDictRefs(trx, [{ field: 'typeId', typeCode: 'service_type', id: input.typeId, isNew: true }])
    await checkContact(trx, input.contactId, input.customerId)
    const id = newId()
    const code = await newTicketCode(trx, now.getFullYear())
    const version = await nextVersion(trx)
    await insertTicket(trx, {
      id, code, customer_id: input.customerId, type_id: input.typeId, urgency: input.urgency, summary: input.summary, request: input.request,
      contact_id: input.contactId ?? null, contact_info: input.contactInfo || null, status: 'new', created_by: ctx.actor.userId,
      owner_id: customer.owner_id ?? null, sla_start_at: nowIso, reopen_count: 0, created_at: nowIso, updated_at: nowIso, version, deleted_at: null,
      search_text: buildTicketSearchText({ code, customerName: String(customer.name), summary: input.summary, request: input.request }),
    })
    const row = (await findTicket(trx, id))!
    await audit(trx, ctx, row, 'create', { code: [null, code], customerId: [null, input.customerId], ...diff(null, auditView(row)) })
    await settleReminders(trx, ctx, id, version)
    return id
  })
  return detail(k, ctx, id)
}

interface Step {
  trx: Knex.Transaction
  row: Row
  now: Date
  nowIso: string
  version: number
}

/**
 * One transition: permission, visibility, the caller's right on this ticket, the version, the
 * state rule; then `change` gives the columns to write (and may write notes), the UPDATE checks
 * the version again, the audit records old → new, the reminders follow.
 */
async function transition(
  ctx: ServiceContext,
  input: { id: string; version: number },
  action: TicketAction,
  change: (s: Step) => Promise<Row>,
  opts: { auditExtra?: (s: Step) => Changes; searchText?: boolean } = {},
): Promise<TicketDetail> {
  requirePerm(ctx.actor, 'services', PERM_OF[action])
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const row = await loadVisible(trx, ctx, input.id)
    if (!mayDo(ctx.actor, action, row)) throw forbidden('services', PERM_OF[action])
    if (Number(row.version) !== input.version) throw conflict('ticket', Number(row.version))
    assertTransition(action, row.status as TicketStatus, (str(row.quote_status) as QuoteStatus | null) ?? null, action === 'handle' ? await roundNotes(trx, row) : 1)
    const now = ctx.clock.now()
    const step: Step = { trx, row, now, nowIso: now.toISOString(), version: await nextVersion(trx) }
    const patch = await change(step)
    if (opts.searchText) {
      const merged = { ...row, ...patch }
      patch.search_text = await searchTextOf(trx, {
        id: input.id, code: String(row.code), customerName: String(row.customer_name), summary: String(merged.summary), request: str(merged.request),
      })
    }
    if (!(await updateTicket(trx, input.id, input.version, { ...patch, updated_at: step.nowIso, version: step.version }))) throw conflict('ticket', Number(row.version))
    const after = (await findTicket(trx, input.id))!
    await audit(trx, ctx, after, 'update', { ...diff(auditView(row), auditView(after)), ...(opts.auditExtra?.(step) ?? {}) })
    await settleReminders(trx, ctx, input.id, step.version)
  })
  return detail(k, ctx, input.id)
}

export function servicesUpdate(ctx: ServiceContext, input: In<typeof TicketUpdate>): Promise<TicketDetail> {
  const f = input.fields
  return transition(
    ctx, input, 'edit',
    async ({ trx, row }) => {
      if (f.typeId) await assertDictRefs(trx, [{ field: 'typeId', typeCode: 'service_type', id: f.typeId, isNew: low(f.typeId) !== low(row.type_id) }])
      if (f.contactId) await checkContact(trx, f.contactId, String(row.customer_id))
      const patch: Row = {}
      if (f.typeId !== undefined) patch.type_id = f.typeId
      if (f.urgency !== undefined) patch.urgency = f.urgency
      if (f.summary !== undefined) patch.summary = f.summary
      if (f.request !== undefined) patch.request = f.request
      if (f.contactId !== undefined) patch.contact_id = f.contactId ?? null
      if (f.contactInfo !== undefined) patch.contact_info = f.contactInfo || null
      return patch
    },
    { searchText: true },
  )
}

/** A handler must be an enabled user whose role may work on tickets, within the caller's assign scope. */
async function assertHandler(db: Knex, ctx: ServiceContext, handlerId: string): Promise<Row> {
  const scope = ctx.actor.permissions.services!.scope
  const h = await findHandler(db, handlerId)
  if (!h || !String(h.actions).split(',').includes('edit')) {
    throw fieldError('handlerId', 'invalid_handler', 'the handler must be an enabled user who may work on service tickets')
  }
  if (!handlerInScope(ctx, scope, h)) throw fieldError('handlerId', 'out_of_team', 'the handler must be in your team (or serve every customer)')
  return h
}

/** Team scope: the team's members, and people who serve every customer (客服专员 with scope all). */
function handlerInScope(ctx: ServiceContext, scope: string, h: Row): boolean {
  if (scope === 'all' || low(h.id) === low(ctx.actor.userId)) return true
  return scope === 'team' && ((!!ctx.actor.teamId && low(h.team_id) === low(ctx.actor.teamId)) || h.scope === 'all')
}

export function servicesAssign(ctx: ServiceContext, input: { id: string; version: number; handlerId: string }): Promise<TicketDetail> {
  return transition(ctx, input, 'assign', async ({ trx, row, nowIso }) => {
    await assertHandler(trx, ctx, input.handlerId)
    if (row.status === 'assigned' && low(row.assigned_to) === low(input.handlerId)) {
      throw ruleError('services.errors.sameHandler', 'the ticket is already assigned to this handler')
    }
    const first = !row.first_assigned_at
    return {
      status: 'assigned', assigned_to: input.handlerId, assigned_by: ctx.actor.userId, assigned_at: nowIso,
      ...(first ? { first_assigned_at: nowIso, assign_minutes: minutesBetween(toIso(row.created_at)!, nowIso) } : {}),
    }
  })
}

/** `opts.noteId`: the id the writer chose (an offline client's note, pushed by sync); else a new one. */
export function servicesAddNote(ctx: ServiceContext, input: { id: string; version: number; content: string; notedAt?: string }, opts: { noteId?: string } = {}): Promise<TicketDetail> {
  return transition(
    ctx, input, 'addNote',
    async ({ trx, row, now, nowIso, version }) => {
      const notedAt = input.notedAt ? new Date(input.notedAt) : now
      if (notedAt.getTime() > now.getTime() + 60_000) throw fieldError('notedAt', 'in_future', 'a handling note cannot be dated in the future')
      if (notedAt.getTime() < Date.parse(toIso(row.created_at)!)) throw fieldError('notedAt', 'before_created', 'a handling note cannot be dated before the ticket')
      await insertNote(trx, {
        id: opts.noteId ?? newId(), ticket_id: input.id, kind: 'handling', content: input.content, noted_at: notedAt.toISOString(), author_id: ctx.actor.userId,
        satisfaction: null, owner_id: row.owner_id ?? null, created_at: nowIso, updated_at: nowIso, version, deleted_at: null,
      })
      return {}
    },
    { searchText: true, auditExtra: () => ({ handlingNote: [null, cut(input.content)] }) },
  )
}

export function servicesSurvey(ctx: ServiceContext, input: { id: string; version: number; result: string }): Promise<TicketDetail> {
  return transition(ctx, input, 'survey', async ({ nowIso }) => ({ survey_result: input.result, survey_at: nowIso, survey_by: ctx.actor.userId }))
}

const clearedCustomerAnswer = { quote_customer_note: null, quote_customer_at: null, quote_decided_by: null, quote_decided_at: null, quote_decision_note: null }

export function servicesQuote(ctx: ServiceContext, input: { id: string; version: number; amountCents: number; note?: string | null }): Promise<TicketDetail> {
  return transition(ctx, input, 'quote', async ({ nowIso }) => {
    if (input.amountCents <= 0) throw fieldError('amountCents', 'too_small', 'a quote needs an amount', { minimum: 1 })
    return { quote_cents: input.amountCents, quote_note: input.note || null, quote_status: 'pending', quote_by: ctx.actor.userId, quote_at: nowIso, ...clearedCustomerAnswer }
  })
}

export function servicesConfirmQuote(ctx: ServiceContext, input: { id: string; version: number; accepted: boolean; note?: string | null }): Promise<TicketDetail> {
  return transition(ctx, input, input.accepted ? 'confirmQuote' : 'declineQuote', async ({ nowIso }) => ({
    quote_status: input.accepted ? 'confirmed' : 'declined', quote_customer_note: input.note || null, quote_customer_at: nowIso,
  }))
}

export function servicesDecideQuote(ctx: ServiceContext, input: { id: string; version: number; approved: boolean; note?: string | null }): Promise<TicketDetail> {
  return transition(ctx, input, 'decideQuote', async ({ nowIso }) => ({
    quote_status: input.approved ? 'approved' : 'rejected', quote_decided_by: ctx.actor.userId, quote_decided_at: nowIso, quote_decision_note: input.note || null,
  }))
}

export function servicesWithdrawQuote(ctx: ServiceContext, input: { id: string; version: number }): Promise<TicketDetail> {
  return transition(ctx, input, 'withdrawQuote', async () => ({
    quote_status: null, quote_cents: null, quote_note: null, quote_by: null, quote_at: null, ...clearedCustomerAnswer,
  }))
}

export function servicesHandle(ctx: ServiceContext, input: { id: string; version: number }): Promise<TicketDetail> {
  return transition(ctx, input, 'handle', async ({ row, nowIso }) => ({
    status: 'handled', handled_by: ctx.actor.userId, handled_at: nowIso, resolve_minutes: minutesBetween(toIso(row.created_at)!, nowIso),
  }))
}

/**
 * 服务反馈. 3–5: 已反馈. 1–2: reopened to the supervisor — back to 新创建 without a handler (the
 * supervisors get a reminder due at once and assign it again), the SLA clock restarts, the
 * reopen is counted; the feedback itself stays as a note on the ticket.
 */
export function servicesFeedback(ctx: ServiceContext, input: { id: string; version: number; satisfaction: number; comment?: string | null }): Promise<TicketDetail> {
  const outcome = feedbackOutcome(input.satisfaction)
  return transition(
    ctx, input, 'feedback',
    async ({ trx, row, nowIso, version }) => {
      await insertNote(trx, {
        id: newId(), ticket_id: input.id, kind: 'feedback', content: input.comment || '', noted_at: nowIso, author_id: ctx.actor.userId,
        satisfaction: input.satisfaction, owner_id: row.owner_id ?? null, created_at: nowIso, updated_at: nowIso, version, deleted_at: null,
      })
      const recorded = { satisfaction: input.satisfaction, feedback: input.comment || null, feedback_at: nowIso, feedback_by: ctx.actor.userId }
      if (outcome === 'feedback') return { ...recorded, status: 'feedback' }
      return {
        ...recorded, status: 'new', assigned_to: null, assigned_at: null, reopen_count: Number(row.reopen_count ?? 0) + 1,
        reopened_at: nowIso, sla_start_at: nowIso,
      }
    },
    { auditExtra: (): Changes => (outcome === 'reopen' ? { reopened: [false, true] } : {}) },
  )
}

export function servicesArchive(ctx: ServiceContext, input: { id: string; version: number }): Promise<TicketDetail> {
  return transition(ctx, input, 'archive', async ({ nowIso }) => ({ status: 'archived', archived_at: nowIso, archived_by: ctx.actor.userId }))
}

// ---- knowledge of past answers ---------------------------------------------------------------------------------

/**
 * Archived tickets of the same type whose summary and request are similar (character-bigram
 * Jaccard), among the newest SIMILAR_CANDIDATES the caller may see, with their handling notes.
 */
export async function servicesSimilar(ctx: ServiceContext, input: In<typeof SimilarInput>): Promise<SimilarTicket[]> {
  const { k, q } = scoped(ctx)
  if (!input.summary.trim() && !input.request?.trim()) return []
  const candidates = (await archivedCandidates(q(), input.typeId, SIMILAR_CANDIDATES)).map((r) => ({
    id: String(r.id), code: String(r.code), customerName: String(r.customer_name ?? ''), summary: String(r.summary), request: str(r.request),
    archivedAt: toIso(r.archived_at), satisfaction: num(r.satisfaction),
  }))
  const best = rankSimilar({ summary: input.summary, request: input.request }, candidates, input.limit)
  const notes = (await notesOf(k, best.map((b) => b.id))).filter((n) => n.kind === 'handling').map((n) => ({ ...toNote(n), ticketId: low(n.ticket_id) }))
  return best.map((b) => ({ ...b, notes: notes.filter((n) => n.ticketId === low(b.id)).map(({ ticketId: _, ...n }) => n) }))
}

// ---- who may handle ------------------------------------------------------------------------------------------------

export async function servicesHandlerOptions(ctx: ServiceContext): Promise<HandlerOption[]> {
  const scope = requirePerm(ctx.actor, 'services', 'assign')
  const rows = await handlerRows(ctx.db.knex)
  return rows
    .filter((h) => String(h.actions).split(',').includes('edit') && handlerInScope(ctx, scope, h))
    .map((h) => ({ id: String(h.id), name: String(h.name), login: String(h.login), roleCode: String(h.role_code), teamId: str(h.team_id) }))
}

// ---- SLA hours -----------------------------------------------------------------------------------------------------

function toSlaRule(r: Row): SlaRule {
  return { typeId: str(r.type_id), urgency: r.urgency === 'urgent' ? 'urgent' : 'normal', hours: Number(r.hours), version: Number(r.version) }
}

/** The stored rules, and the two defaults (stored or built in). */
export async function servicesSla(ctx: ServiceContext): Promise<SlaRule[]> {
  requirePerm(ctx.actor, 'services', 'view')
  const rows = (await slaRows(ctx.db.knex)).map(toSlaRule)
  for (const urgency of ['urgent', 'normal'] as const) {
    if (!rows.some((r) => r.typeId === null && r.urgency === urgency)) rows.unshift({ typeId: null, urgency, hours: DEFAULT_SLA_HOURS[urgency], version: null })
  }
  return rows
}

/** Saves SLA hours (系统设置, like the dictionary: dictionary.edit); the waiting tickets' reminders follow. */
export async function servicesSaveSla(ctx: ServiceContext, input: { rules: In<typeof SlaRuleInput>[] }): Promise<SlaRule[]> {
  requirePerm(ctx.actor, 'dictionary', 'edit')
  const seen = new Set<string>()
  input.rules.forEach((r, i) => {
    const key = `${low(r.typeId)}:${r.urgency}`
    if (seen.has(key)) throw fieldError(`rules.${i}.typeId`, 'duplicate', 'the same type and urgency twice')
    seen.add(key)
  })
  const nowIso = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    const refs = input.rules.flatMap((r, i) => (r.typeId ? [{ field: `rules.${i}.typeId`, typeCode: 'service_type' as const, id: r.typeId, isNew: false }] : []))
    if (refs.length) await assertDictRefs(trx, refs)
    let version: number | null = null
    const v = async () => (version ??= await nextVersion(trx))
    for (const r of input.rules) {
      const existing = await findSla(trx, r.typeId, r.urgency)
      if (existing && (r.version === null || Number(existing.version) !== r.version)) throw conflict('SLA rule', Number(existing.version))
      if (!existing && r.version !== null) throw conflict('SLA rule')
      if (existing && Number(existing.hours) === r.hours) continue
      const id = existing ? String(existing.id) : newId()
      if (existing) {
        if (!(await updateSla(trx, id, Number(existing.version), { hours: r.hours, updated_at: nowIso, version: await v() }))) throw conflict('SLA rule', Number(existing.version))
      } else {
        await insertSla(trx, { id, type_id: r.typeId, urgency: r.urgency, hours: r.hours, created_at: nowIso, updated_at: nowIso, version: await v(), deleted_at: null })
      }
      await recordAudit(trx, ctx, {
        entity: 'service_sla', entityId: id, action: existing ? 'update' : 'create',
        changes: { typeId: [low(r.typeId), low(r.typeId)], urgency: [r.urgency, r.urgency], hours: [existing ? Number(existing.hours) : null, r.hours] },
      })
    }
    if (version !== null) await evaluateTicketReminders(trx, ctx, 'allWaiting', v)
  })
  return servicesSla(ctx)
}

// ---- global search ------------------------------------------------------------------------

/**
 * 全局搜索's service tickets: the best `limit` tickets the caller may see whose code, customer,
 * summary, request or notes contain the term (the list's search text), the code and the
 * customer's name ranked first. Nothing without the services view permission.
 */
/** 全局搜索: at most this many matching tickets are read and ranked. */
const SEARCH_MATCH_CAP = 400

export async function servicesSearchTop(ctx: ServiceContext, term: string, limit: number): Promise<SearchHit[]> {
  if (!can(ctx.actor, 'services', 'view')) return []
  const t = normalizeTerm(term)
  if (!t) return []
  const { k, q } = scoped(ctx)
  // through the tickets' search index when it narrows the term (the LIKE still checks each);
  // a term no index narrows (SQLite: 1 character) among a bounded number of tickets
  const matches = ticketSearchBounded(k, t)
    ? await searchTicketMatchesBounded(k, q(), t, TICKET_SEARCH_SCAN_BOUND, SEARCH_MATCH_CAP)
    : await searchTicketMatches(applyFilter(q(), { text: t, textIndex: (await ticketTextIndexServes(k, t)) ? k : undefined }), SEARCH_MATCH_CAP)
  const best = bestByText(matches.map((r) => ({ id: String(r.id), searchText: String(r.search_text ?? '') })), t, Math.max(20, limit * 4)).map((r) => r.id)
  if (!best.length) return []
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v))
  const pinyinMatters = !hasHan(t) // a term with Chinese characters never matches a pinyin form
  const hits: SearchHit[] = []
  for (const r of await searchTicketRows(k, best)) {
    const m = bestMatch(t, [
      { field: 'code', values: [String(r.code)] },
      { field: 'name', values: [s(r.customer_name), s(r.summary)] },
      { field: 'pinyin', values: pinyinMatters ? [...pinyinForms(s(r.customer_name)), ...pinyinForms(withoutDivisions(String(r.customer_name ?? '')))] : [] },
    ]) ?? { match: 'contains' as const, field: 'other' as const, score: scoreOf('contains', 'other') } // the request or a note
    hits.push({
      kind: 'ticket', id: String(r.id).toLowerCase(), title: String(r.summary), subtitle: [String(r.code), s(r.customer_name)].filter(Boolean).join(' · '),
      customerId: s(r.customer_id)?.toLowerCase() ?? null, ...m,
    })
  }
  return hits.sort(compareHits).slice(0, limit)
}
