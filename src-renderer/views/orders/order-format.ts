// Display helpers of the order screens: status colours, discount percent ↔ basis points,
// yuan ↔ cents, and the line amounts shown while a draft is typed.
import type { OrderStatus, PlanState } from '@contract/orders'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

const STATUS_TAGS: Record<OrderStatus, TagType> = {
  draft: 'info',
  pending: 'warning',
  approved: 'primary',
  shipped: 'success',
  completed: 'success',
  cancelled: 'info',
}
export const statusTagType = (s: OrderStatus): TagType => STATUS_TAGS[s] ?? 'info'

const PLAN_TAGS: Record<PlanState, TagType> = { paid: 'success', partial: 'warning', open: 'info', overdue: 'danger' }
export const planTagType = (s: PlanState): TagType => PLAN_TAGS[s] ?? 'info'

/** 12.5 (%) → 1250 basis points; the percent input allows two decimals. */
export const bpOfPercent = (pct: number | null | undefined) => Math.round((pct ?? 0) * 100)
export const percentOfBp = (bp: number) => bp / 100
/** "12.5%" / "—" for no discount. */
export const formatDiscount = (bp: number) => (bp ? `${percentOfBp(bp)}%` : '—')

/** Yuan typed in a YuanInput (two decimals) → integer cents. */
export const centsOfYuan = (yuan: number | null | undefined) => (yuan === null || yuan === undefined ? null : Math.round(yuan * 100))
export const yuanOfCents = (cents: number | null | undefined) => (cents === null || cents === undefined ? null : cents / 100)

/**
 * The line total shown while typing a draft. The saved figures are the main process's (the
 * rounding rule lives in src-main/modules/orders/orders.model.ts); this preview uses the same
 * rule — round half up once per line, in integers — so what the user sees is what is saved.
 */
export function previewLineTotal(quantity: number | null | undefined, unitPriceCents: number | null | undefined, discountBp: number): number {
  if (!quantity || !unitPriceCents) return 0
  const q = BigInt(Math.round(quantity * 1000))
  const n = q * BigInt(unitPriceCents) * BigInt(10_000 - discountBp)
  const d = 10_000_000n
  return Number((2n * n + d) / (2n * d))
}

/** Today's local date as YYYY-MM-DD. */
export function todayYmd(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖'
const SMALL_UNITS = ['', '拾', '佰', '仟']
const BIG_UNITS = ['', '万', '亿', '万亿']

/** A four-digit group in capital numerals (0 < n < 10000), with inner zeros read once. */
function group(n: number): string {
  let out = ''
  let zero = false
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(n / 10 ** i) % 10
    if (d === 0) {
      zero = out !== ''
      continue
    }
    if (zero) out += '零'
    zero = false
    out += DIGITS[d] + SMALL_UNITS[i]
  }
  return out
}

/** 金额大写 of the printed sheet: 287500000 cents → 人民币贰佰捌拾柒万伍仟元整. */
export function chineseAmount(cents: number): string {
  const c = Math.round(Math.abs(cents))
  const yuan = Math.floor(c / 100)
  const jiao = Math.floor(c / 10) % 10
  const fen = c % 10
  const sign = cents < 0 ? '负' : ''
  let int = ''
  const groups: number[] = []
  for (let y = yuan; y > 0; y = Math.floor(y / 10_000)) groups.push(y % 10_000)
  let needZero = false
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]
    if (g === 0) {
      needZero = int !== ''
      continue
    }
    if (int && (needZero || g < 1000)) int += '零'
    needZero = false
    int += group(g) + BIG_UNITS[i]
  }
  let small = ''
  if (jiao) small += DIGITS[jiao] + '角'
  else if (fen && yuan > 0) small += '零'
  if (fen) small += DIGITS[fen] + '分'
  if (!small) return `${sign}人民币${yuan ? int : '零'}元整`
  return `${sign}人民币${yuan ? int + '元' : ''}${small}`
}
