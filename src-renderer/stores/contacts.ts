// 联系人 of the customer card that is open: the list and the api calls. UI state only.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Contact, ContactFields } from '@contract/contacts'
import { api } from '../api/client'
import { isConflict } from '../api/errors'

export const useContactsStore = defineStore('contacts', () => {
  const customerId = ref<string | null>(null)
  const items = ref<Contact[]>([])
  const loading = ref(false)
  let requestSeq = 0

  /** Primary first, then by name — the order the server sends is kept otherwise. */
  const ordered = (list: Contact[]) => [...list].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary))

  async function load(forCustomer: string) {
    const seq = ++requestSeq
    if (customerId.value !== forCustomer) items.value = []
    customerId.value = forCustomer
    loading.value = true
    try {
      const list = await api.contacts.list({ customerId: forCustomer })
      if (seq === requestSeq) items.value = ordered(list)
    } finally {
      if (seq === requestSeq) loading.value = false
    }
  }

  const reload = () => (customerId.value ? load(customerId.value) : Promise.resolve())

  async function create(forCustomer: string, fields: ContactFields): Promise<Contact> {
    const c = await api.contacts.create({ customerId: forCustomer, fields })
    await reload()
    return c
  }

  /** Reloads the list when someone changed a contact first, so the next try uses its new version. */
  async function reloadOnConflict<T>(call: Promise<T>): Promise<T> {
    try {
      return await call
    } catch (e) {
      if (isConflict(e)) await reload().catch(() => undefined)
      throw e
    }
  }

  /** Saves the changed fields of the contact as it was read (`version`); a newer stored version answers conflict. */
  async function update(id: string, version: number, fields: Partial<ContactFields>): Promise<Contact> {
    const c = await reloadOnConflict(api.contacts.update({ id, version, fields }))
    await reload()
    return c
  }

  async function remove(id: string) {
    await api.contacts.remove({ id })
    await reload()
  }

  async function setPrimary(c: Pick<Contact, 'id' | 'version'>) {
    await reloadOnConflict(api.contacts.setPrimary({ id: c.id, version: c.version }))
    await reload()
  }

  function clear() {
    requestSeq++
    customerId.value = null
    items.value = []
  }

  return { customerId, items, loading, load, reload, create, update, remove, setPrimary, clear }
})
