import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { insertRows, paramAs, whereLike } from '../../db/dialect'

export interface AuditRow {
  id: string
  entity: string
  entity_id: string
  parent_id: string | null
  action: string
  changes: string | null
  user_id: string | null
  user_name: string | null
  at: unknown
}

export const insertAudit = (db: Knex, row: AuditRow) => db('audit_log').insert(row)

/** Many entries at once, in statements under the dialect's parameter limit (system jobs). */
export const insertAudits = (db: Knex, dialect: Dialect, rows: AuditRow[]) => insertRows(db, dialect, 'audit_log', rows)

/**
 * Entries the database writes itself from a select over `from` (a system job's thousands of
 * rows: no row through JavaScript). The columns are SQL expressions over `from`; only `from`
 * carries bindings (the SELECT list's come first: entity, action, user, user name, at).
 */
export interface AuditSelect {
  from: string
  bindings: Knex.RawBinding[]
  id: string
  entityId: string
  parentId: string
  changes: string
}
export function insertAuditsFrom(db: Knex, dialect: Dialect, s: AuditSelect, v: { entity: string; action: string; userId: string | null; userName: string | null; at: string }) {
  return db.raw(
    `insert into audit_log (id, entity, entity_id, parent_id, action, changes, user_id, user_name, at) ` +
      `select ${s.id}, ?, ${s.entityId}, ${s.parentId}, ?, ${s.changes}, ${paramAs(dialect, 'uuid')}, ?, ${paramAs(dialect, 'timestamp')} from ${s.from}`,
    [v.entity, v.action, v.userId, v.userName, v.at, ...s.bindings],
  )
}

async function page(base: Knex.QueryBuilder, page: number, pageSize: number) {
  const [{ n }] = await base.clone().count({ n: '*' })
  const rows: AuditRow[] = await base.clone().select('*').orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(pageSize).offset((page - 1) * pageSize)
  return { rows, total: Number(n) }
}

/**
 * A customer's history: its own entries, and its children's (parent_id = the customer) of the
 * given entities only; `allChildren` takes every child entity (for readers of the whole log).
 * `statusOf`: child entities whose entries are taken only when they carry the customer's own
 * status change (`customerStatus`, e.g. the churn check's warning entry).
 */
export function pageCustomerHistory(
  db: Knex,
  customerId: string,
  children: { entities: string[]; statusOf?: string[] } | 'all',
  p: { page: number; pageSize: number },
) {
  return page(customerHistory(db, customerId, children), p.page, p.pageSize)
}

/** The entries of a customer's history (pageCustomerHistory), unpaged. */
export function customerHistory(db: Knex, customerId: string, children: { entities: string[]; statusOf?: string[] } | 'all') {
  return db('audit_log').where((w) => {
    w.where({ entity: 'customer', entity_id: customerId })
    if (children === 'all') w.orWhere({ parent_id: customerId })
    else {
      if (children.entities.length) w.orWhere((c) => c.where({ parent_id: customerId }).whereIn('entity', children.entities))
      if (children.statusOf?.length) w.orWhere((c) => whereLike(c.where({ parent_id: customerId }).whereIn('entity', children.statusOf!), 'changes', '"customerStatus"'))
    }
  })
}

/** The system-wide log, filtered; `restrict` narrows it to the caller's scope (by user_id). */
export function pageAuditLog(
  db: Knex,
  f: { entity?: string; entityId?: string },
  restrict: ((q: Knex.QueryBuilder) => void) | null,
  p: { page: number; pageSize: number },
) {
  const base = db('audit_log').where((q) => {
    if (f.entity) q.where('entity', f.entity)
    if (f.entityId) q.where('entity_id', f.entityId)
    if (restrict) restrict(q)
  })
  return page(base, p.page, p.pageSize)
}

/** Where each entity's name lives (deleted rows too: the log outlives them). */
const NAME_SOURCES: Array<[table: string, entity: string, cols: string[]]> = [
  ['customers', 'customer', ['code', 'name']],
  ['contacts', 'contact', ['name']],
  ['interactions', 'interaction', ['subject']],
  ['users', 'user', ['name']],
  ['teams', 'team', ['name']],
  ['roles', 'role', ['name']],
  ['dict_items', 'dict_item', ['label']],
]

/**
 * The names of records by id, looked up in every table that has named records (ids are unique
 * across tables); `entity` says which table answered. At most a page's worth of ids at a time.
 */
export async function recordNames(db: Knex, ids: string[]): Promise<Map<string, { entity: string; parts: string[] }>> {
  const out = new Map<string, { entity: string; parts: string[] }>()
  if (!ids.length) return out
  for (const [table, entity, cols] of NAME_SOURCES) {
    const rows: Array<Record<string, unknown>> = await db(table).whereIn('id', ids).select('id', ...cols)
    for (const r of rows) out.set(String(r.id).toLowerCase(), { entity, parts: cols.map((c) => String(r[c] ?? '')).filter(Boolean) })
  }
  return out
}
