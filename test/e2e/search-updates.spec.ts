// 全局搜索 finds orders, and 软件更新 in the browser mode, end to end (real Chromium against
// `crm serve`, zh-CN): Ctrl+K finds an order by its customer's name and by its number, the
// keyboard moves to it and Enter opens it; the user menu's 检查更新 says the browser mode has no
// desktop updates; an administrator sets the update server in 偏好设置 (a bad address is refused,
// a good one is kept).
import { expect, test, type Page } from '@playwright/test'
import { adminSession } from './helpers'

const CUSTOMER = '宁波订单搜索测试精工机械'

test.describe.configure({ mode: 'serial' })

/** An API call straight to main with the page's token and cookie. */
const callApi = (page: Page, area: string, call: string, input: unknown) =>
  page.evaluate(async ([a, c, body]) => {
    const token = document.querySelector('meta[name="crm-bridge-token"]')?.getAttribute('content') ?? ''
    const r = await fetch(`/api/${a}/${c}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CRM-Token': token }, body: JSON.stringify(body) })
    const j = await r.json()
    if (!j.ok) throw new Error(`${a}.${c}: ${JSON.stringify(j.error)}`)
    return j.data
  }, [area, call, input] as const)

test('Ctrl+K finds an order by its customer and by its number; ↓ and Enter open it', async ({ page }) => {
  await adminSession(page)
  const customer = await callApi(page, 'customers', 'create', { name: CUSTOMER })
  const order = await callApi(page, 'orders', 'create', { customerId: customer.id, orderDate: '2026-11-20', lines: [{ productName: '数控铣床主轴', quantity: 2, unitPriceCents: 1_250_000 }] })

  await page.keyboard.press('Control+k')
  const box = page.getByTestId('global-search-input')
  await box.fill('宁波订单搜索')
  const orderHit = page.locator('[data-testid="search-hit"][data-kind="order"]')
  await expect(orderHit).toHaveCount(1)
  await expect(orderHit).toContainText(CUSTOMER)
  await expect(orderHit).toContainText(`${order.code} · 2026-11-20`)
  await expect(page.getByTestId('global-search')).toContainText('订单')
  await page.screenshot({ path: 'test/e2e/screenshots/global-search-orders.png' })
  // the customer comes first (its own name), the order next: ↓ then Enter opens the order
  const hits = page.getByTestId('search-hit')
  await expect(hits.first()).toHaveAttribute('data-kind', 'customer')
  await box.press('ArrowDown')
  await expect(hits.nth(1)).toHaveClass(/active/)
  await expect(hits.nth(1)).toHaveAttribute('data-kind', 'order')
  await box.press('Enter')
  await expect(page.getByTestId('order-detail')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText(order.code)

  // by its sequence digits (without DD- and the year)
  await page.goto('/#/customers')
  await page.keyboard.press('Control+k')
  await box.fill(order.code.slice(-6))
  await expect(orderHit.first()).toContainText(order.code)
  await expect(orderHit.first()).toContainText('编号')
  await box.press('Escape')
})

test('检查更新 in the browser mode says why there is nothing to update; the administrator sets the update server', async ({ page }) => {
  await adminSession(page)
  await page.getByTestId('user-menu-button').click()
  await page.getByTestId('menu-updates').click()
  const dialog = page.getByTestId('update-dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('update-status')).toHaveAttribute('data-status', 'disabled')
  await expect(page.getByTestId('update-disabled')).toContainText('浏览器模式没有桌面程序更新')
  await expect(dialog).toContainText('当前版本')
  await expect(dialog.getByTestId('update-download')).toHaveCount(0)
  await page.screenshot({ path: 'test/e2e/screenshots/update-dialog-browser.png' })
  await dialog.getByRole('button', { name: '关闭', exact: true }).click()
  await expect(dialog).toBeHidden()

  // 偏好设置 → 软件更新: a bad address is refused, a good one kept. The saved settings arrive
  // late on purpose (held 1.5 s): the form stays disabled until then, so what is typed first is
  // neither lost nor overwritten by them (the dialog used to take input at once and then replace
  // it with the settings read — the typed address was gone and a blank one saved).
  await page.route('**/api/system/updateSettings', async (route) => {
    await new Promise((r) => setTimeout(r, 1500))
    await route.continue()
  })
  await page.getByTestId('user-menu-button').click()
  await page.getByTestId('menu-prefs').click()
  const prefs = page.getByTestId('prefs-dialog')
  await expect(prefs).toContainText('软件更新')
  await expect(page.getByTestId('prefs-update-url')).toBeDisabled()
  await page.getByTestId('prefs-update-url').fill('ftp://updates') // waits until the form is enabled
  await expect(prefs.locator('form')).toHaveAttribute('data-loaded', 'true')
  await expect(page.getByTestId('prefs-update-url')).toHaveValue('ftp://updates')
  await page.unroute('**/api/system/updateSettings')
  await page.getByTestId('prefs-save').click()
  await expect(prefs).toBeVisible()
  await expect(prefs.locator('.el-form-item__error')).toContainText('更新服务器地址')
  await expect(prefs.locator('.el-form-item__error')).toContainText('https://')
  await page.getByTestId('prefs-update-url').fill('https://updates.example.com/crm/')
  await page.getByTestId('prefs-update-on-start').click() // off
  await page.screenshot({ path: 'test/e2e/screenshots/prefs-updates.png' })
  await page.getByTestId('prefs-save').click()
  await expect(prefs).toBeHidden()
  expect(await callApi(page, 'system', 'updateSettings', {})).toEqual({ url: 'https://updates.example.com/crm/', checkOnStart: false })
  await page.getByTestId('user-menu-button').click()
  await page.getByTestId('menu-prefs').click()
  await expect(page.getByTestId('prefs-update-url')).toHaveValue('https://updates.example.com/crm/')
})
