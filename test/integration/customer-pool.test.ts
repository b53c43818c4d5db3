// 公海: release with a reason → another rep claims → a supervisor assigns; contacts, records and
// reminders follow like a reassignment; the reclaim wait, the 领取上限, the team limit of 分配;
// the rules (N days without follow-up, M days without an order) return customers by themselves
// with a 公海预警 K days before; every move audited; pool permissions per role.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { addCustomer, dictId, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'
import { evaluatePool, POOL_CHUNK } from '../../src-main/modules/pool/pool.service'
import { insertChunked } from '../../src-main/db/dialect'
import { customersFromPool, customersToPool, poolRows } from '../../src-main/modules/customers/customers.repository'

const DAY = 86_400_000

describeEachDb('customer pool (公海)', (dialect) => {
  let t: TestApp
  let w: World
  let cust: string
  let recId: string
  let manualId: string
  let ticketId: string

  const owner = async (id: string) => (await t.app.db.knex('customers').where({ id }).first('owner_id')).owner_id as string | null
  const rules = (r: Partial<{ noFollowUpDays: number | null; noOrderDays: number | null; warnDays: number; reclaimDays: number; maxOwned: number | null }>) =>
    t.call(w.admin.key, 'pool', 'saveRules', { noFollowUpDays: null, noOrderDays: null, warnDays: 3, reclaimDays: 30, maxOwned: null, ...r })

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    const phone = await dictId(t, 'interaction_channel', '电话')
    cust = (await t.call(w.mgrA1.key, 'customers', 'create', { name: '佛山公海测试陶瓷有限公司' })).id
    await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: cust, fields: { name: '黄经理', mobile: '13900001111' } })
    recId = (await t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: cust, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '初次电话',
    })).id
    manualId = (await t.call(w.mgrA1.key, 'reminders', 'create', { title: '寄样品', customerId: cust, dueAt: '2026-03-12T02:00:00.000Z' })).id
    // a service ticket's owner is its customer's owner
    ticketId = (await t.call(w.admin.key, 'services', 'create', { customerId: cust, typeId: await dictId(t, 'service_type', '维修'), summary: '设备异响', request: '主轴有异响' })).id
    expect((await t.app.db.knex('service_tickets').where({ id: ticketId }).first('owner_id')).owner_id).toBe(w.mgrA1.userId)
  })
  afterAll(async () => t?.close())

  it('a rep releases his customer with a reason: it and what follows it have no owner, audited', async () => {
    t.clock.advance(60_000) // the history is ordered by time
    expect(errorOf(await t.raw(w.mgrA1.key, 'pool', 'release', { ids: [cust], reason: '' })).code).toBe('validation')
    expect(errorOf(await t.raw(w.mgrB.key, 'pool', 'release', { ids: [cust], reason: '不是我的' })).code).toBe('not_found')
    expect(await t.call(w.mgrA1.key, 'pool', 'release', { ids: [cust], reason: '客户暂无需求' })).toEqual({ changed: 1 })
    const k = t.app.db.knex
    expect(await owner(cust)).toBeNull()
    for (const [table, id] of [['interactions', recId], ['reminders', manualId], ['service_tickets', ticketId]]) expect((await k(table).where({ id }).first('owner_id')).owner_id, table).toBeNull()
    expect((await k('contacts').where({ customer_id: cust }).first('owner_id')).owner_id).toBeNull()
    const c = await t.call(w.mgrA2.key, 'customers', 'get', { id: cust }) // a pool customer is open to pool viewers
    expect(c).toMatchObject({ ownerId: null, poolReason: 'release', poolNote: '客户暂无需求', poolPrevOwnerName: '经理甲一' })
    const list = await t.call(w.mgrB.key, 'pool', 'list', {})
    expect(list.items.map((r) => [r.name, r.poolPrevOwnerName, r.poolReason])).toEqual([['佛山公海测试陶瓷有限公司', '经理甲一', 'release']])
    // the rep's own list no longer has it, and its reminders are nobody's
    expect((await t.call(w.mgrA1.key, 'customers', 'list', {})).items.map((r) => r.id)).not.toContain(cust)
    expect((await t.call(w.mgrA1.key, 'reminders', 'list', { customerId: cust, status: 'all' })).items).toEqual([])
    const history = await t.call(w.admin.key, 'audit', 'forCustomer', { customerId: cust })
    expect(history.items[0]).toMatchObject({ action: 'update', userName: '经理甲一', changes: { ownerId: [w.mgrA1.userId, null], pool: [null, 'release'], poolNote: [null, '客户暂无需求'] } })
  })

  it('the same rep cannot reclaim it for D days; another rep claims it and gets what followed it', async () => {
    const e = errorOf(await t.raw(w.mgrA1.key, 'pool', 'claim', { ids: [cust] }))
    expect(e.key).toBe('pool.errors.reclaimTooSoon')
    expect(e.params).toMatchObject({ name: '佛山公海测试陶瓷有限公司', days: 30 })
    t.clock.advance(60_000)
    expect(await t.call(w.mgrA2.key, 'pool', 'claim', { ids: [cust] })).toEqual({ changed: 1 })
    const k = t.app.db.knex
    expect(await owner(cust)).toBe(w.mgrA2.userId)
    for (const [table, id] of [['interactions', recId], ['reminders', manualId], ['service_tickets', ticketId]]) expect((await k(table).where({ id }).first('owner_id')).owner_id, table).toBe(w.mgrA2.userId)
    expect((await t.call(w.mgrA2.key, 'reminders', 'list', { customerId: cust, status: 'all' })).items.map((r) => r.id)).toContain(manualId)
    expect((await t.call(w.mgrA2.key, 'customers', 'get', { id: cust })).poolReason).toBeNull()
    // a customer with an owner cannot be claimed
    expect(errorOf(await t.raw(w.mgrB.key, 'pool', 'claim', { ids: [cust] })).key).toBe('pool.errors.notInPool')
    const history = await t.call(w.admin.key, 'audit', 'forCustomer', { customerId: cust })
    expect(history.items[0]).toMatchObject({ userName: '经理甲二', changes: { ownerId: [null, w.mgrA2.userId], pool: [null, 'claim'] } })
  })

  it('a supervisor assigns pool customers within his team; the claim limit holds', async () => {
    await t.call(w.mgrA2.key, 'pool', 'release', { ids: [cust], reason: '转交' })
    expect(errorOf(await t.raw(w.mgrA1.key, 'pool', 'assign', { ids: [cust], ownerId: w.mgrA1.userId })).code).toBe('forbidden')
    const out = errorOf(await t.raw(w.supA.key, 'pool', 'assign', { ids: [cust], ownerId: w.mgrB.userId }))
    expect(out.issues?.[0]).toMatchObject({ field: 'ownerId', code: 'out_of_team' })
    // the supervisor may give it back to the rep who released it
    expect(await t.call(w.supA.key, 'pool', 'assign', { ids: [cust], ownerId: w.mgrA2.userId })).toEqual({ changed: 1 })
    expect(await owner(cust)).toBe(w.mgrA2.userId)

    await rules({ maxOwned: 1 })
    const a = await addCustomer(t, { name: '公海甲', ownerId: null })
    const b = await addCustomer(t, { name: '公海乙', ownerId: null })
    const e = errorOf(await t.raw(w.mgrB.key, 'pool', 'claim', { ids: [a, b] }))
    expect(e.key).toBe('pool.errors.limitReached')
    expect(e.params).toMatchObject({ owned: 0, max: 1 })
    expect(await owner(a)).toBeNull()
    expect(await t.call(w.mgrB.key, 'pool', 'claim', { ids: [a] })).toEqual({ changed: 1 })
    expect(await t.call(w.mgrB.key, 'pool', 'status', {})).toEqual({ owned: 1, maxOwned: 1, reclaimDays: 30 })
    expect(errorOf(await t.raw(w.supA.key, 'pool', 'assign', { ids: [b], ownerId: w.mgrA2.userId })).key).toBe('pool.errors.limitReached')
    await rules({})
  })

  it('rules are the admin’s; a warning comes K days before a rule returns a customer, which a follow-up withdraws', async () => {
    expect(errorOf(await t.raw(w.supA.key, 'pool', 'saveRules', { noFollowUpDays: 30, noOrderDays: null, warnDays: 3, reclaimDays: 30, maxOwned: null })).code).toBe('forbidden')
    expect(errorOf(await t.raw(w.admin.key, 'pool', 'saveRules', { noFollowUpDays: 5, noOrderDays: null, warnDays: 5, reclaimDays: 0, maxOwned: null })).issues?.[0].field).toBe('warnDays')
    const saved = await rules({ noFollowUpDays: 30, warnDays: 5 })
    expect(saved.noFollowUpSince).toBe(t.clock.now().toISOString())
    const k = t.app.db.knex
    const quiet = await addCustomer(t, { name: '久未联系有限公司', ownerId: w.mgrB.userId, createdAt: '2025-01-01T00:00:00.000Z', lastContactAt: '2025-06-01T00:00:00.000Z' })
    const busy = await addCustomer(t, { name: '常联系有限公司', ownerId: w.mgrB.userId, createdAt: '2025-01-01T00:00:00.000Z', lastContactAt: '2025-06-01T00:00:00.000Z' })
    // counted from when the rule was switched on: nothing is due or warned today
    let r = await evaluatePool(t.app)
    expect(r).toMatchObject({ returned: 0, warned: 0 })
    expect(r.keysFilled).toBeGreaterThanOrEqual(2) // rows written without the service got their 查重 keys

    t.clock.advance(26 * DAY) // 4 days before the return
    r = await evaluatePool(t.app)
    expect(r.returned).toBe(0)
    const warnings = await k('reminders').where({ source: 'pool_warning' }).whereNull('deleted_at').whereIn('customer_id', [quiet, busy]).select('customer_id', 'owner_id', 'basis_date', 'title', 'title_key', 'title_params')
    expect(warnings.map((x) => x.customer_id).sort()).toEqual([quiet, busy].sort())
    // the title is a key and values (rendered in the reader's language), no stored sentence
    expect(warnings.every((x) => x.title === '' && x.title_key === 'pool_warning')).toBe(true)
    expect(warnings.map((x) => JSON.parse(x.title_params)).sort((a, b) => a.customer.localeCompare(b.customer)))
      .toEqual([{ customer: '常联系有限公司', date: '2026-04-09' }, { customer: '久未联系有限公司', date: '2026-04-09' }].sort((a, b) => a.customer.localeCompare(b.customer)))
    expect(warnings.every((x) => x.owner_id === w.mgrB.userId && x.basis_date === '2026-04-09')).toBe(true)
    expect((await t.call(w.mgrB.key, 'reminders', 'list', { sources: ['pool_warning'] })).total).toBeGreaterThanOrEqual(2)
    expect((await evaluatePool(t.app)).warned).toBe(0) // idempotent

    // a follow-up of one: its warning goes
    const phone = await dictId(t, 'interaction_channel', '电话')
    await t.call(w.mgrB.key, 'interactions', 'create', { customerId: busy, channelId: phone, occurredAt: t.clock.now().toISOString(), subject: '回访' })
    r = await evaluatePool(t.app)
    expect(r.withdrawn).toBe(1)
    expect(await k('reminders').where({ source: 'pool_warning', customer_id: busy }).whereNull('deleted_at').first('id')).toBeUndefined()

    t.clock.advance(5 * DAY)
    r = await evaluatePool(t.app)
    expect(r.returned).toBeGreaterThanOrEqual(1) // the others nobody contacted since the rule came too
    expect(await owner(quiet)).toBeNull()
    expect(await owner(busy)).toBe(w.mgrB.userId)
    const c = await t.call(w.admin.key, 'customers', 'get', { id: quiet })
    expect(c).toMatchObject({ poolReason: 'no_follow_up', poolPrevOwnerName: '经理乙' })
    const history = await t.call(w.admin.key, 'audit', 'forCustomer', { customerId: quiet })
    expect(history.items[0]).toMatchObject({ userId: null, changes: { ownerId: [w.mgrB.userId, null], pool: [null, 'no_follow_up'] } })
    // the returned customer's warning is gone with it
    expect(await k('reminders').where({ source: 'pool_warning', customer_id: quiet }).whereNull('deleted_at').whereNull('done_at').first('id')).toBeUndefined()
    await rules({})
  })

  it('the order rule returns a customer without an order for M days', async () => {
    await rules({ noOrderDays: 90, warnDays: 0 })
    const k = t.app.db.knex
    const old = await addCustomer(t, { name: '无订单有限公司', ownerId: w.mgrA1.userId, createdAt: '2025-01-01T00:00:00.000Z', lastOrderDate: '2025-05-01', lastContactAt: t.clock.now().toISOString() })
    const fresh = await addCustomer(t, { name: '有订单有限公司', ownerId: w.mgrA1.userId, createdAt: '2025-01-01T00:00:00.000Z', lastOrderDate: t.clock.now().toISOString().slice(0, 10) })
    t.clock.advance(91 * DAY)
    await k('customers').where({ id: fresh }).update({ last_order_date: t.clock.now().toISOString().slice(0, 10) })
    const r = await evaluatePool(t.app)
    expect(r.returned).toBeGreaterThanOrEqual(1)
    expect(await owner(old)).toBeNull()
    expect(await owner(fresh)).toBe(w.mgrA1.userId)
    expect((await t.call(w.admin.key, 'customers', 'get', { id: old })).poolReason).toBe('no_order')
    await rules({})
  })

  it('the rules move more customers than one chunk: every one returned, with its contacts, audited once', async () => {
    await rules({ noFollowUpDays: 30, warnDays: 0 })
    const k = t.app.db.knex
    const n = POOL_CHUNK * 2 + 37 // three transactions, the last one partial
    const at = '2025-01-01T00:00:00.000Z'
    const ids = Array.from({ length: n }, () => crypto.randomUUID())
    await insertChunked(k, t.app.db.dialect, 'customers', ids.map((id, i) => ({
      id, code: `KH-CH-${String(i).padStart(6, '0')}`, name: `批量回收${i}号有限公司`, owner_id: w.mgrA2.userId, customer_type: 'company',
      status: 'normal', order_count: 0, created_at: at, updated_at: at, version: 1, last_contact_at: at,
    })))
    await insertChunked(k, t.app.db.dialect, 'contacts', ids.slice(-3).map((customerId, i) => ({
      id: crypto.randomUUID(), customer_id: customerId, owner_id: w.mgrA2.userId, name: `联系人${i}`, is_primary: true, created_at: at, updated_at: at, version: 1,
    })))
    t.clock.advance(31 * DAY)
    const r = await evaluatePool(t.app)
    expect(r.returned).toBeGreaterThanOrEqual(n)
    const stillOwned = await k('customers').whereIn('id', ids.slice(0, 500)).whereNotNull('owner_id').count({ c: '*' }).first()
    const stillOwnedRest = await k('customers').whereIn('id', ids.slice(500)).whereNotNull('owner_id').count({ c: '*' }).first()
    expect(Number(stillOwned?.c) + Number(stillOwnedRest?.c)).toBe(0)
    const pooled = await k('customers').whereIn('id', ids.slice(-40)).select('pool_reason', 'pool_prev_owner_id')
    expect(pooled.every((x) => x.pool_reason === 'no_follow_up' && x.pool_prev_owner_id === w.mgrA2.userId)).toBe(true)
    expect((await k('contacts').whereIn('customer_id', ids.slice(-3)).select('owner_id')).map((x) => x.owner_id)).toEqual([null, null, null])
    let audits = 0
    for (let i = 0; i < n; i += 500) {
      audits += Number((await k('audit_log').where({ entity: 'customer' }).whereIn('entity_id', ids.slice(i, i + 500)).count({ c: '*' }).first())?.c)
    }
    expect(audits).toBe(n)
    // a second run finds nothing more of them
    expect((await evaluatePool(t.app)).returned).toBe(0)
    await rules({})
  })

  it('pool permissions per role', async () => {
    const agent = await t.userSession('agent9', 'agent')
    const exec = await t.userSession('exec9', 'executive')
    expect(errorOf(await t.raw(agent.key, 'pool', 'list', {})).code).toBe('forbidden')
    expect((await t.call(exec.key, 'pool', 'list', {})).total).toBeGreaterThan(0)
    const any = (await t.call(exec.key, 'pool', 'list', {})).items[0].id
    expect(errorOf(await t.raw(exec.key, 'pool', 'claim', { ids: [any] })).code).toBe('forbidden')
    expect(errorOf(await t.raw(exec.key, 'pool', 'release', { ids: [cust], reason: 'x' })).code).toBe('forbidden')
    expect(errorOf(await t.raw(w.mgrA1.key, 'pool', 'evaluate', {})).code).toBe('forbidden')
    expect((await t.call(w.admin.key, 'pool', 'evaluate', {})).returned).toBe(0)
    expect(errorOf(await t.raw(w.mgrA1.key, 'pool', 'claim', { ids: [] })).code).toBe('validation')
    expect(errorOf(await t.raw(w.mgrA1.key, 'pool', 'claim', { ids: [crypto.randomUUID()] })).code).toBe('not_found')
  })

  if (dialect === 'sqlite') {
    it('SQLite finds the customers of a 公海 move by their ids, never by walking every live row of the deleted_at index', async () => {
      // without statistics (or with the average rows per deleted_at value) SQLite's planner took
      // `deleted_at is null` as selective and read every live customer once per chunk of 500:
      // the rule job's catch-up grew with the square of the customers
      const k = t.app.db.knex
      const ids = (await k('customers').limit(3).pluck('id')) as string[]
      const plan = async (q: { toString(): string }) => ((await k.raw(`explain query plan ${q.toString()}`)) as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      const at = '2026-03-10T02:00:00.000Z'
      for (const q of [
        poolRows(k, ids),
        customersToPool(k, ids, { at, reason: 'release', note: null, version: 1 }),
        customersFromPool(k, ids, { ownerId: w.mgrA1.userId, at, version: 1 }),
      ]) {
        const p = await plan(q)
        expect(p).toMatch(/\(id=\?/)
        expect(p).not.toMatch(/deleted_at/)
      }
    })
  }
})
