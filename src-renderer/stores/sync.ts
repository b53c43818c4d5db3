// 离线同步 as the desktop client's user sees it: the status (在线 / 离线 / 同步中, pending changes,
// last sync), polled while the app frame is shown, and 立即同步. Outside client mode the first
// answer says `enabled: false` and polling stops: nothing of it is shown.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { SyncStatus } from '@contract/sync'
import { api } from '../api/client'

/** how often the status is asked while the app frame is shown */
export const SYNC_POLL_MS = 2000

export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus | null>(null)
  const enabled = computed(() => !!status.value?.enabled)
  /** offline: actions that need the central database are disabled (the cache serves the rest) */
  const offline = computed(() => enabled.value && status.value?.mode === 'offline')
  const syncing = ref(false)
  let timer: ReturnType<typeof setInterval> | null = null
  let users = 0

  async function refresh() {
    try {
      status.value = await api.sync.status({})
    } catch {
      // logged out or locked meanwhile: the next poll asks again
    }
    if (status.value && !status.value.enabled) stopTimer()
  }

  function stopTimer() {
    if (timer) clearInterval(timer)
    timer = null
  }

  /** Starts polling (one caller per mounted app frame); the returned function stops it. */
  function watchStatus(): () => void {
    users++
    if (users === 1) {
      void refresh()
      timer = setInterval(() => void refresh(), SYNC_POLL_MS)
    }
    return () => {
      users = Math.max(0, users - 1)
      if (!users) stopTimer()
    }
  }

  /** 立即同步: answers when the sync ended (the status then says how it went). */
  async function syncNow() {
    syncing.value = true
    try {
      status.value = await api.sync.now({})
    } finally {
      syncing.value = false
    }
  }

  return { status, enabled, offline, syncing, refresh, watchStatus, syncNow }
})
