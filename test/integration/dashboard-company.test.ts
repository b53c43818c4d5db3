// 工作台 at company scope counts 跟进记录 and 未兑现承诺 without a read per record: the live rows
// of an index range minus those of deleted records and deleted customers
// (interactions.repository countInteractionsInAll / countOpenPromisesDueAll). Nothing is kept on
// write, so every write must show at once: after each kind of write that changes what they
// count — a record created with promises, moved to the month before, edited to add a promise,
// deleted; a promise kept and un-kept; a customer transferred and deleted; a record deleted
// without its promises (as a sync pull or an import may leave it) — the administrator's figures
// equal the direct query (promiseRows / interactionBase joins, counted row by row) and the
// 交往记录 search. On SQLite, PostgreSQL and in mssql id mode.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { countsWorld, dashboardCard, directCounts, directForgotten, NOW, searchCount } from '../helpers/dashboard-counts'

describeEachDb('dashboard: company-wide counts follow every write', (dialect) => {
  let t: TestApp
  let world: Awaited<ReturnType<typeof countsWorld>>

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    world = await countsWorld(t, '公司计数', (w) => [w.mgrA1, w.mgrA2, w.mgrB, w.mgrA1])
  })
  afterAll(async () => t?.close())

  async function agree(step: string, expected: { interactions: number[]; promises: number }) {
    const c = await dashboardCard(t, world.w.admin, 'all')
    const d = await directCounts(t, c.period, c.previous)
    expect({ step, interactions: c.interactions, promises: c.promises }).toEqual({ step, interactions: d.interactions, promises: d.promises })
    expect({ step, search: await searchCount(t, world.w.admin, c.period) }).toEqual({ step, search: c.interactions[0] })
    expect({ step, forgotten: c.forgotten }).toEqual({ step, forgotten: await directForgotten(t, c.forgottenBefore) })
    // and the figures worked out by hand, so a test of two equal wrong answers still fails
    expect({ step, interactions: c.interactions, promises: c.promises }).toEqual({ step, ...expected })
    return c
  }

  it('after each kind of write the company figures equal the direct count', async () => {
    const { w, cust, create } = world
    await agree('empty', { interactions: [0, 0], promises: 0 })

    const r1 = await create(w.mgrA1, cust[0], '2026-12-02T02:00:00Z', [{ content: '寄样品', dueDate: '2026-12-05' }, { content: '报价', dueDate: '2026-12-20' }])
    const r2 = await create(w.mgrB, cust[2], '2026-11-20T02:00:00Z', [{ content: '回访', dueDate: '2026-11-30' }])
    const r3 = await create(w.mgrA2, cust[1], '2026-12-08T02:00:00Z', [{ content: '发合同', dueDate: '2026-12-01' }])
    await create(w.mgrA1, cust[3], '2026-12-01T01:00:00Z')
    await agree('created', { interactions: [3, 1], promises: 3 })

    // moved to November (the record's date edited)
    const cur3 = await t.call(w.mgrA2.key, 'interactions', 'get', { id: r3.id })
    await t.call(w.mgrA2.key, 'interactions', 'update', { id: r3.id, version: cur3.version, fields: { occurredAt: '2026-11-28T02:00:00Z' } })
    await agree('moved to the month before', { interactions: [2, 2], promises: 3 })

    // a promise added by an edit (the full list sent), and one removed the same way
    const cur1 = await t.call(w.mgrA1.key, 'interactions', 'get', { id: r1.id })
    await t.call(w.mgrA1.key, 'interactions', 'update', {
      id: r1.id, version: cur1.version, promises: [...cur1.promises.filter((p) => p.content === '寄样品').map((p) => ({ id: p.id, content: p.content, dueDate: p.dueDate })), { content: '催款', dueDate: '2026-12-03' }],
    })
    const c = await agree('promises edited', { interactions: [2, 2], promises: 4 })
    expect(c.first).toEqual(['回访', '发合同', '催款', '寄样品'])

    // kept, then un-kept
    const open = await t.call(w.admin.key, 'interactions', 'promises', { customerId: cust[2], status: 'open', page: 1, pageSize: 10 })
    const kept = await t.call(w.mgrB.key, 'interactions', 'keepPromise', { id: open.items[0].id, version: open.items[0].version })
    await agree('kept', { interactions: [2, 2], promises: 3 })
    await t.call(w.mgrB.key, 'interactions', 'unkeepPromise', { id: kept.id, version: kept.version })
    await agree('un-kept', { interactions: [2, 2], promises: 4 })

    // a transfer changes nothing company-wide
    await t.call(w.admin.key, 'customers', 'changeOwner', { ids: [cust[0]], ownerId: w.mgrB.userId })
    await agree('transferred', { interactions: [2, 2], promises: 4 })

    // a record deleted (its promises with it)
    await t.call(w.mgrB.key, 'interactions', 'remove', { id: r2.id })
    await agree('record deleted', { interactions: [2, 1], promises: 3 })

    // a record marked deleted while its promises stay (a sync pull or an import writing the row)
    await t.app.db.knex('interactions').where({ id: r3.id }).update({ deleted_at: NOW })
    await agree('record deleted, promises left', { interactions: [2, 0], promises: 2 })

    // a customer deleted: its records and promises leave every count
    await t.call(w.admin.key, 'customers', 'remove', { id: cust[0] })
    await agree('customer deleted', { interactions: [1, 0], promises: 0 })

    // the deleted customer back (as a restore writes it): counted again
    await t.app.db.knex('customers').where({ id: cust[0] }).update({ deleted_at: null })
    await agree('customer back', { interactions: [2, 0], promises: 2 })
  })
})
