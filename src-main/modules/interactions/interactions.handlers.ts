import { svc, type AreaHandlers } from '../handler-types'
import { attachmentsAdd, attachmentsDownload, attachmentsList, attachmentsOpen, attachmentsRemove } from './attachments.service'
import {
  interactionsCreate, interactionsGet, interactionsListByCustomer, interactionsRemove, interactionsSearch, interactionsSummary, interactionsUpdate,
  promisesKeep, promisesList, promisesUnkeep,
} from './interactions.service'

export const interactionsHandlers: AreaHandlers<'interactions'> = {
  listByCustomer: (c, i) => interactionsListByCustomer(svc(c), i),
  search: (c, i) => interactionsSearch(svc(c), i),
  get: (c, i) => interactionsGet(svc(c), i),
  create: (c, i) => interactionsCreate(svc(c), i),
  update: (c, i) => interactionsUpdate(svc(c), i),
  remove: (c, i) => interactionsRemove(svc(c), i),
  summary: (c, i) => interactionsSummary(svc(c), i),
  promises: (c, i) => promisesList(svc(c), i),
  keepPromise: (c, i) => promisesKeep(svc(c), i),
  unkeepPromise: (c, i) => promisesUnkeep(svc(c), i),
  addAttachment: (c, i) => attachmentsAdd(svc(c), i),
  attachments: (c, i) => attachmentsList(svc(c), i),
  removeAttachment: (c, i) => attachmentsRemove(svc(c), i),
  openAttachment: (c, i) => attachmentsOpen(svc(c), i),
  downloadAttachment: (c, i) => attachmentsDownload(svc(c), i),
}
