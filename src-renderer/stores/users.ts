// Users (admin list) and the short option list used by owner pickers.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallInput, CallOutput } from '@contract/index'
import type { Team, User } from '@contract/users'
import { api } from '../api/client'
import { isConflict } from '../api/errors'

export type UserOption = CallOutput<'users', 'options'>[number]

export const useUsersStore = defineStore('users', () => {
  const items = ref<User[]>([])
  const total = ref(0)
  const page = ref(1)
  const pageSize = ref(20)
  const search = ref('')
  const includeDisabled = ref(true)
  const loading = ref(false)

  const options = ref<UserOption[]>([])
  const optionsLoaded = ref(false)
  const teams = ref<Team[]>([])

  async function load() {
    loading.value = true
    try {
      const r = await api.users.list({ page: page.value, pageSize: pageSize.value, search: search.value.trim() || undefined, includeDisabled: includeDisabled.value })
      items.value = r.items
      total.value = r.total
    } finally {
      loading.value = false
    }
  }

  async function loadOptions(force = false) {
    if (optionsLoaded.value && !force) return
    options.value = await api.users.options({})
    optionsLoaded.value = true
  }

  const optionName = (id: string | null | undefined) => (id ? (options.value.find((o) => o.id === id)?.name ?? '') : '')

  async function loadTeams() {
    teams.value = await api.users.teams({})
  }

  async function create(input: CallInput<'users', 'create'>) {
    const u = await api.users.create(input)
    optionsLoaded.value = false
    return u
  }

  /** Saves an edit of the user as read (`input.version`); on conflict the list reloads with the stored one. */
  async function update(input: CallInput<'users', 'update'>) {
    const u = await api.users.update(input).catch(async (e: unknown) => {
      if (isConflict(e)) await load().catch(() => undefined)
      throw e
    })
    const i = items.value.findIndex((x) => x.id === u.id)
    if (i >= 0) items.value[i] = u
    optionsLoaded.value = false
    return u
  }

  const resetPassword = (id: string, password: string) => api.users.resetPassword({ id, password })
  const unlock = (id: string) => api.users.unlock({ id })

  async function saveTeam(input: CallInput<'users', 'saveTeam'>) {
    const team = await api.users.saveTeam(input)
    await loadTeams()
    return team
  }

  return { items, total, page, pageSize, search, includeDisabled, loading, options, optionsLoaded, teams, load, loadOptions, optionName, loadTeams, create, update, resetPassword, unlock, saveTeam }
})
