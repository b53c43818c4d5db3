// 定时报告's PDF, with Electron MOCKED (no Electron runs here): the workbook's sheets become one
// printable HTML page (title, filters and period, the table with its totals — read back from the
// .xlsx bytes), which printHtmlToPdf loads into a hidden, script-less window of its own session
// and prints A4 landscape with webContents.printToPDF; the window is destroyed after success,
// failure and timeout alike.
import ExcelJS from 'exceljs'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const state = vi.hoisted(() => ({
  windows: [] as Array<{ options: unknown; url: string | null; destroyed: boolean; print: unknown }>,
  printResult: (): Promise<Buffer> => Promise.resolve(Buffer.from('%PDF-1.7 mocked')),
  loadResult: (): Promise<void> => Promise.resolve(),
}))

vi.mock('electron', () => {
  class BrowserWindow {
    rec: (typeof state.windows)[number]
    webContents: { printToPDF: (o: unknown) => Promise<Buffer> }
    constructor(options: unknown) {
      this.rec = { options, url: null, destroyed: false, print: null }
      state.windows.push(this.rec)
      this.webContents = {
        printToPDF: (o: unknown) => {
          this.rec.print = o
          return state.printResult()
        },
      }
    }
    loadURL(url: string) {
      this.rec.url = url
      return state.loadResult()
    }
    isDestroyed() {
      return this.rec.destroyed
    }
    destroy() {
      this.rec.destroyed = true
    }
  }
  return { BrowserWindow, default: { BrowserWindow } }
})

const { printHtmlToPdf } = await import('../../src-main/window/report-pdf')
const { workbookHtml } = await import('../../src-main/modules/reports/reports.saved.html')

beforeEach(() => {
  state.windows.length = 0
  state.printResult = () => Promise.resolve(Buffer.from('%PDF-1.7 mocked'))
  state.loadResult = () => Promise.resolve()
})

describe('定时报告 PDF (Electron mocked)', () => {
  it('prints the page in a hidden window without scripts, A4 landscape, and destroys the window', async () => {
    const pdf = await printHtmlToPdf('<html><body><h1>客户贡献分析</h1></body></html>')
    expect(pdf.toString()).toBe('%PDF-1.7 mocked')
    expect(state.windows).toHaveLength(1)
    const w = state.windows[0]
    expect(w.options).toMatchObject({ show: false, webPreferences: { javascript: false, partition: 'report-pdf', sandbox: true, nodeIntegration: false } })
    expect(decodeURIComponent(w.url!.replace(/^data:text\/html;charset=utf-8,/, ''))).toContain('<h1>客户贡献分析</h1>')
    expect(w.print).toMatchObject({ landscape: true, pageSize: 'A4', printBackground: true })
    expect(w.destroyed).toBe(true)
  })

  it('a print that fails or hangs rejects, and the window is destroyed anyway', async () => {
    state.printResult = () => Promise.reject(new Error('printing failed'))
    await expect(printHtmlToPdf('<p>x</p>')).rejects.toThrow('printing failed')
    expect(state.windows[0].destroyed).toBe(true)
    state.printResult = () => new Promise<Buffer>(() => {})
    await expect(printHtmlToPdf('<p>x</p>', 50)).rejects.toThrow('printing took longer than 0.05 s')
    expect(state.windows[1].destroyed).toBe(true)
  })

  it('the page holds the workbook: title, filters and period, the table with money, percentages and the total', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('客户贡献分析')
    ws.addRow(['客户贡献分析'])
    ws.addRow(['期间', '2026-11-01 ~ 2026-11-30'])
    ws.addRow(['团队', '华南<一组>'])
    ws.addRow([])
    ws.addRow(['排名', '客户名称', '金额', '占比'])
    const r = ws.addRow([1, '广州精工有限公司', 4000, 0.6154])
    r.getCell(3).numFmt = '#,##0.00'
    r.getCell(4).numFmt = '0.00%'
    const total = ws.addRow(['合计', null, 6500])
    total.getCell(3).numFmt = '#,##0.00'
    const html = await workbookHtml(Buffer.from(await wb.xlsx.writeBuffer()), '月报')
    expect(html).toContain('<title>月报</title>')
    expect(html).toContain('<h1>客户贡献分析</h1>')
    expect(html).toContain('<dt>期间</dt><dd>2026-11-01 ~ 2026-11-30</dd>')
    expect(html).toContain('<dd>华南&lt;一组&gt;</dd>') // escaped
    expect(html).toContain('<th>排名</th><th>客户名称</th><th>金额</th><th>占比</th>')
    expect(html).toContain('<td>1</td><td>广州精工有限公司</td><td>4,000.00</td><td>61.54%</td>')
    expect(html).toContain('<td>合计</td><td></td><td>6,500.00</td><td></td>')
    expect(html).toContain('size: A4 landscape')
  })
})
