// 导出: a list as the user sees it — its filters, sort and visible columns, through the area's own
// scoped list service — to a formatted .xlsx or a CSV. Read page by page and written row by row, so
// a 100,000-row export never holds the table (or the file) in memory.
import fs from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import os from 'node:os'
import path from 'node:path'
import type { Writable } from 'node:stream'
import type { ServiceContext } from '../context'
import type { ExportFile, ExportInput, ExportJob, ExportList } from '../../contract/exports'
import type { z } from 'zod'
import { AppError, fieldError, notFound, ruleError } from '../../shared/errors'
import { newId } from '../../db/ids'
import { withFileMapped } from '../../db/dialect'
import { requirePerm } from '../auth/permissions'
import {
  contactsExporter, customersExporter, interactionsExporter, Labels, opportunitiesExporter, ordersExporter, paymentsExporter, requirementsExporter, ticketsExporter, type ListExporter,
} from './exports.lists'
import { openSheetWriter } from './exports.writer'

/** The sheet writer (xlsx streamed, CSV with the formula guard) for other modules' files (the import's error report). */
export { openSheetWriter, safeSheetName, type SheetWriter } from './exports.writer'

export type ExportRequest = z.output<typeof ExportInput>

/** Rows read per call of the list service. */
export const EXPORT_PAGE_SIZE = 1000

const EXPORTERS: Record<ExportList, ListExporter<never>> = {
  customers: customersExporter as ListExporter<never>,
  contacts: contactsExporter as ListExporter<never>,
  interactions: interactionsExporter as ListExporter<never>,
  opportunities: opportunitiesExporter as ListExporter<never>,
  orders: ordersExporter as ListExporter<never>,
  payments: paymentsExporter as ListExporter<never>,
  tickets: ticketsExporter as ListExporter<never>,
  requirements: requirementsExporter as ListExporter<never>,
}

export const MIME = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv' } as const

const pad = (n: number) => String(n).padStart(2, '0')

/** The user's calendar date at their UTC offset, YYYY-MM-DD. */
function localDate(now: Date, utcOffsetMinutes: number): string {
  const d = new Date(now.getTime() + utcOffsetMinutes * 60_000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** 客户列表_2026-12-06.xlsx (customers_2026-12-06.xlsx in English). */
export function exportFileName(input: Pick<ExportRequest, 'list' | 'lang' | 'format' | 'utcOffsetMinutes'>, now: Date): string {
  const title = EXPORTERS[input.list].title
  const name = input.lang === 'en-US' ? input.list : title.zh
  return `${name}_${localDate(now, input.utcOffsetMinutes)}.${input.format}`
}

export interface ExportOptions {
  /** after each page: rows written so far and the list's total */
  onProgress?: (done: number, total: number) => void
  pageSize?: number
  /** stops the export before the next page (answers a `common.export.cancelled` rule error) */
  signal?: AbortSignal
}

/**
 * Writes the export to `out` (closed at the end). Needs the module's export right; the list
 * service itself checks the view right and applies the data scope.
 */
export async function exportList(ctx: ServiceContext, input: ExportRequest, out: Writable, opts: ExportOptions = {}): Promise<{ rows: number; fileName: string; mime: string }> {
  try {
    return await writeExport(ctx, input, out, opts)
  } catch (e) {
    // A refused or failed export leaves no open file behind. A file stream opens its file after it is
    // made: wait until it has closed, so that a caller who removes the file removes it for good.
    out.destroy()
    await finished(out).catch(() => undefined)
    throw e
  }
}

async function writeExport(ctx: ServiceContext, input: ExportRequest, out: Writable, opts: ExportOptions) {
  const ex = EXPORTERS[input.list]
  requirePerm(ctx.actor, ex.module, 'export')
  const byKey = new Map(ex.columns.map((c) => [c.key, c]))
  const unknown = (input.columns ?? []).filter((k) => !byKey.has(k))
  if (unknown.length) throw fieldError('columns', 'invalid_column', `unknown columns: ${unknown.join(', ')}`, { columns: unknown })
  const chosen = input.columns ? [...new Set(input.columns)].map((k) => byKey.get(k)!) : ex.columns
  const en = input.lang === 'en-US'
  const now = ctx.clock.now()
  const title = en ? ex.title.en : ex.title.zh
  const writer = openSheetWriter(out, {
    format: input.format,
    encoding: input.encoding,
    sheetName: `${title} ${localDate(now, input.utcOffsetMinutes)}`,
    columns: chosen.map((c) => ({ key: c.key, header: en ? c.en : c.zh, width: c.width, type: c.type, total: c.total })),
    totalsLabel: en ? 'Total' : '合计',
    utcOffsetMinutes: input.utcOffsetMinutes,
  })
  const { list: _l, format: _f, encoding: _e, lang: _g, columns: _c, utcOffsetMinutes: _u, ...listInput } = input
  const labels = new Labels(ctx, input.lang)
  const pageSize = opts.pageSize ?? EXPORT_PAGE_SIZE
  let done = 0
  const pages = ex.chunks ? ex.chunks(ctx, listInput as never, pageSize, labels) : pagesOf(ex, ctx, listInput as never, pageSize, labels)
  // SQLite: the whole file memory-mapped while the export reads it (its rows by id are spread over
  // the file; read() per page into the page cache was a third of the read's CPU)
  await withFileMapped(ctx.db.knex, ctx.db.dialect, async () => {
    for await (const r of readAhead(pages)) {
      if (opts.signal?.aborted) throw ruleError('common.export.cancelled', 'the export was cancelled')
      for (const row of r.rows) await writer.add(row)
      done += r.rows.length
      opts.onProgress?.(done, Math.max(r.total, done))
    }
  })
  if (opts.signal?.aborted) throw ruleError('common.export.cancelled', 'the export was cancelled')
  const rows = await writer.finish()
  return { rows, fileName: exportFileName(input, now), mime: MIME[input.format] }
}

/**
 * The chunks of `source`, the next one asked for before the current one is handed on: a server
 * database (PostgreSQL, SQL Server) reads it while this process writes the current rows. A read
 * that fails is answered at the next chunk, never as an unhandled rejection; stopping early lets
 * the read under way finish and closes the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]()
  const ask = () => {
    const p = it.next()
    p.catch(() => undefined) // seen here; the error itself is thrown where the chunk is awaited
    return p
  }
  let next: Promise<IteratorResult<T>> | null = ask()
  try {
    for (;;) {
      const r: IteratorResult<T> = await next
      next = null
      if (r.done) return
      next = ask()
      yield r.value
    }
  } finally {
    if (next) {
      const last = await next.catch(() => ({ done: true }) as IteratorResult<T>)
      if (!last.done) await it.return?.()
    }
  }
}

/** The list page by page through its list service, until a short page or the total. */
async function* pagesOf(ex: ListExporter<never>, ctx: ServiceContext, input: never, pageSize: number, labels: Labels) {
  let done = 0
  for (let page = 1; ; page++) {
    const r = await ex.page(ctx, input, page, pageSize, labels)
    yield r
    done += r.rows.length
    if (r.rows.length < pageSize || done >= r.total) return
  }
}

/** The export written to a file in `dir`; answers what the file holds. */
async function exportToFile(ctx: ServiceContext, input: ExportRequest, dir: string, opts: ExportOptions = {}) {
  const file = path.join(dir, `export.${input.format}`)
  const stream = fs.createWriteStream(file)
  const r = await exportList(ctx, input, stream, opts)
  if (!stream.closed) await once(stream, 'close')
  return { ...r, file }
}

async function fileAnswer(r: { fileName: string; mime: string; rows: number; file: string }): Promise<ExportFile> {
  const bytes = await fs.promises.readFile(r.file)
  return { fileName: r.fileName, mime: r.mime, rows: r.rows, contentBase64: bytes.toString('base64') }
}

const tempDir = () => fs.promises.mkdtemp(path.join(os.tmpdir(), 'crm-export-'))

/** The IPC call: the export written to a temporary file, answered as bytes, the file removed. */
export async function exportsRun(ctx: ServiceContext, input: ExportRequest): Promise<ExportFile> {
  const dir = await tempDir()
  try {
    return await fileAnswer(await exportToFile(ctx, input, dir))
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true })
  }
}

// ---- background exports with progress (the 导出 button) -------------------------------------------

interface Job {
  id: string
  userId: string
  state: ExportJob['state']
  done: number
  total: number
  dir: string
  abort: AbortController
  result?: { fileName: string; mime: string; rows: number; file: string }
  error?: unknown
  /** when it finished (a finished job nobody fetches is removed after JOB_TTL_MS) */
  endedAt?: number
}

/** Running and finished exports of this process, by job id. */
const jobs = new Map<string, Job>()
const JOB_TTL_MS = 10 * 60_000

const snapshot = (j: Job): ExportJob => ({ jobId: j.id, state: j.state, done: j.done, total: j.total })

function forget(j: Job) {
  jobs.delete(j.id)
  void fs.promises.rm(j.dir, { recursive: true, force: true })
}

/** The caller's own job (another user's job id is not found). */
function jobOf(ctx: ServiceContext, jobId: string): Job {
  const j = jobs.get(jobId.toLowerCase())
  if (!j || j.userId !== ctx.actor.userId) throw notFound('export', jobId)
  return j
}

/** Starts the export in the background and answers at once; the rights are checked before it starts. */
export async function exportsStart(ctx: ServiceContext, input: ExportRequest): Promise<ExportJob> {
  requirePerm(ctx.actor, EXPORTERS[input.list].module, 'export')
  const now = Date.now()
  for (const j of jobs.values()) if (j.endedAt && now - j.endedAt > JOB_TTL_MS) forget(j)
  const j: Job = { id: newId(), userId: ctx.actor.userId, state: 'running', done: 0, total: 0, dir: await tempDir(), abort: new AbortController() }
  jobs.set(j.id, j)
  const onProgress = (done: number, total: number) => {
    j.done = done
    j.total = total
  }
  exportToFile(ctx, input, j.dir, { onProgress, signal: j.abort.signal }).then(
    (r) => {
      j.result = r
      j.state = 'done'
      j.endedAt = Date.now()
    },
    (e: unknown) => {
      j.error = e
      j.state = j.abort.signal.aborted ? 'cancelled' : 'failed'
      j.endedAt = Date.now()
    },
  )
  return snapshot(j)
}

export async function exportsProgress(ctx: ServiceContext, input: { jobId: string }): Promise<ExportJob> {
  return snapshot(jobOf(ctx, input.jobId))
}

export async function exportsCancel(ctx: ServiceContext, input: { jobId: string }): Promise<{ ok: true }> {
  const j = jobOf(ctx, input.jobId)
  if (j.state === 'running') j.abort.abort()
  else forget(j)
  return { ok: true }
}

/** The finished file, once; a failed export answers its error, a running one `common.export.notReady`. */
export async function exportsFetch(ctx: ServiceContext, input: { jobId: string }): Promise<ExportFile> {
  const j = jobOf(ctx, input.jobId)
  if (j.state === 'running') throw ruleError('common.export.notReady', 'the export is still running', { done: j.done, total: j.total })
  try {
    if (j.state !== 'done' || !j.result) {
      if (j.error instanceof AppError) throw j.error
      throw j.state === 'cancelled' ? ruleError('common.export.cancelled', 'the export was cancelled') : new AppError('internal', 'the export failed')
    }
    return await fileAnswer(j.result)
  } finally {
    forget(j)
  }
}
