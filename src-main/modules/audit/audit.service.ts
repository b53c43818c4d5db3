// 操作日志: every create/update/delete records who, when and the changed fields old → new,
// written in the same transaction as the change itself.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { AuditEntry } from '../../contract/audit'
import { newId } from '../../db/ids'
import { toIso } from '../../db/dialect'
import { requirePerm, applyScope } from '../auth/permissions'
import { insertAudit, pageAudit, type AuditRow } from './audit.repository'

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
  ctx: Pick<ServiceContext, 'actor' | 'clock'>,
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

function toEntry(r: AuditRow): AuditEntry {
  let changes: Changes = {}
  try {
    changes = r.changes ? JSON.parse(r.changes) : {}
  } catch {
    changes = {}
  }
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

/** History of a customer card: the customer's own entries and its contacts'. */
export async function auditForCustomer(ctx: ServiceContext, input: { customerId: string; page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const visible = await applyScope(k('customers').where('id', input.customerId), k, ctx.actor, scope).first('id')
  if (!visible) return { items: [], total: 0, page: input.page, pageSize: input.pageSize }
  const { rows, total } = await pageAudit(
    k,
    (q) => q.where((w) => w.where({ entity: 'customer', entity_id: input.customerId }).orWhere({ parent_id: input.customerId })),
    input.page,
    input.pageSize,
  )
  return { items: rows.map(toEntry), total, page: input.page, pageSize: input.pageSize }
}

export async function auditList(ctx: ServiceContext, input: { entity?: string; entityId?: string; page: number; pageSize: number }) {
  const scope = requirePerm(ctx.actor, 'audit', 'view')
  const k = ctx.db.knex
  const { rows, total } = await pageAudit(
    k,
    (q) => {
      if (input.entity) q.where('entity', input.entity)
      if (input.entityId) q.where('entity_id', input.entityId)
      if (scope !== 'all') applyScope(q, k, ctx.actor, scope, 'user_id')
    },
    input.page,
    input.pageSize,
  )
  return { items: rows.map(toEntry), total, page: input.page, pageSize: input.pageSize }
}
