// Set-based queries of the system reminders' evaluation. Each "candidates" query finds the
// facts that need a reminder and have none for the current occasion; each "mismatches"
// query finds open system reminders whose facts changed. In the steady state both return
// (almost) nothing. An incremental run narrows each query further: to the customers (`ids`)
// or source rows (`sourceIds`) written since the last run, passed as literal id lists (at
// most 500), and to the thresholds crossed since the last run's day (`after`). Literal id
// lists on indexed columns give the same good plan on every database, with or without
// statistics (a never-analysed SQLite file has none).
import type { Knex } from 'knex'
import type { Row } from './reminders.repository'
import { dialectOf, fromIndexed, whereAmong, whereEquals, whereLive } from '../../db/dialect'

/**
 * A slice of the customers' id space, lo ≤ id < hi (no lo: from the start, and the rows without a
 * customer; no hi: to the end). A whole-database run reads one slice at a time, so no statement
 * reads (or hands to the app) more than a slice's rows.
 */
export interface IdRange {
  lo: string | null
  hi: string | null
}
/** customers: these ids, a slice of them, or all (null) */
export type Ids = string[] | IdRange | null

/** Columns of a customer id that is never null: the customers' own, an interaction's, a promise's, a contact's, a plan's. */
const NOT_NULL_CUSTOMER = new Set(['c.id', 'i.customer_id', 'p.customer_id', 'ct.customer_id', 'pp.customer_id'])

function inCustomers(q: Knex.QueryBuilder, col: string, ids: Ids) {
  if (!ids) return q
  if (Array.isArray(ids)) return q.whereIn(col, ids)
  const { lo, hi } = ids
  if (lo) q.where(col, '>=', lo)
  if (hi) {
    // the first slice also holds the rows without a customer (a reminder's); the others always have one (not null),
    // and `or customer_id is null` would only widen what a planner may walk
    if (lo || NOT_NULL_CUSTOMER.has(col)) q.where(col, '<', hi)
    else q.where((w) => w.where(col, '<', hi).orWhereNull(col))
  }
  return q
}

/** A slice of the customers' id space (not a list, not all) read on SQLite: its statements keep other indexes from driving. */
const sliceOnSqlite = (db: Knex, ids: Ids) => !!ids && !Array.isArray(ids) && dialectOf(db) === 'sqlite'

/** The customer id `size` places after `from` (or the first) in the database's id order: where the next slice starts; null past the end. */
export async function customerIdAfter(db: Knex, from: string | null, size: number): Promise<string | null> {
  const q = db('customers').orderBy('id').offset(size).limit(1).select('id')
  if (from) q.where('id', '>=', from)
  const row = (await q)[0] as { id: string } | undefined
  return row ? String(row.id) : null
}
const inList = (q: Knex.QueryBuilder, col: string, ids: string[] | undefined) => (ids ? q.whereIn(col, ids) : q)

/**
 * Open reminders of a system source (`reminders as r`). Narrowed to some customers (`ids`: a
 * slice of the id space or a list) or some source rows, the statement must read the reminders
 * by the narrow range: on SQLite source and done_at are then written so no index serves them,
 * else its planner walks (source, done_at) — every open reminder of the source, 1.7 million
 * follow-ups at 1,000,000 customers — for each slice (600 ms of CPU per slice of 1,000
 * customers, 1,000 slices: the first evaluation's 17 minutes). Elsewhere plain.
 */
function openOfSource(db: Knex, q: Knex.QueryBuilder, source: string, narrowed: boolean): Knex.QueryBuilder {
  return q
    .where((w) => whereEquals(db, w, 'r.source', source, { unindexed: narrowed }))
    .where((w) => (narrowed ? whereLive(db, w, 'r.done_at') : w.whereNull('r.done_at')))
    .whereNull('r.deleted_at')
}
const narrowedBy = (ids: Ids, n: Narrow = {}) => !!ids || !!n.sourceIds

/** Ids of rows of `table` written after sync version `since`, at most `cap` + 1 of them. */
export async function changedIds(db: Knex, table: string, since: number, cap: number): Promise<string[]> {
  const rows = await db(table).where('version', '>', since).limit(cap + 1).select('id')
  return rows.map((r: { id: string }) => String(r.id))
}

/** The promises of some interactions. */
export async function promiseIdsOf(db: Knex, interactionIds: string[]): Promise<string[]> {
  const rows = await db('interaction_promises').whereIn('interaction_id', interactionIds).select('id')
  return rows.map((r: { id: string }) => String(r.id))
}

export interface Narrow {
  /** only thresholds crossed after this value (an instant or a date, by source) */
  after?: string
  /** only these source rows: contacts (birthdays), promises, interactions (follow-ups) */
  sourceIds?: string[]
}

export const policyItems = (db: Knex, typeCode: 'contact_policy' | 'purchase_policy'): Promise<Row[]> =>
  db('dict_items').where({ type_code: typeCode }).whereNull('deleted_at').whereNotNull('cycle_days').where('cycle_days', '>', 0).select('id', 'label', 'cycle_days')

/** Whether any row of `table` (optionally of one dictionary type) was written after `since`. */
export async function anyChanged(db: Knex, table: string, since: number, typeCode?: string): Promise<boolean> {
  const q = db(table).where('version', '>', since)
  if (typeCode) q.where('type_code', typeCode)
  return !!(await q.first('id'))
}

export async function currentVersion(db: Knex): Promise<number> {
  const r = await db('sync_version').where({ id: 1 }).first('version')
  return Number(r?.version ?? 0)
}

// ---- 联系策略 contact policy ------------------------------------------------------------------

/** Customers `c` without an open 联系策略 reminder of their owner for their last contact (or creation). */
function withoutContactPolicyReminder(db: Knex, q: Knex.QueryBuilder): void {
  q.whereNotExists(function () {
    this.select(db.raw('1'))
      .from('reminders as r')
      .whereRaw('r.customer_id = c.id')
      .where('r.source', 'contact_policy')
      .whereRaw('r.owner_id = c.owner_id')
      .whereNull('r.retracted_at')
      .where((w) => w.whereRaw('r.basis_at = c.last_contact_at').orWhere((w2) => w2.whereNull('c.last_contact_at').whereRaw('r.basis_at = c.created_at')))
  })
}

/** Customers `c` without an open reminder of `source` for their last order date, owned by `owner` (a user id, or the column holding it). */
function withoutOrderReminder(db: Knex, q: Knex.QueryBuilder, source: 'purchase_policy' | 'purchase_escalation', owner: { id: string } | { column: 'c.owner_id' | 'su.id' }): void {
  q.whereNotExists(function () {
    this.select(db.raw('1'))
      .from('reminders as r')
      .whereRaw('r.customer_id = c.id')
      .where('r.source', source)
      .where((w) => ('id' in owner ? w.where('r.owner_id', owner.id) : w.whereRaw(`r.owner_id = ${owner.column}`)))
      .whereNull('r.retracted_at')
      .whereRaw('r.basis_date = c.last_order_date')
  })
}

/** Customers of the policy last contacted (or created) before `threshold` without a reminder of that occasion. */
export function contactPolicyCandidates(db: Knex, policyId: string, threshold: string, ids: Ids, n: Narrow = {}): Promise<Row[]> {
  const from = n.after
  // a slice of the customers: read by its id range (SQLite would read the policy's index: all the
  // policy's customers, a third of them, for each slice — 630 ms instead of 20 on 300,000)
  const bySlice = !!ids && !Array.isArray(ids)
  const q = db('customers as c')
    .where((w) => whereEquals(db, w, 'c.contact_policy_id', policyId, { unindexed: bySlice }))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotNull('c.owner_id')
    .where((w) =>
      w
        .where((x) => (from ? x.where('c.last_contact_at', '>=', from) : x).where('c.last_contact_at', '<', threshold))
        .orWhere((x) => (from ? x.where('c.created_at', '>=', from) : x).whereNull('c.last_contact_at').where('c.created_at', '<', threshold)),
    )
  withoutContactPolicyReminder(db, q)
  return inCustomers(q, 'c.id', ids).select('c.id', 'c.name', 'c.owner_id', 'c.last_contact_at', 'c.created_at')
}

/** A 联系策略 with the instant a customer's last contact (or creation) must be before for its reminder to be due. */
export interface ContactPolicyThreshold {
  id: string
  threshold: string
}

/**
 * contactPolicyCandidates of every policy at once (a whole-database run's slice, or some customers):
 * one statement that reads the slice's customers once, instead of one per policy that each read
 * them again (4 policies: 4,000 statements of 6–8 ms of CPU at 1,000,000 customers, issue 8).
 * Answers each customer's policy (contact_policy_id) with it. On SQLite the policies are written so
 * no index serves them (as the single-policy query of a slice): the slice's range is read.
 */
export function contactPoliciesCandidates(db: Knex, policies: ContactPolicyThreshold[], ids: Ids): Promise<Row[]> {
  if (!policies.length) return Promise.resolve([])
  const q = db('customers as c')
    .where((w) => whereAmong(db, w, 'c.contact_policy_id', policies.map((p) => p.id), { unindexed: true }))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotNull('c.owner_id')
    .where((w) => {
      for (const p of policies) {
        w.orWhere((x) =>
          whereEquals(db, x, 'c.contact_policy_id', p.id, { unindexed: true }).where((y) =>
            y.where('c.last_contact_at', '<', p.threshold).orWhere((z) => z.whereNull('c.last_contact_at').where('c.created_at', '<', p.threshold)),
          ),
        )
      }
    })
  withoutContactPolicyReminder(db, q)
  return inCustomers(q, 'c.id', ids).select('c.id', 'c.name', 'c.owner_id', 'c.last_contact_at', 'c.created_at', 'c.contact_policy_id')
}

/** Open contact-policy reminders whose customer, owner, basis or cycle no longer match. */
export function contactPolicyMismatches(db: Knex, ids: Ids): Promise<Row[]> {
  const q = db('reminders as r')
    .leftJoin('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('dict_items as p', 'p.id', 'c.contact_policy_id')
    .where((w) => openOfSource(db, w, 'contact_policy', narrowedBy(ids)))
    .where((w) =>
      w
        .whereNull('c.id')
        .orWhereNotNull('c.deleted_at')
        .orWhereNull('c.owner_id')
        .orWhereRaw('c.owner_id <> r.owner_id')
        .orWhereNull('p.cycle_days')
        .orWhereNotNull('p.deleted_at')
        .orWhereNull('r.cycle_days')
        .orWhereRaw('p.cycle_days <> r.cycle_days')
        .orWhereNull('r.basis_at')
        .orWhere((w2) => w2.whereNotNull('c.last_contact_at').whereRaw('r.basis_at <> c.last_contact_at'))
        .orWhere((w2) => w2.whereNull('c.last_contact_at').whereRaw('r.basis_at <> c.created_at')),
    )
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.basis_at', 'r.cycle_days', 'r.due_at', 'r.customer_id',
    'c.id as c_id', 'c.deleted_at as c_deleted_at', 'c.owner_id as c_owner_id', 'c.last_contact_at as c_last_contact_at',
    'c.created_at as c_created_at', 'p.cycle_days as p_cycle_days', 'p.deleted_at as p_deleted_at',
  )
}

// ---- 购买策略 purchase policy ---------------------------------------------------------------

/** Customers of the policy whose last order is on or before `lastOrderBy` without a reminder of that occasion. */
export function purchasePolicyCandidates(db: Knex, policyId: string, lastOrderBy: string, ids: Ids, n: Narrow = {}): Promise<Row[]> {
  // a slice read by its id range, as the 联系策略 candidates (the policy's index: all its customers per slice)
  const bySlice = !!ids && !Array.isArray(ids)
  const q = db('customers as c')
    .where((w) => whereEquals(db, w, 'c.purchase_policy_id', policyId, { unindexed: bySlice }))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotNull('c.owner_id')
    .whereNotNull('c.last_order_date')
    .where('c.last_order_date', '<=', lastOrderBy)
  if (n.after) q.where('c.last_order_date', '>', n.after)
  withoutOrderReminder(db, q, 'purchase_policy', { column: 'c.owner_id' })
  return inCustomers(q, 'c.id', ids).select('c.id', 'c.name', 'c.owner_id', 'c.last_order_date')
}

/** A 购买策略 with the last order date on or before which a customer is due (one cycle, or two for an escalation). */
export interface PurchasePolicyThreshold {
  id: string
  lastOrderBy: string
}

/** The policies' conditions on a customer `c`: one of them, its last order on or before that policy's date. */
function purchaseDue(db: Knex, w: Knex.QueryBuilder, policies: PurchasePolicyThreshold[]) {
  for (const p of policies) {
    w.orWhere((x) => whereEquals(db, x, 'c.purchase_policy_id', p.id, { unindexed: true }).where('c.last_order_date', '<=', p.lastOrderBy))
  }
}

/**
 * purchasePolicyCandidates of every policy at once (one statement per slice, as
 * contactPoliciesCandidates), each customer with its policy (purchase_policy_id).
 */
export function purchasePoliciesCandidates(db: Knex, policies: PurchasePolicyThreshold[], ids: Ids): Promise<Row[]> {
  if (!policies.length) return Promise.resolve([])
  const q = db('customers as c')
    .where((w) => whereAmong(db, w, 'c.purchase_policy_id', policies.map((p) => p.id), { unindexed: true }))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotNull('c.owner_id')
    .whereNotNull('c.last_order_date')
    .where((w) => purchaseDue(db, w, policies))
  withoutOrderReminder(db, q, 'purchase_policy', { column: 'c.owner_id' })
  return inCustomers(q, 'c.id', ids).select('c.id', 'c.name', 'c.owner_id', 'c.last_order_date', 'c.purchase_policy_id')
}

export function purchasePolicyMismatches(db: Knex, ids: Ids): Promise<Row[]> {
  const q = db('reminders as r')
    .leftJoin('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('dict_items as p', 'p.id', 'c.purchase_policy_id')
    .where((w) => openOfSource(db, w, 'purchase_policy', narrowedBy(ids)))
    .where((w) =>
      w
        .whereNull('c.id')
        .orWhereNotNull('c.deleted_at')
        .orWhereNull('c.owner_id')
        .orWhereRaw('c.owner_id <> r.owner_id')
        .orWhereNull('p.cycle_days')
        .orWhereNotNull('p.deleted_at')
        .orWhereNull('r.cycle_days')
        .orWhereRaw('p.cycle_days <> r.cycle_days')
        .orWhereNull('c.last_order_date')
        .orWhereNull('r.basis_date')
        .orWhereRaw('r.basis_date <> c.last_order_date'),
    )
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.basis_date', 'r.cycle_days', 'r.due_at', 'r.customer_id',
    'c.id as c_id', 'c.deleted_at as c_deleted_at', 'c.owner_id as c_owner_id', 'c.last_order_date as c_last_order_date',
    'p.cycle_days as p_cycle_days', 'p.deleted_at as p_deleted_at',
  )
}

/** Supervisors per team: the team leader and enabled users of the team with the supervisor role. */
export async function supervisorRows(db: Knex): Promise<Array<{ team_id: string; user_id: string; disabled: unknown }>> {
  const leaders = await db('teams as t')
    .join('users as u', 'u.id', 't.leader_id')
    .whereNull('t.deleted_at')
    .whereNull('u.deleted_at')
    .select('t.id as team_id', 'u.id as user_id', 'u.disabled')
  const sups = await db('users as u')
    .join('roles as ro', 'ro.id', 'u.role_id')
    .where('ro.code', 'supervisor')
    .whereNotNull('u.team_id')
    .whereNull('u.deleted_at')
    .select('u.team_id', 'u.id as user_id', 'u.disabled')
  return [...leaders, ...sups]
}

/** Customers of the team's members twice the cycle past their last order, without an escalation to `supervisorId`. */
export function escalationCandidates(
  db: Knex, teamId: string, supervisorId: string, policyId: string, lastOrderBy: string, ids: Ids, n: Narrow = {},
): Promise<Row[]> {
  const q = db('customers as c')
    .join('users as ou', 'ou.id', 'c.owner_id')
    .where('ou.team_id', teamId)
    .whereNot('c.owner_id', supervisorId)
    .where((w) => whereEquals(db, w, 'c.purchase_policy_id', policyId, { unindexed: !!ids && !Array.isArray(ids) }))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotNull('c.last_order_date')
    .where('c.last_order_date', '<=', lastOrderBy)
  if (n.after) q.where('c.last_order_date', '>', n.after)
  withoutOrderReminder(db, q, 'purchase_escalation', { id: supervisorId })
  return inCustomers(q, 'c.id', ids).select('c.id', 'c.name', 'c.owner_id', 'c.last_order_date', 'ou.name as owner_name')
}

/**
 * escalationCandidates of every team, supervisor and policy at once (one statement per slice, as
 * contactPoliciesCandidates; was one per team × supervisor × policy): each customer twice its
 * policy's cycle past its last order once per supervisor of its owner's team (`sup_id`; not the
 * owner) that has no escalation of that occasion, with the customer's policy. `teams`: each team's
 * supervisors.
 */
export function escalationsCandidates(db: Knex, teams: Array<{ teamId: string; supIds: string[] }>, policies: PurchasePolicyThreshold[], ids: Ids): Promise<Row[]> {
  const supIds = [...new Set(teams.flatMap((t) => t.supIds))]
  if (!policies.length || !supIds.length) return Promise.resolve([])
  // SQLite, a slice: the owner's key written so no index serves it, else the planner read each owner's
  // customers through customers_owner_id_index (a quarter of them each at 1,000,000: 870 ms a slice,
  // one statement on the event loop) instead of the slice's ids (issue 8)
  const ownerKey = sliceOnSqlite(db, ids) ? db.raw('coalesce(??, ??)', ['c.owner_id', 'c.owner_id']) : 'c.owner_id'
  const q = db('customers as c')
    .join('users as ou', (j) => j.on('ou.id', '=', ownerKey))
    .join('users as su', (j) => j.onIn('su.id', supIds))
    .where((w) => {
      for (const t of teams) if (t.supIds.length) w.orWhere((x) => x.where('ou.team_id', t.teamId).whereIn('su.id', t.supIds))
    })
    .whereRaw('su.id <> c.owner_id')
    .where((w) => whereAmong(db, w, 'c.purchase_policy_id', policies.map((p) => p.id), { unindexed: true }))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotNull('c.last_order_date')
    .where((w) => purchaseDue(db, w, policies))
  withoutOrderReminder(db, q, 'purchase_escalation', { column: 'su.id' })
  return inCustomers(q, 'c.id', ids).select('c.id', 'c.name', 'c.owner_id', 'c.last_order_date', 'c.purchase_policy_id', 'ou.name as owner_name', 'su.id as sup_id')
}

/** Every open escalation with its customer's facts (few rows: customers twice overdue). */
export function openEscalations(db: Knex, ids: Ids): Promise<Row[]> {
  const q = db('reminders as r')
    .leftJoin('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('users as ou', 'ou.id', 'c.owner_id')
    .leftJoin('dict_items as p', 'p.id', 'c.purchase_policy_id')
    .where((w) => openOfSource(db, w, 'purchase_escalation', narrowedBy(ids)))
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.basis_date', 'r.cycle_days', 'r.due_at', 'r.customer_id',
    'c.id as c_id', 'c.deleted_at as c_deleted_at', 'c.owner_id as c_owner_id', 'c.last_order_date as c_last_order_date',
    'ou.team_id as owner_team_id', 'p.cycle_days as p_cycle_days', 'p.deleted_at as p_deleted_at',
  )
}

// ---- birthdays ----------------------------------------------------------------------------

/**
 * Contacts whose stored birthday's month-day (`MM-DD`) is one of those given for its calendar,
 * with their customer: index lookups of contacts_birthday_md (contacts.birthday_md, the stored
 * month-day kept by every contact write), then the few matching customers.
 */
export async function birthdayCandidates(db: Knex, monthDays: { solar: string[]; lunar: string[] }, ids: Ids, n: Narrow = {}): Promise<Row[]> {
  return withLiveCustomers(db, await inList(birthdayContactsQuery(db, monthDays, ids), 'ct.id', n.sourceIds), { owned: true })
}

/**
 * Rows read without their customer, each with its live customer's name (`customer_name`) and
 * owner (`owner_id`); rows whose customer is deleted (or, `owned`, has no owner) are dropped. The
 * customers are read by key after the rows' own checks, so a slice whose facts all have their
 * reminders reads none (issue 8: the follow-up candidates' join read a customer per interaction,
 * half of the statement's pages at 1,000,000 customers on PostgreSQL).
 */
async function withLiveCustomers(db: Knex, rows: Row[], o: { owned?: boolean } = {}): Promise<Row[]> {
  if (!rows.length) return []
  const customers = new Map<string, Row>()
  const customerIds = [...new Set(rows.map((r) => String(r.customer_id)))]
  for (let i = 0; i < customerIds.length; i += 500) {
    const q = db('customers').whereIn('id', customerIds.slice(i, i + 500)).where((w) => whereLive(db, w, 'deleted_at'))
    if (o.owned) q.whereNotNull('owner_id')
    for (const r of await q.select('id', 'name', 'owner_id')) customers.set(String(r.id), r)
  }
  return rows.flatMap((r) => {
    const c = customers.get(String(r.customer_id))
    return c ? [{ ...r, customer_name: c.name, owner_id: c.owner_id }] : []
  })
}

export function birthdayContactsQuery(db: Knex, monthDays: { solar: string[]; lunar: string[] }, ids: Ids) {
  // the union of both lists drives the index; the calendar then picks the list
  const all = [...new Set([...monthDays.solar, ...monthDays.lunar])].sort()
  const q = db('contacts as ct').whereNull('ct.deleted_at')
  if (!all.length) q.whereRaw('1 = 0')
  else {
    q.whereIn('ct.birthday_md', all).where((w) => {
      if (monthDays.solar.length) w.orWhere((s) => s.where('ct.birthday_calendar', 'solar').whereIn('ct.birthday_md', monthDays.solar))
      if (monthDays.lunar.length) w.orWhere((s) => s.where('ct.birthday_calendar', 'lunar').whereIn('ct.birthday_md', monthDays.lunar))
    })
  }
  return inCustomers(q, 'ct.customer_id', ids).select('ct.id', 'ct.name', 'ct.birthday', 'ct.birthday_calendar', 'ct.birthday_leap_month', 'ct.customer_id')
}

/** Every open birthday reminder with its contact's current birthday (few rows: one window). */
export const openBirthdays = (db: Knex, ids: Ids, n: Narrow = {}): Promise<Row[]> => inList(openBirthdaysQuery(db, ids, narrowedBy(ids, n)), 'r.source_id', n.sourceIds)

/** Open birthday reminders whose birthday is before `today` (passed). */
export const passedBirthdays = (db: Knex, today: string, ids: Ids): Promise<Row[]> =>
  inCustomers(db('reminders as r').where((w) => openOfSource(db, w, 'birthday', narrowedBy(ids))).where('r.basis_date', '<', today), 'r.customer_id', ids).select('r.id')

function openBirthdaysQuery(db: Knex, ids: Ids, narrowed: boolean) {
  const q = db('reminders as r')
    .leftJoin('contacts as ct', 'ct.id', 'r.source_id')
    .leftJoin('customers as c', 'c.id', 'ct.customer_id')
    .where((w) => openOfSource(db, w, 'birthday', narrowed))
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.basis_date', 'r.source_key', 'r.customer_id',
    'ct.id as ct_id', 'ct.deleted_at as ct_deleted_at', 'ct.birthday', 'ct.birthday_calendar', 'ct.birthday_leap_month',
    'c.id as c_id', 'c.deleted_at as c_deleted_at', 'c.owner_id as c_owner_id',
  )
}

// ---- promises -------------------------------------------------------------------------------

/** Promises not kept by `today` (due date on or before) without a reminder. */
export const promiseCandidates = (db: Knex, today: string, ids: Ids, n: Narrow = {}): Promise<Row[]> =>
  inList(promiseQuery(db, today, ids, n.after, narrowedBy(ids, n)), 'p.id', n.sourceIds)

function promiseQuery(db: Knex, today: string, ids: Ids, after: string | undefined, narrowed: boolean) {
  const q = db('interaction_promises as p')
    .join('interactions as i', 'i.id', 'p.interaction_id')
    .join('customers as c', 'c.id', 'p.customer_id')
    // narrowed, read by the customers (or the promises): on SQLite the open promises' index would
    // be walked whole for each slice (every open promise due by today)
    .where((w) => (narrowed ? whereLive(db, w, 'p.deleted_at') : w.whereNull('p.deleted_at')))
    .where((w) => (narrowed ? whereLive(db, w, 'p.kept_at') : w.whereNull('p.kept_at')))
    .where((w) => dueBy(db, w, today, ids))
    .whereNull('i.deleted_at')
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    .whereNotExists(function () {
      this.select(db.raw('1')).from('reminders as r').where('r.source', 'promise').whereRaw('r.source_id = p.id').whereNull('r.retracted_at')
    })
  if (after) q.where((w) => (sliceOnSqlite(db, ids) ? w.whereRaw('coalesce(??, ??) > ?', ['p.due_date', 'p.due_date', after]) : w.where('p.due_date', '>', after)))
  return inCustomers(q, 'p.customer_id', ids).select(
    'p.id', 'p.content', 'p.due_date', 'p.customer_id', 'i.contact_id', 'i.created_by', 'c.owner_id', 'c.name as customer_name',
  )
}

/**
 * A promise due by `today`. For a slice on SQLite written so no index serves it: with a one-sided
 * range (the first and the last slice) SQLite's planner read every open promise due by today through
 * interaction_promises_due_date_index instead of the slice's customers — 1.4 s a statement, on the
 * event loop, at 1,000,000 customers (the slices between: 4 ms).
 */
function dueBy(db: Knex, w: Knex.QueryBuilder, today: string, ids: Ids): Knex.QueryBuilder {
  if (sliceOnSqlite(db, ids)) return w.whereRaw('coalesce(??, ??) <= ?', ['p.due_date', 'p.due_date', today])
  return w.whereNotNull('p.due_date').where('p.due_date', '<=', today)
}

export const promiseMismatches = (db: Knex, ids: Ids, n: Narrow = {}): Promise<Row[]> => inList(promiseMismatchQuery(db, ids, narrowedBy(ids, n)), 'r.source_id', n.sourceIds)

function promiseMismatchQuery(db: Knex, ids: Ids, narrowed: boolean) {
  const q = db('reminders as r')
    .leftJoin('interaction_promises as p', 'p.id', 'r.source_id')
    .leftJoin('interactions as i', 'i.id', 'p.interaction_id')
    .leftJoin('customers as c', 'c.id', 'p.customer_id')
    .where((w) => openOfSource(db, w, 'promise', narrowed))
    .where((w) =>
      w
        .whereNull('p.id')
        .orWhereNotNull('p.deleted_at')
        .orWhereNotNull('p.kept_at')
        .orWhereNull('p.due_date')
        .orWhereNull('r.basis_date')
        .orWhereRaw('p.due_date <> r.basis_date')
        .orWhereNotNull('i.deleted_at')
        .orWhereNotNull('c.deleted_at')
        .orWhereRaw('c.owner_id <> r.owner_id'),
    )
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.basis_date', 'r.customer_id',
    'p.id as p_id', 'p.deleted_at as p_deleted_at', 'p.kept_at as p_kept_at', 'p.due_date as p_due_date',
    'i.deleted_at as i_deleted_at', 'c.deleted_at as c_deleted_at', 'c.owner_id as c_owner_id',
  )
}

// ---- next follow-up dates ----------------------------------------------------------------------

/**
 * Interactions (all, a slice of customers', or the given ones: written by imports or sync) with a follow-up date and no reminder,
 * with their live customer's name and owner (read by key for the interactions found only: `withLiveCustomers`).
 * A slice reads the live interactions with a follow-up date from their partial index (SQLite names it: its planner, without
 * statistics of the new index, walked every interaction of the slice's customers and read each row — 20–100 ms of CPU per
 * slice of 1,000 customers at 1,000,000, 4–7 ms through the index; issue 8), each one's reminder check from reminders_source_id_cover.
 */
export async function followUpCandidates(db: Knex, interactionIds: string[] | null, customers: IdRange | null = null): Promise<Row[]> {
  if (interactionIds || !customers) return withLiveCustomers(db, await followUpCandidatesQuery(db, interactionIds, customers))
  // a slice: the ids first — all the index (customer_id, id) holds, so PostgreSQL reads no table page
  // for the thousands that have their reminder (a slice of 2,000 customers at 1,000,000: 1,656 of its
  // 13,406 buffers) — then the rows of those without one, by key, in lists far under SQL Server's 2,100 parameters
  const ids = (await followUpCandidatesQuery(db, null, customers).clearSelect().select('i.id')).map((r: Row) => String(r.id))
  const rows: Row[] = []
  for (let i = 0; i < ids.length; i += 500) rows.push(...(await followUpCandidatesQuery(db, ids.slice(i, i + 500))))
  return withLiveCustomers(db, rows)
}

/** The interactions of followUpCandidates, without their customers. */
export function followUpCandidatesQuery(db: Knex, interactionIds: string[] | null, customers: IdRange | null = null): Knex.QueryBuilder {
  const q = (customers && !interactionIds ? fromIndexed(db, 'interactions', 'i', 'interactions_follow_up_live') : db('interactions as i'))
    .whereNotNull('i.next_follow_up_at')
    .whereNull('i.deleted_at')
    .whereNotExists(function () {
      this.select(db.raw('1')).from('reminders as r').where('r.source', 'follow_up').whereRaw('r.source_id = i.id').whereNull('r.retracted_at')
    })
  return inList(inCustomers(q, 'i.customer_id', customers), 'i.id', interactionIds ?? undefined).select(
    'i.id', 'i.customer_id', 'i.contact_id', 'i.subject', 'i.next_follow_up_at', 'i.created_by',
  )
}

export const followUpMismatches = (db: Knex, ids: Ids, n: Narrow = {}): Promise<Row[]> => inList(followUpMismatchQuery(db, ids, narrowedBy(ids, n)), 'r.source_id', n.sourceIds)

function followUpMismatchQuery(db: Knex, ids: Ids, narrowed: boolean) {
  const q = db('reminders as r')
    .leftJoin('interactions as i', 'i.id', 'r.source_id')
    .leftJoin('customers as c', 'c.id', 'i.customer_id')
    .where((w) => openOfSource(db, w, 'follow_up', narrowed))
    .where((w) =>
      w
        .whereNull('i.id')
        .orWhereNotNull('i.deleted_at')
        .orWhereNull('i.next_follow_up_at')
        .orWhereRaw('i.next_follow_up_at <> r.due_at')
        .orWhereNotNull('c.deleted_at')
        .orWhereRaw('c.owner_id <> r.owner_id'),
    )
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.due_at', 'r.customer_id',
    'i.id as i_id', 'i.deleted_at as i_deleted_at', 'i.next_follow_up_at as i_next', 'c.deleted_at as c_deleted_at', 'c.owner_id as c_owner_id',
  )
}

/** One patch for many reminders (closing or retracting a batch: at most 1000 ids). */
export const updateRemindersByIds = (db: Knex, ids: string[], patch: Row) => db('reminders').whereIn('id', ids).update(patch)

// ---- 回款: payment plans of sales past their due date ---------------------------------------------

const SALES = ['approved', 'shipped', 'completed']

/**
 * Plans of live sales due before `today` and not fully paid (open_due_date is set only while a
 * plan is not fully paid: an index range) without a reminder of that due date: of the whole
 * database, or of a slice of the customers (read by the plans' customer and open due date). For
 * some customers (a list: after a plan or payment write) also those with one, so its title
 * follows the unpaid amount.
 */
export function paymentDueCandidates(db: Knex, today: string, ids: Ids): Promise<Row[]> {
  const q = db('payment_plans as pp')
    .join('orders as o', 'o.id', 'pp.order_id')
    .join('customers as c', 'c.id', 'o.customer_id')
    .where('pp.open_due_date', '<', today)
    .whereNull('pp.deleted_at')
    .where((w) => whereLive(db, w, 'o.deleted_at'))
    .where((w) => whereLive(db, w, 'c.deleted_at'))
    // read by the plans' open due dates (set only while a sale's plan is not fully paid: a few
    // percent of them) or customers; SQLite would walk every live sale through its status index
    // (3.9 s of CPU at 548,000 orders, in one statement that holds the event loop)
    .where((w) => whereAmong(db, w, 'o.status', SALES, { unindexed: true }))
    .whereNotNull('o.owner_id')
  if (!Array.isArray(ids)) {
    q.whereNotExists(function () {
      this.select(db.raw('1'))
        .from('reminders as r')
        .where('r.source', 'payment_due')
        .whereRaw('r.source_id = pp.id')
        .whereRaw('r.basis_date = pp.due_date')
        .whereNull('r.retracted_at')
    })
  }
  // a plan's customer is its order's (kept by every order write): a slice reads the plans' own index
  return inCustomers(q, ids && !Array.isArray(ids) ? 'pp.customer_id' : 'o.customer_id', ids).select(
    'pp.id', 'pp.due_date', 'pp.amount_cents', 'pp.paid_cents', 'o.id as order_id', 'o.code as order_code', 'o.owner_id', 'o.customer_id',
    'c.name as customer_name',
  )
}

/** Open payment reminders whose plan was paid, moved, deleted, or whose order is no longer a live sale of that owner. */
export function paymentDueMismatches(db: Knex, ids: Ids): Promise<Row[]> {
  const q = db('reminders as r')
    .leftJoin('payment_plans as pp', 'pp.id', 'r.source_id')
    .leftJoin('orders as o', 'o.id', 'pp.order_id')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .where((w) => openOfSource(db, w, 'payment_due', narrowedBy(ids)))
    .where((w) =>
      w
        .whereNull('pp.id')
        .orWhereNotNull('pp.deleted_at')
        .orWhereNull('pp.open_due_date')
        .orWhereRaw('pp.due_date <> r.basis_date')
        .orWhereNull('o.id')
        .orWhereNotNull('o.deleted_at')
        .orWhereNotIn('o.status', SALES)
        .orWhereRaw('o.owner_id <> r.owner_id')
        .orWhereNotNull('c.deleted_at'),
    )
  return inCustomers(q, 'r.customer_id', ids).select(
    'r.id', 'r.owner_id', 'r.customer_id', 'r.basis_date',
    'pp.id as pp_id', 'pp.deleted_at as pp_deleted_at', 'pp.open_due_date as pp_open_due_date', 'pp.due_date as pp_due_date',
    'o.id as o_id', 'o.deleted_at as o_deleted_at', 'o.status as o_status', 'o.owner_id as o_owner_id', 'c.deleted_at as c_deleted_at',
  )
}
