// A read-only (or backup-writing) SQLite handle of its own in a worker thread, for the long
// statements of backups and restores on a big file (the online backup of every page,
// PRAGMA integrity_check, counts): minutes on a multi-GB database, which on the main thread
// would hold the event loop — every IPC call and HTTP request — for as long. The worker runs
// the statements one message at a time; the main thread only awaits the answers.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { sqliteNativeBinding } from './sqlite-binding'

// The worker's code: plain CommonJS (an eval'd worker), loading the same better-sqlite3 module
// and native binding (Electron's ABI when the app runs from the source tree) as the main thread.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
let db = null
const run = async (m) => {
  switch (m.op) {
    case 'open':
      db = new Database(m.file, { readonly: m.readonly, fileMustExist: true, nativeBinding: workerData.nativeBinding })
      return null
    case 'all':
      return db.prepare(m.sql).all(...m.params)
    case 'pragma':
      return db.pragma(m.sql)
    case 'backup': {
      // every page in one step: one read transaction of the source, a consistent snapshot
      // whatever other connections write meanwhile (this thread may block; the app's does not)
      const r = await db.backup(m.dest, { progress: () => 0x7fffffff })
      // the copy inherits WAL mode: make it one self-contained file (no -wal/-shm appear when it is read)
      const copy = new Database(m.dest, { fileMustExist: true, nativeBinding: workerData.nativeBinding })
      try { copy.pragma('journal_mode = DELETE') } finally { copy.close() }
      return r
    }
    case 'close':
      if (db) db.close()
      db = null
      return null
  }
  throw new Error('unknown op ' + m.op)
}
parentPort.on('message', (m) => {
  run(m).then(
    (result) => parentPort.postMessage({ id: m.id, ok: true, result }),
    (e) => parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message), code: e && e.code }),
  )
})
`

/** An error the worker's SQLite raised, with better-sqlite3's code (SQLITE_CORRUPT, SQLITE_NOTADB, …). */
export class SqliteWorkerError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message)
  }
}

export interface SqliteWorkerHandle {
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>
  pragma<T = Record<string, unknown>>(pragma: string): Promise<T[]>
  /** SQLite's online backup of the open database into `dest` (a new file, journal_mode DELETE); its page counts. */
  backup(dest: string): Promise<{ totalPages: number; remainingPages: number }>
  /** Closes the open database and opens `file` (which must exist) in the same thread. */
  reopen(file: string, opts: { readonly: boolean }): Promise<void>
  /** Closes the handle and ends the thread. */
  close(): Promise<void>
}

const betterSqlite3Module = () => createRequire(import.meta.url).resolve('better-sqlite3')

/** Opens `file` (which must exist) in a new worker thread. */
export async function openSqliteInWorker(file: string, opts: { readonly: boolean }): Promise<SqliteWorkerHandle> {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { module: betterSqlite3Module(), nativeBinding: sqliteNativeBinding() } })
  worker.unref()
  let next = 0
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let dead: Error | null = null
  const failAll = (e: Error) => {
    dead = e
    for (const w of waiting.values()) w.reject(e)
    waiting.clear()
  }
  worker.on('message', (m: { id: number; ok: boolean; result?: unknown; message?: string; code?: string }) => {
    const w = waiting.get(m.id)
    if (!w) return
    waiting.delete(m.id)
    if (m.ok) w.resolve(m.result)
    else w.reject(new SqliteWorkerError(m.message ?? 'SQLite error', m.code))
  })
  worker.on('error', (e) => failAll(e))
  worker.on('exit', (code) => failAll(new Error(`the SQLite worker thread ended (exit code ${code})`)))
  const send = <T>(msg: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (dead) return reject(dead)
      const id = next++
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ ...msg, id })
    })
  const end = () => worker.terminate().then(() => undefined)
  try {
    await send({ op: 'open', file, readonly: opts.readonly })
  } catch (e) {
    await end()
    throw e
  }
  return {
    all: (sql, ...params) => send({ op: 'all', sql, params }),
    pragma: (p) => send({ op: 'pragma', sql: p }),
    backup: (dest) => send({ op: 'backup', dest }),
    reopen: async (f, o) => {
      await send({ op: 'close' })
      await send({ op: 'open', file: f, readonly: o.readonly })
    },
    close: async () => {
      try {
        if (!dead) await send({ op: 'close' })
      } finally {
        await end()
      }
    },
  }
}
