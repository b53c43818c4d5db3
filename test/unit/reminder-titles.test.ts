// System reminder titles are stored as a key and values and rendered in the reader's language:
// the renderer's rendering (the same one the lists, the edit form and the desktop notifications
// use) in zh-CN and en-US, and the migration that adds the two columns, compiled for SQL Server.
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhReminders from '../../src-renderer/locales/zh-CN/reminders'
import enReminders from '../../src-renderer/locales/en-US/reminders'
import { reminderTitle } from '../../src-renderer/views/reminders/reminder-format'
import { titles } from '../../src-main/modules/reminders/system-reminders.service'
import { printMigrationSql } from '../../src-main/db/migrate'

function translator(locale: 'zh-CN' | 'en-US') {
  const i18n = createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhReminders, 'en-US': enReminders } as never,
    missingWarn: false,
    fallbackWarn: false,
  })
  const g = i18n.global as unknown as { t: (k: string, p?: Record<string, unknown>) => string; te: (k: string) => boolean }
  return (r: { title: string; titleKey: string | null; titleParams: Record<string, string | number | boolean> | null }) => reminderTitle(r, g.t, g.te)
}

/** What the service stores for a system title, as the api answers it. */
const stored = (t: { key: string; params: Record<string, string | number | boolean> }) => ({ title: '', titleKey: t.key, titleParams: t.params })

describe('system reminder titles in the reader\'s language', () => {
  const zh = translator('zh-CN')
  const en = translator('en-US')

  it('renders every system title in Chinese as the stored sentences read before', () => {
    expect(zh(stored(titles.followUp('广州甲一科技', '电话沟通报价')))).toBe('跟进：广州甲一科技 — 电话沟通报价')
    expect(zh(stored(titles.contactPolicy('广州甲一科技')))).toBe('跟进提醒：广州甲一科技')
    expect(zh(stored(titles.purchasePolicy('广州甲一科技')))).toBe('业务下滑提醒：广州甲一科技')
    expect(zh(stored(titles.escalation('广州甲一科技', '经理甲一')))).toBe('业务下滑提醒：广州甲一科技（负责人 经理甲一）')
    expect(zh(stored(titles.birthday('张经理', '广州甲一科技', { y: 2026, m: 6, d: 19 }, true, 7)))).toBe('生日提醒：张经理（广州甲一科技）6月19日（农历生日），提前7天')
    expect(zh(stored(titles.birthday('张经理', '广州甲一科技', { y: 2026, m: 6, d: 19 }, false, 0)))).toBe('生日提醒：张经理（广州甲一科技）6月19日')
    expect(zh(stored(titles.promise('周五前发送报价单')))).toBe('承诺到期：周五前发送报价单')
    expect(zh(stored(titles.planStep('广州甲一科技', '上门演示')))).toBe('开发计划：广州甲一科技 — 上门演示')
    expect(zh(stored(titles.opportunityAssigned('JH-2026-000001', '广州甲一科技')))).toBe('新指派的销售机会：JH-2026-000001 广州甲一科技，请制定客户开发计划')
    expect(zh(stored(titles.paymentDue('DD-2026-000001', '广州甲一科技', '2026-06-10', 12_345_678)))).toBe('回款逾期：DD-2026-000001（广州甲一科技）2026-06-10 到期，未收 ¥123,456.78')
  })

  it('renders them in English in English mode (the customer names stay as they are)', () => {
    expect(en(stored(titles.followUp('广州甲一科技', '电话沟通报价')))).toBe('Follow up: 广州甲一科技 — 电话沟通报价')
    expect(en(stored(titles.contactPolicy('Acme Ltd')))).toBe('Contact due: Acme Ltd')
    expect(en(stored(titles.purchasePolicy('Acme Ltd')))).toBe('Business decline: Acme Ltd')
    expect(en(stored(titles.escalation('Acme Ltd', 'Li Lei')))).toBe('Business decline: Acme Ltd (account manager Li Lei)')
    expect(en(stored(titles.birthday('Zhang', 'Acme Ltd', { y: 2026, m: 6, d: 19 }, true, 7)))).toBe('Birthday: Zhang (Acme Ltd) on 6/19 (lunar birthday), 7 days ahead')
    expect(en(stored(titles.birthday('Zhang', 'Acme Ltd', { y: 2026, m: 6, d: 19 }, false, 1)))).toBe('Birthday: Zhang (Acme Ltd) on 6/19, 1 day ahead')
    expect(en(stored(titles.promise('send the quote')))).toBe('Promise due: send the quote')
    expect(en(stored(titles.planStep('Acme Ltd', 'demo on site')))).toBe('Development plan: Acme Ltd — demo on site')
    expect(en(stored(titles.opportunityAssigned('JH-2026-000001', 'Acme Ltd')))).toBe('Newly assigned opportunity: JH-2026-000001 Acme Ltd; please make a development plan')
    expect(en(stored(titles.paymentDue('DD-2026-000001', 'Acme Ltd', '2026-06-10', 5)))).toBe('Payment overdue: DD-2026-000001 (Acme Ltd) due 2026-06-10, ¥0.05 unpaid')
  })

  it('no English title has Chinese text of its own', () => {
    const all = [
      titles.followUp('A', 'B'), titles.contactPolicy('A'), titles.purchasePolicy('A'), titles.escalation('A', 'B'),
      titles.birthday('A', 'B', { y: 2026, m: 1, d: 2 }, true, 3), titles.promise('A'), titles.planStep('A', 'B'), titles.opportunityAssigned('C', 'D'),
      titles.paymentDue('C', 'D', '2026-01-02', 100),
    ]
    for (const t of all) expect(en(stored(t))).not.toMatch(/[\u4e00-\u9fff（），]/)
  })

  it('renders the service-ticket titles (key + code, summary, customer, hours, handler) in both languages', () => {
    const p = { code: 'FW-2026-000001', summary: '主轴异响', customer: '广州甲一科技' }
    const tk = (key: string, extra: Record<string, string | number> = {}) => stored({ key, params: { ...p, ...extra } })
    expect(zh(tk('service_urgent'))).toBe('紧急工单：FW-2026-000001 主轴异响（广州甲一科技）')
    expect(zh(tk('service_reopened'))).toBe('客户不满意，工单重开：FW-2026-000001 主轴异响（广州甲一科技）')
    expect(zh(tk('service_overdue', { hours: 8 }))).toBe('工单超时（8 小时）：FW-2026-000001 主轴异响（广州甲一科技）')
    expect(zh(tk('service_escalation', { hours: 8, handler: '经理甲一' }))).toBe('工单超过两倍时限未处理：FW-2026-000001 主轴异响（广州甲一科技，处理人 经理甲一）')
    expect(zh(tk('service_escalation_unassigned', { hours: 8 }))).toBe('工单超过两倍时限仍未分配：FW-2026-000001 主轴异响（广州甲一科技）')
    const e = { code: 'FW-2026-000001', summary: 'noisy spindle', customer: 'Acme Ltd' }
    const etk = (key: string, extra: Record<string, string | number> = {}) => stored({ key, params: { ...e, ...extra } })
    expect(en(etk('service_urgent'))).toBe('Urgent ticket: FW-2026-000001 noisy spindle (Acme Ltd)')
    expect(en(etk('service_reopened'))).toBe('Ticket reopened, customer unhappy: FW-2026-000001 noisy spindle (Acme Ltd)')
    expect(en(etk('service_overdue', { hours: 8 }))).toBe('Ticket past its SLA (8 h): FW-2026-000001 noisy spindle (Acme Ltd)')
    expect(en(etk('service_escalation', { hours: 8, handler: 'Li Lei' }))).toBe('Ticket at twice its SLA: FW-2026-000001 noisy spindle (Acme Ltd, handler Li Lei)')
    expect(en(etk('service_escalation_unassigned', { hours: 8 }))).toBe('Ticket at twice its SLA, still unassigned: FW-2026-000001 noisy spindle (Acme Ltd)')
  })

  it('shows a title someone wrote, and an old stored one, as it is', () => {
    expect(en({ title: '给客户回电', titleKey: null, titleParams: null })).toBe('给客户回电')
    expect(en({ title: '跟进提醒：旧客户', titleKey: null, titleParams: null })).toBe('跟进提醒：旧客户')
    expect(en({ title: 'kept', titleKey: 'no_such_key', titleParams: {} })).toBe('kept')
  })
})

describe('migration 20261206000200 (title_key, title_params)', () => {
  it('adds two nullable Unicode columns on SQL Server, PostgreSQL and SQLite', async () => {
    const ddl = async (d: 'mssql' | 'postgres' | 'sqlite') => {
      const all = await printMigrationSql(d)
      return all.slice(all.indexOf('-- migration 20261206000200_reminder-title-keys') + 1).join('\n')
    }
    const ms = await ddl('mssql')
    expect(ms).toMatch(/alter table \[reminders\] add \[title_key\] nvarchar\(40\) null, \[title_params\] nvarchar\(max\) null/i)
    expect(await ddl('postgres')).toMatch(/alter table "reminders" add column "title_key" varchar\(40\) null, add column "title_params" text null/i)
    expect(await ddl('sqlite')).toMatch(/alter table `reminders` add column `title_key` varchar\(40\) null/i)
  })
})
