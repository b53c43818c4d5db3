// The desktop client's sync timer: a sync every `intervalMs` while online and on demand; a failed
// sync (the central database unreachable, a transient error) marks the client offline and is
// retried after `retryMs` on the timer, with no new local write needed. One sync at a time.
import type { AppContext } from '../context'
import { logWarn } from '../../shared/log'
import type { SyncClient, SyncHooks, SyncReport } from './sync.client'

export type SyncMode = 'online' | 'offline' | 'syncing'

export interface SyncLoopOptions {
  intervalMs: number
  retryMs: number
  /** the first sync's login (a new client folder) */
  login?: string
  hooks?: SyncHooks
}

export class SyncLoop {
  mode: SyncMode = 'offline'
  lastReport: SyncReport | null = null
  lastError: string | null = null
  lastSuccessAt: string | null = null
  private timer: NodeJS.Timeout | null = null
  private running: Promise<SyncReport | null> | null = null
  private stopped = true

  constructor(
    readonly client: SyncClient,
    private readonly central: () => Promise<AppContext>,
    private readonly opts: SyncLoopOptions,
  ) {}

  start() {
    this.stopped = false
    this.schedule(0)
  }

  stop() {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(ms: number) {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.now(), ms)
    this.timer.unref?.()
  }

  /** Runs one sync now (or joins the one running); answers its report, null when it failed. */
  now(): Promise<SyncReport | null> {
    this.running ??= this.run().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async run(): Promise<SyncReport | null> {
    const before = this.mode
    this.mode = 'syncing'
    try {
      const central = await this.central()
      const report = await this.client.sync(central, { login: this.opts.login, hooks: this.opts.hooks })
      this.lastReport = report
      this.lastError = null
      this.lastSuccessAt = new Date().toISOString()
      this.mode = 'online'
      this.schedule(this.opts.intervalMs)
      return report
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e)
      if (before !== 'offline') logWarn(`sync failed, offline until it works again: ${this.lastError}`)
      this.mode = 'offline'
      this.schedule(this.opts.retryMs)
      return null
    }
  }
}
