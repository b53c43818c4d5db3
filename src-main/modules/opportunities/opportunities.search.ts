// The lower-cased `opportunities.search_text` behind the list's one LIKE: code, customer name,
// summary, contact and phone (as typed and digits only), plus full pinyin and initials of the
// customer and contact names (so `gzry` finds 广州市人易软件 opportunities). Pure.
import { pinyinForms, withoutDivisions } from '../customers/customers.search'

export const OPPORTUNITY_SEARCH_MAX = 1000
const SEP = '|'

export interface SearchOpportunity {
  code: string
  customerName: string
  summary: string
  contactName?: string | null
  contactPhone?: string | null
}

export function buildOpportunitySearchText(o: SearchOpportunity): string {
  const digits = o.contactPhone ? o.contactPhone.replace(/\D/g, '') : ''
  const parts = [
    o.code,
    o.customerName,
    o.contactName ?? '',
    o.contactPhone ?? '',
    digits,
    ...pinyinForms(o.customerName),
    ...pinyinForms(withoutDivisions(o.customerName)),
    ...pinyinForms(o.contactName),
    o.summary,
  ]
  const seen = new Set<string>()
  let out = ''
  for (const raw of parts) {
    const p = (raw ?? '').trim().toLowerCase().replaceAll(SEP, ' ')
    if (!p || seen.has(p)) continue
    const next = out ? out.length + SEP.length + p.length : p.length
    if (next > OPPORTUNITY_SEARCH_MAX) continue
    seen.add(p)
    out = out ? out + SEP + p : p
  }
  return out
}
