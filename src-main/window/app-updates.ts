// The desktop app's updates through electron-updater, from the generic update server the
// administrator set (系统 → 更新服务器, stored centrally): checked when the app starts (if the
// setting says so) and on demand (menu 检查更新), offered with its release notes, downloaded
// with progress only when the user asks, installed by 重启并安装. Off when run from the source
// tree (nothing to replace) and when no server is set; the browser mode never gets here.
// The updater is handed in (electron-updater's autoUpdater in the app, a fake or a real
// updater without Electron in tests).
import type { UpdateSettings, UpdateState } from '../contract/system'
import { logError, logInfo, redact } from '../shared/log'

/** What this module uses of electron-updater's AppUpdater. */
export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  on(event: string, listener: (...args: any[]) => void): unknown
  setFeedURL(options: { provider: 'generic'; url: string }): void
  checkForUpdates(): Promise<unknown>
  downloadUpdate(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
}

export interface AppUpdatesOptions {
  currentVersion: string
  /** run from the source tree: no updates */
  dev: boolean
  /** the updater, made on first use (electron-updater picks the platform's on access) */
  updater(): UpdaterLike
  /** the administrator's settings (read each time: they may have changed) */
  readSettings(): Promise<UpdateSettings>
  /** an update was found by the check on start: offer it (the window opens the update dialog) */
  onAvailable?(state: UpdateState): void
}

interface ReleaseInfo {
  version?: string
  releaseNotes?: string | Array<{ version?: string; note?: string | null }> | null
  releaseDate?: string
}

/** Release notes as plain text: the server may send HTML or one note per version. */
export function releaseNotesText(notes: ReleaseInfo['releaseNotes']): string | null {
  if (!notes) return null
  const text = Array.isArray(notes) ? notes.map((n) => [n.version, n.note ?? ''].filter(Boolean).join('\n')).join('\n\n') : notes
  const plain = text
    .replace(/<br\s*\/?>|<\/(p|li|h[1-6]|div|ul|ol)>/gi, '\n')
    .replace(/<li[^>]*>/gi, '• ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return plain ? plain.slice(0, 20_000) : null
}

export class AppUpdates {
  state: UpdateState
  private u: UpdaterLike | null = null

  constructor(private readonly o: AppUpdatesOptions) {
    this.state = this.blank(o.dev ? 'disabled' : 'idle', o.dev ? 'dev' : null)
  }

  private blank(status: UpdateState['status'], reason: UpdateState['reason'] = null): UpdateState {
    return { status, reason, currentVersion: this.o.currentVersion, version: null, releaseNotes: null, releaseDate: null, percent: null, transferred: null, total: null, error: null }
  }

  private offered(info: ReleaseInfo): Partial<UpdateState> {
    return { version: info.version ?? null, releaseNotes: releaseNotesText(info.releaseNotes), releaseDate: info.releaseDate ?? null }
  }

  /** The updater with our listeners, made once. */
  private updater(): UpdaterLike {
    if (this.u) return this.u
    const u = this.o.updater()
    u.autoDownload = false // the user decides (下载更新)
    u.autoInstallOnAppQuit = false // and when to restart (重启并安装)
    u.on('checking-for-update', () => (this.state = { ...this.blank('checking') }))
    u.on('update-available', (info: ReleaseInfo) => (this.state = { ...this.blank('available'), ...this.offered(info) }))
    u.on('update-not-available', () => (this.state = this.blank('none')))
    u.on('download-progress', (p: { percent?: number; transferred?: number; total?: number }) => {
      this.state = { ...this.state, status: 'downloading', percent: Math.max(0, Math.min(100, Math.round((p.percent ?? 0) * 10) / 10)), transferred: p.transferred ?? null, total: p.total ?? null }
    })
    u.on('update-downloaded', (info: ReleaseInfo) => (this.state = { ...this.state, ...this.offered(info), status: 'downloaded', percent: 100 }))
    u.on('error', (e: unknown) => this.failed(e))
    this.u = u
    return u
  }

  private failed(e: unknown) {
    const message = redact((e instanceof Error ? e.message : String(e)).split('\n')[0]).slice(0, 300)
    logError('update', e, { brief: true })
    this.state = { ...this.state, status: 'error', error: message }
  }

  /** 检查更新: asks the administrator's server; the answer is the new state. */
  async check(): Promise<UpdateState> {
    if (this.o.dev) return this.state
    if (this.state.status === 'checking' || this.state.status === 'downloading' || this.state.status === 'downloaded') return this.state
    let settings: UpdateSettings
    try {
      settings = await this.o.readSettings()
    } catch (e) {
      this.failed(e)
      return this.state
    }
    if (!settings.url) return (this.state = this.blank('disabled', 'no_url'))
    try {
      const u = this.updater()
      u.setFeedURL({ provider: 'generic', url: settings.url })
      this.state = this.blank('checking')
      await u.checkForUpdates()
      if (this.state.status === 'checking') this.state = this.blank('none') // no event: nothing newer
    } catch (e) {
      this.failed(e)
    }
    return this.state
  }

  /**
   * 下载更新: only an offered update. Answers at once (the download goes on; its progress and
   * end arrive in the state, which the window polls); `done` settles when it has finished.
   */
  download(): UpdateState {
    if (this.state.status !== 'available' && !(this.state.status === 'error' && this.state.version)) return this.state
    const started = (this.state = { ...this.state, status: 'downloading', percent: 0, transferred: null, total: null, error: null })
    this.done = this.updater()
      .downloadUpdate()
      .then(() => undefined, (e) => this.failed(e))
    return started
  }

  /** The running download, if any (tests and quitting wait for it). */
  done: Promise<void> = Promise.resolve()

  /** 重启并安装: only a downloaded update; the app quits and the installer runs, then the app starts again. */
  install(): UpdateState {
    if (this.state.status !== 'downloaded') return this.state
    logInfo(`installing update ${this.state.version ?? ''}`)
    this.updater().quitAndInstall(false, true)
    return this.state
  }

  /** On start: checks when the administrator asked for it and offers what it found. */
  async checkOnStart(): Promise<void> {
    if (this.o.dev) return
    let settings: UpdateSettings
    try {
      settings = await this.o.readSettings()
    } catch (e) {
      logError('cannot read the update settings', e, { brief: true })
      return
    }
    if (!settings.url || !settings.checkOnStart) return
    const s = await this.check()
    if (s.status === 'available') this.o.onAvailable?.(s)
  }
}
