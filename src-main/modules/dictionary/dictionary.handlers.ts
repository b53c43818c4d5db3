import { svc, type AreaHandlers } from '../handler-types'
import { dictAll, dictItems, dictRemove, dictReorder, dictSave } from './dictionary.service'

export const dictionaryHandlers: AreaHandlers<'dictionary'> = {
  all: (c) => dictAll(svc(c)),
  items: (c, i) => dictItems(svc(c), i),
  save: (c, i) => dictSave(svc(c), i),
  reorder: (c, i) => dictReorder(svc(c), i),
  remove: (c, i) => dictRemove(svc(c), i),
}
