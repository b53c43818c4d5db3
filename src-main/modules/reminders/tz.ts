// Wall-clock arithmetic without a date library: instants are stored in UTC, and a zone (an
// IANA name, or a fixed offset sent by the client) turns them into local dates and back.
// DST: a local time that does not exist (spring forward) moves forward by the gap; one that
// exists twice (fall back) takes the earlier instant.

export type Zone = { tz: string } | { offsetMinutes: number }

export interface LocalDate {
  y: number
  m: number // 1..12
  d: number
}
export interface LocalDateTime extends LocalDate {
  h: number
  mi: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

/**
 * Offsets at the start and the end of a UTC day, per zone: when they agree the zone did not
 * change its offset that day (no zone changes twice in a day), so every instant of the day has
 * it. A reminder evaluation converts thousands of dates; Intl is asked twice per zone and day.
 */
const dayOffsets = new Map<string, number | null>()
const DAY_MS = 86_400_000

/** The zone's offset from UTC in minutes (east positive) at an instant. */
export function offsetMinutes(at: Date | number, zone: Zone): number {
  if ('offsetMinutes' in zone) return zone.offsetMinutes
  const day = Math.floor(+at / DAY_MS)
  const key = `${zone.tz}|${day}`
  let known = dayOffsets.get(key)
  if (known === undefined) {
    const a = exactOffset(day * DAY_MS, zone.tz)
    known = a === exactOffset(day * DAY_MS + DAY_MS - 1000, zone.tz) ? a : null
    if (dayOffsets.size > 50_000) dayOffsets.clear()
    dayOffsets.set(key, known)
  }
  return known ?? exactOffset(+at, zone.tz)
}

function exactOffset(at: number, tz: string): number {
  const ms = Math.floor(at / 1000) * 1000
  const p: Record<string, number> = {}
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second)
  return Math.round((asUtc - ms) / 60000)
}

export function toLocal(at: Date | number, zone: Zone): LocalDateTime {
  const t = new Date(+at + offsetMinutes(at, zone) * 60000)
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes() }
}

/** The instant a local wall-clock time names in the zone. */
export function fromLocal(zone: Zone, l: LocalDate & { h?: number; mi?: number }): Date {
  const wall = Date.UTC(l.y, l.m - 1, l.d, l.h ?? 0, l.mi ?? 0)
  if ('offsetMinutes' in zone) return new Date(wall - zone.offsetMinutes * 60000)
  const o1 = offsetMinutes(wall, zone)
  const t1 = wall - o1 * 60000
  const o2 = offsetMinutes(t1, zone)
  if (o1 === o2) return new Date(t1)
  const t2 = wall - o2 * 60000
  if (offsetMinutes(t2, zone) === o2) return new Date(t2)
  return new Date(Math.max(t1, t2)) // in a DST gap: shifted forward by the gap
}

export const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
export const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()

export function addDays(l: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(l.y, l.m - 1, l.d + n))
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() }
}

/** Whole days from a to b (b − a). */
export const daysBetween = (a: LocalDate, b: LocalDate) => Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86400000)

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
export const formatDate = (l: LocalDate) => `${pad(l.y, 4)}-${pad(l.m)}-${pad(l.d)}`
export const formatLocal = (l: LocalDateTime) => `${formatDate(l)}T${pad(l.h)}:${pad(l.mi)}`

export function parseDate(s: string): LocalDate {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number)
  return { y, m, d }
}
export function parseLocal(s: string): LocalDateTime {
  const { y, m, d } = parseDate(s)
  const [h, mi] = (s.slice(11, 16) || '00:00').split(':').map(Number)
  return { y, m, d, h: h || 0, mi: mi || 0 }
}

/** Negative, zero or positive as `a` is before, on or after `b` (by the numbers: no strings made). */
export const compareDates = (a: LocalDate, b: LocalDate) => a.y - b.y || a.m - b.m || a.d - b.d

/** The start of a local day, as an instant. */
export const startOfDay = (zone: Zone, l: LocalDate) => fromLocal(zone, { ...l, h: 0, mi: 0 })

/** The zone a call uses: the caller's IANA zone, else its fixed offset, else the fallback zone. */
export function zoneOf(input: { timeZone?: string | null; utcOffsetMinutes?: number | null } | undefined, fallbackTz: string): Zone {
  if (input?.timeZone && isTimeZone(input.timeZone)) return { tz: input.timeZone }
  if (input?.utcOffsetMinutes != null) return { offsetMinutes: input.utcOffsetMinutes }
  return { tz: fallbackTz }
}

/** The zone of the machine running the main process (the default for system reminders). */
export function systemTimeZone(): string {
  // resolvedOptions() builds a formatter (a large share of a write's CPU when asked per write):
  // asked once per TZ setting of the process
  const key = process.env.TZ ?? ''
  if (systemZone?.key !== key) {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
    systemZone = { key, tz: tz && isTimeZone(tz) ? tz : 'UTC' }
  }
  return systemZone.tz
}
let systemZone: { key: string; tz: string } | null = null
