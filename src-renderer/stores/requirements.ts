// 客户需求单: the list's and the matrix's state (filters, sort, page — kept so coming back finds
// them as they were), the open sheet, and the api calls of the requirement screens.
// UI state only: the flow's rules live in main.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CallInput } from '@contract/index'
import type { Requirement, RequirementFilter, RequirementRow, REQUIREMENT_SORT_FIELDS } from '@contract/requirements'
import { api } from '../api/client'
import { isConflict } from '../api/errors'
import { DEFAULT_PAGE_SIZE } from '../components/paging'

export type RequirementSortField = (typeof REQUIREMENT_SORT_FIELDS)[number]
export interface RequirementSort {
  field: RequirementSortField
  order: 'asc' | 'desc'
}

export type RequirementCreateInput = CallInput<'requirements', 'create'>
export type RequirementUpdateInput = CallInput<'requirements', 'update'>

function cleanFilter(f: RequirementFilter): RequirementFilter {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && !v.length)) continue
    out[k] = typeof v === 'string' ? v.trim() || undefined : v
  }
  return JSON.parse(JSON.stringify(out)) as RequirementFilter
}

/** One paged, filtered, sorted view of the sheets (the list, or the matrix). */
function listState(defaultSort: RequirementSort) {
  const items = ref<RequirementRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  const filter = ref<RequirementFilter>({})
  const sort = ref<RequirementSort>({ ...defaultSort })
  const page = ref(1)
  const pageSize = ref<number>(DEFAULT_PAGE_SIZE)
  const activeFilter = computed(() => cleanFilter(filter.value))
  const hasFilter = computed(() => Object.keys(activeFilter.value).length > 0)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const res = await api.requirements.list({ page: page.value, pageSize: pageSize.value, filter: activeFilter.value, sort: { ...sort.value } })
      if (mine !== seq) return
      const last = Math.max(1, Math.ceil(res.total / pageSize.value))
      if (!res.items.length && res.total > 0 && page.value > last) {
        page.value = last
        return load()
      }
      items.value = res.items
      total.value = res.total
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  function setFilter(patch: Partial<RequirementFilter>) {
    filter.value = { ...filter.value, ...patch }
    page.value = 1
  }
  function setSort(s: RequirementSort | null) {
    sort.value = s ?? { ...defaultSort }
    page.value = 1
  }
  function resetFilters() {
    filter.value = {}
    page.value = 1
  }
  return { items, total, loading, filter, sort, page, pageSize, activeFilter, hasFilter, load, setFilter, setSort, resetFilters }
}

export const useRequirementsStore = defineStore('requirements', () => {
  const list = listState({ field: 'updatedAt', order: 'desc' })
  const matrix = listState({ field: 'code', order: 'asc' })

  const current = ref<Requirement | null>(null)
  /** bumps after every write, so lists shown elsewhere reload */
  const revision = ref(0)

  function put(r: Requirement): Requirement {
    current.value = r
    revision.value++
    return r
  }

  async function get(id: string) {
    current.value = await api.requirements.get({ id })
    return current.value
  }
  const create = async (input: RequirementCreateInput) => put(await api.requirements.create(input))
  /** Someone changed the sheet first (conflict): the open sheet reloads with its stored version, and the error goes on. */
  async function reloadOnConflict<T>(id: string, call: Promise<T>): Promise<T> {
    try {
      return await call
    } catch (e) {
      if (isConflict(e)) await get(id).catch(() => undefined)
      throw e
    }
  }
  /** Saves an edit of the sheet as it was read (`input.version`); a newer stored version answers conflict. */
  const update = async (input: RequirementUpdateInput) => put(await reloadOnConflict(input.id, api.requirements.update(input)))
  async function remove(id: string) {
    await api.requirements.remove({ id })
    current.value = null
    revision.value++
  }

  type Step = 'organise' | 'startReview' | 'review' | 'report' | 'approve' | 'reject' | 'confirm' | 'start' | 'finish'
  /** One flow step on the open sheet, at the version it was read at. */
  async function step(action: Step, r: Pick<Requirement, 'id' | 'version'>, extra: Record<string, unknown> = {}) {
    const input = { id: r.id, version: r.version, ...extra }
    const call = api.requirements[action] as (i: typeof input) => Promise<Requirement>
    return put(await reloadOnConflict(r.id, call(input)))
  }

  /** The file's name and bytes; main decides its type from the extension. */
  async function addAttachment(r: Requirement, file: { fileName: string; contentBase64: string }) {
    await api.requirements.addAttachment({ requirementId: r.id, ...file })
    return get(r.id)
  }
  async function removeAttachment(r: Requirement, id: string) {
    await api.requirements.removeAttachment({ id })
    return get(r.id)
  }
  const downloadAttachment = (id: string) => api.requirements.downloadAttachment({ id })

  const exportMatrix = (locale: 'zh-CN' | 'en-US') =>
    api.requirements.exportMatrix({ filter: matrix.activeFilter.value, sort: { ...matrix.sort.value }, locale })

  return { list, matrix, current, revision, get, create, update, remove, step, addAttachment, removeAttachment, downloadAttachment, exportMatrix }
})
