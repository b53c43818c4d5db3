// The 销售漏斗's summaries (knex only): opportunity_stats, per owner × month of creation (UTC) ×
// 客户经理 × stage × status, the count, Σ expected amount and Σ amount × probability of the live
// opportunities; opportunity_closed_stats, per owner × month of closing × outcome × 失败原因 ×
// 机会来源, the count and Σ amount of the won and lost ones. Every write of an opportunity
// (insertOpportunity / updateOpportunity in opportunities.repository.ts) moves its row out of
// the cells it was in and into the ones it is in now, by adding deltas inside the write's
// transaction (upsertAdd: race-free), so the summaries are exact at every commit. A cell whose
// count fell to 0 stays (it adds nothing); rebuildOpportunityStats() makes both from the rows
// (bulk loads: crm demo). Migration 20261206002300 made them for existing databases.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { insertChunked, monthOfInstant, toIso, toNum, upsertAdd } from '../../db/dialect'
import { namedId } from '../../db/ids'

type Row = Record<string, unknown>
export type StatsScopeFn = (q: Knex.QueryBuilder) => void

/** The columns of an opportunity the summaries depend on. */
export const STATS_COLUMNS = [
  'id', 'owner_id', 'created_at', 'assigned_to', 'stage_id', 'status', 'deleted_at', 'expected_amount_cents', 'probability', 'closed_at',
  'lost_reason_id', 'source_id',
]

const idText = (v: unknown) => (v === null || v === undefined ? '-' : String(v).toLowerCase())
const idOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())

export const funnelCellId = (c: { owner_id: unknown; month: string; assigned_to: unknown; stage_id: unknown; status: string }) =>
  namedId(`opportunity_stats|${idText(c.owner_id)}|${c.month}|${idText(c.assigned_to)}|${idText(c.stage_id)}|${c.status}`)
export const closedCellId = (c: { owner_id: unknown; month: string; status: string; lost_reason_id: unknown; source_id: unknown }) =>
  namedId(`opportunity_closed_stats|${idText(c.owner_id)}|${c.month}|${c.status}|${idText(c.lost_reason_id)}|${idText(c.source_id)}`)

/**
 * The closed cell's outcome: a lost one by its 失败原因, a won one by its 机会来源 (what the
 * funnel's breakdowns show; the other column is left out, which halves the cells).
 */
const closedKind = (status: string, reason: unknown, source: unknown) =>
  status === 'lost' ? { status, lost_reason_id: idOrNull(reason), source_id: null } : { status, lost_reason_id: null, source_id: idOrNull(source) }

interface Delta {
  table: 'opportunity_stats' | 'opportunity_closed_stats'
  key: Row
  add: Record<string, number>
}

/** The cells one opportunity row counts in (none once deleted), with its share of each. */
function cellsOf(r: Row | undefined, sign: 1 | -1): Delta[] {
  if (!r || r.deleted_at) return []
  const amount = toNum(r.expected_amount_cents) ?? 0
  const status = String(r.status)
  const out: Delta[] = []
  const created = toIso(r.created_at)
  if (created) {
    const key = { owner_id: idOrNull(r.owner_id), month: created.slice(0, 7), assigned_to: idOrNull(r.assigned_to), stage_id: idOrNull(r.stage_id), status }
    out.push({
      table: 'opportunity_stats', key: { id: funnelCellId(key), ...key },
      add: { opp_count: sign, amount_cents: sign * amount, weighted: sign * amount * Number(r.probability ?? 0) },
    })
  }
  const closed = toIso(r.closed_at)
  if (closed && (status === 'won' || status === 'lost')) {
    const key = { owner_id: idOrNull(r.owner_id), month: closed.slice(0, 7), ...closedKind(status, r.lost_reason_id, r.source_id) }
    out.push({ table: 'opportunity_closed_stats', key: { id: closedCellId(key), ...key }, add: { opp_count: sign, amount_cents: sign * amount } })
  }
  return out
}

/** The summary columns of one opportunity as stored now (deleted ones too). */
export const statsFacts = (db: Knex, id: string): Promise<Row | undefined> => db('opportunities').where({ id }).first(STATS_COLUMNS)

/**
 * Moves one opportunity in the summaries from `before` (its row before the write; undefined for
 * a new one) to `after` (its row now): the cells both are in with the same figures are left alone.
 */
export async function moveInStats(trx: Knex, dialect: Dialect, before: Row | undefined, after: Row | undefined) {
  const deltas = new Map<string, Delta>()
  for (const d of [...cellsOf(before, -1), ...cellsOf(after, 1)]) {
    const id = String(d.key.id)
    const have = deltas.get(id)
    if (!have) {
      deltas.set(id, { ...d, add: { ...d.add } })
      continue
    }
    for (const [c, v] of Object.entries(d.add)) have.add[c] = (have.add[c] ?? 0) + v
  }
  for (const d of deltas.values()) {
    if (Object.values(d.add).every((v) => v === 0)) continue
    await upsertAdd(trx, dialect, d.table, d.key, ['id'], d.add)
  }
}

// ---- rebuilding ----------------------------------------------------------------------------------

/** Every funnel cell grouped from the live opportunities (the month expression the same in SELECT and GROUP BY). */
export function funnelCellsGrouped(db: Knex) {
  const created = monthOfInstant(db, 'created_at', 0)
  return db('opportunities')
    .whereNull('deleted_at')
    .groupBy('owner_id', created, 'assigned_to', 'stage_id', 'status')
    .select(
      'owner_id', db.raw('? as ??', [created, 'month']), 'assigned_to', 'stage_id', 'status', db.raw('count(*) as ??', ['n']),
      db.raw('sum(??) as ??', ['expected_amount_cents', 'amount']), db.raw('sum(?? * ??) as ??', ['expected_amount_cents', 'probability', 'weighted']),
    )
}

/** Every closed cell grouped from the live won and lost opportunities. */
export function closedCellsGrouped(db: Knex) {
  const closedMonth = monthOfInstant(db, 'closed_at', 0)
  return db('opportunities')
    .whereNull('deleted_at')
    .whereIn('status', ['won', 'lost'])
    .whereNotNull('closed_at')
    .groupBy('owner_id', closedMonth, 'status', 'lost_reason_id', 'source_id')
    .select(
      'owner_id', db.raw('? as ??', [closedMonth, 'month']), 'status', 'lost_reason_id', 'source_id', db.raw('count(*) as ??', ['n']),
      db.raw('sum(??) as ??', ['expected_amount_cents', 'amount']),
    )
}

/** Both summaries made afresh from the opportunities (after bulk loads such as `crm demo`). */
export async function rebuildOpportunityStats(trx: Knex, dialect: Dialect) {
  await trx('opportunity_stats').delete()
  await trx('opportunity_closed_stats').delete()
  const funnel: Row[] = await funnelCellsGrouped(trx)
  await insertChunked(trx, dialect, 'opportunity_stats', funnel.map((r) => {
    const key = { owner_id: idOrNull(r.owner_id), month: String(r.month), assigned_to: idOrNull(r.assigned_to), stage_id: idOrNull(r.stage_id), status: String(r.status) }
    return { id: funnelCellId(key), ...key, opp_count: Number(r.n), amount_cents: toNum(r.amount) ?? 0, weighted: toNum(r.weighted) ?? 0 }
  }))
  const closed = new Map<string, Row & { opp_count: number; amount_cents: number }>()
  for (const r of (await closedCellsGrouped(trx)) as Row[]) {
    const key = { owner_id: idOrNull(r.owner_id), month: String(r.month), ...closedKind(String(r.status), r.lost_reason_id, r.source_id) }
    const id = closedCellId(key)
    const cell = closed.get(id) ?? { id, ...key, opp_count: 0, amount_cents: 0 }
    cell.opp_count += Number(r.n)
    cell.amount_cents += toNum(r.amount) ?? 0
    closed.set(id, cell)
  }
  await insertChunked(trx, dialect, 'opportunity_closed_stats', [...closed.values()])
}

// ---- reading -------------------------------------------------------------------------------------

/** Months [fromMonth, toMonth) (YYYY-MM; null: unbounded). */
export interface MonthRange {
  fromMonth: string | null
  toMonth: string | null
}
const inMonths = (q: Knex.QueryBuilder, m: MonthRange) => {
  if (m.fromMonth) q.where('s.month', '>=', m.fromMonth)
  if (m.toMonth) q.where('s.month', '<', m.toMonth)
  return q
}

/** As funnelCells, for the opportunities created in whole months, from opportunity_stats (alias s). */
export const funnelStatsCells = (db: Knex, scope: StatsScopeFn, m: MonthRange) => {
  const q = inMonths(db('opportunity_stats as s'), m)
  scope(q)
  return q
    .groupBy('s.assigned_to', 's.stage_id', 's.status')
    .havingRaw('sum(??) > 0', ['s.opp_count'])
    .select('s.assigned_to', 's.stage_id', 's.status', db.raw('sum(??) as ??', ['s.opp_count', 'n']), db.raw('sum(??) as ??', ['s.amount_cents', 'amount']), db.raw('sum(??) as ??', ['s.weighted', 'weighted']))
}

/** As closedCells, for the opportunities closed in whole months, from opportunity_closed_stats (alias s). */
export const closedStatsCells = (db: Knex, scope: StatsScopeFn, m: MonthRange) => {
  const q = inMonths(db('opportunity_closed_stats as s'), m)
  scope(q)
  return q
    .groupBy('s.status', 's.lost_reason_id', 's.source_id')
    .havingRaw('sum(??) > 0', ['s.opp_count'])
    .select('s.status', 's.lost_reason_id', 's.source_id', db.raw('sum(??) as ??', ['s.opp_count', 'n']), db.raw('sum(??) as ??', ['s.amount_cents', 'amount']))
}

/**
 * How many live opportunities the summaries hold in scope, with the list's status, stage and
 * 客户经理 filters (the opportunity list's count without a search or another filter: a few
 * hundred cells instead of every row).
 */
export async function statsCount(db: Knex, scope: StatsScopeFn, f: { status?: string; stageId?: string; assignedTo?: string }): Promise<number> {
  const q = db('opportunity_stats as s')
  scope(q)
  if (f.status) q.where('s.status', f.status)
  if (f.stageId) q.where('s.stage_id', f.stageId)
  if (f.assignedTo) q.where('s.assigned_to', f.assignedTo)
  const r = await q.first(db.raw('sum(??) as ??', ['s.opp_count', 'n']))
  return Number(r?.n ?? 0)
}
