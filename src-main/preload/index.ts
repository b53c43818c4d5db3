// The renderer's only door to the main process: window.crm.<area>.<call>(input), one
// method per contract call, each invoking exactly its own channel. ipcRenderer itself is
// never exposed. Bundled as CommonJS: sandboxed preloads cannot be ES modules.
// window.crmShell: what the desktop shell (tray, menus, crm:// links, sleep) asks of the page,
// and the UI language and due count the shell shows; commands that arrive before the page
// listens are kept until it does.
import { contextBridge, ipcRenderer } from 'electron'
import { allCalls, channelOf } from '../contract/index'
import type { CrmBridge } from './crm-bridge'

function buildBridge(): CrmBridge {
  const bridge: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {}
  for (const [area, call] of allCalls()) {
    const channel = channelOf(area, call)
    ;(bridge[area] ??= {})[call] = (input: unknown) => ipcRenderer.invoke(channel, input)
  }
  for (const area of Object.values(bridge)) Object.freeze(area)
  return Object.freeze(bridge) as CrmBridge
}

export const crmBridge: CrmBridge = buildBridge()

// the channels of src-main/window/desktop-shell.ts (not imported: the preload bundle stays free of main's code)
const COMMAND = 'crm-shell:command'
const LANGUAGE = 'crm-shell:language'
const DUE = 'crm-shell:due'
const FOCUS = 'crm-shell:focus'
const OPENED_FILE = 'crm-shell:opened-file'

export function buildShell() {
  let listener: ((command: string, arg?: string) => void) | null = null
  const queued: Array<[string, string | undefined]> = []
  ipcRenderer.on(COMMAND, (_e: unknown, command: unknown, arg: unknown) => {
    if (typeof command !== 'string') return
    const a = typeof arg === 'string' ? arg : undefined
    if (listener) listener(command, a)
    else queued.push([command, a])
  })
  return Object.freeze({
    onCommand(fn: (command: string, arg?: string) => void) {
      listener = fn
      for (const [c, a] of queued.splice(0)) fn(c, a)
    },
    setLanguage(locale: string) {
      ipcRenderer.send(LANGUAGE, String(locale))
    },
    setDueCount(n: number) {
      ipcRenderer.send(DUE, Math.max(0, Math.trunc(Number(n) || 0)))
    },
    focus() {
      ipcRenderer.send(FOCUS)
    },
    /** the .xlsx/.csv file last opened with the app ({ fileName, contentBase64 } or { fileName, error }), once; null without one */
    openedFile(): Promise<unknown> {
      return ipcRenderer.invoke(OPENED_FILE)
    },
  })
}

contextBridge.exposeInMainWorld('crm', crmBridge)
contextBridge.exposeInMainWorld('crmShell', buildShell())
