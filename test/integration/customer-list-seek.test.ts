// A deep page of the whole customer list found by seeking (customerPageBySeek, issue 8: the
// middle page at 1,000,000 customers): an OFFSET over every row, live or not, then the deleted
// ones before that entry counted and skipped among the live rows after it. For every window it
// must answer exactly what the one OFFSET over the live rows answers — with ties in the sort
// column (broken by id), deleted customers before, at and after the edge, in both directions
// and read from either end; nullable sorts are left to the OFFSET (null).
import type { Knex } from 'knex'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { CUSTOMER_SORT_FIELDS } from '../../src-main/contract/customers'
import { countLiveCustomers, customerListQueries, customerPageBySeek, type ListQuery } from '../../src-main/modules/customers/customers.repository'

describeEachDb('customer list: a deep page of the whole list by seeking', (dialect) => {
  let t: TestApp
  let s: Staff
  let live = 0

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    const k = t.app.db.knex
    const ids: string[] = []
    for (let i = 0; i < 26; i++) {
      const c = await t.call(s.admin.key, 'customers', 'create', { name: `寻址客户${i % 4}号${i}`, ownerId: (i % 2 ? s.mgrA1 : s.mgrA2).userId })
      ids.push(c.id)
    }
    // ties: five customers share each instant (the id decides among them)
    for (const [i, id] of ids.entries()) {
      const at = new Date(Date.UTC(2026, 2, 1 + (i % 5), 8)).toISOString()
      await k('customers').where({ id }).update({ updated_at: at, created_at: at })
    }
    // deleted ones spread through every order (a third of them)
    const gone = ids.filter((_, i) => i % 3 === 1)
    await k('customers').whereIn('id', gone).update({ deleted_at: new Date(Date.UTC(2026, 3, 1)).toISOString() })
    live = ids.length - gone.length
  })
  afterAll(async () => t?.close())

  const query = (field: ListQuery['sort']['field'], order: 'asc' | 'desc'): ListQuery => ({ page: 1, pageSize: 50, filter: {}, sort: { field, order } })

  it('answers the rows of the OFFSET over the live rows, for every window, sort, direction and end', async () => {
    const k = t.app.db.knex
    let compared = 0
    for (const field of ['updatedAt', 'createdAt', 'code', 'name'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const { pageIds } = customerListQueries(k, query(field, order), () => {})
        for (const reverse of [false, true]) {
          for (let offset = 0; offset <= live; offset++) {
            for (const limit of [1, 4]) {
              const want = (await pageIds({ offset, limit, reverse, withCount: false })).map((r: { id: string }) => r.id)
              const got = await customerPageBySeek(k, { field, order }, { offset, limit, reverse })
              // past every row (deleted ones too) there is no edge: the caller reads as before
              if (got === null) {
                expect(want, `${field} ${order} ${reverse} ${offset}`).toEqual([])
                continue
              }
              expect(got.map((r) => r.id), `${field} ${order} reverse=${reverse} offset=${offset} limit=${limit}`).toEqual(want)
              compared++
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100)
  })

  it('counts the live customers as the count of the live rows does (all rows less the deleted ones on SQLite)', async () => {
    const k = t.app.db.knex
    const counted = Number((await k('customers').whereNull('deleted_at').count({ n: '*' }).first())?.n)
    expect(counted).toBe(live)
    expect(await countLiveCustomers(k)).toBe(counted)
    expect((await t.call(s.admin.key, 'customers', 'list', { page: 1, pageSize: 5 })).total).toBe(live)
  })

  it('pages of the whole list through the service are its slices; on PostgreSQL a page in the first half is read beside the count', async () => {
    const k = t.app.db.knex
    const all = (await t.call(s.admin.key, 'customers', 'list', { page: 1, pageSize: 100 })).items.map((c) => c.id)
    expect(all).toHaveLength(live)
    let outstanding = 0
    let most = 0
    const on = () => {
      most = Math.max(most, ++outstanding)
    }
    const off = () => void outstanding--
    k.on('query', on).on('query-response', off).on('query-error', off)
    try {
      for (const pageSize of [1, 2, 3]) {
        for (let page = 1; (page - 1) * pageSize < live; page++) {
          const r = await t.call(s.admin.key, 'customers', 'list', { page, pageSize })
          expect(r.items.map((c) => c.id), `page ${page} of ${pageSize}`).toEqual(all.slice((page - 1) * pageSize, page * pageSize))
          expect(r.total).toBe(live)
        }
      }
    } finally {
      k.off('query', on).off('query-response', off).off('query-error', off)
    }
    // two statements under way at once: the count and the page (SQLite has one connection, and counts without reading the entries)
    expect(most).toBe(dialect === 'postgres' ? 2 : 1)
  })

  it('leaves nullable sorts to the OFFSET', async () => {
    for (const field of CUSTOMER_SORT_FIELDS.filter((f) => !['updatedAt', 'createdAt', 'code', 'name'].includes(f))) {
      expect(await customerPageBySeek(t.app.db.knex, { field, order: 'desc' }, { offset: 3, limit: 2, reverse: false }), field).toBeNull()
    }
  })

  it('the list service: every page of the whole list as an admin is the slice of the list read at once', async () => {
    const all = await t.call(s.admin.key, 'customers', 'list', { page: 1, pageSize: 100 })
    expect(all.total).toBe(live)
    const paged: string[] = []
    for (let page = 1; page <= Math.ceil(live / 4); page++) paged.push(...(await t.call(s.admin.key, 'customers', 'list', { page, pageSize: 4 })).items.map((x) => x.id))
    expect(paged).toEqual(all.items.map((x) => x.id))
  })

  if (dialect === 'sqlite') {
    it('SQLite: the edge is an OFFSET over the sort\'s covering index that checks nothing, the page a range of it', async () => {
      const k = t.app.db.knex
      const plan = async (sql: string, bindings: readonly Knex.RawBinding[]) =>
        ((await k.raw(`explain query plan ${sql}`, bindings)) as Array<{ detail: string }>).map((r) => r.detail).join(' / ')
      const statements: Array<{ sql: string; bindings: readonly Knex.RawBinding[] }> = []
      const log = (q: { sql: string; bindings: readonly Knex.RawBinding[] }) => statements.push(q)
      k.on('query', log)
      try {
        await customerPageBySeek(k, { field: 'updatedAt', order: 'desc' }, { offset: 5, limit: 3, reverse: false })
      } finally {
        k.off('query', log)
      }
      expect(statements).toHaveLength(3)
      const [edge, deleted, page] = await Promise.all(statements.map((q) => plan(q.sql, q.bindings)))
      expect(edge).toMatch(/^SCAN c USING COVERING INDEX \w+$/)
      expect(edge).not.toMatch(/TEMP B-TREE/)
      expect(deleted).toMatch(/customers_deleted_ids/)
      expect(page).toMatch(/SEARCH c USING COVERING INDEX \w+ \(\(updated_at,id\)<\(\?,\?\)\)|SEARCH c USING COVERING INDEX \w+ \(\(updated_at,id\)<=\(\?,\?\)\)|SEARCH c USING COVERING INDEX \w+ \(updated_at<\?\)/)
      expect(page).not.toMatch(/TEMP B-TREE/)
    })
  }
})
