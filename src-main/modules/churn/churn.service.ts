// 客户流失管理: the check that opens 流失预警 (daily with the background job, and on demand),
// 暂缓措施 and 确认流失 by the customer's owner (or a supervisor), closing on a new order, and
// the list. The customer's status and category change through the customers service, audited.
// Visible by the customer's current owner (own / team / all scope of churn.view).
import type { Knex } from 'knex'
import type { AppContext, Actor, ServiceContext } from '../context'
import type { ChurnCheckResult, ChurnFilter, ChurnMeasure, ChurnWarning, ChurnWarningRow, ChurnStatus } from '../../contract/churn'
import { oneAtATimePerHandle } from '../../shared/one-at-a-time'
import { DEFAULT_CHURN_CYCLE_DAYS } from '../../contract/churn'
import type { Dialect } from '../../db/config'
import { conflict, fieldError, notFound } from '../../shared/errors'
import { logError } from '../../shared/log'
import { dialectOf, idTuplesFrom, toIso, toNum } from '../../db/dialect'
import { newId, newOrderedId } from '../../db/ids'
import { nextVersion, workIsWaiting, yieldToWaitingWork } from '../../db/tx'
import { applyScope, can, inScope, requirePerm } from '../auth/permissions'
import { recordAudit, recordAuditFrom, recordAuditMany, type AuditInput } from '../audit/audit.service'
import { applyChurnState, applyChurnStatusTo } from '../customers/customers.service'
import { assertDictRefs, dictItemsByIds, dictItemsOfType } from '../dictionary/dictionary.service'
import { appToday } from '../reminders/reminders.service'
import { churnActions, CUSTOMER_STATUS, daysBefore, lostCategoryFor, nextChurnStatus } from './churn.flow'
import {
  bannerWarningId, countOf, customerRow, findWarning, insertMeasure, insertStaleWarnings, liveWarningsOf, measuresOf, openedAuditChanges, openedCustomerIds,
  openedWarningsFrom, orderedSinceWarning, readSetting, staleCustomers, updateWarning, updateWarningsIn, warningList, writeSetting, type PolicyGroup, type Restrict,
  type Row, type StaleRule,
} from './churn.repository'

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const DAY = 86_400_000
const LAST_CHECK_KEY = 'churn.lastCheckDay'

// ---- mapping ----------------------------------------------------------------------------------

function toRow(r: Row): ChurnWarningRow {
  return {
    id: String(r.id), customerId: String(r.customer_id), customerCode: String(r.customer_code ?? ''), customerName: String(r.customer_name ?? ''),
    regionId: str(r.region_id), ownerId: str(r.owner_id), ownerName: str(r.owner_name), status: String(r.status) as ChurnStatus,
    lastOrderDate: str(r.last_order_date), cycleDays: toNum(r.cycle_days), detectedAt: toIso(r.detected_at)!,
    measureCount: Number(r.measure_count ?? 0), lastMeasureDate: str(r.last_measure_date), reasonId: str(r.reason_id),
    confirmedAt: toIso(r.confirmed_at), closedAt: toIso(r.closed_at), updatedAt: toIso(r.updated_at)!, version: Number(r.version),
  }
}

async function toWarning(ctx: ServiceContext, db: Knex, r: Row): Promise<ChurnWarning> {
  const measures = (await measuresOf(db, String(r.id))).map(
    (m): ChurnMeasure => ({
      id: String(m.id), measureDate: String(m.measure_date), content: String(m.content), createdBy: str(m.created_by),
      createdByName: str(m.created_by_name), createdAt: toIso(m.created_at)!,
    }),
  )
  const status = String(r.status) as ChurnStatus
  return {
    ...toRow({ ...r, measure_count: measures.length, last_measure_date: measures[0]?.measureDate ?? null }),
    reasonText: str(r.reason_text), confirmedBy: str(r.confirmed_by), confirmedByName: str(r.confirmed_by_name), closedReason: str(r.closed_reason),
    measures,
    actions: churnActions(status, can(ctx.actor, 'churn', 'edit')),
  }
}

const restrictOf = (ctx: ServiceContext, scope: ReturnType<typeof requirePerm>): Restrict =>
  scope === 'all' ? null : (q) => applyScope(q, ctx.db.knex, ctx.actor, scope, 'c.owner_id')

async function loadVisible(db: Knex, ctx: ServiceContext, scope: ReturnType<typeof requirePerm>, id: string): Promise<Row> {
  const r = await findWarning(db, id)
  if (!r || !inScope(ctx.actor, scope, str(r.owner_id), str(r.owner_team_id))) throw notFound('churn warning', id)
  return r
}


// ---- the check -----------------------------------------------------------------------------------

interface CheckOptions {
  /** who runs it (null: the daily job) */
  actor: Actor | null
  /** only customers in this scope (the on-demand button of a team supervisor) */
  restrict?: Restrict
  /** only these customers (the demo) */
  customerIds?: string[]
}

/** Each 购买策略's cycle; a customer without one (or with an item without a cycle) has the default. */
async function policyCycles(db: Knex): Promise<Map<string, number>> {
  const items = await dictItemsOfType(db, 'purchase_policy')
  return new Map(items.filter((p) => p.cycleDays != null && p.cycleDays > 0).map((p) => [p.id, p.cycleDays!]))
}

/** The groups the candidates are read by: the policies of each cycle length, and no policy. */
function policyGroups(cycles: Map<string, number>): Array<{ group: PolicyGroup; cycle: number }> {
  const byCycle = new Map<number, string[]>()
  for (const [id, cycle] of cycles) byCycle.set(cycle, [...(byCycle.get(cycle) ?? []), id])
  return [...[...byCycle].map(([cycle, policyIds]) => ({ group: { policyIds } as PolicyGroup, cycle })), { group: { noPolicy: true }, cycle: DEFAULT_CHURN_CYCLE_DAYS }]
}

/**
 * How the check writes: in steps of `step` customers, one transaction (one sync version) of up to
 * `tx` customers. SQLite runs in this process on one connection: a step holds the event loop
 * (about 0.1 ms of CPU per opened warning at 100,000 customers: 300 → ~30 ms); between steps
 * timers and I/O get a turn, and a request that came meanwhile (waiting for the connection)
 * makes the transaction commit and the check let it go first. When nobody waits the transaction
 * goes on: each commit writes every page the transaction changed (a customer touches seven
 * b-tree pages: its row and six indexes), so few large commits cost far less than many small
 * ones — up to `tx`, which bounds a commit's own time (6,000: COMMITs of 200–330 ms at 100,000
customers; 2,000: ~3,000 pages, 45–70 ms of CPU, 100–200 ms on a loaded machine; 1,000 halves
 * it, BENCHMARKS.md branch jobs). Elsewhere the statements wait on the
 * network and users have connections of their own: steps of 2,000 (SQL Server: 1,000, its 2,100
 * parameters per statement), a transaction each.
 */
export const CHECK_CHUNK: Record<Dialect, { step: number; tx: number; kinds: ReadonlyArray<'ordered' | 'never' | undefined> }> = {
  // SQLite: a group's two kinds of candidate read one after the other, each a range of the index
  // (staleCustomers): read together, each page walked every 正常 customer of the group on the event loop
  sqlite: { step: 300, tx: 1000, kinds: ['ordered', 'never'] },
  // PostgreSQL reads them together (asynchronously: no hold): read apart, the first check cost ~30 %
  // more server CPU a warning (BENCHMARKS.md, churn: "After the jobs branch's candidate reads")
  postgres: { step: 2000, tx: 2000, kinds: [undefined] },
  mssql: { step: 1000, tx: 1000, kinds: [undefined] },
}

/** Checks of one database handle run one after another (the daily job and a button press). */
const serialized = oneAtATimePerHandle()

/**
 * The churn check: opens a 流失预警 for every 正常 customer whose last order is older than its
 * 购买策略's cycle (180 days without one; no order ever: created that long ago) and that has no
 * standing warning, and closes standing warnings whose customer ordered since, within its cycle.
 * Candidates are read set-based (index-served, so a repeated check reads almost nothing), then
 * written in chunks, one transaction each, re-checked inside it after taking the sync version
 * (which serialises writers): running it twice — or from two clients at once — opens nothing
 * twice. Idempotent.
 */
export function runChurnCheck(app: Pick<AppContext, 'db' | 'clock'>, o: CheckOptions): Promise<ChurnCheckResult> {
  return serialized(app.db.knex, async () => {
    const t0 = performance.now()
    const k = app.db.knex
    const dialect = app.db.dialect
    const now = app.clock.now()
    const at = now.toISOString()
    const today = await appToday(app)
    const restrict = o.restrict ?? null
    const cycles = await policyCycles(k)
    const cycleOf = (policyId: unknown) => cycles.get(String(policyId)) ?? DEFAULT_CHURN_CYCLE_DAYS
    const { step, tx } = CHECK_CHUNK[dialect]

    // customers ordering again within their cycle: close first, so the customer's status is right
    const recent = (rows: Row[]) => rows.filter((r) => String(r.last_order_date) >= daysBefore(today, cycleOf(r.purchase_policy_id)))
    const revived = recent(await orderedSinceWarning(k, restrict))
    let closed = 0
    for (let i = 0; i < revived.length; i += step) {
      if (i) await yieldToWaitingWork(k, dialect)
      const ids = revived.slice(i, i + step).map((r) => String(r.id))
      closed += await k.transaction(async (trx) => {
        const version = await nextVersion(trx)
        const still = recent(await orderedSinceWarning(trx, null, ids))
        return closeWarnings(trx, dialect, still, { actor: o.actor, at, version, reason: 'order' })
      })
    }

    // the rule each policy group is checked by: read the candidates with it, and ask it again inside each chunk's transaction
    const rules: StaleRule[] = policyGroups(cycles).map(({ group, cycle }) => ({
      group, cycle, lastOrderBefore: daysBefore(today, cycle), createdBefore: new Date(now.getTime() - cycle * DAY).toISOString(),
    }))
    // the candidates of each group a page at a time (a transaction's worth), opened before the next
    // page is read: a customer opened is no longer 正常, so the same read gives the next ones, and no
    // read holds the connection (SQLite: the event loop) for more than a page — the first check of a
    // database reads tens of thousands (~0.2 s a group at 100,000 customers, ten times that at a
    // million). With `customerIds` (the demo's few) each group is read once and filtered.
    const only = o.customerIds ? new Set(o.customerIds) : null
    const page = only ? undefined : tx
    const tried = new Set<string>()
    let opened = 0
    let turns = closed > 0 ? 1 : 0
    // on SQLite each group's two kinds of candidate one after the other (CHECK_CHUNK.kinds)
    for (const r of rules) for (const kind of CHECK_CHUNK[dialect].kinds) {
      for (;;) {
        if (turns++) await yieldToWaitingWork(k, dialect)
        const rows = (await staleCustomers(k, r.group, r.lastOrderBefore, r.createdBefore, restrict, page, kind)).map((row) => String(row.id))
        // a candidate the write's re-check passed over (written by someone else meanwhile) comes back: not again in this run
        const fresh = rows.filter((id) => !tried.has(id))
        for (const id of fresh) tried.add(id)
        opened += await openInTransactions(fresh.filter((id) => !only || only.has(id)))
        if (!page || rows.length < page || !fresh.length) break
      }
    }
    return { opened, closed, ms: Math.round((performance.now() - t0) * 10) / 10 }

    /** Opens the warnings of `ids` in transactions of up to `tx` customers, steps of `step`; one that a waiting request ends early is followed by the next. */
    async function openInTransactions(ids: string[]): Promise<number> {
      let n = 0
      for (let i = 0; i < ids.length; ) {
        if (i) await yieldToWaitingWork(k, dialect)
        n += await k.transaction(async (trx) => {
          const version = await nextVersion(trx)
          let m = 0
          for (const end = Math.min(ids.length, i + tx); ; ) {
            const part = ids.slice(i, Math.min(end, i + step))
            i += part.length
            m += await openWarnings(trx, dialect, part, rules, { actor: o.actor, at, version })
            if (i >= end) return m
            await new Promise((resolve) => setImmediate(resolve)) // timers and I/O; a request now waits for the connection
            if (workIsWaiting(k)) return m
          }
        })
      }
      return n
    }
    return { opened, closed, ms: Math.round((performance.now() - t0) * 10) / 10 }
  })
}

/**
 * Opens the warnings of some candidates, set-based: the ids are made here (the writer's UUIDs),
 * the rows by the database — the warnings by one INSERT … SELECT that re-checks each customer
 * inside the transaction (still live, 正常, no standing warning, churning by its group's rule),
 * their audit entries (one each, the customer's status change 正常 → 流失预警 in it) by one
 * more, and the customers' status and version (sync clients see the change; not updated_at, see
 * applyChurnStatusTo) by one
 * UPDATE of the customers of the warnings just opened. No row goes through JavaScript: on
 * PostgreSQL knex built and the driver sent ~80 µs of app CPU per warning before.
 */
async function openWarnings(trx: Knex, dialect: Dialect, customerIds: string[], rules: StaleRule[], w: { actor: Actor | null; at: string; version: number }): Promise<number> {
  if (!customerIds.length) return 0
  const p = idTuplesFrom(dialect, 'p', ['wid', 'cid', 'aid'], customerIds.map((id) => [newOrderedId(), id, newOrderedId()]))
  await insertStaleWarnings(trx, dialect, p, rules, w)
  const opened = openedWarningsFrom(p)
  await recordAuditFrom(trx, dialect, w.actor, w.at, 'churn_warning', 'create', {
    from: opened.sql, bindings: opened.bindings, id: 'p.aid', entityId: 'w.id', parentId: 'w.customer_id', changes: openedAuditChanges(dialect),
  })
  // each warning just opened had its customer 正常 in this transaction: one customer per warning
  return applyChurnStatusTo(trx, w, openedCustomerIds(trx, p), 'normal', CUSTOMER_STATUS.open)
}

async function closeWarnings(trx: Knex, dialect: Dialect, warnings: Row[], w: { actor: Actor | null; at: string; version: number; reason: string }): Promise<number> {
  if (!warnings.length) return 0
  for (const x of warnings) nextChurnStatus(String(x.status) as ChurnStatus, 'close')
  await updateWarningsIn(trx, warnings.map((x) => String(x.id)), { status: 'closed', closed_at: w.at, closed_reason: w.reason, updated_at: w.at, version: w.version })
  await applyChurnState(trx, dialect, { ...w, system: true }, [...new Set(warnings.map((x) => String(x.customer_id)))].map((id) => ({ id, status: CUSTOMER_STATUS.closed })))
  await recordAuditMany(
    trx, dialect, w.actor, w.at,
    warnings.map((x): AuditInput => ({
      entity: 'churn_warning', entityId: String(x.id), parentId: String(x.customer_id), action: 'update',
      changes: { status: [x.status, 'closed'], closedReason: [null, w.reason] },
    })),
  )
  return warnings.length
}

/**
 * A new order on a warned customer closes its standing warning (and the customer is 正常 again),
 * inside the order's transaction. The orders service calls this after saving the order.
 */
export async function closeWarningsForOrder(trx: Knex, customerId: string, o: { now?: Date; actor?: Actor | null } = {}): Promise<number> {
  const warnings = await liveWarningsOf(trx, customerId)
  if (!warnings.length) return 0
  const version = await nextVersion(trx as Knex.Transaction)
  return closeWarnings(trx, dialectOf(trx), warnings, { actor: o.actor ?? null, at: (o.now ?? new Date()).toISOString(), version, reason: 'order' })
}

/**
 * The daily run, called by the background job with the reminder evaluation: checks everyone once
 * per app day (the day is remembered in app_settings), so an hourly job does it once a day.
 */
export async function dailyChurnCheck(app: Pick<AppContext, 'db' | 'clock'>): Promise<ChurnCheckResult | null> {
  const today = await appToday(app)
  if ((await readSetting(app.db.knex, LAST_CHECK_KEY)) === today) return null
  const result = await runChurnCheck(app, { actor: null })
  try {
    await writeSetting(app.db.knex, app.db.dialect, LAST_CHECK_KEY, today, app.clock.now().toISOString())
  } catch (e) {
    logError('remembering the churn check day', e) // the next run checks again: harmless, it is idempotent
  }
  return result
}

// ---- calls ---------------------------------------------------------------------------------------

export async function churnRunCheck(ctx: ServiceContext): Promise<ChurnCheckResult> {
  const scope = requirePerm(ctx.actor, 'churn', 'create')
  return runChurnCheck(ctx, { actor: ctx.actor, restrict: restrictOf(ctx, scope) })
}

export async function churnList(ctx: ServiceContext, input: { page: number; pageSize: number; filter: ChurnFilter }) {
  const scope = requirePerm(ctx.actor, 'churn', 'view')
  const { filtered, rows } = warningList(ctx.db.knex, input.filter, restrictOf(ctx, scope))
  const total = await countOf(filtered)
  const offset = (input.page - 1) * input.pageSize
  const items = offset < total ? await rows(input.pageSize, offset) : []
  return { items: items.map(toRow), total, page: input.page, pageSize: input.pageSize }
}

export async function churnGet(ctx: ServiceContext, input: { id: string }): Promise<ChurnWarning> {
  const scope = requirePerm(ctx.actor, 'churn', 'view')
  return toWarning(ctx, ctx.db.knex, await loadVisible(ctx.db.knex, ctx, scope, input.id))
}

export async function churnForCustomer(ctx: ServiceContext, input: { customerId: string }): Promise<ChurnWarning | null> {
  const scope = requirePerm(ctx.actor, 'churn', 'view')
  const k = ctx.db.knex
  const c = await customerRow(k, input.customerId)
  if (!c || !inScope(ctx.actor, scope, str(c.owner_id), str(c.owner_team_id))) throw notFound('customer', input.customerId)
  const id = await bannerWarningId(k, input.customerId)
  if (!id) return null
  const r = await findWarning(k, id)
  return r ? toWarning(ctx, k, r) : null
}

async function reload(ctx: ServiceContext, id: string) {
  const r = await findWarning(ctx.db.knex, id)
  if (!r) throw notFound('churn warning', id)
  return toWarning(ctx, ctx.db.knex, r)
}

export async function churnAddMeasure(ctx: ServiceContext, input: { id: string; version: number; measureDate: string; content: string }): Promise<ChurnWarning> {
  const scope = requirePerm(ctx.actor, 'churn', 'edit')
  const today = await appToday(ctx) // before the transaction: SQLite has one connection
  await ctx.db.knex.transaction(async (trx) => {
    const w = await loadVisible(trx, ctx, scope, input.id)
    if (Number(w.version) !== input.version) throw conflict('churn warning', Number(w.version))
    const from = String(w.status) as ChurnStatus
    const to = nextChurnStatus(from, 'addMeasure')
    if (input.measureDate > today) throw fieldError('measureDate', 'in_future', 'a measure is recorded once taken: its date cannot be in the future')
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    if (!(await updateWarning(trx, input.id, { status: to, ...(from !== to ? { paused_at: at } : {}), updated_at: at, version }, input.version))) throw conflict('churn warning')
    await insertMeasure(trx, {
      id: newId(), warning_id: input.id, owner_id: str(w.owner_id), measure_date: input.measureDate, content: input.content, created_by: ctx.actor.userId,
      created_at: at, updated_at: at, version, deleted_at: null,
    })
    await applyChurnState(trx, ctx.db.dialect, { actor: ctx.actor, at, version }, [{ id: String(w.customer_id), status: CUSTOMER_STATUS[to] }])
    await recordAudit(trx, ctx, {
      entity: 'churn_warning', entityId: input.id, parentId: String(w.customer_id), action: 'update',
      changes: { ...(from !== to ? { status: [from, to] as [unknown, unknown] } : {}), measure: [null, `${input.measureDate} ${input.content}`] },
    })
  })
  return reload(ctx, input.id)
}

export async function churnConfirm(ctx: ServiceContext, input: { id: string; version: number; reasonId: string; reasonText?: string | null }): Promise<ChurnWarning> {
  const scope = requirePerm(ctx.actor, 'churn', 'edit')
  await ctx.db.knex.transaction(async (trx) => {
    const w = await loadVisible(trx, ctx, scope, input.id)
    if (Number(w.version) !== input.version) throw conflict('churn warning', Number(w.version))
    const from = String(w.status) as ChurnStatus
    const to = nextChurnStatus(from, 'confirm')
    await assertDictRefs(trx, [{ field: 'reasonId', typeCode: 'churn_reason', id: input.reasonId, isNew: true }])
    const categories = await dictItemsOfType(trx, 'category')
    const currentId = str(w.category_id)
    const current = currentId ? ((await dictItemsByIds(trx, [currentId]))[0] ?? null) : null
    const lost = lostCategoryFor(current, categories)
    const at = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const reasonText = input.reasonText?.trim() || null
    const patch = { status: to, reason_id: input.reasonId, reason_text: reasonText, confirmed_at: at, confirmed_by: ctx.actor.userId, updated_at: at, version }
    if (!(await updateWarning(trx, input.id, patch, input.version))) throw conflict('churn warning')
    await applyChurnState(trx, ctx.db.dialect, { actor: ctx.actor, at, version }, [
      { id: String(w.customer_id), status: CUSTOMER_STATUS[to], ...(lost ? { categoryId: lost } : {}) },
    ])
    await recordAudit(trx, ctx, {
      entity: 'churn_warning', entityId: input.id, parentId: String(w.customer_id), action: 'update',
      changes: { status: [from, to], reasonId: [null, input.reasonId], ...(reasonText ? { reasonText: [null, reasonText] } : {}) },
    })
  })
  return reload(ctx, input.id)
}
