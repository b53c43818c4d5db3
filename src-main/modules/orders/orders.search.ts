// Which order numbers (DD-2026-001234) a global-search term can mean, as exact numbers and
// number ranges the code index reads directly — never a `LIKE '%…%'` over every order. Pure.
//   dd-2026-001234 / 2026-001234 / 2026001234  → that number
//   dd-2026-0012 / 2026-0012                   → the numbers of 2026 starting 0012
//   dd-2026 / dd-202                           → the numbers of those years
//   1234 … 123456 (digits)                     → in each year with orders: DD-Y-001234 and the numbers starting 1234
//   2026 (a year with orders)                  → also that year's numbers

/** `[from, to)` over order numbers of one shape: every digit string compares the same under any collation. */
export type CodeRange = [string, string]

export interface OrderCodeQuery {
  exact: string[]
  ranges: CodeRange[]
}

/** The digit string one greater, same length; null when it overflows (all nines). */
function nextDigits(d: string): string | null {
  const n = (BigInt(d) + 1n).toString().padStart(d.length, '0')
  return n.length > d.length ? null : n
}

/** The numbers of `year` whose sequence part starts with `seq` (possibly empty). */
function seqRange(year: string, seq: string): CodeRange {
  const from = `DD-${year}-${seq}`
  const up = seq ? nextDigits(seq) : null
  return [from, up ? `DD-${year}-${up}` : `DD-${nextDigits(year) ?? '9999'}-`]
}

const pad6 = (d: string) => d.padStart(6, '0')

/**
 * The order numbers a (normalised, lower-case) term asks for, or null when it is not one.
 * `years`: the years that have order numbers (digits alone are looked for in each).
 */
export function orderCodeQuery(term: string, years: number[]): OrderCodeQuery | null {
  const t = term.trim().toUpperCase()
  const out: OrderCodeQuery = { exact: [], ranges: [] }
  const full = /^(?:DD-?)?(\d{4})-(\d{0,6})$|^DD-?(\d{4})-?(\d{0,6})$/.exec(t)
  if (full) {
    const year = full[1] ?? full[3]
    const seq = full[2] ?? full[4] ?? ''
    if (seq.length === 6) out.exact.push(`DD-${year}-${seq}`)
    else out.ranges.push(seqRange(year, seq))
    return out
  }
  const partYear = /^DD-?(\d{1,3})$/.exec(t)
  if (partYear) {
    const up = nextDigits(partYear[1])
    out.ranges.push([`DD-${partYear[1]}`, up ? `DD-${up}` : 'DD-:'])
    return out
  }
  if (!/^\d{4,10}$/.test(t)) return null
  const ys = years.map(String)
  if (t.length <= 6) {
    for (const y of ys) {
      out.exact.push(`DD-${y}-${pad6(t)}`)
      if (t.length < 6) out.ranges.push(seqRange(y, t))
    }
    if (t.length === 4 && ys.includes(t)) out.ranges.push(seqRange(t, ''))
  } else if (ys.includes(t.slice(0, 4))) {
    out.exact.push(`DD-${t.slice(0, 4)}-${pad6(t.slice(4))}`)
  }
  return out.exact.length || out.ranges.length ? out : null
}

/** Whether a term can only be an order number (it starts with the DD prefix and a digit). */
export const isOrderCodeOnly = (term: string) => /^dd-?\d/i.test(term.trim())
