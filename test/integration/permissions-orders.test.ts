// Every seeded role × every products / orders / 回款 / targets call, through dispatch, on a
// record of 客户经理 mgrA1 (team A). Two managers and a supervisor in team A, a manager and a
// supervisor in team B, an agent, an executive (view all, write nothing) and the admin.
// A refused call answers forbidden (no such action), not_found (out of scope) or rule (a rule
// of the call, e.g. one's own order), and changes no row; an allowed one succeeds.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Order } from '../../src-main/contract/orders'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, syncVersion, type Staff, type Who } from './customers.fixtures'
import { customerOf, draft, walk } from './orders.fixtures'

type Role = 'admin' | 'supA' | 'mgrA1' | 'mgrA2' | 'supB' | 'agent' | 'exec'
type Outcome = 'ok' | 'forbidden' | 'not_found' | 'rule'
const ROLES: Role[] = ['admin', 'supA', 'mgrA1', 'mgrA2', 'supB', 'agent', 'exec']

/** Outcomes in ROLES order. */
const row = (...o: Outcome[]) => Object.fromEntries(ROLES.map((r, i) => [r, o[i]])) as Record<Role, Outcome>
const VIEW = row('ok', 'ok', 'ok', 'not_found', 'not_found', 'forbidden', 'ok')
const WRITE = row('ok', 'ok', 'ok', 'not_found', 'not_found', 'forbidden', 'forbidden')
const LIST = row('ok', 'ok', 'ok', 'ok', 'ok', 'forbidden', 'ok')
const PRODUCT_VIEW = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok')
const PRODUCT_EDIT = row('ok', 'ok', 'forbidden', 'forbidden', 'ok', 'forbidden', 'forbidden')

describeEachDb('permissions: products, orders, 回款 and targets by role and scope', (dialect) => {
  let t: TestApp
  let s: Staff
  let who: Record<Role, Who>
  let customerId: string
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
    s = await makeStaff(t)
    who = { admin: s.admin, supA: s.supA, mgrA1: s.mgrA1, mgrA2: s.mgrA2, supB: s.supB, agent: s.agent, exec: s.exec }
    customerId = (await customerOf(t, s.admin, s.mgrA1, '权限测试客户')).id
  })
  afterAll(async () => {
    await t.close()
  })

  async function snapshot() {
    const out: Record<string, unknown> = {}
    for (const table of ['orders', 'order_lines', 'payment_plans', 'payments', 'products', 'inventory', 'sales_targets', 'customers', 'reminders', 'app_settings']) {
      out[table] = await k()(table).orderBy(table === 'app_settings' ? 'key' : 'id').select('*')
    }
    out.audit = Number((await k()('audit_log').count({ n: '*' }).first())!.n)
    out.version = await syncVersion(t)
    return JSON.stringify(out)
  }

  // ---- fixtures: a fresh record of mgrA1 in the state each call needs -----------------------------
  const order = (status: 'draft' | 'pending' | 'approved' | 'shipped' = 'draft'): Promise<Order> =>
    draft(t, s.mgrA1, customerId, '2026-06-01').then((o) => (status === 'draft' ? o : walk(t, o, s.mgrA1, s.supA, status)))
  const withPlan = async () => t.call(s.mgrA1.key, 'orders', 'savePlan', { orderId: (await order('approved')).id, dueDate: '2026-07-01', amountCents: 100 })
  const withPayment = async () => {
    const o = await order('approved')
    return t.call(s.mgrA1.key, 'orders', 'addPayment', { orderId: o.id, version: o.version, paidDate: '2026-06-10', amountCents: 100 })
  }
  let n = 0
  const product = () => t.call(s.admin.key, 'products', 'create', { code: `PERM-${++n}`, name: `权限产品${n}`, priceCents: 100 })
  const stock = async () => t.call(s.admin.key, 'products', 'saveStock', { productId: (await product()).id, warehouse: `仓${++n}`, quantity: 1 })
  const target = () => t.call(s.admin.key, 'targets', 'save', { userId: s.mgrA1.userId, periodType: 'month', periodStart: `20${30 + ++n}-01-01`, amountCents: 100 })

  interface Case {
    call: string
    area: 'products' | 'orders' | 'targets'
    input: () => Promise<Record<string, unknown>>
    expect: Record<Role, Outcome>
  }
  const cases: Case[] = [
    // 产品 / 库存
    { area: 'products', call: 'list', input: async () => ({}), expect: PRODUCT_VIEW },
    { area: 'products', call: 'get', input: async () => ({ id: (await product()).id }), expect: PRODUCT_VIEW },
    { area: 'products', call: 'create', input: async () => ({ name: '新产品' }), expect: PRODUCT_EDIT },
    { area: 'products', call: 'update', input: async () => { const p = await product(); return { id: p.id, version: p.version, fields: { name: '改名' } } }, expect: PRODUCT_EDIT },
    { area: 'products', call: 'remove', input: async () => { const p = await product(); return { id: p.id, version: p.version } }, expect: row('ok', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden') },
    { area: 'products', call: 'stock', input: async () => ({}), expect: PRODUCT_VIEW },
    { area: 'products', call: 'saveStock', input: async () => ({ productId: (await product()).id, warehouse: '主仓', quantity: 2 }), expect: PRODUCT_EDIT },
    { area: 'products', call: 'removeStock', input: async () => { const x = await stock(); return { id: x.id, version: x.version } }, expect: PRODUCT_EDIT },
    { area: 'products', call: 'warehouses', input: async () => ({}), expect: PRODUCT_VIEW },
    // 订单
    { area: 'orders', call: 'list', input: async () => ({}), expect: LIST },
    { area: 'orders', call: 'get', input: async () => ({ id: (await order()).id }), expect: VIEW },
    { area: 'orders', call: 'create', input: async () => ({ customerId, orderDate: '2026-06-02', lines: [{ productName: 'x', quantity: 1, unitPriceCents: 1 }] }), expect: row('ok', 'ok', 'ok', 'not_found', 'not_found', 'forbidden', 'forbidden') },
    { area: 'orders', call: 'update', input: async () => { const o = await order(); return { id: o.id, version: o.version, fields: { notes: '改' } } }, expect: WRITE },
    { area: 'orders', call: 'remove', input: async () => { const o = await order(); return { id: o.id, version: o.version } }, expect: row('ok', 'ok', 'forbidden', 'forbidden', 'not_found', 'forbidden', 'forbidden') },
    { area: 'orders', call: 'submit', input: async () => { const o = await order(); return { id: o.id, version: o.version } }, expect: WRITE },
    { area: 'orders', call: 'withdraw', input: async () => { const o = await order('pending'); return { id: o.id, version: o.version } }, expect: row('rule', 'rule', 'ok', 'not_found', 'not_found', 'forbidden', 'forbidden') },
    { area: 'orders', call: 'approve', input: async () => { const o = await order('pending'); return { id: o.id, version: o.version } }, expect: row('ok', 'ok', 'rule', 'not_found', 'not_found', 'forbidden', 'forbidden') },
    { area: 'orders', call: 'reject', input: async () => { const o = await order('pending'); return { id: o.id, version: o.version, comment: '退回' } }, expect: row('ok', 'ok', 'rule', 'not_found', 'not_found', 'forbidden', 'forbidden') },
    { area: 'orders', call: 'ship', input: async () => { const o = await order('approved'); return { id: o.id, version: o.version } }, expect: WRITE },
    { area: 'orders', call: 'complete', input: async () => { const o = await order('shipped'); return { id: o.id, version: o.version } }, expect: WRITE },
    { area: 'orders', call: 'cancel', input: async () => { const o = await order('pending'); return { id: o.id, version: o.version } }, expect: WRITE },
    // cancelling a sale needs orders.approve as well
    { area: 'orders', call: 'cancel', input: async () => { const o = await order('approved'); return { id: o.id, version: o.version } }, expect: row('ok', 'ok', 'forbidden', 'not_found', 'not_found', 'forbidden', 'forbidden') },
    // 回款
    { area: 'orders', call: 'savePlan', input: async () => ({ orderId: (await order('approved')).id, dueDate: '2026-07-01', amountCents: 50 }), expect: WRITE },
    { area: 'orders', call: 'removePlan', input: async () => { const p = (await withPlan()).plans[0]; return { id: p.id, version: p.version } }, expect: WRITE },
    { area: 'orders', call: 'addPayment', input: async () => { const o = await order('approved'); return { orderId: o.id, version: o.version, paidDate: '2026-06-10', amountCents: 50 } }, expect: WRITE },
    { area: 'orders', call: 'removePayment', input: async () => { const p = (await withPayment()).payments[0]; return { id: p.id, version: p.version } }, expect: WRITE },
    { area: 'orders', call: 'receivables', input: async () => ({}), expect: LIST },
    { area: 'orders', call: 'payments', input: async () => ({}), expect: LIST },
    { area: 'orders', call: 'getSettings', input: async () => ({}), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'forbidden', 'ok') },
    { area: 'orders', call: 'saveSettings', input: async () => ({ discountLimitBp: 1000 }), expect: row('ok', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden') },
    { area: 'orders', call: 'savePdf', input: async () => ({ id: (await order()).id }), expect: VIEW },
    // 销售目标
    { area: 'targets', call: 'list', input: async () => ({ year: 2026 }), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'forbidden', 'ok') },
    { area: 'targets', call: 'performance', input: async () => ({ periodType: 'year', periodStart: '2026-01-01' }), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'forbidden', 'ok') },
    { area: 'targets', call: 'save', input: async () => ({ userId: s.mgrA1.userId, periodType: 'month', periodStart: `20${30 + ++n}-01-01`, amountCents: 5 }), expect: row('ok', 'ok', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden') },
    { area: 'targets', call: 'save', input: async () => { const x = await target(); return { id: x.id, version: x.version, userId: s.mgrA1.userId, periodType: 'month', periodStart: x.periodStart, amountCents: 9 } }, expect: row('ok', 'ok', 'forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden') },
    { area: 'targets', call: 'remove', input: async () => { const x = await target(); return { id: x.id, version: x.version } }, expect: row('ok', 'ok', 'forbidden', 'forbidden', 'not_found', 'forbidden', 'forbidden') },
  ]

  it('covers every new call', async () => {
    const { contract } = await import('../../src-main/contract/index')
    for (const area of ['products', 'orders', 'targets'] as const) {
      expect(new Set(cases.filter((c) => c.area === area).map((c) => c.call))).toEqual(new Set(Object.keys(contract[area])))
    }
  })

  it.each(cases.map((c, i) => [`${c.area}.${c.call}#${i}`, c] as const))('%s', async (_name, c) => {
    for (const role of ROLES) {
      const input = await c.input()
      const before = await snapshot()
      const r = await t.raw(who[role].key, c.area, c.call, input)
      const got: Outcome = r.ok ? 'ok' : (r.error.code as Outcome)
      expect(got, `${role}: ${r.ok ? '' : r.error.message}`).toBe(c.expect[role])
      if (!r.ok) expect(await snapshot(), `${role} changed rows`).toBe(before)
    }
  })

  it('lists show only the rows in scope', async () => {
    const o = await order('approved')
    await t.call(s.mgrA1.key, 'orders', 'savePlan', { orderId: o.id, dueDate: '2026-05-01', amountCents: 10 })
    const visible = async (r: Role) => (await t.call(who[r].key, 'orders', 'list', { pageSize: 500 })).items.some((x) => x.id === o.id)
    expect(Object.fromEntries(await Promise.all(ROLES.filter((r) => r !== 'agent').map(async (r) => [r, await visible(r)])))).toEqual({
      admin: true, supA: true, mgrA1: true, mgrA2: false, supB: false, exec: true,
    })
    const rec = async (r: Role) => (await t.call(who[r].key, 'orders', 'receivables', { pageSize: 500 })).items.some((x) => x.id === o.id)
    expect([await rec('mgrA1'), await rec('mgrA2'), await rec('supB'), await rec('supA')]).toEqual([true, false, false, true])
  })
})
