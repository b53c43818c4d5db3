// customer_sales_sums (migration 20261206005300): each customer's counted sales and payments per
// year and month, kept by triggers on orders and payments. Orders and payments are changed every
// way a write can (the services: create, approve, ship, complete, cancel, payment recorded; and
// plain SQL as imports, the sync and the demo write: batch inserts, an upsert, a change of status,
// date across a year, customer, amount, soft delete and undelete, hard delete) and after each
// step the sums must equal the grouping of the tables themselves (expectSalesSumsExact), and
// 客户贡献分析 over custom periods that take whole years, whole months and edge days must equal
// the per-customer sums computed here from the rows; an update that moves no sum writes none
// (a probe trigger counts the sums' writes). SQLite, PostgreSQL, mssql id mode.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { insertRows, withWorkMem } from '../../src-main/db/dialect'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { draft, expectSalesSumsExact, walk } from './orders.fixtures'

const TZ = { timeZone: 'Asia/Shanghai' }
const COUNTED = ['approved', 'shipped', 'completed']

describeEachDb('reports: customer_sales_sums kept by triggers', (dialect) => {
  let t: TestApp
  let s: Staff
  const customers: string[] = []
  const stamp = '2026-01-01T00:00:00.000Z'
  const base = (owner: string) => ({ id: randomUUID(), owner_id: owner, created_at: stamp, updated_at: stamp, version: 1 })

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-11-20T04:00:00Z'))
    s = await makeStaff(t)
    const k = t.app.db.knex
    for (let i = 0; i < 4; i++) {
      const c = { ...base(s.mgrA1.userId), code: `SUMS-${i}`, name: `汇总客户${i}`, customer_type: 'company', status: 'normal', order_count: 0 }
      await k('customers').insert(c)
      customers.push(c.id)
    }
  })
  afterAll(async () => {
    await t.close()
  })

  /** Per customer (lower-case id): counted sales or live payments over [first, last] from the tables. */
  async function direct(basis: 'orders' | 'payments', first: string, last: string) {
    const k = t.app.db.knex
    const rows =
      basis === 'orders'
        ? await k('orders').whereNull('deleted_at').whereIn('status', COUNTED).whereBetween('order_date', [first, last]).select('customer_id', 'total_cents as cents')
        : await k('payments').whereNull('deleted_at').whereBetween('paid_date', [first, last]).select('customer_id', 'amount_cents as cents')
    const m = new Map<string, number>()
    for (const r of rows) m.set(String(r.customer_id).toLowerCase(), (m.get(String(r.customer_id).toLowerCase()) ?? 0) + Number(r.cents))
    return m
  }

  /** The sums and 客户贡献分析 over periods made of whole years, whole months and edge days agree with the tables. */
  async function expectExact() {
    await expectSalesSumsExact(t.app.db.knex)
    const periods: Array<[string, string, string, string]> = [
      ['2026-01-01', '2026-12-31', '2025-01-01', '2025-12-31'], // 本年: one year each
      ['2025-02-10', '2026-11-19', '2024-02-10', '2025-11-19'], // edge days, months, a whole year on neither side
      ['2024-01-01', '2026-11-30', '2023-01-01', '2025-11-30'], // overlapping sides: 2024 and 2025 whole years on both
      ['2026-03-05', '2026-03-20', '2025-03-05', '2025-03-20'], // days of one month only
    ]
    for (const basis of ['orders', 'payments'] as const) {
      for (const [from, to, cFrom, cTo] of periods) {
        const r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'custom', from, to, basis, limit: 500 })
        expect(r.compare).toEqual({ firstDay: cFrom, lastDay: cTo })
        const now = await direct(basis, from, to)
        const cmp = await direct(basis, cFrom, cTo)
        const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
        expect([basis, from, r.totalCents, r.compareTotalCents]).toEqual([basis, from, sum(now), sum(cmp)])
        const want = Object.fromEntries([...now].filter(([, c]) => c !== 0).map(([id, c]) => [id, [c, cmp.get(id) ?? 0]]))
        expect(Object.fromEntries(r.rows.map((x) => [x.customerId, [x.cents, x.compareCents]]))).toEqual(want)
      }
      // 客户构成分析's sales (本年: the year's row per customer) equal the year's counted sales
      const comp = await t.call(s.admin.key, 'reports', 'composition', { ...TZ, period: 'year', dimension: 'level' })
      expect(comp.salesCents).toBe([...(await direct('orders', '2026-01-01', '2026-12-31')).values()].reduce((a, b) => a + b, 0))
    }
  }

  it('plain SQL writes: batch insert, upsert, status, date across a year, customer, amount, soft delete, undelete, hard delete', async () => {
    const k = t.app.db.knex
    const [c0, c1, c2, c3] = customers as [string, string, string, string]
    const owner = s.mgrA1.userId
    const order = (customer: string, date: string, cents: number, status = 'completed') => ({ ...base(owner), code: `SO-${randomUUID().slice(0, 8)}`, customer_id: customer, order_date: date, status, total_cents: cents, received_cents: 0 })
    const orders = [
      order(c0, '2026-01-15', 100_000), order(c0, '2026-03-10', 50_000, 'approved'), order(c1, '2025-12-31', 70_000, 'shipped'), order(c1, '2026-11-19', 30_000),
      order(c2, '2025-02-09', 20_000), order(c2, '2025-02-10', 25_000), order(c3, '2024-06-01', 90_000), order(c3, '2026-03-20', 5_000, 'pending'), order(c0, '2026-03-05', 0),
    ]
    await insertRows(k, dialect, 'orders', orders)
    const pays = [
      { ...base(owner), order_id: orders[0]!.id, customer_id: c0, paid_date: '2026-02-01', amount_cents: 40_000 },
      { ...base(owner), order_id: orders[2]!.id, customer_id: c1, paid_date: '2026-01-05', amount_cents: 70_000 },
      { ...base(owner), order_id: orders[6]!.id, customer_id: c3, paid_date: '2025-03-20', amount_cents: 10_000 },
    ]
    await insertRows(k, dialect, 'payments', pays)
    await expectExact()

    const upd = (id: string, patch: Record<string, unknown>) => k('orders').where({ id }).update(patch)
    await upd(orders[0]!.id, { status: 'cancelled' }) // counted → not
    await upd(orders[7]!.id, { status: 'approved' }) // not → counted
    await upd(orders[2]!.id, { order_date: '2026-01-02' }) // across a year
    await upd(orders[3]!.id, { customer_id: c2 }) // another customer
    await upd(orders[4]!.id, { total_cents: 26_000 }) // amount
    await upd(orders[5]!.id, { deleted_at: '2026-10-01T00:00:00.000Z' }) // soft delete
    await upd(orders[1]!.id, { status: 'shipped', total_cents: 55_000, order_date: '2026-04-01' }) // several at once, counted on both sides
    await upd(orders[6]!.id, { received_cents: 10_000 }) // a column the sums do not read
    await expectExact()

    await upd(orders[5]!.id, { deleted_at: null }) // undelete
    await k('payments').where({ id: pays[0]!.id }).update({ amount_cents: 45_000, paid_date: '2025-12-31' })
    await k('payments').where({ id: pays[1]!.id }).update({ deleted_at: '2026-10-01T00:00:00.000Z' })
    await k('payments').where({ id: pays[2]!.id }).update({ customer_id: c0 })
    await expectExact()

    // the sync's upsert: an existing order (new status and amount) and a new one in one statement
    const again = { ...orders[8]!, total_cents: 12_345, status: 'approved', version: 2 }
    const fresh = order(c3, '2026-07-07', 8_000)
    await k('orders').insert([again, fresh]).onConflict('id').merge()
    await expectExact()

    // hard deletes (a purge)
    await k('payments').where({ id: pays[2]!.id }).delete()
    await k('payments').where({ order_id: orders[4]!.id }).delete()
    await k('orders').where({ id: orders[4]!.id }).delete()
    await k('orders').where({ id: orders[3]!.id }).delete()
    await expectExact()
  })

  it('the services: an order walked to 已完成, a payment recorded, an order cancelled, an order deleted as a draft', async () => {
    const owner = await t.call(s.admin.key, 'customers', 'create', { name: '汇总服务客户', ownerId: s.mgrA1.userId, address: '地址' })
    const a = await walk(t, await draft(t, s.mgrA1, owner.id, '2026-05-10'), s.mgrA1, s.supA, 'completed')
    await expectExact()
    const paid = await t.call(s.mgrA1.key, 'orders', 'addPayment', { orderId: a.id, version: a.version, paidDate: '2026-05-20', amountCents: 30_000 })
    expect(paid.receivedCents).toBe(30_000)
    const b = await walk(t, await draft(t, s.mgrA1, owner.id, '2025-08-08'), s.mgrA1, s.supA, 'approved')
    await expectExact()
    await t.call(s.supA.key, 'orders', 'cancel', { id: b.id, version: b.version })
    const d = await draft(t, s.mgrA1, owner.id, '2026-06-01')
    await t.call(s.supA.key, 'orders', 'remove', { id: d.id, version: d.version })
    await expectExact()
    const r = await t.call(s.admin.key, 'reports', 'contribution', { ...TZ, period: 'year' })
    expect(r.rows.find((x) => x.customerId === owner.id)?.cents).toBe(a.totalCents)
  })

  it('an update that moves no sum writes no row of the sums (migration 20261207000210: the update triggers\' WHEN); one that does still moves them', async () => {
    const k = t.app.db.knex
    // a probe counting every write to customer_sales_sums (SQLite: a temp trigger on the app's one connection)
    if (dialect === 'sqlite') {
      await k.raw('create temp table sums_probe (n integer)')
      await k.raw('create temp trigger sums_probe_u after update on main.customer_sales_sums begin insert into sums_probe values (1); end')
      await k.raw('create temp trigger sums_probe_i after insert on main.customer_sales_sums begin insert into sums_probe values (1); end')
    } else {
      await k.raw('create table sums_probe (n integer)')
      await k.raw("create function sums_probe_f() returns trigger language plpgsql as $$ begin insert into sums_probe values (1); return null; end $$")
      await k.raw('create trigger sums_probe_t after insert or update on customer_sales_sums for each row execute function sums_probe_f()')
    }
    const writes = async (fn: () => Promise<unknown>) => {
      await k('sums_probe').delete()
      await fn()
      return Number((await k('sums_probe').count({ n: '*' }).first())!.n)
    }
    try {
      const owner = s.mgrA1.userId
      const [c0, c1] = customers as [string, string]
      const order = (status: string, cents: number) => ({ ...base(owner), code: `WH-${randomUUID().slice(0, 8)}`, customer_id: c0, order_date: '2026-06-15', status, total_cents: cents, received_cents: 0 })
      const [a, p] = [order('approved', 40_000), order('pending', 9_000)]
      expect(await writes(() => insertRows(k, dialect, 'orders', [a, p]))).toBeGreaterThan(0)
      const pay = { ...base(owner), order_id: a.id, customer_id: c0, paid_date: '2026-06-20', amount_cents: 10_000 }
      await insertRows(k, dialect, 'payments', [pay])
      const upd = (id: string, patch: Record<string, unknown>) => () => k('orders').where({ id }).update(patch)
      // counted on both sides, nothing the sums read changed: approve → ship → complete, the same values written again, a column not read
      expect(await writes(upd(a.id, { status: 'shipped' }))).toBe(0)
      expect(await writes(upd(a.id, { status: 'completed', customer_id: c0, order_date: '2026-06-15', total_cents: 40_000, deleted_at: null }))).toBe(0)
      expect(await writes(upd(a.id, { received_cents: 10_000 }))).toBe(0)
      // not counted on either side: a pending order's amount, date and customer
      expect(await writes(upd(p.id, { total_cents: 9_500, order_date: '2025-06-15', customer_id: c1 }))).toBe(0)
      // the sync's upsert of an unchanged counted order
      expect(await writes(() => k('orders').insert([{ ...a, status: 'completed', version: 3 }]).onConflict('id').merge())).toBe(0)
      expect(await writes(() => k('payments').where({ id: pay.id }).update({ version: 2, paid_date: '2026-06-20', amount_cents: 10_000 }))).toBe(0)
      await expectExact()
      // each that moves a sum still does, and the sums stay exact
      expect(await writes(upd(a.id, { total_cents: 41_000 }))).toBeGreaterThan(0)
      expect(await writes(upd(p.id, { status: 'approved' }))).toBeGreaterThan(0)
      expect(await writes(upd(a.id, { order_date: '2026-07-01' }))).toBeGreaterThan(0)
      expect(await writes(upd(a.id, { customer_id: c1 }))).toBeGreaterThan(0)
      expect(await writes(upd(a.id, { status: 'cancelled' }))).toBeGreaterThan(0)
      expect(await writes(upd(p.id, { deleted_at: '2026-10-01T00:00:00.000Z' }))).toBeGreaterThan(0)
      expect(await writes(() => k('payments').where({ id: pay.id }).update({ amount_cents: 12_000 }))).toBeGreaterThan(0)
      expect(await writes(() => k('payments').where({ id: pay.id }).update({ deleted_at: '2026-10-01T00:00:00.000Z' }))).toBeGreaterThan(0)
      await expectExact()
    } finally {
      if (dialect === 'sqlite') {
        await k.raw('drop trigger temp.sums_probe_u')
        await k.raw('drop trigger temp.sums_probe_i')
        await k.raw('drop table temp.sums_probe')
      } else {
        await k.raw('drop trigger sums_probe_t on customer_sales_sums')
        await k.raw('drop function sums_probe_f()')
        await k.raw('drop table sums_probe')
      }
    }
  })

  it('withWorkMem: PostgreSQL runs the read with its own work_mem for that transaction only; SQLite as it is', async () => {
    const k = t.app.db.knex
    const show = async (q: typeof k) => String(((await q.raw('show work_mem')) as { rows: Array<{ work_mem: string }> }).rows[0]!.work_mem)
    if (dialect === 'postgres') {
      const before = await show(k)
      expect(await withWorkMem(k, 32, (q) => show(q))).toBe('32MB')
      expect(await show(k)).toBe(before)
      await expect(withWorkMem(k, 0, async () => 1)).rejects.toThrow('work_mem out of range')
    } else expect(await withWorkMem(k, 32, async (q) => q === k)).toBe(true)
  })
})
