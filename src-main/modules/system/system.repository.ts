// app_settings rows of the system area (lock.*) and what the About and diagnostics read.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { upsert } from '../../db/dialect'

export async function readSettings(db: Knex, prefix: string): Promise<Record<string, string | null>> {
  const rows: Array<{ key: string; value: string | null }> = await db('app_settings').where('key', 'like', `${prefix}%`).select('key', 'value')
  return Object.fromEntries(rows.map((r) => [r.key.slice(prefix.length), r.value]))
}

export const writeSetting = (db: Knex, dialect: Dialect, key: string, value: string | null, now: string) =>
  upsert(db, dialect, 'app_settings', { key, value, updated_at: now }, ['key'])

/** The newest migration applied (the schema version shown in diagnostics). */
export async function schemaVersion(db: Knex): Promise<string | null> {
  const row = await db('knex_migrations').orderBy('id', 'desc').first('name')
  return row ? String(row.name) : null
}
