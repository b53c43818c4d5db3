// readAhead: the export asks for the next chunk before it writes the current one — same chunks in
// the same order, a failed read thrown where its chunk is awaited (never an unhandled rejection),
// the source closed when the export stops early.
import { describe, expect, it } from 'vitest'
import { readAhead } from '../../src-main/modules/exports/exports.service'

const tick = () => new Promise((r) => setTimeout(r, 1))

describe('readAhead', () => {
  it('hands on every chunk in order, the next one already asked for', async () => {
    const asked: number[] = []
    async function* source() {
      for (let i = 1; i <= 4; i++) {
        asked.push(i)
        await tick()
        yield i
      }
    }
    const got: Array<[number, number]> = []
    for await (const c of readAhead(source())) {
      await tick()
      got.push([c, asked.length])
    }
    // while chunk c is handled, chunk c + 1 is being read
    expect(got).toEqual([[1, 2], [2, 3], [3, 4], [4, 4]])
  })

  it('throws a failed read at its chunk, after the chunks before it', async () => {
    let unhandled = 0
    const onUnhandled = () => unhandled++
    process.on('unhandledRejection', onUnhandled)
    async function* source() {
      yield 1
      await tick()
      throw new Error('read failed')
    }
    const got: number[] = []
    await expect(async () => {
      for await (const c of readAhead(source())) {
        await tick() // the read fails while this chunk is written
        await tick()
        got.push(c)
      }
    }).rejects.toThrow('read failed')
    await tick()
    process.off('unhandledRejection', onUnhandled)
    expect(got).toEqual([1])
    expect(unhandled).toBe(0)
  })

  it('closes the source when the consumer stops early (a cancelled export)', async () => {
    let closed = false
    async function* source() {
      try {
        for (let i = 1; ; i++) {
          await tick()
          yield i
        }
      } finally {
        closed = true
      }
    }
    await expect(async () => {
      for await (const c of readAhead(source())) if (c === 2) throw new Error('cancelled')
    }).rejects.toThrow('cancelled')
    expect(closed).toBe(true)
  })
})
