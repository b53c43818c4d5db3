// 交往记录: the open customer card's timeline (paged "load more"), the api calls of the
// interaction screens, and the quick-add dialog's state (one dialog for the whole app, opened
// from the card, the list or the keyboard shortcut). Writes bump `revision` so the card's
// header and the reminder badge follow. UI state only: rules live in main.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallInput } from '@contract/index'
import type { Attachment, Interaction, InteractionKind, InteractionSearch, PromiseItem } from '@contract/interactions'
import { api } from '../api/client'
import { isConflict } from '../api/errors'
import { useRemindersStore } from './reminders'

export const TIMELINE_PAGE_SIZE = 10

export type InteractionCreateInput = CallInput<'interactions', 'create'>
export type InteractionUpdateInput = CallInput<'interactions', 'update'>

/** A customer as the quick-add dialog needs it. */
export interface CustomerRef {
  id: string
  name: string
}

export interface QuickAddState {
  open: boolean
  customer: CustomerRef | null
  /** the contact to prefill (e.g. the one a done follow-up reminder was about) */
  contactId: string | null
  /** the subject to prefill */
  subject: string | null
  kind: InteractionKind
  /** called with the saved record (e.g. the list reloads its 最近联系 column) */
  onSaved: ((i: Interaction) => void) | null
}

export const useInteractionsStore = defineStore('interactions', () => {
  // ---- the customer card's timeline --------------------------------------------------------
  const customerId = ref<string | null>(null)
  const items = ref<Interaction[]>([])
  const total = ref(0)
  const page = ref(0)
  const loading = ref(false)
  const error = ref<unknown>(null)
  /** bumps after every write; `lastCustomerId` says whose records changed */
  const revision = ref(0)
  const lastCustomerId = ref<string | null>(null)
  let requestSeq = 0

  async function loadTimeline(forCustomer: string) {
    const seq = ++requestSeq
    if (customerId.value !== forCustomer) {
      items.value = []
      total.value = 0
    }
    customerId.value = forCustomer
    loading.value = true
    error.value = null
    try {
      const res = await api.interactions.listByCustomer({ customerId: forCustomer, page: 1, pageSize: TIMELINE_PAGE_SIZE })
      if (seq !== requestSeq) return
      items.value = res.items
      total.value = res.total
      page.value = 1
    } catch (e) {
      if (seq === requestSeq) error.value = e
      throw e
    } finally {
      if (seq === requestSeq) loading.value = false
    }
  }

  async function loadMore() {
    if (!customerId.value || loading.value || items.value.length >= total.value) return
    const seq = ++requestSeq
    loading.value = true
    try {
      const next = page.value + 1
      const res = await api.interactions.listByCustomer({ customerId: customerId.value, page: next, pageSize: TIMELINE_PAGE_SIZE })
      if (seq !== requestSeq) return
      // records written meanwhile shift the pages: skip what is already shown
      const seen = new Set(items.value.map((i) => i.id))
      items.value = [...items.value, ...res.items.filter((i) => !seen.has(i.id))]
      total.value = res.total
      page.value = next
    } finally {
      if (seq === requestSeq) loading.value = false
    }
  }

  function clearTimeline() {
    requestSeq++
    customerId.value = null
    items.value = []
    total.value = 0
    page.value = 0
  }

  function patchItem(i: Interaction) {
    const idx = items.value.findIndex((x) => x.id === i.id)
    if (idx >= 0) items.value[idx] = i
  }

  function patchPromise(p: PromiseItem) {
    const it = items.value.find((x) => x.id === p.interactionId)
    if (!it) return
    patchItem({ ...it, promises: it.promises.map((x) => (x.id === p.id ? p : x)) })
  }

  function changed(forCustomer: string) {
    lastCustomerId.value = forCustomer
    revision.value++
    // follow-ups and promises make reminders: keep the badge in step
    useRemindersStore().changed()
  }

  /** After a write: the open timeline shows it in its place (newest first). */
  async function refreshTimeline(forCustomer: string) {
    if (customerId.value !== forCustomer) return
    const shown = Math.max(items.value.length, TIMELINE_PAGE_SIZE)
    const seq = ++requestSeq
    const pages = Math.ceil(shown / TIMELINE_PAGE_SIZE)
    const res = await api.interactions.listByCustomer({ customerId: forCustomer, page: 1, pageSize: Math.min(500, pages * TIMELINE_PAGE_SIZE) })
    if (seq !== requestSeq) return
    items.value = res.items
    total.value = res.total
    page.value = pages
  }

  // ---- writes -----------------------------------------------------------------------------
  async function create(input: InteractionCreateInput): Promise<Interaction> {
    const i = await api.interactions.create(input)
    changed(i.customerId)
    await refreshTimeline(i.customerId).catch(() => undefined)
    return i
  }

  /** When someone changed the record first (conflict), the open timeline reloads with its new version. */
  async function reloadOnConflict<T>(call: Promise<T>, recordId: string): Promise<T> {
    try {
      return await call
    } catch (e) {
      const shown = items.value.find((x) => x.id === recordId)
      if (isConflict(e) && shown) await refreshTimeline(shown.customerId).catch(() => undefined)
      throw e
    }
  }

  /** Saves an edit of the record as it was read (`input.version`); a newer stored version answers conflict. */
  async function update(input: InteractionUpdateInput): Promise<Interaction> {
    const i = await reloadOnConflict(api.interactions.update(input), input.id)
    patchItem(i)
    changed(i.customerId)
    await refreshTimeline(i.customerId).catch(() => undefined)
    return i
  }

  async function remove(i: Pick<Interaction, 'id' | 'customerId'>) {
    await api.interactions.remove({ id: i.id })
    const before = items.value.length
    items.value = items.value.filter((x) => x.id !== i.id)
    if (items.value.length < before) total.value = Math.max(0, total.value - 1)
    changed(i.customerId)
  }

  async function setPromiseKept(p: PromiseItem, kept: boolean): Promise<PromiseItem> {
    const input = { id: p.id, version: p.version }
    const next = await reloadOnConflict(kept ? api.interactions.keepPromise(input) : api.interactions.unkeepPromise(input), p.interactionId)
    patchPromise(next)
    changed(next.customerId)
    return next
  }

  /** The file's type is decided in main from its name, never from what the browser says. */
  async function addAttachment(interaction: Interaction, file: { fileName: string; contentBase64: string }): Promise<Attachment> {
    const a = await api.interactions.addAttachment({ interactionId: interaction.id, fileName: file.fileName, contentBase64: file.contentBase64 })
    const it = items.value.find((x) => x.id === interaction.id)
    if (it) patchItem({ ...it, attachments: [...it.attachments, a] })
    changed(interaction.customerId)
    return a
  }

  async function removeAttachment(a: Attachment, customerId: string) {
    await api.interactions.removeAttachment({ id: a.id })
    const it = items.value.find((x) => x.id === a.interactionId)
    if (it) patchItem({ ...it, attachments: it.attachments.filter((x) => x.id !== a.id) })
    changed(customerId)
  }

  /** Office documents answer the rule interactions.errors.confirmOpen until opened with confirmed: true. */
  const openAttachment = (id: string, confirmed = false) => api.interactions.openAttachment(confirmed ? { id, confirmed } : { id })
  const downloadAttachment = (id: string) => api.interactions.downloadAttachment({ id })
  const summary = (forCustomer: string) => api.interactions.summary({ customerId: forCustomer })
  const search = (input: InteractionSearch) => api.interactions.search(input)

  // ---- quick add ----------------------------------------------------------------------------
  const quickAdd = ref<QuickAddState>({ open: false, customer: null, contactId: null, subject: null, kind: 'record', onSaved: null })

  function openQuickAdd(
    opts: { customer?: CustomerRef | null; contactId?: string | null; subject?: string | null; kind?: InteractionKind; onSaved?: ((i: Interaction) => void) | null } = {},
  ) {
    if (quickAdd.value.open) return
    quickAdd.value = {
      open: true, customer: opts.customer ?? null, contactId: opts.contactId ?? null, subject: opts.subject ?? null, kind: opts.kind ?? 'record',
      onSaved: opts.onSaved ?? null,
    }
  }

  function closeQuickAdd() {
    quickAdd.value = { ...quickAdd.value, open: false, onSaved: null }
  }

  return {
    customerId,
    items,
    total,
    page,
    loading,
    error,
    revision,
    lastCustomerId,
    loadTimeline,
    loadMore,
    clearTimeline,
    create,
    update,
    remove,
    setPromiseKept,
    addAttachment,
    removeAttachment,
    openAttachment,
    downloadAttachment,
    summary,
    search,
    quickAdd,
    openQuickAdd,
    closeQuickAdd,
  }
})
