// Issue 2 end to end: first-run setup, login, customers and contacts, audit history,
// pinyin search, delete, and a 客户经理 who sees only own customers. zh-CN UI.
import { expect, test } from '@playwright/test'
import { ADMIN, adminSession, confirmBox, login, logout, pick } from './helpers'

const NAME = '广州市人易软件技术有限公司'

test.describe.configure({ mode: 'serial' })

test('setup, wrong password, customer card with contacts and history, pinyin search, delete', async ({ page }) => {
  await adminSession(page)

  // wrong password shows a translated message, then the right one logs in
  await logout(page)
  await login(page, ADMIN.login, 'not-the-password')
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误')
  await page.getByTestId('login-password').fill(ADMIN.password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('current-user-name')).toHaveText(ADMIN.name)
  // the sidebar lists its entries under section titles: 客户 under 客户与跟进, 订单 under 销售
  await expect(page.getByTestId('menu-section-customers')).toHaveText('客户与跟进')
  await expect(page.getByTestId('menu-section-sales')).toHaveText('销售')
  await expect(page.locator('[data-testid="menu-section-sales"] ~ [data-testid="menu-orders"]')).toHaveCount(1)
  await expect(page.locator('[data-testid="menu-section-sales"] ~ [data-testid="menu-customers"]')).toHaveCount(0)

  // empty list says what to do
  await page.getByTestId('menu-customers').click()
  await expect(page.getByTestId('customer-empty-new')).toBeVisible()

  // create a customer with a Chinese name and dictionary fields; the form validates first
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-form-dialog')).toContainText('请输入客户名称')
  await page.getByTestId('customer-name').fill(NAME)
  await page.getByTestId('customer-shortName').fill('人易软件')
  await pick(page, 'customer-industryId', '信息技术')
  await pick(page, 'customer-levelId', '重要客户')
  await page.getByTestId('customer-form-tab-contact').click()
  await pick(page, 'customer-regionId', '华南')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await expect(page.getByTestId('customer-code')).toHaveText(/^KH-\d{4}-\d{6}$/)
  await expect(page.getByTestId('customer-summary')).toContainText('重要客户')

  // find it by pinyin initials
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('gzry')
  await expect(page.getByTestId('customer-name-link')).toHaveCount(1)
  await expect(page.getByTestId('customer-name-link')).toHaveText(NAME)
  await page.getByTestId('customer-search').fill('zzzz-no-such')
  await expect(page.getByTestId('customer-empty-clear')).toBeVisible()
  await page.getByTestId('customer-empty-clear').click()
  await expect(page.getByTestId('customer-name-link')).toHaveCount(1)
  await page.reload()
  await expect(page.getByTestId('customer-name-link')).toBeVisible()
  await page.screenshot({ path: 'test/e2e/screenshots/customer-list.png' })

  // edit it
  await page.getByTestId('customer-name-link').click()
  await page.getByTestId('customer-edit').click()
  await page.getByTestId('customer-form-tab-contact').click()
  await page.getByTestId('customer-phone').fill('020-87654321')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-form-dialog')).toBeHidden()
  await page.getByTestId('customer-tab-contact').click()
  await expect(page.getByTestId('customer-pane-contact')).toContainText('020-87654321')

  // two contacts; the first becomes the primary contact
  await page.getByTestId('customer-tab-contacts').click()
  for (const [name, mobile] of [['张伟', '13800138000'], ['李娜', '13900139000']]) {
    await page.getByTestId('contact-add').click()
    await page.getByTestId('contact-name').fill(name)
    await page.getByTestId('contact-mobile').fill(mobile)
    await page.getByTestId('contact-form-save').click()
    await expect(page.getByTestId('contact-form-dialog')).toBeHidden()
  }
  const contacts = page.getByTestId('contacts-table')
  await expect(contacts).toContainText('张伟')
  await expect(contacts).toContainText('李娜')
  await expect(page.getByTestId('contact-primary-tag')).toHaveCount(1)
  await expect(contacts.locator('tr', { hasText: '张伟' }).getByTestId('contact-primary-tag')).toHaveCount(1)

  // history: create, the phone change old → new, and both contacts
  await page.getByTestId('customer-tab-history').click()
  const history = page.getByTestId('audit-timeline')
  await expect(history).toContainText('020-87654321')
  await expect(history).toContainText('张伟')
  await expect(history).toContainText('李娜')
  await expect(page.getByTestId('audit-entry')).toHaveCount(4)
  await page.screenshot({ path: 'test/e2e/screenshots/customer-card.png' })

  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('李娜')
  await expect(page.getByTestId('customer-name-link')).toHaveText(NAME)
  await page.getByTestId('customer-search').fill('')

  // delete with confirmation (the cleared search may already list other specs' customers)
  await page.getByTestId('customer-name-link').filter({ hasText: NAME }).click()
  await page.getByTestId('customer-delete').click()
  await expect(page.locator('.el-message-box')).toContainText('确认删除')
  await confirmBox(page)
  await expect(page.getByTestId('customer-empty-new')).toBeVisible()
})

test('a 客户经理 sees only own customers', async ({ page }) => {
  await adminSession(page)
  // the admin owns one customer
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill('深圳市华强电子有限公司')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()

  // create an account manager through the users screen
  await page.goto('/#/admin/users')
  await page.getByTestId('users-create').click()
  await page.getByTestId('user-login').fill('jingli')
  await page.getByTestId('user-name').fill('王经理')
  await page.getByTestId('user-password').fill('Manager123')
  await page.getByTestId('user-confirm').fill('Manager123')
  await pick(page, 'user-role', '客户经理')
  await page.getByTestId('user-save').click()
  await expect(page.getByTestId('users-table')).toContainText('jingli')
  await logout(page)

  await login(page, 'jingli', 'Manager123')
  await expect(page.getByTestId('current-user-name')).toHaveText('王经理')
  await page.getByTestId('menu-customers').click()
  await expect(page.getByTestId('customer-empty-new')).toBeVisible()
  await expect(page.getByTestId('menu-users')).toHaveCount(0)
  await expect(page.getByTestId('menu-database')).toHaveCount(0)

  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill('杭州西湖贸易有限公司')
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await page.getByTestId('menu-customers').click()
  await expect(page.getByTestId('customer-name-link')).toHaveCount(1)
  await expect(page.getByTestId('customer-name-link')).toHaveText('杭州西湖贸易有限公司')
  await page.getByTestId('customer-search').fill('华强')
  await expect(page.getByTestId('customer-name-link')).toHaveCount(0)
})
