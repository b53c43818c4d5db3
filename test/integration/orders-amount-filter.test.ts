// The order list's count and sums with a date range and an amount filter (migration
// 20261206003400): whole months and whole amount bands come from order_stats, the days outside
// the whole months and the bands an amount cuts from the orders. Every answer must equal the one
// counted from the orders row by row, for filters on band edges, between edges, within one band,
// across partial months, per status, owner and scope, after edits that move an order between
// bands, cancellation and deletion. On SQLite and PostgreSQL (and mssql id mode).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff, type Who } from './customers.fixtures'
import { COUNTED_STATUSES, type OrderFilter } from '../../src-main/contract/orders'
import { splitOrderFilter } from '../../src-main/modules/orders/orders.service'
import { customerOf, draft, expectStatsExact, walk } from './orders.fixtures'

describeEachDb('order list: date range and amount filter from the amount bands', (dialect) => {
  let t: TestApp
  let s: Staff

  // [owner, date, yuan, to]
  const ORDERS: Array<[keyof Staff, string, number, 'draft' | 'pending' | 'approved' | 'completed']> = [
    ['mgrA1', '2026-01-03', 99.99, 'approved'], ['mgrA1', '2026-01-20', 100, 'completed'], ['mgrA1', '2026-01-31', 150, 'draft'],
    ['mgrA2', '2026-02-01', 200, 'approved'], ['mgrA2', '2026-02-14', 299.99, 'pending'], ['mgrA2', '2026-02-28', 1_000, 'approved'],
    ['mgrB', '2026-03-01', 5_000, 'completed'], ['mgrB', '2026-03-15', 12_345.67, 'approved'], ['mgrB', '2026-03-31', 100_000, 'approved'],
    ['mgrA1', '2026-04-10', 99_999.99, 'approved'], ['mgrA1', '2026-04-30', 150_000, 'draft'], ['mgrB', '2026-05-02', 200_000, 'completed'],
    ['mgrA2', '2026-05-31', 2_500_000, 'approved'], ['mgrB', '2025-12-31', 100_000, 'approved'], ['mgrA1', '2026-06-01', 30_000, 'pending'],
  ]
  const ids: string[] = []

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
    s = await makeStaff(t)
    const customers = new Map<string, string>()
    for (const [owner, date, yuan, to] of ORDERS) {
      const who = s[owner] as Who
      if (!customers.has(owner)) customers.set(owner, (await customerOf(t, s.admin, who, `金额客户${owner}`)).id)
      const o = await draft(t, who, customers.get(owner)!, date, [{ productName: '配件', quantity: 1, unitPriceCents: Math.round(yuan * 100) }])
      const reviewer = owner === 'mgrB' ? s.supB : s.supA
      ids.push((to === 'draft' ? o : await walk(t, o, who, reviewer, to)).id)
    }
  })
  afterAll(async () => {
    await t.close()
  })

  /** What the list must answer, counted from the orders one by one. */
  async function direct(f: OrderFilter, ownerIds?: string[]) {
    const rows: Array<Record<string, unknown>> = await t.app.db.knex('orders').whereNull('deleted_at').select('*')
    const lc = (v: unknown) => String(v ?? '').toLowerCase()
    const hit = rows.filter((o) =>
      (!ownerIds || ownerIds.map(lc).includes(lc(o.owner_id))) && (!f.status || o.status === f.status) && (!f.ownerId || lc(o.owner_id) === lc(f.ownerId)) &&
      (!f.dateFrom || String(o.order_date) >= f.dateFrom) && (!f.dateTo || String(o.order_date) <= f.dateTo) &&
      (f.amountMinCents === undefined || Number(o.total_cents) >= f.amountMinCents) && (f.amountMaxCents === undefined || Number(o.total_cents) <= f.amountMaxCents))
    return {
      total: hit.length,
      totalCents: hit.filter((o) => (COUNTED_STATUSES as readonly string[]).includes(String(o.status))).reduce((a, o) => a + Number(o.total_cents), 0),
      receivedCents: hit.reduce((a, o) => a + Number(o.received_cents), 0),
      outstandingCents: hit.reduce((a, o) => a + Number(o.outstanding_cents), 0),
    }
  }

  const FILTERS: OrderFilter[] = [
    {},
    { amountMinCents: 10_000 }, // ¥100: a band edge
    { amountMinCents: 10_000_000 }, // ¥100,000: a band edge
    { dateFrom: '2026-01-01', amountMinCents: 10_000_000 }, // "this year + ≥ ¥100,000" (the bench's filter)
    { dateFrom: '2026-01-01', amountMinCents: 1_234_567 }, // between edges
    { amountMaxCents: 9_999_999 }, // the last cent below an edge
    { amountMaxCents: 10_000_000 }, // an edge as the maximum: cuts the band above
    { amountMinCents: 15_000, amountMaxCents: 29_999 }, // within one band
    { amountMinCents: 15_000, amountMaxCents: 25_000 }, // across two cut bands
    { amountMinCents: 20_000, amountMaxCents: 10_000_000 },
    { dateFrom: '2026-01-15', dateTo: '2026-05-10', amountMinCents: 10_000 }, // partial months at both ends
    { dateFrom: '2026-02-01', dateTo: '2026-03-31', amountMinCents: 100_000, amountMaxCents: 1_234_567 },
    { dateFrom: '2026-02-10', dateTo: '2026-02-20', amountMinCents: 100 }, // no whole month
    { dateFrom: '2025-12-31', dateTo: '2026-01-01', amountMinCents: 9_999 },
    { dateTo: '2026-03-15', amountMinCents: 500_000 },
    { status: 'approved', dateFrom: '2026-01-01', amountMinCents: 20_000 },
    { status: 'draft', amountMaxCents: 20_000_000 },
    { amountMinCents: 30_000_000, amountMaxCents: 10_000 }, // empty: minimum above maximum
    { dateFrom: '2026-01-01', amountMinCents: 12_345_600 }, // ≥ ¥123,456: the band ¥100,000–¥199,999.99 less its orders below ¥123,456
    { amountMaxCents: 1_900_000 }, // ≤ ¥19,000: the whole band ¥10,000–¥19,999.99 less its orders above ¥19,000
    { amountMinCents: 1_050_000, amountMaxCents: 1_950_000 }, // inside one band, both outer sides subtracted
    { amountMinCents: 1_100_000, amountMaxCents: 1_300_000 }, // inside one band, read directly (the narrower side)
    { dateFrom: '2026-01-15', dateTo: '2026-05-31', amountMinCents: 1_000_001, amountMaxCents: 19_999_998 }, // both ends subtracted, edge days
  ]

  async function checkAll() {
    const who = [s.admin, s.supA, s.mgrB]
    const ownerScope = [undefined, [s.supA, s.mgrA1, s.mgrA2].map((x) => x.userId), [s.mgrB.userId]]
    for (const [i, user] of who.entries()) {
      for (const f of [...FILTERS, { ownerId: s.mgrA1.userId, amountMinCents: 10_000 }]) {
        const r = await t.call(user.key, 'orders', 'list', { filter: f, pageSize: 100 })
        const want = await direct(f, ownerScope[i])
        expect({ f, total: r.total, ...r.sums, overdueCents: undefined }, `${user.userId} ${JSON.stringify(f)}`).toEqual({ f, ...want, overdueCents: undefined })
        expect(r.items.length).toBe(Math.min(want.total, 100))
      }
    }
  }

  it('answers every filter as counting the orders would', async () => {
    await expectStatsExact(t)
    await checkAll()
  })

  it('the split: a filter on edges and whole months is the stats alone; the rest reads only the cut parts', () => {
    expect(splitOrderFilter({ dateFrom: '2026-01-01', amountMinCents: 10_000_000 })).toEqual({
      stats: { fromMonth: '2026-01', toMonth: undefined, fromBand: 13, ownerId: undefined, status: undefined }, rows: [], minus: [],
    })
    const cut = splitOrderFilter({ dateFrom: '2026-01-15', dateTo: '2026-03-10', amountMinCents: 1_234_567 })!
    // ¥12,345.67 cuts the band ¥10,000–¥19,999.99 nearer its lower edge: the whole band less the orders below the minimum
    expect(cut.stats).toMatchObject({ fromMonth: '2026-02', toMonth: '2026-02', fromBand: 9 })
    expect(cut.rows).toEqual([
      { dateFrom: '2026-01-15', dateTo: '2026-01-31', amountMinCents: 1_234_567, amountMaxCents: undefined, status: undefined, ownerId: undefined },
      { dateFrom: '2026-03-01', dateTo: '2026-03-10', amountMinCents: 1_234_567, amountMaxCents: undefined, status: undefined, ownerId: undefined },
    ])
    expect(cut.minus).toEqual([{ dateFrom: '2026-02-01', dateTo: '2026-02-28', amountMinCents: 1_000_000, amountMaxCents: 1_234_566, status: undefined, ownerId: undefined }])
    // nearer the upper edge: the part inside the range is read
    const upper = splitOrderFilter({ dateFrom: '2026-02-01', dateTo: '2026-02-28', amountMinCents: 1_834_567 })!
    expect(upper.stats).toMatchObject({ fromBand: 10 })
    expect(upper.rows).toEqual([{ dateFrom: '2026-02-01', dateTo: '2026-02-28', amountMinCents: 1_834_567, amountMaxCents: 1_999_999, status: undefined, ownerId: undefined }])
    expect(upper.minus).toEqual([])
    // the last band has no upper edge: never taken whole
    const top = splitOrderFilter({ amountMinCents: 50_000_000_001 })!
    expect(top.stats).toMatchObject({ fromBand: 1, toBand: 0 })
    expect(top.minus).toEqual([])
    expect(splitOrderFilter({ search: 'x', amountMinCents: 1 })).toBeNull()
    expect(splitOrderFilter({ dateFrom: '2026-02-10', dateTo: '2026-02-20' })).toBeNull()
  })

  it('stays right after an edit moves an order between bands, a cancellation and a deletion', async () => {
    // the ¥150 draft of January becomes ¥123,456.78 (band 0 → another band)
    const d = await t.call(s.mgrA1.key, 'orders', 'get', { id: ids[2]! })
    await t.call(s.mgrA1.key, 'orders', 'update', { id: d.id, version: d.version, fields: { lines: [{ productName: '配件', quantity: 1, unitPriceCents: 12_345_678 }] } })
    // the pending ¥299.99 is cancelled, the ¥150,000 draft deleted
    const p = await t.call(s.mgrA2.key, 'orders', 'get', { id: ids[4]! })
    await t.call(s.mgrA2.key, 'orders', 'cancel', { id: p.id, version: p.version, comment: '客户取消' })
    const x = await t.call(s.admin.key, 'orders', 'get', { id: ids[10]! })
    await t.call(s.admin.key, 'orders', 'remove', { id: x.id, version: x.version })
    await expectStatsExact(t)
    await checkAll()
  })
})
