// The idle timer of 锁屏: no keyboard, mouse or touch input for the chosen time locks the
// session. The time is the user's own choice on this computer (localStorage), never above the
// administrator's maximum; without a choice, the policy's default (10 minutes).
import { onBeforeUnmount, onMounted, ref } from 'vue'
import type { LockPolicy } from '@contract/system'
import { api } from '../../api/client'
import { useAuthStore } from '../../stores/auth'

export const LOCK_MINUTES_KEY = 'crm.lockMinutes'
const CHECK_MS = 5_000
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

export function ownLockMinutes(): number | null {
  try {
    const v = Number(localStorage.getItem(LOCK_MINUTES_KEY))
    return Number.isInteger(v) && v > 0 ? v : null
  } catch {
    return null
  }
}

export function setOwnLockMinutes(minutes: number | null) {
  try {
    if (minutes) localStorage.setItem(LOCK_MINUTES_KEY, String(minutes))
    else localStorage.removeItem(LOCK_MINUTES_KEY)
  } catch {
    /* private mode: for this run only */
  }
}

/** The idle minutes in force: the user's choice within the maximum, else the default. */
export function effectiveLockMinutes(policy: LockPolicy, own = ownLockMinutes()): number {
  const wanted = own ?? policy.idleMinutes
  return policy.maxIdleMinutes ? Math.min(wanted, policy.maxIdleMinutes) : wanted
}

export function useIdleLock() {
  const auth = useAuthStore()
  const policy = ref<LockPolicy | null>(null)
  let last = Date.now()
  let timer: ReturnType<typeof setInterval> | undefined
  const seen = () => {
    last = Date.now()
  }

  async function loadPolicy() {
    policy.value = await api.system.lockPolicy({}).catch(() => null)
  }

  function check() {
    const p = policy.value ?? { idleMinutes: 10, maxIdleMinutes: null, lockOnSleep: true }
    if (Date.now() - last >= effectiveLockMinutes(p) * 60_000) void auth.lock()
  }

  onMounted(() => {
    last = Date.now()
    for (const e of ACTIVITY) window.addEventListener(e, seen, { capture: true, passive: true })
    timer = setInterval(check, CHECK_MS)
    void loadPolicy()
  })
  onBeforeUnmount(() => {
    for (const e of ACTIVITY) window.removeEventListener(e, seen, { capture: true })
    clearInterval(timer)
  })
  return { policy, reload: loadPolicy }
}
