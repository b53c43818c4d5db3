// Issue 11, export of the orders list (zh-CN): a 销售主管 searches the 订单 list, clicks 导出 and
// gets a .xlsx with only their team's matching orders, in the list's order, amounts as numbers
// with a 合计 row and order dates as dates; the button shows the export's progress while it runs.
// Makes all of its own data (own teams, logins, customers and orders).
import { expect, test, type Page } from '@playwright/test'
import ExcelJS from 'exceljs'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SUP = 'expo_zhuguan'
const PASSWORD = 'Manager123'
const SHOTS = 'test/e2e/screenshots'


test('a 销售主管 exports the searched orders list: own team only, list order, amounts, 合计, dates', async ({ page }) => {
  test.setTimeout(150_000)
  await adminSession(page)
  const role = await roleIds(page)
  const teamA = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '导出订单甲组' })
  const teamB = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '导出订单乙组' })
  await api(page, 'users', 'create', { login: SUP, name: '导出主管', password: PASSWORD, roleId: role('supervisor'), teamId: teamA.id })
  const mgrA = await api<{ id: string }>(page, 'users', 'create', { login: 'expo_jingli_a', name: '甲组经理', password: PASSWORD, roleId: role('manager'), teamId: teamA.id })
  const mgrB = await api<{ id: string }>(page, 'users', 'create', { login: 'expo_jingli_b', name: '乙组经理', password: PASSWORD, roleId: role('manager'), teamId: teamB.id })
  const order = async (ownerId: string, name: string, orderDate: string, unitPriceCents: number) => {
    const c = await api<{ id: string }>(page, 'customers', 'create', { name, ownerId })
    return api<{ code: string }>(page, 'orders', 'create', { customerId: c.id, orderDate, lines: [{ productName: '导出测试设备', quantity: 2, unitPriceCents }] })
  }
  const early = await order(mgrA.id, '苏州导出订单精工有限公司', '2026-03-05', 123_450) // 2,469.00
  const late = await order(mgrA.id, '苏州导出订单纺织有限公司', '2026-04-18', 50_025) // 1,000.50
  await order(mgrA.id, '杭州别的订单有限公司', '2026-04-01', 10_000)
  await order(mgrB.id, '苏州导出订单乙组有限公司', '2026-04-20', 99_900)
  await logout(page)

  await login(page, SUP, PASSWORD)
  await page.getByTestId('menu-orders').click()
  await expect(page.getByTestId('order-list')).toBeVisible()
  const search = page.locator('input[data-testid="order-search"], [data-testid="order-search"] input').first()
  await search.fill('苏州导出订单')
  await search.press('Enter')
  await expect(page.getByTestId('order-table').locator('.el-table__body tr')).toHaveCount(2)

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('order-export').locator('button').first().click()])
  expect(download.suggestedFilename()).toMatch(/^订单_\d{4}-\d{2}-\d{2}\.xlsx$/)
  await expect(page.locator('.el-message--success').filter({ hasText: '已导出 2 行' }).first()).toBeVisible()
  // the button is back once the file is saved
  await expect(page.getByTestId('order-export')).toBeVisible()
  await expect(page.getByTestId('order-export-progress')).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/exports-orders.png` })

  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(await download.path())
  const ws = wb.worksheets[0]
  expect(ws.name).toMatch(/^订单 \d{4}-\d{2}-\d{2}$/)
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[]
  expect(header).toEqual(['订单编号', '订单日期', '客户名称', '状态', '订单金额(元)', '已回款(元)', '未回款(元)', '下次回款日', '客户经理', '更新时间'])
  const col = (n: string) => header.indexOf(n) + 1
  expect(ws.getRow(1).font?.bold).toBe(true)
  expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 })
  expect(ws.rowCount).toBe(4) // header, 2 orders, 合计
  // the list's default order: newest order date first; the other team's 苏州 order is not there
  expect([ws.getRow(2).getCell(col('订单编号')).value, ws.getRow(3).getCell(col('订单编号')).value]).toEqual([late.code, early.code])
  expect(ws.getRow(2).getCell(col('客户名称')).value).toBe('苏州导出订单纺织有限公司')
  expect(ws.getRow(2).getCell(col('订单金额(元)')).value).toBe(1000.5)
  expect(ws.getRow(2).getCell(col('订单金额(元)')).numFmt).toBe('#,##0.00')
  expect(ws.getRow(3).getCell(col('订单金额(元)')).value).toBe(2469)
  expect(ws.getRow(2).getCell(col('状态')).value).toBe('草稿')
  expect(ws.getRow(2).getCell(col('客户经理')).value).toBe('甲组经理')
  const date = ws.getRow(2).getCell(col('订单日期')).value
  expect(date).toBeInstanceOf(Date)
  expect((date as Date).toISOString()).toBe('2026-04-18T00:00:00.000Z')
  expect(ws.getRow(4).getCell(1).value).toBe('合计')
  expect(ws.getRow(4).getCell(col('订单金额(元)')).value).toBe(3469.5)
  expect(JSON.stringify(ws.getSheetValues())).not.toContain('乙组')
})
