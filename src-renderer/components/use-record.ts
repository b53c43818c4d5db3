// One record shown on its own page (a customer card, an order, a ticket…): loads it by id, tells
// "not found" (deleted, or out of the user's scope) apart from other failures, which go to onError.
import { ref, type Ref } from 'vue'
import { ApiCallError } from '../api/client'

export function useRecord<T>(id: () => string, fetch: (id: string) => Promise<T>, onError: (e: unknown) => void) {
  const record = ref(null) as Ref<T | null>
  const loading = ref(false)
  const missing = ref(false)

  async function load() {
    const key = id()
    if (!key) return
    loading.value = true
    missing.value = false
    try {
      record.value = await fetch(key)
    } catch (e) {
      if (e instanceof ApiCallError && e.error.code === 'not_found') missing.value = true
      else onError(e)
      record.value = null
    } finally {
      loading.value = false
    }
  }
  return { record, loading, missing, load }
}
