import { svc, type AreaHandlers } from '../handler-types'
import { backupInspect, backupRestore, backupRun, backupSaveSettings, backupStatus } from './backup.service'
import { exportArchive } from './backup.archive'

export const backupHandlers: AreaHandlers<'backup'> = {
  status: (c) => backupStatus(svc(c)),
  saveSettings: (c, i) => backupSaveSettings(svc(c), i),
  run: (c) => backupRun(svc(c)),
  inspect: (c, i) => backupInspect(svc(c), i),
  restore: (c, i) => backupRestore(svc(c), i),
  exportArchive: (c, i) => exportArchive(svc(c), i),
}
