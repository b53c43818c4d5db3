// The embedded SQLite database as a file: a consistent copy while the app runs (SQLite's online
// backup API through better-sqlite3's db.backup, in a worker thread), checking that a file is a sound database of
// ours (PRAGMA integrity_check, a sync_version row, known migrations), and writing the few
// things a restore changes in a copy before it replaces the live file (a new epoch id).
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { sqliteNativeBinding } from './sqlite-binding'
import { migrations } from '../../db/migrations/index'
import { openSqliteInWorker, type SqliteWorkerHandle } from './sqlite-worker'

function openFile(file: string, opts: { readonly: boolean }): Database.Database {
  return new Database(file, { readonly: opts.readonly, fileMustExist: true, nativeBinding: sqliteNativeBinding() })
}

/**
 * Copies the database in `source` to `dest` (a new file) with SQLite's online backup API while
 * the app keeps using it. A read-only handle of its own, in a worker thread (sqlite-worker.ts),
 * copies every page in one step, i.e. in one read transaction of the source: a consistent
 * snapshot, whatever other connections (the app's, another process's) write meanwhile — in WAL
 * mode they are not blocked, and a write that lands before the step only makes it start over.
 * The main thread's event loop stays free all through (minutes on a multi-GB file). Returns the
 * number of pages copied; the copy is one self-contained file (journal_mode DELETE).
 */
export async function backupSqliteFile(source: string, dest: string): Promise<number> {
  return (await backupAndCheck(source, dest, false)).pages
}

/**
 * backupSqliteFile, then checkSqliteFile of the copy, in one worker thread (one thread start
 * per backup).
 */
export async function backupAndCheckSqliteFile(source: string, dest: string): Promise<{ pages: number; check: SqliteFileCheck }> {
  const r = await backupAndCheck(source, dest, true)
  return { pages: r.pages, check: r.check! }
}

async function backupAndCheck(source: string, dest: string, check: boolean): Promise<{ pages: number; check: SqliteFileCheck | null }> {
  if (fs.existsSync(dest)) throw new Error(`the backup file already exists: ${dest}`)
  const db = await openSqliteInWorker(source, { readonly: true })
  try {
    const pages = (await db.backup(dest)).totalPages
    if (!check) return { pages, check: null }
    try {
      await db.reopen(dest, { readonly: true })
    } catch (e) {
      return { pages, check: failed('unreadable', (e as Error).message) }
    }
    return { pages, check: await checkWith(db) }
  } finally {
    await db.close()
  }
}

export interface SqliteFileCheck {
  ok: boolean
  /** why not: 'unreadable' (not a database, encrypted, damaged header), 'corrupt' (integrity_check), 'foreign' (not one of ours), 'newer' (made by a newer app) */
  problem: 'unreadable' | 'corrupt' | 'foreign' | 'newer' | null
  /** SQLite's or our own words about the problem */
  detail: string | null
  /** the last migration the file has, its sync epoch and a few row counts (when readable) */
  schema: string | null
  epochId: string | null
  counts: Record<string, number>
}

const COUNTED = ['customers', 'contacts', 'interactions', 'reminders', 'users'] as const

/**
 * Whether `file` is a sound database of this app: PRAGMA integrity_check answers ok, it has the
 * sync_version row every database of ours starts with, and no migration this app does not know.
 * Opens the file read-only in a worker thread (the check reads every page: minutes on a big
 * file, the event loop stays free) and changes nothing.
 */
export async function checkSqliteFile(file: string): Promise<SqliteFileCheck> {
  let db: SqliteWorkerHandle
  try {
    db = await openSqliteInWorker(file, { readonly: true })
  } catch (e) {
    return failed('unreadable', (e as Error).message)
  }
  try {
    return await checkWith(db)
  } finally {
    await db.close()
  }
}

const failed = (problem: SqliteFileCheck['problem'], detail: string, extra: Partial<SqliteFileCheck> = {}): SqliteFileCheck => ({
  ok: false, problem, detail, schema: null, epochId: null, counts: {}, ...extra,
})

async function checkWith(db: SqliteWorkerHandle): Promise<SqliteFileCheck> {
  const fail = failed
  let integrity: string[]
  try {
    integrity = (await db.pragma<{ integrity_check: string }>('integrity_check(20)')).map((r) => r.integrity_check)
  } catch (e) {
    // SQLITE_CORRUPT: "database disk image is malformed"; SQLITE_NOTADB: "file is not a database"
    const code = String((e as { code?: string }).code ?? '')
    return fail(code.startsWith('SQLITE_CORRUPT') ? 'corrupt' : 'unreadable', (e as Error).message)
  }
  if (integrity.length !== 1 || integrity[0] !== 'ok') return fail('corrupt', integrity.slice(0, 5).join('; '))
  const tables = new Set((await db.all<{ name: string }>("select name from sqlite_master where type = 'table'")).map((r) => r.name))
  if (!tables.has('sync_version') || !tables.has('knex_migrations')) return fail('foreign', 'no sync_version or knex_migrations table: not a database of this app')
  const sync = (await db.all<{ epoch_id: string }>('select epoch_id from sync_version where id = 1'))[0]
  if (!sync) return fail('foreign', 'the sync_version row is missing')
  const applied = (await db.all<{ name: string }>('select name from knex_migrations order by id')).map((r) => r.name)
  const known = new Set(migrations.map((m) => m.name))
  const schema = applied[applied.length - 1] ?? null
  const unknown = applied.filter((n) => !known.has(n))
  const counts: Record<string, number> = {}
  for (const t of COUNTED) if (tables.has(t)) counts[t] = Number((await db.all<{ n: number }>(`select count(*) as n from ${t} where deleted_at is null`))[0].n)
  if (unknown.length) return fail('newer', `made by a newer version of the app (migrations ${unknown.join(', ')})`, { schema, epochId: sync.epoch_id, counts })
  return { ok: true, problem: null, detail: null, schema, epochId: sync.epoch_id, counts }
}

/** Writes what a restored copy must carry before it goes live: a new sync epoch and the given settings rows. */
export function prepareRestoredFile(file: string, o: { epochId: string; settings: Array<{ key: string; value: string | null }>; now: string }) {
  const db = openFile(file, { readonly: false })
  try {
    db.pragma('journal_mode = DELETE') // a single file, no WAL beside it, until the app opens it again
    db.transaction(() => {
      db.prepare('update sync_version set epoch_id = ? where id = 1').run(o.epochId)
      const upsert = db.prepare('insert into app_settings (key, value, updated_at) values (?, ?, ?) on conflict(key) do update set value = excluded.value, updated_at = excluded.updated_at')
      for (const s of o.settings) upsert.run(s.key, s.value, o.now)
    })()
  } finally {
    db.close()
  }
}

/** The database file and the journal files beside it. */
export const sqliteFilesOf = (file: string) => [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]
