// The 联系人 list's total at company scope (issue 8): counted as the live contacts minus the live
// contacts of deleted customers, without joining every contact to its customer — and exactly the
// join's number: with deleted customers whose contacts are still live (data from before deletes
// took the contacts along, a sync upload), deleted contacts, the created-at period of the
// 工作台's 新增联系人, and every page together holding total rows. A 客户经理's own scope is
// unchanged. SQLite, PostgreSQL, mssql id mode.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'

describeEachDb('联系人 list total at company scope', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    const mk = async (name: string, owner: string, contacts: number) => {
      const c = await t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner })
      for (let i = 0; i < contacts; i++) await t.call(s.admin.key, 'contacts', 'create', { customerId: c.id, fields: { name: `${name}联系人${i}` } })
      return c.id as string
    }
    await mk('计数留存甲', s.mgrA1.userId, 3)
    await mk('计数留存乙', s.mgrB.userId, 2)
    const gone = await mk('计数删除丙', s.mgrA1.userId, 4)
    const goneToo = await mk('计数删除丁', s.mgrB.userId, 1)
    await t.call(s.admin.key, 'customers', 'remove', { id: gone })
    await t.call(s.admin.key, 'customers', 'remove', { id: goneToo })
    // contacts still live under a deleted customer: the count must not show them
    await k()('contacts').where({ customer_id: gone }).update({ deleted_at: null })
    // a deleted contact of a live customer
    const live = await k()('contacts as ct').join('customers as c', 'c.id', 'ct.customer_id').where('c.name', '计数留存乙').first('ct.id')
    await k()('contacts').where({ id: live.id }).update({ deleted_at: new Date().toISOString() })
    // created-at spread over three days for the period
    const ids = (await k()('contacts').orderBy('id').select('id')).map((r: { id: string }) => r.id)
    for (let i = 0; i < ids.length; i++) await k()('contacts').where({ id: ids[i] }).update({ created_at: `2026-11-0${1 + (i % 3)}T08:00:00.000Z` })
  })
  afterAll(() => t?.close())

  /** The join's answer, in JavaScript: live contacts of live customers (in `owner`'s customers when given), added in [from, to). */
  async function truth(f: { from?: string; to?: string } = {}, owner?: string) {
    const rows = await k()('contacts as ct').join('customers as c', 'c.id', 'ct.customer_id').select('ct.deleted_at as cd', 'c.deleted_at as d', 'ct.created_at', 'c.owner_id')
    return rows.filter((r: Record<string, unknown>) => {
      const at = new Date(String(r.created_at)).toISOString()
      return r.cd == null && r.d == null && (!f.from || at >= f.from) && (!f.to || at < f.to) && (!owner || String(r.owner_id).toLowerCase() === owner.toLowerCase())
    }).length
  }

  it('is the exact count of the join, without the join', async () => {
    const counts: string[] = []
    const onQuery = (q: { sql: string }) => {
      if (/count\(\*\)/i.test(q.sql) && /contacts/i.test(q.sql)) counts.push(q.sql)
    }
    k().on('query', onQuery)
    let all
    try {
      all = await t.call(s.admin.key, 'contacts', 'search', { page: 1, pageSize: 50 })
    } finally {
      k().off('query', onQuery)
    }
    expect(all.total).toBe(await truth())
    expect(all.total).toBe(3 + 1) // 甲's three, 乙's two less the deleted one; none of 丙's live four, nor 丁's
    expect(all.items).toHaveLength(all.total)
    expect(all.items.every((x: { customerName: string }) => x.customerName.startsWith('计数留存'))).toBe(true)
    // the count statements read contacts (and the deleted customers' ids), never a join of all of them
    expect(counts.length).toBeGreaterThan(0)
    for (const sql of counts) expect(sql).not.toMatch(/\bjoin\b/i)

    // the 工作台's period, and pages that together hold `total` rows
    for (const f of [{ from: '2026-11-02T00:00:00.000Z' }, { to: '2026-11-02T00:00:00.000Z' }, { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' }]) {
      const r = await t.call(s.admin.key, 'contacts', 'search', { page: 1, pageSize: 50, createdFrom: f.from, createdTo: f.to })
      expect(r.total, JSON.stringify(f)).toBe(await truth(f))
    }
    const p1 = await t.call(s.admin.key, 'contacts', 'search', { page: 1, pageSize: 3 })
    const p2 = await t.call(s.admin.key, 'contacts', 'search', { page: 2, pageSize: 3 })
    expect(p1.total).toBe(all.total)
    expect(new Set([...p1.items, ...p2.items].map((x: { id: string }) => x.id)).size).toBe(all.total)

    // a 客户经理 (own scope) counts its own customers' contacts as before
    const own = await t.call(s.mgrA1.key, 'contacts', 'search', { page: 1, pageSize: 50 })
    expect(own.total).toBe(await truth({}, s.mgrA1.userId))
    expect(own.total).toBe(3)
  })
})
