// The customer desk (issue 7, items 1–3) in real Chromium against `crm serve`: 查重 while typing
// in the form (same → blocked with the owner; similar → a warning, the rep continues), the 公海
// move (a rep releases with a reason → another rep claims → the supervisor assigns), the
// working-day list (我下属的, a saved view, a column hidden and still hidden after a reload), the
// card's tab counts and the 省/市/区 cascader. Staff are made through the API with the admin's
// session; everything checked is done through the UI. The file sorts after customers.spec.ts,
// which starts from an empty customer list on the shared server.
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { adminSession, api, confirmBox, login, logout, roleIds } from './helpers'

const PASSWORD = 'Desk12345'
const SHOTS = 'test/e2e/screenshots'
const XINGHE = '深圳市星河电子有限公司'
const POOL_CUSTOMER = '佛山公海陶瓷有限公司'


const staff = { supervisor: { login: 'desk_sup', name: '钟主管' }, rep1: { login: 'desk_li', name: '黎经理' }, rep2: { login: 'desk_wang', name: '汪经理' } }
const ids: Record<string, string> = {}

async function as(page: Page, who: { login: string; name: string }) {
  await logout(page)
  await login(page, who.login, PASSWORD)
  await expect(page.getByTestId('current-user-name')).toHaveText(who.name)
}

test.beforeAll(() => fs.mkdirSync(SHOTS, { recursive: true }))

test('set-up: a team with a supervisor and two account managers, customers of both reps', async ({ page }) => {
  await adminSession(page)
  const role = await roleIds(page)
  const team = await api<{ id: string; version: number }>(page, 'users', 'saveTeam', { name: '华南销售部' })
  for (const [key, u, code] of [['supervisor', staff.supervisor, 'supervisor'], ['rep1', staff.rep1, 'manager'], ['rep2', staff.rep2, 'manager']] as const) {
    ids[key] = (await api<{ id: string }>(page, 'users', 'create', { login: u.login, name: u.name, password: PASSWORD, roleId: role(code), teamId: team.id })).id
  }
  await api(page, 'users', 'saveTeam', { id: team.id, version: team.version, name: '华南销售部', leaderId: ids.supervisor })
  const xinghe = await api<{ id: string }>(page, 'customers', 'create', { name: XINGHE, ownerId: ids.rep1, phone: '0755-8888 1234', tags: ['重点'] })
  ids.xinghe = xinghe.id
  // what the card's tabs count: 2 contacts, 3 records
  for (const name of ['刘总', '陈工']) await api(page, 'contacts', 'create', { customerId: xinghe.id, fields: { name } })
  const channels = await api<Array<{ id: string; name: string }>>(page, 'dictionary', 'items', { typeCode: 'interaction_channel' })
  for (const [i, subject] of ['初次电话', '上门拜访', '寄送样品'].entries()) {
    await api(page, 'interactions', 'create', { customerId: xinghe.id, channelId: channels[0].id, occurredAt: new Date(Date.now() - (i + 1) * 86_400_000).toISOString(), subject })
  }
  await api(page, 'customers', 'create', { name: POOL_CUSTOMER, ownerId: ids.rep1 })
  await api(page, 'customers', 'create', { name: '广州汪经理自己的客户有限公司', ownerId: ids.rep2, tags: ['展会'] })
  await api(page, 'customers', 'create', { name: '钟主管直管客户有限公司', ownerId: ids.supervisor })
})

test('查重 while typing: the same name is blocked naming its owner; a similar one warns and the rep continues', async ({ page }) => {
  await adminSession(page)
  await as(page, staff.rep2)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-new').click()
  await page.getByTestId('customer-name').fill('深圳市 星河电子有限公司')
  const notice = page.getByTestId('customer-dup-notice')
  await expect(notice).toHaveAttribute('data-level', 'same')
  await expect(notice).toContainText(`已存在相同的客户「${XINGHE}」（负责人：${staff.rep1.name}）`)
  await expect(notice).toContainText('不能重复创建')
  await page.screenshot({ path: `${SHOTS}/desk-dedupe-same.png` })
  // saving anyway is refused by the service, with the same words
  await page.getByTestId('customer-form-save').click()
  await expect(page.locator('.el-message--error').filter({ hasText: staff.rep1.name }).first()).toBeVisible()
  await expect(page.getByTestId('customer-form-dialog')).toBeVisible()

  await page.getByTestId('customer-name').fill('星河电子（深圳）有限公司')
  await expect(notice).toHaveAttribute('data-level', 'similar')
  await expect(notice).toContainText('发现 1 个相似客户')
  await expect(page.getByTestId('customer-dup-match')).toContainText(XINGHE)
  await expect(page.getByTestId('customer-dup-match')).toContainText(staff.rep1.name)
  await expect(page.getByTestId('customer-dup-match')).toContainText('名称相似')
  await page.screenshot({ path: `${SHOTS}/desk-dedupe-similar.png` })
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-card')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText('星河电子（深圳）有限公司')

  // the 查重 page: a phone finds the customer and its owner, outside the rep's scope only name and owner
  await page.getByTestId('menu-dedupe').click()
  await page.getByTestId('dedupe-input').fill('0755 88881234')
  await page.getByTestId('dedupe-search').click()
  await expect(page.getByTestId('dedupe-summary')).toContainText('按电话查询')
  await expect(page.getByTestId('dedupe-results')).toContainText(XINGHE)
  await expect(page.getByTestId('dedupe-results')).toContainText(staff.rep1.name)
  await expect(page.getByTestId('dedupe-results')).toContainText('不在你的权限范围内')
  await page.screenshot({ path: `${SHOTS}/desk-dedupe-tool.png` })
})

test('公海: a rep releases with a reason → another rep claims → the supervisor assigns', async ({ page }) => {
  await adminSession(page)
  await as(page, staff.rep1)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('佛山公海')
  await page.getByTestId('customer-name-link').filter({ hasText: POOL_CUSTOMER }).click()
  await page.getByTestId('customer-release').click()
  // the reason is required
  await page.getByTestId('pool-release-submit').click()
  await expect(page.getByTestId('pool-release-dialog')).toContainText('请输入放入原因')
  await page.getByTestId('pool-release-reason').fill('客户暂无采购计划')
  await page.getByTestId('pool-release-submit').click()
  await expect(page.getByTestId('customer-pool-banner')).toContainText(`原负责人 ${staff.rep1.name}`)
  await expect(page.getByTestId('customer-pool-banner')).toContainText('客户暂无采购计划')
  // the rep who released it cannot take it back at once
  await page.getByTestId('customer-claim').click()
  await expect(page.locator('.el-message--error').filter({ hasText: '30 天内不能再领取' }).first()).toBeVisible()

  await as(page, staff.rep2)
  await page.getByTestId('menu-pool').click()
  await expect(page.getByTestId('pool-list')).toBeVisible()
  const row = page.locator('.el-table__row', { hasText: POOL_CUSTOMER }).first()
  await expect(row).toContainText(staff.rep1.name)
  await expect(row).toContainText('主动放入')
  await page.screenshot({ path: `${SHOTS}/desk-pool-list.png` })
  await page.locator('.el-table__row').filter({ hasText: POOL_CUSTOMER }).getByTestId('pool-row-claim').first().click()
  await expect(page.locator('.el-message--success', { hasText: '已领取 1 个客户' })).toBeVisible() // 已退出登录 may still show
  await expect(page.locator('.el-table__row', { hasText: POOL_CUSTOMER })).toHaveCount(0)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('佛山公海')
  await page.getByTestId('customer-name-link').filter({ hasText: POOL_CUSTOMER }).click()
  await expect(page.getByTestId('customer-owner')).toHaveText(staff.rep2.name)
  // and releases it again, for the supervisor to hand out
  await page.getByTestId('customer-release').click()
  await page.getByTestId('pool-release-reason').fill('转给同事跟进')
  await page.getByTestId('pool-release-submit').click()
  await expect(page.getByTestId('customer-pool-banner')).toBeVisible()

  await as(page, staff.supervisor)
  await page.getByTestId('menu-pool').click()
  await page.locator('.el-table__row').filter({ hasText: POOL_CUSTOMER }).getByTestId('pool-row-assign').first().click()
  await page.getByTestId('pool-assign-owner').click()
  await page.getByRole('option', { name: staff.rep1.name }).click()
  await page.getByTestId('pool-assign-submit').click()
  await expect(page.locator('.el-message--success', { hasText: '已分配 1 个客户' })).toBeVisible() // 已退出登录 may still show
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('佛山公海')
  await page.getByTestId('customer-name-link').filter({ hasText: POOL_CUSTOMER }).click()
  await expect(page.getByTestId('customer-owner')).toHaveText(staff.rep1.name)
  // every move on the card's history
  await page.getByTestId('customer-tab-history').click()
  const history = page.getByTestId('customer-pane-history')
  await expect(history).toContainText('从公海分配')
  await expect(history).toContainText('从公海领取')
  await expect(history).toContainText('放入公海')
  await page.screenshot({ path: `${SHOTS}/desk-pool-history.png`, fullPage: true })
})

test('the list for a working day: 我下属的, a saved view, a hidden column that stays hidden', async ({ page }) => {
  await adminSession(page)
  await as(page, staff.supervisor)
  await page.getByTestId('menu-customers').click()
  const table = page.getByTestId('customer-table')
  await page.getByTestId('customer-view-mine').click()
  await expect(table.locator('.el-table__body-wrapper .el-table__row')).toHaveCount(1)
  await expect(table).toContainText('钟主管直管客户有限公司')
  await page.getByTestId('customer-view-subordinates').click()
  await expect(table).toContainText(XINGHE)
  await expect(table).not.toContainText('钟主管直管客户有限公司')
  // a tag on top, saved as a view
  await page.getByTestId('customer-filter-tags').click()
  await page.getByRole('option', { name: /^重点/ }).click()
  await page.keyboard.press('Escape')
  await expect(table.locator('.el-table__body-wrapper .el-table__row')).toHaveCount(1)
  await page.getByTestId('customer-save-view').click()
  await page.locator('.el-message-box input').fill('下属的重点客户')
  await confirmBox(page)
  await expect(page.locator('.el-message--success', { hasText: '视图已保存' })).toBeVisible() // 已退出登录 may still show
  await page.getByTestId('customer-view-all').click()
  await page.getByTestId('customer-reset-filters').click()
  await expect(table.locator('.el-table__body-wrapper .el-table__row')).toHaveCount(5)
  await page.getByTestId('customer-saved-views').click()
  await page.getByRole('option', { name: '下属的重点客户' }).click()
  await expect(table.locator('.el-table__body-wrapper .el-table__row')).toHaveCount(1)
  await expect(table).toContainText(XINGHE)

  // hide 电话: kept for this user after a reload
  await expect(table.locator('thead')).toContainText('电话')
  await page.getByTestId('customer-columns').click()
  // the choice is saved after a short pause: wait for that request to be answered, not for a time
  const columnsSaved = page.waitForResponse((r) => r.url().endsWith('/api/customers/saveColumns') && r.ok())
  await page.getByTestId('column-toggle-phone').click()
  await expect(table.locator('thead')).not.toContainText('电话')
  expect((await (await columnsSaved).json()).ok).toBe(true)
  await page.reload()
  await expect(page.getByTestId('customer-table').locator('thead')).toContainText('名称')
  await expect(page.getByTestId('customer-table').locator('thead')).not.toContainText('电话')
  // the frozen 名称 column and the row actions
  await expect(page.locator('.el-table-fixed-column--left', { hasText: '名称' }).first()).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/desk-list-views.png` })
  await expect(page.getByTestId('customer-table').locator('.el-table__body-wrapper').getByTestId('customer-row-follow-up').first()).toBeVisible()
})

test('the card counts its tabs; 省/市/区 is chosen from the bundled region list', async ({ page }) => {
  await adminSession(page)
  await as(page, staff.rep1)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('customer-search').fill('深圳市星河')
  await page.getByTestId('customer-name-link').filter({ hasText: XINGHE }).click()
  await expect(page.getByTestId('customer-count-contacts')).toHaveText('2')
  await expect(page.getByTestId('customer-count-interactions')).toHaveText('3')
  await page.getByTestId('customer-tab-contacts').click()
  await page.screenshot({ path: `${SHOTS}/desk-card-counts.png` })

  await page.getByTestId('customer-edit').click()
  await page.getByTestId('customer-form-tab-contact').click()
  const cascader = page.getByTestId('customer-form-dialog').getByRole('textbox', { name: '省/市/区' })
  await cascader.click()
  await cascader.fill('南山区')
  await page.locator('.el-cascader__suggestion-item', { hasText: '深圳市 / 南山区' }).first().click()
  await expect(cascader).toHaveValue(/广东省 \/ 深圳市 \/ 南山区/)
  await page.screenshot({ path: `${SHOTS}/desk-region-cascader.png` })
  await page.getByTestId('customer-form-save').click()
  await expect(page.getByTestId('customer-form-dialog')).toBeHidden()
  await page.getByTestId('customer-tab-contact').click()
  const details = page.getByTestId('customer-details-contact')
  await expect(details).toContainText('广东省')
  await expect(details).toContainText('深圳市')
  await expect(details).toContainText('南山区')
})
