// Recurrence on the wall clock of the reminder's zone, stored in UTC. The series keeps its
// anchor (the local date and time of its first occurrence), so a monthly reminder on the
// 31st falls on the last day of shorter months and comes back to the 31st afterwards, a
// yearly one on 29 February falls on 28 February in common years, and 09:00 stays 09:00
// across daylight-saving changes.
import type { RepeatRule } from '../../contract/reminders'
import { addDays, daysInMonth, fromLocal, parseLocal, toLocal, type LocalDate, type LocalDateTime, type Zone } from './tz'

export interface Recurrence {
  repeat: RepeatRule
  interval: number
  /** local YYYY-MM-DDTHH:mm of the series' first occurrence */
  anchor: string
  zone: Zone
}

/** The occurrence after `prev` (an instant of the series). */
export function nextOccurrence(prev: Date, r: Recurrence): Date {
  if (r.repeat === 'none') throw new Error('not a recurring reminder')
  const a = parseLocal(r.anchor)
  const cur = toLocal(prev, r.zone)
  const n = Math.max(1, r.interval)
  let date: LocalDate
  switch (r.repeat) {
    case 'daily':
    case 'every_n_days':
      date = addDays(cur, n)
      break
    case 'weekly':
      date = addDays(cur, 7 * n)
      break
    case 'monthly': {
      const idx = cur.y * 12 + (cur.m - 1) + n
      const y = Math.floor(idx / 12)
      const m = (idx % 12) + 1
      date = { y, m, d: Math.min(a.d, daysInMonth(y, m)) }
      break
    }
    case 'yearly': {
      const y = cur.y + n
      date = { y, m: a.m, d: Math.min(a.d, daysInMonth(y, a.m)) }
      break
    }
  }
  return fromLocal(r.zone, { ...date, h: a.h, mi: a.mi })
}

/** The first occurrence after `prev` that is later than `after` (skips the ones missed meanwhile). */
export function nextOccurrenceAfter(prev: Date, r: Recurrence, after: Date): Date {
  let next = nextOccurrence(prev, r)
  for (let i = 0; i < 100_000 && next <= after; i++) next = nextOccurrence(next, r)
  return next
}

export function anchorOf(due: Date, zone: Zone): string {
  const l: LocalDateTime = toLocal(due, zone)
  const pad = (v: number, w = 2) => String(v).padStart(w, '0')
  return `${pad(l.y, 4)}-${pad(l.m)}-${pad(l.d)}T${pad(l.h)}:${pad(l.mi)}`
}
