// crm backup --out DIR: a consistent backup of the embedded SQLite database (and attachments)
// while the desktop app may be running, as the folder DIR/crm-backup-<time>-manual.
// crm restore FILE --yes: replace the database with a backup (its folder or its crm.sqlite),
// after checking it and backing up the current one; refused while the app runs on the folder.
import path from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../shared/errors'
import { describeDb } from '../db/config'
import { runningApp } from '../app/run-lock'
import { backupSqliteReady, restoreBackup, takeBackup } from '../modules/backup/backup.service'
import { checkSqliteFile } from '../db/sqlite-file'
import { resolveBackup } from '../modules/backup/backup.files'
import { CliError, required, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
const counts = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ')

/** A rule error as one line (its English message), everything else as is. */
const asCli = (e: unknown) => (e instanceof AppError ? new CliError(e.message) : e)

export function registerBackup(program: Command, out: Out) {
  withDbOptions(program.command('backup'))
    .summary('back up the embedded SQLite database and its attachments')
    .description('Back up the embedded SQLite database (consistent while the app runs) and the attachments into a new folder\nDIR/crm-backup-<yyyyMMdd-HHmmss>-manual (crm.sqlite, attachments/, manifest.json).\nPostgreSQL and SQL Server are backed up by their server (pg_dump, BACKUP DATABASE).')
    .option('--out <dir>', 'folder to put the backup in (created when missing)')
    .action((o: DbOpts & { out?: string }) => backup(o, out))
  withDbOptions(program.command('restore'))
    .summary('replace the database with a backup (needs --yes)')
    .description('Replace the embedded SQLite database (and attachments) with a backup: FILE is a backup folder or the crm.sqlite in one.\nThe backup is checked first (integrity, one of our databases); the current database is backed up into the backup folder;\nthe restored database gets a new sync epoch (offline clients upload their outbox and reload).\nClose the desktop app and crm serve on this data folder first. Without --yes only the check is shown.')
    .argument('<file>', 'backup folder or database file')
    .option('--yes', 'replace the current data')
    .action((file: string, o: DbOpts & { yes?: boolean }) => restore(file, o, out))
}

async function backup(p: DbOpts & { out?: string }, out: Out) {
  const dir = path.resolve(required(p.out, 'out'))
  const d = await cliDbConfig(p)
  if (d.config.dialect !== 'sqlite') throw new CliError(`${describeDb(d.config)} is backed up by its database server (pg_dump / BACKUP DATABASE), not by crm backup`)
  const app = await openCliApp(d)
  try {
    backupSqliteReady(app)
    const e = await takeBackup(app, 'manual', dir).catch((x) => Promise.reject(asCli(x)))
    out.log(`backup written: ${e.path}`)
    out.log(`  database ${mib(e.sizeBytes)} incl. ${e.attachments} attachment(s); ${counts(e.counts)}; schema ${e.schema}`)
  } finally {
    await app.db.knex.destroy()
  }
}

async function restore(file: string, p: DbOpts & { yes?: boolean }, out: Out) {
  const d = await cliDbConfig(p)
  if (d.config.dialect !== 'sqlite') throw new CliError(`${describeDb(d.config)} is restored by its database server (pg_restore / RESTORE DATABASE), not by crm restore`)
  const src = resolveBackup(file)
  if (!src) throw new CliError(`no backup or database file at ${path.resolve(file)}`)
  const check = await checkSqliteFile(src.dbFile)
  if (!check.ok) throw new CliError(`refused, nothing was changed: ${src.dbFile} ${check.problem === 'corrupt' ? 'is damaged' : check.problem === 'newer' ? 'was made by a newer version of the app' : check.problem === 'foreign' ? 'is not a database of this app' : 'is not a readable SQLite database'} (${check.detail})`)
  out.log(`backup ${src.dir ?? src.dbFile}: ${src.manifest ? `taken ${src.manifest.createdAt}, ` : ''}${counts(check.counts)}; schema ${check.schema}`)
  if (!p.yes) throw new CliError('add --yes to replace the current database with it (the current one is backed up first)')
  const running = runningApp(d.dataDir)
  if (running) throw new CliError(`the ${running.what} (pid ${running.pid}) is using ${d.dataDir}: close it first, or restore from 系统设置 → 备份与恢复`)
  const app = await openCliApp(d)
  try {
    const r = await restoreBackup(app, file).catch((x) => Promise.reject(asCli(x)))
    out.log(`restored ${describeDb(d.config)} from ${r.restoredFrom}`)
    out.log(`  the previous data is in ${r.safetyBackup.path}; new sync epoch ${r.epochId} (offline clients reload)`)
  } finally {
    await app.db.knex.destroy()
  }
}
