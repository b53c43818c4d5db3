// The desktop program around the window: the tray icon with the due-reminder count and quick
// actions, the native menus in the UI language with the usual shortcuts (Ctrl/⌘+K search,
// Ctrl/⌘+L lock), crm:// links, and locking when the computer sleeps or its screen is locked
// (when the lock policy asks for it). What the renderer should do is sent to it as a command
// ('search', 'about', 'update', 'lock', 'navigate' + path, 'importFile' + a file's name) on one
// channel its preload listens to; the page fetches an opened file (open-file.ts) on another;
// the renderer tells main its UI language and the due count on two others, and asks for the
// window to come forward on a third (a clicked reminder notification). Only our own page may
// send those (its frame URL is checked like every IPC call's).
import path from 'node:path'
import { app, ipcMain, Menu, nativeImage, powerMonitor, Tray, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron'
import type { DispatchDeps } from '../ipc/dispatch'
import { readLockPolicy } from '../modules/system/system.service'
import { logError } from '../shared/log'
import { deepLinkPath } from './deep-link'
import { readOpenedFile, type OpenedFile } from './open-file'
import { sessionKeyOf } from './ipc-main'
import { shellLocale, shellTexts, type ShellLocale, type ShellTexts } from './shell-texts'

export type ShellCommand = 'search' | 'about' | 'update' | 'lock' | 'navigate' | 'importFile'
export const SHELL_COMMAND_CHANNEL = 'crm-shell:command'
export const SHELL_LANGUAGE_CHANNEL = 'crm-shell:language'
export const SHELL_DUE_CHANNEL = 'crm-shell:due'
export const SHELL_FOCUS_CHANNEL = 'crm-shell:focus'
/** the page asks for the file last opened with the app (answered once: OpenedFile, or null) */
export const SHELL_OPENED_FILE_CHANNEL = 'crm-shell:opened-file'

export interface ShellActions {
  open(): void
  command(command: ShellCommand, arg?: string): void
  lock(): void
  quit(): void
}

const sep: MenuItemConstructorOptions = { type: 'separator' }

/** The application menu: 文件/编辑/视图/窗口/帮助 (and the app menu on macOS). */
export function appMenuTemplate(t: ShellTexts, platform: NodeJS.Platform, a: ShellActions, dev: boolean): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin'
  const about: MenuItemConstructorOptions = { label: t.about, click: () => a.command('about') }
  const updates: MenuItemConstructorOptions = { label: t.checkUpdates, click: () => a.command('update') }
  const quit: MenuItemConstructorOptions = { label: t.quit, accelerator: mac ? 'Cmd+Q' : 'Ctrl+Q', click: () => a.quit() }
  return [
    ...(mac
      ? [{ label: t.app, submenu: [about, updates, sep, { role: 'hide', label: t.hide }, { role: 'hideOthers', label: t.hideOthers }, { role: 'unhide', label: t.unhide }, sep, quit] } as MenuItemConstructorOptions]
      : []),
    {
      label: t.file,
      submenu: [
        { label: t.search, accelerator: 'CmdOrCtrl+K', click: () => a.command('search') },
        { label: t.lock, accelerator: 'CmdOrCtrl+L', click: () => a.lock() },
        sep,
        mac ? { role: 'close', label: t.close } : quit,
      ],
    },
    {
      label: t.edit,
      submenu: [
        { role: 'undo', label: t.undo },
        { role: 'redo', label: t.redo },
        sep,
        { role: 'cut', label: t.cut },
        { role: 'copy', label: t.copy },
        { role: 'paste', label: t.paste },
        { role: 'selectAll', label: t.selectAll },
      ],
    },
    {
      label: t.view,
      submenu: [
        ...(dev ? ([{ role: 'reload', label: t.reload }, { role: 'toggleDevTools' }, sep] as MenuItemConstructorOptions[]) : []),
        { role: 'resetZoom', label: t.resetZoom },
        { role: 'zoomIn', label: t.zoomIn },
        { role: 'zoomOut', label: t.zoomOut },
        sep,
        { role: 'togglefullscreen', label: t.fullScreen },
      ],
    },
    { label: t.window, submenu: [{ role: 'minimize', label: t.minimize }, ...(mac ? [{ role: 'zoom', label: t.zoom } as MenuItemConstructorOptions] : []), { role: 'close', label: t.close }] },
    { label: t.help, submenu: mac ? [{ label: t.reminders, click: () => a.command('navigate', '/reminders') }] : [updates, sep, about] },
  ]
}

/** The tray icon's menu: the due count (opens the reminder centre) and quick actions. */
export function trayMenuTemplate(t: ShellTexts, due: number, a: ShellActions): MenuItemConstructorOptions[] {
  return [
    { label: due > 0 ? t.due(due) : t.noneDue, enabled: due > 0, click: () => a.command('navigate', '/reminders') },
    sep,
    { label: t.open, click: () => a.open() },
    { label: t.search, click: () => a.command('search') },
    { label: t.customers, click: () => a.command('navigate', '/customers') },
    { label: t.reminders, click: () => a.command('navigate', '/reminders') },
    sep,
    { label: t.lock, click: () => a.lock() },
    sep,
    { label: t.quit, click: () => a.quit() },
  ]
}

export interface DesktopShellOptions {
  deps: DispatchDeps
  /** the window if there is one (not created for this) */
  currentWindow(): BrowserWindow | null
  /** the window shown and focused (created if needed) */
  showWindow(): BrowserWindow
  isTrustedUrl(url: string): boolean
  /** the tray icon (a PNG) */
  iconPath: string
  quit(): void
  /** run from the source tree: the View menu gets reload and DevTools */
  dev: boolean
  platform?: NodeJS.Platform
}

export class DesktopShell {
  locale: ShellLocale = 'zh-CN'
  due = 0
  tray: Tray | null = null
  /** the .xlsx/.csv file last opened with the app, until our page takes it */
  private openedFile: string | null = null
  private readonly platform: NodeJS.Platform
  readonly actions: ShellActions = {
    open: () => void this.o.showWindow(),
    command: (command, arg) => this.send(command, arg),
    lock: () => this.lock(),
    quit: () => this.o.quit(),
  }

  constructor(private readonly o: DesktopShellOptions) {
    this.platform = o.platform ?? process.platform
  }

  start() {
    ipcMain.on(SHELL_LANGUAGE_CHANNEL, (e: IpcMainEvent, locale: unknown) => {
      if (!this.trusted(e)) return
      this.locale = shellLocale(locale)
      this.refresh()
    })
    ipcMain.on(SHELL_DUE_CHANNEL, (e: IpcMainEvent, n: unknown) => {
      if (!this.trusted(e) || typeof n !== 'number' || !Number.isInteger(n) || n < 0) return
      this.due = Math.min(n, 99_999)
      this.refreshTray()
    })
    ipcMain.on(SHELL_FOCUS_CHANNEL, (e: IpcMainEvent) => {
      if (this.trusted(e)) this.actions.open() // restored, shown and in front (a notification was clicked)
    })
    ipcMain.handle(SHELL_OPENED_FILE_CHANNEL, (e: IpcMainInvokeEvent) => (this.trusted(e) ? this.takeOpenedFile() : null))
    powerMonitor.on('suspend', () => this.onSleep())
    powerMonitor.on('lock-screen', () => this.onSleep())
    try {
      const icon = nativeImage.createFromPath(this.o.iconPath)
      this.tray = new Tray(icon.isEmpty() ? icon : icon.resize({ width: 16, height: 16 }))
      this.tray.on('click', () => this.actions.open())
    } catch (e) {
      logError('no tray icon', e) // some Linux desktops have no tray: the menus still work
    }
    this.refresh()
  }

  private trusted(e: IpcMainEvent | IpcMainInvokeEvent) {
    const url = e.senderFrame?.url
    return !!url && this.o.isTrustedUrl(url)
  }

  /** Menus and tray in the current language. */
  refresh() {
    const t = shellTexts(this.locale)
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(t, this.platform, this.actions, this.o.dev)))
    this.refreshTray()
  }

  refreshTray() {
    const t = shellTexts(this.locale)
    if (this.tray) {
      this.tray.setToolTip(this.due > 0 ? `${t.app} — ${t.due(this.due)}` : t.app)
      this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(t, this.due, this.actions)))
      if (this.platform === 'darwin') this.tray.setTitle(this.due > 0 ? String(this.due) : '')
    }
    app.setBadgeCount(this.due) // the dock (macOS) and the Unity launcher; a no-op elsewhere
  }

  /** Sends a command to the renderer, showing the window first (`show`: false leaves it as it is). */
  send(command: ShellCommand, arg?: string, show = true) {
    const win = show ? this.o.showWindow() : this.o.currentWindow()
    if (!win || win.isDestroyed()) return
    const wc = win.webContents
    const go = () => wc.send(SHELL_COMMAND_CHANNEL, command, arg)
    if (wc.isLoading()) wc.once('did-finish-load', go)
    else go()
  }

  /** 锁屏 from the tray or the menu: main locks the window's session, then the renderer shows the lock screen. */
  lock() {
    const win = this.o.currentWindow()
    if (win && !win.isDestroyed()) this.o.deps.sessions.lock(sessionKeyOf(win.webContents))
    this.send('lock')
  }

  /** A crm:// link (second instance, macOS open-url, the first start): the window opens its page. */
  openLink(link: string): boolean {
    const p = deepLinkPath(link)
    if (!p) return false
    this.send('navigate', p)
    return true
  }

  /**
   * A .xlsx/.csv file opened with the app (macOS open-file, a start's or a second start's
   * arguments): the window comes forward and the page is told its name; the page then asks for
   * it (takeOpenedFile) and opens the import wizard with it once someone who may import is logged in.
   */
  openFile(file: string) {
    this.openedFile = file
    this.send('importFile', path.basename(file))
  }

  /** The opened file's name and content for our page (once: a second ask answers null). */
  takeOpenedFile(): OpenedFile | null {
    const file = this.openedFile
    this.openedFile = null
    return file ? readOpenedFile(file) : null
  }

  /** The computer sleeps or its screen was locked: every session locks when the policy says so. */
  async onSleep() {
    let lockOnSleep = false
    try {
      lockOnSleep = (await readLockPolicy(this.o.deps.app)).lockOnSleep
    } catch (e) {
      logError('cannot read the lock policy', e)
    }
    if (!lockOnSleep) return
    this.o.deps.sessions.lockAll()
    this.send('lock', undefined, false)
  }
}
