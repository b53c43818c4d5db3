// Where the app keeps its data, and which database it opens. The data folder is the
// one Electron's app.getPath('userData') gives for our productName, so the desktop
// app and `crm serve`/`crm user add` on the same machine share one SQLite file.
import os from 'node:os'
import path from 'node:path'
import { parseDbUrl, sqliteConfigForDataDir, type DbConfig } from '../db/config'
import type { SettingsStore } from '../modules/settings/settings.service'

export const PRODUCT_NAME = '客户关系管理'

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.CRM_DATA_DIR) return path.resolve(env.CRM_DATA_DIR)
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME)
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), PRODUCT_NAME)
}

/** `--db URL` wins, then the connection saved in the settings, then the SQLite file in dataDir. */
export function resolveDbConfig(o: { dataDir: string; dbUrl?: string | null; settingsStore?: SettingsStore | null }): DbConfig {
  if (o.dbUrl) return parseDbUrl(o.dbUrl)
  const saved = o.settingsStore ? o.settingsStore.load() : null
  return saved ?? sqliteConfigForDataDir(o.dataDir)
}
