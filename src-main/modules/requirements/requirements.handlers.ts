import { svc, type AreaHandlers } from '../handler-types'
import {
  requirementsAddAttachment, requirementsApprove, requirementsConfirm, requirementsCreate, requirementsDownloadAttachment, requirementsExportMatrix,
  requirementsFinish, requirementsGet, requirementsList, requirementsOrganise, requirementsReject, requirementsRemove, requirementsRemoveAttachment,
  requirementsReport, requirementsReview, requirementsStart, requirementsStartReview, requirementsUpdate,
} from './requirements.service'

export const requirementsHandlers: AreaHandlers<'requirements'> = {
  list: (c, i) => requirementsList(svc(c), i),
  get: (c, i) => requirementsGet(svc(c), i),
  create: (c, i) => requirementsCreate(svc(c), i),
  update: (c, i) => requirementsUpdate(svc(c), i),
  remove: (c, i) => requirementsRemove(svc(c), i),
  organise: (c, i) => requirementsOrganise(svc(c), i),
  startReview: (c, i) => requirementsStartReview(svc(c), i),
  review: (c, i) => requirementsReview(svc(c), i),
  report: (c, i) => requirementsReport(svc(c), i),
  approve: (c, i) => requirementsApprove(svc(c), i),
  reject: (c, i) => requirementsReject(svc(c), i),
  confirm: (c, i) => requirementsConfirm(svc(c), i),
  start: (c, i) => requirementsStart(svc(c), i),
  finish: (c, i) => requirementsFinish(svc(c), i),
  addAttachment: (c, i) => requirementsAddAttachment(svc(c), i),
  removeAttachment: (c, i) => requirementsRemoveAttachment(svc(c), i),
  downloadAttachment: (c, i) => requirementsDownloadAttachment(svc(c), i),
  exportMatrix: (c, i) => requirementsExportMatrix(svc(c), i),
}
