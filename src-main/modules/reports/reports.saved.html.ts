// The PDF of a 定时报告 prints what the workbook holds: each sheet (title, filters and period,
// the table with its totals) as an HTML page the desktop shell prints with webContents.printToPDF.
// Read back from the very bytes written to the .xlsx, so the two files never disagree.
import ExcelJS from 'exceljs'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function text(cell: ExcelJS.Cell): string {
  const v = cell.value
  if (v == null) return ''
  if (v instanceof Date) return cell.numFmt?.includes('hh') ? v.toISOString().slice(0, 16).replace('T', ' ') : v.toISOString().slice(0, 10)
  if (typeof v === 'number') {
    const f = cell.numFmt ?? ''
    if (f.includes('%')) return `${(v * 100).toFixed(2)}%`
    if (f.includes('#,##0.00')) return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    if (f === '0.00') return v.toFixed(2)
    return String(v)
  }
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('')
  return String(v)
}

/** The workbook's sheets as one printable A4 page each. */
export async function workbookHtml(xlsx: Buffer, title: string): Promise<string> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer)
  const sheets: string[] = []
  wb.eachSheet((ws) => {
    const rows: string[][] = []
    ws.eachRow({ includeEmpty: true }, (row) => {
      const cells: string[] = []
      for (let i = 1; i <= Math.max(row.cellCount, 1); i++) cells.push(text(row.getCell(i)))
      rows.push(cells)
    })
    // the title, the filters (label: value) down to the blank row, then the table
    const blank = rows.findIndex((r) => r.every((c) => c === ''))
    const heading = rows[0]?.[0] ?? ''
    const filters = rows.slice(1, blank < 0 ? 1 : blank)
    const table = blank < 0 ? [] : rows.slice(blank + 1)
    const width = Math.max(1, ...table.map((r) => r.length))
    const pad = (r: string[]) => [...r, ...Array(width - r.length).fill('')]
    sheets.push(
      `<section><h1>${esc(heading)}</h1><dl>${filters.map((f) => `<dt>${esc(f[0] ?? '')}</dt><dd>${esc(f[1] ?? '')}</dd>`).join('')}</dl>` +
        (table.length
          ? `<table><thead><tr>${pad(table[0]).map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${table
              .slice(1)
              .map((r) => `<tr>${pad(r).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
              .join('')}</tbody></table>`
          : '') +
        '</section>',
    )
  })
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; font-size: 10pt; color: #303133; }
section { page-break-after: always; } section:last-child { page-break-after: auto; }
h1 { font-size: 15pt; margin: 0 0 6pt; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2pt 10pt; margin: 0 0 8pt; } dt { color: #606266; font-weight: bold; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; } th { background: #eff3f8; text-align: left; } th, td { border-bottom: 1px solid #dcdfe6; padding: 3pt 5pt; }
tbody tr:last-child td { font-weight: bold; }
</style></head><body>${sheets.join('')}</body></html>`
}
