// 客户档案: paged, scoped list with one-LIKE search (incl. pinyin), the card, create with a
// KH-<year>-<6 digits> code, partial edits with optimistic version check, soft delete, and
// reassignment. Every write: one transaction, the next central version, an audit entry.
import type { Knex } from 'knex'
import type { Actor, AppContext, ServiceContext } from '../context'
import type { DataScope } from '../../contract/common'
import {
  CustomerFields, DICT_FIELDS, type ColumnPref, type Customer, type CustomerRow, type DedupeSettings, type DictField, type DuplicateCheck,
  type DuplicateCheckInput, type DuplicateLookup, type DuplicateMatch, type ListKey,
} from '../../contract/customers'
import type { DictTypeCode } from '../../contract/dictionary'
import { AppError, conflict, fieldError, notFound, ruleError } from '../../shared/errors'
import { toColumn } from '../../db/columns'
import { ALL_ROWS, hasHan, toBool, toIso, toNum } from '../../db/dialect'
import { chunksInOrder, IDS_PER_READ } from '../../shared/chunks-in-order'
import { customerKeyColumns, normalizeCompanyName, phoneKey, taxKey } from '../../db/name-keys'
import { formatCode, newId, newOrderedId, nextSequence, nextSequenceRange } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { applyScope, assertRowInScope, can, inScope, outsideTeamScope, requirePerm, teamHoldsMost } from '../auth/permissions'
import type { SearchHit } from '../../contract/search'
import { bestByText, bestMatch, compareHits, normalizeTerm, scoreOf } from '../../shared/search-rank'
import { diff, recordAudit, recordAuditMany, type AuditInput, type Changes } from '../audit/audit.service'
import type { Dialect } from '../../db/config'
import { assertDictRefs } from '../dictionary/dictionary.service'
import { evaluateCustomers } from '../reminders/system-reminders.service'
import { buildContactSearchText, buildCustomerSearchText, pinyinForms, withoutDivisions } from './customers.search'
import { classifyLookup, findDuplicates, findDuplicatesMany, type FoundDuplicate } from './customers.dedupe'
import {
  churnStateOf, codeExists, contactsWithoutMobileKey, countOwned, inPool, poolRows, countCustomers, countCustomersUpTo, countLiveCustomers, customerCounts, customerPageBySeek, SEEK_FROM_OFFSET, customerForgottenCounts, searchIndexCount, customerListQueries, customersFromPool, customersToPool,
  customersWithoutKeys, exportDetailsByIds, exportRowsByIds, findCustomer, findUser, insertCustomer, liveContactIds, liveContactsForSearch, listRowsByIds, moveCustomerFrom, moveOwnedRowsOf, moveRemindersOf,
  moveRecordsOf, readAppSetting, retractOpenRemindersOf, retractOwnerRemindersOf, tagColumns, updateContactKey, updateContactsOf, updateCustomer,
  updateCustomerKeys, updateCustomersIn, updateCustomersOfStatusIn, writeAppSetting, type ListQuery, type ListScope, type ListViewer, type PoolRow,
  archiveBatch, liveContactsSearchText, searchByNameContains, searchByNamePrefix, searchMatches,
  searchNamePrefix, searchPartPrefix, searchPlan, searchRowsByIds, setContactSearchText, type SearchReadPlan,
  importedCustomers, insertCustomers, otherContactsOf, softDeleteCustomers, takenCodes, customersByCodesOrNames,
} from './customers.repository'

type Fields = Partial<CustomerFields>
type Row = Record<string, unknown>

/** The fields a user types, camelCase → column. */
const FIELD_KEYS = Object.keys(CustomerFields.shape) as Array<keyof CustomerFields>

const DICT_TYPE: Record<DictField, DictTypeCode> = {
  regionId: 'region', natureId: 'nature', sourceId: 'source', categoryId: 'category', industryId: 'industry', sizeId: 'size',
  positionId: 'position', settlementId: 'settlement', contactPolicyId: 'contact_policy', purchasePolicyId: 'purchase_policy', levelId: 'level',
}
const NUMBER_FIELDS = new Set(['yearsInBusiness', 'creditRating', 'employees', 'registeredCapitalCents', 'annualRevenueCents'])
/** Fields the search text is built from. */
const SEARCH_FIELDS = new Set(['name', 'shortName', 'phone', 'phone2'])

const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const splitTags = (v: unknown) => (v ? String(v).split(',').filter(Boolean) : [])

/** Tags as stored: trimmed, split on commas, de-duplicated, comma-joined (column is 500 chars). */
function joinTags(tags: string[] | null | undefined): string | null {
  const list = [...new Set((tags ?? []).flatMap((t) => t.split(/[,，]/)).map((t) => t.trim()).filter(Boolean))]
  const joined = list.join(',')
  if (joined.length > 500) throw fieldError('tags', 'too_long', 'too many tags', { maximum: 500 })
  return joined || null
}

/** A typed value → its column value ('' → null). */
function toDbValue(key: string, v: unknown): unknown {
  if (key === 'tags') return joinTags(v as string[] | null)
  if (v === '' || v === undefined) return null
  return v
}

function fieldsFromRow(r: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of FIELD_KEYS) {
    const v = r[toColumn(k)]
    out[k] = k === 'tags' ? splitTags(v) : NUMBER_FIELDS.has(k) ? toNum(v) : str(v)
  }
  return out
}

export function toCustomer(r: Row): Customer {
  const f = fieldsFromRow(r)
  return {
    ...(f as Omit<Customer, 'id' | 'code' | 'ownerId' | 'ownerName'>),
    id: String(r.id),
    code: String(r.code),
    name: String(r.name),
    customerType: (r.customer_type ?? 'company') as Customer['customerType'],
    status: (r.status ?? 'normal') as Customer['status'],
    tags: splitTags(r.tags),
    ownerId: str(r.owner_id),
    ownerName: str(r.owner_name),
    ...poolFacts(r),
    orderCount: Number(r.order_count ?? 0),
    orderTotalCents: toNum(r.order_total_cents) ?? 0,
    firstOrderDate: str(r.first_order_date),
    lastOrderDate: str(r.last_order_date),
    lastContactAt: toIso(r.last_contact_at),
    nextContactAt: toIso(r.next_contact_at),
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    version: Number(r.version),
  }
}

const POOL_REASONS = new Set(['release', 'no_follow_up', 'no_order'])
/** The 公海 facts of a row: only while it has no owner. */
function poolFacts(r: Row) {
  const inPool = r.owner_id === null || r.owner_id === undefined
  return {
    poolAt: inPool ? toIso(r.pool_at) : null,
    poolReason: inPool && POOL_REASONS.has(String(r.pool_reason)) ? (String(r.pool_reason) as Customer['poolReason']) : null,
    poolNote: inPool ? str(r.pool_note) : null,
    poolPrevOwnerName: inPool ? str(r.pool_prev_owner_name) : null,
  }
}

function toRow(r: Row): CustomerRow {
  return {
    id: String(r.id), code: String(r.code), name: String(r.name), shortName: str(r.short_name),
    customerType: (r.customer_type ?? 'company') as CustomerRow['customerType'],
    regionId: str(r.region_id), industryId: str(r.industry_id), categoryId: str(r.category_id), levelId: str(r.level_id),
    natureId: str(r.nature_id), sourceId: str(r.source_id), phone: str(r.phone), province: str(r.province), city: str(r.city), district: str(r.district),
    ownerId: str(r.owner_id), ownerName: str(r.owner_name), ...poolFacts(r), status: (r.status ?? 'normal') as CustomerRow['status'],
    tags: splitTags(r.tags), createdAt: toIso(r.created_at)!,
    creditRating: toNum(r.credit_rating), orderTotalCents: toNum(r.order_total_cents) ?? 0,
    lastContactAt: toIso(r.last_contact_at), nextContactAt: toIso(r.next_contact_at), updatedAt: toIso(r.updated_at)!,
    primaryContact: str(r.primary_contact),
  }
}

/** What the audit log records of a customer: the typed fields and the owner. */
const auditView = (c: Customer): Record<string, unknown> => ({ ...Object.fromEntries(FIELD_KEYS.map((k) => [k, c[k as keyof Customer]])), ownerId: c.ownerId })
const removedChanges = (view: Record<string, unknown>): Changes =>
  Object.fromEntries(Object.entries(view).filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length)).map(([k, v]) => [k, [v, null]]))

// ---- list ------------------------------------------------------------------------------

/**
 * One page of the list: 1) the page's ids from customers alone, 2) the list columns and joins for
 * those ids only. With a search or filter the matches are counted in the same pass (a count of
 * its own would read them all again); with the scope alone an index counts them, and a page past
 * the middle is read from the end in reverse order, so a deep OFFSET stays short.
 */
export async function customersList(ctx: ServiceContext, input: ListQuery) {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  return listPage(ctx, input, (q, ownerCol) => applyScope(q, k, ctx.actor, scope, ownerCol), scope === 'all')
}

/** A customer as an export writes it: the list row, the details, the primary contact (null: none, or the actor may not view contacts). */
export interface CustomerExportRow {
  row: CustomerRow
  details: CustomerExportDetails
  contact: { name: string; title: string | null; mobile: string | null } | null
}

/**
 * The export's read of the list: the ordered ids once (the list's own statements, filters, sort
 * and scope), then each chunk's rows, details and primary contacts in one statement by id.
 */
export async function* customerExportChunks(ctx: ServiceContext, input: Omit<ListQuery, 'page' | 'pageSize'>, chunkSize: number): AsyncGenerator<{ items: CustomerExportRow[]; total: number }> {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const { pageIds } = customerListQueries(k, { ...input, page: 1, pageSize: chunkSize }, (q, ownerCol) => applyScope(q, k, ctx.actor, scope, ownerCol), viewerOf(ctx))
  const ids: string[] = (await pageIds({ offset: 0, limit: ALL_ROWS, reverse: false, withCount: false })).map((r: { id: string }) => String(r.id))
  const contacts = can(ctx.actor, 'contacts', 'view')
  // exportRowsByIds names the ids twice: chunksInOrder's ≤ 1,000 ids keep it under SQL Server's 2,100 parameters
  for await (const rows of chunksInOrder(ids, chunkSize, (slice) => exportRowsByIds(k, slice))) {
    const items = rows.map((r: Row): CustomerExportRow => ({
      row: toRow(r),
      details: exportDetailsOf(r),
      contact: contacts && r.primary_contact != null ? { name: String(r.primary_contact), title: text(r.primary_contact_title), mobile: text(r.primary_contact_mobile) } : null,
    }))
    yield { items, total: ids.length }
  }
}

const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))

const exportDetailsOf = (r: Row): CustomerExportDetails => ({
  country: text(r.country), province: text(r.province), address: text(r.address), postcode: text(r.postcode), phone2: text(r.phone2), fax: text(r.fax),
  email: text(r.email), email2: text(r.email2), website: text(r.website), mainProducts: text(r.main_products), taxId: text(r.tax_id),
})

export interface CustomerExportDetails {
  country: string | null
  province: string | null
  address: string | null
  postcode: string | null
  phone2: string | null
  fax: string | null
  email: string | null
  email2: string | null
  website: string | null
  mainProducts: string | null
  taxId: string | null
}

/**
 * The fields an export carries beyond the list row (so that an exported file re-imports
 * completely), for customers the caller already read through the scoped list: keyed by id.
 */
export async function customerExportDetails(ctx: ServiceContext, ids: string[]): Promise<Map<string, CustomerExportDetails>> {
  requirePerm(ctx.actor, 'customers', 'view')
  const out = new Map<string, CustomerExportDetails>()
  const s = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v))
  for (let i = 0; i < ids.length; i += IDS_PER_READ) {
    for (const r of await exportDetailsByIds(ctx.db.knex, ids.slice(i, i + IDS_PER_READ))) {
      out.set(String(r.id), {
        country: s(r.country), province: s(r.province), address: s(r.address), postcode: s(r.postcode), phone2: s(r.phone2), fax: s(r.fax),
        email: s(r.email), email2: s(r.email2), website: s(r.website), mainProducts: s(r.main_products), taxId: s(r.tax_id),
      })
    }
  }
  return out
}

/** The 公海 list (the pool service checks its permission): customers without an owner, the list's filters. */
export const poolCustomersList = (ctx: ServiceContext, input: ListQuery) => listPage(ctx, input, inPool)

const viewerOf = (ctx: ServiceContext): ListViewer => ({ userId: ctx.actor.userId, teamId: ctx.actor.teamId, now: ctx.clock.now() })

/**
 * A search or filter matching more customers than this is counted up to it ("10,000+" in the
 * list) unless the caller asks for the exact count: counting every one of 180,000 matches of 科技
 * (or 600,000 of a 客户级别) among 1,000,000 customers costs what reading them does, while the
 * first page of a common term or value is found at once in the list's order. A search term the
 * index narrows to fewer is found through the index and counted exactly; the list without a
 * search or filter is counted exactly (an index of the scope).
 */
export const SEARCH_COUNT_CAP = 10_000

/** The whole customer list's last count, per database handle (which half of the list a page lies in). */
const wholeListCounts = new WeakMap<Knex, number>()

async function listPage(ctx: ServiceContext, input: ListQuery, scope: ListScope, unscoped = false) {
  const k = ctx.db.knex
  const term = input.filter.search?.toLowerCase()
  // a term the index narrows to a few thousand customers: found through the index, counted exactly
  const searchIndexed = !!term && (await searchIndexCount(k, ctx.db.dialect, term, SEARCH_COUNT_CAP)) <= SEARCH_COUNT_CAP
  const { filtered, pageIds, narrowed } = customerListQueries(k, input, scope, viewerOf(ctx), { searchIndexed })
  const offset = (input.page - 1) * input.pageSize
  let total: number
  let totalCapped = false
  let ids: Array<{ id: string; total_count?: unknown }>
  if (narrowed && !searchIndexed && !input.exactCount) {
    // filters, a common term or one no index narrows: up to the cap + 1 matches found (the cheapest
    // way) and sorted, counted in the same pass; more than the cap: the page read again in the
    // list's order (what finding its rows among the scope costs, not a sort of every match)
    ids = await pageIds({ offset, limit: input.pageSize, reverse: false, withCount: true, countUpTo: SEARCH_COUNT_CAP + 1 })
    const n = ids.length ? Number(ids[0].total_count) : offset ? await countCustomersUpTo(k, filtered, SEARCH_COUNT_CAP) : 0
    totalCapped = n > SEARCH_COUNT_CAP
    total = Math.min(n, SEARCH_COUNT_CAP)
    if (totalCapped) ids = offset >= total ? [] : await pageIds({ offset, limit: input.pageSize, reverse: false, withCount: false, inOrder: true })
  } else if (narrowed) {
    ids = await pageIds({ offset, limit: input.pageSize, reverse: false, withCount: true })
    total = ids.length ? Number(ids[0].total_count) : offset ? await countCustomers(filtered) : 0
  } else {
    // a scope of many customers (a manager's, a team's) sorted by a column other than updated_at
    // (whose (owner, updated_at) index serves a manager's list): read in the sort's order, whose
    // covering index carries the owner — not every customer in scope found by owner and sorted
    const inOrderOf = (n: number) => n > SEARCH_COUNT_CAP && input.sort.field !== 'updatedAt'
    const read = async (window: { offset: number; limit: number; reverse: boolean }, inOrder: boolean) =>
      // deep in the whole list: found by seeking (an OFFSET that checks nothing, then a keyset range)
      (unscoped && window.offset >= SEEK_FROM_OFFSET ? await customerPageBySeek(k, input.sort, window) : null) ?? (await pageIds({ ...window, withCount: false, inOrder }))
    // the whole list's count on PostgreSQL and SQL Server reads every live entry (~40 ms at 1,000,000
    // customers; SQLite counts without reading them): a page in the first half of the list, by the
    // last count this handle saw, is read beside it on another of the pool's connections
    const seen = unscoped && ctx.db.dialect !== 'sqlite' ? wholeListCounts.get(k) : undefined
    const early = seen !== undefined && offset > 0 && offset + input.pageSize <= seen / 2 ? read({ offset, limit: input.pageSize, reverse: false }, inOrderOf(seen)) : null
    early?.catch(() => undefined) // awaited below, or dropped when the count says otherwise
    total = unscoped ? await countLiveCustomers(k) : await countCustomers(filtered)
    if (unscoped) wholeListCounts.set(k, total)
    const rows = Math.min(input.pageSize, total - offset)
    const reverse = offset > total / 2
    const window = { offset: reverse ? total - offset - rows : offset, limit: rows, reverse }
    ids = rows <= 0 ? [] : early && !reverse ? await early : await read(window, inOrderOf(total))
    if (reverse) ids.reverse()
  }
  const rows = ids.length ? await listRowsByIds(k, ids.map((r) => r.id)) : []
  const byId = new Map(rows.map((r: Row) => [r.id, toRow(r)]))
  const items = ids.map((r) => byId.get(r.id)).filter((r): r is CustomerRow => !!r)
  return { items, total, ...(totalCapped ? { totalCapped } : {}), page: input.page, pageSize: input.pageSize }
}

/**
 * For the 工作台: customers in the caller's scope created in each range, and not followed up
 * since each instant (遗忘客户). Both follow the customer list's filters of the same name.
 */
export async function customersDashboardCounts(ctx: ServiceContext, input: { ranges: Array<{ from: string; to: string }>; notContactedSince: string[] }) {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const inScope = (q: Knex.QueryBuilder) => applyScope(q, k, ctx.actor, scope, 'c.owner_id')
  // 遗忘客户: the company's from the follow-up index; a team holding most customers (a supervisor of
  // the whole sales force): the company's minus those of the fewer customers outside the team;
  // one owner or a smaller team: one pass over its customers (the owner index)
  const forgotten = async (): Promise<number[]> => {
    const since = input.notContactedSince
    if (!since.length) return []
    if (scope === 'all') return customerForgottenCounts(k, () => {}, since)
    const team = await teamHoldsMost(k, ctx.actor, scope)
    if (!team) return (await customerCounts(k, inScope, [], since)).forgotten
    const outside = await outsideTeamScope(k, team)
    const [all, out] = await Promise.all([customerForgottenCounts(k, () => {}, since), customerCounts(k, (q) => outside(q, 'c.owner_id'), [], since)])
    return all.map((n, i) => n - out.forgotten[i]!)
  }
  // created in each range: the ranges' rows only (the 简报's partial edge days)
  const [created, notContacted] = await Promise.all([input.ranges.length ? customerCounts(k, inScope, input.ranges, []).then((r) => r.created) : [], forgotten()])
  return { created, forgotten: notContacted }
}

// ---- single rows -----------------------------------------------------------------------

async function loadCustomer(db: Knex, id: string): Promise<Customer> {
  const r = await findCustomer(db, id)
  if (!r) throw notFound('customer', id)
  return toCustomer(r)
}

export async function customersGet(ctx: ServiceContext, input: { id: string }): Promise<Customer> {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  // a 公海 customer is open to everyone who may see the pool (to decide whether to claim it)
  if (can(ctx.actor, 'pool', 'view')) {
    const r = await findCustomer(k, input.id)
    if (r && !r.owner_id) return toCustomer(r)
  }
  await assertRowInScope(k, ctx.actor, scope, 'customers', input.id, 'customer')
  return loadCustomer(k, input.id)
}

/** A new owner must be an enabled user; outside scope "all", in the actor's team. */
async function assertAssignable(db: Knex, ctx: ServiceContext, scope: DataScope, ownerId: string) {
  const u = await findUser(db, ownerId)
  if (!u || toBool(u.disabled)) {
    throw fieldError('ownerId', 'invalid_owner', 'the new owner must be an enabled user')
  }
  if (scope !== 'all' && u.id !== ctx.actor.userId && (!ctx.actor.teamId || u.team_id !== ctx.actor.teamId)) {
    throw fieldError('ownerId', 'out_of_team', 'the new owner must be in your team')
  }
}

/** Dict references in `fields` that are set; `isNew` when they differ from `current`. */
async function checkDictFields(db: Knex, fields: Fields, current: Record<string, unknown> | null) {
  const refs = DICT_FIELDS.filter((f) => fields[f]).map((f) => ({
    field: f, typeCode: DICT_TYPE[f], id: fields[f] as string, isNew: !current || current[f] !== fields[f],
  }))
  if (refs.length) await assertDictRefs(db, refs)
}

async function newCustomerCode(trx: Knex.Transaction, year: number): Promise<string> {
  for (;;) {
    // rows written without the sequence (imports, demo data) must not make a duplicate
    const code = formatCode('KH', year, await nextSequence(trx, `customer:${year}`))
    if (!(await codeExists(trx, code))) return code
  }
}

/** `opts.id`: the id the writer chose (an offline client's create, pushed by sync); else a new one. */
export async function customersCreate(ctx: ServiceContext, input: CustomerFields & { ownerId?: string | null; duplicateOk?: boolean }, opts: { id?: string } = {}): Promise<Customer> {
  requirePerm(ctx.actor, 'customers', 'create')
  const { ownerId: wantedOwner, duplicateOk, ...fields } = input
  const ownerId = wantedOwner || ctx.actor.userId
  const assignScope = ownerId !== ctx.actor.userId ? requirePerm(ctx.actor, 'customers', 'assign') : null
  const now = ctx.clock.now()
  const k = ctx.db.knex
  const id = await k.transaction(async (trx) => {
    if (assignScope) await assertAssignable(trx, ctx, assignScope, ownerId)
    await checkDictFields(trx, fields, null)
    await assertNotDuplicate(trx, ctx, { name: fields.name, taxId: fields.taxId }, duplicateOk)
    const row: Row = {}
    for (const key of FIELD_KEYS) if (key in fields) row[toColumn(key)] = toDbValue(key, fields[key])
    const id = opts.id ?? newId()
    const code = await newCustomerCode(trx, now.getFullYear())
    const version = await nextVersion(trx)
    await insertCustomer(trx, {
      ...row, id, code, owner_id: ownerId, customer_type: fields.customerType ?? 'company', status: fields.status ?? 'normal',
      order_count: 0, order_total_cents: 0,
      search_text: buildCustomerSearchText({ name: fields.name, shortName: fields.shortName, code, phone: fields.phone, phone2: fields.phone2 }, []),
      ...customerKeyColumns({ name: fields.name, taxId: fields.taxId, phone: fields.phone, phone2: fields.phone2 }),
      owner_since: now.toISOString(),
      created_at: now.toISOString(), updated_at: now.toISOString(), version,
    })
    const created = await loadCustomer(trx, id)
    await recordAudit(trx, ctx, { entity: 'customer', entityId: id, action: 'create', changes: { code: [null, code], ...diff(null, auditView(created)) } })
    return id
  })
  return loadCustomer(k, id)
}

/**
 * Rebuilds search_text from the customer and its live contacts (after a contact change).
 * It is derived data: the customer's version is left alone, so a card open in the UI does not
 * turn stale because a contact was added; a sync client rebuilds it from the pulled contacts.
 */
export async function refreshSearchText(trx: Knex, customerId: string) {
  const c = await findCustomer(trx, customerId)
  if (!c) return
  const contacts = await liveContactsForSearch(trx, customerId)
  const text = buildCustomerSearchText({ name: c.name, shortName: c.short_name, code: c.code, phone: c.phone, phone2: c.phone2 }, contacts)
  if (text !== c.search_text) await updateCustomer(trx, customerId, { search_text: text })
  // each contact's own search text (global search), for contacts written by any path
  for (const ct of await liveContactsSearchText(trx, customerId)) {
    const own = buildContactSearchText(ct)
    if (own !== ct.search_text) await setContactSearchText(trx, ct.id, own)
  }
}

export async function customersUpdate(ctx: ServiceContext, input: { id: string; version: number; fields: Fields; duplicateOk?: boolean }): Promise<Customer> {
  const scope = requirePerm(ctx.actor, 'customers', 'edit')
  const k = ctx.db.knex
  await k.transaction(async (trx) => {
    await applyUpdate(trx, ctx, scope, input)
  })
  return loadCustomer(k, input.id)
}

/** An edit inside the caller's transaction (version: the one it is based on; null: the current one). */
async function applyUpdate(trx: Knex.Transaction, ctx: ServiceContext, scope: DataScope, input: { id: string; version: number | null; fields: Fields; duplicateOk?: boolean }, version?: number): Promise<boolean> {
  {
    await assertRowInScope(trx, ctx.actor, scope, 'customers', input.id, 'customer')
    const before = await loadCustomer(trx, input.id)
    if (input.version === null) input = { ...input, version: before.version }
    if (input.version !== before.version) throw conflict('customer', before.version)
    const fields = input.fields
    await checkDictFields(trx, fields, before)
    const patch: Row = {}
    const beforeView = auditView(before)
    for (const key of FIELD_KEYS) {
      if (fields[key] === undefined) continue
      const value = toDbValue(key, fields[key])
      const current = key === 'tags' ? joinTags(before.tags) : beforeView[key]
      if (value !== current) patch[toColumn(key)] = value
    }
    if (!Object.keys(patch).length) return false
    // only a name or 税号 that changed can make it a duplicate (an old duplicate saved anyway stays editable)
    const probe = {
      excludeId: input.id,
      name: 'name' in patch && normalizeCompanyName(String(patch.name)) !== normalizeCompanyName(before.name) ? String(patch.name) : null,
      taxId: 'tax_id' in patch && taxKey(str(patch.tax_id)) !== taxKey(before.taxId) ? str(patch.tax_id) : null,
    }
    if (probe.name || probe.taxId) await assertNotDuplicate(trx, ctx, probe, input.duplicateOk)
    version ??= await nextVersion(trx)
    Object.assign(patch, { updated_at: ctx.clock.now().toISOString(), version })
    if (Object.keys(fields).some((f) => SEARCH_FIELDS.has(f))) {
      const merged = { ...before, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) }
      patch.search_text = buildCustomerSearchText(merged, await liveContactsForSearch(trx, input.id))
    }
    if (['name', 'tax_id', 'phone', 'phone2'].some((col) => col in patch)) {
      const next = (col: string, cur: string | null) => (col in patch ? str(patch[col]) : cur)
      Object.assign(patch, customerKeyColumns({
        name: next('name', before.name)!, taxId: next('tax_id', before.taxId), phone: next('phone', before.phone), phone2: next('phone2', before.phone2),
      }))
    }
    // only while the row still has the version the edit is based on (a parallel edit of it answers conflict)
    if (!(await updateCustomer(trx, input.id, patch, input.version!))) throw conflict('customer')
    const after = await loadCustomer(trx, input.id)
    await recordAudit(trx, ctx, { entity: 'customer', entityId: input.id, action: 'update', changes: diff(beforeView, auditView(after)) })
    return true
  }
}

export async function customersRemove(ctx: ServiceContext, input: { id: string }) {
  const scope = requirePerm(ctx.actor, 'customers', 'delete')
  await ctx.db.knex.transaction(async (trx) => {
    await assertRowInScope(trx, ctx.actor, scope, 'customers', input.id, 'customer')
    const before = await loadCustomer(trx, input.id)
    const now = ctx.clock.now().toISOString()
    const version = await nextVersion(trx)
    const contacts = await liveContactIds(trx, input.id)
    await updateContactsOf(trx, input.id, { deleted_at: now, updated_at: now, version })
    await updateCustomer(trx, input.id, { deleted_at: now, updated_at: now, version })
    // its reminders go with it: neither listed nor notified any more
    await retractOpenRemindersOf(trx, input.id, now, version)
    for (const c of contacts) {
      await recordAudit(trx, ctx, { entity: 'contact', entityId: c.id, parentId: input.id, action: 'delete', changes: { name: [c.name, null] } })
    }
    await recordAudit(trx, ctx, { entity: 'customer', entityId: input.id, action: 'delete', changes: { code: [before.code, null], ...removedChanges(auditView(before)) } })
  })
  return { ok: true as const }
}

/**
 * Hands customers to another owner with their contacts, records (interactions, promises,
 * attachments) and the previous owner's reminders (done ones too), then re-evaluates their system
 * reminders; answers how many really moved.
 */
export async function customersChangeOwner(ctx: ServiceContext, input: { ids: string[]; ownerId: string }) {
  const scope = requirePerm(ctx.actor, 'customers', 'assign')
  let changed = 0
  await ctx.db.knex.transaction(async (trx) => {
    await assertAssignable(trx, ctx, scope, input.ownerId)
    const ids = [...new Set(input.ids)]
    const read = async () => {
      const rows: Array<{ id: string; owner_id: string | null }> = []
      for (const id of ids) rows.push({ id, ...(await assertRowInScope(trx, ctx.actor, scope, 'customers', id, 'customer')) })
      return rows.filter((r) => r.owner_id !== input.ownerId)
    }
    if (!(await read()).length) return // nothing to move: no version taken, nothing written
    // read again after taking the version: it serialises writers, so these owners are the current
    // ones (read before it, a reassignment running at the same time could move the customer in
    // between, and this one would then look for the reminders under a stale owner)
    const version = await nextVersion(trx)
    const moving = await read()
    if (!moving.length) return
    const now = ctx.clock.now().toISOString()
    const moved = { owner_id: input.ownerId, updated_at: now, version }
    for (const r of moving) {
      // and the owner read is in the UPDATE's WHERE: a writer that moved it anyway → conflict
      if (!(await moveCustomerFrom(trx, r.id, r.owner_id, { ...moved, owner_since: now }))) throw conflict('customer')
      await updateContactsOf(trx, r.id, moved)
      await moveRecordsOf(trx, r.id, moved)
      if (r.owner_id) await moveRemindersOf(trx, r.id, r.owner_id, moved)
      await recordAudit(trx, ctx, { entity: 'customer', entityId: r.id, action: 'update', changes: { ownerId: [r.owner_id, input.ownerId] } })
    }
    // policy, birthday and escalation reminders follow the new owner (one version for the action)
    await evaluateCustomers(trx, ctx, moving.map((r) => r.id), async () => version)
    changed = moving.length
  })
  return { changed }
}

// ---- 同名客户 and customers made by other modules ----------------------------------------------

// the same-name lookup lives in customers.dedupe.ts (an index lookup on name_key); re-exported here
export { findCustomerBySameName, type SameNameCustomer } from './customers.dedupe'

/** Whether the actor may see the customer (customers view permission and scope); false for a missing one. */
export async function customerVisible(db: Knex, ctx: ServiceContext, id: string): Promise<boolean> {
  const p = ctx.actor.permissions.customers
  if (!p?.actions.includes('view')) return false
  try {
    await assertRowInScope(db, ctx.actor, p.scope, 'customers', id, 'customer')
    return true
  } catch (e) {
    if (e instanceof AppError && e.code === 'not_found') return false
    throw e
  }
}

/** A live customer's id, code and name (no scope check: the caller decides what to reveal). */
export async function customerBasics(db: Knex, id: string): Promise<{ id: string; code: string; name: string; ownerId: string | null } | null> {
  const r = await findCustomer(db, id)
  return r ? { id: String(r.id), code: String(r.code), name: String(r.name), ownerId: str(r.owner_id) } : null
}

/**
 * 开发成功: the customer a won opportunity becomes, owned by its 客户经理. Called by the
 * opportunities service inside its transaction, after its own rules (the caller needs no
 * customers permission: creating it is part of closing the plan). Audited like a create.
 */
export async function createCustomerFromOpportunity(
  trx: Knex.Transaction,
  ctx: ServiceContext,
  input: { name: string; ownerId: string; phone?: string | null; opportunityCode: string },
  version: number,
): Promise<{ id: string; code: string }> {
  const now = ctx.clock.now()
  const id = newId()
  const code = await newCustomerCode(trx, now.getFullYear())
  await insertCustomer(trx, {
    id, code, name: input.name, owner_id: input.ownerId, customer_type: 'company', status: 'normal', phone: input.phone ?? null,
    order_count: 0, order_total_cents: 0,
    search_text: buildCustomerSearchText({ name: input.name, code, phone: input.phone }, []),
    ...customerKeyColumns({ name: input.name, phone: input.phone }),
    owner_since: now.toISOString(),
    created_at: now.toISOString(), updated_at: now.toISOString(), version,
  })
  const created = await loadCustomer(trx, id)
  await recordAudit(trx, ctx, {
    entity: 'customer', entityId: id, action: 'create',
    changes: { code: [null, code], ...diff(null, auditView(created)), fromOpportunity: [null, input.opportunityCode] },
  })
  return { id, code }
}

/** What the churn flow sets on a customer: its status and, on a confirmed loss, the 流失 category. */
export interface ChurnStateChange {
  id: string
  status: Customer['status']
  /** undefined: the category stays */
  categoryId?: string | null
  /** the customer's status and category as the caller just read them (saves reading them again) */
  from?: { status: string; categoryId: string | null }
}

const STATE_CHUNK = 500

/**
 * Sets the status (and category) the churn flow gives customers, inside the caller's transaction
 * and with its version: one UPDATE per chunk and identical change, an audit entry per customer
 * that really changed (`actor` null: the daily check) — unless `w.auditedByCaller`: the caller's
 * own entry (the warning opened, under the customer) records the customer's status change, so a
 * check opening 20,000 warnings writes 20,000 audit rows, not 40,000. `w.system`: a change the
 * churn check makes on its own (a warning closed by an order) moves version, not updated_at (see
 * applyChurnStatusTo). Answers the ids that changed.
 */
export async function applyChurnState(
  trx: Knex,
  dialect: Dialect,
  w: { actor: Actor | null; at: string; version: number; auditedByCaller?: boolean; system?: boolean },
  changes: ChurnStateChange[],
): Promise<string[]> {
  const changed: string[] = []
  for (let i = 0; i < changes.length; i += STATE_CHUNK) {
    const part = changes.slice(i, i + STATE_CHUNK)
    const known = part.every((c) => c.from)
    const rows = known ? part.map((c) => ({ id: c.id, status: c.from!.status, category_id: c.from!.categoryId })) : await churnStateOf(trx, part.map((c) => c.id))
    const current = new Map(rows.map((r) => [r.id, r]))
    const groups = new Map<string, { patch: Record<string, unknown>; ids: string[] }>()
    const audits: AuditInput[] = []
    for (const c of part) {
      const cur = current.get(c.id)
      if (!cur) continue
      const patch: Record<string, unknown> = {}
      const log: Changes = {}
      if (cur.status !== c.status) {
        patch.status = c.status
        log.status = [cur.status, c.status]
      }
      if (c.categoryId !== undefined && (cur.category_id ?? null) !== c.categoryId) {
        patch.category_id = c.categoryId
        log.categoryId = [cur.category_id ?? null, c.categoryId]
      }
      if (!Object.keys(patch).length) continue
      const key = JSON.stringify(patch)
      const g = groups.get(key) ?? { patch, ids: [] }
      g.ids.push(c.id)
      groups.set(key, g)
      audits.push({ entity: 'customer', entityId: c.id, action: 'update', changes: log })
      changed.push(c.id)
    }
    for (const g of groups.values()) await updateCustomersIn(trx, g.ids, { ...g.patch, ...(w.system ? {} : { updated_at: w.at }), version: w.version })
    if (!w.auditedByCaller) await recordAuditMany(trx, dialect, w.actor, w.at, audits)
  }
  return changed
}

/**
 * The churn check's set-based form of applyChurnState: every live customer of `ids` (a subquery
 * over the caller's rows, e.g. the warnings it just opened) still in `from` gets `to`, with the
 * caller's version. Audited by the caller (its entry per warning carries the change, with the
 * time). Answers how many changed.
 *
 * updated_at is left as it is: it is when someone last worked on the customer (the list's
 * default order, 最近更新), and a status the check sets on its own is not that — the first check of
 * a database would otherwise put a fifth of the customers on top of every list at the same
 * instant. Sync clients see the change by its version. It is also what makes the update cheap: on
 * SQLite updated_at sits in seven of the customers' indexes (the sort and filter covers), status
 * and version in three — 190–410 µs a customer with it, ~40 µs without (100,000 customers, idle).
 */
export function applyChurnStatusTo(trx: Knex, w: { version: number }, ids: Knex.Raw, from: Customer['status'], to: Customer['status']): Promise<number> {
  return updateCustomersOfStatusIn(trx, ids, from, { status: to, version: w.version })
}

// ---- 查重 ---------------------------------------------------------------------------------------

const DEDUPE_OVERRIDE_KEY = 'customers.dedupeOverrideRoles'
const DEFAULT_OVERRIDE_ROLES = ['admin']

async function loadDedupeSettings(db: Knex): Promise<DedupeSettings> {
  const raw = await readAppSetting(db, DEDUPE_OVERRIDE_KEY)
  if (raw !== null) {
    try {
      const v = JSON.parse(raw)
      if (Array.isArray(v)) return { overrideRoleCodes: v.map(String) }
    } catch {
      // a damaged value keeps the default
    }
  }
  return { overrideRoleCodes: [...DEFAULT_OVERRIDE_ROLES] }
}

/** Whether the actor's role may save a same-level duplicate anyway (a role setting; default: admin only). */
const mayOverride = async (db: Knex, actor: Actor) => (await loadDedupeSettings(db)).overrideRoleCodes.includes(actor.roleCode)

export async function customersGetDedupeSettings(ctx: ServiceContext): Promise<DedupeSettings> {
  requirePerm(ctx.actor, 'customers', 'view')
  return loadDedupeSettings(ctx.db.knex)
}

export async function customersSaveDedupeSettings(ctx: ServiceContext, input: DedupeSettings): Promise<DedupeSettings> {
  requirePerm(ctx.actor, 'settings', 'edit')
  const codes = [...new Set(input.overrideRoleCodes)]
  await writeAppSetting(ctx.db.knex, ctx.db.dialect, DEDUPE_OVERRIDE_KEY, JSON.stringify(codes), ctx.clock.now().toISOString())
  return { overrideRoleCodes: codes }
}

/** A match as the caller may see it: outside the caller's scope only the name and the owner. */
function toMatch(actor: Actor, f: FoundDuplicate): DuplicateMatch {
  const r = f.row
  const inPoolNow = !r.owner_id
  const customers = actor.permissions.customers
  const visible =
    !!customers?.actions.includes('view') &&
    (inPoolNow ? can(actor, 'pool', 'view') || customers.scope === 'all' : inScope(actor, customers.scope, r.owner_id, r.owner_team_id))
  return {
    level: f.level, reasons: f.reasons, name: r.name, ownerName: inPoolNow ? null : r.owner_name, inPool: inPoolNow, visible,
    id: visible ? r.id : null, code: visible ? r.code : null,
  }
}

/**
 * Refuses a same-level duplicate (同名 or the same 税号) unless the role may save one anyway and
 * the caller confirmed it (duplicateOk); the error names the existing customer and its owner.
 */
async function assertNotDuplicate(db: Knex, ctx: ServiceContext, probe: { excludeId?: string; name?: string | null; taxId?: string | null }, duplicateOk?: boolean) {
  const same = (await findDuplicates(db, probe)).filter((f) => f.level === 'same' && (probe.name ? true : f.reasons.includes('taxId')))
  const first = same.find((f) => (probe.name ? f.reasons.includes('name') : true)) ?? same[0]
  if (!first) return
  const override = await mayOverride(db, ctx.actor)
  if (override && duplicateOk) return
  const field = first.reasons.includes('name') && probe.name ? 'name' : 'taxId'
  const inPoolNow = !first.row.owner_id
  const key = override ? 'customers.errors.duplicateConfirm' : inPoolNow ? 'customers.errors.duplicateInPool' : 'customers.errors.duplicate'
  const params = { name: first.row.name, owner: first.row.owner_name ?? '', field, canOverride: override, inPool: inPoolNow }
  throw new AppError('rule', `a customer with the same ${field === 'name' ? 'name' : 'tax id'} exists: ${first.row.name}`, {
    key, params, issues: [{ field, code: 'duplicate', message: 'duplicate customer', params }],
  })
}

export async function customersCheckDuplicates(ctx: ServiceContext, input: DuplicateCheckInput): Promise<DuplicateCheck> {
  const scope = requirePerm(ctx.actor, 'customers', input.id ? 'edit' : 'create')
  const k = ctx.db.knex
  if (input.id) await assertRowInScope(k, ctx.actor, scope, 'customers', input.id, 'customer')
  const found = await findDuplicates(k, { excludeId: input.id, name: input.name, taxId: input.taxId, phone: input.phone, phone2: input.phone2 })
  const matches = found.map((f) => toMatch(ctx.actor, f))
  const level = matches.some((m) => m.level === 'same') ? 'same' : matches.length ? 'similar' : 'none'
  const canOverride = await mayOverride(k, ctx.actor)
  return { level, blocked: level === 'same' && !canOverride, canOverride, matches }
}

/** 查重 tool: the text as a 税号, a phone or a name; a name also finds the similar ones. */
export async function customersLookup(ctx: ServiceContext, input: { text: string }): Promise<DuplicateLookup> {
  requirePerm(ctx.actor, 'customers', 'view')
  const kind = classifyLookup(input.text)
  const probe = kind === 'taxId' ? { taxId: input.text } : kind === 'phone' ? { phone: input.text } : { name: input.text }
  const found = await findDuplicates(ctx.db.knex, probe)
  return { kind, matches: found.map((f) => toMatch(ctx.actor, f)) }
}

/** Tags in use on the customers the caller may see, most used first. */
export async function customersTags(ctx: ServiceContext): Promise<Array<{ tag: string; count: number }>> {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const counts = new Map<string, number>()
  for (const r of await tagColumns(k, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'), 2000)) {
    for (const tag of splitTags(r.tags)) counts.set(tag, (counts.get(tag) ?? 0) + Number(r.n))
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 200).map(([tag, count]) => ({ tag, count }))
}

/**
 * Fills the 查重 keys of rows written without them (another module's insert, an import) and of
 * contacts' mobiles: at most `limit` of each per call; answers how many were filled.
 */
export async function fillMissingKeys(db: Knex, limit = 500): Promise<number> {
  let n = 0
  for (const r of await customersWithoutKeys(db, limit)) {
    await updateCustomerKeys(db, r.id, customerKeyColumns({ name: r.name, taxId: r.tax_id, phone: r.phone, phone2: r.phone2 }))
    n++
  }
  for (const r of await contactsWithoutMobileKey(db, limit)) {
    const key = phoneKey(r.mobile)
    // a mobile without enough digits keeps no key: mark it with '' so it is not read again
    await updateContactKey(db, r.id, key ?? '')
    n++
  }
  return n
}

// ---- 公海 moves (the pool service checks permissions and rules; records follow like a reassignment) ----

export type { ListQuery, PoolRow } from './customers.repository'

const POOL_CHUNK = 500

/** Who moved it (null: the pool rules) and when. */
export type MoveContext = Pick<AppContext, 'db' | 'clock'> & { actor: Actor | null }

/**
 * Customers into the 公海 with their contacts, records and the owner's reminders (like a
 * reassignment, to nobody); their system reminders are re-evaluated (an owner-less customer has
 * none). One audit entry per customer: ownerId → null and the pool reason.
 */
export async function moveToPool(trx: Knex.Transaction, ctx: MoveContext, rows: PoolRow[], why: { reason: 'release' | 'no_follow_up' | 'no_order'; note?: string | null }, version: number) {
  const owned = rows.filter((r) => r.owner_id)
  if (!owned.length) return 0
  const at = ctx.clock.now().toISOString()
  for (let i = 0; i < owned.length; i += POOL_CHUNK) {
    const ids = owned.slice(i, i + POOL_CHUNK).map((r) => r.id)
    await moveOwnedRowsOf(trx, ids, { owner_id: null, updated_at: at, version }, 'owner')
    await customersToPool(trx, ids, { at, reason: why.reason, note: why.note ?? null, version })
  }
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, owned.map((r): AuditInput => {
    const changes: Record<string, [unknown, unknown]> = { ownerId: [r.owner_id, null], pool: [null, why.reason] }
    if (why.note) changes.poolNote = [null, why.note]
    return { entity: 'customer', entityId: r.id, action: 'update', changes }
  }))
  // what the reminder evaluation concludes for a customer without an owner, set-based: its
  // policy, escalation, birthday and 公海预警 reminders are withdrawn (follow-ups and promises
  // belong to its records and went with them)
  for (let i = 0; i < owned.length; i += POOL_CHUNK) {
    await retractOwnerRemindersOf(trx, owned.slice(i, i + POOL_CHUNK).map((r) => r.id), at, version)
  }
  return owned.length
}

/** 公海 customers to an owner (领取 or 分配), with what followed them into the pool. */
export async function moveFromPool(trx: Knex.Transaction, ctx: MoveContext, rows: PoolRow[], ownerId: string, how: 'claim' | 'assign', version: number) {
  const pooled = rows.filter((r) => !r.owner_id)
  if (!pooled.length) return 0
  const at = ctx.clock.now().toISOString()
  let moved = 0
  for (let i = 0; i < pooled.length; i += POOL_CHUNK) {
    const ids = pooled.slice(i, i + POOL_CHUNK).map((r) => r.id)
    moved += Number(await customersFromPool(trx, ids, { ownerId, at, version }))
    await moveOwnedRowsOf(trx, ids, { owner_id: ownerId, updated_at: at, version }, 'pool')
  }
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, pooled.map((r): AuditInput => ({ entity: 'customer', entityId: r.id, action: 'update', changes: { ownerId: [null, ownerId], pool: [null, how] } })))
  await evaluateCustomers(trx, ctx, pooled.map((r) => r.id), async () => version)
  return moved
}

export type { ColumnPref, ListKey }

/** The customers of a 公海 move with their owner and pool facts (live ones). */
export const poolRowsOf = (db: Knex, ids: string[]) => poolRows(db, ids)

/** How many live customers a user owns (the 领取上限 counts these). */
export const ownedCount = (db: Knex, userId: string) => countOwned(db, userId)

// ---- global search ------------------------------------------------------------------------

/** Candidates read per area before the precise ranking: enough that the best `limit` are among them. */
export const searchCandidates = (limit: number) => Math.max(20, limit * 4)
/** Matches one pass reads at most; fewer means all of them were read. */
const MATCH_CAP = 400

export interface SearchMatches {
  /** live customers in the caller's scope whose search text holds the term (all, or the first MATCH_CAP) */
  rows: Array<{ id: string; searchText: string }>
  /** true when these are all of them */
  complete: boolean
}

const matchMemo = new WeakMap<ServiceContext, Map<string, Promise<SearchMatches>>>()

/**
 * A term PostgreSQL reads through its GIN index when its statistics offer at most this many
 * customers; a commoner one is scanned until the matches wanted are found (found early).
 */
const GRAMS_RARE = 5000

/** How a needle (the term, or '|' + term) is read (repository searchPlan); memoised per call context with the matches. */
const planMemo = new WeakMap<ServiceContext, Map<string, Promise<SearchReadPlan>>>()
function planOf(ctx: ServiceContext, needle: string): Promise<SearchReadPlan> {
  let memo = planMemo.get(ctx)
  if (!memo) planMemo.set(ctx, (memo = new Map()))
  let p = memo.get(needle)
  if (!p) memo.set(needle, (p = searchPlan(ctx.db.knex, ctx.db.dialect, needle, GRAMS_RARE)))
  return p
}

/**
 * The customers in the caller's customers scope whose search text — which also holds their
 * contacts' names, mobiles and pinyin — contains a (normalised, non-Chinese) term: through the
 * search index, read until MATCH_CAP matches (a term no index narrows: among a bounded number
 * of rows, never complete). Read once per call context: the global search hands its areas the
 * same context.
 */
function customersSearchMatches(ctx: ServiceContext, term: string): Promise<SearchMatches> {
  let memo = matchMemo.get(ctx)
  if (!memo) matchMemo.set(ctx, (memo = new Map()))
  const known = memo.get(term)
  if (known) return known
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const p = planOf(ctx, term)
    .then((plan) => searchMatches(k, ctx.db.dialect, term, MATCH_CAP, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'), plan))
    .then((m) => ({ rows: m.rows.map((r) => ({ id: String(r.id), searchText: String(r.search_text ?? '') })), complete: m.complete }))
  memo.set(term, p)
  return p
}

/** Candidates for a non-Chinese term, best first by their search text (shared/search-rank textRank). */
async function candidateIds(ctx: ServiceContext, scope: DataScope, term: string, n: number): Promise<string[]> {
  const k = ctx.db.knex
  const inScope = (q: Knex.QueryBuilder) => applyScope(q, k, ctx.actor, scope, 'c.owner_id')
  const m = await customersSearchMatches(ctx, term)
  let pool = m.rows
  if (!m.complete) {
    // a common term (or one no index narrows): the best-ranked ones are looked for directly —
    // names starting with it (an index range), parts starting with it ('|' + term through the index)
    const better = [
      ...(await searchNamePrefix(k, ctx.db.dialect, term, n, inScope)),
      ...(await searchPartPrefix(k, ctx.db.dialect, term, n, inScope, await planOf(ctx, '|' + term))),
    ]
    pool = [...better.map((r) => ({ id: String(r.id), searchText: String(r.search_text ?? '') })), ...m.rows]
  }
  return bestByText(pool, term, n).map((r) => r.id)
}

/**
 * Candidates for a term with Chinese characters, which can only match a name: names starting
 * with it (an index range), then — when those are fewer than `n` — names holding it, which rank
 * alike, read until there are enough (through the search index; a 1-character term among a
 * bounded number of rows).
 */
async function nameCandidateIds(ctx: ServiceContext, scope: DataScope, term: string, n: number): Promise<string[]> {
  const k = ctx.db.knex
  const inScope = (q: Knex.QueryBuilder) => applyScope(q, k, ctx.actor, scope, 'c.owner_id')
  const ids = new Set((await searchByNamePrefix(k, ctx.db.dialect, term, n, inScope)).map((r) => String(r.id)))
  if (ids.size < n) for (const r of await searchByNameContains(k, ctx.db.dialect, term, n, inScope, await planOf(ctx, term))) ids.add(String(r.id))
  return [...ids]
}

const candidateMemo = new WeakMap<ServiceContext, Map<string, Promise<string[]>>>()

/**
 * The ids of the `n` live customers in the caller's customers scope that match a (normalised)
 * term best, best first ([] without the customers view permission). Read once per call
 * context: the global search's customers and orders (orders of the best-matching customers)
 * share them.
 */
export function customerSearchCandidateIds(ctx: ServiceContext, term: string, n: number): Promise<string[]> {
  if (!can(ctx.actor, 'customers', 'view')) return Promise.resolve([])
  let memo = candidateMemo.get(ctx)
  if (!memo) candidateMemo.set(ctx, (memo = new Map()))
  const key = `${n}|${term}`
  const known = memo.get(key)
  if (known) return known
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const p = hasHan(term) ? nameCandidateIds(ctx, scope, term, n) : candidateIds(ctx, scope, term, n)
  memo.set(key, p)
  return p
}

/**
 * 全局搜索's customers: the best `limit` live customers in the caller's scope whose name, short
 * name, code, phones, pinyin, initials (or a contact's name or mobile) contain the term,
 * ranked by shared/search-rank. Nothing (not an error) without the customers view permission.
 */
export async function customersSearchTop(ctx: ServiceContext, term: string, limit: number): Promise<SearchHit[]> {
  if (!can(ctx.actor, 'customers', 'view')) return []
  requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const t = normalizeTerm(term)
  if (!t) return []
  const ids = await customerSearchCandidateIds(ctx, t, searchCandidates(limit))
  if (!ids.length) return []
  const pinyinMatters = !hasHan(t) // a term with Chinese characters never matches a pinyin form
  const hits: SearchHit[] = []
  for (const r of await searchRowsByIds(k, ids)) {
    const name = String(r.name)
    const m = bestMatch(t, [
      { field: 'name', values: [name, str(r.short_name)] },
      { field: 'pinyin', values: pinyinMatters ? [...pinyinForms(name), ...pinyinForms(withoutDivisions(name)), ...pinyinForms(str(r.short_name))] : [] },
      { field: 'code', values: [String(r.code)] },
      { field: 'phone', values: [str(r.phone), str(r.phone2)] },
    ]) ?? { match: 'contains' as const, field: 'other' as const, score: scoreOf('contains', 'other') } // through a contact
    const subtitle = [String(r.code), str(r.city)].filter(Boolean).join(' · ')
    hits.push({ kind: 'customer', id: String(r.id).toLowerCase(), title: name, subtitle, customerId: String(r.id).toLowerCase(), ...m })
  }
  return hits.sort(compareHits).slice(0, limit)
}

// ---- archive ----------------------------------------------------------------------------------

/**
 * The archive export's customers (备份与恢复 → 导出全部数据): the next `limit` live customers the
 * caller may see after `afterId` (in id order), as raw rows with the owner's name and labels.
 * Needs the customers export permission.
 */
export async function customersArchiveBatch(ctx: ServiceContext, afterId: string | null, limit: number): Promise<Row[]> {
  requirePerm(ctx.actor, 'customers', 'export')
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  return archiveBatch(k, afterId, limit, (q) => applyScope(q, k, ctx.actor, scope, 'c.owner_id'))
}

// ---- 导入 (the imports service drives these; rules stay here) ------------------------------------

export { findDuplicatesMany, type FoundDuplicate } from './customers.dedupe'
export { CustomerFields } from '../../contract/customers'

/** Whether the actor may save a same-level duplicate anyway (import: 仍然新建). */
export const mayCreateDuplicates = (db: Knex, actor: Actor) => mayOverride(db, actor)

/** The actor's right to edit customers and its scope, or null without it. */
export const editScopeOf = (actor: Actor): DataScope | null => (can(actor, 'customers', 'edit') ? requirePerm(actor, 'customers', 'edit') : null)

/** An imported row's fields applied to an existing customer inside the import's chunk transaction (same checks as an edit). */
export function updateFromImport(trx: Knex.Transaction, ctx: ServiceContext, scope: DataScope, id: string, fields: Fields, version: number): Promise<boolean> {
  return applyUpdate(trx, ctx, scope, { id, version: null, fields, duplicateOk: true }, version)
}

export interface ImportedCustomer {
  fields: CustomerFields
  /** a code from the file (checked free by the caller's validation); none: the next KH code */
  code?: string | null
  /** the primary contact's name and mobile, for the search text */
  contact?: { name: string; mobile?: string | null } | null
}

/**
 * New customers of an import's chunk in bulk (statements under SQL Server's 2100 parameters),
 * owned by `ownerId`, tagged with the import, one audit entry each. Codes from the file are kept
 * when free; the rest take KH codes from the sequence in one step. Answers the new ids in order.
 */
export async function insertImportedCustomers(trx: Knex.Transaction, ctx: ServiceContext, items: ImportedCustomer[], o: { ownerId: string; batchId: string; version: number }): Promise<string[]> {
  const now = ctx.clock.now()
  const at = now.toISOString()
  const year = now.getFullYear()
  const wanted = items.map((i) => i.code?.trim() || null)
  const taken = await takenCodes(trx, wanted.filter((c): c is string => !!c))
  const need = wanted.filter((c) => !c || taken.has(c)).length
  const fresh: string[] = []
  while (fresh.length < need) {
    const last = await nextSequenceRange(trx, `customer:${year}`, need - fresh.length)
    const candidates = Array.from({ length: need - fresh.length }, (_, i) => formatCode('KH', year, last - (need - fresh.length) + 1 + i))
    const clash = await takenCodes(trx, candidates)
    fresh.push(...candidates.filter((c) => !clash.has(c) && !wanted.includes(c)))
  }
  const rows: Row[] = []
  const ids: string[] = []
  const audits: AuditInput[] = []
  items.forEach((item, i) => {
    const f = item.fields
    const code = wanted[i] && !taken.has(wanted[i]!) ? wanted[i]! : fresh.shift()!
    const id = newOrderedId()
    const row: Row = {}
    for (const key of FIELD_KEYS) row[toColumn(key)] = key in f ? toDbValue(key, f[key]) : null
    rows.push({
      ...row, id, code, owner_id: o.ownerId, customer_type: f.customerType ?? 'company', status: f.status ?? 'normal',
      order_count: 0, order_total_cents: 0,
      search_text: buildCustomerSearchText({ name: f.name, shortName: f.shortName, code, phone: f.phone, phone2: f.phone2 }, item.contact ? [item.contact] : []),
      ...customerKeyColumns({ name: f.name, taxId: f.taxId, phone: f.phone, phone2: f.phone2 }),
      owner_since: at, created_at: at, updated_at: at, version: o.version, import_batch_id: o.batchId,
    })
    ids.push(id)
    const view: Record<string, unknown> = { ...Object.fromEntries(FIELD_KEYS.map((k) => [k, k === 'tags' ? (f.tags ?? []) : (f[k] ?? null)])), ownerId: o.ownerId }
    audits.push({ entity: 'customer', entityId: id, action: 'create', changes: { code: [null, code], ...diff(null, view) } })
  })
  await insertCustomers(trx, ctx.db.dialect, rows)
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, audits)
  return ids
}

/**
 * 撤销导入 of customers: every customer the import created (with its contacts) is removed, as
 * long as none changed since (version above the import's last, an order, a follow-up, or a
 * contact added by someone else); otherwise nothing is and the answer names how many changed.
 */
export async function removeImportedCustomers(trx: Knex.Transaction, ctx: ServiceContext, batchId: string, lastVersion: number): Promise<number> {
  const scope = requirePerm(ctx.actor, 'customers', 'delete')
  const rows = await importedCustomers(trx, batchId)
  const changed = rows.filter((r) => Number(r.version) > lastVersion || Number(r.order_count ?? 0) > 0 || r.last_contact_at)
  const others = await otherContactsOf(trx, rows.map((r) => r.id), batchId)
  if (changed.length || others) throw ruleError('imports.errors.changedSinceImport', `${changed.length || others} imported records changed since the import`, { count: changed.length || others })
  for (const r of rows) await assertRowInScope(trx, ctx.actor, scope, 'customers', r.id, 'customer')
  const at = ctx.clock.now().toISOString()
  const version = await nextVersion(trx)
  await softDeleteCustomers(trx, rows.map((r) => r.id), at, version)
  await recordAuditMany(trx, ctx.db.dialect, ctx.actor, at, rows.map((r): AuditInput => ({ entity: 'customer', entityId: r.id, action: 'delete', changes: {} })))
  return rows.length
}

/** A chosen owner for imported customers: the assign right, and an enabled user the actor may assign to. */
export async function assertMayAssignTo(ctx: ServiceContext, ownerId: string) {
  const scope = requirePerm(ctx.actor, 'customers', 'assign')
  await assertAssignable(ctx.db.knex, ctx, scope, ownerId)
}

/**
 * 导入 of orders: the customers a file names, by code (exact) and by exact name, among those the
 * actor may see (customers.view scope): code → customer, name → every customer of that name
 * (more than one: the row is ambiguous).
 */
export async function customersForOrderImport(ctx: ServiceContext, codes: string[], names: string[]) {
  const scope = requirePerm(ctx.actor, 'customers', 'view')
  const k = ctx.db.knex
  const rows = await customersByCodesOrNames(k, [...new Set(codes)], [...new Set(names)], (q) => applyScope(q, k, ctx.actor, scope))
  const byCode = new Map<string, ImportCustomerRef>()
  const byName = new Map<string, ImportCustomerRef[]>()
  for (const r of rows) {
    const c: ImportCustomerRef = { id: String(r.id), code: String(r.code), name: String(r.name), ownerId: str(r.owner_id), address: str(r.address) }
    byCode.set(c.code, c)
    byName.set(c.name, [...(byName.get(c.name) ?? []), c])
  }
  return { byCode, byName }
}

export interface ImportCustomerRef {
  id: string
  code: string
  name: string
  ownerId: string | null
  address: string | null
}
