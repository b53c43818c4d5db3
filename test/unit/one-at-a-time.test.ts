// Batch jobs' runs one after another per database handle (shared/one-at-a-time.ts): the runs of one
// handle never overlap, and a run stuck on a closed handle holds up none on another handle.
import { expect, it } from 'vitest'
import { oneAtATimePerHandle } from '../../src-main/shared/one-at-a-time'

it('runs of one handle one after another, also after a failed run; another handle does not wait', async () => {
  const serialized = oneAtATimePerHandle()
  const a = {}
  const b = {}
  const log: string[] = []
  let release = () => {}
  const stuck = new Promise<void>((r) => (release = r))
  const first = serialized(a, async () => {
    log.push('a1 start')
    await stuck
    log.push('a1 end')
    throw new Error('a1 failed')
  })
  const second = serialized(a, async () => {
    log.push('a2')
    return 2
  })
  // another handle's run finishes while a's first run is still stuck
  expect(await serialized(b, async () => 'b')).toBe('b')
  expect(log).toEqual(['a1 start'])
  release()
  await expect(first).rejects.toThrow('a1 failed')
  expect(await second).toBe(2)
  expect(log).toEqual(['a1 start', 'a1 end', 'a2'])
})
