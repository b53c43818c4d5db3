import { svc, type AreaHandlers } from '../handler-types'
import { about, choosePath, desktopPrefs, diagnostics, lockPolicy, saveLockPolicy } from './system.service'

export const systemHandlers: AreaHandlers<'system'> = {
  lockPolicy: (c) => lockPolicy(svc(c)),
  saveLockPolicy: (c, i) => saveLockPolicy(svc(c), i),
  about: (c) => about(svc(c)),
  diagnostics: (c) => diagnostics(svc(c)),
  desktopPrefs: (c) => desktopPrefs(svc(c)),
  saveDesktopPrefs: (c) => desktopPrefs(svc(c)),
  chooseFolder: (c) => choosePath(svc(c)),
  chooseFile: (c) => choosePath(svc(c)),
}
