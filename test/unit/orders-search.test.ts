// Which order numbers a global-search term asks for (orders.search): exact numbers and ranges
// the code index reads, never a substring scan.
import { describe, expect, it } from 'vitest'
import { isOrderCodeOnly, orderCodeQuery } from '../../src-main/modules/orders/orders.search'

describe('orderCodeQuery', () => {
  const years = [2026, 2025]
  it('a whole number, with or without its prefix and dashes, is that number', () => {
    for (const t of ['dd-2026-001234', 'DD2026001234', '2026-001234', '2026001234']) expect(orderCodeQuery(t, years)).toEqual({ exact: ['DD-2026-001234'], ranges: [] })
  })
  it('a part of a number is the range of numbers starting with it', () => {
    expect(orderCodeQuery('dd-2026-0012', years)).toEqual({ exact: [], ranges: [['DD-2026-0012', 'DD-2026-0013']] })
    expect(orderCodeQuery('2026-0019', years)).toEqual({ exact: [], ranges: [['DD-2026-0019', 'DD-2026-0020']] }) // carry
    expect(orderCodeQuery('dd-2026-99999', years)).toEqual({ exact: [], ranges: [['DD-2026-99999', 'DD-2027-']] }) // overflow: up to the next year
    expect(orderCodeQuery('dd-2026', years)).toEqual({ exact: [], ranges: [['DD-2026-', 'DD-2027-']] })
    expect(orderCodeQuery('dd-202', years)).toEqual({ exact: [], ranges: [['DD-202', 'DD-203']] })
  })
  it('digits alone are a sequence number (padded) and a sequence prefix in every year with orders', () => {
    expect(orderCodeQuery('1234', years)).toEqual({
      exact: ['DD-2026-001234', 'DD-2025-001234'],
      ranges: [['DD-2026-1234', 'DD-2026-1235'], ['DD-2025-1234', 'DD-2025-1235']],
    })
    expect(orderCodeQuery('123456', years)).toEqual({ exact: ['DD-2026-123456', 'DD-2025-123456'], ranges: [] })
    // a year with orders also lists that year's numbers
    expect(orderCodeQuery('2025', years)?.ranges).toContainEqual(['DD-2025-', 'DD-2026-'])
    // seven to ten digits: a year with orders and its sequence, else nothing (a phone number)
    expect(orderCodeQuery('20251234', years)).toEqual({ exact: ['DD-2025-001234'], ranges: [] })
    expect(orderCodeQuery('13800138000', years)).toBeNull()
    expect(orderCodeQuery('1380013', years)).toBeNull()
    expect(orderCodeQuery('1234', [])).toBeNull() // no orders yet
  })
  it('words and short digits are not numbers', () => {
    for (const t of ['金鼎', 'szjd', '123', 'kh-2026-000001', '12a4']) expect(orderCodeQuery(t, years)).toBeNull()
    expect(isOrderCodeOnly('dd-2026')).toBe(true)
    expect(isOrderCodeOnly('DD2')).toBe(true)
    expect(isOrderCodeOnly('ddd')).toBe(false)
    expect(isOrderCodeOnly('2026')).toBe(false)
  })
})
