// Electron main: one instance, the data folder from Electron (userData), saved database
// passwords encrypted with the OS keychain (safeStorage), the database opened and
// migrated, the contract's IPC handlers, and the window. If the database cannot be
// reached the window opens anyway and every call reports db_unreachable until it can.
// Around the window (window/desktop-shell.ts): tray, menus, crm:// links (a second start hands
// its link to the first and quits), a .xlsx/.csv file opened with the app (window/open-file.ts:
// the import wizard opens with it), lock on sleep; the window's size and position remembered;
// the crash/error log in the data folder (window/crash-log.ts); updates from the administrator's
// update server (window/app-updates.ts, electron-updater; off when run from the source tree).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, safeStorage, screen, session } from 'electron'
import electronUpdater from 'electron-updater'
import { openApp } from './app/bootstrap'
import { startBackgroundJobs } from './app/background-jobs'
import { importsInWorker } from './app/imports-thread'
import { useImportRunner } from './modules/imports/imports.service'
import { clientModeFromArgs, openDesktopClient } from './app/desktop-client'
import { startReportScheduler } from './app/report-scheduler'
import { printHtmlToPdf } from './window/report-pdf'
import type { AppContext } from './modules/context'
import { resolveDbConfig } from './app/paths'
import { describeDb, sqliteConfigForDataDir, type DbConfig } from './db/config'
import { setSqliteNativeBinding } from './db/connection'
import { checkpointInWorker } from './db/wal-checkpoints'
import type { DispatchDeps } from './ipc/dispatch'
import { logError, logInfo } from './shared/log'
import { SessionStore } from './ipc/sessions'
import { FileSettingsStore, type SecretCodec } from './modules/settings/settings.service'
import { isOwnUrl, type RendererLocation } from './window/app-origin'
import { registerIpc } from './window/ipc-main'
import { createMainWindow, guardContents, rememberWindowState, secureSession } from './window/main-window'
import { deepLinkInArgv, PROTOCOL } from './window/deep-link'
import { DesktopShell } from './window/desktop-shell'
import { claimSingleInstance } from './window/single-instance'
import { importFileInArgv } from './window/open-file'
import { readWindowState } from './window/window-state'
import { retryUntilOpen, unreachableApp } from './window/unreachable-app'
import { startCrashLog } from './window/crash-log'
import { AppUpdates } from './window/app-updates'
import { setAppUpdates } from './window/desktop-effects'
import { readUpdateSettings } from './modules/system/system.service'

/** The first check for updates waits this long after the start (the start has the CPU first). */
const UPDATE_CHECK_DELAY_MS = 15_000

const here = path.dirname(fileURLToPath(import.meta.url))
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const renderer: RendererLocation = devServerUrl
  ? { kind: 'dev', url: devServerUrl }
  : { kind: 'file', indexFile: path.join(here, '..', 'renderer', 'index.html') }
const preload = path.join(here, '..', 'preload', 'index.cjs')

let mainWindow: BrowserWindow | null = null
let deps: DispatchDeps | null = null
let stopRetry: (() => void) | null = null
let shell: DesktopShell | null = null
/** a crm:// link that arrived before the window was ready (first start, macOS open-url) */
let pendingLink: string | null = deepLinkInArgv(process.argv)
/** a .xlsx/.csv file opened with the app before the window was ready (Windows/Linux: the start's arguments; macOS: open-file) */
let pendingFile: string | null = importFileInArgv(process.argv, process.cwd())
const dataDir = process.env.CRM_DATA_DIR ? path.resolve(process.env.CRM_DATA_DIR) : null
const iconPath = app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(here, '..', '..', 'build', 'icon.png')

/** The OS keychain through safeStorage; null where it would only obfuscate (Linux basic_text). */
function keychainCodec(): SecretCodec | null {
  if (!safeStorage.isEncryptionAvailable()) return null
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null
  return {
    encrypt: (s) => safeStorage.encryptString(s).toString('base64'),
    decrypt: (s) => safeStorage.decryptString(Buffer.from(s, 'base64')),
  }
}

async function openContext(config: DbConfig, dataDir: string, settingsStore: FileSettingsStore): Promise<AppContext> {
  const ctx = await openApp({ db: config, dataDir, browserMode: false })
  ctx.dbDescription = describeDb(config)
  ctx.settingsStore = settingsStore
  ctx.reportPdf = (html) => printHtmlToPdf(html) // 定时报告's PDF
  return ctx
}

/** From the source tree, better-sqlite3 for Electron's ABI is in out/native (build/electron-native.mjs). */
function useElectronSqliteBinding() {
  if (app.isPackaged) return // installers carry a binary rebuilt for Electron
  const file = path.join(app.getAppPath(), 'out', 'native', `electron-${process.versions.electron}-${process.arch}`, 'better_sqlite3.node')
  if (fs.existsSync(file)) setSqliteNativeBinding(file)
}

const dataFolder = () => dataDir ?? app.getPath('userData')

async function openData(): Promise<DispatchDeps> {
  useElectronSqliteBinding()
  checkpointInWorker(true) // SQLite's checkpoints off the main process's event loop
  const dataDir = dataFolder()
  const settingsStore = new FileSettingsStore(dataDir, keychainCodec())
  let config: DbConfig
  try {
    config = resolveDbConfig({ dataDir, settingsStore })
  } catch (e) {
    logError('saved database connection is unusable; using the local SQLite file', e)
    config = sqliteConfigForDataDir(dataDir)
  }
  const sessions = new SessionStore()
  const clientMode = clientModeFromArgs(process.argv, process.env)
  if (clientMode) {
    // a desktop client (README: Offline sync): the cache answers, the saved connection is the central database
    const client = await openDesktopClient({ clientDir: path.resolve(clientMode.clientDir), central: config, dataDir, browserMode: false, login: clientMode.login })
    client.cache.settingsStore = settingsStore
    return { app: client.cache, sessions, client }
  }
  try {
    return { app: await openContext(config, dataDir, settingsStore), sessions }
  } catch (e) {
    logError(`cannot open ${describeDb(config)}`, e)
    const d: DispatchDeps = { app: unreachableApp({ config, dataDir, settingsStore }), sessions }
    stopRetry = retryUntilOpen(
      () => openContext(config, dataDir, settingsStore),
      (ctx) => {
        d.app = ctx
        stopRetry = null
        logInfo(`database reachable again: ${describeDb(config)}`)
      },
    )
    return d
  }
}

function showWindow(): BrowserWindow {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore()
    if (!mainWindow.isVisible()) mainWindow.show()
    mainWindow.focus()
    return mainWindow
  }
  const state = readWindowState(dataFolder(), screen.getAllDisplays().map((d) => d.workArea))
  const win = createMainWindow({ preload, renderer, state, icon: iconPath })
  rememberWindowState(win, dataFolder())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  mainWindow = win
  return win
}

function openLink(link: string) {
  if (shell) shell.openLink(link)
  else pendingLink = link
}

function openFile(file: string) {
  if (shell) shell.openFile(file)
  else pendingFile = file
}

async function start() {
  startCrashLog({ dataDir: dataFolder(), app, proc: process, version: app.getVersion() })
  if (process.platform === 'win32') app.setAppUserModelId('cn.crm.desktop') // desktop notifications need it
  secureSession(session.defaultSession, renderer)
  app.on('web-contents-created', (_e, contents) => guardContents(contents, renderer))
  deps = await openData()
  const live = deps
  // a desktop client runs no background jobs (nor 定时报告): the central database's own server does
  if (!live.client) {
    startBackgroundJobs(() => live.app)
    startReportScheduler(() => live.app)
    useImportRunner(importsInWorker()) // imports in a worker thread on a connection of their own
  }
  const isTrustedUrl = (url: string) => isOwnUrl(url, renderer)
  registerIpc(deps, isTrustedUrl)
  showWindow()
  shell = new DesktopShell({
    deps,
    currentWindow: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null),
    showWindow,
    isTrustedUrl,
    iconPath,
    quit: () => app.quit(),
    dev: !app.isPackaged,
  })
  shell.start()
  const updates = new AppUpdates({
    currentVersion: app.getVersion(),
    dev: !app.isPackaged,
    updater: () => electronUpdater.autoUpdater,
    readSettings: () => readUpdateSettings(live.app),
    onAvailable: () => shell?.send('update', undefined, false),
  })
  setAppUpdates(updates)
  setTimeout(() => void updates.checkOnStart(), UPDATE_CHECK_DELAY_MS).unref()
  if (pendingLink) shell.openLink(pendingLink)
  pendingLink = null
  if (pendingFile) shell.openFile(pendingFile)
  pendingFile = null
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow()
  })
}

if (claimSingleInstance(app, showWindow, openLink, openFile)) {
  // crm:// opens this app (installers register it too; from the source tree it is registered for this electron binary)
  if (app.isPackaged) app.setAsDefaultProtocolClient(PROTOCOL)
  else app.setAsDefaultProtocolClient(PROTOCOL, process.execPath, [path.resolve(process.argv[1] ?? '.')])
  app.on('open-url', (e, url) => {
    e.preventDefault() // macOS hands links to the running app
    openLink(url)
  })
  app.on('open-file', (e, file) => {
    e.preventDefault() // macOS: a .xlsx/.csv opened with the app (also the one it was started for, before ready)
    openFile(file)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  let closing = false
  app.on('will-quit', (event) => {
    if (closing || !deps) return
    closing = true
    event.preventDefault()
    stopRetry?.()
    void (deps.client ? deps.client.close() : deps.app.db.knex.destroy())
      .catch(() => {})
      .finally(() => app.quit())
  })
  app
    .whenReady()
    .then(start)
    .catch((e) => {
      logError('start failed', e)
      app.quit()
    })
}
