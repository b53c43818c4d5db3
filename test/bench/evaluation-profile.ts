// npx tsx test/bench/evaluation-profile.ts SQLITE_FILE [--full]: one reminder evaluation (whole database with --full, else
// the hourly incremental one) on a SQLite file, every statement timed and grouped by its SQL, with the process CPU
// and the load average (issue 8: where the first evaluation at 1,000,000 customers spent its time).
import os from 'node:os'
import { openApp } from '../../src-main/app/bootstrap'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
process.env.CRM_QUIET = '1'
const file = process.argv[2]!
const app = await openApp({ db: { dialect: 'sqlite', file }, dataDir: os.tmpdir() })
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
const by = new Map<string, { n: number; ms: number; max: number }>()
const started = new Map<string, number>()
let longest = 0
app.db.knex.on('query', (q: any) => started.set(q.__knexQueryUid, performance.now()))
app.db.knex.on('query-response', (_r: any, q: any) => {
  const t = started.get(q.__knexQueryUid); if (t === undefined) return
  const d = performance.now() - t
  started.delete(q.__knexQueryUid)
  const key = String(q.sql).replace(/\?(, \?)*/g, '?').slice(0, 160)
  const e = by.get(key) ?? { n: 0, ms: 0, max: 0 }
  e.n++; e.ms += d; e.max = Math.max(e.max, d); by.set(key, e)
  longest = Math.max(longest, d)
})
const c0 = cpu(); const l0 = os.loadavg()[0]
const r = await evaluateReminders(app, { full: process.argv.includes('--full') })
console.log(`evaluation ${r.ms} ms wall, ${(cpu() - c0).toFixed(0)} ms process CPU, load ${l0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}; longest statement ${longest.toFixed(1)} ms`, JSON.stringify(r))
for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`${e.ms.toFixed(0).padStart(7)} ms ${String(e.n).padStart(6)}× max ${e.max.toFixed(0).padStart(5)}  ${k}`)
await app.db.knex.destroy()
