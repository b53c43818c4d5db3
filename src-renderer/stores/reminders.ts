// 提醒 / 待办中心: the sidebar badge, the centre's filters, and the api calls of the reminder
// screens. Every write bumps `revision`, so whatever shows reminders (the centre, the card's
// header) reloads once. UI state only: recurrence, snooze times and scopes live in main.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CallInput } from '@contract/index'
import type { CalendarInput, ClientZone, ContactUrgency, DueNow, Reminder, ReminderPatch, ReminderSource, RepeatRule, SnoozePreset } from '@contract/reminders'
import { api } from '../api/client'
import { isConflict } from '../api/errors'

/** Every source the reminder centre can filter by, in the order the filter offers them. */
export const REMINDER_SOURCES = [
  'manual',
  'follow_up',
  'contact_policy',
  'purchase_policy',
  'purchase_escalation',
  'birthday',
  'promise',
  'plan_step',
  'opportunity',
  'service_ticket',
  'pool_warning',
  'payment_due',
] as const satisfies readonly ReminderSource[]

export const REPEAT_RULES = ['none', 'daily', 'weekly', 'monthly', 'yearly', 'every_n_days'] as const satisfies readonly RepeatRule[]
/** notify-ahead choices in minutes: at the time, 5, 15, 30 min, 1 hour, 1 day */
export const NOTIFY_AHEAD = [0, 5, 15, 30, 60, 1440] as const
export const SNOOZE_PRESETS = ['10m', '1h', 'tomorrow', 'until'] as const satisfies readonly SnoozePreset[]

/** The user's wall clock, so "today" and "tomorrow 09:00" mean what the user sees. */
export function clientZone(): ClientZone {
  try {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (timeZone) return { timeZone }
  } catch {
    /* an old runtime without zone names: fall back to the offset */
  }
  return { utcOffsetMinutes: -new Date().getTimezoneOffset() }
}

export type ReminderCreateInput = CallInput<'reminders', 'create'>
export type OpenRange = { from?: string; to?: string }

export interface CentreFilterState {
  sources: ReminderSource[]
  customerId: string | null
  /** shown in the customer filter without another lookup */
  customerName: string | null
}

export const useRemindersStore = defineStore('reminders', () => {
  const badge = ref(0)
  const badgeOverdue = ref(0)
  /** bumps after every change (own writes and newly due reminders) */
  const revision = ref(0)
  const filter = ref<CentreFilterState>({ sources: [], customerId: null, customerName: null })

  function changed() {
    revision.value++
    void refreshBadge()
  }

  async function refreshBadge() {
    try {
      const b = await api.reminders.badge(clientZone())
      badge.value = b.badge
      badgeOverdue.value = b.overdue
    } catch {
      /* logged out or offline: the next poll tries again */
    }
  }

  const activeFilter = () => ({
    sources: filter.value.sources.length ? [...filter.value.sources] : undefined,
    customerId: filter.value.customerId ?? undefined,
  })

  /** Counts, the done list (last 7 days) and the team's overdue follow-ups. */
  async function centre(limit = 200) {
    const c = await api.reminders.centre({ ...clientZone(), ...activeFilter(), limit })
    badge.value = c.badge
    return c
  }

  /** One page of the caller's own open reminders whose effective time is in [from, to). */
  function openPage(ownerId: string, range: OpenRange, page: number, pageSize: number) {
    return api.reminders.list({ status: 'open', ownerId, ...range, ...activeFilter(), page, pageSize })
  }

  function customersToContact(page: number, pageSize: number, ownerId?: string | null, urgency?: ContactUrgency | null) {
    return api.reminders.customersToContact({ ...clientZone(), page, pageSize, ownerId: ownerId ?? undefined, urgency: urgency ?? undefined })
  }

  /** 日程: the reminders of [from, to] (YYYY-MM-DD, this computer's calendar) by day. */
  function calendar(input: Omit<CalendarInput, 'timeZone' | 'utcOffsetMinutes'>) {
    return api.reminders.calendar({ ...clientZone(), ...input })
  }

  /** One page of a user's reminders (open and done) whose effective time is in [from, to). */
  function dayPage(ownerId: string, range: OpenRange, page: number, pageSize: number, withDone = true) {
    return api.reminders.list({ status: withDone ? 'all' : 'open', ownerId, ...range, page, pageSize })
  }

  async function create(input: ReminderCreateInput): Promise<Reminder> {
    const r = await api.reminders.create({ ...input, timeZone: input.timeZone ?? clientZone().timeZone })
    changed()
    return r
  }

  /**
   * A write on the reminder as the user saw it (its version). When someone — or the system, a due
   * notification — changed it first, the call answers conflict: the lists reload with the new
   * version and the error goes to the caller to show.
   */
  async function seen<T>(call: Promise<T>): Promise<T> {
    try {
      return await call
    } catch (e) {
      if (isConflict(e)) changed()
      throw e
    }
  }

  type Seen = Pick<Reminder, 'id' | 'version'>

  async function update(r: Seen, fields: ReminderPatch): Promise<Reminder> {
    const saved = await seen(api.reminders.update({ id: r.id, version: r.version, fields }))
    changed()
    return saved
  }

  async function remove(id: string) {
    await api.reminders.remove({ id })
    changed()
  }

  async function done(r: Seen) {
    const res = await seen(api.reminders.done({ id: r.id, version: r.version }))
    changed()
    return res
  }

  async function reopen(r: Seen) {
    const res = await seen(api.reminders.reopen({ id: r.id, version: r.version }))
    changed()
    return res
  }

  async function snooze(r: Seen, preset: SnoozePreset, until?: string) {
    const res = await seen(api.reminders.snooze({ id: r.id, version: r.version, preset, until, ...clientZone() }))
    changed()
    return res
  }

  async function bulkDone(ids: string[]) {
    const r = await api.reminders.bulkDone({ ids })
    changed()
    return r
  }

  async function bulkSnooze(ids: string[], preset: SnoozePreset, until?: string) {
    const r = await api.reminders.bulkSnooze({ ids, preset, until, ...clientZone() })
    changed()
    return r
  }

  /** Re-checks the system reminders (policies, birthdays, promises) now, then reloads. */
  async function evaluate() {
    try {
      await api.reminders.evaluate({})
    } finally {
      changed()
    }
  }

  /**
   * Reminders to notify now (the server answers each occurrence once) and, from the same call,
   * the centre's counts: the badge and any summary say the number the centre shows.
   */
  async function takeDue(): Promise<DueNow> {
    const due = await api.reminders.due(clientZone())
    badge.value = due.counts.badge
    badgeOverdue.value = due.counts.overdue
    if (due.items.length) revision.value++
    return due
  }

  function reset() {
    badge.value = 0
    badgeOverdue.value = 0
    filter.value = { sources: [], customerId: null, customerName: null }
  }

  return {
    badge,
    badgeOverdue,
    revision,
    filter,
    changed,
    refreshBadge,
    centre,
    openPage,
    customersToContact,
    calendar,
    dayPage,
    create,
    update,
    remove,
    done,
    reopen,
    snooze,
    bulkDone,
    bulkSnooze,
    takeDue,
    evaluate,
    reset,
  }
})
