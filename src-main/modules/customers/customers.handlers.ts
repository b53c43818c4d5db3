import { svc, type AreaHandlers } from '../handler-types'
import {
  customersChangeOwner, customersCheckDuplicates, customersCreate, customersGet, customersGetDedupeSettings, customersList, customersLookup,
  customersRemove, customersSaveDedupeSettings, customersTags, customersUpdate,
} from './customers.service'
import { columnsGet, columnsSave, viewsList, viewsRemove, viewsSave } from './list-views.service'

export const customersHandlers: AreaHandlers<'customers'> = {
  list: (c, i) => customersList(svc(c), i),
  get: (c, i) => customersGet(svc(c), i),
  create: (c, i) => customersCreate(svc(c), i),
  update: (c, i) => customersUpdate(svc(c), i),
  remove: (c, i) => customersRemove(svc(c), i),
  changeOwner: (c, i) => customersChangeOwner(svc(c), i),
  checkDuplicates: (c, i) => customersCheckDuplicates(svc(c), i),
  lookup: (c, i) => customersLookup(svc(c), i),
  getDedupeSettings: (c) => customersGetDedupeSettings(svc(c)),
  saveDedupeSettings: (c, i) => customersSaveDedupeSettings(svc(c), i),
  listViews: (c, i) => viewsList(svc(c), i),
  saveView: (c, i) => viewsSave(svc(c), i),
  removeView: (c, i) => viewsRemove(svc(c), i),
  getColumns: (c, i) => columnsGet(svc(c), i),
  saveColumns: (c, i) => columnsSave(svc(c), i),
  tags: (c) => customersTags(svc(c)),
}
