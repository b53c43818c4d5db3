// Issue 13 item 1 end to end (Asia/Shanghai): the 工作台 opens after login and shows a 客户经理's
// today's to-dos and overdue ones (one click marks one done), the 销售简报 with the right counts
// for the data seeded here (3 new customers, 2 contacts, 1 follow-up, 1 opportunity, 2 orders of
// which one a sale of ¥12,000.00, ¥5,000.00 received this month), 业绩指标 against a target of
// ¥24,000.00 (50 %), metrics linking to the filtered customer, order and 回款 lists, and a layout
// (…) — and the team's supervisor opens 新增联系人's list at team scope (the team's contacts only,
// the card's count; a contact outside the team, made here, is not in it) and at 本人 scope (none),
// (hidden card) that stays after a reload. Screenshots in zh-CN and en-US. Makes its own team
// and login (the database is shared).
import { expect, test, type Page } from '@playwright/test'
import { adminSession, api, login, logout, roleIds } from './helpers'

const SHOTS = 'test/e2e/screenshots'
const MGR = 'dash_jingli'
const SUP = 'dash_zhuguan'
const SHANGHAI_MS = 8 * 3600_000

/** Calls the API with the page's session and bridge token (set-up only). */

/** Today at hh:mm on the Shanghai wall clock. */
function shanghaiToday(h: number, m: number): Date {
  const wall = new Date(Date.now() + SHANGHAI_MS)
  return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), h, m) - SHANGHAI_MS)
}

test('after login the 工作台 shows today\'s to-dos and the 简报 counts; a metric opens its list; the layout is kept', async ({ page }) => {
  test.setTimeout(150_000)
  // ---- set-up: a team with a 客户经理 ---------------------------------------------------------
  await adminSession(page)
  // the admin lands on the 工作台 too
  await expect(page).toHaveURL(/#\/workbench$/)
  await expect(page.getByTestId('dashboard')).toBeVisible()
  const team = await api<{ id: string }>(page, 'users', 'saveTeam', { name: '工作台测试组' })
  const role = await roleIds(page)
  const mgr = await api<{ id: string }>(page, 'users', 'create', { login: MGR, name: '韩经理', password: 'Manager123', roleId: role('manager'), teamId: team.id })
  await api(page, 'users', 'create', { login: SUP, name: '韩主管', password: 'Manager123', roleId: role('supervisor'), teamId: team.id })
  // a customer and contact of this month outside the team (the administrator's own)
  const outside = await api<{ id: string }>(page, 'customers', 'create', { name: '南京栖霞物流设备有限公司' })
  await api(page, 'contacts', 'create', { customerId: outside.id, fields: { name: '周立群' } })
  await logout(page)

  // ---- the 客户经理's data: 3 customers, 2 contacts, 1 follow-up, 1 opportunity, 3 reminders ------
  await login(page, MGR, 'Manager123')
  await expect(page.getByTestId('current-user-name')).toHaveText('韩经理')
  const names = ['苏州工业园区恒达精密有限公司', '无锡新吴智能装备有限公司', '常州武进环保科技有限公司']
  const customers: Array<{ id: string }> = []
  for (const name of names) customers.push(await api<{ id: string }>(page, 'customers', 'create', { name }))
  await api(page, 'contacts', 'create', { customerId: customers[0]!.id, fields: { name: '钱立新' } })
  await api(page, 'contacts', 'create', { customerId: customers[1]!.id, fields: { name: '孙雅琴' } })
  const channels = await api<Array<{ id: string }>>(page, 'dictionary', 'items', { typeCode: 'interaction_channel' })
  await api(page, 'interactions', 'create', {
    customerId: customers[0]!.id, channelId: channels[0]!.id, occurredAt: new Date(Date.now() - 3600_000).toISOString(), subject: '电话确认样机需求',
  })
  await api(page, 'opportunities', 'create', { customerName: names[2], probability: 20, summary: '环保设备改造', description: '二期污水处理设备' })
  const zone = { timeZone: 'Asia/Shanghai' }
  await api(page, 'reminders', 'create', { title: '给恒达发报价单', dueAt: shanghaiToday(23, 30).toISOString(), ...zone })
  await api(page, 'reminders', 'create', { title: '确认新吴的到货时间', dueAt: shanghaiToday(23, 40).toISOString(), ...zone })
  await api(page, 'reminders', 'create', { title: '回复武进的技术问题', dueAt: new Date(Date.now() - 3600_000).toISOString(), ...zone })
  // two orders dated today: one submitted for approval (¥12,000.00), one left a draft (¥3,000.00)
  const today = new Date(Date.now() + SHANGHAI_MS).toISOString().slice(0, 10)
  type O = { id: string; version: number }
  const sale = await api<O>(page, 'orders', 'create', { customerId: customers[0]!.id, orderDate: today, lines: [{ productName: '精密数控机床', quantity: 1, unitPriceCents: 1_200_000 }] })
  const submitted = await api<O>(page, 'orders', 'submit', { id: sale.id, version: sale.version })
  await api(page, 'orders', 'create', { customerId: customers[1]!.id, orderDate: today, lines: [{ productName: '机器人夹具', quantity: 2, unitPriceCents: 150_000 }] })
  await logout(page)

  // the administrator approves the sale, records ¥5,000.00 received today and sets this month's target
  await adminSession(page)
  const approved = await api<O>(page, 'orders', 'approve', { id: submitted.id, version: submitted.version })
  await api(page, 'orders', 'addPayment', { orderId: approved.id, version: approved.version, paidDate: today, amountCents: 500_000 })
  await api(page, 'targets', 'save', { userId: mgr.id, periodType: 'month', periodStart: `${today.slice(0, 8)}01`, amountCents: 2_400_000 })
  await logout(page)

  // ---- after login: the 工作台 ---------------------------------------------------------------------
  await login(page, MGR, 'Manager123')
  await expect(page).toHaveURL(/#\/workbench$/)
  await expect(page.getByTestId('menu-workbench')).toBeVisible()
  await expect(page.getByTestId('page-title')).toHaveText('工作台')
  // a 客户经理 sees only own: no scope picker
  await expect(page.getByTestId('dashboard-scope')).toHaveCount(0)
  await expect(page.getByTestId('dashboard-todos-today-count')).toHaveText('2')
  await expect(page.getByTestId('dashboard-todos-overdue-count')).toHaveText('1')
  await expect(page.getByTestId('dashboard-todos-today')).toContainText('给恒达发报价单')
  await expect(page.getByTestId('dashboard-todos-overdue')).toContainText('回复武进的技术问题')
  await expect(page.getByTestId('dashboard-metric-newCustomers-value')).toHaveText('3')
  await expect(page.getByTestId('dashboard-metric-newContacts-value')).toHaveText('2')
  await expect(page.getByTestId('dashboard-metric-interactions-value')).toHaveText('1')
  await expect(page.getByTestId('dashboard-metric-newOpportunities-value')).toHaveText('1')
  await expect(page.getByTestId('dashboard-metric-newCustomers')).toContainText('上月 0')
  await expect(page.getByTestId('dashboard-metric-orders-value')).toHaveText('2')
  await expect(page.getByTestId('dashboard-metric-orderAmount-value')).toHaveText('¥12,000.00')
  await expect(page.getByTestId('dashboard-metric-payments-value')).toHaveText('¥5,000.00')
  await expect(page.getByTestId('dashboard-metric-payments')).toContainText('上月 ¥0.00')
  await expect(page.getByTestId('dashboard-performance-target')).toHaveText('¥24,000.00')
  await expect(page.getByTestId('dashboard-performance-actual')).toHaveText('¥12,000.00')
  await expect(page.getByTestId('dashboard-performance-rate')).toHaveText('50%')
  await expect(page.getByTestId('dashboard-performance-gauge')).toBeVisible()
  await expect(page.getByTestId('dashboard-performance-trend')).toBeVisible()
  await expect(page.getByTestId('dashboard-forgotten-7')).toContainText('0')
  await expect(page.getByTestId('dashboard-card-funnel')).toContainText('商机 1 个')
  await expect(page.getByTestId('dashboard-funnel-chart')).toBeVisible()
  await page.waitForTimeout(600) // the funnel's animation
  await page.screenshot({ path: `${SHOTS}/dashboard-zh-CN.png`, fullPage: true })
  // the cards below the 简报 (the page scrolls inside its layout): 业绩指标 and its neighbours
  await page.getByTestId('dashboard-card-performance').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SHOTS}/dashboard-performance-zh-CN.png` })

  // one click on 完成: the to-do leaves today's list
  await page.getByTestId('dashboard-todos-today').getByTestId('dashboard-todo-done').first().click()
  await expect(page.getByTestId('dashboard-todos-today-count')).toHaveText('1')

  // 本周 keeps the same counts (everything was made just now)
  await page.getByTestId('dashboard-period-week').click()
  await expect(page.getByTestId('dashboard-metric-newCustomers')).toContainText('上周 0')
  await expect(page.getByTestId('dashboard-metric-newCustomers-value')).toHaveText('3')

  // a metric opens its list, filtered to the period
  await page.getByTestId('dashboard-metric-newCustomers').click()
  await expect(page.getByTestId('customer-list')).toBeVisible()
  await expect(page.getByTestId('customer-filter-created')).toBeVisible()
  await expect(page.getByTestId('customer-name-link')).toHaveCount(3)
  // 订单数 opens the order list for the week's days; 回款金额 the 回款记录
  await page.getByTestId('menu-workbench').click()
  await page.getByTestId('dashboard-period-week').click()
  await page.getByTestId('dashboard-metric-orders').click()
  await expect(page.getByTestId('order-list')).toBeVisible()
  await expect(page.getByTestId('order-code-link')).toHaveCount(2)
  await expect(page.getByTestId('order-sums')).toContainText('¥12,000.00')
  await page.getByTestId('menu-workbench').click()
  await page.getByTestId('dashboard-period-week').click()
  await page.getByTestId('dashboard-metric-payments').click()
  await expect(page.getByTestId('payments-view')).toBeVisible()
  await expect(page.getByTestId('payments-sums')).toContainText('¥5,000.00')
  await expect(page.getByTestId('payments-table').locator('tbody tr')).toHaveCount(1)

  // ---- the layout: hide the funnel; it stays hidden after a reload (stored in main) ------------------
  await page.getByTestId('menu-workbench').click()
  await expect(page.getByTestId('dashboard-card-funnel')).toBeVisible()
  await page.getByTestId('dashboard-customize').click()
  await page.getByTestId('dashboard-layout-show-funnel').click()
  await page.getByTestId('dashboard-layout-up-briefing').click()
  await page.getByTestId('dashboard-layout-up-briefing').click()
  await page.getByTestId('dashboard-layout-save').click()
  await expect(page.getByTestId('dashboard-layout-dialog')).toBeHidden()
  await expect(page.getByTestId('dashboard-card-funnel')).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('dashboard-card-briefing')).toBeVisible()
  await expect(page.getByTestId('dashboard-card-funnel')).toHaveCount(0)
  // 简报 first now; the period is back to 本月 after the reload
  await expect(page.locator('[data-testid^="dashboard-card-"]').first()).toHaveAttribute('data-testid', 'dashboard-card-briefing')

  // ---- English ---------------------------------------------------------------------------------------
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-en-US').click()
  await expect(page.getByTestId('page-title')).toHaveText('Workbench')
  await expect(page.getByTestId('dashboard-card-briefing')).toContainText('New customers')
  await expect(page.getByTestId('dashboard-metric-newCustomers')).toContainText('Last month: 0')
  await page.screenshot({ path: `${SHOTS}/dashboard-en-US.png`, fullPage: true })
  await expect(page.getByTestId('dashboard-card-performance')).toContainText('Completion')
  await page.getByTestId('dashboard-card-performance').scrollIntoViewIfNeeded()
  await page.waitForTimeout(400)
  await page.screenshot({ path: `${SHOTS}/dashboard-performance-en-US.png` })
  await page.getByTestId('language-button').click()
  await page.getByTestId('lang-zh-CN').click()
  await expect(page.getByTestId('page-title')).toHaveText('工作台')
  await logout(page)

  // ---- the supervisor at team scope: 新增联系人 opens the team's contacts, the card's count -------------
  await login(page, SUP, 'Manager123')
  await expect(page).toHaveURL(/#\/workbench$/)
  await page.getByTestId('dashboard-scope-team').click()
  await expect(page.getByTestId('dashboard-scope-team')).toHaveClass(/is-active/)
  await expect(page.getByTestId('dashboard-metric-newContacts-value')).toHaveText('2')
  await page.getByTestId('dashboard-metric-newContacts').click()
  await expect(page.getByTestId('contacts-table')).toBeVisible()
  await expect(page.getByTestId('list-scope-tag')).toHaveText('范围：本团队')
  await expect(page.getByTestId('contacts-table').locator('tbody tr')).toHaveCount(2)
  await expect(page.getByTestId('contacts-pagination')).toContainText('2')
  await expect(page.getByTestId('contacts-table')).toContainText('钱立新')
  await expect(page.getByTestId('contacts-table')).not.toContainText('周立群')
  await page.screenshot({ path: `${SHOTS}/dashboard-contacts-team-zh-CN.png` })
  // 本人 scope: the supervisor added none; the link carries 本人, so the list is empty too — and
  // without the scope tag it is the team's again
  await page.getByTestId('menu-workbench').click()
  await page.getByTestId('dashboard-scope-own').click()
  await expect(page.getByTestId('dashboard-scope-own')).toHaveClass(/is-active/)
  await expect(page.getByTestId('dashboard-metric-newContacts-value')).toHaveText('0')
  await page.getByTestId('dashboard-metric-newContacts').click()
  await expect(page.getByTestId('list-scope-tag')).toHaveText('范围：仅本人')
  await expect(page.getByTestId('contacts-table').locator('tbody tr')).toHaveCount(0)
  await expect(page.getByTestId('contacts-table')).toContainText('没有符合条件的联系人')
  await page.getByTestId('list-scope-tag').locator('.el-tag__close').click()
  await expect(page.getByTestId('list-scope-tag')).toHaveCount(0)
  await expect(page.getByTestId('contacts-table').locator('tbody tr')).toHaveCount(2)

  // ---- 销售漏斗 / 业绩指标 查看全部 at team scope: the card's days or period, narrowed to the team -------
  await page.getByTestId('menu-workbench').click()
  await page.getByTestId('dashboard-scope-team').click()
  await expect(page.getByTestId('dashboard-scope-team')).toHaveClass(/is-active/)
  await expect(page.getByTestId('dashboard-funnel-all')).toHaveAttribute('href', /\/opportunities\/funnel\?from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}&scope=team$/)
  await expect(page.getByTestId('dashboard-performance-all')).toHaveAttribute('href', /\/targets\?periodType=month&periodStart=\d{4}-\d{2}-01&scope=team$/)
  await page.getByTestId('dashboard-funnel-all').click()
  await expect(page.getByTestId('opportunity-funnel')).toBeVisible()
  await expect(page.getByTestId('list-scope-tag')).toHaveText('范围：本团队')
  await expect(page.getByTestId('opportunity-funnel').locator('.el-range-input').first()).toHaveValue(/^\d{4}-\d{2}-01$/)
  await page.screenshot({ path: `${SHOTS}/dashboard-funnel-team-zh-CN.png` })
  await page.getByTestId('menu-workbench').click()
  await expect(page.getByTestId('dashboard-scope-team')).toHaveClass(/is-active/)
  await expect(page.getByTestId('dashboard-performance-all')).toHaveAttribute('href', /scope=team$/)
  await page.getByTestId('dashboard-performance-all').click()
  await expect(page.getByTestId('targets-view')).toBeVisible()
  await expect(page.getByTestId('list-scope-tag')).toHaveText('范围：本团队')
  await page.screenshot({ path: `${SHOTS}/dashboard-targets-team-zh-CN.png` })
  // cleared, the page shows the caller's own scope again (the tag goes)
  await page.getByTestId('list-scope-tag').locator('.el-tag__close').click()
  await expect(page.getByTestId('list-scope-tag')).toHaveCount(0)
})
