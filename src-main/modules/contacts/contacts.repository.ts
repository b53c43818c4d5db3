import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { applyPage, boundedSearchFrom, countRows, deletedCustomerIds, insertRows, likeCi, searchIndexFrom, searchReadsGrams, searchIndexQuery, whereLive, searchPrefixRange, wherePrefix, whereSearchText } from '../../db/dialect'

type Row = Record<string, unknown>

export const findContact = (db: Knex, id: string) => db('contacts').where({ id }).whereNull('deleted_at').first()

/** Primary first, then in the order they were added. */
export const listContacts = (db: Knex, customerId: string) =>
  db('contacts')
    .where({ customer_id: customerId })
    .whereNull('deleted_at')
    .orderBy([{ column: 'is_primary', order: 'desc' }, { column: 'created_at' }, { column: 'id' }])
    .select('*')

export const insertContact = (db: Knex, row: Record<string, unknown>) => db('contacts').insert(row)
/**
 * Updates a contact; with `expectVersion` only while its stored version is still that one (the
 * version the edit is based on). Answers how many rows changed: 0 means someone changed it first.
 */
export async function updateContact(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number): Promise<number> {
  const q = db('contacts').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

/** Live primary contacts of a customer other than `exceptId`. */
export const otherPrimaries = (db: Knex, customerId: string, exceptId: string | null): Promise<Array<{ id: string }>> => {
  const q = db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').where('is_primary', true)
  if (exceptId) q.whereNot('id', exceptId)
  return q.select('id')
}

/** The earliest-added live contact other than `exceptId`: the one promoted to primary. */
export const firstOther = (db: Knex, customerId: string, exceptId: string): Promise<{ id: string } | undefined> =>
  db('contacts')
    .where({ customer_id: customerId })
    .whereNull('deleted_at')
    .whereNot('id', exceptId)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .first('id')

export async function countLive(db: Knex, customerId: string): Promise<number> {
  const row = await db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

export const customerOwner = (db: Knex, customerId: string): Promise<{ owner_id: string | null } | undefined> =>
  db('customers').where({ id: customerId }).whereNull('deleted_at').first('owner_id')

// ---- global search ------------------------------------------------------------------------

type Scope = (q: Knex.QueryBuilder) => void
export type SearchCandidate = { id: string; search_text: string }

/** How a search reads: `grams` — PostgreSQL reads its GIN index (a term its statistics call rare). */
export interface SearchReadPlan {
  grams: boolean
}

/** Rows a search no index narrows reads at most (dialect boundedSearchFrom): never a full scan. */
export const SEARCH_SCAN_BOUND = 5000

/** Live contacts in scope (alias `ct`; their owner column follows their customer's owner), through the search index for `needle` where it serves. */
const searchFrom = (db: Knex, dialect: Dialect, needle: string, scope: Scope, plan: SearchReadPlan) => {
  const q = searchIndexFrom(db, dialect, 'contacts', 'ct', needle, { grams: plan.grams }).whereNull('ct.deleted_at')
  scope(q)
  return q
}

/** Live contacts in scope (alias `ct`), not through the search index: for the prefix ranges (an index range read in order). */
const liveFrom = (db: Knex, scope: Scope) => {
  const q = db('contacts as ct').whereNull('ct.deleted_at')
  scope(q)
  return q
}

/** At most SEARCH_SCAN_BOUND live contacts in scope (alias `ct`, with `columns`), for a term no index narrows. */
const boundedFrom = (db: Knex, scope: Scope, columns: string[]) => {
  const inner = db('contacts as ct').whereNull('ct.deleted_at').select(columns)
  scope(inner)
  return boundedSearchFrom(db, inner, 'ct', SEARCH_SCAN_BOUND)
}

/** As the customers' searchPlan, over the contacts' search index (SQLite migration 20261206002200, PostgreSQL contacts_search_grams). */
export async function searchPlan(db: Knex, dialect: Dialect, needle: string, rare: number): Promise<SearchReadPlan> {
  return { grams: await searchReadsGrams(db, dialect, 'contacts', needle, rare) }
}

/**
 * Up to `limit` contacts whose search text (name, mobile, pinyin, initials) contains the term, in
 * no order (stops early on a common term): through the search index (SQLite's trigram index,
 * PostgreSQL's GIN index for a rare term); a term no index narrows among SEARCH_SCAN_BOUND rows.
 */
export function searchMatches(db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope, plan: SearchReadPlan): Promise<SearchCandidate[]> {
  const from = searchIndexQuery(term) ? searchFrom(db, dialect, term, scope, plan) : boundedFrom(db, scope, ['ct.id', 'ct.search_text'])
  return whereSearchText(from, 'ct.search_text', term).select('ct.id', 'ct.search_text').limit(limit)
}

/** Contacts whose search text starts with the term, i.e. whose name does (an index range on SQLite). */
export const searchNamePrefix = (db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope): Promise<SearchCandidate[]> =>
  searchPrefixRange(liveFrom(db, scope), dialect, 'ct.search_text', term).select('ct.id', 'ct.search_text').limit(limit)

/** Contacts whose mobile, pinyin or initials start with the term: '|' + term through the search index, a 1-letter term among SEARCH_SCAN_BOUND rows. */
export function searchPartPrefix(db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope, plan: SearchReadPlan): Promise<SearchCandidate[]> {
  const from = searchIndexQuery('|' + term) ? searchFrom(db, dialect, '|' + term, scope, plan) : boundedFrom(db, scope, ['ct.id', 'ct.search_text'])
  return whereSearchText(from, 'ct.search_text', term, 'part-prefix').select('ct.id', 'ct.search_text').limit(limit)
}

/** For a term with Chinese characters (it can only match a name): names starting with it, an index range on SQLite. */
export const searchByNamePrefix = (db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope): Promise<Array<{ id: string }>> =>
  searchPrefixRange(liveFrom(db, scope), dialect, 'ct.name', term).select('ct.id').limit(limit)

/** For a term with Chinese characters: up to `limit` contacts whose name contains it, in no order (through the search index; 1 character among SEARCH_SCAN_BOUND rows). */
export function searchByNameContains(db: Knex, dialect: Dialect, term: string, limit: number, scope: Scope, plan: SearchReadPlan): Promise<Array<{ id: string }>> {
  const from = searchIndexQuery(term) ? searchFrom(db, dialect, term, scope, plan) : boundedFrom(db, scope, ['ct.id', 'ct.name'])
  return from.whereRaw(likeCi(db, dialect, 'ct.name', term)).select('ct.id').limit(limit)
}

/** What a search hit shows of the given contacts, with their live customer's name. */
export const searchRowsByIds = (db: Knex, ids: string[]) =>
  db('contacts as ct')
    .join('customers as c', 'c.id', 'ct.customer_id')
    .whereIn('ct.id', ids)
    .whereNull('c.deleted_at')
    .select('ct.id', 'ct.customer_id', 'ct.name', 'ct.mobile', 'ct.title', 'c.name as customer_name')

/** The archive export: the next `limit` live contacts of live customers in scope after `afterId` (keyset by id). */
export function archiveBatch(db: Knex, afterId: string | null, limit: number, scope: Scope) {
  const q = db('contacts as ct').join('customers as c', 'c.id', 'ct.customer_id').whereNull('ct.deleted_at').whereNull('c.deleted_at')
  scope(q)
  if (afterId) q.where('ct.id', '>', afterId)
  return q.orderBy('ct.id').limit(limit).select('ct.*', 'c.code as customer_code', 'c.name as customer_name')}

/** Live contacts of live customers (contact `ct`, customer `c`), for counts across customers in scope. */
const contactsOfLiveCustomers = (db: Knex) =>
  db('contacts as ct').join('customers as c', 'c.id', 'ct.customer_id').whereNull('ct.deleted_at').whereNull('c.deleted_at')

/** Contacts in scope added in each range [from, to), in one pass. */
export async function countContactsCreated(db: Knex, scope: (q: Knex.QueryBuilder) => void, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  if (!ranges.length) return []
  const lo = ranges.reduce((a, r) => (r.from < a ? r.from : a), ranges[0].from)
  const hi = ranges.reduce((a, r) => (r.to > a ? r.to : a), ranges[0].to)
  const q = contactsOfLiveCustomers(db).where('ct.created_at', '>=', lo).where('ct.created_at', '<', hi)
  scope(q)
  const row: Record<string, unknown> =
    (await q.first(ranges.map((r, i) => db.raw('sum(case when ct.created_at >= ? and ct.created_at < ? then 1 else 0 end) as ??', [r.from, r.to, `n_${i}`])))) ?? {}
  return ranges.map((_, i) => Number(row[`n_${i}`] ?? 0))
}

/**
 * How many live contacts of live customers were added in [from, to), counted without the join:
 * the live contacts (an index of contacts alone) minus the live contacts of the few deleted
 * customers (their ids from customers_deleted_ids, then contacts by customer_id). Exact: every
 * contact has its customer (customer_id not null, a foreign key), which is either live or deleted.
 * The join counted 199,623 contacts in 261 ms on SQLite (a Bloom filter over every customer).
 */
async function countContactsOfLiveCustomers(db: Knex, f: { from?: string; to?: string }): Promise<number> {
  const live = () => {
    const q = db('contacts as ct').whereNull('ct.deleted_at')
    if (f.from) q.where('ct.created_at', '>=', f.from)
    if (f.to) q.where('ct.created_at', '<', f.to)
    return q
  }
  const all = await countRows(live())
  return all ? all - (await countRows(live().whereIn('ct.customer_id', deletedCustomerIds(db)))) : 0
}

/**
 * 联系人 list: contacts of live customers in scope, added in [from, to), newest first (the
 * 新增联系人 count's rows). `everyCustomer`: the scope is the whole company (`scope` adds
 * nothing), counted by countContactsOfLiveCustomers.
 */
export async function pageContacts(
  db: Knex, scope: (q: Knex.QueryBuilder) => void, f: { from?: string; to?: string }, p: { page: number; pageSize: number }, everyCustomer = false,
): Promise<{ rows: Row[]; total: number }> {
  const q = contactsOfLiveCustomers(db)
  if (f.from) q.where('ct.created_at', '>=', f.from)
  if (f.to) q.where('ct.created_at', '<', f.to)
  scope(q)
  const total = everyCustomer ? await countContactsOfLiveCustomers(db, f) : await countRows(q)
  const rows = total
    ? await applyPage(
        q.leftJoin('users as u', 'u.id', 'c.owner_id')
          .select('ct.id', 'ct.name', 'ct.title', 'ct.mobile', 'ct.customer_id', 'ct.created_at', 'c.name as customer_name', 'u.name as owner_name')
          .orderBy([{ column: 'ct.created_at', order: 'desc' }, { column: 'ct.id', order: 'desc' }]),
        p,
      )
    : []
  return { rows, total }
}

/**
 * Contacts in scope whose stored birthday's month-day (`MM-DD`, contacts.birthday_md) is one of
 * those given for its calendar: a few index lookups of contacts_birthday_md (every month-day
 * asked for), each row then checked for its calendar.
 */
export function contactsWithBirthdayOn(db: Knex, scope: (q: Knex.QueryBuilder) => void, monthDays: { solar: string[]; lunar: string[] }): Promise<Row[]> {
  const q = whereBirthdayMonthDay(contactsOfLiveCustomers(db), monthDays)
  scope(q)
  return q.select('ct.id', 'ct.name', 'ct.birthday', 'ct.birthday_calendar', 'ct.birthday_leap_month', 'ct.customer_id', 'c.name as customer_name').orderBy('ct.id')
}

/** The live primary contacts of these customers (at most one each). */
export const primaryContactsOf = (db: Knex, customerIds: string[]): Promise<Array<{ customer_id: string; name: string; title: string | null; mobile: string | null }>> =>
  db('contacts').whereIn('customer_id', customerIds).where('is_primary', true).whereNull('deleted_at').select('customer_id', 'name', 'title', 'mobile')

/**
 * Restricts contacts (ct) to those whose birthday_md is among the month-days of its calendar:
 * the union of both lists drives the index (contacts_birthday_md), the calendar picks the list.
 */
export function whereBirthdayMonthDay(q: Knex.QueryBuilder, monthDays: { solar: string[]; lunar: string[] }): Knex.QueryBuilder {
  const all = [...new Set([...monthDays.solar, ...monthDays.lunar])].sort()
  if (!all.length) return q.whereRaw('1 = 0')
  return q.whereIn('ct.birthday_md', all).where((w) => {
    if (monthDays.solar.length) w.orWhere((s) => s.where('ct.birthday_calendar', 'solar').whereIn('ct.birthday_md', monthDays.solar))
    if (monthDays.lunar.length) w.orWhere((s) => s.where('ct.birthday_calendar', 'lunar').whereIn('ct.birthday_md', monthDays.lunar))
  })
}

// ---- 导入 ----------------------------------------------------------------------------------

const IN_CHUNK = 500

export const insertContacts = (db: Knex, dialect: Dialect, rows: Record<string, unknown>[]) => insertRows(db, dialect, 'contacts', rows)

/** Live contacts of these customers: id, customer, name, version. */
export async function liveContactsOf(db: Knex, customerIds: string[]): Promise<Array<{ id: string; customer_id: string; name: string; version: unknown; is_primary: unknown }>> {
  const out = []
  const ids = [...new Set(customerIds)]
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    out.push(...(await db('contacts').whereIn('customer_id', ids.slice(i, i + IN_CHUNK)).where((w) => whereLive(db, w, 'deleted_at')).select('id', 'customer_id', 'name', 'version', 'is_primary')))
  }
  return out
}

/** Live contacts an import created. */
export const importedContacts = (db: Knex, batchId: string): Promise<Array<{ id: string; customer_id: string; version: unknown; is_primary: unknown }>> =>
  db('contacts').where({ import_batch_id: batchId }).where((w) => whereLive(db, w, 'deleted_at')).select('id', 'customer_id', 'version', 'is_primary')

export async function softDeleteContacts(db: Knex, ids: string[], at: string, version: number) {
  for (let i = 0; i < ids.length; i += IN_CHUNK) await db('contacts').whereIn('id', ids.slice(i, i + IN_CHUNK)).where((w) => whereLive(db, w, 'deleted_at')).update({ deleted_at: at, updated_at: at, version })
}
