// app_settings rows of backups (backup.*) and the few reads a backup's manifest needs.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { upsert } from '../../db/dialect'

export const BACKUP_PREFIX = 'backup.'

export async function readBackupRows(db: Knex): Promise<Record<string, string | null>> {
  const rows: Array<{ key: string; value: string | null }> = await db('app_settings').where('key', 'like', `${BACKUP_PREFIX}%`).select('key', 'value')
  return Object.fromEntries(rows.map((r) => [r.key.slice(BACKUP_PREFIX.length), r.value]))
}

export const writeBackupRow = (db: Knex, dialect: Dialect, key: string, value: string | null, now: string) =>
  upsert(db, dialect, 'app_settings', { key: BACKUP_PREFIX + key, value, updated_at: now }, ['key'])
