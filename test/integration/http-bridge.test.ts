// The browser-mode bridge as a real server on 127.0.0.1 over a real SQLite app: who may
// call it, what it serves, and that sessions follow the HttpOnly cookie.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestApp, type TestApp } from '../helpers/test-app'
import { MAX_BODY_BYTES, startBridge, type Bridge } from '../../src-main/server/http-bridge'

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

  it('serves index.html with the token meta, a strict CSP and an HttpOnly SameSite=Strict session cookie', async () => {
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
    const cookie = r.headers['set-cookie']?.[0] ?? ''
    expect(cookie).toMatch(/^crm_sid=[A-Za-z0-9_-]{40,};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/')
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
    const cookie = cookieOf(page)
    const same = { Cookie: cookie, Origin: `http://127.0.0.1:${port}` }

    const created = await api('auth/setup', setup, same)
    expect(created.status).toBe(200)
    expect(created.json()).toMatchObject({ ok: true, data: { login: 'admin', roleCode: 'admin' } })
    expect(created.headers['set-cookie']).toBeUndefined() // the cookie it came with is kept

    const me = await api('auth/me', {}, same)
    expect(me.json()).toMatchObject({ ok: true, data: { login: 'admin' } })

    const stranger = await api('auth/me', {})
    expect(stranger.json()).toEqual({ ok: true, data: null })
    expect(cookieOf(stranger)).toMatch(/^crm_sid=/)
    expect(cookieOf(stranger)).not.toBe(cookie)
    const denied = await api('auth/changePassword', { oldPassword: 'secret-pass-1', newPassword: 'another-pass-2' })
    expect(denied.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })

    // a cookie the server never issued is not adopted as a session id
    const forged = await api('auth/me', {}, { Cookie: 'crm_sid=chosen-by-someone-else' })
    expect(forged.json()).toEqual({ ok: true, data: null })
    expect(cookieOf(forged)).not.toBe('crm_sid=chosen-by-someone-else')

    const out = await api('auth/logout', {}, same)
    expect(out.json()).toEqual({ ok: true, data: { ok: true } })
    expect((await api('auth/me', {}, same)).json()).toEqual({ ok: true, data: null })
  })
})
