// 系统设置 → 数据库连接: show the saved (or in-use) connection without its password, test a
// connection, migrate and seed a database, save the connection for the next start, and the
// browser-mode test hook that moves the app clock.
import fs from 'node:fs'
import knexFactory, { type Knex } from 'knex'
import type { AppContext, ServiceContext } from '../../app/context'
import { prepareDb } from '../../app/bootstrap'
import { AdjustableClock } from '../../db/clock'
import { describeDb, type DbConfig } from '../../db/config'
import { knexConfig, type Db } from '../../db/connection'
import { pendingMigrations } from '../../db/migrate'
import { migrations } from '../../../db/migrations/index'
import { AppError, forbidden, ruleError } from '../../ipc/errors'
import { redact } from '../../ipc/log'
import { requirePerm } from '../auth/permissions'
import { splitPassword, toDbConfig, withPassword, type DbConnection } from './settings.store'
import { serverVersion } from './settings.repository'

export { FileSettingsStore, MemorySettingsStore, type SecretCodec, type SettingsStore } from './settings.store'

export const CONNECT_TIMEOUT_MS = 10_000

/** The connection the running app was opened with (set by openApp). */
export const configInUse = (app: AppContext): DbConfig | null => app.dbConfig ?? null

const savedConfig = (app: AppContext): DbConfig | null => app.settingsStore?.load() ?? configInUse(app)

function serverOf(cfg: DbConfig): { host: string; user: string } | null {
  if (cfg.dialect === 'mssql') return { host: cfg.host.toLowerCase(), user: cfg.user }
  if (cfg.dialect === 'postgres') {
    try {
      const u = new URL(cfg.url)
      return { host: u.host.toLowerCase(), user: decodeURIComponent(u.username) }
    } catch {
      return null
    }
  }
  return null
}

/**
 * The form's connection as a config. A blank password means "keep the saved one" — but only
 * for the same server and user, so a saved password is never sent to another host.
 */
export function resolveConfig(input: DbConnection, saved: DbConfig | null): DbConfig {
  const cfg = toDbConfig(input)
  if (!saved || saved.dialect !== cfg.dialect || splitPassword(cfg).password) return cfg
  const a = serverOf(cfg)
  const b = serverOf(saved)
  if (!a || !b || a.host !== b.host || a.user !== b.user) return cfg
  return withPassword(cfg, splitPassword(saved).password)
}

function targetOf(cfg: DbConfig): string {
  if (cfg.dialect === 'sqlite') return cfg.file
  if (cfg.dialect === 'mssql') return cfg.instance ? `${cfg.host}\\${cfg.instance}` : `${cfg.host}:${cfg.port ?? 1433}`
  try {
    const u = new URL(cfg.url)
    return `${u.hostname}:${u.port || 5432}`
  } catch {
    return 'the server'
  }
}

/** Why a connection failed, in words an administrator can act on; null when unknown. */
function knownReason(e: unknown, cfg: DbConfig): string | null {
  const text = errorText(e)
  const where = targetOf(cfg)
  if (/ECONNREFUSED/.test(text)) return `connection refused by ${where}: is the database server running and is the port right?`
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) return `host not found: ${where}`
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return `${where} cannot be reached from this computer: check the network and firewall`
  if (/28P01|password authentication failed|ELOGIN|Login failed/i.test(text)) return `login failed for user "${serverOf(cfg)?.user ?? ''}": check the user name and password`
  if (/3D000|database .* does not exist|Cannot open database/i.test(text)) return `the database does not exist or cannot be opened on ${where}`
  if (/ETIMEDOUT|ETIMEOUT|timeout|timed out/i.test(text)) return `no answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`
  if (/SQLITE_CANTOPEN|unable to open database/i.test(text)) return `cannot open the database file ${where}`
  if (/certificate|self.signed/i.test(text)) return `the TLS certificate of ${where} is not trusted (for a self-signed certificate turn on "trust server certificate")`
  return null
}

/** Codes and messages of an error and what it wraps (tedious hides ECONNREFUSED in an AggregateError). */
function errorText(e: unknown, depth = 0): string {
  if (!e || depth > 3) return ''
  if (typeof e !== 'object') return String(e)
  const x = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; originalError?: unknown }
  const inner = [x.cause, x.originalError, ...(Array.isArray(x.errors) ? x.errors : [])].map((i) => errorText(i, depth + 1))
  return [String(x.code ?? ''), String(x.message ?? ''), ...inner].join(' ')
}

/** A clear reason why a connection failed; never contains the password. */
export function connectionMessage(e: unknown, cfg: DbConfig): string {
  const reason = knownReason(e, cfg) ?? `cannot connect to ${targetOf(cfg)}: ${e instanceof Error ? e.message : String(e)}`
  return scrub(reason, cfg)
}

function scrub(s: string, cfg: DbConfig): string {
  const pw = splitPassword(cfg).password
  let out = redact(s)
  for (const secret of new Set([pw, safeDecode(pw)])) if (secret) out = out.split(secret).join('***')
  return out
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** A short-lived handle for testing or migrating a database other than the one in use. */
function openProbe(cfg: DbConfig): Db {
  const base = knexConfig(cfg)
  const config: Knex.Config =
    cfg.dialect === 'sqlite'
      ? base
      : {
          ...base,
          connection: cfg.dialect === 'postgres' ? { connectionString: cfg.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS } : base.connection,
          pool: { min: 0, max: 1 },
          acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
        }
  // failures are reported to the caller as a clear message; knex's own console noise is not wanted
  const quiet = () => undefined
  return { knex: knexFactory({ ...config, log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet } }), dialect: cfg.dialect }
}

/** Guards against a driver that ignores its own timeout. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

function toView(app: AppContext, cfg: DbConfig) {
  const { rest, password } = splitPassword(cfg)
  return {
    dialect: cfg.dialect,
    file: cfg.dialect === 'sqlite' ? cfg.file : null,
    url: rest.dialect === 'postgres' ? rest.url : null,
    host: cfg.dialect === 'mssql' ? cfg.host : null,
    port: cfg.dialect === 'mssql' ? (cfg.port ?? null) : null,
    instance: cfg.dialect === 'mssql' ? (cfg.instance ?? null) : null,
    database: cfg.dialect === 'mssql' ? cfg.database : null,
    user: cfg.dialect === 'mssql' ? cfg.user : null,
    hasPassword: !!password,
    encrypt: cfg.dialect === 'mssql' ? cfg.encrypt !== false : true,
    trustServerCertificate: cfg.dialect === 'mssql' ? cfg.trustServerCertificate === true : false,
    canSavePassword: app.settingsStore?.canSavePassword ?? false,
    description: describeDb(cfg),
  }
}

export async function getDb(ctx: ServiceContext) {
  requirePerm(ctx.actor, 'settings', 'view')
  const cfg = savedConfig(ctx)
  if (!cfg) throw new AppError('not_found', 'no database connection is configured', { key: 'errors.not_found' })
  return toView(ctx, cfg)
}

export async function testDb(ctx: ServiceContext, input: DbConnection) {
  requirePerm(ctx.actor, 'settings', 'edit')
  const cfg = resolveConfig(input, savedConfig(ctx))
  if (cfg.dialect === 'sqlite' && cfg.file !== ':memory:' && !fs.existsSync(cfg.file)) {
    // testing must not create the file; report what migrating it would do
    const mem = openProbe({ dialect: 'sqlite', file: ':memory:' })
    try {
      const version = await serverVersion(mem.knex, 'sqlite')
      return { ok: true, serverVersion: version, pendingMigrations: migrations.map((m) => m.name), message: `${cfg.file} does not exist yet; it is created when the database is migrated` }
    } finally {
      await mem.knex.destroy()
    }
  }
  const db = openProbe(cfg)
  try {
    const version = await withTimeout(serverVersion(db.knex, cfg.dialect), CONNECT_TIMEOUT_MS + 2_000)
    const pending = await withTimeout(pendingMigrations(db), CONNECT_TIMEOUT_MS + 2_000)
    return { ok: true, serverVersion: version, pendingMigrations: pending, message: null }
  } catch (e) {
    return { ok: false, serverVersion: null, pendingMigrations: [], message: connectionMessage(e, cfg) }
  } finally {
    await db.knex.destroy().catch(() => undefined)
  }
}

export async function migrateDb(ctx: ServiceContext, input: DbConnection) {
  requirePerm(ctx.actor, 'settings', 'edit')
  const cfg = resolveConfig(input, savedConfig(ctx))
  const db = openProbe(cfg)
  try {
    const pending = await withTimeout(pendingMigrations(db), CONNECT_TIMEOUT_MS + 2_000)
    await prepareDb(db, ctx.clock)
    return { applied: pending }
  } catch (e) {
    const reason = knownReason(e, cfg)
    if (reason) throw new AppError('db_unreachable', scrub(reason, cfg), { key: 'errors.db_unreachable' })
    throw e
  } finally {
    await db.knex.destroy().catch(() => undefined)
  }
}

export async function saveDb(ctx: ServiceContext, input: DbConnection) {
  requirePerm(ctx.actor, 'settings', 'edit')
  const store = ctx.settingsStore
  if (!store) throw ruleError('settings.errors.noStore', 'connection settings cannot be saved in this mode')
  store.save(resolveConfig(input, savedConfig(ctx)))
  return { ok: true as const, restartRequired: true }
}

/** Test hook: only with CRM_TEST_HOOKS=1 and an adjustable clock (browser-mode e2e tests). */
export async function setClock(ctx: ServiceContext, input: { now: string | null }) {
  requirePerm(ctx.actor, 'settings', 'edit')
  const clock = ctx.clock
  if (process.env.CRM_TEST_HOOKS !== '1' || !(clock instanceof AdjustableClock)) throw forbidden('settings', 'setClock')
  if (input.now) clock.setNow(new Date(input.now))
  else clock.reset()
  return { ok: true as const }
}
