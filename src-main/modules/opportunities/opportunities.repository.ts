// Opportunities and their plan steps: knex only. Rows go in and out snake_case; the service maps them.
import type { Knex } from 'knex'
import type { DataScope } from '../../contract/common'
import type { BoardFilter, OPPORTUNITY_SORT_FIELDS, OpportunityFilter } from '../../contract/opportunities'
import { boundedSearchFrom, dialectOf, OPPORTUNITY_SEARCH_INDEX, searchIndexQuery, textSearchIndexCount, whereLike, whereTextSearchIndexed } from '../../db/dialect'
import type { Actor } from '../context'
import { moveInStats, STATS_COLUMNS, statsFacts, type StatsScopeFn } from './stats.repository'

type Row = Record<string, unknown>
export type ScopeFn = (q: Knex.QueryBuilder) => void

/**
 * The data scope of opportunities (alias `o`): own = owned (assigned to or, unassigned, created
 * by the actor) or created by the actor; team = owned by someone of the actor's team; all.
 */
export function scopeOpportunities(db: Knex, actor: Actor, scope: DataScope): ScopeFn {
  return (q) => {
    if (scope === 'all') return
    if (scope === 'team' && actor.teamId) {
      // written so no index serves it: a team holds a fifth of the rows, and reading them through
      // the owner_id index (row by row) costs twice a scan of the covering board/funnel indexes
      q.whereRaw('coalesce(??, ??) in ?', ['o.owner_id', 'o.owner_id', db('users').select('id').where('team_id', actor.teamId)])
      return
    }
    q.where((w) => w.where('o.owner_id', actor.userId).orWhere('o.created_by', actor.userId))
  }
}

/**
 * The data scope on the funnel's summaries (alias `s`, keyed by owner), or null when they cannot
 * answer it: `own` also counts what the actor created for others (not in the summaries).
 */
export function scopeOpportunityStats(db: Knex, actor: Actor, scope: DataScope): StatsScopeFn | null {
  if (scope === 'all') return () => undefined
  if (scope === 'team' && actor.teamId) return (q) => void q.whereIn('s.owner_id', db('users').select('id').where('team_id', actor.teamId))
  return null
}

/**
 * The scope narrowed to the opportunities the search index offers for the (lower-case) term
 * (migration 20261206002310); the filter's LIKE still checks each, so the answer is the same.
 */
export function scopeWithSearchIndex(db: Knex, scope: ScopeFn, term: string): ScopeFn {
  return (q) => {
    scope(q)
    whereTextSearchIndexed(db, q, dialectOf(db), OPPORTUNITY_SEARCH_INDEX, 'o.id', 'o.search_text', term)
  }
}

/**
 * Up to this many opportunities offered by the search index, the search reads them through it;
 * a more common term reads the (covering) rows in scope and lets LIKE pick, which is cheaper
 * than fetching that many rows one by one.
 */
export const SEARCH_INDEX_CAP = 5000

/** The scope for a list or board with this search: narrowed by the search index when it offers few enough rows. */
export async function scopeForSearch(db: Knex, scope: ScopeFn, search: string | undefined): Promise<ScopeFn> {
  const term = search?.toLowerCase()
  if (!term) return scope
  const n = await textSearchIndexCount(db, dialectOf(db), OPPORTUNITY_SEARCH_INDEX, term, SEARCH_INDEX_CAP)
  return n <= SEARCH_INDEX_CAP ? scopeWithSearchIndex(db, scope, term) : scope
}

/** The owner and the owner's team of a live opportunity, for the single-row scope check. */
export const opportunityScopeFacts = (db: Knex, id: string): Promise<{ owner_id: string | null; owner_team_id: string | null; created_by: string } | undefined> =>
  db('opportunities as o')
    .leftJoin('users as ow', 'ow.id', 'o.owner_id')
    .where('o.id', id)
    .whereNull('o.deleted_at')
    .first('o.owner_id', 'ow.team_id as owner_team_id', 'o.created_by')

const NAMED_COLUMNS = [
  'o.*', 'at.name as assigned_to_name', 'ab.name as assigned_by_name', 'cb.name as created_by_name', 'c.code as customer_code',
]
function named(db: Knex) {
  return db('opportunities as o')
    .leftJoin('users as at', 'at.id', 'o.assigned_to')
    .leftJoin('users as ab', 'ab.id', 'o.assigned_by')
    .leftJoin('users as cb', 'cb.id', 'o.created_by')
    .leftJoin('customers as c', (j) => j.on('c.id', '=', 'o.customer_id').andOnNull('c.deleted_at'))
}

export const findOpportunity = (db: Knex, id: string): Promise<Row | undefined> =>
  named(db).where('o.id', id).whereNull('o.deleted_at').first(NAMED_COLUMNS)

export const rowsByIds = (db: Knex, ids: string[]): Promise<Row[]> => named(db).whereIn('o.id', ids).select(NAMED_COLUMNS)

/** What a board card shows, for the given opportunities. */
export const cardRowsByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  ids.length
    ? db('opportunities as o')
        .leftJoin('users as at', 'at.id', 'o.assigned_to')
        .whereIn('o.id', ids)
        .select(
          'o.id', 'o.code', 'o.customer_name', 'o.summary', 'o.probability', 'o.expected_amount_cents', 'o.expected_close_date', 'o.stage_id',
          'o.status', 'o.assigned_to', 'o.created_by', 'o.version', 'at.name as assigned_to_name',
        )
    : Promise.resolve([])

/** Inserts an opportunity and counts it in the funnel's summaries (call inside the write's transaction). */
export async function insertOpportunity(db: Knex, row: Row) {
  await db('opportunities').insert(row)
  await moveInStats(db, dialectOf(db), undefined, await statsFacts(db, String(row.id)))
}

/**
 * Updates a live opportunity while its version is still `expectVersion`; answers the rows changed.
 * Moves it in the funnel's summaries from its cells at that version to its cells now (call
 * inside the write's transaction; a soft delete takes it out).
 */
export async function updateOpportunity(db: Knex, id: string, patch: Row, expectVersion: number): Promise<number> {
  const before = await db('opportunities').where({ id, version: expectVersion }).whereNull('deleted_at').first(STATS_COLUMNS)
  if (!before) return 0
  const n = await db('opportunities').where({ id, version: expectVersion }).whereNull('deleted_at').update(patch)
  if (n) await moveInStats(db, dialectOf(db), before, await statsFacts(db, id))
  return n
}

export const codeExists = async (db: Knex, code: string) => !!(await db('opportunities').where({ code }).first('id'))

// ---- list ------------------------------------------------------------------------------------

const SORT_COLUMNS: Record<(typeof OPPORTUNITY_SORT_FIELDS)[number], string> = {
  code: 'o.code', customerName: 'o.customer_name', probability: 'o.probability', expectedAmountCents: 'o.expected_amount_cents',
  expectedCloseDate: 'o.expected_close_date', createdAt: 'o.created_at', updatedAt: 'o.updated_at', assignedAt: 'o.assigned_at',
}
const NULLABLE_SORT = new Set(['expectedAmountCents', 'expectedCloseDate', 'assignedAt'])

export interface ListQuery {
  page: number
  pageSize: number
  filter: OpportunityFilter
  sort: { field: (typeof OPPORTUNITY_SORT_FIELDS)[number]; order: 'asc' | 'desc' }
}

function applyFilter(db: Knex, q: Knex.QueryBuilder, f: OpportunityFilter) {
  if (f.status) q.where('o.status', f.status)
  if (f.sourceId) q.where('o.source_id', f.sourceId)
  if (f.stageId) q.where('o.stage_id', f.stageId)
  if (f.assignedTo) q.where('o.assigned_to', f.assignedTo)
  if (f.createdBy) q.where('o.created_by', f.createdBy)
  if (f.probabilityMin !== undefined) q.where('o.probability', '>=', f.probabilityMin)
  if (f.probabilityMax !== undefined) q.where('o.probability', '<=', f.probabilityMax)
  if (f.createdFrom) q.where('o.created_at', '>=', f.createdFrom)
  if (f.createdTo) q.where('o.created_at', '<', f.createdTo)
  if (f.statuses) q.whereIn('o.status', f.statuses)
  // as the funnel filters them (the report's drill-down lists what its row counted)
  funnelFilter(db, q, { teamId: f.teamId, regionId: f.regionId, levelId: f.levelId })
  if (f.closeFrom) q.where('o.expected_close_date', '>=', f.closeFrom)
  if (f.closeTo) q.where('o.expected_close_date', '<=', f.closeTo)
  if (f.search) whereLike(q, 'o.search_text', f.search.toLowerCase())
  return q
}

/** Live opportunities in scope matching the filter (alias `o`). */
const filtered = (db: Knex, scope: ScopeFn, f: OpportunityFilter) => {
  const q = db('opportunities as o').whereNull('o.deleted_at')
  scope(q)
  return applyFilter(db, q, f)
}

export async function countOpportunities(db: Knex, scope: ScopeFn, f: OpportunityFilter): Promise<number> {
  const row = await filtered(db, scope, f).count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

/**
 * Ids of one page of the ordered list (nulls last either way; ties broken by id). `window` (dialect
 * pageWindow) reads a page past the middle from the other end, every term of the order reversed
 * (the covering indexes of migration 20261206003410 read either way).
 */
export function pageIds(db: Knex, scope: ScopeFn, input: ListQuery, window?: { offset: number; limit: number; reverse: boolean }) {
  const q = filtered(db, scope, input.filter).select('o.id')
  const w = window ?? { offset: (input.page - 1) * input.pageSize, limit: input.pageSize, reverse: false }
  const flip = (o: 'asc' | 'desc') => (w.reverse ? (o === 'asc' ? 'desc' : 'asc') : o)
  const col = SORT_COLUMNS[input.sort.field]
  if (NULLABLE_SORT.has(input.sort.field)) q.orderByRaw(`case when ?? is null then 1 else 0 end ${flip('asc')}`, [col])
  q.orderBy([{ column: col, order: flip(input.sort.order) }, { column: 'o.id', order: flip(input.sort.order) }])
  return q.limit(w.limit).offset(w.offset) // ordered: OFFSET/FETCH on SQL Server
}

// ---- board -------------------------------------------------------------------------------------

const OPEN = ['unassigned', 'assigned']

function openOpportunities(db: Knex, scope: ScopeFn, f: BoardFilter) {
  const q = db('opportunities as o').whereIn('o.status', OPEN).whereNull('o.deleted_at')
  scope(q)
  if (f.assignedTo) q.where('o.assigned_to', f.assignedTo)
  if (f.sourceId) q.where('o.source_id', f.sourceId)
  if (f.search) whereLike(q, 'o.search_text', f.search.toLowerCase())
  return q
}

/**
 * Per status and stage (null: none): count, Σ amount and Σ amount × probability of the open
 * opportunities (grouped by status too, so the index order serves the grouping: no sort).
 */
export const boardTotals = (db: Knex, scope: ScopeFn, f: BoardFilter): Promise<Array<{ stage_id: string | null; n: unknown; amount: unknown; weighted: unknown }>> =>
  openOpportunities(db, scope, f)
    .groupBy('o.status', 'o.stage_id')
    .select('o.status', 'o.stage_id')
    .count({ n: '*' })
    .sum({ amount: 'o.expected_amount_cents' })
    .select(db.raw('sum(?? * ??) as ??', ['o.expected_amount_cents', 'o.probability', 'weighted']))

/** Every open opportunity in scope, most recently changed first (id and stage: a narrow board's cards). */
export const boardAllCards = (db: Knex, scope: ScopeFn, f: BoardFilter): Promise<Array<{ id: string; stage_id: string | null }>> =>
  openOpportunities(db, scope, f).select('o.id', 'o.stage_id').orderBy([{ column: 'o.updated_at', order: 'desc' }, { column: 'o.id', order: 'desc' }])

/** The most recently changed open opportunities of one stage (null: without a stage). */
export function boardCards(db: Knex, scope: ScopeFn, f: BoardFilter, stageId: string | null, limit: number): Promise<Array<{ id: string }>> {
  const q = openOpportunities(db, scope, f).select('o.id')
  if (stageId) q.where('o.stage_id', stageId)
  else q.whereNull('o.stage_id')
  return q.orderBy([{ column: 'o.updated_at', order: 'desc' }, { column: 'o.id', order: 'desc' }]).limit(limit)
}

// ---- funnel ------------------------------------------------------------------------------------

export interface FunnelCell {
  assigned_to: string | null
  stage_id: string | null
  status: string
  /** the customer's region (grouped by region only) */
  region_id?: string | null
  n: unknown
  amount: unknown
  weighted: unknown
}

/** Narrows the funnel (统计报表): the 客户经理 (assignee) or a team's, the customer's region or level. */
export interface FunnelFilter {
  ownerId?: string
  teamId?: string
  regionId?: string
  levelId?: string
}

function funnelFilter(db: Knex, q: Knex.QueryBuilder, f: FunnelFilter | undefined) {
  if (!f) return q
  if (f.ownerId) q.where('o.assigned_to', f.ownerId)
  if (f.teamId) q.whereIn('o.assigned_to', db('users').select('id').where('team_id', f.teamId))
  if (f.regionId || f.levelId) {
    const customers = db('customers as fc').select('fc.id').whereNull('fc.deleted_at')
    if (f.regionId) customers.where('fc.region_id', f.regionId)
    if (f.levelId) customers.where('fc.level_id', f.levelId)
    q.whereIn('o.customer_id', customers)
  }
  return q
}

/** Opportunities created in [from, to), by 客户经理, stage and status (and the customer's region when grouped by it). */
export function funnelCells(db: Knex, scope: ScopeFn, from: string | null, to: string | null, opts: { filter?: FunnelFilter; byRegion?: boolean } = {}): Promise<FunnelCell[]> {
  const q = db('opportunities as o').whereNull('o.deleted_at')
  if (from) q.where('o.created_at', '>=', from)
  if (to) q.where('o.created_at', '<', to)
  scope(q)
  funnelFilter(db, q, opts.filter)
  if (opts.byRegion) {
    // a prospect (no customer) or a deleted customer: no region
    q.leftJoin('customers as c', (j) => j.on('c.id', '=', 'o.customer_id').andOnNull('c.deleted_at')).groupBy('c.region_id').select('c.region_id as region_id')
  }
  return q
    .groupBy('o.assigned_to', 'o.stage_id', 'o.status')
    .select('o.assigned_to', 'o.stage_id', 'o.status')
    .count({ n: '*' })
    .sum({ amount: 'o.expected_amount_cents' })
    .select(db.raw('sum(?? * ??) as ??', ['o.expected_amount_cents', 'o.probability', 'weighted']))
}

/** Opportunities closed in [from, to), by outcome, 失败原因 and 机会来源. */
export function closedCells(db: Knex, scope: ScopeFn, from: string | null, to: string | null, filter?: FunnelFilter): Promise<Array<{ status: string; lost_reason_id: string | null; source_id: string | null; n: unknown; amount: unknown }>> {
  const q = db('opportunities as o').whereIn('o.status', ['won', 'lost']).whereNull('o.deleted_at')
  if (from) q.where('o.closed_at', '>=', from)
  if (to) q.where('o.closed_at', '<', to)
  else q.whereNotNull('o.closed_at')
  scope(q)
  funnelFilter(db, q, filter)
  return q
    .groupBy('o.status', 'o.lost_reason_id', 'o.source_id')
    .select('o.status', 'o.lost_reason_id', 'o.source_id')
    .count({ n: '*' })
    .sum({ amount: 'o.expected_amount_cents' })
}

// ---- assignees -------------------------------------------------------------------------------

/** Enabled users whose role holds the opportunities permission, with their team. */
export function usersWithOpportunityRole(db: Knex, teamId: string | null): Promise<Array<{ id: string; name: string; team_id: string | null; team_name: string | null; actions: string }>> {
  const q = db('users as u')
    .join('role_permissions as rp', (j) => j.on('rp.role_id', '=', 'u.role_id').andOnVal('rp.module', '=', 'opportunities'))
    .leftJoin('teams as t', 't.id', 'u.team_id')
    .whereNull('u.deleted_at')
    .where('u.disabled', false)
  if (teamId) q.where('u.team_id', teamId)
  return q.orderBy([{ column: 'u.name' }, { column: 'u.id' }]).select('u.id', 'u.name', 'u.team_id', 't.name as team_name', 'rp.actions')
}

/** Assigned, still open opportunities per 客户经理. */
export const openLoads = (db: Knex, userIds: string[]): Promise<Array<{ assigned_to: string; n: unknown }>> =>
  userIds.length
    ? db('opportunities').whereIn('assigned_to', userIds).where('status', 'assigned').whereNull('deleted_at').groupBy('assigned_to').select('assigned_to').count({ n: '*' })
    : Promise.resolve([])

/** How many live customers each owner has per value of a customer column (region_id, industry_id). */
export const customerSpread = (db: Knex, ownerIds: string[], column: 'region_id' | 'industry_id'): Promise<Array<{ owner_id: string; value: string; n: unknown }>> =>
  ownerIds.length
    ? db('customers')
        .whereIn('owner_id', ownerIds)
        .whereNull('deleted_at')
        .whereNotNull(column)
        .groupBy('owner_id', column)
        .select('owner_id', { value: column })
        .count({ n: '*' })
    : Promise.resolve([])

export const teamNames = (db: Knex, ids: string[]): Promise<Array<{ id: string; name: string }>> =>
  ids.length ? db('teams').whereIn('id', ids).select('id', 'name') : Promise.resolve([])

export const userTeams = (db: Knex, ids: string[]): Promise<Array<{ id: string; name: string; team_id: string | null }>> =>
  ids.length ? db('users').whereIn('id', ids).select('id', 'name', 'team_id') : Promise.resolve([])

// ---- plan steps --------------------------------------------------------------------------------

export const stepsOf = (db: Knex, opportunityId: string): Promise<Row[]> =>
  db('plan_steps').where({ opportunity_id: opportunityId }).whereNull('deleted_at').orderBy([{ column: 'seq' }, { column: 'created_at' }, { column: 'id' }]).select('*')

export const findStep = (db: Knex, id: string): Promise<Row | undefined> => db('plan_steps').where({ id }).whereNull('deleted_at').first()

export const insertStep = (db: Knex, row: Row) => db('plan_steps').insert(row)

export const updateStep = (db: Knex, id: string, patch: Row, expectVersion?: number): Promise<number> => {
  const q = db('plan_steps').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

/** Moves an opportunity's live steps to a new owner (the new 客户经理). */
export const moveSteps = (db: Knex, opportunityId: string, patch: Row) =>
  db('plan_steps').where({ opportunity_id: opportunityId }).whereNull('deleted_at').update(patch)

// ---- global search ------------------------------------------------------------------------

/** 全局搜索: up to `cap` live opportunities in scope whose search text holds the (lower-case) term, in no order. */
export function searchMatches(db: Knex, scope: ScopeFn, term: string, cap: number): Promise<Array<{ id: string; search_text: string | null }>> {
  const q = db('opportunities as o').whereNull('o.deleted_at')
  scope(q)
  if (searchBounded(db, term)) {
    // a term no index narrows: among at most SEARCH_SCAN_BOUND opportunities in scope, never a whole-table scan
    return whereLike(boundedSearchFrom(db, q.select('o.id', 'o.search_text'), 'o', SEARCH_SCAN_BOUND), 'o.search_text', term).select('o.id', 'o.search_text').limit(cap)
  }
  return whereLike(q, 'o.search_text', term).select('o.id', 'o.search_text').limit(cap)
}

/** Opportunities 全局搜索 reads at most for a term no index narrows on SQLite (as the customers' SEARCH_SCAN_BOUND). */
export const SEARCH_SCAN_BOUND = 5000

/**
 * Whether searchMatches reads a bounded number of rows: on SQLite a term the trigram index cannot
 * narrow (1 Chinese character, 2 Latin letters or digits) otherwise LIKE-scans every opportunity
 * in scope until `cap` matches (all 20,000 when fewer match: 15 ms CPU). An opportunity beyond
 * those rows is not found by such a term (as customers). PostgreSQL's GIN grams serve it; SQL
 * Server scans (no index).
 */
export const searchBounded = (db: Knex, term: string): boolean => dialectOf(db) === 'sqlite' && !searchIndexQuery(term)

/** What a search hit shows of the given opportunities. */
export const searchRowsByIds = (db: Knex, ids: string[]): Promise<Row[]> =>
  db('opportunities as o')
    .whereIn('o.id', ids)
    .select('o.id', 'o.code', 'o.customer_name', 'o.summary', 'o.contact_name', 'o.contact_phone', 'o.customer_id')

/** Opportunities in scope created in each range [from, to), in one pass (the 工作台's 新增商机). */
export async function countCreatedIn(db: Knex, scope: ScopeFn, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  if (!ranges.length) return []
  const lo = ranges.reduce((a, r) => (r.from < a ? r.from : a), ranges[0].from)
  const hi = ranges.reduce((a, r) => (r.to > a ? r.to : a), ranges[0].to)
  const q = db('opportunities as o').whereNull('o.deleted_at').where('o.created_at', '>=', lo).where('o.created_at', '<', hi)
  scope(q)
  const row: Record<string, unknown> =
    (await q.first(ranges.map((r, i) => db.raw('sum(case when o.created_at >= ? and o.created_at < ? then 1 else 0 end) as ??', [r.from, r.to, `n_${i}`])))) ?? {}
  return ranges.map((_, i) => Number(row[`n_${i}`] ?? 0))
}
