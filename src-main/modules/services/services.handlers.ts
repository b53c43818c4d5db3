import { svc, type AreaHandlers } from '../handler-types'
import {
  servicesAddNote, servicesArchive, servicesAssign, servicesBoard, servicesConfirmQuote, servicesCounts, servicesCreate, servicesDecideQuote,
  servicesFeedback, servicesGet, servicesHandle, servicesHandlerOptions, servicesList, servicesQuote, servicesSaveSla, servicesSimilar, servicesSla,
  servicesSurvey, servicesUpdate, servicesWithdrawQuote,
} from './services.service'

export const servicesHandlers: AreaHandlers<'services'> = {
  list: (c, i) => servicesList(svc(c), i),
  counts: (c, i) => servicesCounts(svc(c), i),
  board: (c, i) => servicesBoard(svc(c), i),
  get: (c, i) => servicesGet(svc(c), i),
  create: (c, i) => servicesCreate(svc(c), i),
  update: (c, i) => servicesUpdate(svc(c), i),
  assign: (c, i) => servicesAssign(svc(c), i),
  addNote: (c, i) => servicesAddNote(svc(c), i),
  survey: (c, i) => servicesSurvey(svc(c), i),
  quote: (c, i) => servicesQuote(svc(c), i),
  confirmQuote: (c, i) => servicesConfirmQuote(svc(c), i),
  decideQuote: (c, i) => servicesDecideQuote(svc(c), i),
  withdrawQuote: (c, i) => servicesWithdrawQuote(svc(c), i),
  handle: (c, i) => servicesHandle(svc(c), i),
  feedback: (c, i) => servicesFeedback(svc(c), i),
  archive: (c, i) => servicesArchive(svc(c), i),
  similar: (c, i) => servicesSimilar(svc(c), i),
  handlers: (c) => servicesHandlerOptions(svc(c)),
  sla: (c) => servicesSla(svc(c)),
  saveSla: (c, i) => servicesSaveSla(svc(c), i),
}
