// 数据库连接 while the central database cannot be reached: nobody can log in, so on the desktop
// app's stand-in context getDb / testDb / saveDb run without a session. Anywhere else (a normal
// context, the browser mode) they still need a login with the settings permission.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { unreachableApp } from '../../src-main/window/unreachable-app'
import { MemorySettingsStore, testDb } from '../../src-main/modules/settings/settings.service'
import type { AppContext } from '../../src-main/modules/context'
import { splitPgUrl } from '../../src-main/db/config'
import { makeTestApp, type TestApp } from '../helpers/test-app'

const SECRET = 'Secret-77'
const config = { dialect: 'mssql' as const, host: 'db.example', port: 1433, database: 'crm', user: 'crm', password: SECRET }
const closedPg = { dialect: 'postgres' as const, url: `postgres://crm:${SECRET}@127.0.0.1:1/crm` }

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-repair-'))
})
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

const standIn = (extra: Partial<AppContext> = {}) => {
  const store = new MemorySettingsStore(config)
  const deps = { app: { ...unreachableApp({ config, dataDir: tmp, settingsStore: store }), ...extra }, sessions: new SessionStore() }
  return { deps, store, call: (call: string, input: unknown, key = 'no-session') => dispatch(deps, 'settings', call, input, key) }
}

describe('connection settings while the database is unreachable', () => {
  it('getDb, testDb and saveDb work without a session on the stand-in context', async () => {
    const { deps, store, call } = standIn()
    expect(deps.app.unreachable).toBe(true)

    const view = await call('getDb', {})
    expect(view).toMatchObject({ ok: true, data: { dialect: 'mssql', host: 'db.example', user: 'crm', hasPassword: true } })
    expect(JSON.stringify(view)).not.toContain(SECRET)

    const refused = await call('testDb', closedPg)
    expect(refused).toMatchObject({ ok: true, data: { ok: false, messageKey: 'settings.dbTest.refused', messageParams: { target: '127.0.0.1:1' } } })
    expect(JSON.stringify(refused)).not.toContain(SECRET)

    const file = path.join(tmp, 'new.sqlite')
    expect(await call('testDb', { dialect: 'sqlite', file })).toMatchObject({ ok: true, data: { ok: true, messageKey: 'settings.dbTest.fileNew', messageParams: { file } } })
    expect(fs.existsSync(file)).toBe(false)

    expect(await call('saveDb', { dialect: 'sqlite', file, confirmLocalChange: true })).toEqual({ ok: true, data: { ok: true, restartRequired: true } })
    expect(store.load()).toEqual({ dialect: 'sqlite', file })
  })

  it('saving without a session needs the confirmation that this computer\'s settings file changes', async () => {
    const { store, call } = standIn()
    const file = path.join(tmp, 'other.sqlite')
    // no administrator password can be checked (the users live in the unreachable database), and
    // the settings file is the OS user's own: the rule is an explicit confirmation, checked in main
    expect(await call('saveDb', { dialect: 'sqlite', file })).toMatchObject({ ok: false, error: { code: 'rule', key: 'settings.errors.confirmLocalChange' } })
    expect(await call('saveDb', { dialect: 'sqlite', file, confirmLocalChange: false })).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(store.load()).toEqual(config)
    const pg = { dialect: 'postgres' as const, url: `postgres://crm@db.example:5432/crm?password=${SECRET}x` }
    expect(await call('saveDb', { ...pg, confirmLocalChange: true })).toMatchObject({ ok: true })
    expect(splitPgUrl((store.load() as { url: string }).url)).toEqual({ url: 'postgres://crm@db.example:5432/crm', password: `${SECRET}x` })
    // the form as shown again never carries the password
    const view = await call('getDb', {})
    expect(view).toMatchObject({ ok: true, data: { url: 'postgres://crm@db.example:5432/crm', hasPassword: true } })
    expect(JSON.stringify(view)).not.toContain(SECRET)
  })

  it('everything else still needs a login there, migrateDb and setClock included', async () => {
    const { deps, call } = standIn()
    for (const [c, input] of [['migrateDb', { dialect: 'sqlite', file: path.join(tmp, 'm.sqlite') }], ['setClock', { now: null }]] as const) {
      expect(await call(c, input)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    }
    expect(fs.existsSync(path.join(tmp, 'm.sqlite'))).toBe(false)
    expect(await dispatch(deps, 'users', 'list', {}, 'no-session')).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(await dispatch(deps, 'audit', 'list', {}, 'no-session')).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
  })

  it('in the browser mode even the stand-in context requires a login', async () => {
    const { store, call } = standIn({ browserMode: true })
    expect(await call('getDb', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(await call('testDb', closedPg)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(await call('saveDb', { dialect: 'sqlite', file: path.join(tmp, 'x.sqlite') })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(store.load()).toEqual(config)
  })
})

describe('connection settings with a reachable database', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp('sqlite')
    t.app.settingsStore = new MemorySettingsStore()
  })
  afterEach(async () => {
    await t.close()
  })

  it('need a login with the settings permission', async () => {
    const input = { dialect: 'sqlite' as const, file: path.join(tmp, 'x.sqlite') }
    for (const [c, i] of [['getDb', {}], ['testDb', input], ['saveDb', input]] as const) {
      expect(await t.raw('no-session', 'settings', c, i)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    }
    const rep = await t.userSession('rep', 'manager')
    for (const [c, i] of [['getDb', {}], ['testDb', input], ['saveDb', input]] as const) {
      expect(await t.raw(rep.key, 'settings', c, i)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    expect(t.app.settingsStore!.load()).toBeNull()
    const admin = await t.userSession('admin', 'admin')
    expect(await t.raw(admin.key, 'settings', 'testDb', input)).toMatchObject({ ok: true, data: { ok: true } })
  })

  it('the service itself refuses a call without an actor outside the stand-in context', async () => {
    await expect(testDb({ ...t.app, actor: null }, { dialect: 'sqlite', file: path.join(tmp, 'x.sqlite') })).rejects.toMatchObject({ code: 'unauthenticated' })
    await expect(testDb({ ...t.app, unreachable: true, browserMode: true, actor: null }, { dialect: 'sqlite', file: path.join(tmp, 'x.sqlite') })).rejects.toMatchObject({ code: 'unauthenticated' })
  })
})
