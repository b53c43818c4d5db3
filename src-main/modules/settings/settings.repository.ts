import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'

const VERSION_SQL: Record<Dialect, string> = {
  sqlite: 'select sqlite_version() as v',
  postgres: 'select version() as v',
  mssql: 'select @@VERSION as v',
}

/** The server's own version line, e.g. "PostgreSQL 15.18 …" or "Microsoft SQL Server 2022 …". */
export async function serverVersion(db: Knex, dialect: Dialect): Promise<string> {
  const r = await db.raw(VERSION_SQL[dialect])
  const row = Array.isArray(r) ? r[0] : r?.rows?.[0]
  const v = String(row?.v ?? '').split('\n')[0].trim()
  return dialect === 'sqlite' ? `SQLite ${v}` : v
}
