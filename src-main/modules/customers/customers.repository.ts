import type { Knex } from 'knex'
import { DICT_FIELDS, type CUSTOMER_SORT_FIELDS, type CustomerFilter } from '../../contract/customers'
import { toColumn } from '../../db/columns'
import type { Dialect } from '../../db/config'
import {
  boundedSearchFrom, customerSearchIndexCount, deletedCustomerIds, dialectOf, insertRows, likeCi, likePattern, matchesThenSort, someMatchesThenSort, searchReadsGrams, searchIndexFrom, searchIndexQuery, upsert, whereCustomerSearchIndexed,
  whereEquals, whereLike, whereLive, searchPrefixRange, wherePrefix, whereSearchText,
} from '../../db/dialect'

/** Columns of a list row (CustomerRow): only these are read for the list. */
const LIST_COLUMNS = [
  'c.id', 'c.code', 'c.name', 'c.short_name', 'c.customer_type', 'c.region_id', 'c.industry_id', 'c.category_id', 'c.level_id',
  'c.nature_id', 'c.source_id', 'c.phone', 'c.province', 'c.city', 'c.district', 'c.owner_id', 'c.status', 'c.credit_rating', 'c.order_total_cents',
  'c.last_contact_at', 'c.next_contact_at', 'c.updated_at', 'c.created_at', 'c.tags', 'c.pool_at', 'c.pool_reason', 'c.pool_note',
]

/** Live customers (alias `c`). */
export const liveCustomers = (db: Knex) => db('customers as c').whereNull('c.deleted_at')

/** 遗忘客户: last followed up before `at`, or never followed up and created before it. */
function whereNotContactedSince(q: Knex.QueryBuilder, at: string, col: (name: string) => Knex.Raw) {
  return q.where((w) => w.where(col('c.last_contact_at'), '<', at).orWhere((n) => n.whereRaw('? is null', [col('c.last_contact_at')]).where(col('c.created_at'), '<', at)))
}

/**
 * The 工作台's customer counts in one pass over the live customers in scope: created in each
 * of `ranges` ([from, to)), and not followed up since each of `since` (遗忘客户).
 */
export async function customerCounts(
  db: Knex, scope: (q: Knex.QueryBuilder) => void, ranges: Array<{ from: string; to: string }>, since: string[],
): Promise<{ created: number[]; forgotten: number[] }> {
  const q = liveCustomers(db)
  scope(q)
  // only creation counts (the 简报's partial edge days): read just the customers created in their span
  if (!since.length && ranges.length) {
    q.where('c.created_at', '>=', ranges.reduce((a, r) => (r.from < a ? r.from : a), ranges[0].from))
    q.where('c.created_at', '<', ranges.reduce((a, r) => (r.to > a ? r.to : a), ranges[0].to))
  }
  const cols: Knex.Raw[] = []
  ranges.forEach((r, i) => cols.push(db.raw('sum(case when c.created_at >= ? and c.created_at < ? then 1 else 0 end) as ??', [r.from, r.to, `created_${i}`])))
  since.forEach((at, i) =>
    cols.push(db.raw('sum(case when c.last_contact_at < ? or (c.last_contact_at is null and c.created_at < ?) then 1 else 0 end) as ??', [at, at, `forgotten_${i}`])),
  )
  if (!cols.length) return { created: [], forgotten: [] }
  const row: Record<string, unknown> = (await q.first(cols)) ?? {}
  return { created: ranges.map((_, i) => Number(row[`created_${i}`] ?? 0)), forgotten: since.map((_, i) => Number(row[`forgotten_${i}`] ?? 0)) }
}

/**
 * 遗忘客户 (last followed up before each of `since`, never followed up: created before it) over
 * the live customers `scope` lets through, read from indexes rather than a pass over the rows:
 * the followed-up ones from the list's cover index customers_last_contact_asc_cover (nulls-last
 * key, last_contact_at, id, deleted_at, owner_id — migration 20261206002110: one range, nothing
 * read from the table), the never followed up from the rows without a last follow-up.
 */
export async function customerForgottenCounts(db: Knex, scope: (q: Knex.QueryBuilder) => void, since: string[]): Promise<number[]> {
  if (!since.length) return []
  const [a, b]: Array<Record<string, unknown> | undefined> = await Promise.all(customerForgottenQueries(db, scope, since))
  return since.map((_, i) => Number(a?.[`n_${i}`] ?? 0) + Number(b?.[`n_${i}`] ?? 0))
}

/** customerForgottenCounts' two statements (followed up, never followed up): `n_i` per instant. */
export function customerForgottenQueries(db: Knex, scope: (q: Knex.QueryBuilder) => void, since: string[]): [Knex.QueryBuilder, Knex.QueryBuilder] {
  const latest = since.reduce((a, at) => (at > a ? at : a), since[0])
  const sums = (col: string) => since.map((at, i) => db.raw('sum(case when ?? < ? then 1 else 0 end) as ??', [col, at, `n_${i}`]))
  // the index's leading key (the list's nulls-last sort) written as the index has it
  const contacted = liveCustomers(db).whereRaw('(case when ?? is null then 1 else 0 end) = 0', ['c.last_contact_at']).where('c.last_contact_at', '<', latest)
  const never = liveCustomers(db).whereNull('c.last_contact_at').where('c.created_at', '<', latest)
  scope(contacted)
  scope(never)
  return [contacted.first(sums('c.last_contact_at')), never.first(sums('c.created_at'))]
}

export async function countCustomers(q: Knex.QueryBuilder): Promise<number> {
  const row = await q.clone().count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

/**
 * How many live customers there are (every one: no filter, no data scope). SQLite: all rows
 * less the deleted ones (customers_deleted_ids: few) — a count of a whole table steps over
 * b-tree pages without reading their entries (0.03 ms at 100,000 rows, where counting the live
 * rows through an index of deleted_at read every entry: 2.8 ms, ~40 ms at 1,000,000, paid by
 * every page of the admin's list). Elsewhere the live rows counted.
 */
export async function countLiveCustomers(db: Knex): Promise<number> {
  if (dialectOf(db) !== 'sqlite') return countCustomers(liveCustomers(db))
  const [all, deleted] = await Promise.all([db('customers').count({ n: '*' }).first(), db.from(deletedCustomerIds(db).as('d')).count({ n: '*' }).first()])
  return Number(all?.n ?? 0) - Number(deleted?.n ?? 0)
}

/** The rows of `q` (a query over customers as c) counted up to `cap` + 1: a common search stops early. */
export async function countCustomersUpTo(db: Knex, q: Knex.QueryBuilder, cap: number): Promise<number> {
  const row = await db.from(q.clone().select('c.id').limit(cap + 1).as('m')).count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

/** How many customers the search index offers for a term, up to `cap` + 1 (Infinity: no index narrows it). */
export const searchIndexCount = (db: Knex, dialect: Dialect, term: string, cap: number) => customerSearchIndexCount(db, dialect, term, cap)

// name: the stored pinyin sort key (拼音顺序 on every database, no collation involved)
const SORT_COLUMNS: Record<(typeof CUSTOMER_SORT_FIELDS)[number], string> = {
  code: 'c.code', name: 'c.name_pinyin', updatedAt: 'c.updated_at', createdAt: 'c.created_at', lastContactAt: 'c.last_contact_at',
  nextContactAt: 'c.next_contact_at', orderTotalCents: 'c.order_total_cents', creditRating: 'c.credit_rating', poolAt: 'c.pool_at',
}
const NULLABLE_SORT = new Set(['lastContactAt', 'nextContactAt', 'orderTotalCents', 'creditRating', 'poolAt'])

const DAY = 86_400_000

/** Who is asking and when: what the built-in views and 未跟进天数 are relative to. */
export interface ListViewer {
  userId: string
  teamId: string | null
  now: Date
}

/** Users of my team and of the teams I lead, except me (我下属的). */
const subordinatesOf = (db: Knex, v: ListViewer) =>
  db('users')
    .select('id')
    .whereNot('id', v.userId)
    .where((w) => {
      if (v.teamId) w.orWhere('team_id', v.teamId)
      w.orWhereIn('team_id', db('teams').select('id').where('leader_id', v.userId).whereNull('deleted_at'))
    })

/** A comma-joined tags column holding `tag` as one of its items. */
function whereHasTag(q: Knex.QueryBuilder, tag: string) {
  return q.where((w) => {
    w.where('c.tags', tag)
    w.orWhereRaw(`?? like ? escape '\\'`, ['c.tags', likePattern(tag + ',', 'prefix')])
    w.orWhereRaw(`?? like ? escape '\\'`, ['c.tags', '%' + likePattern(',' + tag, 'prefix').slice(0, -1)])
    w.orWhereRaw(`?? like ? escape '\\'`, ['c.tags', likePattern(',' + tag + ',')])
  })
}

export interface ListQuery {
  page: number
  pageSize: number
  filter: CustomerFilter
  sort: { field: (typeof CUSTOMER_SORT_FIELDS)[number]; order: 'asc' | 'desc' }
  /** count every match of a common search (otherwise counted up to a cap) */
  exactCount?: boolean
}

/** Which rows of the ordered list to read; `reverse` reads them from the end (deep pages). */
export interface RowWindow {
  offset: number
  limit: number
  reverse: boolean
  /** also answer the number of matches (count(*) over ()), from the same pass */
  withCount: boolean
  /** with withCount: find at most this many matches (a count capped one below it) */
  countUpTo?: number
  /**
   * many matches (more than a capped count's cap, or a scope of more than that many customers):
   * read the rows in the list's order and check the filters and the scope on each (SQLite:
   * written so no index serves them), so a page costs pageSize ÷ the matches' share of the
   * table, not a sort of every match
   */
  inOrder?: boolean
}

/**
 * A list's data scope over customers as c: `ownerCol` is the owner column as the statement
 * writes it (plain, or on SQLite wrapped so no index serves it when the page is read in order).
 */
export type ListScope = (q: Knex.QueryBuilder, ownerCol: string | Knex.Raw) => void

/**
 * The list's statements. `filtered`: live customers in scope matching the filters, for a count
 * (index-only with the scope alone). `pageIds(w)`: ids of a window of the ordered list, with the
 * match count if asked. `narrowed`: a search or filter is set (beyond the data scope).
 */
export function customerListQueries(db: Knex, input: ListQuery, scope: ListScope, viewer?: ListViewer, o: { searchIndexed?: boolean } = {}) {
  const f = input.filter
  const dialect = dialectOf(db)
  const filter = (q: Knex.QueryBuilder, o2: { unindexed?: boolean } = {}) => {
    // a column as a filter reads it: on SQLite `unindexed` writes it so no index serves it
    const col = (name: string): Knex.Raw => (o2.unindexed && dialect === 'sqlite' ? db.raw('coalesce(??, ??)', [name, name]) : db.raw('??', [name]))
    // the data scope too: read in order, the sort's covering index carries the owner (an owner
    // index found first would hand SQLite every row in scope to sort — 250,000 for a manager)
    scope(q, o2.unindexed && dialect === 'sqlite' ? col('c.owner_id') : 'c.owner_id')
    for (const field of DICT_FIELDS) if (f[field]) q.where(col(`c.${toColumn(field)}`), '=', f[field]!)
    if (f.ownerId) q.where(col('c.owner_id'), '=', f.ownerId)
    if (f.status) q.where(col('c.status'), '=', f.status)
    if (f.customerType) q.where(col('c.customer_type'), '=', f.customerType)
    if (f.search) {
      whereLike(q, 'c.search_text', f.search.toLowerCase())
      // few matches: only the customers the search index offers (then checked by the LIKE)
      if (o.searchIndexed) whereCustomerSearchIndexed(db, q, dialect, 'c.id', 'c.search_text', f.search.toLowerCase())
    }
    if (viewer && f.view === 'mine') q.where(col('c.owner_id'), '=', viewer.userId)
    if (viewer && f.view === 'subordinates') q.whereRaw('? in ?', [col('c.owner_id'), subordinatesOf(db, viewer)])
    if (f.teamId) q.whereRaw('? in ?', [col('c.owner_id'), db('users').select('id').where('team_id', f.teamId)])
    if (viewer && f.notContactedDays) whereNotContactedSince(q, new Date(viewer.now.getTime() - f.notContactedDays * DAY).toISOString(), col)
    for (const tag of f.tags ?? []) whereHasTag(q, tag)
    if (f.createdFrom) q.where(col('c.created_at'), '>=', new Date(f.createdFrom).toISOString())
    if (f.createdTo) q.where(col('c.created_at'), '<', new Date(f.createdTo).toISOString())
    if (f.notContactedSince) whereNotContactedSince(q, f.notContactedSince, col)
    return q
  }
  const filtered = filter(liveCustomers(db))

  const pageIds = (w: RowWindow) => {
    // Liveness written so no index serves it: nearly every row is live, and without planner
    // statistics SQLite would otherwise walk the deleted_at index and sort every row instead
    // of reading the sort column's index (or a filter's) — 150 ms instead of 1 ms on 100k rows.
    const col = SORT_COLUMNS[input.sort.field]
    const matching = filter(db('customers as c').whereRaw('coalesce(??, ??) is null', ['c.deleted_at', 'c.deleted_at']), { unindexed: w.inOrder })
    // counting every match anyway: found first, then sorted (PostgreSQL would walk the sort index)
    const q = (
      w.withCount && w.countUpTo ? someMatchesThenSort(db, 'c', matching, ['c.id', col], w.countUpTo)
      : w.withCount ? matchesThenSort(db, 'c', matching, ['c.id', col])
      : matching
    ).select('c.id')
    const flip = (d: 'asc' | 'desc') => (w.reverse ? (d === 'asc' ? 'desc' : 'asc') : d)
    const dir = flip(input.sort.order)
    // nulls last in either direction, the same on every dialect; ties broken by id
    if (NULLABLE_SORT.has(input.sort.field)) q.orderByRaw(`case when ?? is null then 1 else 0 end ${flip('asc')}`, [col])
    q.orderBy([{ column: col, order: dir }, { column: 'c.id', order: dir }])
    if (w.withCount) q.select(db.raw('count(*) over () as ??', ['total_count']))
    return q.limit(w.limit).offset(w.offset) // ordered above: OFFSET/FETCH on SQL Server
  }
  const narrowed = !!(
    f.search || f.ownerId || f.status || f.customerType || DICT_FIELDS.some((d) => f[d]) || f.view || f.teamId || f.notContactedDays
    || f.tags?.length || f.createdFrom || f.createdTo || f.notContactedSince
  )
  return { filtered, pageIds, narrowed }
}

/** Offsets from which a page of the whole list is found by seeking (customerPageBySeek) rather than one OFFSET over live rows. */
export const SEEK_FROM_OFFSET = 20_000

/**
 * A deep window of the whole list (every live customer, no filter, no data scope) sorted by a
 * column that is never null (updated_at, code, name, created_at), on SQLite and PostgreSQL,
 * found in three statements instead of one OFFSET that checks each skipped row for liveness:
 * 1) the entry at `offset` among all rows, live or not — an OFFSET over the sort's covering index
 *    with no condition, each skipped entry only stepped over (SQLite decodes nothing of it);
 * 2) how many deleted customers come before that entry (through customers_deleted_ids: few);
 * 3) from that entry on, the live rows, skipping that many: a keyset range of the same index.
 * Live rows before the entry = offset − deleted before it, so skipping the deleted count of
 * live rows from it lands on the live row at `offset` — the same rows as the OFFSET over live
 * rows. null: not a case it serves (a nullable sort, SQL Server without row values, or the
 * offset past every row); the caller reads the window as before.
 */
export async function customerPageBySeek(
  db: Knex, sort: ListQuery['sort'], w: { offset: number; limit: number; reverse: boolean },
): Promise<Array<{ id: string }> | null> {
  const dialect = dialectOf(db)
  if (dialect === 'mssql' || NULLABLE_SORT.has(sort.field)) return null
  const col = SORT_COLUMNS[sort.field]
  const dir = w.reverse ? (sort.order === 'asc' ? 'desc' : 'asc') : sort.order
  const order = [{ column: col, order: dir }, { column: 'c.id', order: dir }]
  const edge: { id: string } | undefined = await db('customers as c').select('c.id').orderBy(order).offset(w.offset).first()
  if (!edge) return null
  // the edge's sort value read inside the statement (a PostgreSQL timestamp bound through JavaScript loses its microseconds)
  const bound = db('customers as e').where('e.id', edge.id).select(col.replace(/^c\./, 'e.'))
  // rows before the edge in the list's order, or at it and after
  const relative = (q: Knex.QueryBuilder, where: 'before' | 'from') =>
    q.whereRaw(`(??, ??) ${(dir === 'desc') === (where === 'before') ? '>' : '<'}${where === 'from' ? '=' : ''} ((?), ?)`, [col, 'c.id', bound, edge.id])
  const before = await relative(db('customers as c').whereIn('c.id', deletedCustomerIds(db)), 'before').count({ n: '*' }).first()
  const skip = Number(before?.n ?? 0)
  // liveness written so no index serves it (the sort's covering index is read in order, see pageIds)
  return relative(db('customers as c').whereRaw('coalesce(??, ??) is null', ['c.deleted_at', 'c.deleted_at']), 'from')
    .select('c.id').orderBy(order).limit(w.limit).offset(skip)
}

/**
 * The list rows of the given customers (a page of ids chosen by the caller), with the owner's
 * name and the primary contact's name (left joins; a customer has at most one live primary).
 * Joining only the page's rows keeps the sort over 100k customers narrow.
 */
export function listRowsByIds(db: Knex, ids: string[], opts: { contactsByIds?: boolean } = {}) {
  return db('customers as c')
    .whereIn('c.id', ids)
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .leftJoin('users as pu', 'pu.id', 'c.pool_prev_owner_id')
    .leftJoin('contacts as pc', (j) => {
      j.on('pc.customer_id', '=', 'c.id').andOnVal('pc.is_primary', '=', true).andOnNull('pc.deleted_at')
      // the contacts of these ids named on their side too: PostgreSQL then reads them through
      // contacts' customer_id index instead of hashing every primary contact (a scan of all
      // contacts per statement: 90 ms of server CPU per 1,000 customers at 100,000)
      if (opts.contactsByIds) j.andOnIn('pc.customer_id', ids)
    })
    .select([...LIST_COLUMNS, 'u.name as owner_name', 'pu.name as pool_prev_owner_name', 'pc.name as primary_contact'])
}

/**
 * listRowsByIds with what an export carries beyond the list (address, e-mail, …) and the primary
 * contact's title and mobile, in one statement: an export's chunk of 1,000 customers is one read
 * instead of three (the list rows, the details, the primary contacts).
 */
export function exportRowsByIds(db: Knex, ids: string[]) {
  // twice the ids' parameters: 2,001 for a chunk of 1,000, under SQL Server's 2,100
  return listRowsByIds(db, ids, { contactsByIds: true }).select([
    'c.country', 'c.address', 'c.postcode', 'c.phone2', 'c.fax', 'c.email', 'c.email2', 'c.website', 'c.main_products', 'c.tax_id',
    'pc.title as primary_contact_title', 'pc.mobile as primary_contact_mobile',
  ])
}

/** The columns an export carries beyond the list's (address, e-mail, …), by id. */
export const exportDetailsByIds = (db: Knex, ids: string[]): Promise<Array<Record<string, unknown>>> =>
  db('customers').whereIn('id', ids).select('id', 'country', 'province', 'address', 'postcode', 'phone2', 'fax', 'email', 'email2', 'website', 'main_products', 'tax_id')

export const findCustomer = (db: Knex, id: string) =>
  db('customers as c')
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .leftJoin('users as pu', 'pu.id', 'c.pool_prev_owner_id')
    .where('c.id', id)
    .whereNull('c.deleted_at')
    .first('c.*', 'u.name as owner_name', 'pu.name as pool_prev_owner_name')

export const codeExists = async (db: Knex, code: string) => !!(await db('customers').where({ code }).first('id'))

export const insertCustomer = (db: Knex, row: Record<string, unknown>) => db('customers').insert(row)

/** Updates a live row; with `expectVersion` only while its version is still that one. */
export function updateCustomer(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number) {
  const q = db('customers').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

/** Gives a live customer its new owner only while its owner is still `fromOwnerId`; the rows changed (0 or 1). */
export function moveCustomerFrom(db: Knex, id: string, fromOwnerId: string | null, patch: Record<string, unknown>): Promise<number> {
  const q = db('customers').where({ id }).whereNull('deleted_at')
  if (fromOwnerId === null) q.whereNull('owner_id')
  else q.where('owner_id', fromOwnerId)
  return q.update(patch)
}

export const liveContactsForSearch = (db: Knex, customerId: string): Promise<Array<{ name: string; mobile: string | null }>> =>
  db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').orderBy([{ column: 'is_primary', order: 'desc' }, { column: 'created_at' }, { column: 'id' }]).select('name', 'mobile')

export const liveContactIds = (db: Knex, customerId: string): Promise<Array<{ id: string; name: string }>> =>
  db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').select('id', 'name')

export const updateContactsOf = (db: Knex, customerId: string, patch: Record<string, unknown>) =>
  db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').update(patch)

/** Moves a customer's live records (interactions, their promises and attachments, service tickets and their notes) to its new owner. */
export async function moveRecordsOf(db: Knex, customerId: string, patch: { owner_id: string; updated_at: string; version: number }) {
  const records = db('interactions').where({ customer_id: customerId }).select('id')
  await db('attachments').where('entity', 'interaction').whereIn('entity_id', records).whereNull('deleted_at').update(patch)
  await db('interaction_promises').where({ customer_id: customerId }).whereNull('deleted_at').update(patch)
  await db('interactions').where({ customer_id: customerId }).whereNull('deleted_at').update(patch)
  await db('service_tickets').where({ customer_id: customerId }).whereNull('deleted_at').update(patch)
  await db('service_ticket_notes').whereIn('ticket_id', db('service_tickets').where({ customer_id: customerId }).select('id')).whereNull('deleted_at').update(patch)
  // competitors and churn records are scoped by the customer's owner too (sync: they travel with it)
  await db('competitors').where({ customer_id: customerId }).whereNull('deleted_at').update(patch)
  const warnings = db('churn_warnings').where({ customer_id: customerId }).select('id')
  await db('churn_measures').whereIn('warning_id', warnings).whereNull('deleted_at').update(patch)
  await db('churn_warnings').where({ customer_id: customerId }).whereNull('deleted_at').update(patch)
}

/**
 * Moves a customer's reminders of its previous owner to the new owner, the done ones too: they
 * are the customer's history, and the previous owner may neither read nor reopen them any more.
 * Open birthday reminders stay: their id is derived from a key naming the owner, so the
 * evaluation that follows retracts them and makes the new owner's (moving them would make it
 * issue a duplicate); a done one is never evaluated again and moves with the rest.
 */
export const moveRemindersOf = (db: Knex, customerId: string, fromOwnerId: string, patch: { owner_id: string; updated_at: string; version: number }) =>
  db('reminders')
    .where({ customer_id: customerId, owner_id: fromOwnerId })
    .where((q) => q.whereNot('source', 'birthday').orWhereNotNull('done_at'))
    .whereNull('deleted_at')
    .update(patch)

/**
 * Retracts a deleted customer's open reminders (soft delete; system ones also marked retracted)
 * and hides its done ones with the rest of its history (soft delete, so nobody reopens them).
 */
export async function retractOpenRemindersOf(db: Knex, customerId: string, at: string, version: number) {
  const open = () => db('reminders').where({ customer_id: customerId }).whereNull('done_at').whereNull('deleted_at')
  await open().whereNot('source', 'manual').update({ deleted_at: at, retracted_at: at, updated_at: at, version })
  await open().where('source', 'manual').update({ deleted_at: at, updated_at: at, version })
  await db('reminders').where({ customer_id: customerId }).whereNotNull('done_at').whereNull('deleted_at').update({ deleted_at: at, updated_at: at, version })
}

export const findUser = (db: Knex, id: string) => db('users').where({ id }).whereNull('deleted_at').first('id', 'name', 'team_id', 'disabled')

// ---- 查重: index lookups on the derived key columns (db/name-keys.ts) --------------------------------

export interface DuplicateRow {
  id: string
  code: string
  name: string
  owner_id: string | null
  owner_name: string | null
  owner_team_id: string | null
  name_key: string | null
  similar_key: string | null
  tax_key: string | null
  phone_key: string | null
  phone2_key: string | null
}
const DUPLICATE_COLUMNS = [
  'c.id', 'c.code', 'c.name', 'c.owner_id', 'u.name as owner_name', 'u.team_id as owner_team_id', 'c.name_key', 'c.similar_key', 'c.tax_key',
  'c.phone_key', 'c.phone2_key',
]
const liveWithOwner = (db: Knex, excludeId?: string) => {
  const q = db('customers as c').leftJoin('users as u', 'u.id', 'c.owner_id').whereNull('c.deleted_at')
  if (excludeId) q.whereNot('c.id', excludeId)
  return q
}
const oldestFirst = [{ column: 'c.created_at' }, { column: 'c.id' }]

/** Live customers (any owner) whose name_key, similar_key or tax_key is `value`. */
export const customersByKey = (db: Knex, column: 'name_key' | 'similar_key' | 'tax_key', value: string, limit: number, excludeId?: string): Promise<DuplicateRow[]> =>
  liveWithOwner(db, excludeId).where(`c.${column}`, value).orderBy(oldestFirst).limit(limit).select(DUPLICATE_COLUMNS)

/** Live customers with one of these phone keys as 电话 or 电话2. */
export const customersByPhone = (db: Knex, keys: string[], limit: number, excludeId?: string): Promise<DuplicateRow[]> =>
  liveWithOwner(db, excludeId)
    .where((w) => w.whereIn('c.phone_key', keys).orWhereIn('c.phone2_key', keys))
    .orderBy(oldestFirst)
    .limit(limit)
    .select(DUPLICATE_COLUMNS)

/** Live customers with a live contact whose mobile has one of these keys. */
export const customersByContactMobile = (db: Knex, keys: string[], limit: number, excludeId?: string): Promise<DuplicateRow[]> =>
  liveWithOwner(db, excludeId)
    .whereIn('c.id', db('contacts').select('customer_id').whereIn('mobile_key', keys).whereNull('deleted_at'))
    .orderBy(oldestFirst)
    .limit(limit)
    .select(DUPLICATE_COLUMNS)

/** The mobile keys of a customer's live contacts. */
export const contactMobileKeysOf = async (db: Knex, customerId: string): Promise<string[]> =>
  (await db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').whereNotNull('mobile_key').select('mobile_key')).map((r: { mobile_key: string }) => r.mobile_key)

/** Live customers whose key columns were never filled (rows written by a path that knows nothing of them). */
export const customersWithoutKeys = (db: Knex, limit: number): Promise<Array<{ id: string; name: string; tax_id: string | null; phone: string | null; phone2: string | null }>> =>
  // liveness through coalesce: the name_key index (its null range) serves it, not the deleted_at one
  db('customers').whereNull('name_key').whereRaw('coalesce(??, ??) is null', ['deleted_at', 'deleted_at']).limit(limit).select('id', 'name', 'tax_id', 'phone', 'phone2')

/** Live contacts with a mobile but no mobile key. */
export const contactsWithoutMobileKey = (db: Knex, limit: number): Promise<Array<{ id: string; mobile: string }>> =>
  db('contacts').whereNull('mobile_key').whereNotNull('mobile').whereRaw('coalesce(??, ??) is null', ['deleted_at', 'deleted_at']).limit(limit).select('id', 'mobile')

export const updateContactKey = (db: Knex, id: string, mobileKey: string) => db('contacts').where({ id }).update({ mobile_key: mobileKey })

/** Derived columns only: the version stays (like search_text, a sync client rebuilds them). */
export const updateCustomerKeys = (db: Knex, id: string, keys: Record<string, unknown>) => db('customers').where({ id }).update(keys)

// ---- 公海 moves (set-based, a chunk of ≤ 500 customers per call) -----------------------------------------

export interface OwnerPatch {
  owner_id: string | null
  updated_at: string
  version: number
}

/**
 * Moves the rows that follow a customer's owner, for a chunk of customers, before the customers
 * themselves change: the reminders of the current owner (done ones too; open birthday ones stay
 * for the evaluation to retract, as on a reassignment) — or, for customers coming out of the
 * 公海, the reminders left without an owner — then contacts, interactions, promises, attachments,
 * service tickets and their notes.
 */
export async function moveOwnedRowsOf(db: Knex, customerIds: string[], patch: OwnerPatch, from: 'owner' | 'pool') {
  if (!customerIds.length) return
  const reminders = db('reminders')
    .whereIn('customer_id', customerIds)
    .whereNull('deleted_at')
    .where((q) => q.whereNot('source', 'birthday').orWhereNotNull('done_at'))
  if (from === 'pool') reminders.whereNull('owner_id')
  else {
    reminders.whereExists(
      db('customers as oc').select('oc.id').whereRaw('?? = ??', ['oc.id', 'reminders.customer_id']).whereRaw('?? = ??', ['oc.owner_id', 'reminders.owner_id']),
    )
  }
  await reminders.update(patch)
  await db('contacts').whereIn('customer_id', customerIds).whereNull('deleted_at').update(patch)
  const records = db('interactions').whereIn('customer_id', customerIds).select('id')
  await db('attachments').where('entity', 'interaction').whereIn('entity_id', records).whereNull('deleted_at').update(patch)
  await db('interaction_promises').whereIn('customer_id', customerIds).whereNull('deleted_at').update(patch)
  await db('interactions').whereIn('customer_id', customerIds).whereNull('deleted_at').update(patch)
  // a service ticket's owner is its customer's owner (none while the customer is in the 公海)
  const tickets = db('service_tickets').whereIn('customer_id', customerIds).select('id')
  await db('service_ticket_notes').whereIn('ticket_id', tickets).whereNull('deleted_at').update(patch)
  await db('service_tickets').whereIn('customer_id', customerIds).whereNull('deleted_at').update(patch)
}

/** The reminders an owner-less customer has none of: policy, escalation, birthday and 公海预警 ones still open. */
export const retractOwnerRemindersOf = (db: Knex, customerIds: string[], at: string, version: number) =>
  db('reminders')
    .whereIn('customer_id', customerIds)
    .whereIn('source', ['contact_policy', 'purchase_policy', 'purchase_escalation', 'birthday', 'pool_warning'])
    .whereNull('done_at')
    .whereNull('deleted_at')
    .update({ deleted_at: at, retracted_at: at, updated_at: at, version })

/** Customers into the 公海: no owner, with when, from whom (the owner they had) and why. */
export const customersToPool = (db: Knex, customerIds: string[], p: { at: string; reason: string; note: string | null; version: number }) =>
  db('customers')
    .whereIn('id', customerIds)
    .where((w) => whereLive(db, w, 'deleted_at'))
    .whereNotNull('owner_id') // one already in the pool keeps who released it
    .update({
      pool_prev_owner_id: db.ref('owner_id'), owner_id: null, owner_since: null, pool_at: p.at, pool_reason: p.reason, pool_note: p.note,
      updated_at: p.at, version: p.version,
    })

/** Customers out of the 公海 to an owner (since now). */
export const customersFromPool = (db: Knex, customerIds: string[], p: { ownerId: string; at: string; version: number }) =>
  db('customers')
    .whereIn('id', customerIds)
    .where((w) => whereLive(db, w, 'deleted_at'))
    .whereNull('owner_id')
    .update({ owner_id: p.ownerId, owner_since: p.at, pool_at: null, pool_reason: null, pool_note: null, updated_at: p.at, version: p.version })

export interface PoolRow {
  id: string
  name: string
  owner_id: string | null
  owner_team_id: string | null
  pool_prev_owner_id: string | null
  pool_at: unknown
}

/** The customers of a move with their owner's team and pool facts (live ones only), locked for the move. */
export const poolRows = (db: Knex, ids: string[]): Promise<PoolRow[]> =>
  db('customers as c')
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .whereIn('c.id', ids)
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .select('c.id', 'c.name', 'c.owner_id', 'u.team_id as owner_team_id', 'c.pool_prev_owner_id', 'c.pool_at')

/** How many live customers a user owns. */
export async function countOwned(db: Knex, userId: string): Promise<number> {
  const r = await db('customers').where('owner_id', userId).whereNull('deleted_at').count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

/** Restricts the list to the 公海 (customers without an owner). */
export const inPool: ListScope = (q) => q.whereNull('c.owner_id')

/** Tags on the customers `scope` allows, most used first: the comma-joined columns grouped, split by the caller. */
export const tagColumns = (db: Knex, scope: (q: Knex.QueryBuilder) => void, limit: number): Promise<Array<{ tags: string; n: unknown }>> => {
  const q = liveCustomers(db).whereNotNull('c.tags')
  scope(q)
  return q.groupBy('c.tags').orderBy([{ column: 'n', order: 'desc' }, { column: 'c.tags' }]).limit(limit).select('c.tags').count({ n: '*' })
}

// ---- app settings of the customers module (customers.*) ------------------------------------------------

export async function readAppSetting(db: Knex, key: string): Promise<string | null> {
  const r = await db('app_settings').where({ key }).first('value')
  return r?.value ?? null
}

export const writeAppSetting = (db: Knex, dialect: Dialect, key: string, value: string, now: string) =>
  upsert(db, dialect, 'app_settings', { key, value, updated_at: now }, ['key'])

/** Status and category of live customers (the churn flow's customer changes). */
export const churnStateOf = (db: Knex, ids: string[]): Promise<Array<{ id: string; status: string; category_id: string | null }>> =>
  db('customers').whereIn('id', ids).where((w) => whereLive(db, w, 'deleted_at')).select('id', 'status', 'category_id')

/** One patch for many live customers. */
/**
 * Updates the live customers of `ids` (a subquery) that are in `fromStatus`; answers how many.
 * Found by their keys: on SQLite the status is written so no index serves it (its planner would
 * otherwise read every customer of that status — 80,000 正常 ones — to update a chunk of 300).
 */
export const updateCustomersOfStatusIn = (db: Knex, ids: Knex.Raw, fromStatus: string, patch: Record<string, unknown>): Promise<number> =>
  whereEquals(db, db('customers').whereRaw('id in (?)', [ids]), 'status', fromStatus, { unindexed: true }).where((w) => whereLive(db, w, 'deleted_at')).update(patch)
export const updateCustomersIn = (db: Knex, ids: string[], patch: Record<string, unknown>) =>
  db('customers').whereIn('id', ids).where((w) => whereLive(db, w, 'deleted_at')).update(patch)
// ---- global search ------------------------------------------------------------------------

type Scope = (q: Knex.QueryBuilder) => void
export type SearchCandidate = { id: string; search_text: string }

/** How a search reads: `grams` — PostgreSQL reads its GIN index (a term its statistics call rare; see searchPlan). */
export interface SearchReadPlan {
  grams: boolean
}

/** Rows a search no index narrows reads at most (dialect boundedSearchFrom): never a full scan. */
export const SEARCH_SCAN_BOUND = 5000

/** Live customers in scope (alias `c`), read through the search index for `needle` where it serves. */
const searchFrom = (db: Knex, dialect: Dialect, needle: string, scope: Scope, plan: SearchReadPlan) => {
  const q = searchIndexFrom(db, dialect, 'customers', 'c', needle, { grams: plan.grams }).whereNull('c.deleted_at')
  scope(q)
  return q
}

/** Live customers in scope (alias `c`), not through the search index: for the prefix ranges (an index range read in order). */
const liveFrom = (db: Knex, scope: Scope) => {
  const q = db('customers as c').whereNull('c.deleted_at')
  scope(q)
  return q
}

/** At most SEARCH_SCAN_BOUND live customers in scope (alias `c`, with `columns`), for a term no index narrows. */
const boundedFrom = (db: Knex, scope: Scope, columns: string[]) => {
  const inner = db('customers as c').whereNull('c.deleted_at').select(columns)
  scope(inner)
  return boundedSearchFrom(db, inner, 'c', SEARCH_SCAN_BOUND)
}

/** How a needle (a term, or '|' + term) is read on PostgreSQL: its GIN grams or not (dialect searchReadsGrams). */
export async function searchPlan(db: Knex, dialect: Dialect, needle: string, rare: number): Promise<SearchReadPlan> {
  return { grams: await searchReadsGrams(db, dialect, 'customers', needle, rare) }
}

/**
 * Up to `cap` live customers in scope whose search text (name, short name, code, phones,
 * pinyin, initials, contacts' names and mobiles) contains the term, in no order, and whether
 * they are all of them. Through the search index when `plan` says so (SQLite: the trigram index,
 * read until `cap` matches; PostgreSQL: the GIN index); a term no index narrows (1 character,
 * 2 Latin letters or digits) looks at SEARCH_SCAN_BOUND rows only (not complete); a term on SQL
 * Server or a common one on PostgreSQL scans until `cap` matches.
 */
export async function searchMatches(db: Knex, dialect: Dialect, term: string, cap: number, scope: Scope, plan: SearchReadPlan): Promise<{ rows: SearchCandidate[]; complete: boolean }> {
  const { query, bounded } = searchMatchesQuery(db, dialect, term, cap, scope, plan)
  const rows: SearchCandidate[] = await query
  return { rows, complete: !bounded && rows.length < cap }
}

/** The statement of searchMatches, and whether it reads a bounded number of rows (a term no index narrows). */
export function searchMatchesQuery(db: Knex, dialect: Dialect, term: string, cap: number, scope: Scope, plan: SearchReadPlan): { query: Knex.QueryBuilder; bounded: boolean } {
  const bounded = !searchIndexQuery(term)
  const from = bounded ? boundedFrom(db, scope, ['c.id', 'c.search_text']) : searchFrom(db, dialect, term, scope, plan)
  return { query: whereSearchText(from, 'c.search_text', term).select('c.id', 'c.search_text').limit(cap), bounded }
}

/** Customers whose search text starts with the term, i.e. whose name does (an index range on SQLite). */
export const searchNamePrefix = (db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope): Promise<SearchCandidate[]> =>
  searchPrefixRange(liveFrom(db, scope), dialect, 'c.search_text', term).select('c.id', 'c.search_text').limit(limit)

/**
 * Customers one of whose other parts (pinyin, initials, code, phone, a contact) starts with the
 * term: the needle '|' + term through the search index (a 2-letter term makes the trigram |ab),
 * or for a 1-letter term among SEARCH_SCAN_BOUND rows.
 */
export function searchPartPrefix(db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope, plan: SearchReadPlan): Promise<SearchCandidate[]> {
  const from = searchIndexQuery('|' + term) ? searchFrom(db, dialect, '|' + term, scope, plan) : boundedFrom(db, scope, ['c.id', 'c.search_text'])
  return whereSearchText(from, 'c.search_text', term, 'part-prefix').select('c.id', 'c.search_text').limit(limit)
}

/** For a term with Chinese characters (it can only match a name): names starting with it, an index range on SQLite. */
export const searchByNamePrefix = (db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope): Promise<Array<{ id: string }>> =>
  searchPrefixRange(liveFrom(db, scope), dialect, 'c.name', term).select('c.id').limit(limit)

/**
 * For a term with Chinese characters: up to `limit` customers whose name or short name contains
 * it, in no order (they rank alike; a common term stops early): through the search index (2
 * Chinese characters make a trigram), a 1-character term among SEARCH_SCAN_BOUND rows.
 */
export function searchByNameContains(db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope, plan: SearchReadPlan): Promise<Array<{ id: string }>> {
  const from = searchIndexQuery(term) ? searchFrom(db, dialect, term, scope, plan) : boundedFrom(db, scope, ['c.id', 'c.name', 'c.short_name'])
  return from
    .where((w) => w.whereRaw(likeCi(db, dialect, 'c.name', term)).orWhereRaw(likeCi(db, dialect, 'c.short_name', term)))
    .select('c.id')
    .limit(limit)
}

/** What a search hit shows of the given customers. */
export const searchRowsByIds = (db: Knex, ids: string[]) =>
  db('customers as c').whereIn('c.id', ids).select('c.id', 'c.name', 'c.short_name', 'c.code', 'c.phone', 'c.phone2', 'c.city')

/** A customer's live contacts with their search text (rebuilt with the customer's). */
export const liveContactsSearchText = (db: Knex, customerId: string): Promise<Array<{ id: string; name: string; mobile: string | null; search_text: string | null }>> =>
  db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').select('id', 'name', 'mobile', 'search_text')

export const setContactSearchText = (db: Knex, id: string, text: string) => db('contacts').where({ id }).update({ search_text: text })

// ---- archive (.xlsx of everything the caller may see) ----------------------------------------

/** The next `limit` live customers in scope after `afterId` (keyset by id), with the owner and dictionary labels. */
export function archiveBatch(db: Knex, afterId: string | null, limit: number, scope: Scope) {
  const q = liveCustomers(db)
  scope(q)
  if (afterId) q.where('c.id', '>', afterId)
  const label = (alias: string, col: string) => q.leftJoin(`dict_items as ${alias}`, `${alias}.id`, `c.${col}`)
  for (const [alias, col] of [['d_region', 'region_id'], ['d_industry', 'industry_id'], ['d_level', 'level_id'], ['d_category', 'category_id'], ['d_source', 'source_id'], ['d_nature', 'nature_id']]) label(alias, col)
  return q
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .orderBy('c.id')
    .limit(limit)
    .select(
      'c.*', 'u.name as owner_name', 'd_region.label as region_label', 'd_industry.label as industry_label', 'd_level.label as level_label',
      'd_category.label as category_label', 'd_source.label as source_label', 'd_nature.label as nature_label',
    )
}

// ---- 导入: 查重 for many rows at once, bulk insert, 撤销导入 -----------------------------------------

/** Values per IN list: well under SQL Server's 2100 parameters. */
const IN_CHUNK = 500

/** Live customers (any owner) whose `column` is one of `values`, oldest first. */
export async function customersByKeys(db: Knex, column: 'name_key' | 'similar_key' | 'tax_key' | 'phone_key' | 'phone2_key', values: string[]): Promise<DuplicateRow[]> {
  const out: DuplicateRow[] = []
  const unique = [...new Set(values)]
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    // found by the key's index (SQLite: not walked through the deleted_at index, see whereLive)
    const q = db('customers as c').leftJoin('users as u', 'u.id', 'c.owner_id').whereIn(`c.${column}`, unique.slice(i, i + IN_CHUNK))
    out.push(...(await q.where((w) => whereLive(db, w, 'c.deleted_at')).orderBy(oldestFirst).select(DUPLICATE_COLUMNS)))
  }
  return out
}

/** Which of these codes are taken (by any row, deleted ones too: codes are never reused). */
export async function takenCodes(db: Knex, codes: string[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (let i = 0; i < codes.length; i += IN_CHUNK) {
    for (const r of await db('customers').whereIn('code', codes.slice(i, i + IN_CHUNK)).select('code')) out.add(String(r.code))
  }
  return out
}

/** Rows in statements under the dialect's parameter limit (SQL Server: 2100). */
export const insertCustomers = (db: Knex, dialect: Dialect, rows: Record<string, unknown>[]) => insertRows(db, dialect, 'customers', rows)

/** The live customers an import created: id, version, and whether anything was recorded on them since. */
export const importedCustomers = (db: Knex, batchId: string): Promise<Array<{ id: string; version: unknown; order_count: unknown; last_contact_at: unknown }>> =>
  db('customers').where({ import_batch_id: batchId }).where((w) => whereLive(db, w, 'deleted_at')).select('id', 'version', 'order_count', 'last_contact_at')

/** Live contacts of these customers that the import `batchId` did not create. */
export async function otherContactsOf(db: Knex, customerIds: string[], batchId: string): Promise<number> {
  let n = 0
  for (let i = 0; i < customerIds.length; i += IN_CHUNK) {
    const r = await db('contacts').whereIn('customer_id', customerIds.slice(i, i + IN_CHUNK)).where((w) => whereLive(db, w, 'deleted_at'))
      .where((w) => w.whereNull('import_batch_id').orWhereNot('import_batch_id', batchId)).count({ n: '*' }).first()
    n += Number(r?.n ?? 0)
  }
  return n
}

/** Soft-deletes customers and their live contacts (撤销导入). */
export async function softDeleteCustomers(db: Knex, ids: string[], at: string, version: number) {
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const part = ids.slice(i, i + IN_CHUNK)
    await db('contacts').whereIn('customer_id', part).where((w) => whereLive(db, w, 'deleted_at')).update({ deleted_at: at, updated_at: at, version })
    await db('customers').whereIn('id', part).where((w) => whereLive(db, w, 'deleted_at')).update({ deleted_at: at, updated_at: at, version })
  }
}

/** 导入 of orders: live customers whose code or exact name is among those given, within `scope`. */
export async function customersByCodesOrNames(db: Knex, codes: string[], names: string[], scope: (q: Knex.QueryBuilder) => void): Promise<Array<{ id: string; code: string; name: string; owner_id: string | null; address: string | null }>> {
  const out: Array<{ id: string; code: string; name: string; owner_id: string | null; address: string | null }> = []
  const seen = new Set<string>()
  const take = async (col: 'code' | 'name', values: string[]) => {
    for (let i = 0; i < values.length; i += 500) {
      const q = db('customers').whereIn(col, values.slice(i, i + 500)).whereNull('deleted_at').select('id', 'code', 'name', 'owner_id', 'address')
      scope(q)
      for (const r of await q) {
        if (seen.has(String(r.id))) continue
        seen.add(String(r.id))
        out.push(r)
      }
    }
  }
  await take('code', codes)
  await take('name', names)
  return out
}
