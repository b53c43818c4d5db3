// What only the desktop shell can do after a call has succeeded in the services:
// opening a stored attachment with the operating system's program.
import { shell } from 'electron'
import type { ApiResult } from '../contract/index'

export async function applyDesktopEffects(area: string, call: string, result: ApiResult<unknown>): Promise<ApiResult<unknown>> {
  if (!result.ok) return result
  if (area === 'interactions' && call === 'openAttachment') {
    const data = result.data as { path: string; opened: boolean }
    const failure = await shell.openPath(data.path) // '' on success
    return { ok: true, data: { ...data, opened: failure === '' } }
  }
  return result
}
