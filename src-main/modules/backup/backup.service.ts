// 备份与恢复 of the embedded SQLite database. A backup is a folder (backup.files.ts) with a
// consistent copy of the database taken while the app runs (SQLite's online backup API), the
// attachments and a manifest. The daily automatic backup runs from the background jobs and
// keeps the last N daily and M monthly ones (backup.retention.ts). A restore checks the backup
// first (integrity_check, one of our databases, not from a newer app) and refuses it without
// changing anything; otherwise it backs up the current database, gives the restored copy a new
// sync epoch (offline clients then upload their outbox and reload), closes the connection
// pool, replaces the file (and the attachments) and opens it again, migrating it if older.
// PostgreSQL and SQL Server are backed up by their server: the status shows the commands.
import fs from 'node:fs'
import path from 'node:path'
import type { AppContext, ServiceContext } from '../context'
import type { BackupEntry, BackupKind, BackupSettings } from '../../contract/backup'
import type { DbConfig } from '../../db/config'
import { openDb } from '../../db/connection'
import { prepareDb } from '../../db/prepare'
import { newId } from '../../db/ids'
import { backupAndCheckSqliteFile, checkSqliteFile, prepareRestoredFile, sqliteFilesOf, type SqliteFileCheck } from '../../db/sqlite-file'
import { AppError, ruleError } from '../../shared/errors'
import { logError, logInfo } from '../../shared/log'
import { requirePerm } from '../auth/permissions'
import { APP_VERSION } from '../auth/auth.service'
import { BACKUP_PREFIX, readBackupRows, writeBackupRow } from './backup.repository'
import { ATTACHMENTS, DB_FILE, MANIFEST, backupName, copyAttachments, dirSize, freeName, listBackups, resolveBackup, toEntry, type Manifest } from './backup.files'
import { localDay, planRetention } from './backup.retention'

export const DEFAULT_BACKUP: BackupSettings = { enabled: true, folder: null, keepDaily: 7, keepMonthly: 12 }

/** Where backups go without a chosen folder. */
export const defaultBackupFolder = (dataDir: string) => path.join(dataDir, 'backups')

function toSettings(rows: Record<string, string | null>): BackupSettings {
  const int = (v: string | null | undefined, d: number) => (v != null && /^\d+$/.test(v) ? Number(v) : d)
  return {
    enabled: rows.enabled == null ? DEFAULT_BACKUP.enabled : rows.enabled === 'true',
    folder: rows.folder || null,
    keepDaily: int(rows.keepDaily, DEFAULT_BACKUP.keepDaily),
    keepMonthly: int(rows.keepMonthly, DEFAULT_BACKUP.keepMonthly),
  }
}

export const readBackupSettings = async (app: AppContext) => toSettings(await readBackupRows(app.db.knex))
const folderOf = (app: AppContext, s: BackupSettings) => s.folder ?? defaultBackupFolder(app.dataDir)

/** Throws unless the app runs on an SQLite file this app can back up. */
export const backupSqliteReady = (app: AppContext) => void sqliteFile(app)

const notSqlite = () => ruleError('backup.errors.notSqlite', 'the database server backs up PostgreSQL and SQL Server databases, not this app')

function sqliteFile(app: AppContext): string {
  const cfg = app.dbConfig
  if (app.db.dialect !== 'sqlite' || !cfg || cfg.dialect !== 'sqlite' || cfg.file === ':memory:') throw notSqlite()
  return cfg.file
}

/** One backup or restore at a time per database. */
const busy = new WeakSet<object>()
async function exclusive<T>(app: AppContext, fn: () => Promise<T>): Promise<T> {
  if (busy.has(app.db)) throw ruleError('backup.errors.busy', 'a backup or restore is already running')
  busy.add(app.db)
  try {
    return await fn()
  } finally {
    busy.delete(app.db)
  }
}

// ---- taking a backup ------------------------------------------------------------------------

function problemError(c: SqliteFileCheck, file: string): AppError {
  const detail = c.detail ?? ''
  switch (c.problem) {
    case 'unreadable':
      return ruleError('backup.errors.unreadable', `${file} is not a readable SQLite database: ${detail}`, { detail })
    case 'corrupt':
      return ruleError('backup.errors.corrupt', `${file} is damaged (integrity check: ${detail})`, { detail })
    case 'foreign':
      return ruleError('backup.errors.foreign', `${file} is not a database of this app: ${detail}`, { detail })
    default:
      return ruleError('backup.errors.newer', `${file} was made by a newer version of the app: ${detail}`, { detail })
  }
}

/**
 * Writes one backup of the live database and its attachments into `folder` (created if needed).
 * The copy is checked (integrity_check) before the folder gets its final name.
 */
async function writeBackup(app: AppContext, folder: string, kind: BackupKind): Promise<BackupEntry> {
  const live = sqliteFile(app)
  try {
    fs.mkdirSync(folder, { recursive: true })
    fs.accessSync(folder, fs.constants.W_OK)
  } catch (e) {
    throw ruleError('backup.errors.folder', `cannot write to the backup folder ${folder}: ${(e as Error).message}`, { folder, detail: (e as Error).message })
  }
  const at = app.clock.now()
  const name = freeName(folder, backupName(at, kind))
  const partial = path.join(folder, `${name}.partial`)
  const finalDir = path.join(folder, name)
  const previous = listBackups(folder)[0] ?? null
  fs.mkdirSync(partial)
  try {
    const dbCopy = path.join(partial, DB_FILE)
    const { check } = await backupAndCheckSqliteFile(live, dbCopy) // in a worker thread: minutes on a big file
    if (!check.ok) throw problemError(check, dbCopy)
    const attachments = copyAttachments(path.join(app.dataDir, ATTACHMENTS), path.join(partial, ATTACHMENTS), previous ? path.join(previous.path, ATTACHMENTS) : null)
    const manifest: Manifest = {
      format: 1, app: 'crm-desktop', appVersion: APP_VERSION, kind, createdAt: at.toISOString(), database: DB_FILE,
      schema: check.schema, epochId: check.epochId, counts: check.counts, attachments, databaseBytes: dirSize(dbCopy),
    }
    fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2))
    fs.renameSync(partial, finalDir)
    return toEntry(finalDir, manifest)
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true })
    throw e
  }
}

/** Removes the automatic backups the retention does not keep; returns their names. */
export function applyRetention(folder: string, s: Pick<BackupSettings, 'keepDaily' | 'keepMonthly'>): string[] {
  const all = listBackups(folder)
  const plan = planRetention(all.map((b) => ({ name: b.name, kind: b.kind, createdAt: new Date(b.createdAt) })), s.keepDaily, s.keepMonthly)
  for (const name of plan.remove) fs.rmSync(path.join(folder, name), { recursive: true, force: true })
  return plan.remove
}

async function noteResult(app: AppContext, error: string | null) {
  const now = app.clock.now().toISOString()
  await app.db.knex.transaction(async (trx) => {
    if (!error) await writeBackupRow(trx, app.db.dialect, 'lastAt', now, now)
    await writeBackupRow(trx, app.db.dialect, 'lastError', error, now)
  })
}

/** A backup now, into the configured folder or `folder` (the CLI's --out); retention afterwards. */
export async function takeBackup(app: AppContext, kind: BackupKind, folder?: string): Promise<BackupEntry> {
  return exclusive(app, async () => {
    const s = await readBackupSettings(app)
    const target = folder ?? folderOf(app, s)
    const entry = await writeBackup(app, target, kind)
    if (!folder || folder === folderOf(app, s)) applyRetention(target, s)
    await noteResult(app, null)
    return entry
  })
}

/**
 * The daily automatic backup (background jobs, hourly): when enabled and none was taken today
 * (local date) in the folder. Failures are noted for the backup page and logged, never thrown.
 */
export async function runDueBackup(app: AppContext): Promise<BackupEntry | null> {
  if (app.unreachable || app.db.dialect !== 'sqlite' || app.dbConfig?.dialect !== 'sqlite' || app.dbConfig.file === ':memory:') return null
  const s = await readBackupSettings(app)
  if (!s.enabled) return null
  const folder = folderOf(app, s)
  const today = localDay(app.clock.now())
  if (listBackups(folder).some((b) => b.kind === 'auto' && localDay(new Date(b.createdAt)) === today)) return null
  try {
    const entry = await takeBackup(app, 'auto')
    logInfo(`automatic backup written: ${entry.path}`)
    return entry
  } catch (e) {
    if (e instanceof AppError && e.extra.key === 'backup.errors.busy') return null
    logError('automatic backup failed', e)
    await noteResult(app, (e as Error).message).catch(() => undefined)
    return null
  }
}

// ---- the page's calls -------------------------------------------------------------------------

/** The documented commands for a server database, for this connection (never its password). */
function serverCommands(cfg: DbConfig | undefined) {
  const stamp = 'YYYYMMDD'
  if (cfg?.dialect === 'postgres') {
    let url = 'postgres://USER@HOST:5432/DATABASE'
    try {
      const u = new URL(cfg.url)
      u.password = ''
      url = u.toString()
    } catch {
      /* keep the placeholder */
    }
    return [
      { purpose: 'backup' as const, command: `pg_dump --format=custom --file=crm-${stamp}.dump "${url}"` },
      { purpose: 'restore' as const, command: `pg_restore --clean --if-exists --no-owner --dbname="${url}" crm-${stamp}.dump` },
      { purpose: 'afterRestore' as const, command: 'UPDATE sync_version SET epoch_id = gen_random_uuid()::text WHERE id = 1;' },
    ]
  }
  if (cfg?.dialect === 'mssql') {
    const db = `[${cfg.database.replace(/]/g, ']]')}]`
    return [
      { purpose: 'backup' as const, command: `BACKUP DATABASE ${db} TO DISK = N'D:\\Backup\\crm-${stamp}.bak' WITH COMPRESSION, CHECKSUM, INIT;` },
      { purpose: 'restore' as const, command: `RESTORE DATABASE ${db} FROM DISK = N'D:\\Backup\\crm-${stamp}.bak' WITH REPLACE, CHECKSUM, RECOVERY;` },
      { purpose: 'afterRestore' as const, command: `UPDATE ${db}.dbo.sync_version SET epoch_id = LOWER(CONVERT(nvarchar(36), NEWID())) WHERE id = 1;` },
    ]
  }
  return []
}

export async function backupStatus(ctx: ServiceContext) {
  requirePerm(ctx.actor, 'settings', 'view')
  const rows = await readBackupRows(ctx.db.knex)
  const settings = toSettings(rows)
  const supported = ctx.db.dialect === 'sqlite' && ctx.dbConfig?.dialect === 'sqlite'
  const folder = supported ? folderOf(ctx, settings) : null
  return {
    supported,
    dialect: ctx.db.dialect,
    settings,
    folder,
    lastAt: rows.lastAt ?? null,
    lastError: rows.lastError ?? null,
    backups: folder ? listBackups(folder) : [],
    serverCommands: supported ? [] : serverCommands(ctx.dbConfig),
  }
}

export async function backupSaveSettings(ctx: ServiceContext, input: BackupSettings): Promise<BackupSettings> {
  requirePerm(ctx.actor, 'settings', 'edit')
  const folder = input.folder ? path.resolve(input.folder) : null
  if (input.folder && !path.isAbsolute(input.folder)) throw ruleError('backup.errors.folderRelative', 'the backup folder must be an absolute path', { folder: input.folder })
  if (folder) {
    try {
      fs.mkdirSync(folder, { recursive: true })
      fs.accessSync(folder, fs.constants.W_OK)
    } catch (e) {
      throw ruleError('backup.errors.folder', `cannot write to the backup folder ${folder}: ${(e as Error).message}`, { folder, detail: (e as Error).message })
    }
  }
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    await writeBackupRow(trx, ctx.db.dialect, 'enabled', String(input.enabled), now)
    await writeBackupRow(trx, ctx.db.dialect, 'folder', folder, now)
    await writeBackupRow(trx, ctx.db.dialect, 'keepDaily', String(input.keepDaily), now)
    await writeBackupRow(trx, ctx.db.dialect, 'keepMonthly', String(input.keepMonthly), now)
  })
  return readBackupSettings(ctx)
}

/** 立即备份 */
export async function backupRun(ctx: ServiceContext): Promise<BackupEntry> {
  requirePerm(ctx.actor, 'settings', 'edit')
  sqliteFile(ctx)
  return takeBackup(ctx, 'manual')
}

/** A backup's parts and its check; throws a clear rule error when it is not one. */
async function checkBackup(p: string) {
  const src = resolveBackup(p)
  if (!src) throw ruleError('backup.errors.notFound', `no backup or database file at ${p}`, { path: p })
  return { src, check: await checkSqliteFile(src.dbFile) }
}

export async function backupInspect(ctx: ServiceContext, input: { path: string }) {
  requirePerm(ctx.actor, 'settings', 'edit')
  sqliteFile(ctx)
  const { src, check } = await checkBackup(input.path)
  const problemKey = check.ok ? null : problemError(check, src.dbFile).extra.key ?? null
  return { ok: check.ok, problemKey, detail: check.detail, schema: check.schema, counts: check.counts, createdAt: src.manifest?.createdAt ?? null }
}

/** A knex stand-in while the file is being replaced: every use answers that the database is being restored. */
function restoringKnex(): AppContext['db']['knex'] {
  const fail = () => {
    throw new AppError('db_unreachable', 'the database is being restored', { key: 'backup.errors.restoring' })
  }
  return new Proxy(function () {} as unknown as AppContext['db']['knex'], {
    apply: fail,
    get: (_t, prop) => (prop === 'then' ? undefined : prop === 'destroy' ? async () => {} : fail()),
  })
}

/** Replaces the attachments folder with the backup's (the pre-restore backup holds the current ones). */
function restoreAttachments(dataDir: string, from: string) {
  const live = path.join(dataDir, ATTACHMENTS)
  const aside = `${live}.before-restore`
  fs.rmSync(aside, { recursive: true, force: true })
  if (fs.existsSync(live)) fs.renameSync(live, aside)
  try {
    copyAttachments(from, live, null)
  } catch (e) {
    fs.rmSync(live, { recursive: true, force: true })
    if (fs.existsSync(aside)) fs.renameSync(aside, live)
    throw e
  }
  fs.rmSync(aside, { recursive: true, force: true })
}

/**
 * 恢复. The backup is checked before anything changes (a damaged or foreign file is refused
 * with a clear message and nothing else happens); then the current database and attachments
 * are backed up (kind pre-restore, never removed automatically), and the live file is replaced
 * by a copy of the backup carrying a new sync epoch and the current backup settings.
 */
export async function restoreBackup(app: AppContext, p: string): Promise<{ restoredFrom: string; safetyBackup: BackupEntry; epochId: string }> {
  const live = sqliteFile(app)
  const { src, check } = await checkBackup(p)
  if (!check.ok) throw problemError(check, src.dbFile)
  const s = await readBackupSettings(app)
  return exclusive(app, async () => {
    const safetyBackup = await writeBackup(app, folderOf(app, s), 'pre-restore')
    const now = app.clock.now().toISOString()
    const tmp = `${live}.restoring`
    for (const f of sqliteFilesOf(tmp)) fs.rmSync(f, { force: true })
    fs.copyFileSync(src.dbFile, tmp)
    const epochId = newId()
    const keep = Object.entries(await readBackupRows(app.db.knex)).filter(([k]) => k !== 'lastError').map(([k, v]) => ({ key: BACKUP_PREFIX + k, value: v }))
    prepareRestoredFile(tmp, { epochId, settings: keep, now })

    const cfg = app.dbConfig as DbConfig
    const old = app.db.knex
    app.db.knex = restoringKnex()
    await old.destroy()
    const aside = `${live}.before-restore`
    for (const f of sqliteFilesOf(aside)) fs.rmSync(f, { force: true })
    fs.renameSync(live, aside)
    for (const f of sqliteFilesOf(live).slice(1)) if (fs.existsSync(f)) fs.renameSync(f, f.replace(live, aside)) // -wal/-shm stay with their database
    fs.renameSync(tmp, live)
    try {
      const fresh = openDb(cfg)
      await prepareDb(fresh, app.clock) // a backup from an older version is migrated
      app.db.knex = fresh.knex
    } catch (e) {
      // put the previous database back and reopen it
      for (const f of sqliteFilesOf(live)) fs.rmSync(f, { force: true })
      for (const f of sqliteFilesOf(aside)) if (fs.existsSync(f)) fs.renameSync(f, f.replace(aside, live))
      app.db.knex = openDb(cfg).knex
      throw e
    }
    for (const f of sqliteFilesOf(aside)) fs.rmSync(f, { force: true })
    if (src.attachments) restoreAttachments(app.dataDir, src.attachments)
    return { restoredFrom: src.dir ?? src.dbFile, safetyBackup, epochId }
  })
}

export async function backupRestore(ctx: ServiceContext, input: { path: string }) {
  requirePerm(ctx.actor, 'settings', 'edit')
  const r = await restoreBackup(ctx, input.path)
  logInfo(`database restored by ${ctx.actor.login} from ${r.restoredFrom}; new sync epoch ${r.epochId}; the previous data is in ${r.safetyBackup.path}`)
  return r
}
