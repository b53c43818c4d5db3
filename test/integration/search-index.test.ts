// 全局搜索 through the search indexes (issue 14 item 3), on SQLite and PostgreSQL (and SQLite in
// mssql id mode): every way a term is read — 1 and 2 Chinese characters, pinyin initials, a full
// pinyin prefix, 1–3 digits, a mobile fragment, a code — finds what the plain LIKE found; the
// caller's scope holds; an edited, deleted or pooled (公海) customer and an edited or deleted
// contact leave or enter the index with their change, and rows a sync pull writes (insert and
// upsert) are found. On SQLite the statements' query plans read customers and contacts only
// through the FTS5 index, an index range, or a bounded number of rows — never a full scan.
import { expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { describeEachDb } from '../helpers/test-app'
import { searchFixture } from './search.fixtures'
import { versionOf } from '../helpers/versions'
import { buildContactSearchText, buildCustomerSearchText } from '../../src-main/modules/customers/customers.search'
import { putRows } from '../../src-main/modules/sync/sync.repository'
import { SEARCH_SCAN_BOUND } from '../../src-main/modules/customers/customers.repository'
import { draft } from './orders.fixtures'

describeEachDb('global search through the search indexes', (dialect) => {
  const f = searchFixture(dialect, async ({ s, customer, contact }) => {
    const a = await customer(s.mgrA1.userId, '北京张氏机械制造', { phone: '010-62345678' })
    const b = await customer(s.mgrB.userId, '张家港恒远纺织')
    await customer(s.mgrA2.userId, '合肥宇弘教育科技有限公司')
    await customer(s.mgrA1.userId, 'Acme 贸易')
    await contact(a, '王小明', '13912345678')
    await contact(b, '张伟', '13700002222')
  })
  const { search, group, titles, customer, contact, ids } = f

  it('one Chinese character (no trigram): names starting with it first, names holding it, contacts named so', async () => {
    const hits = await group(f.s.admin.key, '张', 'customer')
    expect(hits.map((h) => [h.title, h.match])).toEqual([['张家港恒远纺织', 'prefix'], ['北京张氏机械制造', 'contains']])
    expect(await titles(f.s.admin.key, '张', 'contact')).toEqual(['张伟'])
  })

  it('two Chinese characters, pinyin initials and a full pinyin prefix (through the index)', async () => {
    expect(await titles(f.s.admin.key, '恒远', 'customer')).toEqual(['张家港恒远纺织'])
    expect(await titles(f.s.admin.key, '氏机', 'customer')).toEqual(['北京张氏机械制造'])
    expect(await titles(f.s.admin.key, '小明', 'contact')).toEqual(['王小明'])
    expect((await group(f.s.admin.key, 'hfyhjy', 'customer')).map((h) => [h.title, h.field, h.match])).toEqual([['合肥宇弘教育科技有限公司', 'pinyin', 'prefix']])
    expect((await group(f.s.admin.key, 'hefeiyuho', 'customer')).map((h) => [h.title, h.field, h.match])).toEqual([['合肥宇弘教育科技有限公司', 'pinyin', 'prefix']])
    expect(await titles(f.s.admin.key, 'zhangjiagang', 'customer')).toEqual(['张家港恒远纺织'])
    expect((await group(f.s.admin.key, 'wxm', 'contact')).map((h) => [h.title, h.field])).toEqual([['王小明', 'pinyin']])
    expect(await titles(f.s.admin.key, 'zzqxw', 'customer')).toEqual([]) // no match
  })

  it('one and two Latin letters: names starting with them (an index range), parts starting with them', async () => {
    expect((await group(f.s.admin.key, 'a', 'customer'))[0]).toMatchObject({ title: 'Acme 贸易', match: 'prefix', field: 'name' })
    expect((await group(f.s.admin.key, 'ac', 'customer'))[0]).toMatchObject({ title: 'Acme 贸易', match: 'prefix', field: 'name' })
    // 2 letters as the start of a part: the initials 'hf' of 合肥…
    expect((await group(f.s.admin.key, 'hf', 'customer')).map((h) => [h.title, h.field, h.match])).toEqual([['合肥宇弘教育科技有限公司', 'pinyin', 'prefix']])
    expect((await group(f.s.admin.key, 'zw', 'contact')).map((h) => [h.title, h.field])).toEqual([['张伟', 'pinyin']])
  })

  it('digits: 1, 2 and 3 of them, a mobile fragment, a phone as digits, a customer code', async () => {
    // 2 digits: mobiles starting with 13 (the part prefix |13), the customers through their contacts
    expect((await titles(f.s.admin.key, '13', 'contact')).sort()).toEqual(['张伟', '王小明'])
    expect((await group(f.s.admin.key, '13', 'customer')).map((h) => [h.title, h.field]).sort()).toEqual([['北京张氏机械制造', 'other'], ['张家港恒远纺织', 'other']])
    // 1 digit: within the bounded read (this data is smaller than the bound, so every match)
    expect(await titles(f.s.admin.key, '9', 'contact')).toEqual(['王小明'])
    expect((await group(f.s.admin.key, '7', 'customer')).map((h) => h.title)).toContain('北京张氏机械制造') // its phone 010-62345678
    // 3 digits (one trigram): inside a phone
    expect((await group(f.s.admin.key, '623', 'customer')).map((h) => [h.title, h.field, h.match])).toEqual([['北京张氏机械制造', 'phone', 'contains']])
    // a mobile fragment from its middle, and a phone typed with its separators
    expect((await group(f.s.admin.key, '1234567', 'contact')).map((h) => [h.title, h.field, h.match])).toEqual([['王小明', 'phone', 'contains']])
    expect((await group(f.s.admin.key, '1234567', 'customer')).map((h) => [h.title, h.field])).toEqual([['北京张氏机械制造', 'other']])
    expect(await titles(f.s.admin.key, '010-6234 5678', 'customer')).toEqual(['北京张氏机械制造'])
    const code = (await f.t.call(f.s.admin.key, 'customers', 'get', { id: ids['合肥宇弘教育科技有限公司'] })).code as string
    expect((await group(f.s.admin.key, code, 'customer'))[0]).toMatchObject({ title: '合肥宇弘教育科技有限公司', field: 'code', match: 'exact' })
    expect((await group(f.s.admin.key, code.slice(-3), 'customer')).map((h) => h.title)).toContain('合肥宇弘教育科技有限公司')
  })

  it('each caller finds what its scope holds: own, team, all', async () => {
    expect(await titles(f.s.mgrA1.key, '张', 'customer')).toEqual(['北京张氏机械制造'])
    expect(await titles(f.s.mgrA1.key, '张', 'contact')).toEqual([])
    expect(await titles(f.s.mgrB.key, '张', 'contact')).toEqual(['张伟'])
    expect(await titles(f.s.mgrB.key, 'hfyhjy', 'customer')).toEqual([])
    expect(await titles(f.s.mgrA1.key, 'hfyhjy', 'customer')).toEqual([])
    expect(await titles(f.s.supA.key, 'hfyhjy', 'customer')).toEqual(['合肥宇弘教育科技有限公司']) // the team's
    expect(await titles(f.s.supB.key, '13', 'contact')).toEqual(['张伟'])
    expect((await titles(f.s.admin.key, '13', 'contact')).sort()).toEqual(['张伟', '王小明'])
  })

  it('an edited customer or contact is found by its new text only; a deleted one is gone', async () => {
    const id = await customer(f.s.mgrA2.userId, '芜湖鸿运包装材料')
    const ct = await contact(id, '钱多多', '15800001111')
    expect(await titles(f.s.admin.key, 'whhy', 'customer')).toEqual(['芜湖鸿运包装材料'])
    await f.t.call(f.s.admin.key, 'customers', 'update', { id, version: await versionOf(f.t, 'customers', id), fields: { name: '芜湖瑞丰包装材料' } })
    expect(await titles(f.s.admin.key, 'whhy', 'customer')).toEqual([])
    expect(await titles(f.s.admin.key, '鸿运', 'customer')).toEqual([])
    expect(await titles(f.s.admin.key, 'whrf', 'customer')).toEqual(['芜湖瑞丰包装材料'])
    expect(await titles(f.s.admin.key, '瑞丰', 'customer')).toEqual(['芜湖瑞丰包装材料'])
    await f.t.call(f.s.admin.key, 'contacts', 'update', { id: ct, version: await versionOf(f.t, 'contacts', ct), fields: { name: '钱满仓', mobile: '15800009999' } })
    expect(await titles(f.s.admin.key, 'qdd', 'contact')).toEqual([])
    expect(await titles(f.s.admin.key, '00001111', 'contact')).toEqual([])
    expect(await titles(f.s.admin.key, 'qmc', 'contact')).toEqual(['钱满仓'])
    expect(await titles(f.s.admin.key, '00009999', 'contact')).toEqual(['钱满仓'])
    expect(await titles(f.s.admin.key, '00009999', 'customer')).toEqual(['芜湖瑞丰包装材料']) // through its contact, rebuilt
    await f.t.call(f.s.admin.key, 'contacts', 'remove', { id: ct })
    expect(await titles(f.s.admin.key, 'qmc', 'contact')).toEqual([])
    expect(await titles(f.s.admin.key, '00009999', 'customer')).toEqual([])
    await f.t.call(f.s.admin.key, 'customers', 'remove', { id })
    expect(await titles(f.s.admin.key, 'whrf', 'customer')).toEqual([])
    expect(await titles(f.s.admin.key, '瑞丰', 'customer')).toEqual([])
  })

  it('a customer moved to 公海 leaves its rep\'s search and reappears for the rep who claims it', async () => {
    const id = await customer(f.s.mgrA1.userId, '东莞骏腾五金制品')
    await contact(id, '邓建国', '13600003333')
    expect(await titles(f.s.mgrA1.key, 'dgjt', 'customer')).toEqual(['东莞骏腾五金制品'])
    expect(await titles(f.s.mgrA1.key, '邓建国', 'contact')).toEqual(['邓建国'])
    expect(await f.t.call(f.s.mgrA1.key, 'pool', 'release', { ids: [id], reason: '暂无需求' })).toEqual({ changed: 1 })
    expect(await titles(f.s.mgrA1.key, 'dgjt', 'customer')).toEqual([])
    expect(await titles(f.s.mgrA1.key, '骏腾', 'customer')).toEqual([])
    expect(await titles(f.s.mgrA1.key, '13600003333', 'contact')).toEqual([])
    expect(await titles(f.s.mgrA2.key, 'dgjt', 'customer')).toEqual([])
    expect(await titles(f.s.admin.key, 'dgjt', 'customer')).toEqual(['东莞骏腾五金制品']) // all: still there, ownerless
    expect(await f.t.call(f.s.mgrA2.key, 'pool', 'claim', { ids: [id] })).toEqual({ changed: 1 })
    expect(await titles(f.s.mgrA2.key, 'dgjt', 'customer')).toEqual(['东莞骏腾五金制品'])
    expect(await titles(f.s.mgrA2.key, '骏腾', 'customer')).toEqual(['东莞骏腾五金制品'])
    expect(await titles(f.s.mgrA2.key, '13600003333', 'contact')).toEqual(['邓建国'])
    expect(await titles(f.s.mgrA1.key, 'dgjt', 'customer')).toEqual([])
  })

  it('rows a sync pull writes are found: inserted, then upserted with a new name', async () => {
    const k = f.t.app.db.knex
    const now = new Date().toISOString()
    const id = randomUUID()
    const ctId = randomUUID()
    const row = (name: string, person: string, version: number) => ({
      customer: { id, code: 'KH-2099-777001', name, owner_id: f.s.mgrB.userId, created_at: now, updated_at: now, version, search_text: buildCustomerSearchText({ name, code: 'KH-2099-777001' }, [{ name: person, mobile: '18900004444' }]) },
      contact: { id: ctId, customer_id: id, name: person, mobile: '18900004444', owner_id: f.s.mgrB.userId, is_primary: true, created_at: now, updated_at: now, version, search_text: buildContactSearchText({ name: person, mobile: '18900004444' }) },
    })
    const first = row('宁波甬新汽配', '孔令辉', 1)
    await putRows(k, 'customers', [first.customer])
    await putRows(k, 'contacts', [first.contact])
    expect(await titles(f.s.mgrB.key, 'nbyxqp', 'customer')).toEqual(['宁波甬新汽配'])
    expect(await titles(f.s.mgrB.key, '甬新', 'customer')).toEqual(['宁波甬新汽配'])
    expect(await titles(f.s.mgrB.key, 'klh', 'contact')).toEqual(['孔令辉'])
    expect(await titles(f.s.mgrB.key, '00004444', 'contact')).toEqual(['孔令辉'])
    // the same rows pulled again, changed (the pull's upsert: ON CONFLICT … DO UPDATE)
    const second = row('宁波华越汽配', '孔令东', 2)
    await putRows(k, 'customers', [second.customer])
    await putRows(k, 'contacts', [second.contact])
    expect(await titles(f.s.mgrB.key, 'nbyxqp', 'customer')).toEqual([])
    expect(await titles(f.s.mgrB.key, '甬新', 'customer')).toEqual([])
    expect(await titles(f.s.mgrB.key, '华越', 'customer')).toEqual(['宁波华越汽配'])
    expect(await titles(f.s.mgrB.key, 'klh', 'contact')).toEqual([])
    expect(await titles(f.s.mgrB.key, 'kld', 'contact')).toEqual(['孔令东'])
    expect(await titles(f.s.mgrB.key, 'KH-2099-777001', 'customer')).toEqual(['宁波华越汽配'])
  })

  it('a caller who may see orders but not customers finds orders by the customer\'s pinyin, 2 letters and 1 character (customers\' index, bounded)', async () => {
    const id = await customer(f.s.mgrA1.userId, '绍兴柯桥纺织品')
    const order = await draft(f.t, f.s.mgrA1, id, '2026-05-01')
    const roleId = randomUUID()
    const now = new Date().toISOString()
    await f.t.app.db.knex('roles').insert({ id: roleId, code: 'orders_only', name: '只看订单', is_system: false, created_at: now, updated_at: now, version: 0 })
    await f.t.app.db.knex('role_permissions').insert({ id: randomUUID(), role_id: roleId, module: 'orders', actions: 'view', scope: 'all' })
    const viewer = await f.t.userSession('ordersonly1', 'orders_only')
    expect((await search(viewer.key, 'sxkq')).searched).toEqual(['order'])
    expect((await group(viewer.key, 'sxkq', 'order')).map((h) => [h.id, h.field])).toEqual([[order.id, 'pinyin']])
    expect((await group(viewer.key, '柯桥', 'order')).map((h) => h.id)).toEqual([order.id])
    expect((await group(viewer.key, '柯', 'order')).map((h) => h.id)).toEqual([order.id])
    expect(await group(viewer.key, 'zzqxw', 'order')).toEqual([])
  })

  it.runIf(dialect === 'sqlite')('SQLite: customers and contacts are read through the FTS5 index, an index range or a bounded number of rows — never scanned whole', async () => {
    const k = f.t.app.db.knex
    const seen: Array<{ sql: string; bindings: unknown[] }> = []
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] })
    k.on('query', onQuery)
    try {
      for (const term of ['hfyhjy', 'hefeiyuho', '恒远', '张', 'a', 'hf', '13', '7', '1234567', 'zzqxw']) await search(f.s.admin.key, term)
      await search(f.s.mgrA1.key, 'hfyhjy')
    } finally {
      k.off('query', onQuery)
    }
    const searchOf = /`(customers|contacts)` as `(c|ct)`|(customer|contact)_search_fts/
    const statements = seen.filter((q) => /^select/i.test(q.sql) && / like /i.test(q.sql) && searchOf.test(q.sql))
    expect(statements.length).toBeGreaterThan(20)
    expect(statements.some((q) => q.sql.includes('customer_search_fts'))).toBe(true)
    expect(statements.some((q) => q.sql.includes('contact_search_fts'))).toBe(true)
    // the opportunities' area reads through their own index (migration 20261206002310) too: the
    // ids the index offers, looked up by key — no scan of the opportunities
    const opportunityReads = seen.filter((q) => / like /i.test(q.sql) && q.sql.includes('opportunity_search_fts'))
    expect(opportunityReads.length).toBeGreaterThan(0)
    for (const q of opportunityReads) {
      const plan = ((await k.raw(`explain query plan ${q.sql}`, q.bindings as never[])) as Array<{ detail: string }>).map((r) => r.detail)
      expect(plan.join('\n')).not.toMatch(/^SCAN (o|opportunities)\b/m)
    }
    for (const q of statements) {
      const plan = ((await k.raw(`explain query plan ${q.sql}`, q.bindings as never[])) as Array<{ detail: string }>).map((r) => r.detail)
      const scans = plan.filter((d) => /^SCAN (c|ct|customers|contacts)\b/.test(d))
      if (scans.length) expect(q.bindings, `${q.sql}\n${plan.join('\n')}`).toContain(SEARCH_SCAN_BOUND) // only a bounded read scans
      if (q.sql.includes('_search_fts')) expect(plan[0], plan.join('\n')).toMatch(/_search_fts VIRTUAL TABLE INDEX/) // the index is the outer loop
      // and nothing read through it is sorted (a prefix range is read in its index's order, not through the trigram index)
      if (q.sql.includes('_search_fts')) expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
    }
  })
})
