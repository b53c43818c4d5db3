import { svc, type AreaHandlers } from '../handler-types'
import { searchGlobal } from './search.service'

export const searchHandlers: AreaHandlers<'search'> = {
  global: (c, i) => searchGlobal(svc(c), i),
}
