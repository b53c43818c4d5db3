// The session: app status (first-run setup, database, browser mode) and the logged-in user
// with the role's permissions. The permissions only decide what the UI offers; the main
// process checks every call again.
import { defineStore, getActivePinia } from 'pinia'
import { computed, nextTick, ref } from 'vue'
import { ElMessage, ElMessageBox, ElNotification } from 'element-plus'
import type { CallOutput } from '@contract/index'
import type { Me, Preferences } from '@contract/auth'
import type { Action, PermModule } from '@contract/common'
import { api, ApiCallError, isElectron, setSessionLockedHandler } from '../api/client'
import { disposeDataStores } from './lock-reset'

export type AppStatus = CallOutput<'auth', 'status'>

export const useAuthStore = defineStore('auth', () => {
  const status = ref<AppStatus | null>(null)
  const me = ref<Me | null>(null)
  /** true once status and session were asked for (successfully or not). */
  const ready = ref(false)
  const loadError = ref<unknown>(null)
  /** 锁屏: the lock screen is up; the routed page is not mounted and the data stores are empty */
  const locked = ref(false)
  /** who is locked out (the lock screen shows it): the session's user, also after a reload */
  const lockedUser = ref<{ name: string; login: string } | null>(null)
  let pending: Promise<void> | null = null

  const loggedIn = computed(() => !!me.value)
  const needsSetup = computed(() => !!status.value?.needsSetup)
  /**
   * The desktop app could not reach its database when asked for the status: the connection
   * settings then open without a login (/connection). Never in the browser mode.
   */
  const connectionRepairable = computed(() => isElectron() && loadError.value instanceof ApiCallError && loadError.value.error.code === 'db_unreachable')

  async function refreshStatus() {
    status.value = await api.auth.status({})
  }

  /** Loads status and the current session once; later calls reuse the answer. */
  function init(force = false): Promise<void> {
    if (ready.value && !force) return Promise.resolve()
    if (pending) return pending
    pending = (async () => {
      try {
        loadError.value = null
        await refreshStatus()
        if (status.value?.locked) {
          // reloaded while locked: the lock screen, and nothing of the session until unlocked
          lockedUser.value = status.value.lockedUser
          locked.value = true
          me.value = null
        } else me.value = status.value?.needsSetup ? null : await api.auth.me({})
      } catch (e) {
        loadError.value = e
      } finally {
        ready.value = true
        pending = null
      }
    })()
    return pending
  }

  async function login(login: string, password: string) {
    me.value = await api.auth.login({ login, password })
    return me.value
  }

  async function setup(input: { login: string; name: string; password: string }) {
    me.value = await api.auth.setup(input)
    if (status.value) status.value = { ...status.value, needsSetup: false }
    return me.value
  }

  async function logout() {
    try {
      await api.auth.logout({})
    } finally {
      me.value = null
      locked.value = false
      lockedUser.value = null
    }
  }

  async function changePassword(oldPassword: string, newPassword: string) {
    await api.auth.changePassword({ oldPassword, newPassword })
  }

  /** 个人设置: own working hour and time zone (null = the app's default). */
  async function savePreferences(p: Preferences) {
    me.value = await api.auth.savePreferences(p)
    return me.value
  }

  /** Called when the server says the session is gone. */
  function forget() {
    me.value = null
    locked.value = false
    lockedUser.value = null
  }

  /**
   * Shows the lock screen: the page behind it is unmounted first (App.vue renders the lock
   * screen instead of the router view), then every data store is emptied, and messages and
   * notifications (they may name customers) are closed.
   */
  async function showLock() {
    if (locked.value || !me.value) return
    lockedUser.value = { name: me.value.name, login: me.value.login }
    locked.value = true
    ElNotification.closeAll()
    ElMessage.closeAll()
    ElMessageBox.close()
    await nextTick()
    const pinia = getActivePinia()
    if (pinia) disposeDataStores(pinia)
  }

  /** 锁屏 now (Ctrl/⌘+L, the idle timer): main refuses the session's calls until unlocked. */
  async function lock() {
    if (!me.value || locked.value) return
    await showLock()
    await api.auth.lock({}).catch(() => undefined) // the renderer is locked whatever main answers
  }

  /** main locked the session itself (the tray, the computer slept, session timeout). */
  function markLocked() {
    void showLock()
  }

  async function unlock(password: string) {
    const m = await api.auth.unlock({ password })
    me.value = m
    locked.value = false
    lockedUser.value = null
    return m
  }

  function can(module: PermModule, action: Action = 'view'): boolean {
    return me.value?.permissions[module]?.actions.includes(action) ?? false
  }

  const scope = (module: PermModule) => me.value?.permissions[module]?.scope ?? null

  setSessionLockedHandler(markLocked)

  return {
    status, me, ready, loadError, locked, lockedUser, loggedIn, needsSetup, connectionRepairable,
    init, refreshStatus, login, setup, logout, changePassword, savePreferences, forget, lock, markLocked, unlock, can, scope,
  }
})
