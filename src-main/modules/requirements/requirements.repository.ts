// Knex queries of 客户需求单, their reviews (评议), changes (需求变更) and the tracking matrix.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import type { DataScope } from '../../contract/common'
import type { REQUIREMENT_SORT_FIELDS, RequirementFilter } from '../../contract/requirements'
import { REQUIREMENT_STATUSES } from '../../contract/requirements'
import { daysBetweenSql, whereContainsAny } from '../../db/dialect'

export type Row = Record<string, unknown>

/** Who is asking: a list is narrowed to the sheets they 负责, 对接 or whose customer they own (own/team). */
export interface Viewer {
  scope: DataScope
  userId: string
  teamId: string | null
}

/** The sheets a viewer may see: 负责人, 对接人 or the customer's owner in the scope. */
export function inViewerScope(q: Knex.QueryBuilder, db: Knex, v: Viewer) {
  if (v.scope === 'all') return q
  const cols = ['r.owner_id', 'r.liaison_id', 'c.owner_id']
  if (v.scope === 'team' && v.teamId) {
    const team = () => db('users').select('id').where('team_id', v.teamId)
    return q.where((w) => {
      for (const c of cols) w.orWhereIn(c, team())
    })
  }
  return q.where((w) => {
    for (const c of cols) w.orWhere(c, v.userId)
  })
}

/**
 * Days the finish is late as SQL (see requirements.flow delayDays): actual − planned once
 * finished, today − planned while open, never negative, 0 without a plan or when rejected.
 */
export function delayExpr(dialect: Dialect): { sql: string; bindings: (today: string) => string[] } {
  const done = daysBetweenSql(dialect, 'r.planned_finish', 'r.actual_finish')
  const open = daysBetweenSql(dialect, 'r.planned_finish', '?')
  return {
    sql:
      `(case when r.planned_finish is null or r.status = 'rejected' then 0 ` +
      `when r.actual_finish is not null then (case when ${done} > 0 then ${done} else 0 end) ` +
      `when r.status = 'done' then 0 ` +
      `when ${open} > 0 then ${open} else 0 end)`,
    bindings: (today) => [today, today],
  }
}

const LIST_COLUMNS = [
  'r.id', 'r.code', 'r.customer_id', 'c.name as customer_name', 'r.work_content', 'r.priority', 'r.status', 'r.owner_id', 'o.name as owner_name',
  'r.planned_start', 'r.planned_finish', 'r.actual_start', 'r.actual_finish', 'r.updated_at',
]

/** Live sheets of live customers, with the customer and the 负责人 joined (aliases r, c, o). */
export const requirementBase = (db: Knex) =>
  db('requirements as r')
    .join('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('users as o', 'o.id', 'r.owner_id')
    .whereNull('r.deleted_at')
    .whereNull('c.deleted_at')

const PRIORITY_ORDER = `(case r.priority when 'high' then 0 when 'medium' then 1 else 2 end)`
const STATUS_ORDER = `(case r.status ${REQUIREMENT_STATUSES.map((s, i) => `when '${s}' then ${i}`).join(' ')} else 99 end)`
const SORT: Record<(typeof REQUIREMENT_SORT_FIELDS)[number], string> = {
  code: 'r.code', priority: PRIORITY_ORDER, status: STATUS_ORDER, plannedStart: 'r.planned_start', plannedFinish: 'r.planned_finish',
  actualFinish: 'r.actual_finish', delayDays: '', updatedAt: 'r.updated_at',
}
const NULLABLE = new Set(['plannedStart', 'plannedFinish', 'actualFinish'])

export interface MatrixQuery {
  filter: RequirementFilter
  sort: { field: (typeof REQUIREMENT_SORT_FIELDS)[number]; order: 'asc' | 'desc' }
}

/**
 * The list / matrix statements: `filtered` (for the count), `rows(limit, offset)` with the delay
 * in days and the number of changes, ordered (ties by code, then id); for an export read in
 * chunks, `ids()` (every id in that order, one read) and `rowsOf(ids)` (those rows, any order;
 * ≤ 1,000 ids for SQL Server's 2,100 parameters).
 */
export function matrixQueries(db: Knex, dialect: Dialect, viewer: Viewer, today: string, input: MatrixQuery) {
  const delay = delayExpr(dialect)
  const f = input.filter
  const filtered = requirementBase(db)
  inViewerScope(filtered, db, viewer)
  if (f.status?.length) filtered.whereIn('r.status', f.status)
  if (f.priority) filtered.where('r.priority', f.priority)
  if (f.ownerId) filtered.where('r.owner_id', f.ownerId)
  if (f.customerId) filtered.where('r.customer_id', f.customerId)
  if (f.search) whereContainsAny(filtered, ['r.code', 'r.work_content', 'c.name'], f.search)
  if (f.delayedOnly) filtered.whereRaw(`${delay.sql} > 0`, delay.bindings(today))

  const withColumns = (q: Knex.QueryBuilder) =>
    q
      .select(LIST_COLUMNS)
      .select(db.raw(`${delay.sql} as delay_days`, delay.bindings(today)))
      .select(
        db('requirement_changes as rc').count('*').whereRaw('rc.requirement_id = r.id').whereNull('rc.deleted_at').as('change_count'),
      )
  const ordered = (q: Knex.QueryBuilder) => {
    const dir = input.sort.order
    if (input.sort.field === 'delayDays') q.orderByRaw(`${delay.sql} ${dir}`, delay.bindings(today))
    else {
      const col = SORT[input.sort.field]
      if (NULLABLE.has(input.sort.field)) q.orderByRaw(`case when ${col} is null then 1 else 0 end asc`)
      if (col.startsWith('(')) q.orderByRaw(`${col} ${dir}`)
      else q.orderBy(col, dir)
    }
    return q.orderBy([{ column: 'r.code', order: dir }, { column: 'r.id', order: dir }])
  }
  const rows = (page: { limit: number; offset: number } | null) => {
    const q = ordered(withColumns(filtered.clone()))
    if (page) q.limit(page.limit).offset(page.offset) // ordered above: OFFSET/FETCH on SQL Server
    return q
  }
  const ids = async (): Promise<string[]> => (await ordered(filtered.clone().select('r.id'))).map((r: Row) => String(r.id))
  const rowsOf = (ids: string[]): Promise<Row[]> => (ids.length ? withColumns(filtered.clone().whereIn('r.id', ids)) : Promise.resolve([]))
  return { filtered, rows, ids, rowsOf }
}

export async function countOf(q: Knex.QueryBuilder): Promise<number> {
  const row = await q.clone().clearSelect().clearOrder().count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

/** One live sheet with everything its card shows, and the teams of the people who may see it. */
export const findRequirement = (db: Knex, id: string): Promise<Row | undefined> =>
  db('requirements as r')
    .join('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('users as o', 'o.id', 'r.owner_id')
    .leftJoin('users as l', 'l.id', 'r.liaison_id')
    .leftJoin('users as co', 'co.id', 'c.owner_id')
    .leftJoin('users as ap', 'ap.id', 'r.approved_by')
    .leftJoin('users as rp', 'rp.id', 'r.reported_by')
    .leftJoin('users as rj', 'rj.id', 'r.rejected_by')
    .leftJoin('users as cb', 'cb.id', 'r.created_by')
    .where('r.id', id)
    .whereNull('r.deleted_at')
    .whereNull('c.deleted_at')
    .first(
      'r.*', 'c.name as customer_name', 'c.owner_id as customer_owner_id', 'o.name as owner_name', 'o.team_id as owner_team_id',
      'l.name as liaison_name', 'l.team_id as liaison_team_id', 'co.team_id as customer_owner_team_id', 'ap.name as approved_by_name',
      'rp.name as reported_by_name', 'rj.name as rejected_by_name', 'cb.name as created_by_name',
    )

export const reviewsOf = (db: Knex, requirementId: string): Promise<Row[]> =>
  db('requirement_reviews as v')
    .leftJoin('users as u', 'u.id', 'v.reviewer_id')
    .where('v.requirement_id', requirementId)
    .whereNull('v.deleted_at')
    .orderBy([{ column: 'v.created_at' }, { column: 'v.id' }])
    .select('v.*', 'u.name as reviewer_name')

export const changesOf = (db: Knex, requirementId: string): Promise<Row[]> =>
  db('requirement_changes as h')
    .leftJoin('users as u', 'u.id', 'h.changed_by')
    .where('h.requirement_id', requirementId)
    .whereNull('h.deleted_at')
    .orderBy([{ column: 'h.created_at', order: 'desc' }, { column: 'h.id' }])
    .select('h.*', 'u.name as changed_by_name')

export const codeExists = async (db: Knex, code: string) => !!(await db('requirements').where({ code }).first('id'))
export const insertRequirement = (db: Knex, row: Row) => db('requirements').insert(row)

/** Updates a live sheet only while it still has `expectVersion` (0 rows: someone changed it meanwhile). */
export const updateRequirement = (db: Knex, id: string, patch: Row, expectVersion: number) =>
  db('requirements').where({ id, version: expectVersion }).whereNull('deleted_at').update(patch)

export const findReview = (db: Knex, requirementId: string, departmentId: string): Promise<Row | undefined> =>
  db('requirement_reviews').where({ requirement_id: requirementId, department_id: departmentId }).whereNull('deleted_at').first()
export const insertReview = (db: Knex, row: Row) => db('requirement_reviews').insert(row)
export const updateReview = (db: Knex, id: string, patch: Row) => db('requirement_reviews').where({ id }).update(patch)

export const insertChanges = (db: Knex, rows: Row[]) => (rows.length ? db('requirement_changes').insert(rows) : Promise.resolve())

export const findUserRow = (db: Knex, id: string): Promise<Row | undefined> =>
  db('users').where({ id }).whereNull('deleted_at').first('id', 'name', 'team_id', 'disabled')

export const customerOf = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c').leftJoin('users as u', 'u.id', 'c.owner_id').where('c.id', id).whereNull('c.deleted_at').first('c.id', 'c.name', 'c.owner_id', 'u.team_id as owner_team_id')
