// How every command finds its data folder and database: --db URL, else the connection
// saved in the data folder's settings, else the SQLite file there (see app/paths.ts).
import path from 'node:path'
import { defaultDataDir, resolveDbConfig } from '../app/paths'
import { openApp } from '../app/bootstrap'
import type { AppContext } from '../modules/context'
import { describeDb, type DbConfig } from '../db/config'
import type { Clock } from '../db/clock'
import { FileSettingsStore } from '../modules/settings/settings.service'
import { CliError, type DbOpts } from './cli-args'

export interface CliDb {
  dataDir: string
  config: DbConfig
  settingsStore: FileSettingsStore
}

export async function cliDbConfig(p: DbOpts): Promise<CliDb> {
  const dataDir = p.data ? path.resolve(p.data) : defaultDataDir()
  // The CLI has no OS keychain: a password saved by the desktop app stays unreadable here.
  const settingsStore = new FileSettingsStore(dataDir, null)
  let config: DbConfig
  try {
    config = resolveDbConfig({ dataDir, dbUrl: p.db, settingsStore })
  } catch (e) {
    throw new CliError(`bad database setting: ${(e as Error).message}`)
  }
  return { dataDir, config, settingsStore }
}

/** Opens (creating and migrating when needed) the database; a failure names the database, never its password. */
export async function openCliApp(d: CliDb, o: { browserMode?: boolean; clock?: Clock } = {}): Promise<AppContext> {
  try {
    const app = await openApp({ db: d.config, dataDir: d.dataDir, browserMode: o.browserMode, clock: o.clock })
    app.dbDescription = describeDb(d.config)
    app.settingsStore = d.settingsStore
    return app
  } catch (e) {
    throw new CliError(`cannot open the database ${describeDb(d.config)}: ${(e as Error).message}`)
  }
}
