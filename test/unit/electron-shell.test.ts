// The Electron shell with Electron itself replaced by fakes (it cannot run on these
// machines): window security settings, navigation guards, IPC registration and sender
// checks, and the preload's exposed API. dispatch() and the database behind it are real.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

const fake = vi.hoisted(() => {
  type Handler = (...args: any[]) => any
  class FakeWebContents {
    static nextId = 1
    id = FakeWebContents.nextId++
    handlers = new Map<string, Handler[]>()
    windowOpenHandler: Handler | null = null
    on(event: string, h: Handler) {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), h])
      return this
    }
    once(event: string, h: Handler) {
      return this.on(event, h)
    }
    emit(event: string, ...args: any[]) {
      for (const h of this.handlers.get(event) ?? []) h(...args)
    }
    setWindowOpenHandler(h: Handler) {
      this.windowOpenHandler = h
    }
  }
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = []
    webContents = new FakeWebContents()
    loadURL = vi.fn(async () => {})
    loadFile = vi.fn(async () => {})
    once = vi.fn()
    on = vi.fn()
    show = vi.fn()
    constructor(public options: any) {
      FakeBrowserWindow.created.push(this)
    }
    static getAllWindows() {
      return FakeBrowserWindow.created
    }
  }
  const ipcHandlers = new Map<string, Handler>()
  const exposed: Record<string, unknown> = {}
  const ipcRenderer = { invoke: vi.fn(async (...args: unknown[]) => ({ ok: true, data: args })), on: vi.fn(), send: vi.fn() }
  const headerHooks: Handler[] = []
  const permissionHandlers: { request: Handler | null; check: Handler | null } = { request: null, check: null }
  return {
    FakeWebContents,
    FakeBrowserWindow,
    ipcHandlers,
    exposed,
    ipcRenderer,
    headerHooks,
    permissionHandlers,
    app: { isPackaged: false },
    openExternal: vi.fn(async () => {}),
    openPath: vi.fn(async (_p: string) => ''),
    showItemInFolder: vi.fn((_p: string) => {}),
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed[key] = api
    }),
  }
})

vi.mock('electron', () => {
  const session = {
    webRequest: { onHeadersReceived: (h: any) => fake.headerHooks.push(h) },
    setPermissionRequestHandler: (h: any) => (fake.permissionHandlers.request = h),
    setPermissionCheckHandler: (h: any) => (fake.permissionHandlers.check = h),
  }
  const electron = {
    app: fake.app,
    BrowserWindow: fake.FakeBrowserWindow,
    shell: { openExternal: fake.openExternal, openPath: fake.openPath, showItemInFolder: fake.showItemInFolder },
    session: { defaultSession: session },
    ipcMain: {
      handle: (channel: string, h: any) => {
        if (fake.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`)
        fake.ipcHandlers.set(channel, h)
      },
      removeHandler: (channel: string) => fake.ipcHandlers.delete(channel),
    },
    ipcRenderer: fake.ipcRenderer,
    contextBridge: { exposeInMainWorld: fake.exposeInMainWorld },
  }
  return { ...electron, default: electron }
})

import { allCalls, channelOf } from '../../src-main/contract/index'
import { createMainWindow, secureSession } from '../../src-main/window/main-window'
import { registerIpc } from '../../src-main/window/ipc-main'
import { isOwnUrl, type RendererLocation } from '../../src-main/window/app-origin'
import { makeTestApp, type TestApp } from '../helpers/test-app'
import { session } from 'electron'

const indexFile = path.resolve('/opt/crm/resources/app.asar/out/renderer/index.html')
const renderer: RendererLocation = { kind: 'file', indexFile }
const ownUrl = pathToFileURL(indexFile).href

const navEvent = (url: string) => ({ url, preventDefault: vi.fn() })

describe('Electron shell (electron mocked)', () => {
  beforeEach(() => {
    fake.openExternal.mockClear()
  })

  describe('main window', () => {
    it('creates the window isolated, sandboxed and without Node', () => {
      const win = createMainWindow({ preload: '/opt/crm/out/preload/index.cjs', renderer }) as unknown as InstanceType<typeof fake.FakeBrowserWindow>
      const wp = win.options.webPreferences
      expect(wp.contextIsolation).toBe(true)
      expect(wp.sandbox).toBe(true)
      expect(wp.nodeIntegration).toBe(false)
      expect(wp.webSecurity).toBe(true)
      expect(wp.allowRunningInsecureContent).toBe(false)
      expect(wp.webviewTag).toBe(false)
      expect(wp.preload).toBe('/opt/crm/out/preload/index.cjs')
      expect(win.loadFile).toHaveBeenCalledWith(indexFile)
    })

    it('has DevTools only when run from the source tree, never in an installed (packaged) app', () => {
      try {
        fake.app.isPackaged = true
        const installed = createMainWindow({ preload: '/p.cjs', renderer }) as unknown as InstanceType<typeof fake.FakeBrowserWindow>
        expect(installed.options.webPreferences.devTools).toBe(false)
        fake.app.isPackaged = false
        const dev = createMainWindow({ preload: '/p.cjs', renderer }) as unknown as InstanceType<typeof fake.FakeBrowserWindow>
        expect(dev.options.webPreferences.devTools).toBe(true)
      } finally {
        fake.app.isPackaged = false
      }
    })

    it('prevents navigation away from our page and opens web links in the system browser', () => {
      const win = createMainWindow({ preload: '/p.cjs', renderer }) as unknown as InstanceType<typeof fake.FakeBrowserWindow>
      const foreign = navEvent('https://evil.example.com/phish')
      win.webContents.emit('will-navigate', foreign, foreign.url)
      expect(foreign.preventDefault).toHaveBeenCalled()
      expect(fake.openExternal).toHaveBeenCalledTimes(1)
      expect(fake.openExternal).toHaveBeenCalledWith('https://evil.example.com/phish')

      for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', pathToFileURL(path.join(path.dirname(indexFile), 'other.html')).href]) {
        const e = navEvent(url)
        win.webContents.emit('will-navigate', e, url)
        win.webContents.emit('will-redirect', e, url)
        expect(e.preventDefault, url).toHaveBeenCalled()
      }
      expect(fake.openExternal).toHaveBeenCalledTimes(1) // only http(s) links ever leave the app

      const own = navEvent(`${ownUrl}#/customers`)
      win.webContents.emit('will-navigate', own, own.url)
      expect(own.preventDefault).not.toHaveBeenCalled()
    })

    it('denies every window.open, handing http(s) links to the system browser', () => {
      const win = createMainWindow({ preload: '/p.cjs', renderer }) as unknown as InstanceType<typeof fake.FakeBrowserWindow>
      const open = win.webContents.windowOpenHandler!
      expect(open({ url: 'https://www.example.com/' })).toEqual({ action: 'deny' })
      expect(fake.openExternal).toHaveBeenCalledWith('https://www.example.com/')
      fake.openExternal.mockClear()
      expect(open({ url: ownUrl })).toEqual({ action: 'deny' })
      expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
      expect(fake.openExternal).not.toHaveBeenCalled()
    })

    it('sets the CSP on every response and refuses every permission but our own notifications', () => {
      secureSession(session.defaultSession, renderer)
      const hook = fake.headerHooks.at(-1)!
      let result: any
      hook({ responseHeaders: { 'content-security-policy': ["default-src *"] } }, (r: any) => (result = r))
      const csp = result.responseHeaders['Content-Security-Policy'][0]
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(result.responseHeaders['content-security-policy']).toBeUndefined()
      const cb = vi.fn()
      fake.permissionHandlers.request!({}, 'notifications', cb)
      fake.permissionHandlers.request!({}, 'media', cb)
      expect(cb.mock.calls).toEqual([[false], [false]])
      expect(fake.permissionHandlers.check!({}, 'geolocation', 'file://')).toBe(false)
      const own = vi.fn()
      fake.permissionHandlers.request!({}, 'notifications', own, { requestingUrl: ownUrl })
      fake.permissionHandlers.request!({}, 'notifications', own, { requestingUrl: 'https://evil.example.com/' })
      fake.permissionHandlers.request!({}, 'media', own, { requestingUrl: ownUrl })
      expect(own.mock.calls).toEqual([[true], [false], [false]])
      expect(fake.permissionHandlers.check!({}, 'notifications', 'file://', { requestingUrl: ownUrl })).toBe(true)
    })

    it('recognises our own page only', () => {
      expect(isOwnUrl(ownUrl, renderer)).toBe(true)
      expect(isOwnUrl(`${ownUrl}#/login`, renderer)).toBe(true)
      expect(isOwnUrl('file:///etc/passwd', renderer)).toBe(false)
      expect(isOwnUrl('https://evil.example.com/', renderer)).toBe(false)
      const dev: RendererLocation = { kind: 'dev', url: 'http://localhost:5173/' }
      expect(isOwnUrl('http://localhost:5173/#/customers', dev)).toBe(true)
      expect(isOwnUrl('http://localhost:5174/', dev)).toBe(false)
      expect(isOwnUrl(ownUrl, dev)).toBe(false)
    })
  })

  describe('ipc-main', () => {
    let t: TestApp
    let channels: string[]
    beforeAll(async () => {
      t = await makeTestApp('sqlite')
      channels = registerIpc({ app: t.app, sessions: t.sessions }, (url) => isOwnUrl(url, renderer))
    })
    afterAll(async () => {
      await t.close()
    })

    const eventFrom = (url: string, sender = new fake.FakeWebContents()) => ({ sender, senderFrame: { url } })

    it('registers exactly one handler per contract call, named crm:<area>:<call>', () => {
      const expected = allCalls().map(([a, c]) => channelOf(a, c))
      expect(channels.sort()).toEqual([...expected].sort())
      expect([...fake.ipcHandlers.keys()].sort()).toEqual([...expected].sort())
      expect(new Set(expected).size).toBe(expected.length)
    })

    it('answers our own page through dispatch, with the webContents as the session', async () => {
      const sender = new fake.FakeWebContents()
      const status = await fake.ipcHandlers.get('crm:auth:status')!(eventFrom(`${ownUrl}#/login`, sender), {})
      expect(status).toMatchObject({ ok: true, data: { needsSetup: true, browserMode: false } })
      const me = await fake.ipcHandlers.get('crm:auth:setup')!(eventFrom(ownUrl, sender), { login: 'admin', name: '管理员', password: 'secret-pass-1' })
      expect(me).toMatchObject({ ok: true, data: { login: 'admin' } })
      expect(t.sessions.get(`wc-${sender.id}`)).not.toBeNull()
      sender.emit('destroyed')
      expect(t.sessions.get(`wc-${sender.id}`)).toBeNull()
    })

    it('opens an attachment with the OS program after the service allowed it', async () => {
      const sender = new fake.FakeWebContents()
      const key = `wc-${sender.id}`
      await t.userSession('opener', 'admin')
      t.sessions.set(key, t.sessions.get('test-opener')!.userId)
      const customer = await t.call(key, 'customers', 'create', { name: '附件测试有限公司' })
      const channel = (await t.call(key, 'dictionary', 'items', { typeCode: 'interaction_channel' }))[0]
      const rec = await t.call(key, 'interactions', 'create', { customerId: customer.id, channelId: channel.id, occurredAt: new Date().toISOString(), subject: '报价' })
      const att = await t.call(key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName: '报价单.txt', contentBase64: Buffer.from('单价 100').toString('base64') })
      fake.openPath.mockClear()
      const r = await fake.ipcHandlers.get('crm:interactions:openAttachment')!(eventFrom(ownUrl, sender), { id: att.id })
      expect(r).toMatchObject({ ok: true, data: { fileName: '报价单.txt', opened: true } })
      expect(fake.openPath).toHaveBeenCalledTimes(1)
      expect(fake.openPath.mock.calls[0][0]).toBe((r as { data: { path: string } }).data.path)
      // no session: the service refuses, and nothing is opened
      const stranger = new fake.FakeWebContents()
      const denied = await fake.ipcHandlers.get('crm:interactions:openAttachment')!(eventFrom(ownUrl, stranger), { id: att.id })
      expect(denied).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
      expect(fake.openPath).toHaveBeenCalledTimes(1)

      // a program or script is never run: its folder is shown instead
      fake.showItemInFolder.mockClear()
      const open = (input: { id: string; confirmed?: boolean }) => fake.ipcHandlers.get('crm:interactions:openAttachment')!(eventFrom(ownUrl, sender), input)
      const macro = ['x.docm', 'x.xlsm', 'x.pptm', 'x.dotm', 'x.xlam']
      for (const fileName of ['setup.exe', 'run.BAT', 'link.lnk', 'page.hta', 'x.js', 'x.cmd', 'x.ps1', 'x.vbs', 'x.scr', 'x.msi', 'x.command', 'x.sh', 'x.html', ...macro, 'noext']) {
        const bad = await t.call(key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName, contentBase64: Buffer.from('echo hi').toString('base64') })
        // macro-enabled Office files stay refused, confirmed or not
        const res = await open({ id: bad.id, confirmed: macro.includes(fileName) ? true : undefined })
        expect(res, fileName).toMatchObject({ ok: true, data: { fileName, opened: false } })
        expect(fake.showItemInFolder).toHaveBeenLastCalledWith((res as { data: { path: string } }).data.path)
      }
      expect(fake.showItemInFolder).toHaveBeenCalledTimes(19)
      expect(fake.openPath).toHaveBeenCalledTimes(1)
      for (const fileName of ['合同.PDF', 'photo.jpeg', 'files.zip']) {
        const ok = await t.call(key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName, contentBase64: Buffer.from('x').toString('base64') })
        expect(await open({ id: ok.id })).toMatchObject({ ok: true, data: { opened: true } })
      }
      expect(fake.openPath).toHaveBeenCalledTimes(4)
      // Office documents open only after the user confirmed: main answers a rule error until then
      for (const fileName of ['报价.xlsx', '合同.DOCX', 'slides.pptx', 'old.doc', 'old.xls', 'old.ppt', 'memo.rtf', '方案.wps']) {
        const doc = await t.call(key, 'interactions', 'addAttachment', { interactionId: rec.id, fileName, contentBase64: Buffer.from('PK').toString('base64') })
        const before = fake.openPath.mock.calls.length
        for (const confirmed of [undefined, false]) {
          expect(await open({ id: doc.id, confirmed }), fileName).toMatchObject({ ok: false, error: { code: 'rule', key: 'interactions.errors.confirmOpen', params: { name: fileName } } })
        }
        expect(fake.openPath.mock.calls.length, fileName).toBe(before)
        expect(await open({ id: doc.id, confirmed: true }), fileName).toMatchObject({ ok: true, data: { fileName, opened: true } })
        expect(fake.openPath.mock.calls.length, fileName).toBe(before + 1)
      }
      expect(fake.showItemInFolder).toHaveBeenCalledTimes(19)
    })

    it('rejects a foreign sender without reaching dispatch', async () => {
      const before = Number((await t.app.db.knex('users').count({ n: '*' }))[0].n)
      for (const url of ['https://evil.example.com/', 'file:///tmp/evil.html', '']) {
        const sender = new fake.FakeWebContents()
        const r = await fake.ipcHandlers.get('crm:auth:login')!(eventFrom(url, sender), { login: 'admin', password: 'secret-pass-1' })
        expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
        expect(t.sessions.get(`wc-${sender.id}`)).toBeNull()
      }
      const noFrame = await fake.ipcHandlers.get('crm:auth:status')!({ sender: new fake.FakeWebContents(), senderFrame: null }, {})
      expect(noFrame).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(Number((await t.app.db.knex('users').count({ n: '*' }))[0].n)).toBe(before)
    })
  })

  describe('preload', () => {
    beforeAll(async () => {
      await import('../../src-main/preload/index')
    })

    it('exposes window.crm with exactly one function per contract call', () => {
      expect(fake.exposeInMainWorld.mock.calls.map((c) => c[0])).toEqual(['crm', 'crmShell'])
      const crm = fake.exposed.crm as Record<string, Record<string, unknown>>
      const calls = allCalls()
      expect(Object.keys(crm).sort()).toEqual([...new Set(calls.map(([a]) => a))].sort())
      let functions = 0
      for (const [area, fns] of Object.entries(crm)) {
        for (const [call, fn] of Object.entries(fns)) {
          expect(typeof fn, `${area}.${call}`).toBe('function')
          expect(calls.some(([a, c]) => a === area && c === call)).toBe(true)
          functions++
        }
      }
      expect(functions).toBe(calls.length)
    })

    it('never exposes ipcRenderer, and each method invokes only its own channel', async () => {
      const crm = fake.exposed.crm as Record<string, Record<string, (i: unknown) => Promise<unknown>>>
      const seen = new Set<unknown>()
      const walk = (v: unknown) => {
        if (v === fake.ipcRenderer) throw new Error('ipcRenderer exposed')
        if (v && typeof v === 'object' && !seen.has(v)) {
          seen.add(v)
          for (const k of Object.keys(v)) {
            expect(k.toLowerCase()).not.toContain('ipc')
            walk((v as Record<string, unknown>)[k])
          }
        }
      }
      walk(crm)
      expect(Object.isFrozen(crm)).toBe(true)

      fake.ipcRenderer.invoke.mockClear()
      await crm.customers.list({ page: 2 })
      expect(fake.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('crm:customers:list', { page: 2 })
      await crm.auth.status({})
      expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith('crm:auth:status', {})
    })

    it('window.crmShell: commands from the desktop shell reach the page (kept until it listens); it sends only language, due count and a focus request, and asks for the opened file', async () => {
      const { SHELL_COMMAND_CHANNEL, SHELL_DUE_CHANNEL, SHELL_FOCUS_CHANNEL, SHELL_LANGUAGE_CHANNEL, SHELL_OPENED_FILE_CHANNEL } = await import('../../src-main/window/desktop-shell')
      const shell = fake.exposed.crmShell as { onCommand(fn: (c: string, a?: string) => void): void; setLanguage(l: string): void; setDueCount(n: number): void; focus(): void; openedFile(): Promise<unknown> }
      expect(Object.isFrozen(shell)).toBe(true)
      expect(Object.keys(shell).sort()).toEqual(['focus', 'onCommand', 'openedFile', 'setDueCount', 'setLanguage'])
      fake.ipcRenderer.invoke.mockClear()
      await shell.openedFile()
      expect(fake.ipcRenderer.invoke.mock.calls).toEqual([[SHELL_OPENED_FILE_CHANNEL]])
      const listen = fake.ipcRenderer.on.mock.calls.find((c) => c[0] === SHELL_COMMAND_CHANNEL)
      expect(listen).toBeDefined()
      const deliver = listen![1] as (e: unknown, command: unknown, arg?: unknown) => void
      deliver({}, 'navigate', '/reminders') // before the page listens: kept
      deliver({}, 42) // not a command: dropped
      const seen: Array<[string, string | undefined]> = []
      shell.onCommand((c, a) => seen.push([c, a]))
      deliver({}, 'lock')
      expect(seen).toEqual([['navigate', '/reminders'], ['lock', undefined]])
      fake.ipcRenderer.send.mockClear()
      shell.setLanguage('en-US')
      shell.setDueCount(3.7)
      shell.setDueCount(-2)
      shell.focus()
      expect(fake.ipcRenderer.send.mock.calls).toEqual([[SHELL_LANGUAGE_CHANNEL, 'en-US'], [SHELL_DUE_CHANNEL, 3], [SHELL_DUE_CHANNEL, 0], [SHELL_FOCUS_CHANNEL]])
    })
  })
})
