// Knex queries of the 工作台: the per-user card layout (the cards themselves are counted by
// their areas' repositories, through their services).
import type { Knex } from 'knex'

export type Row = Record<string, unknown>

export const findLayout = (db: Knex, userId: string): Promise<Row | undefined> =>
  db('dashboard_layouts').where('user_id', userId).whereNull('deleted_at').first()

export const insertLayout = (db: Knex, row: Row) => db('dashboard_layouts').insert(row)

/** Updates the layout only while it still has `expectVersion`: 0 rows changed means someone saved first. */
export async function updateLayout(db: Knex, userId: string, patch: Row, expectVersion: number): Promise<number> {
  return Number(await db('dashboard_layouts').where({ user_id: userId }).where('version', expectVersion).update(patch))
}

export type BriefingColumn = 'customers' | 'contacts' | 'interactions'

/**
 * The 简报's kept sums (briefing_owner_day, migration 20261206005200: per customer owner and UTC
 * day, kept by triggers) of `col` over each span of whole UTC days [first, end) ('YYYY-MM-DD'; null:
 * none), for the owners `scope` lets through (a filter on b.owner_id). A few hundred rows at most:
 * the team's owners × the days (primary key owner_id, day; company scope: the day index).
 */
export function briefingDaysQuery(
  db: Knex, scope: (q: Knex.QueryBuilder) => void, col: BriefingColumn, spans: Array<{ first: string; end: string } | null>,
): Knex.QueryBuilder | null {
  const live = spans.filter((s): s is { first: string; end: string } => !!s)
  if (!live.length) return null
  const lo = live.reduce((a, s) => (s.first < a ? s.first : a), live[0].first)
  const hi = live.reduce((a, s) => (s.end > a ? s.end : a), live[0].end)
  const q = db('briefing_owner_day as b').where('b.day', '>=', lo).where('b.day', '<', hi)
  scope(q)
  return q.first(spans.map((s, i) => (s ? db.raw('sum(case when b.day >= ? and b.day < ? then ?? else 0 end) as ??', [s.first, s.end, `b.${col}`, `n_${i}`]) : db.raw('0 as ??', [`n_${i}`]))))
}

export async function sumBriefingDays(
  db: Knex, scope: (q: Knex.QueryBuilder) => void, col: BriefingColumn, spans: Array<{ first: string; end: string } | null>,
): Promise<number[]> {
  const q = briefingDaysQuery(db, scope, col, spans)
  const row: Row = (q ? await q : undefined) ?? {}
  return spans.map((_, i) => Number(row[`n_${i}`] ?? 0))
}
