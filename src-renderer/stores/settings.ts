// The central database connection (数据库连接).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallOutput } from '@contract/index'
import type { DbConnectionInput, DbSaveInput } from '@contract/settings'
import { api } from '../api/client'

export type DbView = CallOutput<'settings', 'getDb'>
export type DbTestResult = CallOutput<'settings', 'testDb'>

export const useSettingsStore = defineStore('settings', () => {
  const db = ref<DbView | null>(null)
  const loading = ref(false)

  async function loadDb() {
    loading.value = true
    try {
      db.value = await api.settings.getDb({})
    } finally {
      loading.value = false
    }
  }

  const testDb = (input: DbConnectionInput) => api.settings.testDb(input)
  const migrateDb = (input: DbConnectionInput) => api.settings.migrateDb(input)
  async function saveDb(input: DbSaveInput) {
    const r = await api.settings.saveDb(input)
    await loadDb()
    return r
  }

  return { db, loading, loadDb, testDb, migrateDb, saveDb }
})
