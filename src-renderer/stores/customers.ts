// 客户: list state (filters, sort, page) kept here so returning from a card finds the list as
// it was, plus the api calls the customer screens make. UI state only: rules live in main.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { CallInput } from '@contract/index'
import type {
  ColumnPref, Customer, CustomerFields, CustomerFilter, CustomerRow, CUSTOMER_SORT_FIELDS, DuplicateCheck, DuplicateCheckInput, DuplicateLookup, ListKey,
  SavedView,
} from '@contract/customers'
import { api } from '../api/client'
import { useAuthStore } from './auth'
import { DEFAULT_PAGE_SIZE } from '../components/paging'

export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number]
export interface CustomerSort {
  field: CustomerSortField
  order: 'asc' | 'desc'
}

export const DEFAULT_SORT: CustomerSort = { field: 'updatedAt', order: 'desc' }

export type CustomerCreateInput = CallInput<'customers', 'create'>
export type CustomerChanges = Partial<CustomerFields>

/** Drops empty filter values so the request carries only what the user chose. */
export function cleanFilter(f: CustomerFilter): CustomerFilter {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue
    out[k] = typeof v === 'string' ? v.trim() || undefined : v
  }
  return JSON.parse(JSON.stringify(out)) as CustomerFilter
}

export const useCustomersStore = defineStore('customers', () => {
  const items = ref<CustomerRow[]>([])
  const total = ref(0)
  /** a search matching more than 10,000 customers: total is 10,000 and counted no further (shown as 10,000+) */
  const totalCapped = ref(false)
  /** the user asked for the exact count of the current search (cleared when the filter changes) */
  const exactCount = ref(false)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)

  const filter = ref<CustomerFilter>({})
  const sort = ref<CustomerSort>({ ...DEFAULT_SORT })
  const page = ref(1)
  const pageSize = ref<number>(DEFAULT_PAGE_SIZE)

  const activeFilter = computed(() => cleanFilter(filter.value))
  const hasFilter = computed(() => Object.keys(activeFilter.value).length > 0)
  // another search or filter: counted up to the cap again until the user asks
  watch(() => JSON.stringify(activeFilter.value), () => {
    exactCount.value = false
  })

  // A slower, older answer must not overwrite a newer one (typing in the search box).
  let requestSeq = 0

  async function load() {
    const seq = ++requestSeq
    loading.value = true
    error.value = null
    try {
      const res = await api.customers.list({
        page: page.value,
        pageSize: pageSize.value,
        filter: activeFilter.value,
        sort: { ...sort.value },
        ...(exactCount.value ? { exactCount: true } : {}),
      })
      if (seq !== requestSeq) return
      // The page may have emptied (deletes, narrower filter): go back to the last page.
      const lastPage = Math.max(1, Math.ceil(res.total / pageSize.value))
      if (res.items.length === 0 && res.total > 0 && page.value > lastPage) {
        page.value = lastPage
        return load()
      }
      items.value = res.items
      total.value = res.total
      totalCapped.value = !!res.totalCapped
      loaded.value = true
    } catch (e) {
      if (seq === requestSeq) error.value = e
      throw e
    } finally {
      if (seq === requestSeq) loading.value = false
    }
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
    sort.value = next ? { ...next } : { ...DEFAULT_SORT }
    page.value = 1
  }

  function get(id: string): Promise<Customer> {
    return api.customers.get({ id })
  }

  async function create(input: CustomerCreateInput): Promise<Customer> {
    const c = await api.customers.create(input)
    loaded.value = false
    return c
  }

  async function update(id: string, version: number, fields: CustomerChanges, duplicateOk?: boolean): Promise<Customer> {
    const c = await api.customers.update({ id, version, fields, ...(duplicateOk ? { duplicateOk } : {}) })
    patchRow(c)
    return c
  }

  async function remove(id: string) {
    await api.customers.remove({ id })
    items.value = items.value.filter((r) => r.id !== id)
    total.value = Math.max(0, total.value - 1)
  }

  // ---- 查重, saved views, columns, tags ----
  const checkDuplicates = (input: DuplicateCheckInput): Promise<DuplicateCheck> => api.customers.checkDuplicates(input)
  const lookup = (text: string): Promise<DuplicateLookup> => api.customers.lookup({ text })
  const listViews = (list: ListKey): Promise<SavedView[]> => api.customers.listViews({ list })
  const saveView = (input: CallInput<'customers', 'saveView'>): Promise<SavedView> => api.customers.saveView(input)
  const removeView = (id: string) => api.customers.removeView({ id })
  const getColumns = async (list: ListKey): Promise<ColumnPref[] | null> => (await api.customers.getColumns({ list })).columns
  const saveColumns = async (list: ListKey, columns: ColumnPref[]) => (await api.customers.saveColumns({ list, columns })).columns
  const tagOptions = () => api.customers.tags({})

  async function changeOwner(ids: string[], ownerId: string): Promise<number> {
    const res = await api.customers.changeOwner({ ids, ownerId })
    return res.changed
  }

  /** Keeps the list row in step with a card that was just saved. */
  function patchRow(c: Customer) {
    const i = items.value.findIndex((r) => r.id === c.id)
    if (i < 0) return
    const row = items.value[i]!
    items.value[i] = {
      ...row,
      ...Object.fromEntries(Object.keys(row).filter((k) => k in c).map((k) => [k, c[k as keyof Customer]])),
    } as CustomerRow
  }

  /** Another user logging in starts from a fresh list, not the previous user's filters. */
  function clear() {
    requestSeq++
    items.value = []
    total.value = 0
    loaded.value = false
    loading.value = false
    error.value = null
    filter.value = {}
    sort.value = { ...DEFAULT_SORT }
    page.value = 1
  }
  watch(
    () => useAuthStore().me?.userId,
    (now, before) => {
      if (before !== undefined && now !== before) clear()
    },
  )

  return {
    items,
    total,
    totalCapped,
    exactCount,
    loading,
    loaded,
    error,
    filter,
    sort,
    page,
    pageSize,
    activeFilter,
    hasFilter,
    load,
    setFilter,
    resetFilters,
    setSort,
    get,
    create,
    update,
    remove,
    changeOwner,
    checkDuplicates,
    lookup,
    listViews,
    saveView,
    removeView,
    getColumns,
    saveColumns,
    tagOptions,
    patchRow,
    clear,
  }
})
