// SQL Server's row-versioning settings are checked at start (no SQL Server runs here: the check's
// query is compiled, and its answer is mocked).
import type { Knex } from 'knex'
import { describe, expect, it } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'
import { checkSnapshotIsolation, ENABLE_SNAPSHOT_SQL, SNAPSHOT_SETTINGS_SQL, snapshotWarnings } from '../../src-main/db/snapshot-isolation'

/** A stand-in knex whose raw() answers `rows` (or throws), recording the SQL it was given. */
const fakeKnex = (answer: () => unknown) => {
  const seen: string[] = []
  const knex = { raw: async (sql: string) => (seen.push(sql), answer()) } as unknown as Knex
  return { knex, seen }
}

describe('SQL Server snapshot isolation check (SQL Server mocked)', () => {
  it('reads sys.databases for the current database, in T-SQL that compiles without bindings', () => {
    const q = compilerOnly('mssql').raw(SNAPSHOT_SETTINGS_SQL).toSQL().toNative()
    expect(q).toEqual({ sql: SNAPSHOT_SETTINGS_SQL, bindings: [] })
    expect(q.sql).toMatch(/from sys\.databases where database_id = db_id\(\)$/)
    expect(q.sql).toMatch(/is_read_committed_snapshot_on as rcsi/)
    expect(q.sql).toMatch(/snapshot_isolation_state_desc as snapshot/)
  })

  it('names what is off', () => {
    expect(snapshotWarnings({ rcsi: true, snapshot: 'ON' })).toEqual([])
    expect(snapshotWarnings({ rcsi: 1, snapshot: 'ON' })).toEqual([])
    expect(snapshotWarnings({ rcsi: false, snapshot: 'OFF' })).toEqual([
      'READ_COMMITTED_SNAPSHOT is OFF: readers and writers block each other',
      'ALLOW_SNAPSHOT_ISOLATION is OFF',
    ])
    expect(snapshotWarnings({ rcsi: true, snapshot: 'IN_TRANSITION_TO_ON' })).toEqual(['ALLOW_SNAPSHOT_ISOLATION is IN_TRANSITION_TO_ON'])
    expect(snapshotWarnings(undefined)).toHaveLength(1)
  })

  it('warns once, with the one-time commands, when row versioning is off; says nothing when it is on', async () => {
    const off = fakeKnex(() => [{ rcsi: false, snapshot: 'OFF' }])
    const warnings: string[] = []
    expect(await checkSnapshotIsolation(off.knex, (m) => warnings.push(m))).toHaveLength(2)
    expect(off.seen).toEqual([SNAPSHOT_SETTINGS_SQL])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('READ_COMMITTED_SNAPSHOT is OFF')
    for (const cmd of ENABLE_SNAPSHOT_SQL) expect(warnings[0]).toContain(cmd)
    expect(ENABLE_SNAPSHOT_SQL.join(' ')).toMatch(/SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;.*SET ALLOW_SNAPSHOT_ISOLATION ON;/)

    const on = fakeKnex(() => [{ rcsi: true, snapshot: 'ON' }])
    const none: string[] = []
    expect(await checkSnapshotIsolation(on.knex, (m) => none.push(m))).toEqual([])
    expect(none).toEqual([])
  })

  it('a failing check (no permission on sys.databases) warns and never stops the start', async () => {
    const broken = fakeKnex(() => {
      throw new Error('VIEW DATABASE STATE permission denied')
    })
    const warnings: string[] = []
    const problems = await checkSnapshotIsolation(broken.knex, (m) => warnings.push(m))
    expect(problems[0]).toMatch(/cannot check/)
    expect(warnings).toHaveLength(1)
  })
})
