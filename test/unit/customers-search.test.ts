import { describe, expect, it } from 'vitest'
import { buildCustomerSearchText, pinyinForms, SEARCH_TEXT_MAX, withoutDivisions } from '../../src-main/modules/customers/customers.search'

const parts = (s: string) => s.split('|')

describe('buildCustomerSearchText', () => {
  const text = buildCustomerSearchText(
    { name: '广州市人易软件有限公司', shortName: '人易软件', code: 'KH-2026-000123', phone: '020-8888 1234', phone2: null },
    [{ name: '张三', mobile: '138 0013 8000' }, { name: 'Lily 王', mobile: null }],
  )

  it('holds the name, short name, lower-cased code and phones as typed and as digits', () => {
    expect(parts(text)).toEqual(expect.arrayContaining(['广州市人易软件有限公司', '人易软件', 'kh-2026-000123', '020-8888 1234', '02088881234']))
  })

  it('holds full pinyin without spaces and the initials of the customer name, so gzry matches', () => {
    expect(parts(text)).toContain('guangzhoushirenyiruanjianyouxiangongsi')
    expect(parts(text)).toContain('gzsryrjyxgs')
    // people abbreviate 广州市人易 as 广州人易: its pinyin is there too
    expect(parts(text)).toContain('gzryrjyxgs')
    expect(parts(text)).toContain('guangzhourenyiruanjianyouxiangongsi')
    expect(text).toContain('gzry')
    expect(parts(text)).toContain('renyiruanjian')
    expect(parts(text)).toContain('ryrj')
  })

  it('holds contact names, their pinyin and mobiles', () => {
    expect(parts(text)).toEqual(expect.arrayContaining(['张三', 'zhangsan', 'zs', '138 0013 8000', '13800138000', 'lily 王', 'lilywang', 'lilyw']))
  })

  it('is lower-case, de-duplicated and has no empty parts', () => {
    expect(text).toBe(text.toLowerCase())
    const p = parts(text)
    expect(new Set(p).size).toBe(p.length)
    expect(p.every((x) => x.length > 0)).toBe(true)
  })

  it('stays under the column size and keeps the customer before the contacts', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `联系人${i}号张伟`, mobile: `1380000${String(i).padStart(4, '0')}` }))
    const long = buildCustomerSearchText({ name: '广州市人易软件有限公司', code: 'KH-2026-000001' }, many)
    expect(long.length).toBeLessThanOrEqual(SEARCH_TEXT_MAX)
    expect(long.length).toBeGreaterThan(SEARCH_TEXT_MAX - 60)
    expect(parts(long).slice(0, 2)).toEqual(['广州市人易软件有限公司', 'kh-2026-000001'])
    expect(parts(long)).toEqual(expect.arrayContaining(['gzsryrjyxgs', '联系人0号张伟', '13800000000', 'lianxiren0haozhangwei', 'lxr0hzw']))
    expect(long).not.toContain('联系人299号张伟')
    const huge = buildCustomerSearchText({ name: '广州市人易软件有限公司'.repeat(18), code: 'KH-2026-000001' }, many)
    expect(huge.length).toBeLessThanOrEqual(SEARCH_TEXT_MAX)
    expect(parts(huge).slice(0, 2)).toEqual(['广州市人易软件有限公司'.repeat(18), 'kh-2026-000001'])
  })

  it('drops 省/市/区/县 of a leading place name only for the abbreviated form', () => {
    expect(withoutDivisions('广东省广州市人易软件有限公司')).toBe('广东广州人易软件有限公司')
    expect(withoutDivisions('市政工程公司')).toBe('市政工程公司')
    const t = buildCustomerSearchText({ name: '广东省深圳市南山区腾飞科技', code: 'KH-2026-000009' }, [])
    expect(parts(t)).toEqual(expect.arrayContaining(['gdsszsnsqtfkj', 'gdsznstfkj']))
  })

  it('handles non-Chinese names and polyphones in context', () => {
    expect(pinyinForms('ABC Trading')).toEqual([])
    expect(pinyinForms('ABC科技')).toEqual(['abckeji', 'abckj'])
    expect(pinyinForms('重庆长安汽车')).toEqual(['chongqingchanganqiche', 'cqcaqc'])
    expect(pinyinForms('绿地')).toEqual(['lvdi', 'ld'])
    const t = buildCustomerSearchText({ name: 'Acme Ltd', code: 'KH-2026-000002' }, [])
    expect(t).toBe('acme ltd|kh-2026-000002')
  })
})
