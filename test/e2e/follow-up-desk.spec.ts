// Issue 7 (item 4) end to end (zh-CN, Asia/Shanghai): a 交往记录 with a next follow-up later
// today shows in 日程 (month and week) with its system title rendered in Chinese; marking the
// follow-up 完成 in 待办中心 offers to write the 交往记录 at once, prefilled with the customer.
// Makes its own 客户经理 login and customer (unique names) through the API with the page's own
// session, and works as that user: other specs' reminder counts stay as they are.
import { expect, test, type Page } from '@playwright/test'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SHANGHAI_MS = 8 * 3600_000
const CUSTOMER = `深圳市日程测试电子有限公司${Date.now().toString(36).slice(-4)}`
const SUBJECT = '电话确认样品测试结果'
const REP = { login: `richeng${Date.now().toString(36).slice(-5)}`, name: '日程测试经理', password: 'Richeng12345' }

/** Today's date on the Shanghai wall clock, YYYY-MM-DD. */
const shanghaiToday = () => new Date(Date.now() + SHANGHAI_MS).toISOString().slice(0, 10)


test('a follow-up shows in 日程 in Chinese; done in 待办中心 offers the 交往记录 for its customer', async ({ page }) => {
  test.setTimeout(120_000)
  await adminSession(page)
  const role = await roleIds(page)
  await api(page, 'users', 'create', { ...REP, roleId: role('manager') })
  await logout(page)
  await login(page, REP.login, REP.password)
  await expect(page.getByTestId('current-user-name')).toHaveText(REP.name)
  const customer = await api<{ id: string }>(page, 'customers', 'create', { name: CUSTOMER })
  const channels = await api<Array<{ id: string; label: string }>>(page, 'dictionary', 'items', { typeCode: 'interaction_channel' })
  // 23:30 Shanghai today: still today, and ahead of any time the spec runs at (before 23:30)
  const followUp = new Date(Date.parse(`${shanghaiToday()}T23:30:00+08:00`))
  await api(page, 'interactions', 'create', {
    customerId: customer.id, channelId: channels[0]!.id, occurredAt: new Date(Date.now() - 3600_000).toISOString(), subject: SUBJECT,
    nextFollowUpAt: followUp.toISOString(),
  })
  const title = `跟进：${CUSTOMER} — ${SUBJECT}`

  // ---- 日程: month, then week ------------------------------------------------------------
  await page.getByTestId('menu-calendar').click()
  await expect(page.getByTestId('calendar-view')).toBeVisible()
  await page.getByTestId('calendar-mode-month').click()
  const todayCell = page.getByTestId(`calendar-day-${shanghaiToday()}`)
  await expect(todayCell.getByTestId('calendar-item').filter({ hasText: title })).toBeVisible()
  await expect(todayCell).toContainText('23:30')
  await page.screenshot({ path: 'test/e2e/screenshots/calendar-month.png' })
  await page.getByTestId('calendar-mode-week').click()
  await expect(page.getByTestId('calendar-week').getByTestId(`calendar-day-${shanghaiToday()}`).getByTestId('calendar-item').filter({ hasText: title })).toBeVisible()
  await page.screenshot({ path: 'test/e2e/screenshots/calendar-week.png' })

  // ---- 待办中心: done → 写交往记录, prefilled ---------------------------------------------------
  await page.getByTestId('menu-reminders').click()
  await expect(page.getByTestId('reminder-centre')).toBeVisible()
  await page.getByTestId('reminder-tab-today').click()
  const row = page.getByTestId('reminder-table').locator('tr').filter({ hasText: title })
  await expect(row).toBeVisible()
  await row.getByTestId('reminder-done').click()
  const prompt = page.locator('.record-prompt')
  await expect(prompt).toContainText(`要现在记下与“${CUSTOMER}”的这次联系吗？`)
  await page.screenshot({ path: 'test/e2e/screenshots/record-prompt.png' })
  await prompt.getByRole('button', { name: '写交往记录' }).click()
  const dialog = page.getByTestId('interaction-form-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText(CUSTOMER)
  await page.screenshot({ path: 'test/e2e/screenshots/record-after-done.png' })
  await page.getByTestId('interaction-form-cancel').click()
  await expect(dialog).toBeHidden()
  // the follow-up is done: gone from today, not counted
  await expect(page.getByTestId('reminder-table').locator('tr').filter({ hasText: title })).toHaveCount(0)
})
