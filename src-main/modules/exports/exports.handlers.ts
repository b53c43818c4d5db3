import { svc, type AreaHandlers } from '../handler-types'
import { exportsRun } from './exports.service'

export const exportsHandlers: AreaHandlers<'exports'> = {
  run: (c, i) => exportsRun(svc(c), i),
}
