// Knex queries of service tickets, their notes and the SLA rules.
import type { Knex } from 'knex'
import type { Actor } from '../context'
import type { DataScope } from '../../contract/common'
import type { TicketStatus, TicketUrgency } from '../../contract/services'
import { applyPage, boundedSearchFrom, deletedCustomerIds, dialectOf, searchIndexQuery, textSearchIndexCount, TICKET_SEARCH_INDEX, whereLike, whereTextSearchIndexed, type PageRequest } from '../../db/dialect'
import { inIdOrder } from '../../shared/chunks-in-order'

export type Row = Record<string, unknown>

/**
 * Live tickets of live customers: what filters and counts need, on service_tickets alone (a
 * customer is deleted rarely: its few ids are read from the partial index customers_deleted_ids,
 * dialect deletedCustomerIds).
 */
export const ticketBase = (db: Knex) =>
  db('service_tickets as t').whereNull('t.deleted_at').whereNotIn('t.customer_id', deletedCustomerIds(db))

/** Tickets with their customer (c), the names shown and the teams the scope checks need (select ticketColumns). */
const ticketRows = (db: Knex) =>
  db('service_tickets as t')
    .join('customers as c', 'c.id', 't.customer_id')
    .leftJoin('contacts as ct', 'ct.id', 't.contact_id')
    .leftJoin('dict_items as ty', 'ty.id', 't.type_id')
    .leftJoin('users as cb', 'cb.id', 't.created_by')
    .leftJoin('users as ua', 'ua.id', 't.assigned_to')
    .leftJoin('users as uab', 'uab.id', 't.assigned_by')
    .leftJoin('users as uh', 'uh.id', 't.handled_by')
    .leftJoin('users as us', 'us.id', 't.survey_by')
    .leftJoin('users as uq', 'uq.id', 't.quote_by')
    .leftJoin('users as ud', 'ud.id', 't.quote_decided_by')
    .leftJoin('users as co', 'co.id', 'c.owner_id')
    .whereNull('t.deleted_at')
    .whereNull('c.deleted_at')

export const ticketColumns = [
  't.*', 'c.name as customer_name', 'c.owner_id as customer_owner_id', 'co.team_id as customer_owner_team_id', 'ct.name as contact_name',
  'ty.label as type_label', 'cb.name as created_by_name', 'cb.team_id as creator_team_id', 'ua.name as assigned_to_name',
  'ua.team_id as handler_team_id', 'uab.name as assigned_by_name', 'uh.name as handled_by_name', 'us.name as survey_by_name',
  'uq.name as quote_by_name', 'ud.name as quote_decided_by_name',
]

export const findTicket = (db: Knex, id: string): Promise<Row | undefined> => ticketRows(db).where('t.id', id).first(ticketColumns)

/**
 * The tickets `actor` may see: all; the team's (created by, handled by, or of a customer owned
 * by a team member); or the own (created by, handled by, or of a customer owned by the actor).
 * A ticket's owner_id is its customer's owner (kept in step when the customer changes hands),
 * so every branch is an indexed column of service_tickets.
 */
export function visibleTickets(q: Knex.QueryBuilder, db: Knex, actor: Actor, scope: DataScope): Knex.QueryBuilder {
  if (scope === 'all') return q
  if (scope === 'team' && actor.teamId) {
    const team = () => db('users').select('id').where('team_id', actor.teamId)
    return q.where((w) => w.whereIn('t.owner_id', team()).orWhereIn('t.created_by', team()).orWhereIn('t.assigned_to', team()))
  }
  return q.where((w) => w.where('t.owner_id', actor.userId).orWhere('t.created_by', actor.userId).orWhere('t.assigned_to', actor.userId))
}

export interface ListFilter {
  status?: TicketStatus
  text?: string
  /**
   * With `text`: the database whose tickets' search index (migration 20261206003200) narrows the
   * rows the LIKE then checks — set when ticketTextIndexServes says it does; unset: the LIKE alone.
   */
  textIndex?: Knex
  customerId?: string
  typeId?: string
  urgency?: TicketUrgency
  /** assigned to or created by this user */
  mineOf?: string
  /** waiting past their SLA: per rule, started before its threshold */
  overdue?: Array<{ typeIds: string[] | null; excludeTypeIds: string[]; urgency: TicketUrgency; startedBefore: string }>
}

/** Waiting tickets past their SLA: one OR branch per rule (type × urgency, or a default rule for the other types). */
function whereOverdue(q: Knex.QueryBuilder, rules: NonNullable<ListFilter['overdue']>) {
  return q.whereIn('t.status', ['new', 'assigned']).where((any) => {
    for (const r of rules) {
      any.orWhere((w) => {
        w.where('t.urgency', r.urgency).where('t.sla_start_at', '<', r.startedBefore)
        if (r.typeIds) w.whereIn('t.type_id', r.typeIds)
        else if (r.excludeTypeIds.length) w.where((x) => x.whereNull('t.type_id').orWhereNotIn('t.type_id', r.excludeTypeIds))
      })
    }
  })
}

/**
 * Up to this many tickets offered by the search index, a text search reads them through it; a
 * more common term reads the tickets in scope and lets LIKE pick (cheaper than that many lookups).
 */
export const TICKET_SEARCH_INDEX_CAP = 5000

/**
 * Whether the tickets' search index narrows `text` to at most TICKET_SEARCH_INDEX_CAP tickets:
 * SQLite counts its trigram index's rows (a term of fewer than 3 characters after doubling the
 * Chinese ones makes no trigram: no); PostgreSQL estimates from the GIN index's statistics; SQL
 * Server has no index (no).
 */
export async function ticketTextIndexServes(db: Knex, text: string | undefined): Promise<boolean> {
  const term = text?.trim().toLowerCase()
  if (!term) return false
  return (await textSearchIndexCount(db, dialectOf(db), TICKET_SEARCH_INDEX, term, TICKET_SEARCH_INDEX_CAP)) <= TICKET_SEARCH_INDEX_CAP
}

export function applyFilter(q: Knex.QueryBuilder, f: ListFilter): Knex.QueryBuilder {
  if (f.status) q.where('t.status', f.status)
  if (f.customerId) q.where('t.customer_id', f.customerId)
  if (f.typeId) q.where('t.type_id', f.typeId)
  if (f.urgency) q.where('t.urgency', f.urgency)
  if (f.mineOf) {
    const me = f.mineOf
    q.where((w) => w.where('t.assigned_to', me).orWhere('t.created_by', me))
  }
  if (f.text) {
    const term = f.text.toLowerCase()
    if (f.textIndex) whereTextSearchIndexed(f.textIndex, q, dialectOf(f.textIndex), TICKET_SEARCH_INDEX, 't.id', 't.search_text', term)
    whereLike(q, 't.search_text', term)
  }
  if (f.overdue) whereOverdue(q, f.overdue)
  return q
}

const newestFirst = (q: Knex.QueryBuilder) => q.orderBy([{ column: 't.created_at', order: 'desc' }, { column: 't.id', order: 'desc' }])

export async function countTickets(q: Knex.QueryBuilder): Promise<number> {
  const r = await q.clone().clearSelect().clearOrder().count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

/** The ids of one page of the filtered tickets, newest first (read from service_tickets alone). */
export const pageIds = (q: Knex.QueryBuilder, p: PageRequest) => applyPage(newestFirst(q.clone().clearSelect().select('t.id')), p)

/** One page of the filtered tickets, newest first: the page's ids, then those rows with the names. */
export async function pageTickets(db: Knex, q: Knex.QueryBuilder, p: PageRequest): Promise<Row[]> {
  return ticketRowsInOrder(db, (await pageIds(q, p)).map((r: Row) => String(r.id)))
}

/** The ids of every filtered ticket, newest first, in one read (an export: the rows then by id, no OFFSET pages). */
export async function ticketIdsInOrder(q: Knex.QueryBuilder): Promise<string[]> {
  return (await newestFirst(q.clone().clearSelect().select('t.id'))).map((r: Row) => String(r.id))
}

/** The tickets of `ids` with the names, any order; ≤ 1,000 ids (SQL Server: 2,100 parameters). */
export const ticketRowsByIds = (db: Knex, ids: string[]): Promise<Row[]> => (ids.length ? ticketRows(db).whereIn('t.id', ids).select(ticketColumns) : Promise.resolve([]))

/** The tickets of `ids` with the names, in the order of `ids` (a ticket gone since is left out); ≤ 1,000 ids. */
export const ticketRowsInOrder = async (db: Knex, ids: string[]): Promise<Row[]> => inIdOrder(ids, await ticketRowsByIds(db, ids))

/** Counts per status of the filtered tickets, in one statement. */
export async function statusCounts(q: Knex.QueryBuilder): Promise<Map<string, number>> {
  const rows = await q.clone().clearSelect().clearOrder().groupBy('t.status').select('t.status').count({ n: '*' })
  return new Map(rows.map((r: Row) => [String(r.status), Number(r.n)]))
}

export const insertTicket = (db: Knex, row: Row) => db('service_tickets').insert(row)

/** Updates the ticket only while it still has `version`: 0 rows changed means someone else wrote first. */
export const updateTicket = (db: Knex, id: string, version: number, patch: Row): Promise<number> =>
  db('service_tickets').where({ id, version }).whereNull('deleted_at').update(patch)

export async function codeExists(db: Knex, code: string): Promise<boolean> {
  return !!(await db('service_tickets').where({ code }).first('id'))
}

// ---- customers and contacts a ticket refers to ------------------------------------------

export const findCustomerForTicket = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c')
    .leftJoin('users as o', 'o.id', 'c.owner_id')
    .where('c.id', id)
    .whereNull('c.deleted_at')
    .first('c.id', 'c.name', 'c.owner_id', 'o.team_id as owner_team_id')

export const findContact = (db: Knex, id: string): Promise<Row | undefined> =>
  db('contacts').where({ id }).whereNull('deleted_at').first('id', 'customer_id', 'name')

// ---- notes ---------------------------------------------------------------------------------------

export const notesOf = (db: Knex, ticketIds: string[]): Promise<Row[]> =>
  ticketIds.length
    ? db('service_ticket_notes as n')
        .leftJoin('users as a', 'a.id', 'n.author_id')
        .whereIn('n.ticket_id', ticketIds)
        .whereNull('n.deleted_at')
        .orderBy([{ column: 'n.noted_at' }, { column: 'n.created_at' }, { column: 'n.id' }])
        .select('n.*', 'a.name as author_name')
    : Promise.resolve([])

export const insertNote = (db: Knex, row: Row) => db('service_ticket_notes').insert(row)

/** Handling notes written since `since` (this round: since the ticket was created or reopened). */
export async function handlingNotesSince(db: Knex, ticketId: string, since: string): Promise<number> {
  const r = await db('service_ticket_notes')
    .where({ ticket_id: ticketId, kind: 'handling' })
    .whereNull('deleted_at')
    .where('created_at', '>=', since)
    .count({ n: '*' })
    .first()
  return Number(r?.n ?? 0)
}

/** Handling note texts of a ticket (for its search text). */
export async function noteTexts(db: Knex, ticketId: string): Promise<string[]> {
  const rows = await db('service_ticket_notes').where({ ticket_id: ticketId, kind: 'handling' }).whereNull('deleted_at').orderBy('noted_at').select('content')
  return rows.map((r: Row) => String(r.content))
}

// ---- similar archived tickets -------------------------------------------------------------------

/** The newest archived tickets of a type the caller may see: the bounded candidate set for similarity. */
export const archivedCandidates = (q: Knex.QueryBuilder, typeId: string, limit: number): Promise<Row[]> =>
  applyPage(
    q
      .join('customers as c', 'c.id', 't.customer_id')
      .where('t.type_id', typeId)
      .where('t.status', 'archived')
      .orderBy([{ column: 't.archived_at', order: 'desc' }, { column: 't.id', order: 'desc' }])
      .select('t.id', 't.code', 't.summary', 't.request', 't.archived_at', 't.satisfaction', 'c.name as customer_name'),
    { page: 1, pageSize: limit },
  )

// ---- who may handle -------------------------------------------------------------------------------

/** Enabled users whose role has a services permission, with its actions and scope. */
const handlerQuery = (db: Knex) =>
  db('users as u')
    .join('roles as r', 'r.id', 'u.role_id')
    .join('role_permissions as p', 'p.role_id', 'r.id')
    .where('p.module', 'services')
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
    .orderBy([{ column: 'u.name' }, { column: 'u.id' }])
    .select('u.id', 'u.name', 'u.login', 'u.team_id', 'r.code as role_code', 'p.actions', 'p.scope')

export const handlerRows = (db: Knex): Promise<Row[]> => handlerQuery(db)
export const findHandler = (db: Knex, id: string): Promise<Row | undefined> => handlerQuery(db).where('u.id', id).first()

// ---- SLA rules ---------------------------------------------------------------------------------------

export const slaRows = (db: Knex): Promise<Row[]> =>
  db('service_sla').whereNull('deleted_at').orderBy([{ column: 'urgency' }, { column: 'type_id' }]).select('*')

export const findSla = (db: Knex, typeId: string | null, urgency: string): Promise<Row | undefined> => {
  const q = db('service_sla').where({ urgency }).whereNull('deleted_at')
  return (typeId ? q.where('type_id', typeId) : q.whereNull('type_id')).first('*')
}

export const insertSla = (db: Knex, row: Row) => db('service_sla').insert(row)
export const updateSla = (db: Knex, id: string, version: number, patch: Row): Promise<number> => db('service_sla').where({ id, version }).update(patch)


// ---- global search ------------------------------------------------------------------------

/**
 * 全局搜索: up to `cap` of the given (scoped, filtered) tickets, id and search text only (what the
 * ranking reads), in no order — narrow rows, no join: a common term's read stays one index pass.
 */
export const searchTicketMatches = (q: Knex.QueryBuilder, cap: number): Promise<Array<{ id: unknown; search_text: unknown }>> =>
  q.select('t.id', 't.search_text').limit(cap)

/** Tickets 全局搜索 reads at most for a term no index narrows on SQLite (as the customers' SEARCH_SCAN_BOUND). */
export const TICKET_SEARCH_SCAN_BOUND = 5000

/**
 * Whether 全局搜索's tickets read for `term` is bounded: on SQLite a term the trigram index
 * cannot narrow (1 Chinese character, 2 Latin letters or digits) would otherwise LIKE-scan every
 * ticket in scope until `cap` matches — all 20,000 for a character no ticket holds (21 ms CPU at
 * 20,000 tickets). PostgreSQL's GIN grams serve such a term; SQL Server scans (no index).
 */
export const ticketSearchBounded = (db: Knex, term: string): boolean => dialectOf(db) === 'sqlite' && !searchIndexQuery(term)

/**
 * 全局搜索's matches for such a term: among at most `rows` tickets of `scoped` (live, in scope,
 * no text filter), those whose search text holds it, up to `cap` — never a whole-table scan; a
 * ticket beyond those rows is not found by a one-character term (as customers, BENCHMARKS.md).
 */
export const searchTicketMatchesBounded = (db: Knex, scoped: Knex.QueryBuilder, term: string, rows: number, cap: number): Promise<Array<{ id: unknown; search_text: unknown }>> =>
  whereLike(boundedSearchFrom(db, scoped.select('t.id', 't.search_text'), 't', rows), 't.search_text', term.toLowerCase()).select('t.id', 't.search_text').limit(cap)

/** 全局搜索: what a hit shows of the given tickets (the few ranked best). */
export const searchTicketRows = (db: Knex, ids: string[]): Promise<Row[]> =>
  db('service_tickets as t')
    .leftJoin('customers as sc', 'sc.id', 't.customer_id')
    .whereIn('t.id', ids)
    .select('t.id', 't.code', 't.summary', 't.customer_id', 'sc.name as customer_name')
