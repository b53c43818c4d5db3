// Opens the central database, migrates it, seeds roles/dictionary, and returns the
// AppContext every service call uses. Used by Electron main, `crm serve` and tests.
import { openDb, type DbOptions } from '../db/connection'
import type { DbConfig } from '../db/config'
import { prepareDb } from '../db/prepare'
import { systemClock, type Clock } from '../db/clock'
import type { AppContext } from '../modules/context'

export interface OpenAppOptions {
  db: DbConfig
  dataDir: string
  browserMode?: boolean
  clock?: Clock
  /** driver options (tests: the mssql id mode normalises ids on SQLite too) */
  dbOptions?: DbOptions
}

export async function openApp(o: OpenAppOptions): Promise<AppContext> {
  const db = openDb(o.db, o.dbOptions)
  const clock = o.clock ?? systemClock
  await prepareDb(db, clock)
  return { db, clock, dataDir: o.dataDir, browserMode: !!o.browserMode, dbConfig: o.db }
}
