// order_stats and payment_stats: per owner and month (YYYY-MM), and per status and amount band
// (AMOUNT_BAND_EDGES) for orders, the
// counts and sums that the order list, 应收款, 回款记录, 销售目标 and 销售业绩 show — so those read a
// few hundred rows instead of aggregating hundreds of thousands of orders. A bucket is
// recomputed from its orders (or payments) inside the transaction of every write that touches
// it (an index range of one owner and month), so it is always exact; rebuildStats() makes all
// of them at once (bulk loads).
import { createHash } from 'node:crypto'
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { AMOUNT_BAND_EDGES, COUNTED_STATUSES } from '../../contract/orders'
import { bandOf, insertChunked, monthOf, upsert } from '../../db/dialect'
import { orderStatsId } from '../../db/ids'

type Q = Knex.QueryBuilder
const COUNTED = [...COUNTED_STATUSES]

export interface OrderBucket {
  ownerId: string | null
  /** YYYY-MM of the order date */
  month: string
  status: string
}
export interface PaymentBucket {
  ownerId: string | null
  /** YYYY-MM of the payment date */
  month: string
}

/** The first day of the month after `month` (YYYY-MM) as YYYY-MM-DD. */
export function nextMonthStart(month: string): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
}

/** A name-based (v5-style) UUID of a bucket key: every writer computes the same id. */
function keyId(key: string): string {
  const h = createHash('sha1').update('crm-stats:' + key).digest()
  h[6] = (h[6] & 0x0f) | 0x50
  h[8] = (h[8] & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}
export const paymentBucketId = (b: PaymentBucket) => keyId(`payment|${b.ownerId ?? '-'}|${b.month}`)
const byOwner = (q: Q, col: string, ownerId: string | null) => (ownerId ? q.where(col, ownerId) : q.whereNull(col))

/** The orders of one bucket, summed per amount band (covered by orders_owner_sums). */
export const orderBucketQuery = (db: Knex, b: OrderBucket): Promise<Array<Record<string, unknown>>> => {
  const band = bandOf(db, 'total_cents', AMOUNT_BAND_EDGES)
  return byOwner(db('orders'), 'owner_id', b.ownerId)
    .whereNull('deleted_at')
    .where('status', b.status)
    .where('order_date', '>=', `${b.month}-01`)
    .where('order_date', '<', nextMonthStart(b.month))
    .groupBy(band)
    .select(
      db.raw('? as ??', [band, 'band']), db.raw('count(*) as n'), db.raw('sum(total_cents) as total'), db.raw('sum(received_cents) as received'),
      db.raw('sum(outstanding_cents) as outstanding'), db.raw('sum(case when outstanding_cents > 0 then 1 else 0 end) as receivables'),
    )
}

/** Recomputes the given order buckets from their orders, band by band (a band with no orders is removed). */
export async function refreshOrderStats(trx: Knex, dialect: Dialect, buckets: OrderBucket[]) {
  const seen = new Set<string>()
  for (const b of buckets) {
    const key = `${b.ownerId ?? '-'}|${b.month}|${b.status}`.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    const bands = await orderBucketQuery(trx, b)
    const kept: number[] = []
    for (const r of bands) {
      if (!Number(r.n ?? 0)) continue
      const band = Number(r.band)
      kept.push(band)
      await upsert(trx, dialect, 'order_stats', {
        id: orderStatsId(b.ownerId, b.month, b.status, band), owner_id: b.ownerId, month: b.month, status: b.status, amount_band: band,
        order_count: Number(r.n), total_cents: Number(r.total ?? 0), received_cents: Number(r.received ?? 0), outstanding_cents: Number(r.outstanding ?? 0),
        receivable_count: Number(r.receivables ?? 0),
      }, ['id'])
    }
    const stale = byOwner(trx('order_stats'), 'owner_id', b.ownerId).where({ month: b.month, status: b.status })
    if (kept.length) stale.whereNotIn('amount_band', kept)
    await stale.delete()
  }
}

/** The payments of one bucket, summed (covered by payments_owner_date_amount). */
export const paymentBucketQuery = (db: Knex, b: PaymentBucket) =>
  byOwner(db('payments'), 'owner_id', b.ownerId)
    .whereNull('deleted_at')
    .where('paid_date', '>=', `${b.month}-01`)
    .where('paid_date', '<', nextMonthStart(b.month))
    .first(db.raw('count(*) as n'), db.raw('sum(amount_cents) as amount'))

export async function refreshPaymentStats(trx: Knex, dialect: Dialect, buckets: PaymentBucket[]) {
  const seen = new Set<string>()
  for (const b of buckets) {
    const id = paymentBucketId(b)
    if (seen.has(id)) continue
    seen.add(id)
    const r = await paymentBucketQuery(trx, b)
    if (!Number(r?.n ?? 0)) {
      await trx('payment_stats').where({ id }).delete()
      continue
    }
    await upsert(trx, dialect, 'payment_stats', { id, owner_id: b.ownerId, month: b.month, payment_count: Number(r.n), amount_cents: Number(r.amount ?? 0) }, ['id'])
  }
}

/** Every bucket grouped from the orders (date bucketing by month; the same expression in SELECT and GROUP BY). */
export function orderBucketsQuery(db: Knex) {
  const month = monthOf(db, 'order_date')
  const band = bandOf(db, 'total_cents', AMOUNT_BAND_EDGES)
  return db('orders')
    .whereNull('deleted_at')
    .groupBy('owner_id', month, 'status', band)
    .select(
      'owner_id', db.raw('? as ??', [month, 'month']), 'status', db.raw('? as ??', [band, 'band']), db.raw('count(*) as n'), db.raw('sum(total_cents) as total'),
      db.raw('sum(received_cents) as received'), db.raw('sum(outstanding_cents) as outstanding'),
      db.raw('sum(case when outstanding_cents > 0 then 1 else 0 end) as receivables'),
    )
}

export function paymentBucketsQuery(db: Knex) {
  const month = monthOf(db, 'paid_date')
  return db('payments')
    .whereNull('deleted_at')
    .groupBy('owner_id', month)
    .select('owner_id', db.raw('? as ??', [month, 'month']), db.raw('count(*) as n'), db.raw('sum(amount_cents) as amount'))
}

/** Rebuilds both tables from the orders and payments (after bulk loads such as `crm demo`). */
export async function rebuildStats(trx: Knex, dialect: Dialect) {
  await trx('order_stats').delete()
  await trx('payment_stats').delete()
  const orders: Array<Record<string, unknown>> = await orderBucketsQuery(trx)
  await insertChunked(trx, dialect, 'order_stats', orders.map((r) => {
    const b = { ownerId: (r.owner_id as string | null) ?? null, month: String(r.month), status: String(r.status), band: Number(r.band) }
    return {
      id: orderStatsId(b.ownerId, b.month, b.status, b.band), owner_id: b.ownerId, month: b.month, status: b.status, amount_band: b.band,
      order_count: Number(r.n), total_cents: Number(r.total ?? 0),
      received_cents: Number(r.received ?? 0), outstanding_cents: Number(r.outstanding ?? 0), receivable_count: Number(r.receivables ?? 0),
    }
  }))
  const payments: Array<Record<string, unknown>> = await paymentBucketsQuery(trx)
  await insertChunked(trx, dialect, 'payment_stats', payments.map((r) => {
    const b = { ownerId: (r.owner_id as string | null) ?? null, month: String(r.month) }
    return { id: paymentBucketId(b), owner_id: b.ownerId, month: b.month, payment_count: Number(r.n), amount_cents: Number(r.amount ?? 0) }
  }))
}

// ---- reading ---------------------------------------------------------------------------------

export interface StatsRange {
  ownerId?: string
  status?: string
  /** first and last month (YYYY-MM), both included */
  fromMonth?: string
  toMonth?: string
  /** first and last amount band, both included */
  fromBand?: number
  toBand?: number
}

/** Count and sums of the order buckets in scope and range; totals count sales only. */
export async function orderStatsSums(db: Knex, f: StatsRange, scope: (q: Q) => void) {
  const q = db('order_stats as s')
  scope(q)
  if (f.ownerId) q.where('s.owner_id', f.ownerId)
  if (f.status) q.where('s.status', f.status)
  if (f.fromMonth) q.where('s.month', '>=', f.fromMonth)
  if (f.toMonth) q.where('s.month', '<=', f.toMonth)
  if (f.fromBand !== undefined) q.where('s.amount_band', '>=', f.fromBand)
  if (f.toBand !== undefined) q.where('s.amount_band', '<=', f.toBand)
  const r = await q.first(
    db.raw('sum(s.order_count) as n'),
    db.raw(`sum(case when s.status in (${COUNTED.map(() => '?').join(', ')}) then s.total_cents else 0 end) as total`, COUNTED),
    db.raw('sum(s.received_cents) as received'),
    db.raw('sum(s.outstanding_cents) as outstanding'),
    db.raw('sum(s.receivable_count) as receivables'),
  )
  return {
    n: Number(r?.n ?? 0), total: Number(r?.total ?? 0), received: Number(r?.received ?? 0), outstanding: Number(r?.outstanding ?? 0),
    receivables: Number(r?.receivables ?? 0),
  }
}

export async function paymentStatsSums(db: Knex, f: StatsRange, scope: (q: Q) => void) {
  const q = db('payment_stats as s')
  scope(q)
  if (f.ownerId) q.where('s.owner_id', f.ownerId)
  if (f.fromMonth) q.where('s.month', '>=', f.fromMonth)
  if (f.toMonth) q.where('s.month', '<=', f.toMonth)
  const r = await q.first(db.raw('sum(s.payment_count) as n'), db.raw('sum(s.amount_cents) as amount'))
  return { n: Number(r?.n ?? 0), amount: Number(r?.amount ?? 0) }
}

/** Sales (by order month) or received payments (by payment month) per owner and month, months [from, to]. */
export function monthlyActuals(db: Knex, basis: 'orders' | 'payments', fromMonth: string, toMonth: string): Promise<Array<{ owner_id: string | null; month: string; cents: unknown }>> {
  if (basis === 'orders') {
    return db('order_stats')
      .whereIn('status', COUNTED)
      .where('month', '>=', fromMonth)
      .where('month', '<=', toMonth)
      .groupBy('owner_id', 'month')
      .select('owner_id', 'month', db.raw('sum(total_cents) as ??', ['cents']))
  }
  return db('payment_stats').where('month', '>=', fromMonth).where('month', '<=', toMonth).select('owner_id', 'month', db.raw('amount_cents as ??', ['cents']))
}
