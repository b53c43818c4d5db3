// 客户流失: the list's state (filters, page), the warning open in the detail drawer, and the
// api calls. UI state only: the check and the flow's rules live in main.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ChurnFilter, ChurnWarning, ChurnWarningRow } from '@contract/churn'
import { api } from '../api/client'

export const useChurnStore = defineStore('churn', () => {
  const items = ref<ChurnWarningRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  const filter = ref<ChurnFilter>({})
  const page = ref(1)
  const pageSize = ref(20)
  /** bumps after every write (the customer card's banner and status follow) */
  const revision = ref(0)
  const activeFilter = computed<ChurnFilter>(() =>
    JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(filter.value).filter(([, v]) => v !== undefined && v !== null && v !== '')))),
  )
  const hasFilter = computed(() => Object.keys(activeFilter.value).length > 0)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await api.churn.list({ page: page.value, pageSize: pageSize.value, filter: activeFilter.value })
      if (mine !== seq) return
      items.value = res.items
      total.value = res.total
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  function setFilter(patch: Partial<ChurnFilter>) {
    filter.value = { ...filter.value, ...patch }
    page.value = 1
  }
  function resetFilters() {
    filter.value = {}
    page.value = 1
  }

  const get = (id: string) => api.churn.get({ id })
  const forCustomer = (customerId: string) => api.churn.forCustomer({ customerId })
  async function addMeasure(w: Pick<ChurnWarning, 'id' | 'version'>, measureDate: string, content: string) {
    const r = await api.churn.addMeasure({ id: w.id, version: w.version, measureDate, content })
    revision.value++
    return r
  }
  async function confirm(w: Pick<ChurnWarning, 'id' | 'version'>, reasonId: string, reasonText: string | null) {
    const r = await api.churn.confirm({ id: w.id, version: w.version, reasonId, reasonText })
    revision.value++
    return r
  }
  async function runCheck() {
    const r = await api.churn.runCheck({})
    revision.value++
    return r
  }

  return { items, total, loading, filter, page, pageSize, revision, activeFilter, hasFilter, load, setFilter, resetFilters, get, forCustomer, addMeasure, confirm, runCheck }
})
