// 保存为 PDF in the desktop app: the window shows the A4 order sheet (the renderer's print view);
// after the service has checked the caller may see the order (orders.savePdf), the user picks
// where to save and the window is printed to PDF with its print stylesheet.
import fs from 'node:fs/promises'
import path from 'node:path'
import { app, BrowserWindow, dialog, type WebContents } from 'electron'

export interface SavedPdf {
  saved: boolean
  path: string | null
}

/** Asks where to save `fileName` (in Documents by default) and writes the window as an A4 PDF there. */
export async function saveWindowAsPdf(contents: WebContents, fileName: string): Promise<SavedPdf> {
  const safeName = path.basename(fileName).replace(/[\\/:*?"<>|]/g, '_') || 'order.pdf'
  const owner = BrowserWindow.fromWebContents(contents)
  const options = {
    defaultPath: path.join(app.getPath('documents'), safeName),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>,
  }
  const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options)
  if (choice.canceled || !choice.filePath) return { saved: false, path: null }
  const target = choice.filePath.toLowerCase().endsWith('.pdf') ? choice.filePath : `${choice.filePath}.pdf`
  // margins come from the sheet's @page rule (A4, 12 mm); backgrounds keep the table headers shaded
  const pdf = await contents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true })
  await fs.writeFile(target, pdf)
  return { saved: true, path: target }
}
