// Issue 6 (3): the login page names no database location, and 系统设置 → 数据库连接 never shows a
// saved password — not in the URL field, not in the description, not anywhere on the page.
import { expect, test } from '@playwright/test'
import { adminSession, logout } from './helpers'

const SECRET = 'Qz7-e2e-Secret'

test.describe.configure({ mode: 'serial' })

test('the login page says only that the database answers', async ({ page }) => {
  await adminSession(page)
  await logout(page)
  await page.reload() // a clean login page, as after a start
  const foot = page.getByTestId('login-foot')
  await expect(foot).toContainText('数据库已连接')
  const text = await page.locator('body').innerText()
  for (const leak of ['sqlite', 'crm.sqlite', 'e2e-data', '127.0.0.1', 'postgres']) expect(text).not.toContain(leak)
  await page.screenshot({ path: 'test/e2e/screenshots/login.png' })
})

test('a PostgreSQL password given in the URL query is saved but never shown again', async ({ page }) => {
  await adminSession(page)
  await page.goto('/#/settings/database')
  await expect(page.getByTestId('db-current')).toContainText('sqlite:')
  await expect(page.getByTestId('db-file')).not.toHaveValue('')
  const sqliteFile = await page.getByTestId('db-file').inputValue()
  await page.getByTestId('db-dialect-postgres').click()
  await page.getByTestId('db-url').fill(`postgres://crm@db.example.cn:5432/crm?sslmode=require&password=${SECRET}`)
  await page.getByTestId('db-save').click()
  await expect(page.getByTestId('db-save-result')).toBeVisible()

  await page.reload()
  await expect(page.getByTestId('db-url')).toHaveValue('postgres://crm@db.example.cn:5432/crm?sslmode=require')
  await expect(page.getByTestId('db-url-password-kept')).toContainText('已保存的密码不会显示')
  await expect(page.getByTestId('db-current')).toContainText('db.example.cn')
  expect(await page.content()).not.toContain(SECRET)
  await page.waitForTimeout(500) // the radio buttons' transition
  await page.screenshot({ path: 'test/e2e/screenshots/db-settings.png' })

  // back to the SQLite file this run uses, so the next start opens it again
  await page.getByTestId('db-dialect-sqlite').click()
  await page.getByTestId('db-file').fill(sqliteFile)
  await page.getByTestId('db-save').click()
  await expect(page.getByTestId('db-save-result')).toBeVisible()
})
