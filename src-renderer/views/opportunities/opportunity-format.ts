// Small helpers of the opportunity screens: status tag colours, money in yuan ↔ cents, the
// local day boundaries sent as instants, percentages.
import type { OpportunityStatus } from '@contract/opportunities'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'
const STATUS_TAGS: Record<OpportunityStatus, TagType> = { unassigned: 'warning', assigned: 'primary', won: 'success', lost: 'info' }
export const statusTagType = (s: OpportunityStatus): TagType => STATUS_TAGS[s]

/** Integer cents → yuan for an amount input (null stays null). */
export const centsToYuan = (c: number | null | undefined) => (c === null || c === undefined ? null : c / 100)
/** Yuan typed with up to two decimals → integer cents. */
export const yuanToCents = (y: number | null | undefined) => (y === null || y === undefined ? null : Math.round(y * 100))
/** The largest expected amount the server accepts (10 亿元). */
export const AMOUNT_MAX_YUAN = 1_000_000_000

/** A local calendar day (YYYY-MM-DD) → the instant its local midnight is, as ISO UTC. */
export function localDayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y!, m! - 1, d!).toISOString()
}
/** The instant the local day after `day` starts (an exclusive upper bound). */
export function localDayEnd(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y!, m! - 1, d! + 1).toISOString()
}

/** Today as YYYY-MM-DD on the local clock. */
export function today(): string {
  const n = new Date()
  return `${n.getFullYear()}-${String(n.getMonth() + 1).padStart(2, '0')}-${String(n.getDate()).padStart(2, '0')}`
}

export const percent = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`)
