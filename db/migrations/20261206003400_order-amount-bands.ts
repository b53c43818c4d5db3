// The order list with a date range and an amount filter (issue 9, "order/回款 totals over
// 1,000,000 order lines under 100 ms"): its count and sums read every index entry of the range
// (~200,000 for a year) because order_stats could not answer an amount filter. order_stats now
// keeps its buckets per amount band too (owner × month × status × band; the bands of
// AMOUNT_BAND_EDGES in the contract: 1-2-3-5 per decade from ¥100), so a filter on band edges is
// answered from the stats alone, and a filter between edges reads only the orders of the band it
// cuts (through the new covering index orders_amount_sums, amount first).
// Every reader of order_stats sums its rows, so the finer rows answer the same; the rows are
// rebuilt here from the live orders (a bucket's id: namedId of its key, as the orders service
// computes it). Derived data: not synced. Runs on SQLite, PostgreSQL and SQL Server.
import type { Knex } from 'knex'
import { createHash } from 'node:crypto'
import { AMOUNT_BAND_EDGES } from '../../src-main/contract/orders'
import { orderStatsId } from '../../src-main/db/ids'
import { bandOf, dialectOf, insertChunked, monthOf } from '../../src-main/db/dialect'

type Row = Record<string, unknown>
/** The rows a select answered (printing the SQL answers no rows). */
const rowsOf = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : [])
const idOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('order_stats', (t) => {
    t.integer('amount_band').notNullable().defaultTo(0)
  })
  await knex.schema.alterTable('orders', (t) => {
    // the orders of one amount band in a date range, counted and summed from the index alone
    t.index(['total_cents', 'order_date', 'status', 'owner_id', 'received_cents', 'outstanding_cents', 'deleted_at'], 'orders_amount_sums')
  })
  await knex('order_stats').delete()
  await refill(knex, true)
}

/** order_stats from the live orders: per owner, month, status and (`banded`) amount band, or without bands (as 20261206001400 kept them). */
async function refill(knex: Knex, banded: boolean) {
  const month = monthOf(knex, 'order_date')
  const band = bandOf(knex, 'total_cents', AMOUNT_BAND_EDGES)
  const q = knex('orders').whereNull('deleted_at')
  if (banded) q.groupBy('owner_id', month, 'status', band)
  else q.groupBy('owner_id', month, 'status')
  const grouped = rowsOf(await q.select(
    'owner_id', knex.raw('? as ??', [month, 'month']), 'status', banded ? knex.raw('? as ??', [band, 'band']) : knex.raw('0 as ??', ['band']),
    knex.raw('count(*) as n'), knex.raw('sum(total_cents) as total'), knex.raw('sum(received_cents) as received'),
    knex.raw('sum(outstanding_cents) as outstanding'), knex.raw('sum(case when outstanding_cents > 0 then 1 else 0 end) as receivables'),
  ))
  const rows = grouped.map((r) => {
    const owner = idOrNull(r.owner_id)
    const m = String(r.month)
    const status = String(r.status)
    const b = Number(r.band ?? 0)
    return {
      id: banded ? orderStatsId(owner, m, status, b) : oldBucketId(owner, m, status), owner_id: owner, month: m, status, ...(banded ? { amount_band: b } : {}),
      order_count: Number(r.n), total_cents: Number(r.total ?? 0), received_cents: Number(r.received ?? 0),
      outstanding_cents: Number(r.outstanding ?? 0), receivable_count: Number(r.receivables ?? 0),
    }
  })
  await insertChunked(knex, dialectOf(knex), 'order_stats', rows)
}

/** The bucket id migration 20261206001400's service computed (for down()). */
function oldBucketId(ownerId: string | null, month: string, status: string): string {
  const h = createHash('sha1').update(`crm-stats:order|${ownerId ?? '-'}|${month}|${status}`).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropIndex([], 'orders_amount_sums')
  })
  await knex('order_stats').delete()
  await knex.schema.alterTable('order_stats', (t) => {
    t.dropColumn('amount_band')
  })
  await refill(knex, false)
}
