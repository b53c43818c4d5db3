// Deep pages of the order and opportunity lists (migration 20261206003410): a page past the
// middle is read from the other end of the ordered list. Every page, read one by one in every
// sort and direction (and in a scope, and with a filter), must be exactly the slice of the whole
// list read at once — in order, no row twice, none left out, the last page short.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { ORDER_SORT_FIELDS } from '../../src-main/contract/orders'
import { OPPORTUNITY_SORT_FIELDS } from '../../src-main/contract/opportunities'
import { pageWindow } from '../../src-main/db/dialect'
import { customerOf, draft } from './orders.fixtures'

describeEachDb('order and opportunity lists: deep pages from the other end', (dialect) => {
  let t: TestApp
  let s: Staff

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    t.clock.setNow(new Date('2026-06-15T02:00:00Z'))
    s = await makeStaff(t)
    const ca = await customerOf(t, s.admin, s.mgrA1, '深页客户甲')
    const cb = await customerOf(t, s.admin, s.mgrB, '深页客户乙')
    // 23 orders with repeated dates and totals (ties broken by id)
    for (let i = 0; i < 23; i++) {
      t.clock.setNow(new Date(Date.parse('2026-06-15T02:00:00Z') + (i % 5) * 1000))
      await draft(t, i % 3 ? s.mgrA1 : s.mgrB, i % 3 ? ca.id : cb.id, `2026-0${1 + (i % 4)}-1${i % 7}`, [{ productName: '件', quantity: 1, unitPriceCents: 10_000 * (1 + (i % 6)) }])
    }
    for (let i = 0; i < 19; i++) {
      t.clock.setNow(new Date(Date.parse('2026-06-15T02:00:00Z') + (i % 4) * 1000))
      await t.call(i % 2 ? s.mgrA1.key : s.supA.key, 'opportunities', 'create', {
        customerName: `深页机会${i}`, probability: (i * 10) % 100, summary: '概要', description: '描述',
        ...(i % 3 ? { expectedAmountCents: 1000 * (i % 4), expectedCloseDate: `2026-0${1 + (i % 3)}-01` } : {}),
      })
    }
  })
  afterAll(async () => {
    await t.close()
  })

  it('pageWindow: up to the middle from the start, past it from the end', () => {
    expect(pageWindow(0, 20, 100)).toEqual({ offset: 0, limit: 20, reverse: false })
    expect(pageWindow(40, 20, 100)).toEqual({ offset: 40, limit: 20, reverse: false })
    expect(pageWindow(60, 20, 100)).toEqual({ offset: 20, limit: 20, reverse: true })
    expect(pageWindow(80, 20, 95)).toEqual({ offset: 0, limit: 15, reverse: true })
    expect(pageWindow(100, 20, 95)).toEqual({ offset: 0, limit: 0, reverse: true })
  })

  it('orders: every page is the slice of the whole list, in every sort, scope and filter', async () => {
    for (const who of [s.admin, s.supA]) {
      for (const field of ORDER_SORT_FIELDS) {
        for (const order of ['asc', 'desc'] as const) {
          for (const filter of [{}, { amountMinCents: 20_000 }]) {
            const all = await t.call(who.key, 'orders', 'list', { filter, sort: { field, order }, pageSize: 100 })
            const paged: string[] = []
            for (let page = 1; page <= Math.ceil(all.total / 4) + 1; page++) {
              const r = await t.call(who.key, 'orders', 'list', { filter, sort: { field, order }, page, pageSize: 4 })
              paged.push(...r.items.map((x) => x.id))
            }
            expect(paged, `${field} ${order} ${JSON.stringify(filter)}`).toEqual(all.items.map((x) => x.id))
          }
        }
      }
    }
  })

  it('opportunities: every page is the slice of the whole list, in every sort (nulls last) and scope', async () => {
    for (const who of [s.admin, s.mgrA1]) {
      for (const field of OPPORTUNITY_SORT_FIELDS) {
        for (const order of ['asc', 'desc'] as const) {
          const all = await t.call(who.key, 'opportunities', 'list', { sort: { field, order }, pageSize: 100 })
          expect(all.total).toBeGreaterThan(8)
          const paged: string[] = []
          for (let page = 1; page <= Math.ceil(all.total / 4) + 1; page++) {
            const r = await t.call(who.key, 'opportunities', 'list', { sort: { field, order }, page, pageSize: 4 })
            paged.push(...r.items.map((x) => x.id))
          }
          expect(paged, `${field} ${order}`).toEqual(all.items.map((x) => x.id))
        }
      }
    }
  })
})
