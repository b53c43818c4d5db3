import { svc, type AreaHandlers } from '../handler-types'
import { changePassword, login, savePreferences, setup, status, toMe } from './auth.service'

export const authHandlers: AreaHandlers<'auth'> = {
  status: (c) => status(c.app),
  setup: async (c, i) => {
    const actor = await setup(c.app, i)
    c.sessions.begin(actor.userId)
    return toMe(c.app, actor)
  },
  login: async (c, i) => {
    const actor = await login(c.app, i)
    c.sessions.begin(actor.userId)
    return toMe(c.app, actor)
  },
  logout: async (c) => {
    c.sessions.end()
    return { ok: true as const }
  },
  me: async (c) => (c.actor ? toMe(c.app, c.actor) : null),
  changePassword: async (c, i) => {
    const r = await changePassword(svc(c), i)
    c.sessions.deleteUser(c.actor!.userId, c.sessionKey) // signed in elsewhere with the old password: signed out
    return r
  },
  savePreferences: (c, i) => savePreferences(svc(c), i),
}
