// Formats of contact and business data (issue 7, item 10): the contract's checks, the zod fields
// that use them, and the renderer's mirror (components/cn-formats.ts) answering the same.
import { describe, expect, it } from 'vitest'
import * as contract from '../../src-main/contract/formats'
import * as mirror from '../../src-renderer/components/cn-formats'
import { CustomerFields, CustomerPatch } from '../../src-main/contract/customers'
import { ContactFields } from '../../src-main/contract/contacts'
import { zodIssues } from '../../src-main/ipc/dispatch'
import { UpdateSettingsInput } from '../../src-main/contract/system'
import { Login, Password } from '../../src-main/contract/auth'
import { UserCreate } from '../../src-main/contract/users'
import { z } from 'zod'

const uscc = (first17: string) => first17 + contract.usccCheckChar(first17)
const VALID_USCC = uscc('91440101MA5CXXXX1') // a made-up Guangzhou code with its check character
const wrongCheck = VALID_USCC.slice(0, 17) + (VALID_USCC[17] === '0' ? '1' : '0')

const SAMPLES: Record<'isMobile' | 'isPhone' | 'isPostcode' | 'isTaxId' | 'isWebsite', Array<[string, boolean]>> = {
  isMobile: [
    ['13800138000', true], ['19912345678', true], ['+86 138 0013 8000', true], ['8613800138000', true], ['138-0013-8000', true],
    ['1380013800', false], ['12800138000', false], ['138001380001', false], ['020-87654321', false], ['abc', false],
  ],
  isPhone: [
    ['020-87654321', true], ['0755-86001111', true], ['020-8888 1234', true], ['(0755)82345678', true], ['(0755)12345678', false], ['021-62345678-801', true],
    ['0755-8888-1234', true], ['02087654321', true], ['400-800-8888', true], ['13800138000', true], ['+1 415 555 0100', true],
    ['021-1234', false], ['1', false], ['020-0123456', false], ['12345678', false], ['+86 20 1234', false], ['电话', false],
  ],
  isPostcode: [['510000', true], [' 200120 ', true], ['12ab', false], ['5100001', false], ['51000', false]],
  isTaxId: [
    [VALID_USCC, true], [VALID_USCC.toLowerCase(), true], [wrongCheck, false], ['123', false], ['91440101MA5CXXXX1I', false],
    ['440101' + '73562112' + 'X', false], ['440101' + '12345678' + '8', true], ['440101123456788', true], ['44010112345678', false],
  ],
  isWebsite: [
    ['www.example.com', true], ['https://renyi.cn/about?x=1', true], ['http://localhost.cn:8080', true], ['示例.中国', true],
    ['foo bar', false], ['example', false], ['http://', false], ['www.exa mple.com', false],
  ],
}

// the rules a form checks before it sends (components/form-rules.ts over the mirror) and the contract checks again
const UI_RULES: Record<'isEmail' | 'isHttpUrl' | 'isLogin', Array<[string, boolean]>> = {
  isEmail: [
    ['li.ming@example.com', true], ['a+b@mail.example.cn', true], [' wang@qq.com ', true], ['x@y.co', true],
    ['a@b', false], ['a@b.c', false], ['a..b@example.com', false], ['a@@b.cn', false], ['张三@例子.中国', false], ['a b@c.cn', false], ['.a@b.cn', false], ['a@-b.cn', false],
  ],
  isHttpUrl: [
    ['https://updates.example.com/crm/', true], ['http://10.0.0.5:8080/latest', true], [' https://a.cn ', true],
    ['ftp://files.example.com', false], ['https://user:pw@updates.example.com', false], ['https://user@updates.example.com', false],
    ['updates.example.com', false], ['http://', false], ['javascript:alert(1)', false], ['file:///c:/crm', false],
  ],
  isLogin: [['li.ming', true], ['zhuguan_01', true], ['a@b-c', true], ['ab', true], ['x'.repeat(64), true], ['a', false], ['x'.repeat(65), false], ['李明', false], ['a b', false], ['a/b', false]],
}
/** The same value through the contract's zod field (blank is "no value" in the update address). */
const CONTRACT_CHECK: Record<keyof typeof UI_RULES, (v: string) => boolean> = {
  isEmail: (v) => UserCreate.shape.email.safeParse(v.trim()).success && CustomerFields.shape.email.safeParse(v.trim()).success && ContactFields.shape.email.safeParse(v.trim()).success,
  isHttpUrl: (v) => UpdateSettingsInput.safeParse({ url: v, checkOnStart: true }).success,
  isLogin: (v) => Login.safeParse(v).success,
}

describe('form rules and the contract agree', () => {
  for (const [fn, cases] of Object.entries(UI_RULES) as Array<[keyof typeof UI_RULES, Array<[string, boolean]>]>) {
    it(`${fn}: the form's check, the contract's helper and the contract's zod field accept and refuse the same`, () => {
      for (const [v, want] of cases) {
        expect(mirror[fn](v), `mirror ${fn}(${v})`).toBe(want)
        expect(contract[fn](v), `contract ${fn}(${v})`).toBe(want)
        expect(CONTRACT_CHECK[fn](v), `zod field for ${fn}(${v})`).toBe(want)
      }
    })
  }

  it("the mirror's e-mail pattern is zod's own, and the password bounds are the contract's", () => {
    expect(mirror.EMAIL.source).toBe(z.regexes.email.source)
    expect(mirror.EMAIL.flags).toBe(z.regexes.email.flags)
    expect([mirror.PASSWORD_MIN, mirror.PASSWORD_MAX]).toEqual([contract.PASSWORD_MIN, contract.PASSWORD_MAX])
    for (const n of [7, 8, 128, 129]) expect(Password.safeParse('x'.repeat(n)).success, `password of ${n}`).toBe(n >= mirror.PASSWORD_MIN && n <= mirror.PASSWORD_MAX)
    expect(UpdateSettingsInput.safeParse({ url: null, checkOnStart: false }).success).toBe(true)
  })
})

describe('contract formats', () => {
  for (const [fn, cases] of Object.entries(SAMPLES)) {
    it(`${fn}: each sample as expected, and the renderer's mirror agrees`, () => {
      for (const [v, want] of cases) {
        expect(contract[fn as keyof typeof SAMPLES](v), `${fn}(${v})`).toBe(want)
        expect(mirror[fn as keyof typeof SAMPLES](v), `mirror ${fn}(${v})`).toBe(want)
      }
    })
  }

  it('the USCC check character follows GB 32100-2015 (a published code checks)', () => {
    // 91350100M000100Y43: the standard's own example
    expect(contract.isUscc('91350100M000100Y43')).toBe(true)
    expect(contract.isUscc('91350100M000100Y44')).toBe(false)
    expect(contract.usccCheckChar('91350100M000100Y4')).toBe('3')
  })

  it('the customer fields refuse what issue 7 found accepted, each with its own code', () => {
    const bad = { name: '格式测试', postcode: '12ab', website: 'foo bar', taxId: '123', yearsInBusiness: 999, employees: -5, phone: '021-1234', fax: 'x' }
    const r = CustomerFields.safeParse(bad)
    expect(r.success).toBe(false)
    const issues = Object.fromEntries(zodIssues(r.error!).map((i) => [i.field, i.code]))
    expect(issues).toEqual({ postcode: 'postcode', website: 'website', taxId: 'tax_id', yearsInBusiness: 'too_big', employees: 'too_small', phone: 'phone', fax: 'phone' })
  })

  it('blank values stay allowed, valid ones pass and the tax id is stored upper-case', () => {
    const ok = CustomerPatch.parse({ postcode: '', website: null, taxId: VALID_USCC.toLowerCase(), phone: '020-87654321', yearsInBusiness: 200, employees: 0 })
    expect(ok).toMatchObject({ postcode: '', website: null, taxId: VALID_USCC, phone: '020-87654321', yearsInBusiness: 200, employees: 0 })
    expect(CustomerFields.safeParse({ name: 'x', employees: 10_000_001 }).success).toBe(false)
    expect(CustomerFields.safeParse({ name: 'x', employees: 1.5 }).success).toBe(false)
  })

  it('a contact mobile must be a mainland mobile; office and home phones any phone', () => {
    const r = ContactFields.safeParse({ name: '张三', mobile: '1380013800', officePhone: '0755-1111', homePhone: '13800138000' })
    expect(r.success).toBe(false)
    expect(zodIssues(r.error!).map((i) => [i.field, i.code])).toEqual([['mobile', 'mobile'], ['officePhone', 'phone']])
    expect(ContactFields.safeParse({ name: '张三', mobile: '13800138000', officePhone: '0755-86001111-8' }).success).toBe(true)
  })
})
