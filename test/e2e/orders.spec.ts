// Issue 9 (orders half) end to end, zh-CN: a 客户经理 creates an order with two lines from the
// customer card (a catalogue product and a free-text line, totals to the cent) and submits it;
// the 销售主管 approves it with a comment; the manager ships it and records the payment in two
// parts (a third, too large one is refused) → the customer's 交易金额 / 交易次数, the 历史订单 tab,
// the 回款 list and the manager's target progress follow. The A4 order sheet prints.
// The admin makes the staff, products, customer and target through the API; the rest is UI.
import { expect, test, type Page } from '@playwright/test'
import { adminSession, api, confirmBox, login, logout, roleIds } from './helpers'

const CUSTOMER = '广州鑫源精密制造有限公司'
const PASSWORD = 'Secret12345'
const MANAGER = { login: 'lijingli', name: '李经理' }
const SUPERVISOR = { login: 'zhouzhuguan', name: '周主管' }
// line 1: 2 × ¥12,500.00 at 5 % = ¥23,750.00; line 2: 1.5 × ¥3,333.33 = 4,999.995 → ¥5,000.00 (half up)
const TOTAL = '¥28,750.00'

/** Calls the app's API with the page's session and bridge token (the browser mode's /api bridge). */

/** The <input> of an Element Plus field carrying the test id (on the input itself or its wrapper). */
const inputOf = (page: Page, testId: string) => page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first()

async function typeInto(page: Page, testId: string, value: string) {
  const input = inputOf(page, testId)
  await input.fill(value)
  await input.blur()
}

/** This month's first day on the Shanghai wall clock (the browser's zone). */
function monthStart(): string {
  const wall = new Date(Date.now() + 8 * 3600_000)
  return `${wall.getUTCFullYear()}-${String(wall.getUTCMonth() + 1).padStart(2, '0')}-01`
}

test.describe.configure({ mode: 'serial' })

test('manager creates a two-line order, supervisor approves, shipped and paid in two parts → 交易金额 and target progress', async ({ page }) => {
  test.setTimeout(180_000)
  await adminSession(page)

  // ---- set-up through the API, as the admin -----------------------------------------------
  const roleId = await roleIds(page)
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '华南销售一部' })
  const manager = await api<{ id: string }>(page, 'users', 'create', { login: MANAGER.login, name: MANAGER.name, password: PASSWORD, roleId: roleId('manager'), teamId: team.id })
  await api(page, 'users', 'create', { login: SUPERVISOR.login, name: SUPERVISOR.name, password: PASSWORD, roleId: roleId('supervisor'), teamId: team.id })
  await api(page, 'products', 'create', { code: 'SRV-R740', name: '机架式服务器', model: 'R740 2U 双路', unit: '台', priceCents: 1_250_000 })
  await api(page, 'products', 'create', { code: 'UPS-3K', name: '不间断电源', model: 'C3KS 3000VA', unit: '台', priceCents: 420_000 })
  const customer = await api<{ id: string }>(page, 'customers', 'create', { name: CUSTOMER, ownerId: manager.id, address: '广州市黄埔区科学大道 88 号' })
  await api(page, 'targets', 'save', { userId: manager.id, periodType: 'month', periodStart: monthStart(), amountCents: 5_000_000 })
  await logout(page)

  // ---- the manager: a new order from the customer card ------------------------------------------
  await login(page, MANAGER.login, PASSWORD)
  await expect(page.getByTestId('current-user-name')).toHaveText(MANAGER.name)
  await page.goto(`/#/customers/${customer.id}`)
  await expect(page.getByTestId('customer-figure-orderTotalCents')).toContainText('¥0.00')
  await page.getByTestId('customer-tab-orders').click()
  await expect(page.getByTestId('customer-orders')).toContainText('该客户还没有订单')
  await page.getByTestId('customer-order-new').click()
  const form = page.getByTestId('order-form-dialog')
  await expect(form).toBeVisible()
  await expect(inputOf(page, 'order-address')).toHaveValue('广州市黄埔区科学大道 88 号') // from the customer

  // the form checks before sending: an empty line is named
  await page.getByTestId('order-form-save').click()
  await expect(form).toContainText('第 1 行：请选择产品或输入产品名称')

  // line 1: a catalogue product found by pinyin initials, 2 台 at 5 % off
  await page.getByTestId('order-line-0-product').click()
  await page.keyboard.type('jjsfwq')
  await page.getByRole('option', { name: /机架式服务器/ }).click()
  await expect(inputOf(page, 'order-line-0-name')).toHaveValue('机架式服务器')
  await expect(inputOf(page, 'order-line-0-model')).toHaveValue('R740 2U 双路')
  await expect(inputOf(page, 'order-line-0-price')).toHaveValue('12500.00')
  await typeInto(page, 'order-line-0-quantity', '2')
  await typeInto(page, 'order-line-0-discount', '5')
  await expect(page.getByTestId('order-line-0-total')).toHaveText('¥23,750.00')

  // line 2: free text, 1.5 at ¥3,333.33 → 4,999.995 rounds half up to ¥5,000.00
  await page.getByTestId('order-add-line').click()
  await typeInto(page, 'order-line-1-name', '现场安装调试服务')
  await typeInto(page, 'order-line-1-unit', '人天')
  await typeInto(page, 'order-line-1-quantity', '1.5')
  await typeInto(page, 'order-line-1-price', '3333.33')
  await expect(page.getByTestId('order-line-1-total')).toHaveText('¥5,000.00')
  await expect(page.getByTestId('order-form-total')).toHaveText(TOTAL)
  await page.screenshot({ path: 'test/e2e/screenshots/order-form.png' })
  await page.getByTestId('order-form-save').click()

  // the order: a numbered draft with the server's totals
  await expect(page.getByTestId('order-detail')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText(/^DD-\d{4}-\d{6}$/)
  const code = (await page.getByTestId('page-title').textContent())!.trim()
  await expect(page.getByTestId('order-status')).toHaveText('草稿')
  await expect(page.getByTestId('order-total')).toHaveText(TOTAL)
  await expect(page.getByTestId('order-approve')).toHaveCount(0) // never one's own order
  await page.getByTestId('order-submit').click()
  await confirmBox(page)
  await expect(page.getByTestId('order-status')).toHaveText('待审批')
  await expect(page.getByTestId('order-edit')).toHaveCount(0) // lines fixed once submitted
  await logout(page)

  // ---- the supervisor approves it with a comment -------------------------------------------------------
  await login(page, SUPERVISOR.login, PASSWORD)
  await expect(page.getByTestId('current-user-name')).toHaveText(SUPERVISOR.name)
  await page.getByTestId('menu-orders').click()
  await expect(page.getByTestId('order-table')).toBeVisible()
  await inputOf(page, 'order-search').fill('xyjm') // pinyin of 鑫源精密
  await expect(page.getByTestId('order-code-link')).toHaveCount(1)
  await expect(page.getByTestId('order-sums')).toContainText('成交金额 ¥0.00') // pending: not a sale yet
  await page.screenshot({ path: 'test/e2e/screenshots/order-list.png' })
  await page.getByTestId('order-code-link').click()
  await expect(page.getByTestId('order-status')).toHaveText('待审批')
  await page.getByTestId('order-approve').click()
  await page.locator('textarea[data-testid="order-comment"], [data-testid="order-comment"] textarea').first().fill('价格在授权范围内，同意')
  await page.getByTestId('order-comment-confirm').click()
  await expect(page.getByTestId('order-status')).toHaveText('已审批')
  await expect(page.getByTestId('order-review')).toContainText('已审批通过')
  await expect(page.getByTestId('order-review-comment')).toContainText('价格在授权范围内，同意')
  await expect(page.getByTestId('order-outstanding')).toHaveText(TOTAL)
  await logout(page)

  // ---- the manager ships it and records the money in two parts ----------------------------------------------
  await login(page, MANAGER.login, PASSWORD)
  await expect(page.getByTestId('current-user-name')).toHaveText(MANAGER.name)
  await page.getByTestId('menu-orders').click()
  await page.getByTestId('order-code-link').filter({ hasText: code }).click() // other specs' orders may be listed too
  await expect(page.getByTestId('page-title')).toHaveText(code)
  await page.getByTestId('order-ship').click()
  await confirmBox(page)
  await expect(page.getByTestId('order-status')).toHaveText('已发货')

  const payDialog = page.getByTestId('payment-form-dialog')
  await page.getByTestId('payment-new').click()
  await expect(payDialog).toContainText(`当前应收 ${TOTAL}`)
  await typeInto(page, 'payment-amount', '10000')
  await page.getByTestId('payment-form-save').click()
  await expect(payDialog).toBeHidden()
  await expect(page.getByTestId('order-received')).toHaveText('¥10,000.00')
  await expect(page.getByTestId('order-outstanding')).toHaveText('¥18,750.00')

  // more than is outstanding: refused before it is sent
  await page.getByTestId('payment-new').click()
  await typeInto(page, 'payment-amount', '20000')
  await page.getByTestId('payment-form-save').click()
  await expect(payDialog).toContainText('回款金额不能超过应收 ¥18,750.00')
  await typeInto(page, 'payment-amount', '18750')
  await page.getByTestId('payment-form-save').click()
  await expect(payDialog).toBeHidden()
  await expect(page.getByTestId('order-received')).toHaveText(TOTAL)
  await expect(page.getByTestId('order-outstanding')).toHaveText('¥0.00')
  await expect(page.getByTestId('payment-table').locator('tbody tr')).toHaveCount(2)
  await expect(page.getByTestId('payment-new')).toHaveCount(0) // nothing left to receive
  await page.screenshot({ path: 'test/e2e/screenshots/order-detail.png', fullPage: true })

  // ---- the customer's figures, its 历史订单 tab and the 回款 records ---------------------------------------------
  await page.getByTestId('order-customer-link').click()
  await expect(page.getByTestId('customer-figure-orderTotalCents')).toContainText(TOTAL)
  await expect(page.getByTestId('customer-figure-orderCount')).toContainText('1')
  await page.getByTestId('customer-tab-orders').click()
  await expect(page.getByTestId('customer-order-link')).toHaveText(code)
  await expect(page.getByTestId('customer-outstanding')).toHaveText('¥0.00')
  await page.screenshot({ path: 'test/e2e/screenshots/customer-orders-tab.png' })
  await page.getByTestId('menu-payments').click()
  await page.getByTestId('payments-tab-payments').click()
  await expect(page.getByTestId('payments-sums')).toContainText(`回款合计 ${TOTAL}`)
  await expect(page.getByTestId('payments-table').locator('tbody tr')).toHaveCount(2)

  // ---- target progress: this month's 销售业绩 ------------------------------------------------------------
  await page.getByTestId('menu-targets').click()
  await expect(page.getByTestId('performance-table')).toBeVisible()
  await expect(page.getByTestId('performance-actual')).toHaveText(TOTAL)
  await expect(page.getByTestId('performance-table')).toContainText(MANAGER.name)
  await expect(page.getByTestId('performance-progress-user')).toContainText('57.5%') // 28,750 of 50,000
  await page.getByTestId('target-basis').getByText('按回款').click()
  await expect(page.getByTestId('performance-actual')).toHaveText(TOTAL)
  await page.screenshot({ path: 'test/e2e/screenshots/targets.png', fullPage: true })

  // ---- the A4 order sheet ------------------------------------------------------------------------------
  await page.getByTestId('menu-orders').click()
  await page.getByTestId('order-code-link').filter({ hasText: code }).click() // other specs' orders may be listed too
  await page.getByTestId('order-print').click()
  await expect(page.getByTestId('order-sheet')).toBeVisible()
  await expect(page.getByTestId('sheet-code')).toHaveText(code)
  await expect(page.getByTestId('sheet-total')).toHaveText(TOTAL)
  await expect(page.getByTestId('sheet-upper')).toContainText('人民币贰万捌仟柒佰伍拾元整')
  await expect(page.getByTestId('print-pdf')).toHaveCount(0) // the browser prints; PDF is the desktop app's
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('print-print')).toBeHidden()
  await page.screenshot({ path: 'test/e2e/screenshots/order-sheet-print.png', fullPage: true })
  await page.emulateMedia({ media: 'screen' })
  await page.getByTestId('print-back').click()
  await expect(page.getByTestId('order-detail')).toBeVisible()
})
