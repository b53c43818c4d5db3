// Typed client over the contract: api.customers.list(input) → Promise<output>.
// In Electron it calls the preload's window.crm; in the browser mode it POSTs to the
// loopback bridge with the per-run token from <meta name="crm-bridge-token">.
import type { ApiError, ApiResult, CrmApi } from '@contract/index'

export class ApiCallError extends Error {
  constructor(public error: ApiError) {
    super(error.message)
    this.name = 'ApiCallError'
  }
}

type Invoke = (area: string, call: string, input: unknown) => Promise<ApiResult<unknown>>

declare global {
  interface Window {
    /** exposed by the Electron preload: window.crm.<area>.<call>(input) */
    crm?: Record<string, Record<string, (input: unknown) => Promise<ApiResult<unknown>>>>
  }
}

const bridgeToken = () => document.querySelector('meta[name="crm-bridge-token"]')?.getAttribute('content') ?? ''

const httpInvoke: Invoke = async (area, call, input) => {
  let res: Response
  try {
    res = await fetch(`/api/${area}/${call}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CRM-Token': bridgeToken() },
      body: JSON.stringify(input ?? {}),
    })
  } catch {
    return { ok: false, error: { code: 'db_unreachable', message: 'the app server cannot be reached', key: 'errors.server_unreachable' } }
  }
  return (await res.json()) as ApiResult<unknown>
}

const electronInvoke: Invoke = (area, call, input) => {
  const fn = window.crm?.[area]?.[call]
  if (!fn) return Promise.resolve({ ok: false, error: { code: 'internal', message: `no such call ${area}.${call}` } })
  // Vue's reactive proxies cannot cross the context bridge; a JSON copy also makes the
  // input exactly what the HTTP bridge would receive.
  return fn(JSON.parse(JSON.stringify(input ?? {})))
}

export const isElectron = () => typeof window !== 'undefined' && !!window.crm

let onUnauthenticated: (() => void) | null = null
/** The router registers this so an expired session sends the user to the login page. */
export const setUnauthenticatedHandler = (fn: () => void) => {
  onUnauthenticated = fn
}

let onSessionLocked: (() => void) | null = null
/** The auth store registers this: main locked the session (idle timeout, sleep) → the lock screen. */
export const setSessionLockedHandler = (fn: () => void) => {
  onSessionLocked = fn
}

async function invoke(area: string, call: string, input: unknown): Promise<unknown> {
  const r = await (isElectron() ? electronInvoke : httpInvoke)(area, call, input)
  if (r.ok) return r.data
  if (r.error.code === 'unauthenticated' && onUnauthenticated) onUnauthenticated()
  if (r.error.code === 'session_locked' && onSessionLocked) onSessionLocked()
  throw new ApiCallError(r.error)
}

/** What the desktop shell tells the renderer (preload's window.crmShell); absent in the browser mode. */
export interface CrmShell {
  /** 'lock' (tray, sleep), 'search', 'about', 'update' (menu 检查更新, an update found on start), 'navigate' (a crm:// link or a notification: path in `arg`), 'importFile' (a file opened with the app: its name in `arg`) */
  onCommand(fn: (command: string, arg?: string) => void): void
  /** the UI language, for the native menus */
  setLanguage(locale: string): void
  /** the due-reminder count, for the tray icon and the dock badge */
  setDueCount(n: number): void
  /** brings the window forward (restored if minimised): a reminder notification was clicked */
  focus(): void
  /** after 'importFile': the .xlsx/.csv opened with the app ({ fileName, contentBase64 } or { fileName, error }), once; null without one */
  openedFile(): Promise<unknown>
}
declare global {
  interface Window {
    crmShell?: CrmShell
  }
}
export const desktopShell = (): CrmShell | null => (typeof window !== 'undefined' && window.crmShell) || null

export const api: CrmApi = new Proxy({} as CrmApi, {
  get: (_t, area: string) => new Proxy({}, { get: (_a, call: string) => (input: unknown) => invoke(area, call, input) }),
})
