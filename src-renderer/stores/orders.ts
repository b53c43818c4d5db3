// 订单 and 回款: the order list's filters, sort and page (kept when coming back from an order),
// and the api calls of the order, 回款 and print screens. UI state only: rules live in main.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { CallInput } from '@contract/index'
import type { Order, OrderFilter, OrderRow, OrderSums, ORDER_SORT_FIELDS } from '@contract/orders'
import { api } from '../api/client'
import { useAuthStore } from './auth'

export type OrderSortField = (typeof ORDER_SORT_FIELDS)[number]
export const ORDER_STATUSES = ['draft', 'pending', 'approved', 'shipped', 'completed', 'cancelled'] as const
export type OrderCreateInput = CallInput<'orders', 'create'>
export type OrderChanges = CallInput<'orders', 'update'>['fields']
export type TransitionCall = 'submit' | 'withdraw' | 'approve' | 'reject' | 'ship' | 'complete' | 'cancel'

const EMPTY_SUMS: OrderSums = { totalCents: 0, receivedCents: 0, outstandingCents: 0, overdueCents: 0 }

/** Drops empty filter values so the request carries only what the user chose. */
export function cleanFilter<T extends object>(f: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '') continue
    out[k] = typeof v === 'string' ? v.trim() || undefined : v
  }
  return JSON.parse(JSON.stringify(out)) as T
}

export const useOrdersStore = defineStore('orders', () => {
  const items = ref<OrderRow[]>([])
  const total = ref(0)
  const sums = ref<OrderSums>({ ...EMPTY_SUMS })
  const loading = ref(false)
  const filter = ref<OrderFilter>({})
  const sort = ref<{ field: OrderSortField; order: 'asc' | 'desc' }>({ field: 'orderDate', order: 'desc' })
  const page = ref(1)
  const pageSize = ref(20)
  const activeFilter = computed(() => cleanFilter(filter.value))
  const hasFilter = computed(() => Object.keys(activeFilter.value).length > 0)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await api.orders.list({ page: page.value, pageSize: pageSize.value, filter: activeFilter.value, sort: { ...sort.value } })
      if (mine !== seq) return
      items.value = res.items
      total.value = res.total
      sums.value = res.sums
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function setFilter(patch: Partial<OrderFilter>) {
    filter.value = { ...filter.value, ...patch }
    page.value = 1
  }
  function resetFilters() {
    filter.value = {}
    page.value = 1
  }

  const get = (id: string) => api.orders.get({ id })
  const create = (input: OrderCreateInput) => api.orders.create(input)
  const update = (o: Order, fields: OrderChanges) => api.orders.update({ id: o.id, version: o.version, fields })
  const transition = (call: TransitionCall, o: Order, comment?: string) => {
    const input = { id: o.id, version: o.version, comment: comment?.trim() || undefined }
    return call === 'reject' ? api.orders.reject({ ...input, comment: comment?.trim() ?? '' }) : api.orders[call](input)
  }
  const remove = (o: Order) => api.orders.remove({ id: o.id, version: o.version })
  const savePlan = (input: CallInput<'orders', 'savePlan'>) => api.orders.savePlan(input)
  const removePlan = (id: string, version: number) => api.orders.removePlan({ id, version })
  const addPayment = (input: CallInput<'orders', 'addPayment'>) => api.orders.addPayment(input)
  const removePayment = (id: string, version: number) => api.orders.removePayment({ id, version })
  const settings = () => api.orders.getSettings({})
  const saveSettings = (discountLimitBp: number) => api.orders.saveSettings({ discountLimitBp })

  function clear() {
    seq++
    items.value = []
    total.value = 0
    sums.value = { ...EMPTY_SUMS }
    filter.value = {}
    sort.value = { field: 'orderDate', order: 'desc' }
    page.value = 1
  }
  watch(
    () => useAuthStore().me?.userId,
    (now, before) => {
      if (before !== undefined && now !== before) clear()
    },
  )

  return {
    items, total, sums, loading, filter, sort, page, pageSize, activeFilter, hasFilter, load, setFilter, resetFilters,
    get, create, update, transition, remove, savePlan, removePlan, addPayment, removePayment, settings, saveSettings, clear,
  }
})
