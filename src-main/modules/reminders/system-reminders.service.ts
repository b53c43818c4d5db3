// Reminders the system makes by itself, each exactly once per occasion (a name-based id from
// its source key), updated when the facts change, closed (done) when the fact was met and
// retracted when it no longer applies:
//   follow_up            next follow-up date of an interaction           → customer owner
//   contact_policy       联系策略: not contacted within cycle_days since    → customer owner (跟进提醒)
//                        last_contact_at (or created_at); due basis + cycle
//   purchase_policy      购买策略: no order within cycle_days since         → customer owner (业务下滑提醒)
//                        last_order_date; due that day at notifyHour
//   purchase_escalation  the same at twice the cycle                      → the owner's team supervisor(s)
//   birthday             contact birthdays N days ahead (7 and 1 by default; 农历 converted)
//   promise              promises not kept by their due date (notifyHour)   → customer owner
//   service_ticket       urgent assignment, SLA passed, twice the SLA, reopened (ticket-reminders.ts)
//   payment_due          回款: a sale's payment plan past its due date and  → order owner
//                        not fully paid (the day after, at notifyHour)
// Policy reminders are made once their due time falls within the app's today, so they show
// under "today" and fire on time. The evaluation is set-based. A full run checks everything
// (at start; self-healing); an incremental run (hourly, after writes) checks only the facts
// written since the last run's sync version and the thresholds crossed since its day, so a
// no-change run over 100,000 customers reads a few index ranges and writes nothing.
// A whole-database run commits in chunks (about CHUNK_WORK reminders each, every chunk stamped
// with its own sync version), so the sync_version row lock (and SQLite's only connection) is
// held for one chunk at a time and a user's write never waits for the whole run; on SQLite a
// chunk is a step after which the transaction commits only when work waits, or past SQLITE_TX_MS
// or SQLITE_TX_ROWS (its COMMIT, on the event loop, writes every page it changed).
// Whatever a chunk read stale is settled by the next run (every step is idempotent).
import type { Knex } from 'knex'
import type { AppContext } from '../context'
import type { Dialect } from '../../db/config'
import type { EvaluateResult, ReminderSource } from '../../contract/reminders'
import { oneAtATimePerHandle } from '../../shared/one-at-a-time'
import { analyzeTableInSteps, analyzeTables, rowsWrittenSoFar, toBool, toIso, withFileMapped } from '../../db/dialect'
import { nextVersion, workIsWaiting, yieldToWaitingWork } from '../../db/tx'
import { logError } from '../../shared/log'
import { birthdayPatterns, birthdayPatternsOf, nextBirthday, type BirthdayCalendar } from './birthdays'
import { fireAtOf, keyId, loadSettings, type LoadedSettings } from './reminders.model'
import {
  findRemindersByIds, insertReminders, lastContactsOf, nextFollowUpsOf, customersContactFacts, reopenDone, updateCustomerContactFacts,
  updateReminder, writeSetting, type Row,
} from './reminders.repository'
import {
  anyChanged, birthdayCandidates, changedIds, contactPoliciesCandidates, contactPolicyCandidates, escalationsCandidates, purchasePoliciesCandidates, contactPolicyMismatches, currentVersion, customerIdAfter, escalationCandidates,
  followUpCandidates, followUpMismatches, openBirthdays, openEscalations, passedBirthdays, policyItems, promiseCandidates, promiseIdsOf,
  promiseMismatches, purchasePolicyCandidates, purchasePolicyMismatches, supervisorRows, updateRemindersByIds, paymentDueCandidates, paymentDueMismatches, type IdRange, type Ids,
} from './system-reminders.repository'
import { addDays, compareDates, daysBetween, formatDate, fromLocal, parseDate, toLocal, type LocalDate, type Zone } from './tz'
import { serviceTicketReminders, type TicketReminderOps, type TicketSelection, type TicketTitleKey } from './ticket-reminders'
import { atWorkHour, contactDueAt, loadClocks, type WorkClock } from './work-hours'

const DAY = 86_400_000
const FACT_TABLES = ['customers', 'contacts', 'interactions', 'interaction_promises'] as const
type FactTable = (typeof FACT_TABLES)[number]
/** Ids of the rows written since the last run; 'all' without a previous run or past CHANGED_CAP */
type Changed = string[] | 'all'
/** More rows written since the last run than this (an import): that source is checked in full. */
const CHANGED_CAP = 5000
const CHUNK = 500
/** Work (reminders looked at or written) per transaction of a whole-database run. */
export const CHUNK_WORK = 500
/**
 * Wall time per transaction of a whole-database run: past it the chunk commits and lets waiting
 * work in. On SQLite every statement runs on the event loop (better-sqlite3 is synchronous) and
 * on the one connection, so this bounds how long a user's request, or any timer, waits for the
 * evaluation. Elsewhere the statements wait on the network and other connections serve users:
 * a chunk bounds only how long a user's write waits for the sync_version row lock (and each
 * commit costs a WAL flush).
 */
const CHUNK_MS: Record<Dialect, number> = { sqlite: 30, postgres: 150, mssql: 150 }
/**
 * On SQLite a chunk (CHUNK_WORK / CHUNK_MS) is only a step: after it timers and I/O get their turn,
 * and the transaction commits only when work waits for the connection (a user's request) or it
 * has run this long. Every commit writes the pages the transaction changed — the reminders'
 * indexes, sync_version — to the WAL again: at a commit every 30 ms the first evaluation at
 * 1,000,000 customers wrote 30 GB through 12 million write() calls (issue 8). The bound stays well
 * under the 5 s another process (the `crm` command line) waits for the file's write lock.
 */
const SQLITE_TX_MS = 1000
/**
 * On SQLite the transaction of a whole-database run also commits once it has written this many
 * rows (`total_changes()`: reminders, customers, settings), whatever SQLITE_TX_MS says. Its COMMIT writes every page the transaction changed to the WAL, on the event loop:
 * about two or three pages a row written at random places of the reminders' indexes, ~13 µs of CPU
 * a page. A second's work wrote 1,000–4,000 rows, 6,000–10,000 pages, and its COMMIT held the loop
 * 70–260 ms at 100,000 customers; at 1,000 rows a COMMIT writes ~2,500 pages (BENCHMARKS.md, branch jobs).
 */
export const SQLITE_TX_ROWS = 1000
/**
 * The steps of a whole-database run: customers per slice it reads at a time (so statements and
 * memory stay small at any size), and reminders per statement it looks up or inserts. On SQLite
 * each statement blocks the event loop, so each stays under about 10 ms of CPU (100 reminders: a
 * 500-row insert took 30 ms), and a slice of 1,000 customers keeps what runs between two awaits
 * (reading the slice's candidates and turning them into reminders, 2,000 took ~65 ms, more than a
 * whole chunk) near 30 ms; elsewhere larger inserts save round trips, and the slices stay at 2,000
 * customers so the rows the app turns into reminders between two awaits stay few.
 */
const STEPS: Record<Dialect, { range: number; slice: number }> = {
  sqlite: { range: 1000, slice: 100 },
  postgres: { range: 2000, slice: 500 },
  mssql: { range: 2000, slice: 500 },
}
export const rangeSize = (dialect: Dialect) => STEPS[dialect].range
/** Reminders created by a run after which their table's planner statistics are refreshed (then at each doubling). */
const ANALYZE_AFTER = 10_000
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

export interface EvalStats {
  created: number
  updated: number
  closed: number
  retracted: number
  revived: number
}

export interface EvalRun {
  /** the transaction of the current chunk (a whole-database run moves on to a new one) */
  db: Knex
  dialect: Dialect
  now: Date
  nowIso: string
  settings: LoadedSettings
  zone: Zone
  /** each owner's working hour and time zone: reminders with a date only fall due then */
  clockOf: (userId: string | null | undefined) => WorkClock
  today: LocalDate
  todayStr: string
  /** the end of the app's today: policy reminders due before it exist */
  todayEnd: Date
  customerIds: string[] | null
  /** null: check everything; else only facts written after `since` and thresholds crossed after `lastToday` */
  delta: { since: number; lastToday: LocalDate; lastTodayEnd: Date } | null
  /** the rows of each fact table written since the last run */
  changed: Record<FactTable, Changed>
  /** the app's day moved on since the last run (true without a delta) */
  dayMoved: boolean
  /** the sync version when this run started: the next incremental run starts from it */
  upTo: number
  stats: EvalStats
  /** customers whose follow-ups changed: their next_contact_at is refreshed at the end */
  touched: Set<string>
  /** the sync version of the current chunk's writes, taken at its first write */
  version(): Promise<number>
  /** reports `n` units of work done; a whole-database run commits and starts a new chunk past CHUNK_WORK or CHUNK_MS */
  progress(n: number): Promise<void>
  /** where the slices of the customers' id space start (the first at null), found as a whole-database run reaches them */
  ranges: { starts: Array<string | null>; complete: boolean }
}

/** What one occasion's reminder should look like. */
export interface WantedReminder {
  key: string
  source: ReminderSource
  sourceId: string | null
  ownerId: string
  title: SystemTitle
  customerId: string | null
  contactId: string | null
  /** the opportunity a 开发计划 / 销售机会 reminder is about */
  opportunityId?: string | null
  dueAt: string
  /** notify this long before dueAt (default 0: at the due time) */
  notifyAheadMinutes?: number
  basisAt?: unknown
  basisDate?: string | null
  cycleDays?: number | null
}

const clip = (s: string, n = 200) => (s.length > n ? s.slice(0, n - 1) + '…' : s)

/**
 * A system reminder's title: a key and the values it is made of, stored as such (title_key,
 * title_params) and rendered in the reader's language by the UI (reminders.systemTitles.<key>),
 * never one stored sentence.
 */
export interface SystemTitle {
  key: 'follow_up' | 'contact_policy' | 'purchase_policy' | 'purchase_escalation' | 'birthday' | 'promise' | 'plan_step' | 'opportunity' | 'payment_due' | TicketTitleKey
  params: Record<string, string | number | boolean>
}

export const titles = {
  followUp: (customer: string, subject: string): SystemTitle => ({ key: 'follow_up', params: { customer: clip(customer), subject: clip(subject) } }),
  contactPolicy: (customer: string): SystemTitle => ({ key: 'contact_policy', params: { customer: clip(customer) } }),
  purchasePolicy: (customer: string): SystemTitle => ({ key: 'purchase_policy', params: { customer: clip(customer) } }),
  escalation: (customer: string, owner: string): SystemTitle => ({ key: 'purchase_escalation', params: { customer: clip(customer), owner: clip(owner) } }),
  birthday: (contact: string, customer: string, date: LocalDate, lunar: boolean, lead: number): SystemTitle => ({
    key: 'birthday', params: { contact: clip(contact), customer: clip(customer), month: date.m, day: date.d, lunar, lead },
  }),
  promise: (content: string): SystemTitle => ({ key: 'promise', params: { content: clip(content) } }),
  planStep: (customer: string, action: string): SystemTitle => ({ key: 'plan_step', params: { customer: clip(customer), action: clip(action) } }),
  opportunityAssigned: (code: string, customer: string): SystemTitle => ({ key: 'opportunity', params: { code: clip(code), customer: clip(customer) } }),
  /** 回款逾期: the amount stays in cents (the UI formats it as money in the reader's language). */
  paymentDue: (orderCode: string, customer: string, dueDate: string, unpaidCents: number): SystemTitle => ({
    key: 'payment_due', params: { code: clip(orderCode), customer: clip(customer), dueDate, unpaidCents },
  }),
}

/** The title columns of a system reminder: no stored sentence, the key and its values. */
export const titleColumns = (t: SystemTitle): Row => ({ title: '', title_key: t.key, title_params: JSON.stringify(t.params) })

/** Beginnings of the Chinese titles stored before titles had keys (recognised to give them one). */
const LEGACY_TITLE: Record<string, string> = {
  follow_up: '跟进：', contact_policy: '跟进提醒：', purchase_policy: '业务下滑提醒：', purchase_escalation: '业务下滑提醒：', birthday: '生日提醒：',
  promise: '承诺到期：', plan_step: '开发计划：', opportunity: '新指派的销售机会：', payment_due: '回款逾期：',
}

/** Whether the system keeps this reminder's title: keyed, or an old stored one; never a title someone wrote. */
const titledBySystem = (e: Row) => !!e.title_key || (LEGACY_TITLE[String(e.source)] !== undefined && String(e.title ?? '').startsWith(LEGACY_TITLE[String(e.source)]))

// ---- the run ------------------------------------------------------------------------------

export async function newRun(db: Knex, app: Pick<AppContext, 'db' | 'clock'>, customerIds: string[] | null, full = false): Promise<EvalRun> {
  const settings = await loadSettings(db)
  const zone: Zone = { tz: settings.timeZone }
  const now = app.clock.now()
  const l = toLocal(now, zone)
  const today = { y: l.y, m: l.m, d: l.d }
  const todayStr = formatDate(today)
  const upTo = await currentVersion(db)
  let delta: EvalRun['delta'] = null
  // incremental only after a whole-database run, and never when the clock went back a day
  if (!full && !customerIds && settings.evalVersion !== null && settings.evalDay && settings.evalDay <= todayStr) {
    const lastToday = parseDate(settings.evalDay)
    delta = { since: settings.evalVersion, lastToday, lastTodayEnd: fromLocal(zone, addDays(lastToday, 1)) }
  }
  const changed = {} as Record<FactTable, Changed>
  for (const table of FACT_TABLES) {
    const ids = delta ? await changedIds(db, table, delta.since, CHANGED_CAP) : []
    changed[table] = !delta || ids.length > CHANGED_CAP ? 'all' : ids
  }
  let version: number | null = null
  return {
    db, dialect: app.db.dialect, now, nowIso: now.toISOString(), settings, zone, clockOf: await loadClocks(db, settings), today, todayStr,
    todayEnd: fromLocal(zone, addDays(today, 1)), customerIds, delta, upTo, changed,
    dayMoved: !delta || formatDate(delta.lastToday) !== todayStr,
    stats: { created: 0, updated: 0, closed: 0, retracted: 0, revived: 0 },
    touched: new Set(),
    // taken only when something is written: a no-change evaluation leaves the sync version alone
    version: async () => (version ??= await nextVersion(db as Knex.Transaction)),
    progress: async () => {},
    ranges: { starts: [null], complete: false },
  }
}

/** A date at its owner's working hour, on the owner's wall clock. */
export const atNotifyHour = (ev: EvalRun, ownerId: unknown, date: LocalDate) => atWorkHour(ev.clockOf(ownerId == null ? null : String(ownerId)), date)

/** A raw timestamp as the database returned it, kept as-is so equality with its source column holds. */
const rawTimestamp = (v: unknown) => (v instanceof Date ? v.toISOString() : v)

function newRow(ev: EvalRun, id: string, w: WantedReminder, version: number): Row {
  return {
    id, created_at: ev.nowIso, updated_at: ev.nowIso, version, deleted_at: null, owner_id: w.ownerId, ...titleColumns(w.title), notes: null,
    customer_id: w.customerId, contact_id: w.contactId, opportunity_id: w.opportunityId ?? null, due_at: w.dueAt, repeat_rule: 'none', repeat_interval: null,
    notify_ahead_minutes: w.notifyAheadMinutes ?? 0, snoozed_until: null, done_at: null, notified_at: null, source: w.source, source_key: w.key,
    time_zone: ev.clockOf(w.ownerId).tz, repeat_anchor: null, series_id: null, fire_at: fireAtOf(w.dueAt, w.notifyAheadMinutes ?? 0, null), source_id: w.sourceId,
    basis_at: w.basisAt === undefined ? null : rawTimestamp(w.basisAt), basis_date: w.basisDate ?? null, cycle_days: w.cycleDays ?? null,
    retracted_at: null,
  }
}

/** Fields that move the notification: a new fire time in the future is notified again. */
function timePatch(ev: EvalRun, e: Row, dueAt: string): Row {
  const fire = fireAtOf(dueAt, Number(e.notify_ahead_minutes ?? 0), null)
  const patch: Row = { due_at: dueAt, snoozed_until: null, fire_at: fire }
  if (Date.parse(fire) > ev.now.getTime()) patch.notified_at = null
  return patch
}

/** Makes sure each wanted occasion has its reminder: insert, revive a retracted one, or update an open one. */
export async function ensureReminders(ev: EvalRun, wanted: WantedReminder[]): Promise<void> {
  if (!wanted.length) return
  // one occasion once (the last wins); its id (a hash of the key) computed per slice, so the
  // hashing of a large batch is spread between the awaits rather than done all at once
  const byKey = new Map<string, WantedReminder>()
  for (const w of wanted) byKey.set(w.key, w)
  const all = [...byKey.values()]
  const size = STEPS[ev.dialect].slice
  // one slice per chunk: its reminders are read and written in the same transaction
  for (let i = 0; i < all.length; i += size) {
    const slice = all.slice(i, i + size).map((w): [string, WantedReminder] => [keyId(w.key), w])
    await ensureSlice(ev, slice)
    await ev.progress(slice.length)
  }
}

async function ensureSlice(ev: EvalRun, slice: Array<[string, WantedReminder]>): Promise<void> {
  const existing = new Map<string, Row>()
  for (const r of await findRemindersByIds(ev.db, slice.map(([id]) => id))) existing.set(String(r.id), r)
  const inserts: Row[] = []
  for (const [id, w] of slice) {
    const e = existing.get(id)
    if (w.source === 'follow_up' && w.customerId) ev.touched.add(w.customerId)
    if (!e) {
      inserts.push(newRow(ev, id, w, await ev.version()))
      continue
    }
    const facts: Row = {
      owner_id: w.ownerId, ...(titledBySystem(e) ? titleColumns(w.title) : {}), customer_id: w.customerId, contact_id: w.contactId,
      basis_date: w.basisDate ?? null, cycle_days: w.cycleDays ?? null,
    }
    if (w.basisAt !== undefined) facts.basis_at = rawTimestamp(w.basisAt)
    if (w.opportunityId !== undefined) facts.opportunity_id = w.opportunityId
    if (e.retracted_at) {
      await updateReminder(ev.db, id, {
        ...facts, ...timePatch(ev, e, w.dueAt), deleted_at: null, retracted_at: null, done_at: null, updated_at: ev.nowIso, version: await ev.version(),
      })
      ev.stats.revived++
      continue
    }
    if (e.deleted_at || e.done_at) continue // the user dealt with this occasion: never again
    const patch: Row = {}
    for (const [k, v] of Object.entries(facts)) {
      const cur = k === 'basis_at' ? toIso(e[k]) : k === 'cycle_days' ? (e[k] == null ? null : Number(e[k])) : str(e[k])
      const want = k === 'basis_at' ? toIso(v) : v
      if (cur !== want) patch[k] = v
    }
    if (toIso(e.due_at) !== w.dueAt) Object.assign(patch, timePatch(ev, e, w.dueAt))
    if (Object.keys(patch).length) {
      await updateReminder(ev.db, id, { ...patch, updated_at: ev.nowIso, version: await ev.version() })
      ev.stats.updated++
    }
  }
  if (!inserts.length) return
  // read again now that this chunk holds the sync_version lock: a writer that inserted one of
  // these occasions since (another run's chunk, a user's write) has committed by now. Not on
  // SQLite: its one connection is this transaction's from its first read, and the transaction
  // reads the snapshot of that read to its end, so the second read found what the first did
  const appeared = ev.dialect === 'sqlite' ? new Set<string>() : new Set((await findRemindersByIds(ev.db, inserts.map((r) => String(r.id)))).map((r) => String(r.id)))
  const fresh = appeared.size ? inserts.filter((r) => !appeared.has(String(r.id))) : inserts
  await insertReminders(ev.db, ev.dialect, fresh)
  ev.stats.created += fresh.length
}

export async function close(ev: EvalRun, rows: Row[], how: 'done' | 'retract') {
  if (!rows.length) return
  const patch: Row = how === 'done' ? { done_at: ev.nowIso } : { deleted_at: ev.nowIso, retracted_at: ev.nowIso }
  const ids = rows.map((r) => String(r.id))
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000)
    // the version of the chunk this batch is written in
    await updateRemindersByIds(ev.db, batch, { ...patch, updated_at: ev.nowIso, version: await ev.version() })
    if (how === 'done') ev.stats.closed += batch.length
    else ev.stats.retracted += batch.length
    await ev.progress(batch.length)
  }
}

async function reschedule(ev: EvalRun, r: Row, dueAt: string, extra: Row = {}) {
  const e = (await findRemindersByIds(ev.db, [String(r.id)]))[0]
  if (!e) return
  await updateReminder(ev.db, String(r.id), { ...timePatch(ev, e, dueAt), ...extra, updated_at: ev.nowIso, version: await ev.version() })
  ev.stats.updated++
}

/**
 * The slices of the customers' id space, rangeSize() customers each, in id order; the starts are
 * found (an index walk each) as the run reaches them and kept for the run's next source.
 */
export async function* customerRanges(ev: EvalRun): AsyncGenerator<IdRange> {
  const r = ev.ranges
  for (let i = 0; ; i++) {
    if (i === r.starts.length - 1 && !r.complete) {
      const next = await customerIdAfter(ev.db, r.starts[i]!, rangeSize(ev.dialect))
      if (next && next !== r.starts[i]) r.starts.push(next)
      else r.complete = true
    }
    const hi = r.starts[i + 1] ?? null
    yield { lo: r.starts[i]!, hi }
    if (hi === null) return
  }
}

/**
 * The rows a source must look at, in batches: everything in a full run (`all` per slice of the
 * customers, or for the customers of a one-customer evaluation); else the rows of the facts
 * written since the last run (queried per chunk of their ids) and, when the day moved on, the
 * thresholds crossed since (per slice of the customers). A row is handed out once. After each
 * batch the run may commit and let waiting work in, so a run over a million customers never
 * holds the database (or, on SQLite, the event loop) for long, nor all its rows in memory.
 */
export async function* affected(
  ev: EvalRun,
  full: boolean,
  all: (customers: Ids) => Promise<Row[]>,
  byIds: Array<[Changed, (chunk: string[]) => Promise<Row[]>]>,
  crossed?: (customers: Ids) => Promise<Row[]>,
): AsyncGenerator<Row[]> {
  const perSlice = async function* (query: (customers: Ids) => Promise<Row[]>) {
    if (ev.customerIds) {
      yield await query(ev.customerIds)
      return
    }
    for await (const range of customerRanges(ev)) {
      yield await query(range)
      await ev.progress(0)
    }
  }
  if (full || !ev.delta || byIds.some(([list]) => list === 'all')) {
    yield* perSlice(all)
    return
  }
  const seen = new Set<string>()
  const unseen = (rows: Row[]) => rows.filter((r) => !seen.has(String(r.id)) && !!seen.add(String(r.id)))
  if (crossed && ev.dayMoved) for await (const rows of perSlice(crossed)) yield unseen(rows)
  for (const [list, query] of byIds) {
    const ids = list as string[]
    for (let i = 0; i < ids.length; i += CHUNK) yield unseen(await query(ids.slice(i, i + CHUNK)))
  }
}

/** Concatenated results of a lookup run per chunk of ids. */
async function chunked(list: string[], query: (chunk: string[]) => Promise<string[]>): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < list.length; i += CHUNK) out.push(...(await query(list.slice(i, i + CHUNK))))
  return out
}

/** Whether a source must be checked in full: no previous run, or its dictionary / staff changed since. */
const fullFor = async (ev: EvalRun, ...tables: Array<[string, string?]>) => {
  if (!ev.delta) return true
  for (const [table, type] of tables) if (await anyChanged(ev.db, table, ev.delta.since, type)) return true
  return false
}

// ---- 联系策略 -----------------------------------------------------------------------------------

export const contactKey = (customerId: string, ownerId: string, basis: unknown) => `contact_policy:${customerId}:${ownerId}:${toIso(basis)}`

/**
 * Whether a source's candidates are read for every customer (per slice of a whole-database run,
 * or the customers of a one-customer evaluation) rather than for the rows written since the last
 * run: then one statement covers every policy (see affected(): the same choice).
 */
const readsAll = (ev: EvalRun, full: boolean, ...changed: Changed[]) => full || !ev.delta || !!ev.customerIds || changed.some((c) => c === 'all')

/** A policy looked up by the id a candidate row names (ids compared as lower-case text: SQL Server reads them upper-case). */
const byPolicy = <T extends { id: string }>(policies: T[]) => {
  const map = new Map(policies.map((p) => [p.id.toLowerCase(), p]))
  return (id: unknown) => map.get(String(id).toLowerCase())!
}

async function contactPolicy(ev: EvalRun) {
  const full = await fullFor(ev, ['dict_items', 'contact_policy'])
  for await (const open of affected(ev, full, (c) => contactPolicyMismatches(ev.db, c), [[ev.changed.customers, (ids) => contactPolicyMismatches(ev.db, ids)]])) {
    await contactPolicyMismatched(ev, open)
  }

  const policies = (await policyItems(ev.db, 'contact_policy')).map((p) => {
    const cycle = Number(p.cycle_days)
    return {
      id: String(p.id), cycle,
      threshold: new Date(ev.todayEnd.getTime() - cycle * DAY).toISOString(),
      crossedFrom: ev.delta ? new Date(ev.delta.lastTodayEnd.getTime() - cycle * DAY).toISOString() : '',
    }
  })
  const policyOf = byPolicy(policies)
  const wanted = (rows: Row[], cycleOf: (c: Row) => number) =>
    rows.map((c) => {
      const basis = c.last_contact_at ?? c.created_at
      const cycle = cycleOf(c)
      return {
        key: contactKey(String(c.id), String(c.owner_id), basis), source: 'contact_policy' as const, sourceId: String(c.id),
        ownerId: String(c.owner_id), title: titles.contactPolicy(String(c.name)), customerId: String(c.id), contactId: null,
        dueAt: contactDueAt(ev.clockOf(String(c.owner_id)), toIso(basis)!, cycle), basisAt: basis, cycleDays: cycle,
      }
    })
  if (readsAll(ev, full, ev.changed.customers)) {
    // every customer: one statement per slice over all the policies
    for await (const rows of affected(ev, true, (c) => contactPoliciesCandidates(ev.db, policies, c), [])) {
      await ensureReminders(ev, wanted(rows, (c) => policyOf(c.contact_policy_id).cycle))
    }
    return
  }
  for (const p of policies) {
    const query = (ids: Ids, after?: string) => contactPolicyCandidates(ev.db, p.id, p.threshold, ids, { after })
    for await (const rows of affected(ev, full, (c) => query(c), [[ev.changed.customers, (ids) => query(ids)]], (c) => query(c, p.crossedFrom))) {
      await ensureReminders(ev, wanted(rows, () => p.cycle))
    }
  }
}

async function contactPolicyMismatched(ev: EvalRun, open: Row[]) {
  const done: Row[] = []
  const retract: Row[] = []
  for (const r of open) {
    await ev.progress(1)
    if (!r.c_id || r.c_deleted_at || !r.c_owner_id || r.c_owner_id !== r.owner_id || r.p_cycle_days == null || r.p_deleted_at) {
      retract.push(r)
      continue
    }
    const basis = r.c_last_contact_at ?? r.c_created_at
    const was = toIso(r.basis_at)
    const is = toIso(basis)!
    if (was !== is) {
      // contacted since (a newer last contact): the occasion is met; otherwise it is another occasion
      ;(was && is > was ? done : retract).push(r)
      continue
    }
    const cycle = Number(r.p_cycle_days)
    // made once basis + cycle falls within the app's today (as the candidates query), due at the owner's working hour that date
    const due = contactDueAt(ev.clockOf(String(r.owner_id)), is, cycle)
    if (Date.parse(is) + cycle * DAY >= ev.todayEnd.getTime()) retract.push(r)
    else if (toIso(r.due_at) !== due || Number(r.cycle_days) !== cycle) {
      await reschedule(ev, r, due, { cycle_days: cycle, basis_at: rawTimestamp(basis) })
    } else {
      // the same instant written in another format: store it as the column has it
      await updateReminder(ev.db, String(r.id), { basis_at: rawTimestamp(basis), updated_at: ev.nowIso, version: await ev.version() })
    }
  }
  await close(ev, done, 'done')
  await close(ev, retract, 'retract')
}

// ---- 购买策略 and its escalation ----------------------------------------------------------------------

const orderDue = (lastOrder: string, days: number) => addDays(parseDate(lastOrder), days)

async function purchasePolicy(ev: EvalRun) {
  const full = await fullFor(ev, ['dict_items', 'purchase_policy'])
  for await (const open of affected(ev, full, (c) => purchasePolicyMismatches(ev.db, c), [[ev.changed.customers, (ids) => purchasePolicyMismatches(ev.db, ids)]])) {
    await purchasePolicyMismatched(ev, open)
  }

  const policies = (await policyItems(ev.db, 'purchase_policy')).map((p) => {
    const cycle = Number(p.cycle_days)
    return {
      id: String(p.id), cycle, lastOrderBy: formatDate(addDays(ev.today, -cycle)),
      crossedAfter: ev.delta ? formatDate(addDays(ev.delta.lastToday, -cycle)) : '',
    }
  })
  const policyOf = byPolicy(policies)
  const wanted = (rows: Row[], cycleOf: (c: Row) => number) =>
    rows.map((c) => {
      const cycle = cycleOf(c)
      return {
        key: `purchase_policy:${c.id}:${c.owner_id}:${c.last_order_date}`, source: 'purchase_policy' as const, sourceId: String(c.id),
        ownerId: String(c.owner_id), title: titles.purchasePolicy(String(c.name)), customerId: String(c.id), contactId: null,
        dueAt: atNotifyHour(ev, c.owner_id, orderDue(String(c.last_order_date), cycle)), basisDate: String(c.last_order_date), cycleDays: cycle,
      }
    })
  if (readsAll(ev, full, ev.changed.customers)) {
    // every customer: one statement per slice over all the policies
    for await (const rows of affected(ev, true, (c) => purchasePoliciesCandidates(ev.db, policies, c), [])) {
      await ensureReminders(ev, wanted(rows, (c) => policyOf(c.purchase_policy_id).cycle))
    }
  } else {
    for (const p of policies) {
      const query = (ids: Ids, after?: string) => purchasePolicyCandidates(ev.db, p.id, p.lastOrderBy, ids, { after })
      for await (const rows of affected(ev, full, (c) => query(c), [[ev.changed.customers, (ids) => query(ids)]], (c) => query(c, p.crossedAfter))) {
        await ensureReminders(ev, wanted(rows, () => p.cycle))
      }
    }
  }
  await escalations(ev, policies, full || (await fullFor(ev, ['users'], ['teams'])))
}

async function purchasePolicyMismatched(ev: EvalRun, open: Row[]) {
  const done: Row[] = []
  const retract: Row[] = []
  for (const r of open) {
    await ev.progress(1)
    if (!r.c_id || r.c_deleted_at || !r.c_owner_id || r.c_owner_id !== r.owner_id || r.p_cycle_days == null || r.p_deleted_at || !r.c_last_order_date) {
      retract.push(r)
      continue
    }
    const was = str(r.basis_date)
    const is = String(r.c_last_order_date)
    if (was !== is) {
      ;(was && is > was ? done : retract).push(r) // ordered since: met
      continue
    }
    const cycle = Number(r.p_cycle_days)
    const dueDate = orderDue(is, cycle)
    if (compareDates(dueDate, ev.today) > 0) retract.push(r)
    else await reschedule(ev, r, atNotifyHour(ev, r.owner_id, dueDate), { cycle_days: cycle })
  }
  await close(ev, done, 'done')
  await close(ev, retract, 'retract')
}

async function supervisorsByTeam(db: Knex): Promise<Map<string, Set<string>>> {
  const map = new Map<string, Set<string>>()
  for (const r of await supervisorRows(db)) {
    if (toBool(r.disabled)) continue
    if (!map.has(r.team_id)) map.set(r.team_id, new Set())
    map.get(r.team_id)!.add(r.user_id)
  }
  return map
}

async function escalations(ev: EvalRun, policies: Array<{ id: string; cycle: number }>, full: boolean) {
  const sups = await supervisorsByTeam(ev.db)
  for await (const open of affected(ev, full, (c) => openEscalations(ev.db, c), [[ev.changed.customers, (ids) => openEscalations(ev.db, ids)]])) {
    await escalationsMismatched(ev, open, sups)
  }

  const wanted = (rows: Row[], supOf: (c: Row) => string, cycleOf: (c: Row) => number) =>
    rows.map((c) => {
      const supId = supOf(c)
      return {
        key: `purchase_escalation:${c.id}:${supId}:${c.last_order_date}`, source: 'purchase_escalation' as const, sourceId: String(c.id),
        ownerId: supId, title: titles.escalation(String(c.name), String(c.owner_name ?? '')), customerId: String(c.id), contactId: null,
        dueAt: atNotifyHour(ev, supId, orderDue(String(c.last_order_date), 2 * cycleOf(c))), basisDate: String(c.last_order_date), cycleDays: cycleOf(c),
      }
    })
  if (readsAll(ev, full, ev.changed.customers)) {
    // every customer: one statement per slice over all the teams, supervisors and policies
    const twice = policies.map((p) => ({ id: p.id, cycle: p.cycle, lastOrderBy: formatDate(addDays(ev.today, -2 * p.cycle)) }))
    const policyOf = byPolicy(twice)
    const teams = [...sups].map(([teamId, ids]) => ({ teamId, supIds: [...ids] }))
    for await (const rows of affected(ev, true, (c) => escalationsCandidates(ev.db, teams, twice, c), [])) {
      await ensureReminders(ev, wanted(rows, (c) => String(c.sup_id), (c) => policyOf(c.purchase_policy_id).cycle))
    }
    return
  }
  for (const [teamId, supIds] of sups) {
    for (const supId of supIds) {
      for (const p of policies) {
        const crossedAfter = ev.delta ? formatDate(addDays(ev.delta.lastToday, -2 * p.cycle)) : ''
        const lastOrderBy = formatDate(addDays(ev.today, -2 * p.cycle))
        const query = (ids: Ids, after?: string) => escalationCandidates(ev.db, teamId, supId, p.id, lastOrderBy, ids, { after })
        for await (const rows of affected(ev, full, (c) => query(c), [[ev.changed.customers, (ids) => query(ids)]], (c) => query(c, crossedAfter))) {
          await ensureReminders(ev, wanted(rows, () => supId, () => p.cycle))
        }
      }
    }
  }
}

async function escalationsMismatched(ev: EvalRun, open: Row[], sups: Map<string, Set<string>>) {
  const done: Row[] = []
  const retract: Row[] = []
  for (const r of open) {
    await ev.progress(1)
    const teamSups = r.owner_team_id ? sups.get(String(r.owner_team_id)) : undefined
    if (!r.c_id || r.c_deleted_at || !r.c_owner_id || r.p_cycle_days == null || r.p_deleted_at || !r.c_last_order_date
      || !teamSups?.has(String(r.owner_id)) || r.owner_id === r.c_owner_id) {
      retract.push(r)
      continue
    }
    const was = str(r.basis_date)
    const is = String(r.c_last_order_date)
    if (was !== is) {
      ;(was && is > was ? done : retract).push(r)
      continue
    }
    const cycle = Number(r.p_cycle_days)
    if (cycle === Number(r.cycle_days)) continue
    const dueDate = orderDue(is, 2 * cycle)
    if (compareDates(dueDate, ev.today) > 0) retract.push(r)
    else await reschedule(ev, r, atNotifyHour(ev, r.owner_id, dueDate), { cycle_days: cycle })
  }
  await close(ev, done, 'done')
  await close(ev, retract, 'retract')
}

// ---- birthdays -------------------------------------------------------------------------------------

const birthdayOf = (r: Row) => ({
  date: String(r.birthday),
  calendar: (r.birthday_calendar === 'lunar' ? 'lunar' : 'solar') as BirthdayCalendar,
  leapMonth: toBool(r.birthday_leap_month),
})

async function birthdays(ev: EvalRun) {
  const leads = ev.settings.birthdayDaysAhead // descending
  const retract: Row[] = []
  // passed birthdays: withdrawn (checked when the day moved on)
  if (ev.dayMoved) retract.push(...(await passedBirthdays(ev.db, ev.todayStr, ev.customerIds)))
  const seen = new Set(retract.map((r) => String(r.id)))
  await close(ev, retract, 'retract')
  for await (const open of affected(ev, false, (c) => openBirthdays(ev.db, c), [
    [ev.changed.contacts, (ids) => openBirthdays(ev.db, null, { sourceIds: ids })],
    [ev.changed.customers, (ids) => openBirthdays(ev.db, ids)],
  ])) {
    const invalid: Row[] = []
    for (const r of open) {
      await ev.progress(1)
      if (seen.has(String(r.id))) continue
      const lead = Number(String(r.source_key ?? '').split(':').pop())
      const b = r.basis_date ? parseDate(String(r.basis_date)) : null
      const valid =
        b && r.ct_id && !r.ct_deleted_at && r.birthday && r.c_id && !r.c_deleted_at && r.c_owner_id === r.owner_id && leads.includes(lead)
        && compareDates(b, ev.today) >= 0 && compareDates(nextBirthday(birthdayOf(r), b) ?? ev.today, b) === 0
      if (!valid) invalid.push(r) // birthday changed or passed, contact gone, lead no longer configured
    }
    await close(ev, invalid, 'retract')
  }
  if (!leads.length) return

  const maxLead = leads[0]
  const window = birthdayPatterns(ev.today, maxLead)
  const passed = ev.delta ? daysBetween(ev.delta.lastToday, ev.today) : 0
  // the birthdays a lead was reached for since the last run's day (the window after a long gap)
  const reached: LocalDate[] = []
  for (let i = 1; i <= passed; i++) for (const l of leads) reached.push(addDays(ev.delta!.lastToday, i + l))
  const batches = affected(
    ev,
    passed > maxLead + 1,
    (c) => birthdayCandidates(ev.db, window, c),
    [
      [ev.changed.contacts, (ids) => birthdayCandidates(ev.db, window, null, { sourceIds: ids })],
      [ev.changed.customers, (ids) => birthdayCandidates(ev.db, window, ids)],
    ],
    (c) => birthdayCandidates(ev.db, birthdayPatternsOf(reached), c),
  )
  for await (const rows of batches) {
    const wanted: WantedReminder[] = []
    for (const c of rows) {
      const b = birthdayOf(c)
      const next = nextBirthday(b, ev.today)
      if (!next) continue
      const until = daysBetween(ev.today, next)
      if (until > maxLead) continue
      // the nearest lead that has been reached (7 days ahead, then 1 day ahead, …)
      const lead = [...leads].reverse().find((l) => l >= until)
      if (lead === undefined) continue
      wanted.push({
        key: `birthday:${c.id}:${c.owner_id}:${formatDate(next)}:${lead}`, source: 'birthday', sourceId: String(c.id), ownerId: String(c.owner_id),
        title: titles.birthday(String(c.name), String(c.customer_name), next, b.calendar === 'lunar', lead), customerId: String(c.customer_id),
        contactId: String(c.id), dueAt: atNotifyHour(ev, c.owner_id, addDays(next, -lead)), basisDate: formatDate(next),
      })
    }
    await ensureReminders(ev, wanted)
  }
}

// ---- promises ------------------------------------------------------------------------------------------

async function promises(ev: EvalRun) {
  // promises written since, and the promises of interactions written since (deleted records)
  const edited: Changed =
    ev.changed.interaction_promises === 'all' || ev.changed.interactions === 'all'
      ? 'all'
      : [...new Set([...ev.changed.interaction_promises, ...(await chunked(ev.changed.interactions, (ids) => promiseIdsOf(ev.db, ids)))])]
  for await (const open of affected(ev, false, (c) => promiseMismatches(ev.db, c), [
    [edited, (ids) => promiseMismatches(ev.db, null, { sourceIds: ids })],
    [ev.changed.customers, (ids) => promiseMismatches(ev.db, ids)],
  ])) {
    await promisesMismatched(ev, open)
  }

  const batches = affected(
    ev,
    false,
    (c) => promiseCandidates(ev.db, ev.todayStr, c),
    [
      [edited, (ids) => promiseCandidates(ev.db, ev.todayStr, null, { sourceIds: ids })],
      [ev.changed.customers, (ids) => promiseCandidates(ev.db, ev.todayStr, ids)],
    ],
    (c) => promiseCandidates(ev.db, ev.todayStr, c, { after: formatDate(ev.delta!.lastToday) }),
  )
  for await (const rows of batches) {
    await ensureReminders(
      ev,
      rows
        .filter((p) => p.owner_id || p.created_by)
        .map((p) => ({
          key: `promise:${p.id}`, source: 'promise' as const, sourceId: String(p.id), ownerId: String(p.owner_id ?? p.created_by),
          title: titles.promise(String(p.content)), customerId: String(p.customer_id), contactId: str(p.contact_id),
          dueAt: atNotifyHour(ev, p.owner_id ?? p.created_by, parseDate(String(p.due_date))), basisDate: String(p.due_date),
        })),
    )
  }
}

async function promisesMismatched(ev: EvalRun, open: Row[]) {
  const done: Row[] = []
  const retract: Row[] = []
  for (const r of open) {
    await ev.progress(1)
    if (r.p_id && !r.p_deleted_at && r.p_kept_at) done.push(r)
    else if (!r.p_id || r.p_deleted_at || r.i_deleted_at || r.c_deleted_at || !r.p_due_date) retract.push(r)
    else if (str(r.p_due_date) !== str(r.basis_date)) {
      const due = parseDate(String(r.p_due_date))
      if (compareDates(due, ev.today) > 0) retract.push(r)
      else await reschedule(ev, r, atNotifyHour(ev, r.owner_id, due), { basis_date: String(r.p_due_date) })
    } else if (r.c_owner_id && r.c_owner_id !== r.owner_id) {
      // the new owner's working hour on the same date
      await reschedule(ev, r, atNotifyHour(ev, r.c_owner_id, parseDate(String(r.p_due_date))), { owner_id: r.c_owner_id })
    }
  }
  await close(ev, done, 'done')
  await close(ev, retract, 'retract')
}

// ---- 回款 payment plans -------------------------------------------------------------------------------

export const paymentDueKey = (planId: string, dueDate: string) => `payment_due:${planId}:${dueDate}`

/**
 * A sale's payment plan not fully paid by its due date becomes a reminder for the order's owner
 * the day after, at the notify hour; it is done once payments cover the plan, retracted when
 * the plan moves or goes, or the order is no longer a live sale.
 */
async function paymentsDue(ev: EvalRun) {
  // a whole-database run a slice of the customers at a time (each statement small: one over all of
  // them took seconds of CPU at 1,000,000 customers, holding SQLite's event loop); an hourly run
  // the whole database in two statements (the open plans past due and the open payment reminders:
  // index ranges of a few percent of the rows), with a chance for waiting work between them
  const slices: AsyncIterable<Ids> =
    ev.customerIds || ev.delta ? (async function* () { yield ev.customerIds })() : customerRanges(ev)
  for await (const ids of slices) {
    await ev.progress(0)
    await paymentsDueOf(ev, ids)
  }
}

async function paymentsDueOf(ev: EvalRun, ids: Ids) {
  const done: Row[] = []
  const retract: Row[] = []
  for (const r of await paymentDueMismatches(ev.db, ids)) {
    await ev.progress(1)
    const live = r.pp_id && !r.pp_deleted_at && r.o_id && !r.o_deleted_at && !r.c_deleted_at && SALES.has(String(r.o_status))
    if (live && !r.pp_open_due_date && str(r.pp_due_date) === str(r.basis_date)) done.push(r) // paid
    else if (live && str(r.pp_due_date) === str(r.basis_date) && r.o_owner_id && r.o_owner_id !== r.owner_id) {
      await updateReminder(ev.db, String(r.id), { owner_id: r.o_owner_id, updated_at: ev.nowIso, version: await ev.version() })
      ev.stats.updated++
    } else retract.push(r)
  }
  await close(ev, done, 'done')
  await close(ev, retract, 'retract')
  await ev.progress(0)
  const rows = await paymentDueCandidates(ev.db, ev.todayStr, ids)
  await ensureReminders(
    ev,
    rows.map((p) => ({
      key: paymentDueKey(String(p.id), String(p.due_date)), source: 'payment_due' as const, sourceId: String(p.id), ownerId: String(p.owner_id),
      title: titles.paymentDue(String(p.order_code), String(p.customer_name), String(p.due_date), Number(p.amount_cents) - Number(p.paid_cents)),
      customerId: String(p.customer_id), contactId: null,
      dueAt: atNotifyHour(ev, p.owner_id, addDays(parseDate(String(p.due_date)), 1)), basisDate: String(p.due_date),
    })),
  )
}

const SALES = new Set(['approved', 'shipped', 'completed'])

// ---- follow-ups --------------------------------------------------------------------------------------------

export const followUpKey = (interactionId: string) => `follow_up:${interactionId}`

async function followUps(ev: EvalRun) {
  for await (const open of affected(ev, false, (c) => followUpMismatches(ev.db, c), [
    [ev.changed.interactions, (ids) => followUpMismatches(ev.db, null, { sourceIds: ids })],
    [ev.changed.customers, (ids) => followUpMismatches(ev.db, ids)],
  ])) {
    await followUpsMismatched(ev, open)
  }
  if (ev.customerIds) return // one customer's evaluation: its interactions made their follow-ups already

  const batches = affected(ev, false, (c) => followUpCandidates(ev.db, null, c as IdRange | null), [[ev.changed.interactions, (ids) => followUpCandidates(ev.db, ids)]])
  for await (const rows of batches) {
    await ensureReminders(
      ev,
      rows
        .filter((i) => i.owner_id || i.created_by)
        .map((i) => ({
          key: followUpKey(String(i.id)), source: 'follow_up' as const, sourceId: String(i.id), ownerId: String(i.owner_id ?? i.created_by),
          title: titles.followUp(String(i.customer_name), String(i.subject)), customerId: String(i.customer_id), contactId: str(i.contact_id),
          dueAt: toIso(i.next_follow_up_at)!,
        })),
    )
  }
}

async function followUpsMismatched(ev: EvalRun, open: Row[]) {
  const retract: Row[] = []
  for (const r of open) {
    await ev.progress(1)
    if (r.customer_id) ev.touched.add(String(r.customer_id))
    if (!r.i_id || r.i_deleted_at || !r.i_next || r.c_deleted_at) retract.push(r)
    else {
      const patch: Row = {}
      if (r.c_owner_id && r.c_owner_id !== r.owner_id) patch.owner_id = r.c_owner_id
      if (toIso(r.i_next) !== toIso(r.due_at)) await reschedule(ev, r, toIso(r.i_next)!, patch)
      else if (Object.keys(patch).length) {
        await updateReminder(ev.db, String(r.id), { ...patch, updated_at: ev.nowIso, version: await ev.version() })
        ev.stats.updated++
      }
    }
  }
  await close(ev, retract, 'retract')
}

// ---- customers' 最近联系 / 下次联系 ----------------------------------------------------------------------------

/**
 * Recomputes customers.last_contact_at (latest interaction) and next_contact_at (earliest open
 * follow-up) from the facts; writes (with a new version) only when they changed.
 */
export async function refreshCustomerContact(db: Knex, customerIds: Iterable<string>, version: () => Promise<number>) {
  const ids = [...new Set(customerIds)]
  // three reads per 500 customers (the same facts as one customer at a time), a write per changed one
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500)
    const facts = await customersContactFacts(db, slice)
    if (!facts.length) continue
    const last = new Map((await lastContactsOf(db, slice)).map((r) => [String(r.customer_id), toIso(r.v)]))
    const next = new Map((await nextFollowUpsOf(db, slice)).map((r) => [String(r.customer_id), toIso(r.at)]))
    for (const cur of facts) {
      const id = String(cur.id)
      const l = last.get(id) ?? null
      const n = next.get(id) ?? null
      if (l === toIso(cur.last_contact_at) && n === toIso(cur.next_contact_at)) continue
      await updateCustomerContactFacts(db, id, { last_contact_at: l, next_contact_at: n, version: await version() })
    }
  }
}

// ---- service tickets ------------------------------------------------------------------------------------------

const ticketOps: TicketReminderOps<EvalRun> = { ensure: ensureReminders, close }

/**
 * Settles the reminders of some service tickets inside the caller's transaction: `{ ids }` after
 * their change, 'allWaiting' after the SLA hours changed.
 */
export async function evaluateTicketReminders(
  trx: Knex.Transaction,
  app: Pick<AppContext, 'db' | 'clock'>,
  which: TicketSelection,
  version: () => Promise<number>,
): Promise<void> {
  const ev = await newRun(trx, app, [])
  ev.version = version
  await serviceTicketReminders(ev, ticketOps, which)
}

// ---- entry points ------------------------------------------------------------------------------------------

/** The kinds of system reminder a customer's evaluation settles, in the order a run takes them. */
const EVAL_KINDS = { followUps, contactPolicy, purchasePolicy, birthdays, promises, paymentsDue }
export type EvalKind = keyof typeof EVAL_KINDS

/**
 * The kinds that read what an interaction or promise write changes (the record, its promises, the
 * customer's 最近联系): the only ones such a write can move. Birthdays, purchase cycles and payments
 * read contacts, orders and payment plans, which those writes leave alone; their writes and the
 * periodic run settle them.
 */
export const INTERACTION_KINDS: readonly EvalKind[] = ['followUps', 'contactPolicy', 'promises']

async function runAll(ev: EvalRun, only?: readonly EvalKind[]) {
  for (const [kind, run] of Object.entries(EVAL_KINDS)) {
    if (!only || !ev.customerIds || only.includes(kind as EvalKind)) await run(ev)
  }
  if (!ev.customerIds) await serviceTicketReminders(ev, ticketOps, ev.delta ? 'crossed' : 'dueSoon')
  const touched = [...ev.touched]
  // a few statements per customer: a few customers per step
  for (let i = 0; i < touched.length; i += 20) {
    await refreshCustomerContact(ev.db, touched.slice(i, i + 20), () => ev.version())
    await ev.progress(Math.min(20, touched.length - i) * 5)
  }
  if (!ev.customerIds) {
    // where the next incremental run starts (written only when it moved: a no-change run writes nothing)
    if (ev.settings.evalVersion !== ev.upTo) await writeSetting(ev.db, ev.dialect, 'evalVersion', String(ev.upTo), ev.nowIso)
    if (ev.settings.evalDay !== ev.todayStr) await writeSetting(ev.db, ev.dialect, 'evalDay', ev.todayStr, ev.nowIso)
  }
}

/** Evaluations of one database handle run one after another (shared/one-at-a-time.ts). */
const serialized = oneAtATimePerHandle()

/**
 * Evaluates the system reminders: `{ full: true }` at start (checks everything), without
 * options hourly and after relevant writes (incremental: what changed since the last run).
 * Idempotent and cheap when nothing changed; safe to call as often as needed.
 */
export async function evaluateReminders(app: Pick<AppContext, 'db' | 'clock'>, opts: { full?: boolean } = {}): Promise<EvaluateResult> {
  const t0 = performance.now()
  // a run on SQLite reads with the whole file memory-mapped (the pages read in place from the OS
  // cache, not by read() calls). No bigger page cache: with the map it saved no CPU (52.6–56.7 s
  // with the default 2 MB against 54.7–60.0 s with 64 MB at 1,000,000 customers), and the 64 MB
  // stayed in the process after the run (malloc keeps what SQLite frees; issue 8 item 5)
  const stats = await serialized(app.db.knex, () => withFileMapped(app.db.knex, app.db.dialect, () => runInChunks(app, !!opts.full)))
  return { ...stats, ms: Math.round((performance.now() - t0) * 10) / 10 }
}

/**
 * A whole-database run as a series of transactions: after about CHUNK_WORK units of work the
 * current one commits and the next begins, with a sync version of its own (taken at its first
 * write). Where the next incremental run starts (evalVersion) is written by the last chunk, so
 * a run that fails half-way is simply done again from the same place.
 */
async function runInChunks(app: Pick<AppContext, 'db' | 'clock'>, full: boolean): Promise<EvalStats> {
  const knex = app.db.knex
  let trx = await knex.transaction()
  try {
    const ev = await newRun(trx, app, null, full)
    let version: number | null = null
    let work = 0
    let started = performance.now()
    // the first run after a bulk load fills `reminders` from nothing: refresh its statistics as it
    // grows, or PostgreSQL plans the next slices' anti-joins against an "empty" table (the server's
    // work). Not on SQLite: there ANALYZE runs on the event loop, and its slice statements read the
    // slice's range whatever the statistics say; its statistics are refreshed once, at the end
    let analyzeAt = app.db.dialect === 'sqlite' ? Infinity : ANALYZE_AFTER
    ev.version = async () => (version ??= await nextVersion(trx))
    let txStarted = started
    // SQLite: the connection's rows written when the transaction began
    let txRows = await rowsWrittenSoFar(trx, app.db.dialect)
    ev.progress = async (n) => {
      work += n
      if (work < CHUNK_WORK && performance.now() - started < CHUNK_MS[app.db.dialect]) return
      if (app.db.dialect === 'sqlite') {
        // a step done: timers and I/O go first (a request now waits for the connection)
        await new Promise((resolve) => setImmediate(resolve))
        if (!workIsWaiting(knex) && performance.now() - txStarted < SQLITE_TX_MS && (await rowsWrittenSoFar(trx, app.db.dialect)) - txRows < SQLITE_TX_ROWS) {
          work = 0
          started = performance.now()
          return
        }
      }
      await trx.commit()
      if (ev.stats.created >= analyzeAt) {
        analyzeAt = ev.stats.created * 2
        await analyzeTables(knex, app.db.dialect, ['reminders'])
      }
      await yieldToWaitingWork(knex, app.db.dialect)
      trx = await knex.transaction()
      ev.db = trx
      version = null
      work = 0
      started = txStarted = performance.now()
      txRows = await rowsWrittenSoFar(trx, app.db.dialect)
    }
    await runAll(ev)
    await trx.commit()
    // for the lists and the next runs: on SQLite one index per statement, with a yield after each
    if (ev.stats.created >= ANALYZE_AFTER) await analyzeTableInSteps(knex, app.db.dialect, 'reminders', () => yieldToWaitingWork(knex, app.db.dialect))
    return ev.stats
  } catch (e) {
    if (!trx.isCompleted()) await trx.rollback()
    throw e
  }
}

/**
 * Re-schedules the policy reminders after a 联系策略 / 购买策略 cycle changed in the dictionary
 * (the dictionary service calls this after its change committed): an incremental evaluation,
 * which checks a policy in full when one of its dictionary items was written since the last run.
 */
export const reschedulePolicies = (app: Pick<AppContext, 'db' | 'clock'>) => evaluateReminders(app)

const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key|23505|Violation of PRIMARY KEY|2627/i

/**
 * Evaluates the system reminders of some customers inside the caller's transaction (after an
 * interaction, promise or reminder write). A concurrent evaluation that inserted the same
 * occasion first is not an error: the savepoint is rolled back and the next run settles it.
 */
export async function evaluateCustomers(
  trx: Knex.Transaction,
  app: Pick<AppContext, 'db' | 'clock'>,
  customerIds: string[],
  version: () => Promise<number>,
  only?: readonly EvalKind[],
): Promise<EvalStats | null> {
  if (!customerIds.length) return null
  try {
    return await trx.transaction(async (sp) => {
      const ev = await newRun(sp, app, customerIds)
      ev.version = version
      await runAll(ev, only)
      return ev.stats
    })
  } catch (e) {
    if (UNIQUE_VIOLATION.test(String((e as Error)?.message ?? e)) || (e as { code?: string })?.code === '23505') {
      logError('reminder evaluation raced with another writer (settled by the next run)', e)
      return null
    }
    throw e
  }
}

export interface FollowUpOf {
  id: string
  customerId: string
  customerName: string
  contactId: string | null
  subject: string
  nextFollowUpAt: string | null
  recipientId: string
}

/** One follow-up reminder per interaction (source key follow_up:<id>), created, moved or retracted. */
export function syncFollowUp(trx: Knex.Transaction, app: Pick<AppContext, 'db' | 'clock'>, version: () => Promise<number>, i: FollowUpOf) {
  return syncFollowUps(trx, app, version, [i])
}

/**
 * syncFollowUp of many records at once (a sync push's batch of offline records): the same
 * reminders, read and written a slice at a time rather than one record at a time.
 */
export async function syncFollowUps(trx: Knex.Transaction, app: Pick<AppContext, 'db' | 'clock'>, version: () => Promise<number>, list: FollowUpOf[]) {
  if (!list.length) return
  const ev = await newRun(trx, app, [...new Set(list.map((i) => i.customerId))])
  ev.version = version
  const existing = new Map<string, Row>()
  const ids = list.map((i) => keyId(followUpKey(i.id)))
  for (let n = 0; n < ids.length; n += 500) for (const r of await findRemindersByIds(trx, ids.slice(n, n + 500))) existing.set(String(r.id), r)
  const retract: Row[] = []
  const wanted: WantedReminder[] = []
  list.forEach((i, n) => {
    const e = existing.get(ids[n])
    if (!i.nextFollowUpAt) {
      if (e && !e.deleted_at && !e.done_at) retract.push(e)
      return
    }
    wanted.push({
      key: followUpKey(i.id), source: 'follow_up', sourceId: i.id, ownerId: i.recipientId, title: titles.followUp(i.customerName, i.subject),
      customerId: i.customerId, contactId: i.contactId, dueAt: toIso(i.nextFollowUpAt)!,
    })
  })
  await close(ev, retract, 'retract')
  for (const i of list) {
    const e = existing.get(keyId(followUpKey(i.id)))
    // a done follow-up given a new date is open again: it is the next follow-up of this record
    if (i.nextFollowUpAt && e && !e.deleted_at && e.done_at && toIso(e.due_at) !== toIso(i.nextFollowUpAt)) {
      await updateReminder(trx, String(e.id), { done_at: null, updated_at: ev.nowIso, version: await version() })
    }
  }
  await ensureReminders(ev, wanted)
}

// ---- for other modules ----------------------------------------------------------------------------------

/** The app's reminder time zone: what "today" means for dates without a time (promises, the card header). */
export async function appZone(db: Knex): Promise<Zone> {
  return { tz: (await loadSettings(db)).timeZone }
}

/** A promise marked not kept after all: its reminder, closed when it was kept, is open again. */
export async function reopenPromiseReminder(trx: Knex, promiseId: string, nowIso: string, version: () => Promise<number>) {
  await reopenDone(trx, keyId(`promise:${promiseId}`), { done_at: null, updated_at: nowIso, version: await version() })
}

/** The app's today (YYYY-MM-DD in the reminder time zone): what "due" and "overdue" mean for date-only facts. */
export async function appToday(app: Pick<AppContext, 'db' | 'clock'>, db: Knex = app.db.knex): Promise<string> {
  const { timeZone } = await loadSettings(db)
  const l = toLocal(app.clock.now(), { tz: timeZone })
  return formatDate({ y: l.y, m: l.m, d: l.d })
}
