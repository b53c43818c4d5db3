import { svc, type AreaHandlers } from '../handler-types'
import { targetsList, targetsPerformance, targetsRemove, targetsSave } from './targets.service'

export const targetsHandlers: AreaHandlers<'targets'> = {
  list: (c, i) => targetsList(svc(c), i),
  save: (c, i) => targetsSave(svc(c), i),
  remove: (c, i) => targetsRemove(svc(c), i),
  performance: (c, { scope, ...i }) => targetsPerformance(svc(c), { ...i, within: scope }),
}
