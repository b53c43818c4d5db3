// Shared steps for the end-to-end specs (real Chromium against `crm serve`).
import { expect, type Page } from '@playwright/test'

export const ADMIN = { login: 'admin', name: '系统管理员', password: 'Admin12345' }

/** Creates the administrator on a fresh database, or logs in when it already exists. */
export async function adminSession(page: Page) {
  await page.goto('/')
  await expect(page.getByTestId('setup-form').or(page.getByTestId('login-form'))).toBeVisible()
  if (await page.getByTestId('setup-form').isVisible()) {
    await page.getByTestId('setup-login').fill(ADMIN.login)
    await page.getByTestId('setup-name').fill(ADMIN.name)
    await page.getByTestId('setup-password').fill(ADMIN.password)
    await page.getByTestId('setup-confirm').fill(ADMIN.password)
    await page.getByTestId('setup-submit').click()
  } else {
    await login(page, ADMIN.login, ADMIN.password)
  }
  await expect(page.getByTestId('current-user-name')).toHaveText(ADMIN.name)
}

/** Calls the bridge API as the page's signed-in user; fails the test (naming the call and the error) when refused. */
export async function api<T = unknown>(page: Page, area: string, call: string, data: unknown): Promise<T> {
  const token = await page.locator('meta[name="crm-bridge-token"]').getAttribute('content')
  const res = await page.request.post(`/api/${area}/${call}`, { headers: { 'X-CRM-Token': token ?? '' }, data })
  const body = await res.json()
  expect(body.ok, `${area}.${call}: ${JSON.stringify(body.error ?? '')}`).toBe(true)
  return body.data as T
}

/** The role ids by role code, e.g. `const role = await roleIds(page); role('manager')`. */
export async function roleIds(page: Page): Promise<(code: string) => string> {
  const roles = await api<Array<{ id: string; code: string }>>(page, 'roles', 'list', {})
  return (code) => {
    const found = roles.find((r) => r.code === code)
    if (!found) throw new Error(`no role ${code}`)
    return found.id
  }
}

export async function login(page: Page, user: string, password: string) {
  await page.getByTestId('login-username').fill(user)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

export async function logout(page: Page) {
  await page.getByTestId('user-menu-button').click()
  await page.getByTestId('menu-logout').click()
  await confirmBox(page)
  await expect(page.getByTestId('login-form')).toBeVisible()
}

/** Picks an option of an Element Plus select identified by its test id. */
export async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

/** Confirms an Element Plus message box (确认删除? / 退出登录?). */
export async function confirmBox(page: Page) {
  // the newest box is the last one (a box just closed may still be fading out)
  await page.locator('.el-message-box .el-message-box__btns .el-button--primary').last().click()
}
