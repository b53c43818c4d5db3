// 操作日志: every create/update/delete records who, when and the changed fields old → new,
// written in the same transaction as the change itself.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { AuditEntry } from '../../contract/audit'
import { newId, newOrderedId } from '../../db/ids'
import { toIso } from '../../db/dialect'
import type { Actor } from '../context'
import type { DataScope, PermModule } from '../../contract/common'
import { requirePerm, applyScope, inScope, loadRowOwner } from '../auth/permissions'
import type { Dialect } from '../../db/config'
import { insertAudit, insertAudits, insertAuditsFrom, pageAuditLog, pageCustomerHistory, recordNames, type AuditRow, type AuditSelect } from './audit.repository'

export type { AuditSelect }

export type Changes = Record<string, [unknown, unknown]>

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** The fields whose value differs between `before` and `after` (only keys present in `after`). */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>, ignore: string[] = []): Changes {
  const out: Changes = {}
  for (const [k, v] of Object.entries(after)) {
    if (ignore.includes(k) || v === undefined) continue
    const old = before ? before[k] : null
    if (!same(old, v)) out[k] = [old ?? null, v ?? null]
  }
  return out
}

/** Fields never written to the log (hashes and internal columns). */
const SECRET_FIELDS = new Set(['password', 'passwordHash', 'password_hash', 'searchText', 'search_text'])

export async function recordAudit(
  trx: Knex,
  ctx: { actor: Actor | null } & Pick<ServiceContext, 'clock'>,
  e: { entity: AuditEntry['entity']; entityId: string; parentId?: string | null; action: AuditEntry['action']; changes: Changes },
): Promise<void> {
  const changes = Object.fromEntries(Object.entries(e.changes).filter(([k]) => !SECRET_FIELDS.has(k)))
  if (e.action === 'update' && Object.keys(changes).length === 0) return
  await insertAudit(trx, {
    id: newId(),
    entity: e.entity,
    entity_id: e.entityId,
    parent_id: e.parentId ?? null,
    action: e.action,
    changes: JSON.stringify(changes),
    user_id: ctx.actor?.userId ?? null,
    user_name: ctx.actor?.name ?? null,
    at: ctx.clock.now().toISOString(),
  })
}

export interface AuditInput {
  entity: AuditEntry['entity']
  entityId: string
  parentId?: string | null
  action: AuditEntry['action']
  changes: Changes
}

/**
 * Many entries in one go (a system job that changes thousands of rows). `actor` null: the
 * system did it (the log shows 系统). Updates without a changed field are left out.
 */
export async function recordAuditMany(trx: Knex, dialect: Dialect, actor: Actor | null, at: string, entries: AuditInput[]): Promise<void> {
  const rows: AuditRow[] = []
  for (const e of entries) {
    const changes = Object.fromEntries(Object.entries(e.changes).filter(([k]) => !SECRET_FIELDS.has(k)))
    if (e.action === 'update' && Object.keys(changes).length === 0) continue
    rows.push({
      id: newOrderedId(), entity: e.entity, entity_id: e.entityId, parent_id: e.parentId ?? null, action: e.action, changes: JSON.stringify(changes),
      user_id: actor?.userId ?? null, user_name: actor?.name ?? null, at,
    })
  }
  await insertAudits(trx, dialect, rows)
}

/**
 * Entries of one entity and action written by the database from a select (`AuditSelect`: the
 * id, entity id, parent id and changes' JSON as SQL over the caller's rows) — a system job's
 * thousands of entries without building them in JavaScript. `actor` null: the system did it.
 * The caller's `changes` JSON must hold no secret field (nothing filters it here).
 */
export async function recordAuditFrom(trx: Knex, dialect: Dialect, actor: Actor | null, at: string, entity: AuditEntry['entity'], action: AuditEntry['action'], s: AuditSelect): Promise<void> {
  await insertAuditsFrom(trx, dialect, s, { entity, action, userId: actor?.userId ?? null, userName: actor?.name ?? null, at })
}

function parseChanges(r: AuditRow): Changes {
  try {
    return r.changes ? JSON.parse(r.changes) : {}
  } catch {
    return {}
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Every id-shaped value of the changes (also inside arrays). */
function idsIn(changes: Changes): string[] {
  const out: string[] = []
  const visit = (v: unknown) => {
    if (typeof v === 'string' && UUID.test(v)) out.push(v.toLowerCase())
    else if (Array.isArray(v)) v.forEach(visit)
  }
  for (const pair of Object.values(changes)) pair.forEach(visit)
  return out
}

/**
 * Entries with the names the log shows instead of bare ids: the record's own (subject) and
 * those its changed values point to (names). One lookup per named table for the whole page.
 */
async function toEntries(db: Knex, rows: AuditRow[]): Promise<AuditEntry[]> {
  const parsed = rows.map((r) => ({ r, changes: parseChanges(r) }))
  const ids = new Set<string>()
  for (const { r, changes } of parsed) {
    ids.add(String(r.entity_id).toLowerCase())
    for (const id of idsIn(changes)) ids.add(id)
  }
  const names = await recordNames(db, [...ids])
  return parsed.map(({ r, changes }) => {
    const own = names.get(String(r.entity_id).toLowerCase())
    const refs: Record<string, string> = {}
    for (const id of idsIn(changes)) {
      const n = names.get(id)
      if (n) refs[id] = n.parts.join(' ')
    }
    return { ...toEntry(r, changes), subject: own && own.entity === r.entity ? own.parts.join(' ') : null, names: refs }
  })
}

function toEntry(r: AuditRow, changes: Changes): Omit<AuditEntry, 'subject' | 'names'> {
  return {
    id: r.id,
    entity: r.entity as AuditEntry['entity'],
    entityId: r.entity_id,
    action: r.action as AuditEntry['action'],
    changes,
    userId: r.user_id,
    userName: r.user_name,
    at: toIso(r.at)!,
  }
}

const RANK: Record<DataScope, number> = { own: 0, team: 1, all: 2 }

/** The narrower scope of the permissions `needs` (null when one of them is missing). */
function scopeOfAll(actor: Actor, needs: PermModule[]): DataScope | null {
  let out: DataScope = 'all'
  for (const m of needs) {
    const p = actor.permissions[m]
    if (!p || !p.actions.includes('view')) return null
    if (RANK[p.scope] < RANK[out]) out = p.scope
  }
  return out
}

/**
 * Who may read the entries a customer's child entity writes with parent_id = the customer: the
 * permissions its own service checks, judged (as there) by the customer's owner. An entity
 * missing here is shown only to readers of the whole log.
 */
const CHILD_READ: Record<string, PermModule[]> = {
  contact: ['contacts', 'customers'], // contacts.service: contacts.view within the customers.view scope
  interaction: ['interactions'], // interactions.scope: the customer's owner within the interactions.view scope
  service_ticket: ['services'], // services.scope: (among others) the customer's owner within the services.view scope
  competitor: ['customers'], // competitors.service: customers.view within its scope
  churn_warning: ['churn'], // churn.service: the customer's owner within the churn.view scope
  requirement: ['requirements'], // requirements.service: the customer's owner (or 负责人/对接人) within requirements.view
  // orders.service judges by the order's owner, which is the customer's owner when the order is made
  order: ['orders'],
  payment_plan: ['orders'],
  payment: ['orders'],
}

/**
 * Child entities whose entry may carry the customer's own status change (`customerStatus`: the
 * churn check writes one entry per warning, the customer's 正常 → 流失预警 in it): a reader of the
 * customer who may not read the child sees that change only, as the customer's own entry.
 */
const CUSTOMER_STATUS_CARRIERS = ['churn_warning']

const readsWholeLog = (actor: Actor) => actor.permissions.audit?.actions.includes('view') === true && actor.permissions.audit.scope === 'all'

/**
 * History of a customer card: the customer's own entries and its children's (contacts,
 * interactions), each only when the caller may read that entity. A deleted customer's
 * history (bank account, tax id, notes…) only for those who read the whole log anyway.
 */
export async function auditForCustomer(ctx: ServiceContext, input: { customerId: string; page: number; pageSize: number }) {
  const customersScope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const paging = { page: input.page, pageSize: input.pageSize }
  const none = { items: [], total: 0, ...paging }
  const owner = await loadRowOwner(k, 'customers', input.customerId)
  if (!owner) return none
  let children: { entities: string[]; statusOf: string[] } | 'all'
  if (readsWholeLog(ctx.actor)) children = 'all'
  else {
    if (owner.deleted_at != null || !inScope(ctx.actor, customersScope, owner.owner_id, owner.owner_team_id)) return none
    const entities = Object.entries(CHILD_READ)
      .filter(([, needs]) => {
        const scope = scopeOfAll(ctx.actor, needs)
        return scope !== null && inScope(ctx.actor, scope, owner.owner_id, owner.owner_team_id)
      })
      .map(([entity]) => entity)
    children = { entities, statusOf: CUSTOMER_STATUS_CARRIERS.filter((e) => !entities.includes(e)) }
  }
  const { rows, total } = await pageCustomerHistory(k, input.customerId, children, paging)
  const statusOnly = new Set(children === 'all' ? [] : children.statusOf)
  const items = await toEntries(k, rows)
  return {
    items: items.map((e) =>
      statusOnly.has(e.entity) ? { ...e, entity: 'customer' as const, entityId: input.customerId, action: 'update' as const, subject: null, names: {}, changes: { status: e.changes.customerStatus! } } : e,
    ),
    total,
    ...paging,
  }
}

export async function auditList(ctx: ServiceContext, input: { entity?: string; entityId?: string; page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'audit', 'view')
  const k = ctx.db.knex
  const restrict = scope === 'all' ? null : (q: Knex.QueryBuilder) => applyScope(q, k, ctx.actor, scope, 'user_id')
  const { rows, total } = await pageAuditLog(k, input, restrict, { page: input.page, pageSize: input.pageSize })
  return { items: await toEntries(k, rows), total, page: input.page, pageSize: input.pageSize }
}
