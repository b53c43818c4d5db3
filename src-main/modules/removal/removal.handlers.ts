import { svc, type AreaHandlers } from '../handler-types'
import { removalPreview } from './removal.service'

export const removalHandlers: AreaHandlers<'removal'> = {
  preview: (c, i) => removalPreview(svc(c), i),
}
