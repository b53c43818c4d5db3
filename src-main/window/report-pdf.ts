// 定时报告 as PDF in the desktop app: the report's printable page (reports.saved.html.ts, made from
// the workbook just written) loaded into a hidden window of its own — an in-memory session, no
// JavaScript, no preload — and printed with webContents.printToPDF (A4 landscape, the page's own
// @page margins). The window is closed whatever happens.
import { BrowserWindow } from 'electron'

/** A hidden window's print of `html`; rejects when it cannot load or print within `timeoutMs`. */
export async function printHtmlToPdf(html: string, timeoutMs = 60_000): Promise<Buffer> {
  const win = new BrowserWindow({
    show: false,
    width: 1123,
    height: 794,
    webPreferences: { partition: 'report-pdf', javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, offscreen: true },
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const work = (async () => {
      await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`)
      return win.webContents.printToPDF({ landscape: true, pageSize: 'A4', printBackground: true, preferCSSPageSize: true })
    })()
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`printing took longer than ${timeoutMs / 1000} s`)), timeoutMs)
    })
    return Buffer.from(await Promise.race([work, timeout]))
  } finally {
    if (timer) clearTimeout(timer)
    if (!win.isDestroyed()) win.destroy()
  }
}
