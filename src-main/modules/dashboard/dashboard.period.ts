// The 工作台's periods on the caller's wall clock: 本周 (Monday to Sunday), 本月, 本季, 本年, or
// custom days; each with the period of the same length just before it (上周, 上月, …).
import type { PeriodKind } from '../../contract/dashboard'
import { addDays, formatDate, parseDate, startOfDay, toLocal, type LocalDate, type Zone } from '../reminders/tz'

/** Local days [first, end) — `end` is the day after the last. */
export interface Days {
  first: LocalDate
  end: LocalDate
}

const addMonths = (l: LocalDate, n: number): LocalDate => {
  const i = l.y * 12 + (l.m - 1) + n
  return { y: Math.floor(i / 12), m: (i % 12) + 1, d: 1 }
}

/** 0 = Monday … 6 = Sunday */
export const weekdayOf = (l: LocalDate) => (new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay() + 6) % 7

export const weekOf = (today: LocalDate): Days => {
  const first = addDays(today, -weekdayOf(today))
  return { first, end: addDays(first, 7) }
}

export function periodDays(kind: PeriodKind, today: LocalDate, custom?: { from?: string; to?: string }): { current: Days; previous: Days } {
  switch (kind) {
    case 'week': {
      const current = weekOf(today)
      return { current, previous: { first: addDays(current.first, -7), end: current.first } }
    }
    case 'month': {
      const first = { y: today.y, m: today.m, d: 1 }
      return { current: { first, end: addMonths(first, 1) }, previous: { first: addMonths(first, -1), end: first } }
    }
    case 'quarter': {
      const first = { y: today.y, m: Math.floor((today.m - 1) / 3) * 3 + 1, d: 1 }
      return { current: { first, end: addMonths(first, 3) }, previous: { first: addMonths(first, -3), end: first } }
    }
    case 'year': {
      const first = { y: today.y, m: 1, d: 1 }
      return { current: { first, end: { y: today.y + 1, m: 1, d: 1 } }, previous: { first: { y: today.y - 1, m: 1, d: 1 }, end: first } }
    }
    case 'custom': {
      const first = parseDate(custom!.from!)
      const end = addDays(parseDate(custom!.to!), 1)
      const n = Math.round((Date.UTC(end.y, end.m - 1, end.d) - Date.UTC(first.y, first.m - 1, first.d)) / 86_400_000)
      return { current: { first, end }, previous: { first: addDays(first, -n), end: first } }
    }
  }
}

/** The days as instants [from, to) and their first and last day. */
export function rangeOf(zone: Zone, d: Days) {
  return {
    from: startOfDay(zone, d.first).toISOString(),
    to: startOfDay(zone, d.end).toISOString(),
    firstDay: formatDate(d.first),
    lastDay: formatDate(addDays(d.end, -1)),
  }
}

export const todayIn = (now: Date, zone: Zone): LocalDate => {
  const l = toLocal(now, zone)
  return { y: l.y, m: l.m, d: l.d }
}

const DAY_MS = 86_400_000
type Range = { from: string; to: string }

/**
 * A range of instants as the whole UTC days inside it ([first, end) as 'YYYY-MM-DD', null when
 * none) and the partial days at its edges (instants; at most two, each under a day) — what the
 * 简报's per-day summary answers and what is left to count from the base tables.
 */
export function splitUtcDays(r: Range): { days: { first: string; end: string } | null; edges: Range[] } {
  const f = Date.parse(r.from)
  const t = Date.parse(r.to)
  const a = Math.ceil(f / DAY_MS) * DAY_MS
  const b = Math.floor(t / DAY_MS) * DAY_MS
  if (a >= b) return { days: null, edges: f < t ? [r] : [] }
  const iso = (ms: number) => new Date(ms).toISOString()
  const edges: Range[] = []
  if (f < a) edges.push({ from: r.from, to: iso(a) })
  if (b < t) edges.push({ from: iso(b), to: r.to })
  return { days: { first: iso(a).slice(0, 10), end: iso(b).slice(0, 10) }, edges }
}

/** Ranges grouped so each group spans at most two days (one base-table read each, over a short span). */
export function nearbyGroups(ranges: Range[]): Range[][] {
  const sorted = [...ranges].sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0))
  const groups: Range[][] = []
  for (const r of sorted) {
    const g = groups[groups.length - 1]
    if (g && Date.parse(r.to) - Date.parse(g[0].from) <= 2 * DAY_MS) g.push(r)
    else groups.push([r])
  }
  return groups
}
