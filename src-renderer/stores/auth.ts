// The session: app status (first-run setup, database, browser mode) and the logged-in user
// with the role's permissions. The permissions only decide what the UI offers; the main
// process checks every call again.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CallOutput } from '@contract/index'
import type { Me, Preferences } from '@contract/auth'
import type { Action, PermModule } from '@contract/common'
import { api, ApiCallError, isElectron } from '../api/client'

export type AppStatus = CallOutput<'auth', 'status'>

export const useAuthStore = defineStore('auth', () => {
  const status = ref<AppStatus | null>(null)
  const me = ref<Me | null>(null)
  /** true once status and session were asked for (successfully or not). */
  const ready = ref(false)
  const loadError = ref<unknown>(null)
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
        me.value = status.value?.needsSetup ? null : await api.auth.me({})
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
  }

  function can(module: PermModule, action: Action = 'view'): boolean {
    return me.value?.permissions[module]?.actions.includes(action) ?? false
  }

  const scope = (module: PermModule) => me.value?.permissions[module]?.scope ?? null

  return { status, me, ready, loadError, loggedIn, needsSetup, connectionRepairable, init, refreshStatus, login, setup, logout, changePassword, savePreferences, forget, can, scope }
})
