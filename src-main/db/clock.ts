// The one source of "now" for services, so tests (and the browser-mode test hook)
// can move time without touching the system clock.
export interface Clock {
  now(): Date
}

export class AdjustableClock implements Clock {
  private offsetMs = 0
  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }
  /** Moves "now" to the given instant (tests only). */
  setNow(at: Date) {
    this.offsetMs = at.getTime() - Date.now()
  }
  advance(ms: number) {
    this.offsetMs += ms
  }
  reset() {
    this.offsetMs = 0
  }
}

export const systemClock: Clock = { now: () => new Date() }

export const isoNow = (clock: Clock) => clock.now().toISOString()
