import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'

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
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_credentials', params: { remaining: 4 } } })
    expect(await t.call('s2', 'auth', 'me', {})).toBeNull()
    expect(await login('s3', 'whatever-1', 'nobody')).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
  })

  it('locks the account for 15 minutes after 5 wrong passwords, then lets it in again', async () => {
    await setupAdmin()
    for (let i = 1; i <= 4; i++) {
      expect(await login('s', 'wrong-password')).toMatchObject({ ok: false, error: { code: 'invalid_credentials', params: { remaining: 5 - i } } })
    }
    expect(await login('s', 'wrong-password')).toMatchObject({ ok: false, error: { code: 'locked', params: { minutes: 15 } } })
    // even the right password is refused while locked
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: false, error: { code: 'locked' } })
    t.clock.advance(14 * 60_000)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: false, error: { code: 'locked', params: { minutes: 1 } } })
    t.clock.advance(61_000)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
    const row = await t.app.db.knex('users').where({ login: 'admin' }).first()
    expect(Number(row.failed_logins)).toBe(0)
    expect(row.locked_until).toBeNull()
  })

  it('counts parallel wrong passwords one by one: 20 at once lock the account', async () => {
    await setupAdmin()
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(`p${i}`, 'wrong-password')))
    expect(results.every((r) => !r.ok)).toBe(true)
    expect(results.some((r) => !r.ok && r.error.code === 'locked')).toBe(true)
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: false, error: { code: 'locked' } })
    const row = await t.app.db.knex('users').where({ login: 'admin' }).first()
    expect(row.locked_until).toBeTruthy()
  })

  it('a successful login resets the failure count', async () => {
    await setupAdmin()
    for (let i = 0; i < 4; i++) await login('s', 'wrong-password')
    expect(await login('s', 'admin-pass-1')).toMatchObject({ ok: true })
    expect(await login('s', 'wrong-password')).toMatchObject({ ok: false, error: { code: 'invalid_credentials', params: { remaining: 4 } } })
  })

  it('a disabled user cannot log in', async () => {
    await setupAdmin()
    const rep = await t.userSession('rep', 'manager')
    expect(await login('rep-2', 'secret-pass-1', 'rep')).toMatchObject({ ok: true })
    await t.call('first', 'users', 'update', { id: rep.userId, disabled: true })
    expect(await login('rep-3', 'secret-pass-1', 'rep')).toMatchObject({ ok: false, error: { code: 'forbidden', key: 'errors.disabled' } })
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
