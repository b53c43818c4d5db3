// 锁屏's idle time (issue 14 item 1): the user's own choice on this computer, never above the
// administrator's maximum; without a choice the policy's default (10 minutes). The idle timer
// itself locking the page is the Playwright spec test/e2e/lock-search.spec.ts (fake clock).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { effectiveLockMinutes, LOCK_MINUTES_KEY, ownLockMinutes, setOwnLockMinutes } from '../../src-renderer/views/layout/use-idle-lock'

const store = new Map<string, string>()
beforeEach(() => {
  store.clear()
  ;(globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  }
})
afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage
})

describe('the idle time before the lock screen', () => {
  const policy = (idleMinutes: number, maxIdleMinutes: number | null) => ({ idleMinutes, maxIdleMinutes, lockOnSleep: true })

  it('is the policy’s default when the user chose none', () => {
    expect(ownLockMinutes()).toBeNull()
    expect(effectiveLockMinutes(policy(10, null))).toBe(10)
    expect(effectiveLockMinutes(policy(10, 30))).toBe(10)
  })

  it('is the user’s own choice, kept on this computer, within the administrator’s maximum', () => {
    setOwnLockMinutes(60)
    expect(store.get(LOCK_MINUTES_KEY)).toBe('60')
    expect(ownLockMinutes()).toBe(60)
    expect(effectiveLockMinutes(policy(10, null))).toBe(60)
    expect(effectiveLockMinutes(policy(10, 30))).toBe(30) // the maximum wins
    setOwnLockMinutes(5)
    expect(effectiveLockMinutes(policy(10, 30))).toBe(5) // shorter is always allowed
    setOwnLockMinutes(null) // back to the default
    expect(store.has(LOCK_MINUTES_KEY)).toBe(false)
    expect(effectiveLockMinutes(policy(15, 30))).toBe(15)
  })

  it('ignores a stored value that is not a whole positive number; a default above the maximum is capped too', () => {
    store.set(LOCK_MINUTES_KEY, 'abc')
    expect(ownLockMinutes()).toBeNull()
    store.set(LOCK_MINUTES_KEY, '-3')
    expect(ownLockMinutes()).toBeNull()
    expect(effectiveLockMinutes(policy(20, 15))).toBe(15)
  })
})
