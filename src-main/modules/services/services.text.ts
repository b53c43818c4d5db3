// Text of service tickets: the lower-cased search_text behind the list's one LIKE, and the
// similarity of two tickets for "similar archived tickets" (character bigrams: Jaccard, overlap): Chinese
// has no spaces, and two characters are the smallest unit that still carries meaning (维修,
// 漏水, 报价), so no word segmentation is needed. Pure.
import { pinyinForms, withoutDivisions } from '../customers/customers.search'

/** The column is string(2000). */
export const TICKET_SEARCH_MAX = 2000

/**
 * code | customer | the customer's full pinyin and initials (with and without 省/市/区, as the
 * customers' own search text) | summary | request | handling notes, lower-cased, cut at the
 * column's length (the notes go first).
 */
export function buildTicketSearchText(t: { code: string; customerName: string; summary: string; request?: string | null; notes?: string[] }): string {
  const pinyin = [...new Set([...pinyinForms(t.customerName), ...pinyinForms(withoutDivisions(t.customerName))])]
  const parts = [t.code, t.customerName, ...pinyin, t.summary, t.request ?? '', ...(t.notes ?? [])]
  let out = ''
  for (const raw of parts) {
    const p = raw.trim().toLowerCase().replace(/\s+/g, ' ')
    if (!p) continue
    const next = out ? `${out}|${p}` : p
    if (next.length > TICKET_SEARCH_MAX) {
      out = next.slice(0, TICKET_SEARCH_MAX)
      break
    }
    out = next
  }
  return out
}

/** Letters, digits and Han characters, lower-cased; everything else separates runs. */
function runsOf(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
}

/**
 * Character bigrams of each run (a run of one character counts as itself), so "空调不制冷"
 * gives 空调 调不 不制 制冷. Latin words are split into bigrams too, which tolerates plurals.
 */
export function bigrams(s: string): Set<string> {
  const out = new Set<string>()
  for (const run of runsOf(s)) {
    const chars = [...run]
    if (chars.length === 1) out.add(chars[0])
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1])
  }
  return out
}

/** |A ∩ B| / |A ∪ B|, 0 when both are empty. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0
  let common = 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const g of small) if (large.has(g)) common++
  return common / (a.size + b.size - common)
}

/** |A ∩ B| / min(|A|, |B|): how much of the shorter text the other contains (0 when one is empty). */
export function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0
  let common = 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const g of small) if (large.has(g)) common++
  return common / small.size
}

/** Below this score a candidate is not shown as similar. */
export const MIN_SIMILARITY = 0.08

/**
 * Ranks candidates by similarity to the query, best first: the Jaccard of the whole texts
 * (summary + request), raised by how much the two summaries share (they name the problem; a
 * short summary inside a longer one counts fully).
 */
export function rankSimilar<T extends { summary: string; request: string | null }>(
  query: { summary: string; request?: string | null },
  candidates: T[],
  limit: number,
): Array<T & { score: number }> {
  const q = bigrams(`${query.summary} ${query.request ?? ''}`)
  const qSummary = bigrams(query.summary)
  return candidates
    .map((c) => {
      const whole = jaccard(q, bigrams(`${c.summary} ${c.request ?? ''}`))
      const summary = overlap(qSummary, bigrams(c.summary))
      return { ...c, score: Math.round(Math.max(whole, (whole + summary) / 2) * 1000) / 1000 }
    })
    .filter((c) => c.score >= MIN_SIMILARITY)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
}
