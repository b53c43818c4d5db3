// 定时报告: a 统计报表 saved with its filters under a name (reports.schedule; the owner needs
// reports.export too, the files are exports), generated with the OWNER's permissions and scope
// (a 客户经理's saved report counts only his customers) through the same export as the manual
// one (reports.export.ts: the report's data, the filters and the period on the sheet).
// Schedules: weekly (a weekday) or monthly (a day; past a month's end its last day), at 06:00 in
// the company's time zone; a scheduled run covers the previous whole week (Monday–Sunday) or
// month before the scheduled day (the 工作台's periods, dashboard.period.ts); a scheduler that was
// off catches up each missed period (at most MAX_CATCH_UP). A period runs once: the scheduler claims it
// with a conditional UPDATE before generating. A run that fails (folder missing or not writable,
// the owner gone or without the right) is recorded with a translation key and the next goes on.
import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import type { AppContext, ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import { ReportExportInput } from '../../contract/reports'
import type { ReportFormat, RunStatus, SavedReport, SavedReportFilters, SavedReportInput, SavedReportRun, Schedule } from '../../contract/reports-saved'
import { PERIOD_PATTERN } from '../../contract/reports-saved'
import { AppError, fieldError, notFound, ruleError } from '../../shared/errors'
import { toIso, toNum } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { applyScope, can, inScope, requirePerm } from '../auth/permissions'
import { loadActor } from '../auth/auth.service'
import { diff, recordAudit } from '../audit/audit.service'
import { periodDays, todayIn, weekdayOf, type Days } from '../dashboard/dashboard.period'
import { appZone } from '../reminders/system-reminders.service'
import { addDays, daysInMonth, formatDate, fromLocal, offsetMinutes, parseDate, type LocalDate, type Zone } from '../reminders/tz'
import { logError } from '../../shared/log'
import { reportsExport } from './reports.export'
import { workbookHtml } from './reports.saved.html'
import * as repo from './reports.saved.repository'

type SaveIn = z.output<typeof SavedReportInput>

/** scheduled reports run at this local hour of their day */
export const RUN_HOUR = 6
/** at most this many due reports per scheduler pass (the rest the next pass) */
const PASS_LIMIT = 20

const str = (v: unknown) => (v == null ? null : String(v))
const json = <T>(v: unknown, fallback: T): T => {
  if (v == null || v === '') return fallback
  try {
    return JSON.parse(String(v)) as T
  } catch {
    return fallback
  }
}
const conflict = () => new AppError('conflict', 'the saved report was changed meanwhile; reload and try again', { key: 'errors.conflict' })

// ---- schedule ---------------------------------------------------------------------------------

/** The first scheduled instant strictly after `after`: the chosen weekday / day of the month at 06:00 local. */
export function nextRunAfter(s: { schedule: Schedule; weekday?: number | null; monthDay?: number | null }, zone: Zone, after: Date): Date | null {
  if (s.schedule === 'none') return null
  const today = todayIn(after, zone)
  // yesterday too: 06:00 local may still be ahead of `after` across a date line
  for (let i = -1; i <= 62; i++) {
    const day = addDays(today, i)
    const hit = s.schedule === 'weekly' ? weekdayOf(day) + 1 === s.weekday : day.d === Math.min(s.monthDay ?? 1, daysInMonth(day.y, day.m))
    if (!hit) continue
    const at = fromLocal(zone, { ...day, h: RUN_HOUR, mi: 0 })
    if (at.getTime() > after.getTime()) return at
  }
  return null
}

/** The previous whole week (Monday–Sunday) or month of the local day of `at`. */
export function previousPeriod(schedule: Schedule, zone: Zone, at: Date): Days {
  return periodDays(schedule === 'weekly' ? 'week' : 'month', todayIn(at, zone)).previous
}

const lastDayOf = (d: Days) => formatDate(addDays(d.end, -1))

/** 2026-11 (a month), 2026-W47 (an ISO week), 2026 (a year), 2026-11-15 (a day), 2026-11-01..2026-11-15; null when not a period. */
export function parsePeriod(text: string): { first: string; last: string } | null {
  const m = PERIOD_PATTERN.exec(text.trim())
  if (!m) return null
  const valid = (s: string) => {
    const l = parseDate(s)
    return l.m >= 1 && l.m <= 12 && l.d >= 1 && l.d <= daysInMonth(l.y, l.m) && formatDate(l) === s
  }
  if (m[4]) {
    const last = m[5] ?? m[4]
    if (!valid(m[4]) || !valid(last) || last < m[4]) return null
    const days = (Date.parse(last) - Date.parse(m[4])) / 86_400_000
    return days < 1096 ? { first: m[4], last } : null
  }
  const y = Number(m[1])
  if (m[2]) {
    const month = Number(m[2])
    if (month < 1 || month > 12) return null
    const first: LocalDate = { y, m: month, d: 1 }
    return { first: formatDate(first), last: formatDate({ y, m: month, d: daysInMonth(y, month) }) }
  }
  if (m[3]) {
    const w = Number(m[3])
    // ISO week 1 holds 4 January; a week belongs to the year of its Thursday
    const jan4: LocalDate = { y, m: 1, d: 4 }
    const monday = addDays(addDays(jan4, -weekdayOf(jan4)), (w - 1) * 7)
    if (w < 1 || addDays(monday, 3).y !== y) return null
    return { first: formatDate(monday), last: formatDate(addDays(monday, 6)) }
  }
  return { first: `${m[1]}-01-01`, last: `${m[1]}-12-31` }
}

// ---- mapping ----------------------------------------------------------------------------------------

function toSaved(r: repo.Row): SavedReport {
  return {
    id: String(r.id).toLowerCase(),
    name: String(r.name),
    report: String(r.report) as SavedReport['report'],
    filters: json<SavedReportFilters>(r.filters, {}),
    ownerId: String(r.owner_id).toLowerCase(),
    ownerName: str(r.owner_name),
    schedule: String(r.schedule) as Schedule,
    weekday: toNum(r.weekday) ?? null,
    monthDay: toNum(r.month_day) ?? null,
    folder: str(r.folder),
    formats: String(r.formats).split(',').filter(Boolean) as ReportFormat[],
    lang: String(r.lang) as SavedReport['lang'],
    nextRunAt: toIso(r.next_run_at),
    lastRunAt: toIso(r.last_run_at),
    lastStatus: (str(r.last_status) as RunStatus | null) ?? null,
    lastErrorKey: str(r.last_error_key),
    lastErrorParams: json<Record<string, unknown> | null>(r.last_error_params, null),
    lastFiles: json<string[]>(r.last_files, []),
    updatedAt: toIso(r.updated_at)!,
    version: Number(r.version),
  }
}

function toRun(r: repo.Row): SavedReportRun {
  return {
    id: String(r.id).toLowerCase(),
    savedReportId: String(r.saved_report_id).toLowerCase(),
    trigger: String(r.trigger) as SavedReportRun['trigger'],
    periodFirst: String(r.period_first),
    periodLast: String(r.period_last),
    status: String(r.status) as RunStatus,
    errorKey: str(r.error_key),
    errorParams: json<Record<string, unknown> | null>(r.error_params, null),
    files: json<string[]>(r.files, []),
    startedAt: toIso(r.created_at)!,
    finishedAt: toIso(r.finished_at),
  }
}

const scopeFn = (ctx: ServiceContext, scope: DataScope): repo.ScopeFn => (q, col) => void applyScope(q, ctx.db.knex, ctx.actor, scope, col)
const visible = (ctx: ServiceContext, scope: DataScope, r: repo.Row) => inScope(ctx.actor, scope, str(r.owner_id)?.toLowerCase() ?? null, str(r.owner_team_id)?.toLowerCase() ?? null)

async function loadVisible(ctx: ServiceContext, scope: DataScope, id: string): Promise<repo.Row> {
  const r = await repo.findSaved(ctx.db.knex, id)
  if (!r || !visible(ctx, scope, r)) throw notFound('saved report', id)
  return r
}

// ---- CRUD ---------------------------------------------------------------------------------------------

export async function savedList(ctx: ServiceContext): Promise<SavedReport[]> {
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  return (await repo.listSaved(ctx.db.knex, scopeFn(ctx, scope))).map(toSaved)
}

/** The report input a run gives the export (defaults applied): also how a save checks its filters. */
function exportInput(report: string, filters: SavedReportFilters, period: { first: string; last: string }, zone: Zone, lang: string, at: Date) {
  return ReportExportInput.parse({
    report, ...filters, period: 'custom', from: period.first, to: period.last, lang,
    ...('tz' in zone ? { timeZone: zone.tz } : { utcOffsetMinutes: zone.offsetMinutes }),
    utcOffsetMinutes: offsetMinutes(at, zone),
  })
}

export async function savedSave(ctx: ServiceContext, input: SaveIn): Promise<SavedReport> {
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  requirePerm(ctx.actor, 'reports', 'export')
  if (!path.isAbsolute(input.folder)) throw fieldError('folder', 'folder_not_absolute', 'the folder must be a full path')
  const k = ctx.db.knex
  const zone = await appZone(k)
  const now = ctx.clock.now()
  const filters = Object.fromEntries(Object.entries(input.filters).filter(([, v]) => v !== undefined)) as SavedReportFilters
  const check = ReportExportInput.safeParse({ report: input.report, ...filters, period: 'month' })
  if (!check.success) throw fieldError('filters', 'invalid', check.error.issues.map((i) => i.message).join('; '))
  const weekday = input.schedule === 'weekly' ? input.weekday! : null
  const monthDay = input.schedule === 'monthly' ? input.monthDay! : null
  const next = nextRunAfter({ schedule: input.schedule, weekday, monthDay }, zone, now)
  const fields = {
    name: input.name, report: input.report, filters: JSON.stringify(filters), schedule: input.schedule, weekday, month_day: monthDay,
    folder: input.folder, formats: input.formats.join(','), lang: input.lang,
  }
  const view = (r: repo.Row) => ({ name: r.name, report: r.report, filters: r.filters, schedule: r.schedule, weekday: toNum(r.weekday) ?? null, monthDay: toNum(r.month_day) ?? null, folder: r.folder, formats: r.formats, lang: r.lang })
  const id = await k.transaction(async (trx) => {
    const at = now.toISOString()
    if (input.id) {
      const before = await repo.findSaved(trx, input.id)
      if (!before || !visible(ctx, scope, before)) throw notFound('saved report', input.id)
      if (await repo.sameName(trx, String(before.owner_id), input.name, input.id)) throw fieldError('name', 'duplicate', 'a saved report of this name exists already')
      if (Number(before.version) !== input.version) throw conflict()
      const timing = before.schedule !== fields.schedule || toNum(before.weekday) !== weekday || toNum(before.month_day) !== monthDay
      const patch = { ...fields, updated_at: at, version: await nextVersion(trx), ...(timing ? { next_run_at: next?.toISOString() ?? null } : {}) }
      if (!(await repo.updateSaved(trx, input.id, patch, input.version!))) throw conflict()
      await recordAudit(trx, ctx, { entity: 'saved_report', entityId: input.id, action: 'update', changes: diff(view(before), view({ ...fields, month_day: monthDay })) })
      return input.id
    }
    if (await repo.sameName(trx, ctx.actor.userId, input.name)) throw fieldError('name', 'duplicate', 'a saved report of this name exists already')
    const newIdValue = newId()
    await repo.insertSaved(trx, { id: newIdValue, ...fields, owner_id: ctx.actor.userId, next_run_at: next?.toISOString() ?? null, created_at: at, updated_at: at, version: await nextVersion(trx) })
    await recordAudit(trx, ctx, { entity: 'saved_report', entityId: newIdValue, action: 'create', changes: diff(null, view({ ...fields, month_day: monthDay })) })
    return newIdValue
  })
  return toSaved((await repo.findSaved(k, id))!)
}

export async function savedRemove(ctx: ServiceContext, input: { id: string; version: number }) {
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  await ctx.db.knex.transaction(async (trx) => {
    const before = await repo.findSaved(trx, input.id)
    if (!before || !visible(ctx, scope, before)) throw notFound('saved report', input.id)
    const at = ctx.clock.now().toISOString()
    if (!(await repo.updateSaved(trx, input.id, { deleted_at: at, updated_at: at, next_run_at: null, version: await nextVersion(trx) }, input.version))) throw conflict()
    await recordAudit(trx, ctx, { entity: 'saved_report', entityId: input.id, action: 'delete', changes: { name: [before.name, null], report: [before.report, null], schedule: [before.schedule, null] } })
  })
  return { ok: true as const }
}

export async function savedRuns(ctx: ServiceContext, input: { id: string; limit: number }): Promise<SavedReportRun[]> {
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  await loadVisible(ctx, scope, input.id)
  return (await repo.runsOf(ctx.db.knex, input.id, input.limit)).map(toRun)
}

/**
 * The folder picker: allowed to whoever may schedule reports; the desktop shell opens the dialog
 * after this answers (window/desktop-effects.ts). A desktop client in client mode generates
 * nothing (the central database's server does, on its own machine): its folders are not the
 * ones the files go to, so it is refused there.
 */
export async function savedChooseFolder(ctx: ServiceContext): Promise<{ supported: boolean; path: string | null }> {
  requirePerm(ctx.actor, 'reports', 'schedule')
  if (ctx.syncClient) throw ruleError('savedReports.errors.folderElsewhere', 'a desktop client does not generate scheduled reports: type a folder of the server')
  return { supported: false, path: null }
}

/** 立即生成: the period given, else the previous whole week (weekly) or month; the files into the report's folder. */
export async function savedRun(ctx: ServiceContext, input: { id: string; period?: string }): Promise<SavedReportRun> {
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  const r = await loadVisible(ctx, scope, input.id)
  const period = await periodFor(ctx, r, input.period)
  return generate(ctx, r, period, 'manual', ctx.actor.userId)
}

async function periodFor(app: AppContext, r: repo.Row, text: string | undefined) {
  if (text) {
    const p = parsePeriod(text)
    if (!p) throw fieldError('period', 'bad_report_period', `not a period: ${text}`)
    return p
  }
  const d = previousPeriod(String(r.schedule) as Schedule, await appZone(app.db.knex), app.clock.now())
  return { first: formatDate(d.first), last: lastDayOf(d) }
}

/**
 * `crm report <name>`: the saved report of that name the user may see (reports.schedule and
 * reports.export), the user's own first; generated for the period given (default: the previous
 * whole week or month) into `out` (a file, its extension .xlsx or .pdf ignored: the workbook).
 */
export async function savedByName(ctx: ServiceContext, name: string): Promise<SavedReport> {
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  const rows = await repo.savedByName(ctx.db.knex, name, scopeFn(ctx, scope))
  const own = rows.filter((r) => String(r.owner_id).toLowerCase() === ctx.actor.userId)
  const pick = own.length ? own : rows
  if (!pick.length) throw notFound('saved report', name)
  if (pick.length > 1) throw new AppError('validation', `several saved reports are called ${name}: ${pick.map((r) => r.owner_name).join(', ')}; pass --as their owner`, { issues: [{ field: 'name', code: 'ambiguous', message: 'ambiguous name' }] })
  return toSaved(pick[0])
}

/** The workbook of a saved report for a period (the CLI writes it where it is told). */
export async function savedWorkbook(ctx: ServiceContext, id: string, periodText?: string) {
  requirePerm(ctx.actor, 'reports', 'export')
  const scope = requirePerm(ctx.actor, 'reports', 'schedule')
  const r = await loadVisible(ctx, scope, id)
  const period = await periodFor(ctx, r, periodText)
  const owner = await loadActor(ctx, String(r.owner_id).toLowerCase())
  if (!owner) throw new AppError('rule', 'the owner of the saved report is disabled or removed', { key: 'savedReports.errors.ownerUnavailable' })
  const zone = await appZone(ctx.db.knex)
  const file = await reportsExport({ ...ctx, actor: owner }, exportInput(String(r.report), json(r.filters, {}), period, zone, String(r.lang), ctx.clock.now()))
  return { period, bytes: Buffer.from(file.contentBase64, 'base64'), rows: file.rows }
}

/** The CLI's run on the run list (not the report's last scheduled result). */
export async function recordCliRun(ctx: ServiceContext, id: string, period: { first: string; last: string }, files: string[]) {
  const at = ctx.clock.now().toISOString()
  await repo.insertRun(ctx.db.knex, {
    id: newId(), saved_report_id: id, trigger: 'cli', user_id: ctx.actor.userId, period_first: period.first, period_last: period.last,
    status: 'ok', error_key: null, error_params: null, files: JSON.stringify(files), created_at: at, finished_at: at,
  })
}

// ---- generation ----------------------------------------------------------------------------------------

class RunFailure extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(key)
  }
}

const safeFileName = (s: string) => s.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'report'

async function checkFolder(folder: string | null) {
  if (!folder) throw new RunFailure('savedReports.errors.folderMissing', { folder: '' })
  let st: fs.Stats
  try {
    st = await fs.promises.stat(folder)
  } catch {
    throw new RunFailure('savedReports.errors.folderMissing', { folder })
  }
  if (!st.isDirectory()) throw new RunFailure('savedReports.errors.folderMissing', { folder })
  try {
    await fs.promises.access(folder, fs.constants.W_OK)
  } catch {
    throw new RunFailure('savedReports.errors.folderNotWritable', { folder })
  }
}

async function writeOut(file: string, bytes: Buffer) {
  try {
    await fs.promises.writeFile(file, bytes)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new RunFailure('savedReports.errors.folderNotWritable', { folder: path.dirname(file) })
    if (code === 'ENOENT') throw new RunFailure('savedReports.errors.folderMissing', { folder: path.dirname(file) })
    throw new RunFailure('savedReports.errors.writeFailed', { file, reason: code ?? String(e) })
  }
}

/**
 * Generates one saved report for a period as its owner and records the run (on the run list and
 * on the report). Never throws for a run that fails: the failure is the run's answer.
 */
async function generate(app: AppContext, r: repo.Row, period: { first: string; last: string }, trigger: 'schedule' | 'manual', userId: string | null): Promise<SavedReportRun> {
  const k = app.db.knex
  const startedAt = app.clock.now()
  const files: string[] = []
  let status: RunStatus = 'ok'
  let errorKey: string | null = null
  let errorParams: Record<string, unknown> | null = null
  try {
    const owner = await loadActor(app, String(r.owner_id).toLowerCase())
    if (!owner) throw new RunFailure('savedReports.errors.ownerUnavailable')
    if (!can(owner, 'reports', 'view') || !can(owner, 'reports', 'export')) throw new RunFailure('savedReports.errors.ownerForbidden', { owner: owner.name })
    const folder = str(r.folder)
    await checkFolder(folder)
    const zone = await appZone(k)
    const file = await reportsExport({ ...app, actor: owner }, exportInput(String(r.report), json(r.filters, {}), period, zone, String(r.lang), startedAt))
    const bytes = Buffer.from(file.contentBase64, 'base64')
    const base = path.join(folder!, `${safeFileName(String(r.name))}_${period.first}_${period.last}`)
    await writeOut(`${base}.xlsx`, bytes)
    files.push(`${base}.xlsx`)
    if (String(r.formats).split(',').includes('pdf')) {
      if (!app.reportPdf) {
        status = 'partial'
        errorKey = 'savedReports.errors.pdfDesktopOnly'
      } else {
        let pdf: Buffer
        try {
          pdf = await app.reportPdf(await workbookHtml(bytes, String(r.name)))
        } catch (e) {
          throw new RunFailure('savedReports.errors.pdfFailed', { reason: (e as Error).message })
        }
        await writeOut(`${base}.pdf`, pdf)
        files.push(`${base}.pdf`)
      }
    }
  } catch (e) {
    status = 'failed'
    if (e instanceof RunFailure) {
      errorKey = e.key
      errorParams = e.params
    } else if (e instanceof AppError && e.code === 'forbidden') {
      errorKey = 'savedReports.errors.ownerForbidden'
    } else {
      logError(`saved report ${String(r.id)} failed`, e)
      errorKey = 'savedReports.errors.failed'
      errorParams = { reason: e instanceof Error ? e.message : String(e) }
    }
  }
  const finishedAt = app.clock.now().toISOString()
  const run = {
    id: newId(), saved_report_id: r.id, trigger, user_id: userId, period_first: period.first, period_last: period.last, status,
    error_key: errorKey, error_params: errorParams ? JSON.stringify(errorParams) : null, files: JSON.stringify(files), created_at: startedAt.toISOString(), finished_at: finishedAt,
  }
  await repo.insertRun(k, run)
  await repo.recordLastRun(k, String(r.id), { last_run_at: startedAt.toISOString(), last_status: status, last_error_key: errorKey, last_error_params: run.error_params, last_files: run.files })
  return toRun(run)
}

// ---- the scheduler's pass -----------------------------------------------------------------------------------

/** Yields to the event loop (IPC, HTTP) between reports. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))

/** a scheduler that was off catches up at most this many missed periods per report (the latest ones) */
export const MAX_CATCH_UP = 12

/**
 * The scheduled instants of a report that have passed by `now`, from its stored next run on, and
 * the one after the last of them (its next run). Only the latest MAX_CATCH_UP are kept: a
 * scheduler off for longer skips the older periods (立即生成 or `crm report --period` makes them).
 */
export function missedRuns(s: { schedule: Schedule; weekday?: number | null; monthDay?: number | null }, zone: Zone, first: Date, now: Date): { due: Date[]; next: Date | null } {
  const due: Date[] = []
  let at: Date | null = first
  // bounded walk: weekly over ten years at most
  for (let i = 0; at && at.getTime() <= now.getTime() && i < 520; i++) {
    due.push(at)
    at = nextRunAfter(s, zone, at)
  }
  return { due: due.slice(-MAX_CATCH_UP), next: at }
}

/**
 * Runs every scheduled report that is due. Each scheduled instant covers the period before its
 * own day (a weekly run the week before, a monthly one the month before), so a scheduler that was
 * off (the app closed for weeks) catches up every missed period, oldest first — up to
 * MAX_CATCH_UP per report — and makes the same files a punctual one would have. Each period is
 * claimed first (so no other process or later pass runs it again) and moves the report's next
 * run on by one; it is generated as the report's owner. One report's failure is recorded on it
 * and the pass goes on. Answers the runs made.
 */
export async function runDueReports(app: AppContext): Promise<SavedReportRun[]> {
  const k = app.db.knex
  const now = app.clock.now()
  const zone = await appZone(k)
  const out: SavedReportRun[] = []
  for (const r of await repo.dueSaved(k, now.toISOString(), PASS_LIMIT)) {
    const schedule = String(r.schedule) as Schedule
    const when = { schedule, weekday: toNum(r.weekday), monthDay: toNum(r.month_day) }
    const stored = toIso(r.next_run_at)
    if (!stored) continue
    const { due, next } = missedRuns(when, zone, new Date(stored), now)
    let seen: unknown = r.next_run_at
    for (const [i, at] of due.entries()) {
      const d = previousPeriod(schedule, zone, at)
      const period = { first: formatDate(d.first), last: lastDayOf(d) }
      const following = i + 1 < due.length ? due[i + 1]! : next
      const key = `${schedule}:${period.first}`
      const to = following?.toISOString() ?? null
      const claimed = await repo.claimRun(k, String(r.id), seen, key, to)
      // not claimed: another process runs it (stop here), or this period already ran (move past it)
      if (!claimed && !(await repo.skipRanPeriod(k, String(r.id), seen, key, to))) break
      seen = to
      if (!claimed) continue
      out.push(await generate(app, r, period, 'schedule', null))
      await breathe()
    }
  }
  return out
}
