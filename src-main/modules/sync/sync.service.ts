// Offline sync, central side (README: Offline sync). Three endpoints a desktop client calls on
// the central database with its user's actor:
// - info: the epoch id (new after a restore), the schema version, the head version;
// - pull: the caller's scope changed in (since, upTo], paged by version so a version is never
//   split, deleted rows as tombstones, rows that left the scope (a reassigned customer) as removals,
//   and on demand the current rows of entities the client wrote (so its own writes come back as the
//   central database stored them);
// - push: outbox entries in order, each in its own transaction together with the client's register
//   of applied mutation ids, so a re-push of an applied mutation changes nothing and answers the
//   stored result; every mutation goes through its module's service; a refused one is answered
//   with its reason and the queue goes on.
import type { Knex } from 'knex'
import { ZodError } from 'zod'
import type { AppContext, ServiceContext } from '../context'
import type { DataScope, PermModule } from '../../contract/common'
import { AppError, forbidden } from '../../shared/errors'
import { toIso } from '../../db/dialect'
import { newId } from '../../db/ids'
import { knowsMigration, latestMigration } from '../../db/migrate'
import { OPS, type Applied } from './sync.ops'
import {
  changedRows, clientLastMutation, filteredTable, findMutationResult, insertMutationResult, insertMutationResults, leftScopeAtVersion, leftScopeRows, lockClient, readSyncHead, rowsAtVersion,
  rowsWhereIn, touchClient, wholeTable, type Row, type ScopeSpec,
} from './sync.repository'

/** The tables a client caches, in the order a page applies them; `module`: whose view scope filters it. */
export const SYNC_TABLES: Array<{ name: string; module: PermModule | null; removals?: boolean }> = [
  { name: 'dict_items', module: null },
  { name: 'products', module: null },
  { name: 'customers', module: 'customers', removals: true },
  { name: 'contacts', module: 'contacts' },
  { name: 'interactions', module: 'interactions' },
  { name: 'interaction_promises', module: 'interactions' },
  // the rows only: a file's bytes are fetched by id (ahead for the rep's own customers, else on demand)
  { name: 'attachments', module: 'interactions' },
  { name: 'reminders', module: 'reminders', removals: true },
  // open opportunities with their plans, open service tickets with their notes: by their own
  // scope rules (sync.repository), leaving the cache when closed, archived or out of scope
  { name: 'opportunities', module: 'opportunities', removals: true },
  { name: 'plan_steps', module: 'opportunities' },
  { name: 'service_tickets', module: 'services', removals: true },
  { name: 'service_ticket_notes', module: 'services' },
]

/** A removal takes these along: [parent table, child table, child's column pointing at the parent]. */
export const CHILDREN: Array<[string, string, string]> = [
  ['customers', 'contacts', 'customer_id'], ['customers', 'interactions', 'customer_id'], ['customers', 'interaction_promises', 'customer_id'],
  ['customers', 'reminders', 'customer_id'], ['customers', 'service_tickets', 'customer_id'],
  ['opportunities', 'plan_steps', 'opportunity_id'], ['service_tickets', 'service_ticket_notes', 'ticket_id'],
]

/** Small tables sent whole with the first page of every pull (the local services need them). */
export const REFERENCE_TABLES = ['roles', 'role_permissions', 'teams', 'users', 'dict_types']

/** A page holds at most this many rows per table (more only when one version alone has more). */
export const PULL_PAGE_ROWS = 2000

export interface SyncInfo {
  epochId: string
  schema: string
  version: number
  tombstoneFloor: number
}

export async function syncInfo(app: Pick<AppContext, 'db'>): Promise<SyncInfo> {
  const head = await readSyncHead(app.db.knex)
  return { epochId: head.epochId, schema: latestMigration(), version: head.version, tombstoneFloor: head.tombstoneFloor }
}

export interface RefreshIds {
  customers?: string[]
  contacts?: string[]
  interactions?: string[]
  reminders?: string[]
  plan_steps?: string[]
  service_ticket_notes?: string[]
  attachments?: string[]
}

export interface PullInput {
  /** the client's cursor: the last version it stored; -1 for a first fill */
  since: number
  /** the upper bound of this pull, from its first page (null on the first page) */
  upTo?: number | null
  pageRows?: number
  /** the first page of a pull after a push: entities whose central copy the client wants back */
  refresh?: RefreshIds
}

export interface PullPage {
  epochId: string
  schema: string
  /** this pull's upper bound (send it back as upTo for the next pages) */
  upTo: number
  /** the cursor to store with this page's rows */
  cursor: number
  more: boolean
  /** the client is behind the tombstone retention: upload, then reload from -1 */
  reload: boolean
  rows: Record<string, Row[]>
  /** ids that left the caller's scope (reassigned, or gone to the 公海) */
  removed: Record<string, string[]>
  reference?: Record<string, Row[]>
  refreshed?: { rows: Record<string, Row[]>; missing: Record<string, string[]> }
}

function scopeOf(actor: ServiceContext['actor'], module: PermModule | null): ScopeSpec | null | 'none' {
  if (!module) return null
  const p = actor.permissions[module]
  if (!p || !p.actions.includes('view')) return 'none'
  return { scope: p.scope as DataScope, userId: actor.userId, teamId: actor.teamId }
}

/** Driver values as plain JSON-able values: Date → ISO text (SQL Server), the rest as read. */
function plain(rows: Row[]): Row[] {
  for (const r of rows) for (const k in r) if (r[k] instanceof Date) r[k] = toIso(r[k])
  return rows
}

/** Users travel without password hashes, but for the caller's own (so the desktop client can log in offline). */
function safeUsers(rows: Row[], userId: string): Row[] {
  return rows.map((u) => (u.id === userId ? u : { ...u, password_hash: '!' }))
}

async function refreshRows(db: Knex, ctx: ServiceContext, ids: RefreshIds) {
  const rows: Record<string, Row[]> = {}
  const missing: Record<string, string[]> = {}
  const take = async (table: string, module: PermModule, column: string, list: string[]) => {
    const s = scopeOf(ctx.actor, module)
    const found = s === 'none' || !list.length ? [] : plain(await rowsWhereIn(db, table, column, list, s))
    rows[table] = [...(rows[table] ?? []), ...found]
    return found
  }
  const entities = [
    ['customers', 'customers'], ['contacts', 'contacts'], ['interactions', 'interactions'], ['reminders', 'reminders'],
    ['plan_steps', 'opportunities'], ['service_ticket_notes', 'services'], ['attachments', 'interactions'],
  ] as const
  for (const [table, module] of entities) {
    const list = [...new Set(ids[table] ?? [])]
    if (!list.length) continue
    const found = await take(table, module, 'id', list)
    const have = new Set(found.map((r) => String(r.id)))
    missing[table] = list.filter((id) => !have.has(id))
  }
  // what a record brings along: an interaction's promises and follow-up reminders, a series' next reminders
  if (ids.interactions?.length) {
    await take('interaction_promises', 'interactions', 'interaction_id', ids.interactions)
    await take('reminders', 'reminders', 'source_id', ids.interactions)
  }
  if (ids.reminders?.length) await take('reminders', 'reminders', 'series_id', ids.reminders)
  // a handling note changed its ticket (version, 处理记录 search text)
  const tickets = [...new Set((rows.service_ticket_notes ?? []).map((r) => String(r.ticket_id)))]
  if (tickets.length) await take('service_tickets', 'services', 'id', tickets)
  return { rows, missing }
}

const removalsOf = (t: { name: string; removals?: boolean; scope: ScopeSpec | null }): t is { name: string; removals: true; scope: ScopeSpec } =>
  !!t.removals && !!t.scope && (filteredTable(t.name) || t.scope.scope !== 'all')

/**
 * Rows that enter a cache without changing themselves: an opportunity or ticket arriving (assigned
 * to the caller, or new) brings its whole plan or all its notes; a customer arriving (reassigned to
 * the caller) brings its open tickets, which its owner sees through it.
 */
async function bringAlong(db: Knex, page: PullPage, tables: Array<{ name: string; scope: ScopeSpec | null }>) {
  const scope = new Map(tables.map((t) => [t.name, t.scope]))
  const add = (table: string, rows: Row[]) => {
    const have = new Set((page.rows[table] ??= []).map((r) => String(r.id)))
    for (const r of plain(rows)) if (!have.has(String(r.id))) page.rows[table].push(r)
  }
  const ids = (table: string) => (page.rows[table] ?? []).map((r) => String(r.id))
  if (scope.has('service_tickets') && ids('customers').length) {
    add('service_tickets', await rowsWhereIn(db, 'service_tickets', 'customer_id', ids('customers'), scope.get('service_tickets')!))
  }
  if (scope.has('plan_steps') && ids('opportunities').length) {
    add('plan_steps', await rowsWhereIn(db, 'plan_steps', 'opportunity_id', ids('opportunities'), scope.get('plan_steps')!))
  }
  if (scope.has('service_ticket_notes') && ids('service_tickets').length) {
    add('service_ticket_notes', await rowsWhereIn(db, 'service_ticket_notes', 'ticket_id', ids('service_tickets'), scope.get('service_ticket_notes')!))
  }
}

export async function syncPull(ctx: ServiceContext, input: PullInput): Promise<PullPage> {
  const db = ctx.db.knex
  const head = await readSyncHead(db)
  const schema = latestMigration()
  const base = { epochId: head.epochId, schema, rows: {}, removed: {} }
  if (input.since >= 0 && input.since < head.tombstoneFloor) {
    return { ...base, upTo: head.version, cursor: -1, more: false, reload: true }
  }
  // every version ≤ the committed head is committed (the sync_version row is locked until a
  // writer commits, so versions commit in order): (since, upTo] never has a hole filled later
  const upTo = input.upTo ?? head.version
  const limit = input.pageRows ?? PULL_PAGE_ROWS
  const tables = SYNC_TABLES.map((t) => ({ ...t, scope: scopeOf(ctx.actor, t.module) })).filter((t) => t.scope !== 'none') as Array<
    (typeof SYNC_TABLES)[number] & { scope: ScopeSpec | null }
  >
  const fetched: Array<{ table: string; rows: Row[]; left: Array<{ id: string; version: number }> }> = []
  let boundary = Infinity
  for (const t of tables) {
    const rows = await changedRows(db, t.name, input.since, upTo, limit, t.scope)
    if (rows.length === limit) boundary = Math.min(boundary, Number(rows[rows.length - 1].version))
    const left = removalsOf(t) ? await leftScopeRows(db, t.name, input.since, upTo, limit, t.scope) : []
    if (left.length === limit) boundary = Math.min(boundary, Number(left[left.length - 1].version))
    fetched.push({ table: t.name, rows, left })
  }
  let cursor = upTo
  const page: PullPage = { ...base, upTo, cursor, more: false, reload: false, rows: {}, removed: {} }
  if (boundary === Infinity) {
    for (const f of fetched) {
      page.rows[f.table] = plain(f.rows)
      page.removed[f.table] = f.left.map((r) => String(r.id))
    }
  } else {
    const below = fetched.some((f) => f.rows.some((r) => Number(r.version) < boundary) || f.left.some((r) => Number(r.version) < boundary))
    if (below) {
      // everything below the first version a table could not finish
      cursor = boundary - 1
      for (const f of fetched) {
        page.rows[f.table] = plain(f.rows.filter((r) => Number(r.version) < boundary))
        page.removed[f.table] = f.left.filter((r) => Number(r.version) < boundary).map((r) => String(r.id))
      }
    } else {
      // one version holds more rows than a page (a bulk write): all of it in this page
      cursor = boundary
      for (const t of tables) {
        page.rows[t.name] = plain(await rowsAtVersion(db, t.name, boundary, t.scope))
        page.removed[t.name] = removalsOf(t) ? (await leftScopeAtVersion(db, t.name, boundary, t.scope)).map((r) => String(r.id)) : []
      }
    }
  }
  await bringAlong(db, page, tables)
  page.cursor = cursor
  page.more = cursor < upTo
  if (input.upTo == null) {
    page.reference = {}
    for (const t of REFERENCE_TABLES) {
      const rows = plain(await wholeTable(db, t))
      page.reference[t] = t === 'users' ? safeUsers(rows, ctx.actor.userId) : rows
    }
  }
  if (input.refresh) page.refreshed = await refreshRows(db, ctx, input.refresh)
  return page
}

// ---- push -------------------------------------------------------------------------------------

export interface Mutation {
  mutationId: number
  operation: string
  args: unknown
  /** the edited fields' values in the client's cache before the offline edit */
  base?: Record<string, unknown> | null
  entityId: string
  /** the client's schema version (its newest migration) when the entry was written */
  schema: string
}

export interface MutationResult {
  mutationId: number
  /** applied; kept (a note stored on a deleted customer's tombstone); rejected (with the reason); held (not applied, stays queued) */
  status: 'applied' | 'kept' | 'rejected' | 'held'
  error?: ReturnType<AppError['toApi']>
  conflicts?: Applied['conflicts']
  key?: string
  /** true when this answer was stored by an earlier push of the same mutation */
  repeated?: boolean
}

export interface PushInput {
  clientId: string
  mutations: Mutation[]
}

export interface PushResult {
  epochId: string
  schema: string
  lastMutationId: number
  results: MutationResult[]
}

/** Fault injection for tests: runs right after a mutation's central transaction committed. */
export interface PushHooks {
  afterCentralCommit?(mutationId: number): void | Promise<void>
  /** at the start of each step (a run or one mutation) inside a central transaction (a slow step) */
  beforeStep?(): void | Promise<void>
  /**
   * after each central transaction committed: how long it was open (its hold on the version row, at
   * most), how many mutations it applied, and where the time went (taking the client's row, each
   * step — a run or one mutation — and the commit)
   */
  afterBatch?(ms: number, mutations: number, parts: { lockMs: number; stepsMs: number[]; commitMs: number }): void
}

const asBusinessError = (e: unknown): AppError | null => {
  if (e instanceof AppError && e.code !== 'internal' && e.code !== 'db_unreachable') return e
  if (e instanceof ZodError) {
    return new AppError('validation', 'invalid input', { issues: e.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', code: i.code, message: i.message })) })
  }
  return null
}

/**
 * Mutations one central transaction applies at most, and for how long it takes more: each
 * mutation runs in its own savepoint with its register entry, so a batch commits (or rolls back)
 * whole mutations only, and a repeated push still changes nothing. One transaction per mutation
 * cost a commit (a WAL flush) and two round trips each; the wait a batch adds for other writers
 * (the sync_version row stays locked until it commits) is bounded by the time. A run of the same
 * set-based operation (offline records: `centralMany`) counts against PUSH_BATCH and goes in one
 * step of at most PUSH_RUN mutations. A batch takes another step only while the time so far plus
 * the slowest of the last steps and commits of this push stays within PUSH_BATCH_MS: checking the
 * time only before a step let a batch hold the row PUSH_BATCH_MS plus a whole run (286 ms on
 * PostgreSQL; a run of 100 records held it up to 1 s on a loaded PostgreSQL).
 */
export const PUSH_BATCH = 100
export const PUSH_BATCH_MS = 250
export const PUSH_RUN = 25
/** how many recent steps and commits the estimate of the next one looks at */
const RECENT = 20

/**
 * Applies the mutations in order. A mutation of a newer schema or an unknown operation holds it
 * and everything after it (order is kept; nothing is dropped). A transient error (the database
 * went away) throws: the client keeps the rest queued and retries on its timer.
 */
export async function syncPush(ctx: ServiceContext, input: PushInput, hooks: PushHooks = {}): Promise<PushResult> {
  const db = ctx.db.knex
  const results: MutationResult[] = []
  const list = [...input.mutations].sort((a, b) => a.mutationId - b.mutationId)
  const holds = (m: Mutation) => !OPS[m.operation] || !knowsMigration(m.schema)
  let i = 0
  // a run that failed as a whole is applied one by one up to here (no second attempt of a part of it)
  let oneByOneUntil = 0
  // what the next step (a run or one mutation) and commit may take: the slowest of the last few
  const recentSteps: number[] = []
  const recentCommits: number[] = []
  const remember = (list: number[], ms: number) => {
    list.push(ms)
    if (list.length > RECENT) list.shift()
  }
  const slowest = (list: number[]) => (list.length ? Math.max(...list) : 0)
  while (i < list.length && !holds(list[i])) {
    const batch: MutationResult[] = []
    let opened = 0
    let lockMs = 0
    let bodyEnd = 0
    const stepsMs: number[] = []
    await db.transaction(async (trx) => {
      const started = (opened = performance.now())
      const client = await lockClient(trx, input.clientId, ctx.actor.userId, ctx.clock.now().toISOString())
      lockMs = performance.now() - started
      if (client.user_id && client.user_id !== ctx.actor.userId) throw forbidden('sync', 'push')
      let last = client.last_mutation_id
      const register = (m: Mutation, r: MutationResult, now: string) => ({
        id: newId(), client_id: input.clientId, mutation_id: m.mutationId, status: r.status === 'kept' ? 'applied' : r.status === 'rejected' ? 'rejected' : r.conflicts?.length ? 'conflict' : 'applied',
        operation: m.operation, error: r.error ? JSON.stringify(r.error) : null, result: JSON.stringify(r), created_at: now,
      })
      while (i < list.length && !holds(list[i]) && batch.length < PUSH_BATCH && (!batch.length || performance.now() - started + slowest(recentSteps) + slowest(recentCommits) < PUSH_BATCH_MS)) {
        const m = list[i]
        const stepStarted = performance.now()
        await hooks.beforeStep?.()
        const stepDone = () => {
          const ms = performance.now() - stepStarted
          stepsMs.push(ms)
          remember(recentSteps, ms)
        }
        const op = OPS[m.operation]
        // an answer is stored only with its register update: none above the last applied id
        const stored = m.mutationId <= last ? await findMutationResult(trx, input.clientId, m.mutationId) : undefined
        if (stored) {
          batch.push({ ...(JSON.parse(String(stored.result)) as MutationResult), repeated: true })
          i++
          continue
        }
        if (m.mutationId <= last) {
          batch.push({ mutationId: m.mutationId, status: 'applied', repeated: true })
          i++
          continue
        }
        // a run of the same operation that applies set-based (offline notes): the part before the
        // first refused mutation in one savepoint; the refused one alone below, with its reason
        const run: Array<{ m: Mutation; input: unknown }> = []
        if (op.centralMany && i >= oneByOneUntil) {
          for (let j = i; j < list.length && run.length < Math.min(PUSH_RUN, PUSH_BATCH - batch.length) && list[j].operation === m.operation && !holds(list[j]); j++) {
            const parsed = op.input.safeParse(list[j].args)
            if (!parsed.success) break
            run.push({ m: list[j], input: parsed.data })
          }
        }
        if (run.length > 1) {
          const many = op.centralMany!
          const done = await trx
            .transaction(async (sp) => {
              const sctx: ServiceContext = { ...ctx, db: { knex: sp, dialect: ctx.db.dialect } }
              return many(sctx, run.map((r) => ({ input: r.input as never, entityId: r.m.entityId })))
            })
            .catch(() => {
              // not a refusal (those are answered by count): this run one by one, which answers it
              oneByOneUntil = i + run.length
              return 0
            })
          if (done > 0) {
            const now = ctx.clock.now().toISOString()
            const applied = run.slice(0, done).map((r) => r.m)
            const rs: MutationResult[] = applied.map((a) => ({ mutationId: a.mutationId, status: 'applied' }))
            await insertMutationResults(trx, applied.map((a, n) => register(a, rs[n], now)))
            last = applied[applied.length - 1].mutationId
            batch.push(...rs)
            i += done
            stepDone()
            continue
          }
        }
        const now = ctx.clock.now().toISOString()
        let r: MutationResult
        try {
          // a savepoint: a refused mutation leaves nothing behind, its register entry still commits
          const applied = await trx.transaction(async (sp) => {
            const sctx: ServiceContext = { ...ctx, db: { knex: sp, dialect: ctx.db.dialect } }
            return op.central(sctx, op.input.parse(m.args) as never, { entityId: m.entityId, base: m.base ?? null })
          })
          r = { mutationId: m.mutationId, ...applied }
        } catch (e) {
          const biz = asBusinessError(e)
          if (!biz) throw e
          r = { mutationId: m.mutationId, status: 'rejected', error: biz.toApi() }
        }
        await insertMutationResult(trx, register(m, r, now))
        last = m.mutationId
        batch.push(r)
        i++
        stepDone()
      }
      if (last !== client.last_mutation_id) await touchClient(trx, input.clientId, { last_mutation_id: last, last_seen_at: ctx.clock.now().toISOString() })
      bodyEnd = performance.now()
    })
    const closed = performance.now()
    remember(recentCommits, closed - bodyEnd)
    hooks.afterBatch?.(closed - opened, batch.length, { lockMs, stepsMs, commitMs: closed - bodyEnd })
    results.push(...batch)
    for (const r of batch) await hooks.afterCentralCommit?.(r.mutationId)
  }
  for (const m of list.slice(i)) results.push({ mutationId: m.mutationId, status: 'held', key: OPS[m.operation] ? 'sync.heldNewerSchema' : 'sync.heldUnknownOperation' })
  const head = await readSyncHead(db)
  return { epochId: head.epochId, schema: latestMigration(), lastMutationId: await clientLastMutation(db, input.clientId), results }
}

/** The register's last applied mutation of a client (after a restore: what the central database still has). */
export const syncLastMutation = (app: Pick<AppContext, 'db'>, clientId: string) => clientLastMutation(app.db.knex, clientId)
