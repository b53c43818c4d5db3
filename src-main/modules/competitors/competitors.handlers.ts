import { svc, type AreaHandlers } from '../handler-types'
import { competitorsCreate, competitorsList, competitorsRemove, competitorsUpdate } from './competitors.service'

export const competitorsHandlers: AreaHandlers<'competitors'> = {
  list: (c, i) => competitorsList(svc(c), i),
  create: (c, i) => competitorsCreate(svc(c), i),
  update: (c, i) => competitorsUpdate(svc(c), i),
  remove: (c, i) => competitorsRemove(svc(c), i),
}
