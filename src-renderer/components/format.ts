// Display formatting in the user's locale and time zone. Timestamps cross the boundary as
// ISO-8601 UTC strings; money as integer cents.
import { currentLocale } from '../locales'

const EMPTY = '—'

const cache = new Map<string, Intl.DateTimeFormat>()
function dtf(locale: string, opts: Intl.DateTimeFormatOptions) {
  const key = locale + JSON.stringify(opts)
  let f = cache.get(key)
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, opts)))
  return f
}

const toDate = (iso: string | Date | null | undefined): Date | null => {
  if (!iso) return null
  const d = iso instanceof Date ? iso : new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/** 2026-11-22T09:05:00Z → "2026/11/22 17:05" (zh-CN, Asia/Shanghai) in local time. */
export function formatDateTime(iso: string | Date | null | undefined, locale: string = currentLocale()): string {
  const d = toDate(iso)
  if (!d) return EMPTY
  return dtf(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d)
}

/** The local calendar date of a timestamp. */
export function formatDate(iso: string | Date | null | undefined, locale: string = currentLocale()): string {
  const d = toDate(iso)
  if (!d) return EMPTY
  return dtf(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
}

/** A date-only value (YYYY-MM-DD, e.g. a birthday) shown as is, without a time-zone shift. */
export function formatPlainDate(ymd: string | null | undefined, locale: string = currentLocale()): string {
  if (!ymd) return EMPTY
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd)
  if (!m) return ymd
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return dtf(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(d)
}

/** "3 天前" / "3 days ago" for recent times; the date for older ones. */
export function formatRelative(iso: string | Date | null | undefined, locale: string = currentLocale(), now = new Date()): string {
  const d = toDate(iso)
  if (!d) return EMPTY
  const secs = Math.round((d.getTime() - now.getTime()) / 1000)
  const abs = Math.abs(secs)
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  if (abs < 60) return rtf.format(secs, 'second')
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute')
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour')
  if (abs < 30 * 86400) return rtf.format(Math.round(secs / 86400), 'day')
  return formatDate(d, locale)
}

/** Integer cents → "¥1,234.56". */
export function formatMoney(cents: number | null | undefined, locale: string = currentLocale()): string {
  if (cents === null || cents === undefined || Number.isNaN(cents)) return EMPTY
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(Math.round(cents))
  const yuan = Math.floor(abs / 100)
  const fen = String(abs % 100).padStart(2, '0')
  return `${sign}¥${new Intl.NumberFormat(locale, { maximumFractionDigits: 0, useGrouping: true }).format(yuan)}.${fen}`
}

/** Yuan typed by a user ("1,234.5") → integer cents, or null when empty/invalid. */
export function parseMoney(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined || text === '') return null
  const s = String(text).replace(/[¥,\s]/g, '')
  if (!/^-?\d+(\.\d{0,2})?$/.test(s)) return null
  const [int, frac = ''] = s.replace('-', '').split('.')
  const cents = Number(int) * 100 + Number(frac.padEnd(2, '0'))
  return s.startsWith('-') ? -cents : cents
}

export function formatNumber(n: number | null | undefined, locale: string = currentLocale()): string {
  if (n === null || n === undefined || Number.isNaN(n)) return EMPTY
  return new Intl.NumberFormat(locale).format(n)
}
