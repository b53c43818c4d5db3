// Queries of the service-ticket reminders (source 'service_ticket'): the waiting tickets with the
// facts their reminders need, read in keyset chunks, and the ticket reminders left open.
import type { Knex } from 'knex'
import type { Row } from './reminders.repository'

/** A ticket with its customer, creator's and customer owner's teams, and the handler's name. */
const ticketFacts = (db: Knex) =>
  db('service_tickets as t')
    .join('customers as c', 'c.id', 't.customer_id')
    .leftJoin('users as cb', 'cb.id', 't.created_by')
    .leftJoin('users as co', 'co.id', 'c.owner_id')
    .leftJoin('users as ua', 'ua.id', 't.assigned_to')
    .select(
      't.id', 't.code', 't.summary', 't.status', 't.urgency', 't.type_id', 't.created_at', 't.sla_start_at', 't.assigned_to', 't.assigned_by',
      't.assigned_at', 't.reopen_count', 't.reopened_at', 't.customer_id', 't.deleted_at', 'c.name as customer_name', 'c.deleted_at as c_deleted_at',
      'cb.team_id as creator_team_id', 'co.team_id as owner_team_id', 'ua.name as handler_name',
    )

/** An SLA rule's branch: tickets of these types (null: all but `excludeTypeIds`) and urgency started within a time range. */
export interface SlaBranch {
  typeIds: string[] | null
  excludeTypeIds: string[]
  urgency: string
  startedBefore: string
  startedFrom?: string
}

/**
 * Waiting tickets (new, assigned) after `afterId` in id order: one chunk of a whole evaluation.
 * With `sla`, only those whose SLA start lies in one of its branches, and (`urgentAndReopened`)
 * the urgent assigned and the reopened new ones: the others want no reminder now.
 */
export const waitingTickets = (db: Knex, sla: SlaBranch[] | null, o: { urgentAndReopened: boolean }, afterId: string | null, limit: number): Promise<Row[]> => {
  const q = ticketFacts(db).whereIn('t.status', ['new', 'assigned']).whereNull('t.deleted_at').whereNull('c.deleted_at')
  if (sla) {
    q.where((any) => {
      if (o.urgentAndReopened) {
        any.orWhere((w) => w.where('t.status', 'assigned').where('t.urgency', 'urgent'))
        any.orWhere((w) => w.where('t.status', 'new').where('t.reopen_count', '>', 0))
      }
      for (const b of sla) {
        any.orWhere((w) => {
          w.where('t.urgency', b.urgency).where('t.sla_start_at', '<', b.startedBefore)
          if (b.startedFrom) w.where('t.sla_start_at', '>=', b.startedFrom)
          if (b.typeIds) w.whereIn('t.type_id', b.typeIds)
          else if (b.excludeTypeIds.length) w.where((x) => x.whereNull('t.type_id').orWhereNotIn('t.type_id', b.excludeTypeIds))
        })
      }
    })
  }
  if (afterId) q.where('t.id', '>', afterId)
  return q.orderBy('t.id').limit(limit)
}

export const ticketsByIds = (db: Knex, ids: string[]): Promise<Row[]> => (ids.length ? ticketFacts(db).whereIn('t.id', ids) : Promise.resolve([]))

/** The open (not done, not withdrawn) reminders of some tickets. */
export const openTicketReminders = (db: Knex, ticketIds: string[]): Promise<Row[]> =>
  ticketIds.length
    ? db('reminders').where('source', 'service_ticket').whereIn('source_id', ticketIds).whereNull('done_at').whereNull('deleted_at').select('*')
    : Promise.resolve([])

/**
 * Open ticket reminders whose ticket no longer waits (handled, archived, deleted, its customer
 * deleted), after `afterId` in id order: the safety net of a whole evaluation.
 */
export const staleTicketReminders = (db: Knex, afterId: string | null, limit: number): Promise<Row[]> => {
  const q = db('reminders as r')
    .leftJoin('service_tickets as t', 't.id', 'r.source_id')
    .leftJoin('customers as c', 'c.id', 't.customer_id')
    .where('r.source', 'service_ticket')
    .whereNull('r.done_at')
    .whereNull('r.deleted_at')
    .where((w) => w.whereNull('t.id').orWhereNotNull('t.deleted_at').orWhereNotNull('c.deleted_at').orWhereNotIn('t.status', ['new', 'assigned']))
  if (afterId) q.where('r.id', '>', afterId)
  return q.orderBy('r.id').limit(limit).select('r.*', 't.status as t_status', 't.deleted_at as t_deleted_at', 'c.deleted_at as c_deleted_at')
}

/** Enabled, live users among `ids`. */
export async function enabledUserIds(db: Knex, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set()
  const rows = await db('users').whereIn('id', ids).whereNull('deleted_at').where('disabled', false).select('id')
  return new Set(rows.map((r: Row) => String(r.id).toLowerCase()))
}

/** Every enabled supervisor (the last resort when a ticket's teams have none). */
export async function allSupervisorIds(db: Knex): Promise<string[]> {
  const rows = await db('users as u')
    .join('roles as ro', 'ro.id', 'u.role_id')
    .where('ro.code', 'supervisor')
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
    .orderBy('u.id')
    .select('u.id')
  return rows.map((r: Row) => String(r.id).toLowerCase())
}
