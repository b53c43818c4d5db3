import { svc, type AreaHandlers } from '../handler-types'
import { customersChangeOwner, customersCreate, customersGet, customersList, customersRemove, customersUpdate } from './customers.service'

export const customersHandlers: AreaHandlers<'customers'> = {
  list: (c, i) => customersList(svc(c), i),
  get: (c, i) => customersGet(svc(c), i),
  create: (c, i) => customersCreate(svc(c), i),
  update: (c, i) => customersUpdate(svc(c), i),
  remove: (c, i) => customersRemove(svc(c), i),
  changeOwner: (c, i) => customersChangeOwner(svc(c), i),
}
