// customers.* through dispatch (zod + handlers + services) on real SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DICT_FIELDS, type Customer, type CustomerRow, type DictField } from '../../src-main/contract/customers'
import type { CallInput } from '../../src-main/contract/index'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { auditRows, dictId, errorOf, expectCode, expectFieldIssue, makeStaff, syncVersion, type Staff } from './customers.fixtures'

type CreateInput = CallInput<'customers', 'create'>

describeEachDb('customers: create, get, update, remove, changeOwner', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const create = (who: { key: string }, input: CreateInput) => t.call(who.key, 'customers', 'create', input)
  const dbRow = (id: string) => k()('customers').where({ id }).first()

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
  })
  afterAll(async () => t?.close())

  describe('create', () => {
    it('creates a card with a KH-<year>-<6 digits> code, the actor as owner and zero trade figures', async () => {
      const region = await dictId(t, 'region', '华南')
      const industry = await dictId(t, 'industry', '信息技术')
      const level = await dictId(t, 'level', '核心客户')
      const contactPolicy = await dictId(t, 'contact_policy', '每月联系')
      const before = await syncVersion(t)
      const c = await create(s.admin, {
        name: '广州市人易软件有限公司', shortName: '人易软件', regionId: region, industryId: industry, levelId: level,
        contactPolicyId: contactPolicy, creditRating: 4, employees: 120, phone: '020-8888 1234', email: 'info@renyi.cn',
        registeredCapitalCents: 500_000_000, tags: ['重点', '软件', '重点'], notes: '老客户介绍', city: '广州',
      })
      const year = new Date().getFullYear()
      expect(c.code).toMatch(new RegExp(`^KH-${year}-\\d{6}$`))
      expect(c).toMatchObject({
        name: '广州市人易软件有限公司', shortName: '人易软件', customerType: 'company', regionId: region, industryId: industry,
        levelId: level, contactPolicyId: contactPolicy, creditRating: 4, employees: 120, phone: '020-8888 1234',
        email: 'info@renyi.cn', registeredCapitalCents: 500_000_000, tags: ['重点', '软件'], notes: '老客户介绍', city: '广州',
        ownerId: s.admin.userId, ownerName: '管理员', status: 'normal', orderCount: 0, orderTotalCents: 0, firstOrderDate: null,
        lastOrderDate: null, lastContactAt: null, nextContactAt: null, natureId: null, fax: null,
      })
      expect(c.version).toBe(before + 1)
      expect(await syncVersion(t)).toBe(before + 1)
      const row = await dbRow(c.id)
      expect(row.tags).toBe('重点,软件')
      expect(row.owner_id).toBe(s.admin.userId)
      expect(row.search_text).toContain('gzsryrjyxgs')
      expect(row.search_text).toContain('guangzhoushirenyiruanjianyouxiangongsi')
      expect(row.search_text).toContain(c.code.toLowerCase())
      expect(await t.call(s.admin.key, 'customers', 'get', { id: c.id })).toEqual(c)
    })

    it('numbers codes from the sequence of the year, without gaps and never twice', async () => {
      const a = await create(s.mgrA1, { name: '序号甲' })
      const b = await create(s.mgrA1, { name: '序号乙' })
      const n = (code: string) => Number(code.slice(-6))
      expect(n(b.code)).toBe(n(a.code) + 1)
      const year = new Date().getFullYear()
      const seq = await k()('code_sequences').where({ name: `customer:${year}` }).first()
      expect(Number(seq.value)).toBe(n(b.code))
      // a row written without the sequence (an import) holds the next code: it is skipped
      const taken = `KH-${year}-${String(n(b.code) + 1).padStart(6, '0')}`
      const now = new Date().toISOString()
      await k()('customers').insert({ id: crypto.randomUUID(), code: taken, name: '导入的', created_at: now, updated_at: now, version: 0 })
      const c = await create(s.mgrA1, { name: '序号丙' })
      expect(n(c.code)).toBe(n(b.code) + 2)
      const codes = (await k()('customers').select('code')).map((r: { code: string }) => r.code)
      expect(new Set(codes).size).toBe(codes.length)
    })

    it('starts a new sequence in a new year', async () => {
      t.clock.setNow(new Date('2031-03-01T10:00:00Z'))
      try {
        const c = await create(s.admin, { name: '新年客户' })
        expect(c.code).toBe('KH-2031-000001')
        expect(c.createdAt.startsWith('2031-03-01T10:00:0')).toBe(true) // the clock keeps running
      } finally {
        t.clock.reset()
      }
    })

    it('records the creation in the audit log, every set field null → value', async () => {
      const region = await dictId(t, 'region', '华东')
      const c = await create(s.mgrA1, { name: '审计客户', regionId: region, creditRating: 3, tags: ['a'] })
      const [entry, ...more] = await auditRows(t, 'customer', c.id)
      expect(more).toHaveLength(0)
      expect(entry).toMatchObject({ action: 'create', user_id: s.mgrA1.userId, user_name: '经理甲一' })
      expect(entry.changes).toEqual({
        code: [null, c.code], name: [null, '审计客户'], customerType: [null, 'company'], regionId: [null, region],
        creditRating: [null, 3], status: [null, 'normal'], tags: [null, ['a']], ownerId: [null, s.mgrA1.userId],
      })
    })

    it('rejects a dictionary id of another type, an unknown id or a disabled item, writing nothing', async () => {
      const count = async () => Number((await k()('customers').count({ n: '*' }))[0].n)
      const n0 = await count()
      const industry = await dictId(t, 'industry', '教育')
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', regionId: industry }), 'regionId', 'invalid_dict')
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', levelId: crypto.randomUUID() }), 'levelId', 'invalid_dict')
      const size = await t.call(s.admin.key, 'dictionary', 'save', { typeCode: 'size', label: '超大型', enabled: false })
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', sizeId: size.id }), 'sizeId', 'invalid_dict')
      expect(await count()).toBe(n0)
    })

    it('validates the payload: required name, e-mail, strict fields, computed fields not writable', async () => {
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: '  ' }), 'name', 'too_small')
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', email: 'not-mail' }), 'email', 'invalid_format')
      expectCode(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', orderCount: 5 }), 'validation')
      expectCode(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', code: 'KH-1999-000001' }), 'validation')
      expectCode(await t.raw(s.admin.key, 'customers', 'create', { name: 'x', creditRating: 6 }), 'validation')
      expect(await k()('customers').where({ name: 'x' }).first()).toBeUndefined()
    })

    it('lets only assign-holders give the card to someone else, an enabled user of their team', async () => {
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'create', { name: '越权', ownerId: s.mgrA2.userId }), 'forbidden')
      const own = await create(s.mgrA1, { name: '自己的', ownerId: s.mgrA1.userId })
      expect(own.ownerId).toBe(s.mgrA1.userId)
      const c = await create(s.supA, { name: '主管指派', ownerId: s.mgrA2.userId })
      expect(c).toMatchObject({ ownerId: s.mgrA2.userId, ownerName: '经理甲二' })
      expectFieldIssue(await t.raw(s.supA.key, 'customers', 'create', { name: '跨组', ownerId: s.mgrB.userId }), 'ownerId', 'out_of_team')
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: '无此人', ownerId: crypto.randomUUID() }), 'ownerId', 'invalid_owner')
      const gone = await t.userSession('disabled1', 'manager', { teamId: s.teamA })
      await k()('users').where({ id: gone.userId }).update({ disabled: true })
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'create', { name: '停用', ownerId: gone.userId }), 'ownerId', 'invalid_owner')
      expect(await k()('customers').whereIn('name', ['越权', '跨组', '无此人', '停用']).first()).toBeUndefined()
      const admins = await create(s.admin, { name: '管理员指派', ownerId: s.mgrB.userId })
      expect(admins.ownerId).toBe(s.mgrB.userId)
    })
  })

  describe('get', () => {
    it('answers not_found for an unknown id and a malformed id is a validation error', async () => {
      expectCode(await t.raw(s.admin.key, 'customers', 'get', { id: crypto.randomUUID() }), 'not_found')
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'get', { id: 'nope' }), 'id', 'invalid_format')
    })
  })

  describe('update', () => {
    let c: Customer
    beforeAll(async () => {
      c = await create(s.mgrA1, { name: '更新测试有限公司', customerType: 'person', shortName: '更新', phone: '0755-81234567', creditRating: 2, tags: ['x'] })
    })

    it('changes only the fields sent, stamps version and time, and audits old → new', async () => {
      t.clock.advance(60_000)
      const level = await dictId(t, 'level', '重要客户')
      const u = await t.call(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields: { creditRating: 5, levelId: level, phone: '' } })
      expect(u).toMatchObject({ creditRating: 5, levelId: level, phone: null, customerType: 'person', shortName: '更新', name: c.name, tags: ['x'] })
      expect(u.version).toBeGreaterThan(c.version)
      expect(u.version).toBe(await syncVersion(t))
      expect(u.updatedAt > c.updatedAt).toBe(true)
      expect(u.createdAt).toBe(c.createdAt)
      const entries = (await auditRows(t, 'customer', c.id)).filter((e) => e.action === 'update')
      expect(entries).toHaveLength(1)
      expect(entries[0].changes).toEqual({ creditRating: [2, 5], levelId: [null, level], phone: ['0755-81234567', null] })
      c = u
    })

    it('does not write (no version, no audit) when nothing changes', async () => {
      const v = await syncVersion(t)
      const u = await t.call(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields: { creditRating: 5, name: c.name } })
      expect(u.version).toBe(c.version)
      expect(await syncVersion(t)).toBe(v)
      expect((await auditRows(t, 'customer', c.id)).filter((e) => e.action === 'update')).toHaveLength(1)
    })

    it('refuses a stale version with conflict and leaves the row untouched', async () => {
      const r = await t.raw(s.mgrA1.key, 'customers', 'update', { id: c.id, version: c.version - 1, fields: { name: '不该写入' } })
      expectCode(r, 'conflict')
      expect((await dbRow(c.id)).name).toBe(c.name)
      const ok = await t.call(s.mgrA1.key, 'customers', 'update', { id: c.id, version: c.version, fields: { name: '人易更新科技有限公司' } })
      expect(ok.name).toBe('人易更新科技有限公司')
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'update', { id: c.id, version: c.version, fields: { name: '再次' } }), 'conflict')
      c = ok
    })

    it('rebuilds the search text when the name changes', async () => {
      const row = await dbRow(c.id)
      expect(row.search_text).toContain('rygxkjyxgs')
      expect(row.search_text).not.toContain('gxcsyxgs')
      const hit = await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: 'rygxkj' } })
      expect(hit.items.map((i) => i.id)).toEqual([c.id])
      const old = await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: 'gxcsyxgs' } })
      expect(old.items).toHaveLength(0)
    })

    it('checks dictionary ids; a disabled item may stay but not be newly chosen', async () => {
      const region = await dictId(t, 'region', '西南')
      await t.call(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields: { regionId: region } })
      const item = (await t.call(s.admin.key, 'dictionary', 'items', { typeCode: 'region' })).find((i) => i.id === region)!
      await t.call(s.admin.key, 'dictionary', 'save', { id: region, version: await versionOf(t, 'dict_items', region), typeCode: 'region', label: item.label, enabled: false })
      try {
        const kept = await t.call(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields: { regionId: region, city: '成都' } })
        expect(kept).toMatchObject({ regionId: region, city: '成都' })
        const other = await t.call(s.mgrA1.key, 'customers', 'create', { name: '新选停用' })
        expectFieldIssue(await t.raw(s.mgrA1.key, 'customers', 'update', { id: other.id, version: await versionOf(t, 'customers', other.id), fields: { regionId: region } }), 'regionId', 'invalid_dict')
        expectFieldIssue(await t.raw(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields: { regionId: await dictId(t, 'level', '普通客户') } }), 'regionId', 'invalid_dict')
        expect((await dbRow(c.id)).region_id).toBe(region)
      } finally {
        await t.call(s.admin.key, 'dictionary', 'save', { id: region, version: await versionOf(t, 'dict_items', region), typeCode: 'region', label: item.label, enabled: true })
      }
    })

    it('never accepts computed trade fields or the owner as fields', async () => {
      for (const fields of [{ orderCount: 9 }, { orderTotalCents: 100 }, { lastContactAt: '2026-01-01T00:00:00Z' }, { ownerId: s.mgrA2.userId }, { code: 'KH-1-1' }]) {
        expectCode(await t.raw(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields }), 'validation')
      }
      const row = await dbRow(c.id)
      expect(row).toMatchObject({ order_count: 0, owner_id: s.mgrA1.userId, code: c.code })
    })

    it('answers not_found for an unknown id', async () => {
      expectCode(await t.raw(s.admin.key, 'customers', 'update', { id: crypto.randomUUID(), version: 1, fields: { name: 'x' } }), 'not_found')
    })
  })

  describe('remove', () => {
    it('soft-deletes the card and its contacts: hidden from list, get, update and contacts', async () => {
      const c = await create(s.mgrA1, { name: '待删除贸易公司' })
      const p = await t.call(s.mgrA1.key, 'contacts', 'create', { customerId: c.id, fields: { name: '删前联系人' } })
      const q = await t.call(s.mgrA1.key, 'contacts', 'create', { customerId: c.id, fields: { name: '另一位' } })
      expect((await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: '待删除' } })).total).toBe(1)
      expect(await t.call(s.mgrA1.key, 'customers', 'remove', { id: c.id })).toEqual({ ok: true })

      const row = await dbRow(c.id)
      expect(row.deleted_at).toBeTruthy()
      expect(Number(row.version)).toBe(await syncVersion(t))
      const contacts = await k()('contacts').whereIn('id', [p.id, q.id])
      expect(contacts.every((x: { deleted_at: unknown; version: unknown }) => x.deleted_at && Number(x.version) === Number(row.version))).toBe(true)

      expect((await t.call(s.mgrA1.key, 'customers', 'list', { filter: { search: '待删除' } })).total).toBe(0)
      expect((await t.call(s.admin.key, 'customers', 'list', { filter: { search: '待删除' } })).total).toBe(0)
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'get', { id: c.id }), 'not_found')
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'update', { id: c.id, version: await versionOf(t, 'customers', c.id), fields: { name: 'x' } }), 'not_found')
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'remove', { id: c.id }), 'not_found')
      expectCode(await t.raw(s.mgrA1.key, 'contacts', 'list', { customerId: c.id }), 'not_found')

      const del = (await auditRows(t, 'customer', c.id)).filter((e) => e.action === 'delete')
      expect(del).toHaveLength(1)
      expect(del[0].changes).toMatchObject({ code: [c.code, null], name: ['待删除贸易公司', null] })
      expect((await auditRows(t, 'contact', p.id)).map((e) => e.action)).toEqual(['create', 'delete'])
    })
  })

  describe('changeOwner', () => {
    it('moves customers and their contacts to the new owner, audited per customer', async () => {
      const a = await create(s.mgrA1, { name: '转移甲' })
      const b = await create(s.mgrA1, { name: '转移乙' })
      const keep = await create(s.mgrA2, { name: '已归属' })
      const ct = await t.call(s.mgrA1.key, 'contacts', 'create', { customerId: a.id, fields: { name: '转移联系人' } })
      const r = await t.call(s.supA.key, 'customers', 'changeOwner', { ids: [a.id, b.id, keep.id, a.id], ownerId: s.mgrA2.userId })
      expect(r).toEqual({ changed: 2 })
      for (const id of [a.id, b.id, keep.id]) expect((await dbRow(id)).owner_id).toBe(s.mgrA2.userId)
      expect((await k()('contacts').where({ id: ct.id }).first()).owner_id).toBe(s.mgrA2.userId)
      const entries = (await auditRows(t, 'customer', a.id)).filter((e) => e.action === 'update')
      expect(entries.map((e) => e.changes)).toEqual([{ ownerId: [s.mgrA1.userId, s.mgrA2.userId] }])
      expect((await auditRows(t, 'customer', keep.id)).filter((e) => e.action === 'update')).toHaveLength(0)
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'get', { id: a.id }), 'not_found')
      expect((await t.call(s.mgrA2.key, 'customers', 'get', { id: a.id })).ownerName).toBe('经理甲二')
      expect((await t.call(s.mgrA2.key, 'contacts', 'list', { customerId: a.id })).map((x) => x.id)).toEqual([ct.id])
    })

    it('moves nothing when one id is out of scope or the owner is not allowed', async () => {
      const a = await create(s.mgrA1, { name: '原子甲' })
      const foreign = await create(s.mgrB, { name: '乙组客户' })
      expectCode(await t.raw(s.supA.key, 'customers', 'changeOwner', { ids: [a.id, foreign.id], ownerId: s.mgrA2.userId }), 'not_found')
      expect((await dbRow(a.id)).owner_id).toBe(s.mgrA1.userId)
      expectFieldIssue(await t.raw(s.supA.key, 'customers', 'changeOwner', { ids: [a.id], ownerId: s.mgrB.userId }), 'ownerId', 'out_of_team')
      const off = await t.userSession('disabled2', 'manager', { teamId: s.teamA })
      await k()('users').where({ id: off.userId }).update({ disabled: true })
      expectFieldIssue(await t.raw(s.admin.key, 'customers', 'changeOwner', { ids: [a.id], ownerId: off.userId }), 'ownerId', 'invalid_owner')
      expect((await dbRow(a.id)).owner_id).toBe(s.mgrA1.userId)
      expect((await dbRow(foreign.id)).owner_id).toBe(s.mgrB.userId)
      const r = await t.call(s.admin.key, 'customers', 'changeOwner', { ids: [a.id, foreign.id], ownerId: s.mgrB.userId })
      expect(r.changed).toBe(1)
      expect((await dbRow(a.id)).owner_id).toBe(s.mgrB.userId)
    })

    it('validates the id list', async () => {
      expectCode(await t.raw(s.admin.key, 'customers', 'changeOwner', { ids: [], ownerId: s.mgrA1.userId }), 'validation')
      expect(errorOf(await t.raw(s.admin.key, 'customers', 'changeOwner', { ids: ['x'], ownerId: s.mgrA1.userId })).code).toBe('validation')
    })
  })
})

describeEachDb('customers.list: paging, sorting, filters, search', (dialect) => {
  let t: TestApp
  let s: Staff
  let all: Customer[] = []
  const special: Record<string, Customer> = {}
  const dictFor: Partial<Record<DictField, string>> = {}
  const DICT_TYPE: Record<DictField, string> = {
    regionId: 'region', natureId: 'nature', sourceId: 'source', categoryId: 'category', industryId: 'industry', sizeId: 'size',
    positionId: 'position', settlementId: 'settlement', contactPolicyId: 'contact_policy', purchasePolicyId: 'purchase_policy', levelId: 'level',
  }
  const list = (input: CallInput<'customers', 'list'>, who = s.admin) => t.call(who.key, 'customers', 'list', input)
  const ids = (rows: CustomerRow[]) => rows.map((r) => r.id)

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    const k = t.app.db.knex
    const owners = [s.mgrA1, s.mgrA2, s.mgrB]
    // 22 sample cards with ratings that tie and some nulls, spread over owners
    for (let i = 1; i <= 22; i++) {
      t.clock.advance(1000)
      const c = await t.call(s.admin.key, 'customers', 'create', {
        name: `样本客户${String(i).padStart(2, '0')}`,
        creditRating: i % 4 === 0 ? null : (i % 3) + 1,
        ownerId: owners[i % 3].userId,
        status: i % 5 === 0 ? 'churn_warning' : 'normal',
        customerType: i % 7 === 0 ? 'person' : 'company',
      })
      all.push(c)
    }
    // trade figures and contact dates come from other modules: write them directly
    for (const [n, c] of all.entries()) {
      await k('customers').where({ id: c.id }).update({
        order_total_cents: n % 6 === 0 ? null : (n % 4) * 1000,
        last_contact_at: n % 3 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (n % 5))).toISOString(),
        next_contact_at: n % 2 === 0 ? null : new Date(Date.UTC(2026, 5, 1 + (n % 7))).toISOString(),
      })
    }
    // one card per dictionary field, holding the type's second item
    for (const f of DICT_FIELDS) {
      const items = await t.call(s.admin.key, 'dictionary', 'items', { typeCode: DICT_TYPE[f] as never })
      dictFor[f] = items[1].id
      t.clock.advance(1000)
      special[f] = await t.call(s.admin.key, 'customers', 'create', { name: `字典客户-${f}`, [f]: items[1].id, ownerId: s.mgrA1.userId })
    }
    t.clock.advance(1000)
    special.renyi = await t.call(s.admin.key, 'customers', 'create', {
      name: '广州市人易软件有限公司', shortName: '人易', phone: '020-3888 6666', phone2: '13900001111', ownerId: s.mgrA1.userId,
    })
    await t.call(s.admin.key, 'contacts', 'create', { customerId: special.renyi.id, fields: { name: '张三丰', mobile: '13712345678' } })
    await t.call(s.admin.key, 'contacts', 'create', { customerId: special.renyi.id, fields: { name: '李四', mobile: '18600000000' } })
    t.clock.advance(1000)
    special.wild = await t.call(s.admin.key, 'customers', 'create', { name: 'Acme 100% Trading_Co', ownerId: s.mgrB.userId })
    all = await Promise.all(all.map((c) => t.call(s.admin.key, 'customers', 'get', { id: c.id })))
  })
  afterAll(async () => t?.close())

  const samples = { search: '样本客户' }

  it('pages with a total, without overlap or gaps', async () => {
    const seen: string[] = []
    for (let page = 1; page <= 3; page++) {
      const r = await list({ page, pageSize: 10, filter: samples })
      expect(r).toMatchObject({ total: 22, page, pageSize: 10 })
      expect(r.items).toHaveLength(page < 3 ? 10 : 2)
      seen.push(...ids(r.items))
    }
    expect(new Set(seen).size).toBe(22)
    expect(new Set(seen)).toEqual(new Set(all.map((c) => c.id)))
    const beyond = await list({ page: 9, pageSize: 10, filter: samples })
    expect(beyond).toMatchObject({ total: 22, items: [] })
    expectCode(await t.raw(s.admin.key, 'customers', 'list', { pageSize: 501 }), 'validation')
  })

  it('sorts by updatedAt desc by default, ties broken by id', async () => {
    const r = await list({ pageSize: 100, filter: samples })
    const expected = [...all].sort((a, b) => (a.updatedAt === b.updatedAt ? (a.id < b.id ? 1 : -1) : a.updatedAt < b.updatedAt ? 1 : -1))
    expect(ids(r.items)).toEqual(ids(expected as never))
  })

  const cmp = (a: unknown, b: unknown) => (a === b ? 0 : (a as number) < (b as number) ? -1 : 1)
  /** Expected order: non-null values in the direction, ties by id in the direction, nulls last. */
  function expectedOrder(key: keyof Customer, order: 'asc' | 'desc') {
    const sign = order === 'asc' ? 1 : -1
    return [...all]
      .sort((a, b) => {
        const va = a[key], vb = b[key]
        if (va === null && vb !== null) return 1
        if (vb === null && va !== null) return -1
        return sign * (cmp(va, vb) || cmp(a.id, b.id))
      })
      .map((c) => c.id)
  }

  for (const field of ['code', 'name', 'updatedAt', 'createdAt', 'lastContactAt', 'nextContactAt', 'orderTotalCents', 'creditRating'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sorts by ${field} ${order} (nulls last, ties by id)`, async () => {
        const r = await list({ pageSize: 100, filter: samples, sort: { field, order } })
        const key = field === 'orderTotalCents' ? 'orderTotalCents' : field
        let exp = expectedOrder(key, order)
        if (field === 'orderTotalCents') {
          // a NULL total reads as 0 on the card but sorts last
          const nulls = new Set(all.filter((_, n) => n % 6 === 0).map((c) => c.id))
          const sorted = [...all].filter((c) => !nulls.has(c.id)).sort((a, b) => (order === 'asc' ? 1 : -1) * (cmp(a.orderTotalCents, b.orderTotalCents) || cmp(a.id, b.id)))
          exp = [...sorted.map((c) => c.id), ...[...nulls].sort((a, b) => (order === 'asc' ? 1 : -1) * cmp(a, b))]
        }
        expect(ids(r.items)).toEqual(exp)
        // paging keeps the same order
        const p2 = await list({ page: 2, pageSize: 5, filter: samples, sort: { field, order } })
        expect(ids(p2.items)).toEqual(exp.slice(5, 10))
      })
    }
  }

  it('reads pages past the middle from the end (no search): every page, every sort, same order as one big page', async () => {
    for (const field of ['updatedAt', 'name', 'creditRating', 'nextContactAt', 'orderTotalCents'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const whole = await list({ pageSize: 100, sort: { field, order } })
        expect(whole.total).toBe(35)
        const paged: string[] = []
        for (let page = 1; page <= 4; page++) {
          const r = await list({ page, pageSize: 10, sort: { field, order } })
          expect(r.total).toBe(35)
          expect(r.items).toHaveLength(page < 4 ? 10 : 5)
          paged.push(...ids(r.items))
        }
        expect(paged, `${field} ${order}`).toEqual(ids(whole.items))
        expect((await list({ page: 5, pageSize: 10, sort: { field, order } })).items).toEqual([])
      }
    }
    // the filtered (sample) order matches the expectation computed here, read from the end too
    const last = await list({ page: 3, pageSize: 10, filter: { customerType: 'company', status: 'normal', ownerId: s.mgrA2.userId }, sort: { field: 'code', order: 'asc' } })
    const exp = all.filter((c) => c.customerType === 'company' && c.status === 'normal' && c.ownerId === s.mgrA2.userId).map((c) => c.id)
    expect(last.total).toBe(exp.length)
    expect(last.items).toEqual([])
    expect(exp).toHaveLength(6)
    const mine = { customerType: 'company', status: 'normal', ownerId: s.mgrA2.userId } as const
    for (const [page, pageSize] of [[1, 2], [2, 2], [3, 2], [2, 4], [1, 6], [2, 5]]) {
      const r = await list({ page, pageSize, filter: mine, sort: { field: 'code', order: 'asc' } })
      expect(ids(r.items), `page ${page} of ${pageSize}`).toEqual(exp.slice((page - 1) * pageSize, page * pageSize))
    }
  })

  it('rejects an unknown sort field', async () => {
    expectCode(await t.raw(s.admin.key, 'customers', 'list', { sort: { field: 'search_text', order: 'asc' } }), 'validation')
  })

  it('filters by every dictionary field', async () => {
    for (const f of DICT_FIELDS) {
      const r = await list({ filter: { [f]: dictFor[f] } })
      expect(ids(r.items), f).toEqual([special[f].id])
      expect(r.total).toBe(1)
    }
  })

  it('filters by owner, status and type, combined with each other and the search', async () => {
    const byOwner = await list({ pageSize: 100, filter: { ...samples, ownerId: s.mgrA2.userId } })
    expect(new Set(ids(byOwner.items))).toEqual(new Set(all.filter((c) => c.ownerId === s.mgrA2.userId).map((c) => c.id)))
    expect(byOwner.items.every((r) => r.ownerName === '经理甲二')).toBe(true)
    const churn = await list({ pageSize: 100, filter: { status: 'churn_warning' } })
    expect(new Set(ids(churn.items))).toEqual(new Set(all.filter((c) => c.status === 'churn_warning').map((c) => c.id)))
    const persons = await list({ pageSize: 100, filter: { customerType: 'person' } })
    expect(new Set(ids(persons.items))).toEqual(new Set(all.filter((c) => c.customerType === 'person').map((c) => c.id)))
    const both = await list({ pageSize: 100, filter: { customerType: 'company', status: 'normal', ownerId: s.mgrB.userId, ...samples } })
    const exp = all.filter((c) => c.customerType === 'company' && c.status === 'normal' && c.ownerId === s.mgrB.userId)
    expect(exp.length).toBeGreaterThan(0)
    expect(new Set(ids(both.items))).toEqual(new Set(exp.map((c) => c.id)))
  })

  it('returns list rows with owner name and primary contact', async () => {
    const r = await list({ filter: { search: '人易' } })
    expect(r.items).toHaveLength(1)
    expect(r.items[0]).toEqual({
      id: special.renyi.id, code: special.renyi.code, name: '广州市人易软件有限公司', shortName: '人易', customerType: 'company',
      regionId: null, industryId: null, categoryId: null, levelId: null, natureId: null, sourceId: null, phone: '020-3888 6666',
      city: null, ownerId: s.mgrA1.userId, ownerName: '经理甲一', status: 'normal', creditRating: null, orderTotalCents: 0,
      lastContactAt: null, nextContactAt: null, updatedAt: special.renyi.updatedAt, primaryContact: '张三丰',
    })
  })

  const searches: Array<[string, string]> = [
    ['name part', '人易软件'],
    ['short name', '人易'],
    ['phone as typed', '3888 6666'],
    ['phone digits', '02038886666'],
    ['second phone', '13900001111'],
    ['contact name', '李四'],
    ['contact mobile', '13712345678'],
    ['pinyin initials', 'gzry'],
    ['pinyin initials, upper case', 'GZRY'],
    ['full pinyin', 'guangzhourenyi'],
    ['full pinyin with 市', 'guangzhoushirenyiruanjian'],
    ['contact pinyin', 'zhangsanfeng'],
    ['contact initials', 'zsf'],
  ]
  for (const [what, q] of searches) {
    it(`finds by ${what}: ${q}`, async () => {
      const r = await list({ filter: { search: q } })
      expect(ids(r.items)).toEqual([special.renyi.id])
    })
  }

  it('finds by code, case-insensitive', async () => {
    const c = all[3]
    expect(ids((await list({ filter: { search: c.code.toLowerCase() } })).items)).toEqual([c.id])
    expect(ids((await list({ filter: { search: c.code } })).items)).toEqual([c.id])
  })

  it('treats LIKE wildcards as plain text', async () => {
    expect(ids((await list({ filter: { search: '100%' } })).items)).toEqual([special.wild.id])
    expect(ids((await list({ filter: { search: 'g_co' } })).items)).toEqual([special.wild.id])
    expect((await list({ filter: { search: '%' } })).total).toBe(1)
    expect((await list({ filter: { search: '_' } })).total).toBe(1)
    expect((await list({ filter: { search: '[' } })).total).toBe(0)
    expect((await list({ filter: { search: 'zzzqqq' } })).total).toBe(0)
  })

  it('follows contact changes: a renamed or removed contact changes what the search finds', async () => {
    const li = (await t.call(s.admin.key, 'contacts', 'list', { customerId: special.renyi.id })).find((c) => c.name === '李四')!
    await t.call(s.admin.key, 'contacts', 'update', { id: li.id, version: await versionOf(t, 'contacts', li.id), fields: { name: '王五', mobile: '18611112222' } })
    expect((await list({ filter: { search: 'lisi' } })).total).toBe(0)
    expect(ids((await list({ filter: { search: 'wangwu' } })).items)).toEqual([special.renyi.id])
    expect(ids((await list({ filter: { search: '18611112222' } })).items)).toEqual([special.renyi.id])
    await t.call(s.admin.key, 'contacts', 'remove', { id: li.id })
    expect((await list({ filter: { search: 'wangwu' } })).total).toBe(0)
    expect(ids((await list({ filter: { search: 'zsf' } })).items)).toEqual([special.renyi.id])
  })

  it('limits the list to the data scope', async () => {
    const mine = await list({ pageSize: 100, filter: samples }, s.mgrA1)
    expect(new Set(ids(mine.items))).toEqual(new Set(all.filter((c) => c.ownerId === s.mgrA1.userId).map((c) => c.id)))
    expect(mine.total).toBe(mine.items.length)
    expect((await list({ filter: { search: 'gzry' } }, s.mgrB)).total).toBe(0)
    expect((await list({ filter: { search: 'gzry' } }, s.mgrA1)).total).toBe(1)
    // filtering by another owner does not widen the scope
    expect((await list({ filter: { ownerId: s.mgrB.userId } }, s.mgrA1)).total).toBe(0)
  })
})
