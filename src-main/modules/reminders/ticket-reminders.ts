// Reminders of service tickets (source 'service_ticket'), each once per occasion (a name-based id
// from its key), kept in step with the ticket by the reminder evaluation:
//   service_urgent      an urgent ticket was assigned          → the handler, due at the assignment
//   service_reopened    a low score (1–2) reopened the ticket  → the supervisors, due at the reopen
//   service_overdue     waiting (new/assigned) past its SLA    → the handler (unassigned: the supervisors)
//   service_escalation  still waiting at twice the SLA         → the supervisors (…_unassigned: no handler yet)
// "The supervisors" of a ticket: whoever assigned it; else the supervisors (team leaders and
// 销售主管) of its creator's team; else of its customer owner's team; else every 销售主管.
// An SLA reminder is made at most an hour before its time (the evaluation runs hourly), so it
// fires on time without sitting in anyone's list while the ticket may still be handled in time.
// A reminder no longer wanted is closed: done when the ticket was resolved after it fell due;
// withdrawn when it still waits (another handler, new SLA hours) or was resolved in time.
// The whole evaluation reads the waiting tickets in keyset chunks; after a ticket's own change
// only that ticket is settled. Writing goes through the evaluation's own ensure/close.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { toBool, toIso } from '../../db/dialect'
import { clockOf, loadSlaRules, overdueBranches } from '../services/services.sla'
import type { SlaRuleRow } from '../services/services.model'
import type { SystemTitle, WantedReminder } from './system-reminders.service'
import { keyId } from './reminders.model'
import { readSettings, writeSetting, type Row } from './reminders.repository'
import { supervisorRows } from './system-reminders.repository'
import { allSupervisorIds, enabledUserIds, openTicketReminders, staleTicketReminders, ticketsByIds, waitingTickets } from './ticket-reminders.repository'

const CHUNK = 500
/** How far ahead of its time an SLA reminder is made: the whole evaluation's interval. */
export const TICKET_LEAD_MS = 60 * 60 * 1000
const lower = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())
const clip = (s: string, n = 100) => (s.length > n ? s.slice(0, n - 1) + '…' : s)

export type TicketTitleKey = 'service_urgent' | 'service_reopened' | 'service_overdue' | 'service_escalation' | 'service_escalation_unassigned'
/**
 * A ticket reminder's title: a system title (stored as title_key + title_params, rendered in the
 * reader's language from reminders.systemTitles.<key>) with one of the ticket keys.
 */
export type TicketTitle = SystemTitle & { key: TicketTitleKey }

/** What the ticket reminders need of an evaluation run. */
export interface TicketEvalRun {
  /** the transaction of the current chunk: read it anew after progress() (a whole run moves on) */
  db: Knex
  dialect: Dialect
  now: Date
  nowIso: string
  /** counts work done; a whole-database run commits its chunk and begins the next one here */
  progress(n: number): Promise<void>
}

/** app_settings key (reminders.*) of the instant the last whole evaluation settled the tickets. */
const MARK = 'ticketsEvaluatedAt'

/** How the evaluation writes (its ensure / close, with its versions and stats). */
export interface TicketReminderOps<E extends TicketEvalRun> {
  ensure(ev: E, wanted: WantedReminder[]): Promise<void>
  close(ev: E, rows: Row[], how: 'done' | 'retract'): Promise<void>
}

interface Supervisors {
  byTeam: Map<string, string[]>
  all: string[]
}

async function loadSupervisors(db: Knex): Promise<Supervisors> {
  const byTeam = new Map<string, string[]>()
  for (const r of await supervisorRows(db)) {
    if (toBool(r.disabled)) continue
    const team = lower(r.team_id)!
    const list = byTeam.get(team) ?? []
    const user = lower(r.user_id)!
    if (!list.includes(user)) list.push(user)
    byTeam.set(team, list)
  }
  return { byTeam, all: await allSupervisorIds(db) }
}

/** Whoever assigned the ticket; else its creator's team's supervisors; else its customer owner's; else all. */
function supervisorsOf(t: Row, sups: Supervisors, enabled: Set<string>): string[] {
  const by = lower(t.assigned_by)
  if (by && enabled.has(by)) return [by]
  for (const team of [lower(t.creator_team_id), lower(t.owner_team_id)]) {
    const list = team ? sups.byTeam.get(team) : undefined
    if (list?.length) return list
  }
  return sups.all
}

const fellDue = (ev: TicketEvalRun, r: Row) => Date.parse(toIso(r.due_at)!) <= ev.now.getTime()

const isWaiting = (t: Row) => (t.status === 'new' || t.status === 'assigned') && !t.deleted_at && !t.c_deleted_at

/** The reminders a waiting ticket should have now. */
function wantedFor(ev: TicketEvalRun, rules: SlaRuleRow[], sups: Supervisors, enabled: Set<string>, t: Row): WantedReminder[] {
  const id = lower(t.id)!
  const params = { code: String(t.code), summary: clip(String(t.summary ?? '')), customer: clip(String(t.customer_name ?? '')) }
  const handler = t.status === 'assigned' && lower(t.assigned_to) && enabled.has(lower(t.assigned_to)!) ? lower(t.assigned_to)! : null
  const supervisors = supervisorsOf(t, sups, enabled)
  const horizon = ev.now.getTime() + TICKET_LEAD_MS
  const out: WantedReminder[] = []
  const add = (key: string, ownerId: string, title: TicketTitle, dueAt: string) =>
    out.push({ key, source: 'service_ticket', sourceId: id, ownerId, title, customerId: lower(t.customer_id), contactId: null, dueAt })

  const assignedAt = toIso(t.assigned_at)
  if (handler && t.urgency === 'urgent' && assignedAt) add(`service_urgent:${id}:${assignedAt}`, handler, { key: 'service_urgent', params }, assignedAt)
  const reopenedAt = toIso(t.reopened_at)
  if (t.status === 'new' && Number(t.reopen_count ?? 0) > 0 && reopenedAt) {
    for (const s of supervisors) add(`service_reopened:${id}:${reopenedAt}:${s}`, s, { key: 'service_reopened', params }, reopenedAt)
  }
  const clock = clockOf(rules, t, ev.now)
  if (clock && Date.parse(clock.dueAt) < horizon) {
    for (const r of handler ? [handler] : supervisors) {
      add(`service_overdue:${id}:${clock.startAt}:${r}`, r, { key: 'service_overdue', params: { ...params, hours: clock.hours } }, clock.dueAt)
    }
  }
  if (clock && Date.parse(clock.escalateAt) < horizon) {
    const title: TicketTitle = handler
      ? { key: 'service_escalation', params: { ...params, hours: clock.hours, handler: String(t.handler_name ?? '') } }
      : { key: 'service_escalation_unassigned', params: { ...params, hours: clock.hours } }
    for (const s of supervisors) add(`service_escalation:${id}:${clock.startAt}:${s}`, s, title, clock.escalateAt)
  }
  return out
}

/** Makes a chunk of tickets' reminders what they should be; `ids` are the tickets the chunk covers. */
async function settle<E extends TicketEvalRun>(ev: E, ops: TicketReminderOps<E>, rules: SlaRuleRow[], sups: Supervisors, tickets: Row[], ids: string[]) {
  const people = [...new Set(tickets.flatMap((t) => [lower(t.assigned_to), lower(t.assigned_by)]).filter((x): x is string => !!x))]
  const enabled = await enabledUserIds(ev.db, people)
  const waiting = new Map<string, boolean>()
  const wanted: WantedReminder[] = []
  for (const t of tickets) {
    const w = isWaiting(t)
    waiting.set(lower(t.id)!, w)
    if (w) wanted.push(...wantedFor(ev, rules, sups, enabled, t))
  }
  const wantedIds = new Set(wanted.map((w) => keyId(w.key)))
  const done: Row[] = []
  const retract: Row[] = []
  for (const e of await openTicketReminders(ev.db, ids)) {
    if (wantedIds.has(lower(e.id)!)) continue
    const ticket = tickets.find((t) => lower(t.id) === lower(e.source_id))
    // resolved after it fell due: the occasion is met; still waiting (another handler, another SLA),
    // resolved in time or gone: withdrawn
    const resolved = ticket && !ticket.deleted_at && !ticket.c_deleted_at && !waiting.get(lower(ticket.id)!)
    ;(resolved && fellDue(ev, e) ? done : retract).push(e)
  }
  await ops.close(ev, done, 'done')
  await ops.close(ev, retract, 'retract')
  await ops.ensure(ev, wanted)
}

/**
 * Which tickets an evaluation settles: some (after their change); every waiting ticket that may
 * want a reminder and every ticket reminder left open (a whole evaluation: 'dueSoon'); only the
 * waiting tickets whose SLA or twice the SLA came within the horizon since the last whole
 * evaluation (the hourly one: 'crossed'; every other change settles its ticket at once); or every
 * waiting ticket (after the SLA hours changed: reminders no longer wanted are withdrawn).
 */
export type TicketSelection = { ids: string[] } | 'dueSoon' | 'crossed' | 'allWaiting'

/** Evaluates the ticket reminders of the selected tickets, chunk by chunk. */
export async function serviceTicketReminders<E extends TicketEvalRun>(ev: E, ops: TicketReminderOps<E>, which: TicketSelection = 'dueSoon'): Promise<void> {
  const rules = await loadSlaRules(ev.db)
  const sups = await loadSupervisors(ev.db)
  if (typeof which === 'object') {
    const ticketIds = which.ids
    for (let i = 0; i < ticketIds.length; i += CHUNK) {
      const chunk = ticketIds.slice(i, i + CHUNK)
      await settle(ev, ops, rules, sups, await ticketsByIds(ev.db, chunk), chunk)
      await ev.progress(chunk.length)
    }
    return
  }
  const horizon = new Date(ev.now.getTime() + TICKET_LEAD_MS)
  const last = which === 'crossed' ? (await readSettings(ev.db))[MARK] : null
  const since = last && Date.parse(last) <= ev.now.getTime() ? new Date(Date.parse(last) + TICKET_LEAD_MS) : null
  // 'crossed' without a usable mark (first run, clock moved back) checks everything near its SLA
  const branches = which === 'allWaiting' ? null : since ? crossedBranches(rules, since, horizon) : overdueBranches(rules, horizon)
  for (let after: string | null = null; ; ) {
    const rows = await waitingTickets(ev.db, branches, { urgentAndReopened: !since }, after, CHUNK)
    if (rows.length) await settle(ev, ops, rules, sups, rows, rows.map((r) => String(r.id)))
    await ev.progress(rows.length)
    if (rows.length < CHUNK) break
    after = String(rows[rows.length - 1].id)
  }
  for (let after: string | null = null; ; ) {
    const rows = await staleTicketReminders(ev.db, after, CHUNK)
    const resolved = rows.filter((r) => r.t_status && !r.t_deleted_at && !r.c_deleted_at && fellDue(ev, r))
    await ops.close(ev, resolved, 'done')
    await ops.close(ev, rows.filter((r) => !resolved.includes(r)), 'retract')
    await ev.progress(rows.length)
    if (rows.length < CHUNK) break
    after = String(rows[rows.length - 1].id)
  }
  if (which !== 'allWaiting') await writeSetting(ev.db, ev.dialect, MARK, ev.nowIso, ev.nowIso)
}

/** Per rule, the tickets whose SLA (or twice it) ends within [from, to): started within [from − n·H, to − n·H). */
function crossedBranches(rules: SlaRuleRow[], from: Date, to: Date) {
  return [1, 2].flatMap((n) =>
    overdueBranches(rules, to).map((b) => {
      const h = to.getTime() - Date.parse(b.startedBefore) // the rule's hours, in ms
      return { ...b, startedFrom: new Date(from.getTime() - n * h).toISOString(), startedBefore: new Date(to.getTime() - n * h).toISOString() }
    }),
  )
}
