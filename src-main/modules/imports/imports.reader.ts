// The file side of an import: an .xlsx (read through its zip directory with exceljs' streaming
// parsers: one row in memory at a time) or a CSV (decoded as a stream: UTF-8 with or without a
// BOM, else GB18030, which reads GBK) as rows of raw cells, with how far through the file the
// reader is (for progress).
import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { Transform, type Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { AppError } from '../../shared/errors'
import { openZip } from './imports.zip'

export type FileFormat = 'xlsx' | 'csv'
export type CsvEncoding = 'utf8' | 'gb18030' | 'gbk'

export interface RawRow {
  /** 1-based row number in the sheet (the header is row 1 of a sheet starting there) */
  rowNumber: number
  cells: unknown[]
}

export interface OpenedSheet {
  format: FileFormat
  sheets: string[]
  sheet: number
  encoding: CsvEncoding | null
  /** rows in order, blank ones included (the caller skips them) */
  rows: AsyncGenerator<RawRow>
  /** 0..1: bytes of the file read so far */
  fraction(): number
  /** stops reading and closes the file */
  close(): void
}

const unreadable = (key: string, msg: string, params?: Record<string, unknown>) => new AppError('rule', msg, { key: `imports.errors.${key}`, params })

/** What the file is by its first bytes: a zip (xlsx), an old binary .xls, or text (CSV). */
export async function sniffFormat(file: string): Promise<FileFormat> {
  const fd = await fs.promises.open(file, 'r')
  try {
    const head = Buffer.alloc(8)
    const { bytesRead } = await fd.read(head, 0, 8, 0)
    if (bytesRead === 0) throw unreadable('emptyFile', 'the file is empty')
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx'
    if (head.readUInt32BE(0) === 0xd0cf11e0) throw unreadable('oldExcel', 'an old .xls workbook: save it as .xlsx')
    const sample = Buffer.alloc(4096)
    const r = await fd.read(sample, 0, 4096, 0)
    // binary files (images, PDF, executables) hold NUL bytes; text in any of our encodings does not
    if (sample.subarray(0, r.bytesRead).includes(0)) throw unreadable('notSpreadsheet', 'not a spreadsheet (.xlsx) or a CSV file')
    return 'csv'
  } finally {
    await fd.close()
  }
}

/** UTF-8 (a BOM, or a prefix that decodes strictly) or else GB18030 (a superset of GBK). */
export async function detectEncoding(file: string): Promise<CsvEncoding> {
  const fd = await fs.promises.open(file, 'r')
  try {
    const buf = Buffer.alloc(64 * 1024)
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0)
    let b = buf.subarray(0, bytesRead)
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf8'
    // a multi-byte character cut by the sample's end is no evidence against UTF-8
    if (bytesRead === buf.length) {
      let i = b.length - 1
      while (i > b.length - 4 && (b[i]! & 0xc0) === 0x80) i--
      b = b.subarray(0, i)
    }
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b)
      return 'utf8'
    } catch {
      return 'gb18030'
    }
  } finally {
    await fd.close()
  }
}

function counting(total: number) {
  let read = 0
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      read += chunk.length
      cb(null, chunk)
    },
  })
  return { stream: t, fraction: () => (total ? Math.min(1, read / total) : 1) }
}

export async function openSheet(file: string, o: { sheet?: number; encoding?: CsvEncoding | 'auto' } = {}): Promise<OpenedSheet> {
  const format = await sniffFormat(file)
  const size = (await fs.promises.stat(file)).size
  return format === 'xlsx' ? openXlsx(file, o.sheet ?? 0) : openCsv(file, size, o.encoding && o.encoding !== 'auto' ? o.encoding : await detectEncoding(file))
}

// ---- xlsx -------------------------------------------------------------------------------------

interface WorkbookModel {
  sheets?: Array<{ id: number; name: string; rId: string }>
}

/** The parts of exceljs' streaming WorkbookReader used here: its parsers of a workbook's parts. */
interface WorkbookParts {
  model?: WorkbookModel
  workbookRels?: Array<{ Id: string; Target: string }>
  _parseRels(entry: Readable): Promise<void>
  _parseWorkbook(entry: Readable): Promise<void>
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>
  _parseStyles(entry: Readable): Promise<void>
  _parseWorksheet(entry: Readable, sheetNo: string): Generator<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>
}

const WORKSHEET = /^xl\/worksheets\/[^/]*?(\d*)\.xml$/i

/** Where a relationship's target lies in the archive (targets are relative to xl/ unless absolute). */
function partPath(target: string): string {
  const parts: string[] = []
  for (const seg of (target.startsWith('/') ? target.slice(1) : `xl/${target}`).split('/')) {
    if (seg === '..') parts.pop()
    else if (seg && seg !== '.') parts.push(seg)
  }
  return parts.join('/')
}

/**
 * A part's bytes as text, decoded across chunk boundaries: exceljs' parser decodes every chunk
 * it is given on its own, so a Chinese character whose three UTF-8 bytes were cut between two
 * inflated chunks became two U+FFFD (a few cells per 100,000 rows, wherever the 16 KB pieces
 * happened to end). Strings pass through its parser as they are.
 */
function utf8Text(): Transform {
  const decoder = new StringDecoder('utf8')
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, cb) {
      const t = decoder.write(chunk)
      cb(null, t.length ? t : undefined)
    },
    flush(cb) {
      const t = decoder.end()
      cb(null, t.length ? t : undefined)
    },
  })
}

// The workbook's parts are opened through the zip's directory in the order they are needed —
// relationships, workbook, shared strings, styles, then only the wanted sheet, row by row — with
// exceljs' own parsers (see imports.zip.ts for why not its single pass over the archive).
async function openXlsx(file: string, sheetIndex: number): Promise<OpenedSheet> {
  const opened: Readable[] = []
  const close = () => {
    for (const s of opened) s.destroy()
  }
  let read = 0
  let total = 0
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file as never, {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore',
  }) as unknown as WorkbookParts
  let sheets: string[] = []
  let ws: ExcelJS.stream.xlsx.WorksheetReader
  try {
    const zip = await openZip(file)
    const part = async (name: string, counted = false): Promise<Readable | null> => {
      const e = zip.entries.get(name)
      if (!e) return null
      const s = await zip.open(e, counted ? (n) => (read += n) : undefined)
      opened.push(s)
      if (counted) total = e.compressedSize
      const text = s.pipe(utf8Text())
      s.on('error', (err) => text.destroy(err))
      opened.push(text)
      return text
    }
    const rels = await part('xl/_rels/workbook.xml.rels')
    if (rels) await reader._parseRels(rels)
    const book = await part('xl/workbook.xml')
    if (!book) throw unreadable('notSpreadsheet', 'not a readable .xlsx workbook: it has no xl/workbook.xml')
    await reader._parseWorkbook(book)
    const strings = await part('xl/sharedStrings.xml')
    if (strings) for await (const _ of reader._parseSharedStrings(strings)) void _
    const styles = await part('xl/styles.xml')
    if (styles) await reader._parseStyles(styles)
    const listed = reader.model?.sheets ?? []
    sheets = listed.map((s) => s.name)
    const wanted = listed[sheetIndex]
    let target: string | undefined
    if (wanted) {
      const rel = reader.workbookRels?.find((r) => r.Id === wanted.rId)
      target = rel ? partPath(rel.Target) : undefined
    } else if (sheetIndex === 0) {
      // a workbook that lists no sheet: its first worksheet part
      target = [...zip.entries.keys()].filter((n) => WORKSHEET.test(n)).sort((a, b) => Number(WORKSHEET.exec(a)![1] || 0) - Number(WORKSHEET.exec(b)![1] || 0))[0]
    }
    const sheet = target ? await part(target, true) : null
    if (!sheet) {
      if (sheetIndex > 0 && sheetIndex >= sheets.length) throw unreadable('noSuchSheet', `the workbook has no sheet ${sheetIndex + 1}`, { sheet: sheetIndex + 1 })
      throw unreadable('emptyFile', 'the workbook holds no sheet')
    }
    ws = reader._parseWorksheet(sheet, WORKSHEET.exec(target!)?.[1] || String(wanted?.id ?? 1)).next().value!.value
  } catch (e) {
    close()
    if (e instanceof AppError) throw e
    throw unreadable('notSpreadsheet', `not a readable .xlsx workbook: ${(e as Error).message}`)
  }
  async function* rows(): AsyncGenerator<RawRow> {
    try {
      for await (const row of ws as unknown as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[]
        yield { rowNumber: row.number, cells: Array.isArray(values) ? Array.from(values.slice(1)) : [] }
      }
    } catch (e) {
      throw unreadable('notSpreadsheet', `the workbook could not be read to its end: ${(e as Error).message}`)
    } finally {
      close()
    }
  }
  const fraction = () => (total ? Math.min(1, read / total) : 1)
  return { format: 'xlsx', sheets: sheets.length ? sheets : ['Sheet1'], sheet: sheetIndex, encoding: null, rows: rows(), fraction, close }
}

// ---- CSV --------------------------------------------------------------------------------------

/** The separator of the first line: comma, tab or semicolon (whichever occurs most outside quotes). */
function sniffSeparator(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? ''
  let best = ','
  let most = 0
  for (const sep of [',', '\t', ';']) {
    let n = 0
    let quoted = false
    for (const ch of line) {
      if (ch === '"') quoted = !quoted
      else if (!quoted && ch === sep) n++
    }
    if (n > most) {
      most = n
      best = sep
    }
  }
  return best
}

async function openCsv(file: string, size: number, encoding: CsvEncoding): Promise<OpenedSheet> {
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 })
  const c = counting(size)
  const decoded = input.pipe(c.stream).pipe(iconv.decodeStream(encoding === 'utf8' ? 'utf8' : encoding, { stripBOM: true }))
  async function* rows(): AsyncGenerator<RawRow> {
    let sep: string | null = null
    let field = ''
    let row: string[] = []
    let quoted = false
    let afterQuote = false
    let rowNumber = 1
    let pendingCR = false
    try {
      for await (const chunk of decoded as AsyncIterable<string>) {
        const s: string = chunk
        if (sep === null) sep = sniffSeparator(s)
        let out: RawRow[] = []
        for (let i = 0; i < s.length; i++) {
          const ch = s[i]!
          if (pendingCR) {
            pendingCR = false
            if (ch === '\n') continue
          }
          if (quoted) {
            if (ch === '"') {
              if (s[i + 1] === '"') {
                field += '"'
                i++
              } else if (i + 1 === s.length) {
                // the chunk ends on a quote: decided by the next chunk's first character
                quoted = false
                afterQuote = true
              } else {
                quoted = false
                afterQuote = true
              }
            } else field += ch
            continue
          }
          if (afterQuote && ch === '"' && field.length >= 0 && i === 0) {
            // "" split across two chunks: an escaped quote
            field += '"'
            quoted = true
            afterQuote = false
            continue
          }
          afterQuote = false
          if (ch === '"' && field === '') quoted = true
          else if (ch === sep) {
            row.push(field)
            field = ''
          } else if (ch === '\n' || ch === '\r') {
            row.push(field)
            out.push({ rowNumber: rowNumber++, cells: row })
            row = []
            field = ''
            if (ch === '\r') pendingCR = true
          } else field += ch
          if (field.length > 8 * 1024 * 1024) throw unreadable('cellTooLarge', 'a cell holds more than 8 MB of text')
        }
        for (const r of out) yield r
        out = []
      }
      if (field !== '' || row.length) {
        row.push(field)
        yield { rowNumber: rowNumber++, cells: row }
      }
    } finally {
      input.destroy()
    }
  }
  return { format: 'csv', sheets: ['CSV'], sheet: 0, encoding, rows: rows(), fraction: c.fraction, close: () => input.destroy() }
}
