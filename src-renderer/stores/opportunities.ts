// 销售机会: list state (filters, sort, page) kept here so returning from a detail page finds the
// list as it was, plus the api calls the opportunity screens make. UI state only: every rule
// (who may edit, delete, assign, plan, close) lives in main; rows carry the answer in `can`.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { CallInput } from '@contract/index'
import type {
  Assignee, Board, BoardFilter, CloseResult, Funnel, FunnelInput, OpportunityCreate, OpportunityDetail, OpportunityFields, OpportunityFilter,
  OpportunityRow, OPPORTUNITY_SORT_FIELDS, PlanStep, SameNameMatch,
} from '@contract/opportunities'
import { api } from '../api/client'
import { useAuthStore } from './auth'
import { useRemindersStore } from './reminders'
import { DEFAULT_PAGE_SIZE } from '../components/paging'

export type OpportunitySortField = (typeof OPPORTUNITY_SORT_FIELDS)[number]
export interface OpportunitySort {
  field: OpportunitySortField
  order: 'asc' | 'desc'
}

export const DEFAULT_SORT: OpportunitySort = { field: 'createdAt', order: 'desc' }
export const STATUSES = ['unassigned', 'assigned', 'won', 'lost'] as const

export type TrackInput = Omit<CallInput<'opportunities', 'track'>, 'id' | 'version'>
export type CloseInput = Omit<CallInput<'opportunities', 'close'>, 'id' | 'version'>

/** Drops empty filter values so the request carries only what the user chose. */
function cleanFilter<T extends object>(f: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '') continue
    out[k] = typeof v === 'string' ? v.trim() || undefined : v
  }
  return JSON.parse(JSON.stringify(out)) as T
}

export const useOpportunitiesStore = defineStore('opportunities', () => {
  const items = ref<OpportunityRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  const filter = ref<OpportunityFilter>({})
  const sort = ref<OpportunitySort>({ ...DEFAULT_SORT })
  const page = ref(1)
  const pageSize = ref<number>(DEFAULT_PAGE_SIZE)
  /** the board's filter, kept between visits */
  const boardFilter = ref<BoardFilter>({})

  const activeFilter = computed(() => cleanFilter(filter.value))
  const hasFilter = computed(() => Object.keys(activeFilter.value).length > 0)

  // A slower, older answer must not overwrite a newer one (typing in the search box).
  let requestSeq = 0

  async function load() {
    const seq = ++requestSeq
    loading.value = true
    try {
      const res = await api.opportunities.list({ page: page.value, pageSize: pageSize.value, filter: activeFilter.value, sort: { ...sort.value } })
      if (seq !== requestSeq) return
      const lastPage = Math.max(1, Math.ceil(res.total / pageSize.value))
      if (res.items.length === 0 && res.total > 0 && page.value > lastPage) {
        page.value = lastPage
        return load()
      }
      items.value = res.items
      total.value = res.total
    } finally {
      if (seq === requestSeq) loading.value = false
    }
  }

  function setFilter(patch: Partial<OpportunityFilter>) {
    filter.value = { ...filter.value, ...patch }
    page.value = 1
  }
  function resetFilters() {
    filter.value = {}
    page.value = 1
  }
  function setSort(next: OpportunitySort | null) {
    sort.value = next ? { ...next } : { ...DEFAULT_SORT }
    page.value = 1
  }

  const get = (id: string): Promise<OpportunityDetail> => api.opportunities.get({ id })
  const create = (input: OpportunityCreate): Promise<OpportunityDetail> => api.opportunities.create(input)
  const update = (id: string, version: number, fields: Partial<OpportunityFields>) => api.opportunities.update({ id, version, fields })
  async function remove(id: string, version: number) {
    await api.opportunities.remove({ id, version })
    items.value = items.value.filter((r) => r.id !== id)
    total.value = Math.max(0, total.value - 1)
  }
  /** a call that makes, moves or closes reminders (指派, plan steps, the result): the badge follows */
  const remindersMoved = async <T>(p: Promise<T>): Promise<T> => {
    const out = await p
    useRemindersStore().changed()
    return out
  }
  const assign = (id: string, version: number, assigneeId: string) => remindersMoved(api.opportunities.assign({ id, version, assigneeId }))
  const assignees = (): Promise<Assignee[]> => api.opportunities.assignees({})
  const checkName = async (name: string): Promise<SameNameMatch | null> => (await api.opportunities.checkName({ name })).match
  const track = (id: string, version: number, input: TrackInput) => api.opportunities.track({ id, version, ...input })
  const addStep = (opportunityId: string, plannedDate: string, action: string): Promise<PlanStep> => remindersMoved(api.opportunities.addStep({ opportunityId, plannedDate, action }))
  const updateStep = (id: string, version: number, fields: { plannedDate?: string; action?: string }) => remindersMoved(api.opportunities.updateStep({ id, version, ...fields }))
  const removeStep = (id: string, version: number) => remindersMoved(api.opportunities.removeStep({ id, version }))
  const reorderSteps = (opportunityId: string, ids: string[]) => api.opportunities.reorderSteps({ opportunityId, ids })
  const recordResult = (id: string, version: number, result: string, executedAt?: string) => remindersMoved(api.opportunities.recordResult({ id, version, result, executedAt }))
  const close = (id: string, version: number, input: CloseInput): Promise<CloseResult> => remindersMoved(api.opportunities.close({ id, version, ...input }))
  const board = (perColumn = 30): Promise<Board> => api.opportunities.board({ filter: cleanFilter(boardFilter.value), perColumn })
  const funnel = (input: FunnelInput): Promise<Funnel> => api.opportunities.funnel(input)

  /** Keeps a list row in step with a detail that was just saved. */
  function patchRow(o: OpportunityDetail) {
    const i = items.value.findIndex((r) => r.id === o.id)
    if (i < 0) return
    const { steps: _steps, description: _description, customerVisible: _visible, ...row } = o
    items.value[i] = row
  }

  /** Another user logging in starts from a fresh list, not the previous user's filters. */
  function clear() {
    requestSeq++
    items.value = []
    total.value = 0
    loading.value = false
    filter.value = {}
    boardFilter.value = {}
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
    items, total, loading, filter, sort, page, pageSize, boardFilter, activeFilter, hasFilter,
    load, setFilter, resetFilters, setSort, get, create, update, remove, assign, assignees, checkName, track,
    addStep, updateStep, removeStep, reorderSteps, recordResult, close, board, funnel, patchRow, clear,
  }
})
