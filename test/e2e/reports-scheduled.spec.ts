// Issue 13 item 3 end to end: a 销售主管 opens 统计报表 filtered to his own team (made here: the
// database is shared with the other specs), saves the 客户贡献分析 as a monthly report (保存为报告:
// the form refuses an empty name and a relative folder before anything is sent), runs 立即生成 on
// the 定时报告 page and sees 成功 with the file name; the workbook written into the folder holds the
// team filter, the previous month and the approved order. A folder that is gone gives 失败 with the
// translated reason. Screenshots in zh-CN and en-US.
import ExcelJS from 'exceljs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { adminSession, api, confirmBox, login, logout, roleIds } from './helpers'

const SHOTS = 'test/e2e/screenshots'
const SUP = 'sched_zhuguan'
const MGR = 'sched_jingli'

/** the previous whole month, as the server (system time zone) counts it */
function previousMonth() {
  const now = new Date()
  const first = new Date(now.getFullYear(), now.getMonth() - 1, 1)
  const last = new Date(now.getFullYear(), now.getMonth(), 0)
  const f = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  return { first: f(first), last: f(last), mid: f(new Date(now.getFullYear(), now.getMonth() - 1, 15)) }
}

test('保存为报告 from 统计报表, 立即生成 on the 定时报告 page, the workbook in the folder; a missing folder fails with its reason', async ({ page }) => {
  test.setTimeout(150_000)
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-sched-'))
  const month = previousMonth()
  // ---- set-up: a team with a 主管 and a 客户经理, a customer of the manager with an order last month ----
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '定时报告测试组' })
  const role = await roleIds(page)
  await api(page, 'users', 'create', { login: SUP, name: '定时主管', password: 'Supervisor123', roleId: role('supervisor'), teamId: team.id })
  const mgr = await api<{ id: string }>(page, 'users', 'create', { login: MGR, name: '定时经理', password: 'Manager123', roleId: role('manager'), teamId: team.id })
  const customer = await api<{ id: string }>(page, 'customers', 'create', { name: '定时报告苏州精密机械有限公司', ownerId: mgr.id })
  await logout(page)
  await login(page, MGR, 'Manager123')
  await expect(page.getByTestId('current-user-name')).toHaveText('定时经理')
  let order = await api<{ id: string; version: number }>(page, 'orders', 'create', { customerId: customer.id, orderDate: month.mid, lines: [{ productName: '精密轴承', quantity: 4, unitPriceCents: 250_000 }] })
  order = await api(page, 'orders', 'submit', { id: order.id, version: order.version })
  await logout(page)

  // ---- the 主管: 统计报表 filtered to his team → 保存为报告 ---------------------------------------------------
  await login(page, SUP, 'Supervisor123')
  await expect(page.getByTestId('current-user-name')).toHaveText('定时主管')
  await api(page, 'orders', 'approve', { id: order.id, version: order.version })
  await page.getByTestId('menu-reports').click()
  await expect(page.getByTestId('reports')).toBeVisible()
  await page.getByTestId('report-team').click()
  await page.getByRole('option', { name: '定时报告测试组', exact: true }).click()
  await page.getByTestId('report-save-as').click()
  const dialog = page.getByTestId('saved-report-dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('saved-report-kind')).toHaveText('客户贡献分析')
  await expect(page.getByTestId('saved-report-filters')).toContainText('团队：定时报告测试组')
  await expect(page.getByTestId('saved-report-filters')).toContainText('口径：按订单金额')
  // validated before it is sent
  await page.getByTestId('saved-report-submit').click()
  await expect(dialog.locator('.el-form-item__error').first()).toHaveText('请填写名称')
  await page.getByTestId('saved-report-name').fill('测试组月度贡献')
  await page.getByTestId('saved-report-folder').fill('reports/out')
  await page.getByTestId('saved-report-submit').click()
  await expect(dialog.getByText('请填写完整路径（以盘符或 / 开头）')).toBeVisible()
  await expect(dialog.getByText('请填写名称')).toHaveCount(0)
  await page.getByTestId('saved-report-folder').fill(folder)
  await page.getByTestId('saved-report-schedule-monthly').click()
  await page.getByTestId('saved-report-month-day').locator('input').fill('1')
  await page.screenshot({ path: `${SHOTS}/reports-save-as-zh-CN.png` })
  await page.getByTestId('saved-report-submit').click()

  // ---- the 定时报告 page: 立即生成 ---------------------------------------------------------------------------
  await expect(page.getByTestId('scheduled-reports')).toBeVisible()
  const row = page.getByTestId('scheduled-table').locator('tr.el-table__row', { has: page.getByTestId('scheduled-name').filter({ hasText: '测试组月度贡献' }) })
  await expect(row).toContainText('每月 1 日')
  await expect(row).toContainText('尚未生成')
  await row.getByTestId('scheduled-run').click()
  const fileName = `测试组月度贡献_${month.first}_${month.last}.xlsx`
  await expect(row.getByTestId('scheduled-result')).toContainText('成功')
  await expect(row.getByTestId('scheduled-result')).toContainText(fileName)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(path.join(folder, fileName))
  const rows: unknown[][] = []
  wb.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1)))
  expect(rows[0]).toEqual(['客户贡献分析'])
  expect(rows).toContainEqual(['期间', `${month.first} ~ ${month.last}`])
  expect(rows).toContainEqual(['团队', '定时报告测试组'])
  const body = rows.slice(rows.findIndex((r) => r[0] === '排名') + 1)
  expect(body[0].slice(0, 5)).toEqual([1, expect.any(String), '定时报告苏州精密机械有限公司', '定时经理', 10000])
  // the runs under the row
  await row.locator('.el-table__expand-icon').click()
  await expect(page.getByTestId('scheduled-table')).toContainText('立即生成')
  await page.screenshot({ path: `${SHOTS}/reports-scheduled-zh-CN.png`, fullPage: true })

  // ---- the folder is gone: 失败 with the reason, recorded on the row ---------------------------------------
  fs.rmSync(folder, { recursive: true, force: true })
  await row.getByTestId('scheduled-run').click()
  await expect(row.getByTestId('scheduled-result')).toContainText('失败')
  await expect(row.getByTestId('scheduled-result')).toContainText(`文件夹不存在：${folder}`)

  // ---- English ----------------------------------------------------------------------------------------------
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-en-US').click()
  await expect(page.getByTestId('page-title')).toHaveText('Scheduled reports')
  await expect(row.getByTestId('scheduled-result')).toContainText(`The folder does not exist: ${folder}`)
  await expect(row).toContainText('Monthly on day 1')
  await page.screenshot({ path: `${SHOTS}/reports-scheduled-en-US.png`, fullPage: true })
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-zh-CN').click()

  // ---- delete: the empty state says what to do ----------------------------------------------------------------
  await row.getByTestId('scheduled-remove').click()
  await confirmBox(page)
  await expect(page.getByTestId('empty-state')).toContainText('保存为报告')
  await page.screenshot({ path: `${SHOTS}/reports-scheduled-empty-zh-CN.png`, fullPage: true })
})
