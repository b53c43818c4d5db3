// The contact form's model: a Contact as editable values (birthday split into a solar date or
// lunar year/month/day numbers) and back into the contract's fields; which fields changed.
import type { Contact, ContactFields } from '@contract/contacts'

export type Gender = NonNullable<Contact['gender']>
export type BuyingRole = NonNullable<Contact['buyingRole']>
export type Calendar = Contact['birthdayCalendar']

export const GENDERS: Gender[] = ['male', 'female']
export const BUYING_ROLES: BuyingRole[] = ['initiator', 'influencer', 'buyer', 'user', 'decision_maker']

export interface ContactFormModel {
  name: string
  gender: Gender | null
  title: string
  department: string
  mobile: string
  officePhone: string
  homePhone: string
  email: string
  wechat: string
  birthdayCalendar: Calendar
  /** YYYY-MM-DD when the calendar is 公历 */
  solarBirthday: string | null | undefined
  /** lunar year, month (1–12) and day (1–30) when the calendar is 农历 */
  lunarYear: number | null | undefined
  lunarMonth: number | null | undefined
  lunarDay: number | null | undefined
  birthdayLeapMonth: boolean
  hometown: string
  education: string
  hobbies: string
  familyNotes: string
  buyingRole: BuyingRole | null
  friendliness: number
  bestCallTime: string
  isPrimary: boolean
  notes: string
}

/** Text caps — the same as contract/contacts.ts. */
export const CONTACT_TEXT_MAX: Partial<Record<keyof ContactFormModel, number>> = {
  name: 100,
  title: 100,
  department: 100,
  mobile: 50,
  officePhone: 50,
  homePhone: 50,
  email: 255,
  wechat: 100,
  hometown: 100,
  education: 50,
  hobbies: 500,
  familyNotes: 4000,
  bestCallTime: 100,
  notes: 4000,
}

const pad = (n: number) => String(n).padStart(2, '0')

export function toContactForm(c: Contact | null): ContactFormModel {
  const s = (v: string | null | undefined) => v ?? ''
  const cal: Calendar = c?.birthdayCalendar ?? 'solar'
  const parts = c?.birthday ? c.birthday.split('-').map(Number) : null
  return {
    name: s(c?.name),
    gender: c?.gender ?? null,
    title: s(c?.title),
    department: s(c?.department),
    mobile: s(c?.mobile),
    officePhone: s(c?.officePhone),
    homePhone: s(c?.homePhone),
    email: s(c?.email),
    wechat: s(c?.wechat),
    birthdayCalendar: cal,
    solarBirthday: cal === 'solar' ? (c?.birthday ?? null) : null,
    lunarYear: cal === 'lunar' && parts ? parts[0]! : null,
    lunarMonth: cal === 'lunar' && parts ? parts[1]! : null,
    lunarDay: cal === 'lunar' && parts ? parts[2]! : null,
    birthdayLeapMonth: cal === 'lunar' && !!c?.birthdayLeapMonth,
    hometown: s(c?.hometown),
    education: s(c?.education),
    hobbies: s(c?.hobbies),
    familyNotes: s(c?.familyNotes),
    buyingRole: c?.buyingRole ?? null,
    friendliness: c?.friendliness ?? 0,
    bestCallTime: s(c?.bestCallTime),
    isPrimary: c?.isPrimary ?? false,
    notes: s(c?.notes),
  }
}

/** The lunar parts as the contract's YYYY-MM-DD, or null until all three are chosen. */
export function lunarIso(m: Pick<ContactFormModel, 'lunarYear' | 'lunarMonth' | 'lunarDay'>): string | null {
  if (!m.lunarYear || !m.lunarMonth || !m.lunarDay) return null
  return `${String(m.lunarYear).padStart(4, '0')}-${pad(m.lunarMonth)}-${pad(m.lunarDay)}`
}

/** Some but not all of the lunar parts are set. */
export const lunarIncomplete = (m: ContactFormModel) =>
  m.birthdayCalendar === 'lunar' && !lunarIso(m) && (!!m.lunarYear || !!m.lunarMonth || !!m.lunarDay)

export function toContactFields(m: ContactFormModel): ContactFields {
  const t = (v: string) => {
    const x = v.trim()
    return x === '' ? null : x
  }
  const lunar = m.birthdayCalendar === 'lunar'
  const birthday = lunar ? lunarIso(m) : m.solarBirthday || null
  return {
    name: m.name.trim(),
    gender: m.gender,
    title: t(m.title),
    department: t(m.department),
    mobile: t(m.mobile),
    officePhone: t(m.officePhone),
    homePhone: t(m.homePhone),
    email: t(m.email),
    wechat: t(m.wechat),
    birthday,
    // without a date the calendar choice means nothing: keep the stored default
    birthdayCalendar: birthday ? m.birthdayCalendar : 'solar',
    birthdayLeapMonth: lunar && !!birthday && m.birthdayLeapMonth,
    hometown: t(m.hometown),
    education: t(m.education),
    hobbies: t(m.hobbies),
    familyNotes: t(m.familyNotes),
    buyingRole: m.buyingRole,
    friendliness: m.friendliness >= 1 ? m.friendliness : null,
    bestCallTime: t(m.bestCallTime),
    isPrimary: m.isPrimary,
    notes: t(m.notes),
  }
}

export function changedContactFields(before: ContactFormModel, after: ContactFormModel): Partial<ContactFields> {
  const a = toContactFields(before) as Record<string, unknown>
  const b = toContactFields(after) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(b)) if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) out[k] = b[k]
  return out as Partial<ContactFields>
}
