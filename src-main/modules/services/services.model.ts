// The rules of a service ticket, pure (no database): which action each status allows, the
// quote's gate on 已处理, what a satisfaction score does, and the SLA clock.
//
//   new ──assign──▶ assigned ──handle──▶ handled ──feedback 3–5──▶ feedback ──archive──▶ archived
//    ▲               │  ▲ (assign again: another handler)   │
//    │               └──┘ notes, survey, quote …            │
//    └──────────── feedback 1–2: reopened to the supervisor ┘
//
// A low score (1–2) sends the ticket back to 新创建 without a handler: it lands in the
// supervisors' queue again (and each gets a reminder due at once) as a follow-up; the SLA clock
// restarts at the reopen, reopen_count goes up, the feedback itself is kept as a note.
import type { QuoteStatus, TicketAction, TicketStatus, TicketUrgency } from '../../contract/services'
import { ruleError } from '../../shared/errors'

const HOUR = 3_600_000
const MINUTE = 60_000

/** The statuses each action may start from. */
export const ALLOWED_FROM: Record<TicketAction, readonly TicketStatus[]> = {
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

/** The quote statuses each quote action needs (null: no quote). */
const QUOTE_FROM: Partial<Record<TicketAction, ReadonlyArray<QuoteStatus | null>>> = {
  confirmQuote: ['pending'],
  declineQuote: ['pending'],
  decideQuote: ['confirmed'],
  withdrawQuote: ['pending', 'confirmed', 'approved', 'rejected', 'declined'],
}

/** Paid work may be marked 已处理 with no quote, an approved one, or one the customer declined. */
export const quoteAllowsHandling = (q: QuoteStatus | null) => q === null || q === 'approved' || q === 'declined'

/** Whether the ticket's state lets `action` happen (permissions aside). */
export function stateAllows(action: TicketAction, status: TicketStatus, quote: QuoteStatus | null, handlingNotes = 1): boolean {
  if (!ALLOWED_FROM[action].includes(status)) return false
  const q = QUOTE_FROM[action]
  if (q && !q.includes(quote)) return false
  if (action === 'handle') return quoteAllowsHandling(quote) && handlingNotes > 0
  return true
}

/**
 * Throws the translated rule error that says why `action` cannot happen now: the status, an
 * open quote, or no handling note yet.
 */
export function assertTransition(action: TicketAction, status: TicketStatus, quote: QuoteStatus | null, handlingNotes = 1): void {
  if (!ALLOWED_FROM[action].includes(status)) {
    throw ruleError('services.errors.illegalTransition', `cannot ${action} a ticket that is ${status}`, { action, status })
  }
  const q = QUOTE_FROM[action]
  if (q && !q.includes(quote)) {
    throw ruleError('services.errors.quoteState', `cannot ${action}: the quote is ${quote ?? 'missing'}`, { action, quote: quote ?? 'none' })
  }
  if (action === 'handle' && !quoteAllowsHandling(quote)) {
    throw ruleError('services.errors.quoteOpen', `the quote is ${quote}: it must be approved (or declined or withdrawn) before the work is handled`, { quote })
  }
  if (action === 'handle' && handlingNotes < 1) {
    throw ruleError('services.errors.noHandlingNote', 'record at least one handling note before marking the ticket handled')
  }
}

/** 客户满意度 1–2 reopens the ticket; 3–5 records the feedback. */
export const LOW_SATISFACTION = 2
export const feedbackOutcome = (satisfaction: number): 'feedback' | 'reopen' => (satisfaction <= LOW_SATISFACTION ? 'reopen' : 'feedback')

// ---- the SLA clock ---------------------------------------------------------------------------

/** Hours to resolve when no rule is stored (per urgency). */
export const DEFAULT_SLA_HOURS: Record<TicketUrgency, number> = { urgent: 8, normal: 48 }

export interface SlaRuleRow {
  typeId: string | null
  urgency: TicketUrgency
  hours: number
}

/** The hours that apply: the type's own rule, else the urgency's default rule, else the built-in default. */
export function slaHours(rules: SlaRuleRow[], typeId: string | null, urgency: TicketUrgency): number {
  const own = typeId ? rules.find((r) => r.typeId === typeId && r.urgency === urgency) : undefined
  const fallback = rules.find((r) => r.typeId === null && r.urgency === urgency)
  return (own ?? fallback)?.hours ?? DEFAULT_SLA_HOURS[urgency]
}

/** Tickets the clock runs for: not yet handled. */
export const isWaiting = (status: TicketStatus) => status === 'new' || status === 'assigned'

export interface SlaClock {
  hours: number
  startAt: string
  dueAt: string
  /** start + 2 × hours: the supervisor's reminder */
  escalateAt: string
  overdue: boolean
  escalated: boolean
}

export function slaClock(startAt: string, hours: number, now: Date, waiting: boolean): SlaClock {
  const start = Date.parse(startAt)
  const due = start + hours * HOUR
  const escalate = start + 2 * hours * HOUR
  return {
    hours,
    startAt: new Date(start).toISOString(),
    dueAt: new Date(due).toISOString(),
    escalateAt: new Date(escalate).toISOString(),
    overdue: waiting && now.getTime() > due,
    escalated: waiting && now.getTime() > escalate,
  }
}

/** The newest instant a ticket of this rule may have started at and still be on time. */
export const overdueThreshold = (now: Date, hours: number) => new Date(now.getTime() - hours * HOUR).toISOString()

/** Whole minutes between two instants (time to assign, time to resolve). */
export const minutesBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / MINUTE))
