// The desktop program around the window, with Electron replaced by fakes (it cannot run on
// these machines): crm:// links, the remembered window size and position, the native menus
// in both languages, the tray with the due count and its quick actions, 锁屏 from the tray and
// on sleep (a real SessionStore and lock policy on a real SQLite database), and the desktop
// effects of the system calls (start at login, pickers, 复制诊断信息 on the clipboard, the
// update calls answered by the app's updater), the crash/error log file, and a clicked reminder
// notification bringing the window forward.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

const fake = vi.hoisted(() => {
  type Handler = (...args: any[]) => any
  class FakeTray {
    static created: FakeTray[] = []
    tooltip = ''
    title = ''
    menu: any = null
    handlers = new Map<string, Handler>()
    constructor(public icon: unknown) {
      FakeTray.created.push(this)
    }
    setToolTip(t: string) {
      this.tooltip = t
    }
    setTitle(t: string) {
      this.title = t
    }
    setContextMenu(m: any) {
      this.menu = m
    }
    on(event: string, h: Handler) {
      this.handlers.set(event, h)
    }
  }
  return {
    FakeTray,
    ipcOn: new Map<string, Handler>(),
    power: new Map<string, Handler[]>(),
    appMenu: null as any,
    badge: vi.fn(),
    loginItem: { openAtLogin: false },
    setLoginItemSettings: vi.fn(),
    clipboardWrite: vi.fn(),
    showOpenDialog: vi.fn(async (..._a: any[]) => ({ canceled: false, filePaths: ['/picked/folder'] })),
  }
})

vi.mock('electron', () => {
  const electron = {
    app: {
      isPackaged: false,
      setBadgeCount: fake.badge,
      getLoginItemSettings: () => ({ ...fake.loginItem }),
      setLoginItemSettings: (s: { openAtLogin: boolean }) => {
        fake.setLoginItemSettings(s)
        fake.loginItem.openAtLogin = s.openAtLogin
      },
    },
    ipcMain: { on: (channel: string, h: any) => fake.ipcOn.set(channel, h), handle: vi.fn() },
    Menu: {
      buildFromTemplate: (template: any[]) => ({ template }),
      setApplicationMenu: (m: any) => (fake.appMenu = m),
    },
    nativeImage: { createFromPath: () => ({ isEmpty: () => false, resize() { return this } }) },
    powerMonitor: { on: (event: string, h: any) => fake.power.set(event, [...(fake.power.get(event) ?? []), h]) },
    Tray: fake.FakeTray,
    BrowserWindow: { fromWebContents: () => null },
    clipboard: { writeText: fake.clipboardWrite },
    dialog: { showOpenDialog: fake.showOpenDialog },
    shell: { openExternal: vi.fn(), openPath: vi.fn(), showItemInFolder: vi.fn() },
  }
  return { ...electron, default: electron }
})

import { deepLinkInArgv, deepLinkPath } from '../../src-main/window/deep-link'
import { DEFAULT_WINDOW, fitWindowState, readWindowState, writeWindowState } from '../../src-main/window/window-state'
import { appMenuTemplate, DesktopShell, SHELL_COMMAND_CHANNEL, SHELL_DUE_CHANNEL, SHELL_FOCUS_CHANNEL, SHELL_LANGUAGE_CHANNEL, trayMenuTemplate, type ShellActions } from '../../src-main/window/desktop-shell'
import { startCrashLog } from '../../src-main/window/crash-log'
import { AppUpdates } from '../../src-main/window/app-updates'
import { logError } from '../../src-main/shared/log'
import { logFileOf } from '../../src-main/shared/log-file'
import { EventEmitter } from 'node:events'
import { shellTexts } from '../../src-main/window/shell-texts'
import { applyDesktopEffects, setAppUpdates } from '../../src-main/window/desktop-effects'
import { makeTestApp, type TestApp } from '../helpers/test-app'

const ID = '0b6f3c2e-8f1d-4c59-9a77-2d1e5b8c4a10'

describe('crm:// links (electron mocked)', () => {
  it('open the app pages they name, with well-formed ids only', () => {
    expect(deepLinkPath(`crm://customer/${ID}`)).toBe(`/customers/${ID}`)
    expect(deepLinkPath(`crm://customers/${ID.toUpperCase()}`)).toBe(`/customers/${ID}`)
    expect(deepLinkPath(`CRM://customer/${ID}/`)).toBe(`/customers/${ID}`)
    expect(deepLinkPath(`crm://opportunity/${ID}`)).toBe(`/opportunities/${ID}`)
    expect(deepLinkPath('crm://reminders')).toBe('/reminders')
    expect(deepLinkPath('crm://customers')).toBe('/customers')
    for (const bad of [
      'crm://customer/42', `crm://customer/${ID}/edit`, 'crm://customer/..%2F..%2Fadmin', 'crm://admin/users', 'crm://', 'http://customer/' + ID,
      `crm://user:pw@customer/${ID}`, 'crm://reminders/' + ID, 'not a link', `crm://customer/${ID}%00`, 'crm://customer/%E0%A4%A',
    ]) expect(deepLinkPath(bad), bad).toBeNull()
  })

  it('are found among a second start’s arguments', () => {
    expect(deepLinkInArgv(['/opt/crm/crm', '--flag', `crm://customer/${ID}`])).toBe(`crm://customer/${ID}`)
    expect(deepLinkInArgv(['/opt/crm/crm'])).toBeNull()
  })
})

describe('window size and position (electron mocked)', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1040 }, { x: 1920, y: 0, width: 2560, height: 1400 }]

  it('keeps a position still on a screen and drops one that is not', () => {
    expect(fitWindowState({ x: 2000, y: 100, width: 1600, height: 1000, maximized: true }, screens)).toEqual({ x: 2000, y: 100, width: 1600, height: 1000, maximized: true })
    // the second monitor was unplugged: centred, the size kept
    expect(fitWindowState({ x: 2000, y: 100, width: 1600, height: 1000, maximized: false }, [screens[0]])).toEqual({ width: 1600, height: 1000, maximized: false })
    // the title bar above the screen cannot be grabbed
    expect(fitWindowState({ x: 100, y: -300, width: 1200, height: 800 }, screens)).toEqual({ width: 1200, height: 800, maximized: false })
    // never larger than the largest screen, never smaller than the minimum
    expect(fitWindowState({ width: 9000, height: 9000 }, screens)).toMatchObject({ width: 2560, height: 1400 })
    expect(fitWindowState({ width: 10, height: 10 }, screens)).toMatchObject({ width: 1024, height: 640 })
    for (const junk of [null, 'x', { width: 'wide' }, []]) expect(fitWindowState(junk, screens)).toEqual(DEFAULT_WINDOW)
  })

  it('is written when the window closes and read at the next start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-window-'))
    try {
      expect(readWindowState(dir, screens)).toEqual(DEFAULT_WINDOW)
      writeWindowState(dir, { x: 40, y: 30, width: 1300, height: 850 }, false)
      expect(readWindowState(dir, screens)).toEqual({ x: 40, y: 30, width: 1300, height: 850, maximized: false })
      fs.writeFileSync(path.join(dir, 'window-state.json'), '{not json')
      expect(readWindowState(dir, screens)).toEqual(DEFAULT_WINDOW)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

type Item = { label?: string; role?: string; accelerator?: string; type?: string; enabled?: boolean; click?: () => void; submenu?: Item[] }
const flat = (items: Item[]): Item[] => items.flatMap((i) => [i, ...(i.submenu ? flat(i.submenu) : [])])
const byLabel = (items: Item[], label: string) => {
  const found = flat(items).find((i) => i.label === label)
  if (!found) throw new Error(`no menu item ${label}: ${flat(items).map((i) => i.label).join(', ')}`)
  return found
}

describe('native menus (electron mocked)', () => {
  const actions = () => ({ open: vi.fn(), command: vi.fn(), lock: vi.fn(), quit: vi.fn() }) satisfies ShellActions

  it('are in Chinese or English with the usual shortcuts', () => {
    const a = actions()
    const zh = appMenuTemplate(shellTexts('zh-CN'), 'win32', a, false) as Item[]
    expect(zh.map((m) => m.label)).toEqual(['文件', '编辑', '视图', '窗口', '帮助'])
    expect(byLabel(zh, '全局搜索…').accelerator).toBe('CmdOrCtrl+K')
    expect(byLabel(zh, '锁屏').accelerator).toBe('CmdOrCtrl+L')
    expect(byLabel(zh, '复制').role).toBe('copy')
    expect(byLabel(zh, '退出').accelerator).toBe('Ctrl+Q')
    expect(flat(zh).some((i) => i.role === 'toggleDevTools')).toBe(false) // none in an installed app
    byLabel(zh, '锁屏').click!()
    byLabel(zh, '全局搜索…').click!()
    byLabel(zh, '关于客户关系管理').click!()
    expect(a.lock).toHaveBeenCalledTimes(1)
    expect(a.command.mock.calls).toEqual([['search'], ['about']])
    // 帮助 → 检查更新… opens the update dialog (on macOS in the app menu)
    expect(zh.at(-1)!.submenu!.map((i) => i.label).filter(Boolean)).toEqual(['检查更新…', '关于客户关系管理'])
    byLabel(zh, '检查更新…').click!()
    expect(a.command).toHaveBeenLastCalledWith('update')
    expect(byLabel(appMenuTemplate(shellTexts('en-US'), 'darwin', a, false) as Item[], 'Check for Updates…')).toBeTruthy()

    const en = appMenuTemplate(shellTexts('en-US'), 'darwin', a, true) as Item[]
    expect(en.map((m) => m.label)).toEqual(['CRM', 'File', 'Edit', 'View', 'Window', 'Help'])
    expect(byLabel(en, 'Quit').accelerator).toBe('Cmd+Q')
    expect(byLabel(en, 'Lock').accelerator).toBe('CmdOrCtrl+L')
    expect(flat(en).some((i) => i.role === 'toggleDevTools')).toBe(true) // from the source tree
  })

  it('the tray menu shows the due count and opens the reminder centre', () => {
    const a = actions()
    const none = trayMenuTemplate(shellTexts('zh-CN'), 0, a) as Item[]
    expect(none[0]).toMatchObject({ label: '没有到期的提醒', enabled: false })
    const some = trayMenuTemplate(shellTexts('en-US'), 3, a) as Item[]
    expect(some[0]).toMatchObject({ label: '3 reminders due', enabled: true })
    some[0].click!()
    expect(a.command).toHaveBeenLastCalledWith('navigate', '/reminders')
    expect(some.map((i) => i.label).filter(Boolean)).toEqual(['3 reminders due', 'Open CRM', 'Search…', 'Customers', 'Reminders', 'Lock', 'Quit'])
  })
})

describe('desktop shell: tray, lock, links, sleep (electron mocked)', () => {
  let t: TestApp
  let admin: { key: string; userId: string }
  const own = 'file:///opt/crm/resources/app.asar/out/renderer/index.html'
  const from = (url: string) => ({ senderFrame: { url } })

  function fakeWindow(id: number) {
    return { isDestroyed: () => false, webContents: { id, isLoading: vi.fn(() => false), send: vi.fn(), once: vi.fn() } }
  }
  let win: ReturnType<typeof fakeWindow>
  let shell: DesktopShell
  let shown: number
  const quit = vi.fn()

  beforeAll(async () => {
    t = await makeTestApp('sqlite')
    admin = await t.userSession('shell_admin', 'admin')
    win = fakeWindow(7)
    shown = 0
    shell = new DesktopShell({
      deps: { app: t.app, sessions: t.sessions },
      currentWindow: () => win as never,
      showWindow: () => {
        shown++
        return win as never
      },
      isTrustedUrl: (url) => url.startsWith(own),
      iconPath: '/opt/crm/resources/icon.png',
      quit,
      dev: false,
      platform: 'darwin',
    })
    shell.start()
  })
  afterAll(async () => {
    await t.close()
  })
  beforeEach(() => {
    win.webContents.send.mockClear()
  })

  const tray = () => fake.FakeTray.created.at(-1)!
  const trayItems = () => tray().menu.template as Item[]

  it('puts a tray icon up and follows the due count our page reports', () => {
    expect(fake.FakeTray.created).toHaveLength(1)
    expect(tray().tooltip).toBe('客户关系管理')
    fake.ipcOn.get(SHELL_DUE_CHANNEL)!(from(`${own}#/customers`), 4)
    expect(tray().tooltip).toBe('客户关系管理 — 4 条到期提醒')
    expect(tray().title).toBe('4') // next to the icon in the macOS menu bar
    expect(trayItems()[0].label).toBe('4 条到期提醒')
    expect(fake.badge).toHaveBeenLastCalledWith(4)
    // another page, or nonsense, changes nothing
    fake.ipcOn.get(SHELL_DUE_CHANNEL)!(from('https://evil.example.com/'), 99)
    fake.ipcOn.get(SHELL_DUE_CHANNEL)!(from(own), -1)
    fake.ipcOn.get(SHELL_DUE_CHANNEL)!(from(own), 'lots')
    expect(tray().tooltip).toBe('客户关系管理 — 4 条到期提醒')
  })

  it('switches menus and tray to the language the page uses', () => {
    fake.ipcOn.get(SHELL_LANGUAGE_CHANNEL)!(from(own), 'en-US')
    expect((fake.appMenu.template as Item[]).map((m) => m.label)).toEqual(['CRM', 'File', 'Edit', 'View', 'Window', 'Help'])
    expect(tray().tooltip).toBe('CRM — 4 reminders due')
    fake.ipcOn.get(SHELL_LANGUAGE_CHANNEL)!(from('https://evil.example.com/'), 'zh-CN')
    expect(tray().tooltip).toBe('CRM — 4 reminders due')
    fake.ipcOn.get(SHELL_LANGUAGE_CHANNEL)!(from(own), 'zh-CN')
    expect(tray().tooltip).toBe('客户关系管理 — 4 条到期提醒')
  })

  it('锁屏 from the tray locks the window’s session in main, then shows the lock screen', async () => {
    const key = 'wc-7' // sessionKeyOf(webContents 7)
    t.sessions.set(key, admin.userId)
    expect((await t.raw(key, 'customers', 'list', {})).ok).toBe(true)
    byLabel(trayItems(), '锁屏').click!()
    expect(t.sessions.peek(key)?.locked).toBe(true)
    expect(win.webContents.send).toHaveBeenCalledWith(SHELL_COMMAND_CHANNEL, 'lock', undefined)
    // main refuses the session's calls until the password is given again
    expect(await t.raw(key, 'customers', 'list', {})).toMatchObject({ ok: false, error: { code: 'session_locked' } })
    t.sessions.unlock(key)
  })

  it('quick actions: search, a page, quit', () => {
    byLabel(trayItems(), '全局搜索…').click!()
    byLabel(trayItems(), '提醒中心').click!()
    expect(win.webContents.send.mock.calls).toEqual([[SHELL_COMMAND_CHANNEL, 'search', undefined], [SHELL_COMMAND_CHANNEL, 'navigate', '/reminders']])
    byLabel(trayItems(), '退出').click!()
    expect(quit).toHaveBeenCalledTimes(1)
  })

  it('a crm:// link shows the window and opens the customer; another link does nothing', () => {
    const before = shown
    expect(shell.openLink(`crm://customer/${ID}`)).toBe(true)
    expect(shown).toBe(before + 1)
    expect(win.webContents.send).toHaveBeenCalledExactlyOnceWith(SHELL_COMMAND_CHANNEL, 'navigate', `/customers/${ID}`)
    expect(shell.openLink('crm://admin/users')).toBe(false)
    expect(shell.openLink('javascript:alert(1)')).toBe(false)
    expect(win.webContents.send).toHaveBeenCalledTimes(1)
  })

  it('a clicked reminder notification brings the window forward (our page only)', () => {
    const before = shown
    fake.ipcOn.get(SHELL_FOCUS_CHANNEL)!(from('https://evil.example.com/'))
    expect(shown).toBe(before)
    fake.ipcOn.get(SHELL_FOCUS_CHANNEL)!(from(`${own}#/reminders`))
    expect(shown).toBe(before + 1) // showWindow restores, shows and focuses it
  })

  it('a command sent while the page still loads waits for it', () => {
    win.webContents.isLoading.mockReturnValueOnce(true)
    shell.openLink('crm://reminders')
    expect(win.webContents.send).not.toHaveBeenCalled()
    const [event, go] = win.webContents.once.mock.calls.at(-1)!
    expect(event).toBe('did-finish-load')
    ;(go as () => void)()
    expect(win.webContents.send).toHaveBeenCalledWith(SHELL_COMMAND_CHANNEL, 'navigate', '/reminders')
  })

  it('locks every session when the computer sleeps, only if the lock policy asks for it', async () => {
    const other = await t.userSession('shell_rep', 'manager')
    await t.call(admin.key, 'system', 'saveLockPolicy', { idleMinutes: 10, maxIdleMinutes: null, lockOnSleep: false })
    for (const h of fake.power.get('suspend')!) await h()
    expect(t.sessions.peek(other.key)?.locked).toBe(false)
    expect(win.webContents.send).not.toHaveBeenCalled()

    await t.call(admin.key, 'system', 'saveLockPolicy', { idleMinutes: 10, maxIdleMinutes: null, lockOnSleep: true })
    for (const h of fake.power.get('lock-screen')!) await h()
    expect(t.sessions.peek(other.key)?.locked).toBe(true)
    expect(t.sessions.peek(admin.key)?.locked).toBe(true)
    expect(win.webContents.send).toHaveBeenCalledWith(SHELL_COMMAND_CHANNEL, 'lock', undefined)
  })
})

describe('desktop effects of the system calls (electron mocked)', () => {
  it('start at login, pickers and the diagnostics on the clipboard, only after the service allowed the call', async () => {
    const ok = <T>(data: T) => ({ ok: true as const, data })
    expect(await applyDesktopEffects('system', 'desktopPrefs', ok({ supported: false, openAtLogin: false }), {})).toEqual(ok({ supported: true, openAtLogin: false }))
    expect(await applyDesktopEffects('system', 'saveDesktopPrefs', ok({ supported: false, openAtLogin: false }), { openAtLogin: true })).toEqual(ok({ supported: true, openAtLogin: true }))
    expect(fake.setLoginItemSettings).toHaveBeenCalledExactlyOnceWith({ openAtLogin: true })

    expect(await applyDesktopEffects('system', 'chooseFolder', ok({ supported: false, path: null }), { purpose: 'backup', current: '/srv/backups' })).toEqual(ok({ supported: true, path: '/picked/folder' }))
    expect(fake.showOpenDialog.mock.calls[0][0]).toMatchObject({ properties: ['openDirectory', 'createDirectory'], defaultPath: '/srv/backups' })
    // 定时报告's folder: the same native folder dialog, from the folder typed so far
    expect(await applyDesktopEffects('reports', 'savedChooseFolder', ok({ supported: false, path: null }), { current: '/srv/reports' })).toEqual(ok({ supported: true, path: '/picked/folder' }))
    expect(fake.showOpenDialog.mock.calls.at(-1)![0]).toMatchObject({ properties: ['openDirectory', 'createDirectory'], defaultPath: '/srv/reports' })
    fake.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    expect(await applyDesktopEffects('reports', 'savedChooseFolder', ok({ supported: false, path: null }), { current: null })).toEqual(ok({ supported: true, path: null }))
    fake.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    expect(await applyDesktopEffects('system', 'chooseFile', ok({ supported: false, path: null }), { purpose: 'restore' })).toEqual(ok({ supported: true, path: null }))

    const text = 'CRM 0.1.0\ndatabase: sqlite'
    expect(await applyDesktopEffects('system', 'diagnostics', ok({ text, copied: false }), {})).toEqual(ok({ text, copied: true }))
    expect(fake.clipboardWrite).toHaveBeenCalledExactlyOnceWith(text)

    // a refused call (no permission, no session) does nothing on the desktop
    fake.showOpenDialog.mockClear()
    const refused = { ok: false as const, error: { code: 'forbidden' as const, message: 'no' } }
    for (const call of ['chooseFolder', 'chooseFile', 'saveDesktopPrefs', 'diagnostics']) {
      expect(await applyDesktopEffects('system', call, refused, { openAtLogin: false })).toBe(refused)
    }
    expect(await applyDesktopEffects('reports', 'savedChooseFolder', refused, { current: null })).toBe(refused)
    expect(fake.showOpenDialog).not.toHaveBeenCalled()
    expect(fake.setLoginItemSettings).toHaveBeenCalledTimes(1)
    expect(fake.clipboardWrite).toHaveBeenCalledTimes(1)
  })
})

describe('updates answered by the app’s updater (electron and electron-updater mocked)', () => {
  it('status, 检查更新, 下载更新 and 重启并安装 come from the updater, only after the service allowed the call', async () => {
    const ok = <T>(data: T) => ({ ok: true as const, data })
    const browserAnswer = ok({ status: 'disabled', reason: 'browser' })
    // no updater (not set up yet): the service's answer stands
    setAppUpdates(null)
    expect(await applyDesktopEffects('system', 'updateStatus', browserAnswer, {})).toEqual(browserAnswer)
    const updater = Object.assign(new EventEmitter(), {
      autoDownload: true, autoInstallOnAppQuit: true, setFeedURL: vi.fn(), quitAndInstall: vi.fn(),
      checkForUpdates: vi.fn(async () => void updater.emit('update-available', { version: '0.3.0', releaseNotes: '修复' })),
      downloadUpdate: vi.fn(async () => void updater.emit('update-downloaded', { version: '0.3.0' })),
    })
    const u = new AppUpdates({ currentVersion: '0.1.0', dev: false, updater: () => updater, readSettings: async () => ({ url: 'https://updates.example.com/crm/', checkOnStart: true }) })
    setAppUpdates(u)
    expect((await applyDesktopEffects('system', 'updateStatus', browserAnswer, {})) as unknown).toEqual(ok(expect.objectContaining({ status: 'idle' })))
    expect(await applyDesktopEffects('system', 'checkForUpdates', browserAnswer, {})).toEqual(ok(expect.objectContaining({ status: 'available', version: '0.3.0', releaseNotes: '修复' })))
    await applyDesktopEffects('system', 'downloadUpdate', browserAnswer, {})
    await u.done
    expect(await applyDesktopEffects('system', 'updateStatus', browserAnswer, {})).toEqual(ok(expect.objectContaining({ status: 'downloaded' })))
    // a refused call (no session) never reaches the updater
    const refused = { ok: false as const, error: { code: 'unauthenticated' as const, message: 'no' } }
    expect(await applyDesktopEffects('system', 'installUpdate', refused, {})).toBe(refused)
    expect(updater.quitAndInstall).not.toHaveBeenCalled()
    await applyDesktopEffects('system', 'installUpdate', browserAnswer, {})
    expect(updater.quitAndInstall).toHaveBeenCalledWith(false, true)
    setAppUpdates(null)
  })
})

describe('crash/error log in the data folder (electron mocked)', () => {
  it('writes errors, uncaught exceptions, rejections and crashed processes to logs/crm.log, without passwords', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-crashlog-'))
    const app = new EventEmitter()
    const proc = new EventEmitter()
    const stop = startCrashLog({ dataDir: dir, app, proc, version: '0.1.0' })
    try {
      logError('cannot open postgres://crm:hunter2@db.example.com/crm', new Error('password authentication failed'))
      proc.emit('uncaughtExceptionMonitor', new Error('boom in main'))
      proc.emit('unhandledRejection', new Error('nobody caught this'))
      app.emit('render-process-gone', {}, {}, { reason: 'crashed', exitCode: 11 })
      app.emit('child-process-gone', {}, { type: 'GPU', reason: 'oom', exitCode: 3 })
    } finally {
      stop()
    }
    logError('after stop', new Error('not in the file'))
    proc.emit('unhandledRejection', new Error('not listened to any more'))
    const log = fs.readFileSync(logFileOf(dir), 'utf8')
    expect(log).toMatch(/INFO desktop app 0\.1\.0 starting/)
    expect(log).toContain('ERROR cannot open postgres://crm:***@db.example.com/crm: password authentication failed')
    expect(log).toContain('uncaught exception in the main process: boom in main')
    expect(log).toContain('unhandled promise rejection in the main process: nobody caught this')
    expect(log).toContain('window process gone: crashed (exit code 11)')
    expect(log).toContain('GPU process gone: oom (exit code 3)')
    expect(log).not.toContain('hunter2')
    expect(log).not.toContain('not in the file')
    expect(proc.listenerCount('unhandledRejection')).toBe(0)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
