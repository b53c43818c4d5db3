// The 销售漏斗's summaries (issue 9: the funnel over 100,000 opportunities under 100 ms): instead
// of reading every index entry of the period, the funnel reads the whole months of it here.
// - opportunity_stats: per owner × month of created_at (UTC, YYYY-MM) × 客户经理 (assigned_to) ×
//   stage × status, the count, Σ expected_amount_cents and Σ expected_amount_cents × probability
//   of the live opportunities;
// - opportunity_closed_stats: per owner × month of closed_at × status × 失败原因 (lost ones) or
//   机会来源 (won ones), the count and Σ expected_amount_cents.
// Each with a covering index in the funnel's grouping order (read without a sort).
// id: a name-based UUID of the cell's key (namedId in src-main/db/ids.ts), so every writer finds
// a cell by its key; kept by deltas inside each opportunity write's transaction
// (src-main/modules/opportunities/stats.repository.ts). Derived data: not synced, rebuilt at
// will. Filled here from the opportunities. On SQL Server the key is NONCLUSTERED (a heap), as
// for the other derived stats tables (migration 20261206001400).
import type { Knex } from 'knex'
import { namedId } from '../../src-main/db/ids'
import { dialectOf, insertChunked, toNum } from '../../src-main/db/dialect'

type T = Knex.CreateTableBuilder

const isMssql = (knex: Knex) => String(knex.client.config.client) === 'mssql'
const uuidKey = (knex: Knex, t: T) => (isMssql(knex) ? t.uuid('id').notNullable() : t.uuid('id').primary())
async function keyTable(knex: Knex, table: string) {
  if (!isMssql(knex)) return
  await knex.schema.raw(knex.raw('alter table ?? add constraint ?? primary key nonclustered (??)', [table, `${table}_pkey`, 'id']).toQuery())
}

const idText = (v: unknown) => (v === null || v === undefined ? '-' : String(v).toLowerCase())
const idOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())
type Row = Record<string, unknown>
/** The rows a select answered (printing the SQL answers no rows). */
const rowsOf = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : [])

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('opportunity_stats', (t) => {
    uuidKey(knex, t)
    t.uuid('owner_id').nullable()
    t.string('month', 7).notNullable()
    t.uuid('assigned_to').nullable()
    t.uuid('stage_id').nullable()
    t.string('status', 16).notNullable()
    t.integer('opp_count').notNullable().defaultTo(0)
    t.bigInteger('amount_cents').notNullable().defaultTo(0)
    t.bigInteger('weighted').notNullable().defaultTo(0) // Σ amount (cents) × probability (percent)
    // the funnel groups by 客户经理, stage and status: read in this order, no sort (a period and a team filtered in the index)
    t.index(['assigned_to', 'stage_id', 'status', 'month', 'owner_id', 'opp_count', 'amount_cents', 'weighted'], 'opportunity_stats_cover')
  })
  await keyTable(knex, 'opportunity_stats')
  await knex.schema.createTable('opportunity_closed_stats', (t) => {
    uuidKey(knex, t)
    t.uuid('owner_id').nullable()
    t.string('month', 7).notNullable()
    t.string('status', 16).notNullable()
    t.uuid('lost_reason_id').nullable()
    t.uuid('source_id').nullable()
    t.integer('opp_count').notNullable().defaultTo(0)
    t.bigInteger('amount_cents').notNullable().defaultTo(0)
    t.index(['status', 'lost_reason_id', 'source_id', 'month', 'owner_id', 'opp_count', 'amount_cents'], 'opportunity_closed_stats_cover')
  })
  await keyTable(knex, 'opportunity_closed_stats')

  // filled from the live opportunities, grouped here (the same on every database; a month is
  // the UTC YYYY-MM of the instant)
  const month = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()).slice(0, 7)
  const live = rowsOf(await knex('opportunities').whereNull('deleted_at').select(
    'owner_id', 'created_at', 'assigned_to', 'stage_id', 'status', 'expected_amount_cents', 'probability', 'closed_at', 'lost_reason_id', 'source_id',
  ))
  const funnel = new Map<string, Row & { opp_count: number; amount_cents: number; weighted: number }>()
  const closed = new Map<string, Row & { opp_count: number; amount_cents: number }>()
  for (const r of live) {
    const amount = toNum(r.expected_amount_cents) ?? 0
    const status = String(r.status)
    const f = { owner_id: idOrNull(r.owner_id), month: month(r.created_at), assigned_to: idOrNull(r.assigned_to), stage_id: idOrNull(r.stage_id), status }
    const fid = namedId(`opportunity_stats|${idText(f.owner_id)}|${f.month}|${idText(f.assigned_to)}|${idText(f.stage_id)}|${f.status}`)
    const fc = funnel.get(fid) ?? { id: fid, ...f, opp_count: 0, amount_cents: 0, weighted: 0 }
    fc.opp_count += 1
    fc.amount_cents += amount
    fc.weighted += amount * Number(r.probability ?? 0)
    funnel.set(fid, fc)
    if ((status === 'won' || status === 'lost') && r.closed_at) {
      // a lost one by its 失败原因, a won one by its 机会来源 (what the funnel shows of each)
      const c = { owner_id: idOrNull(r.owner_id), month: month(r.closed_at), status, lost_reason_id: status === 'lost' ? idOrNull(r.lost_reason_id) : null, source_id: status === 'won' ? idOrNull(r.source_id) : null }
      const cid = namedId(`opportunity_closed_stats|${idText(c.owner_id)}|${c.month}|${c.status}|${idText(c.lost_reason_id)}|${idText(c.source_id)}`)
      const cc = closed.get(cid) ?? { id: cid, ...c, opp_count: 0, amount_cents: 0 }
      cc.opp_count += 1
      cc.amount_cents += amount
      closed.set(cid, cc)
    }
  }
  const dialect = dialectOf(knex)
  await insertChunked(knex, dialect, 'opportunity_stats', [...funnel.values()])
  await insertChunked(knex, dialect, 'opportunity_closed_stats', [...closed.values()])
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('opportunity_closed_stats')
  await knex.schema.dropTableIfExists('opportunity_stats')
}
