// The worker thread of an import (imports-thread.ts): opens the database on a connection of its
// own and runs the import's rows (imports.service runImportRows), posting the job's state.
import { parentPort, workerData } from 'node:worker_threads'
import { openDb } from '../db/connection'
import { setSqliteNativeBinding } from '../db/sqlite-binding'
import { AdjustableClock } from '../db/clock'
import { runImportRows } from '../modules/imports/imports.service'
import type { ImportWorkerData, ImportWorkerMessage } from './imports-thread'

/** SQLite: this connection waits for the app's write lock as long as it must (it holds up no user). */
const BUSY_TIMEOUT_MS = 120_000

const d = workerData as ImportWorkerData
const port = parentPort!
const post = (m: ImportWorkerMessage) => port.postMessage(m)
if (d.nativeBinding) setSqliteNativeBinding(d.nativeBinding)
// SQLite's checkpoints stay inside this connection's COMMITs (every 1,000 pages, SQLite's own rule):
// on this thread they hold up no one. Handed to a thread of their own (as the app's connection
// does) they lagged behind chunks written back to back, the -wal file never started over and grew
// to the 20,000-page fallback, and every page read got dearer: +13 s of CPU over 100,000 rows.
const clock = new AdjustableClock()
clock.advance(d.clockOffsetMs)
const db = openDb(d.db, { ...d.dbOptions, busyTimeoutMs: BUSY_TIMEOUT_MS })
const run = runImportRows({ db, clock, dataDir: d.dataDir, browserMode: d.browserMode, dbConfig: d.db, actor: d.actor }, d.spec, (state) => post({ type: 'state', state }))
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') run.cancel()
})
run.done.then(
  async () => {
    await db.knex.destroy()
    post({ type: 'done' })
  },
  async (e: unknown) => {
    await db.knex.destroy().catch(() => undefined)
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) })
  },
)
