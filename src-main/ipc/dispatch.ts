// The one place a channel call becomes a service call. Electron's ipcMain and the
// loopback HTTP bridge both call dispatch(), so both run identical code:
// parse the input with its zod schema, find the session, call the handler,
// and wrap the answer as {ok:true,data} or {ok:false,error}.
import { ZodError, type z } from 'zod'
import { contract, type Area, type ApiResult, type CallDef, type FieldIssue } from '../contract/index'
import type { AppContext } from '../modules/context'
import { AppError } from '../shared/errors'
import type { SessionStore } from './sessions'
import type { CallContext } from '../modules/handler-types'
import { handlers } from './registry'
import { loadActor } from '../modules/auth/auth.service'
import { runsWithoutSession } from '../modules/settings/settings.handlers'
import { logError } from '../shared/log'

const checkOutputs = process.env.CRM_CHECK_OUTPUT === '1' || !!process.env.VITEST

export function zodIssues(e: ZodError): FieldIssue[] {
  return e.issues.map((i) => ({
    field: i.path.map(String).join('.') || '(input)',
    code: i.code,
    message: i.message,
    params: 'maximum' in i ? { maximum: Number(i.maximum) } : 'minimum' in i ? { minimum: Number(i.minimum) } : undefined,
  }))
}

function validationError(e: ZodError): AppError {
  const issues = zodIssues(e)
  return new AppError('validation', `invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues })
}

const UNREACHABLE = /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ESOCKET|ELOGIN|Failed to connect|getaddrinfo|password authentication failed|database .* does not exist|SQLITE_CANTOPEN|unable to open database/i

export function toApiError(e: unknown) {
  if (e instanceof AppError) return e.toApi()
  if (e instanceof ZodError) return validationError(e).toApi()
  const msg = e instanceof Error ? e.message : String(e)
  const code = (e as { code?: string })?.code ?? ''
  if (UNREACHABLE.test(msg) || UNREACHABLE.test(code)) {
    return new AppError('db_unreachable', 'the database cannot be reached', { key: 'errors.db_unreachable' }).toApi()
  }
  logError('internal error', e)
  return new AppError('internal', 'internal error', { key: 'errors.internal' }).toApi()
}

export interface DispatchDeps {
  app: AppContext
  sessions: SessionStore
}

export async function dispatch(deps: DispatchDeps, area: string, call: string, rawInput: unknown, sessionKey: string): Promise<ApiResult<unknown>> {
  try {
    const areaDef = (contract as Record<string, Record<string, CallDef>>)[area]
    const def = areaDef && Object.hasOwn(areaDef, call) ? areaDef[call] : undefined
    const handler = (handlers as Record<string, Record<string, (c: CallContext, i: unknown) => Promise<unknown>>>)[area]?.[call]
    if (!def || !handler) throw new AppError('not_found', `unknown call ${area}.${call}`)
    const parsed = def.input.safeParse(rawInput ?? {})
    if (!parsed.success) throw validationError(parsed.error)
    const session = deps.sessions.get(sessionKey)
    const actor = session ? await loadActor(deps.app, session.userId) : null
    if (session && !actor) deps.sessions.delete(sessionKey) // disabled or deleted meanwhile
    // the one exception: the connection settings while the database is unreachable (nobody can log in then)
    const sessionless = def.public || (area === 'settings' && runsWithoutSession(deps.app, call))
    if (!sessionless && !actor) throw new AppError('unauthenticated', 'please log in', { key: 'errors.unauthenticated' })
    const ctx: CallContext = { app: deps.app, actor, sessions: deps.sessions, sessionKey }
    const data = await handler(ctx, parsed.data)
    if (checkOutputs) {
      const out = (def.output as z.ZodType).safeParse(data)
      if (!out.success) throw new Error(`output of ${area}.${call} breaks its contract: ${JSON.stringify(zodIssues(out.error))}`)
    }
    return { ok: true, data }
  } catch (e) {
    return { ok: false, error: toApiError(e) }
  }
}

export type { Area }
