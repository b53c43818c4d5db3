// 工作台: the scope and period the user picked (kept while moving between screens), the cards'
// data and the user's layout (stored in main, per user). No rules here: main decides what each
// card counts and which scopes the role may pick.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { DataScope } from '@contract/common'
import type { DashboardCard, Layout, LayoutCard, Overview, PeriodKind } from '@contract/dashboard'
import { api } from '../api/client'
import { useAuthStore } from './auth'
import { clientZone } from './reminders'

export const PERIODS: Exclude<PeriodKind, 'custom'>[] = ['week', 'month', 'quarter', 'year']

export const useDashboardStore = defineStore('dashboard', () => {
  // the widest scope the role allows (main narrows 'all' to it)
  const scope = ref<DataScope>('all')
  const period = ref<PeriodKind>('month')
  const custom = ref<[string, string] | null>(null)
  const data = ref<Overview | null>(null)
  const layout = ref<Layout | null>(null)
  let seq = 0

  async function load(cards?: DashboardCard[]) {
    const mine = ++seq
    const res = await api.dashboard.overview({
      ...clientZone(), scope: scope.value, period: period.value, limit: 5,
      ...(period.value === 'custom' && custom.value ? { from: custom.value[0], to: custom.value[1] } : {}),
      ...(cards ? { cards } : {}),
    })
    if (mine !== seq) return data.value
    data.value = res
    scope.value = res.scope // narrowed by main to what the role allows
    return res
  }

  async function loadLayout() {
    layout.value = await api.dashboard.layout({})
    return layout.value
  }

  async function saveLayout(cards: LayoutCard[]) {
    layout.value = await api.dashboard.saveLayout({ cards, version: layout.value?.version ?? null })
    return layout.value
  }

  /** Another user logging in starts from the defaults. */
  function reset() {
    seq++
    scope.value = 'all'
    period.value = 'month'
    custom.value = null
    data.value = null
    layout.value = null
  }

  watch(
    () => useAuthStore().me?.userId,
    () => reset(),
  )

  return { scope, period, custom, data, layout, load, loadLayout, saveLayout, reset }
})
