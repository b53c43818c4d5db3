// SQL Server's plain READ COMMITTED makes readers and writers wait for each other (shared locks):
// a list read waits for a reminder evaluation's chunk, a save waits for a long report. With
// READ_COMMITTED_SNAPSHOT readers see the last committed row versions instead, as on PostgreSQL;
// ALLOW_SNAPSHOT_ISOLATION lets consistent multi-statement reads (sync pulls) use SNAPSHOT.
// Switching them on needs exclusive use of the database (ALTER DATABASE … WITH ROLLBACK IMMEDIATE
// ends everyone's open transactions) and cannot run inside a migration's transaction, so it is a
// one-time command for the database administrator (README, SQL Server); the app checks it at
// start and warns when it is off.
import type { Knex } from 'knex'
import { logWarn } from '../shared/log'

export const SNAPSHOT_SETTINGS_SQL =
  'select is_read_committed_snapshot_on as rcsi, snapshot_isolation_state_desc as snapshot from sys.databases where database_id = db_id()'

export const ENABLE_SNAPSHOT_SQL = [
  'ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;',
  'ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;',
]

/** What is missing, from the row SNAPSHOT_SETTINGS_SQL answers (none: all set). */
export function snapshotWarnings(row: { rcsi?: unknown; snapshot?: unknown } | undefined): string[] {
  if (!row) return ['cannot read this database\'s isolation settings from sys.databases']
  const out: string[] = []
  if (!(row.rcsi === true || row.rcsi === 1 || row.rcsi === '1')) out.push('READ_COMMITTED_SNAPSHOT is OFF: readers and writers block each other')
  if (String(row.snapshot ?? '').toUpperCase() !== 'ON') out.push(`ALLOW_SNAPSHOT_ISOLATION is ${String(row.snapshot ?? 'unknown')}`)
  return out
}

/**
 * Warns (through the logger) when the SQL Server database runs without row versioning, with the
 * commands that switch it on. Never fails the start: the app works, only with more waiting.
 */
export async function checkSnapshotIsolation(knex: Knex, warn: (msg: string) => void = logWarn): Promise<string[]> {
  let problems: string[]
  try {
    const rows = (await knex.raw(SNAPSHOT_SETTINGS_SQL)) as Array<{ rcsi?: unknown; snapshot?: unknown }>
    problems = snapshotWarnings(rows?.[0])
  } catch (e) {
    problems = [`cannot check the isolation settings: ${(e as Error)?.message ?? e}`]
  }
  if (problems.length) {
    warn(`SQL Server: ${problems.join('; ')}. Run once as the database owner, when no one is connected: ${ENABLE_SNAPSHOT_SQL.join(' ')} (README: SQL Server)`)
  }
  return problems
}
