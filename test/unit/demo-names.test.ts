// crm demo's name set (src-main/cli/demo-data.ts): a bit per possible generated company name
// instead of a Set of every name, so a 1,000,000-customer demo stays within memory. It must
// answer exactly as the Set did, so the same seed still makes the same companies.
import { describe, expect, it } from 'vitest'
import { DemoNameSet, demoCustomer, FEATURED_NAME, featuredCustomer, makeRng } from '../../src-main/cli/demo-data'

describe('DemoNameSet', () => {
  it('makes the same 30,000 companies from a seed as a Set of names did', () => {
    const bySet = makeRng(42)
    const byBits = makeRng(42)
    const set = new Set<string>(['广州华鑫电子科技有限公司', '已有的客户'])
    const bits = new DemoNameSet().add('广州华鑫电子科技有限公司').add('已有的客户')
    const a: string[] = []
    const b: string[] = []
    for (let i = 0; i < 30_000; i++) {
      a.push(demoCustomer(bySet, set).name)
      b.push(demoCustomer(byBits, bits).name)
    }
    expect(b).toEqual(a)
    expect(new Set(b).size).toBe(b.length) // unique
    expect(bits.otherCount).toBe(1) // only the name of another shape is kept as a string
  })

  it('answers has() like a Set for generated names, other names and near misses', () => {
    const names = new DemoNameSet()
    const r = makeRng(7)
    const made = Array.from({ length: 2000 }, () => demoCustomer(r, names).name)
    for (const n of made) expect(names.has(n)).toBe(true)
    // the same shape with one part changed is another name
    const one = made[0]!
    expect(names.has(one.replace(/有限公司$/, '有限责任公司'))).toBe(made.includes(one.replace(/有限公司$/, '有限责任公司')))
    expect(names.has(one + '分公司')).toBe(false)
    expect(names.has('上海')).toBe(false)
    expect(names.has(FEATURED_NAME)).toBe(false)
    expect(featuredCustomer(names)?.name).toBe(FEATURED_NAME)
    expect(featuredCustomer(names)).toBeNull() // taken now
    expect(names.has(FEATURED_NAME)).toBe(true)
  })
})
