import { svc, type AreaHandlers } from '../handler-types'
import { AppError } from '../../shared/errors'
import { changePassword, login, savePreferences, setup, status, toMe, unlock } from './auth.service'

export const authHandlers: AreaHandlers<'auth'> = {
  status: async (c) => {
    const locked = !!c.actor && c.sessions.locked()
    return { ...(await status(c.app)), locked, lockedUser: locked ? { name: c.actor!.name, login: c.actor!.login } : null }
  },
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
  lock: async (c) => {
    if (c.actor) c.sessions.lock()
    return { ok: true as const }
  },
  unlock: async (c, i) => {
    try {
      const actor = await unlock(c.app, c.actor!.userId, i.password)
      c.sessions.unlock()
      return toMe(c.app, actor)
    } catch (e) {
      // locked (too many wrong passwords) or disabled meanwhile: the session ends, log in again
      if (e instanceof AppError && (e.code === 'locked' || e.code === 'invalid_credentials')) c.sessions.end()
      throw e
    }
  },
  changePassword: async (c, i) => {
    const r = await changePassword(svc(c), i)
    c.sessions.deleteUser(c.actor!.userId, c.sessionKey) // signed in elsewhere with the old password: signed out
    return r
  },
  savePreferences: (c, i) => savePreferences(svc(c), i),
}
