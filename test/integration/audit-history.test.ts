// The history on a customer card (audit.forCustomer) shows only the entries whose entity the
// caller may read — the customer, its contacts, its interactions, each by its own permission
// and scope — and nothing once the customer is deleted, except to those who may read the
// whole log (audit.view with scope all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff, type Who } from './customers.fixtures'

describeEachDb('customer card history', (dialect) => {
  let t: TestApp
  let s: Staff
  let customerId: string
  let contactId: string
  let interactionId: string
  let viewOnly: Who // a custom role: customers.view (all) and nothing else

  const history = async (who: Who, id = customerId) => t.call(who.key, 'audit', 'forCustomer', { customerId: id, pageSize: 100 })
  const entities = async (who: Who, id = customerId) => [...new Set((await history(who, id)).items.map((e) => e.entity))].sort()

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    const cust = await t.call(s.admin.key, 'customers', 'create', {
      name: '杭州保密机械有限公司', ownerId: s.mgrA1.userId, bankAccount: '6222-0000-1111', taxId: '91330100MA2ABCDE43', notes: '底价 88 万',
    })
    customerId = cust.id
    contactId = (await t.call(s.mgrA1.key, 'contacts', 'create', { customerId, fields: { name: '钱总', mobile: '13900000001' } })).id
    const phone = await dictId(t, 'interaction_channel', '电话')
    interactionId = (await t.call(s.mgrA1.key, 'interactions', 'create', {
      customerId, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '私下报价 SECRET-SUBJECT', detail: 'SECRET-DETAIL', outcome: 'SECRET-OUTCOME',
    })).id
    const role = await t.call(s.admin.key, 'roles', 'save', {
      code: 'card_viewer', name: '只看客户', permissions: [{ module: 'customers', actions: ['view'], scope: 'all' }],
    })
    viewOnly = await t.userSession('viewer', 'card_viewer')
    expect(role.code).toBe('card_viewer')
  })
  afterAll(async () => t?.close())

  describe('a live customer', () => {
    it('the owner, the team supervisor, the executive and the admin see every entry', async () => {
      for (const who of [s.mgrA1, s.supA, s.exec, s.admin]) {
        expect(await entities(who)).toEqual(['contact', 'customer', 'interaction'])
      }
      const own = await history(s.mgrA1)
      expect(own.items.find((e) => e.entity === 'interaction')?.changes.subject).toEqual([null, '私下报价 SECRET-SUBJECT'])
      expect(own.total).toBe(own.items.length)
    })

    it('a 客服专员 (own-scope interactions, no audit permission) does not see another rep\'s interactions', async () => {
      const h = await history(s.agent)
      expect([...new Set(h.items.map((e) => e.entity))].sort()).toEqual(['contact', 'customer'])
      expect(h.items.some((e) => e.entityId === interactionId)).toBe(false)
      expect(JSON.stringify(h)).not.toContain('SECRET-')
      // the total counts only what is shown, so paging cannot reveal hidden entries
      expect(h.total).toBe(h.items.length)
      const page1 = await t.call(s.agent.key, 'audit', 'forCustomer', { customerId, page: 1, pageSize: 1 })
      expect(page1.total).toBe(h.total)
      // the interaction itself is out of reach too: the history must not be a way around that
      expect(await t.raw(s.agent.key, 'interactions', 'get', { id: interactionId })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    })

    it('a role with customers.view only sees the customer\'s own entries, not its contacts\'', async () => {
      expect(await entities(viewOnly)).toEqual(['customer'])
      expect(JSON.stringify(await history(viewOnly))).not.toContain('13900000001')
      expect(await t.raw(viewOnly.key, 'contacts', 'list', { customerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    })

    it('a rep of another team sees nothing', async () => {
      expect(await history(s.mgrB)).toMatchObject({ items: [], total: 0 })
      expect(await history(s.supB)).toMatchObject({ items: [], total: 0 })
    })

    it('entries of an entity the card does not know are not shown to those limited to their own rights', async () => {
      const k = t.app.db.knex
      await k('audit_log').insert({
        id: crypto.randomUUID(), entity: 'team', entity_id: crypto.randomUUID(), parent_id: customerId, action: 'update',
        changes: JSON.stringify({ name: ['a', 'b'] }), user_id: null, user_name: null, at: new Date().toISOString(),
      })
      expect(await entities(s.agent)).toEqual(['contact', 'customer'])
      expect(await entities(s.mgrA1)).toEqual(['contact', 'customer', 'interaction'])
      // who reads the whole log anyway sees it on the card as well
      expect(await entities(s.admin)).toEqual(['contact', 'customer', 'interaction', 'team'])
    })
  })

  describe('a deleted customer', () => {
    beforeAll(async () => {
      await t.call(s.admin.key, 'customers', 'remove', { id: customerId })
    })

    it('shows nothing to those who could read it while it was live', async () => {
      for (const who of [s.agent, s.mgrA1, s.supA, viewOnly]) {
        const h = await history(who)
        expect(h, who.key).toMatchObject({ items: [], total: 0 })
      }
    })

    it('shows the whole history, the deletion included, to audit.view with scope all (admin, executive)', async () => {
      for (const who of [s.admin, s.exec]) {
        const h = await history(who)
        expect(h.items.map((e) => e.entity)).toEqual(expect.arrayContaining(['customer', 'contact', 'interaction']))
        const removed = h.items.find((e) => e.entity === 'customer' && e.action === 'delete')
        expect(removed?.changes.taxId).toEqual(['91330100MA2ABCDE43', null])
        expect(h.items.some((e) => e.entityId === contactId)).toBe(true)
      }
    })
  })
})
