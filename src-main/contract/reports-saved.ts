// 定时报告 (module `reports`, action `schedule`): a 统计报表 saved under a name with its filters,
// generated with its owner's permissions and scope as .xlsx (and PDF in the desktop app) every
// week or month into a folder, on demand (立即生成) or by `crm report <name>`. A scheduled run
// covers the previous whole week (Monday–Sunday) or month in the company's time zone.
import { z } from 'zod'
import { BaseVersion, call, Id, IsoDate, Ok, requiredText, versionWithId } from './common'
import { CompositionDimension, ContributionBasis, PipelineGroupBy, ReportFilter, ReportName } from './reports'
import { ExportLang } from './exports'
import { PickResult } from './system'

export const SCHEDULES = ['none', 'weekly', 'monthly'] as const
export const Schedule = z.enum(SCHEDULES)
export type Schedule = z.infer<typeof Schedule>
export const ReportFormat = z.enum(['xlsx', 'pdf'])
export type ReportFormat = z.infer<typeof ReportFormat>
export const RunStatus = z.enum(['ok', 'partial', 'failed'])
export type RunStatus = z.infer<typeof RunStatus>
export const RunTrigger = z.enum(['schedule', 'manual', 'cli'])

/** The report's own filters (the period comes from the schedule or the run). */
export const SavedReportFilters = ReportFilter.extend({
  /** 客户贡献分析 (订单 / 回款金额); 销售漏斗与业绩 (its 业绩's actual) */
  basis: ContributionBasis.optional(),
  /** 销售漏斗与业绩 */
  groupBy: PipelineGroupBy.optional(),
  limit: z.number().int().min(1).max(500).optional(),
  /** 客户构成分析 */
  dimension: CompositionDimension.optional(),
})
export type SavedReportFilters = z.infer<typeof SavedReportFilters>

/** a folder on the machine that generates the files (the desktop app's or `crm serve`'s) */
const Folder = requiredText(1000)

export const SavedReportInput = z
  .strictObject({
    id: Id.optional(),
    version: BaseVersion.optional(),
    name: requiredText(100),
    report: ReportName,
    filters: SavedReportFilters.default({}),
    schedule: Schedule.default('none'),
    /** weekly: 1 = Monday … 7 = Sunday */
    weekday: z.number().int().min(1).max(7).nullish(),
    /** monthly: 1–31; a month without that day: its last day */
    monthDay: z.number().int().min(1).max(31).nullish(),
    folder: Folder,
    formats: z.array(ReportFormat).min(1).max(2).default(['xlsx']),
    lang: ExportLang.default('zh-CN'),
  })
  .superRefine(versionWithId)
  .superRefine((v, ctx) => {
    if (v.schedule === 'weekly' && v.weekday == null) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly report needs its weekday' })
    if (v.schedule === 'monthly' && v.monthDay == null) ctx.addIssue({ code: 'custom', path: ['monthDay'], message: 'a monthly report needs its day of the month' })
    if (!v.formats.includes('xlsx')) ctx.addIssue({ code: 'custom', path: ['formats'], message: 'the workbook is always written' })
    if (new Set(v.formats).size !== v.formats.length) ctx.addIssue({ code: 'custom', path: ['formats'], message: 'a format listed twice' })
  })
export type SavedReportInput = z.input<typeof SavedReportInput>

export const SavedReportRun = z.object({
  id: Id,
  savedReportId: Id,
  trigger: RunTrigger,
  periodFirst: IsoDate,
  periodLast: IsoDate,
  status: RunStatus,
  /** why it failed (or what was left out): a translation key and its params */
  errorKey: z.string().nullable(),
  errorParams: z.record(z.string(), z.unknown()).nullable(),
  files: z.array(z.string()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type SavedReportRun = z.infer<typeof SavedReportRun>

export const SavedReport = z.object({
  id: Id,
  name: z.string(),
  report: ReportName,
  filters: SavedReportFilters,
  ownerId: Id,
  ownerName: z.string().nullable(),
  schedule: Schedule,
  weekday: z.number().int().nullable(),
  monthDay: z.number().int().nullable(),
  folder: z.string().nullable(),
  formats: z.array(ReportFormat),
  lang: ExportLang,
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastStatus: RunStatus.nullable(),
  lastErrorKey: z.string().nullable(),
  lastErrorParams: z.record(z.string(), z.unknown()).nullable(),
  lastFiles: z.array(z.string()),
  updatedAt: z.string(),
  version: z.number().int(),
})
export type SavedReport = z.infer<typeof SavedReport>

/** A period as `crm report --period` takes it: 2026-11 (a month), 2026-W47 (an ISO week), 2026 (a year), 2026-11-15 (a day) or 2026-11-01..2026-11-15. */
export const PERIOD_PATTERN = /^(\d{4})(?:-(\d{2})|-W(\d{2}))?$|^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/
export const PeriodText = z.string().max(32).regex(PERIOD_PATTERN, 'a month (2026-11), an ISO week (2026-W47), a year (2026), a day or FROM..TO')

export const savedReportsContract = {
  /** the saved reports in the caller's scope (reports.schedule), each with its last run and next run */
  savedList: call(z.strictObject({}).default({}), z.array(SavedReport)),
  savedSave: call(SavedReportInput, SavedReport),
  savedRemove: call(z.strictObject({ id: Id, version: BaseVersion }), Ok),
  /** 立即生成: the previous whole week or month (per its schedule; a month when none), or the period given; writes the files into its folder */
  savedRun: call(z.strictObject({ id: Id, period: PeriodText.optional() }), SavedReportRun),
  /** the latest runs of one saved report, newest first */
  savedRuns: call(z.strictObject({ id: Id, limit: z.number().int().min(1).max(100).default(20) }), z.array(SavedReportRun)),
  /** the folder picker of the desktop app (the window layer opens the native dialog); `supported: false` in the browser mode (the path is typed) */
  savedChooseFolder: call(z.strictObject({ current: Folder.nullish() }), PickResult),
} as const
