// 公海 customer pool. Customers without an owner live in the pool; a rep 放入公海 (releases, with
// a reason) and 领取 (claims) up to the 领取上限; a supervisor 分配 (assigns) pool customers. The
// rules are global (one pool for the company), set by the admin: not followed up for N days, or
// without an order for M days, a customer returns to the pool by itself (evaluatePool, run with
// the reminder evaluation, in chunks), with a 公海预警 reminder K days before; a rep cannot
// reclaim a customer that left him for the pool within D days. Every move goes through the
// customers service (contacts, records and reminders follow like a reassignment) and is audited.
import type { Knex } from 'knex'
import type { AppContext, ServiceContext } from '../context'
import type { PoolEvalResult, PoolRules, PoolRulesInput } from '../../contract/pool'
import { oneAtATimePerHandle } from '../../shared/one-at-a-time'
import { forbidden, notFound, ruleError, fieldError } from '../../shared/errors'
import { toBool, toIso } from '../../db/dialect'
import { nextVersion, yieldToWaitingWork } from '../../db/tx'
import { inScope, requirePerm } from '../auth/permissions'
import { fillMissingKeys, moveFromPool, moveToPool, ownedCount, poolCustomersList, poolRowsOf, type ListQuery, type PoolRow } from '../customers/customers.service'
import { syncPoolWarnings, type PoolWarning } from '../reminders/pool-warnings.service'
import { findAssignee, notFollowedUpSince, notOrderedSince, readSetting, RULES_KEY, writeSetting, type DueRow } from './pool.repository'

const DAY = 86_400_000
/** Customers per transaction of the rule evaluation (a few statements each, ids bound ≤ 500). */
export const POOL_CHUNK = 500
/** At most this many key-less rows are given their 查重 keys per run. */
const KEY_FILL_ROUNDS = 20

export const DEFAULT_RULES: PoolRules = {
  noFollowUpDays: null, noOrderDays: null, warnDays: 3, reclaimDays: 30, maxOwned: null, noFollowUpSince: null, noOrderSince: null,
}

export async function loadRules(db: Knex): Promise<PoolRules> {
  const raw = await readSetting(db, RULES_KEY)
  if (!raw) return { ...DEFAULT_RULES }
  try {
    return { ...DEFAULT_RULES, ...(JSON.parse(raw) as Partial<PoolRules>) }
  } catch {
    return { ...DEFAULT_RULES }
  }
}

// ---- the list, the rules, the caller's standing ------------------------------------------------------

export async function poolList(ctx: ServiceContext, input: ListQuery) {
  requirePerm(ctx.actor, 'pool', 'view')
  return poolCustomersList(ctx, input)
}

export async function poolGetRules(ctx: ServiceContext): Promise<PoolRules> {
  requirePerm(ctx.actor, 'pool', 'view')
  return loadRules(ctx.db.knex)
}

/** Rules are the admin's (settings edit). A rule switched on counts customers from that moment at the earliest. */
export async function poolSaveRules(ctx: ServiceContext, input: PoolRulesInput): Promise<PoolRules> {
  requirePerm(ctx.actor, 'settings', 'edit')
  const k = ctx.db.knex
  const now = ctx.clock.now().toISOString()
  const before = await loadRules(k)
  const since = (days: number | null, was: number | null, wasSince: string | null) => (days === null ? null : was === null ? now : (wasSince ?? now))
  const rules: PoolRules = {
    ...input,
    noFollowUpSince: since(input.noFollowUpDays, before.noFollowUpDays, before.noFollowUpSince),
    noOrderSince: since(input.noOrderDays, before.noOrderDays, before.noOrderSince),
  }
  if (rules.noFollowUpDays !== null && rules.warnDays >= rules.noFollowUpDays) throw fieldError('warnDays', 'too_big', 'the warning must come before the rule', { maximum: rules.noFollowUpDays - 1 })
  if (rules.noOrderDays !== null && rules.warnDays >= rules.noOrderDays) throw fieldError('warnDays', 'too_big', 'the warning must come before the rule', { maximum: rules.noOrderDays - 1 })
  await writeSetting(k, ctx.db.dialect, RULES_KEY, JSON.stringify(rules), now)
  return rules
}

export async function poolStatus(ctx: ServiceContext) {
  requirePerm(ctx.actor, 'pool', 'view')
  const k = ctx.db.knex
  const rules = await loadRules(k)
  return { owned: await ownedCount(k, ctx.actor.userId), maxOwned: rules.maxOwned, reclaimDays: rules.reclaimDays }
}

// ---- moves -----------------------------------------------------------------------------------------

/** The rows of a move, every id live (else not_found, like an id the caller may not see). */
async function rowsOf(trx: Knex, ids: string[]): Promise<PoolRow[]> {
  const unique = [...new Set(ids)]
  const rows = await poolRowsOf(trx, unique)
  const byId = new Map(rows.map((r) => [String(r.id).toLowerCase(), r]))
  for (const id of unique) if (!byId.has(id.toLowerCase())) throw notFound('customer', id)
  return unique.map((id) => byId.get(id.toLowerCase())!)
}

/** 放入公海: customers the caller may edit (own, or the team's / all with a wider customers scope). */
export async function poolRelease(ctx: ServiceContext, input: { ids: string[]; reason: string }) {
  requirePerm(ctx.actor, 'pool', 'claim')
  const scope = requirePerm(ctx.actor, 'customers', 'edit')
  let changed = 0
  await ctx.db.knex.transaction(async (trx) => {
    // the version first: it serialises writers, so the owners read next are current (a
    // reassignment of the same customers at the same moment has committed or waits)
    const version = await nextVersion(trx)
    const rows = await rowsOf(trx, input.ids)
    for (const r of rows) {
      if (!r.owner_id) continue // already in the pool
      if (!inScope(ctx.actor, scope, r.owner_id, r.owner_team_id)) throw notFound('customer', r.id)
    }
    if (!rows.some((r) => r.owner_id)) return
    changed = await moveToPool(trx, ctx, rows, { reason: 'release', note: input.reason }, version)
  })
  return { changed }
}

/** Pool customers only: one that has an owner now (someone was quicker) refuses the whole move. */
function assertInPool(rows: PoolRow[]) {
  const taken = rows.find((r) => r.owner_id)
  if (taken) throw ruleError('pool.errors.notInPool', `not in the pool (any more): ${taken.name}`, { name: taken.name })
}

/** The 领取上限 of the user who gets `adding` more customers. */
async function assertWithinLimit(db: Knex, maxOwned: number | null, userId: string, adding: number) {
  if (maxOwned === null) return
  const owned = await ownedCount(db, userId)
  if (owned + adding > maxOwned) throw ruleError('pool.errors.limitReached', `owning ${owned} customers, at most ${maxOwned}`, { owned, max: maxOwned, adding })
}

const toMoved = (n: number, expected: number) => {
  // a parallel claim took one of them between the check and the update: nothing is moved
  if (n !== expected) throw ruleError('pool.errors.notInPool', 'a customer was claimed meanwhile', { name: '' })
  return { changed: n }
}

/** 领取: pool customers become the caller's. */
export async function poolClaim(ctx: ServiceContext, input: { ids: string[] }) {
  requirePerm(ctx.actor, 'pool', 'claim')
  requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const rules = await loadRules(k)
  const now = ctx.clock.now()
  return k.transaction(async (trx) => {
    const rows = await rowsOf(trx, input.ids)
    assertInPool(rows)
    for (const r of rows) {
      const at = toIso(r.pool_at)
      const until = at ? Date.parse(at) + rules.reclaimDays * DAY : 0
      if (rules.reclaimDays > 0 && r.pool_prev_owner_id === ctx.actor.userId && until > now.getTime()) {
        throw ruleError('pool.errors.reclaimTooSoon', `released lately: ${r.name}`, { name: r.name, date: new Date(until).toISOString(), days: rules.reclaimDays })
      }
    }
    await assertWithinLimit(trx, rules.maxOwned, ctx.actor.userId, rows.length)
    return toMoved(await moveFromPool(trx, ctx, rows, ctx.actor.userId, 'claim', await nextVersion(trx)), rows.length)
  })
}

/** 分配: pool customers to a user; a team scope only to a user of the caller's team. */
export async function poolAssign(ctx: ServiceContext, input: { ids: string[]; ownerId: string }) {
  const scope = requirePerm(ctx.actor, 'pool', 'assign')
  const k = ctx.db.knex
  const rules = await loadRules(k)
  return k.transaction(async (trx) => {
    const u = await findAssignee(trx, input.ownerId)
    if (!u || toBool(u.disabled)) throw fieldError('ownerId', 'invalid_owner', 'the new owner must be an enabled user')
    if (scope !== 'all' && u.id !== ctx.actor.userId && (!ctx.actor.teamId || u.team_id !== ctx.actor.teamId)) {
      if (scope === 'own') throw forbidden('pool', 'assign')
      throw fieldError('ownerId', 'out_of_team', 'the new owner must be in your team')
    }
    const rows = await rowsOf(trx, input.ids)
    assertInPool(rows)
    await assertWithinLimit(trx, rules.maxOwned, input.ownerId, rows.length)
    return toMoved(await moveFromPool(trx, ctx, rows, input.ownerId, 'assign', await nextVersion(trx)), rows.length)
  })
}

// ---- the rules' evaluation ---------------------------------------------------------------------------

const later = (...isos: Array<string | null | undefined>) => isos.filter((x): x is string => !!x).sort().pop() ?? null

/** When a customer returns by the follow-up rule: its latest of last contact, owner since, rule since, plus N days. */
function followUpReturn(r: DueRow, rules: PoolRules): string {
  const basis = later(toIso(r.last_contact_at), toIso(r.owner_since) ?? toIso(r.created_at), rules.noFollowUpSince)!
  return new Date(Date.parse(basis) + rules.noFollowUpDays! * DAY).toISOString()
}

/** When a customer returns by the order rule: its latest of last order (start of that day, UTC), owner since, rule since, plus M days. */
function orderReturn(r: DueRow, rules: PoolRules): string {
  const order = r.last_order_date ? `${r.last_order_date}T00:00:00.000Z` : null
  const basis = later(order, toIso(r.owner_since) ?? toIso(r.created_at), rules.noOrderSince)!
  return new Date(Date.parse(basis) + rules.noOrderDays! * DAY).toISOString()
}

const serialized = oneAtATimePerHandle()

/**
 * Runs the pool rules over every owned customer: returns the due ones to the pool (a transaction
 * per chunk of at most POOL_CHUNK customers, so no long lock), then sets the 公海预警 reminders of
 * the ones due within K days. Also fills 查重 keys missing on rows other modules wrote. Runs of
 * one database handle are serialised; a run with no rule on only withdraws stale warnings.
 */
export function evaluatePool(app: Pick<AppContext, 'db' | 'clock'>): Promise<PoolEvalResult> {
  return serialized(app.db.knex, () => evaluateOnce(app))
}

async function evaluateOnce(app: Pick<AppContext, 'db' | 'clock'>): Promise<PoolEvalResult> {
  const t0 = performance.now()
  const k = app.db.knex
  let keysFilled = 0
  for (let i = 0; i < KEY_FILL_ROUNDS; i++) {
    const n = await k.transaction((trx) => fillMissingKeys(trx, POOL_CHUNK))
    keysFilled += n
    if (n < POOL_CHUNK) break
    // waiting work (a user's request) first: on SQLite the chunks would otherwise run back to back on the event loop
    await yieldToWaitingWork(k, app.db.dialect)
  }
  const rules = await loadRules(k)
  const now = app.clock.now()
  const nowMs = now.getTime()
  const mover = { db: app.db, clock: app.clock, actor: null }
  let returned = 0

  const ruleList = [
    rules.noFollowUpDays !== null && { reason: 'no_follow_up' as const, days: rules.noFollowUpDays, since: rules.noFollowUpSince },
    rules.noOrderDays !== null && { reason: 'no_order' as const, days: rules.noOrderDays, since: rules.noOrderSince },
  ].filter((x): x is { reason: 'no_follow_up' | 'no_order'; days: number; since: string | null } => !!x)

  const dueQuery = (reason: 'no_follow_up' | 'no_order', before: Date) => (db: Knex, limit: number | null) =>
    reason === 'no_follow_up'
      ? notFollowedUpSince(db, before.toISOString(), limit)
      : notOrderedSince(db, before.toISOString(), before.toISOString().slice(0, 10), limit)

  // 1) returns: due now
  for (const rule of ruleList) {
    const before = new Date(nowMs - rule.days * DAY)
    if (rule.since && Date.parse(rule.since) > before.getTime()) continue // switched on less than N days ago
    for (;;) {
      const n = await k.transaction(async (trx) => {
        const due = await dueQuery(rule.reason, before)(trx, POOL_CHUNK)
        if (!due.length) return 0
        const rows = await poolRowsOf(trx, due.map((r) => r.id))
        await moveToPool(trx, mover, rows, { reason: rule.reason }, await nextVersion(trx))
        return due.length
      })
      returned += n
      if (n < POOL_CHUNK) break
      await yieldToWaitingWork(k, app.db.dialect)
    }
  }

  // 2) 公海预警: due within K days (one per customer: the earlier return wins)
  const warnings = new Map<string, PoolWarning>()
  if (rules.warnDays > 0) {
    for (const rule of ruleList) {
      const before = new Date(nowMs - (rule.days - rules.warnDays) * DAY)
      if (rule.since && Date.parse(rule.since) > before.getTime()) continue
      for (const r of await dueQuery(rule.reason, before)(k, null)) {
        const returnAt = rule.reason === 'no_follow_up' ? followUpReturn(r, rules) : orderReturn(r, rules)
        const had = warnings.get(r.id)
        if (had && had.returnAt <= returnAt) continue
        warnings.set(r.id, { customerId: r.id, customerName: r.name, ownerId: r.owner_id, returnAt, rule: rule.reason, warnDays: rules.warnDays })
      }
    }
  }
  const { created, withdrawn } = await k.transaction((trx) => syncPoolWarnings(trx, app, [...warnings.values()]))
  return { returned, warned: created, withdrawn, keysFilled, ms: Math.round((performance.now() - t0) * 10) / 10 }
}

/** Runs the rules now (admin; they also run with the reminder evaluation). */
export async function poolEvaluate(ctx: ServiceContext): Promise<PoolEvalResult> {
  requirePerm(ctx.actor, 'settings', 'edit')
  return evaluatePool(ctx)
}

/** 导入 into the 公海: the caller must be allowed to 放入公海 (checked before the import starts). */
export const assertMayImportToPool = (ctx: ServiceContext) => {
  requirePerm(ctx.actor, 'pool', 'claim')
  requirePerm(ctx.actor, 'customers', 'edit')
}

/** Customers an import just created (owned by the importer) go to the 公海, inside the import's chunk transaction. */
export async function releaseImported(trx: Knex.Transaction, ctx: ServiceContext, ids: string[], version: number): Promise<number> {
  assertMayImportToPool(ctx)
  if (!ids.length) return 0
  return moveToPool(trx, ctx, await rowsOf(trx, ids), { reason: 'release', note: null }, version)
}
