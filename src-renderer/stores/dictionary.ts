// The whole data dictionary, cached: every select and label of a dictionary field reads it.
// The admin screen calls reload() after each edit.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { DictItem, DictType, DictTypeCode } from '@contract/dictionary'
import { api } from '../api/client'
import { currentLocale, i18n } from '../locales'

export const useDictionaryStore = defineStore('dictionary', () => {
  const types = ref<DictType[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  let pending: Promise<void> | null = null

  const byId = computed(() => {
    const m = new Map<string, DictItem>()
    for (const ty of types.value) for (const it of ty.items) m.set(it.id, it)
    return m
  })
  const byCode = computed(() => new Map(types.value.map((ty) => [ty.code, ty])))

  async function reload() {
    loading.value = true
    try {
      types.value = await api.dictionary.all({})
      loaded.value = true
    } finally {
      loading.value = false
    }
  }

  /** Loads once; later calls reuse the cache (call reload() to refresh). */
  function ensure(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    if (!pending) pending = reload().finally(() => (pending = null))
    return pending
  }

  const isEn = () => {
    void i18n.global.locale.value // a dependency, so labels follow the language switch
    return currentLocale() === 'en-US'
  }

  /** Items of a type in their order; disabled ones only on request. */
  function items(typeCode: DictTypeCode, opts: { includeDisabled?: boolean } = {}): DictItem[] {
    const list = byCode.value.get(typeCode)?.items ?? []
    return [...list].filter((i) => opts.includeDisabled || i.enabled).sort((a, b) => a.sortOrder - b.sortOrder)
  }

  const item = (id: string | null | undefined) => (id ? byId.value.get(id) : undefined)

  /** The item's label in the current language ('' for an empty id, '?' for an unknown one). */
  function label(id: string | null | undefined): string {
    if (!id) return ''
    const it = byId.value.get(id)
    if (!it) return loaded.value ? '?' : ''
    return isEn() && it.labelEn ? it.labelEn : it.label
  }

  const itemLabel = (it: Pick<DictItem, 'label' | 'labelEn'>) => (isEn() && it.labelEn ? it.labelEn : it.label)

  function typeName(code: DictTypeCode): string {
    const ty = byCode.value.get(code)
    if (!ty) return code
    return isEn() && ty.nameEn ? ty.nameEn : ty.name
  }

  const type = (code: DictTypeCode) => byCode.value.get(code)

  return { types, loaded, loading, reload, ensure, items, item, label, itemLabel, typeName, type }
})
