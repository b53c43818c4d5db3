// The order screens' display helpers: the typed-draft preview gives exactly the main process's
// line totals (same rounding rule), and 金额大写 on the printed sheet.
import { describe, expect, it } from 'vitest'
import { bpOfPercent, chineseAmount, previewLineTotal } from '../../src-renderer/views/orders/order-format'
import { lineAmounts } from '../../src-main/modules/orders/orders.model'
import { makeRng } from '../../src-main/cli/demo-data'

describe('order form preview', () => {
  it('matches the saved line totals for 5,000 random lines', () => {
    const r = makeRng(9)
    for (let i = 0; i < 5000; i++) {
      const quantity = r.int(1, 9_999_999) / 1000
      const unitPriceCents = r.int(0, 99_999_999)
      const discountBp = r.chance(0.5) ? 0 : r.int(0, 10_000)
      expect(previewLineTotal(quantity, unitPriceCents, discountBp), `${quantity} × ${unitPriceCents} − ${discountBp}bp`).toBe(lineAmounts({ quantity, unitPriceCents, discountBp }).lineTotalCents)
    }
  })
  it('percent with two decimals → basis points', () => {
    expect([bpOfPercent(12.5), bpOfPercent(0.01), bpOfPercent(9.99), bpOfPercent(null)]).toEqual([1250, 1, 999, 0])
  })
})

describe('金额大写', () => {
  it.each([
    [287_500_000, '人民币贰佰捌拾柒万伍仟元整'],
    [10_000_500, '人民币壹拾万零伍元整'],
    [1_000_000_000, '人民币壹仟万元整'],
    [10_000_000_100, '人民币壹亿零壹元整'],
    [101_000, '人民币壹仟零壹拾元整'],
    [1_234_56, '人民币壹仟贰佰叁拾肆元伍角陆分'],
    [100_05, '人民币壹佰元零伍分'],
    [50, '人民币伍角'],
    [7, '人民币柒分'],
    [0, '人民币零元整'],
  ])('%i cents → %s', (cents, text) => {
    expect(chineseAmount(cents)).toBe(text)
  })
})
