// 提醒 / 待办: create, edit, snooze, done (a recurring one makes its next occurrence), reopen,
// remove, bulk actions, the reminder centre with its badge, 今日需联系客户, and due
// notifications that never fire twice for one occurrence. A 客户经理 (scope own) sees and
// changes only own reminders; a supervisor (team) the team's.
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import type {
  BulkSnoozeInput, Centre, CentreFilter, ClientZone, DueNow, Reminder, ReminderCreate, ReminderListInput, ReminderPatch, ReminderSettings,
  SnoozeInput,
} from '../../contract/reminders'
import type { Actor } from '../context'
import type { z } from 'zod'
import { AppError, conflict, fieldError, notFound } from '../../shared/errors'
import { toBool, toIso } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { applyScope, inScope, requirePerm } from '../auth/permissions'
import { moveFollowUp } from '../interactions/interactions.service'
import { anchorOf, nextOccurrenceAfter } from './recurrence'
import { fireAtOf, keyId, loadSettings, toReminder } from './reminders.model'
import {
  centreCounts, centreLists, claimNotification, dueCandidates, findContactLink, findCustomerLink, findOpportunityLink, findReminder,
  findReminderForScope, findRemindersByIds, findUserClock, findUserLink, insertReminders, openDateOnlyReminders, pageReminders,
  retractLaterOccurrences, teamOverdue, updateReminder, writeSetting, type ReminderFilter, type Row, type ScopeFilter,
} from './reminders.repository'
import { policyItems } from './system-reminders.repository'
import { evaluateReminders, refreshCustomerContact } from './system-reminders.service'
import { addDays, fromLocal, startOfDay, toLocal, zoneOf, type Zone } from './tz'
import { clockOfUser, DATE_ONLY_SOURCES, retimed, type WorkClock } from './work-hours'
// 今日需联系客户 lives with 日程 in agenda.service; other modules reach it through this service
export { customersToContact } from './agenda.service'

type In<T extends z.ZodType> = z.output<T>
const DAY = 86_400_000
const MINUTE = 60_000

/** A lazily taken sync version: one per user action, only when something is written. */
function versionOf(trx: Knex.Transaction) {
  let v: number | null = null
  return async () => (v ??= await nextVersion(trx))
}

async function loadInScope(db: Knex, ctx: ServiceContext, scope: DataScope, id: string): Promise<Row> {
  const r = await findReminderForScope(db, id)
  if (!r || !inScope(ctx.actor, scope, (r.owner_id as string) ?? null, (r.owner_team_id as string) ?? null)) throw notFound('reminder', id)
  return r
}

/** The user acted on the version they saw: a reminder changed since (by someone, or the system) answers `conflict`. */
function checkVersion(row: Row, expected: number) {
  if (Number(row.version) !== expected) throw conflict('reminder', Number(row.version))
}

/** Writes the user's change only while the reminder still has the version they acted on. */
async function updateSeen(trx: Knex, id: string, patch: Row, expected: number) {
  if (!(await updateReminder(trx, id, patch, expected))) throw conflict('reminder')
}

const scopeOf = (k: Knex, actor: Actor, scope: DataScope): ScopeFilter => (q, col) => applyScope(q, k, actor, scope, col)

async function reload(db: Knex, ctx: ServiceContext, id: string): Promise<Reminder> {
  const r = await findReminder(db, id)
  if (!r) throw notFound('reminder', id)
  return toReminder(r, ctx.clock.now())
}

/** Follow-ups decide the customer's 下次联系: refresh it when one changes. */
async function afterFollowUpChange(trx: Knex, rows: Row[], version: () => Promise<number>) {
  const ids = new Set(rows.filter((r) => r.source === 'follow_up' && r.customer_id).map((r) => String(r.customer_id)))
  if (ids.size) await refreshCustomerContact(trx, ids, version)
}

// ---- links and owner ----------------------------------------------------------------------

interface Links {
  customerId: string | null
  contactId: string | null
  opportunityId: string | null
}

async function resolveLinks(db: Knex, ctx: ServiceContext, scope: DataScope, want: Links): Promise<Links> {
  let customerId = want.customerId
  if (want.contactId) {
    const ct = await findContactLink(db, want.contactId)
    if (!ct) throw fieldError('contactId', 'not_found', 'contact not found')
    if (customerId && ct.customer_id !== customerId) throw fieldError('contactId', 'not_of_customer', 'the contact belongs to another customer')
    customerId = String(ct.customer_id)
  }
  if (customerId) {
    const c = await findCustomerLink(db, customerId)
    if (!c || !inScope(ctx.actor, scope, (c.owner_id as string) ?? null, (c.owner_team_id as string) ?? null)) {
      throw fieldError(want.customerId ? 'customerId' : 'contactId', 'not_found', 'customer not found')
    }
  }
  if (want.opportunityId) {
    const o = await findOpportunityLink(db, want.opportunityId)
    const me = ctx.actor.userId
    const visible = o && (inScope(ctx.actor, scope, (o.owner_id as string) ?? null, (o.owner_team_id as string) ?? null) || o.assigned_to === me || o.created_by === me)
    if (!visible) throw fieldError('opportunityId', 'not_found', 'opportunity not found')
  }
  return { customerId: customerId ?? null, contactId: want.contactId ?? null, opportunityId: want.opportunityId ?? null }
}

async function resolveOwner(db: Knex, ctx: ServiceContext, scope: DataScope, ownerId: string | null | undefined): Promise<string> {
  if (!ownerId || ownerId === ctx.actor.userId) return ctx.actor.userId
  if (scope === 'own') throw fieldError('ownerId', 'out_of_scope', 'you can only remind yourself')
  const u = await findUserLink(db, ownerId)
  if (!u || toBool(u.disabled)) throw fieldError('ownerId', 'invalid_owner', 'the user does not exist or is disabled')
  if (scope === 'team' && (!ctx.actor.teamId || u.team_id !== ctx.actor.teamId)) throw fieldError('ownerId', 'out_of_team', 'the user is not in your team')
  return ownerId
}

// ---- create / update / remove ---------------------------------------------------------------------

const isoOf = (s: string) => new Date(s).toISOString()

/** `opts.id`: the id the writer chose (an offline client's create, pushed by sync); else a new one. */
export async function remindersCreate(ctx: ServiceContext, input: In<typeof ReminderCreate>, opts: { id?: string } = {}): Promise<Reminder> {
  const scope = requirePerm(ctx.actor, 'reminders', 'create')
  const k = ctx.db.knex
  const now = ctx.clock.now()
  return k.transaction(async (trx) => {
    const settings = await loadSettings(trx)
    const ownerId = await resolveOwner(trx, ctx, scope, input.ownerId)
    const links = await resolveLinks(trx, ctx, scope, { customerId: input.customerId ?? null, contactId: input.contactId ?? null, opportunityId: input.opportunityId ?? null })
    const id = opts.id ?? newId()
    const tz = input.timeZone ?? settings.timeZone
    const dueAt = isoOf(input.dueAt)
    const recurring = input.repeat !== 'none'
    await insertReminders(trx, ctx.db.dialect, [{
      id, created_at: now.toISOString(), updated_at: now.toISOString(), version: await nextVersion(trx), deleted_at: null, owner_id: ownerId,
      title: input.title, title_key: null, title_params: null, notes: input.notes || null, customer_id: links.customerId, contact_id: links.contactId, opportunity_id: links.opportunityId,
      due_at: dueAt, repeat_rule: input.repeat, repeat_interval: recurring ? (input.repeatInterval ?? 1) : null,
      notify_ahead_minutes: input.notifyAheadMinutes, snoozed_until: null, done_at: null, notified_at: null, source: 'manual', source_key: null,
      time_zone: tz, repeat_anchor: recurring ? anchorOf(new Date(dueAt), { tz }) : null, series_id: recurring ? id : null,
      fire_at: fireAtOf(dueAt, input.notifyAheadMinutes, null), source_id: null, basis_at: null, basis_date: null, cycle_days: null, retracted_at: null,
    }])
    return reload(trx, ctx, id)
  })
}

export async function remindersUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: In<typeof ReminderPatch> }): Promise<Reminder> {
  const scope = requirePerm(ctx.actor, 'reminders', 'edit')
  const f = input.fields
  const now = ctx.clock.now()
  return ctx.db.knex.transaction(async (trx) => {
    const row = await loadInScope(trx, ctx, scope, input.id)
    checkVersion(row, input.version)
    const settings = await loadSettings(trx)
    const patch: Row = {}
    // a title someone writes replaces the system's (which is rendered in the reader's language)
    if (f.title !== undefined) Object.assign(patch, { title: f.title, title_key: null, title_params: null })
    if (f.notes !== undefined) patch.notes = f.notes || null
    const relink = f.customerId !== undefined || f.contactId !== undefined || f.opportunityId !== undefined
    if (relink && row.source !== 'manual') {
      // the system keeps these links from the facts (customer, contact, interaction)
      const field = f.customerId !== undefined ? 'customerId' : f.contactId !== undefined ? 'contactId' : 'opportunityId'
      throw fieldError(field, 'not_allowed', 'the links of a reminder made by the system cannot be changed')
    }
    if (relink) {
      const links = await resolveLinks(trx, ctx, scope, {
        customerId: f.customerId !== undefined ? f.customerId : ((row.customer_id as string) ?? null),
        contactId: f.contactId !== undefined ? f.contactId : f.customerId !== undefined && f.customerId !== row.customer_id ? null : ((row.contact_id as string) ?? null),
        opportunityId: f.opportunityId !== undefined ? f.opportunityId : ((row.opportunity_id as string) ?? null),
      })
      Object.assign(patch, { customer_id: links.customerId, contact_id: links.contactId, opportunity_id: links.opportunityId })
    }
    const repeat = f.repeat ?? String(row.repeat_rule)
    if (row.source !== 'manual' && repeat !== 'none') throw fieldError('repeat', 'not_allowed', 'a reminder made by the system does not repeat')
    const interval = f.repeatInterval !== undefined ? f.repeatInterval : row.repeat_interval == null ? null : Number(row.repeat_interval)
    if (repeat === 'every_n_days' && (interval == null || interval < 1)) throw fieldError('repeatInterval', 'required', 'every N days needs N of at least 1', { minimum: 1 })
    const dueAt = f.dueAt !== undefined ? isoOf(f.dueAt) : toIso(row.due_at)!
    const tz = f.timeZone ?? ((row.time_zone as string) || settings.timeZone)
    const timing = f.dueAt !== undefined || f.repeat !== undefined || f.repeatInterval !== undefined || f.timeZone !== undefined
    if (timing) {
      Object.assign(patch, {
        due_at: dueAt, time_zone: tz, repeat_rule: repeat, repeat_interval: repeat === 'none' ? null : (interval ?? 1),
        repeat_anchor: repeat === 'none' ? null : anchorOf(new Date(dueAt), { tz }),
        series_id: repeat === 'none' ? null : ((row.series_id as string) ?? row.id),
      })
    }
    const dueMoved = dueAt !== toIso(row.due_at)
    const snoozed = dueMoved ? null : toIso(row.snoozed_until)
    if (dueMoved) patch.snoozed_until = null
    const ahead = f.notifyAheadMinutes ?? Number(row.notify_ahead_minutes ?? 0)
    if (f.notifyAheadMinutes !== undefined) patch.notify_ahead_minutes = ahead
    const fire = fireAtOf(dueAt, ahead, snoozed)
    if (fire !== toIso(row.fire_at)) {
      patch.fire_at = fire
      if (Date.parse(fire) > now.getTime()) patch.notified_at = null // a new time in the future: notify then
    }
    if (!Object.keys(patch).length) return reload(trx, ctx, input.id)
    const version = versionOf(trx)
    // The follow-up date lives on the interaction: moving the reminder moves it there too, so it
    // takes the right to edit that record (the interactions service checks it). Without it the
    // move is refused rather than kept on the reminder alone, which would part it from the record
    // (and the next evaluation would put it back); snoozing stays open to the reminder's owner.
    if (row.source === 'follow_up' && row.source_id && dueMoved) await moveFollowUp(trx, ctx, String(row.source_id), dueAt, version)
    await updateSeen(trx, input.id, { ...patch, updated_at: now.toISOString(), version: await version() }, input.version)
    await afterFollowUpChange(trx, [row, { ...row, ...patch }], version)
    return reload(trx, ctx, input.id)
  })
}

export async function remindersRemove(ctx: ServiceContext, input: { id: string }) {
  const scope = requirePerm(ctx.actor, 'reminders', 'delete')
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    const row = await loadInScope(trx, ctx, scope, input.id)
    const version = versionOf(trx)
    await updateReminder(trx, input.id, { deleted_at: now, updated_at: now, version: await version() })
    await afterFollowUpChange(trx, [row], version)
  })
  return { ok: true as const }
}

// ---- the user's clock ------------------------------------------------------------------------

/** The caller's working hour and time zone (the app's defaults where the user set none). */
async function myClock(db: Knex, ctx: ServiceContext): Promise<WorkClock> {
  return clockOfUser(await findUserClock(db, ctx.actor.userId), await loadSettings(db))
}

/**
 * After a user changed the working hour or time zone (auth.savePreferences, in its transaction):
 * the user's open, not snoozed system reminders that carry only a date move to the new hour on
 * the same date. `before` / `after` are the user's own settings (null: the app's default).
 */
export async function moveToWorkHour(
  trx: Knex,
  ctx: ServiceContext,
  userId: string,
  before: { workHour: number | null; timeZone: string | null },
  after: { workHour: number | null; timeZone: string | null },
  version: () => Promise<number>,
): Promise<number> {
  const settings = await loadSettings(trx)
  const from = clockOfUser({ work_hour: before.workHour, time_zone: before.timeZone }, settings)
  const to = clockOfUser({ work_hour: after.workHour, time_zone: after.timeZone }, settings)
  const now = ctx.clock.now()
  let moved = 0
  for (const r of await openDateOnlyReminders(trx, userId, DATE_ONLY_SOURCES)) {
    const was = toIso(r.due_at)!
    const due = retimed(was, { ...from, tz: (r.time_zone as string) || from.tz }, to)
    if (due === was && r.time_zone === to.tz) continue
    const fire = fireAtOf(due, Number(r.notify_ahead_minutes ?? 0), null)
    await updateReminder(trx, String(r.id), {
      due_at: due, fire_at: fire, time_zone: to.tz, ...(Date.parse(fire) > now.getTime() ? { notified_at: null } : {}),
      updated_at: now.toISOString(), version: await version(),
    })
    moved++
  }
  return moved
}

// ---- snooze -------------------------------------------------------------------------------

type SnoozeSpec = Pick<In<typeof SnoozeInput>, 'preset' | 'until' | 'timeZone' | 'utcOffsetMinutes'>

/** The snooze time: now + 10 min / 1 h, tomorrow at the notify hour on the caller's wall clock, or a chosen time. */
export function snoozeUntil(spec: SnoozeSpec, now: Date, zone: Zone, notifyHour: number): Date {
  switch (spec.preset) {
    case '10m':
      return new Date(now.getTime() + 10 * MINUTE)
    case '1h':
      return new Date(now.getTime() + 60 * MINUTE)
    case 'tomorrow':
      return fromLocal(zone, { ...addDays(toLocal(now, zone), 1), h: notifyHour, mi: 0 })
    case 'until': {
      const t = new Date(spec.until!)
      if (!(t.getTime() > now.getTime())) throw fieldError('until', 'in_past', 'pick a time in the future')
      return t
    }
  }
}

/** Snoozes one reminder; with `expected` only while it has that version. */
async function snoozeRow(trx: Knex, row: Row, until: Date, now: string, version: () => Promise<number>, expected?: number) {
  const at = until.toISOString()
  const patch = { snoozed_until: at, fire_at: at, notified_at: null, updated_at: now, version: await version() }
  if (expected === undefined) await updateReminder(trx, String(row.id), patch)
  else await updateSeen(trx, String(row.id), patch, expected)
}

export async function remindersSnooze(ctx: ServiceContext, input: In<typeof SnoozeInput>): Promise<Reminder> {
  const scope = requirePerm(ctx.actor, 'reminders', 'edit')
  const now = ctx.clock.now()
  return ctx.db.knex.transaction(async (trx) => {
    const row = await loadInScope(trx, ctx, scope, input.id)
    checkVersion(row, input.version)
    if (row.done_at) throw new AppError('rule', 'the reminder is done', { key: 'reminders.errors.done' })
    const clock = await myClock(trx, ctx)
    const until = snoozeUntil(input, now, zoneOf(input, clock.tz), clock.hour)
    const version = versionOf(trx)
    await snoozeRow(trx, row, until, now.toISOString(), version, input.version)
    await afterFollowUpChange(trx, [row], version)
    return reload(trx, ctx, input.id)
  })
}

export async function remindersBulkSnooze(ctx: ServiceContext, input: In<typeof BulkSnoozeInput>) {
  const scope = requirePerm(ctx.actor, 'reminders', 'edit')
  const now = ctx.clock.now()
  return ctx.db.knex.transaction(async (trx) => {
    const clock = await myClock(trx, ctx)
    const until = snoozeUntil(input, now, zoneOf(input, clock.tz), clock.hour)
    const version = versionOf(trx)
    const rows: Row[] = []
    for (const id of new Set(input.ids)) {
      const row = await findReminderForScope(trx, id)
      if (!row || row.done_at || !inScope(ctx.actor, scope, (row.owner_id as string) ?? null, (row.owner_team_id as string) ?? null)) continue
      await snoozeRow(trx, row, until, now.toISOString(), version)
      rows.push(row)
    }
    await afterFollowUpChange(trx, rows, version)
    return { snoozed: rows.length }
  })
}

// ---- done / reopen ----------------------------------------------------------------------------

/**
 * Marks one reminder done (with `expected`: only while it has that version); a recurring one
 * gets its next occurrence after now (one id per occurrence).
 */
async function doneRow(trx: Knex, ctx: ServiceContext, row: Row, version: () => Promise<number>, expected?: number): Promise<string | null> {
  const now = ctx.clock.now()
  const nowIso = now.toISOString()
  const patch = { done_at: nowIso, updated_at: nowIso, version: await version() }
  if (expected === undefined) await updateReminder(trx, String(row.id), patch)
  else await updateSeen(trx, String(row.id), patch, expected)
  const repeat = String(row.repeat_rule ?? 'none')
  if (repeat === 'none') return null
  const settings = await loadSettings(trx)
  const zone = { tz: (row.time_zone as string) || settings.timeZone }
  const due = new Date(toIso(row.due_at)!)
  const anchor = (row.repeat_anchor as string) || anchorOf(due, zone)
  const next = nextOccurrenceAfter(due, { repeat: repeat as never, interval: Number(row.repeat_interval ?? 1), anchor, zone }, now).toISOString()
  const series = String(row.series_id ?? row.id)
  const id = keyId(`series:${series}:${next}`)
  const existing = (await findRemindersByIds(trx, [id]))[0]
  const ahead = Number(row.notify_ahead_minutes ?? 0)
  const timing = { due_at: next, snoozed_until: null, done_at: null, notified_at: null, fire_at: fireAtOf(next, ahead, null) }
  if (!existing) {
    await insertReminders(trx, ctx.db.dialect, [{
      id, created_at: nowIso, updated_at: nowIso, version: await version(), deleted_at: null, owner_id: row.owner_id, title: row.title,
      title_key: row.title_key ?? null, title_params: row.title_params ?? null,
      notes: row.notes ?? null, customer_id: row.customer_id ?? null, contact_id: row.contact_id ?? null, opportunity_id: row.opportunity_id ?? null,
      repeat_rule: repeat, repeat_interval: row.repeat_interval ?? 1, notify_ahead_minutes: ahead, source: row.source ?? 'manual', source_key: null,
      time_zone: zone.tz, repeat_anchor: anchor, series_id: series, source_id: null, basis_at: null, basis_date: null, cycle_days: null,
      retracted_at: null, ...timing,
    }])
  } else if (existing.deleted_at) {
    await updateReminder(trx, id, { ...timing, deleted_at: null, retracted_at: null, updated_at: nowIso, version: await version() })
  }
  return id
}

export async function remindersDone(ctx: ServiceContext, input: { id: string; version: number }) {
  const scope = requirePerm(ctx.actor, 'reminders', 'edit')
  return ctx.db.knex.transaction(async (trx) => {
    const row = await loadInScope(trx, ctx, scope, input.id)
    checkVersion(row, input.version)
    if (row.done_at) return { reminder: await reload(trx, ctx, input.id), next: null }
    const version = versionOf(trx)
    const nextId = await doneRow(trx, ctx, row, version, input.version)
    await afterFollowUpChange(trx, [row], version)
    return { reminder: await reload(trx, ctx, input.id), next: nextId ? await reload(trx, ctx, nextId) : null }
  })
}

export async function remindersBulkDone(ctx: ServiceContext, input: { ids: string[] }) {
  const scope = requirePerm(ctx.actor, 'reminders', 'edit')
  return ctx.db.knex.transaction(async (trx) => {
    const version = versionOf(trx)
    const rows: Row[] = []
    let created = 0
    for (const id of new Set(input.ids)) {
      const row = await findReminderForScope(trx, id)
      if (!row || row.done_at || !inScope(ctx.actor, scope, (row.owner_id as string) ?? null, (row.owner_team_id as string) ?? null)) continue
      if (await doneRow(trx, ctx, row, version)) created++
      rows.push(row)
    }
    await afterFollowUpChange(trx, rows, version)
    return { done: rows.length, created }
  })
}

export async function remindersReopen(ctx: ServiceContext, input: { id: string; version: number }): Promise<Reminder> {
  const scope = requirePerm(ctx.actor, 'reminders', 'edit')
  const nowIso = ctx.clock.now().toISOString()
  return ctx.db.knex.transaction(async (trx) => {
    const row = await loadInScope(trx, ctx, scope, input.id)
    checkVersion(row, input.version)
    if (!row.done_at) return reload(trx, ctx, input.id)
    const version = versionOf(trx)
    await updateSeen(trx, input.id, { done_at: null, updated_at: nowIso, version: await version() }, input.version)
    if (row.series_id) {
      // the occurrence made when this one was done is withdrawn; doing this one again brings it back
      await retractLaterOccurrences(trx, String(row.series_id), input.id, toIso(row.due_at)!, {
        deleted_at: nowIso, retracted_at: nowIso, updated_at: nowIso, version: await version(),
      })
    }
    await afterFollowUpChange(trx, [row], version)
    return reload(trx, ctx, input.id)
  })
}

// ---- reading ----------------------------------------------------------------------------------

export async function remindersGet(ctx: ServiceContext, input: { id: string }): Promise<Reminder> {
  const scope = requirePerm(ctx.actor, 'reminders', 'view')
  await loadInScope(ctx.db.knex, ctx, scope, input.id)
  return reload(ctx.db.knex, ctx, input.id)
}

export async function remindersList(ctx: ServiceContext, input: In<typeof ReminderListInput>) {
  const scope = requirePerm(ctx.actor, 'reminders', 'view')
  const k = ctx.db.knex
  const { rows, total } = await pageReminders(k, scopeOf(k, ctx.actor, scope), {
    status: input.status, sources: input.sources, customerId: input.customerId, ownerId: input.ownerId,
    from: input.from ? isoOf(input.from) : undefined, to: input.to ? isoOf(input.to) : undefined,
  }, input)
  const now = ctx.clock.now()
  return { items: rows.map((r: Row) => toReminder(r, now)), total, page: input.page, pageSize: input.pageSize }
}

interface Day {
  zone: Zone
  todayStart: Date
  todayEnd: Date
  upcomingEnd: Date
}

async function dayOf(db: Knex, ctx: ServiceContext, input: ClientZone | undefined): Promise<Day> {
  const zone = zoneOf(input, (await myClock(db, ctx)).tz)
  const l = toLocal(ctx.clock.now(), zone)
  return {
    zone,
    todayStart: startOfDay(zone, l),
    todayEnd: startOfDay(zone, addDays(l, 1)),
    upcomingEnd: startOfDay(zone, addDays(l, 8)),
  }
}

export async function remindersCentre(ctx: ServiceContext, input: In<typeof CentreFilter>): Promise<Centre> {
  const scope = requirePerm(ctx.actor, 'reminders', 'view')
  const k = ctx.db.knex
  const now = ctx.clock.now()
  const nowIso = now.toISOString()
  const day = await dayOf(k, ctx, input)
  const b = {
    now: nowIso, todayEnd: day.todayEnd.toISOString(), upcomingEnd: day.upcomingEnd.toISOString(),
    doneSince: new Date(now.getTime() - 7 * DAY).toISOString(),
  }
  const me = ctx.actor.userId
  const filter: ReminderFilter = { sources: input.sources, customerId: input.customerId }
  const toApi = (rows: Row[]) => rows.map((r) => toReminder(r, now))
  const lists = await centreLists(k, me, filter, b, input.limit)
  const counts = await centreCounts(k, me, filter, b)
  const unfiltered = input.sources?.length || input.customerId ? await centreCounts(k, me, {}, b) : counts

  let teamOverdueList: Reminder[] | null = null
  let teamOverdueCount = 0
  if (scope !== 'own') {
    const team = await teamOverdue(k, scopeOf(k, ctx.actor, scope), me, filter, b.now, input.limit)
    teamOverdueCount = team.total
    teamOverdueList = toApi(team.rows)
  }
  return {
    now: nowIso, todayStart: day.todayStart.toISOString(), todayEnd: b.todayEnd, upcomingEnd: b.upcomingEnd, overdue: toApi(lists.overdue),
    today: toApi(lists.today), upcoming: toApi(lists.upcoming), done: toApi(lists.done), counts, badge: unfiltered.overdue + unfiltered.today,
    teamOverdue: teamOverdueList, teamOverdueCount,
  }
}

/** The caller's overdue and today counts, as the centre counts them (unfiltered). */
async function myCounts(db: Knex, ctx: ServiceContext, input: ClientZone) {
  const now = ctx.clock.now()
  const day = await dayOf(db, ctx, input)
  const c = await centreCounts(db, ctx.actor.userId, {}, {
    now: now.toISOString(), todayEnd: day.todayEnd.toISOString(), upcomingEnd: day.upcomingEnd.toISOString(), doneSince: now.toISOString(),
  })
  return { badge: c.overdue + c.today, overdue: c.overdue, today: c.today }
}

export async function remindersBadge(ctx: ServiceContext, input: ClientZone) {
  requirePerm(ctx.actor, 'reminders', 'view')
  return myCounts(ctx.db.knex, ctx, input)
}

// ---- due notifications -------------------------------------------------------------------------------

/** The caller's reminders to notify now; each occurrence is answered once (claimed by notified_at). */
export async function remindersDue(ctx: ServiceContext, input: ClientZone = {}): Promise<DueNow> {
  requirePerm(ctx.actor, 'reminders', 'view')
  const k = ctx.db.knex
  const now = ctx.clock.now().toISOString()
  const candidates = await dueCandidates(k, ctx.actor.userId, now, 100)
  const items = !candidates.length
    ? []
    : await k.transaction(async (trx) => {
        const version = versionOf(trx)
        const out: Reminder[] = []
        for (const c of candidates) {
          if (await claimNotification(trx, String(c.id), { notified_at: now, version: await version() })) out.push(await reload(trx, ctx, String(c.id)))
        }
        return out
      })
  // after the claims, from the same tables as the centre: a summary never says another number
  return { items, counts: await myCounts(k, ctx, input) }
}

// ---- evaluation and settings ---------------------------------------------------------------------------

export async function remindersEvaluate(ctx: ServiceContext) {
  requirePerm(ctx.actor, 'reminders', 'view')
  return evaluateReminders(ctx)
}

export async function remindersGetSettings(ctx: ServiceContext): Promise<ReminderSettings> {
  requirePerm(ctx.actor, 'reminders', 'view')
  const { evalVersion: _v, evalDay: _d, ...s } = await loadSettings(ctx.db.knex)
  return s
}

export async function remindersSaveSettings(ctx: ServiceContext, input: Partial<ReminderSettings>): Promise<ReminderSettings> {
  requirePerm(ctx.actor, 'settings', 'edit')
  const now = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => {
    if (input.timeZone !== undefined) await writeSetting(trx, ctx.db.dialect, 'timeZone', input.timeZone, now)
    if (input.notifyHour !== undefined) await writeSetting(trx, ctx.db.dialect, 'notifyHour', String(input.notifyHour), now)
    if (input.birthdayDaysAhead !== undefined) await writeSetting(trx, ctx.db.dialect, 'birthdayDaysAhead', JSON.stringify(input.birthdayDaysAhead), now)
  })
  await evaluateReminders(ctx, { full: true }) // birthday leads and the time zone change which reminders apply
  const { evalVersion: _v, evalDay: _d, ...s } = await loadSettings(ctx.db.knex)
  return s
}

/**
 * Today's date (YYYY-MM-DD) on the app's wall clock (the reminders' time zone setting), for
 * other modules that count days (the churn check, the requirement matrix's delays).
 */
export async function appToday(app: { db: { knex: Knex }; clock: { now(): Date } }): Promise<string> {
  const settings = await loadSettings(app.db.knex)
  const l = toLocal(app.clock.now(), { tz: settings.timeZone })
  return `${String(l.y).padStart(4, '0')}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`
}
