// Roles with their permission matrices (admin screen and the role pickers).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallInput } from '@contract/index'
import type { Role } from '@contract/roles'
import { api } from '../api/client'
import { isConflict } from '../api/errors'
import { currentLocale } from '../locales'

export const useRolesStore = defineStore('roles', () => {
  const items = ref<Role[]>([])
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      items.value = await api.roles.list({})
    } finally {
      loading.value = false
    }
  }

  /** Creates a role, or saves an edit of the role as read (`input.version`); on conflict the list reloads. */
  async function save(input: CallInput<'roles', 'save'>) {
    const role = await api.roles.save(input).catch(async (e: unknown) => {
      if (isConflict(e)) await load().catch(() => undefined)
      throw e
    })
    await load()
    return role
  }

  async function remove(id: string) {
    await api.roles.remove({ id })
    items.value = items.value.filter((r) => r.id !== id)
  }

  const roleName = (r: Pick<Role, 'name' | 'nameEn'>) => (currentLocale() === 'en-US' && r.nameEn ? r.nameEn : r.name)

  return { items, loading, load, save, remove, roleName }
})
