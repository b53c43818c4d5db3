// Issue 10 end to end (zh-CN, Asia/Shanghai), each test as a 销售主管 of its own team (who holds 批准):
// 1) a 客户需求单 goes 接收 → 整理 → 评议 by two departments (质量部, 生产部) → 报告 → 批准 → a
//    需求变更 of the planned finish with its reason → 客户确认, and shows in the 需求追踪矩阵 late by
//    its days (highlighted) and exports to .xlsx;
// 2) a 销售主管 makes a customer (现有代理) that never orders: the server
//    clock moves 200 days on, 立即检查 (over the team's customers only) opens exactly its 流失预警,
//    the card shows the banner, a 暂缓措施 is recorded (暂缓流失), then 确认流失 with a 流失原因:
//    the customer is 已流失 and its category 流失代理.
// Makes all of its own data (the other specs share the database: own login and team, so the
// check touches none of their customers); screenshots of the sheet, the matrix and the churn list.
import fs from 'node:fs'
import ExcelJS from 'exceljs'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { adminSession, api, confirmBox, login, logout, pick, roleIds } from './helpers'

const REQ_CUSTOMER = '杭州恒泰精密机械有限公司'
const CHURN_CUSTOMER = '成都锦程贸易有限公司'
const WORK = '为新产线定制非标夹具 20 套'
const DAY = 86_400_000
const SUP_PASSWORD = 'Supervisor123'
/** One team and 销售主管 per test, so the churn check of one never counts the other's customer. */
const REQ_SUP = { login: 'ret_xuqiu_zhuguan', name: '钱主管', team: '西南需求组' }
const CHURN_SUP = { login: 'ret_liushi_zhuguan', name: '孙主管', team: '西南客户维系组' }

/** Calls the API with the page's session and bridge token (set-up only). */

/**
 * YYYY-MM-DD `days` from the app's today: the calendar of its time zone setting (unset: the
 * server machine's zone), which the delays and the "not in the future" checks count by. The
 * browser runs in Asia/Shanghai; a server in UTC is a day behind it from 16:00 to 24:00 UTC.
 */
async function appCalendar(page: Page) {
  const { timeZone } = await api<{ timeZone: string }>(page, 'reminders', 'getSettings', {})
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  return (days: number) => fmt.format(new Date(Date.now() + days * DAY))
}

/**
 * A team of its own and its 销售主管, made by the administrator on a second page (which stays
 * open, for the clock), then `page` logged in as that supervisor.
 */
async function supervisorSession(page: Page, browser: Browser, who: { login: string; name: string; team: string }): Promise<Page> {
  const admin = await (await browser.newContext()).newPage()
  await adminSession(admin)
  const team = await api<{ id: string }>(admin, 'users', 'saveTeam', { name: who.team })
  const supervisor = (await roleIds(admin))('supervisor')
  await api(admin, 'users', 'create', { login: who.login, name: who.name, password: SUP_PASSWORD, roleId: supervisor, teamId: team.id })
  await page.goto('/')
  await login(page, who.login, SUP_PASSWORD)
  await expect(page.getByTestId('current-user-name')).toHaveText(who.name)
  return admin
}

async function setClock(page: Page, now: Date | null) {
  const token = await page.locator('meta[name="crm-bridge-token"]').getAttribute('content')
  const res = await page.request.post('/api/settings/setClock', { headers: { 'X-CRM-Token': token ?? '' }, data: { now: now ? now.toISOString() : null } })
  expect(await res.json()).toMatchObject({ ok: true })
}

async function createCustomer(page: Page, name: string, category?: string) {
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill(name)
  if (category) await pick(page, 'customer-categoryId', category)
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText(name)
}

/** Types a date into the requirement form's date field with that label. */
async function setDate(page: Page, label: string, ymd: string) {
  const input = page.getByTestId('requirement-form-dialog').getByRole('combobox', { name: label, exact: true })
  await input.click()
  await input.fill(ymd)
  await input.press('Enter')
}

/** A flow step that opens the step dialog; `fill` types its input, then it is submitted. */
async function step(page: Page, action: string, fill: () => Promise<void> = async () => {}) {
  await page.getByTestId(`requirement-action-${action}`).click()
  const dialog = page.getByTestId('requirement-step-dialog')
  await expect(dialog).toBeVisible()
  await fill()
  await dialog.getByTestId('step-save').click()
  await expect(dialog).toBeHidden()
}

test('a requirement: two departments review, approval, a change with its reason, customer confirmation; late in the matrix', async ({ page, browser }) => {
  test.setTimeout(180_000)
  // the spec's own 销售主管: creates, steps and approves (requirements.approve over the team)
  const admin = await supervisorSession(page, browser, REQ_SUP)
  await admin.context().close()
  const appDate = await appCalendar(page)
  await createCustomer(page, REQ_CUSTOMER)

  // ---- 新建需求单: the form checks before sending --------------------------------------------
  await page.getByTestId('menu-requirements').click()
  await expect(page.getByTestId('requirement-list')).toBeVisible()
  await expect(page.getByTestId('requirement-table')).toContainText('还没有客户需求单')
  await page.getByTestId('requirement-new').click()
  const form = page.getByTestId('requirement-form-dialog')
  await page.getByTestId('requirement-form-save').click()
  await expect(form).toContainText('请选择客户')
  await expect(form).toContainText('请输入工作内容')
  await page.getByTestId('requirement-customer').click()
  await page.keyboard.type('恒泰')
  await page.getByRole('option', { name: new RegExp(REQ_CUSTOMER) }).click()
  await page.getByTestId('requirement-customerOwner').fill('王采购')
  await page.getByTestId('requirement-workContent').fill(WORK)
  await page.getByTestId('requirement-requirements').fill('定位精度 ±0.02mm，换型时间不超过 10 分钟')
  await page.getByTestId('requirement-priority-high').click()
  await setDate(page, '计划开始', appDate(-30))
  await setDate(page, '计划完成', appDate(-12))
  await page.getByTestId('requirement-form-save').click()
  await expect(form).toBeHidden()

  const sheet = page.getByTestId('requirement-sheet')
  await expect(sheet).toBeVisible()
  const code = (await page.getByTestId('page-title').textContent())!.trim()
  expect(code).toMatch(/^XQ-\d{4}-\d{6}$/)
  await expect(page.getByTestId('requirement-status')).toHaveText('已接收')

  // ---- 整理 → 评议 by 质量部 and 生产部 ---------------------------------------------------------
  await page.getByTestId('requirement-action-organise').click()
  await expect(page.getByTestId('requirement-status')).toHaveText('整理中')
  await step(page, 'startReview', async () => {
    await page.getByTestId('step-department-采购部').click() // all three are offered: only two are asked
  })
  await expect(page.getByTestId('requirement-status')).toHaveText('评议中')
  const reviews = page.getByTestId('requirement-reviews')
  await expect(reviews.locator('tbody tr')).toHaveCount(2)
  // the report waits for both departments: the server refuses it, in words
  await page.getByTestId('requirement-action-report').click()
  await page.getByTestId('step-report').fill('先试一下')
  await page.getByTestId('step-save').click()
  await expect(page.locator('.el-message--error').filter({ hasText: '还有 2 个部门未评议' }).first()).toBeVisible()
  await page.getByTestId('requirement-step-dialog').getByRole('button', { name: '取消' }).click()
  await expect(page.getByTestId('requirement-step-dialog')).toBeHidden()

  await page.getByTestId('review-record-质量部').click()
  await page.getByTestId('step-opinion').fill('可按客户精度要求检测')
  await page.getByTestId('step-save').click()
  await expect(page.getByTestId('requirement-step-dialog')).toBeHidden()
  await page.getByTestId('review-record-生产部').click()
  await page.getByTestId('step-opinion').fill('需外协两道工序，产能可行')
  await page.getByTestId('step-save').click()
  await expect(page.getByTestId('requirement-step-dialog')).toBeHidden()
  await expect(reviews.getByTestId('review-verdict')).toHaveText(['可行', '可行'])

  // ---- 报告 → 批准 -------------------------------------------------------------------------------
  await step(page, 'report', async () => page.getByTestId('step-report').fill('质量部、生产部评议均可行，建议批准。'))
  await expect(page.getByTestId('requirement-status')).toHaveText('已报告')
  await step(page, 'approve', async () => page.getByTestId('step-comment').fill('同意，按计划推进'))
  await expect(page.getByTestId('requirement-status')).toHaveText('已批准')

  // ---- 需求变更: after approval a change needs its reason ----------------------------------------
  await page.getByTestId('requirement-edit').click()
  await setDate(page, '计划完成', appDate(-7))
  await page.getByTestId('requirement-form-save').click()
  await expect(form).toContainText('须填写变更原因')
  await page.getByTestId('requirement-reason').fill('客户推迟来料，验收顺延 5 天')
  await page.getByTestId('requirement-form-save').click()
  await expect(form).toBeHidden()
  const changes = page.getByTestId('requirement-changes')
  await expect(changes).toContainText('计划完成')
  await expect(changes).toContainText('客户推迟来料，验收顺延 5 天')
  await expect(changes).toContainText(appDate(-7).replace(/-/g, '/'))

  // ---- 客户确认 ----------------------------------------------------------------------------------
  await step(page, 'confirm', async () => {
    await expect(page.getByTestId('step-signerName')).toHaveValue('王采购')
    // signed on the app's today: the dialog's default is the browser's today, a day ahead of a
    // server in UTC from 16:00 to 24:00 UTC (refused there as a date in the future)
    const signed = page.getByTestId('requirement-step-dialog').getByRole('combobox', { name: /签署日期/ })
    await signed.click()
    await signed.fill(appDate(0))
    await signed.press('Enter')
  })
  await expect(page.getByTestId('requirement-status')).toHaveText('客户已确认')
  await expect(page.getByTestId('requirement-signed')).toContainText('王采购')
  await expect(page.getByTestId('requirement-delay')).toHaveText('7 天')
  await expect(page.locator('.el-message--error')).toHaveCount(0)
  await page.screenshot({ path: 'test/e2e/screenshots/requirement-sheet.png', fullPage: true })

  // ---- 需求追踪矩阵: the row, late by 7 days, highlighted; filter and export ------------------------
  await page.getByTestId('menu-requirementMatrix').click()
  const matrix = page.getByTestId('matrix-table')
  const row = matrix.locator('tbody tr', { hasText: code })
  await expect(row).toContainText(WORK)
  await expect(row).toContainText('客户已确认')
  await expect(row.getByTestId('matrix-delay')).toHaveText('7 天')
  await expect(row).toHaveClass(/late-row/)
  await expect(row.getByTestId('matrix-changes')).toHaveText('1 次变更')
  await page.getByTestId('matrix-filter-delayed').click()
  await expect(matrix.locator('tbody tr')).toHaveCount(1)
  await page.screenshot({ path: 'test/e2e/screenshots/requirement-matrix.png' })

  const downloading = page.waitForEvent('download')
  await page.getByTestId('matrix-export').click()
  const file = await downloading
  expect(file.suggestedFilename()).toMatch(/^需求追踪矩阵-\d{4}-\d{2}-\d{2}\.xlsx$/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(fs.readFileSync(await file.path()) as unknown as ArrayBuffer)
  const ws = wb.worksheets[0]
  expect(ws.getRow(3).getCell(1).value).toBe(code)
  expect(ws.getRow(3).getCell(11).value).toBe(7)
})

test('a stale customer gets a churn warning; a measure is recorded, then the churn is confirmed and its category changes', async ({ page, browser }) => {
  test.setTimeout(180_000)
  // the spec's own 销售主管 (churn: check, measures, confirm over the team); the administrator's
  // page only moves the server clock
  const admin = await supervisorSession(page, browser, CHURN_SUP)
  await createCustomer(page, CHURN_CUSTOMER, '现有代理')
  await expect(page.getByTestId('churn-banner')).toHaveCount(0)
  try {
    // 200 days later it has still never ordered: beyond the default 180-day cycle
    await setClock(admin, new Date(Date.now() + 200 * DAY))
    await page.getByTestId('menu-churn').click()
    await expect(page.getByTestId('churn-list')).toBeVisible()
    await page.getByTestId('churn-run-check').click()
    // the supervisor's check covers the team's customers: exactly this one
    await expect(page.locator('.el-message--success', { hasText: '检查完成：新增 1 条预警' })).toBeVisible()
    const table = page.getByTestId('churn-table')
    const row = table.locator('tbody tr', { hasText: CHURN_CUSTOMER })
    await expect(row.getByTestId('churn-row-status')).toHaveText('流失预警')
    await expect(row).toContainText('从未下单')
    await expect(row).toContainText('周期 180 天')
    // checking again opens nothing more
    await page.getByTestId('churn-run-check').click()
    await expect(page.locator('.el-message--success', { hasText: '新增 0 条预警' })).toBeVisible()
    await expect(table.locator('tbody tr', { hasText: CHURN_CUSTOMER })).toHaveCount(1)
    await page.screenshot({ path: 'test/e2e/screenshots/churn-list.png' })

    // ---- the card: banner → 暂缓措施 ------------------------------------------------------------
    await row.getByTestId('churn-customer-link').click()
    await expect(page.getByTestId('customer-card')).toBeVisible()
    await expect(page.getByTestId('customer-status-churn_warning').first()).toBeVisible()
    await expect(page.getByTestId('churn-banner')).toContainText('流失预警')
    await page.getByTestId('churn-banner-handle').click()
    const drawer = page.getByTestId('churn-drawer')
    await expect(drawer).toBeVisible()
    await page.getByTestId('churn-measure-save').click()
    await expect(drawer).toContainText('请输入措施内容')
    await page.getByTestId('churn-measure-content').fill('上门拜访采购经理，提供季度返点 3%')
    await page.getByTestId('churn-measure-save').click()
    await expect(page.getByTestId('churn-drawer-status')).toHaveText('暂缓流失')
    await expect(page.getByTestId('churn-measures')).toContainText('上门拜访采购经理')
    await expect(page.getByTestId('customer-status-churn_paused').first()).toBeVisible()
    await expect(page.getByTestId('churn-banner')).toContainText('暂缓流失：已采取 1 项挽回措施')

    // ---- 确认流失 with a 流失原因 --------------------------------------------------------------------
    await page.getByTestId('churn-confirm').click()
    await expect(drawer).toContainText('请选择流失原因')
    await pick(page, 'churn-reason', '被竞争对手抢走')
    await page.getByTestId('churn-reason-text').fill('对手报价低 15%，客户已签年度框架协议')
    await page.getByTestId('churn-confirm').click()
    await confirmBox(page)
    await expect(page.getByTestId('churn-drawer-status')).toHaveText('已流失')
    await drawer.locator('.el-drawer__close-btn').click()
    await expect(page.getByTestId('customer-status-churned').first()).toBeVisible()
    await expect(page.getByTestId('churn-banner')).toContainText('被竞争对手抢走')
    await expect(page.getByTestId('customer-details-basic')).toContainText('流失代理')
    await page.getByTestId('customer-tab-history').click()
    await expect(page.getByTestId('customer-pane-history')).toContainText('流失预警')
    // the check's one entry per warning carries the customer's status change, shown old → new
    const statusLine = page.getByTestId('audit-change').filter({ hasText: '客户状态' })
    await expect(page.getByTestId('customer-pane-history').locator(statusLine)).toHaveText(/客户状态\s*正常\s*→\s*流失预警/)
    await page.getByTestId('customer-pane-history').getByTestId('audit-entry').filter({ has: statusLine }).screenshot({ path: 'test/e2e/screenshots/churn-history-opened.png' })
    await page.screenshot({ path: 'test/e2e/screenshots/churn-customer-card.png' })

    // the list shows it settled
    await page.getByTestId('menu-churn').click()
    await expect(page.getByTestId('churn-table').locator('tbody tr', { hasText: CHURN_CUSTOMER }).getByTestId('churn-row-status')).toHaveText('已流失')
    await page.screenshot({ path: 'test/e2e/screenshots/churn-list-confirmed.png' })
  } finally {
    await setClock(admin, null)
  }
  await logout(page)
  await admin.context().close()
})
