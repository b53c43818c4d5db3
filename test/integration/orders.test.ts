// 订单 end to end through dispatch, on SQLite and PostgreSQL: numbers, lines and totals to the
// cent, editing only drafts, every status transition with its rule, approval by a supervisor
// (never one's own order; above the discount limit only with orders.approve), and the
// customer's 交易次数/交易金额/首次交易/最近交易 after every transition, edit, cancellation and
// deletion. 回款 (plans, payments, reminders) is in payments.test.ts.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { auditRows, errorOf, expectCode, expectFieldIssue, makeStaff, type Staff, type Who } from './customers.fixtures'
import { runChurnCheck } from '../../src-main/modules/churn/churn.service'
import { customerFigures, customerOf, draft, expectStatsExact, product, TWO_LINES_TOTAL, twoLines, walk } from './orders.fixtures'

describeEachDb('orders', (dialect) => {
  let t: TestApp
  let s: Staff
  let p1: { id: string; name: string }
  let p2: { id: string; name: string }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
    s = await makeStaff(t)
    await t.call(s.admin.key, 'reminders', 'saveSettings', { timeZone: 'Asia/Shanghai' })
    p1 = await product(t, s.admin, 'SRV-01', '服务器 R740', 1_250_000, { model: 'R740 2U' })
    p2 = await product(t, s.admin, 'SW-01', '管理软件授权', 333_333)
  })
  afterAll(async () => {
    await t.close()
  })

  const rule = async (p: Promise<unknown>, key: string) => {
    const e = errorOf(await p.then((data) => ({ ok: true as const, data }), (err) => ({ ok: false as const, error: err.apiError })))
    expect(e.code).toBe('rule')
    expect(e.key).toBe(key)
    return e
  }

  it('creates a numbered draft with lines and totals exact to the cent', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '广州华鑫电子科技有限公司')
    const o = await t.call(s.mgrA1.key, 'orders', 'create', { customerId: c.id, orderDate: '2026-06-10', lines: twoLines(p1, p2) })
    expect(o.code).toMatch(/^DD-2026-\d{6}$/)
    expect(o.status).toBe('draft')
    expect(o.ownerId).toBe(s.mgrA1.userId)
    expect(o.createdBy).toBe(s.mgrA1.userId)
    expect(o.deliveryAddress).toBe('广州华鑫电子科技有限公司地址') // the customer's address by default
    expect(o.lines.map((l) => [l.lineNo, l.productCode, l.quantity, l.grossCents, l.lineTotalCents])).toEqual([
      [1, 'SRV-01', 2, 2_500_000, 2_375_000],
      [2, 'SW-01', 1.5, 500_000, 500_000],
    ])
    expect(o.totalCents).toBe(TWO_LINES_TOTAL)
    expect(o.grossCents).toBe(3_000_000)
    expect(o.discountCents).toBe(125_000)
    expect(o.maxDiscountBp).toBe(500)
    expect(o.allowed).toMatchObject({ edit: true, submit: true, approve: false, payments: false })
    // the stored line totals are the service's (same figures read back on this database)
    const stored = await t.app.db.knex('order_lines').where({ order_id: o.id }).whereNull('deleted_at').orderBy('line_no').select('line_total_cents', 'quantity')
    expect(stored.map((r) => [Number(r.quantity), Number(r.line_total_cents)])).toEqual([[2, 2_375_000], [1.5, 500_000]])
    // a draft is no sale: the customer's figures stay 0
    expect(await customerFigures(t, c.id)).toEqual({ count: 0, total: 0, first: null, last: null })
    // numbers go up
    const o2 = await draft(t, s.mgrA1, c.id, '2026-06-11')
    expect(Number(o2.code.slice(-6))).toBe(Number(o.code.slice(-6)) + 1)
    // audited on the customer's history
    expect((await auditRows(t, 'order', o.id)).map((a) => [a.action, a.parent_id])).toEqual([['create', c.id]])
    // and shown on the card's history to those who may read orders
    const history = await t.call(s.mgrA1.key, 'audit', 'forCustomer', { customerId: c.id })
    expect(history.items.filter((e) => e.entity === 'order').map((e) => e.entityId).sort()).toEqual([o.id, o2.id].sort())
    expect((await t.call(s.mgrA2.key, 'audit', 'forCustomer', { customerId: c.id })).total).toBe(0)
  })

  it('refuses bad lines: an unknown or disabled product, an amount too large, a customer the caller cannot see', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '深圳恒达机械设备有限公司')
    const off = await product(t, s.admin, 'OLD-01', '停产型号', 100, { enabled: false })
    const base = { customerId: c.id, orderDate: '2026-06-10' }
    expectFieldIssue(await t.raw(s.mgrA1.key, 'orders', 'create', { ...base, lines: [{ productId: off.id, productName: 'x', quantity: 1, unitPriceCents: 1 }] }), 'lines.0.productId', 'invalid_product')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'orders', 'create', { ...base, lines: [{ productId: crypto.randomUUID(), productName: 'x', quantity: 1, unitPriceCents: 1 }] }), 'lines.0.productId', 'invalid_product')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'orders', 'create', { ...base, lines: [{ productName: 'x', quantity: 999_999_999, unitPriceCents: 999_999_999_999 }] }), 'lines.0.quantity', 'too_big_number')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'orders', 'create', { ...base, lines: [{ productName: 'x', quantity: 1.0005, unitPriceCents: 1 }] }), 'lines.0.quantity', 'not_multiple_of')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'orders', 'create', { ...base, lines: [{ productName: 'x', quantity: 0, unitPriceCents: 1 }] }), 'lines.0.quantity', 'too_small')
    expectFieldIssue(await t.raw(s.mgrA1.key, 'orders', 'create', { ...base, lines: [{ productName: 'x', quantity: 1, unitPriceCents: 1, discountBp: 10_001 }] }), 'lines.0.discountBp', 'too_big')
    // another manager's customer: not found, nothing written
    const before = Number((await t.app.db.knex('orders').count({ n: '*' }))[0].n)
    expectCode(await t.raw(s.mgrA2.key, 'orders', 'create', { ...base, lines: [] }), 'not_found')
    expect(Number((await t.app.db.knex('orders').count({ n: '*' }))[0].n)).toBe(before)
  })

  it('edits only a draft, at its version; lines replace the old ones', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '佛山盛泰新材料有限公司')
    const o = await draft(t, s.mgrA1, c.id)
    const edited = await t.call(s.mgrA1.key, 'orders', 'update', {
      id: o.id, version: o.version, fields: { deliveryAddress: '佛山市顺德区工业大道1号', lines: [{ productName: '耗材', quantity: 3, unitPriceCents: 35, discountBp: 500 }] },
    })
    expect(edited.totalCents).toBe(100) // 3 × ¥0.35 × 95 % = 99.75 → 100
    expect(edited.lines).toHaveLength(1)
    expect(edited.deliveryAddress).toBe('佛山市顺德区工业大道1号')
    expect(await t.app.db.knex('order_lines').where({ order_id: o.id }).whereNotNull('deleted_at').count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(1)
    // the old version is stale now
    expectCode(await t.raw(s.mgrA1.key, 'orders', 'update', { id: o.id, version: o.version, fields: { notes: 'x' } }), 'conflict')
    const pending = await t.call(s.mgrA1.key, 'orders', 'submit', { id: o.id, version: edited.version })
    await rule(t.call(s.mgrA1.key, 'orders', 'update', { id: o.id, version: pending.version, fields: { notes: 'x' } }), 'orders.errors.notDraft')
    expect(pending.allowed.edit).toBe(false)
  })

  it('walks draft → pending → approved → shipped → completed; the customer figures follow every step', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '东莞宏远精密制造有限公司')
    const o = await t.call(s.mgrA1.key, 'orders', 'create', { customerId: c.id, orderDate: '2026-04-02', lines: twoLines(p1, p2) })
    await rule(t.call(s.mgrA1.key, 'orders', 'ship', { id: o.id, version: o.version }), 'orders.errors.badTransition')
    const empty = await draft(t, s.mgrA1, c.id, '2026-04-02', [])
    await rule(t.call(s.mgrA1.key, 'orders', 'submit', { id: empty.id, version: empty.version }), 'orders.errors.noLines')
    await t.call(s.mgrA1.key, 'orders', 'cancel', { id: empty.id, version: empty.version })

    const pending = await t.call(s.mgrA1.key, 'orders', 'submit', { id: o.id, version: o.version })
    expect(pending.status).toBe('pending')
    expect(pending.submittedAt).toBeTruthy()
    expect(await customerFigures(t, c.id)).toEqual({ count: 0, total: 0, first: null, last: null })
    // the owner cannot approve it; another team's supervisor cannot see it
    await rule(t.call(s.mgrA1.key, 'orders', 'approve', { id: o.id, version: pending.version }), 'orders.errors.ownOrder')
    expectCode(await t.raw(s.supB.key, 'orders', 'approve', { id: o.id, version: pending.version }), 'not_found')
    const approved = await t.call(s.supA.key, 'orders', 'approve', { id: o.id, version: pending.version, comment: '价格合理，同意' })
    expect(approved).toMatchObject({ status: 'approved', approvalResult: 'approved', reviewedBy: s.supA.userId, reviewedByName: '主管甲', approvalComment: '价格合理，同意' })
    expect(await customerFigures(t, c.id)).toEqual({ count: 1, total: TWO_LINES_TOTAL, first: '2026-04-02', last: '2026-04-02' })
    expect(approved.outstandingCents).toBe(TWO_LINES_TOTAL)

    const shipped = await t.call(s.mgrA1.key, 'orders', 'ship', { id: o.id, version: approved.version })
    expect(shipped.shippedAt).toBeTruthy()
    expect(await customerFigures(t, c.id)).toEqual({ count: 1, total: TWO_LINES_TOTAL, first: '2026-04-02', last: '2026-04-02' })
    const done = await t.call(s.mgrA1.key, 'orders', 'complete', { id: o.id, version: shipped.version })
    expect(done.status).toBe('completed')
    expect(await customerFigures(t, c.id)).toEqual({ count: 1, total: TWO_LINES_TOTAL, first: '2026-04-02', last: '2026-04-02' })
    // final: nothing more, and a sale is never deleted
    for (const call of ['submit', 'approve', 'ship', 'complete', 'cancel'] as const) {
      expectCode(await t.raw(s.supA.key, 'orders', call, { id: o.id, version: done.version }), 'rule')
    }
    await rule(t.call(s.admin.key, 'orders', 'remove', { id: o.id, version: done.version }), 'orders.errors.notRemovable')

    // a second, later and an earlier sale move 最近交易 / 首次交易; counts and totals add up
    const later = await walk(t, await draft(t, s.mgrA1, c.id, '2026-06-01'), s.mgrA1, s.supA, 'approved')
    expect(await customerFigures(t, c.id)).toEqual({ count: 2, total: TWO_LINES_TOTAL + 100_000, first: '2026-04-02', last: '2026-06-01' })
    await walk(t, await draft(t, s.mgrA1, c.id, '2026-01-15'), s.mgrA1, s.supA, 'shipped')
    expect(await customerFigures(t, c.id)).toEqual({ count: 3, total: TWO_LINES_TOTAL + 200_000, first: '2026-01-15', last: '2026-06-01' })
    // cancelling the approved later one takes it out again (a supervisor may cancel a sale)
    expectCode(await t.raw(s.mgrA1.key, 'orders', 'cancel', { id: later.id, version: later.version }), 'forbidden')
    const cancelled = await t.call(s.supA.key, 'orders', 'cancel', { id: later.id, version: later.version, comment: '客户取消' })
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: '客户取消', outstandingCents: 0 })
    expect(await customerFigures(t, c.id)).toEqual({ count: 2, total: TWO_LINES_TOTAL + 100_000, first: '2026-01-15', last: '2026-04-02' })
    // deleting the cancelled one changes nothing more
    await t.call(s.admin.key, 'orders', 'remove', { id: later.id, version: cancelled.version })
    expect(await customerFigures(t, c.id)).toEqual({ count: 2, total: TWO_LINES_TOTAL + 100_000, first: '2026-01-15', last: '2026-04-02' })
    expectCode(await t.raw(s.admin.key, 'orders', 'get', { id: later.id }), 'not_found')
    // the customer's version moved with its figures (a card open elsewhere reloads)
    await expectStatsExact(t)
    const audit = (await auditRows(t, 'order', o.id)).map((a) => a.changes.status)
    expect(audit.filter(Boolean)).toEqual([
      ['draft', 'pending'], ['pending', 'approved'], ['approved', 'shipped'], ['shipped', 'completed'],
    ])
  })

  it('an approved sale closes the customer\'s standing 流失预警 in its transaction; the customer is 正常 again', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '佛山久违陶瓷有限公司')
    const k = t.app.db.knex
    await k('customers').where({ id: c.id }).update({ created_at: '2025-06-01T00:00:00.000Z' }) // never ordered, older than the 180-day policy
    await runChurnCheck(t.app, { actor: null })
    const warning = () => k('churn_warnings').where({ customer_id: c.id }).whereNull('deleted_at').first()
    expect(await warning()).toMatchObject({ status: 'open' })
    const o = await t.call(s.mgrA1.key, 'orders', 'create', { customerId: c.id, orderDate: '2026-06-14', lines: twoLines(p1, p2) })
    const pending = await t.call(s.mgrA1.key, 'orders', 'submit', { id: o.id, version: o.version })
    expect(await warning()).toMatchObject({ status: 'open' }) // not a sale yet
    await t.call(s.supA.key, 'orders', 'approve', { id: o.id, version: pending.version })
    expect(await warning()).toMatchObject({ status: 'closed', closed_reason: 'order' })
    expect((await k('customers').where({ id: c.id }).first('status')).status).toBe('normal')
  })

  it('reject sends a pending order back to draft with the reason; withdraw by its owner only', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '苏州启明自动化有限公司')
    const o = await walk(t, await draft(t, s.mgrA1, c.id), s.mgrA1, s.supA, 'pending')
    expectFieldIssue(await t.raw(s.supA.key, 'orders', 'reject', { id: o.id, version: o.version, comment: '' }), 'comment', 'too_small')
    const back = await t.call(s.supA.key, 'orders', 'reject', { id: o.id, version: o.version, comment: '折扣过高，请重新报价' })
    expect(back).toMatchObject({ status: 'draft', approvalResult: 'rejected', approvalComment: '折扣过高，请重新报价', reviewedBy: s.supA.userId })
    expect(back.allowed.edit).toBe(true)
    const again = await t.call(s.mgrA1.key, 'orders', 'submit', { id: o.id, version: back.version })
    // the supervisor cannot withdraw someone else's order; the owner can
    await rule(t.call(s.supA.key, 'orders', 'withdraw', { id: o.id, version: again.version }), 'orders.errors.notYours')
    const withdrawn = await t.call(s.mgrA1.key, 'orders', 'withdraw', { id: o.id, version: again.version })
    expect(withdrawn.status).toBe('draft')
    // a draft is cancelled by its owner and deleted by someone with orders.delete
    const cancelled = await t.call(s.mgrA1.key, 'orders', 'cancel', { id: o.id, version: withdrawn.version })
    expectCode(await t.raw(s.mgrA1.key, 'orders', 'remove', { id: o.id, version: cancelled.version }), 'forbidden')
    expect(await t.call(s.supA.key, 'orders', 'remove', { id: o.id, version: cancelled.version })).toEqual({ ok: true })
  })

  it('nobody approves their own order: a supervisor who created one for a manager cannot approve it', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '南京锦晟建设工程有限公司')
    const o = await draft(t, s.supA, c.id)
    expect(o.ownerId).toBe(s.mgrA1.userId) // the customer's manager owns it
    expect(o.createdBy).toBe(s.supA.userId)
    const pending = await t.call(s.mgrA1.key, 'orders', 'submit', { id: o.id, version: o.version })
    expect(pending.allowed.approve).toBe(false)
    await rule(t.call(s.supA.key, 'orders', 'approve', { id: pending.id, version: pending.version }), 'orders.errors.ownOrder')
    // the admin (all scope) approves
    expect((await t.call(s.admin.key, 'orders', 'approve', { id: pending.id, version: pending.version })).status).toBe('approved')
  })

  it('above the discount limit only a role with orders.approve approves; the limit is a setting', async () => {
    const k = t.app.db.knex
    // a 客户经理 role given a team scope on orders (roles are data): may review a colleague's order
    const role = await k('roles').where({ code: 'manager' }).first('id')
    await k('role_permissions').where({ role_id: role.id, module: 'orders' }).update({ scope: 'team' })
    try {
      const c = await customerOf(t, s.admin, s.mgrA1, '杭州汇百信息技术有限公司')
      const big = await walk(t, await draft(t, s.mgrA1, c.id, '2026-06-01', [{ productName: '大额折扣', quantity: 1, unitPriceCents: 100_000, discountBp: 1500 }]), s.mgrA1, s.supA, 'pending')
      const small = await walk(t, await draft(t, s.mgrA1, c.id, '2026-06-01', [{ productName: '小额折扣', quantity: 1, unitPriceCents: 100_000, discountBp: 1000 }]), s.mgrA1, s.supA, 'pending')
      const peerView = await t.call(s.mgrA2.key, 'orders', 'get', { id: big.id })
      expect(peerView.allowed.approve).toBe(false)
      expect(peerView.discountLimitBp).toBe(1000)
      await rule(t.call(s.mgrA2.key, 'orders', 'approve', { id: big.id, version: big.version }), 'orders.errors.discountNeedsApprover')
      expect((await t.call(s.mgrA2.key, 'orders', 'get', { id: small.id })).allowed.approve).toBe(true)
      expect((await t.call(s.mgrA2.key, 'orders', 'approve', { id: small.id, version: small.version })).status).toBe('approved')
      // the admin raises the limit to 20 %: the 15 % order is now within it
      expectCode(await t.raw(s.mgrA1.key, 'orders', 'saveSettings', { discountLimitBp: 2000 }), 'forbidden')
      expect(await t.call(s.admin.key, 'orders', 'saveSettings', { discountLimitBp: 2000 })).toEqual({ discountLimitBp: 2000 })
      expect(await t.call(s.mgrA2.key, 'orders', 'getSettings', {})).toEqual({ discountLimitBp: 2000 })
      expect((await t.call(s.mgrA2.key, 'orders', 'approve', { id: big.id, version: big.version })).status).toBe('approved')
      // still: never the own order
      const own = await walk(t, await draft(t, s.mgrA2, (await customerOf(t, s.admin, s.mgrA2, '温州天宇商贸有限公司')).id), s.mgrA2, s.supA, 'pending')
      await rule(t.call(s.mgrA2.key, 'orders', 'approve', { id: own.id, version: own.version }), 'orders.errors.ownOrder')
    } finally {
      await k('role_permissions').where({ role_id: role.id, module: 'orders' }).update({ scope: 'own' })
      await t.call(s.admin.key, 'orders', 'saveSettings', { discountLimitBp: 1000 })
    }
  })

  it('lists with filters, search by number, customer name and pinyin, sums over the matches, scoped', async () => {
    const c = await customerOf(t, s.admin, s.mgrB, '重庆博创软件有限公司')
    const a = await walk(t, await draft(t, s.mgrB, c.id, '2025-12-30', [{ productName: 'A', quantity: 1, unitPriceCents: 500_000 }]), s.mgrB, s.supB, 'approved')
    const b = await walk(t, await draft(t, s.mgrB, c.id, '2026-02-01', [{ productName: 'B', quantity: 2, unitPriceCents: 100_000 }]), s.mgrB, s.supB, 'shipped')
    const d = await draft(t, s.mgrB, c.id, '2026-03-01', [{ productName: 'C', quantity: 1, unitPriceCents: 70_000 }])
    const list = (filter: Record<string, unknown>, who: Who = s.supB) => t.call(who.key, 'orders', 'list', { filter, pageSize: 50 })
    const ids = async (filter: Record<string, unknown>, who?: Who) => (await list(filter, who)).items.map((r) => r.id)
    expect(await ids({ customerId: c.id })).toEqual([d.id, b.id, a.id]) // newest order date first
    const all = await list({ customerId: c.id })
    expect(all.total).toBe(3)
    expect(all.sums).toEqual({ totalCents: 700_000, receivedCents: 0, outstandingCents: 700_000, overdueCents: 0 }) // sales only
    expect(await ids({ customerId: c.id, status: 'shipped' })).toEqual([b.id])
    expect(await ids({ customerId: c.id, dateFrom: '2026-01-01', dateTo: '2026-02-01' })).toEqual([b.id])
    expect(await ids({ customerId: c.id, amountMinCents: 200_000, amountMaxCents: 500_000 })).toEqual([b.id, a.id])
    expect(await ids({ search: a.code.toLowerCase() })).toEqual([a.id])
    expect(await ids({ search: '博创软件' })).toEqual([d.id, b.id, a.id])
    expect(await ids({ search: 'cqbcrj' })).toEqual([d.id, b.id, a.id]) // pinyin initials of 重庆博创软件
    // a 2-character fragment (the customers' search index on SQLite and PostgreSQL finds the candidates), one character (no index)
    expect(await ids({ search: '博创' })).toEqual([d.id, b.id, a.id])
    expect(await ids({ search: '博' })).toEqual([d.id, b.id, a.id])
    expect(await ids({ search: '创博' })).toEqual([])
    expect(await ids({ ownerId: s.mgrB.userId, customerId: c.id })).toHaveLength(3)
    expect((await t.call(s.supB.key, 'orders', 'list', { filter: { customerId: c.id }, sort: { field: 'totalCents', order: 'asc' } })).items.map((r) => r.id)).toEqual([d.id, b.id, a.id])
    const paged = await t.call(s.supB.key, 'orders', 'list', { filter: { customerId: c.id }, page: 2, pageSize: 2 })
    expect([paged.total, paged.items.map((r) => r.id)]).toEqual([3, [a.id]])
    // scope: another team's manager and supervisor see none of them; the manager sees own
    expect(await ids({ customerId: c.id }, s.mgrA1)).toEqual([])
    expect(await ids({ customerId: c.id }, s.supA)).toEqual([])
    expect(await ids({ customerId: c.id }, s.mgrB)).toHaveLength(3)
    expect((await list({ customerId: c.id }, s.exec)).total).toBe(3)
    expectCode(await t.raw(s.agent.key, 'orders', 'list', {}), 'forbidden')
  })

  it('a draft of a deleted or unreachable order answers not_found; SQL text in a search is literal', async () => {
    expectCode(await t.raw(s.admin.key, 'orders', 'get', { id: crypto.randomUUID() }), 'not_found')
    const r = await t.call(s.admin.key, 'orders', 'list', { filter: { search: `'%_[` } })
    expect(r.total).toBe(0)
  })

  it('prints: the PDF name is the order number, for those who may see the order', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '厦门金海物流有限公司')
    const o = await draft(t, s.mgrA1, c.id)
    expect(await t.call(s.mgrA1.key, 'orders', 'savePdf', { id: o.id })).toEqual({ fileName: `${o.code}.pdf`, saved: false, path: null })
    expectCode(await t.raw(s.mgrA2.key, 'orders', 'savePdf', { id: o.id }), 'not_found')
  })

  it('keeps the figures right when a draft changes customer or date and when orders are deleted', async () => {
    const c1 = await customerOf(t, s.admin, s.mgrA1, '长沙永信贸易有限公司')
    const c2 = await customerOf(t, s.admin, s.mgrA1, '武汉东方实业有限公司')
    const o0 = await draft(t, s.mgrA1, c1.id, '2026-03-03')
    const o = await t.call(s.mgrA1.key, 'orders', 'savePlan', { orderId: o0.id, dueDate: '2026-04-30', amountCents: 100_000 })
    const moved = await t.call(s.mgrA1.key, 'orders', 'update', { id: o.id, version: o.version, fields: { customerId: c2.id, orderDate: '2026-03-05' } })
    expect(moved.customerId).toBe(c2.id)
    await expectStatsExact(t) // the plan followed the order to its new customer and date
    const sale = await walk(t, moved, s.mgrA1, s.supA, 'approved')
    expect(await customerFigures(t, c1.id)).toEqual({ count: 0, total: 0, first: null, last: null })
    expect(await customerFigures(t, c2.id)).toEqual({ count: 1, total: 100_000, first: '2026-03-05', last: '2026-03-05' })
    const cust = await t.call(s.mgrA1.key, 'customers', 'get', { id: c2.id })
    expect([cust.orderCount, cust.orderTotalCents, cust.firstOrderDate, cust.lastOrderDate]).toEqual([1, 100_000, '2026-03-05', '2026-03-05'])
    // a pending order deleted: no change; the approved one cancelled: back to zero
    const p = await walk(t, await draft(t, s.mgrA1, c2.id, '2026-03-09'), s.mgrA1, s.supA, 'pending')
    await t.call(s.supA.key, 'orders', 'remove', { id: p.id, version: p.version })
    expect(await customerFigures(t, c2.id)).toEqual({ count: 1, total: 100_000, first: '2026-03-05', last: '2026-03-05' })
    await t.call(s.supA.key, 'orders', 'cancel', { id: sale.id, version: sale.version })
    expect(await customerFigures(t, c2.id)).toEqual({ count: 0, total: 0, first: null, last: null })
    await expectStatsExact(t)
  })

  it('answers conflict for a transition at a stale version and changes nothing', async () => {
    const c = await customerOf(t, s.admin, s.mgrA1, '成都通诚电力设备有限公司')
    const o = await walk(t, await draft(t, s.mgrA1, c.id), s.mgrA1, s.supA, 'pending')
    expectCode(await t.raw(s.supA.key, 'orders', 'approve', { id: o.id, version: o.version - 1 }), 'conflict')
    expect((await t.call(s.supA.key, 'orders', 'get', { id: o.id })).status).toBe('pending')
    expect(await customerFigures(t, c.id)).toEqual({ count: 0, total: 0, first: null, last: null })
  })
})
