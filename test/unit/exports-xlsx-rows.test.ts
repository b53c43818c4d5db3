// The export's .xlsx rows are written as XML text (rowXml) instead of through exceljs' Row and Cell
// objects: the sheet and its styles must come out byte for byte as exceljs' own row writer writes
// them for the same values — escapes, dropped control characters, numbers, dates, empty cells and
// rows, the bold totals row, long texts across the writer's buffer.
import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import zlib from 'node:zlib'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { cellValue, columnLetters, NUM_FMT, openSheetWriter, safeSheetName, xmlText, type SheetOptions } from '../../src-main/modules/exports/exports.writer'

/** The entries of a zip file (central directory; stored or deflated), by name. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  let p = buf.readUInt32LE(end + 16)
  for (let n = buf.readUInt16LE(end + 10); n > 0; n--) {
    const method = buf.readUInt16LE(p + 10)
    const size = buf.readUInt32LE(p + 20)
    const nameLen = buf.readUInt16LE(p + 28)
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen)
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const data = buf.subarray(start, start + size)
    out.set(name.replace(/^\//, ''), method === 8 ? zlib.inflateRawSync(data) : data)
    p += 46 + skip
  }
  return out
}

async function collect(write: (out: PassThrough) => Promise<void>): Promise<Map<string, Buffer>> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const ended = once(out, 'end')
  await write(out)
  await ended
  return unzip(Buffer.concat(chunks))
}

/** The reference: the same sheet through exceljs' Row/Cell objects (the export's writer before the XML rows). */
async function throughExceljsRows(out: PassThrough, o: SheetOptions, rows: Array<Record<string, unknown>>) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  const ws = wb.addWorksheet(safeSheetName(o.sheetName), { views: [{ state: 'frozen', ySplit: 1 }] })
  const styles = o.columns.map((c) => (NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type]! } : null))
  const noStyle = {}
  ws.columns = o.columns.map((c, i) => ({ header: c.header, key: c.key, width: c.width, ...(styles[i] ? { style: styles[i] } : {}) }))
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } }
  header.commit()
  let rowNo = 1
  const writeRow = (values: Array<string | number | Date | null>, bold: boolean) => {
    const r = ws.getRow(++rowNo)
    values.forEach((v, i) => {
      if (v === null) return
      const cell = r.getCell(i + 1)
      cell.value = v
      cell.style = bold ? { ...styles[i] } : (styles[i] ?? noStyle)
    })
    if (bold) r.font = { bold: true }
    r.commit()
  }
  const sums = new Map(o.columns.filter((c) => c.total).map((c) => [c.key, 0]))
  for (const row of rows) {
    for (const [k, s] of sums) sums.set(k, s + (Number(row[k]) || 0))
    writeRow(o.columns.map((c) => cellValue(c.type, row[c.key], o.utcOffsetMinutes)), false)
  }
  if (sums.size) writeRow(o.columns.map((c, i) => (i === 0 && !c.total ? o.totalsLabel : cellValue(c.type, sums.get(c.key), o.utcOffsetMinutes))), true)
  ws.commit()
  await wb.commit()
}

const options: SheetOptions = {
  format: 'xlsx',
  encoding: 'utf8',
  sheetName: '客户列表 2026-12-07',
  totalsLabel: '合计',
  utcOffsetMinutes: 480,
  columns: [
    { key: 'name', header: '客户名称', width: 30, type: 'text' },
    { key: 'note', header: '备注', width: 30, type: 'text' },
    { key: 'rating', header: '信用等级', width: 8, type: 'int' },
    { key: 'amount', header: '金额(元)', width: 14, type: 'money', total: true },
    { key: 'day', header: '日期', width: 12, type: 'date' },
    { key: 'at', header: '时间', width: 18, type: 'datetime' },
  ],
}

const tricky: Array<Record<string, unknown>> = [
  { name: '北京晟嘉 & <Co> "quoted" \'single\'', note: 'tab\there\nnew line\r\nCR', rating: 3, amount: 1234567, day: '2026-12-07', at: '2026-12-07T08:30:00.000Z' },
  { name: 'ctrl\u0001\u0008\u000b\u000c\u000e\u001f\u007fdropped', note: '=SUM(A1:A2)', rating: 'abc', amount: -5, day: 'not a date', at: 'soon' },
  { name: '', note: null, rating: null, amount: null, day: null, at: null }, // no cell at all: no row
  { name: null, note: '😀 emoji 𠮷', rating: 0, amount: 0, day: '1999-01-01T00:00:00Z', at: '1970-01-01T00:00:00Z' },
  { name: 42, note: 'x'.repeat(1_200_000), rating: 1e21, amount: 1, day: undefined, at: '2026-02-29T23:59:59.999+08:00' },
  { name: 'only the last cell', at: '2026-12-07T00:00:00Z' },
]
// enough rows to cross the writer's buffer and its every-1,000-rows drain
const many = Array.from({ length: 2600 }, (_, i) => ({
  name: `客户${i} <${i % 7}>`, note: i % 3 ? `备注 ${i} & more` : null, rating: i % 5, amount: i * 101, day: `2026-${String((i % 12) + 1).padStart(2, '0')}-15`, at: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
}))

describe('export .xlsx rows as XML text', () => {
  it.each([
    ['tricky values', tricky],
    ['2,600 rows', many],
    ['tricky values among many rows', [...many.slice(0, 1500), ...tricky, ...many.slice(1500)]],
    ['no rows', []],
  ])('writes the sheet and its styles byte for byte as exceljs does: %s', async (_name, rows) => {
    const ours = await collect(async (out) => {
      const w = openSheetWriter(out, options)
      for (const r of rows) await w.add(r)
      await w.finish()
    })
    const theirs = await collect((out) => throughExceljsRows(out, options, rows))
    for (const part of ['xl/worksheets/sheet1.xml', 'xl/styles.xml', 'xl/workbook.xml', '[Content_Types].xml']) {
      expect(ours.get(part)?.toString('utf8'), part).toBe(theirs.get(part)?.toString('utf8'))
    }
  })

  it('a sheet without a totals column has no totals row, and reads back through exceljs', async () => {
    const o: SheetOptions = { ...options, columns: options.columns.filter((c) => !c.total) }
    const bytes = await zipOf(o)
    const parts = unzip(bytes)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(bytes as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]!
    expect(ws.getCell('A2').value).toBe('北京晟嘉 & <Co> "quoted" \'single\'')
    // an XML reader turns CR LF into LF (exceljs' own files too: the sheets are the same bytes)
    expect(ws.getCell('B2').value).toBe('tab\there\nnew line\nCR')
    expect(ws.getCell('A3').value).toBe('ctrldropped')
    expect((ws.getCell('D2').value as Date).toISOString()).toBe('2026-12-07T00:00:00.000Z')
    expect((ws.getCell('E2').value as Date).toISOString()).toBe('2026-12-07T16:30:00.000Z') // 08:30 UTC at +08:00
    expect(ws.getCell('E3').value).toBe('soon')
    expect(ws.getCell('B5').value).toBe('😀 emoji 𠮷')
    expect(ws.rowCount).toBe(7) // header, 5 rows with cells (the empty one is not written)
    expect(parts.get('xl/worksheets/sheet1.xml')!.toString('utf8')).not.toContain('合计')
  })

  it('escapes as exceljs does and names columns past Z', () => {
    expect(xmlText('a&b<c>d"e\'f')).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f')
    expect(xmlText('\u0000x\u0009\u000a\u000d\u001f\u007f')).toBe('x\t\n\r')
    expect(xmlText('普通文本')).toBe('普通文本')
    expect([1, 26, 27, 33, 52, 53, 702, 703].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AG', 'AZ', 'BA', 'ZZ', 'AAA'])
  })
})

/** The bytes of a workbook written by openSheetWriter with `o` from the tricky rows. */
async function zipOf(o: SheetOptions): Promise<Buffer> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const ended = once(out, 'end')
  const w = openSheetWriter(out, o)
  for (const r of tricky) await w.add(r)
  expect(await w.finish()).toBe(tricky.length)
  await ended
  return Buffer.concat(chunks)
}
