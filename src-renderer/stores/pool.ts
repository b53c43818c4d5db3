// 公海: the pool list's state (filters, sort, page — the customer list's, kept apart so each
// list is left as it was) and the pool calls. UI state only: the rules live in main.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { CustomerFilter, CustomerRow } from '@contract/customers'
import type { PoolRules, PoolRulesInput } from '@contract/pool'
import { api } from '../api/client'
import { useAuthStore } from './auth'
import { cleanFilter, type CustomerSort } from './customers'
import { DEFAULT_PAGE_SIZE } from '../components/paging'

export const POOL_DEFAULT_SORT: CustomerSort = { field: 'poolAt', order: 'desc' }

export const usePoolStore = defineStore('pool', () => {
  const items = ref<CustomerRow[]>([])
  const total = ref(0)
  /** a search matching more than 10,000 customers: total is 10,000 and counted no further (shown as 10,000+) */
  const totalCapped = ref(false)
  /** the user asked for the exact count of the current search (cleared when the filter changes) */
  const exactCount = ref(false)
  const loading = ref(false)
  const filter = ref<CustomerFilter>({})
  const sort = ref<CustomerSort>({ ...POOL_DEFAULT_SORT })
  const page = ref(1)
  const pageSize = ref<number>(DEFAULT_PAGE_SIZE)
  const activeFilter = computed(() => cleanFilter(filter.value))
  const hasFilter = computed(() => Object.keys(activeFilter.value).length > 0)
  // another search or filter: counted up to the cap again until the user asks
  watch(() => JSON.stringify(activeFilter.value), () => {
    exactCount.value = false
  })
  const status = ref<{ owned: number; maxOwned: number | null; reclaimDays: number } | null>(null)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await api.pool.list({ page: page.value, pageSize: pageSize.value, filter: activeFilter.value, sort: { ...sort.value }, ...(exactCount.value ? { exactCount: true } : {}) })
      if (mine !== seq) return
      items.value = res.items
      total.value = res.total
      totalCapped.value = !!res.totalCapped
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  async function loadStatus() {
    status.value = await api.pool.status({})
  }
  function setFilter(patch: Partial<CustomerFilter>) {
    filter.value = { ...filter.value, ...patch }
    page.value = 1
  }
  function resetFilters() {
    filter.value = {}
    page.value = 1
  }
  function setSort(next: CustomerSort | null) {
    sort.value = next ? { ...next } : { ...POOL_DEFAULT_SORT }
    page.value = 1
  }
  const claim = async (ids: string[]) => (await api.pool.claim({ ids })).changed
  const assign = async (ids: string[], ownerId: string) => (await api.pool.assign({ ids, ownerId })).changed
  const release = async (ids: string[], reason: string) => (await api.pool.release({ ids, reason })).changed
  const getRules = (): Promise<PoolRules> => api.pool.getRules({})
  const saveRules = (r: PoolRulesInput): Promise<PoolRules> => api.pool.saveRules(r)
  const evaluate = () => api.pool.evaluate({})

  function clear() {
    seq++
    items.value = []
    total.value = 0
    filter.value = {}
    sort.value = { ...POOL_DEFAULT_SORT }
    page.value = 1
    status.value = null
  }
  watch(
    () => useAuthStore().me?.userId,
    (now, before) => {
      if (before !== undefined && now !== before) clear()
    },
  )
  return {
    items, total, totalCapped, exactCount, loading, filter, sort, page, pageSize, activeFilter, hasFilter, status,
    load, loadStatus, setFilter, resetFilters, setSort, claim, assign, release, getRules, saveRules, evaluate, clear,
  }
})
