// 查重: which existing customers a customer being typed duplicates, against all customers
// whatever the caller's scope (the service decides what of them the caller may see).
//   same     the normalised name is equal (同名, normalizeCompanyName), or the same 税号
//   similar  the similar-name key is equal (a leading 省/市/区 or a place in brackets dropped,
//            有限公司/有限责任公司/股份有限公司 variants), or a shared phone or contact mobile
// Every level is an index lookup on the derived key columns (src-main/db/name-keys.ts), so it
// stays fast at 100,000+ customers. The opportunities service uses findCustomerBySameName for
// 开发成功 → customer.
import type { Knex } from 'knex'
import { normalizeCompanyName, phoneKey, similarNameKey, taxKey } from '../../db/name-keys'
import {
  contactMobileKeysOf, customersByContactMobile, customersByKey, customersByKeys, customersByPhone, type DuplicateRow,
} from './customers.repository'
import type { DuplicateReason } from '../../contract/customers'

export { normalizeCompanyName, similarNameKey } from '../../db/name-keys'

export const isSameCompanyName = (a: string | null | undefined, b: string | null | undefined) => {
  const ka = normalizeCompanyName(a)
  return ka !== '' && ka === normalizeCompanyName(b)
}

/**
 * A LIKE pattern (lower-cased) every stored name with this key matches, whatever spaces or
 * punctuation it holds: the key's Chinese characters (or, without any, its letters and digits)
 * with % between them (for callers without the name_key column at hand).
 */
export function sameNamePattern(key: string): string | null {
  const han = [...key].filter((c) => /\p{Script=Han}/u.test(c))
  const chars = han.length ? han : [...key].filter((c) => /[a-z0-9]/.test(c))
  return chars.length ? `%${chars.join('%')}%` : null
}

export interface SameNameCustomer {
  id: string
  code: string
  name: string
  ownerId: string | null
  ownerName: string | null
}

/**
 * The live customer (any owner, whatever the caller's scope) whose name is the same as `name`
 * by normalizeCompanyName — the *same* level of 查重; the oldest when several are. Null when none is.
 */
export async function findCustomerBySameName(db: Knex, name: string): Promise<SameNameCustomer | null> {
  const key = normalizeCompanyName(name)
  if (!key) return null
  const r = (await customersByKey(db, 'name_key', key.slice(0, 200), 1))[0]
  return r ? { id: r.id, code: r.code, name: r.name, ownerId: r.owner_id, ownerName: r.owner_name } : null
}

export interface DuplicateProbe {
  /** the customer being edited: never its own duplicate */
  excludeId?: string
  name?: string | null
  taxId?: string | null
  phone?: string | null
  phone2?: string | null
}

export interface FoundDuplicate {
  row: DuplicateRow
  level: 'same' | 'similar'
  reasons: DuplicateReason[]
}

/** At most this many customers per kind of match: enough to show, never a scan's worth. */
const PER_KIND = 20

/** The customers `probe` duplicates, the same ones first, each once with every reason found. */
export async function findDuplicates(db: Knex, probe: DuplicateProbe): Promise<FoundDuplicate[]> {
  const found = new Map<string, FoundDuplicate>()
  const add = (rows: DuplicateRow[], level: 'same' | 'similar', reason: DuplicateReason) => {
    for (const row of rows) {
      const f = found.get(row.id) ?? { row, level, reasons: [] }
      if (level === 'same') f.level = 'same'
      if (!f.reasons.includes(reason)) f.reasons.push(reason)
      found.set(row.id, f)
    }
  }
  const ex = probe.excludeId
  const nameKey = normalizeCompanyName(probe.name).slice(0, 200)
  if (nameKey) add(await customersByKey(db, 'name_key', nameKey, PER_KIND, ex), 'same', 'name')
  const tax = taxKey(probe.taxId)
  if (tax) add(await customersByKey(db, 'tax_key', tax.slice(0, 64), PER_KIND, ex), 'same', 'taxId')
  const similar = similarNameKey(probe.name).slice(0, 200)
  if (similar) add(await customersByKey(db, 'similar_key', similar, PER_KIND, ex), 'similar', 'similarName')
  const phones = [probe.phone, probe.phone2].map(phoneKey).filter((p): p is string => !!p)
  // an edited customer's contacts' mobiles count as its numbers too
  const mobiles = ex ? await contactMobileKeysOf(db, ex) : []
  const numbers = [...new Set([...phones, ...mobiles])]
  if (numbers.length) {
    add(await customersByPhone(db, numbers, PER_KIND, ex), 'similar', 'phone')
    add(await customersByContactMobile(db, numbers, PER_KIND, ex), 'similar', 'mobile')
  }
  const order = { same: 0, similar: 1 }
  return [...found.values()].sort((a, b) => order[a.level] - order[b.level])
}

/** What the 查重 tool takes a typed text for: a 税号 (15–20 letters and digits with a digit), a phone, or a name. */
export function classifyLookup(text: string): 'taxId' | 'phone' | 'name' {
  const t = text.trim()
  const compact = t.replace(/[\s\-.]/g, '')
  if (/^[0-9A-Za-z]{15,20}$/.test(compact) && /\d/.test(compact)) return 'taxId'
  if (/^\+?[\d\s\-()（）转]{7,}$/.test(t) && (phoneKey(t) ?? '').length >= 7) return 'phone'
  return 'name'
}

/**
 * 查重 for many probes at once (an import's chunk): the same levels and reasons as findDuplicates
 * (same: name key or 税号; similar: similar-name key or a shared 电话/电话2), each kind one indexed
 * IN query for all probes. Answers, per probe in order, its matches, the same ones first.
 */
export async function findDuplicatesMany(db: Knex, probes: DuplicateProbe[]): Promise<FoundDuplicate[][]> {
  const keyed = probes.map((p) => ({
    name: normalizeCompanyName(p.name).slice(0, 200),
    tax: taxKey(p.taxId)?.slice(0, 64) ?? '',
    similar: similarNameKey(p.name).slice(0, 200),
    phones: [p.phone, p.phone2].map(phoneKey).filter((x): x is string => !!x),
  }))
  const group = (rows: DuplicateRow[], key: (r: DuplicateRow) => Array<string | null>) => {
    const m = new Map<string, DuplicateRow[]>()
    for (const r of rows) for (const k of key(r)) if (k) m.set(k, [...(m.get(k) ?? []), r])
    return m
  }
  const byName = group(await customersByKeys(db, 'name_key', keyed.map((k) => k.name).filter(Boolean)), (r) => [r.name_key])
  const byTax = group(await customersByKeys(db, 'tax_key', keyed.map((k) => k.tax).filter(Boolean)), (r) => [r.tax_key])
  const bySimilar = group(await customersByKeys(db, 'similar_key', keyed.map((k) => k.similar).filter(Boolean)), (r) => [r.similar_key])
  const phones = keyed.flatMap((k) => k.phones)
  const phoneRows = phones.length ? [...(await customersByKeys(db, 'phone_key', phones)), ...(await customersByKeys(db, 'phone2_key', phones))] : []
  const byPhone = group(phoneRows, (r) => [r.phone_key, r.phone2_key])
  const order = { same: 0, similar: 1 }
  return probes.map((p, i) => {
    const k = keyed[i]!
    const found = new Map<string, FoundDuplicate>()
    const add = (rows: DuplicateRow[] | undefined, level: 'same' | 'similar', reason: DuplicateReason) => {
      for (const row of (rows ?? []).slice(0, PER_KIND)) {
        if (row.id === p.excludeId) continue
        const f = found.get(row.id) ?? { row, level, reasons: [] }
        if (level === 'same') f.level = 'same'
        if (!f.reasons.includes(reason)) f.reasons.push(reason)
        found.set(row.id, f)
      }
    }
    if (k.name) add(byName.get(k.name), 'same', 'name')
    if (k.tax) add(byTax.get(k.tax), 'same', 'taxId')
    if (k.similar) add(bySimilar.get(k.similar), 'similar', 'similarName')
    for (const ph of new Set(k.phones)) add(byPhone.get(ph), 'similar', 'phone')
    return [...found.values()].sort((a, b) => order[a.level] - order[b.level])
  })
}
