// The desktop app's updates (window/app-updates.ts). First with electron-updater's autoUpdater
// mocked (a fake that emits its events): settings, states, progress, 重启并安装, errors. Then
// with the REAL electron-updater (NsisUpdater) driven without Electron — its AppAdapter and
// HTTP executor handed in, as electron-updater allows — against a local HTTP server that serves
// a latest.yml and an installer: the check finds the version and release notes, the download
// shows progress and passes electron-updater's sha512 check (and fails it on a wrong hash).
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { NsisUpdater } from 'electron-updater'
import { NodeHttpExecutor } from 'builder-util/out/nodeHttpExecutor.js'
import { configureRequestOptions, configureRequestUrl } from 'builder-util-runtime'
import { AppUpdates, releaseNotesText, type UpdaterLike } from '../../src-main/window/app-updates'
import type { UpdateSettings } from '../../src-main/contract/system'

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = true
  autoInstallOnAppQuit = true
  feed: unknown = null
  next: { version: string; releaseNotes?: string } | null = null
  failCheck: Error | null = null
  setFeedURL = vi.fn((o: unknown) => void (this.feed = o))
  quitAndInstall = vi.fn()
  async checkForUpdates() {
    this.emit('checking-for-update')
    if (this.failCheck) {
      this.emit('error', this.failCheck)
      throw this.failCheck
    }
    if (this.next) this.emit('update-available', { ...this.next, releaseDate: '2026-12-01T00:00:00.000Z' })
    else this.emit('update-not-available', { version: '0.1.0' })
    return {}
  }
  async downloadUpdate() {
    for (const percent of [12.34, 56.7, 100]) this.emit('download-progress', { percent, transferred: percent * 1000, total: 100_000, bytesPerSecond: 1 })
    this.emit('update-downloaded', this.next)
    return []
  }
}

function make(settings: UpdateSettings, opts: { dev?: boolean } = {}) {
  const fake = new FakeUpdater()
  const onAvailable = vi.fn()
  const made = vi.fn(() => fake)
  const u = new AppUpdates({ currentVersion: '0.1.0', dev: opts.dev ?? false, updater: made, readSettings: async () => settings, onAvailable })
  return { u, fake, onAvailable, made }
}

describe('updates (electron-updater autoUpdater mocked)', () => {
  it('are off when run from the source tree, and without an update server', async () => {
    const dev = make({ url: 'https://updates.example.com/crm/', checkOnStart: true }, { dev: true })
    expect(await dev.u.check()).toMatchObject({ status: 'disabled', reason: 'dev' })
    await dev.u.checkOnStart()
    expect(dev.made).not.toHaveBeenCalled() // the updater is never even made
    const none = make({ url: null, checkOnStart: true })
    expect(await none.u.check()).toMatchObject({ status: 'disabled', reason: 'no_url' })
    expect(none.made).not.toHaveBeenCalled()
  })

  it('checks the administrator’s server, offers the update with its notes, downloads with progress, 重启并安装', async () => {
    const { u, fake } = make({ url: 'https://updates.example.com/crm/', checkOnStart: false })
    fake.next = { version: '0.2.0', releaseNotes: '<h2>0.2.0</h2><ul><li>订单&amp;全局搜索</li><li>更新</li></ul>' }
    const s = await u.check()
    expect(fake.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example.com/crm/' })
    expect(fake.autoDownload).toBe(false) // only when the user asks
    expect(fake.autoInstallOnAppQuit).toBe(false)
    expect(s).toMatchObject({ status: 'available', version: '0.2.0', currentVersion: '0.1.0', releaseNotes: '0.2.0\n• 订单&全局搜索\n• 更新', releaseDate: '2026-12-01T00:00:00.000Z' })
    // nothing to install before it is downloaded
    expect(u.install().status).toBe('available')
    expect(fake.quitAndInstall).not.toHaveBeenCalled()
    const seen: number[] = []
    fake.on('download-progress', () => seen.push(u.state.percent ?? -1))
    expect(u.download().status).toBe('downloading')
    await u.done
    expect(seen).toEqual([12.3, 56.7, 100])
    expect(u.state).toMatchObject({ status: 'downloaded', version: '0.2.0', percent: 100 })
    expect(u.install().status).toBe('downloaded')
    expect(fake.quitAndInstall).toHaveBeenCalledWith(false, true) // not silent; the app starts again
  })

  it('says when the app is up to date, and reports a failure without secrets', async () => {
    const { u, fake } = make({ url: 'https://updates.example.com/crm/', checkOnStart: true })
    expect(await u.check()).toMatchObject({ status: 'none', version: null })
    fake.failCheck = new Error('connect ECONNREFUSED https://admin:s3cret@updates.example.com/crm/latest.yml\n    at stack')
    const s = await u.check()
    expect(s.status).toBe('error')
    expect(s.error).toContain('ECONNREFUSED')
    expect(s.error).not.toContain('s3cret')
    expect(s.error).not.toContain('at stack')
  })

  it('checks on start only when the administrator asks for it, and offers what it found', async () => {
    const off = make({ url: 'https://updates.example.com/crm/', checkOnStart: false })
    off.fake.next = { version: '0.2.0' }
    await off.u.checkOnStart()
    expect(off.made).not.toHaveBeenCalled()
    const on = make({ url: 'https://updates.example.com/crm/', checkOnStart: true })
    on.fake.next = { version: '0.2.0' }
    await on.u.checkOnStart()
    expect(on.onAvailable).toHaveBeenCalledWith(expect.objectContaining({ status: 'available', version: '0.2.0' }))
    const none = make({ url: 'https://updates.example.com/crm/', checkOnStart: true })
    await none.u.checkOnStart()
    expect(none.onAvailable).not.toHaveBeenCalled()
  })

  it('turns release notes per version into plain text', () => {
    expect(releaseNotesText([{ version: '0.2.0', note: '<p>一</p>' }, { version: '0.1.1', note: null }])).toBe('0.2.0\n一\n\n0.1.1')
    expect(releaseNotesText(null)).toBeNull()
    expect(releaseNotesText('<script>alert(1)</script>')).toBe('alert(1)') // shown as text, never as HTML
  })
})

describe('updates with the real electron-updater (no Electron) against a local update server', () => {
  let server: http.Server
  let base = ''
  let dir = ''
  const installer = randomBytes(3 * 1024 * 1024 + 17)
  const sha512 = createHash('sha512').update(installer).digest('base64')
  let latest = ''
  const requested: string[] = []

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-updates-'))
    server = http.createServer((req, res) => {
      requested.push(String(req.url))
      if (req.url?.startsWith('/crm/latest.yml')) {
        res.writeHead(200, { 'content-type': 'text/yaml' })
        res.end(latest)
      } else if (req.url === '/crm/crm-0.2.0-win-x64.exe') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(installer.length) })
        // in pieces, so the download takes a moment
        let i = 0
        const step = () => {
          if (i >= installer.length) return res.end()
          res.write(installer.subarray(i, (i += 256 * 1024)))
          setTimeout(step, 5)
        }
        step()
      } else {
        res.writeHead(404)
        res.end()
      }
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/crm/`
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  /**
   * Node's http in place of Electron's net: builder-util's executor plus the download() that
   * electron-updater's own ElectronHttpExecutor adds (the same calls into the shared doDownload).
   */
  class PlainHttpExecutor extends NodeHttpExecutor {
    download(url: URL, destination: string, options: any): Promise<string> {
      return options.cancellationToken.createPromise((resolve: (v: string) => void, reject: (e: Error) => void, onCancel: unknown) => {
        const requestOptions: any = { headers: options.headers || undefined, redirect: 'manual' }
        configureRequestUrl(url, requestOptions)
        configureRequestOptions(requestOptions)
        ;(this as any).doDownload(requestOptions, { destination, options, onCancel, callback: (e: Error | null) => (e ? reject(e) : resolve(destination)), responseHandler: null }, 0)
      })
    }
  }

  /** electron-updater's Windows updater with a plain-Node app adapter and HTTP executor (what Electron would give it). */
  function realUpdater(sub: string): UpdaterLike {
    const home = path.join(dir, sub)
    fs.mkdirSync(home, { recursive: true })
    fs.writeFileSync(path.join(home, 'app-update.yml'), `provider: generic\nurl: ${base}\nupdaterCacheDirName: crm-updater-test\n`)
    const adapter = {
      version: '0.1.0', name: 'crm-test', isPackaged: true, appUpdateConfigPath: path.join(home, 'app-update.yml'), userDataPath: home, baseCachePath: home,
      whenReady: async () => {}, relaunch: () => {}, quit: () => {}, onQuit: () => {},
    }
    const u = new NsisUpdater(null, adapter)
    const internals = u as unknown as { httpExecutor: unknown; _testOnlyOptions: unknown }
    internals.httpExecutor = new PlainHttpExecutor()
    internals._testOnlyOptions = { platform: 'win32', isUseDifferentialDownload: false } // asks for latest.yml as on Windows
    u.logger = null
    return u as unknown as UpdaterLike
  }

  const yml = (hash: string) =>
    [
      'version: 0.2.0',
      'files:',
      '  - url: crm-0.2.0-win-x64.exe',
      `    sha512: ${hash}`,
      `    size: ${installer.length}`,
      'path: crm-0.2.0-win-x64.exe',
      `sha512: ${hash}`,
      "releaseDate: '2026-12-01T08:00:00.000Z'",
      "releaseNotes: '<p>新增：全局搜索找订单</p><p>修复：锁屏后的提醒</p>'",
      '',
    ].join('\n')

  it('finds 0.2.0 in latest.yml with its notes, downloads it with progress and checks its sha512', async () => {
    latest = yml(sha512)
    const u = new AppUpdates({ currentVersion: '0.1.0', dev: false, updater: () => realUpdater('ok'), readSettings: async () => ({ url: base, checkOnStart: true }) })
    const s = await u.check()
    expect(requested.some((r) => r.startsWith('/crm/latest.yml'))).toBe(true)
    expect(s).toMatchObject({ status: 'available', version: '0.2.0', releaseNotes: '新增：全局搜索找订单\n修复：锁屏后的提醒', releaseDate: '2026-12-01T08:00:00.000Z' })
    u.download()
    const percents: number[] = []
    const watch = setInterval(() => u.state.status === 'downloading' && percents.push(u.state.percent ?? 0), 2)
    await u.done
    clearInterval(watch)
    expect(u.state).toMatchObject({ status: 'downloaded', version: '0.2.0', percent: 100 })
    expect(u.state.total).toBe(installer.length)
    expect(requested).toContain('/crm/crm-0.2.0-win-x64.exe')
    const saved = fs.readdirSync(path.join(dir, 'ok', 'crm-updater-test', 'pending')).filter((f) => f.endsWith('.exe'))
    expect(saved).toHaveLength(1)
    expect(createHash('sha512').update(fs.readFileSync(path.join(dir, 'ok', 'crm-updater-test', 'pending', saved[0]))).digest('base64')).toBe(sha512)
  }, 30_000)

  it('refuses a download whose sha512 does not match latest.yml', async () => {
    latest = yml(createHash('sha512').update('something else').digest('base64'))
    const u = new AppUpdates({ currentVersion: '0.1.0', dev: false, updater: () => realUpdater('bad'), readSettings: async () => ({ url: base, checkOnStart: true }) })
    expect((await u.check()).status).toBe('available')
    u.download()
    await u.done
    expect(u.state.status).toBe('error')
    expect(u.state.error).toMatch(/sha512/i)
    expect(u.install().status).toBe('error') // nothing to install
  }, 30_000)

  it('says the app is up to date when latest.yml names the running version', async () => {
    latest = yml(sha512).replace('version: 0.2.0', 'version: 0.1.0')
    const u = new AppUpdates({ currentVersion: '0.1.0', dev: false, updater: () => realUpdater('same'), readSettings: async () => ({ url: base, checkOnStart: true }) })
    expect(await u.check()).toMatchObject({ status: 'none' })
  })
})
