// How a reminder's repeat rule, notify-ahead and source read in the UI language.
import type { Reminder, ReminderSource } from '@contract/reminders'

type T = (key: string, params?: Record<string, unknown>) => string
type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export function repeatText(r: Pick<Reminder, 'repeat' | 'repeatInterval'>, t: T): string {
  if (r.repeat === 'none') return ''
  const n = r.repeatInterval ?? 1
  if (n === 1 && r.repeat !== 'every_n_days') return t(`reminders.repeat.${r.repeat}`)
  return t(`reminders.repeatEvery.${r.repeat}`, { n })
}

export function aheadText(minutes: number, t: T): string {
  const key = `reminders.ahead.${minutes}`
  const known = [0, 5, 15, 30, 60, 1440].includes(minutes)
  return known ? t(key) : t('reminders.ahead.custom', { n: minutes })
}

const SOURCE_TAGS: Record<ReminderSource, TagType> = {
  manual: 'primary',
  follow_up: 'success',
  contact_policy: 'warning',
  purchase_policy: 'danger',
  purchase_escalation: 'danger',
  birthday: 'info',
  promise: 'warning',
  plan_step: 'info',
  opportunity: 'primary',
  service_ticket: 'info',
}
export const sourceTagType = (s: ReminderSource): TagType => SOURCE_TAGS[s] ?? 'info'
