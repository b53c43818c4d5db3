// The denormalised, lower-cased `customers.search_text` behind the list's one LIKE:
// name, short name, code, phones, contact names and mobiles, plus full pinyin and
// pinyin initials of every Chinese name (so `gzry` finds 广州市人易软件有限公司).
// Pure: the demo-data generator and the services build it the same way.
import { pinyinOf } from '../../db/name-keys'

/** The column is string(2000); parts are added in priority order while they fit. */
export const SEARCH_TEXT_MAX = 2000
const SEP = '|'
const HAS_HAN = /\p{Script=Han}/u

export interface SearchCustomer {
  name: string
  shortName?: string | null
  code: string
  phone?: string | null
  phone2?: string | null
}
export interface SearchContact {
  name: string
  mobile?: string | null
}

/** Full pinyin without spaces and the initials, letters and digits only; [] without Chinese (pinyinOf remembers recent answers). */
export function pinyinForms(s: string | null | undefined): string[] {
  if (!s || !HAS_HAN.test(s)) return []
  const p = pinyinOf(s)
  const clean = (t: string) => t.toLowerCase().replace(/[^a-z0-9]/g, '')
  return [clean(p.none), clean(p.first)].filter(Boolean)
}

/**
 * The name as people abbreviate it: without 省/市/区/县 after a place name at its start
 * (广州市人易软件 → 广州人易软件, so the initials `gzry` match as well as `gzsry`).
 */
export function withoutDivisions(name: string): string {
  const HEAD = 12 // 广东省深圳市南山区: the place part of a name
  return name.slice(0, HEAD).replace(/(?<=\p{Script=Han})[省市区县]/gu, '') + name.slice(HEAD)
}

/** A phone as typed and its digits only, so 020-8888 1234 is found by 02088881234. */
function phoneForms(p: string | null | undefined): string[] {
  if (!p) return []
  const digits = p.replace(/\D/g, '')
  return digits && digits !== p ? [p, digits] : [p]
}

export function buildCustomerSearchText(
  c: { name: string; shortName?: string | null; code: string; phone?: string | null; phone2?: string | null },
  contacts: { name: string; mobile?: string | null }[],
): string {
  const parts: string[] = [
    c.name,
    c.shortName ?? '',
    c.code,
    ...phoneForms(c.phone),
    ...phoneForms(c.phone2),
    ...pinyinForms(c.name),
    ...pinyinForms(withoutDivisions(c.name)),
    ...pinyinForms(c.shortName),
  ]
  for (const ct of contacts) parts.push(ct.name, ...phoneForms(ct.mobile), ...pinyinForms(ct.name))

  const seen = new Set<string>()
  let out = ''
  for (const raw of parts) {
    const p = (raw ?? '').trim().toLowerCase().replaceAll(SEP, ' ')
    if (!p || seen.has(p)) continue
    const next = out ? out.length + SEP.length + p.length : p.length
    if (next > SEARCH_TEXT_MAX) continue // a later, shorter part may still fit
    seen.add(p)
    out = out ? out + SEP + p : p
  }
  return out
}

/** A contact's `search_text` (global search): name, mobile as typed and as digits, full pinyin and initials of the name. */
export function buildContactSearchText(c: { name: string; mobile?: string | null }): string {
  const parts = [c.name, ...phoneForms(c.mobile), ...pinyinForms(c.name)]
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of parts) {
    const p = (raw ?? '').trim().toLowerCase().replaceAll(SEP, ' ')
    if (p && !seen.has(p)) {
      seen.add(p)
      out.push(p)
    }
  }
  return out.join(SEP).slice(0, CONTACT_SEARCH_TEXT_MAX)
}
export const CONTACT_SEARCH_TEXT_MAX = 500
