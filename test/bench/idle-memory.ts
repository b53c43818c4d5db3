// npx tsx [--expose-gc] test/bench/idle-memory.ts --db sqlite FILE | --db postgres DATABASE [--now ISO] [--for 120] [--every 10]
// What the main process holds once its start-up jobs are done (issue 8 item 5: idle under 300 MB
// with 1,000,000 customers). Opens the database as `crm serve` does (checkpoints in a worker),
// runs one round of the background jobs (reminder evaluation, 公海 rules, attachments, the daily
// churn check, the backup) at a fixed "now" (--now; a day the file's jobs have not run yet makes
// them do their full work), then samples the process every --every seconds for --for seconds:
// resident size split into anonymous and file-backed pages (Linux /proc), and V8's heap, external
// and array-buffer figures. With --expose-gc, a last sample after a full collection tells live
// memory from garbage not yet collected.
import os from 'node:os'
import fs from 'node:fs'
import { openApp } from '../../src-main/app/bootstrap'
import { runBackgroundJobs } from '../../src-main/app/background-jobs'
import { checkpointInWorker } from '../../src-main/db/wal-checkpoints'

checkpointInWorker(true)
process.env.CRM_QUIET = '1'
const arg = (name: string, def?: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const dialect = arg('db') as 'sqlite' | 'postgres'
const target = process.argv[process.argv.indexOf('--db') + 2]!
const at = new Date(arg('now', new Date().toISOString())!)
const seconds = Number(arg('for', '120'))
const every = Number(arg('every', '10'))
const db =
  dialect === 'sqlite'
    ? ({ dialect, file: target } as const)
    : (() => {
        const u = new URL(process.env.CRM_TEST_PG_URL ?? '')
        u.pathname = '/' + target
        return { dialect, url: u.toString() } as const
      })()

const t0 = performance.now()
const mib = (b: number) => (b / 1048576).toFixed(0)
const kib = (field: string) => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'))
    return m ? Number(m[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}
// resident MiB by mapping: the database file's memory map, malloc's heap ([heap]: SQLite's page
// cache and statements), other anonymous memory (V8's heap, threads' arenas), the executable's text
const byMapping = () => {
  try {
    const sum: Record<string, number> = {}
    let name = ''
    for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line)
      if (head) {
        const path = head[1]!.trim()
        name = path === '' ? 'anon' : path === '[heap]' ? 'malloc' : path === target ? 'db map' : path === process.execPath ? 'executable' : 'other'
      } else if (line.startsWith('Rss:')) sum[name] = (sum[name] ?? 0) + Number(line.split(/\s+/)[1]) * 1024
    }
    return ['db map', 'malloc', 'anon', 'executable', 'other'].map((k) => `${k} ${mib(sum[k] ?? 0)}`).join(', ')
  } catch {
    return ''
  }
}
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6 }
const sample = (what: string) => {
  const m = process.memoryUsage()
  console.log(
    [
      `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s`,
      `rss ${mib(m.rss)}`,
      `anon ${mib(kib('RssAnon'))}`,
      `file ${mib(kib('RssFile'))}`,
      `peak ${mib(kib('VmHWM'))}`,
      byMapping(),
      `heap ${mib(m.heapUsed)}/${mib(m.heapTotal)}`,
      `external ${mib(m.external)} (buffers ${mib(m.arrayBuffers)})`,
      `cpu ${cpu().toFixed(1)} s`,
      what,
    ].join(' | '),
  )
}

console.log(`${dialect} ${target}; now ${at.toISOString()}; ${os.cpus()[0]?.model} × ${os.cpus().length}, ${mib(os.totalmem())} MiB; load ${os.loadavg()[0]!.toFixed(2)}; Node ${process.version}; MiB`)
const app = await openApp({ db, dataDir: os.tmpdir(), clock: { now: () => new Date(at.getTime() + performance.now() - t0) } })
sample('opened')
await runBackgroundJobs(app, (name) => sample(`→ ${name}`))
sample('jobs done')
const end = performance.now() + seconds * 1000
while (performance.now() < end) {
  await new Promise((r) => setTimeout(r, every * 1000))
  sample('idle')
}
const gc = (globalThis as { gc?: () => void }).gc
if (gc) {
  gc()
  await new Promise((r) => setTimeout(r, 1000))
  sample('after a full collection')
}
console.log(`load ${os.loadavg()[0]!.toFixed(2)}`)
await app.db.knex.destroy()
