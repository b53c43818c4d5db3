// 备份与恢复 end to end (Chromium against `crm serve` on SQLite, zh-CN): 立即备份 lists the
// backup; a damaged file is refused with a clear message; 恢复 after a confirmation brings back
// the data as it was (a customer added afterwards is gone) and the app reloads.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { adminSession, confirmBox } from './helpers'

test.describe.configure({ mode: 'serial' })

async function newCustomer(page: import('@playwright/test').Page, name: string) {
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill(name)
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
}

test('back up now, refuse a damaged file, restore after confirming', async ({ page }) => {
  await adminSession(page)
  await newCustomer(page, '备份之前的客户')

  await page.getByTestId('menu-backup').click()
  await expect(page.getByTestId('page-title')).toHaveText('备份与恢复')
  await expect(page.getByTestId('backup-settings')).toContainText('每日自动备份')
  await page.getByTestId('backup-now').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '备份完成' })).toBeVisible()
  const rows = page.getByTestId('backup-table').locator('.el-table__body tr')
  await expect(rows.filter({ hasText: '手动' })).toHaveCount(1)
  await expect(rows.filter({ hasText: '手动' })).toContainText(/\d+ 个客户/) // other specs' customers too, when run after them
  await page.screenshot({ path: 'test/e2e/screenshots/backup-page.png', fullPage: true })

  // a damaged file: refused, with the reason
  const junk = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-junk-')), 'crm.sqlite')
  fs.writeFileSync(junk, 'not a database at all '.repeat(400))
  await page.getByTestId('backup-restore-path').fill(junk)
  await page.getByTestId('backup-restore-path-go').click()
  const refused = page.locator('.el-message--error').filter({ hasText: '不是可读取的数据库' })
  await expect(refused).toBeVisible()
  await expect(refused).toContainText('未做任何更改')

  // a customer added after the backup, then restore the backup: it is gone again
  await newCustomer(page, '备份之后的客户')
  await page.getByTestId('menu-backup').click()
  await rows.filter({ hasText: '手动' }).getByTestId('backup-restore').click()
  await expect(page.locator('.el-message-box').filter({ hasText: '恢复前会先自动备份当前数据' }).first()).toBeVisible()
  await confirmBox(page)
  await expect(page.locator('.el-message-box').filter({ hasText: '恢复完成' }).first()).toBeVisible()
  await confirmBox(page)
  await expect(page.getByTestId('page-title')).toHaveText('备份与恢复') // reloaded, still logged in
  await expect(rows.filter({ hasText: '恢复前' })).toHaveCount(1)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('备份')
  await expect(page.getByTestId('customer-name-link')).toHaveText(['备份之前的客户'])
})

test('exports an .xlsx archive of what the user may see', async ({ page }) => {
  await adminSession(page)
  await page.getByTestId('menu-backup').click()
  await page.getByTestId('backup-archive-export').click()
  await expect(page.getByTestId('backup-archive-done')).toContainText('.xlsx')
  await expect(page.getByTestId('backup-archive-done')).toContainText(/[1-9]\d* 个客户/)
})
