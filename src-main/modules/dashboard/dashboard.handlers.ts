import { svc, type AreaHandlers } from '../handler-types'
import { dashboardLayout, dashboardOverview, dashboardSaveLayout } from './dashboard.service'

export const dashboardHandlers: AreaHandlers<'dashboard'> = {
  overview: (c, i) => dashboardOverview(svc(c), i),
  layout: (c) => dashboardLayout(svc(c)),
  saveLayout: (c, i) => dashboardSaveLayout(svc(c), i),
}
