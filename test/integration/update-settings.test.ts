// 软件更新's settings in the main process, on SQLite and PostgreSQL: the update server address and
// check-on-start are an administrator's app settings stored centrally (every desktop app using
// the database reads them: readUpdateSettings), refused to others, validated (http/https only,
// no user or password in the URL); in the browser mode the update calls answer "disabled: browser".
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { readUpdateSettings } from '../../src-main/modules/system/system.service'
import { expectCode } from './customers.fixtures'

describeEachDb('update settings (系统 → 软件更新)', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  let rep: { key: string; userId: string }
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('updadmin', 'admin')
    rep = await t.userSession('updrep', 'manager')
  })
  afterAll(async () => t?.close())

  it('starts with no server (no checks) and check-on-start on', async () => {
    expect(await t.call(admin.key, 'system', 'updateSettings', {})).toEqual({ url: null, checkOnStart: true })
    expect(await readUpdateSettings(t.app)).toEqual({ url: null, checkOnStart: true })
  })

  it('an administrator sets the server; it is kept centrally and cleared again', async () => {
    const saved = await t.call(admin.key, 'system', 'saveUpdateSettings', { url: '  https://updates.example.com/crm/  ', checkOnStart: false })
    expect(saved).toEqual({ url: 'https://updates.example.com/crm/', checkOnStart: false })
    expect(await readUpdateSettings(t.app)).toEqual(saved)
    expect(await t.app.db.knex('app_settings').where('key', 'updates.url').first('value')).toEqual({ value: 'https://updates.example.com/crm/' })
    expect(await t.call(admin.key, 'system', 'saveUpdateSettings', { url: null, checkOnStart: true })).toEqual({ url: null, checkOnStart: true })
    expect(await readUpdateSettings(t.app)).toEqual({ url: null, checkOnStart: true })
  })

  it('refuses other users and addresses that are not plain http(s)', async () => {
    expectCode(await t.raw(rep.key, 'system', 'saveUpdateSettings', { url: 'https://evil.example.com/', checkOnStart: true }), 'forbidden')
    expectCode(await t.raw(rep.key, 'system', 'updateSettings', {}), 'forbidden')
    for (const url of ['ftp://updates.example.com/', 'file:///etc/', 'javascript:alert(1)', 'updates', 'https://admin:pw@updates.example.com/', `https://x.example.com/${'a'.repeat(500)}`]) {
      expectCode(await t.raw(admin.key, 'system', 'saveUpdateSettings', { url, checkOnStart: true }), 'validation')
    }
    expect(await readUpdateSettings(t.app)).toEqual({ url: null, checkOnStart: true })
  })

  it('the browser mode has no updates: every update call says so, to any logged-in user, and nobody else', async () => {
    for (const call of ['updateStatus', 'checkForUpdates', 'downloadUpdate', 'installUpdate'] as const) {
      expect(await t.call(rep.key, 'system', call, {})).toMatchObject({ status: 'disabled', reason: 'browser', version: null })
      expectCode(await t.raw('no-session', 'system', call, {}), 'unauthenticated')
    }
  })
})
