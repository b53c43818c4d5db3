// 销售机会管理 and 客户开发计划 (specification 3.1): a scoped, paged list with pinyin search; create
// with a JH-<year>-<6 digits> code; edit and delete by the rules of opportunities.rules.ts; 指派
// to one 客户经理 (with a reminder); the plan's steps, their 执行效果 and their reminders;
// 开发成功 (creates the customer, or links the one with the same name) and 开发失败 (with a
// reason). Every write: one transaction, one new central version, the expected version in the
// UPDATE's WHERE (`conflict` when someone else changed the row), an audit entry.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { Action, DataScope } from '../../contract/common'
import type { DictTypeCode } from '../../contract/dictionary'
import type {
  Assignee, CloseResult, Opportunity, OpportunityCreate, OpportunityDetail, OpportunityFields, OpportunityRow, OpportunityStatus, PlanStep,
  SameNameMatch,
} from '../../contract/opportunities'
import { AppError, fieldError, notFound } from '../../shared/errors'
import { ALL_ROWS, hasHan, pageWindow, toIso, toNum } from '../../db/dialect'
import { chunksInOrder } from '../../shared/chunks-in-order'
import { formatCode, newId, nextSequence } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { askedScope, can, requirePerm } from '../auth/permissions'
import type { SearchHit } from '../../contract/search'
import { bestByText, bestMatch, compareHits, normalizeTerm, scoreOf } from '../../shared/search-rank'
import { loadActor } from '../auth/auth.service'
import { diff, recordAudit, type Changes } from '../audit/audit.service'
import { assertDictRefs, dictItemsByIds } from '../dictionary/dictionary.service'
import { createCustomerFromOpportunity, customerBasics, customerVisible, findCustomerBySameName } from '../customers/customers.service'
import { createContactFromOpportunity } from '../contacts/contacts.service'
import {
  assignmentKey, closeOpportunityReminders, planStepKey, remindAssignee, remindPlanStep,
} from '../reminders/opportunity-reminders.service'
import { allowedActions, assertAllowed, PERMISSION_OF, probabilityFor, type OpportunityAction } from './opportunities.rules'
import { buildOpportunitySearchText } from './opportunities.search'
import { pinyinForms, withoutDivisions } from '../customers/customers.search'
import {
  codeExists, countOpportunities, customerSpread, findOpportunity, findStep, insertOpportunity, insertStep, moveSteps, openLoads,
  opportunityScopeFacts, pageIds, rowsByIds, scopeForSearch, scopeOpportunities, scopeOpportunityStats, searchMatches, searchRowsByIds, stepsOf, updateOpportunity, updateStep, usersWithOpportunityRole,
  type ListQuery,
} from './opportunities.repository'
import { statsCount } from './stats.repository'

type Row = Record<string, unknown>
type Actor = ServiceContext['actor']

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const orNull = (v: string | null | undefined) => (v === undefined || v === '' ? null : v)

// ---- mapping ----------------------------------------------------------------------------------

function factsOf(r: Row) {
  return { status: String(r.status) as OpportunityStatus, createdBy: String(r.created_by), assignedTo: str(r.assigned_to) }
}

export function toOpportunity(r: Row, actor: Actor): Opportunity {
  return {
    id: String(r.id),
    code: String(r.code),
    sourceId: str(r.source_id),
    customerId: str(r.customer_id),
    customerCode: str(r.customer_code),
    customerName: String(r.customer_name),
    probability: Number(r.probability),
    summary: String(r.summary),
    contactName: str(r.contact_name),
    contactPhone: str(r.contact_phone),
    description: String(r.description ?? ''),
    stageId: str(r.stage_id),
    expectedAmountCents: toNum(r.expected_amount_cents),
    expectedCloseDate: str(r.expected_close_date),
    status: String(r.status) as OpportunityStatus,
    assignedTo: str(r.assigned_to),
    assignedToName: str(r.assigned_to_name),
    assignedBy: str(r.assigned_by),
    assignedByName: str(r.assigned_by_name),
    assignedAt: toIso(r.assigned_at),
    lostReasonId: str(r.lost_reason_id),
    resultNote: str(r.result_reason),
    closedAt: toIso(r.closed_at),
    createdBy: String(r.created_by),
    createdByName: str(r.created_by_name),
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    version: Number(r.version),
    can: allowedActions(actor, factsOf(r)),
  }
}

function toRow(r: Row, actor: Actor): OpportunityRow {
  const { description: _description, ...row } = toOpportunity(r, actor)
  return row
}

export function toStep(r: Row): PlanStep {
  return {
    id: String(r.id),
    opportunityId: String(r.opportunity_id),
    seq: Number(r.seq),
    plannedDate: String(r.planned_date),
    action: String(r.action),
    result: str(r.result),
    executedAt: toIso(r.executed_at),
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    version: Number(r.version),
  }
}

/** What the audit log records of an opportunity. */
const auditView = (o: Opportunity): Record<string, unknown> => ({
  sourceId: o.sourceId, customerId: o.customerId, customerName: o.customerName, probability: o.probability, summary: o.summary,
  contactName: o.contactName, contactPhone: o.contactPhone, description: o.description, stageId: o.stageId,
  expectedAmountCents: o.expectedAmountCents, expectedCloseDate: o.expectedCloseDate, status: o.status, assignedTo: o.assignedTo,
  lostReasonId: o.lostReasonId, resultNote: o.resultNote,
})
const stepView = (s: PlanStep): Record<string, unknown> => ({ seq: s.seq, plannedDate: s.plannedDate, action: s.action, result: s.result, executedAt: s.executedAt })
const removed = (view: Record<string, unknown>): Changes =>
  Object.fromEntries(Object.entries(view).filter(([, v]) => v !== null).map(([k, v]) => [k, [v, null]]))

const conflict = (current: number) =>
  new AppError('conflict', 'the record was changed meanwhile; reload and try again', { key: 'errors.conflict', params: { version: current } })

/** The next central version, taken once per action and only when something is written. */
function versionOnce(trx: Knex.Transaction) {
  let v: number | null = null
  return async () => (v ??= await nextVersion(trx))
}

// ---- loading within the data scope ----------------------------------------------------------------

/** Whether a row with these facts is inside the scope (mirrors scopeOpportunities). */
function visibleIn(actor: Actor, scope: DataScope, f: { owner_id: string | null; owner_team_id: string | null; created_by: string }) {
  if (scope === 'all') return true
  if (scope === 'team' && actor.teamId) return f.owner_team_id === actor.teamId
  return f.owner_id === actor.userId || f.created_by === actor.userId
}

/**
 * The opportunity, when the actor holds the permission for `action` and the row is inside its
 * scope; out of scope answers not_found like a missing row.
 */
async function loadInScope(db: Knex, ctx: ServiceContext, id: string, action: Action): Promise<Row> {
  const scope = requirePerm(ctx.actor, 'opportunities', action)
  const facts = await opportunityScopeFacts(db, id)
  if (!facts || !visibleIn(ctx.actor, scope, facts)) throw notFound('opportunity', id)
  const r = await findOpportunity(db, id)
  if (!r) throw notFound('opportunity', id)
  return r
}

/** Loads in scope, checks the state machine and the expected version. */
async function loadFor(db: Knex, ctx: ServiceContext, id: string, action: OpportunityAction, version?: number): Promise<Row> {
  const r = await loadInScope(db, ctx, id, PERMISSION_OF[action])
  assertAllowed(ctx.actor, factsOf(r), action)
  if (version !== undefined && version !== Number(r.version)) throw conflict(Number(r.version))
  return r
}

async function detail(db: Knex, ctx: ServiceContext, id: string): Promise<OpportunityDetail> {
  const r = await findOpportunity(db, id)
  if (!r) throw notFound('opportunity', id)
  const o = toOpportunity(r, ctx.actor)
  const steps = (await stepsOf(db, id)).map(toStep)
  return { ...o, steps, customerVisible: o.customerId ? await customerVisible(db, ctx, o.customerId) : false }
}

/** Writes the patch while the row still has `version`; conflict when it no longer has. */
async function write(trx: Knex.Transaction, id: string, patch: Row, version: number) {
  if (!(await updateOpportunity(trx, id, patch, version))) throw conflict(version)
}

// ---- list and card --------------------------------------------------------------------------------

export async function opportunitiesList(ctx: ServiceContext, query: ListQuery) {
  const { scope: asked, ...filter } = query.filter
  const input = { ...query, filter }
  const scope = askedScope(requirePerm(ctx.actor, 'opportunities', 'view'), asked)
  const k = ctx.db.knex
  const sc = await scopeForSearch(k, scopeOpportunities(k, ctx.actor, scope), input.filter.search)
  // no search and only the summaries' dimensions (status, stage, 客户经理) in a scope they answer:
  // counted from opportunity_stats; else from the rows
  const statsScope = scopeOpportunityStats(k, ctx.actor, scope)
  const f = input.filter
  const bySummary = statsScope && Object.entries(f).every(([key, v]) => v === undefined || ['status', 'stageId', 'assignedTo'].includes(key))
  const total = bySummary ? await statsCount(k, statsScope, f) : await countOpportunities(k, sc, f)
  const w = pageWindow((input.page - 1) * input.pageSize, input.pageSize, total)
  const ids: string[] = total > (input.page - 1) * input.pageSize && w.limit > 0 ? (await pageIds(k, sc, input, w)).map((r: { id: string }) => r.id) : []
  if (w.reverse) ids.reverse()
  const rows = ids.length ? await rowsByIds(k, ids) : []
  const byId = new Map(rows.map((r) => [String(r.id), r]))
  const items = ids.map((id) => byId.get(id)).filter((r): r is Row => !!r).map((r) => toRow(r, ctx.actor))
  return { items, total, page: input.page, pageSize: input.pageSize }
}

/**
 * The whole list in list order, `size` opportunities at a time (an export): the ordered ids in one
 * read, then the rows by id — linear in the opportunities, where OFFSET pages re-read every
 * earlier row and count the list again for each page.
 */
export async function* opportunitiesListChunks(ctx: ServiceContext, query: Omit<ListQuery, 'page' | 'pageSize'>, size: number): AsyncGenerator<{ items: OpportunityRow[]; total: number }> {
  const { scope: asked, ...filter } = query.filter
  const input = { ...query, filter, page: 1, pageSize: size }
  const scope = askedScope(requirePerm(ctx.actor, 'opportunities', 'view'), asked)
  const k = ctx.db.knex
  const sc = await scopeForSearch(k, scopeOpportunities(k, ctx.actor, scope), input.filter.search)
  const ids: string[] = (await pageIds(k, sc, input, { offset: 0, limit: ALL_ROWS, reverse: false })).map((r: { id: string }) => String(r.id))
  for await (const rows of chunksInOrder(ids, size, (slice) => rowsByIds(k, slice))) yield { items: rows.map((r) => toRow(r, ctx.actor)), total: ids.length }
}

export async function opportunitiesGet(ctx: ServiceContext, input: { id: string }): Promise<OpportunityDetail> {
  const k = ctx.db.knex
  await loadInScope(k, ctx, input.id, 'view')
  return detail(k, ctx, input.id)
}

// ---- create, edit, delete ----------------------------------------------------------------------------

async function newCode(trx: Knex.Transaction, year: number): Promise<string> {
  for (;;) {
    const code = formatCode('JH', year, await nextSequence(trx, `opportunity:${year}`))
    if (!(await codeExists(trx, code))) return code // rows written without the sequence (demo data)
  }
}

async function checkDict(db: Knex, refs: Array<[field: string, type: DictTypeCode, id: string | null | undefined, current: string | null]>) {
  const wanted = refs.filter(([, , id]) => !!id).map(([field, typeCode, id, current]) => ({ field, typeCode, id: id!, isNew: id !== current }))
  if (wanted.length) await assertDictRefs(db, wanted)
}

/** A picked customer must be one the actor may see; its name is the one stored. */
async function pickedCustomer(db: Knex, ctx: ServiceContext, customerId: string): Promise<{ id: string; name: string }> {
  const c = (await customerVisible(db, ctx, customerId)) ? await customerBasics(db, customerId) : null
  if (!c) throw fieldError('customerId', 'invalid_customer', 'not a customer you can see')
  return c
}

async function stageDefault(db: Knex, stageId: string | null | undefined): Promise<number | null> {
  if (!stageId) return null
  return (await dictItemsByIds(db, [stageId]))[0]?.probability ?? null
}

export async function opportunitiesCreate(ctx: ServiceContext, input: OpportunityCreate): Promise<OpportunityDetail> {
  requirePerm(ctx.actor, 'opportunities', 'create')
  const k = ctx.db.knex
  const now = ctx.clock.now()
  const id = newId()
  await k.transaction(async (trx) => {
    await checkDict(trx, [['sourceId', 'opportunity_source', input.sourceId, null], ['stageId', 'opportunity_stage', input.stageId, null]])
    const customer = input.customerId ? await pickedCustomer(trx, ctx, input.customerId) : null
    const customerName = customer?.name ?? input.customerName
    const code = await newCode(trx, now.getFullYear())
    const version = await nextVersion(trx)
    await insertOpportunity(trx, {
      id, code, source_id: orNull(input.sourceId), customer_id: customer?.id ?? null, customer_name: customerName,
      probability: input.probability, summary: input.summary, contact_name: orNull(input.contactName), contact_phone: orNull(input.contactPhone),
      description: input.description, expected_amount_cents: input.expectedAmountCents ?? null, expected_close_date: orNull(input.expectedCloseDate),
      stage_id: orNull(input.stageId), status: 'unassigned', owner_id: ctx.actor.userId, created_by: ctx.actor.userId,
      search_text: buildOpportunitySearchText({ code, customerName, summary: input.summary, contactName: input.contactName, contactPhone: input.contactPhone }),
      created_at: now.toISOString(), updated_at: now.toISOString(), version,
    })
    const created = toOpportunity((await findOpportunity(trx, id))!, ctx.actor)
    await recordAudit(trx, ctx, { entity: 'opportunity', entityId: id, action: 'create', changes: { code: [null, code], ...diff(null, auditView(created)) } })
  })
  return detail(k, ctx, id)
}

const FIELD_COLUMNS: Record<keyof OpportunityFields, string> = {
  sourceId: 'source_id', customerId: 'customer_id', customerName: 'customer_name', probability: 'probability', summary: 'summary',
  contactName: 'contact_name', contactPhone: 'contact_phone', description: 'description',
}
const SEARCH_FIELDS = new Set(['customerName', 'summary', 'contactName', 'contactPhone'])

/** 编辑 (3.1.1.2): the fields of 表1, only while the opportunity is 未分配. */
export async function opportunitiesUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: Partial<OpportunityFields> }): Promise<OpportunityDetail> {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const r = await loadFor(trx, ctx, input.id, 'edit', input.version)
    const before = toOpportunity(r, ctx.actor)
    const f = { ...input.fields }
    await checkDict(trx, [['sourceId', 'opportunity_source', f.sourceId, before.sourceId]])
    if (f.customerId && f.customerId !== before.customerId) f.customerName = (await pickedCustomer(trx, ctx, f.customerId)).name
    const patch: Row = {}
    for (const [key, col] of Object.entries(FIELD_COLUMNS) as Array<[keyof OpportunityFields, string]>) {
      if (f[key] === undefined) continue
      const value = typeof f[key] === 'string' ? orNull(f[key] as string) : f[key]
      if (value !== before[key]) patch[col] = value
    }
    if (!Object.keys(patch).length) return
    if (Object.keys(f).some((x) => SEARCH_FIELDS.has(x))) {
      const merged = { ...before, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) }
      patch.search_text = buildOpportunitySearchText(merged)
    }
    await write(trx, input.id, { ...patch, updated_at: ctx.clock.now().toISOString(), version: await nextVersion(trx) }, before.version)
    const after = toOpportunity((await findOpportunity(trx, input.id))!, ctx.actor)
    await recordAudit(trx, ctx, { entity: 'opportunity', entityId: input.id, action: 'update', changes: diff(auditView(before), auditView(after)) })
  })
  return detail(k, ctx, input.id)
}

/** 删除 (3.1.1.3): an unassigned opportunity, by its creator only. */
export async function opportunitiesRemove(ctx: ServiceContext, input: { id: string; version: number }) {
  await ctx.db.knex.transaction(async (trx) => {
    const r = await loadFor(trx, ctx, input.id, 'remove', input.version)
    const before = toOpportunity(r, ctx.actor)
    const now = ctx.clock.now().toISOString()
    await write(trx, input.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) }, before.version)
    await recordAudit(trx, ctx, { entity: 'opportunity', entityId: input.id, action: 'delete', changes: { code: [before.code, null], ...removed(auditView(before)) } })
  })
  return { ok: true as const }
}

// ---- 指派 --------------------------------------------------------------------------------------------

/** A 客户经理: works opportunities (edit) without assigning them. */
const isAccountManager = (actions: string[]) => actions.includes('edit') && !actions.includes('assign')

/** 指派 (3.1.1.4): to one 客户经理 of the actor's team (any team with scope all); again to hand it over. */
export async function opportunitiesAssign(ctx: ServiceContext, input: { id: string; version: number; assigneeId: string }): Promise<OpportunityDetail> {
  const k = ctx.db.knex
  const scope = requirePerm(ctx.actor, 'opportunities', 'assign')
  await k.transaction(async (trx) => {
    const r = await loadFor(trx, ctx, input.id, 'assign', input.version)
    const before = toOpportunity(r, ctx.actor)
    const assignee = await loadActor({ ...ctx, db: { ...ctx.db, knex: trx } }, input.assigneeId)
    if (!assignee || !isAccountManager(assignee.permissions.opportunities?.actions ?? [])) {
      throw fieldError('assigneeId', 'invalid_assignee', 'pick an enabled account manager')
    }
    if (scope !== 'all' && (!ctx.actor.teamId || assignee.teamId !== ctx.actor.teamId)) {
      throw fieldError('assigneeId', 'out_of_team', 'the account manager must be in your team')
    }
    if (before.status === 'assigned' && before.assignedTo === assignee.userId) return
    const now = ctx.clock.now().toISOString()
    const version = versionOnce(trx)
    await write(trx, input.id, {
      status: 'assigned', assigned_to: assignee.userId, assigned_by: ctx.actor.userId, assigned_at: now, owner_id: assignee.userId,
      updated_at: now, version: await version(),
    }, before.version)
    const steps = (await stepsOf(trx, input.id)).map(toStep)
    if (steps.length) await moveSteps(trx, input.id, { owner_id: assignee.userId, updated_at: now, version: await version() })
    // the previous 客户经理's reminders go to the new one
    if (before.assignedTo) await closeOpportunityReminders(trx, ctx, version, [assignmentKey(input.id, before.assignedTo)], 'retract')
    const facts = { customerName: before.customerName, customerId: before.customerId }
    if (!steps.length) await remindAssignee(trx, ctx, version, { id: input.id, code: before.code, ...facts, assigneeId: assignee.userId })
    for (const s of steps.filter((x) => !x.executedAt)) {
      await remindPlanStep(trx, ctx, version, { id: s.id, opportunityId: input.id, ...facts, action: s.action, plannedDate: s.plannedDate, assigneeId: assignee.userId })
    }
    await recordAudit(trx, ctx, {
      entity: 'opportunity', entityId: input.id, action: 'update',
      changes: { status: [before.status, 'assigned'], assignedTo: [before.assignedTo, assignee.userId], assignedBy: [before.assignedBy, ctx.actor.userId], assignedAt: [before.assignedAt, now] },
    })
  })
  return detail(k, ctx, input.id)
}

/** The 客户经理 the actor may assign to: name, team, 负责分区/行业特长 and open load. */
export async function opportunitiesAssignees(ctx: ServiceContext): Promise<Assignee[]> {
  const scope = requirePerm(ctx.actor, 'opportunities', 'assign')
  const k = ctx.db.knex
  if (scope !== 'all' && !ctx.actor.teamId) return []
  const users = (await usersWithOpportunityRole(k, scope === 'all' ? null : ctx.actor.teamId)).filter((u) => isAccountManager(u.actions.split(',')))
  const ids = users.map((u) => u.id)
  const loads = new Map((await openLoads(k, ids)).map((r) => [r.assigned_to, Number(r.n)]))
  const top = async (column: 'region_id' | 'industry_id') => {
    const by = new Map<string, Array<{ value: string; n: number }>>()
    for (const r of await customerSpread(k, ids, column)) {
      const list = by.get(r.owner_id) ?? []
      list.push({ value: r.value, n: Number(r.n) })
      by.set(r.owner_id, list)
    }
    return (id: string) => (by.get(id) ?? []).sort((a, b) => b.n - a.n || a.value.localeCompare(b.value)).slice(0, 2).map((x) => x.value)
  }
  const regions = await top('region_id')
  const industries = await top('industry_id')
  return users.map((u) => ({
    userId: u.id, name: u.name, teamId: u.team_id, teamName: u.team_name, regionIds: regions(u.id), industryIds: industries(u.id), openCount: loads.get(u.id) ?? 0,
  }))
}

/** 查重: the customer with the same normalised name, whoever owns it, and whether the actor may see it. */
export async function opportunitiesCheckName(ctx: ServiceContext, input: { name: string }): Promise<{ match: SameNameMatch | null }> {
  requirePerm(ctx.actor, 'opportunities', 'view')
  const k = ctx.db.knex
  const m = await findCustomerBySameName(k, input.name)
  if (!m) return { match: null }
  return { match: { id: m.id, code: m.code, name: m.name, ownerName: m.ownerName, visible: await customerVisible(k, ctx, m.id) } }
}

// ---- the pipeline fields ------------------------------------------------------------------------------

/** Stage (the board's drag-and-drop), probability, expected amount and close date of an open opportunity. */
export async function opportunitiesTrack(
  ctx: ServiceContext,
  input: { id: string; version: number; stageId?: string | null; probability?: number; expectedAmountCents?: number | null; expectedCloseDate?: string | null },
): Promise<OpportunityDetail> {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const r = await loadFor(trx, ctx, input.id, 'track', input.version)
    const before = toOpportunity(r, ctx.actor)
    const patch: Row = {}
    const stageChanged = input.stageId !== undefined && (input.stageId ?? null) !== before.stageId
    if (stageChanged) {
      await checkDict(trx, [['stageId', 'opportunity_stage', input.stageId, before.stageId]])
      patch.stage_id = input.stageId ?? null
    }
    const probability = probabilityFor({ typed: input.probability, stageChanged, stageDefault: stageChanged ? await stageDefault(trx, input.stageId) : null, current: before.probability })
    if (probability !== before.probability) patch.probability = probability
    if (input.expectedAmountCents !== undefined && input.expectedAmountCents !== before.expectedAmountCents) patch.expected_amount_cents = input.expectedAmountCents
    if (input.expectedCloseDate !== undefined && (input.expectedCloseDate ?? null) !== before.expectedCloseDate) patch.expected_close_date = input.expectedCloseDate ?? null
    if (!Object.keys(patch).length) return
    await write(trx, input.id, { ...patch, updated_at: ctx.clock.now().toISOString(), version: await nextVersion(trx) }, before.version)
    const after = toOpportunity((await findOpportunity(trx, input.id))!, ctx.actor)
    await recordAudit(trx, ctx, { entity: 'opportunity', entityId: input.id, action: 'update', changes: diff(auditView(before), auditView(after)) })
  })
  return detail(k, ctx, input.id)
}

// ---- 客户开发计划 ----------------------------------------------------------------------------------------

/** A live step and its opportunity, when the actor may work the plan; checks the step's version. */
async function loadStep(trx: Knex.Transaction, ctx: ServiceContext, id: string, version?: number): Promise<{ step: PlanStep; opp: Row }> {
  requirePerm(ctx.actor, 'opportunities', 'edit')
  const s = await findStep(trx, id)
  if (!s) throw notFound('plan step', id)
  let opp: Row
  try {
    opp = await loadFor(trx, ctx, String(s.opportunity_id), 'plan')
  } catch (e) {
    throw e instanceof AppError && e.code === 'not_found' ? notFound('plan step', id) : e
  }
  const step = toStep(s)
  if (version !== undefined && version !== step.version) throw conflict(step.version)
  return { step, opp }
}

const stepReminder = (opp: Row, s: PlanStep) => ({
  id: s.id, opportunityId: String(opp.id), customerName: String(opp.customer_name), customerId: str(opp.customer_id), action: s.action,
  plannedDate: s.plannedDate, assigneeId: String(opp.assigned_to),
})

async function writeStep(trx: Knex.Transaction, id: string, patch: Row, version: number) {
  if (!(await updateStep(trx, id, patch, version))) throw conflict(version)
}

export async function opportunitiesAddStep(ctx: ServiceContext, input: { opportunityId: string; plannedDate: string; action: string }): Promise<PlanStep> {
  const k = ctx.db.knex
  const id = newId()
  await k.transaction(async (trx) => {
    const opp = await loadFor(trx, ctx, input.opportunityId, 'plan')
    const steps = await stepsOf(trx, input.opportunityId)
    const seq = steps.reduce((m, s) => Math.max(m, Number(s.seq)), 0) + 10
    const now = ctx.clock.now().toISOString()
    const version = versionOnce(trx)
    await insertStep(trx, {
      id, opportunity_id: input.opportunityId, seq, planned_date: input.plannedDate, action: input.action, result: null, executed_at: null,
      owner_id: opp.assigned_to, created_by: ctx.actor.userId, created_at: now, updated_at: now, version: await version(),
    })
    const step = toStep((await findStep(trx, id))!)
    await remindPlanStep(trx, ctx, version, stepReminder(opp, step))
    // the plan exists now: the 指派 reminder asking for one is met
    if (!steps.length) await closeOpportunityReminders(trx, ctx, version, [assignmentKey(input.opportunityId, String(opp.assigned_to))], 'done')
    await recordAudit(trx, ctx, { entity: 'plan_step', entityId: id, parentId: input.opportunityId, action: 'create', changes: diff(null, stepView(step)) })
  })
  return toStep((await findStep(k, id))!)
}

export async function opportunitiesUpdateStep(ctx: ServiceContext, input: { id: string; version: number; plannedDate?: string; action?: string }): Promise<PlanStep> {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const { step, opp } = await loadStep(trx, ctx, input.id, input.version)
    const patch: Row = {}
    if (input.plannedDate !== undefined && input.plannedDate !== step.plannedDate) patch.planned_date = input.plannedDate
    if (input.action !== undefined && input.action !== step.action) patch.action = input.action
    if (!Object.keys(patch).length) return
    const version = versionOnce(trx)
    await writeStep(trx, input.id, { ...patch, updated_at: ctx.clock.now().toISOString(), version: await version() }, step.version)
    const after = toStep((await findStep(trx, input.id))!)
    if (!after.executedAt) await remindPlanStep(trx, ctx, version, stepReminder(opp, after))
    await recordAudit(trx, ctx, { entity: 'plan_step', entityId: input.id, parentId: step.opportunityId, action: 'update', changes: diff(stepView(step), stepView(after)) })
  })
  return toStep((await findStep(k, input.id))!)
}

export async function opportunitiesRemoveStep(ctx: ServiceContext, input: { id: string; version: number }) {
  await ctx.db.knex.transaction(async (trx) => {
    const { step } = await loadStep(trx, ctx, input.id, input.version)
    const now = ctx.clock.now().toISOString()
    const version = versionOnce(trx)
    await writeStep(trx, input.id, { deleted_at: now, updated_at: now, version: await version() }, step.version)
    await closeOpportunityReminders(trx, ctx, version, [planStepKey(step.id)], 'retract')
    await recordAudit(trx, ctx, { entity: 'plan_step', entityId: step.id, parentId: step.opportunityId, action: 'delete', changes: removed(stepView(step)) })
  })
  return { ok: true as const }
}

/** The plan in a new order: every live step of the opportunity, each once. */
export async function opportunitiesReorderSteps(ctx: ServiceContext, input: { opportunityId: string; ids: string[] }): Promise<PlanStep[]> {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    await loadFor(trx, ctx, input.opportunityId, 'plan')
    const steps = (await stepsOf(trx, input.opportunityId)).map(toStep)
    const live = new Set(steps.map((s) => s.id))
    if (new Set(input.ids).size !== input.ids.length || input.ids.length !== live.size || input.ids.some((id) => !live.has(id))) {
      throw fieldError('ids', 'invalid', 'list every step of the plan once')
    }
    const byId = new Map(steps.map((s) => [s.id, s]))
    const now = ctx.clock.now().toISOString()
    const version = versionOnce(trx)
    for (const [i, id] of input.ids.entries()) {
      const s = byId.get(id)!
      const seq = (i + 1) * 10
      if (s.seq === seq) continue
      await writeStep(trx, id, { seq, updated_at: now, version: await version() }, s.version)
      await recordAudit(trx, ctx, { entity: 'plan_step', entityId: id, parentId: input.opportunityId, action: 'update', changes: { seq: [s.seq, seq] } })
    }
  })
  return (await stepsOf(k, input.opportunityId)).map(toStep)
}

/** A step of a plan the caller may work on (for an offline edit's base and its central merge). */
export function opportunitiesGetStep(ctx: ServiceContext, input: { id: string }): Promise<PlanStep> {
  return ctx.db.knex.transaction(async (trx) => (await loadStep(trx, ctx, input.id)).step)
}

/** 执行效果 of a step (the reminder is done); again to correct it while the plan is open. */
export async function opportunitiesRecordResult(ctx: ServiceContext, input: { id: string; version: number; result: string; executedAt?: string }): Promise<PlanStep> {
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    const { step } = await loadStep(trx, ctx, input.id, input.version)
    const now = ctx.clock.now()
    const executedAt = input.executedAt ? new Date(input.executedAt) : now
    if (executedAt.getTime() > now.getTime() + 60_000) throw fieldError('executedAt', 'in_future', 'a result cannot be recorded ahead of time')
    const version = versionOnce(trx)
    await writeStep(trx, input.id, { result: input.result, executed_at: executedAt.toISOString(), updated_at: now.toISOString(), version: await version() }, step.version)
    await closeOpportunityReminders(trx, ctx, version, [planStepKey(step.id)], 'done')
    const after = toStep((await findStep(trx, input.id))!)
    await recordAudit(trx, ctx, { entity: 'plan_step', entityId: step.id, parentId: step.opportunityId, action: 'update', changes: diff(stepView(step), stepView(after)) })
  })
  return toStep((await findStep(k, input.id))!)
}

/**
 * 开发成功: the opportunity's customer — the picked one if it still exists, else the live customer
 * with the same name, else a new one (owner: the 客户经理) with the opportunity's contact and phone.
 */
async function wonCustomer(trx: Knex.Transaction, ctx: ServiceContext, o: Opportunity, version: number): Promise<{ id: string; created: boolean }> {
  if (o.customerId && (await customerBasics(trx, o.customerId))) return { id: o.customerId, created: false }
  const same = await findCustomerBySameName(trx, o.customerName)
  if (same) return { id: same.id, created: false }
  const ownerId = o.assignedTo!
  const contactName = o.contactName?.trim() || null
  const phone = o.contactPhone?.trim() || null
  const c = await createCustomerFromOpportunity(trx, ctx, { name: o.customerName, ownerId, phone: contactName ? null : phone, opportunityCode: o.code }, version)
  if (contactName) await createContactFromOpportunity(trx, ctx, { customerId: c.id, ownerId, name: contactName, phone }, version)
  return { id: c.id, created: true }
}

/** 开发成功 / 开发失败 (with a 失败原因): ends the plan; the result is read-only afterwards. */
export async function opportunitiesClose(
  ctx: ServiceContext,
  input: { id: string; version: number; outcome: 'won' | 'lost'; lostReasonId?: string; note?: string | null },
): Promise<CloseResult> {
  const k = ctx.db.knex
  let customer: { id: string; created: boolean } | null = null
  await k.transaction(async (trx) => {
    const r = await loadFor(trx, ctx, input.id, 'close', input.version)
    const before = toOpportunity(r, ctx.actor)
    const now = ctx.clock.now().toISOString()
    const version = versionOnce(trx)
    const patch: Row = { status: input.outcome, closed_at: now, result_reason: orNull(input.note ?? undefined), updated_at: now }
    if (input.outcome === 'lost') {
      if (!input.lostReasonId) throw fieldError('lostReasonId', 'required', 'a lost opportunity needs its reason')
      await checkDict(trx, [['lostReasonId', 'opportunity_lost_reason', input.lostReasonId, null]])
      Object.assign(patch, { lost_reason_id: input.lostReasonId, probability: 0 })
    } else {
      if (input.lostReasonId) throw fieldError('lostReasonId', 'not_allowed', 'only a lost opportunity has a loss reason')
      customer = await wonCustomer(trx, ctx, before, await version())
      Object.assign(patch, { customer_id: customer.id, probability: 100 })
    }
    await write(trx, input.id, { ...patch, version: await version() }, before.version)
    // the plan is over: open step reminders are withdrawn, the 指派 one is met
    const open = (await stepsOf(trx, input.id)).map(toStep).filter((s) => !s.executedAt)
    await closeOpportunityReminders(trx, ctx, version, open.map((s) => planStepKey(s.id)), 'retract')
    if (before.assignedTo) await closeOpportunityReminders(trx, ctx, version, [assignmentKey(input.id, before.assignedTo)], 'done')
    const after = toOpportunity((await findOpportunity(trx, input.id))!, ctx.actor)
    await recordAudit(trx, ctx, { entity: 'opportunity', entityId: input.id, action: 'update', changes: { ...diff(auditView(before), auditView(after)), closedAt: [null, now] } })
  })
  const c = customer as { id: string; created: boolean } | null
  return { opportunity: await detail(k, ctx, input.id), customerId: c?.id ?? null, customerCreated: c?.created ?? false }
}

// ---- global search ------------------------------------------------------------------------

/** Matches one pass reads at most before ranking. */
const SEARCH_MATCH_CAP = 400

/**
 * 全局搜索's opportunities: the best `limit` live opportunities in the caller's scope whose code,
 * customer name, summary, contact or phone (or the names' pinyin and initials) contain the term,
 * ranked by shared/search-rank (the customer name is the name). Nothing without the view permission.
 */
export async function opportunitiesSearchTop(ctx: ServiceContext, term: string, limit: number): Promise<SearchHit[]> {
  if (!can(ctx.actor, 'opportunities', 'view')) return []
  const scope = requirePerm(ctx.actor, 'opportunities', 'view')
  const t = normalizeTerm(term)
  if (!t) return []
  const k = ctx.db.knex
  // through the opportunities' search index when it narrows the term (the LIKE still checks each)
  const matches = await searchMatches(k, await scopeForSearch(k, scopeOpportunities(k, ctx.actor, scope), t), t, SEARCH_MATCH_CAP)
  const ids = bestByText(matches.map((r) => ({ id: String(r.id), searchText: String(r.search_text ?? '') })), t, Math.max(20, limit * 4)).map((r) => r.id)
  if (!ids.length) return []
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v))
  const pinyinMatters = !hasHan(t) // a term with Chinese characters never matches a pinyin form
  const hits: SearchHit[] = []
  for (const r of await searchRowsByIds(k, ids)) {
    const customer = String(r.customer_name)
    const m = bestMatch(t, [
      { field: 'name', values: [customer, s(r.summary)] },
      { field: 'pinyin', values: pinyinMatters ? [...pinyinForms(customer), ...pinyinForms(withoutDivisions(customer)), ...pinyinForms(s(r.contact_name))] : [] },
      { field: 'code', values: [String(r.code)] },
      { field: 'phone', values: [s(r.contact_phone)] },
    ]) ?? { match: 'contains' as const, field: 'other' as const, score: scoreOf('contains', 'other') } // the contact's name
    const subtitle = [String(r.code), s(r.summary), s(r.contact_name)].filter(Boolean).join(' · ')
    const customerId = s(r.customer_id)
    hits.push({ kind: 'opportunity', id: String(r.id).toLowerCase(), title: customer, subtitle, customerId: customerId ? customerId.toLowerCase() : null, ...m })
  }
  return hits.sort(compareHits).slice(0, limit)
}
