// SQL Server's driver returns uniqueidentifier upper-case while the app writes and compares
// lower-case ids: editing a follow-up date twice then left duplicate reminders and a primary-key
// violation. The database boundary lower-cases every id read (db/connection.ts). No SQL Server
// runs here: the "mssql id mode" (SQL Server's driver simulated on SQLite by the test harness)
// reads every UUID back upper-cased underneath the app's normalisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type IdMode, type TestApp, type TestDialect } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { keyId } from '../../src-main/modules/reminders/reminders.model'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { addCustomer, dictId, freezeClock, iso, makeWorld, type World } from './reminders.fixtures'

const UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('mssql id mode: the simulated SQL Server driver (SQLite)', () => {
  it('reads ids upper-cased below the app, and the app lower-cases them at the boundary', async () => {
    const read = async (ids: IdMode) => {
      const t = await makeTestApp('sqlite', { ids })
      try {
        const role = await t.app.db.knex('roles').where({ code: 'admin' }).first('id', 'code')
        const rows = await t.app.db.knex('role_permissions').where({ role_id: role.id.toLowerCase() }).select('id', 'role_id')
        const plucked = await t.app.db.knex('dict_items').limit(2).orderBy('id').pluck('id')
        const raw = await t.app.db.knex.raw('select id from roles where code = ?', ['admin'])
        return [role.id, rows[0].id, rows[0].role_id, ...plucked, raw[0].id] as string[]
      } finally {
        await t.close()
      }
    }
    for (const id of await read('driver-only')) expect(id).toMatch(UPPER)
    for (const id of await read('mssql')) expect(id).toMatch(LOWER)
    for (const id of await read('plain')) expect(id).toMatch(LOWER)
  })
})

function followUpTwice(dialect: TestDialect, ids: IdMode | undefined) {
  let t: TestApp
  let w: World
  let customerId: string
  let phone: string

  beforeAll(async () => {
    t = await makeTestApp(dialect, ids ? { ids } : {})
    freezeClock(t, '2026-03-10T02:00:00Z')
    w = await makeWorld(t)
    phone = await dictId(t, 'interaction_channel', '电话')
    customerId = await addCustomer(t, { name: '广州甲一科技有限公司', ownerId: w.mgrA1.userId, createdAt: '2026-01-01T00:00:00.000Z' })
  })
  afterAll(async () => t?.close())

  const openFollowUps = () => t.app.db.knex('reminders').where({ source: 'follow_up' }).whereNull('deleted_at').whereNull('done_at').select('id', 'source_id', 'due_at')

  it('editing a follow-up date twice leaves exactly one open system reminder', async () => {
    const rec = await t.call(w.mgrA1.key, 'interactions', 'create', {
      customerId, channelId: phone, occurredAt: '2026-03-09T10:00:00+08:00', subject: '电话沟通报价', nextFollowUpAt: '2026-03-12T10:00:00+08:00',
    })
    expect(rec.id).toMatch(LOWER)
    expect(rec.customerId).toBe(customerId)
    let version = rec.version
    for (const next of ['2026-03-13T10:00:00+08:00', '2026-03-14T10:00:00+08:00']) {
      const upd = await t.call(w.mgrA1.key, 'interactions', 'update', { id: rec.id, version, fields: { nextFollowUpAt: next } })
      version = upd.version
    }
    const open = await openFollowUps()
    expect(open).toHaveLength(1)
    expect(open[0].id).toBe(keyId(`follow_up:${rec.id}`))
    expect(open[0].source_id).toBe(rec.id)
    expect(iso(open[0].due_at)).toBe('2026-03-14T02:00:00.000Z')
    // a full evaluation afterwards agrees: nothing created, nothing to violate
    const stats = await evaluateReminders(t.app, { full: true })
    expect(stats.created).toBe(0)
    expect(await openFollowUps()).toHaveLength(1)
    const c = await t.app.db.knex('customers').where({ id: customerId }).first('next_contact_at')
    expect(iso(c.next_contact_at)).toBe('2026-03-14T02:00:00.000Z')
  })

  it('an id sent upper-case is the same id (the contract lower-cases it): still no disabling yourself', async () => {
    const self = await t.raw(w.admin.key, 'users', 'update', { id: w.admin.userId.toUpperCase(), version: await versionOf(t, 'users', w.admin.userId), disabled: true })
    expect(self).toMatchObject({ ok: false, error: { code: 'rule', key: 'users.errors.cannotDisableSelf' } })
    const row = await t.app.db.knex('users').where({ id: w.admin.userId }).first('disabled')
    expect(!!row.disabled).toBe(false)
  })
}

// in every run (also without CRM_TEST_MSSQL_IDS): the simulated SQL Server driver on SQLite
describe('follow-up edited twice [sqlite, mssql ids forced]', () => followUpTwice('sqlite', 'mssql'))
// and on each database of the run as it is
describeEachDb('follow-up edited twice', (dialect) => followUpTwice(dialect, undefined))
