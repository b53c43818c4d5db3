// Every seeded role × every customers/contacts call × own/team/all scope, through dispatch.
// Two managers in team A, one manager and a supervisor in team B, a supervisor of team A,
// an agent and an executive (view all, write nothing), and the admin (everything).
// A refused call answers not_found (out of scope) or forbidden (no action) and changes no row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import type { Customer } from '../../src-main/contract/customers'
import type { Contact } from '../../src-main/contract/contacts'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { expectCode, makeStaff, syncVersion, type Staff, type Who } from './customers.fixtures'

describeEachDb('permissions: customers and contacts by role and scope', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex

  /** Every customers/contacts row and the version counter: a refused call must leave them alone. */
  async function snapshot() {
    const customers = await k()('customers').orderBy('id').select('*')
    const contacts = await k()('contacts').orderBy('id').select('*')
    const audit = await k()('audit_log').count({ n: '*' }).first()
    return JSON.stringify({ customers, contacts, audit: Number(audit!.n), version: await syncVersion(t) })
  }

  interface Card {
    customer: Customer
    contact: Contact
  }
  /** A fresh customer owned by `owner` with one (primary) contact, made by the admin. */
  async function card(owner: Who, name: string): Promise<Card> {
    const customer = await t.call(s.admin.key, 'customers', 'create', { name, ownerId: owner.userId })
    const contact = await t.call(s.admin.key, 'contacts', 'create', { customerId: customer.id, fields: { name: `${name}联系人` } })
    return { customer, contact }
  }

  /** Every call on someone else's card that must be refused; the row state must not move. */
  async function expectAllRefused(who: Who, c: Card, code: 'not_found' | 'forbidden', opts: { assignCode?: 'not_found' | 'forbidden'; readCode?: 'not_found' } = {}) {
    const before = await snapshot()
    const refused = (r: ApiResult<unknown>, expected = code) => expectCode(r, expected)
    const id = c.customer.id
    if (opts.readCode) {
      refused(await t.raw(who.key, 'customers', 'get', { id }), opts.readCode)
      refused(await t.raw(who.key, 'contacts', 'list', { customerId: id }), opts.readCode)
      const listed = await t.call(who.key, 'customers', 'list', { pageSize: 500 })
      expect(listed.items.map((x) => x.id)).not.toContain(id)
      const searched = await t.call(who.key, 'customers', 'list', { filter: { search: c.customer.code } })
      expect(searched.total).toBe(0)
      expect((await t.call(who.key, 'audit', 'forCustomer', { customerId: id })).total).toBe(0)
    }
    refused(await t.raw(who.key, 'customers', 'update', { id, version: c.customer.version, fields: { notes: 'x' } }))
    refused(await t.raw(who.key, 'customers', 'remove', { id }))
    refused(await t.raw(who.key, 'customers', 'changeOwner', { ids: [id], ownerId: who.userId }), opts.assignCode ?? code)
    refused(await t.raw(who.key, 'contacts', 'create', { customerId: id, fields: { name: '偷偷加的' } }))
    refused(await t.raw(who.key, 'contacts', 'update', { id: c.contact.id, version: await versionOf(t, 'contacts', c.contact.id), fields: { mobile: '13000000000' } }))
    refused(await t.raw(who.key, 'contacts', 'setPrimary', { id: c.contact.id, version: await versionOf(t, 'contacts', c.contact.id) }))
    refused(await t.raw(who.key, 'contacts', 'remove', { id: c.contact.id }))
    expect(await snapshot()).toBe(before)
  }

  /** Every call on a card the actor may change; ends with the card removed. */
  async function expectAllAllowed(who: Who, c: Card, opts: { reassignTo?: Who } = {}) {
    const id = c.customer.id
    expect((await t.call(who.key, 'customers', 'get', { id })).name).toBe(c.customer.name)
    expect((await t.call(who.key, 'customers', 'list', { filter: { search: c.customer.code } })).items.map((x) => x.id)).toEqual([id])
    expect((await t.call(who.key, 'contacts', 'list', { customerId: id })).map((x) => x.id)).toEqual([c.contact.id])
    const u = await t.call(who.key, 'customers', 'update', { id, version: c.customer.version, fields: { notes: `由${who.userId}修改` } })
    expect(u.notes).toBe(`由${who.userId}修改`)
    const added = await t.call(who.key, 'contacts', 'create', { customerId: id, fields: { name: '新增联系人' } })
    expect((await k()('contacts').where({ id: added.id }).first()).owner_id).toBe(c.customer.ownerId)
    expect((await t.call(who.key, 'contacts', 'update', { id: added.id, version: await versionOf(t, 'contacts', added.id), fields: { mobile: '13100000000' } })).mobile).toBe('13100000000')
    await t.call(who.key, 'contacts', 'setPrimary', { id: added.id, version: await versionOf(t, 'contacts', added.id) })
    expect((await t.call(who.key, 'contacts', 'list', { customerId: id })).find((x) => x.isPrimary)?.id).toBe(added.id)
    await t.call(who.key, 'contacts', 'remove', { id: added.id })
    expect((await t.call(who.key, 'contacts', 'list', { customerId: id })).map((x) => [x.id, x.isPrimary])).toEqual([[c.contact.id, true]])
    if (opts.reassignTo) {
      expect(await t.call(who.key, 'customers', 'changeOwner', { ids: [id], ownerId: opts.reassignTo.userId })).toEqual({ changed: 1 })
      expect((await k()('customers').where({ id }).first()).owner_id).toBe(opts.reassignTo.userId)
    }
    expect(await t.call(who.key, 'customers', 'remove', { id })).toEqual({ ok: true })
    expect((await k()('customers').where({ id }).first()).deleted_at).toBeTruthy()
  }

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
  })
  afterAll(async () => t?.close())

  it('rejects every call without a session', async () => {
    const c = await card(s.mgrA1, '无会话')
    const before = await snapshot()
    for (const [area, call, input] of [
      ['customers', 'list', {}], ['customers', 'get', { id: c.customer.id }], ['customers', 'create', { name: 'x' }],
      ['customers', 'update', { id: c.customer.id, version: await versionOf(t, 'customers', c.customer.id), fields: { name: 'x' } }], ['customers', 'remove', { id: c.customer.id }],
      ['customers', 'changeOwner', { ids: [c.customer.id], ownerId: s.mgrA1.userId }], ['contacts', 'list', { customerId: c.customer.id }],
      ['contacts', 'create', { customerId: c.customer.id, fields: { name: 'x' } }], ['contacts', 'setPrimary', { id: c.contact.id, version: await versionOf(t, 'contacts', c.contact.id) }],
    ] as const) {
      expectCode(await t.raw('no-such-session', area, call, input), 'unauthenticated')
    }
    expect(await snapshot()).toBe(before)
  })

  describe('manager (own scope)', () => {
    it('lists and reads only own customers', async () => {
      const mine = await card(s.mgrA1, '经理甲一的客户')
      const peer = await card(s.mgrA2, '经理甲二的客户')
      const other = await card(s.mgrB, '经理乙的客户')
      const seen = (await t.call(s.mgrA1.key, 'customers', 'list', { pageSize: 500 })).items
      expect(seen.map((x) => x.id)).toContain(mine.customer.id)
      expect(seen.every((x) => x.ownerId === s.mgrA1.userId)).toBe(true)
      for (const c of [peer, other]) await expectAllRefused(s.mgrA1, c, 'not_found', { assignCode: 'forbidden', readCode: 'not_found' })
      await expectAllRefused(s.mgrB, mine, 'not_found', { assignCode: 'forbidden', readCode: 'not_found' })
    })

    it('creates for itself, changes own cards and contacts, but cannot reassign', async () => {
      const own = await t.call(s.mgrA1.key, 'customers', 'create', { name: '经理自建' })
      expect(own.ownerId).toBe(s.mgrA1.userId)
      const c = await card(s.mgrA1, '经理可改')
      const before = await snapshot()
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'changeOwner', { ids: [c.customer.id], ownerId: s.mgrA2.userId }), 'forbidden')
      expectCode(await t.raw(s.mgrA1.key, 'customers', 'create', { name: '给别人', ownerId: s.mgrA2.userId }), 'forbidden')
      expect(await snapshot()).toBe(before)
      await expectAllAllowed(s.mgrA1, c)
    })
  })

  describe('supervisor (team scope)', () => {
    it("sees and changes its team's customers, not another team's", async () => {
      const a1 = await card(s.mgrA1, '甲组一')
      const a2 = await card(s.mgrA2, '甲组二')
      const b = await card(s.mgrB, '乙组')
      const seen = (await t.call(s.supA.key, 'customers', 'list', { pageSize: 500 })).items
      const teamA = new Set([s.mgrA1.userId, s.mgrA2.userId, s.supA.userId])
      expect(seen.map((x) => x.id)).toEqual(expect.arrayContaining([a1.customer.id, a2.customer.id]))
      expect(seen.every((x) => teamA.has(x.ownerId!))).toBe(true)
      expect((await t.call(s.supA.key, 'customers', 'list', { pageSize: 500 })).total).toBe(
        Number((await k()('customers').whereNull('deleted_at').whereIn('owner_id', [...teamA]).count({ n: '*' }).first())!.n),
      )
      await expectAllRefused(s.supA, b, 'not_found', { readCode: 'not_found' })
      await expectAllRefused(s.supB, a1, 'not_found', { readCode: 'not_found' })
      await expectAllAllowed(s.supA, a1, { reassignTo: s.mgrA2 })
      await expectAllAllowed(s.supA, a2, { reassignTo: s.mgrA1 })
      await expectAllAllowed(s.supB, b, { reassignTo: s.supB })
    })

    it('cannot pull a foreign card into its team nor hand its own to another team', async () => {
      const b = await card(s.mgrB, '乙组不可拉')
      const a = await card(s.mgrA1, '甲组不可送')
      const before = await snapshot()
      expectCode(await t.raw(s.supA.key, 'customers', 'changeOwner', { ids: [b.customer.id], ownerId: s.mgrA1.userId }), 'not_found')
      expectCode(await t.raw(s.supA.key, 'customers', 'changeOwner', { ids: [a.customer.id], ownerId: s.mgrB.userId }), 'validation')
      expect(await snapshot()).toBe(before)
    })

    it('without a team, a supervisor falls back to its own customers', async () => {
      const lone = await t.userSession('sup-noteam', 'supervisor', { teamId: null })
      const own = await t.call(lone.key, 'customers', 'create', { name: '无组主管的' })
      const a = await card(s.mgrA1, '无组主管看不到')
      const seen = await t.call(lone.key, 'customers', 'list', { pageSize: 500 })
      expect(seen.items.map((x) => x.id)).toEqual([own.id])
      await expectAllRefused(lone, a, 'not_found', { readCode: 'not_found' })
    })
  })

  describe('admin (all scope)', () => {
    it('sees and changes every customer, and reassigns across teams', async () => {
      const cards = [await card(s.mgrA1, '管理员甲'), await card(s.mgrB, '管理员乙')]
      const total = Number((await k()('customers').whereNull('deleted_at').count({ n: '*' }).first())!.n)
      expect((await t.call(s.admin.key, 'customers', 'list', { pageSize: 500 })).total).toBe(total)
      await expectAllAllowed(s.admin, cards[0], { reassignTo: s.mgrB })
      await expectAllAllowed(s.admin, cards[1], { reassignTo: s.mgrA2 })
    })
  })

  for (const role of ['agent', 'exec'] as const) {
    describe(`${role === 'agent' ? 'service agent' : 'executive'} (view all, no writes)`, () => {
      it('lists and reads every customer and its contacts', async () => {
        const cards = [await card(s.mgrA1, `${role}看甲`), await card(s.mgrB, `${role}看乙`)]
        const total = Number((await k()('customers').whereNull('deleted_at').count({ n: '*' }).first())!.n)
        const who = s[role]
        expect((await t.call(who.key, 'customers', 'list', { pageSize: 500 })).total).toBe(total)
        for (const c of cards) {
          expect((await t.call(who.key, 'customers', 'get', { id: c.customer.id })).id).toBe(c.customer.id)
          expect((await t.call(who.key, 'contacts', 'list', { customerId: c.customer.id })).map((x) => x.id)).toEqual([c.contact.id])
        }
      })

      it('can neither create, edit, delete nor reassign customers or contacts', async () => {
        const who = s[role]
        const c = await card(s.mgrA1, `${role}不可写`)
        const before = await snapshot()
        expectCode(await t.raw(who.key, 'customers', 'create', { name: '不该建' }), 'forbidden')
        expect(await snapshot()).toBe(before)
        await expectAllRefused(who, c, 'forbidden')
      })
    })
  }
})
