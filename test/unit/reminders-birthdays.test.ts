// Birthday rules: 公历 29 February in common years, 农历 birthdays on this year's Gregorian date
// (known dates), leap months, day 30 in a month of 29 days, and the query patterns.
import { describe, expect, it } from 'vitest'
import { birthdayPatterns, lunarBirthdayIn, nextBirthday, solarBirthdayIn } from '../../src-main/modules/reminders/birthdays'
import { formatDate } from '../../src-main/modules/reminders/tz'

const d = (s: string) => {
  const [y, m, dd] = s.split('-').map(Number)
  return { y, m, d: dd }
}
const next = (date: string, calendar: 'solar' | 'lunar', from: string, leapMonth = false) => {
  const b = nextBirthday({ date, calendar, leapMonth }, d(from))
  return b ? formatDate(b) : null
}

describe('solar birthdays', () => {
  it('29 February is kept on 28 February in common years', () => {
    expect(formatDate(solarBirthdayIn(2026, 2, 29))).toBe('2026-02-28')
    expect(formatDate(solarBirthdayIn(2028, 2, 29))).toBe('2028-02-29')
    expect(next('1992-02-29', 'solar', '2026-01-10')).toBe('2026-02-28')
    expect(next('1992-02-29', 'solar', '2026-03-01')).toBe('2027-02-28')
    expect(next('1992-02-29', 'solar', '2027-03-01')).toBe('2028-02-29')
  })

  it('the next occurrence is today or later', () => {
    expect(next('1985-06-15', 'solar', '2026-06-15')).toBe('2026-06-15')
    expect(next('1985-06-15', 'solar', '2026-06-16')).toBe('2027-06-15')
  })
})

describe('lunar (农历) birthdays', () => {
  it('falls on the Gregorian date of the lunar month and day (known dates)', () => {
    // 八月十五 (Mid-Autumn) 2026 is 25 September 2026; 正月初一 2026 is 17 February 2026
    expect(formatDate(lunarBirthdayIn(2026, 8, 15, false)!)).toBe('2026-09-25')
    expect(formatDate(lunarBirthdayIn(2026, 1, 1, false)!)).toBe('2026-02-17')
    expect(next('1980-08-15', 'lunar', '2026-01-01')).toBe('2026-09-25')
    expect(next('1980-01-01', 'lunar', '2026-01-01')).toBe('2026-02-17')
  })

  it('a birthday late in the lunar year may fall in January of the Gregorian year', () => {
    // 腊月二十 of lunar year 2025 is 7 February 2026; of lunar 2026 it is 27 January 2027 (both 腊月 have 29 days)
    expect(formatDate(lunarBirthdayIn(2025, 12, 20, false)!)).toBe('2026-02-07')
    expect(next('1970-12-20', 'lunar', '2026-01-05')).toBe('2026-02-07')
    expect(next('1970-12-20', 'lunar', '2026-02-08')).toBe('2027-01-27')
  })

  it('a leap-month birthday is kept in the leap month when the year has it, else in the ordinary month', () => {
    // 2020 had 闰四月: 闰四月初十 = 1 June 2020, 四月初十 = 2 May 2020
    expect(formatDate(lunarBirthdayIn(2020, 4, 10, true)!)).toBe('2020-06-01')
    expect(formatDate(lunarBirthdayIn(2020, 4, 10, false)!)).toBe('2020-05-02')
    // 2026 has no leap month: the ordinary 四月初十 (26 May 2026)
    expect(formatDate(lunarBirthdayIn(2026, 4, 10, true)!)).toBe(formatDate(lunarBirthdayIn(2026, 4, 10, false)!))
    expect(next('2020-04-10', 'lunar', '2026-01-01', true)).toBe('2026-05-26')
  })

  it('day 30 falls on day 29 in a month of 29 days', () => {
    // lunar 2026: month 2 has 29 days, month 1 has 30
    const d29 = lunarBirthdayIn(2026, 2, 29, false)!
    expect(formatDate(lunarBirthdayIn(2026, 2, 30, false)!)).toBe(formatDate(d29))
    expect(formatDate(lunarBirthdayIn(2026, 1, 30, false)!)).toBe('2026-03-18')
  })
})

describe('query patterns', () => {
  it('cover the window in both calendars, with 02-29 in common years and lunar day 30 in short months', () => {
    const p = birthdayPatterns(d('2026-02-26'), 3)
    expect(p.solar).toEqual(['02-26', '02-27', '02-28', '02-29', '03-01'])
    // 2026-02-26 .. 03-01 are lunar 正月初十 .. 正月十三
    expect(p.lunar).toEqual(['01-10', '01-11', '01-12', '01-13'])
    // 2026-04-16 is the last day (29th) of lunar month 2 (29 days): day 30 birthdays are kept on it
    expect(birthdayPatterns(d('2026-04-16'), 0).lunar).toEqual(['02-29', '02-30'])
  })
})
