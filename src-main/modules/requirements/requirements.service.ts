// 客户需求单: create, edit (after approval every change of a tracked field is a 需求变更 with its
// reason), the flow steps of requirements.flow, attachments, and the 需求追踪矩阵 (list and
// Excel export). Visible to the 负责人, the 对接人 and the customer's owner (own/team scope).
// Every step: permission first, one transaction, the expected version in the UPDATE's WHERE
// (conflict otherwise), an audit entry.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import {
  RequirementFields, TRACKED_FIELDS, type Requirement, type RequirementAction, type RequirementAttachment, type RequirementChange,
  type RequirementPatch, type RequirementRow, type RequirementStatus,
} from '../../contract/requirements'
import type { z } from 'zod'
import { AppError, conflict, fieldError, notFound } from '../../shared/errors'
import { toBool, toIso, toNum } from '../../db/dialect'
import { chunksInOrder } from '../../shared/chunks-in-order'
import { formatCode, newId, nextSequence } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { can, inScope, requirePerm } from '../auth/permissions'
import { diff, recordAudit, type Changes } from '../audit/audit.service'
import { assertDictRefs, dictItemsOfType } from '../dictionary/dictionary.service'
import { appToday } from '../reminders/reminders.service'
import { attachmentBytes, displayName, dropAttachment, entityAttachments, findEntityAttachment, mimeOf, storeAttachment } from '../interactions/attachments.service'
import { allowedActions, changesNeedReason, delayDays, missingReviews, nextStatus, PERMISSION } from './requirements.flow'
import {
  changesOf, codeExists, countOf, customerOf, findRequirement, findReview, findUserRow, insertChanges, insertRequirement, insertReview,
  matrixQueries, reviewsOf, updateRequirement, updateReview, type MatrixQuery, type Row, type Viewer,
} from './requirements.repository'
import { buildMatrixWorkbook } from './requirements.export'

type Patch = z.output<typeof RequirementPatch>
type Fields = z.output<typeof RequirementFields>

const ENTITY = 'requirement'
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const toColumn = (key: string) => key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())

/** The typed fields of a sheet (camelCase), as the audit log and the change log see them. */
const FIELD_KEYS = Object.keys(RequirementFields.shape) as Array<keyof Fields>

function parseIds(v: unknown): string[] {
  if (!v) return []
  try {
    const a = JSON.parse(String(v))
    return Array.isArray(a) ? a.map(String) : []
  } catch {
    return []
  }
}

const viewerOf = (ctx: ServiceContext, scope: DataScope): Viewer => ({ scope, userId: ctx.actor.userId, teamId: ctx.actor.teamId })

/** Whether the caller's scope covers the sheet: as 负责人, 对接人 or the customer's owner. */
function sees(ctx: ServiceContext, scope: DataScope, r: Row): boolean {
  return (
    inScope(ctx.actor, scope, str(r.owner_id), str(r.owner_team_id)) ||
    inScope(ctx.actor, scope, str(r.liaison_id), str(r.liaison_team_id)) ||
    inScope(ctx.actor, scope, str(r.customer_owner_id), str(r.customer_owner_team_id))
  )
}

/** The sheet if it exists and the scope covers it; otherwise `not_found` (a rep cannot learn it exists). */
async function loadVisible(db: Knex, ctx: ServiceContext, scope: DataScope, id: string): Promise<Row> {
  const r = await findRequirement(db, id)
  if (!r || !sees(ctx, scope, r)) throw notFound('requirement', id)
  return r
}


function toRow(r: Row, today: string, delay?: number): RequirementRow {
  const status = String(r.status) as RequirementStatus
  const plannedFinish = str(r.planned_finish)
  const actualFinish = str(r.actual_finish)
  return {
    id: String(r.id), code: String(r.code), customerId: String(r.customer_id), customerName: String(r.customer_name ?? ''),
    workContent: String(r.work_content ?? ''), priority: String(r.priority) as RequirementRow['priority'], status,
    ownerId: str(r.owner_id), ownerName: str(r.owner_name), plannedStart: str(r.planned_start), plannedFinish,
    actualStart: str(r.actual_start), actualFinish,
    delayDays: delay ?? delayDays({ status, plannedFinish, actualFinish }, today),
    changeCount: Number(r.change_count ?? 0), updatedAt: toIso(r.updated_at)!,
  }
}

const toAttachment = (a: Row): RequirementAttachment => ({
  id: String(a.id), fileName: displayName(String(a.file_name)), sizeBytes: Number(a.size_bytes), mime: mimeOf(String(a.file_name)), createdBy: str(a.created_by),
  createdAt: toIso(a.created_at)!,
})

async function toRequirement(ctx: ServiceContext, db: Knex, r: Row): Promise<Requirement> {
  const id = String(r.id)
  const [reviews, changes, files, today] = await Promise.all([reviewsOf(db, id), changesOf(db, id), entityAttachments(db, ENTITY, [id]), appToday(ctx)])
  const status = String(r.status) as RequirementStatus
  return {
    ...toRow({ ...r, change_count: changes.length }, today),
    customerOwner: str(r.customer_owner), liaisonId: str(r.liaison_id), liaisonName: str(r.liaison_name),
    requirements: str(r.requirements), suggestions: str(r.suggestions), notes: str(r.notes),
    reviewDepartments: parseIds(r.review_departments),
    reviews: reviews
      .filter((v) => v.department_id)
      .map((v) => ({
        departmentId: String(v.department_id), feasible: toBool(v.feasible), opinion: str(v.opinion), reviewerId: str(v.reviewer_id),
        reviewerName: str(v.reviewer_name), reviewedAt: toIso(v.updated_at)!,
      })),
    report: str(r.report), reportedAt: toIso(r.reported_at), reportedByName: str(r.reported_by_name),
    approvedBy: str(r.approved_by), approvedByName: str(r.approved_by_name), approvedAt: toIso(r.approved_at), approvalComment: str(r.approval_comment),
    signedDate: str(r.signed_date), signerName: str(r.signer_name), signedAt: toIso(r.signed_at),
    rejectedReason: str(r.rejected_reason), rejectedAt: toIso(r.rejected_at), rejectedByName: str(r.rejected_by_name),
    createdBy: str(r.created_by), createdByName: str(r.created_by_name),
    changes: changes.map(
      (h): RequirementChange => ({
        id: String(h.id), field: String(h.what), oldValue: str(h.old_value), newValue: str(h.new_value), why: str(h.why),
        changedBy: str(h.changed_by), changedByName: str(h.changed_by_name), at: toIso(h.created_at)!,
      }),
    ),
    attachments: files.map(toAttachment),
    actions: allowedActions(status, (a) => can(ctx.actor, 'requirements', a)),
    createdAt: toIso(r.created_at)!,
    version: Number(r.version),
  }
}

async function reload(ctx: ServiceContext, id: string): Promise<Requirement> {
  const r = await findRequirement(ctx.db.knex, id)
  if (!r) throw notFound('requirement', id)
  return toRequirement(ctx, ctx.db.knex, r)
}

/** The audited view of a sheet: its typed fields plus the flow's state. */
function auditView(r: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of FIELD_KEYS) out[k] = str(r[toColumn(k)])
  out.status = str(r.status)
  return out
}

// ---- list, matrix, export ----------------------------------------------------------------------

export async function requirementsList(ctx: ServiceContext, input: MatrixQuery & { page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'requirements', 'view')
  const k = ctx.db.knex
  const today = await appToday(ctx)
  const { filtered, rows } = matrixQueries(k, ctx.db.dialect, viewerOf(ctx, scope), today, input)
  const total = await countOf(filtered)
  const offset = (input.page - 1) * input.pageSize
  const items = offset < total ? await rows({ limit: input.pageSize, offset }) : []
  return { items: items.map((r: Row) => toRow(r, today, toNum(r.delay_days) ?? 0)), total, page: input.page, pageSize: input.pageSize }
}

/**
 * The whole list in list order, `size` sheets at a time (an export): the ordered ids in one read,
 * then the rows by id — linear in the sheets, where OFFSET pages re-read every earlier sheet and
 * count the list again for each page.
 */
export async function* requirementsListChunks(ctx: ServiceContext, input: MatrixQuery, size: number): AsyncGenerator<{ items: RequirementRow[]; total: number }> {
  const scope = requirePerm(ctx.actor, 'requirements', 'view')
  const k = ctx.db.knex
  const today = await appToday(ctx)
  const { ids: idsInOrder, rowsOf } = matrixQueries(k, ctx.db.dialect, viewerOf(ctx, scope), today, input)
  const ids = await idsInOrder()
  for await (const rows of chunksInOrder(ids, size, rowsOf)) yield { items: rows.map((r) => toRow(r, today, toNum(r.delay_days) ?? 0)), total: ids.length }
}

/** Rows one export may hold: a matrix is a working list, not a data dump. */
export const MAX_EXPORT_ROWS = 20_000

export async function requirementsExportMatrix(ctx: ServiceContext, input: MatrixQuery & { locale: 'zh-CN' | 'en-US' }) {
  const scope = requirePerm(ctx.actor, 'requirements', 'export')
  const k = ctx.db.knex
  const today = await appToday(ctx)
  const { filtered, rows } = matrixQueries(k, ctx.db.dialect, viewerOf(ctx, scope), today, input)
  const total = await countOf(filtered)
  if (total > MAX_EXPORT_ROWS) {
    throw new AppError('rule', `too many rows to export: ${total}`, { key: 'requirements.errors.exportTooLarge', params: { total, max: MAX_EXPORT_ROWS } })
  }
  const items = (await rows(null)).map((r: Row) => toRow(r, today, toNum(r.delay_days) ?? 0))
  const bytes = await buildMatrixWorkbook(items, { locale: input.locale, today })
  return {
    fileName: `${input.locale === 'en-US' ? 'requirements-matrix' : '需求追踪矩阵'}-${today}.xlsx`,
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    contentBase64: bytes.toString('base64'),
    rows: items.length,
  }
}

// ---- one sheet -----------------------------------------------------------------------------------

export async function requirementsGet(ctx: ServiceContext, input: { id: string }): Promise<Requirement> {
  const scope = requirePerm(ctx.actor, 'requirements', 'view')
  const r = await loadVisible(ctx.db.knex, ctx, scope, input.id)
  return toRequirement(ctx, ctx.db.knex, r)
}

/** A 负责人 must be an enabled user; outside scope "all" the caller or someone of the caller's team. */
async function assertOwner(db: Knex, ctx: ServiceContext, scope: DataScope, ownerId: string) {
  const u = await findUserRow(db, ownerId)
  if (!u || toBool(u.disabled)) throw fieldError('ownerId', 'invalid_owner', 'the owner must be an enabled user')
  if (scope !== 'all' && u.id !== ctx.actor.userId && (!ctx.actor.teamId || u.team_id !== ctx.actor.teamId)) {
    throw fieldError('ownerId', 'out_of_team', 'the owner must be in your team')
  }
}

async function assertLiaison(db: Knex, liaisonId: string) {
  const u = await findUserRow(db, liaisonId)
  if (!u || toBool(u.disabled)) throw fieldError('liaisonId', 'invalid_owner', 'the liaison must be an enabled user')
}

/** Finish not before start, for the planned and the actual dates. */
function assertDates(v: { plannedStart?: string | null; plannedFinish?: string | null; actualStart?: string | null; actualFinish?: string | null }) {
  if (v.plannedStart && v.plannedFinish && v.plannedFinish < v.plannedStart) throw fieldError('plannedFinish', 'before_start', 'the planned finish is before the planned start')
  if (v.actualStart && v.actualFinish && v.actualFinish < v.actualStart) throw fieldError('actualFinish', 'before_start', 'the actual finish is before the actual start')
}

async function newCode(trx: Knex.Transaction, year: number): Promise<string> {
  for (;;) {
    const code = formatCode('XQ', year, await nextSequence(trx, `requirement:${year}`))
    if (!(await codeExists(trx, code))) return code
  }
}

export async function requirementsCreate(ctx: ServiceContext, input: Fields & { customerId: string }): Promise<Requirement> {
  const scope = requirePerm(ctx.actor, 'requirements', 'create')
  const now = ctx.clock.now()
  const nowIso = now.toISOString()
  const id = await ctx.db.knex.transaction(async (trx) => {
    const customer = await customerOf(trx, input.customerId)
    // a sheet is written for a customer the caller works with (the customer's owner in scope)
    if (!customer || !inScope(ctx.actor, scope, str(customer.owner_id), str(customer.owner_team_id))) throw notFound('customer', input.customerId)
    const ownerId = input.ownerId || ctx.actor.userId
    if (ownerId !== ctx.actor.userId) await assertOwner(trx, ctx, scope, ownerId)
    if (input.liaisonId) await assertLiaison(trx, input.liaisonId)
    assertDates(input)
    const id = newId()
    const row: Row = {}
    for (const key of FIELD_KEYS) row[toColumn(key)] = input[key] === '' || input[key] === undefined ? null : input[key]
    await insertRequirement(trx, {
      ...row, id, owner_id: ownerId, priority: input.priority ?? 'medium', code: await newCode(trx, now.getFullYear()), customer_id: input.customerId,
      status: 'received', stage: 'received', created_by: ctx.actor.userId, created_at: nowIso, updated_at: nowIso, version: await nextVersion(trx),
    })
    const created = (await findRequirement(trx, id))!
    await recordAudit(trx, ctx, { entity: 'requirement', entityId: id, parentId: input.customerId, action: 'create', changes: { code: [null, created.code], ...diff(null, auditView(created)) } })
    return id
  })
  return reload(ctx, id)
}

/** A stored value as the change log shows it (dates and keys as text). */
const logValue = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))

export async function requirementsUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: Patch; reason?: string | null }): Promise<Requirement> {
  const scope = requirePerm(ctx.actor, 'requirements', 'edit')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadVisible(trx, ctx, scope, input.id)
    if (Number(before.version) !== input.version) throw conflict('requirement', Number(before.version))
    const status = String(before.status) as RequirementStatus
    nextStatus(status, 'edit')
    const f = input.fields
    const patch: Row = {}
    for (const key of FIELD_KEYS) {
      if (f[key] === undefined) continue
      const value = f[key] === '' ? null : f[key]
      if (key === 'priority' && value === null) continue
      if (logValue(value) !== logValue(before[toColumn(key)])) patch[toColumn(key)] = value
    }
    if (!Object.keys(patch).length) return
    if (patch.owner_id === null) throw fieldError('ownerId', 'required', 'a requirement needs an owner')
    if (patch.owner_id) await assertOwner(trx, ctx, scope, String(patch.owner_id))
    if (patch.liaison_id) await assertLiaison(trx, String(patch.liaison_id))
    const merged = (key: string) => (toColumn(key) in patch ? patch[toColumn(key)] : before[toColumn(key)]) as string | null
    assertDates({ plannedStart: merged('plannedStart'), plannedFinish: merged('plannedFinish'), actualStart: merged('actualStart'), actualFinish: merged('actualFinish') })
    const tracked = TRACKED_FIELDS.filter((k) => toColumn(k) in patch)
    const reason = input.reason?.trim() || null
    if (changesNeedReason(status) && tracked.length && !reason) {
      throw fieldError('reason', 'change_reason_required', 'a change after approval needs a reason', { fields: tracked })
    }
    const nowIso = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    if (!(await updateRequirement(trx, input.id, { ...patch, updated_at: nowIso, version }, input.version))) throw conflict('requirement')
    if (changesNeedReason(status) && tracked.length) {
      await insertChanges(
        trx,
        tracked.map((key) => ({
          id: newId(), requirement_id: input.id, changed_by: ctx.actor.userId, what: key, old_value: logValue(before[toColumn(key)]),
          new_value: logValue(patch[toColumn(key)]), why: reason, created_at: nowIso, updated_at: nowIso, version, deleted_at: null,
        })),
      )
    }
    const after = (await findRequirement(trx, input.id))!
    const changes: Changes = diff(auditView(before), auditView(after))
    if (reason && changesNeedReason(status)) changes.changeReason = [null, reason]
    await recordAudit(trx, ctx, { entity: 'requirement', entityId: input.id, parentId: String(before.customer_id), action: 'update', changes })
  })
  return reload(ctx, input.id)
}

export async function requirementsRemove(ctx: ServiceContext, input: { id: string }) {
  const scope = requirePerm(ctx.actor, 'requirements', 'delete')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadVisible(trx, ctx, scope, input.id)
    nextStatus(String(before.status) as RequirementStatus, 'remove')
    const nowIso = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    if (!(await updateRequirement(trx, input.id, { deleted_at: nowIso, updated_at: nowIso, version }, Number(before.version)))) throw conflict('requirement')
    await recordAudit(trx, ctx, { entity: 'requirement', entityId: input.id, parentId: String(before.customer_id), action: 'delete', changes: { code: [before.code, null], status: [before.status, null] } })
  })
  return { ok: true as const }
}

// ---- the flow ------------------------------------------------------------------------------------

interface StepInput {
  id: string
  version: number
}

/**
 * One flow step: the step's permission, the sheet in scope and at the expected version, the
 * state machine's next state, `extra` (checks and columns of the step), the UPDATE with the
 * version in its WHERE, and an audit entry of the state change and the step's columns.
 */
async function step(
  ctx: ServiceContext,
  input: StepInput,
  action: RequirementAction,
  extra: (r: Row, trx: Knex.Transaction, at: { nowIso: string; today: string; version: () => Promise<number> }) => Promise<{ patch: Row; log?: Changes }>,
): Promise<Requirement> {
  const scope = requirePerm(ctx.actor, 'requirements', PERMISSION[action])
  const today = await appToday(ctx) // before the transaction: SQLite has one connection
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadVisible(trx, ctx, scope, input.id)
    if (Number(before.version) !== input.version) throw conflict('requirement', Number(before.version))
    const from = String(before.status) as RequirementStatus
    const to = nextStatus(from, action)
    const nowIso = ctx.clock.now().toISOString()
    let v: number | null = null
    const version = async () => (v ??= await nextVersion(trx))
    const { patch, log = {} } = await extra(before, trx, { nowIso, today, version })
    const full: Row = { ...patch, status: to, updated_at: nowIso, version: await version() }
    if (!(await updateRequirement(trx, input.id, full, input.version))) throw conflict('requirement')
    const changes: Changes = { ...(from !== to ? { status: [from, to] as [unknown, unknown] } : {}), ...log }
    await recordAudit(trx, ctx, { entity: 'requirement', entityId: input.id, parentId: String(before.customer_id), action: 'update', changes })
  })
  return reload(ctx, input.id)
}

export const requirementsOrganise = (ctx: ServiceContext, input: StepInput) => step(ctx, input, 'organise', async () => ({ patch: {} }))

export const requirementsStartReview = (ctx: ServiceContext, input: StepInput & { departmentIds: string[] }) =>
  step(ctx, input, 'startReview', async (_r, trx) => {
    const ids = [...new Set(input.departmentIds)]
    await assertDictRefs(trx, ids.map((id, i) => ({ field: `departmentIds.${i}`, typeCode: 'review_department' as const, id, isNew: true })))
    return { patch: { review_departments: JSON.stringify(ids) }, log: { reviewDepartments: [null, ids] } }
  })

export const requirementsReview = (ctx: ServiceContext, input: StepInput & { departmentId: string; feasible: boolean; opinion?: string | null }) =>
  step(ctx, input, 'review', async (r, trx, at) => {
    const asked = parseIds(r.review_departments)
    if (!asked.includes(input.departmentId)) {
      throw fieldError('departmentId', 'not_asked', 'this department was not asked to review the requirement')
    }
    const dept = (await dictItemsOfType(trx, 'review_department')).find((d) => d.id === input.departmentId)
    const opinion = input.opinion?.trim() || null
    const existing = await findReview(trx, String(r.id), input.departmentId)
    const row = { feasible: input.feasible, opinion, reviewer_id: ctx.actor.userId, updated_at: at.nowIso, version: await at.version() }
    if (existing) await updateReview(trx, String(existing.id), row)
    else {
      await insertReview(trx, {
        ...row, id: newId(), requirement_id: String(r.id), department_id: input.departmentId,
        department: (dept?.label ?? 'department').slice(0, 32), created_at: at.nowIso, deleted_at: null,
      })
    }
    const was = existing ? { feasible: toBool(existing.feasible), opinion: str(existing.opinion) } : null
    return { patch: {}, log: { review: [was && { departmentId: input.departmentId, ...was }, { departmentId: input.departmentId, feasible: input.feasible, opinion }] } }
  })

export const requirementsReport = (ctx: ServiceContext, input: StepInput & { report: string }) =>
  step(ctx, input, 'report', async (r, trx, at) => {
    const asked = parseIds(r.review_departments)
    const answered = (await reviewsOf(trx, String(r.id))).map((v) => String(v.department_id))
    const missing = missingReviews(asked, answered)
    if (missing.length) throw new AppError('rule', 'not every department has reviewed the requirement', { key: 'requirements.errors.reviewsMissing', params: { missing, count: missing.length } })
    return { patch: { report: input.report, reported_at: at.nowIso, reported_by: ctx.actor.userId }, log: { report: [str(r.report), input.report] } }
  })

export const requirementsApprove = (ctx: ServiceContext, input: StepInput & { comment?: string | null }) =>
  step(ctx, input, 'approve', async (_r, _trx, at) => {
    const comment = input.comment?.trim() || null
    return { patch: { approved_by: ctx.actor.userId, approved_at: at.nowIso, approval_comment: comment }, log: { approvedBy: [null, ctx.actor.userId], ...(comment ? { approvalComment: [null, comment] } : {}) } }
  })

export const requirementsReject = (ctx: ServiceContext, input: StepInput & { reason: string }) =>
  step(ctx, input, 'reject', async (_r, _trx, at) => ({
    patch: { rejected_reason: input.reason, rejected_at: at.nowIso, rejected_by: ctx.actor.userId },
    log: { rejectedReason: [null, input.reason] },
  }))

export const requirementsConfirm = (ctx: ServiceContext, input: StepInput & { signedDate: string; signerName: string }) =>
  step(ctx, input, 'confirm', async (_r, _trx, at) => {
    if (input.signedDate > at.today) throw fieldError('signedDate', 'in_future', 'the signing date is in the future')
    return {
      patch: { signed_date: input.signedDate, signer_name: input.signerName, signed_at: at.nowIso },
      log: { signedDate: [null, input.signedDate], signerName: [null, input.signerName] },
    }
  })

export const requirementsStart = (ctx: ServiceContext, input: StepInput & { actualStart?: string | null }) =>
  step(ctx, input, 'start', async (r, _trx, at) => {
    const actualStart = input.actualStart || str(r.actual_start) || at.today
    assertDates({ actualStart, actualFinish: str(r.actual_finish) })
    const log: Changes = actualStart !== str(r.actual_start) ? { actualStart: [str(r.actual_start), actualStart] } : {}
    return { patch: { actual_start: actualStart }, log }
  })

export const requirementsFinish = (ctx: ServiceContext, input: StepInput & { actualFinish?: string | null }) =>
  step(ctx, input, 'finish', async (r, _trx, at) => {
    const actualFinish = input.actualFinish || at.today
    assertDates({ actualStart: str(r.actual_start), actualFinish })
    const log: Changes = actualFinish !== str(r.actual_finish) ? { actualFinish: [str(r.actual_finish), actualFinish] } : {}
    return { patch: { actual_finish: actualFinish }, log }
  })

// ---- attachments ---------------------------------------------------------------------------------

export async function requirementsAddAttachment(ctx: ServiceContext, input: { requirementId: string; fileName: string; contentBase64: string }) {
  const scope = requirePerm(ctx.actor, 'requirements', 'edit')
  const r = await loadVisible(ctx.db.knex, ctx, scope, input.requirementId)
  const row = await storeAttachment(ctx, { entity: ENTITY, entityId: input.requirementId, ownerId: str(r.owner_id), fileName: input.fileName, contentBase64: input.contentBase64 })
  return toAttachment(row)
}

async function visibleAttachment(ctx: ServiceContext, action: 'view' | 'edit', id: string) {
  const scope = requirePerm(ctx.actor, 'requirements', action)
  const a = await findEntityAttachment(ctx.db.knex, ENTITY, id)
  const r = a ? await findRequirement(ctx.db.knex, String(a.entity_id)) : undefined
  if (!a || !r || !sees(ctx, scope, r)) throw notFound('attachment', id)
  return a
}

export async function requirementsRemoveAttachment(ctx: ServiceContext, input: { id: string }) {
  await dropAttachment(ctx, await visibleAttachment(ctx, 'edit', input.id))
  return { ok: true as const }
}

export async function requirementsDownloadAttachment(ctx: ServiceContext, input: { id: string }) {
  return attachmentBytes(ctx, await visibleAttachment(ctx, 'view', input.id))
}
