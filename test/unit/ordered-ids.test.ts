// Time-ordered ids (newOrderedId) for bulk writers: valid ids where any id is (the contract's
// z.uuid()), distinct, and in the order they were made — also past 4,096 in one millisecond.
import { describe, expect, it } from 'vitest'
import { Id } from '../../src-main/contract/common'
import { newId, newOrderedId } from '../../src-main/db/ids'

describe('newOrderedId', () => {
  it('makes ids the contract accepts, lower-case, distinct and rising in the order made', () => {
    const ids = Array.from({ length: 20_000 }, () => newOrderedId())
    for (const id of [ids[0]!, ids[4_500]!, ids[19_999]!]) {
      expect(Id.safeParse(id).success).toBe(true)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }
    expect(new Set(ids).size).toBe(ids.length)
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} then ${ids[i]}`).toBe(true)
  })

  it('starts with the time it was made (ms), so ids of later runs sort after earlier ones', () => {
    const before = Date.now()
    const id = newOrderedId()
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
    expect(ms).toBeGreaterThanOrEqual(before)
    expect(ms).toBeLessThan(before + 5_000)
    expect(Id.safeParse(newId()).success).toBe(true)
  })
})
