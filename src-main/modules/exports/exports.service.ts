// 导出: a list as the user sees it — its filters, sort and visible columns, through the area's own
// scoped list service — to a formatted .xlsx or a CSV. Read page by page and written row by row, so
// a 100,000-row export never holds the table (or the file) in memory.
import fs from 'node:fs'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import type { Writable } from 'node:stream'
import type { ServiceContext } from '../context'
import type { ExportFile, ExportInput, ExportList } from '../../contract/exports'
import type { z } from 'zod'
import { fieldError } from '../../shared/errors'
import { requirePerm } from '../auth/permissions'
import { customersExporter, Labels, opportunitiesExporter, type ListExporter } from './exports.lists'
import { openSheetWriter } from './exports.writer'

/** The sheet writer (xlsx streamed, CSV with the formula guard) for other modules' files (the import's error report). */
export { openSheetWriter, safeSheetName, type SheetWriter } from './exports.writer'

export type ExportRequest = z.output<typeof ExportInput>

/** Rows read per call of the list service. */
export const EXPORT_PAGE_SIZE = 1000

const EXPORTERS: Record<ExportList, ListExporter<never>> = {
  customers: customersExporter as ListExporter<never>,
  opportunities: opportunitiesExporter as ListExporter<never>,
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
}

/**
 * Writes the export to `out` (closed at the end). Needs the module's export right; the list
 * service itself checks the view right and applies the data scope.
 */
export async function exportList(ctx: ServiceContext, input: ExportRequest, out: Writable, opts: ExportOptions = {}): Promise<{ rows: number; fileName: string; mime: string }> {
  try {
    return await writeExport(ctx, input, out, opts)
  } catch (e) {
    out.destroy() // a refused or failed export leaves no open file behind
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
  for (let page = 1; ; page++) {
    const r = await ex.page(ctx, listInput as never, page, pageSize, labels)
    for (const row of r.rows) await writer.add(row)
    done += r.rows.length
    opts.onProgress?.(done, r.total)
    if (r.rows.length < pageSize || done >= r.total) break
  }
  const rows = await writer.finish()
  return { rows, fileName: exportFileName(input, now), mime: MIME[input.format] }
}

/** The IPC call: the export written to a temporary file, answered as bytes, the file removed. */
export async function exportsRun(ctx: ServiceContext, input: ExportRequest): Promise<ExportFile> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'crm-export-'))
  try {
    const file = path.join(dir, `export.${input.format}`)
    const stream = fs.createWriteStream(file)
    const r = await exportList(ctx, input, stream)
    if (!stream.closed) await once(stream, 'close')
    const bytes = await fs.promises.readFile(file)
    return { fileName: r.fileName, mime: r.mime, rows: r.rows, contentBase64: bytes.toString('base64') }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true })
  }
}
