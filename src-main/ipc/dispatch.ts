// The one place a channel call becomes a service call. Electron's ipcMain and the
// loopback HTTP bridge both call dispatch(), so both run identical code:
// parse the input with its zod schema, find the session, call the handler,
// and wrap the answer as {ok:true,data} or {ok:false,error}.
import { ZodError, type z } from 'zod'
import { contract, type Area, type ApiResult, type CallDef, type FieldIssue } from '../contract/index'
import { CALLS_WHILE_LOCKED } from '../contract/auth'
import { idleLockMs } from '../modules/system/system.service'
import type { AppContext } from '../modules/context'
import { AppError } from '../shared/errors'
import { fixedKey, type SessionKey, type SessionStore } from './sessions'
import type { CallContext, SessionControl } from '../modules/handler-types'
import { handlers } from './registry'
import { loadActor } from '../modules/auth/auth.service'
import { runsWithoutSession } from '../modules/settings/settings.handlers'
import { logError } from '../shared/log'
import { isUnreachable } from '../shared/unreachable'
import type { DesktopSync } from '../modules/sync/sync.desktop'

const checkOutputs = process.env.CRM_CHECK_OUTPUT === '1' || !!process.env.VITEST

export function zodIssues(e: ZodError): FieldIssue[] {
  return e.issues.map((i) => ({
    field: i.path.map(String).join('.') || '(input)',
    // a format check of the contract (contract/formats.ts) names its format: mobile, tax_id, …
    code: i.code === 'custom' && typeof i.params?.code === 'string' ? i.params.code : i.code,
    message: i.message,
    params: 'maximum' in i ? { maximum: Number(i.maximum) } : 'minimum' in i ? { minimum: Number(i.minimum) } : undefined,
  }))
}

function validationError(e: ZodError): AppError {
  const issues = zodIssues(e)
  return new AppError('validation', `invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues })
}


/** `anonymous`: the caller has no session, so an unexpected error is logged in one line, without its stack. */
export function toApiError(e: unknown, opts: { anonymous?: boolean } = {}) {
  if (e instanceof AppError) return e.toApi()
  if (e instanceof ZodError) return validationError(e).toApi()
  if (isUnreachable(e)) {
    return new AppError('db_unreachable', 'the database cannot be reached', { key: 'errors.db_unreachable' }).toApi()
  }
  logError(opts.anonymous ? 'internal error (no session)' : 'internal error', e, { brief: opts.anonymous })
  return new AppError('internal', 'internal error', { key: 'errors.internal' }).toApi()
}

export interface DispatchDeps {
  /** the context calls run on (a desktop client in client mode: its cache) */
  app: AppContext
  sessions: SessionStore
  /**
   * client mode (README: Offline sync): where each call runs — an offline operation on the cache
   * with its outbox entry, a cached read on the cache, anything else on the central database
   * (refused while offline)
   */
  client?: DesktopSync
}

const own = <T>(o: Record<string, T> | undefined, name: string): T | undefined => (o && Object.hasOwn(o, name) ? o[name] : undefined)

type Handler = (c: CallContext, i: unknown) => Promise<unknown>

/** The contract definition and handler of a call; own properties only (never Object.prototype's). */
export function findCall(area: string, call: string): { def: CallDef; handler: Handler } | null {
  const def = own(own(contract as unknown as Record<string, Record<string, CallDef>>, area), call)
  const handler = own(own(handlers as unknown as Record<string, Record<string, Handler>>, area), call)
  return def && handler ? { def, handler } : null
}

/**
 * `sessionKey`: the caller's key as the transport knows it — a plain string when the transport
 * cannot change it (Electron's webContents), or a SessionKey that can mint a new one (browser).
 */
export async function dispatch(deps: DispatchDeps, area: string, call: string, rawInput: unknown, sessionKey: string | SessionKey): Promise<ApiResult<unknown>> {
  const key = typeof sessionKey === 'string' ? fixedKey(sessionKey) : sessionKey
  let anonymous = true
  const route = deps.client?.route(area, call) ?? null
  try {
    const found = findCall(area, call)
    if (!found) throw new AppError('not_found', `unknown call ${area}.${call}`)
    const { def, handler } = found
    const parsed = def.input.safeParse(rawInput ?? {})
    if (!parsed.success) throw validationError(parsed.error)
    // a session silent for longer than the lock policy allows is locked (browser-mode session timeout)
    const lockAfterMs = key.current && deps.sessions.peek(key.current) ? await idleLockMs(deps.app) : null
    const session = deps.sessions.get(key.current, { lockAfterMs })
    const app = route === 'central' ? deps.client!.centralFor(area, call) : deps.app
    const actor = session ? await loadActor(app, session.userId) : null
    if (session && !actor) deps.sessions.delete(key.current) // disabled or deleted meanwhile
    anonymous = !actor
    if (actor && session?.locked && !CALLS_WHILE_LOCKED.includes(`${area}.${call}`)) {
      throw new AppError('session_locked', 'the session is locked: unlock it with your password', { key: 'errors.session_locked' })
    }
    // the one exception: the connection settings while the database is unreachable (nobody can log in then)
    const sessionless = def.public || (area === 'settings' && runsWithoutSession(deps.app, call))
    if (!sessionless && !actor) throw new AppError('unauthenticated', 'please log in', { key: 'errors.unauthenticated' })
    const sessions: SessionControl = {
      begin: (userId) => void deps.sessions.begin(key, userId),
      end: () => deps.sessions.end(key),
      deleteUser: (userId, except) => deps.sessions.deleteUser(userId, except),
      lock: () => void deps.sessions.lock(key.current),
      unlock: () => deps.sessions.unlock(key.current),
      locked: () => !!deps.sessions.peek(key.current)?.locked,
    }
    const ctx: CallContext = { app, actor, sessions, sessionKey: key.current }
    const data = route === 'write' ? await deps.client!.write(`${area}.${call}`, parsed.data) : await handler(ctx, parsed.data)
    if (route === 'central') deps.client!.afterCentral(area, call, null)
    if (checkOutputs) {
      const out = (def.output as z.ZodType).safeParse(data)
      if (!out.success) throw new Error(`output of ${area}.${call} breaks its contract: ${JSON.stringify(zodIssues(out.error))}`)
    }
    return { ok: true, data }
  } catch (e) {
    if (route === 'central') deps.client!.afterCentral(area, call, e)
    return { ok: false, error: toApiError(e, { anonymous }) }
  }
}

export type { Area }
