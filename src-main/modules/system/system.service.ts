// 系统: the lock policy and the update server (app settings stored centrally, so an administrator
// sets them once for everybody), the About dialog and 复制诊断信息 (no passwords, no customer
// data), and the stubs of what only the desktop shell can do — it answers those itself
// (window/desktop-effects.ts); the browser mode has no updates of its own.
import os from 'node:os'
import type { AppContext, ServiceContext } from '../context'
import type { LockPolicy, UpdateSettings, UpdateState } from '../../contract/system'
import { describeDb } from '../../db/config'
import { redact } from '../../shared/log'
import { readLogTail } from '../../shared/log-file'
import { can, requirePerm } from '../auth/permissions'
import { APP_VERSION } from '../auth/auth.service'
import { readSettings, schemaVersion, writeSetting } from './system.repository'

export const DEFAULT_LOCK: LockPolicy = { idleMinutes: 10, maxIdleMinutes: null, lockOnSleep: true }
/** With no maximum set, a session nobody used for this long is still locked by the main process. */
export const SERVER_LOCK_FALLBACK_MINUTES = 240

const PREFIX = 'lock.'

function toPolicy(rows: Record<string, string | null>): LockPolicy {
  const int = (v: string | null | undefined) => (v != null && /^\d+$/.test(v) ? Number(v) : null)
  return {
    idleMinutes: int(rows.idleMinutes) ?? DEFAULT_LOCK.idleMinutes,
    maxIdleMinutes: int(rows.maxIdleMinutes),
    lockOnSleep: rows.onSleep == null ? DEFAULT_LOCK.lockOnSleep : rows.onSleep === 'true',
  }
}

/** The lock policy without a session check (the main process asks: idle lock, sleep). */
export async function readLockPolicy(app: AppContext): Promise<LockPolicy> {
  return toPolicy(await readSettings(app.db.knex, PREFIX))
}

/** Every logged-in user needs the policy (the renderer's idle timer). */
export async function lockPolicy(ctx: ServiceContext): Promise<LockPolicy> {
  return readLockPolicy(ctx)
}

export async function saveLockPolicy(ctx: ServiceContext, input: LockPolicy): Promise<LockPolicy> {
  requirePerm(ctx.actor, 'settings', 'edit')
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    await writeSetting(trx, ctx.db.dialect, PREFIX + 'idleMinutes', String(input.idleMinutes), now)
    await writeSetting(trx, ctx.db.dialect, PREFIX + 'maxIdleMinutes', input.maxIdleMinutes === null ? null : String(input.maxIdleMinutes), now)
    await writeSetting(trx, ctx.db.dialect, PREFIX + 'onSleep', String(input.lockOnSleep), now)
  })
  policyCache.delete(ctx.db)
  return readLockPolicy(ctx)
}

const policyCache = new WeakMap<object, { at: number; ms: number | null }>()
const CACHE_MS = 60_000

/**
 * After how long without any call the main process locks a session itself (the browser mode's
 * session timeout; in the desktop app the backstop when the renderer could not lock, e.g. the
 * machine slept): the policy's maximum, else SERVER_LOCK_FALLBACK_MINUTES. Read at most once a
 * minute; null when the database cannot tell (then nothing is locked on silence).
 */
export async function idleLockMs(app: AppContext): Promise<number | null> {
  if (app.unreachable) return null
  const hit = policyCache.get(app.db)
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.ms
  let ms: number | null = null
  try {
    const p = await readLockPolicy(app)
    ms = (p.maxIdleMinutes ?? SERVER_LOCK_FALLBACK_MINUTES) * 60_000
  } catch {
    ms = null
  }
  policyCache.set(app.db, { at: Date.now(), ms })
  return ms
}

/** Runtime versions: Node always; Electron and Chrome in the desktop app. */
function runtime(): Record<string, string> {
  const v = process.versions as Record<string, string | undefined>
  return Object.fromEntries(Object.entries({ node: v.node, electron: v.electron, chrome: v.chrome }).filter(([, x]) => !!x)) as Record<string, string>
}

export async function about(ctx: ServiceContext) {
  const cfg = ctx.dbConfig
  return {
    version: APP_VERSION,
    dialect: ctx.db.dialect,
    dbDescription: can(ctx.actor, 'settings', 'view') ? (ctx.dbDescription ?? (cfg ? describeDb(cfg) : null)) : null,
    dataDir: ctx.dataDir,
    browserMode: ctx.browserMode,
    runtime: runtime(),
    platform: `${process.platform} ${os.release()} (${process.arch})`,
  }
}

/**
 * 复制诊断信息: what support needs to know about this installation — versions, operating system,
 * database kind (its location only for those who may view the settings; never a password),
 * schema version, data folder and, for administrators, the last log lines — as plain text, all
 * of it redacted once more. No customer data: the log never holds any.
 */
export async function diagnostics(ctx: ServiceContext): Promise<{ text: string; copied: boolean }> {
  const a = await about(ctx)
  let schema: string | null = null
  try {
    schema = await schemaVersion(ctx.db.knex)
  } catch {
    schema = null
  }
  const lines = [
    `客户关系管理 (CRM) ${a.version}`,
    `time: ${new Date().toISOString()}`,
    `runtime: ${Object.entries(a.runtime).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `platform: ${a.platform}, ${os.cpus().length} CPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    `mode: ${a.browserMode ? 'browser (crm serve)' : 'desktop'}`,
    `database: ${a.dialect}${a.dbDescription ? ` ${a.dbDescription}` : ''}, schema ${schema ?? 'unknown'}`,
    `data folder: ${a.dataDir}`,
    `user role: ${ctx.actor.roleCode}`,
  ]
  if (can(ctx.actor, 'settings', 'view')) {
    const tail = readLogTail(ctx.dataDir, 60)
    lines.push('', `log (last ${tail.length} lines):`, ...tail)
  }
  return { text: lines.map(redact).join('\n'), copied: false }
}

/** Desktop-only settings: the browser mode has none (the desktop shell answers these itself). */
export async function desktopPrefs(_ctx: ServiceContext) {
  return { supported: false, openAtLogin: false }
}

/** Native pickers: only the desktop shell has them (it answers these itself). */
export async function choosePath(ctx: ServiceContext) {
  requirePerm(ctx.actor, 'settings', 'edit')
  return { supported: false, path: null }
}

// ---- updates -------------------------------------------------------------------------------

const UPDATE_PREFIX = 'updates.'

/** The update server settings without a session check (the desktop shell asks on start and on 检查更新). */
export async function readUpdateSettings(app: AppContext): Promise<UpdateSettings> {
  const rows = await readSettings(app.db.knex, UPDATE_PREFIX)
  return { url: rows.url || null, checkOnStart: rows.checkOnStart !== 'false' }
}

export async function updateSettings(ctx: ServiceContext): Promise<UpdateSettings> {
  requirePerm(ctx.actor, 'settings', 'view')
  return readUpdateSettings(ctx)
}

export async function saveUpdateSettings(ctx: ServiceContext, input: UpdateSettings): Promise<UpdateSettings> {
  requirePerm(ctx.actor, 'settings', 'edit')
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    await writeSetting(trx, ctx.db.dialect, UPDATE_PREFIX + 'url', input.url, now)
    await writeSetting(trx, ctx.db.dialect, UPDATE_PREFIX + 'checkOnStart', String(input.checkOnStart), now)
  })
  return readUpdateSettings(ctx)
}

/** The state of an update where there is none to have: the browser mode (the desktop shell answers in the app). */
export const updatesOff = (reason: 'browser' | 'dev' | 'no_url'): UpdateState => ({
  status: 'disabled', reason, currentVersion: APP_VERSION, version: null, releaseNotes: null, releaseDate: null, percent: null, transferred: null, total: null, error: null,
})

/** Any logged-in user may ask (it is their computer's app); the browser mode has nothing to update. */
export async function updateStatus(_ctx: ServiceContext): Promise<UpdateState> {
  return updatesOff('browser')
}
