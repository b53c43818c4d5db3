// Issue 13 item 2 (销售漏斗与业绩) end to end (Asia/Shanghai): a 销售主管 of a team made here (the
// database is shared with the other specs; his reports are team-wide, like his lists) opens
// 统计报表 → 销售漏斗与业绩 and sees his team's three opportunities (one open, one won, one lost) as
// a funnel with stage-to-stage conversion and win rates per 客户经理 and per team, and 销售业绩:
// his manager's yearly target against the approved order; exports the report and reads the
// workbook back; screenshots in zh-CN and en-US.
import ExcelJS from 'exceljs'
import { expect, test } from '@playwright/test'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SHOTS = 'test/e2e/screenshots'
const SUP = 'fnl_zhuguan'
const MGR1 = 'fnl_jingli1'
const MGR2 = 'fnl_jingli2'

test('销售漏斗与业绩: funnel, conversion and win rates, target vs actual; exports to .xlsx; zh-CN and en-US', async ({ page }) => {
  test.setTimeout(150_000)
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const year = today.slice(0, 4)
  // ---- set-up: a team with a 主管 and two 客户经理, a customer, a yearly target --------------------------
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '漏斗测试组' })
  const role = await roleIds(page)
  await api(page, 'users', 'create', { login: SUP, name: '漏斗主管', password: 'Supervisor123', roleId: role('supervisor'), teamId: team.id })
  const m1 = await api<{ id: string }>(page, 'users', 'create', { login: MGR1, name: '漏斗经理一', password: 'Manager123', roleId: role('manager'), teamId: team.id })
  const m2 = await api<{ id: string }>(page, 'users', 'create', { login: MGR2, name: '漏斗经理二', password: 'Manager123', roleId: role('manager'), teamId: team.id })
  const customer = await api<{ id: string }>(page, 'customers', 'create', { name: '漏斗苏州精密制造有限公司', ownerId: m1.id })
  await api(page, 'targets', 'save', { userId: m1.id, periodType: 'year', periodStart: `${year}-01-01`, amountCents: 1_000_000 })
  const stages = await api<Array<{ id: string; label: string }>>(page, 'dictionary', 'items', { typeCode: 'opportunity_stage' })
  const stage = (label: string) => stages.find((s) => s.label === label)!.id
  const reasons = await api<Array<{ id: string; label: string }>>(page, 'dictionary', 'items', { typeCode: 'opportunity_lost_reason' })
  await logout(page)

  // ---- the 客户经理: an order of ¥3,000.00 today, submitted --------------------------------------------------
  await login(page, MGR1, 'Manager123')
  await expect(page.getByTestId('current-user-name')).toHaveText('漏斗经理一')
  let order = await api<{ id: string; version: number }>(page, 'orders', 'create', { customerId: customer.id, orderDate: today, lines: [{ productName: '精密夹具', quantity: 3, unitPriceCents: 100_000 }] })
  order = await api(page, 'orders', 'submit', { id: order.id, version: order.version })
  await logout(page)

  // ---- the 主管: approves; three opportunities, assigned; one won, one lost ---------------------------------
  await login(page, SUP, 'Supervisor123')
  await expect(page.getByTestId('current-user-name')).toHaveText('漏斗主管')
  await api(page, 'orders', 'approve', { id: order.id, version: order.version })
  type Opp = { id: string; version: number }
  const opp = async (summary: string, stageLabel: string, cents: number, to: string): Promise<Opp> => {
    const o = await api<Opp>(page, 'opportunities', 'create', {
      customerId: customer.id, customerName: '漏斗苏州精密制造有限公司', probability: 20, summary, description: `${summary}：客户需求`, stageId: stage(stageLabel), expectedAmountCents: cents,
    })
    return api<Opp>(page, 'opportunities', 'assign', { id: o.id, version: o.version, assigneeId: to })
  }
  await opp('夹具一期', '初步接洽', 100_000, m1.id)
  const won = await opp('夹具二期', '方案报价', 200_000, m1.id)
  const lost = await opp('检测设备', '需求确认', 300_000, m2.id)
  await api(page, 'opportunities', 'close', { id: won.id, version: won.version, outcome: 'won' })
  await api(page, 'opportunities', 'close', { id: lost.id, version: lost.version, outcome: 'lost', lostReasonId: reasons[0].id })

  // ---- 统计报表 → 销售漏斗与业绩 (本年) -------------------------------------------------------------------------
  await page.getByTestId('menu-reports').click()
  await expect(page.getByTestId('page-title')).toHaveText('统计报表')
  await page.getByRole('tab', { name: '销售漏斗与业绩' }).click()
  await expect(page.getByTestId('report-pipeline')).toBeVisible()
  await expect(page.getByTestId('report-scope')).toHaveText('数据范围：本团队')
  await expect(page.getByTestId('pipeline-total')).toHaveText('3')
  await expect(page.getByTestId('pipeline-win-rate')).toHaveText('50.0%')
  await expect(page.getByTestId('pipeline-won-amount')).toHaveText('¥2,000.00')
  await expect(page.getByTestId('pipeline-completion')).toHaveText('30.0%')
  // reached 3 · 2 · 1 · 1 · 1: conversion 100 %, 66.7 %, 50 %, 100 %, 100 %
  const stageRows = page.getByTestId('pipeline-stages').locator('.el-table__body tr')
  await expect(stageRows).toHaveCount(5)
  const cells = async (row: number) => (await stageRows.nth(row).locator('td').allTextContents()).map((s) => s.trim())
  expect((await cells(0)).slice(0, 3)).toEqual(['初步接洽', '3', '100.0%'])
  expect((await cells(1)).slice(0, 5)).toEqual(['需求确认', '2', '66.7%', '1', '0'])
  expect((await cells(2)).slice(0, 3)).toEqual(['方案报价', '1', '50.0%'])
  expect((await cells(4)).slice(0, 3)).toEqual(['签约', '1', '100.0%'])
  // per 客户经理: 经理一 2 (1 won, win rate 100 %), 经理二 1 (lost, 0 %)
  const groups = page.getByTestId('pipeline-groups').locator('.el-table__body tr')
  await expect(groups).toHaveCount(2)
  expect((await groups.nth(0).locator('td').allTextContents()).slice(0, 6).map((s) => s.trim())).toEqual(['漏斗经理一', '2', '1', '1', '0', '100.0%'])
  expect((await groups.nth(1).locator('td').allTextContents()).slice(0, 6).map((s) => s.trim())).toEqual(['漏斗经理二', '1', '0', '0', '1', '0.0%'])
  // 销售业绩: 经理一 ¥10,000.00 target, ¥3,000.00 actual, 30 %; the team without a target
  const perf = page.getByTestId('pipeline-performance')
  await expect(perf).toContainText('¥10,000.00')
  await expect(perf.locator('.el-table__body tr').filter({ hasText: '漏斗经理一' })).toContainText('¥3,000.00')
  await expect(perf.locator('.el-table__body tr').filter({ hasText: '漏斗经理一' })).toContainText('30.0%')
  await expect(perf.locator('.el-table__body tr').filter({ hasText: '漏斗测试组' }).first()).toContainText('未设目标')
  await expect(page.getByTestId('pipeline-funnel-chart').locator('canvas')).toBeVisible()
  await expect(page.getByTestId('pipeline-performance-chart').locator('canvas')).toBeVisible()
  await page.waitForTimeout(1200) // the charts' animation
  await page.screenshot({ path: `${SHOTS}/reports-pipeline-zh-CN.png`, fullPage: true })
  await perf.scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/reports-pipeline-tables-zh-CN.png` })

  // the print view (打印 / 保存为 PDF print this page): no menu, tabs or toolbar; the grouping and basis written out
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('pipeline-group-by')).toBeHidden()
  await expect(page.getByTestId('report-tabs')).toBeHidden()
  await expect(page.getByTestId('report-pipeline')).toContainText('分组：按客户经理 · 业绩口径：订单金额')
  await page.screenshot({ path: `${SHOTS}/reports-pipeline-print-zh-CN.png` })
  await page.emulateMedia({ media: 'screen' })
  await expect(page.getByTestId('pipeline-group-by')).toBeVisible()

  // per team: one row, the team's 3
  await page.getByTestId('pipeline-group-team').click()
  await expect(groups).toHaveCount(1)
  await expect(groups.nth(0)).toContainText('漏斗测试组')

  // ---- export: the filters, the stages and 销售业绩 read back ----------------------------------------------------
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export').click()])
  expect(download.suggestedFilename()).toMatch(/^销售漏斗与业绩_\d{4}-\d{2}-\d{2}\.xlsx$/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(await download.path())
  expect(wb.worksheets.map((w) => w.name)).toEqual(['销售漏斗与业绩', '按团队', '销售业绩', '业绩按月'])
  const values = (i: number) => wb.worksheets[i].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1))
  const main = values(0)
  expect(main[0]).toEqual(['销售漏斗与业绩'])
  expect(main).toContainEqual(['期间', `${year}-01-01 ~ ${year}-12-31`])
  expect(main).toContainEqual(['数据范围', '本团队'])
  expect(main).toContainEqual(['分组', '团队'])
  expect(main).toContainEqual(['商机 / 进行中 / 赢单 / 输单', '3 / 1 / 1 / 1'])
  expect(main).toContainEqual(['赢率', '50.00%'])
  const h = main.findIndex((r) => r[0] === '销售阶段')
  expect(main.slice(h + 1, h + 6).map((r) => r.slice(0, 3))).toEqual([['初步接洽', 3, 1], ['需求确认', 2, 0.6667], ['方案报价', 1, 0.5], ['商务谈判', 1, 1], ['签约', 1, 1]])
  const byTeam = values(1)
  expect(byTeam.find((r) => r[0] === '漏斗测试组')?.slice(0, 6)).toEqual(['漏斗测试组', 3, 1, 1, 1, 0.5])
  expect(values(2)).toContainEqual(['客户经理', '漏斗经理一', '漏斗测试组', 10000, 3000, 0.3])

  // ---- English ------------------------------------------------------------------------------------------------
  await page.getByTestId('pipeline-group-manager').click()
  await expect(groups).toHaveCount(2)
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-en-US').click()
  await expect(page.getByTestId('page-title')).toHaveText('Reports')
  await expect(page.getByRole('tab', { name: 'Funnel & performance' })).toBeVisible()
  await expect(page.getByTestId('report-pipeline')).toContainText('Sales performance: target vs actual')
  expect((await cells(0)).slice(0, 3)).toEqual(['Initial contact', '3', '100.0%'])
  await page.waitForTimeout(1200)
  await page.screenshot({ path: `${SHOTS}/reports-pipeline-en-US.png`, fullPage: true })
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-zh-CN').click()
  await expect(page.getByTestId('page-title')).toHaveText('统计报表')

  // ---- drill-down: a stage's opportunities not won, a 客户经理's row ------------------------------------------
  await page.getByTestId(`pipeline-drill-stage-${stage('需求确认')}`).click()
  await expect(page.getByTestId('page-title')).toHaveText('销售机会管理')
  const listRows = page.getByTestId('opportunity-list').locator('.el-table__body tr')
  await expect(listRows).toHaveCount(1)
  await expect(listRows.nth(0)).toContainText('检测设备')
  await expect(page.getByTestId('opportunity-report-filter')).toContainText('来自统计报表：未分配 / 已指派 / 开发失败')
  await page.screenshot({ path: `${SHOTS}/reports-pipeline-drill-zh-CN.png` })
  await page.goBack()
  await page.getByRole('tab', { name: '销售漏斗与业绩' }).click()
  await page.getByTestId(`pipeline-drill-group-${m1.id}`).click()
  await expect(page.getByTestId('page-title')).toHaveText('销售机会管理')
  await expect(listRows).toHaveCount(2)
  await expect(page.getByTestId('opportunity-list')).toContainText('夹具一期')
  await expect(page.getByTestId('opportunity-list')).toContainText('夹具二期')
})
