// Electron's side of the contract: one ipcMain handler per call, `crm:<area>:<call>`.
// Only our own page may call (the sender frame's URL is checked on every message); the
// session key is the webContents id, and the session ends with its webContents.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { allCalls, channelOf, type ApiResult } from '../contract/index'
import { dispatch, type DispatchDeps } from '../ipc/dispatch'
import { applyDesktopEffects } from './desktop-effects'

const refused: ApiResult<never> = { ok: false, error: { code: 'forbidden', message: 'untrusted sender' } }

export function sessionKeyOf(contents: WebContents) {
  return `wc-${contents.id}`
}

/**
 * Registers every contract call. `deps` is read on each call, so the app context may be
 * swapped (the database became reachable) without registering again.
 */
export function registerIpc(deps: DispatchDeps, isTrustedUrl: (url: string) => boolean): string[] {
  const tracked = new WeakSet<WebContents>()
  const channels: string[] = []
  for (const [area, call] of allCalls()) {
    const channel = channelOf(area, call)
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown) => {
      const url = event.senderFrame?.url
      if (!url || !isTrustedUrl(url)) return refused
      const key = sessionKeyOf(event.sender)
      if (!tracked.has(event.sender)) {
        tracked.add(event.sender)
        event.sender.once('destroyed', () => deps.sessions.delete(key))
      }
      return applyDesktopEffects(area, call, await dispatch(deps, area, call, input, key), input, event.sender)
    })
    channels.push(channel)
  }
  return channels
}

export function unregisterIpc(channels: string[]) {
  for (const c of channels) ipcMain.removeHandler(c)
}
