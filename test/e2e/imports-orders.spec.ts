// Issue 11, import of orders (zh-CN): a 销售主管 opens 导入 on the order list, uploads an ERP
// export (订单号、下单日期、客户名称、物料编码、数量、单价、折扣、订单状态 — all matched by name), sees the
// preview with the bad row's problem named, imports (no 更新已有记录 for orders), reads the
// summary, and finds the order on the list with its exact total. Makes all of its own data (its
// own team, login, customer and product; names unique to this spec).
import { expect, test, type Page } from '@playwright/test'
import ExcelJS from 'exceljs'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SUP = 'impord_zhuguan'
const SHOTS = 'test/e2e/screenshots'
const CUSTOMER = '常州订单导入向导机械有限公司'

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('销售订单')
  ws.addRow(['订单号', '下单日期', '客户名称', '物料编码', '数量', '单价', '折扣', '订单状态'])
  ws.addRow(['E2E-IMP-001', new Date(Date.UTC(2026, 10, 3)), CUSTOMER, 'E2E-IMP-GEAR', 4, 128.8, '95折', '已完成'])
  ws.addRow(['E2E-IMP-001', new Date(Date.UTC(2026, 10, 3)), CUSTOMER, 'E2E-IMP-GEAR', 1, 99.99, null, '已完成'])
  ws.addRow(['E2E-IMP-002', new Date(Date.UTC(2026, 10, 4)), '不存在的向导客户', 'E2E-IMP-GEAR', 2, null, null, '草稿'])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

test('a 销售主管 imports orders from a workbook: mapping by name, preview with the problem named, summary, the order on the list', async ({ page }) => {
  test.setTimeout(120_000)
  await adminSession(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '订单导入测试组' })
  const role = await roleIds(page)
  const sup = await api<{ id: string }>(page, 'users', 'create', { login: SUP, name: '订单导入主管', password: 'Supervisor123', roleId: role('supervisor'), teamId: team.id })
  await api(page, 'customers', 'create', { name: CUSTOMER, ownerId: sup.id, address: '常州市新北区' })
  await api(page, 'products', 'create', { code: 'E2E-IMP-GEAR', name: '导入向导齿轮箱', unit: '台', priceCents: 12_880 })
  await logout(page)

  await login(page, SUP, 'Supervisor123')
  await page.getByTestId('menu-orders').click()
  await expect(page.getByTestId('order-list')).toBeVisible()
  await page.getByTestId('order-import').click()
  const dialog = page.getByTestId('import-dialog')
  await expect(dialog).toContainText('导入订单')
  await expect(dialog.getByTestId('import-entity')).toContainText('订单（每行一个订单明细）')
  await dialog.getByTestId('import-file').setInputFiles({ name: 'ERP销售订单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await workbook() })
  await dialog.getByTestId('import-next').click()

  // every column matched by its name
  await expect(dialog.getByTestId('import-step-mapping')).toBeVisible()
  for (let i = 0; i < 8; i++) await expect(dialog.getByTestId(`import-unmapped-${i}`)).toHaveCount(0)
  await expect(dialog.getByTestId('import-missing-required')).toHaveCount(0)
  await page.screenshot({ path: `${SHOTS}/imports-orders-mapping.png` })
  await dialog.getByTestId('import-next').click()

  const preview = dialog.getByTestId('import-preview-table')
  await expect(preview).toBeVisible()
  await expect(preview).toContainText('E2E-IMP-001')
  await expect(preview).toContainText('5%')
  await expect(dialog.getByTestId('import-preview-issues')).toContainText('客户名称: 找不到客户「不存在的向导客户」')
  await page.screenshot({ path: `${SHOTS}/imports-orders-preview.png` })
  await dialog.getByTestId('import-next').click()

  await expect(dialog.getByTestId('import-step-options')).toBeVisible()
  const dup = dialog.getByTestId('import-on-duplicate')
  await expect(dup).toContainText('仍然新建（使用新的订单号）')
  await expect(dup).not.toContainText('更新已有记录')
  await expect(dialog.getByTestId('import-options-hint')).toContainText('同一订单号的多行合并为一张订单')
  await dialog.getByTestId('import-start').click()
  await expect(dialog.getByTestId('import-summary')).toBeVisible({ timeout: 30_000 })
  await expect(dialog.getByTestId('import-imported')).toHaveText('2')
  await expect(dialog.getByTestId('import-rejected')).toHaveText('1')
  await expect(dialog.getByTestId('import-status')).toContainText('导入完成')
  await expect(dialog.getByTestId('import-progress')).toHaveAttribute('aria-valuenow', '100')
  await page.waitForTimeout(800) // the bar's width transition
  await page.screenshot({ path: `${SHOTS}/imports-orders-summary.png` })
  await dialog.getByTestId('import-close').click()
  await expect(dialog).toBeHidden()

  // 4 × 128.80 × 0.95 = 489.44; 1 × 99.99 → 589.43
  const row = page.locator('.el-table__body tr', { hasText: 'E2E-IMP-001' })
  await expect(row).toBeVisible()
  await expect(row).toContainText(CUSTOMER)
  await expect(row).toContainText('589.43')
  await page.screenshot({ path: `${SHOTS}/imports-orders-list.png` })
})
