// 锁屏 and 全局搜索 end to end (real Chromium against `crm serve`, zh-CN):
// the idle timeout (a fake page clock) locks the screen; while locked the DOM holds no customer
// names and main refuses the session's calls; a wrong password counts toward the lockout; the
// right one returns to the same page; Ctrl+L locks at once, also across a reload. Ctrl+K finds a
// customer by pinyin initials and a contact by mobile, with the keyboard.
import path from 'node:path'
import Database from 'better-sqlite3'
import { expect, test, type Page } from '@playwright/test'
import { ADMIN, adminSession } from './helpers'

const CUSTOMER = '杭州锁屏测试科技有限公司'
const CONTACT = '欧阳锁屏'
const MOBILE = '13911112222'

test.describe.configure({ mode: 'serial' })

const dbFile = path.resolve('out/e2e-data/crm.sqlite')
function failedLogins(login: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return Number((db.prepare('select failed_logins from users where login = ?').get(login) as { failed_logins: number }).failed_logins)
  } finally {
    db.close()
  }
}

/** The whole document, hidden and teleported parts included. */
const html = (page: Page) => page.evaluate(() => document.documentElement.outerHTML)

/** An API call straight to main with the page's token and cookie. */
const callApi = (page: Page, area: string, call: string) =>
  page.evaluate(async ([a, c]) => {
    const token = document.querySelector('meta[name="crm-bridge-token"]')?.getAttribute('content') ?? ''
    const r = await fetch(`/api/${a}/${c}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CRM-Token': token }, body: '{}' })
    return r.json()
  }, [area, call])

async function expectLocked(page: Page) {
  await expect(page.getByTestId('lock-screen')).toBeVisible()
  await expect(page.getByTestId('lock-user-name')).toHaveText(ADMIN.name)
  await expect(page.getByTestId('side-menu')).toHaveCount(0)
  expect(await html(page)).not.toContain(CUSTOMER)
  expect(await html(page)).not.toContain(CONTACT)
}

async function unlock(page: Page, password = ADMIN.password) {
  await page.getByTestId('lock-password').fill(password)
  await page.getByTestId('lock-unlock').click()
}

test('idle timeout locks; nothing of the page stays; wrong passwords count; unlocking returns to the page', async ({ page }) => {
  await page.clock.install() // a fake clock that runs on its own until moved forward
  await adminSession(page)

  // a customer with a contact, and its card open
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill(CUSTOMER)
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await page.getByTestId('customer-tab-contacts').click()
  await page.getByTestId('contact-add').click()
  await page.getByTestId('contact-name').fill(CONTACT)
  await page.getByTestId('contact-mobile').fill(MOBILE)
  await page.getByTestId('contact-form-save').click()
  await expect(page.getByTestId('contacts-table')).toContainText(CONTACT)
  const cardUrl = page.url()
  expect(await html(page)).toContain(CUSTOMER)

  // nine minutes of nothing: still open; eleven: locked (default policy: 10 minutes)
  await page.clock.fastForward('09:00')
  await page.waitForTimeout(300)
  await expect(page.getByTestId('lock-screen')).toHaveCount(0)
  await page.clock.fastForward('02:00')
  await expectLocked(page)
  await page.screenshot({ path: 'test/e2e/screenshots/lock-screen.png' })

  // main refuses the locked session's calls
  const refused = await callApi(page, 'customers', 'list')
  expect(refused.ok).toBe(false)
  expect(refused.error.code).toBe('session_locked')

  // a wrong password is refused and counts toward the account lockout
  expect(failedLogins(ADMIN.login)).toBe(0)
  await unlock(page, 'not-my-password')
  await expect(page.getByTestId('lock-form')).toContainText('密码不正确')
  expect(failedLogins(ADMIN.login)).toBe(1)
  await expectLocked(page)

  // the right one: back on the same card, the count cleared
  await unlock(page)
  await expect(page.getByTestId('customer-card')).toBeVisible()
  expect(page.url()).toBe(cardUrl)
  await expect(page.getByTestId('customer-card')).toContainText(CUSTOMER)
  expect(failedLogins(ADMIN.login)).toBe(0)
})

test('Ctrl+L locks at once, also across a reload', async ({ page }) => {
  await adminSession(page)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-name-link').filter({ hasText: CUSTOMER }).click() // other specs' customers are listed too
  await expect(page.getByTestId('customer-card')).toContainText(CUSTOMER)
  const cardUrl = page.url()
  await page.keyboard.press('Control+l')
  await expectLocked(page)
  await page.reload()
  await expectLocked(page)
  await unlock(page)
  await expect(page.getByTestId('customer-card')).toContainText(CUSTOMER)
  expect(page.url()).toBe(cardUrl)
  // the user menu offers it too
  await page.getByTestId('user-menu-button').click()
  await page.getByTestId('menu-lock').click()
  await expectLocked(page)
  await page.getByTestId('lock-logout').click()
  await expect(page.getByTestId('login-form')).toBeVisible()
})

test('Ctrl+K finds a customer by pinyin initials and a contact by mobile, with the keyboard', async ({ page }) => {
  await adminSession(page)
  await page.keyboard.press('Control+k')
  const box = page.getByTestId('global-search-input')
  await expect(box).toBeFocused()
  await expect(page.getByTestId('global-search')).toContainText('输入客户名称')
  await box.fill('hzsp') // 杭州锁屏… → h z s p
  const hits = page.getByTestId('search-hit')
  await expect(hits.first()).toContainText(CUSTOMER)
  await expect(hits.first()).toHaveAttribute('data-kind', 'customer')
  await expect(hits.first()).toContainText('拼音')
  await page.screenshot({ path: 'test/e2e/screenshots/global-search.png' })
  await box.press('Enter')
  await expect(page.getByTestId('customer-card')).toContainText(CUSTOMER)
  await expect(page.getByTestId('global-search')).toBeHidden()

  // by the middle of a mobile number; ↓ moves to the contact, Enter opens its customer's contacts
  await page.getByTestId('global-search-open').click()
  await box.fill('锁屏')
  await expect(page.locator('[data-testid="search-hit"][data-kind="contact"]')).toContainText(CONTACT)
  await box.fill(MOBILE.slice(3, 9))
  await expect(hits).toHaveCount(2) // the contact, and its customer through the contact's mobile
  await expect(hits.first()).toHaveAttribute('data-kind', 'contact')
  await box.press('ArrowDown')
  await expect(hits.nth(1)).toHaveClass(/active/)
  await box.press('ArrowUp')
  await expect(hits.first()).toHaveClass(/active/)
  await box.press('Enter')
  await expect(page.getByTestId('contacts-table')).toContainText(CONTACT)

  // nothing found says so
  await page.keyboard.press('Control+k')
  await box.fill('zzqxwv')
  await expect(page.getByTestId('global-search-empty')).toBeVisible()
  await box.press('Escape')
  await expect(page.getByTestId('global-search')).toBeHidden()
})
