// 联系人: contacts of a customer the actor may see. Exactly one primary per customer (the first
// contact becomes it; choosing another clears the rest; removing it promotes the next one).
// Name and mobile feed the customer's search text, so changes to them rebuild it.
import type { Knex } from 'knex'
import { LunarYear } from 'lunar-typescript'
import type { ServiceContext } from '../context'
import type { Action, DataScope } from '../../contract/common'
import { ContactFields, type Contact, type ContactRow } from '../../contract/contacts'
import { AppError, conflict, fieldError, notFound } from '../../shared/errors'
import { toColumn } from '../../db/columns'
import { hasHan, toBool, toIso, toNum } from '../../db/dialect'
import { newId, newOrderedId } from '../../db/ids'
import { phoneKey } from '../../db/name-keys'
import { nextVersion } from '../../db/tx'
import { applyScope, askedScope, assertRowInScope, can, requirePerm } from '../auth/permissions'
import type { SearchHit } from '../../contract/search'
import { bestByText, bestMatch, compareHits, normalizeTerm, scoreOf } from '../../shared/search-rank'
import { buildContactSearchText, pinyinForms } from '../customers/customers.search'
import { diff, recordAudit, recordAuditMany, type AuditInput } from '../audit/audit.service'
import { refreshSearchText, searchCandidates } from '../customers/customers.service'
import { birthdayPatternsOf, nextBirthday } from '../reminders/birthdays'
import { compareDates, formatDate, type LocalDate } from '../reminders/tz'
import {
  archiveBatch, contactsWithBirthdayOn, countContactsCreated, countLive, customerOwner, findContact, firstOther, insertContact, listContacts, otherPrimaries, primaryContactsOf, searchByNameContains, searchByNamePrefix, searchMatches, searchNamePrefix, searchPlan,
  searchPartPrefix, searchRowsByIds, updateContact,
  importedContacts, insertContacts, liveContactsOf, pageContacts, softDeleteContacts,
} from './contacts.repository'

type Fields = { [K in keyof Contact]?: unknown } & Record<string, unknown>
type Row = Record<string, unknown>

const FIELD_KEYS = Object.keys(ContactFields.shape)
const BOOL_FIELDS = new Set(['birthdayLeapMonth', 'isPrimary'])
const SEARCH_FIELDS = new Set(['name', 'mobile'])
const RANK: Record<DataScope, number> = { own: 0, team: 1, all: 2 }

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

export function toContact(r: Row): Contact {
  const out: Row = { id: r.id, customerId: r.customer_id }
  for (const k of FIELD_KEYS) {
    const v = r[toColumn(k)]
    out[k] = BOOL_FIELDS.has(k) ? toBool(v) : k === 'friendliness' ? toNum(v) : str(v)
  }
  out.birthdayCalendar = r.birthday_calendar ?? 'solar'
  return { ...out, createdAt: toIso(r.created_at), updatedAt: toIso(r.updated_at), version: Number(r.version) } as Contact
}

const auditView = (c: Contact) => Object.fromEntries(FIELD_KEYS.map((k) => [k, c[k as keyof Contact]]))

/**
 * The contacts permission for `action`, and the customer inside both the contacts scope and
 * the customers view scope (out of scope answers not_found, like a missing row).
 */
async function assertCustomer(db: Knex, ctx: ServiceContext, action: Action, customerId: string, what = 'customer', id = customerId) {
  const contactsScope = requirePerm(ctx.actor, 'contacts', action)
  const customersScope = requirePerm(ctx.actor, 'customers', 'view')
  const scope = RANK[contactsScope] <= RANK[customersScope] ? contactsScope : customersScope
  try {
    await assertRowInScope(db, ctx.actor, scope, 'customers', customerId, 'customer')
  } catch (e) {
    throw e instanceof AppError && e.code === 'not_found' ? notFound(what, id) : e
  }
}

/** Loads a live contact and checks its customer's scope. */
async function loadInScope(db: Knex, ctx: ServiceContext, action: Action, id: string): Promise<Contact> {
  requirePerm(ctx.actor, 'contacts', action)
  const r = await findContact(db, id)
  if (!r) throw notFound('contact', id)
  await assertCustomer(db, ctx, action, r.customer_id, 'contact', id)
  return toContact(r)
}

function isRealDate(y: number, m: number, d: number) {
  const dt = new Date(Date.UTC(y, m - 1, d))
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
}

/** A solar birthday is a real date; a lunar one a plausible lunar date (leap month must exist). */
export function validateBirthday(birthday: string | null, calendar: string, leap: boolean) {
  if (!birthday) return
  const [y, m, d] = birthday.split('-').map(Number)
  if (calendar === 'solar') {
    if (!isRealDate(y, m, d)) throw fieldError('birthday', 'invalid_date', `not a calendar date: ${birthday}`)
    if (leap) throw fieldError('birthdayLeapMonth', 'invalid', 'only a lunar birthday can be in a leap month')
    return
  }
  if (m < 1 || m > 12 || d < 1 || d > 30) throw fieldError('birthday', 'invalid_lunar_date', `not a lunar date: ${birthday}`)
  if (leap && y >= 1900 && y <= 2100 && LunarYear.fromYear(y).getLeapMonth() !== m) {
    throw fieldError('birthdayLeapMonth', 'invalid_leap_month', `lunar year ${y} has no leap month ${m}`, { year: y, month: m })
  }
}

/**
 * The stored month-day (contacts.birthday_md, MM-DD) of a birthday stored as YYYY-MM-DD in its
 * own calendar (公历 or 农历), or null without one: what 本周生日 and the birthday reminders look up.
 */
export const birthdayMonthDay = (birthday: unknown): string | null => (typeof birthday === 'string' && birthday.length >= 10 ? birthday.slice(5, 10) : null)

function columnsOf(fields: Fields): Row {
  const row: Row = {}
  for (const k of FIELD_KEYS) {
    if (!(k in fields) || fields[k] === undefined || k === 'isPrimary') continue
    const v = fields[k]
    row[toColumn(k)] = v === '' ? null : v
  }
  // 查重 compares mobiles by their digits ('' marks a mobile too short to compare)
  if ('mobile' in row) row.mobile_key = row.mobile ? (phoneKey(String(row.mobile)) ?? '') : null
  // 本周生日 and the birthday reminders look birthdays up by their month-day (in their own calendar)
  if ('birthday' in row) row.birthday_md = birthdayMonthDay(row.birthday)
  return row
}

export async function contactsList(ctx: ServiceContext, input: { customerId: string }): Promise<Contact[]> {
  const k = ctx.db.knex
  await assertCustomer(k, ctx, 'view', input.customerId)
  return (await listContacts(k, input.customerId)).map(toContact)
}

/**
 * The primary contact (name, title, mobile) of customers the caller already read through its
 * scoped customer list (the export): keyed by customer id; empty without the contacts view right.
 */
export async function primaryContactsByCustomer(ctx: ServiceContext, customerIds: string[]): Promise<Map<string, { name: string; title: string | null; mobile: string | null }>> {
  const out = new Map<string, { name: string; title: string | null; mobile: string | null }>()
  if (!customerIds.length || !can(ctx.actor, 'contacts', 'view')) return out
  for (const r of await primaryContactsOf(ctx.db.knex, customerIds)) out.set(String(r.customer_id), { name: r.name, title: str(r.title), mobile: str(r.mobile) })
  return out
}

/** Clears the primary flag of the customer's other contacts (audited). */
async function clearOtherPrimaries(trx: Knex, ctx: ServiceContext, customerId: string, keepId: string | null, version: number, now: string) {
  for (const o of await otherPrimaries(trx, customerId, keepId)) {
    await updateContact(trx, o.id, { is_primary: false, updated_at: now, version })
    await recordAudit(trx, ctx, { entity: 'contact', entityId: o.id, parentId: customerId, action: 'update', changes: { isPrimary: [true, false] } })
  }
}

/** Makes a contact the primary one (with `expected`: only while it has that version). */
async function promote(trx: Knex, ctx: ServiceContext, customerId: string, id: string, version: number, now: string, expected?: number) {
  if (!(await updateContact(trx, id, { is_primary: true, updated_at: now, version }, expected))) throw conflict('contact')
  await recordAudit(trx, ctx, { entity: 'contact', entityId: id, parentId: customerId, action: 'update', changes: { isPrimary: [false, true] } })
}

/** `opts.id`: the id the writer chose (an offline client's create, pushed by sync); else a new one. */
export async function contactsCreate(ctx: ServiceContext, input: { customerId: string; fields: Fields }, opts: { id?: string } = {}): Promise<Contact> {
  const k = ctx.db.knex
  const f = input.fields
  const id = opts.id ?? newId()
  await k.transaction(async (trx) => {
    await assertCustomer(trx, ctx, 'create', input.customerId)
    validateBirthday(str(f.birthday), String(f.birthdayCalendar ?? 'solar'), f.birthdayLeapMonth === true)
    const owner = await customerOwner(trx, input.customerId)
    const now = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const primary = f.isPrimary === true || (await countLive(trx, input.customerId)) === 0
    if (primary) await clearOtherPrimaries(trx, ctx, input.customerId, null, version, now)
    await insertContact(trx, {
      ...columnsOf(f), id, customer_id: input.customerId, owner_id: owner?.owner_id ?? null, is_primary: primary,
      created_at: now, updated_at: now, version,
    })
    await refreshSearchText(trx, input.customerId)
    const created = toContact(await findContact(trx, id))
    await recordAudit(trx, ctx, { entity: 'contact', entityId: id, parentId: input.customerId, action: 'create', changes: diff(null, auditView(created)) })
  })
  return toContact(await findContact(k, id))
}

export async function contactsUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: Fields }): Promise<Contact> {
  const k = ctx.db.knex
  const f = input.fields
  await k.transaction(async (trx) => {
    const before = await loadInScope(trx, ctx, 'edit', input.id)
    if (before.version !== input.version) throw conflict('contact', before.version)
    const merged = { ...before, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) }
    validateBirthday(str(merged.birthday), String(merged.birthdayCalendar), merged.birthdayLeapMonth === true)
    const patch = columnsOf(f)
    const beforeView = auditView(before)
    for (const [col, v] of Object.entries(patch)) {
      if (col === 'mobile_key' || col === 'birthday_md') continue
      const key = FIELD_KEYS.find((name) => toColumn(name) === col)!
      if (beforeView[key] === v) delete patch[col]
    }
    if (!('mobile' in patch)) delete patch.mobile_key
    if (!('birthday' in patch)) delete patch.birthday_md
    const now = ctx.clock.now().toISOString()
    const makePrimary = f.isPrimary === true && !before.isPrimary
    // unsetting the primary hands the flag to another contact; the only contact stays primary
    const successor = f.isPrimary === false && before.isPrimary ? await firstOther(trx, before.customerId, before.id) : undefined
    if (!Object.keys(patch).length && !makePrimary && !successor) return
    const version = await nextVersion(trx)
    if (makePrimary) {
      await clearOtherPrimaries(trx, ctx, before.customerId, before.id, version, now)
      patch.is_primary = true
    }
    if (successor) {
      patch.is_primary = false
      await promote(trx, ctx, before.customerId, successor.id, version, now)
    }
    // only while the row still has the version the edit is based on (a parallel edit answers conflict)
    if (!(await updateContact(trx, input.id, { ...patch, updated_at: now, version }, input.version))) throw conflict('contact')
    if (Object.keys(f).some((x) => SEARCH_FIELDS.has(x))) await refreshSearchText(trx, before.customerId)
    const after = toContact(await findContact(trx, input.id))
    await recordAudit(trx, ctx, { entity: 'contact', entityId: input.id, parentId: before.customerId, action: 'update', changes: diff(beforeView, auditView(after)) })
  })
  return toContact(await findContact(k, input.id))
}

export async function contactsRemove(ctx: ServiceContext, input: { id: string }) {
  await ctx.db.knex.transaction(async (trx) => {
    const before = await loadInScope(trx, ctx, 'delete', input.id)
    const now = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    await updateContact(trx, input.id, { deleted_at: now, updated_at: now, version, is_primary: false })
    if (before.isPrimary) {
      const next = await firstOther(trx, before.customerId, before.id)
      if (next) await promote(trx, ctx, before.customerId, next.id, version, now)
    }
    await refreshSearchText(trx, before.customerId)
    const removed = Object.fromEntries(Object.entries(auditView(before)).filter(([, v]) => v !== null && v !== false).map(([k, v]) => [k, [v, null]]))
    await recordAudit(trx, ctx, { entity: 'contact', entityId: input.id, parentId: before.customerId, action: 'delete', changes: removed as Record<string, [unknown, unknown]> })
  })
  return { ok: true as const }
}

export async function contactsSetPrimary(ctx: ServiceContext, input: { id: string; version: number }) {
  await ctx.db.knex.transaction(async (trx) => {
    const c = await loadInScope(trx, ctx, 'edit', input.id)
    if (c.version !== input.version) throw conflict('contact', c.version)
    if (c.isPrimary) return
    const now = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    await clearOtherPrimaries(trx, ctx, c.customerId, c.id, version, now)
    await promote(trx, ctx, c.customerId, c.id, version, now, input.version)
  })
  return { ok: true as const }
}

/** A mainland mobile number (spaces, dashes and a +86 prefix allowed). */
export const isMobileNumber = (phone: string) => /^(\+?86)?1[3-9]\d{9}$/.test(phone.replace(/[\s-]/g, ''))

/**
 * The contact a won opportunity brings to the customer it became (开发成功): primary when the
 * customer has none yet, owned with the customer, its phone as 手机 when it is a mobile number
 * and as 办公电话 otherwise. Called inside the opportunities service's transaction; audited.
 */
export async function createContactFromOpportunity(
  trx: Knex.Transaction,
  ctx: ServiceContext,
  input: { customerId: string; ownerId: string; name: string; phone: string | null },
  version: number,
): Promise<string> {
  const id = newId()
  const now = ctx.clock.now().toISOString()
  const phone = input.phone?.trim() || null
  const primary = (await countLive(trx, input.customerId)) === 0
  await insertContact(trx, {
    id, customer_id: input.customerId, owner_id: input.ownerId, name: input.name, is_primary: primary,
    mobile: phone && isMobileNumber(phone) ? phone : null, office_phone: phone && !isMobileNumber(phone) ? phone : null,
    created_at: now, updated_at: now, version,
  })
  await refreshSearchText(trx, input.customerId)
  const created = toContact(await findContact(trx, id))
  await recordAudit(trx, ctx, { entity: 'contact', entityId: id, parentId: input.customerId, action: 'create', changes: diff(null, auditView(created)) })
  return id
}

// ---- global search ------------------------------------------------------------------------

const MATCH_CAP = 400
/** A term PostgreSQL reads through its GIN index when its statistics offer at most this many contacts. */
const GRAMS_RARE = 5000

/**
 * Candidates for a non-Chinese term, best first by their search text: contacts whose name starts
 * with it (an index range), whose other parts do ('|' + term through the contacts' search index),
 * and those holding it (through the index, read until MATCH_CAP; a term no index narrows among a
 * bounded number of rows). The contacts' own index, not their customers' search text (which may
 * leave out the contacts of a customer with very many).
 */
async function candidateIds(ctx: ServiceContext, scope: DataScope, term: string, n: number): Promise<string[]> {
  const k = ctx.db.knex
  const d = ctx.db.dialect
  const inScope = (q: Knex.QueryBuilder) => applyScope(q, k, ctx.actor, scope, 'ct.owner_id')
  const pool: Array<{ id: unknown; search_text: unknown }> = [
    ...(await searchNamePrefix(k, d, term, n, inScope)),
    ...(await searchPartPrefix(k, d, term, n, inScope, await searchPlan(k, d, '|' + term, GRAMS_RARE))),
    ...(await searchMatches(k, d, term, MATCH_CAP, inScope, await searchPlan(k, d, term, GRAMS_RARE))),
  ]
  return bestByText(pool.map((r) => ({ id: String(r.id), searchText: String(r.search_text ?? '') })), term, n).map((r) => r.id)
}

/**
 * Candidates for a term with Chinese characters, which can only match a name: names starting
 * with it (an index range), then — when those are fewer than `n` — names holding it, which rank
 * alike, read until there are enough (through the search index; 1 character among a bounded
 * number of rows).
 */
async function nameCandidateIds(ctx: ServiceContext, scope: DataScope, term: string, n: number): Promise<string[]> {
  const k = ctx.db.knex
  const inScope = (q: Knex.QueryBuilder) => applyScope(q, k, ctx.actor, scope, 'ct.owner_id')
  const ids = new Set((await searchByNamePrefix(k, ctx.db.dialect, term, n, inScope)).map((r) => String(r.id)))
  if (ids.size < n) for (const r of await searchByNameContains(k, ctx.db.dialect, term, n, inScope, await searchPlan(k, ctx.db.dialect, term, GRAMS_RARE))) ids.add(String(r.id))
  return [...ids]
}

/**
 * 全局搜索's contacts: the best `limit` live contacts whose name, mobile, pinyin or initials
 * contain the term, within both the contacts and the customers view scope (the narrower one;
 * a contact's owner is its customer's). Nothing without both view permissions.
 */
export async function contactsSearchTop(ctx: ServiceContext, term: string, limit: number): Promise<SearchHit[]> {
  if (!can(ctx.actor, 'contacts', 'view') || !can(ctx.actor, 'customers', 'view')) return []
  const scope = viewScope(ctx)
  const t = normalizeTerm(term)
  if (!t) return []
  const k = ctx.db.knex
  const n = searchCandidates(limit)
  const ids = hasHan(t) ? await nameCandidateIds(ctx, scope, t, n) : await candidateIds(ctx, scope, t, n)
  if (!ids.length) return []
  const hits: SearchHit[] = []
  for (const r of await searchRowsByIds(k, ids)) {
    const name = String(r.name)
    const m = bestMatch(t, [
      { field: 'name', values: [name] },
      { field: 'pinyin', values: hasHan(t) ? [] : pinyinForms(name) }, // a term with Chinese characters never matches a pinyin form
      { field: 'phone', values: [str(r.mobile)] },
    ]) ?? { match: 'contains' as const, field: 'other' as const, score: scoreOf('contains', 'other') }
    const subtitle = [str(r.customer_name), str(r.title), str(r.mobile)].filter(Boolean).join(' · ')
    hits.push({ kind: 'contact', id: String(r.id).toLowerCase(), title: name, subtitle, customerId: String(r.customer_id).toLowerCase(), ...m })
  }
  return hits.sort(compareHits).slice(0, limit)
}

/** The archive export's contacts: the next `limit` the caller may see after `afterId`; [] without the contacts view permission. */
export async function contactsArchiveBatch(ctx: ServiceContext, afterId: string | null, limit: number): Promise<Row[]> {
  if (!can(ctx.actor, 'contacts', 'view') || !can(ctx.actor, 'customers', 'view')) return []
  const scope = viewScope(ctx)
  const k = ctx.db.knex
  return archiveBatch(k, afterId, limit, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'))
}

// ---- the 工作台 ----------------------------------------------------------------------------------

/** The scope contacts are seen in: the narrower of the contacts and the customers scope (by the customer's owner). */
function viewScope(ctx: ServiceContext): DataScope {
  const contactsScope = requirePerm(ctx.actor, 'contacts', 'view')
  const customersScope = requirePerm(ctx.actor, 'customers', 'view')
  return RANK[contactsScope] <= RANK[customersScope] ? contactsScope : customersScope
}

/** Contacts added in each range [from, to) to the customers in the caller's scope. */
export async function contactsCreatedCounts(ctx: ServiceContext, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  const scope = viewScope(ctx)
  const k = ctx.db.knex
  return countContactsCreated(k, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'), ranges)
}

/**
 * 联系人 list: contacts of live customers in the caller's scope (narrowed to `scope` when given:
 * a 工作台 card's), added in [createdFrom, createdTo), newest first — the rows 新增联系人 counts.
 */
export async function contactsSearch(
  ctx: ServiceContext, input: { page: number; pageSize: number; createdFrom?: string; createdTo?: string; scope?: DataScope },
): Promise<{ items: ContactRow[]; total: number; page: number; pageSize: number }> {
  const scope = askedScope(viewScope(ctx), input.scope)
  const k = ctx.db.knex
  const { rows, total } = await pageContacts(k, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'), { from: input.createdFrom, to: input.createdTo }, input, scope === 'all')
  const items = rows.map((r) => ({
    id: String(r.id), name: String(r.name), title: str(r.title), mobile: str(r.mobile), customerId: String(r.customer_id),
    customerName: String(r.customer_name), ownerName: str(r.owner_name), createdAt: toIso(r.created_at)!,
  }))
  return { items, total, page: input.page, pageSize: input.pageSize }
}

export interface BirthdayOn {
  contactId: string
  contactName: string
  customerId: string
  customerName: string
  date: string
  calendar: 'solar' | 'lunar'
}

/** Contacts (of customers in the caller's scope) whose birthday falls on one of `days` (solar or lunar), by date then name. */
export async function contactsBirthdaysOn(ctx: ServiceContext, days: LocalDate[]): Promise<BirthdayOn[]> {
  const scope = viewScope(ctx)
  const k = ctx.db.knex
  if (!days.length) return []
  const first = [...days].sort(compareDates)[0]
  const wanted = new Set(days.map(formatDate))
  const rows = await contactsWithBirthdayOn(k, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'), birthdayPatternsOf(days))
  const out: BirthdayOn[] = []
  for (const r of rows) {
    const calendar = r.birthday_calendar === 'lunar' ? 'lunar' : 'solar'
    const next = nextBirthday({ date: String(r.birthday), calendar, leapMonth: toBool(r.birthday_leap_month) }, first)
    if (!next || !wanted.has(formatDate(next))) continue
    out.push({ contactId: String(r.id), contactName: String(r.name), customerId: String(r.customer_id), customerName: String(r.customer_name), date: formatDate(next), calendar })
  }
  // one collator for the sort (localeCompare with a locale builds one per call: 0.4 s for 2,000 birthdays)
  const byName = new Intl.Collator('zh-CN').compare
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : byName(a.contactName, b.contactName)))
}

// ---- 导入 (the imports service drives these; rules stay here) ------------------------------------

export { ContactFields } from '../../contract/contacts'
export { liveContactsOf }

/** The customer may get contacts from the actor (contacts create scope within the customers view scope); throws not_found otherwise. */
export const assertMayAddContacts = (db: Knex, ctx: ServiceContext, customerId: string) => assertCustomer(db, ctx, 'create', customerId)

export interface ImportedContact {
  customerId: string
  ownerId: string | null
  fields: Fields
  /** the customer was created by this import (its search text already holds the contact) */
  newCustomer: boolean
}

/**
 * New contacts of an import's chunk in bulk, tagged with the import, one audit entry each. The
 * first contact of a customer without one becomes its primary (like a typed one); one marked
 * 主联系人 takes over from the customer's current primary. Existing customers' search texts are rebuilt.
 */
export async function insertImportedContacts(trx: Knex.Transaction, ctx: ServiceContext, items: ImportedContact[], o: { batchId: string; version: number }): Promise<string[]> {
  const at = ctx.clock.now().toISOString()
  const existing = items.filter((i) => !i.newCustomer).map((i) => i.customerId)
  const hasPrimary = new Set<string>()
  for (const c of existing.length ? await liveContactsOf(trx, existing) : []) if (toBool(c.is_primary)) hasPrimary.add(c.customer_id)
  const rows: Row[] = []
  const ids: string[] = []
  const audits: AuditInput[] = []
  for (const item of items) {
    const f = item.fields
    validateBirthday(str(f.birthday), String(f.birthdayCalendar ?? 'solar'), f.birthdayLeapMonth === true)
    let primary = !hasPrimary.has(item.customerId)
    if (f.isPrimary === true && !primary) {
      await clearOtherPrimaries(trx, ctx, item.customerId, null, o.version, at)
      // an earlier row of this chunk may be the primary so far
      for (const r of rows) if (r.customer_id === item.customerId) r.is_primary = false
      primary = true
    }
    if (primary) hasPrimary.add(item.customerId)
    const id = newOrderedId()
    const cols = columnsOf(f)
    rows.push({
      ...cols, id, customer_id: item.customerId, owner_id: item.ownerId, is_primary: primary,
      search_text: buildContactSearchText({ name: String(f.name), mobile: str(f.mobile) }),
      created_at: at, updated_at: at, version: o.version, import_batch_id: o.batchId,
    })
    ids.push(id)
  }
  await insertContacts(trx, ctx.db.dialect, rows)
  for (const r of rows) {
    const view = Object.fromEntries(FIELD_KEYS.map((k) => [k, k === 'isPrimary' ? r.is_primary : (r[toColumn(k)] ?? null)]))
    audits.push({ entity: 'contact', entityId: String(r.id), parentId: String(r.customer_id), action: 'create', changes: diff(null, view) })
  }
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, audits)
  for (const customerId of new Set(existing)) await refreshSearchText(trx, customerId)
  return ids
}

/** An imported row's fields applied to an existing contact inside the import's chunk transaction. */
export async function updateContactFromImport(trx: Knex.Transaction, ctx: ServiceContext, id: string, fields: Fields, version: number): Promise<boolean> {
  const before = await loadInScope(trx, ctx, 'edit', id)
  validateBirthday(str(fields.birthday ?? before.birthday), String(fields.birthdayCalendar ?? before.birthdayCalendar), (fields.birthdayLeapMonth ?? before.birthdayLeapMonth) === true)
  const { isPrimary: _p, ...rest } = fields
  const patch = columnsOf(rest)
  const beforeView = auditView(before)
  for (const [col, v] of Object.entries(patch)) if (v === (before as Record<string, unknown>)[col]) delete patch[col]
  if (!Object.keys(patch).length) return false
  if (!(await updateContact(trx, id, { ...patch, updated_at: ctx.clock.now().toISOString(), version }, before.version))) throw conflict('contact')
  const after = toContact(await findContact(trx, id))
  await recordAudit(trx, ctx, { entity: 'contact', entityId: id, parentId: before.customerId, action: 'update', changes: diff(beforeView, auditView(after)) })
  if ('name' in patch || 'mobile' in patch) await refreshSearchText(trx, before.customerId)
  return true
}

/**
 * 撤销导入 of contacts: every contact the import created is removed while none changed since
 * (version above the import's last); a removed primary hands over to the customer's next contact.
 */
export async function removeImportedContacts(trx: Knex.Transaction, ctx: ServiceContext, batchId: string, lastVersion: number): Promise<number> {
  requirePerm(ctx.actor, 'contacts', 'delete')
  const rows = await importedContacts(trx, batchId)
  const changed = rows.filter((r) => Number(r.version) > lastVersion)
  if (changed.length) throw new AppError('rule', `${changed.length} imported contacts changed since the import`, { key: 'imports.errors.changedSinceImport', params: { count: changed.length } })
  for (const r of rows) await assertCustomer(trx, ctx, 'delete', r.customer_id, 'contact', r.id)
  const at = ctx.clock.now().toISOString()
  const version = await nextVersion(trx)
  await softDeleteContacts(trx, rows.map((r) => r.id), at, version)
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, rows.map((r): AuditInput => ({ entity: 'contact', entityId: r.id, parentId: r.customer_id, action: 'delete', changes: {} })))
  const customers = [...new Set(rows.map((r) => r.customer_id))]
  for (const customerId of customers) {
    const left = (await liveContactsOf(trx, [customerId]))
    if (left.length && !left.some((c) => toBool(c.is_primary))) await promote(trx, ctx, customerId, left[0]!.id, version, at)
    await refreshSearchText(trx, customerId)
  }
  return rows.length
}
