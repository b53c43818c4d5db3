// The renderer's only door to the main process: window.crm.<area>.<call>(input), one
// method per contract call, each invoking exactly its own channel. ipcRenderer itself is
// never exposed. Bundled as CommonJS: sandboxed preloads cannot be ES modules.
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

contextBridge.exposeInMainWorld('crm', crmBridge)
