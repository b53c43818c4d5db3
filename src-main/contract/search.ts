// 全局搜索 (Ctrl/⌘+K): one box over customers, contacts, opportunities, orders and service
// tickets — by text, pinyin or initials — ranked, and only what the caller may see.
import { z } from 'zod'
import { call, Id, requiredText } from './common'

export const SEARCH_KINDS = ['customer', 'contact', 'opportunity', 'order', 'ticket'] as const
export const SearchKind = z.enum(SEARCH_KINDS)
export type SearchKind = z.infer<typeof SearchKind>

export const SearchHit = z.object({
  kind: SearchKind,
  id: Id,
  /** the record's name (customer, contact), number or summary */
  title: z.string(),
  /** a second line: code, company, mobile… (never translated text: data only) */
  subtitle: z.string().nullable(),
  /** the customer the record belongs to (contacts, orders, tickets), for opening the card */
  customerId: Id.nullable(),
  match: z.enum(['exact', 'prefix', 'contains']),
  field: z.enum(['name', 'pinyin', 'code', 'phone', 'other']),
  /** lower ranks first: match (exact, prefix, contains) × 10 + field (name, pinyin, code, phone, other) */
  score: z.number().int(),
})
export type SearchHit = z.infer<typeof SearchHit>

export const SearchGroup = z.object({ kind: SearchKind, items: z.array(SearchHit) })
export type SearchGroup = z.infer<typeof SearchGroup>

export const GlobalSearchInput = z.strictObject({
  term: requiredText(100),
  /** hits per kind */
  limit: z.number().int().min(1).max(20).default(5),
})

export const searchContract = {
  /** Groups of hits, best group first; `searched`: the kinds the caller may see (and that exist). */
  global: call(GlobalSearchInput, z.object({ groups: z.array(SearchGroup), searched: z.array(SearchKind) })),
} as const
