// 产品 / 库存: list state (search, filters, page) kept between visits, and the api calls the
// product screens make. UI state only: rules live in main.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { CallInput } from '@contract/index'
import type { Product, ProductFilter, StockRow } from '@contract/products'
import { api } from '../api/client'
import { useAuthStore } from './auth'

export type ProductCreateInput = CallInput<'products', 'create'>
export type ProductChanges = CallInput<'products', 'update'>['fields']

export const useProductsStore = defineStore('products', () => {
  const items = ref<Product[]>([])
  const total = ref(0)
  const loading = ref(false)
  const filter = ref<ProductFilter>({})
  const page = ref(1)
  const pageSize = ref(20)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await api.products.list({ page: page.value, pageSize: pageSize.value, filter: { ...filter.value }, sort: { field: 'code', order: 'asc' } })
      if (mine !== seq) return
      items.value = res.items
      total.value = res.total
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  const stockItems = ref<StockRow[]>([])
  const stockTotal = ref(0)
  const stockLoading = ref(false)
  const stockSearch = ref('')
  const stockPage = ref(1)
  let stockSeq = 0
  async function loadStock() {
    const mine = ++stockSeq
    stockLoading.value = true
    try {
      const res = await api.products.stock({ page: stockPage.value, pageSize: 20, filter: stockSearch.value.trim() ? { search: stockSearch.value.trim() } : {} })
      if (mine !== stockSeq) return
      stockItems.value = res.items
      stockTotal.value = res.total
    } finally {
      if (mine === stockSeq) stockLoading.value = false
    }
  }

  const create = (input: ProductCreateInput) => api.products.create(input)
  const update = (id: string, version: number, fields: ProductChanges) => api.products.update({ id, version, fields })
  const remove = (p: Product) => api.products.remove({ id: p.id, version: p.version })
  const saveStock = (input: CallInput<'products', 'saveStock'>) => api.products.saveStock(input)
  const removeStock = (r: StockRow) => api.products.removeStock({ id: r.id, version: r.version })
  const warehouses = () => api.products.warehouses({})
  /** Active products matching `text`, for the order line picker. */
  const lookup = async (text: string) =>
    (await api.products.list({ page: 1, pageSize: 20, filter: { enabled: true, ...(text.trim() ? { search: text.trim() } : {}) }, sort: { field: 'code', order: 'asc' } })).items

  function clear() {
    seq++
    stockSeq++
    items.value = []
    total.value = 0
    filter.value = {}
    page.value = 1
    stockItems.value = []
    stockSearch.value = ''
    stockPage.value = 1
  }
  watch(
    () => useAuthStore().me?.userId,
    (now, before) => {
      if (before !== undefined && now !== before) clear()
    },
  )

  return {
    items, total, loading, filter, page, pageSize, load,
    stockItems, stockTotal, stockLoading, stockSearch, stockPage, loadStock,
    create, update, remove, saveStock, removeStock, warehouses, lookup, clear,
  }
})
