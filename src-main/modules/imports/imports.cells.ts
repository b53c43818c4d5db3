// Cell values as text, the way a person reads them in the sheet: rich text flattened, hyperlinks
// by their text, formulas by their result, numbers typed into phone/postcode columns as their
// digits (never 1.38E+10), dates as YYYY-MM-DD; full-width letters, digits and spaces made
// half-width and the text trimmed. Traditional and simplified characters are left as written.

export type CellKind = 'text' | 'digits' | 'date' | 'number'

const pad = (n: number) => String(n).padStart(2, '0')

/** A Date exceljs read (the cell's wall date as UTC) as YYYY-MM-DD. */
const dateText = (d: Date) => (Number.isNaN(d.getTime()) ? '' : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`)

/** An integer-valued number as all its digits (1.38E+10 → 13800000000); others as JS writes them. */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return ''
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n)
  return String(n)
}

/** Full-width ASCII (！..～) and the ideographic space to their half-width forms; NBSP to a space. */
export function halfWidth(s: string): string {
  if (!/[\uFF01-\uFF5E\u3000\u00A0]/.test(s)) return s
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\u3000\u00A0]/g, ' ')
}

/** Any exceljs cell value (or CSV text) as trimmed text. */
export function cellText(v: unknown, kind: CellKind = 'text'): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return clean(v)
  if (typeof v === 'number') return kind === 'date' ? serialDate(v) : numberText(v)
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (v instanceof Date) return dateText(v)
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (Array.isArray(o.richText)) return clean((o.richText as Array<{ text?: unknown }>).map((r) => String(r.text ?? '')).join(''))
    if ('result' in o) return cellText(o.result, kind) // formula
    if ('text' in o) return cellText(o.text, kind) // hyperlink
    if ('error' in o) return ''
  }
  return clean(String(v))
}

const clean = (s: string) => halfWidth(s).trim()

/** An Excel serial day number (1900 date system) as YYYY-MM-DD. */
export function serialDate(n: number): string {
  if (!Number.isFinite(n) || n < 1 || n > 2958465) return String(n)
  return dateText(new Date(Date.UTC(1899, 11, 30) + Math.floor(n) * 86_400_000))
}

/**
 * A date typed as text: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, or an Excel serial
 * number left as text; null when it is none of them or not a real date.
 */
export function parseDateText(s: string): string | null {
  const t = s.trim()
  if (/^\d{5}(\.\d+)?$/.test(t)) return serialDate(Number(t))
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const dt = new Date(Date.UTC(y, mo - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null
  return `${y}-${pad(mo)}-${pad(d)}`
}

/** A number typed as text: 1,234.50 / ￥1234.5 / 12 345; null when it is not one. */
export function parseNumberText(s: string): number | null {
  const t = s.replace(/[,，\s]/g, '').replace(/^[¥￥]|元$/g, '')
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null
  return Number(t)
}

/** Text a spreadsheet shows when a long number was stored as a float (1.38E+10): its digits are gone. */
export const isScientific = (s: string) => /^\d(\.\d+)?E\+\d+$/i.test(s.trim())

/**
 * A decimal typed as text (as parseNumberText reads it) in units of 10^-places, rounded half up
 * on its decimal digits (never through a float: 35.549999999999997 → 3555 cents, 1.005 → 101);
 * null when it is not a number.
 */
export function decimalUnits(s: string, places: number): number | null {
  const t = s.replace(/[,，\s]/g, '').replace(/^[¥￥]|元$/g, '')
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t)
  if (!m) return null
  const frac = (m[3] ?? '').padEnd(places + 1, '0')
  let n = BigInt(m[2]!) * 10n ** BigInt(places) + BigInt(frac.slice(0, places) || '0')
  if (Number(frac[places]) >= 5) n += 1n
  const v = Number(n)
  return m[1] ? -v : v
}

/**
 * A discount as basis points off: 5% / 5 % (percent off), 9折 / 9.5折 / 95折 (the Chinese 折: pay
 * 90 % / 95 %), a fraction below 1 (0.05: what a cell formatted as a percentage holds) or a plain
 * number from 1 to 100 (percent off); null when it is none of them or out of 0–100 %.
 */
export function parseDiscount(s: string): number | null {
  const t = s.replace(/\s/g, '')
  let bp: number | null
  const zhe = /^(\d+(?:\.\d+)?)折$/.exec(t)
  if (zhe) {
    const digits = zhe[1]!
    // 95折 = 9.5折; 9折, 9.5折 as written
    const n = /^\d{2}$/.test(digits) && digits !== '10' ? decimalUnits(digits, 2) : decimalUnits(digits, 3)
    if (n === null || n <= 0 || n > 10_000) return null
    bp = 10_000 - n
  } else if (t.endsWith('%')) bp = decimalUnits(t.slice(0, -1), 2)
  else {
    const x = parseNumberText(t)
    if (x === null) return null
    bp = x < 1 ? decimalUnits(t, 4) : decimalUnits(t, 2)
  }
  return bp !== null && bp >= 0 && bp <= 10_000 ? bp : null
}
