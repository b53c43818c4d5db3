// 需求追踪矩阵 as a formatted .xlsx (exceljs): a title row, bold frozen headers with a filter,
// real dates, late finishes in red with their delay, priorities coloured, widths that fit.
import ExcelJS from 'exceljs'
import type { RequirementRow } from '../../contract/requirements'

type Locale = 'zh-CN' | 'en-US'

const TEXT: Record<Locale, { title: string; generated: string; columns: string[]; priority: Record<string, string>; status: Record<string, string>; sheet: string }> = {
  'zh-CN': {
    sheet: '需求追踪矩阵',
    title: '需求追踪矩阵',
    generated: '导出日期',
    columns: ['需求编号', '客户', '需求描述', '优先级', '状态', '负责人', '计划开始', '计划完成', '实际开始', '实际完成', '延期天数', '变更次数'],
    priority: { high: '高', medium: '中', low: '低' },
    status: {
      received: '已接收', organising: '整理中', reviewing: '评议中', reported: '已报告', approved: '已批准', confirmed: '客户已确认',
      in_progress: '进行中', done: '已完成', rejected: '已拒绝',
    },
  },
  'en-US': {
    sheet: 'Requirements matrix',
    title: 'Requirements tracking matrix',
    generated: 'Exported on',
    columns: ['ID', 'Customer', 'Description', 'Priority', 'Status', 'Owner', 'Planned start', 'Planned finish', 'Actual start', 'Actual finish', 'Delay (days)', 'Changes'],
    priority: { high: 'High', medium: 'Medium', low: 'Low' },
    status: {
      received: 'Received', organising: 'Organising', reviewing: 'In review', reported: 'Reported', approved: 'Approved', confirmed: 'Confirmed by customer',
      in_progress: 'In progress', done: 'Done', rejected: 'Rejected',
    },
  },
}

const WIDTHS = [18, 28, 50, 8, 14, 12, 12, 12, 12, 12, 10, 9]
const DATE_COLS = [7, 8, 9, 10] // 1-based
const PRIORITY_FILL: Record<string, string> = { high: 'FFFDE2E2', medium: 'FFFFF4DC', low: 'FFEAF6EA' }

/** A calendar date as an Excel date (UTC midnight, so no zone shifts it). */
const excelDate = (d: string | null) => (d ? new Date(`${d}T00:00:00Z`) : null)

export async function buildMatrixWorkbook(rows: RequirementRow[], o: { locale: Locale; today: string }): Promise<Buffer> {
  const L = TEXT[o.locale]
  const wb = new ExcelJS.Workbook()
  wb.creator = 'CRM'
  wb.created = new Date(`${o.today}T00:00:00Z`)
  const ws = wb.addWorksheet(L.sheet, { views: [{ state: 'frozen', ySplit: 2 }] })
  ws.columns = WIDTHS.map((width) => ({ width }))

  ws.mergeCells(1, 1, 1, L.columns.length)
  const title = ws.getCell(1, 1)
  title.value = `${L.title}（${L.generated} ${o.today}）`
  title.font = { bold: true, size: 14 }
  ws.getRow(1).height = 24

  const header = ws.getRow(2)
  header.values = L.columns
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } }
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true }
  header.height = 22
  header.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF409EFF' } }
    c.border = { bottom: { style: 'thin', color: { argb: 'FF2B6CB0' } } }
  })

  for (const r of rows) {
    const row = ws.addRow([
      r.code, r.customerName, r.workContent, L.priority[r.priority] ?? r.priority, L.status[r.status] ?? r.status, r.ownerName ?? '',
      excelDate(r.plannedStart), excelDate(r.plannedFinish), excelDate(r.actualStart), excelDate(r.actualFinish), r.delayDays, r.changeCount,
    ])
    row.alignment = { vertical: 'top', wrapText: true }
    for (const c of DATE_COLS) row.getCell(c).numFmt = 'yyyy-mm-dd'
    row.getCell(4).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: PRIORITY_FILL[r.priority] ?? 'FFFFFFFF' } }
    row.getCell(4).alignment = { horizontal: 'center', vertical: 'top' }
    if (r.delayDays > 0) {
      for (const c of [8, 11]) {
        row.getCell(c).font = { bold: true, color: { argb: 'FFC0392B' } }
        row.getCell(c).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDECEA' } }
      }
    }
  }
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + rows.length, column: L.columns.length } }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
