// Issue 13 item 2 end to end (Asia/Shanghai): a 销售主管 opens 统计报表, filters to the own team
// made here (the database is shared with the other specs), sees the 客户构成 by level (3 核心客户,
// 1 重要客户), clicks the 核心客户 slice of the pie and lands on the customer list filtered to those
// three; exports the report and reads the workbook back (filters and numbers); the 客户贡献 with
// one approved order; screenshots in zh-CN and en-US.
import ExcelJS from 'exceljs'
import { expect, test, type Page } from '@playwright/test'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SHOTS = 'test/e2e/screenshots'
const SUP = 'rpt_zhuguan'
const MGR = 'rpt_jingli'


test('客户构成: the pie drills down to the customer list; the report exports to .xlsx; zh-CN and en-US', async ({ page }) => {
  test.setTimeout(150_000)
  // ---- set-up: a team with a 主管 and a 客户经理, four customers of the manager, one approved order ----
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '报表测试组' })
  const role = await roleIds(page)
  await api(page, 'users', 'create', { login: SUP, name: '报表主管', password: 'Supervisor123', roleId: role('supervisor'), teamId: team.id })
  const mgr = await api<{ id: string }>(page, 'users', 'create', { login: MGR, name: '报表经理', password: 'Manager123', roleId: role('manager'), teamId: team.id })
  const levels = await api<Array<{ id: string; label: string }>>(page, 'dictionary', 'items', { typeCode: 'level' })
  const key = levels.find((l) => l.label === '核心客户')!.id
  const important = levels.find((l) => l.label === '重要客户')!.id
  const names = ['报表杭州精工机械有限公司', '报表宁波海天塑料有限公司', '报表温州正泰电气有限公司']
  const ids: string[] = []
  for (const name of names) ids.push((await api<{ id: string }>(page, 'customers', 'create', { name, ownerId: mgr.id, levelId: key })).id)
  await api(page, 'customers', 'create', { name: '报表绍兴纺织印染有限公司', ownerId: mgr.id, levelId: important })
  // one complaint ticket of the team's customer (客户服务分析 is not empty)
  const types = await api<Array<{ id: string; label: string }>>(page, 'dictionary', 'items', { typeCode: 'service_type' })
  await api(page, 'services', 'create', { customerId: ids[0], typeId: types.find((x) => x.label === '投诉')!.id, summary: '报表测试投诉', request: '设备异响', urgency: 'normal' })
  await logout(page)
  await login(page, MGR, 'Manager123')
  await expect(page.getByTestId('current-user-name')).toHaveText('报表经理')
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  let order = await api<{ id: string; version: number }>(page, 'orders', 'create', { customerId: ids[0], orderDate: today, lines: [{ productName: '数控机床', quantity: 2, unitPriceCents: 1_500_000 }] })
  order = await api(page, 'orders', 'submit', { id: order.id, version: order.version })
  const channels = await api<Array<{ id: string; label: string }>>(page, 'dictionary', 'items', { typeCode: 'interaction_channel' })
  await api(page, 'interactions', 'create', {
    customerId: ids[1], channelId: channels.find((c) => c.label === '拜访')!.id, occurredAt: new Date(Date.now() - 3600_000).toISOString(), subject: '拜访确认需求',
  })
  await logout(page)

  // ---- the 主管: approves, then opens 统计报表 ----------------------------------------------------------
  await login(page, SUP, 'Supervisor123')
  await expect(page.getByTestId('current-user-name')).toHaveText('报表主管')
  await api(page, 'orders', 'approve', { id: order.id, version: order.version })
  await page.getByTestId('menu-reports').click()
  await expect(page.getByTestId('reports')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText('统计报表')
  await page.getByTestId('report-team').click()
  await page.getByRole('option', { name: '报表测试组', exact: true }).click()
  await expect(page.getByTestId('report-scope')).toHaveText('数据范围：本团队')
  // 客户贡献: the one approved order (¥30,000.00)
  await expect(page.getByTestId('contribution-total')).toHaveText('¥30,000.00')
  await expect(page.getByTestId('contribution-table')).toContainText(names[0])
  await expect(page.getByTestId('contribution-chart')).toBeVisible()

  // ---- the print view (打印 in the browser): the report alone, its filters written out -----------------
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('report-team')).toBeHidden()
  await expect(page.getByTestId('report-export')).toBeHidden()
  await expect(page.getByTestId('report-tabs')).toBeHidden()
  await expect(page.getByTestId('menu-reports')).toBeHidden()
  await expect(page.getByTestId('report-print-team')).toHaveText('团队：报表测试组')
  await expect(page.getByTestId('report-print-basis')).toHaveText('按订单金额')
  await expect(page.getByTestId('report-range')).toBeVisible()
  await expect(page.getByTestId('contribution-table')).toContainText(names[0])
  await page.screenshot({ path: `${SHOTS}/reports-contribution-print-zh-CN.png`, fullPage: true })
  await page.emulateMedia({ media: 'screen' })
  await expect(page.getByTestId('report-team')).toBeVisible()
  await expect(page.getByTestId('report-print-team')).toBeHidden()

  // ---- 客户构成 by level: a pie of 3 核心客户 and 1 重要客户 -------------------------------------------------
  await page.getByRole('tab', { name: '客户构成分析' }).click()
  await expect(page.getByTestId('composition-table')).toContainText('核心客户')
  const rows = page.getByTestId('composition-table').locator('.el-table__body tr')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('3')
  await expect(rows.nth(0)).toContainText('¥30,000.00')
  await expect(rows.nth(1)).toContainText('重要客户')
  const chart = page.getByTestId('composition-chart')
  await expect(chart.locator('canvas')).toBeVisible()
  await page.waitForTimeout(1200) // the pie's animation
  await page.screenshot({ path: `${SHOTS}/reports-composition-zh-CN.png`, fullPage: true })

  // ---- export: the workbook holds the filters and the slices ------------------------------------------
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-export').click()])
  expect(download.suggestedFilename()).toMatch(/^客户构成分析_\d{4}-\d{2}-\d{2}\.xlsx$/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(await download.path())
  const values = wb.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1))
  expect(values[0]).toEqual(['客户构成分析'])
  expect(values).toContainEqual(['团队', '报表测试组'])
  expect(values).toContainEqual(['维度', '客户等级'])
  expect(values).toContainEqual(['数据范围', '本团队'])
  const header = values.findIndex((r) => r[0] === '客户等级' && r[1] === '客户数')
  expect(values.slice(header + 1)).toEqual([
    ['核心客户', 3, 0.75, 30000, 1],
    ['重要客户', 1, 0.25, 0, 0],
    ['合计', 4, undefined, 30000],
  ])

  // ---- the 核心客户 slice of the pie (it starts at 12 o'clock and runs clockwise over 270°: the point right of the centre) ----
  const box = (await chart.boundingBox())!
  const cx = box.x + box.width * 0.42
  const cy = box.y + box.height * 0.52
  const r = (Math.min(box.width, box.height) / 2) * 0.49
  await page.mouse.click(cx + r, cy)
  await expect(page.getByTestId('customer-list')).toBeVisible()
  const links = page.getByTestId('customer-name-link')
  await expect(links).toHaveCount(3)
  expect((await links.allTextContents()).sort()).toEqual([...names].sort())

  // ---- 跟进统计: the manager's one visit ---------------------------------------------------------------------
  await page.getByTestId('menu-reports').click()
  await page.getByTestId('report-team').click()
  await page.getByRole('option', { name: '报表测试组', exact: true }).click()
  await page.getByRole('tab', { name: '跟进统计' }).click()
  await expect(page.getByTestId('followups-total')).toHaveText('1')
  await expect(page.getByTestId('followups-table')).toContainText('报表经理')
  await expect(page.getByTestId('followups-table')).toContainText('拜访')
  await page.getByRole('tab', { name: '客户贡献分析' }).click()

  // ---- English: the 客户贡献 tab ---------------------------------------------------------------------------
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-en-US').click()
  await expect(page.getByTestId('page-title')).toHaveText('Reports')
  await expect(page.getByTestId('contribution-total')).toHaveText('¥30,000.00')
  await expect(page.getByTestId('report-contribution')).toContainText('Share of the top 20 %')
  await page.waitForTimeout(1200)
  await page.screenshot({ path: `${SHOTS}/reports-contribution-en-US.png`, fullPage: true })
  // every other report in English (the team filter kept): its section, no untranslated key, a screenshot
  for (const [name, id] of [['Composition', 'composition'], ['Service', 'service'], ['Churn', 'churn'], ['Funnel & performance', 'pipeline'], ['Follow-ups', 'followups']] as const) {
    await page.getByRole('tab', { name, exact: true }).click()
    await expect(page.getByTestId(`report-${id}`)).toBeVisible()
    await expect(page.getByTestId('reports')).not.toContainText('reports.')
    if (id === 'service') await expect(page.getByTestId('service-table')).toContainText('Complaint')
    await page.waitForTimeout(800) // the charts' animation, for the picture only
    await page.screenshot({ path: `${SHOTS}/reports-${id}-en-US.png`, fullPage: true })
  }
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-zh-CN').click()
  await expect(page.getByTestId('page-title')).toHaveText('统计报表')
  // 客户服务分析 and 客户流失分析 in Chinese: the ticket counted, no English left over
  await page.getByRole('tab', { name: '客户服务分析' }).click()
  await expect(page.getByTestId('service-tickets')).toHaveText('1')
  await expect(page.getByTestId('service-table')).toContainText('投诉')
  await expect(page.getByTestId('report-service')).not.toContainText(/[A-Za-z]{4,}/)
  await page.waitForTimeout(800) // the charts' animation, for the picture only
  await page.screenshot({ path: `${SHOTS}/reports-service-zh-CN.png`, fullPage: true })
  await page.getByRole('tab', { name: '客户流失分析' }).click()
  await expect(page.getByTestId('report-churn')).toBeVisible()
  // nobody churned in the team: it says so instead of an empty chart
  await expect(page.getByTestId('churn-none')).toContainText('期间内没有客户流失')
  await expect(page.getByTestId('churn-chart')).toHaveCount(0)
  await expect(page.getByTestId('report-churn')).not.toContainText(/[A-Za-z]{4,}/)
  await page.screenshot({ path: `${SHOTS}/reports-churn-zh-CN.png`, fullPage: true })
})
