import { svc, type AreaHandlers } from '../handler-types'
import {
  ordersCreate, ordersGet, ordersGetSettings, ordersList, ordersRemove, ordersSavePdf, ordersSaveSettings, ordersTransition, ordersUpdate,
} from './orders.service'
import { paymentsAdd, paymentsList, paymentsRemove, plansRemove, plansSave, receivablesList } from './payments.service'

export const ordersHandlers: AreaHandlers<'orders'> = {
  list: (c, i) => ordersList(svc(c), i),
  get: (c, i) => ordersGet(svc(c), i),
  create: (c, i) => ordersCreate(svc(c), i),
  update: (c, i) => ordersUpdate(svc(c), i),
  remove: (c, i) => ordersRemove(svc(c), i),
  submit: (c, i) => ordersTransition(svc(c), 'submit', i),
  withdraw: (c, i) => ordersTransition(svc(c), 'withdraw', i),
  approve: (c, i) => ordersTransition(svc(c), 'approve', i),
  reject: (c, i) => ordersTransition(svc(c), 'reject', i),
  ship: (c, i) => ordersTransition(svc(c), 'ship', i),
  complete: (c, i) => ordersTransition(svc(c), 'complete', i),
  cancel: (c, i) => ordersTransition(svc(c), 'cancel', i),
  savePlan: (c, i) => plansSave(svc(c), i),
  removePlan: (c, i) => plansRemove(svc(c), i),
  addPayment: (c, i) => paymentsAdd(svc(c), i),
  removePayment: (c, i) => paymentsRemove(svc(c), i),
  receivables: (c, i) => receivablesList(svc(c), i),
  payments: (c, i) => paymentsList(svc(c), i),
  getSettings: (c) => ordersGetSettings(svc(c)),
  saveSettings: (c, i) => ordersSaveSettings(svc(c), i),
  savePdf: (c, i) => ordersSavePdf(svc(c), i),
}
