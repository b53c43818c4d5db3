// Issue 11, import (zh-CN): a 客户经理 opens 导入 on the customer list, uploads a workbook whose
// name column has an unknown header, maps it to 客户名称 by hand, sees the preview with the bad
// row's problem, imports, reads the summary and downloads the error report (read back here).
// Makes all of its own data (its own team and login; names unique to this spec).
import { expect, test, type Page } from '@playwright/test'
import ExcelJS from 'exceljs'
import { adminSession, api, login, logout, pick, roleIds } from './helpers'

const MGR = 'imp_jingli'
const SHOTS = 'test/e2e/screenshots'


async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('客户')
  ws.addRow(['单位全称', '联系人', '手机', '电子邮件1', '备注'])
  ws.addRow(['宁波导入向导模具有限公司', '林一', 13812340001, 'sales@nbmj.cn', '展会认识'])
  ws.addRow(['温州导入向导鞋业有限公司', '林二', 13812340002, '不是邮箱', ''])
  ws.addRow(['台州导入向导泵业有限公司', '林三', 13812340003, '', ''])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

test('a 客户经理 imports a workbook: fixes a mapping, sees the preview, imports, downloads the error report', async ({ page }) => {
  test.setTimeout(120_000)
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '导入测试组' })
  const role = await roleIds(page)
  await api(page, 'users', 'create', { login: MGR, name: '导入经理', password: 'Manager123', roleId: role('manager'), teamId: team.id })
  await logout(page)

  await login(page, MGR, 'Manager123')
  await page.getByTestId('menu-customers').click()
  await expect(page.getByTestId('customer-list')).toBeVisible()
  await page.getByTestId('customer-import').click()
  const dialog = page.getByTestId('import-dialog')
  await expect(dialog.getByTestId('import-step-upload')).toBeVisible()
  await dialog.getByTestId('import-file').setInputFiles({ name: '客户资料.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await workbook() })
  await dialog.getByTestId('import-next').click()

  // the mapping: 单位全称 is not a known header — unmapped, and 客户名称 is missing
  await expect(dialog.getByTestId('import-step-mapping')).toBeVisible()
  await expect(dialog.getByTestId('import-unmapped-0')).toBeVisible()
  await expect(dialog.getByTestId('import-missing-required')).toContainText('客户名称')
  await expect(dialog.getByTestId('import-unmapped-1')).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/imports-mapping.png` })
  await pick(page, 'import-map-0', '客户名称 *')
  await expect(dialog.getByTestId('import-missing-required')).toHaveCount(0)
  await dialog.getByTestId('import-next').click()

  // the preview: the rows as they will be stored, the bad e-mail named
  const preview = dialog.getByTestId('import-preview-table')
  await expect(preview).toBeVisible()
  await expect(preview).toContainText('宁波导入向导模具有限公司')
  await expect(preview).toContainText('13812340001')
  await expect(dialog.getByTestId('import-preview-issues')).toContainText('电子邮件: 格式不正确')
  await page.screenshot({ path: `${SHOTS}/imports-preview.png` })
  await dialog.getByTestId('import-next').click()

  await expect(dialog.getByTestId('import-step-options')).toBeVisible()
  await dialog.getByTestId('import-start').click()
  await expect(dialog.getByTestId('import-summary')).toBeVisible({ timeout: 30_000 })
  await expect(dialog.getByTestId('import-imported')).toHaveText('2')
  await expect(dialog.getByTestId('import-rejected')).toHaveText('1')
  await expect(dialog.getByTestId('import-status')).toContainText('导入完成')
  await page.screenshot({ path: `${SHOTS}/imports-summary.png` })

  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('import-error-report').click()])
  expect(download.suggestedFilename()).toBe('客户资料_错误报告.xlsx')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(await download.path())
  const ws = wb.worksheets[0]!
  expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['单位全称', '联系人', '手机', '电子邮件1', '备注', '错误原因'])
  expect(ws.rowCount).toBe(2)
  expect(ws.getRow(2).getCell(1).value).toBe('温州导入向导鞋业有限公司')
  expect(ws.getRow(2).getCell(3).value).toBe('13812340002')
  expect(String(ws.getRow(2).getCell(6).value)).toContain('电子邮件：格式不正确')

  await dialog.getByTestId('import-close').click()
  await page.getByTestId('customer-search').fill('导入向导')
  await page.getByTestId('customer-search').press('Enter')
  await expect(page.locator('.el-table__body tr')).toHaveCount(2)
})
