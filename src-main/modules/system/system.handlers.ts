import { svc, type AreaHandlers } from '../handler-types'
import { about, choosePath, desktopPrefs, diagnostics, lockPolicy, saveLockPolicy, saveUpdateSettings, updateSettings, updateStatus } from './system.service'

export const systemHandlers: AreaHandlers<'system'> = {
  lockPolicy: (c) => lockPolicy(svc(c)),
  saveLockPolicy: (c, i) => saveLockPolicy(svc(c), i),
  about: (c) => about(svc(c)),
  diagnostics: (c) => diagnostics(svc(c)),
  desktopPrefs: (c) => desktopPrefs(svc(c)),
  saveDesktopPrefs: (c) => desktopPrefs(svc(c)),
  chooseFolder: (c) => choosePath(svc(c)),
  chooseFile: (c) => choosePath(svc(c)),
  updateSettings: (c) => updateSettings(svc(c)),
  saveUpdateSettings: (c, i) => saveUpdateSettings(svc(c), i),
  updateStatus: (c) => updateStatus(svc(c)),
  checkForUpdates: (c) => updateStatus(svc(c)),
  downloadUpdate: (c) => updateStatus(svc(c)),
  installUpdate: (c) => updateStatus(svc(c)),
}
