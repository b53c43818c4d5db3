// The export chunk reader every list shares: ordered ids in, rows by id a chunk at a time, in the
// ids' order (SQL Server: at most 1,000 ids a read).
import { describe, expect, it } from 'vitest'
import { chunksInOrder, IDS_PER_READ, inIdOrder } from '../../src-main/shared/chunks-in-order'

const collect = async <T>(g: AsyncIterable<T>) => {
  const out: T[] = []
  for await (const x of g) out.push(x)
  return out
}
const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)

describe('inIdOrder', () => {
  it('puts the rows in the ids\' order, leaves out an id without a row, ignores a row not asked for', () => {
    const rows = [{ id: 'c', v: 3 }, { id: 'a', v: 1 }, { id: 'x', v: 9 }]
    expect(inIdOrder(['a', 'b', 'c'], rows)).toEqual([{ id: 'a', v: 1 }, { id: 'c', v: 3 }])
  })

  it('matches ids whatever their case (SQL Server hands uniqueidentifiers back upper-case)', () => {
    const [a, b] = idsOf(2) as [string, string]
    const rows = [{ id: b.toUpperCase() }, { id: a.toUpperCase() }]
    expect(inIdOrder([a, b], rows)).toEqual([{ id: a.toUpperCase() }, { id: b.toUpperCase() }])
    expect(inIdOrder([a.toUpperCase()], [{ id: a }])).toEqual([{ id: a }])
  })
})

describe('chunksInOrder', () => {
  it('reads `step` ids at a time, each chunk in the ids\' order, a row deleted since left out', async () => {
    const ids = idsOf(7)
    const reads: string[][] = []
    const chunks = await collect(
      chunksInOrder(ids, 3, async (slice) => {
        reads.push(slice)
        return slice.filter((id) => id !== ids[4]).reverse().map((id) => ({ id }))
      }),
    )
    expect(reads).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)])
    expect(chunks.map((c) => c.map((r) => r.id))).toEqual([ids.slice(0, 3), [ids[3], ids[5]], [ids[6]]])
  })

  it('never names more than IDS_PER_READ ids in a read, whatever the step (SQL Server: 2,100 parameters)', async () => {
    expect(IDS_PER_READ).toBe(1000)
    const ids = idsOf(2500)
    const sizes: number[] = []
    const chunks = await collect(chunksInOrder(ids, 5000, async (slice) => (sizes.push(slice.length), slice.map((id) => ({ id })))))
    expect(sizes).toEqual([1000, 1000, 500])
    expect(chunks.flat().map((r) => r.id)).toEqual(ids)
  })

  it('yields one empty chunk for no ids, without a read (the export still writes its header)', async () => {
    let reads = 0
    expect(await collect(chunksInOrder([], 1000, async () => (reads++, [])))).toEqual([[]])
    expect(reads).toBe(0)
  })

  it('stops reading when the consumer stops', async () => {
    const ids = idsOf(5)
    let reads = 0
    for await (const chunk of chunksInOrder(ids, 2, async (slice) => (reads++, slice.map((id) => ({ id }))))) {
      expect(chunk).toHaveLength(2)
      break
    }
    expect(reads).toBe(1)
  })
})
