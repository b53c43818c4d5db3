// A desktop client at run time (README: Offline sync): the local cache (SyncClient) and the sync
// timer (SyncLoop) together with the central database's connection, and where each IPC call runs:
// - an offline operation (sync.ops: a visit, a customer edit, …) runs on the cache and queues its
//   outbox entry, online or not; the loop pushes it soon after; a bulk action (RUN_OPS) queues one
//   entry per row it changed;
// - a read the cache serves (customers, contacts, records, reminders, the dictionary, products)
//   runs on the cache;
// - everything else needs the central database: it runs there while online and is refused with
//   `sync.needsCentral` while offline (the renderer disables those actions with that reason);
// - a few reads that are better fresh (search, 工作台, settings) run centrally while online and on
//   the cache while offline.
// The same code serves `crm serve --client-dir` and the Electron app in client mode.
import type { AppContext, ServiceContext } from '../context'
import type { DbConfig } from '../../db/config'
import { describeDb } from '../../db/config'
import { openDb } from '../../db/connection'
import type { Clock } from '../../db/clock'
import { AppError, fieldError, forbidden, ruleError } from '../../shared/errors'
import { isUnreachable } from '../../shared/unreachable'
import { SyncClient, type SyncHooks } from './sync.client'
import { SyncLoop } from './sync.loop'
import { OPS, RUN_OPS } from './sync.ops'
import { findRow, outboxByStatus, readState, writeState } from './sync.repository'
import { CACHE_CALLS, FRESH_CALLS, OFFLINE_ALIASES, type SyncDetails, type SyncStatus } from '../../contract/sync'

export type CallRoute = 'write' | 'cache' | 'central'

const fileNotHere = () => new AppError('db_unreachable', 'the file is not on this computer and the central database cannot be reached', { key: 'sync.fileNotHere' })

// what a client serves offline is listed once, in contract/sync.ts (the renderer's menu uses it too)
const CACHE = new Set<string>(CACHE_CALLS)
const FRESH = new Set<string>(FRESH_CALLS)

/**
 * Calls that are offline operations under the outbox's name (sync.ops.ts): central while online
 * (the cache catches up on the next pull), on the cache with an outbox entry while offline.
 */
const CALL_OPS: Record<keyof typeof OFFLINE_ALIASES, { op: string; input: (i: Record<string, unknown>) => unknown }> = {
  'opportunities.recordResult': {
    op: OFFLINE_ALIASES['opportunities.recordResult'],
    input: (i) => ({ id: i.id, version: i.version, fields: { result: i.result, ...(i.executedAt ? { executedAt: i.executedAt } : {}) } }),
  },
  'services.addNote': { op: OFFLINE_ALIASES['services.addNote'], input: (i) => i },
  'interactions.addAttachment': { op: OFFLINE_ALIASES['interactions.addAttachment'], input: (i) => i },
}

/** Areas whose rows the cache holds: a central write there is pulled into the cache soon after. */
const CACHED_AREAS = new Set(['customers', 'contacts', 'interactions', 'reminders', 'dictionary', 'products', 'users', 'roles', 'opportunities', 'services'])
/** Calls that only read (no pull needed after them). */
const READ_CALL = /^(list|get|search|check|lookup|tags|summary|promises|attachments|download|open|centre|badge|calendar|due|customersTo|options|teams|preview|status|counts|board|funnel|similar|inspect|progress|fetch)/

/** Where a call runs on a desktop client (reachable: whether the central database answered last; null: not asked yet). */
export function routeOf(name: string, reachable: boolean | null): CallRoute {
  if (name.startsWith('sync.') || CACHE.has(name)) return 'cache'
  if (Object.hasOwn(OPS, name) || Object.hasOwn(RUN_OPS, name)) return 'write'
  if (Object.hasOwn(CALL_OPS, name)) return reachable === false ? 'write' : 'central'
  if (FRESH.has(name)) return reachable ? 'central' : 'cache'
  return 'central'
}

export const DEFAULT_INTERVAL_S = 60
/** how soon an offline client asks the central database again */
export const RETRY_MS = 10_000

export interface DesktopSyncOptions {
  clientDir: string
  central: DbConfig
  /** the data folder of the central side (attachments, exports) */
  dataDir: string
  browserMode: boolean
  /** the first sync's login (a new client folder) */
  login?: string
  clock?: Clock
  retryMs?: number
  hooks?: SyncHooks
  /** tests: the central context to use (instead of one opened from `central`) */
  openCentral?: () => AppContext
}

export class DesktopSync {
  readonly loop: SyncLoop
  /** the context cache calls run on */
  readonly cache: AppContext
  private centralCtx: AppContext | null = null

  private constructor(
    readonly client: SyncClient,
    private readonly o: DesktopSyncOptions,
    intervalMs: number,
  ) {
    this.cache = { ...client.local, browserMode: o.browserMode, dbDescription: `${describeDb(o.central)} (offline cache: ${o.clientDir})`, dbConfig: o.central, syncClient: this }
    this.loop = new SyncLoop(client, async () => this.centralApp(), { intervalMs, retryMs: o.retryMs ?? RETRY_MS, login: o.login, hooks: o.hooks })
    // a file this machine lacks comes from the central database while it answers; offline (or
    // when the central database stops answering now) the user is told it opens once back online
    this.cache.fetchAttachment = async (id) => {
      if (this.loop.reachable === false) throw fileNotHere()
      this.client.useCentral(this.centralApp())
      try {
        return (await this.client.local.fetchAttachment?.(id)) ?? null
      } catch (e) {
        if (!isUnreachable(e)) throw e
        this.loop.markUnreachable(e)
        throw fileNotHere()
      }
    }
  }

  static async open(o: DesktopSyncOptions): Promise<DesktopSync> {
    const client = await SyncClient.open(o.clientDir, { clock: o.clock })
    const st = await readState(client.local.db.knex)
    const seconds = Number(st.interval_seconds ?? DEFAULT_INTERVAL_S)
    return new DesktopSync(client, o, seconds * 1000)
  }

  /** The central database's context; the connection opens on first use and gives up within seconds. */
  centralApp(): AppContext {
    if (this.o.openCentral) return { ...this.o.openCentral(), syncClient: this }
    this.centralCtx ??= {
      db: openDb(this.o.central, { failFast: true }), clock: this.client.local.clock, dataDir: this.o.dataDir, browserMode: this.o.browserMode,
      dbDescription: describeDb(this.o.central), dbConfig: this.o.central, syncClient: this,
    }
    return this.centralCtx
  }

  /**
   * Starts the timer. A client folder without a cache yet (first start) syncs first and answers
   * only after that (its user cannot log in before); a failed first sync throws.
   */
  async start() {
    if (!(await this.client.state()).userId) {
      const r = await this.loop.now()
      if (!r) throw new Error(`the first sync of ${this.o.clientDir} failed: ${this.loop.lastError}`)
    }
    this.loop.start()
  }

  async close() {
    await this.loop.stop()
    await this.client.close()
    await this.centralCtx?.db.knex.destroy()
  }

  // ---- routing (ipc/dispatch asks)

  route(area: string, call: string): CallRoute {
    return routeOf(`${area}.${call}`, this.loop.reachable)
  }

  /** The central context for a call that needs it; offline: refused with the reason. */
  centralFor(area: string, call: string): AppContext {
    if (this.loop.reachable === false) {
      throw new AppError('db_unreachable', `offline: ${area}.${call} needs the central database`, { key: 'sync.needsCentral' })
    }
    return this.centralApp()
  }

  /** An offline operation on the cache (with its outbox entry); the loop pushes it soon. */
  async write(operation: string, input: unknown): Promise<unknown> {
    const alias = Object.hasOwn(CALL_OPS, operation) ? CALL_OPS[operation as keyof typeof CALL_OPS] : undefined
    const out = alias
      ? await this.client.write(alias.op, alias.input(input as Record<string, unknown>))
      : Object.hasOwn(RUN_OPS, operation) ? await this.client.writeRun(operation, input) : await this.client.write(operation, input)
    this.loop.nudge()
    return out
  }

  /** A central call ended: unreachable → offline; a write to a cached area → pull soon. */
  afterCentral(area: string, call: string, error: unknown | null) {
    if (error !== null) {
      if (isUnreachable(error)) this.loop.markUnreachable(error)
      return
    }
    if (CACHED_AREAS.has(area) && !READ_CALL.test(call)) this.loop.nudge()
  }

  // ---- what the status bar and 同步详情 show

  async status(): Promise<SyncStatus> {
    const st = await this.client.state()
    const k = this.client.local.db.knex
    const queued = await outboxByStatus(k, ['pending', 'held', 'rejected'])
    const last = this.loop.runs[0] ?? null
    return {
      enabled: true,
      mode: this.loop.mode,
      pending: st.pending,
      held: queued.filter((r) => r.status === 'held').length,
      rejected: queued.filter((r) => r.status === 'rejected').length,
      conflicts: (await this.client.conflicts()).length,
      lastSyncAt: st.lastSyncAt,
      lastAttemptAt: last?.finishedAt ?? null,
      lastError: last && !last.ok ? last.error : null,
      intervalSeconds: Math.round(this.loop.intervalMs / 1000),
      central: describeDb(this.o.central),
    }
  }

  async details(): Promise<SyncDetails> {
    const k = this.client.local.db.knex
    const label = async (entity: string, id: string) => {
      const row = await findRow(k, entity, id).catch(() => undefined)
      const text = row?.name ?? row?.subject ?? row?.title ?? null
      return text === null || text === undefined ? null : String(text)
    }
    const outbox = await this.client.outbox()
    const rejected = []
    for (const r of outbox.filter((x) => x.status === 'rejected').reverse().slice(0, 200)) {
      rejected.push({
        mutationId: r.mutationId, operation: r.operation, entity: r.entity, entityId: r.entityId, label: await label(r.entity, r.entityId),
        createdAt: r.createdAt, error: r.result?.error ?? null,
      })
    }
    const held = outbox.filter((x) => x.status === 'held').map((r) => ({ mutationId: r.mutationId, operation: r.operation, key: r.result?.key ?? null, createdAt: r.createdAt }))
    const conflicts = []
    for (const c of await this.client.conflicts()) {
      conflicts.push({ id: c.id, entity: c.entity, entityId: c.entityId, label: await label(c.entity, c.entityId), field: c.field, base: c.base ?? null, local: c.local ?? null, central: c.central ?? null, createdAt: c.createdAt })
    }
    return { status: await this.status(), runs: this.loop.runs.slice(0, 20), rejected, held, conflicts }
  }

  /** The user's choice for a 冲突 (an ordinary offline edit unless the central value is kept); synced soon. */
  async resolve(conflictId: string, choice: { keep: 'local' | 'central' } | { value: unknown }) {
    await this.client.resolve(conflictId, choice)
    this.loop.nudge()
  }

  async saveSettings(intervalSeconds: number) {
    await writeState(this.client.local.db.knex, { interval_seconds: String(intervalSeconds) })
    this.loop.setInterval(intervalSeconds * 1000)
  }

  /** 立即同步: runs a sync now (or joins the running one) and answers the status after it. */
  async syncNow(): Promise<SyncStatus> {
    await this.loop.now()
    return this.status()
  }
}

// ---- the sync area's calls (handlers → these): the caller's own cache, nothing else

const DISABLED: SyncStatus = {
  enabled: false, mode: 'online', pending: 0, held: 0, rejected: 0, conflicts: 0, lastSyncAt: null, lastAttemptAt: null, lastError: null, intervalSeconds: DEFAULT_INTERVAL_S, central: null,
}

/** The desktop client of this call; a session of another user than the cache's (cannot happen: only its user can log in) is refused. */
async function own(ctx: ServiceContext): Promise<DesktopSync | null> {
  const d = ctx.syncClient
  if (!d) return null
  const st = await d.client.state()
  if (st.userId && st.userId !== ctx.actor.userId) throw forbidden('sync', 'view')
  return d
}

const needClient = () => ruleError('sync.notClient', 'not a desktop client: there is nothing to sync')

export async function syncStatus(ctx: ServiceContext): Promise<SyncStatus> {
  const d = await own(ctx)
  return d ? d.status() : DISABLED
}

export async function syncDetails(ctx: ServiceContext): Promise<SyncDetails> {
  const d = await own(ctx)
  return d ? d.details() : { status: DISABLED, runs: [], rejected: [], held: [], conflicts: [] }
}

export async function syncNow(ctx: ServiceContext): Promise<SyncStatus> {
  const d = await own(ctx)
  if (!d) throw needClient()
  return d.syncNow()
}

export async function syncResolve(ctx: ServiceContext, input: { id: string; keep: 'local' | 'central' | 'value'; value?: string | null }): Promise<SyncStatus> {
  const d = await own(ctx)
  if (!d) throw needClient()
  if (input.keep !== 'value') {
    await d.resolve(input.id, { keep: input.keep })
    return d.status()
  }
  if (input.value === undefined) throw fieldError('value', 'required', 'the edited value is missing')
  const c = (await d.client.conflicts()).find((x) => x.id === input.id)
  if (!c) throw new AppError('not_found', 'conflict not found', { key: 'errors.not_found', params: { what: 'conflict' } })
  // the edited text in the field's type: a number field gets a number
  let value: unknown = input.value === null || input.value.trim() === '' ? null : input.value.trim()
  if (value !== null && (typeof c.local === 'number' || typeof c.central === 'number')) {
    value = Number(value)
    if (!Number.isFinite(value)) throw fieldError('value', 'invalid_type', 'a number is expected')
  }
  await d.resolve(input.id, { value })
  return d.status()
}

export async function syncSaveSettings(ctx: ServiceContext, input: { intervalSeconds: number }): Promise<SyncStatus> {
  const d = await own(ctx)
  if (!d) throw needClient()
  await d.saveSettings(input.intervalSeconds)
  return d.status()
}
