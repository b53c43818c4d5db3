// Logged-in sessions, keyed by what the transport knows about its caller:
// the webContents id in Electron, an HttpOnly cookie in the browser mode.
export interface SessionRecord {
  userId: string
  createdAt: number
  lastSeenAt: number
}

const IDLE_LIMIT_MS = 12 * 60 * 60 * 1000

export class SessionStore {
  private map = new Map<string, SessionRecord>()

  get(key: string | null): SessionRecord | null {
    if (!key) return null
    const s = this.map.get(key)
    if (!s) return null
    if (Date.now() - s.lastSeenAt > IDLE_LIMIT_MS) {
      this.map.delete(key)
      return null
    }
    s.lastSeenAt = Date.now()
    return s
  }
  set(key: string, userId: string) {
    this.map.set(key, { userId, createdAt: Date.now(), lastSeenAt: Date.now() })
  }
  delete(key: string | null) {
    if (key) this.map.delete(key)
  }
  /** Ends every session of a user (disabled, password reset), but `except` (a password change). */
  deleteUser(userId: string, except?: string) {
    for (const [k, s] of this.map) if (s.userId === userId && k !== except) this.map.delete(k)
  }
}
