// The file side of an export: rows in, a formatted .xlsx (exceljs' streaming WorkbookWriter, the
// data rows handed to it as the sheet's XML text, at most 1 MiB of it held) or a CSV (UTF-8 with
// a BOM, or GBK) out, written to a stream.
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
  // the header through exceljs: it writes the sheet's start, the columns and <sheetData> before it
  header.commit()
  const sheet = sheetInternals(wb, ws)
  const types = o.columns.map((c) => c.type)
  const keys = o.columns.map((c) => c.key)
  const cols = o.columns.map((_c, i) => columnLetters(i + 1))
  // each column's style id, as exceljs gives it for the column's style object (NO_STYLE: id 0, no s="")
  const sid = o.columns.map((c, i) => sheet.styleId(styles[i] ?? NO_STYLE, c.type))
  let rowNo = 1
  // the sheet's text encoded row by row into a buffer handed to the zip when full: one long
  // string of 1,000 rows cost more to flatten and encode than the rows did to build
  let buf = Buffer.allocUnsafe(SHEET_BUFFER)
  let used = 0
  const put = (s: string) => {
    if (used + s.length * 3 > buf.length) {
      if (used) sheet.write(buf.subarray(0, used))
      buf = Buffer.allocUnsafe(Math.max(SHEET_BUFFER, s.length * 3))
      used = 0
    }
    used += buf.write(s, used, 'utf8')
  }
  const values = new Array<number | string | null>(keys.length)
  let pending = 0
  return {
    async add(row) {
      tally(row)
      for (let i = 0; i < keys.length; i++) values[i] = cellXmlValue(types[i]!, row[keys[i]!], o.utcOffsetMinutes)
      put(rowXml(++rowNo, values, cols, sid, null))
      // every 1,000 rows the zip stream drains into the file, so a long export neither blocks the
      // event loop nor buffers the file in memory
      if (++pending >= 1000) {
        pending = 0
        await drained(out)
      }
    },
    async finish() {
      const t = totalsRow()
      if (t) {
        // the totals row bold: the row's style and each cell's column style with the bold font (fresh objects, as exceljs' row.font gives them)
        const bold = { bold: true }
        const totals = o.columns.map((c, i) => (i === 0 && !c.total ? o.totalsLabel : cellXmlValue(c.type, t[c.key], o.utcOffsetMinutes)))
        // style ids in exceljs' order: the row's first (its type unknown: a number's), then each cell's
        const rowSid = sheet.styleId({ font: bold }, 'money')
        const boldSid = totals.map((v, i) => (v === null ? 0 : sheet.styleId({ ...styles[i], font: bold }, typeof v === 'string' ? 'text' : types[i]!)))
        put(rowXml(++rowNo, totals, cols, boldSid, rowSid))
      }
      if (used) sheet.write(buf.subarray(0, used))
      used = 0
      ws.commit()
      await wb.commit()
      return rows
    },
  }
}

/** exceljs (4.4) internals the row writer needs: the sheet's XML stream and the workbook's style ids. */
interface SheetInternals {
  write(xml: Buffer): void
  styleId(style: object, type: ColumnType): number
}

function sheetInternals(wb: ExcelJS.stream.xlsx.WorkbookWriter, ws: ExcelJS.Worksheet): SheetInternals {
  const stream = (ws as unknown as { stream?: { write(s: Buffer): unknown } }).stream
  const styles = (wb as unknown as { styles?: { addStyleModel?(m: object, t: number): number } }).styles
  if (!stream || typeof stream.write !== 'function' || !styles || typeof styles.addStyleModel !== 'function') {
    throw new Error('exceljs: the streaming worksheet has no stream or the workbook no style table (exceljs version changed?)')
  }
  const valueType = { text: ExcelJS.ValueType.String, date: ExcelJS.ValueType.Date, datetime: ExcelJS.ValueType.Date, money: ExcelJS.ValueType.Number, int: ExcelJS.ValueType.Number }
  return { write: (s) => void stream.write(s), styleId: (m, t) => styles.addStyleModel!(m, valueType[t]) }
}

/** Bytes of sheet text collected before they go to the zip. */
const SHEET_BUFFER = 1 << 20

/** A, B, … Z, AA, AB, … — the column's letters in a cell reference. */
export function columnLetters(n: number): string {
  let s = ''
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/** Days since 1899-12-30 (Excel's 1900 date system), as exceljs' dateToExcel computes them. */
const excelSerial = (ms: number) => 25569 + ms / (24 * 3600 * 1000)

/**
 * A cell's value as the sheet's XML carries it: cellValue's result with its Date as Excel's serial
 * number (a number), its text as text (a string), or null (no cell).
 */
export function cellXmlValue(type: ColumnType, v: unknown, utcOffsetMinutes: number): number | string | null {
  const c = cellValue(type, v, utcOffsetMinutes)
  return c instanceof Date ? excelSerial(c.getTime()) : c
}

/**
 * One row of the sheet's XML exactly as exceljs' streaming worksheet writes it for cells of these
 * values (RowXform/CellXform: t="str" text without shared strings, the style id as s="…" unless 0,
 * spans of the first to the last cell, no row at all when every cell is empty) — without the
 * Row, Cell and model objects exceljs makes per cell, which were most of an export's writing time.
 */
export function rowXml(n: number, values: ReadonlyArray<number | string | null>, cols: readonly string[], sid: readonly number[], rowSid: number | null): string {
  let cells = ''
  let min = 0
  let max = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined) continue
    if (!min) min = i + 1
    max = i + 1
    cells += `<c r="${cols[i]}${n}"${sid[i] ? ` s="${sid[i]}"` : ''}${typeof v === 'number' ? '' : ' t="str"'}><v>${xmlText(String(v))}</v></c>`
  }
  if (!max) return ''
  return `<row r="${n}" spans="${min}:${max}"${rowSid ? ` s="${rowSid}" customFormat="1"` : ''} x14ac:dyDescent="0.25">${cells}</row>`
}

const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/

/** Text as XML character data, as exceljs' xmlEncode gives it: <>&'" escaped, control characters XML cannot hold dropped. */
export function xmlText(text: string): string {
  const m = XML_SPECIAL.exec(text)
  if (!m) return text
  let out = ''
  let from = 0
  for (let i = m.index; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    let esc: string
    if (ch === 34) esc = '&quot;'
    else if (ch === 38) esc = '&amp;'
    else if (ch === 39) esc = '&apos;'
    else if (ch === 60) esc = '&lt;'
    else if (ch === 62) esc = '&gt;'
    // DEL and the C0 controls other than tab, LF and CR: dropped (XML 1.0 cannot hold them)
    else if (ch === 127 || (ch <= 31 && ch !== 9 && ch !== 10 && ch !== 13)) esc = ''
    else continue
    out += text.slice(from, i) + esc
    from = i + 1
  }
  return out + text.slice(from)
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
