// The file side of an export: rows in, a formatted .xlsx (exceljs' streaming WorkbookWriter: only
// the current row is in memory) or a CSV (UTF-8 with a BOM, or GBK) out, written to a stream.
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { ExportEncoding, ExportFormat } from '../../contract/exports'

/** text: as is; date: YYYY-MM-DD; datetime: an ISO instant; money: integer cents; int/number: a number. */
export type ColumnType = 'text' | 'date' | 'datetime' | 'money' | 'int'

export interface SheetColumn {
  key: string
  header: string
  /** characters */
  width: number
  type: ColumnType
  /** summed into the totals row */
  total?: boolean
}

export interface SheetOptions {
  format: ExportFormat
  encoding: ExportEncoding
  sheetName: string
  columns: SheetColumn[]
  /** label of the totals row (first column); no column with `total`: no totals row */
  totalsLabel: string
  /** dates and times are written as the wall time at this offset from UTC */
  utcOffsetMinutes: number
}

export interface SheetWriter {
  /** one data row: column key → raw value (cents for money, ISO strings for dates) */
  add(row: Record<string, unknown>): Promise<void>
  /** writes the totals row (if any) and closes the file; answers the data rows written */
  finish(): Promise<number>
}

export const NUM_FMT: Partial<Record<ColumnType, string>> = { date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm', money: '#,##0.00', int: '0' }

const pad = (n: number) => String(n).padStart(2, '0')

/** A cell's value as the type says: a Date (wall time as UTC, which is how Excel reads it), a number, or text. */
export function cellValue(type: ColumnType, v: unknown, utcOffsetMinutes: number): string | number | Date | null {
  if (v === null || v === undefined || v === '') return null
  switch (type) {
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(v))
      return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : String(v)
    }
    case 'datetime': {
      const t = Date.parse(String(v))
      return Number.isNaN(t) ? String(v) : new Date(t + utcOffsetMinutes * 60_000)
    }
    case 'money':
      return Number(v) / 100
    case 'int':
      return Number(v)
    default:
      return String(v)
  }
}

/** A cell as CSV text: dates as YYYY-MM-DD[ HH:mm], money with 2 decimals. */
function csvText(type: ColumnType, v: unknown, utcOffsetMinutes: number): string {
  const c = cellValue(type, v, utcOffsetMinutes)
  if (c === null) return ''
  if (c instanceof Date) {
    const d = `${c.getUTCFullYear()}-${pad(c.getUTCMonth() + 1)}-${pad(c.getUTCDate())}`
    return type === 'datetime' ? `${d} ${pad(c.getUTCHours())}:${pad(c.getUTCMinutes())}` : d
  }
  if (type === 'money' && typeof c === 'number') return c.toFixed(2)
  // a text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text with a leading '
  const s = typeof c === 'string' && /^[=+\-@\t\r]/.test(c) ? `'${c}` : String(c)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** Excel refuses : \ / ? * [ ] in a sheet name and more than 31 characters. */
export const safeSheetName = (s: string) => s.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31)

/** Waits for the stream to take more when it says its buffer is full. */
const writeChunk = (out: Writable, chunk: Buffer | string) =>
  new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e)
    out.once('error', onError)
    const ok = out.write(chunk, () => undefined)
    const done = () => {
      out.off('error', onError)
      resolve()
    }
    if (ok) done()
    else out.once('drain', done)
  })

const endStream = (out: Writable) => new Promise<void>((resolve, reject) => {
  out.once('error', reject)
  out.end(() => resolve())
})

export function openSheetWriter(out: Writable, o: SheetOptions): SheetWriter {
  const sums = new Map(o.columns.filter((c) => c.total).map((c) => [c.key, 0]))
  let rows = 0
  const tally = (row: Record<string, unknown>) => {
    rows++
    for (const [k, s] of sums) sums.set(k, s + (Number(row[k]) || 0))
  }
  const totalsRow = (): Record<string, unknown> | null =>
    sums.size ? Object.fromEntries(sums) : null

  if (o.format === 'csv') return csvWriter(out, o, tally, totalsRow, () => rows)

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  const ws = wb.addWorksheet(safeSheetName(o.sheetName), { views: [{ state: 'frozen', ySplit: 1 }] })
  // One style object per column, shared by all its cells: exceljs finds a style it has seen in a
  // WeakMap, while a fresh object per cell costs a style lookup by its XML text every time.
  const styles = o.columns.map((c) => (NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type]! } : null))
  ws.columns = o.columns.map((c, i) => ({ header: c.header, key: c.key, width: c.width, ...(styles[i] ? { style: styles[i] } : {}) }))
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } }
  header.commit()
  const types = o.columns.map((c) => c.type)
  const keys = o.columns.map((c) => c.key)
  let rowNo = 1
  const writeRow = (values: Array<string | number | Date | null>, bold: boolean) => {
    const r = ws.getRow(++rowNo)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v === null) continue
      const cell = r.getCell(i + 1)
      cell.value = v
      // the totals row gets copies: the row's bold font is set on each of its cells' styles
      cell.style = bold ? { ...styles[i] } : (styles[i] ?? NO_STYLE)
    }
    if (bold) r.font = { bold: true }
    r.commit()
  }
  let pending = 0
  return {
    async add(row) {
      tally(row)
      const values = new Array<string | number | Date | null>(keys.length)
      for (let i = 0; i < keys.length; i++) values[i] = cellValue(types[i]!, row[keys[i]!], o.utcOffsetMinutes)
      writeRow(values, false)
      // every 1,000 rows let the zip stream drain into the file, so a long export neither blocks
      // the event loop nor buffers the file in memory
      if (++pending >= 1000) {
        pending = 0
        await drained(out)
      }
    },
    async finish() {
      const t = totalsRow()
      if (t) writeRow(o.columns.map((c, i) => (i === 0 && !c.total ? o.totalsLabel : cellValue(c.type, t[c.key], o.utcOffsetMinutes))), true)
      ws.commit()
      await wb.commit()
      return rows
    },
  }
}

/** The style of a cell without a number format (one object, so exceljs looks it up once). */
const NO_STYLE = {}

/** Resolves on the next turn of the event loop once the file stream has room again. */
async function drained(out: Writable) {
  if (out.writableNeedDrain) await once(out, 'drain')
  await new Promise((r) => setImmediate(r))
}

function csvWriter(out: Writable, o: SheetOptions, tally: (r: Record<string, unknown>) => void, totalsRow: () => Record<string, unknown> | null, count: () => number): SheetWriter {
  const encode = (s: string) => (o.encoding === 'gbk' ? iconv.encode(s, 'gbk') : Buffer.from(s, 'utf8'))
  const line = (row: Record<string, unknown>, totals = false) =>
    o.columns.map((c, i) => (totals && i === 0 && !c.total ? csvText('text', o.totalsLabel, 0) : csvText(c.type, row[c.key], o.utcOffsetMinutes))).join(',') + '\r\n'
  let buf = (o.encoding === 'gbk' ? '' : '\uFEFF') + o.columns.map((c) => csvText('text', c.header, 0)).join(',') + '\r\n'
  return {
    async add(row) {
      tally(row)
      buf += line(row)
      if (buf.length > 64 * 1024) {
        await writeChunk(out, encode(buf))
        buf = ''
      }
    },
    async finish() {
      const t = totalsRow()
      if (t) buf += line(t, true)
      await writeChunk(out, encode(buf))
      await endStream(out)
      return count()
    },
  }
}
