// Imports in a worker thread (issue 11 item 7, issue 8 item 3): the desktop app and `crm serve` run
// an import's rows — reading the file, the checks and 查重, the chunks' transactions — on a database
// connection of the worker's own (import-worker.ts). The main thread's event loop and its
// connection stay free for every other call: on SQLite the lists and the reminder badge read
// beside the import's writes (WAL); a user's write waits at most for one of its chunks (BEGIN
// IMMEDIATE, db/connection.ts). The job's state comes back as messages; cancel goes the other way.
import type { Worker } from 'node:worker_threads'
import type { DbOptions } from '../db/connection'
import { sqliteNativeBinding } from '../db/sqlite-binding'
import { beforeDestroy } from '../db/knex-destroy'
import type { ImportJobSpec, ImportJobState, ImportRunner } from '../modules/imports/imports.service'
import type { ServiceContext } from '../modules/context'
import { startWorker } from './worker-entry'
import { logError } from '../shared/log'

/** How long a run asked to stop (the app's database handle closing) may take to end its chunk. */
const STOP_WAIT_MS = 10_000

/** What the worker is given (structured-clone data only). */
export interface ImportWorkerData {
  db: NonNullable<ServiceContext['dbConfig']>
  dbOptions: DbOptions
  nativeBinding: string | undefined
  dataDir: string
  browserMode: boolean
  actor: ServiceContext['actor']
  spec: ImportJobSpec
  /** the app's clock less the system clock when the run started (a test hook may have moved it) */
  clockOffsetMs: number
}

export type ImportWorkerMessage = { type: 'state'; state: ImportJobState } | { type: 'done' } | { type: 'failed'; message: string }

/** Every import from now on runs in a worker thread (`useImportRunner(importsInWorker())`). */
export function importsInWorker(o: { dbOptions?: DbOptions } = {}): ImportRunner {
  return {
    run(ctx, spec, onState) {
      const db = ctx.dbConfig
      // an in-memory SQLite database has no file a second connection could open
      if (!db || (db.dialect === 'sqlite' && db.file === ':memory:')) return null
      const data: ImportWorkerData = {
        db, dbOptions: { ...o.dbOptions }, nativeBinding: sqliteNativeBinding(), dataDir: ctx.dataDir, browserMode: ctx.browserMode, actor: ctx.actor, spec,
        clockOffsetMs: ctx.clock.now().getTime() - Date.now(),
      }
      let worker: Worker
      try {
        worker = startWorker('import-worker', data)
      } catch (e) {
        logError('the import worker thread could not start; the import runs on the main thread', e)
        return null
      }
      const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
      // the app's handle closing (quitting, a restore replacing the file): the run stops after its chunk, else is ended
      const unhook = beforeDestroy(ctx.db.knex, async () => {
        worker.postMessage({ type: 'cancel' })
        const timer = setTimeout(() => void worker.terminate(), STOP_WAIT_MS)
        await ended
        clearTimeout(timer)
      })
      void ended.then(unhook)
      const done = new Promise<void>((resolve, reject) => {
        let finished = false
        worker.on('message', (m: ImportWorkerMessage) => {
          if (m.type === 'state') onState(m.state)
          else {
            finished = true
            if (m.type === 'done') resolve()
            else reject(new Error(m.message))
            void worker.terminate()
          }
        })
        worker.on('error', (e) => {
          finished = true
          reject(e)
        })
        worker.on('exit', (code) => {
          if (!finished) reject(new Error(`the import's worker thread ended (exit code ${code})`))
        })
      })
      return { done, cancel: () => worker.postMessage({ type: 'cancel' }) }
    },
  }
}
