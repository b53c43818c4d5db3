import { svc, type AreaHandlers } from '../handler-types'
import { churnAddMeasure, churnConfirm, churnForCustomer, churnGet, churnList, churnRunCheck } from './churn.service'

export const churnHandlers: AreaHandlers<'churn'> = {
  list: (c, i) => churnList(svc(c), i),
  get: (c, i) => churnGet(svc(c), i),
  forCustomer: (c, i) => churnForCustomer(svc(c), i),
  addMeasure: (c, i) => churnAddMeasure(svc(c), i),
  confirm: (c, i) => churnConfirm(svc(c), i),
  runCheck: (c) => churnRunCheck(svc(c)),
}
