// Electron main: one instance, the data folder from Electron (userData), saved database
// passwords encrypted with the OS keychain (safeStorage), the database opened and
// migrated, the contract's IPC handlers, and the window. If the database cannot be
// reached the window opens anyway and every call reports db_unreachable until it can.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, safeStorage, session } from 'electron'
import { openApp } from './app/bootstrap'
import { startBackgroundJobs } from './app/background-jobs'
import type { AppContext } from './modules/context'
import { resolveDbConfig } from './app/paths'
import { describeDb, sqliteConfigForDataDir, type DbConfig } from './db/config'
import { setSqliteNativeBinding } from './db/connection'
import type { DispatchDeps } from './ipc/dispatch'
import { logError, logInfo } from './shared/log'
import { SessionStore } from './ipc/sessions'
import { FileSettingsStore, type SecretCodec } from './modules/settings/settings.service'
import { isOwnUrl, type RendererLocation } from './window/app-origin'
import { registerIpc } from './window/ipc-main'
import { createMainWindow, guardContents, secureSession } from './window/main-window'
import { retryUntilOpen, unreachableApp } from './window/unreachable-app'

const here = path.dirname(fileURLToPath(import.meta.url))
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const renderer: RendererLocation = devServerUrl
  ? { kind: 'dev', url: devServerUrl }
  : { kind: 'file', indexFile: path.join(here, '..', 'renderer', 'index.html') }
const preload = path.join(here, '..', 'preload', 'index.cjs')

let mainWindow: BrowserWindow | null = null
let deps: DispatchDeps | null = null
let stopRetry: (() => void) | null = null

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
  return ctx
}

/** From the source tree, better-sqlite3 for Electron's ABI is in out/native (build/electron-native.mjs). */
function useElectronSqliteBinding() {
  if (app.isPackaged) return // installers carry a binary rebuilt for Electron
  const file = path.join(app.getAppPath(), 'out', 'native', `electron-${process.versions.electron}-${process.arch}`, 'better_sqlite3.node')
  if (fs.existsSync(file)) setSqliteNativeBinding(file)
}

async function openData(): Promise<DispatchDeps> {
  useElectronSqliteBinding()
  const dataDir = process.env.CRM_DATA_DIR ? path.resolve(process.env.CRM_DATA_DIR) : app.getPath('userData')
  const settingsStore = new FileSettingsStore(dataDir, keychainCodec())
  let config: DbConfig
  try {
    config = resolveDbConfig({ dataDir, settingsStore })
  } catch (e) {
    logError('saved database connection is unusable; using the local SQLite file', e)
    config = sqliteConfigForDataDir(dataDir)
  }
  const sessions = new SessionStore()
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

function showWindow() {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
    return
  }
  mainWindow = createMainWindow({ preload, renderer })
  mainWindow.on('closed', () => {
    mainWindow = null
  })
}

async function start() {
  if (process.platform === 'win32') app.setAppUserModelId('cn.crm.desktop') // desktop notifications need it
  secureSession(session.defaultSession, renderer)
  app.on('web-contents-created', (_e, contents) => guardContents(contents, renderer))
  deps = await openData()
  const live = deps
  startBackgroundJobs(() => live.app)
  registerIpc(deps, (url) => isOwnUrl(url, renderer))
  showWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow()
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => showWindow())
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  let closing = false
  app.on('will-quit', (event) => {
    if (closing || !deps) return
    closing = true
    event.preventDefault()
    stopRetry?.()
    void deps.app.db.knex
      .destroy()
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
