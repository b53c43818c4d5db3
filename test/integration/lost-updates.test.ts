// Lost updates: every edit says which version of the row it is based on, and the UPDATE itself
// checks it (version in its WHERE), so of ten edits of one version sent at the same time exactly
// one is applied and nine answer `conflict` — on PostgreSQL too, where the ten transactions run
// side by side (a separate SELECT before an unconditional UPDATE let all ten through). And an
// edit based on a version that is no longer the stored one is refused and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { addContact, addCustomer, dictId, errorOf, freezeClock, makeWorld, type World } from './reminders.fixtures'

/** Exactly one of the results is ok; every other one is a conflict. */
function oneWinner(results: Array<ApiResult<unknown>>) {
  const codes = results.map((r) => (r.ok ? 'ok' : r.error.code))
  expect(codes.filter((c) => c === 'ok')).toHaveLength(1)
  expect(codes.filter((c) => c === 'conflict')).toHaveLength(results.length - 1)
}

const ten = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 10 }, (_, i) => fn(i)))

describeEachDb('lost updates', (dialect) => {
  let t: TestApp
  let w: World
  let phone: string
  let cust: string
  let contact: string

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    cust = await addCustomer(t, { name: '并发测试客户', ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
    contact = await addContact(t, cust, '王经理')
  })
  afterAll(async () => t?.close())

  const newRecord = () =>
    t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId: cust, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '电话沟通', nextFollowUpAt: '2026-03-12T10:00:00+08:00',
      promises: [{ content: '周五前报价', dueDate: '2026-03-13' }],
    })
  const newReminder = () => t.call(w.mgrA1.key, 'reminders', 'create', { title: '回电', dueAt: '2026-03-11T10:00:00+08:00', customerId: cust })

  describe('ten parallel edits of one version: one applied, nine conflict', () => {
    it('interactions.update', async () => {
      const rec = await newRecord()
      oneWinner(await ten((i) => t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version, fields: { subject: `第${i}次修改` } })))
      const after = await t.call(w.mgrA1.key, 'interactions', 'get', { id: rec.id })
      expect(after.version).toBeGreaterThan(rec.version)
      // the one applied edit is the one audited
      const audited = await t.app.db.knex('audit_log').where({ entity: 'interaction', entity_id: rec.id, action: 'update' })
      expect(audited).toHaveLength(1)
    })

    it('customers.update', async () => {
      const c = await t.call(w.mgrA1.key, 'customers', 'get', { id: cust })
      oneWinner(await ten((i) => t.raw(w.mgrA1.key, 'customers', 'update', { id: cust, version: c.version, fields: { notes: `备注${i}` } })))
      const audited = await t.app.db.knex('audit_log').where({ entity: 'customer', entity_id: cust, action: 'update' })
      expect(audited).toHaveLength(1)
    })

    it('contacts.update', async () => {
      const [ct] = await t.call(w.mgrA1.key, 'contacts', 'list', { customerId: cust })
      expect(ct.id).toBe(contact)
      oneWinner(await ten((i) => t.raw(w.mgrA1.key, 'contacts', 'update', { id: contact, version: ct.version, fields: { title: `职务${i}` } })))
    })

    it('reminders.update, snooze and done', async () => {
      const r = await newReminder()
      oneWinner(await ten((i) => t.raw(w.mgrA1.key, 'reminders', 'update', { id: r.id, version: r.version, fields: { title: `回电${i}` } })))
      const s = await t.call(w.mgrA1.key, 'reminders', 'get', { id: r.id })
      oneWinner(await ten(() => t.raw(w.mgrA1.key, 'reminders', 'snooze', { id: r.id, version: s.version, preset: '1h' })))
      const d = await t.call(w.mgrA1.key, 'reminders', 'get', { id: r.id })
      oneWinner(await ten(() => t.raw(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: d.version })))
    })

    it('users.update', async () => {
      const [user] = (await t.call(w.admin.key, 'users', 'list', { search: 'mgra2' })).items
      oneWinner(await ten((i) => t.raw(w.admin.key, 'users', 'update', { id: user.id, version: user.version, phone: `1380000000${i}` })))
    })

    it('roles.save', async () => {
      const role = await t.call(w.admin.key, 'roles', 'save', { code: 'assistant', name: '助理', permissions: [{ module: 'customers', actions: ['view'], scope: 'own' }] })
      oneWinner(await ten((i) => t.raw(w.admin.key, 'roles', 'save', { id: role.id, version: role.version, name: `助理${i}`, permissions: [] })))
    })

    it('users.saveTeam', async () => {
      const team = await t.call(w.admin.key, 'users', 'saveTeam', { name: '并发组' })
      oneWinner(await ten((i) => t.raw(w.admin.key, 'users', 'saveTeam', { id: team.id, version: team.version, name: `并发组${i}` })))
    })

    it('dictionary.save', async () => {
      const item = await t.call(w.admin.key, 'dictionary', 'save', { typeCode: 'region', label: '并发测试区' })
      oneWinner(await ten((i) => t.raw(w.admin.key, 'dictionary', 'save', { id: item.id, version: item.version, typeCode: 'region', label: `并发测试区${i}` })))
    })
  })

  describe('an edit based on an old version is refused and writes nothing', () => {
    /** Calls with the stale input, expects conflict, and the row's version unchanged. */
    async function refused(table: string, id: string, send: () => Promise<ApiResult<unknown>>) {
      const before = await versionOf(t, table, id)
      expect(errorOf(await send()).code).toBe('conflict')
      expect(await versionOf(t, table, id)).toBe(before)
    }

    it('customers and contacts', async () => {
      const c = await t.call(w.mgrA1.key, 'customers', 'get', { id: cust })
      await t.call(w.mgrA1.key, 'customers', 'update', { id: cust, version: c.version, fields: { phone: '020-22345678' } })
      await refused('customers', cust, () => t.raw(w.mgrA1.key, 'customers', 'update', { id: cust, version: c.version, fields: { phone: '020-87654321' } }))
      const second = await t.call(w.mgrA1.key, 'contacts', 'create', { customerId: cust, fields: { name: '李助理' } })
      await t.call(w.mgrA1.key, 'contacts', 'update', { id: second.id, version: second.version, fields: { mobile: '13900000000' } })
      await refused('contacts', second.id, () => t.raw(w.mgrA1.key, 'contacts', 'update', { id: second.id, version: second.version, fields: { mobile: '13911111111' } }))
      await refused('contacts', second.id, () => t.raw(w.mgrA1.key, 'contacts', 'setPrimary', { id: second.id, version: second.version }))
      expect((await t.call(w.mgrA1.key, 'contacts', 'list', { customerId: cust })).find((x) => x.id === second.id)?.isPrimary).toBe(false)
    })

    it('interactions and their promises', async () => {
      const rec = await newRecord()
      await t.call(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version, fields: { outcome: '同意报价' } })
      await refused('interactions', rec.id, () => t.raw(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version: rec.version, fields: { outcome: '拒绝' } }))
      const [p] = rec.promises
      const kept = await t.call(w.mgrA1.key, 'interactions', 'keepPromise', { id: p.id, version: p.version })
      await refused('interaction_promises', p.id, () => t.raw(w.mgrA1.key, 'interactions', 'unkeepPromise', { id: p.id, version: p.version }))
      expect((await t.call(w.mgrA1.key, 'interactions', 'unkeepPromise', { id: p.id, version: kept.version })).keptAt).toBeNull()
    })

    it('reminders: update, snooze, done and reopen', async () => {
      const r = await newReminder()
      const edited = await t.call(w.mgrA1.key, 'reminders', 'update', { id: r.id, version: r.version, fields: { notes: '带上报价单' } })
      await refused('reminders', r.id, () => t.raw(w.mgrA1.key, 'reminders', 'update', { id: r.id, version: r.version, fields: { title: '旧' } }))
      await refused('reminders', r.id, () => t.raw(w.mgrA1.key, 'reminders', 'snooze', { id: r.id, version: r.version, preset: '1h' }))
      await refused('reminders', r.id, () => t.raw(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: r.version }))
      const done = await t.call(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: edited.version })
      await refused('reminders', r.id, () => t.raw(w.mgrA1.key, 'reminders', 'reopen', { id: r.id, version: edited.version }))
      expect((await t.call(w.mgrA1.key, 'reminders', 'reopen', { id: r.id, version: done.reminder.version })).doneAt).toBeNull()
      // the system changed it meanwhile (a due notification claimed it): the user's stale done is refused too
      const seen = await t.call(w.mgrA1.key, 'reminders', 'get', { id: r.id })
      t.clock.setNow(new Date('2026-03-11T02:30:00Z'))
      expect((await t.call(w.mgrA1.key, 'reminders', 'due', {})).items.map((x) => x.id)).toContain(r.id)
      await refused('reminders', r.id, () => t.raw(w.mgrA1.key, 'reminders', 'done', { id: r.id, version: seen.version }))
      t.clock.setNow(new Date('2026-03-10T02:00:00Z'))
    })

    it('users, roles, teams and dictionary items', async () => {
      const [user] = (await t.call(w.admin.key, 'users', 'list', { search: 'mgrb' })).items
      await t.call(w.admin.key, 'users', 'update', { id: user.id, version: user.version, email: 'b@example.com' })
      await refused('users', user.id, () => t.raw(w.admin.key, 'users', 'update', { id: user.id, version: user.version, email: 'old@example.com' }))
      const role = await t.call(w.admin.key, 'roles', 'save', { code: 'stale_role', name: '旧角色', permissions: [] })
      await t.call(w.admin.key, 'roles', 'save', { id: role.id, version: role.version, name: '新角色', permissions: [] })
      await refused('roles', role.id, () => t.raw(w.admin.key, 'roles', 'save', { id: role.id, version: role.version, name: '旧角色', permissions: [] }))
      const team = await t.call(w.admin.key, 'users', 'saveTeam', { name: '旧组名' })
      await t.call(w.admin.key, 'users', 'saveTeam', { id: team.id, version: team.version, name: '新组名' })
      await refused('teams', team.id, () => t.raw(w.admin.key, 'users', 'saveTeam', { id: team.id, version: team.version, name: '旧组名' }))
      const item = await t.call(w.admin.key, 'dictionary', 'save', { typeCode: 'region', label: '旧版本测试区' })
      await t.call(w.admin.key, 'dictionary', 'save', { id: item.id, version: item.version, typeCode: 'region', label: '新版本测试区' })
      await refused('dict_items', item.id, () => t.raw(w.admin.key, 'dictionary', 'save', { id: item.id, version: item.version, typeCode: 'region', label: '旧版本测试区' }))
    })

    it('an edit without the version it is based on is a validation error', async () => {
      const r = await newReminder()
      for (const [area, call, input] of [
        ['customers', 'update', { id: cust, fields: { notes: 'x' } }],
        ['contacts', 'update', { id: contact, fields: { title: 'x' } }],
        ['contacts', 'setPrimary', { id: contact }],
        ['interactions', 'update', { id: r.id, fields: { subject: 'x' } }],
        ['interactions', 'keepPromise', { id: r.id }],
        ['reminders', 'update', { id: r.id, fields: { title: 'x' } }],
        ['reminders', 'snooze', { id: r.id, preset: '1h' }],
        ['reminders', 'done', { id: r.id }],
        ['reminders', 'reopen', { id: r.id }],
        ['users', 'update', { id: w.mgrB.userId, name: 'x' }],
        ['users', 'saveTeam', { id: w.teamA, name: 'x' }],
        ['roles', 'save', { id: r.id, name: 'x', permissions: [] }],
        ['dictionary', 'save', { id: phone, typeCode: 'interaction_channel', label: 'x' }],
      ] as const) {
        const e = errorOf(await t.raw(w.admin.key, area, call, input))
        expect(e.code, `${area}.${call}`).toBe('validation')
        expect(e.issues?.map((i) => i.field), `${area}.${call}`).toContain('version')
      }
    })
  })
})
