// The browser-mode bridge as a real server on 127.0.0.1 over a real SQLite app: who may
// call it, what it serves, and that sessions follow the HttpOnly cookie.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestApp, type TestApp } from '../helpers/test-app'
import { ANON_BODY_BYTES, AUTH_BODY_BYTES, MAX_BODY_BYTES, startBridge, type Bridge } from '../../src-main/server/http-bridge'

interface Res {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  json: () => any
}

let t: TestApp
let bridge: Bridge
let port: number
let staticDir: string

function request(o: { method?: string; path: string; headers?: Record<string, string | number>; body?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers: { Host: `127.0.0.1:${port}`, ...o.headers } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) })
        })
      },
    )
    req.on('error', reject)
    req.end(o.body)
  })
}

const cookieOf = (r: Res) => (r.headers['set-cookie']?.[0] ?? '').split(';')[0]

/** A well-formed API call; `override` changes or (with undefined) removes headers. */
function api(call: string, input: unknown, override: Record<string, string | undefined> = {}, method = 'POST') {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-CRM-Token': bridge.token }
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) delete headers[k]
    else headers[k] = v
  }
  return request({ method, path: `/api/${call}`, headers, body: method === 'GET' ? undefined : JSON.stringify(input) })
}

const userCount = async () => Number((await t.app.db.knex('users').count({ n: '*' }))[0].n)

beforeAll(async () => {
  t = await makeTestApp('sqlite')
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-static-'))
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>CRM</title></head><body><div id="app"></div></body></html>')
  fs.mkdirSync(path.join(staticDir, 'assets'))
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("app")')
  bridge = await startBridge({ app: t.app, port: 0, staticDir, sessions: t.sessions })
  port = (bridge.server.address() as AddressInfo).port
})

afterAll(async () => {
  await bridge?.close()
  await t?.close()
  fs.rmSync(staticDir, { recursive: true, force: true })
})

describe('http bridge: listening and static files', () => {
  it('listens on 127.0.0.1 only and refuses other interfaces', async () => {
    const addr = bridge.server.address() as AddressInfo
    expect(addr.address).toBe('127.0.0.1')
    expect(bridge.url).toBe(`http://127.0.0.1:${port}/`)
    await expect(startBridge({ app: t.app, port: 0, staticDir, host: '0.0.0.0' })).rejects.toThrow(/127\.0\.0\.1/)
  })

  it('serves index.html with the token meta and a strict CSP, and no session cookie (sessions begin at login)', async () => {
    const r = await request({ path: '/' })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toMatch(/^text\/html/)
    expect(r.body).toContain(`<meta name="crm-bridge-token" content="${bridge.token}">`)
    expect(bridge.token.length).toBeGreaterThanOrEqual(43) // 32 random bytes
    const csp = String(r.headers['content-security-policy'])
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      expect(csp).toContain(d)
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/)
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['cache-control']).toBe('no-store')
    expect(r.headers['set-cookie']).toBeUndefined()
  })

  it('serves assets with their content type, falls back to index.html for routes, 404s missing assets', async () => {
    const js = await request({ path: '/assets/app.js' })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.headers['x-content-type-options']).toBe('nosniff')
    const route = await request({ path: '/customers/123' })
    expect(route.status).toBe(200)
    expect(route.body).toContain('crm-bridge-token')
    expect((await request({ path: '/assets/missing.js' })).status).toBe(404)
  })

  it('refuses path traversal in every spelling', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/..%5cpackage.json']) {
      const r = await request({ path: p })
      expect(r.status, p).toBeGreaterThanOrEqual(400)
      expect(r.body, p).not.toContain('"devDependencies"')
    }
  })

  it('refuses a foreign Host header for static files too (DNS rebinding would read the token)', async () => {
    const r = await request({ path: '/', headers: { Host: `evil.com:${port}` } })
    expect(r.status).toBe(403)
    expect(r.body).not.toContain(bridge.token)
  })
})

describe('http bridge: who may call the API', () => {
  const setup = { login: 'admin', name: '管理员', password: 'secret-pass-1' }

  async function expectRefused(r: Res) {
    expect(r.status).toBe(403)
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    // dispatch never ran: auth.setup would have created the first user
    expect(await userCount()).toBe(0)
    expect(r.headers['set-cookie']).toBeUndefined()
  }

  it('refuses a missing or wrong token', async () => {
    await expectRefused(await api('auth/setup', setup, { 'X-CRM-Token': undefined }))
    await expectRefused(await api('auth/setup', setup, { 'X-CRM-Token': 'x'.repeat(43) }))
    await expectRefused(await api('auth/setup', setup, { 'X-CRM-Token': bridge.token.slice(0, -1) }))
  })

  it('refuses a foreign Origin', async () => {
    await expectRefused(await api('auth/setup', setup, { Origin: 'http://evil.com' }))
    await expectRefused(await api('auth/setup', setup, { Origin: `http://127.0.0.1:${port + 1}` }))
    await expectRefused(await api('auth/setup', setup, { Origin: 'null' }))
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    await expectRefused(await api('auth/setup', setup, { Host: `evil.com:${port}` }))
    await expectRefused(await api('auth/setup', setup, { Host: `127.0.0.1:${port + 1}` }))
  })

  it('refuses GET and other methods on /api', async () => {
    await expectRefused(await api('auth/status', undefined, {}, 'GET'))
    await expectRefused(await api('auth/setup', setup, {}, 'PUT'))
  })

  it('refuses a body that is not declared as JSON (what a plain HTML form can send)', async () => {
    await expectRefused(await api('auth/setup', setup, { 'Content-Type': 'text/plain' }))
    await expectRefused(await api('auth/setup', setup, { 'Content-Type': 'application/x-www-form-urlencoded' }))
    await expectRefused(await api('auth/setup', setup, { 'Content-Type': undefined }))
  })

  it('answers bad JSON and unknown paths without a crash', async () => {
    const bad = await request({ method: 'POST', path: '/api/auth/setup', headers: { 'Content-Type': 'application/json', 'X-CRM-Token': bridge.token }, body: '{nope' })
    expect(bad.status).toBe(400)
    expect(bad.json().error.code).toBe('validation')
    const unknown = await api('auth/nosuchcall', {})
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect((await api('auth/status/extra', {})).status).toBe(404)
    expect(await userCount()).toBe(0)
  })

  it('refuses a body over the limit before reading it', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port, method: 'POST', path: '/api/auth/status',
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json', 'X-CRM-Token': bridge.token, 'Content-Length': MAX_BODY_BYTES + 1 },
      }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)))
      req.flushHeaders()
    })
    expect(r).toBe(413)
  })

  it('runs auth.setup then auth.me through the cookie session; a client without the cookie is a stranger', async () => {
    const page = await request({ path: '/' })
    expect(page.headers['set-cookie']).toBeUndefined()
    const same = { Origin: `http://127.0.0.1:${port}` }

    const created = await api('auth/setup', setup, same)
    expect(created.status).toBe(200)
    expect(created.json()).toMatchObject({ ok: true, data: { login: 'admin', roleCode: 'admin' } })
    // setup logs the caller in: the session cookie is issued now, HttpOnly and SameSite=Strict
    const setCookie = created.headers['set-cookie']?.[0] ?? ''
    expect(setCookie).toMatch(/^crm_sid=[A-Za-z0-9_-]{43};/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/')
    const cookie = cookieOf(created)

    const me = await api('auth/me', {}, { ...same, Cookie: cookie })
    expect(me.json()).toMatchObject({ ok: true, data: { login: 'admin' } })
    expect(me.headers['set-cookie']).toBeUndefined()

    const stranger = await api('auth/me', {})
    expect(stranger.json()).toEqual({ ok: true, data: null })
    expect(stranger.headers['set-cookie']).toBeUndefined()
    const denied = await api('auth/changePassword', { oldPassword: 'secret-pass-1', newPassword: 'another-pass-2' })
    expect(denied.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })

    // a cookie the server never issued is nobody's session
    const forged = await api('auth/me', {}, { Cookie: 'crm_sid=chosen-by-someone-else' })
    expect(forged.json()).toEqual({ ok: true, data: null })

    const out = await api('auth/logout', {}, { ...same, Cookie: cookie })
    expect(out.json()).toEqual({ ok: true, data: { ok: true } })
    expect(out.headers['set-cookie']?.[0]).toMatch(/^crm_sid=;.*Max-Age=0/)
    expect((await api('auth/me', {}, { ...same, Cookie: cookie })).json()).toEqual({ ok: true, data: null })
  })
})

describe('http bridge: sessions', () => {
  const admin = { login: 'admin', password: 'secret-pass-1' }
  const loginAs = async (cookie?: string) => {
    const r = await api('auth/login', admin, cookie ? { Cookie: cookie } : {})
    expect(r.json(), r.body).toMatchObject({ ok: true })
    return r
  }
  const whoIs = async (cookie: string) => (await api('auth/me', {}, { Cookie: cookie })).json().data?.login ?? null

  beforeAll(async () => {
    if ((await userCount()) === 0) await api('auth/setup', { ...admin, name: '管理员' })
  })

  it('login issues a fresh session id: a planted cookie is never adopted (session fixation)', async () => {
    // whatever id an attacker can get hold of before the victim logs in
    const planted = cookieOf(await request({ path: '/' })) || 'crm_sid=' + 'p'.repeat(43)
    const r = await loginAs(planted)
    const issued = cookieOf(r)
    expect(issued).toMatch(/^crm_sid=[A-Za-z0-9_-]{43}$/)
    expect(issued).not.toBe(planted)
    expect(await whoIs(planted)).toBeNull()
    expect(await whoIs(issued)).toBe('admin')
  })

  it('logging in again replaces the session: the old id stops working; logout ends the new one', async () => {
    const first = cookieOf(await loginAs())
    const second = cookieOf(await loginAs(first))
    expect(second).not.toBe(first)
    expect(await whoIs(first)).toBeNull()
    expect(await whoIs(second)).toBe('admin')
    const out = await api('auth/logout', {}, { Cookie: second })
    expect(out.headers['set-cookie']?.[0]).toMatch(/^crm_sid=;.*Max-Age=0/)
    expect(await whoIs(second)).toBeNull()
    // a refused login does not end the session it came with, nor issue a cookie
    const third = cookieOf(await loginAs())
    const bad = await api('auth/login', { login: 'admin', password: 'wrong-password' }, { Cookie: third })
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
    expect(bad.headers['set-cookie']).toBeUndefined()
    expect(await whoIs(third)).toBe('admin')
  })

  it('50,000 anonymous requests store nothing and evict no logged-in session', async () => {
    const cookie = cookieOf(await loginAs())
    const before = bridge.sessions.size
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
    const hit = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(
          { agent, host: '127.0.0.1', port, method: i % 2 ? 'HEAD' : 'GET', path: i % 4 === 0 ? '/customers' : '/', headers: { Host: `127.0.0.1:${port}` } },
          (res) => {
            if (res.headers['set-cookie']) reject(new Error('an anonymous visit got a cookie'))
            res.resume()
            res.on('end', resolve)
          },
        )
        req.on('error', reject)
        req.end()
      })
    const N = 50_001
    let next = 0
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < N) await hit(next++)
    }))
    agent.destroy()
    // anonymous API calls store nothing either
    for (let i = 0; i < 50; i++) expect((await api('auth/me', {})).headers['set-cookie']).toBeUndefined()
    expect(bridge.sessions.size).toBe(before)
    expect(await whoIs(cookie)).toBe('admin')
  }, 120_000)

  it('unknown calls, Object.prototype names included, answer not_found through the bridge', async () => {
    for (const p of ['constructor/keys', 'constructor/assign', 'toString/call', 'hasOwnProperty/call', 'valueOf/bind', 'auth/constructor', 'auth/toString', 'auth/hasOwnProperty', 'customers/constructor']) {
      const r = await api(p, {})
      expect(r.status, p).toBe(200)
      expect(r.json(), p).toMatchObject({ ok: false, error: { code: 'not_found' } })
    }
  })

  describe('body limits', () => {
    const big = (n: number) => JSON.stringify({ login: 'admin', password: 'x'.repeat(n) })

    it('an anonymous call may send 64 KB at most', async () => {
      const small = await request({ method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json', 'X-CRM-Token': bridge.token }, body: big(60_000) })
      expect(small.status).toBe(200)
      expect(small.json()).toMatchObject({ ok: false, error: { code: 'validation' } })
      const large = await request({ method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json', 'X-CRM-Token': bridge.token }, body: big(ANON_BODY_BYTES) })
      expect(large.status).toBe(413)
      // the upload call too, when nobody is logged in
      const upload = await api('interactions/addAttachment', { interactionId: crypto.randomUUID(), fileName: 'a.bin', contentBase64: 'A'.repeat(ANON_BODY_BYTES) })
      expect(upload.status).toBe(413)
      // and a cookie that is not a session counts as nobody
      const forged = await api('interactions/addAttachment', { interactionId: crypto.randomUUID(), fileName: 'a.bin', contentBase64: 'A'.repeat(ANON_BODY_BYTES) }, { Cookie: 'crm_sid=' + 'f'.repeat(43) })
      expect(forged.status).toBe(413)
    })

    it('a logged-in call may send 1 MB; only the upload call may send more', async () => {
      const cookie = cookieOf(await loginAs())
      const notes = (n: number) => ({ name: '大字段客户', notes: 'x'.repeat(n) })
      const ok = await api('customers/create', notes(500_000), { Cookie: cookie })
      expect(ok.status).toBe(200)
      expect(ok.json()).toMatchObject({ ok: false, error: { code: 'validation' } }) // notes are capped at 4000
      expect((await api('customers/create', notes(AUTH_BODY_BYTES), { Cookie: cookie })).status).toBe(413)
      const upload = await api('interactions/addAttachment', { interactionId: crypto.randomUUID(), fileName: 'a.bin', contentBase64: 'QUFB'.repeat(1_000_000) }, { Cookie: cookie })
      expect(upload.status).toBe(200)
      expect(upload.json()).toMatchObject({ ok: false, error: { code: 'not_found' } }) // no such interaction: the body got through
      expect(MAX_BODY_BYTES).toBeGreaterThan(AUTH_BODY_BYTES)
    })
  })
})
