// The customer list for a working day: built-in views 我负责的 / 我下属的 (全部 = no view) per the
// caller's scope, saved filters per user (stored centrally), 未跟进天数, 标签, 创建日期, 团队,
// 拼音顺序 by the stored sort key, the columns each user keeps.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { addCustomer, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'

const DAY = 86_400_000

describeEachDb('customer list for a working day', (dialect) => {
  let t: TestApp
  let w: World
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    const make = async (key: string, name: string, tags: string[] = []) => (ids[name] = (await t.call(key, 'customers', 'create', { name, tags })).id)
    await make(w.supA.key, '主管自己的客户有限公司', ['重点'])
    await make(w.mgrA1.key, '安徽甲一贸易有限公司', ['重点', '展会'])
    t.clock.advance(DAY)
    await make(w.mgrA1.key, '北京甲一科技有限公司', ['展会'])
    await make(w.mgrA2.key, '昂立甲二教育有限公司')
    await make(w.mgrB.key, '重庆乙方火锅有限公司', ['重点'])
    await make(w.mgrB.key, 'ABC乙方贸易有限公司')
    await make(w.mgrB.key, '3M乙方材料有限公司')
    await make(w.mgrB.key, '吕梁乙方煤业有限公司')
    await make(w.mgrB.key, '路桥乙方工程有限公司')
  })
  afterAll(async () => t?.close())

  const names = async (key: string, input: Parameters<TestApp['call']>[3]) => ((await t.call(key, 'customers', 'list', input as never)) as { items: Array<{ name: string }> }).items.map((r) => r.name)

  it('我负责的 / 我下属的 / 全部 follow the caller’s scope', async () => {
    expect(await names(w.supA.key, { filter: { view: 'mine' }, sort: { field: 'name', order: 'asc' } })).toEqual(['主管自己的客户有限公司'])
    expect(await names(w.supA.key, { filter: { view: 'subordinates' }, sort: { field: 'name', order: 'asc' } })).toEqual(['安徽甲一贸易有限公司', '昂立甲二教育有限公司', '北京甲一科技有限公司'])
    expect((await names(w.supA.key, {})).length).toBe(4) // 全部 = the team scope
    expect(await names(w.mgrA1.key, { filter: { view: 'subordinates' } })).toEqual([]) // own scope: nobody else
    expect((await names(w.admin.key, { filter: { view: 'subordinates' } }))).toEqual([]) // leads no team
    // a leader of another team sees that team's customers as subordinates'
    await t.app.db.knex('teams').where({ id: w.teamB }).update({ leader_id: w.supA.userId })
    expect((await names(w.supA.key, { filter: { view: 'subordinates' } })).length).toBe(3) // still only what the scope allows
    expect((await names(w.admin.key, { filter: { view: 'mine' } }))).toEqual([])
  })

  it('names sort in pinyin order on every database (digits, letters and pinyin interleaved, 重庆 as chong, ü after u)', async () => {
    expect(await names(w.mgrB.key, { sort: { field: 'name', order: 'asc' } })).toEqual([
      '3M乙方材料有限公司', 'ABC乙方贸易有限公司', '重庆乙方火锅有限公司', '路桥乙方工程有限公司', '吕梁乙方煤业有限公司',
    ])
    expect(await names(w.admin.key, { sort: { field: 'name', order: 'asc' }, pageSize: 4 })).toEqual([
      '3M乙方材料有限公司', 'ABC乙方贸易有限公司', '安徽甲一贸易有限公司', '昂立甲二教育有限公司',
    ])
    expect((await names(w.admin.key, { sort: { field: 'name', order: 'desc' }, pageSize: 2 }))).toEqual(['主管自己的客户有限公司', '吕梁乙方煤业有限公司'])
  })

  it('filters: 标签 (every one given), 团队, 创建日期, 未跟进天数', async () => {
    expect(await names(w.admin.key, { filter: { tags: ['重点'] }, sort: { field: 'name', order: 'asc' } })).toEqual(['安徽甲一贸易有限公司', '重庆乙方火锅有限公司', '主管自己的客户有限公司'])
    expect(await names(w.admin.key, { filter: { tags: ['重点', '展会'] } })).toEqual(['安徽甲一贸易有限公司'])
    expect(await names(w.admin.key, { filter: { tags: ['重'] } })).toEqual([]) // a whole tag, not part of one
    expect((await names(w.admin.key, { filter: { teamId: w.teamB } })).length).toBe(5)
    expect((await names(w.admin.key, { filter: { createdTo: '2026-03-11T00:00:00+08:00' } })).sort()).toEqual(['主管自己的客户有限公司', '安徽甲一贸易有限公司'].sort())
    expect((await names(w.admin.key, { filter: { createdFrom: '2026-03-11T00:00:00+08:00' } })).length).toBe(7)
    // 未跟进: never contacted counts from creation; a contact 3 days ago is within 7 days
    t.clock.advance(10 * DAY)
    await t.app.db.knex('customers').where({ id: ids['北京甲一科技有限公司'] }).update({ last_contact_at: new Date(t.clock.now().getTime() - 3 * DAY).toISOString() })
    const stale = await names(w.admin.key, { filter: { notContactedDays: 7 } })
    expect(stale.length).toBe(8)
    expect(stale).not.toContain('北京甲一科技有限公司')
    expect((await names(w.admin.key, { filter: { notContactedDays: 10 } })).sort()).toEqual(['安徽甲一贸易有限公司', '主管自己的客户有限公司'].sort())
  })

  it('tags in use, within the caller’s scope', async () => {
    expect(await t.call(w.admin.key, 'customers', 'tags', {})).toEqual([{ tag: '重点', count: 3 }, { tag: '展会', count: 2 }])
    expect(await t.call(w.mgrB.key, 'customers', 'tags', {})).toEqual([{ tag: '重点', count: 1 }])
  })

  it('saved views belong to their user', async () => {
    const v = await t.call(w.mgrA1.key, 'customers', 'saveView', { list: 'customers', name: '重点客户', filter: { tags: ['重点'], notContactedDays: 30 }, sort: { field: 'name', order: 'asc' } })
    expect(v).toMatchObject({ name: '重点客户', filter: { tags: ['重点'], notContactedDays: 30 }, sort: { field: 'name', order: 'asc' } })
    expect((await t.call(w.mgrA1.key, 'customers', 'listViews', { list: 'customers' })).map((x) => x.name)).toEqual(['重点客户'])
    expect(await t.call(w.mgrA2.key, 'customers', 'listViews', { list: 'customers' })).toEqual([])
    expect(errorOf(await t.raw(w.mgrA2.key, 'customers', 'removeView', { id: v.id })).code).toBe('not_found')
    expect(errorOf(await t.raw(w.mgrA2.key, 'customers', 'saveView', { id: v.id, version: v.version, list: 'customers', name: '偷改', filter: {} })).code).toBe('not_found')
    // an edit carries the version it is based on
    expect(errorOf(await t.raw(w.mgrA1.key, 'customers', 'saveView', { id: v.id, list: 'customers', name: '无版本', filter: {} })).code).toBe('validation')
    const renamed = await t.call(w.mgrA1.key, 'customers', 'saveView', { id: v.id, version: v.version, list: 'customers', name: '重点客户（30天）', filter: v.filter })
    expect(renamed.name).toBe('重点客户（30天）')
    expect(errorOf(await t.raw(w.mgrA1.key, 'customers', 'saveView', { id: v.id, version: v.version, list: 'customers', name: '旧版本', filter: {} })).code).toBe('conflict')
    expect(await t.call(w.mgrA1.key, 'customers', 'removeView', { id: v.id })).toEqual({ ok: true })
    expect(await t.call(w.mgrA1.key, 'customers', 'listViews', { list: 'customers' })).toEqual([])
    // the pool list's views need the pool permission
    const agent = await t.userSession('agent2', 'agent')
    expect(errorOf(await t.raw(agent.key, 'customers', 'listViews', { list: 'pool' })).code).toBe('forbidden')
    expect(errorOf(await t.raw(w.mgrA1.key, 'customers', 'saveView', { list: 'customers', name: '', filter: {} })).code).toBe('validation')
    expect(errorOf(await t.raw(w.mgrA1.key, 'customers', 'saveView', { list: 'customers', name: 'x', filter: { notContactedDays: 0 } })).code).toBe('validation')
  })

  it('the columns a user keeps, in his order', async () => {
    expect(await t.call(w.mgrA1.key, 'customers', 'getColumns', { list: 'customers' })).toEqual({ columns: null })
    const cols = [{ key: 'ownerName', visible: true }, { key: 'phone', visible: false }, { key: 'ownerName', visible: false }]
    expect(await t.call(w.mgrA1.key, 'customers', 'saveColumns', { list: 'customers', columns: cols })).toEqual({ columns: cols.slice(0, 2) })
    expect(await t.call(w.mgrA1.key, 'customers', 'getColumns', { list: 'customers' })).toEqual({ columns: cols.slice(0, 2) })
    expect(await t.call(w.mgrA2.key, 'customers', 'getColumns', { list: 'customers' })).toEqual({ columns: null })
    await t.call(w.mgrA1.key, 'customers', 'saveColumns', { list: 'customers', columns: [{ key: 'phone', visible: true }] })
    expect((await t.call(w.mgrA1.key, 'customers', 'getColumns', { list: 'customers' })).columns).toEqual([{ key: 'phone', visible: true }])
    expect(errorOf(await t.raw(w.mgrA1.key, 'customers', 'saveColumns', { list: 'customers', columns: [{ key: 'a b', visible: true }] })).code).toBe('validation')
  })
})
