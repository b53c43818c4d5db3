// What only the desktop shell can do after a call has succeeded in the services (which checked
// the caller and the permission): opening a stored attachment with the operating system's
// program; saving the window showing an order sheet as a PDF (orders.savePdf); start at login;
// the native folder and file pickers (backups, 定时报告's folder); putting 复制诊断信息 on the clipboard; the app's
// updates (window/app-updates.ts: status, 检查更新, 下载更新, 重启并安装).
import path from 'node:path'
import { app, BrowserWindow, clipboard, dialog, shell, type WebContents } from 'electron'
import type { ApiResult } from '../contract/index'
import { saveWindowAsPdf } from './order-pdf'
import type { AppUpdates } from './app-updates'

let updates: AppUpdates | null = null
/** The app's updater (index.ts sets it once the window is up). */
export function setAppUpdates(u: AppUpdates | null) {
  updates = u
}

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

const loginItem = () => ({ supported: true, openAtLogin: app.getLoginItemSettings().openAtLogin })

async function pick(sender: WebContents | undefined, folder: boolean, current: string | null): Promise<string | null> {
  const win = sender ? BrowserWindow.fromWebContents(sender) : null
  const options: Electron.OpenDialogOptions = folder
    ? { properties: ['openDirectory', 'createDirectory'], defaultPath: current ?? undefined }
    : { properties: ['openFile', 'openDirectory'], filters: [{ name: 'CRM backup', extensions: ['sqlite', 'json', 'db'] }] }
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return r.canceled || !r.filePaths.length ? null : r.filePaths[0]
}

async function systemEffect(call: string, input: unknown, sender: WebContents | undefined, data: unknown): Promise<unknown> {
  const i = (input ?? {}) as { openAtLogin?: boolean; current?: string | null }
  switch (call) {
    case 'desktopPrefs':
      return loginItem()
    case 'saveDesktopPrefs':
      app.setLoginItemSettings({ openAtLogin: i.openAtLogin === true })
      return loginItem()
    case 'chooseFolder':
      return { supported: true, path: await pick(sender, true, i.current ?? null) }
    case 'chooseFile':
      return { supported: true, path: await pick(sender, false, null) }
    case 'updateStatus':
      return updates ? updates.state : data
    case 'checkForUpdates':
      return updates ? await updates.check() : data
    case 'downloadUpdate':
      return updates ? updates.download() : data
    case 'installUpdate':
      return updates ? updates.install() : data
    case 'diagnostics': {
      const d = data as { text: string; copied: boolean }
      clipboard.writeText(d.text)
      return { ...d, copied: true }
    }
    default:
      return data
  }
}

export async function applyDesktopEffects(area: string, call: string, result: ApiResult<unknown>, input?: unknown, sender?: WebContents): Promise<ApiResult<unknown>> {
  if (!result.ok) return result
  if (area === 'system') return { ok: true, data: await systemEffect(call, input, sender, result.data) }
  if ((area === 'orders' || area === 'reports') && call === 'savePdf' && sender) {
    const data = result.data as { fileName: string }
    return { ok: true, data: { ...data, ...(await saveWindowAsPdf(sender, data.fileName)) } }
  }
  if (area === 'reports' && call === 'savedChooseFolder') {
    const i = (input ?? {}) as { current?: string | null }
    return { ok: true, data: { supported: true, path: await pick(sender, true, i.current ?? null) } }
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
