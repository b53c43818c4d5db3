// dictionary.* through dispatch on real SQLite and PostgreSQL: ordering, in-use counts over
// every referring table, save rules (cycle days, duplicates), reorder, delete only unused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DictTypeCode } from '../../src-main/contract/dictionary'
import { seedDictionary } from '../../db/seeds/dictionary'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { auditRows, dictId, expectCode, expectFieldIssue, makeStaff, syncVersion, type Staff } from './customers.fixtures'

describeEachDb('dictionary', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const items = (typeCode: DictTypeCode) => t.call(s.admin.key, 'dictionary', 'items', { typeCode })
  const labels = async (typeCode: DictTypeCode) => (await items(typeCode)).map((i) => i.label)

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
  })
  afterAll(async () => t?.close())

  it('all: every type in its order with its items in theirs, for every role', async () => {
    for (const who of [s.admin, s.supA, s.mgrA1, s.agent, s.exec]) {
      const all = await t.call(who.key, 'dictionary', 'all', {})
      expect(all.map((x) => x.code)).toEqual(seedDictionary.map((x) => x.code))
      const contactPolicy = all.find((x) => x.code === 'contact_policy')!
      expect(contactPolicy).toMatchObject({ name: '联系策略', nameEn: 'Contact policy', hasCycle: true })
      expect(contactPolicy.items.map((i) => [i.label, i.cycleDays])).toEqual([['每周联系', 7], ['每两周联系', 14], ['每月联系', 30], ['每季度联系', 90]])
      const region = all.find((x) => x.code === 'region')!
      expect(region.hasCycle).toBe(false)
      expect(region.items.map((i) => i.label)).toEqual(seedDictionary[0].items.map((i) => i[0]))
      expect(region.items.every((i) => i.enabled && i.typeCode === 'region' && i.inUse === undefined)).toBe(true)
    }
    expectCode(await t.raw('nobody', 'dictionary', 'all', {}), 'unauthenticated')
  })

  it('items: counts live references from customers and from every other referring table', async () => {
    const huanan = await dictId(t, 'region', '华南')
    const huadong = await dictId(t, 'region', '华东')
    const a = await t.call(s.mgrA1.key, 'customers', 'create', { name: '用字典甲', regionId: huanan, levelId: await dictId(t, 'level', '核心客户') })
    await t.call(s.mgrA1.key, 'customers', 'create', { name: '用字典乙', regionId: huanan })
    const gone = await t.call(s.mgrA1.key, 'customers', 'create', { name: '用字典丙', regionId: huadong })
    await t.call(s.mgrA1.key, 'customers', 'remove', { id: gone.id })
    const region = await items('region')
    expect(region.find((i) => i.id === huanan)!.inUse).toBe(2)
    expect(region.find((i) => i.id === huadong)!.inUse).toBe(0) // a deleted customer does not count
    expect(region.every((i) => typeof i.inUse === 'number')).toBe(true)
    expect((await items('level')).find((i) => i.label === '核心客户')!.inUse).toBe(1)

    // rows of other modules, written directly: interactions, opportunities, tickets, churn warnings
    const now = new Date().toISOString()
    const base = () => ({ id: crypto.randomUUID(), created_at: now, updated_at: now, version: 0, owner_id: s.mgrA1.userId })
    const visit = await dictId(t, 'interaction_channel', '拜访')
    const web = await dictId(t, 'opportunity_source', '网站')
    const stage = await dictId(t, 'opportunity_stage', '商务谈判')
    const complaint = await dictId(t, 'service_type', '投诉')
    const price = await dictId(t, 'churn_reason', '价格因素')
    await k()('interactions').insert([
      { ...base(), customer_id: a.id, channel_id: visit, occurred_at: now, subject: '拜访一' },
      { ...base(), customer_id: a.id, channel_id: visit, occurred_at: now, subject: '拜访二' },
      { ...base(), customer_id: a.id, channel_id: visit, occurred_at: now, subject: '已删', deleted_at: now },
    ])
    await k()('opportunities').insert({ ...base(), code: 'JH-1', source_id: web, stage_id: stage, customer_name: 'x', probability: 50, summary: 's', description: 'd', created_by: s.mgrA1.userId })
    await k()('service_tickets').insert({ ...base(), code: 'FW-1', customer_id: a.id, type_id: complaint, summary: 's', created_by: s.mgrA1.userId })
    await k()('churn_warnings').insert({ ...base(), customer_id: a.id, detected_at: now, reason_id: price })
    const count = async (type: DictTypeCode, id: string) => (await items(type)).find((i) => i.id === id)!.inUse
    expect(await count('interaction_channel', visit)).toBe(2)
    expect(await count('opportunity_source', web)).toBe(1)
    expect(await count('opportunity_stage', stage)).toBe(1)
    expect(await count('service_type', complaint)).toBe(1)
    expect(await count('churn_reason', price)).toBe(1)
    expect(await count('churn_reason', await dictId(t, 'churn_reason', '其他'))).toBe(0)

    for (const [type, id] of [['interaction_channel', visit], ['opportunity_stage', stage], ['service_type', complaint], ['churn_reason', price], ['region', huanan]] as const) {
      const e = expectCode(await t.raw(s.admin.key, 'dictionary', 'remove', { id }), 'in_use')
      expect(e.key).toBe('dictionary.errors.inUse')
      expect((await items(type)).some((i) => i.id === id)).toBe(true)
    }
  })

  describe('save', () => {
    it('creates at the end of the order, enabled by default, audited', async () => {
      const before = await items('industry')
      const v = await syncVersion(t)
      const it1 = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'industry', label: '农业', labelEn: 'Agriculture' })
      expect(it1).toMatchObject({ typeCode: 'industry', label: '农业', labelEn: 'Agriculture', enabled: true, cycleDays: null })
      expect(it1.sortOrder).toBe(Math.max(...before.map((i) => i.sortOrder)) + 10)
      expect((await labels('industry')).at(-1)).toBe('农业')
      const row = await k()('dict_items').where({ id: it1.id }).first()
      expect(Number(row.version)).toBe(v + 1)
      const [entry] = await auditRows(t, 'dict_item', it1.id)
      expect(entry).toMatchObject({ action: 'create', user_id: s.admin.userId })
      expect(entry.changes).toMatchObject({ label: [null, '农业'], labelEn: [null, 'Agriculture'], typeCode: [null, 'industry'], enabled: [null, true] })
    })

    it('renames, disables and re-enables; the audit holds old → new', async () => {
      const item = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'size', label: '巨型' })
      const renamed = await t.call(s.admin.key, 'dictionary', 'save', { id: item.id, version: await versionOf(t, 'dict_items', item.id), typeCode: 'size', label: '特大型', enabled: false })
      expect(renamed).toMatchObject({ id: item.id, label: '特大型', enabled: false, sortOrder: item.sortOrder })
      const all = await t.call(s.mgrA1.key, 'dictionary', 'all', {})
      expect(all.find((x) => x.code === 'size')!.items.find((i) => i.id === item.id)).toMatchObject({ enabled: false, label: '特大型' })
      const upd = (await auditRows(t, 'dict_item', item.id)).filter((e) => e.action === 'update')
      expect(upd.map((e) => e.changes)).toEqual([{ label: ['巨型', '特大型'], enabled: [true, false] }])
      const back = await t.call(s.admin.key, 'dictionary', 'save', { id: item.id, version: await versionOf(t, 'dict_items', item.id), typeCode: 'size', label: '特大型', enabled: true })
      expect(back.enabled).toBe(true)
      // saving its own label again is no duplicate, and changes nothing (no version, no audit)
      const v = await syncVersion(t)
      expect((await t.call(s.admin.key, 'dictionary', 'save', { id: item.id, version: await versionOf(t, 'dict_items', item.id), typeCode: 'size', label: '特大型' })).label).toBe('特大型')
      expect(await syncVersion(t)).toBe(v)
      expect((await auditRows(t, 'dict_item', item.id)).filter((e) => e.action === 'update')).toHaveLength(2)
    })

    it('requires cycle days for cycle types on create, refuses them elsewhere, and edits them', async () => {
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'contact_policy', label: '每半月' }), 'cycleDays', 'required')
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'region', label: '火星', cycleDays: 5 }), 'cycleDays', 'not_allowed')
      expectCode(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'contact_policy', label: '每天', cycleDays: 0 }), 'validation')
      const p = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'purchase_policy', label: '每两月采购', cycleDays: 60 })
      expect(p.cycleDays).toBe(60)
      const p2 = await t.call(s.admin.key, 'dictionary', 'save', { id: p.id, version: await versionOf(t, 'dict_items', p.id), typeCode: 'purchase_policy', label: '每两月采购', cycleDays: 61 })
      expect(p2.cycleDays).toBe(61)
      const p3 = await t.call(s.admin.key, 'dictionary', 'save', { id: p.id, version: await versionOf(t, 'dict_items', p.id), typeCode: 'purchase_policy', label: '每两月采购' })
      expect(p3.cycleDays).toBe(61)
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { id: p.id, version: await versionOf(t, 'dict_items', p.id), typeCode: 'purchase_policy', label: '每两月采购', cycleDays: null }), 'cycleDays', 'required')
      expect(await k()('dict_items').where({ label: '每半月' }).first()).toBeUndefined()
      expect(await k()('dict_items').where({ label: '火星' }).first()).toBeUndefined()
    })

    it('refuses a label already used in the same type (trimmed, any case), not in another type', async () => {
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'region', label: ' 华南 ' }), 'label', 'duplicate')
      const x = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'region', label: 'Overseas-EU' })
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'region', label: 'overseas-eu' }), 'label', 'duplicate')
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'save', { id: x.id, version: await versionOf(t, 'dict_items', x.id), typeCode: 'region', label: '华北' }), 'label', 'duplicate')
      const elsewhere = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'source', label: '华南' })
      expect(elsewhere.typeCode).toBe('source')
      expect((await labels('region')).filter((l) => l === '华南')).toHaveLength(1)
    })

    it('answers not_found for an unknown id or an id of another type', async () => {
      const region = await dictId(t, 'region', '华北')
      expectCode(await t.raw(s.admin.key, 'dictionary', 'save', { id: crypto.randomUUID(), version: 1, typeCode: 'region', label: 'x' }), 'not_found')
      expectCode(await t.raw(s.admin.key, 'dictionary', 'save', { id: region, version: await versionOf(t, 'dict_items', region), typeCode: 'industry', label: 'x' }), 'not_found')
      expect((await k()('dict_items').where({ id: region }).first()).label).toBe('华北')
      expectCode(await t.raw(s.admin.key, 'dictionary', 'save', { typeCode: 'nope', label: 'x' }), 'validation')
    })
  })

  describe('reorder', () => {
    it('orders the listed items first, the rest after them in their old order', async () => {
      const before = await items('level')
      const [a, b, c] = before
      await t.call(s.admin.key, 'dictionary', 'reorder', { typeCode: 'level', ids: [c.id, a.id, b.id] })
      const after = await items('level')
      expect(after.map((i) => i.id)).toEqual([c.id, a.id, b.id])
      expect(after.map((i) => i.sortOrder)).toEqual([10, 20, 30])
      t.clock.advance(1000) // keeps the two audit entries of b apart in time
      await t.call(s.admin.key, 'dictionary', 'reorder', { typeCode: 'level', ids: [b.id] })
      expect((await items('level')).map((i) => i.id)).toEqual([b.id, c.id, a.id])
      const all = await t.call(s.exec.key, 'dictionary', 'all', {})
      expect(all.find((x) => x.code === 'level')!.items.map((i) => i.id)).toEqual([b.id, c.id, a.id])
      const audit = (await auditRows(t, 'dict_item', b.id)).filter((e) => e.action === 'update')
      expect(audit.map((e) => e.changes)).toEqual([{ sortOrder: [20, 30] }, { sortOrder: [30, 10] }])
    })

    it('refuses ids of another type or listed twice, changing nothing', async () => {
      const level = await items('level')
      const region = await dictId(t, 'region', '华中')
      const v = await syncVersion(t)
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'reorder', { typeCode: 'level', ids: [level[2].id, region] }), 'ids', 'invalid')
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'reorder', { typeCode: 'level', ids: [level[2].id, level[2].id] }), 'ids', 'duplicate')
      expectFieldIssue(await t.raw(s.admin.key, 'dictionary', 'reorder', { typeCode: 'level', ids: [crypto.randomUUID()] }), 'ids', 'invalid')
      expect(await items('level')).toEqual(level)
      expect(await syncVersion(t)).toBe(v)
    })
  })

  describe('remove', () => {
    it('soft-deletes an unused item, audited; its label may be used again', async () => {
      const item = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'nature', label: '临时性质' })
      expect(await t.call(s.admin.key, 'dictionary', 'remove', { id: item.id })).toEqual({ ok: true })
      expect(await labels('nature')).not.toContain('临时性质')
      const all = await t.call(s.admin.key, 'dictionary', 'all', {})
      expect(all.find((x) => x.code === 'nature')!.items.some((i) => i.id === item.id)).toBe(false)
      expect((await k()('dict_items').where({ id: item.id }).first()).deleted_at).toBeTruthy()
      const del = (await auditRows(t, 'dict_item', item.id)).filter((e) => e.action === 'delete')
      expect(del).toHaveLength(1)
      expect(del[0].changes).toMatchObject({ label: ['临时性质', null] })
      expectCode(await t.raw(s.admin.key, 'dictionary', 'remove', { id: item.id }), 'not_found')
      expectCode(await t.raw(s.admin.key, 'dictionary', 'save', { id: item.id, version: await versionOf(t, 'dict_items', item.id), typeCode: 'nature', label: 'x' }), 'not_found')
      const again = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'nature', label: '临时性质' })
      expect(again.id).not.toBe(item.id)
      // a removed item can no longer be chosen on a customer
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', natureId: item.id }), 'natureId', 'invalid_dict')
    })

    it('refuses an item in use until the last customer using it is deleted', async () => {
      const item = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'settlement', label: '半年回款' })
      const c = await t.call(s.mgrA1.key, 'customers', 'create', { name: '用半年回款', settlementId: item.id })
      const e = expectCode(await t.raw(s.admin.key, 'dictionary', 'remove', { id: item.id }), 'in_use')
      expect(e).toMatchObject({ key: 'dictionary.errors.inUse', params: { count: 1 } })
      expect((await k()('dict_items').where({ id: item.id }).first()).deleted_at).toBeNull()
      // disabling instead is allowed
      expect((await t.call(s.admin.key, 'dictionary', 'save', { id: item.id, version: await versionOf(t, 'dict_items', item.id), typeCode: 'settlement', label: '半年回款', enabled: false })).enabled).toBe(false)
      await t.call(s.mgrA1.key, 'customers', 'remove', { id: c.id })
      expect(await t.call(s.admin.key, 'dictionary', 'remove', { id: item.id })).toEqual({ ok: true })
    })
  })

  it('lets only holders of dictionary create/edit/delete change it', async () => {
    const region = await dictId(t, 'region', '西北')
    const v = await syncVersion(t)
    for (const who of [s.supA, s.mgrA1, s.agent, s.exec]) {
      expectCode(await t.raw(who.key, 'dictionary', 'save', { typeCode: 'region', label: '越权' }), 'forbidden')
      expectCode(await t.raw(who.key, 'dictionary', 'save', { id: region, version: await versionOf(t, 'dict_items', region), typeCode: 'region', label: '越权' }), 'forbidden')
      expectCode(await t.raw(who.key, 'dictionary', 'reorder', { typeCode: 'region', ids: [region] }), 'forbidden')
      expectCode(await t.raw(who.key, 'dictionary', 'remove', { id: region }), 'forbidden')
      expect((await t.call(who.key, 'dictionary', 'items', { typeCode: 'region' })).length).toBeGreaterThan(5)
    }
    expect(await syncVersion(t)).toBe(v)
    expect((await k()('dict_items').where({ id: region }).first()).label).toBe('西北')
    expect(await k()('dict_items').where({ label: '越权' }).first()).toBeUndefined()
  })
})
