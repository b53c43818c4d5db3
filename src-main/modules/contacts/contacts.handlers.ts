import { svc, type AreaHandlers } from '../handler-types'
import { contactsCreate, contactsList, contactsRemove, contactsSearch, contactsSetPrimary, contactsUpdate } from './contacts.service'

export const contactsHandlers: AreaHandlers<'contacts'> = {
  list: (c, i) => contactsList(svc(c), i),
  create: (c, i) => contactsCreate(svc(c), i),
  update: (c, i) => contactsUpdate(svc(c), i),
  remove: (c, i) => contactsRemove(svc(c), i),
  setPrimary: (c, i) => contactsSetPrimary(svc(c), i),
  search: (c, i) => contactsSearch(svc(c), i),
}
