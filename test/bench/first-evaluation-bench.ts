// npx tsx test/bench/first-evaluation-bench.ts --db sqlite FILE | --db postgres DATABASE [--hourly] [--now ISO]
// One reminder evaluation (the first, whole-database one; with --hourly the incremental one) on an existing
// database at a fixed "now" (--now, default 2026-12-07T06:00:00Z), so runs of the old and the new code on
// copies of the same data make the same reminders. Prints the process CPU, on PostgreSQL also the server
// backends' CPU of the database (pgServerCpuMs), the load average, the commits, and what the run left: the
// reminders it created counted by source and a checksum of (source, source_id, owner, due) of all of them,
// and a checksum of every reminder's state (id, owner, due, done, deleted, retracted) — equal figures before
// and after a change mean the same results.
import os from 'node:os'
import { createHash } from 'node:crypto'
import { openApp } from '../../src-main/app/bootstrap'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { toIso } from '../../src-main/db/dialect'
import { checkpointInWorker } from '../../src-main/db/wal-checkpoints'
import { pgServerCpuMs } from './bench-pg'

checkpointInWorker(true) // SQLite: as the desktop app and `crm serve` run it (process CPU counts the worker's too)

process.env.CRM_QUIET = '1'
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const dialect = arg('db') as 'sqlite' | 'postgres'
const target = process.argv[process.argv.indexOf('--db') + 2]!
const at = new Date(arg('now') ?? '2026-12-07T06:00:00Z')
let db
if (dialect === 'sqlite') db = { dialect, file: target } as const
else {
  const u = new URL(process.env.CRM_TEST_PG_URL ?? '')
  u.pathname = '/' + target
  db = { dialect, url: u.toString() } as const
}
const app = await openApp({ db, dataDir: os.tmpdir(), clock: { now: () => new Date(at) } })
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
const server = () => (dialect === 'postgres' ? pgServerCpuMs(target) : 0)
let commits = 0
let statements = 0
app.db.knex.on('query', (q: { sql?: string }) => {
  statements++
  if (/^commit/i.test(String(q.sql ?? ''))) commits++
})
const l0 = os.loadavg()[0]
const c0 = cpu()
const s0 = server()
// the longest gap between the ticks of a 10 ms timer: how long a request could have waited
let last = performance.now()
let longest = 0
const tick = setInterval(() => {
  const now = performance.now()
  longest = Math.max(longest, now - last - 10)
  last = now
}, 10)
const r = await evaluateReminders(app, { full: !process.argv.includes('--hourly') })
clearInterval(tick)
const appCpu = cpu() - c0
const serverCpu = server() - s0
console.log(
  `evaluation ${r.ms} ms wall; CPU app ${appCpu.toFixed(0)} ms + server ${serverCpu.toFixed(0)} ms = ${(appCpu + serverCpu).toFixed(0)} ms; ` +
    `${statements} statements, ${commits} commits; longest event-loop gap ${longest.toFixed(0)} ms; load ${l0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`,
  JSON.stringify(r),
)
const k = app.db.knex
const created = await k('reminders').where('created_at', at.toISOString()).select('source', 'source_id', 'owner_id', 'due_at')
const bySource: Record<string, number> = {}
const h = createHash('sha256')
for (const x of created.map((x) => [x.source, x.source_id, x.owner_id, toIso(x.due_at)].map((v) => String(v ?? '').toLowerCase()).join('|')).sort()) {
  h.update(x + '\n')
}
for (const x of created) bySource[x.source] = (bySource[x.source] ?? 0) + 1
console.log(`created ${created.length}`, JSON.stringify(bySource), 'checksum', h.digest('hex').slice(0, 16))
const all = await k('reminders').select('id', 'owner_id', 'due_at', 'done_at', 'deleted_at', 'retracted_at')
const h2 = createHash('sha256')
for (const x of all.map((x) => [x.id, x.owner_id, toIso(x.due_at), toIso(x.done_at), toIso(x.deleted_at), toIso(x.retracted_at)].map((v) => String(v ?? '').toLowerCase()).join('|')).sort()) {
  h2.update(x + '\n')
}
console.log(`all reminders ${all.length}, state checksum`, h2.digest('hex').slice(0, 16))
await k.destroy()
