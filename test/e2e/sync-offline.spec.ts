// 离线同步 end to end: Chromium against `crm serve --client-dir` (a desktop client: the offline cache
// in a folder, the same code the desktop app runs) with a real PostgreSQL central database that
// this spec stops and starts — a throwaway cluster (test/helpers/pg-cluster.ts: 15/crmsync on
// port 5439, created when missing), never the shared one. A rep goes offline, records a visit and
// edits a customer, sees 离线 and the pending count; the central database comes back, the client
// pushes by itself; the field also edited centrally is a 冲突 in 同步详情, and the rep's choice
// reaches the central row. Fails (never skips) in CI when the cluster cannot be managed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { centralSql, clusterUnavailable, ensureCluster, PG_URL, startCluster, stopCluster } from '../helpers/pg-cluster'
import { login } from './helpers'

const ROOT = process.cwd() // playwright runs from the project root (playwright.config.ts)
const WORK = path.join(ROOT, 'out', 'e2e-sync-client')
const REP = { login: 'e2esyncrep', name: '外勤小李', password: 'Rep-pass-2026' }
const CUSTOMER = '离线同步精密机械有限公司'
const VISIT = '离线拜访：现场确认二期设备安装位置'
const PLACE = '客户东莞工厂二号车间'
const SHOT = (name: string) => `test/e2e/screenshots/${name}.png`
const REMINDERS = ['离线批量提醒：回访东莞工厂', '离线批量提醒：寄送二期报价']

let server: ChildProcess | null = null
let baseUrl = ''
let serverLog = ''

function crm(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], {
    cwd: ROOT, env: { ...process.env, CRM_QUIET: '1', CRM_PASSWORD: '', ...env }, input: '', encoding: 'utf8', timeout: 180_000,
  })
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')} failed: ${r.stderr}${r.stdout}`)
  return r.stdout
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })

async function startClient(port: number) {
  server = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/cli/crm.ts', 'serve', '--port', String(port), '--client-dir', path.join(WORK, 'client'), '--as', REP.login, '--db', PG_URL, '--data', path.join(WORK, 'central')],
    { cwd: ROOT, env: { ...process.env, CRM_QUIET: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  server.stdout!.on('data', (d) => (serverLog += String(d)))
  server.stderr!.on('data', (d) => (serverLog += String(d)))
  const until = Date.now() + 240_000
  while (!serverLog.includes('CRM running at')) {
    if (server.exitCode !== null) throw new Error(`crm serve --client-dir exited: ${serverLog}`)
    if (Date.now() > until) throw new Error(`crm serve --client-dir did not start: ${serverLog}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** The central row of the customer (read straight from PostgreSQL). */
const centralShortName = () => centralSql(`select coalesce(short_name, '') from customers where name = '${CUSTOMER}' and deleted_at is null`)
const centralVisits = () => Number(centralSql(`select count(*) from interactions where subject = '${VISIT}' and deleted_at is null`))
/** how many of the two reminders are snoozed centrally */
const centralSnoozed = () => Number(centralSql(`select count(*) from reminders where title in ('${REMINDERS.join("', '")}') and snoozed_until is not null and deleted_at is null`))

async function expectMode(page: Page, text: string, timeout = 30_000) {
  await expect(page.getByTestId('sync-mode')).toHaveText(text, { timeout })
}

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(420_000)
  const why = clusterUnavailable()
  if (why) {
    if (process.env.CI === 'true') throw new Error(`the offline-sync e2e needs its own PostgreSQL cluster: ${why}`)
    test.skip(true, why)
  }
  ensureCluster({ freshDb: true })
  fs.rmSync(WORK, { recursive: true, force: true })
  fs.mkdirSync(WORK, { recursive: true })
  // the central database: migrated by `crm user add`, with the rep (a 客户经理 sees own customers)
  crm(['user', 'add', '--login', REP.login, '--name', REP.name, '--role', 'manager', '--db', PG_URL, '--data', path.join(WORK, 'central')], { CRM_PASSWORD: REP.password })
  const port = await freePort()
  baseUrl = `http://127.0.0.1:${port}`
  await startClient(port)
})

test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await page.screenshot({ path: path.join(WORK, 'failure.png') }).catch(() => null)
})

test.afterAll(async () => {
  fs.writeFileSync(path.join(WORK, 'server.log'), serverLog)
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((r) => server!.once('exit', r))
  }
  if (!clusterUnavailable()) stopCluster() // back to how it was found: not running
})

test('a rep works offline; back online the client syncs by itself; a conflict is resolved and reaches the central row', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto(baseUrl + '/')
  await expect(page.getByTestId('login-form')).toBeVisible()
  await login(page, REP.login, REP.password)
  await expect(page.getByTestId('current-user-name')).toHaveText(REP.name)

  // ---- online: the status item; the sync interval set on 同步详情 (a long one: syncs come on demand here)
  await expectMode(page, '在线')
  await expect(page.getByTestId('sync-pending-none')).toHaveText('已全部同步')
  await page.getByTestId('sync-status-open').click()
  await expect(page.getByTestId('sync-details')).toBeVisible()
  await expect(page.getByTestId('sync-runs-table')).toContainText('成功') // the first fill at start
  await page.getByTestId('sync-interval').locator('input').fill('3600')
  await page.getByTestId('sync-interval-save').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '同步间隔已保存' }).first()).toBeVisible()

  // the central database's version counter ahead of the cache's own (as on any central database in
  // use): a customer version the card keeps from before a local write can then never match by
  // chance — the offline edit after a visit below must be based on the version the visit left
  centralSql('update sync_version set version = version + 100 where id = 1')

  // ---- two reminders made on the client (待办中心, due tomorrow by default), pushed right after
  await page.getByTestId('menu-reminders').click()
  await expect(page.getByTestId('reminder-centre')).toBeVisible()
  for (const title of REMINDERS) {
    await page.getByTestId('reminder-new').click()
    const form = page.getByTestId('reminder-form-dialog')
    await expect(form).toBeVisible()
    const input = form.getByTestId('reminder-title-input')
    await expect(input).toBeEditable()
    await input.fill(title)
    await expect(input).toHaveValue(title)
    await form.getByTestId('reminder-form-save').click()
    await expect(form).toBeHidden()
  }
  await expect.poll(() => Number(centralSql(`select count(*) from reminders where title in ('${REMINDERS.join("', '")}')`)), { timeout: 20_000 }).toBe(2)
  await expect(page.getByTestId('sync-pending-none')).toBeVisible({ timeout: 20_000 })

  // ---- a customer created on the client, pushed right after (online)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill(CUSTOMER)
  await page.getByTestId('customer-shortName').fill('精机')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await expect.poll(centralShortName, { timeout: 20_000 }).toBe('精机')
  await expect(page.getByTestId('sync-pending-none')).toBeVisible({ timeout: 20_000 })

  // ---- meanwhile someone changes the short name centrally (the client has not pulled it: no sync due)
  centralSql(
    `with v as (update sync_version set version = version + 1 where id = 1 returning version) update customers set short_name = '中央精机', version = (select version from v) where name = '${CUSTOMER}'`,
  )

  // ---- the central database stops: 立即同步 finds it gone, quickly, and the client goes offline
  stopCluster()
  const asked = Date.now()
  await page.getByTestId('sync-now').click()
  await expectMode(page, '离线', 20_000)
  expect(Date.now() - asked).toBeLessThan(15_000) // no hanging request
  await expect(page.locator('.el-message--warning').filter({ hasText: '仍无法连接' }).first()).toBeVisible()
  // what needs the central database is disabled, with the reason
  await expect(page.getByTestId('menu-orders')).toHaveClass(/is-disabled/)
  await expect(page.getByTestId('menu-orders')).toHaveAttribute('title', /需要连接中央数据库/)
  await expect(page.getByTestId('menu-customers')).not.toHaveClass(/is-disabled/)
  await expect(page.getByTestId('menu-opportunities')).not.toHaveClass(/is-disabled/) // the open ones are cached

  // ---- offline: a visit and a customer edit, from and into the cache
  await page.getByTestId('customer-tab-interactions').click()
  await page.getByTestId('interaction-add-visit').click()
  const dialog = page.getByTestId('interaction-form-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('interaction-place').fill('客户东莞工厂')
  await page.getByTestId('interaction-subject').fill(VISIT)
  await page.getByTestId('interaction-form-save').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('interaction-entry')).toHaveCount(1)
  await expect(page.getByTestId('sync-pending')).toHaveText('待同步 1 条')

  await page.getByTestId('customer-edit').click()
  await page.getByTestId('customer-shortName').fill('离线精机')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-form-dialog')).toBeHidden()
  await expect(page.getByTestId('sync-pending')).toHaveText('待同步 2 条')
  await expectMode(page, '离线')
  // the visit edited offline too (an offline operation, like the record itself)
  await page.getByTestId('interaction-edit').click()
  const editDialog = page.getByTestId('interaction-form-dialog').filter({ hasText: '编辑交往记录' })
  await expect(editDialog).toBeVisible()
  await editDialog.getByTestId('interaction-place').fill(PLACE)
  await editDialog.getByTestId('interaction-form-save').click()
  await expect(editDialog).toBeHidden()
  // where the "交往记录已更新" message stands (top centre): the sync tooltip below must leave it free
  const saved = page.locator('.el-message').filter({ hasText: '交往记录已更新' }).first()
  await expect(saved).toBeVisible()
  const savedBox = (await saved.boundingBox())!
  await expect(page.getByTestId('sync-pending')).toHaveText('待同步 3 条')
  // the card's tabs only the central database has are disabled, with the reason
  await expect(page.locator('#tab-orders')).toHaveClass(/is-disabled/)
  await expect(page.locator('#tab-history')).toHaveClass(/is-disabled/)
  await expect(page.locator('#tab-interactions')).not.toHaveClass(/is-disabled/)
  await page.getByTestId('customer-tab-history').hover()
  // (by its text: another tooltip may still be fading out, e.g. the sync status's)
  await expect(page.locator('.el-popper:visible').filter({ hasText: '需要连接中央数据库' }).first()).toBeVisible()
  const assign = page.getByTestId('needs-central')
  if (await assign.count()) await expect(assign.first().locator('button')).toBeDisabled()
  await page.getByTestId('sync-status-open').hover()
  const syncTip = page.locator('.sync-tooltip')
  await expect(syncTip).toContainText('正在使用本机缓存')
  await expect(syncTip).toHaveCSS('opacity', '1') // shown, not mid-fade
  // the tooltip leaves the page's header buttons free (right below the item it lay over 编辑 / 记录交往),
  // the page title and the "交往记录已更新" message (to the left it lay over both)
  const tip = (await syncTip.boundingBox())!
  const apart = (name: string, b: { x: number; y: number; width: number; height: number } | null) => {
    if (!b) return
    const free = tip.x + tip.width <= b.x || b.x + b.width <= tip.x || tip.y + tip.height <= b.y || b.y + b.height <= tip.y
    expect(free, `the sync tooltip ${JSON.stringify(tip)} overlaps ${name} ${JSON.stringify(b)}`).toBe(true)
  }
  for (const id of ['customer-quick-add', 'customer-edit', 'customer-release', 'customer-delete']) apart(id, await page.getByTestId(id).boundingBox())
  const title = (await page.getByTestId('page-title').boundingBox())!
  apart('the page title', title)
  apart('the 交往记录已更新 message', savedBox)
  expect(tip.y, 'the sync tooltip opens below the page header').toBeGreaterThanOrEqual(title.y + title.height)
  await page.screenshot({ path: SHOT('sync-offline-zh') })

  // ---- 待办中心 offline: 批量稍后提醒 goes to the outbox (one entry per reminder); 刷新 (the
  // system reminders' check) needs the central database and is disabled with the reason
  await page.getByTestId('menu-reminders').click()
  await expect(page.getByTestId('reminder-centre')).toBeVisible()
  await expect(page.getByTestId('reminder-refresh')).toBeDisabled()
  await page.getByTestId('reminder-refresh').locator('xpath=..').hover()
  // (by its text: another tooltip may still be fading out, e.g. the sync status's)
  await expect(page.locator('.el-popper:visible').filter({ hasText: '需要连接中央数据库' }).first()).toBeVisible()
  await page.getByTestId('reminder-tab-upcoming').click()
  const table = page.getByTestId('reminder-table')
  for (const title of REMINDERS) {
    const row = table.locator('.reminder-row').filter({ hasText: title })
    await expect(row).toHaveCount(1)
    await row.locator('.el-checkbox').click()
  }
  await expect(page.getByTestId('reminder-bulk')).toContainText('已选 2')
  await page.getByTestId('reminder-bulk-snooze').click()
  await page.locator('[data-testid="snooze-tomorrow"]:visible').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已推迟 2 项' }).first()).toBeVisible()
  await expect(page.getByTestId('sync-pending')).toHaveText('待同步 5 条')
  await expectMode(page, '离线')
  await page.screenshot({ path: SHOT('sync-offline-reminders-zh') })

  // ---- the central database is back: the retry timer pushes by itself (no click), then pulls
  startCluster()
  await expect(page.getByTestId('sync-pending-none')).toBeVisible({ timeout: 45_000 })
  await expectMode(page, '在线')
  await expect(page.getByTestId('sync-conflicts')).toHaveText('冲突 1')
  expect(centralVisits()).toBe(1) // the visit arrived, once
  expect(centralSql(`select place from interactions where subject = '${VISIT}' and deleted_at is null`)).toBe(PLACE) // and its offline edit
  expect(centralShortName()).toBe('中央精机') // the conflicting field waits for the rep
  expect(centralSnoozed()).toBe(2) // the bulk snooze arrived, each reminder once
  expect(Number(centralSql(`select count(*) from sync_mutation_results where operation = 'reminders.snooze'`))).toBe(2)

  // ---- 同步详情: the run, the conflict side by side; the rep keeps the offline value
  await page.getByTestId('sync-status-open').click()
  const runs = page.getByTestId('sync-runs-table')
  await expect(runs.locator('tbody tr').first()).toContainText('成功')
  await expect(runs).toContainText('中央数据库无法连接')
  const conflicts = page.getByTestId('sync-conflicts-table')
  await expect(conflicts).toContainText(CUSTOMER)
  await expect(conflicts.getByTestId('conflict-row-local')).toHaveText('离线精机')
  await expect(conflicts.getByTestId('conflict-row-central')).toHaveText('中央精机')
  await conflicts.getByTestId('conflict-resolve').click()
  const cd = page.getByTestId('conflict-dialog')
  await expect(cd).toBeVisible()
  await expect(cd.getByTestId('conflict-local-value')).toHaveText('离线精机')
  await expect(cd.getByTestId('conflict-central-value')).toHaveText('中央精机')
  await expect(cd.getByTestId('conflict-what')).toContainText('简称')
  await page.screenshot({ path: SHOT('sync-conflict-zh') })
  await cd.getByTestId('conflict-keep-local').click()
  await cd.getByTestId('conflict-apply').click()
  await expect(cd).toBeHidden()
  await expect(conflicts).toContainText('没有冲突')
  // the choice is an offline edit: pushed by itself, and it sticks centrally
  await expect.poll(centralShortName, { timeout: 30_000 }).toBe('离线精机')
  await expect(page.getByTestId('sync-pending-none')).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('sync-conflicts')).toHaveCount(0)
  await expect(runs.locator('tbody tr').first()).toContainText('成功')
  await runs.scrollIntoViewIfNeeded()
  await page.screenshot({ path: SHOT('sync-details-zh') })

  // ---- a colleague's central edit reaches the open card with the next sync; an edit based on what
  // the card then shows is no 数据冲突 (the pull gave the cached customer a newer version)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-name-link').filter({ hasText: CUSTOMER }).click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  centralSql(
    `with v as (update sync_version set version = version + 1 where id = 1 returning version) update customers set website = 'www.jingji.example', version = (select version from v) where name = '${CUSTOMER}'`,
  )
  await page.getByTestId('sync-now').click()
  await expect(page.getByTestId('customer-card')).toContainText('www.jingji.example', { timeout: 20_000 })
  await page.getByTestId('customer-edit').click()
  await page.getByTestId('customer-shortName').fill('精机二厂')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-form-dialog')).toBeHidden()
  await expect.poll(centralShortName, { timeout: 30_000 }).toBe('精机二厂')
  await page.getByTestId('sync-status-open').click()
  await expect(page.getByTestId('sync-details')).toBeVisible()

  // ---- en-US: offline again, as the details page shows it
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-en-US').click()
  stopCluster()
  await page.getByTestId('sync-details-now').click()
  await expectMode(page, 'Offline', 20_000)
  await expect(page.getByTestId('sync-details')).toContainText('Offline: the central database cannot be reached')
  await page.screenshot({ path: SHOT('sync-details-offline-en'), fullPage: true })
  startCluster()
  await page.getByTestId('sync-details-now').click()
  await expectMode(page, 'Online', 30_000)
  await expect(page.getByTestId('sync-pending-none')).toHaveText('All synced')
  await page.screenshot({ path: SHOT('sync-details-en') })
})
