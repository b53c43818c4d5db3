// 竞争对手 of the customer card that is open: the list and the api calls. UI state only.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Competitor, CompetitorFields } from '@contract/competitors'
import { api } from '../api/client'
import { isConflict } from '../api/errors'

export const useCompetitorsStore = defineStore('competitors', () => {
  const customerId = ref<string | null>(null)
  const items = ref<Competitor[]>([])
  const loading = ref(false)
  let seq = 0

  async function load(forCustomer: string) {
    const mine = ++seq
    if (customerId.value !== forCustomer) items.value = []
    customerId.value = forCustomer
    loading.value = true
    try {
      const list = await api.competitors.list({ customerId: forCustomer })
      if (mine === seq) items.value = list
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  const reload = () => (customerId.value ? load(customerId.value) : Promise.resolve())

  async function create(forCustomer: string, fields: CompetitorFields) {
    const c = await api.competitors.create({ customerId: forCustomer, ...fields })
    await reload()
    return c
  }
  async function update(c: Pick<Competitor, 'id' | 'version'>, fields: Partial<CompetitorFields>) {
    let saved: Competitor
    try {
      saved = await api.competitors.update({ id: c.id, version: c.version, fields })
    } catch (e) {
      // someone changed it first: the list shows the stored version
      if (isConflict(e)) await reload().catch(() => undefined)
      throw e
    }
    await reload()
    return saved
  }
  async function remove(id: string) {
    await api.competitors.remove({ id })
    await reload()
  }

  return { customerId, items, loading, load, reload, create, update, remove }
})
