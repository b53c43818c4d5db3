// Where a global-search hit opens. A kind without a screen here is not offered (its area's
// screens are not built yet).
import type { SearchHit, SearchKind } from '@contract/search'

export const SEARCH_TARGETS: Partial<Record<SearchKind, (h: SearchHit) => string | null>> = {
  customer: (h) => `/customers/${h.id}`,
  contact: (h) => (h.customerId ? `/customers/${h.customerId}?tab=contacts` : null),
  opportunity: (h) => `/opportunities/${h.id}`,
  order: (h) => `/orders/${h.id}`,
  ticket: (h) => `/services/${h.id}`,
}

export const targetOf = (h: SearchHit): string | null => SEARCH_TARGETS[h.kind]?.(h) ?? null

/** The title split around the first occurrence of the term (any case), for highlighting it. */
export function highlightParts(title: string, term: string): Array<{ text: string; hit: boolean }> {
  const t = term.trim().toLowerCase()
  const i = t ? title.toLowerCase().indexOf(t) : -1
  if (i < 0) return [{ text: title, hit: false }]
  return [
    { text: title.slice(0, i), hit: false },
    { text: title.slice(i, i + t.length), hit: true },
    { text: title.slice(i + t.length), hit: false },
  ].filter((p) => p.text)
}
