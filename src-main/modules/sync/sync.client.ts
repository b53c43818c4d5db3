// Offline sync, client side (README: Offline sync). A desktop client keeps a local SQLite cache in
// its client folder: the same migrations, the same services. An offline write runs the module's
// service on the cache and stores its outbox entry in the same SQLite transaction. A sync pushes
// the outbox in order, records the answers (conflicts become 冲突 entries for the user), then
// pulls page by page, each page stored with its cursor in one transaction. The central database
// is reached through its own AppContext (the same knex connection the desktop app uses).
import fs from 'node:fs'
import path from 'node:path'
import type { AppContext, Actor, ServiceContext } from '../context'
import { openDb, type Db } from '../../db/connection'
import { migrateLatest, latestMigration } from '../../db/migrate'
import { systemClock, type Clock } from '../../db/clock'
import { newId } from '../../db/ids'
import { AppError } from '../../shared/errors'
import { loadActor } from '../auth/auth.service'
import { OPS, RUN_OPS, type FieldConflict, type SyncEntity } from './sync.ops'
import {
  CHILDREN, REFERENCE_TABLES, SYNC_TABLES, syncInfo, syncLastMutation, syncPull, syncPush, type Mutation, type MutationResult, type PullPage, type PushHooks, type RefreshIds,
} from './sync.service'
import {
  clearTable, codeHolders, countLive, countPending, deleteWhereIn, deleteWhereParentIn, findConflict, findUserByLogin, insertConflict, insertOutbox, lastOutboxId, markRefreshed,
  openConflicts, outboxAll, outboxAppliedUnrefreshed, outboxByStatus, putRows, readState, requeueAfter, resolveConflict, setCode, updateOutbox, writeState,
  findRow, ensureLocalHead, insertRows, localColumns, ownAttachments, insertRun, pruneRuns, recentRuns, type Row,
} from './sync.repository'
import type { SyncRun } from './sync.loop'
import { toBool } from '../../db/dialect'
import { attachmentsContent, hasAttachmentFile, saveAttachmentFile } from '../interactions/attachments.service'

/** Fault injection for tests (and nothing else): each hook may throw to simulate a crash there. */
export interface SyncHooks extends PushHooks {
  /** before anything reaches the central database (a transient failure there) */
  beforeSync?(): void | Promise<void>
  /** after the central answers a push, before the client records it */
  beforeLocalAck?(): void | Promise<void>
  /** after a pulled page was stored (n counts from 1) */
  afterPullPage?(n: number): void | Promise<void>
  /** before a pulled page is stored */
  beforePullPage?(n: number): void | Promise<void>
}

export interface SyncReport {
  pushed: number
  applied: number
  kept: number
  rejected: Array<{ mutationId: number; operation: string; error: MutationResult['error'] }>
  held: number
  conflicts: number
  pulled: number
  removed: number
  pages: number
  reloaded: boolean
  epochChanged: boolean
  /** files of the rep's own customers fetched ahead (within the size budget) */
  files: number
}

/** Bytes of the rep's own customers' attachments a client keeps ahead of need (the rest: on demand). */
export const PREFETCH_BYTES = 200 * 1024 * 1024

export interface SyncConflict {
  id: string
  entity: string
  entityId: string
  field: string
  base: unknown
  local: unknown
  central: unknown
  createdAt: string
}

const parse = (v: unknown) => (v === null || v === undefined ? null : JSON.parse(String(v)))


export class SyncClient {
  private constructor(
    readonly dir: string,
    readonly local: AppContext,
  ) {}

  /** Opens (creating) the cache in `dir`: DIR/cache.sqlite, migrated, with its client id. */
  static async open(dir: string, opts: { clock?: Clock } = {}): Promise<SyncClient> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    const db: Db = openDb({ dialect: 'sqlite', file: path.join(dir, 'cache.sqlite') }, { foreignKeys: false })
    await migrateLatest(db)
    await ensureLocalHead(db.knex)
    const st = await readState(db.knex)
    if (!st.client_id) await writeState(db.knex, { client_id: newId(), cursor: '-1' })
    return new SyncClient(dir, { db, clock: opts.clock ?? systemClock, dataDir: dir, browserMode: false })
  }

  async close() {
    await this.local.db.knex.destroy()
  }

  async state() {
    const st = await readState(this.local.db.knex)
    return {
      clientId: String(st.client_id),
      userId: st.user_id ?? null,
      cursor: Number(st.cursor ?? -1),
      epochId: st.epoch_id ?? null,
      lastSyncAt: st.last_sync_at ?? null,
      centralSchema: st.central_schema ?? null,
      pending: await countPending(this.local.db.knex),
    }
  }

  /** The cache's user, loaded from the cached users, roles and permissions (null before a first sync). */
  async actor(): Promise<Actor | null> {
    const st = await this.state()
    return st.userId ? loadActor(this.local, st.userId) : null
  }

  private async ctx(): Promise<ServiceContext> {
    const actor = await this.actor()
    if (!actor) throw new AppError('unauthenticated', 'the cache has no user yet: sync once while online', { key: 'sync.noCache' })
    return { ...this.local, actor }
  }

  /**
   * An offline write: the module's service on the cache (permission, scope, validation) and its
   * outbox entry, in one SQLite transaction. Answers what the service answered.
   */
  async write(operation: string, rawInput: unknown): Promise<unknown> {
    const op = OPS[operation]
    if (!op) throw new AppError('not_found', `not an offline operation: ${operation}`)
    const input = op.input.parse(rawInput) as Record<string, unknown>
    const ctx = await this.ctx()
    return this.local.db.knex.transaction(async (trx) => {
      const tctx: ServiceContext = { ...ctx, db: { knex: trx, dialect: 'sqlite' } }
      const id = operation.endsWith('.create') ? newId() : op.entityOf ? await op.entityOf(tctx, input as never) : String(input.id)
      const base = op.base ? await op.base(tctx, input as never) : null
      const before = operation.endsWith('.create') ? null : await findRow(trx, op.entity, id)
      const out = await op.local(tctx, input as never, id)
      await this.queue(trx, operation, op.stored ? op.stored(input as never, out as never) : input, base, op.entity, id, before)
      return out
    })
  }

  /**
   * A bulk action offline (RUN_OPS): the call on the cache, and one outbox entry of its operation
   * per row it changed, in one SQLite transaction. Answers what the call answered.
   */
  async writeRun(call: string, rawInput: unknown): Promise<unknown> {
    const run = RUN_OPS[call]
    if (!run) throw new AppError('not_found', `not an offline run: ${call}`)
    const input = run.input.parse(rawInput) as Record<string, unknown>
    const ctx = await this.ctx()
    return this.local.db.knex.transaction(async (trx) => {
      const tctx: ServiceContext = { ...ctx, db: { knex: trx, dialect: 'sqlite' } }
      const ids = [...new Set(run.ids(input as never))]
      const before = new Map<string, Row>()
      for (const id of ids) {
        const row = await findRow(trx, run.entity, id)
        if (row) before.set(id, row)
      }
      const out = await run.local(tctx, input as never)
      for (const [id, was] of before) {
        const now = await findRow(trx, run.entity, id)
        const entry = now ? run.entry(was, now) : null
        if (entry) await this.queue(trx, run.op, entry, null, run.entity, id, was)
      }
      return out
    })
  }

  private async queue(trx: import('knex').Knex.Transaction, operation: string, args: unknown, base: unknown, entity: string, id: string, before: Row | null | undefined) {
    await insertOutbox(trx, {
      mutation_id: (await lastOutboxId(trx)) + 1, operation, args: JSON.stringify(args), base: base ? JSON.stringify(base) : null,
      entity, entity_id: id, base_version: before ? Number(before.version) : null, schema_version: latestMigration(),
      status: 'pending', result: null, refreshed: false, created_at: this.local.clock.now().toISOString(), applied_at: null,
    })
  }

  /** Records a sync run for the 同步详情 page, keeping the newest `keep`. */
  async saveRun(run: SyncRun, keep: number) {
    const { startedAt, finishedAt, ok, reachable, ...detail } = run
    await this.local.db.knex.transaction(async (trx) => {
      await insertRun(trx, { id: newId(), started_at: startedAt, finished_at: finishedAt, ok, reachable, detail: JSON.stringify(detail), created_at: this.local.clock.now().toISOString() })
      await pruneRuns(trx, keep)
    })
  }

  /** The recorded sync runs, newest first (they survive a restart). */
  async runs(limit: number): Promise<SyncRun[]> {
    return (await recentRuns(this.local.db.knex, limit)).map((r) => ({
      startedAt: String(r.started_at), finishedAt: String(r.finished_at), ok: toBool(r.ok), reachable: toBool(r.reachable),
      ...(parse(r.detail) as Omit<SyncRun, 'startedAt' | 'finishedAt' | 'ok' | 'reachable'>),
    }))
  }

  async outbox() {
    return (await outboxAll(this.local.db.knex)).map((r) => ({
      mutationId: Number(r.mutation_id), operation: String(r.operation), entity: String(r.entity), entityId: String(r.entity_id),
      status: String(r.status), result: parse(r.result) as MutationResult | null, createdAt: String(r.created_at),
    }))
  }

  async conflicts(): Promise<SyncConflict[]> {
    return (await openConflicts(this.local.db.knex)).map((r) => ({
      id: String(r.id), entity: String(r.entity), entityId: String(r.entity_id), field: String(r.field),
      base: parse(r.base_value), local: parse(r.local_value), central: parse(r.central_value), createdAt: String(r.created_at),
    }))
  }

  /**
   * The user's choice for a 冲突: the offline value, the central value, or an edited one. Keeping
   * the central value only closes it; any other value becomes an ordinary offline edit based on
   * the central value (so it syncs, and conflicts again only if the field changes centrally again).
   */
  async resolve(conflictId: string, choice: { keep: 'local' | 'central' } | { value: unknown }): Promise<void> {
    const k = this.local.db.knex
    const c = await findConflict(k, conflictId)
    if (!c || c.resolved_at) throw new AppError('not_found', 'conflict not found', { key: 'errors.not_found', params: { what: 'conflict' } })
    const value = 'value' in choice ? choice.value : choice.keep === 'local' ? parse(c.local_value) : parse(c.central_value)
    const now = this.local.clock.now().toISOString()
    if (!('keep' in choice && choice.keep === 'central')) {
      const row = await findRow(k, String(c.entity), String(c.entity_id))
      if (row && !row.deleted_at) {
        await this.write(`${c.entity}.update`, { id: c.entity_id, version: Number(row.version), fields: { [String(c.field)]: value } })
      }
    }
    await resolveConflict(k, conflictId, now)
  }

  /** One sync: push the outbox in order, record the answers, then pull (refilling after a restore or past the retention). */
  async sync(central: AppContext, opts: { login?: string; hooks?: SyncHooks; pageRows?: number; prefetchBytes?: number } = {}): Promise<SyncReport> {
    const hooks = opts.hooks ?? {}
    const k = this.local.db.knex
    const report: SyncReport = { pushed: 0, applied: 0, kept: 0, rejected: [], held: 0, conflicts: 0, pulled: 0, removed: 0, pages: 0, reloaded: false, epochChanged: false, files: 0 }
    await hooks.beforeSync?.()
    const st = await this.state()
    const actor = await this.centralActor(central, st.userId, opts.login)
    const cctx: ServiceContext = { ...central, actor }
    const info = await syncInfo(central)
    let reload = false
    if (st.epochId && st.epochId !== info.epochId) {
      // a restored central database: whatever it lost of ours is pushed again, then the cache reloads
      report.epochChanged = true
      reload = true
      await requeueAfter(k, await syncLastMutation(central, st.clientId))
    }
    if (!st.userId) await writeState(k, { user_id: actor.userId })

    // ---- push
    const queued = await outboxByStatus(k, ['pending', 'held'])
    if (queued.length) {
      const mutations: Mutation[] = queued.map((r) => ({
        mutationId: Number(r.mutation_id), operation: String(r.operation), args: parse(r.args), base: parse(r.base), entityId: String(r.entity_id), schema: String(r.schema_version),
      }))
      const res = await syncPush(cctx, { clientId: st.clientId, mutations }, hooks)
      await hooks.beforeLocalAck?.()
      const byId = new Map(queued.map((r) => [Number(r.mutation_id), r]))
      const now = this.local.clock.now().toISOString()
      await k.transaction(async (trx) => {
        for (const r of res.results) {
          const entry = byId.get(r.mutationId)!
          report.pushed += r.status === 'held' ? 0 : 1
          if (r.status === 'held') {
            report.held++
            await updateOutbox(trx, r.mutationId, { status: 'held', result: JSON.stringify(r) })
            continue
          }
          if (r.status === 'rejected') report.rejected.push({ mutationId: r.mutationId, operation: String(entry.operation), error: r.error })
          else if (r.status === 'kept') report.kept++
          else report.applied++
          await updateOutbox(trx, r.mutationId, { status: r.status === 'rejected' ? 'rejected' : 'applied', result: JSON.stringify(r), applied_at: now })
          for (const c of r.conflicts ?? []) await this.recordConflict(trx, st.clientId, actor.userId, String(entry.entity), String(entry.entity_id), c, now)
          report.conflicts += r.conflicts?.length ?? 0
        }
      })
    }

    // ---- pull
    await this.pull(cctx, report, reload, hooks, opts.pageRows)
    report.files = await this.prefetch(cctx, opts.prefetchBytes ?? PREFETCH_BYTES)
    await writeState(k, { last_sync_at: this.local.clock.now().toISOString(), central_schema: info.schema })
    return report
  }

  /**
   * Files on demand: while `central` is set, opening or downloading an attachment whose file this
   * machine lacks fetches it from the central database (as the cache's user, within their scope);
   * null (offline) leaves only the files already here.
   */
  useCentral(central: AppContext | null) {
    if (!central) {
      delete this.local.fetchAttachment
      return
    }
    this.local.fetchAttachment = async (id) => {
      const st = await this.state()
      if (!st.userId) return null
      try {
        return await attachmentsContent({ ...central, actor: await this.centralActor(central, st.userId) }, { id })
      } catch (e) {
        if (e instanceof AppError && e.code === 'not_found') return null
        throw e
      }
    }
  }

  /** Fetches the missing files of the rep's own customers' attachments, newest first, while the cached files stay within `budget` bytes. */
  private async prefetch(cctx: ServiceContext, budget: number): Promise<number> {
    let used = 0
    let fetched = 0
    for (const a of await ownAttachments(this.local.db.knex, cctx.actor.userId)) {
      const size = Number(a.size_bytes)
      if (used + size > budget) continue
      if (!hasAttachmentFile(this.dir, a)) {
        const bytes = await attachmentsContent(cctx, { id: String(a.id) }).catch((e) => {
          if (e instanceof AppError && e.code === 'not_found') return null
          throw e
        })
        if (!bytes) continue
        saveAttachmentFile(this.dir, String(a.stored_name), bytes)
        fetched++
      }
      used += size
    }
    return fetched
  }

  private async recordConflict(trx: import('knex').Knex.Transaction, clientId: string, userId: string, entity: string, entityId: string, c: FieldConflict, now: string) {
    await insertConflict(trx, {
      id: newId(), created_at: now, updated_at: now, version: 0, deleted_at: null, owner_id: userId, client_id: clientId, entity, entity_id: entityId,
      field: c.field, base_value: JSON.stringify(c.base ?? null), local_value: JSON.stringify(c.local ?? null), central_value: JSON.stringify(c.central ?? null), resolved_at: null,
    })
  }

  /** Who syncs: the cache's user; a first sync takes the given login. */
  private async centralActor(central: AppContext, cachedUserId: string | null, login?: string): Promise<Actor> {
    let userId = cachedUserId
    if (login) {
      const u = await findUserByLogin(central.db.knex, login)
      if (!u) throw new AppError('not_found', `no user ${login}`, { key: 'errors.not_found', params: { what: 'user' } })
      if (cachedUserId && cachedUserId !== u.id) throw new AppError('forbidden', `this client folder holds the cache of another user; use a new folder for ${login}`, { key: 'sync.otherUser' })
      userId = String(u.id)
    }
    if (!userId) throw new AppError('validation', 'the first sync needs a login (--as LOGIN)', { key: 'sync.needLogin' })
    const actor = await loadActor(central, userId)
    if (!actor) throw new AppError('forbidden', 'the user is disabled or gone', { key: 'errors.forbidden' })
    return actor
  }

  private async clearCache() {
    const k = this.local.db.knex
    await k.transaction(async (trx) => {
      for (const t of SYNC_TABLES) await clearTable(trx, t.name)
      await writeState(trx, { cursor: '-1' })
    })
  }

  private async pull(cctx: ServiceContext, report: SyncReport, reload: boolean, hooks: SyncHooks, pageRows?: number) {
    const k = this.local.db.knex
    if (reload) {
      await this.clearCache()
      report.reloaded = true
    }
    let cursor = Number((await readState(k)).cursor ?? -1)
    const unrefreshed = await outboxAppliedUnrefreshed(k)
    const refresh: RefreshIds = {}
    for (const r of unrefreshed) (refresh[String(r.entity) as SyncEntity] ??= []).push(String(r.entity_id))
    // entities with writes still queued keep their offline state until those are pushed
    const queued = new Set((await outboxByStatus(k, ['pending', 'held'])).map((r) => `${r.entity}:${r.entity_id}`))
    let upTo: number | null = null
    for (let n = 1; ; n++) {
      const page: PullPage = await syncPull(cctx, { since: cursor, upTo, pageRows, refresh: upTo === null && unrefreshed.length ? refresh : undefined })
      if (page.reload) {
        if (report.reloaded) throw new Error('the central database asked for a reload twice')
        await this.clearCache()
        report.reloaded = true
        cursor = -1
        n = 0
        continue
      }
      await hooks.beforePullPage?.(n)
      await k.transaction(async (trx) => {
        if (page.reference) for (const [table, rows] of Object.entries(page.reference)) await this.replaceTable(trx, table, rows)
        if (page.refreshed) {
          // the central copy of what this client wrote replaces the local one (ids the central
          // database chose for promises and next reminders included)
          const ints = refresh.interactions ?? []
          await deleteWhereIn(trx, 'interaction_promises', 'interaction_id', ints)
          await deleteWhereIn(trx, 'reminders', 'source_id', ints)
          await deleteWhereIn(trx, 'reminders', 'series_id', refresh.reminders ?? [])
          for (const [table, ids] of Object.entries(page.refreshed.missing)) await deleteWhereIn(trx, table, 'id', ids)
          for (const t of SYNC_TABLES) if (page.refreshed.rows[t.name]?.length) await this.store(trx, t.name, page.refreshed.rows[t.name], new Set())
          await markRefreshed(trx, unrefreshed.map((r) => Number(r.mutation_id)))
        }
        for (const t of SYNC_TABLES) {
          const rows = page.rows[t.name] ?? []
          report.pulled += await this.store(trx, t.name, rows, queued)
          const gone = page.removed[t.name] ?? []
          if (gone.length) {
            report.removed += gone.length
            await deleteWhereIn(trx, t.name, 'id', gone)
            // grandchildren first (a removed customer's tickets' notes), then the children
            if (t.name === 'customers') {
              await deleteWhereParentIn(trx, 'service_ticket_notes', 'ticket_id', 'service_tickets', 'customer_id', gone)
              await deleteWhereParentIn(trx, 'attachments', 'entity_id', 'interactions', 'customer_id', gone)
            }
            for (const [parent, child, column] of CHILDREN) if (parent === t.name) await deleteWhereIn(trx, child, column, gone)
          }
        }
        await writeState(trx, { cursor: String(page.cursor), epoch_id: page.epochId })
      })
      report.pages = n
      await hooks.afterPullPage?.(n)
      cursor = page.cursor
      upTo = page.upTo
      if (!page.more) break
    }
  }

  private async replaceTable(trx: import('knex').Knex.Transaction, table: string, rows: Row[]) {
    const cols = await localColumns(trx, table)
    await clearTable(trx, table)
    await insertRows(trx, table, rows.map((r) => keep(r, cols)))
  }

  /** Stores pulled rows (but over entities with queued offline writes); answers how many. */
  private async store(trx: import('knex').Knex.Transaction, table: string, rows: Row[], queued: Set<string>): Promise<number> {
    const entity = table as SyncEntity
    const list = rows.filter((r) => !queued.has(`${entity}:${r.id}`))
    if (!list.length) return 0
    const cols = await localColumns(trx, table)
    if (table === 'customers' || table === 'products') {
      // a provisional code of an offline create gives way to the central database's numbering
      const holders = await codeHolders(trx, table, list.map((r) => String(r.code)), list.map((r) => String(r.id)))
      for (const h of holders) await setCode(trx, table, h.id, `~${h.id.slice(0, 8)}`)
    }
    await putRows(trx, table, list.map((r) => keep(r, cols)))
    return list.length
  }

  /** Rows in the cache (live), for tests and the status page. */
  liveCount(table: string) {
    return countLive(this.local.db.knex, table)
  }
}

const keep = (r: Row, cols: Set<string>): Row => Object.fromEntries(Object.entries(r).filter(([c]) => cols.has(c)))

/** Which tables a client caches (the status page lists them). */
export const CACHED_TABLES = [...REFERENCE_TABLES, ...SYNC_TABLES.map((t) => t.name)]
