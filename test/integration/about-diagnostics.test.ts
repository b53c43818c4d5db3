// Issue 14 item 4: the About dialog shows the version, the database kind and the data folder;
// 复制诊断信息 gives support plain text with no secrets in it — the database's location only to
// those who may view the settings (never its password), the log's last lines only to them, a
// password written into the log redacted. The desktop shell's part (putting the text on the
// clipboard) is unit-tested with Electron mocked in test/unit/desktop-shell.test.ts. Real databases.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, PG_URL, type TestApp } from '../helpers/test-app'
import { APP_VERSION } from '../../src-main/modules/auth/auth.service'
import { logFileOf } from '../../src-main/shared/log-file'

describeEachDb('About and 复制诊断信息', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  let rep: { key: string; userId: string }
  const pgPassword = dialect === 'postgres' ? decodeURIComponent(new URL(PG_URL).password) : ''
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('about_admin', 'admin')
    rep = await t.userSession('about_rep', 'manager')
    // a log line with secrets in it (as a failed connection might have written it)
    const log = logFileOf(t.app.dataDir)
    fs.mkdirSync(path.dirname(log), { recursive: true })
    fs.appendFileSync(log, '2026-12-06T20:00:00.000Z ERROR connect failed postgres://crm:hunter2-secret@db.example:5432/crm password=hunter2-secret\n')
    fs.appendFileSync(log, '2026-12-06T20:00:01.000Z INFO the last line before the copy\n')
  }, 60_000)
  afterAll(async () => t?.close())

  it('shows the version, the database kind and the data folder; where the database is only to those who may view the settings', async () => {
    const a = await t.call(admin.key, 'system', 'about', {})
    expect(a.version).toBe(APP_VERSION)
    expect(a.dialect).toBe(dialect)
    expect(a.dataDir).toBe(t.app.dataDir)
    expect(a.runtime.node).toBe(process.versions.node)
    expect(a.dbDescription).toBeTruthy()
    if (dialect === 'sqlite') expect(a.dbDescription).toContain('crm.sqlite')
    else expect(a.dbDescription).not.toContain(pgPassword ? `:${pgPassword}@` : '\u0000')
    const r = await t.call(rep.key, 'system', 'about', {})
    expect(r).toMatchObject({ version: APP_VERSION, dialect, dataDir: t.app.dataDir, dbDescription: null })
  })

  it('复制诊断信息: versions, database kind and data folder; the log tail for administrators, redacted; no password anywhere', async () => {
    const d = await t.call(admin.key, 'system', 'diagnostics', {})
    expect(d.copied).toBe(false) // the desktop shell copies it; the browser mode lets the page do it
    expect(d.text).toContain(`客户关系管理 (CRM) ${APP_VERSION}`)
    expect(d.text).toContain(`database: ${dialect}`)
    expect(d.text).toContain(`data folder: ${t.app.dataDir}`)
    expect(d.text).toContain('the last line before the copy')
    expect(d.text).toContain('connect failed')
    expect(d.text).not.toContain('hunter2-secret')
    if (pgPassword) expect(d.text).not.toContain(`:${pgPassword}@`)
    const r = await t.call(rep.key, 'system', 'diagnostics', {})
    expect(r.text).toContain(`data folder: ${t.app.dataDir}`)
    expect(r.text).toContain(`database: ${dialect}\n`.trimEnd())
    expect(r.text).not.toContain('connect failed') // no log lines for a user who may not view the settings
    expect(r.text).not.toMatch(/crm\.sqlite|127\.0\.0\.1/) // nor where the database is
  })

  it('needs a session', async () => {
    const r = await t.raw('nobody', 'system', 'about', {})
    expect(r.ok).toBe(false)
  })
})
