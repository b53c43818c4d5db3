import type { Knex } from 'knex'
import type { DictTypeCode } from '../../contract/dictionary'

export interface DictItemRow {
  id: string
  type_code: string
  label: string
  label_en: string | null
  sort_order: number
  enabled: unknown
  cycle_days: number | null
  probability?: number | null
  version: unknown
}

const CUSTOMER_TYPES = [
  'region', 'nature', 'source', 'category', 'industry', 'size', 'position', 'settlement', 'contact_policy', 'purchase_policy', 'level',
] as const

/** Where each dictionary type is referenced: [table, column]. Every table here has deleted_at. */
export const DICT_USAGE: Record<DictTypeCode, Array<[table: string, column: string]>> = {
  ...(Object.fromEntries(CUSTOMER_TYPES.map((c) => [c, [['customers', `${c}_id`]]])) as Record<(typeof CUSTOMER_TYPES)[number], Array<[string, string]>>),
  interaction_channel: [['interactions', 'channel_id']],
  opportunity_source: [['opportunities', 'source_id']],
  opportunity_stage: [['opportunities', 'stage_id']],
  opportunity_lost_reason: [['opportunities', 'lost_reason_id']],
  service_type: [['service_tickets', 'type_id']],
  churn_reason: [['churn_warnings', 'reason_id']],
  review_department: [['requirement_reviews', 'department_id']],
  product_category: [['products', 'category_id']],
  payment_method: [['payments', 'method_id']],
}

export const listTypes = (db: Knex) => db('dict_types').select('*').orderBy([{ column: 'sort_order' }, { column: 'code' }])
export const findType = (db: Knex, code: string) => db('dict_types').where({ code }).first()

export function listItems(db: Knex, typeCode?: string): Promise<DictItemRow[]> {
  const q = db('dict_items').whereNull('deleted_at').select('*')
  if (typeCode) q.where('type_code', typeCode)
  return q.orderBy([{ column: 'type_code' }, { column: 'sort_order' }, { column: 'id' }])
}

export const findItem = (db: Knex, id: string): Promise<DictItemRow | undefined> => db('dict_items').where({ id }).whereNull('deleted_at').first()

export const findItems = (db: Knex, ids: string[]): Promise<DictItemRow[]> =>
  ids.length ? db('dict_items').whereIn('id', ids).whereNull('deleted_at').select('*') : Promise.resolve([])

export async function maxSortOrder(db: Knex, typeCode: string): Promise<number> {
  const row = await db('dict_items').where('type_code', typeCode).max({ m: 'sort_order' }).first()
  return Number(row?.m ?? 0)
}

export const insertItem = (db: Knex, row: Record<string, unknown>) => db('dict_items').insert(row)
/** Updates an item; with `expectVersion` only while it still has that version. Answers the rows changed. */
export async function updateItem(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number): Promise<number> {
  const q = db('dict_items').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

/** item id → number of live rows referring to it, for the given items of one type. */
export async function usageCounts(db: Knex, typeCode: DictTypeCode, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (!ids.length) return out
  for (const [table, column] of DICT_USAGE[typeCode]) {
    const rows: Array<{ id: string; n: unknown }> = await db(table)
      .whereIn(column, ids)
      .whereNull('deleted_at')
      .groupBy(column)
      .select({ id: column })
      .count({ n: '*' })
    for (const r of rows) out.set(r.id, (out.get(r.id) ?? 0) + Number(r.n))
  }
  return out
}
