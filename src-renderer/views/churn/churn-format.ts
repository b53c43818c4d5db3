// Shared bits of the churn screens: status colours, days without an order, error texts with the
// state machine's codes in words.
import type { ChurnStatus } from '@contract/churn'
import { ApiCallError } from '../../api/client'
import { errorMessage, type Translate } from '../../api/errors'

export const CHURN_TAG: Record<ChurnStatus, 'danger' | 'warning' | 'info' | 'success'> = { open: 'danger', paused: 'warning', confirmed: 'info', closed: 'success' }
export const CHURN_STATUSES: ChurnStatus[] = ['open', 'paused', 'confirmed', 'closed']

/** Whole days from a YYYY-MM-DD date to today (local calendar). */
export function daysSince(ymd: string, now = new Date()): number {
  const [y, m, d] = ymd.split('-').map(Number)
  return Math.max(0, Math.round((Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) - Date.UTC(y, m - 1, d)) / 86_400_000))
}

export function churnError(e: unknown, t: Translate): string {
  if (e instanceof ApiCallError && e.error.key === 'churn.errors.illegalTransition' && e.error.params) {
    const p = e.error.params
    const action = p.action === 'confirm' ? t('churn.confirm.action') : p.action === 'addMeasure' ? t('churn.measures.add') : String(p.action)
    return errorMessage(new ApiCallError({ ...e.error, params: { ...p, status: t(`churn.statuses.${String(p.status)}`), action } }), t)
  }
  return errorMessage(e, t)
}
