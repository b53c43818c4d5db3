// The stored SLA rules (hours to resolve per service type × urgency), read by the ticket
// service and by the reminder evaluation (which must not reach into this module's repository).
import type { Knex } from 'knex'
import type { TicketUrgency } from '../../contract/services'
import { toIso } from '../../db/dialect'
import { overdueThreshold, slaClock, slaHours, isWaiting, type SlaClock, type SlaRuleRow } from './services.model'
import { slaRows } from './services.repository'

export async function loadSlaRules(db: Knex): Promise<SlaRuleRow[]> {
  return (await slaRows(db)).map((r) => ({
    typeId: r.type_id == null ? null : String(r.type_id).toLowerCase(),
    urgency: (r.urgency === 'urgent' ? 'urgent' : 'normal') as TicketUrgency,
    hours: Number(r.hours),
  }))
}

/** The SLA clock of a ticket row (snake_case, as read); null when it is no longer waiting. */
export function clockOf(rules: SlaRuleRow[], r: Record<string, unknown>, now: Date): SlaClock | null {
  const status = String(r.status) as Parameters<typeof isWaiting>[0]
  if (!isWaiting(status)) return null
  const typeId = r.type_id == null ? null : String(r.type_id).toLowerCase()
  const urgency = (r.urgency === 'urgent' ? 'urgent' : 'normal') as TicketUrgency
  const start = toIso(r.sla_start_at) ?? toIso(r.created_at)!
  return slaClock(start, slaHours(rules, typeId, urgency), now, true)
}

/**
 * The OR branches of "waiting past its SLA": each type with its own rule, and per urgency the
 * default for every other type (and tickets without a type).
 */
export function overdueBranches(rules: SlaRuleRow[], now: Date) {
  const out: Array<{ typeIds: string[] | null; excludeTypeIds: string[]; urgency: TicketUrgency; startedBefore: string }> = []
  for (const urgency of ['urgent', 'normal'] as const) {
    const own = rules.filter((r) => r.typeId && r.urgency === urgency)
    const byHours = new Map<number, string[]>()
    for (const r of own) byHours.set(r.hours, [...(byHours.get(r.hours) ?? []), r.typeId!])
    for (const [hours, typeIds] of byHours) out.push({ typeIds, excludeTypeIds: [], urgency, startedBefore: overdueThreshold(now, hours) })
    out.push({ typeIds: null, excludeTypeIds: own.map((r) => r.typeId!), urgency, startedBefore: overdueThreshold(now, slaHours(rules, null, urgency)) })
  }
  return out
}
