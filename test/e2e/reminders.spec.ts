// Issue 3 end to end (zh-CN, Asia/Shanghai): a visit record with a next follow-up tomorrow
// becomes a reminder under 未来7天; the app clock (test hook) moves to its time → it is due
// (notification at start, sidebar badge), snooze, done; a customer with 联系策略 每周联系 not
// contacted for 9 days shows in 今日需联系客户. Makes all of its own data.
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { adminSession, pick } from './helpers'

const CUSTOMER = '上海浦东精密机械有限公司'
const POLICY_CUSTOMER = '成都天府电子科技有限公司'
const SUBJECT = '拜访采购部，讨论二期数控设备采购'
const ATTACHMENT_TEXT = '五轴加工中心 12 台\n交期：明年三月\n'
const SHANGHAI_MS = 8 * 3600_000 // the browser's zone (playwright.config: Asia/Shanghai, no DST)

/** `days` after today on the Shanghai wall clock, at hh:mm. */
function shanghaiAt(days: number, h: number, m = 0): Date {
  const wall = new Date(Date.now() + SHANGHAI_MS)
  return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + days, h, m) - SHANGHAI_MS)
}
/** "YYYY-MM-DD HH:mm" on the Shanghai wall clock, as the date pickers take it. */
const wallText = (d: Date) => new Date(d.getTime() + SHANGHAI_MS).toISOString().slice(0, 16).replace('T', ' ')
/** "YYYY/MM/DD" as the zh-CN UI shows a date. */
const uiDate = (d: Date) => wallText(d).slice(0, 10).replace(/-/g, '/')

/** Moves the server's clock (CRM_TEST_HOOKS=1) with the page's own session and bridge token. */
async function setClock(page: Page, now: Date | null) {
  const token = await page.locator('meta[name="crm-bridge-token"]').getAttribute('content')
  const res = await page.request.post('/api/settings/setClock', {
    headers: { 'X-CRM-Token': token ?? '' },
    data: { now: now ? now.toISOString() : null },
  })
  expect(await res.json()).toMatchObject({ ok: true })
}

async function createCustomer(page: Page, name: string, contactPolicy?: string) {
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill(name)
  if (contactPolicy) await pick(page, 'customer-contactPolicyId', contactPolicy)
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText(name)
}

async function openCentre(page: Page) {
  await page.getByTestId('menu-reminders').click()
  await expect(page.getByTestId('reminder-centre')).toBeVisible()
}

test('visit with next follow-up → reminder; clock moves: due, badge, snooze, done; 今日需联系客户', async ({ page }) => {
  test.setTimeout(120_000)
  await adminSession(page)
  const followUpAt = shanghaiAt(1, 10, 0)
  try {
    // ---- a customer with a contact -------------------------------------------------------
    await createCustomer(page, CUSTOMER)
    await page.getByTestId('customer-tab-contacts').click()
    await page.getByTestId('contact-add').click()
    await page.getByTestId('contact-name').fill('陈立明')
    await page.getByTestId('contact-form-save').click()
    await expect(page.getByTestId('contact-form-dialog')).toBeHidden()

    // ---- 交往记录: empty state; yesterday's call through the shortcut (Ctrl+Shift+F) ------
    await page.getByTestId('customer-tab-interactions').click()
    await expect(page.getByTestId('interaction-empty')).toContainText('记录交往')
    const dialog = page.getByTestId('interaction-form-dialog')
    await page.keyboard.press('Control+Shift+F')
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('interaction-customer-name')).toHaveText(CUSTOMER)
    await pick(page, 'interaction-channel', '电话')
    const occurred = page.getByTestId('interaction-occurredAt').locator('input')
    await occurred.fill(wallText(shanghaiAt(-1, 15, 30)))
    await occurred.press('Enter')
    await page.getByTestId('interaction-subject').fill('电话沟通二期设备的技术参数')
    await page.getByTestId('interaction-outcome').fill('客户希望当面详谈，约定明天上门拜访')
    await page.getByTestId('interaction-form-save').click()
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('interaction-entry')).toHaveCount(1)

    // ---- a visit record (拜访记录卡) with a promise and the next follow-up ----------------
    await page.getByTestId('interaction-add-visit').click()
    await expect(dialog).toBeVisible()
    await page.getByTestId('interaction-form-save').click()
    await expect(dialog).toContainText('请输入概要') // checked before anything is sent
    await expect(dialog).toContainText('陈立明') // the primary contact is preselected
    await page.getByTestId('interaction-place').fill('客户浦东工厂会议室')
    await page.getByTestId('interaction-subject').fill(SUBJECT)
    await page.getByTestId('interaction-detail').fill('采购部王经理介绍了二期扩产计划，预计需要 12 台五轴加工中心，预算已在审批中。')
    await page.getByTestId('interaction-outcome').fill('客户同意下周安排技术交流')
    await page.getByTestId('interaction-visitGoal').fill('确认二期采购预算和时间表')
    await dialog.getByText('已达成').click()
    await page.getByTestId('interaction-improvement').fill('下次带上技术工程师和样件')
    await page.getByTestId('interaction-promise-add').click()
    await page.getByTestId('interaction-promise-content').fill('周五前发送二期设备报价单')
    const followUp = page.getByTestId('interaction-nextFollowUpAt').locator('input')
    await followUp.click()
    await followUp.fill(wallText(followUpAt))
    await followUp.press('Enter')
    await page.getByTestId('interaction-form-save').click()
    await expect(dialog).toBeHidden()

    const entries = page.getByTestId('interaction-entry')
    await expect(entries).toHaveCount(2)
    await expect(entries.last()).toContainText('电话沟通二期设备的技术参数') // newest first
    const entry = entries.first()
    await expect(entry).toContainText(SUBJECT)
    await expect(entry).toContainText('拜访记录卡')
    await expect(entry).toContainText('陈立明')
    await expect(page.getByTestId('interaction-goal-met')).toHaveText('已达成')
    await expect(page.getByTestId('interaction-follow-up')).toContainText(wallText(followUpAt).replace(/-/g, '/'))
    await expect(page.getByTestId('interaction-follow-up')).toContainText('待跟进')

    // the promise is tracked until kept
    await page.getByTestId('interaction-promise-kept').click()
    await expect(page.getByTestId('interaction-promise')).toContainText('兑现')

    // an attachment, read in the browser and stored by the app
    await entry
      .getByTestId('attachment-upload')
      .locator('input[type=file]')
      .setInputFiles({ name: '二期设备需求清单.txt', mimeType: 'text/plain', buffer: Buffer.from(ATTACHMENT_TEXT) })
    await expect(page.getByTestId('interaction-attachment')).toContainText('二期设备需求清单.txt')
    const downloading = page.waitForEvent('download')
    await page.getByTestId('attachment-open').click()
    const file = await downloading
    expect(file.suggestedFilename()).toBe('二期设备需求清单.txt')
    expect(fs.readFileSync(await file.path(), 'utf8')).toBe(ATTACHMENT_TEXT)

    // the card header: 最近联系 today, 下次联系 tomorrow
    await expect(page.getByTestId('contact-summary-last')).toContainText(uiDate(new Date()))
    await expect(page.getByTestId('contact-summary-next')).toContainText(uiDate(followUpAt))
    await expect(page.locator('.el-message')).toHaveCount(0)
    await page.screenshot({ path: 'test/e2e/screenshots/timeline.png' })

    // ---- 交往记录 search across customers by text ------------------------------------------
    await page.getByTestId('menu-interactions').click()
    await page.getByTestId('interactions-search-text').fill('二期')
    await expect(page.getByTestId('interactions-row-subject')).toHaveCount(2)
    await page.getByTestId('interactions-search-text').fill('技术参数')
    await expect(page.getByTestId('interactions-row-subject')).toHaveCount(1)
    await expect(page.getByTestId('interactions-row-subject')).toHaveText('电话沟通二期设备的技术参数')

    // ---- 待办中心: the follow-up is under 未来7天, nothing due yet ------------------------
    await openCentre(page)
    await expect(page.getByTestId('reminder-count-upcoming')).toHaveText('1')
    await expect(page.getByTestId('reminders-badge')).toHaveCount(0)
    await page.getByTestId('reminder-tab-upcoming').click()
    await expect(page.getByTestId('reminder-customer-link')).toHaveText(CUSTOMER)
    await expect(page.getByTestId('reminder-source')).toHaveText('下次跟进')

    // ---- the clock reaches the follow-up: due at the next start, badge 1 -----------------
    await setClock(page, new Date(followUpAt.getTime() + 60_000))
    await page.reload()
    const note = page.getByTestId('reminder-notification')
    await expect(note).toBeVisible()
    await expect(note).toContainText(CUSTOMER)
    await expect(page.getByTestId('reminders-badge')).toHaveText('1')
    await expect(page.getByTestId('reminder-count-overdue')).toHaveText('1')
    await expect(page.getByTestId('reminder-count-upcoming')).toHaveText('0')

    // clicking the notification opens the customer
    await note.click()
    await expect(page.getByTestId('page-title')).toHaveText(CUSTOMER)
    await expect(page.getByTestId('contact-summary-overdue')).toHaveCount(0) // due today, not days overdue

    // ---- snooze 1 hour: back under 今日, still counted in the badge ---------------------
    await openCentre(page)
    await page.getByTestId('reminder-tab-overdue').click()
    await expect(page.getByTestId('reminder-title')).toHaveCount(1)
    // the system's title is stored as a key and values and rendered in the UI language
    await expect(page.getByTestId('reminder-title')).toHaveText(`跟进：${CUSTOMER} — ${SUBJECT}`)
    await page.getByTestId('reminder-snooze').last().click()
    await page.locator('[data-testid="snooze-1h"]:visible').click()
    await expect(page.locator('.el-message--success').filter({ hasText: '已推迟至' }).first()).toBeVisible()
    await expect(page.getByTestId('reminder-count-overdue')).toHaveText('0')
    await expect(page.getByTestId('reminder-count-today')).toHaveText('1')
    await expect(page.getByTestId('reminders-badge')).toHaveText('1')
    await page.getByTestId('reminder-tab-today').click()
    await expect(page.getByTestId('reminder-table')).toContainText('原定')

    // ---- done: the badge goes, it is listed under 已完成 ---------------------------------
    await page.getByTestId('reminder-done').click()
    // done on a follow-up offers the 交往记录 at once (issue 7): not now
    await page.locator('.record-prompt').getByRole('button', { name: '以后再说' }).click()
    await expect(page.locator('.record-prompt')).toBeHidden()
    await expect(page.getByTestId('reminder-count-today')).toHaveText('0')
    await expect(page.getByTestId('reminders-badge')).toHaveCount(0)
    await expect(page.getByTestId('reminder-count-done')).toHaveText('1')
    await page.getByTestId('reminder-tab-done').click()
    await expect(page.getByTestId('reminder-customer-link')).toHaveText(CUSTOMER)

    // ---- 联系策略 每周联系, nobody called for 9 days → 今日需联系客户 --------------------
    await createCustomer(page, POLICY_CUSTOMER, '每周联系')
    await setClock(page, shanghaiAt(10, 11, 0))
    await openCentre(page)
    const toContact = page.getByTestId('customer-to-contact')
    await expect(toContact.filter({ hasText: POLICY_CUSTOMER })).toHaveCount(1)
    await expect(toContact.filter({ hasText: POLICY_CUSTOMER }).getByTestId('customer-to-contact-overdue')).toContainText(/逾期 \d+ 天/)
    await expect(toContact.filter({ hasText: CUSTOMER })).toHaveCount(0) // no contact policy
    // 刷新 re-checks the policies at once: the 跟进提醒 for the customer is overdue
    await page.getByTestId('reminder-refresh').click()
    await page.getByTestId('reminder-tab-overdue').click()
    const policyRow = page.locator('.reminder-row').filter({ hasText: POLICY_CUSTOMER })
    await expect(policyRow).toHaveCount(1)
    await expect(policyRow.getByTestId('reminder-source')).toHaveText('跟进提醒')
    await expect(policyRow.getByTestId('reminder-title')).toHaveText(`跟进提醒：${POLICY_CUSTOMER}`)
    // in English mode the same reminders read in English
    await page.getByTestId('language-button').click()
    await page.getByTestId('lang-en-US').click()
    await expect(policyRow.getByTestId('reminder-title')).toHaveText(`Contact due: ${POLICY_CUSTOMER}`)
    await expect(policyRow.getByTestId('reminder-source')).toHaveText('Contact due')
    await page.screenshot({ path: 'test/e2e/screenshots/reminder-centre-en.png' })
    await page.getByTestId('language-button').click()
    await page.getByTestId('lang-zh-CN').click()
    await expect(policyRow.getByTestId('reminder-title')).toHaveText(`跟进提醒：${POLICY_CUSTOMER}`)

    // a manual reminder through 新建提醒 (checked before it is sent), repeating weekly
    await page.getByTestId('reminder-new').click()
    const form = page.getByTestId('reminder-form-dialog')
    await page.getByTestId('reminder-form-save').click()
    await expect(form).toContainText('请输入标题')
    await page.getByTestId('reminder-title-input').fill('给陈立明回电话确认报价')
    const due = page.getByTestId('reminder-dueAt').locator('input')
    await due.click()
    await due.fill(wallText(shanghaiAt(10, 9, 30)))
    await due.press('Enter')
    await pick(page, 'reminder-repeat', '每周')
    await page.getByTestId('reminder-customer').click()
    await page.keyboard.type('浦东')
    await page.getByRole('option', { name: new RegExp(CUSTOMER) }).click()
    await page.getByTestId('reminder-form-save').click()
    await expect(form).toBeHidden()
    const manualRow = page.locator('.reminder-row').filter({ hasText: '给陈立明回电话确认报价' })
    await expect(manualRow).toContainText('每周')
    await expect(manualRow.getByTestId('reminder-source')).toHaveText('手动提醒')
    await expect(page.locator('.el-message')).toHaveCount(0)
    await page.screenshot({ path: 'test/e2e/screenshots/reminder-centre.png' })

    // the 今日需联系客户 link opens the card, whose header shows the policy overdue
    await toContact.filter({ hasText: POLICY_CUSTOMER }).getByTestId('customer-to-contact-link').click()
    await expect(page.getByTestId('page-title')).toHaveText(POLICY_CUSTOMER)
    await expect(page.getByTestId('contact-summary-policy')).toContainText('每周联系')
  } finally {
    await setClock(page, null)
  }
})
