// 系统字典: ordered items per type, rename / enable-disable / cycle days, reorder, and
// delete only while nothing refers to an item (in use → disable it instead).
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import { PROBABILITY_TYPES, type DictItem, type DictType, type DictTypeCode } from '../../contract/dictionary'
import { AppError, conflict, fieldError, notFound } from '../../shared/errors'
import { logError } from '../../shared/log'
import { toBool, toNum } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import { diff, recordAudit } from '../audit/audit.service'
import { reschedulePolicies } from '../reminders/system-reminders.service'
import {
  findItem, findItems, findType, insertItem, listItems, listTypes, maxSortOrder, updateItem, usageCounts, type DictItemRow,
} from './dictionary.repository'

export function toDictItem(r: DictItemRow, inUse?: number): DictItem {
  const item: DictItem = {
    id: r.id,
    typeCode: r.type_code as DictTypeCode,
    label: r.label,
    labelEn: r.label_en ?? null,
    sortOrder: Number(r.sort_order),
    enabled: toBool(r.enabled),
    cycleDays: toNum(r.cycle_days),
    probability: toNum(r.probability),
    version: Number(r.version ?? 0),
  }
  if (inUse !== undefined) item.inUse = inUse
  return item
}

/** The audited view of an item (no id, no inUse). */
const auditView = (i: DictItem) => ({
  typeCode: i.typeCode, label: i.label, labelEn: i.labelEn, sortOrder: i.sortOrder, enabled: i.enabled, cycleDays: i.cycleDays, probability: i.probability,
})

export async function dictAll(ctx: ServiceContext): Promise<DictType[]> {
  requirePerm(ctx.actor, 'dictionary', 'view')
  const k = ctx.db.knex
  const [types, items] = await Promise.all([listTypes(k), listItems(k)])
  const byType = new Map<string, DictItem[]>()
  for (const r of items) {
    const list = byType.get(r.type_code) ?? []
    list.push(toDictItem(r))
    byType.set(r.type_code, list)
  }
  return types.map((t: Record<string, unknown>) => ({
    code: t.code as DictTypeCode,
    name: String(t.name),
    nameEn: (t.name_en as string | null) ?? null,
    hasCycle: toBool(t.has_cycle),
    hasProbability: PROBABILITY_TYPES.includes(t.code as DictTypeCode),
    items: byType.get(String(t.code)) ?? [],
  }))
}

export async function dictItems(ctx: ServiceContext, input: { typeCode: DictTypeCode }): Promise<DictItem[]> {
  requirePerm(ctx.actor, 'dictionary', 'view')
  const k = ctx.db.knex
  const rows = await listItems(k, input.typeCode)
  const counts = await usageCounts(k, input.typeCode, rows.map((r) => r.id))
  return rows.map((r) => toDictItem(r, counts.get(r.id) ?? 0))
}

export interface DictSaveInput {
  id?: string
  /** with an id: the version the edit is based on */
  version?: number
  typeCode: DictTypeCode
  label: string
  labelEn?: string | null
  enabled?: boolean
  cycleDays?: number | null
  probability?: number | null
}

async function assertLabelFree(trx: Knex, typeCode: string, label: string, exceptId?: string) {
  const wanted = label.trim().toLowerCase()
  const taken = (await listItems(trx, typeCode)).some((r) => r.id !== exceptId && r.label.trim().toLowerCase() === wanted)
  if (taken) throw fieldError('label', 'duplicate', `label already used in this dictionary: ${label}`, { label })
}

export async function dictSave(ctx: ServiceContext, input: DictSaveInput): Promise<DictItem> {
  requirePerm(ctx.actor, 'dictionary', input.id ? 'edit' : 'create')
  const before = input.id ? await findItem(ctx.db.knex, input.id) : undefined
  const saved = await saveItem(ctx, input)
  // a policy's cycle (or whether it applies) moved the due dates of its reminders
  const cycleMoved = !before || toNum(before.cycle_days) !== saved.cycleDays || toBool(before.enabled) !== saved.enabled
  if (POLICY_TYPES.has(saved.typeCode) && cycleMoved) {
    try {
      await reschedulePolicies(ctx)
    } catch (e) {
      logError('rescheduling policy reminders after a dictionary change', e) // the next hourly run settles them
    }
  }
  return saved
}

const POLICY_TYPES = new Set<DictTypeCode>(['contact_policy', 'purchase_policy'])

function saveItem(ctx: ServiceContext, input: DictSaveInput): Promise<DictItem> {
  const now = ctx.clock.now().toISOString()
  return ctx.db.knex.transaction(async (trx) => {
    const type = await findType(trx, input.typeCode)
    if (!type) throw notFound('dictionary type', input.typeCode)
    const hasCycle = toBool(type.has_cycle)
    if (!hasCycle && input.cycleDays != null) throw fieldError('cycleDays', 'not_allowed', 'this dictionary has no cycle days')
    const hasProbability = PROBABILITY_TYPES.includes(input.typeCode)
    if (!hasProbability && input.probability != null) throw fieldError('probability', 'not_allowed', 'this dictionary has no probabilities')
    await assertLabelFree(trx, input.typeCode, input.label, input.id)

    if (!input.id) {
      if (hasCycle && input.cycleDays == null) throw fieldError('cycleDays', 'required', 'cycle days are required for this dictionary')
      const id = newId()
      await insertItem(trx, {
        id, type_code: input.typeCode, label: input.label, label_en: input.labelEn || null,
        sort_order: (await maxSortOrder(trx, input.typeCode)) + 10, enabled: input.enabled ?? true,
        cycle_days: hasCycle ? input.cycleDays : null, probability: hasProbability ? (input.probability ?? null) : null, created_at: now, updated_at: now, version: await nextVersion(trx),
      })
      const created = toDictItem((await findItem(trx, id))!)
      await recordAudit(trx, ctx, { entity: 'dict_item', entityId: id, action: 'create', changes: diff(null, auditView(created)) })
      return created
    }

    const row = await findItem(trx, input.id)
    if (!row || row.type_code !== input.typeCode) throw notFound('dictionary item', input.id)
    if (input.version !== undefined && input.version !== Number(row.version)) throw conflict('dictionary item', Number(row.version))
    if (hasCycle && input.cycleDays === null) throw fieldError('cycleDays', 'required', 'cycle days are required for this dictionary')
    const before = toDictItem(row)
    const wanted: DictItem = {
      ...before,
      label: input.label,
      labelEn: input.labelEn !== undefined ? input.labelEn || null : before.labelEn,
      enabled: input.enabled ?? before.enabled,
      cycleDays: input.cycleDays !== undefined ? input.cycleDays : before.cycleDays,
      probability: input.probability !== undefined ? input.probability : before.probability,
    }
    const changes = diff(auditView(before), auditView(wanted))
    if (!Object.keys(changes).length) return before
    const patch = {
      label: wanted.label, label_en: wanted.labelEn, enabled: wanted.enabled, cycle_days: wanted.cycleDays, probability: wanted.probability, updated_at: now,
      version: await nextVersion(trx),
    }
    // only while the item still has the version the edit is based on (a parallel edit answers conflict)
    if (!(await updateItem(trx, input.id, patch, input.version))) throw conflict('dictionary item')
    await recordAudit(trx, ctx, { entity: 'dict_item', entityId: input.id, action: 'update', changes })
    return toDictItem((await findItem(trx, input.id))!)
  })
}

/** New order of a type's items: the listed ids first, the rest after them in their old order. */
export async function dictReorder(ctx: ServiceContext, input: { typeCode: DictTypeCode; ids: string[] }) {
  requirePerm(ctx.actor, 'dictionary', 'edit')
  if (new Set(input.ids).size !== input.ids.length) throw fieldError('ids', 'duplicate', 'an item is listed twice')
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    const rows = await listItems(trx, input.typeCode)
    const byId = new Map(rows.map((r) => [r.id, r]))
    const foreign = input.ids.filter((id) => !byId.has(id))
    if (foreign.length) throw fieldError('ids', 'invalid', 'some items do not belong to this dictionary', { ids: foreign })
    const listed = new Set(input.ids)
    const order = [...input.ids, ...rows.filter((r) => !listed.has(r.id)).map((r) => r.id)]
    let version: number | null = null
    for (const [i, id] of order.entries()) {
      const sortOrder = (i + 1) * 10
      const old = Number(byId.get(id)!.sort_order)
      if (old === sortOrder) continue
      version ??= await nextVersion(trx)
      await updateItem(trx, id, { sort_order: sortOrder, updated_at: now, version })
      await recordAudit(trx, ctx, { entity: 'dict_item', entityId: id, action: 'update', changes: { sortOrder: [old, sortOrder] } })
    }
  })
  return { ok: true as const }
}

export async function dictRemove(ctx: ServiceContext, input: { id: string }) {
  requirePerm(ctx.actor, 'dictionary', 'delete')
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    const row = await findItem(trx, input.id)
    if (!row) throw notFound('dictionary item', input.id)
    const inUse = (await usageCounts(trx, row.type_code as DictTypeCode, [row.id])).get(row.id) ?? 0
    if (inUse > 0) {
      throw new AppError('in_use', `dictionary item is used by ${inUse} records; disable it instead`, {
        key: 'dictionary.errors.inUse', params: { count: inUse, label: row.label },
      })
    }
    await updateItem(trx, row.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'dict_item', entityId: row.id, action: 'delete', changes: diff(auditView(toDictItem(row)), { label: null }) })
  })
  return { ok: true as const }
}

/**
 * Checks dictionary references of a record: each id must be a live item of the field's type.
 * A newly chosen item must also be enabled (a disabled one may stay where it already is).
 */
export async function assertDictRefs(db: Knex, refs: Array<{ field: string; typeCode: DictTypeCode; id: string; isNew: boolean }>) {
  const items = new Map((await findItems(db, [...new Set(refs.map((r) => r.id))])).map((r) => [r.id, r]))
  for (const ref of refs) {
    const item = items.get(ref.id)
    if (!item || item.type_code !== ref.typeCode) {
      throw fieldError(ref.field, 'invalid_dict', `not an item of dictionary ${ref.typeCode}`, { typeCode: ref.typeCode })
    }
    if (ref.isNew && !toBool(item.enabled)) {
      throw fieldError(ref.field, 'invalid_dict', `dictionary item is disabled: ${item.label}`, { typeCode: ref.typeCode, reason: 'disabled' })
    }
  }
}

/** Live items by id (enabled or not), for other modules (a stage's default probability). */
export async function dictItemsByIds(db: Knex, ids: string[]): Promise<DictItem[]> {
  return (await findItems(db, [...new Set(ids)])).map((r) => toDictItem(r))
}

/** A type's live items in their order, disabled ones included (board columns, funnel stages). */
export async function dictItemsOfType(db: Knex, typeCode: DictTypeCode): Promise<DictItem[]> {
  return (await listItems(db, typeCode)).map((r) => toDictItem(r))
}
