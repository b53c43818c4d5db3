// The formats of Chinese contact and business data, as the form rules check them: a mirror of
// src-main/contract/formats.ts (the renderer imports only types from the contract), kept in step
// by test/unit/formats.test.ts. The rules themselves: see that file.

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

/** zod's e-mail pattern, the one `z.email()` checks in the contract. */
export const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/
export const isEmail = (v: string) => EMAIL.test(v.trim())

export const LOGIN_CHARS = /^[A-Za-z0-9_.@-]+$/
export function isLogin(v: string): boolean {
  const s = v.trim()
  return s.length >= 2 && s.length <= 64 && LOGIN_CHARS.test(s)
}
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

/** An http(s) URL without user or password in it (the update server's address). */
export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v.trim())
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
  } catch {
    return false // not a URL at all
  }
}
