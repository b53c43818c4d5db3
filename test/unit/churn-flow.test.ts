// The 流失预警 state machine and the check's rules: open → 暂缓流失 (measures) → 确认流失, or
// closed by a new order; the customer's status for each state; when a customer is churning;
// and which 流失 category a confirmed loss moves it to.
import { describe, expect, it } from 'vitest'
import { CHURN_STATUSES } from '../../src-main/contract/churn'
import { churnActions, CUSTOMER_STATUS, daysBefore, isStale, lostCategoryFor, nextChurnStatus } from '../../src-main/modules/churn/churn.flow'
import { AppError } from '../../src-main/shared/errors'

const item = (id: string, label: string, labelEn: string, enabled = true) => ({ id, label, labelEn, enabled })
const CATEGORIES = [
  item('pe', '潜在终端客户', 'Prospective end customer'), item('pa', '潜在代理', 'Prospective agent'), item('ce', '现有终端客户', 'Current end customer'),
  item('ca', '现有代理', 'Current agent'), item('le', '流失终端客户', 'Lost end customer'), item('la', '流失代理', 'Lost agent'),
]

describe('churn flow', () => {
  it('moves open → paused on a measure (and stays paused), to confirmed or closed from either', () => {
    expect(nextChurnStatus('open', 'addMeasure')).toBe('paused')
    expect(nextChurnStatus('paused', 'addMeasure')).toBe('paused')
    expect(nextChurnStatus('open', 'confirm')).toBe('confirmed')
    expect(nextChurnStatus('paused', 'confirm')).toBe('confirmed')
    expect(nextChurnStatus('paused', 'close')).toBe('closed')
  })

  it('refuses every move out of confirmed and closed with a rule error naming the state', () => {
    for (const s of ['confirmed', 'closed'] as const) {
      for (const m of ['addMeasure', 'confirm', 'close'] as const) {
        let err: unknown
        try {
          nextChurnStatus(s, m)
        } catch (e) {
          err = e
        }
        expect((err as AppError).toApi()).toMatchObject({ code: 'rule', key: 'churn.errors.illegalTransition', params: { status: s, action: m } })
      }
    }
    expect(churnActions('open', true)).toEqual(['addMeasure', 'confirm'])
    expect(churnActions('open', false)).toEqual([])
    expect(churnActions('confirmed', true)).toEqual([])
  })

  it('gives the customer the status of its warning', () => {
    expect(CHURN_STATUSES.map((s) => CUSTOMER_STATUS[s])).toEqual(['churn_warning', 'churn_paused', 'churned', 'normal'])
  })

  it('calls a customer churning once its last order (or, never ordering, its creation) is older than the cycle', () => {
    const now = new Date('2026-06-30T04:00:00Z')
    const today = '2026-06-30'
    expect(daysBefore(today, 180)).toBe('2026-01-01')
    expect(isStale({ lastOrderDate: '2025-12-31', createdAt: '2020-01-01T00:00:00Z' }, 180, today, now)).toBe(true)
    expect(isStale({ lastOrderDate: '2026-01-01', createdAt: '2020-01-01T00:00:00Z' }, 180, today, now)).toBe(false)
    expect(isStale({ lastOrderDate: '2026-05-20', createdAt: '2020-01-01T00:00:00Z' }, 30, today, now)).toBe(true)
    expect(isStale({ lastOrderDate: null, createdAt: '2025-12-01T00:00:00Z' }, 180, today, now)).toBe(true)
    expect(isStale({ lastOrderDate: null, createdAt: '2026-03-01T00:00:00Z' }, 180, today, now)).toBe(false)
  })

  it('moves a confirmed loss to the matching 流失 category', () => {
    const by = (id: string) => CATEGORIES.find((c) => c.id === id)!
    expect(lostCategoryFor(by('ca'), CATEGORIES)).toBe('la')
    expect(lostCategoryFor(by('pa'), CATEGORIES)).toBe('la')
    expect(lostCategoryFor(by('ce'), CATEGORIES)).toBe('le')
    expect(lostCategoryFor(by('pe'), CATEGORIES)).toBe('le')
    expect(lostCategoryFor(null, CATEGORIES)).toBe('le')
    expect(lostCategoryFor(by('la'), CATEGORIES)).toBe('la') // already lost: unchanged
    // renamed in Chinese but the English label still says so
    expect(lostCategoryFor(item('x', '经销商', 'Current agent'), [item('y', '已流失经销商', 'Lost agent')])).toBe('y')
    // no 流失 category in the dictionary: none
    expect(lostCategoryFor(by('ce'), CATEGORIES.filter((c) => !c.label.startsWith('流失')))).toBeNull()
    // a disabled lost item is used only when no enabled one matches
    expect(lostCategoryFor(by('ce'), [...CATEGORIES.map((c) => (c.id === 'le' ? { ...c, enabled: false } : c)), item('le2', '流失终端客户（新）', 'Lost end customer (new)')])).toBe('le2')
  })
})
