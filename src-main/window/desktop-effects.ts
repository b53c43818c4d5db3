// What only the desktop shell can do after a call has succeeded in the services:
// opening a stored attachment with the operating system's program, and saving the window
// showing an order sheet as a PDF (orders.savePdf).
import path from 'node:path'
import { shell, type WebContents } from 'electron'
import type { ApiResult } from '../contract/index'
import { saveWindowAsPdf } from './order-pdf'

/**
 * Attachment types the OS may open directly: documents, images, media, archives. Anything
 * else (.exe, .bat, .lnk, .js, .hta, .ps1, .app, .sh, .html, macro-enabled Office files…)
 * would run or script rather than be viewed, so it is only shown in its folder.
 */
export const OPENABLE_EXTENSIONS = new Set([
  '.pdf', '.txt', '.csv', '.rtf', '.md', '.log',
  '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.odt', '.ods', '.odp', '.wps', '.et', '.dps',
  '.png', '.jpg', '.jpeg', '.gif', '.bmp', '.webp', '.tif', '.tiff', '.heic',
  '.mp3', '.wav', '.m4a', '.mp4', '.mov',
  '.zip', '.rar', '.7z',
])

export const isOpenable = (file: string) => OPENABLE_EXTENSIONS.has(path.extname(file).toLowerCase())

export async function applyDesktopEffects(area: string, call: string, result: ApiResult<unknown>, sender?: WebContents): Promise<ApiResult<unknown>> {
  if (!result.ok) return result
  if (area === 'orders' && call === 'savePdf' && sender) {
    const data = result.data as { fileName: string }
    return { ok: true, data: { ...data, ...(await saveWindowAsPdf(sender, data.fileName)) } }
  }
  if (area === 'interactions' && call === 'openAttachment') {
    const data = result.data as { path: string; opened: boolean }
    if (!isOpenable(data.path)) {
      shell.showItemInFolder(data.path) // the renderer shows the path as well
      return { ok: true, data: { ...data, opened: false } }
    }
    const failure = await shell.openPath(data.path) // '' on success
    return { ok: true, data: { ...data, opened: failure === '' } }
  }
  return result
}
