// What every service call receives: the database handle, the clock, the data folder
// and the acting user. Services never import Electron.
import type { Db } from '../db/connection'
import type { Clock } from '../db/clock'
import type { DataScope, Action, PermModule } from '../contract/common'

export interface Actor {
  userId: string
  login: string
  name: string
  roleId: string
  roleCode: string
  teamId: string | null
  permissions: Partial<Record<PermModule, { actions: Action[]; scope: DataScope }>>
}

export interface AppContext {
  db: Db
  clock: Clock
  /** folder for the SQLite file, attachments and exports */
  dataDir: string
  /** true in the browser mode (no safeStorage; test hooks allowed when CRM_TEST_HOOKS=1) */
  browserMode: boolean
  /** printable description of the central database (never a password) */
  dbDescription?: string
  /** the connection the central database was opened with (settings shows it, minus the password) */
  dbConfig?: import('../db/config').DbConfig
  /** the saved connection settings store (Electron: safeStorage; browser mode: memory only) */
  settingsStore?: import('./settings/settings.store').SettingsStore
  /**
   * true only on the stand-in context the desktop app runs on while the central database cannot
   * be reached (window/unreachable-app.ts): the connection settings then work without a login
   */
  unreachable?: boolean
  /**
   * A desktop client's cache (offline sync): fetches the bytes of an attachment whose file this
   * machine lacks from the central database; null when offline or gone there.
   */
  fetchAttachment?: (attachmentId: string) => Promise<Buffer | null>
  /** a desktop client in client mode (README: Offline sync): its cache, sync timer and central connection */
  syncClient?: import('./sync/sync.desktop').DesktopSync
  /** the desktop app only: an HTML page printed to PDF (webContents.printToPDF) — 定时报告's PDF */
  reportPdf?: (html: string) => Promise<Buffer>
}

export interface ServiceContext extends AppContext {
  actor: Actor
}
