// Birthdays on this year's calendar. A 公历 birthday on 29 February is kept on 28 February in
// common years. A 农历 birthday falls on the Gregorian date of the same lunar month and day
// (lunar-typescript); a birthday in a leap month is kept in that leap month when the year
// has it and in the ordinary month of that number otherwise, and day 30 falls on day 29 in
// a month of 29 days.
import { LunarMonth, LunarYear, Solar } from 'lunar-typescript'
import { addDays, compareDates, daysInMonth, formatDate, isLeapYear, parseDate, type LocalDate } from './tz'

export type BirthdayCalendar = 'solar' | 'lunar'

export interface Birthday {
  /** YYYY-MM-DD in its calendar (for 农历: lunar year, month and day) */
  date: string
  calendar: BirthdayCalendar
  leapMonth: boolean
}

const LUNAR_MIN = 1901
const LUNAR_MAX = 2099

export function solarBirthdayIn(year: number, month: number, day: number): LocalDate {
  if (month === 2 && day === 29 && !isLeapYear(year)) return { y: year, m: 2, d: 28 }
  return { y: year, m: month, d: Math.min(day, daysInMonth(year, month)) }
}

/**
 * A lunar year's months (leap months negative, as lunar-typescript numbers them) → the Julian
 * day of the first day and the number of days. Made once per lunar year and kept (a LunarYear
 * takes milliseconds to make and lunar-typescript keeps only the last one: the three years a
 * birthday is looked up in would make one per lookup — 16 ms per 农历 birthday on 本周生日).
 */
const lunarYears = new Map<number, Map<number, { jd: number; days: number }>>()
function lunarMonths(lunarYear: number) {
  let months = lunarYears.get(lunarYear)
  if (!months) {
    months = new Map()
    for (const lm of LunarYear.fromYear(lunarYear).getMonthsInYear()) months.set(lm.getMonth(), { jd: lm.getFirstJulianDay(), days: lm.getDayCount() })
    lunarYears.set(lunarYear, months)
  }
  return months
}

/** The Gregorian date of lunar month/day in lunar year `lunarYear`. */
export function lunarBirthdayIn(lunarYear: number, month: number, day: number, leapMonth: boolean): LocalDate | null {
  if (lunarYear < LUNAR_MIN || lunarYear > LUNAR_MAX || month < 1 || month > 12 || day < 1 || day > 30) return null
  const months = lunarMonths(lunarYear)
  const lm = months.get(leapMonth && months.has(-month) ? -month : month)
  if (!lm) return null
  const s = Solar.fromJulianDay(lm.jd + Math.min(day, lm.days) - 1)
  return { y: s.getYear(), m: s.getMonth(), d: s.getDay() }
}

/** The first occurrence of the birthday on or after `from` (a Gregorian date). */
export function nextBirthday(b: Birthday, from: LocalDate): LocalDate | null {
  const { m, d } = parseDate(b.date)
  const candidates: LocalDate[] = []
  if (b.calendar === 'solar') {
    for (const y of [from.y, from.y + 1]) candidates.push(solarBirthdayIn(y, m, d))
  } else {
    // a lunar year starts in late January or February: the occurrence in Gregorian year Y
    // may belong to lunar year Y-1 (months 11-12) or Y
    for (const ly of [from.y - 1, from.y, from.y + 1]) {
      const g = lunarBirthdayIn(ly, m, d, b.leapMonth)
      if (g) candidates.push(g)
    }
  }
  const ok = candidates.filter((c) => compareDates(c, from) >= 0).sort(compareDates)
  return ok[0] ?? null
}

/**
 * `MM-DD` month-days of the stored birthdays that can fall on a day of [from, from+days]:
 * solar month-days (plus 02-29 when 28 February of a common year is in range) and lunar
 * month-days (plus day 30 when a lunar month of 29 days ends in range). A superset: the
 * exact date is checked with nextBirthday().
 */
export function birthdayPatterns(from: LocalDate, days: number): { solar: string[]; lunar: string[] } {
  return birthdayPatternsOf(Array.from({ length: days + 1 }, (_, i) => addDays(from, i)))
}

/** The patterns of the given Gregorian days. */
export function birthdayPatternsOf(dates: LocalDate[]): { solar: string[]; lunar: string[] } {
  const solar = new Set<string>()
  const lunar = new Set<string>()
  const pad = (n: number) => String(n).padStart(2, '0')
  for (const day of dates) {
    solar.add(`${pad(day.m)}-${pad(day.d)}`)
    if (day.m === 2 && day.d === 28 && !isLeapYear(day.y)) solar.add('02-29')
    if (day.y < LUNAR_MIN || day.y > LUNAR_MAX) continue
    const l = Solar.fromYmd(day.y, day.m, day.d).getLunar()
    const lm = Math.abs(l.getMonth())
    lunar.add(`${pad(lm)}-${pad(l.getDay())}`)
    if (l.getDay() === 29 && LunarMonth.fromYm(l.getYear(), l.getMonth())?.getDayCount() === 29) lunar.add(`${pad(lm)}-30`)
  }
  return { solar: [...solar].sort(), lunar: [...lunar].sort() }
}

export { formatDate }
