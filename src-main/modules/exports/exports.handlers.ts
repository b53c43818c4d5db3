import { svc, type AreaHandlers } from '../handler-types'
import { exportsCancel, exportsFetch, exportsProgress, exportsRun, exportsStart } from './exports.service'

export const exportsHandlers: AreaHandlers<'exports'> = {
  run: (c, i) => exportsRun(svc(c), i),
  start: (c, i) => exportsStart(svc(c), i),
  progress: (c, i) => exportsProgress(svc(c), i),
  cancel: (c, i) => exportsCancel(svc(c), i),
  fetch: (c, i) => exportsFetch(svc(c), i),
}
