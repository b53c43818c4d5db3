// The service ticket's rules without a database: every action × status of the state machine,
// the quote's gate on 已处理, the reopen-on-low-satisfaction rule, the SLA clock and rule lookup,
// the overdue branches, and the text similarity behind "similar archived tickets".
import { describe, expect, it } from 'vitest'
import { QuoteStatus, TicketAction, TicketStatus } from '../../src-main/contract/services'
import {
  ALLOWED_FROM, assertTransition, DEFAULT_SLA_HOURS, feedbackOutcome, minutesBetween, quoteAllowsHandling, slaClock, slaHours, stateAllows,
} from '../../src-main/modules/services/services.model'
import { overdueBranches } from '../../src-main/modules/services/services.sla'
import { bigrams, buildTicketSearchText, jaccard, overlap, rankSimilar, TICKET_SEARCH_MAX } from '../../src-main/modules/services/services.text'
import { AppError } from '../../src-main/shared/errors'

const keyOf = (fn: () => void) => {
  try {
    fn()
    return null
  } catch (e) {
    expect(e).toBeInstanceOf(AppError)
    return (e as AppError).extra.key
  }
}

describe('the ticket state machine', () => {
  // the whole table: which action may start from which status (quote and notes permitting)
  const expected: Record<TicketAction, TicketStatus[]> = {
    edit: ['new', 'assigned'],
    assign: ['new', 'assigned'],
    addNote: ['assigned'],
    survey: ['assigned'],
    quote: ['assigned'],
    confirmQuote: ['assigned'],
    declineQuote: ['assigned'],
    decideQuote: ['assigned'],
    withdrawQuote: ['assigned'],
    handle: ['assigned'],
    feedback: ['handled'],
    archive: ['feedback'],
  }

  it.each(TicketAction.options)('%s starts only from its statuses', (action) => {
    expect(ALLOWED_FROM[action]).toEqual(expected[action])
    const quote = action === 'decideQuote' ? 'confirmed' : action === 'confirmQuote' || action === 'declineQuote' || action === 'withdrawQuote' ? 'pending' : null
    for (const status of TicketStatus.options) {
      const ok = expected[action].includes(status)
      expect(stateAllows(action, status, quote), `${action} from ${status}`).toBe(ok)
      expect(keyOf(() => assertTransition(action, status, quote)), `${action} from ${status}`).toBe(ok ? null : 'services.errors.illegalTransition')
    }
  })

  it('an archived ticket allows nothing (read-only)', () => {
    for (const action of TicketAction.options) expect(stateAllows(action, 'archived', null), action).toBe(false)
  })

  it('names the action and the status in the refusal', () => {
    try {
      assertTransition('assign', 'handled', null)
      expect.unreachable()
    } catch (e) {
      expect((e as AppError).toApi()).toMatchObject({ code: 'rule', key: 'services.errors.illegalTransition', params: { action: 'assign', status: 'handled' } })
    }
  })

  it('walks the quote: pending → confirmed → approved/rejected, or declined; only approved, declined or none lets the work be handled', () => {
    expect(quoteAllowsHandling(null)).toBe(true)
    for (const q of QuoteStatus.options) expect(quoteAllowsHandling(q), q).toBe(q === 'approved' || q === 'declined')
    for (const q of QuoteStatus.options) {
      expect(stateAllows('confirmQuote', 'assigned', q), `confirm ${q}`).toBe(q === 'pending')
      expect(stateAllows('declineQuote', 'assigned', q), `decline ${q}`).toBe(q === 'pending')
      expect(stateAllows('decideQuote', 'assigned', q), `decide ${q}`).toBe(q === 'confirmed')
      expect(stateAllows('withdrawQuote', 'assigned', q), `withdraw ${q}`).toBe(true)
      expect(stateAllows('quote', 'assigned', q), `requote ${q}`).toBe(true)
    }
    expect(stateAllows('withdrawQuote', 'assigned', null)).toBe(false)
    expect(keyOf(() => assertTransition('decideQuote', 'assigned', null))).toBe('services.errors.quoteState')
    for (const q of ['pending', 'confirmed', 'rejected'] as const) expect(keyOf(() => assertTransition('handle', 'assigned', q)), q).toBe('services.errors.quoteOpen')
    expect(keyOf(() => assertTransition('handle', 'assigned', 'approved'))).toBeNull()
  })

  it('needs a handling note of this round before 已处理', () => {
    expect(keyOf(() => assertTransition('handle', 'assigned', null, 0))).toBe('services.errors.noHandlingNote')
    expect(stateAllows('handle', 'assigned', null, 0)).toBe(false)
    expect(keyOf(() => assertTransition('handle', 'assigned', null, 2))).toBeNull()
  })
})

describe('reopen on low satisfaction', () => {
  it('1 and 2 reopen the ticket, 3 to 5 record the feedback', () => {
    expect([1, 2, 3, 4, 5].map(feedbackOutcome)).toEqual(['reopen', 'reopen', 'feedback', 'feedback', 'feedback'])
  })
})

describe('the SLA clock', () => {
  const repair = 'aaaaaaaa-0000-4000-8000-000000000001'
  const consult = 'aaaaaaaa-0000-4000-8000-000000000002'
  const rules = [
    { typeId: repair, urgency: 'urgent' as const, hours: 2 },
    { typeId: null, urgency: 'normal' as const, hours: 24 },
  ]

  it('takes the type rule, else the urgency default, else the built-in default', () => {
    expect(slaHours(rules, repair, 'urgent')).toBe(2)
    expect(slaHours(rules, consult, 'urgent')).toBe(DEFAULT_SLA_HOURS.urgent)
    expect(slaHours(rules, repair, 'normal')).toBe(24)
    expect(slaHours(rules, null, 'normal')).toBe(24)
    expect(slaHours([], null, 'normal')).toBe(DEFAULT_SLA_HOURS.normal)
  })

  it('is due at start + hours, escalates at twice, and counts only while the ticket waits', () => {
    const start = '2026-03-02T01:00:00.000Z'
    const at = (iso: string, waiting = true) => slaClock(start, 4, new Date(iso), waiting)
    expect(at('2026-03-02T04:59:59.000Z')).toMatchObject({ dueAt: '2026-03-02T05:00:00.000Z', escalateAt: '2026-03-02T09:00:00.000Z', overdue: false, escalated: false })
    expect(at('2026-03-02T05:00:00.000Z').overdue).toBe(false) // exactly at the deadline: still on time
    expect(at('2026-03-02T05:00:01.000Z')).toMatchObject({ overdue: true, escalated: false })
    expect(at('2026-03-02T09:00:01.000Z')).toMatchObject({ overdue: true, escalated: true })
    expect(at('2026-03-02T09:00:01.000Z', false)).toMatchObject({ overdue: false, escalated: false })
  })

  it('measures whole minutes (never negative)', () => {
    expect(minutesBetween('2026-03-02T01:00:00.000Z', '2026-03-02T03:30:29.000Z')).toBe(150)
    expect(minutesBetween('2026-03-02T01:00:00.000Z', '2026-03-02T00:00:00.000Z')).toBe(0)
  })

  it('builds one overdue branch per distinct rule and a default branch excluding typed rules', () => {
    const now = new Date('2026-03-02T12:00:00.000Z')
    const b = overdueBranches([...rules, { typeId: consult, urgency: 'urgent', hours: 2 }], now)
    expect(b).toEqual([
      { typeIds: [repair, consult], excludeTypeIds: [], urgency: 'urgent', startedBefore: '2026-03-02T10:00:00.000Z' },
      { typeIds: null, excludeTypeIds: [repair, consult], urgency: 'urgent', startedBefore: '2026-03-02T04:00:00.000Z' },
      { typeIds: null, excludeTypeIds: [], urgency: 'normal', startedBefore: '2026-03-01T12:00:00.000Z' },
    ])
  })
})

describe('ticket text', () => {
  it('splits Chinese into character bigrams and keeps single characters', () => {
    expect([...bigrams('空调不制冷')]).toEqual(['空调', '调不', '不制', '制冷'])
    expect([...bigrams('漏 水')].sort()).toEqual(['水', '漏'].sort())
    expect([...bigrams('PLC报警！E-07')]).toEqual(['pl', 'lc', 'c报', '报警', 'e', '07'])
  })

  it('scores identical text 1, unrelated text 0, overlapping text in between', () => {
    expect(jaccard(bigrams('液压系统漏油'), bigrams('液压系统漏油'))).toBe(1)
    expect(jaccard(bigrams('液压系统漏油'), bigrams('电脑无法开机'))).toBe(0)
    const s = jaccard(bigrams('液压站漏油'), bigrams('液压系统漏油'))
    expect(s).toBeGreaterThan(0.2)
    expect(s).toBeLessThan(1)
    expect(jaccard(new Set(), bigrams('x'))).toBe(0)
    // a short summary inside a longer one overlaps fully
    expect(overlap(bigrams('主轴异响'), bigrams('数控机床主轴异响，需要检修'))).toBe(1)
    expect(overlap(bigrams('主轴异响'), new Set())).toBe(0)
  })

  it('ranks similar tickets best first and drops the unrelated', () => {
    const candidates = [
      { id: 'a', summary: '电脑开不了机', request: '办公电脑无法开机' },
      { id: 'b', summary: '液压系统漏油', request: '设备液压系统漏油严重，油管接头处渗油' },
      { id: 'c', summary: '液压站压力不足', request: '液压站压力上不去' },
    ]
    const ranked = rankSimilar({ summary: '液压站漏油', request: '油管接头漏油' }, candidates, 5)
    expect(ranked.map((r) => r.id)).toEqual(['b', 'c'])
    expect(ranked[0].score).toBeGreaterThan(ranked[1].score)
    expect(rankSimilar({ summary: '液压系统漏油问题' }, candidates, 1).map((r) => r.id)).toEqual(['b'])
    // late delivery: the summaries share only 送货延, the requests little; still found, ranked above noise
    const late = rankSimilar({ summary: '送货延误两天，客户投诉影响生产', request: '订单送货比约定晚了两天，生产线停工' }, [
      { id: 'd', summary: '送货延迟三天', request: '订单约定周五到货，实际周一才到，影响客户生产排期' },
      { id: 'e', summary: '发票抬头错误', request: '发票信息与合同不一致' },
    ], 5)
    expect(late.map((r) => r.id)).toEqual(['d'])
    expect(late[0].score).toBeGreaterThan(0.2)
    expect(rankSimilar({ summary: '液压站压力低' }, candidates, 1).map((r) => r.id)).toEqual(['c'])
  })

  it("builds a lower-cased search text within the column size, with the customer's pinyin and initials", () => {
    expect(buildTicketSearchText({ code: 'FW-2026-000001', customerName: '华盛 机械', summary: 'PLC 报警', request: null, notes: ['更换  模块'] })).toBe(
      'fw-2026-000001|华盛 机械|huashengjixie|hsjx|plc 报警|更换 模块',
    )
    expect(buildTicketSearchText({ code: 'c', customerName: 'n', summary: 'x'.repeat(5000) }).length).toBe(TICKET_SEARCH_MAX)
  })
})
