import { svc, type AreaHandlers } from '../handler-types'
import {
  productsCreate, productsGet, productsList, productsRemove, productsUpdate, stockListFor, stockRemove, stockSave, stockWarehouses,
} from './products.service'

export const productsHandlers: AreaHandlers<'products'> = {
  list: (c, i) => productsList(svc(c), i),
  get: (c, i) => productsGet(svc(c), i),
  create: (c, i) => productsCreate(svc(c), i),
  update: (c, i) => productsUpdate(svc(c), i),
  remove: (c, i) => productsRemove(svc(c), i),
  stock: (c, i) => stockListFor(svc(c), i),
  saveStock: (c, i) => stockSave(svc(c), i),
  removeStock: (c, i) => stockRemove(svc(c), i),
  warehouses: (c) => stockWarehouses(svc(c)),
}
