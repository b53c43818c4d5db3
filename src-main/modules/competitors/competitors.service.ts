// 竞争对手 on the customer card: read with the customer (customers.view in scope), written with
// the right to edit the customer (customers.edit in scope). The shares of a customer's
// competitors add up to at most 100 %. Every write audited under the customer.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { Action } from '../../contract/common'
import { CompetitorFields, type Competitor } from '../../contract/competitors'
import type { z } from 'zod'
import { AppError, conflict, notFound, ruleError } from '../../shared/errors'
import { toIso, toNum } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { inScope, requirePerm } from '../auth/permissions'
import { diff, recordAudit } from '../audit/audit.service'
import { competitorsOf, customerOwner, findCompetitor, insertCompetitor, otherShares, updateCompetitor, type Row } from './competitors.repository'

type Fields = z.output<typeof CompetitorFields>
const KEYS = Object.keys(CompetitorFields.shape) as Array<keyof Fields>
const toColumn = (key: string) => key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

function toCompetitor(r: Row): Competitor {
  return {
    id: String(r.id), customerId: String(r.customer_id), name: String(r.name), products: str(r.products), priceInfo: str(r.price_info),
    strengths: str(r.strengths), weaknesses: str(r.weaknesses), sharePct: toNum(r.share_pct), notes: str(r.notes),
    createdAt: toIso(r.created_at)!, updatedAt: toIso(r.updated_at)!, version: Number(r.version),
  }
}

const view = (c: Competitor): Record<string, unknown> => Object.fromEntries(KEYS.map((k) => [k, c[k]]))

/** The customer, checked against the caller's customers scope for `action` (out of scope: not_found). */
async function customerFor(db: Knex, ctx: ServiceContext, action: Action, customerId: string) {
  const scope = requirePerm(ctx.actor, 'customers', action)
  const c = await customerOwner(db, customerId)
  if (!c || !inScope(ctx.actor, scope, str(c.owner_id), str(c.owner_team_id))) throw notFound('customer', customerId)
  return c
}

async function assertShare(db: Knex, customerId: string, exceptId: string | null, share: number | null | undefined) {
  if (share == null) return
  const others = await otherShares(db, customerId, exceptId)
  if (others + share > 100) throw ruleError('competitors.errors.shareOver100', 'the competitors’ shares add up to more than 100 %', { others, share })
}


export async function competitorsList(ctx: ServiceContext, input: { customerId: string }): Promise<Competitor[]> {
  await customerFor(ctx.db.knex, ctx, 'view', input.customerId)
  return (await competitorsOf(ctx.db.knex, input.customerId)).map(toCompetitor)
}

export async function competitorsCreate(ctx: ServiceContext, input: Fields & { customerId: string }): Promise<Competitor> {
  const id = await ctx.db.knex.transaction(async (trx) => {
    const c = await customerFor(trx, ctx, 'edit', input.customerId)
    await assertShare(trx, input.customerId, null, input.sharePct)
    const now = ctx.clock.now().toISOString()
    const id = newId()
    const row: Row = {}
    for (const k of KEYS) row[toColumn(k)] = input[k] === '' || input[k] === undefined ? null : input[k]
    await insertCompetitor(trx, { ...row, id, customer_id: input.customerId, owner_id: str(c.owner_id), created_at: now, updated_at: now, version: await nextVersion(trx) })
    const created = toCompetitor((await findCompetitor(trx, id))!)
    await recordAudit(trx, ctx, { entity: 'competitor', entityId: id, parentId: input.customerId, action: 'create', changes: diff(null, view(created)) })
    return id
  })
  return toCompetitor((await findCompetitor(ctx.db.knex, id))!)
}

export async function competitorsUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: Partial<Fields> }): Promise<Competitor> {
  await ctx.db.knex.transaction(async (trx) => {
    const r = await findCompetitor(trx, input.id)
    if (!r) throw notFound('competitor', input.id)
    await customerFor(trx, ctx, 'edit', String(r.customer_id)).catch((e) => {
      throw e instanceof AppError && e.code === 'not_found' ? notFound('competitor', input.id) : e
    })
    const before = toCompetitor(r)
    if (before.version !== input.version) throw conflict('competitor', before.version)
    const patch: Row = {}
    for (const k of KEYS) {
      const v = input.fields[k]
      if (v === undefined) continue
      const value = v === '' ? null : v
      if (value !== before[k]) patch[toColumn(k)] = value
    }
    if (!Object.keys(patch).length) return
    if ('share_pct' in patch) await assertShare(trx, before.customerId, before.id, patch.share_pct as number | null)
    const now = ctx.clock.now().toISOString()
    if (!(await updateCompetitor(trx, input.id, { ...patch, updated_at: now, version: await nextVersion(trx) }, input.version))) throw conflict('competitor')
    const after = toCompetitor((await findCompetitor(trx, input.id))!)
    await recordAudit(trx, ctx, { entity: 'competitor', entityId: input.id, parentId: before.customerId, action: 'update', changes: diff(view(before), view(after)) })
  })
  return toCompetitor((await findCompetitor(ctx.db.knex, input.id))!)
}

export async function competitorsRemove(ctx: ServiceContext, input: { id: string }) {
  await ctx.db.knex.transaction(async (trx) => {
    const r = await findCompetitor(trx, input.id)
    if (!r) throw notFound('competitor', input.id)
    await customerFor(trx, ctx, 'edit', String(r.customer_id)).catch((e) => {
      throw e instanceof AppError && e.code === 'not_found' ? notFound('competitor', input.id) : e
    })
    const now = ctx.clock.now().toISOString()
    await updateCompetitor(trx, input.id, { deleted_at: now, updated_at: now, version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'competitor', entityId: input.id, parentId: String(r.customer_id), action: 'delete', changes: { name: [r.name, null] } })
  })
  return { ok: true as const }
}
