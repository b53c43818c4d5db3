// Test harness: a real, migrated and seeded central database (SQLite in a temp file, or a
// fresh PostgreSQL database when CRM_TEST_PG_URL is set) plus a caller that goes through
// the same dispatch() as Electron and the HTTP bridge.
// "mssql id mode" (CRM_TEST_MSSQL_IDS=1, `npm run test:mssql-ids`): the integration suite runs on
// SQLite with every UUID read back upper-cased, as SQL Server's driver returns uniqueidentifier,
// underneath the app's own id normalisation (the one SQL Server connections use).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import knexFactory from 'knex'
import { describe } from 'vitest'
import { openApp } from '../../src-main/app/bootstrap'
import { AdjustableClock } from '../../src-main/db/clock'
import type { AppContext } from '../../src-main/modules/context'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import type { ApiResult } from '../../src-main/contract/common'
import type { Area, CallInput, CallName, CallOutput } from '../../src-main/contract/index'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { mapUuidStrings } from '../../src-main/db/dialect'

export type TestDialect = 'sqlite' | 'postgres'

export const PG_URL = process.env.CRM_TEST_PG_URL ?? ''

/** The suite runs in mssql id mode (on SQLite only). */
export const MSSQL_IDS = process.env.CRM_TEST_MSSQL_IDS === '1'

/** Dialects the integration suite runs on. In CI PostgreSQL is mandatory. */
export function testDialects(): TestDialect[] {
  if (MSSQL_IDS) return ['sqlite']
  if (PG_URL) return ['sqlite', 'postgres']
  if (process.env.CI === 'true') throw new Error('CI=true but CRM_TEST_PG_URL is not set: PostgreSQL tests must not be skipped')
  return ['sqlite']
}

/** describe() once per dialect: `describeEachDb('customers', (dialect) => { … })`. */
export function describeEachDb(name: string, fn: (dialect: TestDialect) => void) {
  for (const d of testDialects()) describe(`${name} [${d}${MSSQL_IDS ? ', mssql ids' : ''}]`, () => fn(d))
}

/**
 * How ids come back from the database: as stored; upper-cased like SQL Server's driver returns
 * uniqueidentifier, under the app's normalisation (the mssql id mode); or upper-cased with the
 * normalisation switched off ('driver-only': only for the harness's own check that the simulation is on).
 */
export type IdMode = 'plain' | 'mssql' | 'driver-only'

const upperCaseUuids = <T>(resp: T): T => mapUuidStrings(resp, (s) => s.toUpperCase())

/**
 * Reads every UUID-shaped value back upper-cased before the app's own response hook runs, as
 * tedious does below knex. Installed after migrations and seeding (they only write ids).
 */
function simulateMssqlDriver(knex: import('knex').Knex) {
  const config = knex.client.config as { postProcessResponse?: ((r: unknown, ctx: unknown) => unknown) | null }
  const app = config.postProcessResponse
  config.postProcessResponse = (resp, ctx) => (app ? app(upperCaseUuids(resp), ctx) : upperCaseUuids(resp))
}

export interface TestApp {
  app: AppContext
  clock: AdjustableClock
  sessions: SessionStore
  /** Calls through dispatch() as the given session key; returns the raw envelope. */
  raw(sessionKey: string, area: string, call: string, input: unknown): Promise<ApiResult<unknown>>
  /** Typed call that throws on an error envelope. */
  call<A extends Area, C extends CallName<A>>(sessionKey: string, area: A, call: C, input: CallInput<A, C>): Promise<CallOutput<A, C>>
  /** Creates a user with a seeded role and logs it in; returns its session key. */
  userSession(login: string, roleCode: string, opts?: { teamId?: string | null; name?: string }): Promise<{ key: string; userId: string }>
  teamId(name: string): Promise<string>
  close(): Promise<void>
}

export async function makeTestApp(dialect: TestDialect = 'sqlite', opts: { ids?: IdMode } = {}): Promise<TestApp> {
  const ids: IdMode = opts.ids ?? (MSSQL_IDS && dialect === 'sqlite' ? 'mssql' : 'plain')
  if (ids !== 'plain' && dialect !== 'sqlite') throw new Error('the mssql id mode runs on SQLite')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-test-'))
  const clock = new AdjustableClock()
  let cleanup = async () => {}
  let app: AppContext
  if (dialect === 'postgres') {
    const dbName = 'crm_t_' + randomBytes(6).toString('hex')
    const admin = knexFactory({ client: 'pg', connection: PG_URL })
    await admin.raw(`create database ${dbName}`)
    const u = new URL(PG_URL)
    u.pathname = '/' + dbName
    app = await openApp({ db: { dialect: 'postgres', url: u.toString() }, dataDir: dir, clock })
    cleanup = async () => {
      await app.db.knex.destroy()
      await admin.raw(`drop database if exists ${dbName} with (force)`)
      await admin.destroy()
    }
  } else {
    app = await openApp({
      db: { dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') }, dataDir: dir, clock, dbOptions: { normaliseIds: ids === 'mssql' },
    })
    if (ids !== 'plain') simulateMssqlDriver(app.db.knex)
    cleanup = async () => {
      await app.db.knex.destroy()
    }
  }
  const sessions = new SessionStore()
  const deps = { app, sessions }
  const raw = (key: string, area: string, call: string, input: unknown) => dispatch(deps, area, call, input, key)
  const t: TestApp = {
    app,
    clock,
    sessions,
    raw,
    async call(key, area, call, input) {
      const r = await raw(key, area, call, input)
      if (!r.ok) throw Object.assign(new Error(`${area}.${call}: ${r.error.code}: ${r.error.message}`), { apiError: r.error })
      return r.data as never
    },
    async teamId(name) {
      const k = app.db.knex
      const found = await k('teams').where({ name }).first()
      if (found) return found.id
      const id = crypto.randomUUID()
      const now = new Date().toISOString()
      await k('teams').insert({ id, name, created_at: now, updated_at: now, version: 0 })
      return id
    },
    async userSession(login, roleCode, opts = {}) {
      const k = app.db.knex
      const role = await k('roles').where({ code: roleCode }).first()
      if (!role) throw new Error(`no role ${roleCode}`)
      const userId = await k.transaction((trx) =>
        insertUser(app, trx, { login, name: opts.name ?? login, password: 'secret-pass-1', roleId: role.id, teamId: opts.teamId ?? null }),
      )
      const key = 'test-' + login
      sessions.set(key, userId)
      return { key, userId }
    },
    async close() {
      await cleanup()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  return t
}
