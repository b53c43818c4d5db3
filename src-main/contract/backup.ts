// 备份与恢复. The embedded SQLite database: automatic daily backups into a folder the
// administrator chooses (the last N daily and M monthly kept), 立即备份, and 恢复 from a backup
// (the current database is backed up first). A backup is a folder: crm.sqlite, attachments/
// and manifest.json. For PostgreSQL and SQL Server the database server backs up; the page shows
// the commands. Every user who may export customers can save an .xlsx archive of what they see.
import { z } from 'zod'
import { call, Empty, IsoDateTime, str } from './common'

export const ARCHIVE_SHEETS = ['customers', 'contacts', 'interactions'] as const

export const BackupKind = z.enum(['auto', 'manual', 'pre-restore'])
export type BackupKind = z.infer<typeof BackupKind>

export const BackupEntry = z.object({
  /** folder name, e.g. crm-backup-20261206-031500-auto */
  name: z.string(),
  /** absolute path of the backup folder */
  path: z.string(),
  kind: BackupKind,
  createdAt: IsoDateTime,
  /** database file plus attachments */
  sizeBytes: z.number().int(),
  attachments: z.number().int(),
  appVersion: z.string(),
  /** the newest migration the database has */
  schema: z.string().nullable(),
  /** live rows of a few tables when it was taken */
  counts: z.record(z.string(), z.number().int()),
})
export type BackupEntry = z.infer<typeof BackupEntry>

export const BackupSettings = z.object({
  /** the daily automatic backup */
  enabled: z.boolean(),
  /** where backups go; null: <data folder>/backups */
  folder: z.string().nullable(),
  keepDaily: z.number().int().min(1).max(365),
  keepMonthly: z.number().int().min(0).max(120),
})
export type BackupSettings = z.infer<typeof BackupSettings>

export const BackupSettingsInput = z.strictObject({
  enabled: z.boolean(),
  folder: str().trim().max(1000).nullable(),
  keepDaily: z.number().int().min(1).max(365),
  keepMonthly: z.number().int().min(0).max(120),
})

export const ServerBackupCommand = z.object({
  /** what it does: backup, restore, and the new sync epoch after a restore (clients reload) */
  purpose: z.enum(['backup', 'restore', 'afterRestore']),
  command: z.string(),
})

export const BackupStatus = z.object({
  /** true for the embedded SQLite database: this app backs it up; false: the database server does */
  supported: z.boolean(),
  dialect: z.enum(['sqlite', 'postgres', 'mssql']),
  settings: BackupSettings,
  /** the folder in use (the setting, or the default) */
  folder: z.string().nullable(),
  lastAt: IsoDateTime.nullable(),
  /** the last automatic backup's failure, in English (the UI shows it as is) */
  lastError: z.string().nullable(),
  backups: z.array(BackupEntry),
  /** for PostgreSQL / SQL Server: the documented commands, for this database (never a password) */
  serverCommands: z.array(ServerBackupCommand),
})

export const RestoreInput = z.strictObject({
  /** a backup folder (from the list or picked) or a database file */
  path: str().trim().min(1).max(1000),
  /** the user confirmed that the current data is replaced */
  confirm: z.literal(true),
})

export const BackupCheck = z.object({
  ok: z.boolean(),
  /** i18n key of the problem (backup.errors.*) when not ok */
  problemKey: z.string().nullable(),
  detail: z.string().nullable(),
  schema: z.string().nullable(),
  counts: z.record(z.string(), z.number().int()),
  /** when it was taken (from its manifest), if known */
  createdAt: IsoDateTime.nullable(),
})

export const backupContract = {
  status: call(Empty, BackupStatus),
  saveSettings: call(BackupSettingsInput, BackupSettings),
  /** 立即备份 */
  run: call(Empty, BackupEntry),
  /** Checks a backup before the restore is confirmed (integrity, ours, its date and counts); changes nothing. */
  inspect: call(z.strictObject({ path: str().trim().min(1).max(1000) }), BackupCheck),
  /** 恢复: replaces the database (and attachments) with the backup, after backing up the current ones. */
  restore: call(RestoreInput, z.object({ restoredFrom: z.string(), safetyBackup: BackupEntry, epochId: z.string() })),
  /** An .xlsx archive of every customer, contact and interaction the caller may see (any database). */
  exportArchive: call(
    z.strictObject({ locale: z.enum(['zh-CN', 'en-US']).default('zh-CN') }).default({ locale: 'zh-CN' }),
    z.object({ path: z.string(), rows: z.record(z.string(), z.number().int()) }),
  ),
} as const
