import { svc, type AreaHandlers } from '../handler-types'
import { createUser, listTeams, listUsers, resetPassword, saveTeam, unlockUser, updateUser, userOptions } from './users.service'

export const usersHandlers: AreaHandlers<'users'> = {
  list: (c, i) => listUsers(svc(c), i),
  options: (c) => userOptions(svc(c)),
  create: (c, i) => createUser(svc(c), i),
  update: async (c, i) => {
    const user = await updateUser(svc(c), i)
    // a disabled account loses its open sessions at once, not at its next call
    if (user.disabled) c.sessions.deleteUser(user.id)
    return user
  },
  resetPassword: async (c, i) => {
    const r = await resetPassword(svc(c), i)
    c.sessions.deleteUser(i.id)
    return r
  },
  unlock: (c, i) => unlockUser(svc(c), i),
  teams: (c) => listTeams(svc(c)),
  saveTeam: (c, i) => saveTeam(svc(c), i),
}
