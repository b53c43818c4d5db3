// Recurrence, time zones and snooze rules, with a controllable clock: month ends, leap days,
// UTC storage vs. the local wall clock in Asia/Shanghai and America/New_York (DST), snooze
// across midnight.
import { describe, expect, it } from 'vitest'
import { AdjustableClock } from '../../src-main/db/clock'
import { anchorOf, nextOccurrence, nextOccurrenceAfter, type Recurrence } from '../../src-main/modules/reminders/recurrence'
import { fireAtOf, keyId } from '../../src-main/modules/reminders/reminders.model'
import { snoozeUntil } from '../../src-main/modules/reminders/reminders.service'
import { fromLocal, offsetMinutes, toLocal, zoneOf } from '../../src-main/modules/reminders/tz'

const SH = { tz: 'Asia/Shanghai' }
const NY = { tz: 'America/New_York' }
const UTC = { tz: 'UTC' }

/** Every occurrence of a series after `first`, as local wall-clock strings. */
function series(first: string, r: Omit<Recurrence, 'anchor'>, n: number): string[] {
  let at = new Date(first)
  const rec = { ...r, anchor: anchorOf(at, r.zone) }
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    at = nextOccurrence(at, rec)
    out.push(anchorOf(at, r.zone))
  }
  return out
}

describe('time zones', () => {
  it('converts between UTC and the wall clock of IANA zones and fixed offsets', () => {
    const at = new Date('2026-03-10T15:30:00Z')
    expect(toLocal(at, SH)).toEqual({ y: 2026, m: 3, d: 10, h: 23, mi: 30 })
    expect(toLocal(at, NY)).toEqual({ y: 2026, m: 3, d: 10, h: 11, mi: 30 }) // EDT since 8 March
    expect(toLocal(at, { offsetMinutes: 480 })).toEqual({ y: 2026, m: 3, d: 10, h: 23, mi: 30 })
    expect(fromLocal(SH, { y: 2026, m: 3, d: 10, h: 23, mi: 30 }).toISOString()).toBe('2026-03-10T15:30:00.000Z')
    expect(offsetMinutes(new Date('2026-01-15T12:00:00Z'), NY)).toBe(-300)
    expect(offsetMinutes(new Date('2026-07-15T12:00:00Z'), NY)).toBe(-240)
  })

  it('moves a wall time inside the spring-forward gap forward and takes the earlier of a repeated hour', () => {
    expect(fromLocal(NY, { y: 2026, m: 3, d: 8, h: 2, mi: 30 }).toISOString()).toBe('2026-03-08T07:30:00.000Z') // 03:30 EDT
    expect(fromLocal(NY, { y: 2026, m: 11, d: 1, h: 1, mi: 30 }).toISOString()).toBe('2026-11-01T05:30:00.000Z') // 01:30 EDT
  })

  it('picks the caller zone: IANA name first, then the offset, then the fallback', () => {
    expect(zoneOf({ timeZone: 'America/New_York', utcOffsetMinutes: 480 }, 'UTC')).toEqual(NY)
    expect(zoneOf({ utcOffsetMinutes: 480 }, 'UTC')).toEqual({ offsetMinutes: 480 })
    expect(zoneOf({ timeZone: 'Mars/Olympus' }, 'Asia/Shanghai')).toEqual(SH)
    expect(zoneOf(undefined, 'Asia/Shanghai')).toEqual(SH)
  })
})

describe('recurrence', () => {
  it('monthly on the 31st falls on the last day of shorter months and returns to the 31st', () => {
    const out = series('2026-01-31T01:00:00Z' /* 09:00 Shanghai */, { repeat: 'monthly', interval: 1, zone: SH }, 6)
    expect(out).toEqual(['2026-02-28T09:00', '2026-03-31T09:00', '2026-04-30T09:00', '2026-05-31T09:00', '2026-06-30T09:00', '2026-07-31T09:00'])
  })

  it('monthly on the 31st in a leap year gives 29 February; every 3 months keeps the anchor day', () => {
    expect(series('2028-01-31T01:00:00Z', { repeat: 'monthly', interval: 1, zone: SH }, 2)).toEqual(['2028-02-29T09:00', '2028-03-31T09:00'])
    expect(series('2026-11-30T01:00:00Z', { repeat: 'monthly', interval: 3, zone: SH }, 3)).toEqual(['2027-02-28T09:00', '2027-05-30T09:00', '2027-08-30T09:00'])
  })

  it('yearly on 29 February falls on 28 February in common years and 29 February in leap years', () => {
    const out = series('2024-02-29T01:00:00Z', { repeat: 'yearly', interval: 1, zone: SH }, 5)
    expect(out).toEqual(['2025-02-28T09:00', '2026-02-28T09:00', '2027-02-28T09:00', '2028-02-29T09:00', '2029-02-28T09:00'])
  })

  it('keeps 09:00 on the wall clock across DST in New York while the UTC time moves', () => {
    let at = new Date('2026-03-06T14:00:00Z') // Fri 09:00 EST
    const r: Recurrence = { repeat: 'daily', interval: 1, zone: NY, anchor: anchorOf(at, NY) }
    const utc: string[] = []
    for (let i = 0; i < 4; i++) {
      at = nextOccurrence(at, r)
      utc.push(at.toISOString())
    }
    expect(utc).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-10T13:00:00.000Z'])
  })

  it('Shanghai has no DST: a daily reminder is the same UTC time every day', () => {
    let at = new Date('2026-03-06T01:00:00Z')
    const r: Recurrence = { repeat: 'daily', interval: 1, zone: SH, anchor: anchorOf(at, SH) }
    for (let i = 0; i < 400; i++) at = nextOccurrence(at, r)
    expect(at.toISOString().slice(11)).toBe('01:00:00.000Z')
  })

  it('a time in the DST gap comes back to the anchor time the next day', () => {
    let at = new Date('2026-03-07T07:30:00Z') // Sat 02:30 EST
    const r: Recurrence = { repeat: 'daily', interval: 1, zone: NY, anchor: anchorOf(at, NY) }
    at = nextOccurrence(at, r)
    expect(anchorOf(at, NY)).toBe('2026-03-08T03:30') // 02:30 does not exist that day
    at = nextOccurrence(at, r)
    expect(anchorOf(at, NY)).toBe('2026-03-09T02:30')
  })

  it('weekly, every N days, and yearly every 2 years', () => {
    expect(series('2026-01-05T01:00:00Z', { repeat: 'weekly', interval: 1, zone: SH }, 2)).toEqual(['2026-01-12T09:00', '2026-01-19T09:00'])
    expect(series('2026-01-30T01:00:00Z', { repeat: 'every_n_days', interval: 3, zone: SH }, 2)).toEqual(['2026-02-02T09:00', '2026-02-05T09:00'])
    expect(series('2026-06-15T01:00:00Z', { repeat: 'yearly', interval: 2, zone: SH }, 1)).toEqual(['2028-06-15T09:00'])
  })

  it('done late: the next occurrence is the first one after now, not a missed one', () => {
    const clock = new AdjustableClock()
    clock.setNow(new Date('2026-05-20T03:00:00Z'))
    const due = new Date('2026-05-10T01:00:00Z')
    const r: Recurrence = { repeat: 'daily', interval: 1, zone: SH, anchor: anchorOf(due, SH) }
    expect(nextOccurrenceAfter(due, r, clock.now()).toISOString()).toBe('2026-05-21T01:00:00.000Z')
    // done early: simply the next one
    clock.setNow(new Date('2026-05-09T03:00:00Z'))
    expect(nextOccurrenceAfter(due, r, clock.now()).toISOString()).toBe('2026-05-11T01:00:00.000Z')
  })

  it('the date a local recurrence lands on depends on the zone, not on UTC', () => {
    // 08:00 Shanghai is 00:00 UTC: the UTC date equals the local one; 07:00 Shanghai is the previous UTC day
    const at = new Date('2026-01-30T23:00:00Z') // 2026-01-31 07:00 Shanghai
    expect(series(at.toISOString(), { repeat: 'monthly', interval: 1, zone: SH }, 1)).toEqual(['2026-02-28T07:00'])
    expect(nextOccurrence(at, { repeat: 'monthly', interval: 1, zone: SH, anchor: anchorOf(at, SH) }).toISOString()).toBe('2026-02-27T23:00:00.000Z')
    // the same instant seen in UTC is 30 January: a UTC series would go to 28 February at 23:00 UTC
    expect(nextOccurrence(at, { repeat: 'monthly', interval: 1, zone: UTC, anchor: anchorOf(at, UTC) }).toISOString()).toBe('2026-02-28T23:00:00.000Z')
  })
})

describe('snooze', () => {
  const now = (iso: string) => {
    const c = new AdjustableClock()
    c.setNow(new Date(iso))
    return c.now()
  }

  it('10 minutes and 1 hour cross midnight on the wall clock', () => {
    const at = now('2026-03-10T15:55:00Z') // 23:55 Shanghai
    const t = snoozeUntil({ preset: '10m' }, at, SH, 9)
    expect(Math.round((t.getTime() - at.getTime()) / 60000)).toBe(10)
    expect(toLocal(t, SH)).toMatchObject({ d: 11, h: 0, mi: 5 })
    expect(toLocal(snoozeUntil({ preset: '1h' }, at, SH, 9), SH)).toMatchObject({ d: 11, h: 0, mi: 55 })
  })

  it('tomorrow 09:00 is the next calendar day of the caller, whatever the UTC date', () => {
    // 23:50 in Shanghai on 10 March (15:50 UTC): tomorrow is 11 March 09:00 +08:00
    expect(snoozeUntil({ preset: 'tomorrow' }, now('2026-03-10T15:50:00Z'), SH, 9).toISOString()).toBe('2026-03-11T01:00:00.000Z')
    // 00:30 in Shanghai on 11 March (still 10 March in UTC): tomorrow is 12 March
    expect(snoozeUntil({ preset: 'tomorrow' }, now('2026-03-10T16:30:00Z'), SH, 9).toISOString()).toBe('2026-03-12T01:00:00.000Z')
    // the same instant in New York is 12:30 on 10 March: tomorrow is 11 March 09:00 EDT
    expect(snoozeUntil({ preset: 'tomorrow' }, now('2026-03-10T16:30:00Z'), NY, 9).toISOString()).toBe('2026-03-11T13:00:00.000Z')
    // across the DST change: 7 March 23:50 EST → 8 March 09:00 EDT (13:00 UTC, not 14:00)
    expect(snoozeUntil({ preset: 'tomorrow' }, now('2026-03-08T04:50:00Z'), NY, 9).toISOString()).toBe('2026-03-08T13:00:00.000Z')
    // a fixed offset from the client works the same
    expect(snoozeUntil({ preset: 'tomorrow' }, now('2026-03-10T15:50:00Z'), { offsetMinutes: 480 }, 9).toISOString()).toBe('2026-03-11T01:00:00.000Z')
  })

  it('an explicit time must be in the future', () => {
    const at = now('2026-03-10T10:00:00Z')
    expect(snoozeUntil({ preset: 'until', until: '2026-03-10T20:00:00+08:00' }, at, SH, 9).toISOString()).toBe('2026-03-10T12:00:00.000Z')
    expect(() => snoozeUntil({ preset: 'until', until: '2026-03-10T09:00:00Z' }, at, SH, 9)).toThrow(/future/)
  })
})

describe('fire time and occasion ids', () => {
  it('notifies ahead of the due time, and at the snooze time when snoozed', () => {
    expect(fireAtOf('2026-03-10T10:00:00.000Z', 15, null)).toBe('2026-03-10T09:45:00.000Z')
    expect(fireAtOf('2026-03-10T10:00:00.000Z', 1440, null)).toBe('2026-03-09T10:00:00.000Z')
    expect(fireAtOf('2026-03-10T10:00:00.000Z', 1440, '2026-03-10T11:00:00.000Z')).toBe('2026-03-10T11:00:00.000Z')
  })

  it('the same occasion key always gives the same valid UUID', () => {
    const a = keyId('contact_policy:x:y:2026-01-01T00:00:00.000Z')
    expect(a).toBe(keyId('contact_policy:x:y:2026-01-01T00:00:00.000Z'))
    expect(a).not.toBe(keyId('contact_policy:x:y:2026-01-02T00:00:00.000Z'))
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
