// Formats of Chinese contact and business data, checked in the contract so that the form and
// the service agree (the renderer mirrors these rules in components/cn-formats.ts; a unit test
// keeps the two in step). Each failure is a `custom` issue whose params.code names the format,
// so the UI can say what is expected (validation.<code>).
//
// Decisions:
// - 手机 mobile: 11 digits starting 1[3-9], optionally written with +86 / 86 and spaces or
//   hyphens between the groups (138 0013 8000).
// - 电话 phone / 传真 fax: a mobile, a landline 区号-号码[-分机] (0 + 2–3 digit area code,
//   7–8 digit number, extension 1–6 digits; the hyphen after the area code may be a space or
//   left out), a 400/800 service number, or an international number starting with + and a
//   country code other than 86.
// - 邮政编码 postcode: 6 digits (mainland China).
// - 税号 tax id: the 18-character 统一社会信用代码 with its GB 32100-2015 check character;
//   legacy 15-character tax registration numbers (6-digit area code + 9-character
//   organisation code, GB 11714 check character) are still accepted, as older customers carry
//   them. Lower-case letters are accepted and stored upper-case.
// - 网址 website: a host name with a dot (Chinese labels allowed), optional http(s):// scheme,
//   port and path, no spaces.
// - 电子邮箱 e-mail: zod's own e-mail pattern (what `z.email()` checks), so the form says what
//   the contract will say.
// - 登录名 login: 2–64 letters, digits or _ . @ -; 密码 password: 8–128 characters.
// - 更新服务器 update address: an http(s) URL without user or password in it (the desktop apps
//   of every user fetch from it).
import { z } from 'zod'
import { str } from './common'

const SEP = /[\s-]+/g

export const MOBILE = /^1[3-9]\d{9}$/
/** A mainland mobile number, e.g. 13800138000, +86 138 0013 8000. */
export function isMobile(v: string): boolean {
  const s = v.trim().replace(/^(\+86|0086|86)[\s-]?(?=1)/, '').replace(SEP, '')
  return MOBILE.test(s)
}

/** 区号-号码[-分机] with the spaces taken out: (020)8888-1234 and 020 8888 1234 are written too. */
export const LANDLINE = /^(0\d{2,3}|\(0\d{2,3}\))-?[2-9]\d{6,7}(-\d{1,6})?$/
const SERVICE = /^[48]00-?\d{3}-?\d{4}$/
const INTERNATIONAL = /^\+(?!86)[1-9]\d{0,2}-?\d[\d-]{4,16}\d$/

/** A landline 区号-号码[-分机], a 400/800 number, a mobile or an international number. */
export function isPhone(v: string): boolean {
  const s = v.trim()
  if (isMobile(s)) return true
  const t = s.replace(/\s+/g, '')
  // 0755-8888-1234: the number itself may be split by a hyphen (8888-1234) before an extension
  const joined = t.replace(/^((?:0\d{2,3}|\(0\d{2,3}\))-?)([2-9]\d{3})-(\d{3,4})(?=$|-)/, '$1$2$3')
  return LANDLINE.test(joined) || SERVICE.test(t) || INTERNATIONAL.test(t)
}

export const POSTCODE = /^\d{6}$/
export const isPostcode = (v: string) => POSTCODE.test(v.trim())

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/

/** 统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character. */
export function isUscc(v: string): boolean {
  const s = v.trim().toUpperCase()
  if (!USCC.test(s)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]!) * USCC_WEIGHTS[i]!
  const check = (31 - (sum % 31)) % 31
  return USCC_CHARS[check] === s[17]
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
/** 组织机构代码 (GB 11714-1997): 8 digits or capital letters and a check character (0–9 or X). */
export function isOrgCode(v: string): boolean {
  const s = v.trim().toUpperCase()
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(s)) return false
  let sum = 0
  for (let i = 0; i < 8; i++) sum += parseInt(s[i]!, 36) * ORG_WEIGHTS[i]!
  const c = 11 - (sum % 11)
  return s[8] === (c === 10 ? 'X' : c === 11 ? '0' : String(c))
}

/** A tax id: a 统一社会信用代码, or a legacy 15-character number (area code + organisation code). */
export function isTaxId(v: string): boolean {
  const s = v.trim().toUpperCase()
  if (s.length === 18) return isUscc(s)
  return s.length === 15 && /^\d{6}/.test(s) && isOrgCode(s.slice(6))
}

/** The check character a 17-character USCC prefix needs (demo data and tests make valid codes). */
export function usccCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]!.toUpperCase()) * USCC_WEIGHTS[i]!
  return USCC_CHARS[(31 - (sum % 31)) % 31]!
}

const WEBSITE = /^(https?:\/\/)?([a-z0-9\u4e00-\u9fa5]([a-z0-9\u4e00-\u9fa5-]{0,61}[a-z0-9\u4e00-\u9fa5])?\.)+[a-z\u4e00-\u9fa5]{2,63}(:\d{1,5})?([/?#][^\s]*)?$/i
export const isWebsite = (v: string) => WEBSITE.test(v.trim())

export const EMAIL: RegExp = z.regexes.email
export const isEmail = (v: string) => EMAIL.test(v.trim())

export const LOGIN_CHARS = /^[A-Za-z0-9_.@-]+$/
export function isLogin(v: string): boolean {
  const s = v.trim()
  return s.length >= 2 && s.length <= 64 && LOGIN_CHARS.test(s)
}
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v.trim())
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
  } catch {
    return false // not a URL at all
  }
}

// ---- zod fields (blank = no value, as with every optional text field) ------------------------

/** Optional text of at most `max` characters that, when not blank, passes `check`. */
function formatted(max: number, code: string, check: (v: string) => boolean) {
  return str()
    .trim()
    .max(max)
    .refine((v) => v === '' || check(v), { message: `not a valid ${code.replace('_', ' ')}`, params: { code } })
    .nullish()
}

export const mobileField = () => formatted(50, 'mobile', isMobile)
export const phoneField = () => formatted(50, 'phone', isPhone)
export const postcodeField = () => formatted(20, 'postcode', isPostcode)
export const websiteField = () => formatted(255, 'website', isWebsite)
/** Stored upper-case (a lower-case letter is the same code). */
export const taxIdField = () =>
  formatted(64, 'tax_id', isTaxId).transform((v) => (typeof v === 'string' ? v.toUpperCase() : v))
