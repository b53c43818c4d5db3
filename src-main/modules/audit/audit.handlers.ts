import { svc, type AreaHandlers } from '../handler-types'
import { auditForCustomer, auditList } from './audit.service'

export const auditHandlers: AreaHandlers<'audit'> = {
  forCustomer: (c, i) => auditForCustomer(svc(c), i),
  list: (c, i) => auditList(svc(c), i),
}
