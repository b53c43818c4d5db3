// Logged-in sessions, keyed by what the transport knows about its caller: the webContents id
// in Electron, an HttpOnly cookie in the browser mode. A record is made at login (or setup)
// only, so anonymous callers store nothing; every login and logout replaces the caller's
// record, and the browser mode also gets a new id then (no session fixation).
export interface SessionRecord {
  userId: string
  createdAt: number
  lastSeenAt: number
}

/** How a transport names its caller's session. */
export interface SessionKey {
  /** the key the caller came with (cookie value, webContents key), or null */
  readonly current: string | null
  /** the key of a new session: the browser mode mints a fresh random id (sent as a new cookie); Electron keeps the webContents key */
  renew(): string
  /** the caller's session ended (the browser mode clears its cookie) */
  cleared?(): void
}

/** A key the transport cannot change (Electron's webContents, tests). */
export const fixedKey = (key: string): SessionKey => ({ current: key, renew: () => key })

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
  /** Logs the caller in: its old session ends and a new record is made under a renewed key. */
  begin(key: SessionKey, userId: string): string {
    this.delete(key.current)
    this.dropIdle()
    const next = key.renew()
    this.map.set(next, { userId, createdAt: Date.now(), lastSeenAt: Date.now() })
    return next
  }
  /** A session for a key the transport cannot change (tests, tools): begin() under a fixed key. */
  set(key: string, userId: string) {
    this.begin(fixedKey(key), userId)
  }
  /** Logs the caller out. */
  end(key: SessionKey) {
    this.delete(key.current)
    key.cleared?.()
  }
  delete(key: string | null) {
    if (key) this.map.delete(key)
  }
  /** Ends every session of a user (disabled, password reset), but `except` (a password change). */
  deleteUser(userId: string, except?: string | null) {
    for (const [k, s] of this.map) if (s.userId === userId && k !== except) this.map.delete(k)
  }
  /** How many sessions are open (logged-in callers only). */
  get size() {
    return this.map.size
  }
  private dropIdle() {
    const now = Date.now()
    for (const [k, s] of this.map) if (now - s.lastSeenAt > IDLE_LIMIT_MS) this.map.delete(k)
  }
}
