import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import knexFactory from 'knex'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { describeEachDb, makeTestApp, PG_URL, type TestApp } from '../helpers/test-app'
import { configInUse, FileSettingsStore, MemorySettingsStore, resolveConfig } from '../../src-main/modules/settings/settings.service'
import { splitPassword } from '../../src-main/modules/settings/settings.store'
import { parse as pgParse } from 'pg-connection-string'
import { systemClock } from '../../src-main/db/clock'
import { describeDb, splitPgUrl, type DbConfig } from '../../src-main/db/config'
import { migrations } from '../../db/migrations/index'

const SECRET = 'Sup3r-S3cret!pw'
const MIGRATION_NAMES = migrations.map((m) => m.name)

describeEachDb('settings', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  let tmp: string

  beforeEach(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('admin', 'admin')
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-settings-'))
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await t.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  const mssql = (extra: Record<string, unknown> = {}) => ({ dialect: 'mssql' as const, host: '127.0.0.1', port: 1, database: 'crm', user: 'sa', password: SECRET, ...extra })

  it('getDb shows the connection in use without its password', async () => {
    const view = await t.call(admin.key, 'settings', 'getDb', {})
    expect(view).toMatchObject({ dialect, canSavePassword: false })
    if (dialect === 'sqlite') {
      expect(view).toMatchObject({ file: path.join(t.app.dataDir, 'crm.sqlite'), url: null, hasPassword: false, description: `sqlite:${path.join(t.app.dataDir, 'crm.sqlite')}` })
    } else {
      const url = new URL(view.url!)
      expect(url.password).toBe('')
      expect(url.username).toBe(new URL(PG_URL).username)
      expect(view.hasPassword).toBe(true)
      expect(view.description).toContain(':***@')
    }
    const rep = await t.userSession('rep', 'manager')
    expect(await t.raw(rep.key, 'settings', 'getDb', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('getDb shows the saved connection (never the password) once one is saved', async () => {
    t.app.settingsStore = new MemorySettingsStore()
    expect(await t.call(admin.key, 'settings', 'saveDb', { ...mssql(), instance: 'SQLEXPRESS', trustServerCertificate: true })).toEqual({ ok: true, restartRequired: true })
    const view = await t.call(admin.key, 'settings', 'getDb', {})
    expect(view).toEqual({
      dialect: 'mssql', file: null, url: null, host: '127.0.0.1', port: 1, instance: 'SQLEXPRESS', database: 'crm', user: 'sa',
      hasPassword: true, encrypt: true, trustServerCertificate: true, canSavePassword: false, description: 'mssql://sa@127.0.0.1\\SQLEXPRESS:1/crm',
    })
    expect(JSON.stringify(view)).not.toContain(SECRET)
  })

  it('auth.status before login tells whether the database answers, never where it is', async () => {
    // as the desktop app and the CLI describe the connection they opened (index.ts, cli-db.ts)
    const cfg: DbConfig = { dialect: 'postgres', url: `postgres://crm@db.example.cn:5432/crm?sslmode=require&password=${SECRET}` }
    t.app.dbConfig = cfg
    t.app.dbDescription = describeDb(cfg)
    const status = await t.call('no-session', 'auth', 'status', {})
    expect(Object.keys(status).sort()).toEqual(['browserMode', 'dialect', 'locked', 'lockedUser', 'needsSetup', 'version'])
    expect(status).toMatchObject({ locked: false, lockedUser: null }) // no session: nobody's lock to show
    const text = JSON.stringify(status)
    for (const leak of [SECRET, 'db.example.cn', t.app.dataDir, 'crm.sqlite', 'postgres://']) expect(text).not.toContain(leak)
  })

  it('getDb never shows a password given in the URL\'s query string, in the URL field or the description', async () => {
    t.app.settingsStore = new MemorySettingsStore({ dialect: 'postgres', url: `postgres://crm@db.example.cn:5432/crm?sslmode=require&password=${SECRET}&PWD=${SECRET}` })
    const view = await t.call(admin.key, 'settings', 'getDb', {})
    expect(view).toMatchObject({ dialect: 'postgres', url: 'postgres://crm@db.example.cn:5432/crm?sslmode=require', hasPassword: true })
    expect(JSON.stringify(view)).not.toContain(SECRET)
    expect(JSON.stringify(view)).not.toContain(encodeURIComponent(SECRET))
    // saving the form as shown (no password typed) keeps the saved one for the same server and user
    await t.call(admin.key, 'settings', 'saveDb', { dialect: 'postgres', url: view.url! })
    expect(splitPgUrl((t.app.settingsStore.load() as { url: string }).url)).toEqual({ url: view.url, password: SECRET })
  })

  it('saveDb keeps the saved password when the form leaves it blank, but only for the same server and user', async () => {
    const store = new MemorySettingsStore()
    t.app.settingsStore = store
    await t.call(admin.key, 'settings', 'saveDb', mssql())
    await t.call(admin.key, 'settings', 'saveDb', mssql({ password: '', database: 'crm2' }))
    expect(store.load()).toMatchObject({ dialect: 'mssql', database: 'crm2', password: SECRET })
    await t.call(admin.key, 'settings', 'saveDb', mssql({ password: undefined }))
    expect(store.load()).toMatchObject({ port: 1, password: SECRET })
    // another port may be another server: the saved password is not sent there
    await t.call(admin.key, 'settings', 'saveDb', mssql({ password: undefined, port: 1433 }))
    expect(store.load()).toMatchObject({ port: 1433, password: '' })
    await t.call(admin.key, 'settings', 'saveDb', mssql())
    await t.call(admin.key, 'settings', 'saveDb', mssql({ password: '', host: 'other.example.com' }))
    expect(store.load()).toMatchObject({ host: 'other.example.com', password: '' })
    await t.call(admin.key, 'settings', 'saveDb', { dialect: 'sqlite', file: path.join(tmp, 'x.sqlite') })
    expect(store.load()).toEqual({ dialect: 'sqlite', file: path.join(tmp, 'x.sqlite') })
  })

  it('saveDb with a session needs no local-change confirmation (the session\'s settings.edit decides)', async () => {
    const store = new MemorySettingsStore()
    t.app.settingsStore = store
    expect(await t.call(admin.key, 'settings', 'saveDb', { dialect: 'sqlite', file: path.join(tmp, 'y.sqlite') })).toEqual({ ok: true, restartRequired: true })
    expect(store.load()).toEqual({ dialect: 'sqlite', file: path.join(tmp, 'y.sqlite') })
  })

  it('saveDb without a settings store is refused', async () => {
    expect(await t.raw(admin.key, 'settings', 'saveDb', { dialect: 'sqlite', file: path.join(tmp, 'x.sqlite') })).toMatchObject({ ok: false, error: { code: 'rule' } })
  })

  it('testDb reports the server version and pending migrations of the database in use', async () => {
    const inUse = configInUse(t.app)!
    const input = inUse.dialect === 'sqlite' ? { dialect: 'sqlite' as const, file: inUse.file } : { dialect: 'postgres' as const, url: (inUse as { url: string }).url }
    const r = await t.call(admin.key, 'settings', 'testDb', input)
    expect(r).toMatchObject({ ok: true, pendingMigrations: [], message: null })
    expect(r.serverVersion).toMatch(dialect === 'sqlite' ? /^SQLite 3\./ : /^PostgreSQL \d+/)
    const rep = await t.userSession('rep', 'manager')
    expect(await t.raw(rep.key, 'settings', 'testDb', input)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('testDb on a SQLite file that does not exist yet lists every migration and creates nothing', async () => {
    const file = path.join(tmp, 'sub', 'new.sqlite')
    const r = await t.call(admin.key, 'settings', 'testDb', { dialect: 'sqlite', file })
    expect(r).toMatchObject({ ok: true, pendingMigrations: MIGRATION_NAMES })
    expect(fs.existsSync(file)).toBe(false)
  })

  it('testDb against a closed port fails fast with a clear message that never contains the password', async () => {
    const started = Date.now()
    const pg = await t.call(admin.key, 'settings', 'testDb', { dialect: 'postgres', url: `postgres://crm:${SECRET}@127.0.0.1:1/crm` })
    expect(pg).toMatchObject({ ok: false, serverVersion: null, pendingMigrations: [] })
    expect(pg.message).toMatch(/refused by 127\.0\.0\.1:1/)
    expect(pg.message).not.toContain(SECRET)
    expect(pg).toMatchObject({ messageKey: 'settings.dbTest.refused', messageParams: { target: '127.0.0.1:1' } })
    expect(pg.detail).toMatch(/ECONNREFUSED/)
    expect(pg.detail).not.toContain(SECRET)
    const ms = await t.call(admin.key, 'settings', 'testDb', mssql())
    expect(ms).toMatchObject({ ok: false, serverVersion: null })
    expect(ms.message).toMatch(/refused by 127\.0\.0\.1:1/)
    expect(ms.message).not.toContain(SECRET)
    expect(ms).toMatchObject({ messageKey: 'settings.dbTest.refused', messageParams: { target: '127.0.0.1:1' } })
    expect(JSON.stringify(ms)).not.toContain(SECRET)
    expect(Date.now() - started).toBeLessThan(11_000)
  })

  it('migrateDb migrates and seeds a new SQLite database; a second run applies nothing', async () => {
    const file = path.join(tmp, 'fresh.sqlite')
    expect(await t.call(admin.key, 'settings', 'migrateDb', { dialect: 'sqlite', file })).toEqual({ applied: MIGRATION_NAMES })
    const k = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true })
    try {
      expect((await k('roles').select('code')).map((r) => r.code).sort()).toEqual(['admin', 'agent', 'executive', 'manager', 'supervisor'])
      expect(Number((await k('dict_items').count({ n: '*' }))[0].n)).toBeGreaterThan(50)
    } finally {
      await k.destroy()
    }
    expect(await t.call(admin.key, 'settings', 'migrateDb', { dialect: 'sqlite', file })).toEqual({ applied: [] })
    expect(await t.call(admin.key, 'settings', 'testDb', { dialect: 'sqlite', file })).toMatchObject({ ok: true, pendingMigrations: [] })
  })

  it('migrateDb on an unreachable server answers db_unreachable without the password', async () => {
    const r = await t.raw(admin.key, 'settings', 'migrateDb', { dialect: 'postgres', url: `postgres://crm:${SECRET}@127.0.0.1:1/crm` })
    expect(r).toMatchObject({ ok: false, error: { code: 'db_unreachable', key: 'settings.dbTest.refused', params: { target: '127.0.0.1:1' } } })
    expect(JSON.stringify(r)).not.toContain(SECRET)
    expect(JSON.stringify(r)).toContain('127.0.0.1:1')
  })

  if (dialect === 'postgres') {
    it('testDb with a wrong password or a missing database says so, without the password', async () => {
      const u = new URL(PG_URL)
      u.password = SECRET
      const wrong = await t.call(admin.key, 'settings', 'testDb', { dialect: 'postgres', url: u.toString() })
      expect(wrong.ok).toBe(false)
      expect(wrong.message).toMatch(/login failed for user "crm"/)
      expect(wrong.message).not.toContain(SECRET)
      expect(wrong).toMatchObject({ messageKey: 'settings.dbTest.loginFailed', messageParams: { user: 'crm' } })
      expect(wrong.detail).toMatch(/password authentication failed/)
      expect(JSON.stringify(wrong)).not.toContain(SECRET)
      const missing = new URL(PG_URL)
      missing.pathname = '/crm_no_such_db_' + randomBytes(3).toString('hex')
      const r = await t.call(admin.key, 'settings', 'testDb', { dialect: 'postgres', url: missing.toString() })
      expect(r).toMatchObject({ ok: false })
      expect(r.message).toMatch(/does not exist/)
      expect(r.messageKey).toBe('settings.dbTest.noDatabase')
    })

    it('migrateDb migrates and seeds a new PostgreSQL database', async () => {
      const name = 'crm_t_mig_' + randomBytes(5).toString('hex')
      const root = knexFactory({ client: 'pg', connection: PG_URL })
      await root.raw(`create database ${name}`)
      const u = new URL(PG_URL)
      u.pathname = '/' + name
      try {
        expect(await t.call(admin.key, 'settings', 'testDb', { dialect: 'postgres', url: u.toString() })).toMatchObject({ ok: true, pendingMigrations: MIGRATION_NAMES })
        expect(await t.call(admin.key, 'settings', 'migrateDb', { dialect: 'postgres', url: u.toString() })).toEqual({ applied: MIGRATION_NAMES })
        expect(await t.call(admin.key, 'settings', 'testDb', { dialect: 'postgres', url: u.toString() })).toMatchObject({ ok: true, pendingMigrations: [] })
        const k = knexFactory({ client: 'pg', connection: u.toString() })
        expect(Number((await k('roles').count({ n: '*' }))[0].n)).toBe(5)
        await k.destroy()
      } finally {
        await root.raw(`drop database if exists ${name} with (force)`)
        await root.destroy()
      }
    })
  }

  it('setClock works only with CRM_TEST_HOOKS=1, an adjustable clock and settings.edit', async () => {
    vi.stubEnv('CRM_TEST_HOOKS', '')
    expect(await t.raw(admin.key, 'settings', 'setClock', { now: '2030-01-01T00:00:00Z' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(Math.abs(t.clock.now().getTime() - Date.now())).toBeLessThan(5_000)

    vi.stubEnv('CRM_TEST_HOOKS', '1')
    expect(await t.call(admin.key, 'settings', 'setClock', { now: '2030-01-01T00:00:00Z' })).toEqual({ ok: true })
    expect(Math.abs(t.app.clock.now().getTime() - Date.parse('2030-01-01T00:00:00Z'))).toBeLessThan(5_000)
    // services see the moved clock
    const u = await t.call(admin.key, 'users', 'saveTeam', { name: '未来组' })
    const row = await t.app.db.knex('teams').where({ id: u.id }).first()
    expect(String(row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at)).toMatch(/^2030-01-01/)
    expect(await t.call(admin.key, 'settings', 'setClock', { now: null })).toEqual({ ok: true })
    expect(Math.abs(t.clock.now().getTime() - Date.now())).toBeLessThan(5_000)

    const rep = await t.userSession('rep', 'manager')
    expect(await t.raw(rep.key, 'settings', 'setClock', { now: '2030-01-01T00:00:00Z' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const adjustable = t.app.clock
    t.app.clock = systemClock
    try {
      expect(await t.raw(admin.key, 'settings', 'setClock', { now: '2030-01-01T00:00:00Z' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    } finally {
      t.app.clock = adjustable
    }
  })
})

describe('FileSettingsStore', () => {
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-store-'))
  })
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  // stands in for Electron's safeStorage: reversible, and the plain text is not visible
  const codec = {
    encrypt: (s: string) => 'enc:' + Buffer.from(s, 'utf8').reverse().toString('base64'),
    decrypt: (s: string) => {
      if (!s.startsWith('enc:')) throw new Error('not ours')
      return Buffer.from(s.slice(4), 'base64').reverse().toString('utf8')
    },
  }
  const file = () => path.join(dir, 'connection.json')
  const onDisk = () => fs.readFileSync(file(), 'utf8')
  const ms: DbConfig = { dialect: 'mssql', host: 'db.example.cn', port: 1433, database: 'crm', user: 'crm_app', password: SECRET, encrypt: true, trustServerCertificate: false }
  const pgUrl = `postgres://crm:${encodeURIComponent(SECRET)}@db.example.cn:5432/crm`

  it('with a codec stores the password encrypted and reads it back', () => {
    const store = new FileSettingsStore(dir, codec)
    expect(store.canSavePassword).toBe(true)
    expect(store.load()).toBeNull()
    store.save(ms)
    expect(onDisk()).not.toContain(SECRET)
    expect(onDisk()).toContain(codec.encrypt(SECRET))
    expect(JSON.parse(onDisk()).config).toMatchObject({ dialect: 'mssql', host: 'db.example.cn', user: 'crm_app' })
    expect(new FileSettingsStore(dir, codec).load()).toEqual(ms)

    store.save({ dialect: 'postgres', url: pgUrl })
    expect(onDisk()).not.toContain(SECRET)
    expect(onDisk()).not.toContain(encodeURIComponent(SECRET))
    const back = new FileSettingsStore(dir, codec).load()
    expect(back).toEqual({ dialect: 'postgres', url: pgUrl })
    expect(decodeURIComponent(new URL((back as { url: string }).url).password)).toBe(SECRET)
  })

  it('without a codec keeps the password in memory only', () => {
    const store = new FileSettingsStore(dir)
    expect(store.canSavePassword).toBe(false)
    store.save(ms)
    expect(onDisk()).not.toContain(SECRET)
    expect(onDisk()).not.toContain('password')
    expect(store.load()).toEqual(ms) // this run still has it
    expect(new FileSettingsStore(dir).load()).toEqual({ ...ms, password: '' }) // the next run does not

    store.save({ dialect: 'postgres', url: pgUrl })
    expect(onDisk()).not.toContain(encodeURIComponent(SECRET))
    expect(store.load()).toEqual({ dialect: 'postgres', url: pgUrl })
    expect(new URL((new FileSettingsStore(dir).load() as { url: string }).url).password).toBe('')
  })

  it('a password in the URL\'s query string is moved out of the URL and stored encrypted (or not at all)', () => {
    const url = `postgres://crm@db.example.cn:5432/crm?sslmode=require&password=${encodeURIComponent(SECRET)}`
    const withCodec = new FileSettingsStore(dir, codec)
    withCodec.save({ dialect: 'postgres', url })
    expect(onDisk()).not.toContain(SECRET)
    expect(onDisk()).not.toContain(encodeURIComponent(SECRET))
    expect(onDisk()).not.toMatch(/password=/i)
    expect(JSON.parse(onDisk())).toMatchObject({ config: { url: 'postgres://crm@db.example.cn:5432/crm?sslmode=require' }, passwordEncrypted: codec.encrypt(SECRET) })
    // what node-postgres will be given connects as crm with the password
    const back = new FileSettingsStore(dir, codec).load() as { url: string }
    expect(pgParse(back.url)).toMatchObject({ user: 'crm', password: SECRET, host: 'db.example.cn', sslmode: 'require' })

    const noCodec = new FileSettingsStore(dir)
    noCodec.save({ dialect: 'postgres', url })
    expect(onDisk()).not.toContain(SECRET)
    expect(onDisk()).not.toContain(encodeURIComponent(SECRET))
    expect(pgParse((noCodec.load() as { url: string }).url).password).toBe(SECRET) // this run only
    expect(pgParse((new FileSettingsStore(dir).load() as { url: string }).url).password).toBeFalsy()

    // a user without a userinfo name (?user=) keeps it as a query parameter
    withCodec.save({ dialect: 'postgres', url: `postgres://db.example.cn/crm?user=crm&password=${SECRET}` })
    expect(onDisk()).not.toContain(SECRET)
    expect(pgParse((new FileSettingsStore(dir, codec).load() as { url: string }).url)).toMatchObject({ user: 'crm', password: SECRET })
  })

  it('a file holding a password in clear text (written by hand or by an older version) is rewritten encrypted on load', () => {
    for (const config of [
      { dialect: 'postgres', url: `postgres://crm:${encodeURIComponent(SECRET)}@db.example.cn/crm` },
      { dialect: 'postgres', url: `postgres://crm@db.example.cn/crm?password=${encodeURIComponent(SECRET)}` },
      { dialect: 'mssql', host: 'db.example.cn', database: 'crm', user: 'sa', password: SECRET },
    ]) {
      fs.writeFileSync(file(), JSON.stringify({ version: 1, config }))
      const loaded = new FileSettingsStore(dir, codec).load()!
      expect(splitPassword(loaded).password).toBe(SECRET)
      expect(onDisk()).not.toContain(SECRET)
      expect(onDisk()).not.toContain(encodeURIComponent(SECRET))
      expect(splitPassword(new FileSettingsStore(dir, codec).load()!).password).toBe(SECRET)
    }
    // version 1 stored a PostgreSQL password as it stood in the URL (percent-encoded)
    fs.writeFileSync(file(), JSON.stringify({ version: 1, config: { dialect: 'postgres', url: 'postgres://crm@db/crm' }, passwordEncrypted: codec.encrypt('pw%40x') }))
    expect(new FileSettingsStore(dir, codec).load()).toEqual({ dialect: 'postgres', url: 'postgres://crm:pw%40x@db/crm' })
  })

  it('a missing, corrupt or undecryptable file does not break start-up', () => {
    expect(new FileSettingsStore(dir, codec).load()).toBeNull()
    fs.writeFileSync(file(), '{not json')
    expect(new FileSettingsStore(dir, codec).load()).toBeNull()
    fs.writeFileSync(file(), JSON.stringify({ version: 1, config: { dialect: 'oracle' } }))
    expect(new FileSettingsStore(dir, codec).load()).toBeNull()
    new FileSettingsStore(dir, codec).save(ms)
    const broken = { encrypt: codec.encrypt, decrypt: () => { throw new Error('key changed') } }
    expect(new FileSettingsStore(dir, broken).load()).toEqual({ ...ms, password: '' })
  })

  it('sqlite paths are stored absolute', () => {
    const store = new FileSettingsStore(dir, codec)
    store.save({ dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') })
    expect(new FileSettingsStore(dir).load()).toEqual({ dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') })
  })
})

describe('resolveConfig', () => {
  const saved: DbConfig = { dialect: 'mssql', host: 'DB.example.cn', database: 'crm', user: 'sa', password: SECRET }
  it('fills a blank mssql password from the saved connection to the same host and user', () => {
    expect(resolveConfig({ dialect: 'mssql', host: 'db.example.cn', database: 'other', user: 'sa', password: '', encrypt: true, trustServerCertificate: false }, saved)).toMatchObject({ password: SECRET, database: 'other' })
    expect(resolveConfig({ dialect: 'mssql', host: 'db.example.cn', database: 'crm', user: 'sa', encrypt: true, trustServerCertificate: false }, saved)).toMatchObject({ password: SECRET })
    expect(resolveConfig({ dialect: 'mssql', host: 'db.example.cn', database: 'crm', user: 'sa', password: 'typed-new', encrypt: true, trustServerCertificate: false }, saved)).toMatchObject({ password: 'typed-new' })
    expect(resolveConfig({ dialect: 'mssql', host: 'evil.example.com', database: 'crm', user: 'sa', password: '', encrypt: true, trustServerCertificate: false }, saved)).toMatchObject({ password: '' })
    expect(resolveConfig({ dialect: 'mssql', host: 'db.example.cn', database: 'crm', user: 'other', password: '', encrypt: true, trustServerCertificate: false }, saved)).toMatchObject({ password: '' })
  })
  it('fills a PostgreSQL URL without a password from the saved one', () => {
    const pgSaved: DbConfig = { dialect: 'postgres', url: 'postgres://crm:pw%40x@db:5432/crm' }
    expect(resolveConfig({ dialect: 'postgres', url: 'postgres://crm@db:5432/crm2' }, pgSaved)).toEqual({ dialect: 'postgres', url: 'postgres://crm:pw%40x@db:5432/crm2' })
    expect(resolveConfig({ dialect: 'postgres', url: 'postgres://crm@other:5432/crm' }, pgSaved)).toEqual({ dialect: 'postgres', url: 'postgres://crm@other:5432/crm' })
  })
  it('never reuses the saved password for another port, instance or a URL whose query picks the target', () => {
    const pgSaved: DbConfig = { dialect: 'postgres', url: 'postgres://crm:pw%40x@legit:5432/crm' }
    for (const url of [
      'postgres://crm@legit:5432/crm?host=evil.example',
      'postgres://crm@legit:5432/crm?hostaddr=203.0.113.9',
      'postgres://crm@legit:5432/crm?port=6543',
      'postgres://crm@legit:5432/crm?user=postgres',
      'postgres://crm@legit:6543/crm',
    ]) expect(resolveConfig({ dialect: 'postgres', url }, pgSaved)).toEqual({ dialect: 'postgres', url })
    expect(resolveConfig({ dialect: 'postgres', url: 'postgres://crm@LEGIT/crm' }, pgSaved)).toEqual({ dialect: 'postgres', url: 'postgres://crm:pw%40x@LEGIT/crm' })
    const form = { dialect: 'mssql' as const, host: 'db.example.cn', database: 'crm', user: 'sa', password: '', encrypt: true, trustServerCertificate: false }
    expect(resolveConfig({ ...form, port: 14330 }, saved)).toMatchObject({ password: '' })
    expect(resolveConfig({ ...form, instance: 'OTHER' }, saved)).toMatchObject({ password: '' })
    expect(resolveConfig({ ...form, port: 1433 }, saved)).toMatchObject({ password: SECRET })
    const named: DbConfig = { ...saved, instance: 'SQLEXPRESS' }
    expect(resolveConfig({ ...form, instance: 'sqlexpress' }, named)).toMatchObject({ password: SECRET })
    expect(resolveConfig(form, named)).toMatchObject({ password: '' })
  })
})

describe('testDb time-out', () => {
  it('gives up on a server that accepts the connection but never answers within about 10 s', async () => {
    const net = await import('node:net')
    const held: import('node:net').Socket[] = []
    const server = net.createServer((s) => held.push(s)) // accepts, then stays silent
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as import('node:net').AddressInfo).port
    const t = await makeTestApp('sqlite')
    try {
      const admin = await t.userSession('admin', 'admin')
      const started = Date.now()
      const [pg, ms] = await Promise.all([
        t.call(admin.key, 'settings', 'testDb', { dialect: 'postgres', url: `postgres://crm:${SECRET}@127.0.0.1:${port}/crm` }),
        t.call(admin.key, 'settings', 'testDb', { dialect: 'mssql', host: '127.0.0.1', port, database: 'crm', user: 'sa', password: SECRET }),
      ])
      const elapsed = Date.now() - started
      for (const r of [pg, ms]) {
        expect(r.ok).toBe(false)
        expect(r.message).toMatch(new RegExp(`no answer from 127\\.0\\.0\\.1:${port} within 10 s`))
        expect(r.message).not.toContain(SECRET)
        expect(r).toMatchObject({ messageKey: 'settings.dbTest.timeout', messageParams: { target: `127.0.0.1:${port}`, seconds: 10 } })
        expect(JSON.stringify(r)).not.toContain(SECRET)
      }
      expect(elapsed).toBeGreaterThan(8_000)
      expect(elapsed).toBeLessThan(14_000)
    } finally {
      held.forEach((s) => s.destroy())
      server.close()
      await t.close()
    }
  }, 30_000)
})
