// The 流失预警 state machine and the rules of the check. Pure: the service loads, checks with
// these and writes.
//
//   (daily check) → open 流失预警 ─addMeasure→ paused 暂缓流失 ─addMeasure→ paused
//   open | paused ─confirm (流失原因)→ confirmed 已流失
//   open | paused ─a new order / the last order recent again→ closed
// The customer's status follows: 流失预警 / 暂缓流失 / 已流失 / 正常.
import type { ChurnAction, ChurnStatus } from '../../contract/churn'
import type { CustomerStatus } from '../../contract/customers'
import type { DictItem } from '../../contract/dictionary'
import type { z } from 'zod'
import { ruleError } from '../../shared/errors'

type Status = ChurnStatus
type Move = ChurnAction | 'close'

export const FROM: Record<Move, readonly Status[]> = {
  addMeasure: ['open', 'paused'],
  confirm: ['open', 'paused'],
  close: ['open', 'paused'],
}
const TO: Record<Move, Status> = { addMeasure: 'paused', confirm: 'confirmed', close: 'closed' }

/** A warning in these states still stands: the check opens no second one for the customer. */
export const LIVE_STATES: readonly Status[] = ['open', 'paused']

export function nextChurnStatus(status: Status, move: Move): Status {
  if (!FROM[move].includes(status)) {
    throw ruleError('churn.errors.illegalTransition', `a churn warning in state ${status} cannot ${move}`, { status, action: move })
  }
  return TO[move]
}

export const churnActions = (status: Status, canEdit: boolean): ChurnAction[] =>
  canEdit ? (['addMeasure', 'confirm'] as const).filter((a) => FROM[a].includes(status)) : []

/** The customer's status while its warning is in a state. */
export const CUSTOMER_STATUS: Record<Status, z.infer<typeof CustomerStatus>> = {
  open: 'churn_warning',
  paused: 'churn_paused',
  confirmed: 'churned',
  closed: 'normal',
}

/** YYYY-MM-DD `days` before `date`. */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10)
}

/**
 * Whether a customer is churning on `today`: its last order more than `cycleDays` ago, or no
 * order ever and created more than `cycleDays` ago. (The check asks the same in SQL, per policy:
 * last_order_date < today − cycle, or none and created_at < now − cycle.)
 */
export function isStale(c: { lastOrderDate: string | null; createdAt: string }, cycleDays: number, today: string, now: Date): boolean {
  if (c.lastOrderDate) return c.lastOrderDate < daysBefore(today, cycleDays)
  return Date.parse(c.createdAt) < now.getTime() - cycleDays * 86_400_000
}

const isLost = (i: Pick<DictItem, 'label' | 'labelEn'>) => /^流失/.test(i.label) || /^lost\b/i.test(i.labelEn ?? '')
const isAgent = (i: Pick<DictItem, 'label' | 'labelEn'>) => /代理/.test(i.label) || /agent/i.test(i.labelEn ?? '')

/**
 * The 流失 category a confirmed loss moves the customer to: 潜在/现有代理 → 流失代理, every other
 * (终端客户, or none) → 流失终端客户; already a 流失 category → unchanged. Matched on the seeded
 * labels (Chinese, or the English "Lost …"); null when the dictionary has no such item (then the
 * category stays and only the status says 已流失).
 */
export function lostCategoryFor(current: Pick<DictItem, 'id' | 'label' | 'labelEn'> | null, items: Array<Pick<DictItem, 'id' | 'label' | 'labelEn' | 'enabled'>>): string | null {
  if (current && isLost(current)) return current.id
  const lost = items.filter(isLost)
  const agent = !!current && isAgent(current)
  const hit = lost.find((i) => isAgent(i) === agent && i.enabled) ?? lost.find((i) => isAgent(i) === agent)
  return hit?.id ?? null
}
