// The 销售漏斗's summaries (issue 9: the funnel over 100,000 opportunities under 100 ms): instead
// of reading every index entry of the period, the funnel reads the whole months of it here.
// - opportunity_stats: per owner × month of created_at (UTC, YYYY-MM) × 客户经理 (assigned_to) ×
//   stage × status, the count, Σ expected_amount_cents and Σ expected_amount_cents × probability
//   of the live opportunities;
// - opportunity_closed_stats: per owner × month of closed_at × status (won/lost) × 失败原因 ×
//   机会来源, the count and Σ expected_amount_cents.
// id: a name-based UUID of the cell's key (namedId in src-main/db/ids.ts), so every writer finds
// a cell by its key; kept by deltas inside each opportunity write's transaction
// (src-main/modules/opportunities/stats.repository.ts). Derived data: not synced, rebuilt at
// will. Filled here from the opportunities. On SQL Server the key is NONCLUSTERED (a heap), as
// for the other derived stats tables (migration 20261206001400).
import type { Knex } from 'knex'
import { namedId } from '../../src-main/db/ids'
import { dialectOf, insertChunked, monthOfInstant, toNum } from '../../src-main/db/dialect'

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
    t.index(['month', 'owner_id'])
    t.index(['owner_id', 'month'])
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
    t.index(['month', 'owner_id'])
    t.index(['owner_id', 'month'])
  })
  await keyTable(knex, 'opportunity_closed_stats')

  const dialect = dialectOf(knex)
  const created = monthOfInstant(knex, 'created_at', 0)
  const funnel = rowsOf(await knex('opportunities')
    .whereNull('deleted_at')
    .groupBy('owner_id', created, 'assigned_to', 'stage_id', 'status')
    .select(
      'owner_id', knex.raw('? as ??', [created, 'month']), 'assigned_to', 'stage_id', 'status', knex.raw('count(*) as ??', ['n']),
      knex.raw('sum(??) as ??', ['expected_amount_cents', 'amount']), knex.raw('sum(?? * ??) as ??', ['expected_amount_cents', 'probability', 'weighted']),
    ))
  await insertChunked(knex, dialect, 'opportunity_stats', funnel.map((r) => {
    const key = { owner_id: idOrNull(r.owner_id), month: String(r.month), assigned_to: idOrNull(r.assigned_to), stage_id: idOrNull(r.stage_id), status: String(r.status) }
    const id = namedId(`opportunity_stats|${idText(key.owner_id)}|${key.month}|${idText(key.assigned_to)}|${idText(key.stage_id)}|${key.status}`)
    return { id, ...key, opp_count: Number(r.n), amount_cents: toNum(r.amount) ?? 0, weighted: toNum(r.weighted) ?? 0 }
  }))
  const closedMonth = monthOfInstant(knex, 'closed_at', 0)
  const closed = rowsOf(await knex('opportunities')
    .whereNull('deleted_at')
    .whereIn('status', ['won', 'lost'])
    .whereNotNull('closed_at')
    .groupBy('owner_id', closedMonth, 'status', 'lost_reason_id', 'source_id')
    .select(
      'owner_id', knex.raw('? as ??', [closedMonth, 'month']), 'status', 'lost_reason_id', 'source_id', knex.raw('count(*) as ??', ['n']),
      knex.raw('sum(??) as ??', ['expected_amount_cents', 'amount']),
    ))
  await insertChunked(knex, dialect, 'opportunity_closed_stats', closed.map((r) => {
    const key = { owner_id: idOrNull(r.owner_id), month: String(r.month), status: String(r.status), lost_reason_id: idOrNull(r.lost_reason_id), source_id: idOrNull(r.source_id) }
    const id = namedId(`opportunity_closed_stats|${idText(key.owner_id)}|${key.month}|${key.status}|${idText(key.lost_reason_id)}|${idText(key.source_id)}`)
    return { id, ...key, opp_count: Number(r.n), amount_cents: toNum(r.amount) ?? 0 }
  }))
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('opportunity_closed_stats')
  await knex.schema.dropTableIfExists('opportunity_stats')
}
