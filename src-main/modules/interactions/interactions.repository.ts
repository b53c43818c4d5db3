// Knex queries of interactions, their promises and attachments.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { applyPage, countRows, fromIndexed, insertChunked, joinOuterFirst, whereContainsAny, type PageRequest } from '../../db/dialect'

export type Row = Record<string, unknown>

/** The caller's visibility, applied by the service to a query of interactions (i) joined to customers (c). */
export type VisibleFilter = (q: Knex.QueryBuilder) => Knex.QueryBuilder

/** Live interactions of live customers (c): what filters and counts need. A deleted customer's records are gone with it. */
export const interactionBase = (db: Knex) =>
  db('interactions as i').join('customers as c', 'c.id', 'i.customer_id').whereNull('i.deleted_at').whereNull('c.deleted_at')

/** Adds the names shown and the owners/teams the scope checks need (select interactionColumns). */
export const withNames = (q: Knex.QueryBuilder) =>
  q
    .leftJoin('contacts as ct', 'ct.id', 'i.contact_id')
    .leftJoin('dict_items as ch', 'ch.id', 'i.channel_id')
    .leftJoin('users as cb', 'cb.id', 'i.created_by')
    .leftJoin('users as co', 'co.id', 'c.owner_id')

export const interactionRows = (db: Knex) => withNames(interactionBase(db))

export const interactionColumns = [
  'i.*', 'c.name as customer_name', 'c.owner_id as customer_owner_id', 'co.team_id as customer_owner_team_id', 'ct.name as contact_name',
  'ch.label as channel_label', 'cb.name as created_by_name', 'cb.team_id as author_team_id',
]

export const findInteraction = (db: Knex, id: string): Promise<Row | undefined> => interactionRows(db).where('i.id', id).first(interactionColumns)

export const insertInteraction = (db: Knex, row: Row) => db('interactions').insert(row)

/** Many records in statements under the dialect's parameter limit (rows with the same columns). */
export const insertInteractions = (db: Knex, dialect: Dialect, rows: Row[]) => insertChunked(db, dialect, 'interactions', rows)

/**
 * Updates a record; with `expectVersion` only while its stored version is still that one (the
 * version the edit is based on). Answers how many rows changed: 0 means someone changed it first.
 */
export async function updateInteraction(db: Knex, id: string, patch: Row, expectVersion?: number): Promise<number> {
  const q = db('interactions').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

export interface InteractionFilter {
  customerId?: string
  channelId?: string
  kind?: string
  createdBy?: string
  /** occurred_at range, ISO instants */
  from?: string
  to?: string
  /** contained in the subject, detail, outcome, place or the customer's name */
  text?: string
}

/** One page of the visible records, newest first: counted on the bare filter, then read with the names. */
/**
 * Visible records that took place in each range [from, to), in one pass (the same rows as
 * interactionBase and the scope). Driven by the customers in scope, each one's records of the
 * period read from interactions_customer_period_cover (customer_id, occurred_at, deleted_at):
 * bounded by the customers, not by the records of a long period (see joinOuterFirst).
 */
export async function countInteractionsIn(db: Knex, visible: VisibleFilter, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  if (!ranges.length) return []
  const lo = ranges.reduce((a, r) => (r.from < a ? r.from : a), ranges[0].from)
  const hi = ranges.reduce((a, r) => (r.to > a ? r.to : a), ranges[0].to)
  const q = joinOuterFirst(db, db('customers as c').whereNull('c.deleted_at'), 'interactions as i', 'i.customer_id', 'c.id')
    .whereNull('i.deleted_at')
    .where('i.occurred_at', '>=', lo)
    .where('i.occurred_at', '<', hi)
  const row: Record<string, unknown> =
    (await visible(q).first(ranges.map((r, i) => db.raw('sum(case when i.occurred_at >= ? and i.occurred_at < ? then 1 else 0 end) as ??', [r.from, r.to, `n_${i}`])))) ?? {}
  return ranges.map((_, i) => Number(row[`n_${i}`] ?? 0))
}

/**
 * countInteractionsIn for ranges within a day or two (the 简报's partial edge days): driven by the
 * span's records (interactions_period_cover), each one's customer looked up by key and checked
 * against the scope — bounded by the records of the span, not by the customers in scope (SQLite:
 * `cross join` keeps the records as the outer loop). The same rows: live record, live customer.
 */
export async function countInteractionsInShort(db: Knex, visible: VisibleFilter, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  if (!ranges.length) return []
  const { lo, hi } = spanOf(ranges)
  const q = joinOuterFirst(db, db('interactions as i').where('i.occurred_at', '>=', lo).where('i.occurred_at', '<', hi), 'customers as c', 'c.id', 'i.customer_id')
    .whereNull('i.deleted_at')
    .whereNull('c.deleted_at')
  const row: Record<string, unknown> = (await visible(q).first(countsPerRange(db, 'i.occurred_at', ranges))) ?? {}
  return ranges.map((_, i) => Number(row[`n_${i}`] ?? 0))
}

/** `sum(case when <col> in range i then 1 else 0 end) as n_i` per range. */
const countsPerRange = (db: Knex, col: string, ranges: Array<{ from: string; to: string }>) =>
  ranges.map((r, i) => db.raw(`sum(case when ?? >= ? and ?? < ? then 1 else 0 end) as ??`, [col, r.from, col, r.to, `n_${i}`]))
const spanOf = (ranges: Array<{ from: string; to: string }>) => ({
  lo: ranges.reduce((a, r) => (r.from < a ? r.from : a), ranges[0].from),
  hi: ranges.reduce((a, r) => (r.to > a ? r.to : a), ranges[0].to),
})

/**
 * countInteractionsIn for company scope (nothing narrows the customers), without a customer read
 * per record or a seek per customer: the live records of the period counted in one range of
 * interactions_period_cover (occurred_at, customer_id, deleted_at), minus the live records of
 * deleted customers, found from the deleted customers (customers_deleted_at_owner_id_index), each
 * one's records of the period in interactions_customer_period_cover. The same rows as
 * interactionBase (live record, live customer); every write is seen as it is (no summary).
 */
export function interactionsInAllQueries(db: Knex, ranges: Array<{ from: string; to: string }>): [all: Knex.QueryBuilder, ofDeletedCustomers: Knex.QueryBuilder] {
  const { lo, hi } = spanOf(ranges)
  const period = (q: Knex.QueryBuilder) => q.whereNull('i.deleted_at').where('i.occurred_at', '>=', lo).where('i.occurred_at', '<', hi).first(countsPerRange(db, 'i.occurred_at', ranges))
  return [period(db('interactions as i')), period(joinOuterFirst(db, db('customers as c').whereNotNull('c.deleted_at'), 'interactions as i', 'i.customer_id', 'c.id'))]
}

export async function countInteractionsInAll(db: Knex, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  if (!ranges.length) return []
  const [all, gone]: Array<Record<string, unknown> | undefined> = await Promise.all(interactionsInAllQueries(db, ranges))
  return ranges.map((_, i) => Number(all?.[`n_${i}`] ?? 0) - Number(gone?.[`n_${i}`] ?? 0))
}

/**
 * How many promises are open and due before a day across every customer (promiseRows: live
 * promise, live record, live customer), as the open promises of that range of
 * interaction_promises_open_due (index only) minus those of deleted records (found through the
 * partial index interactions_deleted) and those of live records of deleted customers (found from
 * the deleted customers): bounded by the deleted rows, not by the 30,000 open promises.
 */
export function openPromisesDueAllQueries(db: Knex, dueBefore: string): [all: Knex.QueryBuilder, ofDeletedRecords: Knex.QueryBuilder, ofDeletedCustomers: Knex.QueryBuilder] {
  const open = (q: Knex.QueryBuilder) => q.whereNull('p.kept_at').whereNull('p.deleted_at').where('p.due_date', '<', dueBefore).first(db.raw('count(*) as n'))
  return [
    open(db('interaction_promises as p')),
    open(joinOuterFirst(db, db('interactions as i').whereNotNull('i.deleted_at'), 'interaction_promises as p', 'p.interaction_id', 'i.id')),
    open(joinOuterFirst(db, db('customers as c').whereNotNull('c.deleted_at'), 'interaction_promises as p', 'p.customer_id', 'c.id').join('interactions as i', 'i.id', 'p.interaction_id').whereNull('i.deleted_at')),
  ]
}

export async function countOpenPromisesDueAll(db: Knex, dueBefore: string): Promise<number> {
  const [all, ofDeletedRecords, ofDeletedCustomers] = (await Promise.all(openPromisesDueAllQueries(db, dueBefore))).map((r: Record<string, unknown> | undefined) => Number(r?.n ?? 0))
  return all - ofDeletedRecords - ofDeletedCustomers
}

/** How many visible promises are open and due before a day (promiseRows: live promise, record and customer). */
export async function countOpenPromisesDue(db: Knex, visible: VisibleFilter, dueBefore: string): Promise<number> {
  const q = visible(promiseRows(db)).whereNull('p.kept_at').where('p.due_date', '<', dueBefore)
  return countRows(q)
}

/**
 * countOpenPromisesDue driven by the customers (on SQLite the customers stay the outer loop): for
 * the customers outside a team holding most — each one's promises found by customer, instead of
 * every open promise checked against its customer (0.17 → 0.035 s CPU at 100,000 customers).
 */
export async function countOpenPromisesDueByCustomer(db: Knex, visible: VisibleFilter, dueBefore: string): Promise<number> {
  const q = joinOuterFirst(db, db('customers as c').whereNull('c.deleted_at'), 'interaction_promises as p', 'p.customer_id', 'c.id')
    .join('interactions as i', 'i.id', 'p.interaction_id')
    .whereNull('p.deleted_at').whereNull('i.deleted_at').whereNull('p.kept_at').where('p.due_date', '<', dueBefore)
  visible(q)
  return countRows(q)
}

export async function pageInteractions(db: Knex, visible: VisibleFilter, f: InteractionFilter, p: PageRequest): Promise<{ rows: Row[]; total: number }> {
  const q = filteredInteractions(db, visible, f)
  const total = await countRows(q)
  const rows = total ? await applyPage(newestFirst(withNames(q.clone()).select(interactionColumns)), p) : []
  return { rows, total }
}

/** The visible records matching `f` (no select, no order). */
function filteredInteractions(db: Knex, visible: VisibleFilter, f: InteractionFilter): Knex.QueryBuilder {
  const q = visible(interactionBase(db))
  if (f.customerId) q.where('i.customer_id', f.customerId)
  if (f.channelId) q.where('i.channel_id', f.channelId)
  if (f.kind) q.where('i.kind', f.kind)
  if (f.createdBy) q.where('i.created_by', f.createdBy)
  if (f.from) q.where('i.occurred_at', '>=', f.from)
  if (f.to) q.where('i.occurred_at', '<=', f.to)
  if (f.text) whereContainsAny(q, ['i.subject', 'i.detail', 'i.outcome', 'i.place', 'c.name'], f.text)
  return q
}

/** The list's order: newest first, ties by id. */
const newestFirst = (x: Knex.QueryBuilder) => x.orderBy([{ column: 'i.occurred_at', order: 'desc' }, { column: 'i.id', order: 'desc' }])

/**
 * The ids of every visible record matching `f` in the list's order, in one read (an export: the
 * rows are then read by id, a chunk at a time — no OFFSET pages, no count per page).
 */
export async function interactionIdsInOrder(db: Knex, visible: VisibleFilter, f: InteractionFilter): Promise<string[]> {
  const rows: Row[] = await newestFirst(filteredInteractions(db, visible, f).select('i.id'))
  return rows.map((r) => String(r.id))
}

/** Records by id with the names shown (interactionColumns); ≤ 1,000 ids (SQL Server: 2,100 parameters). */
export const interactionRowsByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length ? interactionRows(db).whereIn('i.id', ids).select(interactionColumns) : Promise.resolve([])

export const findCustomerForWrite = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c')
    .leftJoin('users as o', 'o.id', 'c.owner_id')
    .leftJoin('dict_items as p', 'p.id', 'c.contact_policy_id')
    .where('c.id', id)
    .whereNull('c.deleted_at')
    .first(
      'c.id', 'c.name', 'c.owner_id', 'o.team_id as owner_team_id', 'c.last_contact_at', 'c.next_contact_at', 'c.created_at',
      'c.contact_policy_id', 'p.label as policy_label', 'p.cycle_days as policy_cycle_days', 'p.deleted_at as policy_deleted_at',
    )

/** The customers of a batch of new records (live ones, with the owner's team), ≤ 500 ids. */
export const customersForWriteQuery = (db: Knex, ids: string[]) =>
  db('customers as c').leftJoin('users as o', 'o.id', 'c.owner_id').whereIn('c.id', ids).whereNull('c.deleted_at').select('c.id', 'c.name', 'c.owner_id', 'o.team_id as owner_team_id')

/** findCustomerForWrite of many customers (live ones only), 500 ids a query. */
export async function findCustomersForWrite(db: Knex, ids: string[]): Promise<Row[]> {
  const out: Row[] = []
  for (let i = 0; i < ids.length; i += 500) out.push(...(await customersForWriteQuery(db, ids.slice(i, i + 500))))
  return out
}

/** A customer deleted (soft) with its owner's team: where an offline note on it is kept (sync). */
export const findDeletedCustomer = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c')
    .leftJoin('users as o', 'o.id', 'c.owner_id')
    .where('c.id', id)
    .whereNotNull('c.deleted_at')
    .first('c.id', 'c.name', 'c.owner_id', 'o.team_id as owner_team_id', 'c.deleted_at')

export const findContact = (db: Knex, id: string): Promise<Row | undefined> =>
  db('contacts').where({ id }).whereNull('deleted_at').first('id', 'customer_id', 'name')

/** Live contacts by id (≤ 500 ids). */
export const contactsQuery = (db: Knex, ids: string[]) => db('contacts').whereIn('id', ids).whereNull('deleted_at').select('id', 'customer_id', 'name')

/** findContact of many contacts, 500 ids a query. */
export async function findContacts(db: Knex, ids: string[]): Promise<Row[]> {
  const out: Row[] = []
  for (let i = 0; i < ids.length; i += 500) out.push(...(await contactsQuery(db, ids.slice(i, i + 500))))
  return out
}

export const findChannel = (db: Knex, id: string): Promise<Row | undefined> =>
  db('dict_items').where({ id, type_code: 'interaction_channel' }).whereNull('deleted_at').first('id', 'enabled')

// ---- promises -------------------------------------------------------------------------------

export const promisesOf = (db: Knex, interactionIds: string[]): Promise<Row[]> =>
  interactionIds.length
    ? db('interaction_promises as p')
        .leftJoin('customers as c', 'c.id', 'p.customer_id')
        .whereIn('p.interaction_id', interactionIds)
        .whereNull('p.deleted_at')
        .orderByRaw('case when p.due_date is null then 1 else 0 end')
        .orderBy([{ column: 'p.due_date' }, { column: 'p.created_at' }, { column: 'p.id' }])
        .select('p.*', 'c.name as customer_name')
    : Promise.resolve([])

export const insertPromises = (db: Knex, dialect: Dialect, rows: Row[]) => insertChunked(db, dialect, 'interaction_promises', rows)

/** Updates a promise; with `expectVersion` only while it still has that version. Answers the rows changed. */
export async function updatePromise(db: Knex, id: string, patch: Row, expectVersion?: number): Promise<number> {
  const q = db('interaction_promises').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

/** Soft-deletes the live promises of a record (with the record). */
export const softDeletePromisesOf = (db: Knex, interactionId: string, patch: Row) =>
  db('interaction_promises').where({ interaction_id: interactionId }).whereNull('deleted_at').update(patch)

export const findPromise = (db: Knex, id: string): Promise<Row | undefined> =>
  db('interaction_promises as p').leftJoin('customers as c', 'c.id', 'p.customer_id').where('p.id', id).whereNull('p.deleted_at').first('p.*', 'c.name as customer_name')

/** Promises with the interaction facts the scope check needs. */
/** Live promises (p) of live records (i) of live customers (c); `byDue`: read through interaction_promises_open_due on SQLite. */
export function promiseRows(db: Knex, byDue = false) {
  return (byDue ? fromIndexed(db, 'interaction_promises', 'p', 'interaction_promises_open_due') : db('interaction_promises as p'))
    .join('interactions as i', 'i.id', 'p.interaction_id')
    .join('customers as c', 'c.id', 'p.customer_id')
    .whereNull('p.deleted_at')
    .whereNull('i.deleted_at')
    .whereNull('c.deleted_at')
}

/** One page of the visible promises (open, kept or all), those without a due date last. */
export async function pagePromises(
  db: Knex, visible: VisibleFilter, f: { customerId?: string; status: 'open' | 'kept' | 'all'; dueBefore?: string }, p: PageRequest, knownTotal?: number,
): Promise<{ rows: Row[]; total: number }> {
  // the open promises past a date, their total already counted (company scope, or a team holding
  // most customers): the first page walks the due-date index and checks each row's customer —
  // SQLite's planner otherwise starts from the team's customers and sorts all their promises
  const byDue = knownTotal !== undefined && f.status === 'open' && !!f.dueBefore && !f.customerId
  const q = visible(promiseRows(db, byDue))
  if (f.customerId) q.where('p.customer_id', f.customerId)
  if (f.dueBefore) q.where('p.due_date', '<', f.dueBefore)
  if (f.status === 'open') q.whereNull('p.kept_at')
  if (f.status === 'kept') q.whereNotNull('p.kept_at')
  // knownTotal: counted by the caller another way (countOpenPromisesDueAll)
  const total = knownTotal ?? (await countRows(q))
  const page = q.clone().select('p.*', 'c.name as customer_name')
  // those past a date all have one: their order is the due date's (an index order: the first page
  // of open promises reads a few rows of interaction_promises_open_due, not every match sorted)
  if (!f.dueBefore) page.orderByRaw('case when p.due_date is null then 1 else 0 end')
  const rows = total ? await applyPage(page.orderBy([{ column: 'p.due_date' }, { column: 'p.id' }]), p) : []
  return { rows, total }
}

export async function promiseCounts(db: Knex, customerId: string, today: string) {
  const row = await promiseRows(db)
    .where('p.customer_id', customerId)
    .whereNull('p.kept_at')
    .first(db.raw('count(*) as open_count'), db.raw('sum(case when p.due_date < ? then 1 else 0 end) as overdue_count', [today]))
  return { open: Number(row?.open_count ?? 0), overdue: Number(row?.overdue_count ?? 0) }
}

export async function interactionCount(db: Knex, customerId: string): Promise<number> {
  const r = await db('interactions').where({ customer_id: customerId }).whereNull('deleted_at').count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

// ---- attachments ----------------------------------------------------------------------------------

/** Live attachments of records of one kind (interaction, requirement…), oldest first. */
export const attachmentsOfEntity = (db: Knex, entity: string, entityIds: string[]): Promise<Row[]> =>
  entityIds.length
    ? db('attachments')
        .where('entity', entity)
        .whereIn('entity_id', entityIds)
        .whereNull('deleted_at')
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .select('*')
    : Promise.resolve([])

export const attachmentsOf = (db: Knex, interactionIds: string[]): Promise<Row[]> => attachmentsOfEntity(db, 'interaction', interactionIds)

export const insertAttachment = (db: Knex, row: Row) => db('attachments').insert(row)
export const insertAttachmentContent = (db: Knex, attachmentId: string, content: Buffer, createdAt: string) =>
  db('attachment_contents').insert({ attachment_id: attachmentId, content, created_at: createdAt })
/** Drops the stored bytes of deleted attachments (the clean-up job). */
export const purgeDeletedContents = (db: Knex) =>
  db('attachment_contents').whereIn('attachment_id', db('attachments').select('id').whereNotNull('deleted_at')).del()
export async function attachmentContent(db: Knex, attachmentId: string): Promise<Buffer | null> {
  const r = await db('attachment_contents').where({ attachment_id: attachmentId }).first('content')
  return r ? Buffer.from(r.content as Uint8Array) : null
}
export const findAttachment = (db: Knex, id: string, entity = 'interaction'): Promise<Row | undefined> =>
  db('attachments').where({ id, entity }).whereNull('deleted_at').first('*')
export const updateAttachment = (db: Knex, id: string, patch: Row) => db('attachments').where({ id }).update(patch)
export const softDeleteAttachmentsOf = (db: Knex, interactionId: string, patch: Row) =>
  db('attachments').where({ entity: 'interaction', entity_id: interactionId }).whereNull('deleted_at').update(patch)

/**
 * Of these attachment ids, the ones deleted: their row, or the interaction or customer they
 * belong to (a deleted customer hides its records without deleting them). Lower-case ids;
 * chunked under SQL Server's parameter limit.
 */
export async function deletedAttachmentIds(db: Knex, ids: string[]): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db('attachments as a')
      .leftJoin('interactions as i', 'i.id', 'a.entity_id')
      .leftJoin('customers as c', 'c.id', 'i.customer_id')
      .whereIn('a.id', ids.slice(i, i + 500))
      .where((q) => q.whereNotNull('a.deleted_at').orWhereNotNull('i.deleted_at').orWhereNotNull('c.deleted_at'))
      .select('a.id')
    out.push(...rows.map((r: Row) => String(r.id).toLowerCase()))
  }
  return out
}

// ---- follow-up reminders of interactions ------------------------------------------------------------------

export const followUpsOf = (db: Knex, interactionIds: string[]): Promise<Row[]> =>
  interactionIds.length
    ? db('reminders').where('source', 'follow_up').whereIn('source_id', interactionIds).whereNull('deleted_at').select('id', 'source_id', 'done_at')
    : Promise.resolve([])

/** The archive export: the next `limit` visible interactions after `afterId` (keyset by id), with names. */
export function archiveBatch(db: Knex, afterId: string | null, limit: number, scope: (q: Knex.QueryBuilder) => void) {
  const q = interactionRows(db)
  scope(q)
  if (afterId) q.where('i.id', '>', afterId)
  return q.orderBy('i.id').limit(limit).select([...interactionColumns, 'c.code as customer_code'])
}
