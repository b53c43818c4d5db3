// The desktop client's sync timer: a sync every `intervalMs` while online and on demand (立即同步,
// or soon after a local write); one sync at a time (a request while one runs joins it, a nudge
// runs one more after it). A sync that fails because the central database does not answer
// (refused, timed out, gone away) marks the client offline; it is retried after `retryMs` on the
// timer, with no new local write needed, and the first one that goes through marks it online. A
// sync that fails otherwise (the central database answered with an error) keeps the client online
// and shows the error; it is retried on the same timer.
import type { AppContext } from '../context'
import type { ApiError } from '../../contract/common'
import { AppError } from '../../shared/errors'
import { logWarn } from '../../shared/log'
import { isUnreachable } from '../../shared/unreachable'
import type { SyncClient, SyncHooks, SyncReport } from './sync.client'

export type SyncMode = 'online' | 'offline' | 'syncing'

/** One sync run as the 同步详情 page lists it. */
export interface SyncRun {
  startedAt: string
  finishedAt: string
  ok: boolean
  /** the run reached the central database (false: offline) */
  reachable: boolean
  pushed: number
  applied: number
  kept: number
  rejected: number
  held: number
  conflicts: number
  pulled: number
  removed: number
  reloaded: boolean
  error: ApiError | null
}

export interface SyncLoopOptions {
  intervalMs: number
  /** how soon a failed sync is tried again (never later than intervalMs) */
  retryMs: number
  /** the first sync's login (a new client folder) */
  login?: string
  hooks?: SyncHooks
  /** how many runs `runs` keeps (newest first), in memory and in the cache (default KEEP_RUNS) */
  keepRuns?: number
  /** how soon after a nudge (a local write) the sync runs */
  nudgeMs?: number
}

const toError = (e: unknown): ApiError =>
  isUnreachable(e)
    ? new AppError('db_unreachable', 'the central database cannot be reached', { key: 'sync.centralUnreachable' }).toApi()
    : e instanceof AppError
      ? e.toApi()
      : new AppError('internal', e instanceof Error ? e.message : String(e), { key: 'errors.internal' }).toApi()

/** Runs the 同步详情 history keeps (in the client's cache, so they survive a restart). */
export const KEEP_RUNS = 200

export class SyncLoop {
  /** whether the central database answered the last time it was asked (null: not asked yet) */
  reachable: boolean | null = null
  lastReport: SyncReport | null = null
  lastError: string | null = null
  lastSuccessAt: string | null = null
  /** newest first: the cache's recorded runs (loaded when the loop is made), then this process's */
  readonly runs: SyncRun[] = []
  /** the recorded runs are loaded (a run records itself only after them) */
  readonly ready: Promise<void>
  /** counts the syncs started (tests check that they never overlap) */
  started = 0
  private active = 0
  maxActive = 0
  private timer: NodeJS.Timeout | null = null
  private dueAt = 0
  private running: Promise<SyncReport | null> | null = null
  private again = false
  private stopped = true

  constructor(
    readonly client: SyncClient,
    private readonly central: () => Promise<AppContext>,
    private readonly opts: SyncLoopOptions,
  ) {
    this.ready = client
      .runs(this.keepRuns)
      .then((list) => {
        this.runs.push(...list)
      })
      .catch((e) => logWarn(`sync run history not loaded: ${e instanceof Error ? e.message : String(e)}`))
  }

  private get keepRuns() {
    return this.opts.keepRuns ?? KEEP_RUNS
  }

  get mode(): SyncMode {
    if (this.running) return 'syncing'
    return this.reachable ? 'online' : 'offline'
  }

  get intervalMs() {
    return this.opts.intervalMs
  }

  private get retryMs() {
    return Math.min(this.opts.retryMs, this.opts.intervalMs)
  }

  start() {
    this.stopped = false
    this.schedule(0)
  }

  /** Stops the timer and waits for a running sync to end. */
  async stop() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running?.catch(() => null)
  }

  /** A new interval (settings): the next sync runs that long from now (a running one schedules by it when it ends). */
  setInterval(ms: number) {
    this.opts.intervalMs = ms
    if (!this.running && this.reachable) this.schedule(ms)
  }

  private schedule(ms: number, o: { sooner?: boolean } = {}) {
    if (this.stopped) return
    const at = Date.now() + ms
    // a sooner-only request never postpones a sync already due earlier
    if (o.sooner && this.timer && this.dueAt <= at) return
    if (this.timer) clearTimeout(this.timer)
    this.dueAt = at
    this.timer = setTimeout(() => {
      this.timer = null
      void this.now()
    }, ms)
    this.timer.unref?.()
  }

  /**
   * A local write or a central write just happened: sync soon while online (after the running
   * sync, if one runs). Offline, the retry timer is already set.
   */
  nudge() {
    if (this.stopped || this.reachable === false) return
    if (this.running) this.again = true
    else this.schedule(this.opts.nudgeMs ?? 300, { sooner: true })
  }

  /** A central call failed because the central database does not answer: offline now, retried on the timer. */
  markUnreachable(e: unknown) {
    if (this.reachable !== false) logWarn(`central database unreachable, offline: ${e instanceof Error ? e.message : String(e)}`)
    this.reachable = false
    if (!this.running) this.schedule(this.retryMs, { sooner: true })
  }

  /** Runs one sync now (or joins the one running); answers its report, null when it failed. */
  now(): Promise<SyncReport | null> {
    this.running ??= this.run().finally(() => {
      this.running = null
      if (this.again && !this.stopped && this.reachable) {
        this.again = false
        this.schedule(this.opts.nudgeMs ?? 300, { sooner: true })
      }
    })
    return this.running
  }

  private async record(run: SyncRun) {
    await this.ready
    this.runs.unshift(run)
    this.runs.length = Math.min(this.runs.length, this.keepRuns)
    // a history that cannot be written is not worth failing the sync for
    await this.client.saveRun(run, this.keepRuns).catch((e) => logWarn(`sync run not recorded: ${e instanceof Error ? e.message : String(e)}`))
  }

  private async run(): Promise<SyncReport | null> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.again = false
    this.started++
    this.active++
    this.maxActive = Math.max(this.maxActive, this.active)
    const startedAt = new Date().toISOString()
    const empty = { pushed: 0, applied: 0, kept: 0, rejected: 0, held: 0, conflicts: 0, pulled: 0, removed: 0, reloaded: false }
    try {
      const central = await this.central()
      const report = await this.client.sync(central, { login: this.opts.login, hooks: this.opts.hooks })
      this.lastReport = report
      this.lastError = null
      this.lastSuccessAt = new Date().toISOString()
      if (this.reachable === false) logWarn('central database answers again: online')
      this.reachable = true
      await this.record({
        startedAt, finishedAt: this.lastSuccessAt, ok: true, reachable: true, pushed: report.pushed, applied: report.applied, kept: report.kept,
        rejected: report.rejected.length, held: report.held, conflicts: report.conflicts, pulled: report.pulled, removed: report.removed, reloaded: report.reloaded, error: null,
      })
      this.schedule(this.opts.intervalMs)
      return report
    } catch (e) {
      const unreachable = isUnreachable(e)
      this.lastError = e instanceof Error ? e.message : String(e)
      if (unreachable && this.reachable !== false) logWarn(`sync failed, offline until it works again: ${this.lastError}`)
      else if (!unreachable) logWarn(`sync failed: ${this.lastError}`)
      this.reachable = !unreachable
      await this.record({ startedAt, finishedAt: new Date().toISOString(), ok: false, reachable: !unreachable, ...empty, error: toError(e) })
      this.schedule(this.retryMs)
      return null
    } finally {
      this.active--
    }
  }
}
