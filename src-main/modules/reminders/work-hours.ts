// The wall clock a user's reminders follow: their working hour (users.work_hour, default the
// app's notify hour, 09:00) in their time zone (users.time_zone, default the app's reminder
// zone). System reminders that carry only a date — 联系策略, 购买策略 and its escalation,
// birthdays, promises, plan steps — fall due at that hour on that date, never at an odd time.
import type { Knex } from 'knex'
import { addDays, fromLocal, isTimeZone, toLocal, type LocalDate } from './tz'
import { userClockRows, type Row } from './reminders.repository'

export interface WorkClock {
  tz: string
  hour: number
}

/** Sources whose due time is a date at the owner's working hour (the others keep a chosen time). */
export const DATE_ONLY_SOURCES = ['contact_policy', 'purchase_policy', 'purchase_escalation', 'birthday', 'promise', 'plan_step'] as const

export const clockOfUser = (u: Row | undefined, defaults: { timeZone: string; notifyHour: number }): WorkClock => {
  const hour = u?.work_hour == null ? NaN : Number(u.work_hour)
  const tz = typeof u?.time_zone === 'string' && isTimeZone(u.time_zone) ? u.time_zone : defaults.timeZone
  return { tz, hour: Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : defaults.notifyHour }
}

/** Every user's clock (users are few: one read per evaluation). */
export async function loadClocks(db: Knex, defaults: { timeZone: string; notifyHour: number }) {
  const map = new Map<string, WorkClock>()
  for (const u of await userClockRows(db)) map.set(String(u.id), clockOfUser(u, defaults))
  const fallback: WorkClock = { tz: defaults.timeZone, hour: defaults.notifyHour }
  return (userId: string | null | undefined): WorkClock => (userId && map.get(String(userId))) || fallback
}

/** The instant a local date falls due at on a clock: that date at the working hour. */
export const atWorkHour = (c: WorkClock, date: LocalDate) => fromLocal({ tz: c.tz }, { ...date, h: c.hour, mi: 0 }).toISOString()

/**
 * 联系策略: contact due within `cycleDays` of the basis (last contact or creation), i.e. on the
 * date the cycle ends on the owner's wall clock, at the owner's working hour.
 */
export function contactDueAt(c: WorkClock, basisIso: string, cycleDays: number): string {
  const l = toLocal(new Date(basisIso), { tz: c.tz })
  return atWorkHour(c, addDays({ y: l.y, m: l.m, d: l.d }, cycleDays))
}

/** The same local date on another clock (a changed working hour or zone moves open reminders). */
export function retimed(dueIso: string, from: WorkClock, to: WorkClock): string {
  const l = toLocal(new Date(dueIso), { tz: from.tz })
  return atWorkHour(to, { y: l.y, m: l.m, d: l.d })
}
