// The customer list at scale (issue 8): the indexes of migration 20261206001200 are the ones the
// database reads (query plans, where they are cheap and stable), and a search that counts its
// matches in the same pass — on PostgreSQL the matches found first, then sorted — answers the
// same rows in the same order as before for every sort, with 1- and 2-character Chinese terms,
// mixed Latin/Chinese and LIKE metacharacters.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff } from './customers.fixtures'
import { CUSTOMER_SORT_FIELDS, type CustomerRow } from '../../src-main/contract/customers'
import { customerListQueries, type ListQuery, type ListScope } from '../../src-main/modules/customers/customers.repository'
import { whereOwnerInTeam, whereOwnerIs } from '../../src-main/modules/auth/scope.repository'
import { SEARCH_COUNT_CAP } from '../../src-main/modules/customers/customers.service'
import { buildCustomerSearchText } from '../../src-main/modules/customers/customers.search'
import { analyzeTables, insertChunked } from '../../src-main/db/dialect'
import { newId } from '../../src-main/db/ids'

describeEachDb('customer list at scale: indexes and the counted search', (dialect) => {
  let t: TestApp
  let s: Staff
  const made: CustomerRow[] = []
  /** order totals as stored (a list row shows an empty one as 0; the sort puts it last) */
  const totals = new Map<string, number | null>()

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    const owners = [s.mgrA1, s.mgrA2]
    for (let i = 0; i < 24; i++) {
      t.clock.advance(1000)
      const c = await t.call(s.admin.key, 'customers', 'create', {
        name: i % 3 === 0 ? `ABC科技${i}号有限公司` : `深圳${i}易达贸易_有限%公司`,
        creditRating: i % 4 === 0 ? null : (i % 3) + 1,
        ownerId: owners[i % 2]!.userId,
      })
      await t.app.db.knex('customers').where({ id: c.id }).update({
        order_total_cents: i % 5 === 0 ? null : (i % 4) * 1000,
        last_contact_at: i % 3 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (i % 5))).toISOString(),
        next_contact_at: i % 2 === 0 ? null : new Date(Date.UTC(2026, 5, 1 + (i % 7))).toISOString(),
      })
    }
    // the first page of everything, as rows to sort in JS
    const r = await t.call(s.admin.key, 'customers', 'list', { page: 1, pageSize: 100 })
    made.push(...r.items)
    for (const row of await t.app.db.knex('customers').select('id', 'order_total_cents')) {
      totals.set(String(row.id).toLowerCase(), row.order_total_cents === null ? null : Number(row.order_total_cents))
    }
  })
  afterAll(async () => t?.close())

  const value = (c: CustomerRow, field: (typeof CUSTOMER_SORT_FIELDS)[number]): string | number | null => {
    if (field === 'createdAt') return null // not in a list row (not checked)
    if (field === 'orderTotalCents') return totals.get(c.id.toLowerCase()) ?? null
    const v = (c as unknown as Record<string, unknown>)[field]
    return v === undefined || v === null ? null : (v as string | number)
  }
  /** The list's order: nulls last in both directions, ties by id in the sort's direction. */
  function expected(rows: CustomerRow[], field: (typeof CUSTOMER_SORT_FIELDS)[number], order: 'asc' | 'desc') {
    const sign = order === 'asc' ? 1 : -1
    return [...rows].sort((a, b) => {
      const x = value(a, field)
      const y = value(b, field)
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1
      } else if (x !== y) return (x < y ? -1 : 1) * sign
      return (a.id < b.id ? -1 : 1) * sign
    })
  }

  for (const [what, term, match] of [
    ['one Chinese character', '易', (n: string) => n.includes('易')],
    ['two Chinese characters', '科技', (n: string) => n.includes('科技')],
    ['mixed Latin and Chinese', 'abc科', (n: string) => n.toLowerCase().includes('abc科')],
    ['a LIKE wildcard, literally', '_有限%', (n: string) => n.includes('_有限%')],
  ] as const) {
    it(`a search for ${what} (${term}) answers the same matches, count and order for every sort, both ways`, async () => {
      const hits = made.filter((c) => match(c.name))
      expect(hits.length).toBeGreaterThan(3)
      for (const field of CUSTOMER_SORT_FIELDS.filter((f) => f !== 'createdAt')) {
        for (const order of ['asc', 'desc'] as const) {
          const r = await t.call(s.admin.key, 'customers', 'list', { page: 1, pageSize: 5, filter: { search: term }, sort: { field, order } })
          expect(r.total, `${field} ${order}`).toBe(hits.length)
          const want = expected(hits, field, order).slice(0, 5).map((c) => c.id)
          // rows that tie on a value the row does not show (code is unique, names differ): same set
          expect(r.items.map((c) => c.id), `${field} ${order}`).toEqual(want)
          const page2 = await t.call(s.admin.key, 'customers', 'list', { page: 2, pageSize: 5, filter: { search: term }, sort: { field, order } })
          expect(page2.items.map((c) => c.id), `${field} ${order}, page 2`).toEqual(expected(hits, field, order).slice(5, 10).map((c) => c.id))
        }
      }
    })
  }

  const pageSql = (q: ListQuery, ownerId: string | null, withCount: boolean) => {
    const k = t.app.db.knex
    const { pageIds } = customerListQueries(k, q, (b) => {
      if (ownerId) b.where('c.owner_id', ownerId)
    })
    return pageIds({ offset: 0, limit: 20, reverse: false, withCount }).toString()
  }
  const query = (over: Partial<ListQuery> = {}): ListQuery => ({ page: 1, pageSize: 20, filter: {}, sort: { field: 'updatedAt', order: 'desc' }, ...over })

  if (dialect === 'sqlite') {
    it('SQLite reads a manager\'s list in order from (owner_id, updated_at, id, deleted_at) and the order-total sort from its expression index', async () => {
      const plan = async (sql: string) => ((await t.app.db.knex.raw(`explain query plan ${sql}`)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      const mgr = await plan(pageSql(query(), s.mgrA1.userId, false))
      expect(mgr).toMatch(/customers_owner_cover/)
      expect(mgr).not.toMatch(/TEMP B-TREE/)
      const total = await plan(pageSql(query({ sort: { field: 'orderTotalCents', order: 'desc' } }), null, false))
      expect(total).toMatch(/customers_order_total_desc/)
      expect(total).not.toMatch(/TEMP B-TREE/)
    })
  }

  if (dialect === 'postgres') {
    it('PostgreSQL finds a counted search\'s matches first (trigram index for 3+ characters), never by walking the updated_at index', async () => {
      const k = t.app.db.knex
      expect((await k.raw("select 1 from pg_indexes where indexname = 'customers_search_trgm'")).rows).toHaveLength(1)
      await k.raw('analyze customers')
      const sql = pageSql(query({ filter: { search: '易达贸' } }), null, true)
      expect(sql).toMatch(/^with "c" as materialized \(/)
      const plan = await k.transaction(async (trx) => {
        // few rows here: a scan would be cheaper, so it is switched off to see which index serves the search
        await trx.raw('set local enable_seqscan = off')
        return ((await trx.raw(`explain ${sql}`)).rows as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']).join('\n')
      })
      expect(plan).toMatch(/Bitmap Index Scan on customers_search_trgm/)
      expect(plan).not.toMatch(/Index (Only )?Scan Backward using customers_updated_(at_index|cover)/)
      // without the count (a broad list's page) the query stays as it was: sorted by the index
      expect(pageSql(query(), null, false)).not.toMatch(/materialized/)
    })
  }
})

// A search matching more than SEARCH_COUNT_CAP customers is counted up to the cap (totalCapped),
// its first page read in list order; the exact count when asked; a few-match search goes through
// the search index (SQLite: the trigram index over the doubled text; PostgreSQL: the GIN grams).
describeEachDb('customer list: a common search counted up to the cap, a rare one through the index', (dialect) => {
  let t: TestApp
  let s: Staff
  const COMMON = 10_050
  let regionA = ''
  let regionB = ''
  let levels: string[] = []
  let industries: string[] = []

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    regionA = await dictId(t, 'region', '华南')
    regionB = await dictId(t, 'region', '华东')
    levels = [await dictId(t, 'level', '核心客户'), await dictId(t, 'level', '普通客户')]
    industries = [await dictId(t, 'industry', '化工'), await dictId(t, 'industry', '电子'), await dictId(t, 'industry', '能源')]
    const made = await t.call(s.admin.key, 'customers', 'create', { name: '模板科技有限公司', ownerId: s.mgrA1.userId })
    const k = t.app.db.knex
    const template = await k('customers').where({ id: made.id }).first()
    const rows = Array.from({ length: COMMON }, (_, i) => {
      const name = `大众${i}号科技有限公司`
      const code = `KHT${String(i).padStart(6, '0')}`
      const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()
      // sort and filter columns that vary (nulls among them), for the capped filters below
      const day = (d: number | null) => (d === null ? null : new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString())
      return {
        ...template, id: newId(), code, name, short_name: null, updated_at: at, created_at: at, search_text: buildCustomerSearchText({ name, code }, []),
        region_id: i % 2 ? regionA : regionB, level_id: levels[i % 5 ? 1 : 0], industry_id: industries[i % 3], status: i % 3 ? 'normal' : 'churn_warning', credit_rating: i % 5 ? (i % 4) + 1 : null,
        order_total_cents: i % 7 ? (i * 37) % 1000 : null, last_contact_at: day(i % 11 ? i % 97 : null), next_contact_at: day(i % 13 ? (i * 7) % 89 : null),
      }
    })
    await insertChunked(k, t.app.db.dialect, 'customers', rows)
    await t.call(s.admin.key, 'customers', 'create', { name: '独一无二精密仪器厂', phone: '020-87654321', ownerId: s.mgrA2.userId })
    await analyzeTables(k, t.app.db.dialect, ['customers'])
  }, 120_000)
  afterAll(async () => t?.close())

  it(`a term matching more than ${SEARCH_COUNT_CAP.toLocaleString('en')} customers answers ${SEARCH_COUNT_CAP.toLocaleString('en')} and totalCapped, its first page in list order; the exact count when asked`, async () => {
    const k = t.app.db.knex
    const want = Number((await k('customers').whereNull('deleted_at').where('search_text', 'like', '%科技%').count({ n: '*' }).first())!.n)
    expect(want).toBe(COMMON + 1)
    const r = await t.call(s.admin.key, 'customers', 'list', { pageSize: 20, filter: { search: '科技' } })
    expect(r.total).toBe(SEARCH_COUNT_CAP)
    expect(r.totalCapped).toBe(true)
    const first = await k('customers').whereNull('deleted_at').where('search_text', 'like', '%科技%').orderBy([{ column: 'updated_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(20).select('id')
    expect(r.items.map((c) => c.id.toLowerCase())).toEqual(first.map((c: { id: string }) => String(c.id).toLowerCase()))
    const exact = await t.call(s.admin.key, 'customers', 'list', { pageSize: 20, filter: { search: '科技' }, exactCount: true })
    expect(exact.total).toBe(want)
    expect(exact.totalCapped).toBeUndefined()
    expect(exact.items.map((c) => c.id)).toEqual(r.items.map((c) => c.id))
    // in a manager's scope the same term counts its own matches (all of mgrA1's here: more than the cap)
    const mine = await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: '科技' } })
    expect(mine.totalCapped).toBe(true)
    expect((await t.call(s.mgrA2.key, 'customers', 'list', { filter: { search: '科技' } })).total).toBe(0)
  })

  it('few matches are counted exactly through the index: 2 and 3+ Chinese characters, pinyin initials, phone digits, mixed, LIKE wildcards', async () => {
    for (const [term, n] of [['独一', 1], ['无二精密', 1], ['dywejm', 1], ['87654321', 1], ['大众9999号', 1], ['大众999', 11], ['1号科', 1005], ['精密%', 0], ['精_', 0], ['\\', 0]] as const) {
      const r = await t.call(s.admin.key, 'customers', 'list', { filter: { search: term } })
      expect(r.total, term).toBe(n)
      expect(r.totalCapped, term).toBeUndefined()
    }
  })

  const lower = (r: { items: CustomerRow[] }) => r.items.map((c) => c.id.toLowerCase())

  it(`a filter matching more than ${SEARCH_COUNT_CAP.toLocaleString('en')} customers answers ${SEARCH_COUNT_CAP.toLocaleString('en')} and totalCapped, its pages the exact count's pages in every sort`, async () => {
    const k = t.app.db.knex
    const owned = Number((await k('customers').whereNull('deleted_at').where('owner_id', s.mgrA1.userId).count({ n: '*' }).first())!.n)
    expect(owned).toBeGreaterThan(SEARCH_COUNT_CAP)
    const active = Number((await k('customers').whereNull('deleted_at').where('status', 'normal').count({ n: '*' }).first())!.n)
    expect(active).toBeGreaterThan(SEARCH_COUNT_CAP / 2)
    for (const filter of [{ ownerId: s.mgrA1.userId }, { status: 'normal' as const, search: '科技' }]) {
      const exact = await t.call(s.admin.key, 'customers', 'list', { pageSize: 20, filter, exactCount: true })
      const capped = await t.call(s.admin.key, 'customers', 'list', { pageSize: 20, filter })
      if (exact.total > SEARCH_COUNT_CAP) {
        expect(capped.total, JSON.stringify(filter)).toBe(SEARCH_COUNT_CAP)
        expect(capped.totalCapped, JSON.stringify(filter)).toBe(true)
      } else {
        expect(capped.total, JSON.stringify(filter)).toBe(exact.total)
        expect(capped.totalCapped, JSON.stringify(filter)).toBeUndefined()
      }
      expect(exact.totalCapped).toBeUndefined()
      for (const field of CUSTOMER_SORT_FIELDS) {
        for (const order of ['asc', 'desc'] as const) {
          for (const page of [1, 3, 500]) {
            const input = { page, pageSize: 20, filter, sort: { field, order } }
            const want = await t.call(s.admin.key, 'customers', 'list', { ...input, exactCount: true })
            const got = await t.call(s.admin.key, 'customers', 'list', input)
            expect(lower(got), `${JSON.stringify(filter)} ${field} ${order} page ${page}`).toEqual(lower(want))
            expect(got.items.length, `${field} ${order} page ${page}`).toBe(page === 500 && exact.total > SEARCH_COUNT_CAP ? 20 : Math.max(0, Math.min(20, exact.total - (page - 1) * 20)))
          }
        }
      }
    }
    // page 501 of 20 is past the cap: empty unless the exact count is asked
    expect((await t.call(s.admin.key, 'customers', 'list', { page: 501, pageSize: 20, filter: { ownerId: s.mgrA1.userId } })).items).toEqual([])
    expect((await t.call(s.admin.key, 'customers', 'list', { page: 501, pageSize: 20, filter: { ownerId: s.mgrA1.userId }, exactCount: true })).items).toHaveLength(20)
  })

  it('filters matching fewer than the cap are counted exactly, alone, together, in a scope and with a search', async () => {
    const k = t.app.db.knex
    const count = async (where: Record<string, unknown>, more?: (q: ReturnType<typeof k>) => void) => {
      const q = k('customers').whereNull('deleted_at').where(where)
      more?.(q)
      return Number((await q.count({ n: '*' }).first())!.n)
    }
    const cases: Array<[string, string, Record<string, unknown>, number]> = [
      ['region', s.admin.key, { regionId: regionA }, await count({ region_id: regionA })],
      ['region + status', s.admin.key, { regionId: regionB, status: 'churn_warning' }, await count({ region_id: regionB, status: 'churn_warning' })],
      ['status in a manager\'s own scope', s.mgrA1.key, { status: 'churn_warning' }, await count({ owner_id: s.mgrA1.userId, status: 'churn_warning' })],
      ['another owner', s.admin.key, { ownerId: s.mgrA2.userId }, await count({ owner_id: s.mgrA2.userId })],
      ['region + a common term', s.admin.key, { regionId: regionA, search: '有限' }, await count({ region_id: regionA }, (q) => q.where('search_text', 'like', '%有限%'))],
    ]
    for (const [what, who, filter, want] of cases) {
      expect(want, what).toBeLessThanOrEqual(SEARCH_COUNT_CAP)
      const r = await t.call(who, 'customers', 'list', { pageSize: 20, filter, sort: { field: 'orderTotalCents', order: 'desc' } })
      expect(r.total, what).toBe(want)
      expect(r.totalCapped, what).toBeUndefined()
      const exact = await t.call(who, 'customers', 'list', { pageSize: 20, filter, sort: { field: 'orderTotalCents', order: 'desc' }, exactCount: true })
      expect(lower(r), what).toEqual(lower(exact))
    }
    // the supervisor of team A sees mgrA1's customers: capped there too
    expect((await t.call(s.supA.key, 'customers', 'list', { filter: { status: 'normal' } })).totalCapped).toBeUndefined()
    expect((await t.call(s.supA.key, 'customers', 'list', { filter: { ownerId: s.mgrA1.userId } })).totalCapped).toBe(true)
  })

  if (dialect === 'sqlite') {
    it('SQLite reads a capped filter\'s page from the sort\'s covering index in order, not the filter\'s index and a sort of every match', async () => {
      const k = t.app.db.knex
      const plan = async (sql: string) => ((await k.raw(`explain query plan ${sql}`)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      for (const [filter, sort, index] of [
        [{ ownerId: s.mgrA1.userId }, { field: 'updatedAt', order: 'desc' }, 'customers_updated_cover'],
        [{ regionId: regionA, status: 'normal' }, { field: 'orderTotalCents', order: 'desc' }, 'customers_order_total_desc_cover'],
      ] as const) {
        const q: ListQuery = { page: 1, pageSize: 20, filter, sort }
        const lists = customerListQueries(k, q, () => {})
        const inOrder = await plan(lists.pageIds({ offset: 0, limit: 20, reverse: false, withCount: false, inOrder: true }).toString())
        expect(inOrder, JSON.stringify(filter)).toMatch(new RegExp(`SCAN c USING (COVERING )?INDEX ${index}\\b`))
        expect(inOrder, JSON.stringify(filter)).not.toMatch(/TEMP B-TREE/)
      }
    })
  }

  it('three dictionary filters, a team\'s scope with a filter, a manager\'s scope of more than the cap in every sort: the exact count\'s rows and pages', async () => {
    const k = t.app.db.knex
    const filter = { regionId: regionA, levelId: levels[0], industryId: industries[1] }
    const want = Number((await k('customers').whereNull('deleted_at').where({ region_id: regionA, level_id: levels[0], industry_id: industries[1] }).count({ n: '*' }).first())!.n)
    expect(want).toBeGreaterThan(20)
    const three = await t.call(s.admin.key, 'customers', 'list', { pageSize: 20, filter })
    expect(three.total).toBe(want)
    expect(lower(three)).toEqual(lower(await t.call(s.admin.key, 'customers', 'list', { pageSize: 20, filter, exactCount: true })))
    // the supervisor of team A: mgrA1's customers of one region (over the cap together with …)
    for (const page of [1, 3]) {
      const input = { page, pageSize: 20, filter: { regionId: regionA } }
      expect(lower(await t.call(s.supA.key, 'customers', 'list', input)), `team page ${page}`).toEqual(lower(await t.call(s.supA.key, 'customers', 'list', { ...input, exactCount: true })))
    }
    // mgrA1 owns more than the cap: its own list (scope alone) read in each sort's order equals
    // the admin's exact list of mgrA1's customers, first, deep and last pages
    const owned = Number((await k('customers').whereNull('deleted_at').where('owner_id', s.mgrA1.userId).count({ n: '*' }).first())!.n)
    expect(owned).toBeGreaterThan(SEARCH_COUNT_CAP)
    const last = Math.ceil(owned / 20)
    for (const field of CUSTOMER_SORT_FIELDS) {
      for (const order of ['asc', 'desc'] as const) {
        for (const page of [1, 3, 300, last]) {
          const input = { page, pageSize: 20, sort: { field, order } }
          const got = await t.call(s.mgrA1.key, 'customers', 'list', input)
          const exact = await t.call(s.admin.key, 'customers', 'list', { ...input, filter: { ownerId: s.mgrA1.userId }, exactCount: true })
          expect(got.total).toBe(owned)
          expect(lower(got), `${field} ${order} page ${page}`).toEqual(lower(exact))
        }
      }
    }
  }, 120_000)

  if (dialect === 'sqlite') {
    it('SQLite reads dictionary filters together from one covering index, and a scope read in order from the sort\'s covering index (no owner index, no sort of the scope)', async () => {
      const k = t.app.db.knex
      const plan = async (sql: string) => ((await k.raw(`explain query plan ${sql}`)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      const filter = { regionId: regionA, levelId: levels[0], industryId: industries[1] }
      const three = customerListQueries(k, { page: 1, pageSize: 20, filter, sort: { field: 'updatedAt', order: 'desc' } }, () => {})
      const capped = await plan(three.pageIds({ offset: 0, limit: 20, reverse: false, withCount: true, countUpTo: SEARCH_COUNT_CAP + 1 }).toString())
      expect(capped).toMatch(/SEARCH c USING COVERING INDEX customers_region_id_cover \(region_id=\? AND level_id=\? AND industry_id=\?\)/)
      const team: ListScope = (b, ownerCol) => whereOwnerInTeam(b, k, ownerCol, s.teamA)
      const teamRegion = customerListQueries(k, { page: 1, pageSize: 20, filter: { regionId: regionA }, sort: { field: 'updatedAt', order: 'desc' } }, team)
      const inOrder = await plan(teamRegion.pageIds({ offset: 0, limit: 20, reverse: false, withCount: false, inOrder: true }).toString())
      expect(inOrder).toMatch(/SCAN c USING (COVERING )?INDEX customers_updated_cover\b/)
      expect(inOrder).not.toMatch(/TEMP B-TREE|owner/)
      const own: ListScope = (b, ownerCol) => whereOwnerIs(b, ownerCol, s.mgrA1.userId)
      const byTotal = customerListQueries(k, { page: 1, pageSize: 20, filter: {}, sort: { field: 'orderTotalCents', order: 'desc' } }, own)
      const total = await plan(byTotal.pageIds({ offset: 0, limit: 20, reverse: false, withCount: false, inOrder: true }).toString())
      expect(total).toMatch(/SCAN c USING (COVERING )?INDEX customers_order_total_desc_cover\b/)
      expect(total).not.toMatch(/TEMP B-TREE/)
    })

    it('SQLite reads a 2-character Chinese search\'s candidates from the trigram index', async () => {
      const k = t.app.db.knex
      const q: ListQuery = { page: 1, pageSize: 20, filter: { search: '独一' }, sort: { field: 'updatedAt', order: 'desc' } }
      const sql = customerListQueries(k, q, () => {}, undefined, { searchIndexed: true }).pageIds({ offset: 0, limit: 20, reverse: false, withCount: true }).toString()
      const plan = ((await k.raw(`explain query plan ${sql}`)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      expect(plan).toMatch(/customer_search_fts VIRTUAL TABLE INDEX/)
      // the customers are looked up by id, not scanned
      expect(plan).toMatch(/SEARCH c USING INDEX \w+ \(id=\?\)/)
      expect(plan).not.toMatch(/SCAN c(;|$| USING)/)
    })
  }

  if (dialect === 'postgres') {
    it('PostgreSQL reads a 2-character Chinese search\'s candidates from the GIN grams index once analysed', async () => {
      const k = t.app.db.knex
      const q: ListQuery = { page: 1, pageSize: 20, filter: { search: '独一' }, sort: { field: 'updatedAt', order: 'desc' } }
      const sql = customerListQueries(k, q, () => {}, undefined, { searchIndexed: true }).pageIds({ offset: 0, limit: 20, reverse: false, withCount: true }).toString()
      const plan = ((await k.raw(`explain ${sql}`)).rows as Array<{ 'QUERY PLAN': string }>).map((r) => r['QUERY PLAN']).join('\n')
      expect(plan).toMatch(/Bitmap Index Scan on customers_search_grams/)
    })
  }
})
