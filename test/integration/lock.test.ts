// 锁屏 in the main process: a locked session is refused every call but unlock, logout and
// status; unlocking takes the user's password, and wrong ones count toward the account lockout
// (the auth service's count and lock); a session silent for longer than the lock policy allows
// locks by itself (the browser mode's session timeout); the policy is an admin setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { MAX_FAILED_LOGINS } from '../../src-main/modules/auth/auth.service'
import { expectCode } from './customers.fixtures'

const PASSWORD = 'secret-pass-1' // test-app's users

describeEachDb('lock screen (main process)', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('lockadmin', 'admin', { name: '锁屏管理员' })
  })
  afterAll(async () => t?.close())

  const failedLogins = async (userId: string) => Number((await t.app.db.knex('users').where({ id: userId }).first('failed_logins')).failed_logins)

  it('refuses every call of a locked session but unlock, logout and status', async () => {
    const rep = await t.userSession('lockrep1', 'manager', { name: '王小明' })
    await t.call(rep.key, 'customers', 'create', { name: '锁屏测试客户' })
    expect((await t.call(rep.key, 'auth', 'status', {})).locked).toBe(false)
    await t.call(rep.key, 'auth', 'lock', {})
    for (const [area, call, input] of [['customers', 'list', {}], ['auth', 'me', {}], ['search', 'global', { term: '锁屏' }], ['reminders', 'badge', {}], ['auth', 'changePassword', { oldPassword: PASSWORD, newPassword: 'another-pass-2' }]] as const) {
      const r = await t.raw(rep.key, area, call, input)
      expect(expectCode(r, 'session_locked').key, `${area}.${call}`).toBe('errors.session_locked')
    }
    const status = await t.call(rep.key, 'auth', 'status', {})
    expect(status).toMatchObject({ locked: true, lockedUser: { name: '王小明', login: 'lockrep1' } })
    await t.call(rep.key, 'auth', 'lock', {}) // again: harmless
    // another session of the same user is not locked
    t.sessions.set('lockrep1-other-window', rep.userId)
    expect((await t.raw('lockrep1-other-window', 'customers', 'list', {})).ok).toBe(true)
    // unlock with the password: the same session goes on
    const me = await t.call(rep.key, 'auth', 'unlock', { password: PASSWORD })
    expect(me.login).toBe('lockrep1')
    expect((await t.call(rep.key, 'customers', 'list', {})).total).toBe(1)
    expect((await t.call(rep.key, 'auth', 'status', {})).locked).toBe(false)
    // logout works while locked
    await t.call(rep.key, 'auth', 'lock', {})
    await t.call(rep.key, 'auth', 'logout', {})
    expectCode(await t.raw(rep.key, 'customers', 'list', {}), 'unauthenticated')
    expect((await t.call(rep.key, 'auth', 'status', {})).lockedUser).toBeNull()
  })

  it('counts wrong unlock passwords toward the account lockout, and a right one clears the count', async () => {
    const rep = await t.userSession('lockrep2', 'manager')
    await t.call(rep.key, 'auth', 'lock', {})
    const wrong = await t.raw(rep.key, 'auth', 'unlock', { password: 'not-it' })
    expect(expectCode(wrong, 'validation').issues?.[0]).toMatchObject({ field: 'password', code: 'wrong' })
    expect(await failedLogins(rep.userId)).toBe(1)
    await t.raw(rep.key, 'auth', 'unlock', { password: 'not-it-either' })
    expect(await failedLogins(rep.userId)).toBe(2)
    expectCode(await t.raw(rep.key, 'customers', 'list', {}), 'session_locked') // still locked
    await t.call(rep.key, 'auth', 'unlock', { password: PASSWORD })
    expect(await failedLogins(rep.userId)).toBe(0)
  })

  it('locks the account at the limit and ends the session; logging in is refused until the lock runs out', async () => {
    const rep = await t.userSession('lockrep3', 'manager')
    await t.call(rep.key, 'auth', 'lock', {})
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) expectCode(await t.raw(rep.key, 'auth', 'unlock', { password: `wrong-${i}` }), 'validation')
    const last = await t.raw(rep.key, 'auth', 'unlock', { password: 'wrong-last' })
    expect(expectCode(last, 'locked').key).toBe('errors.locked')
    expectCode(await t.raw(rep.key, 'customers', 'list', {}), 'unauthenticated') // the session ended
    expect(t.sessions.peek(rep.key)).toBeNull()
    const row = await t.app.db.knex('users').where({ id: rep.userId }).first('locked_until')
    expect(row.locked_until).toBeTruthy()
    expectCode(await t.raw('lockrep3-login', 'auth', 'login', { login: 'lockrep3', password: PASSWORD }), 'invalid_credentials')
  })

  it('a disabled user cannot unlock', async () => {
    const rep = await t.userSession('lockrep4', 'manager')
    await t.call(rep.key, 'auth', 'lock', {})
    await t.app.db.knex('users').where({ id: rep.userId }).update({ disabled: true })
    expect((await t.raw(rep.key, 'auth', 'unlock', { password: PASSWORD })).ok).toBe(false)
    expect(t.sessions.peek(rep.key)).toBeNull()
  })

  it('locks a session that was silent longer than the policy allows (session timeout)', async () => {
    let now = Date.now()
    const sessions = new SessionStore(() => now)
    const deps = { app: t.app, sessions }
    await t.call(admin.key, 'system', 'saveLockPolicy', { idleMinutes: 5, maxIdleMinutes: 15, lockOnSleep: true })
    sessions.set('silent', admin.userId)
    const list = () => dispatch(deps, 'customers', 'list', {}, 'silent')
    expect((await list()).ok).toBe(true)
    now += 14 * 60_000
    expect((await list()).ok).toBe(true) // each call counts as use
    now += 15 * 60_000 + 1000
    expectCode(await list(), 'session_locked')
    const st = await dispatch(deps, 'auth', 'status', {}, 'silent')
    expect(st.ok && (st.data as { locked: boolean }).locked).toBe(true)
    expect((await dispatch(deps, 'auth', 'unlock', { password: PASSWORD }, 'silent')).ok).toBe(true)
    expect((await list()).ok).toBe(true)
    // lockAll: the computer went to sleep
    sessions.set('other', admin.userId)
    expect(sessions.lockAll()).toBe(2)
    expectCode(await list(), 'session_locked')
  })

  it('the lock policy: everybody reads it, only an administrator sets it, within its own maximum', async () => {
    const rep = await t.userSession('lockrep5', 'manager')
    expect(await t.call(rep.key, 'system', 'lockPolicy', {})).toEqual({ idleMinutes: 5, maxIdleMinutes: 15, lockOnSleep: true })
    expectCode(await t.raw(rep.key, 'system', 'saveLockPolicy', { idleMinutes: 30, maxIdleMinutes: null, lockOnSleep: false }), 'forbidden')
    expectCode(await t.raw(admin.key, 'system', 'saveLockPolicy', { idleMinutes: 30, maxIdleMinutes: 20, lockOnSleep: false }), 'validation')
    expect(await t.call(admin.key, 'system', 'saveLockPolicy', { idleMinutes: 10, maxIdleMinutes: null, lockOnSleep: false })).toEqual({ idleMinutes: 10, maxIdleMinutes: null, lockOnSleep: false })
  })
})

describe('SessionStore lock (unit)', () => {
  it('locks, unlocks and forgets sessions independently', () => {
    let now = 1_000_000
    const s = new SessionStore(() => now)
    s.set('a', 'u1')
    s.set('b', 'u1')
    expect(s.lock('a')).toBe(true)
    expect(s.lock('missing')).toBe(false)
    expect(s.peek('a')!.locked).toBe(true)
    expect(s.peek('b')!.locked).toBe(false)
    s.unlock('a')
    expect(s.peek('a')!.locked).toBe(false)
    now += 10 * 60_000
    expect(s.get('a', { lockAfterMs: 5 * 60_000 })!.locked).toBe(true)
    expect(s.get('b', { lockAfterMs: null })!.locked).toBe(false)
    now += 13 * 60 * 60_000
    expect(s.get('a')).toBeNull() // 12 hours unused: gone, not merely locked
  })
})
