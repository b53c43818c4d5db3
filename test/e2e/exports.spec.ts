// Issue 11, export (zh-CN): a 客户经理 filters the customer list, clicks 导出 and gets a .xlsx with
// only their own matching customers (primary contact's name, title and mobile, money as a number,
// a totals row); the CSV (UTF-8 with a BOM) from the same button's menu. Makes all of its own data.
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import ExcelJS from 'exceljs'
import { adminSession, api, login, logout, roleIds } from './helpers'

const MGR = 'exp_jingli'
const OTHER = 'exp_jingli2'
const SHOTS = 'test/e2e/screenshots'


test('a 客户经理 exports the filtered customer list to .xlsx and CSV: own customers only, with the primary contact', async ({ page }) => {
  test.setTimeout(120_000)
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '导出测试组' })
  const manager = (await roleIds(page))('manager')
  const me = await api<{ id: string }>(page, 'users', 'create', { login: MGR, name: '导出经理', password: 'Manager123', roleId: manager, teamId: team.id })
  const other = await api<{ id: string }>(page, 'users', 'create', { login: OTHER, name: '别的经理', password: 'Manager123', roleId: manager, teamId: team.id })
  const add = async (ownerId: string, name: string, contact?: { name: string; title: string; mobile: string }) => {
    const c = await api<{ id: string }>(page, 'customers', 'create', { name, ownerId })
    if (contact) await api(page, 'contacts', 'create', { customerId: c.id, fields: contact })
  }
  await add(me.id, '苏州导出精密机械有限公司', { name: '钱多多', title: '采购总监', mobile: '13812345678' })
  await add(me.id, '苏州导出纺织有限公司', { name: '孙小美', title: '经理', mobile: '13987654321' })
  await add(me.id, '无锡导出化工有限公司')
  await add(other.id, '苏州导出别人的有限公司', { name: '周别人', title: '总经理', mobile: '13700000000' })
  await logout(page)

  await login(page, MGR, 'Manager123')
  await page.getByTestId('menu-customers').click()
  await expect(page.getByTestId('customer-list')).toBeVisible()
  await page.getByTestId('customer-search').fill('苏州导出')
  await page.getByTestId('customer-search').press('Enter')
  await expect(page.locator('.el-table__body tr')).toHaveCount(2)

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customer-export').locator('button').first().click()])
  expect(download.suggestedFilename()).toMatch(/^客户列表_\d{4}-\d{2}-\d{2}\.xlsx$/)
  await expect(page.locator('.el-message--success').filter({ hasText: '已导出 2 行' }).first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/exports-customers.png` })
  const file = await download.path()
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const ws = wb.worksheets[0]
  expect(ws.name).toMatch(/^客户列表 \d{4}-\d{2}-\d{2}$/)
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[]
  const col = (n: string) => header.indexOf(n) + 1
  expect(ws.getRow(1).font?.bold).toBe(true)
  expect(ws.rowCount).toBe(4) // header, 2 customers, 合计
  const names = [ws.getRow(2).getCell(col('客户名称')).value, ws.getRow(3).getCell(col('客户名称')).value]
  expect([...names].sort()).toEqual(['苏州导出精密机械有限公司', '苏州导出纺织有限公司'].sort())
  const row = ws.getRow(names.indexOf('苏州导出精密机械有限公司') + 2)
  expect(row.getCell(col('联系人')).value).toBe('钱多多')
  expect(row.getCell(col('职务')).value).toBe('采购总监')
  expect(row.getCell(col('手机')).value).toBe('13812345678')
  expect(row.getCell(col('客户经理')).value).toBe('导出经理')
  expect(row.getCell(col('更新时间')).value).toBeInstanceOf(Date)
  expect(ws.getRow(4).getCell(1).value).toBe('合计')
  expect(ws.getRow(4).getCell(col('订单总额(元)')).value).toBe(0)

  // the CSV from the menu: UTF-8 with a BOM, the same two rows
  await page.getByTestId('customer-export').locator('.el-dropdown__caret-button').click()
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customer-export-csv').click()])
  expect(csv.suggestedFilename()).toMatch(/\.csv$/)
  const bytes = fs.readFileSync(await csv.path())
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n')
  expect(lines).toHaveLength(4)
  expect(lines.join('\n')).toContain('苏州导出纺织有限公司')
  expect(lines.join('\n')).not.toContain('别人')
})
