// 公海预警: a reminder to the owner K days before a pool rule returns a customer to the 公海.
// The pool rules (modules/pool) say which customers are due soon; this keeps exactly one open
// warning per customer, owner and return date (a name-based id, like every system reminder),
// withdraws the warnings that no longer apply (followed up, ordered, reassigned, rule changed)
// and revives a withdrawn one whose occasion came back.
import type { Knex } from 'knex'
import type { AppContext } from '../context'
import { nextVersion } from '../../db/tx'
import { fireAtOf, keyId, loadSettings } from './reminders.model'
import { findRemindersByIds, insertReminders, updateReminder, type Row } from './reminders.repository'
import { openRemindersOfSource, patchReminders } from './pool-warnings.repository'
import { fromLocal, toLocal } from './tz'

export interface PoolWarning {
  customerId: string
  customerName: string
  ownerId: string
  /** when the rule returns the customer (ISO) */
  returnAt: string
  rule: 'no_follow_up' | 'no_order'
  /** how many days ahead the warning is given */
  warnDays: number
}

const DAY = 86_400_000
const clip = (s: string, n = 200) => (s.length > n ? s.slice(0, n - 1) + '…' : s)

export const poolWarningKey = (w: PoolWarning) => `pool_warning:${w.customerId}:${w.ownerId}:${w.returnAt.slice(0, 10)}`

/**
 * The warning's title columns: no stored sentence, the key `pool_warning` and its values (the
 * customer and the day it returns to the 公海), rendered in the reader's language
 * (reminders.systemTitles.pool_warning).
 */
export const poolWarningTitle = (w: PoolWarning) => ({
  title: '',
  title_key: 'pool_warning',
  title_params: JSON.stringify({ customer: clip(w.customerName), date: w.returnAt.slice(0, 10) }),
})

/** Makes the wanted warnings exist and withdraws the other open ones; one version for the lot. */
export async function syncPoolWarnings(db: Knex, app: Pick<AppContext, 'db' | 'clock'>, wanted: PoolWarning[]): Promise<{ created: number; withdrawn: number }> {
  const settings = await loadSettings(db)
  const now = app.clock.now()
  const nowIso = now.toISOString()
  let version: number | null = null
  const v = async () => (version ??= await nextVersion(db as Knex.Transaction))
  const byId = new Map<string, PoolWarning>()
  for (const w of wanted) byId.set(keyId(poolWarningKey(w)), w)

  const stale = (await openRemindersOfSource(db, 'pool_warning')).filter((id) => !byId.has(id))
  if (stale.length) await patchReminders(db, stale, { deleted_at: nowIso, retracted_at: nowIso, updated_at: nowIso, version: await v() })

  const ids = [...byId.keys()]
  const existing = new Map<string, Row>()
  for (let i = 0; i < ids.length; i += 500) for (const r of await findRemindersByIds(db, ids.slice(i, i + 500))) existing.set(String(r.id), r)
  const inserts: Row[] = []
  let created = 0
  for (const [id, w] of byId) {
    // due on the warning day at the notify hour, or now when that has passed
    const day = toLocal(new Date(Date.parse(w.returnAt) - w.warnDays * DAY), { tz: settings.timeZone })
    const at = fromLocal({ tz: settings.timeZone }, { y: day.y, m: day.m, d: day.d, h: settings.notifyHour, mi: 0 })
    const dueAt = (at.getTime() < now.getTime() ? now : at).toISOString()
    const e = existing.get(id)
    if (!e) {
      inserts.push({
        id, created_at: nowIso, updated_at: nowIso, version: await v(), deleted_at: null, owner_id: w.ownerId, ...poolWarningTitle(w), notes: null,
        customer_id: w.customerId, contact_id: null, opportunity_id: null, due_at: dueAt, repeat_rule: 'none', repeat_interval: null,
        notify_ahead_minutes: 0, snoozed_until: null, done_at: null, notified_at: null, source: 'pool_warning', source_key: poolWarningKey(w),
        time_zone: settings.timeZone, repeat_anchor: null, series_id: null, fire_at: dueAt, source_id: w.customerId, basis_at: null,
        basis_date: w.returnAt.slice(0, 10), cycle_days: null, retracted_at: null,
      })
      created++
    } else if (e.retracted_at) {
      await updateReminder(db, id, {
        ...poolWarningTitle(w), deleted_at: null, retracted_at: null, done_at: null, due_at: dueAt, fire_at: fireAtOf(dueAt, 0, null), snoozed_until: null, notified_at: null,
        updated_at: nowIso, version: await v(),
      })
      created++
    }
  }
  await insertReminders(db, app.db.dialect, inserts)
  return { created, withdrawn: stale.length }
}
