// The follow-up desk beside the reminder centre:
//   今日需联系客户  customers whose 联系策略 cycle has run out (due today or overdue), grouped by
//                  urgency — due today, 1–7, 8–30, more than 30 days overdue — most recently
//                  due first, paged on the server;
//   日程            the reminders of a date range (day / week / month) by day on the caller's
//                  calendar, the first few listed per day and the rest counted (+N more).
// Scope as everywhere: own / team / all (reminders.view), out-of-scope owners answer nothing.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { Calendar, CalendarInput, ContactUrgency, CustomerToContact, CustomersToContactInput, CustomersToContactPage } from '../../contract/reminders'
import type { z } from 'zod'
import { toIso } from '../../db/dialect'
import { applyScope, inScope, requirePerm } from '../auth/permissions'
import { loadSettings, toReminder } from './reminders.model'
import { findUserClock, findUserLink, type Row } from './reminders.repository'
import { policyItems } from './system-reminders.repository'
import { byOwner, calendarRows, contactStreamCounts, contactStreamRows, remindersWithNames, type ContactStream, type Restrict } from './agenda.repository'
import { addDays, daysBetween, formatDate, parseDate, startOfDay, toLocal, zoneOf, type LocalDate, type Zone } from './tz'
import { atWorkHour, clockOfUser, loadClocks } from './work-hours'

type In<T extends z.ZodType> = z.output<T>

/** The urgency groups as whole days overdue [from, to] (to = null: no end), in display order. */
export const URGENCY: Array<[ContactUrgency, number, number | null]> = [
  ['today', 0, 0],
  ['week', 1, 7],
  ['month', 8, 30],
  ['older', 31, null],
]
/** Before any customer existed: the open end of "older". */
const EPOCH = '1900-01-01T00:00:00.000Z'

async function callerZone(db: Knex, ctx: ServiceContext, input: { timeZone?: string | null; utcOffsetMinutes?: number | null }): Promise<Zone> {
  const settings = await loadSettings(db)
  return zoneOf(input, clockOfUser(await findUserClock(db, ctx.actor.userId), settings).tz)
}

const localDateOf = (at: unknown, zone: Zone): LocalDate => {
  const l = toLocal(new Date(toIso(at)!), zone)
  return { y: l.y, m: l.m, d: l.d }
}

// ---- 今日需联系客户 -------------------------------------------------------------------------------

export async function customersToContact(ctx: ServiceContext, input: In<typeof CustomersToContactInput>): Promise<CustomersToContactPage> {
  const scope = requirePerm(ctx.actor, 'reminders', 'view')
  const k = ctx.db.knex
  const groups = { today: 0, week: 0, month: 0, older: 0 }
  const paging = { page: input.page, pageSize: input.pageSize }
  const policies = await policyItems(k, 'contact_policy')
  if (!policies.length) return { items: [], total: 0, ...paging, groups }
  const zone = await callerZone(k, ctx, input)
  const today = localDateOf(ctx.clock.now(), zone)
  const restrict: Restrict = (q) => byOwner(applyScope(q, k, ctx.actor, scope, 'c.owner_id'), 'c.owner_id', input.ownerId)
  /** The basis instants [lo, hi) of a policy's customers `a`..`b` days overdue: due = basis date + cycle. */
  const rangeOf = (cycle: number, a: number, b: number | null): [string, string] => [
    b === null ? EPOCH : startOfDay(zone, addDays(today, -cycle - b)).toISOString(),
    startOfDay(zone, addDays(today, -cycle - a + 1)).toISOString(),
  ]
  const wanted = URGENCY.filter(([key]) => !input.urgency || input.urgency === key)
  const streams: Array<{ policy: Row; s: ContactStream; lo: string; hi: string }> = []
  for (const p of policies) {
    const cycle = Number(p.cycle_days)
    const ranges = URGENCY.map(([, a, b]) => rangeOf(cycle, a, b))
    for (const s of ['never', 'contacted'] as const) {
      const counts = await contactStreamCounts(k, restrict, String(p.id), s, ranges)
      URGENCY.forEach(([key], i) => (groups[key] += counts[i]!))
      // the selected groups are adjacent: one range per stream
      const sel = wanted.map(([, a, b]) => rangeOf(cycle, a, b))
      streams.push({ policy: p, s, lo: sel.reduce((m, r) => (r[0] < m ? r[0] : m), sel[0]![0]), hi: sel.reduce((m, r) => (r[1] > m ? r[1] : m), sel[0]![1]) })
    }
  }
  const total = wanted.reduce((n, [key]) => n + groups[key], 0)
  const offset = (input.page - 1) * input.pageSize
  if (!total || offset >= total) return { items: [], total, ...paging, groups }
  // each stream is ordered by its basis (= by due date within one policy): the page is within the
  // first offset + pageSize rows of every stream; merge them by due date
  const candidates: Array<{ r: Row; due: LocalDate; basis: string }> = []
  for (const st of streams) {
    for (const r of await contactStreamRows(k, restrict, String(st.policy.id), st.s, st.lo, st.hi, offset + input.pageSize)) {
      const basis = toIso(r.last_contact_at) ?? toIso(r.created_at)!
      candidates.push({ r, basis, due: addDays(localDateOf(basis, zone), Number(r.cycle_days)) })
    }
  }
  candidates.sort((x, y) => formatDate(y.due).localeCompare(formatDate(x.due)) || y.basis.localeCompare(x.basis) || String(y.r.id).localeCompare(String(x.r.id)))
  const clockOf = await loadClocks(k, await loadSettings(k))
  const items = candidates.slice(offset, offset + input.pageSize).map(({ r, due }): CustomerToContact => {
    const overdueDays = Math.max(0, daysBetween(due, today))
    return {
      customerId: String(r.id), code: String(r.code), name: String(r.name), ownerId: (r.owner_id as string) ?? null, ownerName: (r.owner_name as string) ?? null,
      contactPolicyId: String(r.contact_policy_id), policyLabel: String(r.label), cycleDays: Number(r.cycle_days), lastContactAt: toIso(r.last_contact_at),
      dueAt: atWorkHour(clockOf(r.owner_id as string | null), due),
      overdueDays, urgency: URGENCY.find(([, a, b]) => overdueDays >= a && (b === null || overdueDays <= b))![0],
    }
  })
  return { items, total, ...paging, groups }
}

// ---- 日程 ---------------------------------------------------------------------------------------

/** More reminders than this in one range are not counted further (a runaway range). */
const CALENDAR_CAP = 20_000

export async function remindersCalendar(ctx: ServiceContext, input: In<typeof CalendarInput>): Promise<Calendar> {
  const scope = requirePerm(ctx.actor, 'reminders', 'view')
  const k = ctx.db.knex
  const now = ctx.clock.now()
  const zone = await callerZone(k, ctx, input)
  const first = parseDate(input.from)
  const last = parseDate(input.to)
  const dates: string[] = []
  for (let d = first; formatDate(d) <= formatDate(last); d = addDays(d, 1)) dates.push(formatDate(d))
  const empty = () => ({ days: dates.map((date) => ({ date, total: 0, open: 0, overdue: 0, items: [] })), total: 0, now: now.toISOString() })
  const ownerId = input.ownerId ?? ctx.actor.userId
  if (ownerId !== ctx.actor.userId) {
    // another user's agenda: only within the caller's scope (unknown and out of scope look alike)
    const u = await findUserLink(k, ownerId)
    if (!u || !inScope(ctx.actor, scope, ownerId, (u.team_id as string) ?? null)) return empty()
  }
  const restrict: Restrict = (q) => applyScope(q, k, ctx.actor, scope, 'r.owner_id')
  const rows = await calendarRows(k, restrict, {
    ownerId, from: startOfDay(zone, first).toISOString(), to: startOfDay(zone, addDays(last, 1)).toISOString(),
    includeDone: input.includeDone, sources: input.sources,
  }, CALENDAR_CAP)
  const byDay = new Map(dates.map((date) => [date, { date, total: 0, open: 0, overdue: 0, ids: [] as string[] }]))
  for (const r of rows) {
    const day = byDay.get(formatDate(localDateOf(r.at, zone)))
    if (!day) continue
    day.total++
    if (!r.done_at) {
      day.open++
      if (Date.parse(toIso(r.at)!) < now.getTime()) day.overdue++
    }
    if (day.ids.length < input.perDay) day.ids.push(String(r.id))
  }
  const full = new Map((await remindersWithNames(k, [...byDay.values()].flatMap((d) => d.ids))).map((r) => [String(r.id), toReminder(r, now)]))
  return {
    days: [...byDay.values()].map(({ ids, ...d }) => ({ ...d, items: ids.map((id) => full.get(id)!).filter(Boolean) })),
    total: rows.length,
    now: now.toISOString(),
  }
}
