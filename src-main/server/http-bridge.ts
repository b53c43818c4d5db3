// The browser mode: the built renderer and POST /api/<area>/<call> on the loopback
// interface, for tests and for previewing without Electron. Every API call goes through
// the same dispatch() as Electron's ipcMain.
//
// Who may call: only a page this server gave the per-run token to (it is in index.html,
// which a foreign origin cannot read), on 127.0.0.1/localhost at our port (the Host check
// stops DNS rebinding, the Origin check stops cross-site posts), with a JSON body (a
// plain HTML form cannot send one). Anything else gets 403 before dispatch runs.
// Sessions: the HttpOnly, SameSite=Strict cookie is set at login (and setup) only, always with
// a fresh id, and cleared at logout; anonymous visits get no cookie and store nothing.
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { AppContext } from '../modules/context'
import type { ApiResult, ErrorCode } from '../contract/common'
import { dispatch, findCall } from '../ipc/dispatch'
import type { DesktopSync } from '../modules/sync/sync.desktop'
import { SessionStore, type SessionKey } from '../ipc/sessions'
import { contentSecurityPolicy } from './csp'
import { contentTypeOf, injectToken, resolveStatic } from './static-files'

// Body limits: a caller without a session may send 64 KB; a logged-in one 1 MB, and only the
// upload calls (contract: `upload: true`) up to a 50 MB attachment, about 67 MB as base64 JSON.
export const ANON_BODY_BYTES = 64 * 1024
export const AUTH_BODY_BYTES = 1024 * 1024
export const MAX_BODY_BYTES = 72 * 1024 * 1024
export const SESSION_COOKIE = 'crm_sid'
const COOKIE_ATTRS = 'HttpOnly; SameSite=Strict; Path=/'
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost'])
const NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/

export interface BridgeOptions {
  app: AppContext
  port: number
  staticDir: string
  /** loopback only: 127.0.0.1 (default) or localhost */
  host?: string
  sessions?: SessionStore
  /** client mode: the desktop client whose cache `app` is (calls are routed as in the desktop app) */
  client?: DesktopSync
}

export interface Bridge {
  url: string
  token: string
  server: http.Server
  sessions: SessionStore
  close(): Promise<void>
}

const digest = (s: string) => createHash('sha256').update(s).digest()
/** Constant-time comparison (hashing first makes the lengths equal). */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b))

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim()
  }
  return out
}

function baseHeaders(extra: http.OutgoingHttpHeaders = {}): http.OutgoingHttpHeaders {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...extra,
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  const data = Buffer.from(JSON.stringify(body))
  res.writeHead(status, baseHeaders({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store', ...headers }))
  res.end(data)
}

const failure = (code: ErrorCode, message: string): ApiResult<never> => ({ ok: false, error: { code, message } })

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      req.resume()
      resolve('too_large')
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (c: Buffer) => {
      if (done) return
      size += c.length
      if (size > limit) {
        done = true
        req.resume()
        resolve('too_large')
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

export async function startBridge(o: BridgeOptions): Promise<Bridge> {
  const host = o.host ?? '127.0.0.1'
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`the browser mode only listens on 127.0.0.1 or localhost, not ${host}`)
  const staticDir = path.resolve(o.staticDir)
  const token = randomBytes(32).toString('base64url')
  const sessions = o.sessions ?? new SessionStore()
  const deps = { app: o.app, sessions, client: o.client }
  let port = 0

  const hostAllowed = (h: string | undefined) => h === `127.0.0.1:${port}` || h === `localhost:${port}`
  const originAllowed = (origin: string | undefined) =>
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`

  /**
   * The caller's session key: the cookie it came with (nothing is stored for it unless it names
   * a logged-in session). Login mints a fresh random id and logout clears the cookie; the
   * Set-Cookie header to send, if any, is read after the call.
   */
  function sessionKeyOf(req: http.IncomingMessage): SessionKey & { setCookie(): string | undefined } {
    const current = parseCookies(req.headers.cookie)[SESSION_COOKIE] || null
    let header: string | undefined
    return {
      current,
      renew() {
        const fresh = randomBytes(32).toString('base64url')
        header = `${SESSION_COOKIE}=${fresh}; ${COOKIE_ATTRS}`
        return fresh
      },
      cleared() {
        header = `${SESSION_COOKIE}=; ${COOKIE_ATTRS}; Max-Age=0`
      },
      setCookie: () => header,
    }
  }

  /** How large a body this caller may send to this call. */
  function bodyLimit(area: string, call: string, key: SessionKey): number {
    if (!sessions.peek(key.current)) return ANON_BODY_BYTES
    return findCall(area, call)?.def.upload ? MAX_BODY_BYTES : AUTH_BODY_BYTES
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    const forbidden = (why: string) => sendJson(res, 403, failure('forbidden', why))
    if (req.method !== 'POST') return forbidden('the API accepts POST only')
    if (!originAllowed(req.headers.origin)) return forbidden('foreign origin')
    const given = req.headers['x-crm-token']
    if (typeof given !== 'string' || !sameSecret(given, token)) return forbidden('missing or wrong bridge token')
    const mediaType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (mediaType !== 'application/json') return forbidden('content type must be application/json')
    const parts = pathname.split('/') // ['', 'api', area, call]
    if (parts.length !== 4 || !NAME.test(parts[2]) || !NAME.test(parts[3])) return sendJson(res, 404, failure('not_found', 'unknown API path'))

    const key = sessionKeyOf(req)
    const body = await readBody(req, bodyLimit(parts[2], parts[3], key))
    if (body === 'too_large') return sendJson(res, 413, failure('validation', 'request body too large'))
    let input: unknown
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {}
    } catch {
      return sendJson(res, 400, failure('validation', 'request body is not valid JSON'))
    }
    const result = await dispatch(deps, parts[2], parts[3], input, key)
    const setCookie = key.setCookie()
    sendJson(res, 200, result, setCookie ? { 'Set-Cookie': setCookie } : {})
  }

  function handleStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, baseHeaders({ Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }))
      return res.end('method not allowed')
    }
    const target = resolveStatic(staticDir, pathname)
    if (target.kind === 'refused') {
      res.writeHead(403, baseHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }))
      return res.end('forbidden')
    }
    if (target.kind === 'missing' && pathname === '/favicon.ico') {
      res.writeHead(204, baseHeaders()) // browsers ask for it unprompted; no console error
      return res.end()
    }
    if (target.kind === 'missing') {
      res.writeHead(404, baseHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }))
      return res.end('not found')
    }
    if (target.kind === 'index') {
      let html: string
      try {
        html = fs.readFileSync(path.join(staticDir, 'index.html'), 'utf8')
      } catch {
        res.writeHead(404, baseHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }))
        return res.end('the renderer is not built')
      }
      const data = Buffer.from(injectToken(html, token))
      res.writeHead(200, baseHeaders({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': data.length,
        'Cache-Control': 'no-store', // the token changes every run
      }))
      return res.end(req.method === 'HEAD' ? undefined : data)
    }
    const st = fs.statSync(target.file)
    res.writeHead(200, baseHeaders({ 'Content-Type': contentTypeOf(target.file), 'Content-Length': st.size, 'Cache-Control': 'no-cache' }))
    if (req.method === 'HEAD') return res.end()
    fs.createReadStream(target.file).on('error', () => res.destroy()).pipe(res)
  }

  const server = http.createServer((req, res) => {
    // Every request, static ones too: index.html carries the token.
    if (!hostAllowed(req.headers.host)) return sendJson(res, 403, failure('forbidden', 'unexpected Host header'))
    let pathname: string
    try {
      pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
      if (!(req.url ?? '/').startsWith('/')) throw new Error('absolute-form request target')
    } catch {
      return sendJson(res, 400, failure('validation', 'bad request target'))
    }
    // Refuse traversal on the raw target: URL parsing would quietly resolve `/../x` to `/x`.
    const rawPath = (req.url ?? '/').split('?')[0]
    if (rawPath !== pathname && /(^|\/)(\.|%2e){1,2}(\/|$)/i.test(rawPath)) {
      res.writeHead(403, baseHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }))
      return res.end('forbidden')
    }
    const work = pathname === '/api' || pathname.startsWith('/api/') ? handleApi(req, res, pathname) : handleStatic(req, res, rawPath)
    Promise.resolve(work).catch(() => {
      if (!res.headersSent) sendJson(res, 500, failure('internal', 'internal error'))
      else res.destroy()
    })
  })
  server.headersTimeout = 60_000
  server.requestTimeout = 300_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, host === 'localhost' ? '127.0.0.1' : host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    server,
    sessions,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        server.closeAllConnections()
      }),
  }
}
