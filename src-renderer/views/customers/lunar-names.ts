// Names of lunar months (正月…腊月) and days (初一…三十) in the UI language, and a lunar or
// solar birthday as text.
import { useI18n } from 'vue-i18n'
import type { Contact } from '@contract/contacts'
import { formatPlainDate } from '../../components/format'

export function useLunarNames() {
  const { t, tm, rt } = useI18n()
  const list = (key: string): string[] => {
    const v = tm(key) as unknown
    return Array.isArray(v) ? v.map((m) => (typeof m === 'string' ? m : rt(m as Parameters<typeof rt>[0]))) : []
  }
  const monthName = (m: number) => list('contacts.lunar.months')[m - 1] ?? String(m)
  const dayName = (d: number) => list('contacts.lunar.days')[d - 1] ?? String(d)

  /** 公历 → the local date; 农历 → "农历 1985年闰四月初八". */
  function birthdayText(c: Pick<Contact, 'birthday' | 'birthdayCalendar' | 'birthdayLeapMonth'>): string {
    if (!c.birthday) return ''
    if (c.birthdayCalendar !== 'lunar') return formatPlainDate(c.birthday)
    const [y, m, d] = c.birthday.split('-').map(Number)
    return t('contacts.lunar.format', {
      year: y,
      leap: c.birthdayLeapMonth ? t('contacts.lunar.leapPrefix') : '',
      month: monthName(m!),
      day: dayName(d!),
    })
  }

  return { monthName, dayName, birthdayText }
}
