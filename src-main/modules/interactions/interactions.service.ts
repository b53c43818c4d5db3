// 交往记录: the customer card's timeline, search across customers, create / edit / delete own
// records, promises (承诺) kept or not. Each write keeps the customer's 最近联系 / 下次联系
// (customers.last_contact_at, next_contact_at), the record's follow-up reminder and the
// customer's policy and promise reminders in step, in the same transaction.
// Visibility: records of customers in the caller's scope (by the customer's current owner)
// and the caller's own records. Editing and deleting: own records; team/all scope more.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import type { z } from 'zod'
import type { ContactSummary, Interaction, InteractionCreate, InteractionPatch, InteractionSearch, PromiseInput, PromiseItem } from '../../contract/interactions'
import { conflict, fieldError, forbidden, notFound } from '../../shared/errors'
import { toBool, toIso } from '../../db/dialect'
import { chunksInOrder } from '../../shared/chunks-in-order'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { askedScope, can, inScope, outsideTeamScope, requirePerm, teamHoldsMost } from '../auth/permissions'
import { canModify, canSee, loadModifiable, loadVisible, visibleInteractions } from './interactions.scope'
import {
  INTERACTION_KINDS, appZone, evaluateCustomers, refreshCustomerContact, reopenPromiseReminder, syncFollowUp, syncFollowUps, type FollowUpOf,
} from '../reminders/system-reminders.service'
import { daysBetween, formatDate, toLocal } from '../reminders/tz'
import { toAttachment } from './attachments.service'
import { diff, recordAudit, recordAuditMany, type Changes } from '../audit/audit.service'
import {
  countInteractionsIn, countInteractionsInAll, countInteractionsInShort, countOpenPromisesDue, countOpenPromisesDueByCustomer, countOpenPromisesDueAll,
  attachmentsOf, findChannel, findContact, findContacts, findCustomerForWrite, findCustomersForWrite, findDeletedCustomer, findInteraction, findPromise, followUpsOf,
  insertInteraction, insertInteractions, insertPromises,
  interactionCount, interactionIdsInOrder, interactionRowsByIds, pageInteractions, pagePromises, promiseCounts, promisesOf, softDeleteAttachmentsOf, softDeletePromisesOf, updateInteraction,
  updatePromise, archiveBatch as archiveRows, type InteractionFilter, type Row, type VisibleFilter,
} from './interactions.repository'

type In<T extends z.ZodType> = z.output<T>
const DAY = 86_400_000
/** A record may be dated at most this far ahead (clock skew, a time zone slip), not into the future. */
const FUTURE_SLACK_MS = DAY

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const isoOf = (s: string) => new Date(s).toISOString()

function versionOf(trx: Knex.Transaction) {
  let v: number | null = null
  return async () => (v ??= await nextVersion(trx))
}

// ---- mapping ------------------------------------------------------------------------------

function toPromise(r: Row, today: string): PromiseItem {
  const due = str(r.due_date)
  const kept = toIso(r.kept_at)
  return {
    id: String(r.id), interactionId: String(r.interaction_id), customerId: String(r.customer_id), customerName: str(r.customer_name),
    content: String(r.content), dueDate: due, keptAt: kept, overdue: !kept && !!due && due < today, version: Number(r.version),
  }
}

async function todayOf(db: Knex, ctx: ServiceContext) {
  return formatDate(toLocal(ctx.clock.now(), await appZone(db)))
}

const visibleTo = (k: Knex, ctx: ServiceContext, scope: DataScope): VisibleFilter => (q) => visibleInteractions(q, k, ctx.actor, scope)
/**
 * Records (joined to customers as c) of the customers outside a team: the complement of its scope,
 * with the users outside the team looked up first (the owner index's ranges, not every customer).
 */
const outsideTeam = async (k: Knex, teamId: string): Promise<VisibleFilter> => {
  const outside = await outsideTeamScope(k, teamId)
  return (q) => outside(q, 'c.owner_id')
}

/** Rows → contract, with their promises, attachments and follow-up state (three queries per page). */
async function hydrate(db: Knex, ctx: ServiceContext, rows: Row[], parts: HydrateParts = {}): Promise<Interaction[]> {
  const ids = rows.map((r) => String(r.id))
  const today = await todayOf(db, ctx)
  const promises = byInteraction(await promisesOf(db, ids))
  const files = byInteraction(parts.attachments === false ? [] : await attachmentsOf(db, ids), 'entity_id')
  const followUps = new Map((parts.followUps === false ? [] : await followUpsOf(db, ids)).map((f) => [String(f.source_id), f]))
  const editScope = ctx.actor.permissions.interactions?.scope ?? 'own'
  return rows.map((r) => {
    const id = String(r.id)
    const f = followUps.get(id)
    const modifiable = canModify(ctx.actor, editScope, r)
    return {
      id, customerId: String(r.customer_id), customerName: String(r.customer_name ?? ''), contactId: str(r.contact_id), contactName: str(r.contact_name),
      kind: (r.kind === 'visit' ? 'visit' : 'record') as Interaction['kind'], channelId: str(r.channel_id), channelLabel: str(r.channel_label),
      occurredAt: toIso(r.occurred_at)!, place: str(r.place), subject: String(r.subject), detail: str(r.detail), outcome: str(r.outcome),
      nextFollowUpAt: toIso(r.next_follow_up_at), followUpReminderId: f ? String(f.id) : null, followUpDone: !!f?.done_at,
      visitGoal: str(r.visit_goal), goalMet: r.goal_met === null || r.goal_met === undefined ? null : toBool(r.goal_met), improvement: str(r.improvement),
      createdBy: str(r.created_by), createdByName: str(r.created_by_name),
      promises: (promises.get(id) ?? []).map((p) => toPromise(p, today)),
      attachments: (files.get(id) ?? []).map(toAttachment),
      canEdit: can(ctx.actor, 'interactions', 'edit') && modifiable,
      canDelete: can(ctx.actor, 'interactions', 'delete') && modifiable,
      createdAt: toIso(r.created_at)!, updatedAt: toIso(r.updated_at)!, version: Number(r.version),
    }
  })
}

/**
 * What hydrate may leave out for a caller that does not show it (an export): the attachments
 * (empty lists) and the follow-up reminders (no id, not done) — a read each per chunk.
 */
export interface HydrateParts {
  attachments?: boolean
  followUps?: boolean
}

/** Rows grouped by their record, in the order read (was a filter of every row per record: quadratic in a chunk). */
function byInteraction(rows: Row[], key = 'interaction_id'): Map<string, Row[]> {
  const out = new Map<string, Row[]>()
  for (const r of rows) {
    const id = String(r[key])
    const list = out.get(id)
    if (list) list.push(r)
    else out.set(id, [r])
  }
  return out
}

async function reload(db: Knex, ctx: ServiceContext, id: string): Promise<Interaction> {
  const r = await findInteraction(db, id)
  if (!r) throw notFound('interaction', id)
  return (await hydrate(db, ctx, [r]))[0]
}

// ---- reading ----------------------------------------------------------------------------------

/** One page of the visible records matching `f`, newest first, hydrated. */
async function page(ctx: ServiceContext, scope: DataScope, f: InteractionFilter, p: { page: number; pageSize: number }) {
  const k = ctx.db.knex
  const { rows, total } = await pageInteractions(k, visibleTo(k, ctx, scope), f, p)
  return { items: await hydrate(k, ctx, rows), total, page: p.page, pageSize: p.pageSize }
}

export async function interactionsListByCustomer(ctx: ServiceContext, input: { customerId: string; page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  return page(ctx, scope, { customerId: input.customerId }, input)
}

export async function interactionsSearch(ctx: ServiceContext, input: In<typeof InteractionSearch>) {
  const scope = askedScope(requirePerm(ctx.actor, 'interactions', 'view'), input.scope)
  return page(ctx, scope, searchFilter(input), input)
}

/**
 * The whole search result in list order, `size` records at a time (an export): the ordered ids in
 * one read, then the records by id — linear in the matches, where OFFSET pages re-read every
 * earlier row and count the matches again for each page.
 */
export async function* interactionsSearchChunks(
  ctx: ServiceContext, input: Omit<In<typeof InteractionSearch>, 'page' | 'pageSize'>, size: number, parts: HydrateParts = {},
): AsyncGenerator<{ items: Interaction[]; total: number }> {
  const scope = askedScope(requirePerm(ctx.actor, 'interactions', 'view'), input.scope)
  const k = ctx.db.knex
  const ids = await interactionIdsInOrder(k, visibleTo(k, ctx, scope), searchFilter(input))
  // a record deleted since the ids were read is left out
  for await (const rows of chunksInOrder(ids, size, (slice) => interactionRowsByIds(k, slice))) yield { items: rows.length ? await hydrate(k, ctx, rows, parts) : [], total: ids.length }
}

const searchFilter = (input: Omit<In<typeof InteractionSearch>, 'page' | 'pageSize'>) => ({
  customerId: input.customerId, channelId: input.channelId, kind: input.kind, createdBy: input.createdBy,
  from: input.from ? isoOf(input.from) : undefined, to: input.to ? isoOf(input.to) : undefined, text: input.text || undefined,
})

export async function interactionsGet(ctx: ServiceContext, input: { id: string }): Promise<Interaction> {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  await loadVisible(ctx.db.knex, ctx.actor, scope, input.id)
  return reload(ctx.db.knex, ctx, input.id)
}

// ---- 操作日志 -----------------------------------------------------------------------------------

/** The long texts are compared in full but logged cut short. */
const AUDIT_TEXT_MAX = 200
const LONG_TEXTS = ['detail', 'improvement']

/** The audited fields of a row (camelCase); promises and attachments are not part of it. */
function auditView(r: Row): Record<string, unknown> {
  return {
    kind: str(r.kind), subject: str(r.subject), channelId: str(r.channel_id), occurredAt: toIso(r.occurred_at), contactId: str(r.contact_id),
    place: str(r.place), detail: str(r.detail), outcome: str(r.outcome), nextFollowUpAt: toIso(r.next_follow_up_at),
    visitGoal: str(r.visit_goal), goalMet: r.goal_met === null || r.goal_met === undefined ? null : toBool(r.goal_met), improvement: str(r.improvement),
  }
}

function shortened(changes: Changes): Changes {
  const cut = (v: unknown) => (typeof v === 'string' && v.length > AUDIT_TEXT_MAX ? `${v.slice(0, AUDIT_TEXT_MAX)}…` : v)
  for (const k of LONG_TEXTS) if (changes[k]) changes[k] = [cut(changes[k][0]), cut(changes[k][1])]
  return changes
}

function auditInteraction(trx: Knex.Transaction, ctx: ServiceContext, action: 'create' | 'update' | 'delete', before: Row | null, after: Row | null) {
  const r = (after ?? before)!
  const b = before ? auditView(before) : null
  const changes = after
    ? diff(b, auditView(after))
    : Object.fromEntries(Object.entries(b!).filter(([, v]) => v !== null).map(([k, v]) => [k, [v, null]])) as Changes
  return recordAudit(trx, ctx, { entity: 'interaction', entityId: String(r.id), parentId: String(r.customer_id), action, changes: shortened(changes) })
}

// ---- writing ----------------------------------------------------------------------------------

type Fields = In<typeof InteractionPatch>

function checkTimes(f: Fields, now: Date) {
  if (f.occurredAt && Date.parse(f.occurredAt) > now.getTime() + FUTURE_SLACK_MS) {
    throw fieldError('occurredAt', 'in_future', 'an interaction cannot be dated in the future')
  }
}

/** 下次跟进 comes after the contact itself (checked on the values after the edit). */
function checkFollowUp(occurredAt: string | null | undefined, nextFollowUpAt: string | null | undefined) {
  if (occurredAt && nextFollowUpAt && Date.parse(nextFollowUpAt) <= Date.parse(occurredAt)) {
    throw fieldError('nextFollowUpAt', 'before_occurred', 'the next follow-up must be later than the interaction')
  }
}

async function checkContact(db: Knex, contactId: string | null | undefined, customerId: string) {
  if (!contactId) return
  const ct = await findContact(db, contactId)
  if (!ct) throw fieldError('contactId', 'not_found', 'contact not found')
  if (ct.customer_id !== customerId) throw fieldError('contactId', 'not_of_customer', 'the contact belongs to another customer')
}

async function checkChannel(db: Knex, channelId: string, current: string | null) {
  const ch = await findChannel(db, channelId)
  if (!ch || (!toBool(ch.enabled) && channelId !== current)) throw fieldError('channelId', 'invalid', 'not an enabled 交往方式 (interaction channel)')
}

/** Column values of the typed fields; the visit fields only for a visit. */
function columnsOf(f: Fields, kind: string): Row {
  const row: Row = {}
  const set = (col: string, v: unknown) => {
    if (v !== undefined) row[col] = v === '' ? null : v
  }
  set('contact_id', f.contactId)
  set('kind', f.kind)
  set('channel_id', f.channelId)
  set('occurred_at', f.occurredAt ? isoOf(f.occurredAt) : undefined)
  set('place', f.place)
  set('subject', f.subject)
  set('detail', f.detail)
  set('outcome', f.outcome)
  set('next_follow_up_at', f.nextFollowUpAt === undefined ? undefined : f.nextFollowUpAt ? isoOf(f.nextFollowUpAt) : null)
  if (kind === 'visit') {
    set('visit_goal', f.visitGoal)
    set('goal_met', f.goalMet)
    set('improvement', f.improvement)
  } else Object.assign(row, { visit_goal: null, goal_met: null, improvement: null })
  return row
}

function promiseRow(p: { content: string; dueDate?: string | null }, interactionId: string, customerId: string, ownerId: string, now: string, version: number): Row {
  return {
    id: newId(), interaction_id: interactionId, customer_id: customerId, owner_id: ownerId, content: p.content, due_date: p.dueDate ?? null,
    kept_at: null, created_at: now, updated_at: now, version, deleted_at: null,
  }
}

/** After every write: the follow-up reminder, 最近联系/下次联系, and the customer's system reminders. */
async function settle(
  trx: Knex.Transaction,
  ctx: ServiceContext,
  version: () => Promise<number>,
  i: { id: string; customerId: string; customerName: string; contactId: string | null; subject: string; nextFollowUpAt: string | null; recipientId: string },
) {
  await syncFollowUp(trx, ctx, version, i)
  await refreshCustomerContact(trx, [i.customerId], version)
  await evaluateCustomers(trx, ctx, [i.customerId], version, INTERACTION_KINDS)
}

/** `opts.id`: the id the writer chose (an offline client's create, pushed by sync); else a new one. */
export async function interactionsCreate(ctx: ServiceContext, input: In<typeof InteractionCreate>, opts: { id?: string } = {}): Promise<Interaction> {
  return reload(ctx.db.knex, ctx, await interactionsWrite(ctx, input, opts))
}

/** The create without reading the record back (a pushed offline create answers only its status); answers the id. */
export async function interactionsWrite(ctx: ServiceContext, input: In<typeof InteractionCreate>, opts: { id?: string } = {}): Promise<string> {
  const scope = requirePerm(ctx.actor, 'interactions', 'create')
  const now = ctx.clock.now()
  const nowIso = now.toISOString()
  checkTimes(input, now)
  checkFollowUp(input.occurredAt, input.nextFollowUpAt)
  return ctx.db.knex.transaction(async (trx) => {
    const customer = await findCustomerForWrite(trx, input.customerId)
    if (!customer || !inScope(ctx.actor, scope, str(customer.owner_id), str(customer.owner_team_id))) {
      throw fieldError('customerId', 'not_found', 'customer not found')
    }
    await checkContact(trx, input.contactId, input.customerId)
    await checkChannel(trx, input.channelId, null)
    const version = versionOf(trx)
    const v = await version()
    const id = opts.id ?? newId()
    const ownerId = str(customer.owner_id) ?? ctx.actor.userId
    await insertInteraction(trx, {
      id, customer_id: input.customerId, owner_id: ownerId, created_by: ctx.actor.userId, created_at: nowIso, updated_at: nowIso, version: v,
      deleted_at: null, contact_id: null, place: null, detail: null, outcome: null, next_follow_up_at: null, ...columnsOf(input, input.kind),
    })
    await insertPromises(trx, ctx.db.dialect, input.promises.map((p) => promiseRow(p, id, input.customerId, ownerId, nowIso, v)))
    await auditInteraction(trx, ctx, 'create', null, (await findInteraction(trx, id))!)
    await settle(trx, ctx, version, {
      id, customerId: input.customerId, customerName: String(customer.name), contactId: input.contactId ?? null, subject: input.subject,
      nextFollowUpAt: input.nextFollowUpAt ? isoOf(input.nextFollowUpAt) : null, recipientId: ownerId,
    })
    return id
  })
}

/** The columns of a new record, every one present (so many rows go in one statement). */
const NEW_ROW_DEFAULTS: Row = {
  contact_id: null, kind: 'record', place: null, detail: null, outcome: null, next_follow_up_at: null, visit_goal: null, goal_met: null, improvement: null,
}

/**
 * Many creates at once (a sync push's run of offline records, each with the id its client chose):
 * for each the checks, row, promises, audit entry and follow-up reminder of interactionsWrite,
 * and 最近联系/下次联系 and the reminder kinds an interaction moves, for each customer — written
 * set-based under one version. A customer's records go in waves (its first record in the first,
 * its second in the second…), each wave settling its customers once, so every customer passes
 * through the same states as with one write per record and the same rows result (a contact-cycle
 * occasion met by the customer's next record included). Writes the records before the first one
 * refused and answers how many it wrote (0: the first is refused; the caller writes it alone to
 * answer its reason).
 */
export async function interactionsWriteMany(ctx: ServiceContext, items: Array<{ input: In<typeof InteractionCreate>; id: string }>): Promise<number> {
  if (!items.length) return 0
  const scope = requirePerm(ctx.actor, 'interactions', 'create')
  const now = ctx.clock.now()
  const nowIso = now.toISOString()
  const dialect = ctx.db.dialect
  return ctx.db.knex.transaction(async (trx) => {
    const customers = new Map((await findCustomersForWrite(trx, [...new Set(items.map((i) => i.input.customerId))])).map((c) => [String(c.id), c]))
    const contactIds = [...new Set(items.flatMap((i) => (i.input.contactId ? [i.input.contactId] : [])))]
    const contacts = new Map((await findContacts(trx, contactIds)).map((c) => [String(c.id), c]))
    const channels = new Map<string, boolean>()
    const refused = async (input: In<typeof InteractionCreate>) => {
      try {
        checkTimes(input, now)
        checkFollowUp(input.occurredAt, input.nextFollowUpAt)
      } catch {
        return true
      }
      const customer = customers.get(input.customerId)
      if (!customer || !inScope(ctx.actor, scope, str(customer.owner_id), str(customer.owner_team_id))) return true
      const ct = input.contactId ? contacts.get(input.contactId) : null
      if (ct === undefined || (ct && ct.customer_id !== input.customerId)) return true
      if (!channels.has(input.channelId)) {
        const ch = await findChannel(trx, input.channelId)
        channels.set(input.channelId, !!ch && toBool(ch.enabled))
      }
      return !channels.get(input.channelId)
    }
    let valid = 0
    while (valid < items.length && !(await refused(items[valid].input))) valid++
    if (!valid) return 0
    const version = versionOf(trx)
    const v = await version()
    const waves: Array<typeof items> = []
    const seen = new Map<string, number>()
    for (const item of items.slice(0, valid)) {
      const n = seen.get(item.input.customerId) ?? 0
      seen.set(item.input.customerId, n + 1)
      ;(waves[n] ??= []).push(item)
    }
    for (const wave of waves) {
      const rows: Row[] = []
      const promises: Row[] = []
      const followUps: FollowUpOf[] = []
      for (const { input, id } of wave) {
        const customer = customers.get(input.customerId)!
        const ownerId = str(customer.owner_id) ?? ctx.actor.userId
        rows.push({
          id, customer_id: input.customerId, owner_id: ownerId, created_by: ctx.actor.userId, created_at: nowIso, updated_at: nowIso, version: v, deleted_at: null,
          ...NEW_ROW_DEFAULTS, ...columnsOf(input, input.kind),
        })
        promises.push(...input.promises.map((p) => promiseRow(p, id, input.customerId, ownerId, nowIso, v)))
        followUps.push({
          id, customerId: input.customerId, customerName: String(customer.name), contactId: input.contactId ?? null, subject: input.subject,
          nextFollowUpAt: input.nextFollowUpAt ? isoOf(input.nextFollowUpAt) : null, recipientId: ownerId,
        })
      }
      await insertInteractions(trx, dialect, rows)
      await insertPromises(trx, dialect, promises)
      await recordAuditMany(trx, dialect, ctx.actor, nowIso, rows.map((r) => ({
        entity: 'interaction' as const, entityId: String(r.id), parentId: String(r.customer_id), action: 'create' as const, changes: shortened(diff(null, auditView(r))),
      })))
      const customerIds = [...new Set(wave.map((i) => i.input.customerId))]
      await syncFollowUps(trx, ctx, version, followUps)
      await refreshCustomerContact(trx, customerIds, version)
      await evaluateCustomers(trx, ctx, customerIds, version, INTERACTION_KINDS)
    }
    return valid
  })
}

/**
 * The sync rule for a note or visit written offline on a customer that was deleted centrally
 * meanwhile (README, Offline sync): it is kept, never dropped — stored on the customer's tombstone
 * (deleted with it, so no list shows it; its promises likewise) with an audit entry under the
 * customer, where a supervisor reviews it in the deleted customer's history. Only someone whose
 * scope held the customer may do so; a customer that never existed stays `not_found`.
 */
export async function interactionsKeepOnDeletedCustomer(ctx: ServiceContext, input: In<typeof InteractionCreate>, id: string): Promise<{ id: string; customerId: string }> {
  const scope = requirePerm(ctx.actor, 'interactions', 'create')
  const nowIso = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    const customer = await findDeletedCustomer(trx, input.customerId)
    if (!customer || !inScope(ctx.actor, scope, str(customer.owner_id), str(customer.owner_team_id))) {
      throw fieldError('customerId', 'not_found', 'customer not found')
    }
    const v = await versionOf(trx)()
    const ownerId = str(customer.owner_id) ?? ctx.actor.userId
    const deletedAt = toIso(customer.deleted_at) ?? nowIso
    const row: Row = {
      id, customer_id: input.customerId, owner_id: ownerId, created_by: ctx.actor.userId, created_at: nowIso, updated_at: nowIso, version: v,
      deleted_at: deletedAt, contact_id: null, place: null, detail: null, outcome: null, next_follow_up_at: null, ...columnsOf(input, input.kind),
    }
    await insertInteraction(trx, row)
    await insertPromises(trx, ctx.db.dialect, input.promises.map((p) => ({ ...promiseRow(p, id, input.customerId, ownerId, nowIso, v), deleted_at: deletedAt })))
    await recordAudit(trx, ctx, {
      entity: 'interaction', entityId: id, parentId: input.customerId, action: 'create',
      changes: shortened({ ...diff(null, auditView(row)), keptOnDeletedCustomer: [null, true] }),
    })
  })
  return { id, customerId: input.customerId }
}

async function replacePromises(trx: Knex.Transaction, ctx: ServiceContext, row: Row, list: In<typeof PromiseInput>[], v: number) {
  const nowIso = ctx.clock.now().toISOString()
  const existing = new Map((await promisesOf(trx, [String(row.id)])).map((p) => [String(p.id), p]))
  const keep = new Set<string>()
  const inserts: Row[] = []
  list.forEach((p, idx) => {
    if (!p.id) {
      inserts.push(promiseRow(p, String(row.id), String(row.customer_id), String(row.owner_id ?? ctx.actor.userId), nowIso, v))
      return
    }
    if (!existing.has(p.id)) throw fieldError(`promises.${idx}.id`, 'not_found', 'promise not found on this record')
    keep.add(p.id)
  })
  for (const p of list) {
    if (!p.id) continue
    const cur = existing.get(p.id)!
    if (cur.content !== p.content || str(cur.due_date) !== (p.dueDate ?? null)) {
      await updatePromise(trx, p.id, { content: p.content, due_date: p.dueDate ?? null, updated_at: nowIso, version: v })
    }
  }
  for (const id of existing.keys()) if (!keep.has(id)) await updatePromise(trx, id, { deleted_at: nowIso, updated_at: nowIso, version: v })
  await insertPromises(trx, ctx.db.dialect, inserts)
}

export async function interactionsUpdate(
  ctx: ServiceContext,
  input: { id: string; version: number; fields: Fields; promises?: In<typeof PromiseInput>[] },
): Promise<Interaction> {
  const now = ctx.clock.now()
  const f = input.fields
  checkTimes(f, now)
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const row = await loadModifiable(trx, ctx.actor, 'edit', input.id)
    if (input.version !== Number(row.version)) throw conflict('interaction', Number(row.version))
    checkFollowUp(f.occurredAt ?? toIso(row.occurred_at), f.nextFollowUpAt !== undefined ? f.nextFollowUpAt : toIso(row.next_follow_up_at))
    const customerId = String(row.customer_id)
    if (f.contactId !== undefined && f.contactId !== row.contact_id) await checkContact(trx, f.contactId, customerId)
    if (f.channelId !== undefined) await checkChannel(trx, f.channelId, str(row.channel_id))
    const kind = f.kind ?? String(row.kind)
    const patch = columnsOf(f, kind)
    if (kind !== 'visit' && row.kind !== 'visit' && f.kind === undefined) {
      delete patch.visit_goal
      delete patch.goal_met
      delete patch.improvement
    }
    const version = versionOf(trx)
    const v = await version()
    // only while the record still has the version the edit is based on: of two edits of one
    // version (two windows, two people) the second changes nothing and answers conflict
    if (!(await updateInteraction(trx, input.id, { ...patch, updated_at: now.toISOString(), version: v }, input.version))) throw conflict('interaction')
    if (input.promises) await replacePromises(trx, ctx, row, input.promises, v)
    const after = (await findInteraction(trx, input.id))!
    await auditInteraction(trx, ctx, 'update', row, after)
    await settle(trx, ctx, version, {
      id: input.id, customerId, customerName: String(after.customer_name ?? ''), contactId: str(after.contact_id), subject: String(after.subject),
      nextFollowUpAt: toIso(after.next_follow_up_at), recipientId: str(after.customer_owner_id) ?? str(row.created_by) ?? ctx.actor.userId,
    })
  })
  return reload(k, ctx, input.id)
}

export async function interactionsRemove(ctx: ServiceContext, input: { id: string }) {
  const nowIso = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    const row = await loadModifiable(trx, ctx.actor, 'delete', input.id)
    const version = versionOf(trx)
    const v = await version()
    const gone = { deleted_at: nowIso, updated_at: nowIso, version: v }
    await updateInteraction(trx, input.id, gone)
    await softDeletePromisesOf(trx, input.id, gone)
    await softDeleteAttachmentsOf(trx, input.id, gone)
    await auditInteraction(trx, ctx, 'delete', row, null)
    const customerId = String(row.customer_id)
    await refreshCustomerContact(trx, [customerId], version)
    // retracts the record's follow-up and promise reminders, re-evaluates the contact policy
    await evaluateCustomers(trx, ctx, [customerId], version, INTERACTION_KINDS)
  })
  return { ok: true as const }
}

// ---- promises -------------------------------------------------------------------------------------

async function loadPromiseForEdit(db: Knex, ctx: ServiceContext, id: string): Promise<Row> {
  const scope = requirePerm(ctx.actor, 'interactions', 'edit')
  const p = await findPromise(db, id)
  if (!p) throw notFound('promise', id)
  await loadVisible(db, ctx.actor, scope, String(p.interaction_id)).catch(() => {
    throw notFound('promise', id)
  })
  return p
}

async function setKept(ctx: ServiceContext, id: string, expected: number, kept: boolean): Promise<PromiseItem> {
  const nowIso = ctx.clock.now().toISOString()
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const p = await loadPromiseForEdit(trx, ctx, id)
    if (Number(p.version) !== expected) throw conflict('promise', Number(p.version))
    if (!!p.kept_at === kept) return
    const version = versionOf(trx)
    if (!(await updatePromise(trx, id, { kept_at: kept ? nowIso : null, updated_at: nowIso, version: await version() }, expected))) throw conflict('promise')
    // not kept after all: its reminder (closed when it was kept) is open again
    if (!kept) await reopenPromiseReminder(trx, id, nowIso, version)
    await evaluateCustomers(trx, ctx, [String(p.customer_id)], version, INTERACTION_KINDS)
  })
  return toPromise((await findPromise(k, id))!, await todayOf(k, ctx))
}

export const promisesKeep = (ctx: ServiceContext, input: { id: string; version: number }) => setKept(ctx, input.id, input.version, true)
export const promisesUnkeep = (ctx: ServiceContext, input: { id: string; version: number }) => setKept(ctx, input.id, input.version, false)

export async function promisesList(ctx: ServiceContext, input: { customerId?: string; status: 'open' | 'kept' | 'all'; page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const k = ctx.db.knex
  const { rows, total } = await pagePromises(k, visibleTo(k, ctx, scope), { customerId: input.customerId, status: input.status }, input)
  const today = await todayOf(k, ctx)
  return { items: rows.map((r: Row) => toPromise(r, today)), total, page: input.page, pageSize: input.pageSize }
}

/** For the 工作台: promises not kept whose date has passed (the app's today), across the caller's customers, oldest first. */
export async function promisesOverdue(ctx: ServiceContext, input: { page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const k = ctx.db.knex
  const today = await todayOf(k, ctx)
  // company scope: counted from the index and the deleted rows, not promise by promise; a team
  // holding most customers: the company's count minus the promises of the customers outside it
  const team = await teamHoldsMost(k, ctx.actor, scope)
  const known = scope === 'all' ? await countOpenPromisesDueAll(k, today)
    : team ? (await countOpenPromisesDueAll(k, today)) - (await countOpenPromisesDueByCustomer(k, await outsideTeam(k, team), today))
    : undefined
  const { rows, total } = await pagePromises(k, visibleTo(k, ctx, scope), { status: 'open', dueBefore: today }, input, known)
  return { items: rows.map((r: Row) => toPromise(r, today)), total, page: input.page, pageSize: input.pageSize }
}

/** For the 工作台: the caller's visible records that took place in each range [from, to) (交往记录 search counts the same). */
export async function interactionsCountIn(ctx: ServiceContext, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  return (await interactionsCountInGroups(ctx, [ranges]))[0]!
}

/**
 * interactionsCountIn for several groups of ranges, each group counted over its own span, the
 * scope's path chosen once. `short`: each group spans a day or two (the 简报's partial edge days),
 * so below company scope its records are read and their customers checked (no per-customer seek);
 * a team holding most customers subtracts those of the customers outside it from the company's.
 */
export async function interactionsCountInGroups(ctx: ServiceContext, groups: Array<Array<{ from: string; to: string }>>, opts: { short?: boolean } = {}): Promise<number[][]> {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const k = ctx.db.knex
  if (scope === 'all') return Promise.all(groups.map((ranges) => countInteractionsInAll(k, ranges)))
  // a team holding most customers (a supervisor of the whole sales force): the company's count
  // (an index range) minus the records of the fewer customers outside the team — seeks bounded
  // by min(team, rest), not by the team's customers (whether it holds most: briefing_owner_day's
  // per-owner sums, a few thousand rows)
  const team = await teamHoldsMost(k, ctx.actor, scope)
  const count = opts.short ? countInteractionsInShort : countInteractionsIn
  if (!team) return Promise.all(groups.map((ranges) => count(k, visibleTo(k, ctx, scope), ranges)))
  const outside = await outsideTeam(k, team)
  return Promise.all(
    groups.map(async (ranges) => {
      const [all, out] = await Promise.all([countInteractionsInAll(k, ranges), count(k, outside, ranges)])
      return all.map((n, i) => n - out[i]!)
    }),
  )
}

// ---- the customer card header -------------------------------------------------------------------------

export async function interactionsSummary(ctx: ServiceContext, input: { customerId: string }): Promise<ContactSummary> {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const k = ctx.db.knex
  const c = await findCustomerForWrite(k, input.customerId)
  if (!c || !inScope(ctx.actor, scope, str(c.owner_id), str(c.owner_team_id))) throw notFound('customer', input.customerId)
  const zone = await appZone(k)
  const now = ctx.clock.now()
  const today = toLocal(now, zone)
  const overdueDays = (at: Date) => (at.getTime() < now.getTime() ? Math.max(0, daysBetween(toLocal(at, zone), today)) : 0)
  const last = toIso(c.last_contact_at)
  const next = toIso(c.next_contact_at)
  let policy: ContactSummary['contactPolicy'] = null
  if (c.contact_policy_id && c.policy_cycle_days != null && !c.policy_deleted_at) {
    const cycle = Number(c.policy_cycle_days)
    const due = new Date(Date.parse(last ?? toIso(c.created_at)!) + cycle * DAY)
    policy = { id: String(c.contact_policy_id), label: String(c.policy_label), cycleDays: cycle, dueAt: due.toISOString(), overdueDays: overdueDays(due) }
  }
  const promises = await promiseCounts(k, input.customerId, formatDate(today))
  return {
    customerId: input.customerId, lastContactAt: last, nextContactAt: next, nextContactOverdueDays: next ? overdueDays(new Date(next)) : 0,
    contactPolicy: policy, openPromises: promises.open, overduePromises: promises.overdue, interactionCount: await interactionCount(k, input.customerId),
  }
}

// ---- for the reminders module -------------------------------------------------------------------------

/**
 * Moves a record's next follow-up with its reminder (inside the reminder's transaction). The
 * date belongs to the record, so this takes the right to edit it: interactions.edit, the record
 * visible and modifiable by the caller; otherwise `forbidden`. A record gone meanwhile is left alone.
 */
export async function moveFollowUp(trx: Knex, ctx: ServiceContext, interactionId: string, at: string, version: () => Promise<number>) {
  const r = await findInteraction(trx, interactionId)
  if (!r) return
  const scope = requirePerm(ctx.actor, 'interactions', 'edit')
  if (!canSee(ctx.actor, scope, r) || !canModify(ctx.actor, scope, r)) throw forbidden('interactions', 'edit')
  await updateInteraction(trx, interactionId, { next_follow_up_at: at, updated_at: ctx.clock.now().toISOString(), version: await version() })
}

/** The archive export's interactions: the next `limit` the caller may see after `afterId`; [] without the view permission. */
export async function interactionsArchiveBatch(ctx: ServiceContext, afterId: string | null, limit: number): Promise<Record<string, unknown>[]> {
  if (!can(ctx.actor, 'interactions', 'view') || !can(ctx.actor, 'customers', 'view')) return []
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const k = ctx.db.knex
  return archiveRows(k, afterId, limit, (q) => visibleInteractions(q, k, ctx.actor, scope))
}
