// The same-name rule (同名客户): full-width → half-width, spaces and punctuation removed,
// （）/() unified, case folded; and the LIKE pattern that narrows the lookup in the database.
import { describe, expect, it } from 'vitest'
import { isSameCompanyName, normalizeCompanyName, sameNamePattern } from '../../src-main/modules/customers/customers.dedupe'

describe('normalizeCompanyName', () => {
  it('folds width, case, spaces and punctuation; keeps and unifies brackets', () => {
    expect(normalizeCompanyName('广州市人易软件有限公司')).toBe('广州市人易软件有限公司')
    expect(normalizeCompanyName(' 广州市 人易软件　有限公司。')).toBe('广州市人易软件有限公司')
    expect(normalizeCompanyName('ＡＢＣ（中国）贸易有限公司')).toBe('abc(中国)贸易有限公司')
    expect(normalizeCompanyName('abc【中国】贸易·有限公司')).toBe('abc(中国)贸易有限公司')
    expect(normalizeCompanyName('Acme Co., Ltd.')).toBe('acmecoltd')
    expect(normalizeCompanyName('「新华」书店-分店')).toBe('新华书店分店')
    expect(normalizeCompanyName('')).toBe('')
    expect(normalizeCompanyName(null)).toBe('')
    expect(normalizeCompanyName(' 。，')).toBe('')
  })

  it('says when two names are the same name, and never for empty ones', () => {
    expect(isSameCompanyName('深圳 华为技术有限公司', '深圳华为技术有限公司')).toBe(true)
    expect(isSameCompanyName('ABC(中国)有限公司', 'ａｂｃ（中国）有限公司')).toBe(true)
    expect(isSameCompanyName('ABC中国有限公司', 'ABC(中国)有限公司')).toBe(false)
    expect(isSameCompanyName('华为技术有限公司', '华为技术股份有限公司')).toBe(false)
    expect(isSameCompanyName('。', '，')).toBe(false)
  })

  it('narrows by the Chinese characters (or letters and digits) with gaps for what normalising removes', () => {
    expect(sameNamePattern(normalizeCompanyName('ABC（中国）贸易'))).toBe('%中%国%贸%易%')
    expect(sameNamePattern(normalizeCompanyName('Acme Co., Ltd.'))).toBe('%a%c%m%e%c%o%l%t%d%')
    expect(sameNamePattern('')).toBeNull()
    // every spelling of the same name matches the pattern of any other (LIKE emulated here)
    const like = (pattern: string, s: string) => new RegExp('^' + pattern.split('%').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$').test(s)
    const p = sameNamePattern(normalizeCompanyName('广州市人易软件有限公司'))!
    for (const stored of ['广州市 人易软件有限公司', '广州市人易软件（有限）公司', '“广州市人易软件有限公司”']) expect(like(p, stored.toLowerCase())).toBe(true)
  })
})
