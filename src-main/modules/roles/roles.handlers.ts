import { svc, type AreaHandlers } from '../handler-types'
import { listRoles, removeRole, saveRole } from './roles.service'

export const rolesHandlers: AreaHandlers<'roles'> = {
  list: (c) => listRoles(svc(c)),
  save: (c, i) => saveRole(svc(c), i),
  remove: (c, i) => removeRole(svc(c), i),
}
