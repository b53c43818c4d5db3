// 系统设置 → 数据库连接: show the saved (or in-use) connection without its password, test a
// connection, migrate and seed a database, save the connection for the next start, and the
// browser-mode test hook that moves the app clock. While the desktop app cannot reach its
// database nobody can log in, so showing, testing and saving the connection then work
// without a session (requireConnectionPerm).
import fs from 'node:fs'
import knexFactory, { type Knex } from 'knex'
import type { Actor, AppContext, ServiceContext } from '../context'
import { prepareDb } from '../../db/prepare'
import { AdjustableClock } from '../../db/clock'
import { describeDb, type DbConfig } from '../../db/config'
import { knexConfig, type Db } from '../../db/connection'
import { pendingMigrations } from '../../db/migrate'
import { migrations } from '../../../db/migrations/index'
import { AppError, forbidden, ruleError } from '../../shared/errors'
import { logInfo, redact } from '../../shared/log'
import { requirePerm } from '../auth/permissions'
import { splitPassword, toDbConfig, withPassword, type DbConnection } from './settings.store'
import { serverVersion } from './settings.repository'

export { FileSettingsStore, MemorySettingsStore, type SecretCodec, type SettingsStore } from './settings.store'

export const CONNECT_TIMEOUT_MS = 10_000

/** A connection call's context: the actor is null only while the connection is being repaired. */
export type SettingsContext = AppContext & { actor: Actor | null }

/**
 * Whether the connection may be shown, tested and saved without a session: only on the stand-in
 * context of a desktop app whose database cannot be reached (never in the browser mode, whose
 * bridge would otherwise let any local caller rewrite the connection).
 */
export const canRepairWithoutLogin = (app: AppContext) => app.unreachable === true && !app.browserMode

/** The settings permission from the session, or no session at all while repairing the connection. */
function requireConnectionPerm(ctx: SettingsContext, action: 'view' | 'edit') {
  if (ctx.actor) return requirePerm(ctx.actor, 'settings', action)
  if (!canRepairWithoutLogin(ctx)) throw new AppError('unauthenticated', 'please log in', { key: 'errors.unauthenticated' })
}

/** The connection the running app was opened with (set by openApp). */
export const configInUse = (app: AppContext): DbConfig | null => app.dbConfig ?? null

const savedConfig = (app: AppContext): DbConfig | null => app.settingsStore?.load() ?? configInUse(app)

/**
 * Query parameters with which node-postgres connects somewhere else than the URL's host, port
 * or user (`postgres://crm@db/crm?host=elsewhere`): such a URL never gets the saved password.
 */
const PG_TARGET_PARAMS = ['host', 'hostaddr', 'port', 'user']

/** Where a connection goes and as whom; null when that cannot be told from the config alone. */
function serverOf(cfg: DbConfig): { host: string; port: string; user: string } | null {
  if (cfg.dialect === 'mssql') {
    // a named instance is found through the SQL Browser unless a port is given
    const port = cfg.port ? String(cfg.port) : cfg.instance ? `\\${cfg.instance.toLowerCase()}` : '1433'
    return { host: cfg.host.toLowerCase(), port, user: cfg.user }
  }
  if (cfg.dialect === 'postgres') {
    try {
      const u = new URL(cfg.url)
      if (PG_TARGET_PARAMS.some((k) => u.searchParams.has(k))) return null
      return { host: decodeURIComponent(u.hostname).toLowerCase(), port: u.port || '5432', user: decodeURIComponent(u.username) }
    } catch {
      return null
    }
  }
  return null
}

/**
 * The form's connection as a config. A blank password means "keep the saved one" — but only
 * for the same server (host, port or instance) and user, so a saved password is never sent to
 * another host.
 */
export function resolveConfig(input: DbConnection, saved: DbConfig | null): DbConfig {
  const cfg = toDbConfig(input)
  if (!saved || saved.dialect !== cfg.dialect || splitPassword(cfg).password) return cfg
  const a = serverOf(cfg)
  const b = serverOf(saved)
  if (!a || !b || a.host !== b.host || a.port !== b.port || a.user !== b.user) return cfg
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

type ReasonParams = { target: string; user: string; seconds: number }

/** Known causes, first match wins: an i18n key for the UI and English words for logs and the CLI. */
const REASONS: { test: RegExp; key: string; text: (p: ReasonParams) => string }[] = [
  { test: /ECONNREFUSED/, key: 'settings.dbTest.refused', text: (p) => `connection refused by ${p.target}: is the database server running and is the port right?` },
  { test: /ENOTFOUND|EAI_AGAIN|getaddrinfo/, key: 'settings.dbTest.hostNotFound', text: (p) => `host not found: ${p.target}` },
  { test: /EHOSTUNREACH|ENETUNREACH/, key: 'settings.dbTest.hostUnreachable', text: (p) => `${p.target} cannot be reached from this computer: check the network and firewall` },
  { test: /28P01|password authentication failed|ELOGIN|Login failed/i, key: 'settings.dbTest.loginFailed', text: (p) => `login failed for user "${p.user}": check the user name and password` },
  { test: /3D000|database .* does not exist|Cannot open database/i, key: 'settings.dbTest.noDatabase', text: (p) => `the database does not exist or cannot be opened on ${p.target}` },
  { test: /ETIMEDOUT|ETIMEOUT|timeout|timed out/i, key: 'settings.dbTest.timeout', text: (p) => `no answer from ${p.target} within ${p.seconds} s` },
  { test: /SQLITE_CANTOPEN|unable to open database/i, key: 'settings.dbTest.cannotOpenFile', text: (p) => `cannot open the database file ${p.target}` },
  { test: /certificate|self.signed/i, key: 'settings.dbTest.certificate', text: (p) => `the TLS certificate of ${p.target} is not trusted (for a self-signed certificate turn on "trust server certificate")` },
]

export interface ConnectionFailure {
  /** English text (logs, CLI, fallback) */
  message: string
  /** i18n key of the reason (settings.dbTest.*) and its params */
  key: string
  params: ReasonParams
  /** the driver's own words */
  detail: string
}

function userOf(cfg: DbConfig): string {
  if (cfg.dialect === 'mssql') return cfg.user
  if (cfg.dialect !== 'postgres') return ''
  try {
    const u = new URL(cfg.url)
    return u.searchParams.get('user') ?? decodeURIComponent(u.username)
  } catch {
    return ''
  }
}

const reasonParams = (cfg: DbConfig): ReasonParams => ({ target: targetOf(cfg), user: userOf(cfg), seconds: CONNECT_TIMEOUT_MS / 1000 })

/** Why a connection failed, in words an administrator can act on; null when unknown. */
function knownReason(e: unknown, cfg: DbConfig): { key: string; params: ReasonParams; text: string } | null {
  const text = errorText(e)
  const params = reasonParams(cfg)
  const r = REASONS.find((x) => x.test.test(text))
  return r ? { key: r.key, params, text: r.text(params) } : null
}

/** Codes and messages of an error and what it wraps (tedious hides ECONNREFUSED in an AggregateError). */
function errorText(e: unknown, depth = 0): string {
  if (!e || depth > 3) return ''
  if (typeof e !== 'object') return String(e)
  const x = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; originalError?: unknown }
  const inner = [x.cause, x.originalError, ...(Array.isArray(x.errors) ? x.errors : [])].map((i) => errorText(i, depth + 1))
  return [String(x.code ?? ''), String(x.message ?? ''), ...inner].join(' ')
}

/** A clear reason why a connection failed, translatable, with the driver's words; never the password. */
export function connectionFailure(e: unknown, cfg: DbConfig): ConnectionFailure {
  const detail = scrub((e instanceof Error ? e.message : String(e ?? '')) || errorText(e).trim(), cfg)
  const known = knownReason(e, cfg)
  if (known) return { message: scrub(known.text, cfg), key: known.key, params: known.params, detail }
  const params = reasonParams(cfg)
  return { message: `cannot connect to ${params.target}: ${detail}`, key: 'settings.dbTest.failed', params, detail }
}

function scrub(s: string, cfg: DbConfig): string {
  const pw = splitPassword(cfg).password
  let out = redact(s)
  for (const secret of new Set([pw, safeDecode(pw), encodeURIComponent(pw)])) if (secret) out = out.split(secret).join('***')
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

export async function getDb(ctx: SettingsContext) {
  requireConnectionPerm(ctx, 'view')
  const cfg = savedConfig(ctx)
  if (!cfg) throw new AppError('not_found', 'no database connection is configured', { key: 'errors.not_found' })
  return toView(ctx, cfg)
}

export async function testDb(ctx: SettingsContext, input: DbConnection) {
  requireConnectionPerm(ctx, 'edit')
  const cfg = resolveConfig(input, savedConfig(ctx))
  if (cfg.dialect === 'sqlite' && cfg.file !== ':memory:' && !fs.existsSync(cfg.file)) {
    // testing must not create the file; report what migrating it would do
    const mem = openProbe({ dialect: 'sqlite', file: ':memory:' })
    try {
      const version = await serverVersion(mem.knex, 'sqlite')
      return {
        ok: true,
        serverVersion: version,
        pendingMigrations: migrations.map((m) => m.name),
        message: `${cfg.file} does not exist yet; it is created when the database is migrated`,
        messageKey: 'settings.dbTest.fileNew',
        messageParams: { file: cfg.file },
      }
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
    const f = connectionFailure(e, cfg)
    return { ok: false, serverVersion: null, pendingMigrations: [], message: f.message, messageKey: f.key, messageParams: f.params, detail: f.detail }
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
    if (reason) throw new AppError('db_unreachable', scrub(reason.text, cfg), { key: reason.key, params: reason.params })
    throw e
  } finally {
    await db.knex.destroy().catch(() => undefined)
  }
}

/**
 * Saves the connection for the next start. Without a session (the desktop app cannot reach its
 * database, so nobody can log in and no administrator password can be checked) the caller must
 * confirm that this computer's settings file changes: that file is the OS user's own and
 * editable by them anyway, so a password asked here would protect nothing (see README, 安全说明).
 */
export async function saveDb(ctx: SettingsContext, input: DbConnection & { confirmLocalChange?: true }) {
  requireConnectionPerm(ctx, 'edit')
  const store = ctx.settingsStore
  if (!store) throw ruleError('settings.errors.noStore', 'connection settings cannot be saved in this mode')
  if (!ctx.actor && input.confirmLocalChange !== true) {
    throw ruleError('settings.errors.confirmLocalChange', "confirm that this computer's connection settings file is to be changed")
  }
  const cfg = resolveConfig(input, savedConfig(ctx))
  store.save(cfg)
  if (!ctx.actor) logInfo(`connection settings changed without a login (database unreachable): ${describeDb(cfg)}`)
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
