// Builds the knex handle for each dialect and normalises what drivers return
// (PostgreSQL dates and bigints as strings, SQLite foreign keys and WAL).
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import pg from 'pg'
import type { DbConfig, Dialect } from './config'
import { doubleHan, lowerCaseIds } from './dialect'
import { sqliteNativeBinding } from './sqlite-binding'
import { attachWalCheckpoints, checkpointsOffThread, WAL_FALLBACK_PAGES, WAL_SIZE_LIMIT_BYTES } from './wal-checkpoints'

let pgParsersSet = false
function setPgTypeParsers() {
  if (pgParsersSet) return
  pgParsersSet = true
  pg.types.setTypeParser(20, (v) => Number(v)) // int8: counts, cents, versions (< 2^53)
  pg.types.setTypeParser(1082, (v) => v) // date stays YYYY-MM-DD
  pg.types.setTypeParser(1184, (v) => new Date(v).toISOString()) // timestamptz → ISO UTC
  pg.types.setTypeParser(1114, (v) => new Date(v + 'Z').toISOString())
  pg.types.setTypeParser(1700, (v) => Number(v)) // numeric quantities
}

export { setSqliteNativeBinding, sqliteNativeBinding } from './sqlite-binding'

export interface Db {
  knex: Knex
  dialect: Dialect
}

/**
 * The SQLite file and its journal files readable by the OS user only (0600); SQLite gives a
 * -wal/-shm it creates later the database file's mode. A no-op on Windows (ACLs of the profile).
 */
function ownerOnly(file: string) {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(f, 0o600)
    } catch {
      // missing, or not ours to change (a shared file chosen by an administrator)
    }
  }
}

export interface DbOptions {
  /**
   * Lower-case every UUID read back (always on for SQL Server). Tests turn it on for SQLite in
   * the "mssql id mode", where the harness reads every id back upper-cased as SQL Server would.
   */
  normaliseIds?: boolean
  /**
   * SQLite only: enforce foreign keys (default on). A sync client's cache turns it off: it is a
   * replica filled page by page in central version order, so a record may arrive before its customer.
   */
  foreignKeys?: boolean
  /**
   * A desktop client's connection to the central database: give up within seconds when the server
   * does not answer (connect, pool wait, query), so the client goes offline instead of hanging.
   */
  failFast?: boolean
  /**
   * SQLite only: how long a statement waits for another connection's write lock (default 5 s).
   * A batch job's connection of its own in a worker thread waits longer: it never holds up a user.
   */
  busyTimeoutMs?: number
}

/** failFast: how long a connect / a wait for a pooled connection / a query may take. */
export const FAIL_FAST_MS = { connect: 5_000, acquire: 6_000, query: 60_000 }

const normalised = (on: boolean | undefined): Pick<Knex.Config, 'postProcessResponse'> =>
  on ? { postProcessResponse: (resp: unknown) => lowerCaseIds(resp) } : {}

/** Statements kept prepared per SQLite connection (the most recently used). */
const PREPARED_CACHE = 500
const CACHEABLE = /^\s*(select|insert|update|delete|with)\b/i

/**
 * knex prepares every statement afresh; on SQLite preparing costs about as much as running a
 * small statement (a fifth of a write's CPU when profiled). The connection keeps its most recent
 * data statements prepared by their text (better-sqlite3 statements are reusable, knex runs each
 * to completion, and SQLite re-prepares one by itself after a schema change).
 */
function cachePrepared(conn: { prepare: (sql: string) => unknown }) {
  const prepare = conn.prepare.bind(conn)
  const cache = new Map<string, unknown>()
  conn.prepare = (sql: string) => {
    if (!CACHEABLE.test(sql)) return prepare(sql)
    let st = cache.get(sql)
    if (st) {
      cache.delete(sql)
    } else {
      st = prepare(sql)
      if (cache.size >= PREPARED_CACHE) cache.delete(cache.keys().next().value!)
    }
    cache.set(sql, st)
    return st
  }
}

type SqliteConnection = {
  pragma: (s: string) => unknown
  prepare: (sql: string) => unknown
  function: (name: string, o: { deterministic: boolean }, fn: (x: unknown) => unknown) => unknown
}

/**
 * The SQL functions the schema's triggers call (migration 20261206003300): every SQLite
 * connection of the app registers them when it opens. `crm_double_han(text)`: the text with its
 * Chinese characters doubled for the FTS5 trigram search indexes ('' for null).
 */
export function registerSqliteFunctions(conn: Pick<SqliteConnection, 'function'>) {
  conn.function('crm_double_han', { deterministic: true }, (x) => (typeof x === 'string' ? doubleHan(x) : ''))
}

type SqliteTransactionClass = new (...args: unknown[]) => { query(conn: unknown, sql: string): unknown }
let ImmediateTransaction: SqliteTransactionClass | null = null

/**
 * SQLite transactions of the handle begin with BEGIN IMMEDIATE: they take SQLite's write lock at
 * their start. With one connection nothing changes. With a second writer on the file (an import in
 * a worker thread, app/imports-thread.ts) a plain BEGIN that read first and wrote after the other
 * connection committed would fail with SQLITE_BUSY at once (the busy timeout does not apply to a
 * read snapshot gone stale); taken at BEGIN, the lock is waited for instead (busy_timeout), for at
 * most one of the other writer's short transactions. knex's client keeps its name (migrations
 * read `client.config.client`); only its transaction class is swapped.
 */
function beginImmediate(knex: Knex) {
  if (!ImmediateTransaction) {
    const Tx = createRequire(import.meta.url)('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js') as SqliteTransactionClass
    ImmediateTransaction = class extends Tx {
      begin(conn: unknown) {
        return this.query(conn, 'BEGIN IMMEDIATE;')
      }
    }
  }
  const T = ImmediateTransaction
  ;(knex.client as { transaction: (...args: unknown[]) => unknown }).transaction = function (this: unknown, ...args: unknown[]) {
    return new T(this, ...args)
  }
}

export function knexConfig(c: DbConfig, opts: DbOptions = {}): Knex.Config {
  if (c.dialect === 'sqlite') {
    const offThread = walCheckpointsOffThread(c)
    // a folder made for the database is the user's only; an existing one is left as it is
    if (c.file !== ':memory:') fs.mkdirSync(path.dirname(c.file), { recursive: true, mode: 0o700 })
    return {
      client: 'better-sqlite3',
      connection: { filename: c.file, options: { nativeBinding: sqliteNativeBinding() } },
      useNullAsDefault: true,
      ...normalised(opts.normaliseIds),
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (e: Error | null, c: unknown) => void) => {
          if (c.file !== ':memory:') ownerOnly(c.file) // opened (so created) by now; before WAL makes its files
          cachePrepared(conn)
          registerSqliteFunctions(conn)
          conn.pragma(opts.foreignKeys === false ? 'foreign_keys = OFF' : 'foreign_keys = ON')
          conn.pragma('journal_mode = WAL')
          conn.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`)
          // checkpoints in a worker thread (wal-checkpoints.ts): this connection only as a fallback
          if (offThread) {
            conn.pragma(`wal_autocheckpoint = ${WAL_FALLBACK_PAGES}`)
            conn.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`) // the -wal file cut back when it starts over
          }
          // list scans read the whole customers table: memory-map it, and let SQLite
          // gather index statistics on open so it picks the right index on big tables:
          // every table (0x10000), ANALYZE where it may help (0x2). NOT under SQLite's temporary
          // analysis limit (0x10): after a migration adds an index to customers, that limit
          // re-analysed the whole table from a sample and rated deleted_at (NULL on nearly every
          // row) as selective — 532 rows per value instead of 100,000 — and the reports then
          // drove joins from the customers (客户流失分析 207 → 1,635 ms at 100,000). A full
          // ANALYZE at the first open of a never-analysed big file holds the loop once (issue 8).
          conn.pragma('mmap_size = 268435456')
          conn.pragma('optimize = 0x10002')
          done(null, conn)
        },
      },
    }
  }
  if (c.dialect === 'postgres') {
    setPgTypeParsers()
    if (opts.failFast) {
      return {
        client: 'pg',
        connection: { connectionString: c.url, connectionTimeoutMillis: FAIL_FAST_MS.connect, query_timeout: FAIL_FAST_MS.query, keepAlive: true },
        acquireConnectionTimeout: FAIL_FAST_MS.acquire,
        pool: { min: 0, max: 10, idleTimeoutMillis: 10_000 },
        ...normalised(opts.normaliseIds),
      }
    }
    return { client: 'pg', connection: c.url, pool: { min: 0, max: 10 }, ...normalised(opts.normaliseIds) }
  }
  // passed through to tedious as they are (knex's typings do not list lowerCaseGuids)
  const options = {
    instanceName: c.instance,
    encrypt: c.encrypt ?? true,
    trustServerCertificate: c.trustServerCertificate ?? false,
    useUTC: true,
    // uniqueidentifier comes back upper-case by default; the app writes and compares
    // lower-case ids (the normalisation below stays on as the boundary's guarantee)
    lowerCaseGuids: true,
  }
  return {
    client: 'mssql',
    connection: {
      server: c.host,
      port: c.instance ? undefined : (c.port ?? 1433),
      database: c.database,
      user: c.user,
      password: c.password,
      options,
      connectionTimeout: opts.failFast ? FAIL_FAST_MS.connect : 10_000,
      requestTimeout: opts.failFast ? FAIL_FAST_MS.query : 30_000,
    },
    ...(opts.failFast ? { acquireConnectionTimeout: FAIL_FAST_MS.acquire } : {}),
    pool: { min: 0, max: 10 },
    ...normalised(true),
  }
}

export function openDb(c: DbConfig, opts: DbOptions = {}): Db {
  const knex = knexFactory(knexConfig(c, opts))
  if (c.dialect === 'sqlite') beginImmediate(knex)
  if (c.dialect === 'sqlite' && walCheckpointsOffThread(c)) attachWalCheckpoints(knex, c.file)
  return { knex, dialect: c.dialect }
}

const walCheckpointsOffThread = (c: DbConfig & { dialect: 'sqlite' }) => c.file !== ':memory:' && checkpointsOffThread()

/** A knex that only compiles SQL (no connection): used to print mssql DDL and in tests. */
export function compilerOnly(dialect: Dialect): Knex {
  const client = dialect === 'sqlite' ? 'better-sqlite3' : dialect === 'postgres' ? 'pg' : 'mssql'
  return knexFactory({ client, useNullAsDefault: true })
}

/** Fails fast with a clear message when the server cannot be reached. */
export async function checkConnection(db: Db): Promise<void> {
  await db.knex.raw('select 1 as ok')
}
