// How a global-search hit is ranked (Ctrl/⌘+K): first by how it matched — the whole value,
// its start, or somewhere inside — then by which field matched: the name before its pinyin,
// before codes and numbers, before anything else. Lower scores rank first. Pure: every area's
// searchTop() ranks its candidates with these, so hits of different areas compare fairly.

export type SearchMatch = 'exact' | 'prefix' | 'contains'
export type SearchField = 'name' | 'pinyin' | 'code' | 'phone' | 'other'

const MATCH_WEIGHT: Record<SearchMatch, number> = { exact: 0, prefix: 1, contains: 2 }
const FIELD_WEIGHT: Record<SearchField, number> = { name: 0, pinyin: 1, code: 2, phone: 3, other: 4 }

export interface RankedMatch {
  match: SearchMatch
  field: SearchField
  score: number
}

/**
 * The term as searched: trimmed, lower-case, inner whitespace collapsed; a phone number typed
 * with separators (138-0013 8000, (020) 8765) as its digits, which search texts also hold.
 */
export function normalizeTerm(term: string): string {
  const t = term.trim().toLowerCase().replace(/\s+/g, ' ')
  return /^[\d\s+()-]+$/.test(t) && /\d{3}/.test(t.replace(/\D/g, '')) ? t.replace(/\D/g, '') : t
}

/** Digits of a phone-like term ('' when the term is not one), so 138-0013 finds 1380013…. */
export function phoneDigits(term: string): string {
  return /^[\d\s+()-]+$/.test(term) ? term.replace(/\D/g, '') : ''
}

/** How `value` matches the (normalised) term, or null. */
export function matchOf(term: string, value: string | null | undefined): SearchMatch | null {
  if (!value || !term) return null
  const v = value.toLowerCase()
  if (v === term) return 'exact'
  if (v.startsWith(term)) return 'prefix'
  return v.includes(term) ? 'contains' : null
}

export const scoreOf = (match: SearchMatch, field: SearchField) => MATCH_WEIGHT[match] * 10 + FIELD_WEIGHT[field]

/**
 * The best match of the term over a record's fields. Phone fields also match by digits only.
 * Returns null when nothing matches (the caller's SQL candidate matched elsewhere, e.g. a
 * customer found through a contact's name: ranked as `other`).
 */
export function bestMatch(term: string, fields: Array<{ field: SearchField; values: Array<string | null | undefined> }>): RankedMatch | null {
  const digits = phoneDigits(term)
  let best: RankedMatch | null = null
  for (const f of fields) {
    for (const v of f.values) {
      let m = matchOf(term, v)
      if (!m && f.field === 'phone' && digits && v) m = matchOf(digits, v.replace(/\D/g, ''))
      if (!m) continue
      const score = scoreOf(m, f.field)
      if (!best || score < best.score) best = { match: m, field: f.field, score }
    }
  }
  return best
}

/** Orders hits: score, then shorter titles (closer to the term), then title, then id. */
export function compareHits(a: { score: number; title: string; id: string }, b: { score: number; title: string; id: string }): number {
  return a.score - b.score || a.title.length - b.title.length || a.title.localeCompare(b.title, 'zh-CN') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * The coarse rank of a candidate from its search text alone (parts joined by '|', the name
 * first): 0 the name is the term, 1 the name starts with it, 2 another part starts with it
 * (pinyin, initials, code, phone, a contact's name), 3 it occurs inside a part; then which part
 * (earlier parts are the record's own). Used to pick the few candidates ranked precisely.
 */
export function textRank(searchText: string, term: string): [number, number] {
  const parts = searchText.split('|')
  if (parts[0] === term) return [0, 0]
  if (parts[0].startsWith(term)) return [1, 0]
  const p = parts.findIndex((x) => x.startsWith(term))
  if (p >= 0) return [2, p]
  const c = parts.findIndex((x) => x.includes(term))
  return [3, c < 0 ? parts.length : c]
}

/** The `n` best candidates by textRank (then id, for a stable order). */
export function bestByText<T extends { id: string; searchText: string }>(rows: T[], term: string, n: number): T[] {
  const keyed = rows.map((r) => ({ r, k: textRank(r.searchText, term) }))
  keyed.sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0))
  const seen = new Set<string>()
  const out: T[] = []
  for (const { r } of keyed) {
    if (seen.has(r.id)) continue
    seen.add(r.id)
    out.push(r)
    if (out.length >= n) break
  }
  return out
}
