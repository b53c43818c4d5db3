import { svc, type AreaHandlers } from '../handler-types'
import { reportsExport } from './reports.export'
import { reportsPipeline } from './reports.pipeline'
import { savedChooseFolder, savedList, savedRemove, savedRun, savedRuns, savedSave } from './reports.saved.service'
import { reportsChurn, reportsComposition, reportsContribution, reportsFollowUps, reportsSavePdf, reportsService } from './reports.service'

export const reportsHandlers: AreaHandlers<'reports'> = {
  contribution: (c, i) => reportsContribution(svc(c), i),
  composition: (c, i) => reportsComposition(svc(c), i),
  service: (c, i) => reportsService(svc(c), i),
  churn: (c, i) => reportsChurn(svc(c), i),
  pipeline: (c, i) => reportsPipeline(svc(c), i),
  followups: (c, i) => reportsFollowUps(svc(c), i),
  export: (c, i) => reportsExport(svc(c), i),
  savePdf: (c, i) => reportsSavePdf(svc(c), i),
  // 定时报告 (reports.saved.service.ts)
  savedList: (c) => savedList(svc(c)),
  savedSave: (c, i) => savedSave(svc(c), i),
  savedRemove: (c, i) => savedRemove(svc(c), i),
  savedRun: (c, i) => savedRun(svc(c), i),
  savedRuns: (c, i) => savedRuns(svc(c), i),
  savedChooseFolder: (c) => savedChooseFolder(svc(c)),
}
