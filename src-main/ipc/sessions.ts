// Logged-in sessions, keyed by what the transport knows about its caller: the webContents id
// in Electron, an HttpOnly cookie in the browser mode. A record is made at login (or setup)
// only, so anonymous callers store nothing; every login and logout replaces the caller's
// record, and the browser mode also gets a new id then (no session fixation).
//
// A session can be locked (锁屏): on demand, when its caller was silent for longer than the
// lock policy allows (idle timeout), or when the computer sleeps. A locked session keeps its
// user but dispatch refuses every call of it except unlock, logout and status.
export interface SessionRecord {
  userId: string
  createdAt: number
  lastSeenAt: number
  /** true while the lock screen is up: only auth.unlock/logout/status are served */
  locked: boolean
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

/** A session nobody used for this long ends (it is not merely locked). */
const IDLE_LIMIT_MS = 12 * 60 * 60 * 1000

export class SessionStore {
  private map = new Map<string, SessionRecord>()

  /** @param now the time source (tests move it) */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The caller's session, marking it used. `lockAfterMs`: a session silent for longer than
   * this is locked (the browser mode's session timeout and the desktop app's backstop when the
   * renderer could not lock itself, e.g. the machine slept); null never locks on silence.
   */
  get(key: string | null, opts: { lockAfterMs?: number | null } = {}): SessionRecord | null {
    if (!key) return null
    const s = this.map.get(key)
    if (!s) return null
    const now = this.now()
    if (now - s.lastSeenAt > IDLE_LIMIT_MS) {
      this.map.delete(key)
      return null
    }
    if (opts.lockAfterMs != null && now - s.lastSeenAt > opts.lockAfterMs) s.locked = true
    s.lastSeenAt = now
    return s
  }
  /** The record without marking it used (status, tray). */
  peek(key: string | null): SessionRecord | null {
    return key ? (this.map.get(key) ?? null) : null
  }
  /** Logs the caller in: its old session ends and a new record is made under a renewed key. */
  begin(key: SessionKey, userId: string): string {
    this.delete(key.current)
    this.dropIdle()
    const next = key.renew()
    const now = this.now()
    this.map.set(next, { userId, createdAt: now, lastSeenAt: now, locked: false })
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
  /** Locks one session (Ctrl/⌘+L, the tray, the renderer's idle timer); false when there is none. */
  lock(key: string | null): boolean {
    const s = key ? this.map.get(key) : undefined
    if (!s) return false
    s.locked = true
    return true
  }
  /** Lifts the lock after the password was checked (auth.unlock). */
  unlock(key: string | null) {
    const s = key ? this.map.get(key) : undefined
    if (s) {
      s.locked = false
      s.lastSeenAt = this.now()
    }
  }
  /** Locks every session (the computer went to sleep or its screen was locked); returns how many. */
  lockAll(): number {
    for (const s of this.map.values()) s.locked = true
    return this.map.size
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
    const now = this.now()
    for (const [k, s] of this.map) if (now - s.lastSeenAt > IDLE_LIMIT_MS) this.map.delete(k)
  }
}
