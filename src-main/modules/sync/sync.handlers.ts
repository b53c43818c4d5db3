import { svc, type AreaHandlers } from '../handler-types'
import { syncDetails, syncNow, syncResolve, syncSaveSettings, syncStatus } from './sync.desktop'

export const syncHandlers: AreaHandlers<'sync'> = {
  status: (c) => syncStatus(svc(c)),
  details: (c) => syncDetails(svc(c)),
  now: (c) => syncNow(svc(c)),
  resolve: (c, i) => syncResolve(svc(c), i),
  saveSettings: (c, i) => syncSaveSettings(svc(c), i),
}
