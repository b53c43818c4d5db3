// 全局搜索 (search.global) on SQLite and PostgreSQL through dispatch(): ranking (exact and
// prefix before substring, the name before pinyin, codes and phones), pinyin and initials,
// contacts by name and mobile, the caller's data scope and permissions, deleted records, and
// both ways a term is searched (few matches: read completely; a common term: the best looked
// for directly).
import { expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { describeEachDb } from '../helpers/test-app'
import { dictId, type Staff } from './customers.fixtures'
import { searchFixture } from './search.fixtures'
import { buildContactSearchText, buildCustomerSearchText } from '../../src-main/modules/customers/customers.search'
import { insertChunked } from '../../src-main/db/dialect'
import { draft } from './orders.fixtures'

describeEachDb('global search', (dialect) => {
  const f = searchFixture(dialect, async ({ s, customer, contact }) => {
    const gz = await customer(s.mgrA1.userId, '广州市人易软件技术有限公司', { shortName: '人易软件', phone: '020-87654321' })
    await customer(s.mgrB.userId, '人易科技')
    await customer(s.mgrA2.userId, '人易科技发展有限公司')
    await customer(s.mgrA1.userId, '北京华宇138商贸公司')
    await customer(s.mgrA1.userId, '上海恒通物流', { phone: '13812345678' })
    await customer(s.mgrA2.userId, '深圳市人易达电子')
    const bj = await customer(s.mgrB.userId, '北京张氏机械')
    await contact(gz, '李明', '13800138000')
    await contact(gz, '黎明远', '13900001111')
    await contact(bj, '张伟', '13700002222')
  })
  const { search, group, titles, customer, contact, ids } = f

  it('ranks the exact name first, then names starting with the term, then names holding it', async () => {
    expect(await titles(f.s.admin.key, '人易科技', 'customer')).toEqual(['人易科技', '人易科技发展有限公司'])
    const hits = await group(f.s.admin.key, '人易', 'customer')
    // a short name starting with the term counts as a name starting with it
    expect(hits.map((h) => h.title)).toEqual(['人易科技', '人易科技发展有限公司', '广州市人易软件技术有限公司', '深圳市人易达电子'])
    expect(hits.map((h) => h.match)).toEqual(['prefix', 'prefix', 'prefix', 'contains'])
    expect(hits[0].score).toBeLessThan(hits[3].score)
  })

  it('finds customers by pinyin and initials, the name before other fields', async () => {
    const byInitials = await group(f.s.admin.key, 'gzry', 'customer')
    expect(byInitials.map((h) => h.title)).toEqual(['广州市人易软件技术有限公司'])
    expect(byInitials[0]).toMatchObject({ field: 'pinyin', match: 'prefix' })
    expect(await titles(f.s.admin.key, 'GZRY', 'customer')).toEqual(['广州市人易软件技术有限公司']) // case does not matter
    expect((await group(f.s.admin.key, 'renyikeji', 'customer'))[0]).toMatchObject({ title: '人易科技', field: 'pinyin', match: 'exact' })
    // a phone starting with 138 ranks before a name merely holding 138
    const hits = await group(f.s.admin.key, '138', 'customer')
    expect(hits.map((h) => h.title)).toEqual(['上海恒通物流', '北京华宇138商贸公司', '广州市人易软件技术有限公司'])
    expect(hits.map((h) => [h.match, h.field])).toEqual([['prefix', 'phone'], ['contains', 'name'], ['contains', 'other']]) // the last through its contact's mobile
    // a phone by its digits, and the customer code
    expect(await titles(f.s.admin.key, '02087654321', 'customer')).toEqual(['广州市人易软件技术有限公司'])
    const code = (await f.t.call(f.s.admin.key, 'customers', 'get', { id: ids['人易科技'] })).code
    expect((await group(f.s.admin.key, code, 'customer'))[0]).toMatchObject({ title: '人易科技', field: 'code', match: 'exact' })
  })

  it('finds contacts by name, pinyin, initials and mobile, naming their company', async () => {
    const byName = await group(f.s.admin.key, '李明', 'contact')
    expect(byName).toHaveLength(1)
    expect(byName[0]).toMatchObject({ kind: 'contact', title: '李明', match: 'exact', field: 'name', customerId: ids['广州市人易软件技术有限公司'] })
    expect(byName[0].subtitle).toContain('广州市人易软件技术有限公司')
    expect(await titles(f.s.admin.key, 'liming', 'contact')).toEqual(['李明', '黎明远']) // exact pinyin before a prefix
    expect(await titles(f.s.admin.key, 'lmy', 'contact')).toEqual(['黎明远'])
    expect(await titles(f.s.admin.key, '13800138000', 'contact')).toEqual(['李明'])
    expect(await titles(f.s.admin.key, '1370000', 'contact')).toEqual(['张伟'])
    expect(await titles(f.s.admin.key, '138-0013', 'contact')).toEqual(['李明']) // typed with a dash
    // the groups come best first: an exact contact name before customers merely holding it
    const r = await search(f.s.admin.key, '张伟')
    expect(r.groups[0].kind).toBe('contact')
  })

  it('shows only what the caller may see', async () => {
    // 客户经理: own customers and contacts only
    expect(await titles(f.s.mgrA1.key, '人易', 'customer')).toEqual(['广州市人易软件技术有限公司'])
    expect(await titles(f.s.mgrA1.key, '张伟', 'contact')).toEqual([])
    expect(await titles(f.s.mgrB.key, '张伟', 'contact')).toEqual(['张伟'])
    expect(await titles(f.s.mgrB.key, 'liming', 'contact')).toEqual([])
    // 销售主管: the team's
    expect(await titles(f.s.supA.key, '人易', 'customer')).toEqual(['人易科技发展有限公司', '广州市人易软件技术有限公司', '深圳市人易达电子'])
    expect(await titles(f.s.supB.key, '人易', 'customer')).toEqual(['人易科技'])
    // a role without the contacts permission gets no contacts (and no error)
    const roleId = randomUUID()
    const now = new Date().toISOString()
    await f.t.app.db.knex('roles').insert({ id: roleId, code: 'viewer_no_contacts', name: '只看客户', is_system: false, created_at: now, updated_at: now, version: 0 })
    await f.t.app.db.knex('role_permissions').insert({ id: randomUUID(), role_id: roleId, module: 'customers', actions: 'view', scope: 'all' })
    const viewer = await f.t.userSession('viewer1', 'viewer_no_contacts')
    expect((await search(viewer.key, '李明')).searched).toEqual(['customer'])
    const r = await search(viewer.key, 'liming')
    expect(r.groups.map((g) => g.kind)).toEqual(['customer']) // the company, found through its contact's pinyin
    expect(r.groups[0].items.map((h) => [h.title, h.field])).toEqual([['广州市人易软件技术有限公司', 'other']])
    // without any permission: nothing searched
    const roleless = randomUUID()
    await f.t.app.db.knex('roles').insert({ id: roleless, code: 'nothing', name: '无权限', is_system: false, created_at: now, updated_at: now, version: 0 })
    const nobody = await f.t.userSession('nobody1', 'nothing')
    expect(await search(nobody.key, '李明')).toEqual({ groups: [], searched: [] })
    // and nobody without a session
    const anon = await f.t.raw('no-session', 'search', 'global', { term: '李明' })
    expect(anon.ok).toBe(false)
  })

  it('leaves out deleted customers and contacts', async () => {
    const gone = await customer(f.s.mgrA1.userId, '即将删除的客户')
    const ct = await contact(gone, '待删联系人', '13666666666')
    expect(await titles(f.s.admin.key, '即将删除', 'customer')).toEqual(['即将删除的客户'])
    await f.t.call(f.s.admin.key, 'contacts', 'remove', { id: ct })
    expect(await titles(f.s.admin.key, '13666666666', 'contact')).toEqual([])
    await f.t.call(f.s.admin.key, 'customers', 'remove', { id: gone })
    expect(await titles(f.s.admin.key, '即将删除', 'customer')).toEqual([])
  })

  it('finds opportunities by customer name, pinyin initials, code and contact phone, in the caller’s scope', async () => {
    const opp = (who: Staff['mgrA1'], customerName: string, contactPhone: string) =>
      f.t.call(who.key, 'opportunities', 'create', { customerName, probability: 20, summary: '采购视频会议系统', description: '年内上线。', contactName: '周晓', contactPhone })
    const mine = await opp(f.s.mgrA1, '杭州星河云图科技', '139 5555 0001')
    const theirs = await opp(f.s.mgrB, '杭州星河云图分公司', '13955550002')
    // 客户经理: the own only; the administrator: both
    expect(await titles(f.s.mgrA1.key, '星河云图', 'opportunity')).toEqual(['杭州星河云图科技'])
    expect((await titles(f.s.admin.key, '星河云图', 'opportunity')).sort()).toEqual(['杭州星河云图分公司', '杭州星河云图科技'])
    expect(await titles(f.s.mgrB.key, '星河云图', 'opportunity')).toEqual(['杭州星河云图分公司'])
    // pinyin initials, the code (exact before anything else), the contact's phone as digits
    expect((await group(f.s.mgrA1.key, 'hzxhyt', 'opportunity')).map((h) => [h.title, h.field])).toEqual([['杭州星河云图科技', 'pinyin']])
    expect((await group(f.s.admin.key, mine.code.toLowerCase(), 'opportunity'))[0]).toMatchObject({ id: mine.id, match: 'exact', field: 'code', subtitle: expect.stringContaining(mine.code) })
    expect((await group(f.s.admin.key, '139-5555-0001', 'opportunity')).map((h) => [h.id, h.field])).toEqual([[mine.id, 'phone']])
    expect((await search(f.s.mgrA1.key, 'xyz')).searched).toContain('opportunity')
    // a deleted one is gone
    await f.t.call(f.s.mgrB.key, 'opportunities', 'remove', { id: theirs.id, version: theirs.version })
    expect(await titles(f.s.admin.key, '星河云图', 'opportunity')).toEqual(['杭州星河云图科技'])
  })

  it('finds service tickets by code, customer and problem, in the caller’s scope', async () => {
    const typeId = await dictId(f.t, 'service_type', '维修')
    const a = await customer(f.s.mgrA1.userId, '佛山顺德恒达机械')
    const b = await customer(f.s.mgrB.userId, '宁波恒达精密铸造')
    const ta = await f.t.call(f.s.agent.key, 'services', 'create', { customerId: a, typeId, summary: '主轴异响', request: '数控机床主轴高速时有异响' })
    await f.t.call(f.s.agent.key, 'services', 'create', { customerId: b, typeId, summary: '液压漏油', request: '压铸机液压站漏油' })
    // 客服专员 (all): both; 客户经理 (own): the ticket of the own customer only
    expect((await group(f.s.agent.key, '恒达', 'ticket')).map((h) => h.subtitle?.split(' · ')[1]).sort()).toEqual(['佛山顺德恒达机械', '宁波恒达精密铸造'])
    expect((await group(f.s.mgrA1.key, '恒达', 'ticket')).map((h) => [h.title, h.customerId])).toEqual([['主轴异响', a]])
    expect(await titles(f.s.mgrB.key, '主轴', 'ticket')).toEqual([])
    // the code exactly; words of the request
    expect((await group(f.s.agent.key, ta.code.toLowerCase(), 'ticket'))[0]).toMatchObject({ id: ta.id, match: 'exact', field: 'code' })
    expect((await group(f.s.agent.key, '高速', 'ticket')).map((h) => [h.title, h.field])).toEqual([['主轴异响', 'other']])
  })

  it('finds orders by number (whole, a part, its sequence digits), customer name and pinyin, in the caller’s scope', async () => {
    const a = await customer(f.s.mgrA1.userId, '苏州金鼎精工机械')
    const b = await customer(f.s.mgrB.userId, '无锡金鼎五金')
    const oa1 = await draft(f.t, f.s.mgrA1, a, '2026-03-01')
    const oa2 = await draft(f.t, f.s.mgrA1, a, '2026-04-01')
    const ob = await draft(f.t, f.s.mgrB, b, '2026-04-02')
    const seq = (code: string) => code.slice(-6)
    // the whole number (any case), exactly; its sequence digits; its number without the prefix
    expect((await group(f.s.admin.key, oa1.code.toLowerCase(), 'order'))[0]).toMatchObject({ id: oa1.id, match: 'exact', field: 'code', customerId: a, title: '苏州金鼎精工机械' })
    expect((await group(f.s.admin.key, seq(ob.code).slice(2), 'order')).map((h) => h.id)).toContain(ob.id) // 4 of its 6 digits
    expect((await group(f.s.admin.key, oa2.code.slice(3), 'order'))[0]).toMatchObject({ id: oa2.id, match: 'exact', field: 'code' }) // 2026-000123: as digits
    // a number prefix lists that year's numbers, newest first
    const year = oa1.code.slice(0, 7) // DD-2026
    const byYear = await group(f.s.admin.key, year, 'order', 20)
    expect(byYear.map((h) => h.id)).toEqual(expect.arrayContaining([oa1.id, oa2.id, ob.id]))
    expect(byYear.every((h) => h.match === 'prefix' && h.field === 'code')).toBe(true)
    // by customer name: the newest first; pinyin initials
    const byName = await group(f.s.admin.key, '苏州金鼎', 'order')
    expect(byName.map((h) => h.id)).toEqual([oa2.id, oa1.id])
    expect(byName[0]).toMatchObject({ match: 'prefix', field: 'name', subtitle: `${oa2.code} · 2026-04-01` })
    expect((await group(f.s.admin.key, 'szjdjg', 'order')).map((h) => [h.id, h.field])).toEqual([[oa2.id, 'pinyin'], [oa1.id, 'pinyin']])
    // an exact customer name ranks before a customer merely holding the term
    const exact = await draft(f.t, f.s.mgrA2, await customer(f.s.mgrA2.userId, '金鼎'), '2025-01-05')
    const common = await group(f.s.admin.key, '金鼎', 'order')
    expect(common[0]).toMatchObject({ id: exact.id, match: 'exact', field: 'name' })
    expect(common.slice(1).map((h) => h.title).sort()).toEqual(['无锡金鼎五金', '苏州金鼎精工机械', '苏州金鼎精工机械'])
    // scope: 客户经理 the own orders only, 销售主管 the team's, and an order number out of scope finds nothing
    expect((await group(f.s.mgrA1.key, '金鼎', 'order')).map((h) => h.id)).toEqual([oa2.id, oa1.id])
    expect(await group(f.s.mgrA1.key, ob.code, 'order')).toEqual([])
    expect((await group(f.s.supB.key, '金鼎', 'order')).map((h) => h.id)).toEqual([ob.id])
    expect((await group(f.s.supA.key, oa1.code, 'order')).map((h) => h.id)).toEqual([oa1.id])
    expect((await search(f.s.agent.key, '金鼎')).searched).not.toContain('order') // 客服专员: no orders permission
    // a deleted order is gone
    await f.t.call(f.s.admin.key, 'orders', 'remove', { id: oa1.id, version: oa1.version })
    expect((await group(f.s.admin.key, '苏州金鼎', 'order')).map((h) => h.id)).toEqual([oa2.id])
    expect(await group(f.s.admin.key, oa1.code, 'order')).toEqual([])
  })

  it('a common term still ranks the best hits first (more matches than one pass reads)', async () => {
    // 450 customers and contacts whose pinyin holds "ceshi", inserted directly (fixtures)
    const now = new Date().toISOString()
    const customers: Record<string, unknown>[] = []
    const contacts: Record<string, unknown>[] = []
    for (let i = 0; i < 450; i++) {
      const id = randomUUID()
      const name = `测试用户${String(i).padStart(3, '0')}公司`
      const code = `KH-2099-${String(900000 + i)}`
      const people = [{ name: `测试员${i}`, mobile: `1500000${String(i).padStart(4, '0')}` }]
      customers.push({ id, code, name, owner_id: f.s.mgrB.userId, created_at: now, updated_at: now, version: 0, search_text: buildCustomerSearchText({ name, code }, people) })
      contacts.push({ id: randomUUID(), customer_id: id, name: people[0].name, mobile: people[0].mobile, owner_id: f.s.mgrB.userId, is_primary: true, created_at: now, updated_at: now, version: 0, search_text: buildContactSearchText(people[0]) })
    }
    await insertChunked(f.t.app.db.knex, f.t.app.db.dialect, 'customers', customers)
    await insertChunked(f.t.app.db.knex, f.t.app.db.dialect, 'contacts', contacts)
    const exact = await customer(f.s.mgrB.userId, 'Ceshi')
    await contact(exact, 'CESHI')
    const cust = await group(f.s.admin.key, 'ceshi', 'customer', 5)
    expect(cust).toHaveLength(5)
    expect(cust[0]).toMatchObject({ title: 'Ceshi', match: 'exact', field: 'name' })
    expect(cust.slice(1).every((h) => h.match === 'prefix' && h.field === 'pinyin')).toBe(true)
    const cts = await group(f.s.admin.key, 'ceshi', 'contact', 5)
    expect(cts[0]).toMatchObject({ title: 'CESHI', match: 'exact' })
    // a Chinese term common in names: the name that starts with it first
    await customer(f.s.mgrB.userId, '用户之家')
    expect((await group(f.s.admin.key, '用户', 'customer', 5))[0].title).toBe('用户之家')
  })

  it('refuses an empty or oversized term', async () => {
    expect((await f.t.raw(f.s.admin.key, 'search', 'global', { term: '' })).ok).toBe(false)
    expect((await f.t.raw(f.s.admin.key, 'search', 'global', { term: 'x'.repeat(101) })).ok).toBe(false)
    expect((await search(f.s.admin.key, '   zzqqxx   ')).groups).toEqual([])
  })
})
