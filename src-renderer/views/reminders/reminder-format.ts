// How a reminder's title, repeat rule, notify-ahead and source read in the UI language.
import type { Reminder, ReminderSource } from '@contract/reminders'

type T = (key: string, params?: Record<string, unknown>) => string
/** Whether a message key exists (vue-i18n's te). */
type Te = (key: string) => boolean

const SYSTEM_TITLES = [
  'follow_up', 'contact_policy', 'purchase_policy', 'purchase_escalation', 'birthday', 'promise', 'plan_step', 'opportunity',
  'service_urgent', 'service_reopened', 'service_overdue', 'service_escalation', 'service_escalation_unassigned', 'payment_due', 'pool_warning',
]

/**
 * A reminder's title in the UI language. A system reminder is stored as a key and its values
 * (customer, subject, birthday date, …) and rendered here; a title someone wrote (and the
 * Chinese titles stored before keys existed) is shown as it is.
 */
export function reminderTitle(r: Pick<Reminder, 'title' | 'titleKey' | 'titleParams'>, t: T, te?: Te): string {
  const key = r.titleKey
  if (!key || !SYSTEM_TITLES.includes(key) || (te && !te(`reminders.systemTitles.${key}`))) return r.title
  const p: Record<string, unknown> = { ...(r.titleParams ?? {}) }
  if (key === 'birthday') {
    const lead = Number(p.lead ?? 0)
    p.date = t('reminders.systemTitles.birthdayDate', { month: p.month, day: p.day })
    p.lunar = p.lunar === true ? t('reminders.systemTitles.birthdayLunar') : ''
    p.lead = lead > 1 ? t('reminders.systemTitles.birthdayLead', { n: lead }) : lead === 1 ? t('reminders.systemTitles.birthdayLeadOne') : ''
  }
  if (key === 'payment_due') p.unpaid = yuan(Number(p.unpaidCents ?? 0))
  return t(`reminders.systemTitles.${key}`, p)
}

/** Cents as ¥ with two decimals and thousands separators (12345678 → ¥123,456.78): the same in both languages. */
function yuan(cents: number): string {
  const abs = Math.abs(Math.round(cents))
  const int = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${cents < 0 ? '-' : ''}¥${int}.${String(abs % 100).padStart(2, '0')}`
}

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
  pool_warning: 'danger',
  payment_due: 'danger',
}
export const sourceTagType = (s: ReminderSource): TagType => SOURCE_TAGS[s] ?? 'info'
