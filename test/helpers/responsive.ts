// A batch job run beside a user: a timer ticks every 10 ms and a user pages a list, one request
// after another, while the job runs; the worst gap between two ticks and each request are
// measured in wall time and in this process's CPU time. Wall time on a shared machine depends on
// how much of a core the process gets; the work the process did between two ticks (its CPU time,
// which also counts its GC and worker threads) does not: it is what held the event loop. So CPU is
// always checked, wall time only when the machine is not oversubscribed.
import os from 'node:os'
import { expect } from 'vitest'

export const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

type Times = { wall: number; cpu: number }
export interface BesideUser<T> {
  result: T
  /** the CPU time of this process while the job ran */
  jobCpu: number
  /** the worst gap between two timer ticks */
  gaps: Times
  /** each of the user's requests */
  requests: Times[]
}

/** Runs `job` while timers tick and `request` (a user's list call, already warmed up) repeats until the job ends. */
export async function besideUser<T>(job: () => Promise<T>, request: () => Promise<void>): Promise<BesideUser<T>> {
  let last = { wall: performance.now(), cpu: cpuMs() }
  const gaps = { wall: 0, cpu: 0 }
  const timer = setInterval(() => {
    const now = { wall: performance.now(), cpu: cpuMs() }
    gaps.wall = Math.max(gaps.wall, now.wall - last.wall)
    gaps.cpu = Math.max(gaps.cpu, now.cpu - last.cpu)
    last = now
  }, 10)
  const requests: Times[] = []
  let running = true
  const cpu0 = cpuMs()
  const running$ = job().finally(() => {
    running = false
  })
  const user = (async () => {
    await new Promise((r) => setTimeout(r, 50))
    while (running) {
      const t0 = { wall: performance.now(), cpu: cpuMs() }
      await request()
      requests.push({ wall: performance.now() - t0.wall, cpu: cpuMs() - t0.cpu })
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  try {
    const result = await running$
    await user
    return { result, jobCpu: cpuMs() - cpu0, gaps, requests }
  } finally {
    clearInterval(timer)
  }
}

/**
 * The app went on all through the job: at least three requests answered, and between two ticks at
 * most a chunk or a request — within the 200 ms a user may wait (CPU always; wall time when the
 * load is under one per core, else printed).
 */
export function expectResponsive(label: string, r: BesideUser<unknown>, boundMs = 200) {
  expect(r.requests.length).toBeGreaterThanOrEqual(3)
  expect(r.gaps.cpu).toBeLessThan(boundMs)
  expect(Math.max(...r.requests.map((l) => l.cpu))).toBeLessThan(boundMs)
  const load = os.loadavg()[0]! / os.cpus().length
  const slowest = Math.max(...r.requests.map((l) => l.wall))
  const figures = `job CPU ${r.jobCpu.toFixed(0)} ms, worst timer gap ${r.gaps.wall.toFixed(0)} ms (CPU ${r.gaps.cpu.toFixed(0)} ms), slowest request ${slowest.toFixed(0)} ms, load ${load.toFixed(1)} per core`
  if (load < 1) {
    expect(r.gaps.wall, figures).toBeLessThan(boundMs)
    expect(slowest, figures).toBeLessThan(boundMs)
  } else console.log(`${label}: ${figures} (machine oversubscribed: wall times not asserted)`)
}
