// 客户贡献分析's ranking is worked out in SQL (window functions, reports.repository
// contributionRanked): on SQLite, PostgreSQL and in mssql id mode its answer is checked against a
// reference computed here from the per-customer sums the plain way (every customer's amount
// fetched, sorted, shared, cumulated in the test) — 67 customers with tied amounts, customers
// with sales only in the comparison year, a zero-amount order, cancelled and deleted orders, for both bases, company scope and a 客户经理's own scope, and a limit below the
// number of customers (the 20/80 curve and the movers still count every customer).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { reportsContribution } from '../../src-main/modules/reports/reports.service'
import { ContributionInput, type ContributionReport } from '../../src-main/contract/reports'

const TZ = { timeZone: 'Asia/Shanghai' }
const r4 = (x: number) => Math.round(x * 10_000) / 10_000

interface Sale { customer: string; owner: string; date: string; cents: number; status: string; deleted: boolean }

describeEachDb('reports: 客户贡献分析 ranked in SQL', (dialect) => {
  let t: TestApp
  let s: Staff
  const sales: Sale[] = []
  const deletedCustomers = new Set<string>()
  const ownerOf = new Map<string, string>()

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
    s = await makeStaff(t)
    const k = t.app.db.knex
    let seed = 7
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
    const base = (owner: string) => ({ id: randomUUID(), owner_id: owner, created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z', version: 1 })
    const owners = [s.mgrA1.userId, s.mgrA2.userId, s.mgrB.userId]
    const amounts = [100_000, 250_000, 250_000, 400_000, 75_000, 1_000_000]
    for (let i = 0; i < 67; i++) {
      const owner = owners[i % owners.length]
      const c = { ...base(owner), code: `RANK-${i}`, name: `排名客户${i}`, customer_type: 'company', status: 'normal', order_count: 0, deleted_at: i === 66 ? '2026-06-01T00:00:00.000Z' : null }
      await k('customers').insert(c)
      ownerOf.set(c.id, owner)
      if (i === 66) deletedCustomers.add(c.id)
      // customers 0–9 sold only in 2025; 60–64 nothing; the rest in both years, tied amounts on purpose
      const n = i >= 60 && i < 65 ? 0 : 1 + Math.floor(rnd() * 3)
      for (let j = 0; j < n; j++) {
        for (const year of i < 10 ? [2025] : [2025, 2026]) {
          if (year === 2025 && rnd() < 0.3) continue
          const cents = i === 20 && j === 0 ? 0 : amounts[Math.floor(rnd() * amounts.length)]
          const date = `${year}-${String(1 + Math.floor(rnd() * 11)).padStart(2, '0')}-15`
          const status = rnd() < 0.1 ? 'cancelled' : 'completed'
          const deleted = rnd() < 0.05
          const o = { ...base(owner), code: `RO-${i}-${j}-${year}`, customer_id: c.id, order_date: date, status, total_cents: cents, received_cents: 0, deleted_at: deleted ? '2026-10-01T00:00:00.000Z' : null }
          await k('orders').insert(o)
          sales.push({ customer: c.id, owner, date, cents, status, deleted })
          if (status === 'completed' && !deleted) await k('payments').insert({ ...base(owner), order_id: o.id, customer_id: c.id, paid_date: date, amount_cents: Math.round(cents / 2) })
        }
      }
    }
  })
  afterAll(async () => {
    await t.close()
  })

  /** The report as the service computed it before the ranking moved into SQL. */
  function reference(cents: (x: Sale) => number, onlyOwner: string | null, limit: number, days: [string, string, string, string] = ['2026-01-01', '2026-12-31', '2025-01-01', '2025-12-31']) {
    const sum = (from: string, to: string) => {
      const m = new Map<string, number>()
      for (const x of sales) {
        if (x.deleted || x.status === 'cancelled' || x.date < from || x.date > to) continue
        // a narrowed scope reads live customers only (company scope reads the orders alone)
        if (onlyOwner && (ownerOf.get(x.customer) !== onlyOwner || deletedCustomers.has(x.customer))) continue
        m.set(x.customer, (m.get(x.customer) ?? 0) + cents(x))
      }
      return m
    }
    const now = sum(days[0], days[1])
    const prev = sum(days[2], days[3])
    const ranked = [...now].map(([id, c]) => ({ id, cents: c })).filter((r) => r.cents !== 0).sort((a, b) => b.cents - a.cents || (a.id < b.id ? -1 : 1))
    const total = ranked.reduce((a, r) => a + r.cents, 0)
    const cumulative = [0]
    for (const r of ranked) cumulative.push(cumulative[cumulative.length - 1] + r.cents)
    const at = (pct: number) => (total ? cumulative[Math.ceil((ranked.length * pct) / 100 - 1e-9)] / total : 0)
    const deltas = new Map<string, { customerId: string; cents: number; compareCents: number; deltaCents: number }>()
    for (const r of ranked) deltas.set(r.id, { customerId: r.id, cents: r.cents, compareCents: prev.get(r.id) ?? 0, deltaCents: r.cents - (prev.get(r.id) ?? 0) })
    for (const [id, c] of prev) if (!deltas.has(id)) deltas.set(id, { customerId: id, cents: 0, compareCents: c, deltaCents: -c })
    const byDelta = [...deltas.values()].sort((a, b) => b.deltaCents - a.deltaCents || (a.customerId < b.customerId ? -1 : 1))
    return {
      totalCents: total, compareTotalCents: [...prev.values()].reduce((a, c) => a + c, 0), customers: ranked.length,
      rows: ranked.slice(0, limit).map((r, i) => {
        const c = prev.get(r.id) ?? 0
        return { rank: i + 1, customerId: r.id, cents: r.cents, share: total ? r4(r.cents / total) : 0, cumulativeShare: total ? r4(cumulative[i + 1] / total) : 0, compareCents: c, growth: c ? r4((r.cents - c) / c) : null }
      }),
      gainers: byDelta.filter((d) => d.deltaCents > 0).slice(0, 5),
      losers: byDelta.filter((d) => d.deltaCents < 0).reverse().slice(0, 5),
      pareto: Array.from({ length: 21 }, (_, i) => ({ customersPct: i * 5, sharePct: Math.round(at(i * 5) * 10_000) / 100 })),
      top20Share: r4(at(20)),
    }
  }

  const lower = (id: string) => id.toLowerCase()
  function shape(r: { totalCents: number; compareTotalCents: number; customers: number; rows: Array<Record<string, unknown>>; gainers: Array<Record<string, unknown>>; losers: Array<Record<string, unknown>>; pareto: unknown; top20Share: number }) {
    const mover = (g: Record<string, unknown>) => ({ customerId: lower(String(g.customerId)), cents: g.cents, compareCents: g.compareCents, deltaCents: g.deltaCents })
    return {
      totalCents: r.totalCents, compareTotalCents: r.compareTotalCents, customers: r.customers,
      rows: r.rows.map((x) => ({ rank: x.rank, customerId: lower(String(x.customerId)), cents: x.cents, share: x.share, cumulativeShare: x.cumulativeShare, compareCents: x.compareCents, growth: x.growth })),
      gainers: r.gainers.map(mover), losers: r.losers.map(mover), pareto: r.pareto, top20Share: r.top20Share,
    }
  }

  it('company scope, by orders and by payments, with a limit below the number of customers: the same as the plain computation', async () => {
    for (const limit of [7, 50]) {
      const r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year', limit })
      const want = reference((x) => x.cents, null, limit)
      expect(want.customers).toBeGreaterThan(40)
      expect(want.rows.length).toBe(Math.min(limit, want.customers))
      expect(shape(r)).toEqual(want)
      // names come with the ranked rows and the movers
      expect(r.rows[0].code).toMatch(/^RANK-/)
      expect(r.losers.every((l) => /^RANK-/.test(l.code))).toBe(true)
    }
    const paid = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year', basis: 'payments', limit: 10 })
    expect(shape(paid)).toEqual(reference((x) => (x.status === 'completed' ? Math.round(x.cents / 2) : 0), null, 10))
  })

  it("a 客户经理's own customers only: the same as the plain computation over them", async () => {
    const r = await t.call(s.mgrA2.key, 'reports', 'contribution', { ...TZ, period: 'year', limit: 5 })
    expect(r.scope).toBe('own')
    expect(shape(r)).toEqual(reference((x) => x.cents, s.mgrA2.userId, 5))
  })

  it('a period without sales: zero totals, no rows, a flat curve; the losers still come from the comparison year', async () => {
    const r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'custom', from: '2026-12-01', to: '2026-12-31' })
    expect([r.totalCents, r.customers, r.rows.length, r.gainers.length]).toEqual([0, 0, 0, 0])
    expect(r.pareto.every((p) => p.sharePct === 0)).toBe(true)
    const none = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'custom', from: '2024-01-01', to: '2024-01-31' })
    expect([none.totalCents, none.compareTotalCents, none.customers, none.rows.length, none.losers.length]).toEqual([0, 0, 0, 0, 0])
  })

  /** The SQL of the statements a call runs (knex's query events). */
  async function statementsOf(fn: () => Promise<unknown>) {
    const k = t.app.db.knex
    const seen: string[] = []
    const on = (q: { sql: string }) => void seen.push(q.sql)
    k.on('query', on)
    try {
      await fn()
    } finally {
      k.off('query', on)
    }
    return seen
  }
  // the one statement of every case (reports.repository contributionRanked) vs the period's ordered index (topOfPeriod …)
  const inOneStatement = (seen: string[]) => seen.some((x) => x.includes('compare_total'))
  const fromOrderedIndex = (seen: string[]) => seen.some((x) => /coalesce\(o\.(order|payment)_cents, 0\) as other_cents/.test(x))

  it('本年 and 本月 at company scope are read from the period\'s ordered index (no join of both periods per customer): the same as the plain computation', async () => {
    let r: Awaited<ReturnType<typeof t.call<'reports', 'contribution'>>> | undefined
    const year = await statementsOf(async () => (r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year', limit: 12 })))
    expect([fromOrderedIndex(year), inOneStatement(year)]).toEqual([true, false])
    expect(shape(r!)).toEqual(reference((x) => x.cents, null, 12))
    const month = await statementsOf(async () => (r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'month', limit: 50 })))
    expect([fromOrderedIndex(month), inOneStatement(month)]).toEqual([true, false])
    const want = reference((x) => x.cents, null, 50, ['2026-11-01', '2026-11-30', '2025-11-01', '2025-11-30'])
    expect(want.customers).toBeGreaterThan(3)
    expect(shape(r!)).toEqual(want)
    const paid = await statementsOf(async () => (r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'month', basis: 'payments', limit: 3 })))
    expect(fromOrderedIndex(paid)).toBe(true)
    expect(shape(r!)).toEqual(reference((x) => (x.status === 'completed' ? Math.round(x.cents / 2) : 0), null, 3, ['2026-11-01', '2026-11-30', '2025-11-01', '2025-11-30']))
  })

  it('the movers among the first customers of each period only when no customer after them can beat the 5th; else the one statement — the same figures for every pool size', async () => {
    const actor = (await loadActor(t.app, s.admin.userId))!
    const want = reference((x) => x.cents, null, 4)
    const paths: Array<{ pools: number[]; ordered: boolean; reads: number }> = []
    for (const pools of [[1], [5], [8], [12], [20], [30], [45], [200], [1, 2, 200]]) {
      let r: ContributionReport | undefined
      const seen = await statementsOf(async () => (r = await reportsContribution({ ...t.app, actor }, ContributionInput.parse({ ...TZ, period: 'year', limit: 4 }), pools)))
      expect(shape(r!)).toEqual(want)
      expect(fromOrderedIndex(seen) || inOneStatement(seen)).toBe(true)
      paths.push({ pools, ordered: !inOneStatement(seen), reads: seen.filter((x) => /as other_cents/.test(x)).length })
    }
    // too few candidates: the one statement; enough (fewer than the customers): decided by them;
    // too few at first, then more: read again, no fallback
    expect(paths[0]).toEqual({ pools: [1], ordered: false, reads: 2 })
    expect(paths.some((x) => x.ordered && x.pools[0]! < want.customers)).toBe(true)
    expect(paths.at(-1)).toEqual({ pools: [1, 2, 200], ordered: true, reads: 6 })
  })

  it('a negative amount in the period: the one statement (a gain is then not bounded by the amount) — the same as the plain computation', async () => {
    const k = t.app.db.knex
    const c = await k('customers').where('code', 'RANK-30').first('id', 'owner_id')
    const o = { id: randomUUID(), owner_id: c.owner_id, created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z', version: 1, code: 'RO-NEG', customer_id: c.id, order_date: '2026-03-15', status: 'completed', total_cents: -9_000_000, received_cents: 0, deleted_at: null }
    await k('orders').insert(o)
    sales.push({ customer: c.id, owner: c.owner_id, date: o.order_date, cents: o.total_cents, status: 'completed', deleted: false })
    try {
      let r: Awaited<ReturnType<typeof t.call<'reports', 'contribution'>>> | undefined
      const seen = await statementsOf(async () => (r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year', limit: 10 })))
      expect(inOneStatement(seen)).toBe(true)
      const want = reference((x) => x.cents, null, 10)
      expect(want.losers.some((l) => l.customerId === lower(c.id))).toBe(true)
      expect(shape(r!)).toEqual(want)
    } finally {
      await k('orders').where('id', o.id).update({ deleted_at: '2026-11-01T00:00:00.000Z' })
      sales.at(-1)!.deleted = true
    }
  })
})
