import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'

describeEachDb('auth', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await makeTestApp(dialect)
  })
  afterEach(async () => {
    await t.close()
  })

  const setupAdmin = () => t.call('first', 'auth', 'setup', { login: 'admin', name: '管理员', password: 'admin-pass-1' })
  const login = (key: string, password: string, who = 'admin') => t.raw(key, 'auth', 'login', { login: who, password })

  it('creates the administrator once; a second setup answers already_setup', async () => {
    expect(await t.call('x', 'auth', 'status', {})).toMatchObject({ needsSetup: true, dialect })
    const me = await setupAdmin()
    expect(me).toMatchObject({ login: 'admin', name: '管理员', roleCode: 'admin', roleName: '系统管理员' })
    expect(me.permissions.users?.actions).toContain('create')
    // setup logs the caller in
    expect(await t.call('first', 'auth', 'me', {})).toMatchObject({ userId: me.userId })
    expect(await t.call('x', 'auth', 'status', {})).toMatchObject({ needsSetup: false })

    const row = await t.app.db.knex('users').where({ id: me.userId }).first()
    expect(Number(row.version)).toBe(Number((await t.app.db.knex('sync_version').where({ id: 1 }).first()).version))
    expect(Number(row.version)).toBeGreaterThan(0)

    const again = await t.raw('other', 'auth', 'setup', { login: 'admin2', name: 'Second', password: 'admin-pass-2' })
    expect(again).toMatchObject({ ok: false, error: { code: 'already_setup' } })
    const [{ n }] = await t.app.db.knex('users').count({ n: '*' })
    expect(Number(n)).toBe(1)
    expect(await t.call('other', 'auth', 'me', {})).toBeNull()
  })

  it('logs in with the right password (login is case-insensitive) and refuses a wrong one', async () => {
    await setupAdmin()
    const ok = await login('s1', 'admin-pass-1', 'ADMIN')
    expect(ok).toMatchObject({ ok: true, data: { login: 'admin' } })
    expect(await t.call('s1', 'auth', 'me', {})).toMatchObject({ login: 'admin' })
    const row = await t.app.db.knex('users').where({ login: 'admin' }).first()
    expect(row.last_login_at).toBeTruthy()

    const bad = await login('s2', 'wrong-password')
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
    expect(await t.call('s2', 'auth', 'me', {})).toBeNull()
    expect(await login('s3', 'whatever-1', 'nobody')).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
  })

  const locked = async () => {
    const row = await t.app.db.knex('users').where({ login: 'admin' }).first()
    return { failed: Number(row.failed_logins), lockedUntil: row.locked_until ? new Date(row.locked_until).toISOString() : null }
  }
  const REFUSED = { ok: false, error: { code: 'invalid_credentials' } }

  it('locks the account for 15 minutes after 5 wrong passwords, then lets it in again', async () => {
    await setupAdmin()
    for (let i = 1; i <= 5; i++) expect(await login('s', 'wrong-password')).toMatchObject(REFUSED)
    const state = await locked()
    expect(state.failed).toBe(0)
    expect(Math.abs(new Date(state.lockedUntil!).getTime() - (t.clock.now().getTime() + 15 * 60_000))).toBeLessThan(5_000)
    // even the right password is refused while locked
    expect(await login('s', 'admin-pass-1')).toMatchObject(REFUSED)
    expect(await t.call('s', 'auth', 'me', {})).toBeNull()
    t.clock.advance(14 * 60_000)
    expect(await login('s', 'admin-pass-1')).toMatchObject(REFUSED)
    t.clock.advance(61_000)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
    const row = await t.app.db.knex('users').where({ login: 'admin' }).first()
    expect(Number(row.failed_logins)).toBe(0)
    expect(row.locked_until).toBeNull()
  })

  it('locking starts the count again: after the lock expires one wrong password does not lock at once', async () => {
    await setupAdmin()
    for (let i = 0; i < 5; i++) await login('s', 'wrong-password')
    const until = (await locked()).lockedUntil
    expect(until).not.toBeNull()
    // wrong passwords while locked neither count nor move the lock
    for (let i = 0; i < 3; i++) await login('s', 'wrong-password')
    expect(await locked()).toEqual({ failed: 0, lockedUntil: until })
    t.clock.advance(15 * 60_000 + 1000)
    expect(await login('s', 'wrong-password')).toMatchObject(REFUSED)
    expect((await locked()).failed).toBe(1)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
    // four more wrong ones are allowed, the fifth locks again
    for (let i = 0; i < 4; i++) await login('s', 'wrong-password')
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
    for (let i = 0; i < 5; i++) await login('s', 'wrong-password')
    expect(await login('s', 'admin-pass-1')).toMatchObject(REFUSED)
  })

  it('counts parallel wrong passwords one by one: 20 at once lock the account, and the lock is not counted twice', async () => {
    await setupAdmin()
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(`p${i}`, 'wrong-password')))
    expect(results.every((r) => !r.ok && r.error.code === 'invalid_credentials')).toBe(true)
    expect(await login('s', 'admin-pass-1')).toMatchObject(REFUSED)
    const state = await locked()
    expect(state.lockedUntil).toBeTruthy()
    expect(state.failed).toBe(0)
    t.clock.advance(16 * 60_000)
    expect(await login('s', 'wrong-password')).toMatchObject(REFUSED)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
  })

  it('60 parallel logins with the right password last: none gets in once the lock is set, and the lock stays', async () => {
    await setupAdmin()
    const attempts = Array.from({ length: 60 }, (_, i) => login(`w${i}`, 'wrong-password'))
    attempts.push(login('right', 'admin-pass-1'))
    const results = await Promise.all(attempts)
    expect(results.filter((r) => r.ok)).toHaveLength(0)
    expect(await t.call('right', 'auth', 'me', {})).toBeNull()
    const state = await locked()
    expect(state.lockedUntil).not.toBeNull()
    expect(new Date(state.lockedUntil!).getTime()).toBeGreaterThan(t.clock.now().getTime())
    expect(await login('again', 'admin-pass-1')).toMatchObject(REFUSED)
  }, 120_000)

  it('a successful login resets the failure count', async () => {
    await setupAdmin()
    for (let i = 0; i < 4; i++) await login('s', 'wrong-password')
    expect((await locked()).failed).toBe(4)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
    expect((await locked()).failed).toBe(0)
    for (let i = 0; i < 4; i++) expect(await login('s', 'wrong-password')).toMatchObject(REFUSED)
    expect(await locked()).toEqual({ failed: 4, lockedUntil: null })
  })

  it('an unknown login, a wrong password, a disabled and a locked account answer alike, at the same cost', async () => {
    await setupAdmin()
    const roles = await t.call('first', 'roles', 'list', {})
    const role = (code: string) => roles.find((r) => r.code === code)!.id
    const off = await t.call('first', 'users', 'create', { login: 'off', name: 'Off', password: 'off-pass-12', roleId: role('manager') })
    await t.call('first', 'users', 'update', { id: off.id, version: await versionOf(t, 'users', off.id), disabled: true })
    await t.call('first', 'users', 'create', { login: 'held', name: 'Held', password: 'held-pass-1', roleId: role('manager') })
    for (let i = 0; i < 5; i++) await login('x', 'wrong-password', 'held')
    const cases: Array<[string, string, string]> = [
      ['unknown login', 'nobody', 'whatever-pass'],
      ['wrong password', 'admin', 'wrong-password'],
      ['disabled, right password', 'off', 'off-pass-12'],
      ['disabled, wrong password', 'off', 'wrong-password'],
      ['locked, right password', 'held', 'held-pass-1'],
      ['locked, wrong password', 'held', 'wrong-password'],
    ]
    const answers: string[] = []
    const times: Record<string, number[]> = {}
    for (let round = 0; round < 3; round++) {
      for (const [name, who, password] of cases) {
        const started = performance.now()
        const r = await login(`c-${round}-${who}`, password, who)
        ;(times[name] ??= []).push(performance.now() - started)
        expect(r.ok, name).toBe(false)
        answers.push(JSON.stringify(r))
      }
    }
    expect(new Set(answers).size).toBe(1)
    expect(JSON.parse(answers[0])).toEqual({ ok: false, error: { code: 'invalid_credentials', message: 'wrong login or password', key: 'errors.invalid_credentials' } })
    // every path pays for one scrypt check (tens of ms); without it a path answers in about 1 ms
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]
    const reference = median(times['wrong password'])
    for (const [name] of cases) expect(median(times[name]), name).toBeGreaterThan(reference * 0.4)
  })

  it('a disabled user cannot log in', async () => {
    await setupAdmin()
    const rep = await t.userSession('rep', 'manager')
    expect(await login('rep-2', 'secret-pass-1', 'rep')).toMatchObject({ ok: true })
    await t.call('first', 'users', 'update', { id: rep.userId, version: await versionOf(t, 'users', rep.userId), disabled: true })
    expect(await login('rep-3', 'secret-pass-1', 'rep')).toMatchObject(REFUSED)
    // open sessions ended too
    expect(await t.raw(rep.key, 'customers', 'list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(await t.raw('rep-2', 'auth', 'me', {})).toMatchObject({ ok: true, data: null })
  })

  it('logout ends the session', async () => {
    await setupAdmin()
    await login('s', 'admin-pass-1')
    expect(await t.call('s', 'auth', 'me', {})).not.toBeNull()
    expect(await t.call('s', 'auth', 'logout', {})).toEqual({ ok: true })
    expect(await t.call('s', 'auth', 'me', {})).toBeNull()
    expect(await t.raw('s', 'users', 'list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
  })

  it('changes the own password after checking the current one', async () => {
    await setupAdmin()
    const wrong = await t.raw('first', 'auth', 'changePassword', { oldPassword: 'not-it', newPassword: 'new-pass-123' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'oldPassword' }] } })
    const short = await t.raw('first', 'auth', 'changePassword', { oldPassword: 'admin-pass-1', newPassword: 'short' })
    expect(short).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'newPassword' }] } })
    expect(await t.call('first', 'auth', 'changePassword', { oldPassword: 'admin-pass-1', newPassword: 'new-pass-123' })).toEqual({ ok: true })
    expect(await login('a', 'admin-pass-1')).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
    expect(await login('b', 'new-pass-123')).toMatchObject({ ok: true })
    expect(await t.raw('anon', 'auth', 'changePassword', { oldPassword: 'new-pass-123', newPassword: 'other-pass-1' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    })
  })

  it('wrong current passwords count toward the lockout; a locked account cannot change its password', async () => {
    await setupAdmin()
    for (let i = 1; i <= 4; i++) {
      expect(await t.raw('first', 'auth', 'changePassword', { oldPassword: 'not-it', newPassword: 'new-pass-123' })).toMatchObject({
        ok: false, error: { code: 'validation', issues: [{ field: 'oldPassword' }] },
      })
      expect((await locked()).failed).toBe(i)
    }
    await t.raw('first', 'auth', 'changePassword', { oldPassword: 'not-it', newPassword: 'new-pass-123' })
    expect((await locked()).lockedUntil).not.toBeNull()
    // locked: the right current password is refused, and so is a login
    expect(await t.raw('first', 'auth', 'changePassword', { oldPassword: 'admin-pass-1', newPassword: 'new-pass-123' })).toMatchObject({
      ok: false, error: { code: 'locked' },
    })
    expect(await login('other', 'admin-pass-1')).toMatchObject(REFUSED)
    const row = await t.app.db.knex('users').where({ login: 'admin' }).first()
    expect(await login('other', 'new-pass-123')).toMatchObject(REFUSED)
    t.clock.advance(16 * 60_000)
    expect(await t.call('first', 'auth', 'changePassword', { oldPassword: 'admin-pass-1', newPassword: 'new-pass-123' })).toEqual({ ok: true })
    expect((await t.app.db.knex('users').where({ login: 'admin' }).first()).password_hash).not.toBe(row.password_hash)
    expect(await login('other', 'new-pass-123')).toMatchObject({ ok: true })
  })

  it('login and logout replace the session record under the caller\'s key (Electron: the webContents key stays)', async () => {
    const me = await setupAdmin()
    const first = t.sessions.get('first')!
    expect(first.userId).toBe(me.userId)
    await new Promise((r) => setTimeout(r, 5))
    expect(await login('first', 'admin-pass-1')).toMatchObject({ ok: true })
    const second = t.sessions.get('first')!
    expect(second).not.toBe(first)
    expect(second.createdAt).toBeGreaterThan(first.createdAt)
    await t.call('first', 'auth', 'logout', {})
    expect(t.sessions.get('first')).toBeNull()
  })

  it('a password change is versioned, audited without the hash and ends the other sessions', async () => {
    const me = await setupAdmin()
    expect(await login('laptop', 'admin-pass-1')).toMatchObject({ ok: true })
    const rep = await t.userSession('rep', 'manager')
    const before = await t.app.db.knex('users').where({ id: me.userId }).first()
    t.clock.advance(60_000)
    expect(await t.call('first', 'auth', 'changePassword', { oldPassword: 'admin-pass-1', newPassword: 'new-pass-123' })).toEqual({ ok: true })
    const row = await t.app.db.knex('users').where({ id: me.userId }).first()
    expect(Number(row.version)).toBe(Number((await t.app.db.knex('sync_version').where({ id: 1 }).first()).version))
    expect(Number(row.version)).toBeGreaterThan(Number(before.version))
    expect(row.updated_at).not.toEqual(before.updated_at)
    const log = await t.app.db.knex('audit_log').where({ entity: 'user', entity_id: me.userId, action: 'update' })
    expect(log).toHaveLength(1)
    expect(log[0].user_id).toBe(me.userId)
    expect(Object.keys(JSON.parse(log[0].changes))).toEqual(['passwordChangedAt'])
    expect(log[0].changes).not.toContain('scrypt$')
    // this session stays, the one signed in elsewhere ends, other users keep theirs
    expect(await t.call('first', 'auth', 'me', {})).toMatchObject({ userId: me.userId })
    expect(await t.call('laptop', 'auth', 'me', {})).toBeNull()
    expect(await t.call(rep.key, 'auth', 'me', {})).toMatchObject({ userId: rep.userId })
  })

  it('stores passwords as scrypt hashes and never writes a hash to the audit log', async () => {
    await setupAdmin()
    await t.call('first', 'auth', 'changePassword', { oldPassword: 'admin-pass-1', newPassword: 'new-pass-123' })
    const roles = await t.call('first', 'roles', 'list', {})
    const u = await t.call('first', 'users', 'create', { login: 'zhang', name: '张三', password: 'zhang-pass-1', roleId: roles.find((r) => r.code === 'manager')!.id })
    await t.call('first', 'users', 'resetPassword', { id: u.id, password: 'zhang-pass-2' })
    const users = await t.app.db.knex('users').select('password_hash')
    for (const r of users) {
      expect(r.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
      expect(r.password_hash).not.toContain('pass')
    }
    const log = await t.app.db.knex('audit_log').select('changes')
    expect(log.length).toBeGreaterThanOrEqual(3)
    const all = log.map((r) => String(r.changes)).join('\n')
    expect(all).not.toContain('scrypt$')
    expect(all).not.toMatch(/password_?hash/i)
    expect(all).not.toContain('admin-pass-1')
    expect(all).not.toContain('zhang-pass')
    for (const r of users) expect(all).not.toContain(r.password_hash)
  })
})
