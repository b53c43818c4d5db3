// Row ↔ contract mapping of reminders, the fire time, deterministic ids of system
// reminders, and the module's settings (app_settings keys "reminders.*").
import { createHash } from 'node:crypto'
import type { Knex } from 'knex'
import type { Reminder, ReminderSettings, ReminderSource, RepeatRule, TitleParams } from '../../contract/reminders'
import { toIso, toNum } from '../../db/dialect'
import { isTimeZone, systemTimeZone } from './tz'
import { readSettings, type Row } from './reminders.repository'

const MINUTE = 60_000

/**
 * A name-based (v5-style) UUID: the same occasion gives the same id on every writer, so
 * two evaluations (or two offline clients) can never insert the same reminder twice.
 */
export function keyId(key: string): string {
  const h = createHash('sha1').update('crm-reminder:' + key).digest()
  h[6] = (h[6] & 0x0f) | 0x50
  h[8] = (h[8] & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

/** When to notify: at the snooze time when snoozed, else the due time minus notify-ahead. */
export function fireAtOf(dueAt: string, notifyAheadMinutes: number, snoozedUntil: string | null): string {
  if (snoozedUntil) return snoozedUntil
  return new Date(Date.parse(dueAt) - notifyAheadMinutes * MINUTE).toISOString()
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

/** The stored title values (JSON); a damaged value gives none (the UI then shows the key's text without them). */
function titleParamsOf(v: unknown): TitleParams | null {
  if (v === null || v === undefined || v === '') return null
  try {
    const parsed: unknown = JSON.parse(String(v))
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof e[1])),
    )
  } catch {
    return null
  }
}

export function toReminder(r: Row, now: Date): Reminder {
  const dueAt = toIso(r.due_at)!
  const snoozedUntil = toIso(r.snoozed_until)
  const effectiveAt = snoozedUntil ?? dueAt
  const doneAt = toIso(r.done_at)
  const ahead = Number(r.notify_ahead_minutes ?? 0)
  return {
    id: String(r.id),
    title: String(r.title ?? ''),
    titleKey: str(r.title_key),
    titleParams: r.title_key ? titleParamsOf(r.title_params) : null,
    notes: str(r.notes),
    customerId: str(r.customer_id),
    customerName: str(r.customer_name),
    contactId: str(r.contact_id),
    contactName: str(r.contact_name),
    opportunityId: str(r.opportunity_id),
    dueAt,
    snoozedUntil,
    effectiveAt,
    fireAt: toIso(r.fire_at) ?? fireAtOf(dueAt, ahead, snoozedUntil),
    timeZone: str(r.time_zone),
    repeat: (r.repeat_rule ?? 'none') as RepeatRule,
    repeatInterval: toNum(r.repeat_interval),
    notifyAheadMinutes: ahead,
    doneAt,
    notifiedAt: toIso(r.notified_at),
    source: (r.source ?? 'manual') as ReminderSource,
    sourceId: str(r.source_id),
    seriesId: str(r.series_id),
    ownerId: str(r.owner_id),
    ownerName: str(r.owner_name),
    overdue: !doneAt && Date.parse(effectiveAt) < now.getTime(),
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    version: Number(r.version),
  }
}

// ---- settings -------------------------------------------------------------------------

export const DEFAULT_BIRTHDAY_DAYS_AHEAD = [7, 1]
export const DEFAULT_NOTIFY_HOUR = 9

export interface LoadedSettings extends ReminderSettings {
  /** the sync version the last whole-database evaluation saw (null: never ran) */
  evalVersion: number | null
  /** the app's local date (YYYY-MM-DD) of that evaluation */
  evalDay: string | null
}

export async function loadSettings(db: Knex): Promise<LoadedSettings> {
  const s = await readSettings(db)
  const tz = s.timeZone && isTimeZone(s.timeZone) ? s.timeZone : systemTimeZone()
  const hour = Number(s.notifyHour)
  let days = DEFAULT_BIRTHDAY_DAYS_AHEAD
  if (s.birthdayDaysAhead != null) {
    try {
      const parsed = JSON.parse(s.birthdayDaysAhead)
      if (Array.isArray(parsed)) days = parsed.map(Number).filter((n) => Number.isInteger(n) && n >= 0 && n <= 60)
    } catch {
      // a damaged value keeps the default
    }
  }
  return {
    timeZone: tz,
    notifyHour: s.notifyHour != null && Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : DEFAULT_NOTIFY_HOUR,
    birthdayDaysAhead: [...new Set(days)].sort((a, b) => b - a),
    evalVersion: s.evalVersion != null && Number.isFinite(Number(s.evalVersion)) ? Number(s.evalVersion) : null,
    evalDay: s.evalDay && /^\d{4}-\d{2}-\d{2}$/.test(s.evalDay) ? s.evalDay : null,
  }
}
