// npx tsx test/bench/evaluation-profile.ts SQLITE_FILE [--full]: one reminder evaluation (whole database with --full, else
// the hourly incremental one) on a SQLite file, every statement timed and grouped by its SQL, with the process CPU
// and the load average (issue 8: where the first evaluation at 1,000,000 customers spent its time). On SQLite a
// statement runs synchronously between knex's 'query' and 'query-response' events, so the process CPU between them
// is the statement's own (better-sqlite3's work, the page reads' system time); the rest of the run's CPU is the app's.
import os from 'node:os'
import { openApp } from '../../src-main/app/bootstrap'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
process.env.CRM_QUIET = '1'
const file = process.argv[2]!
const app = await openApp({ db: { dialect: 'sqlite', file }, dataDir: os.tmpdir() })
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
const by = new Map<string, { n: number; ms: number; cpu: number; max: number }>()
const started = new Map<string, [number, number]>()
let longest = 0
let longestSql = ''
let statementsCpu = 0
app.db.knex.on('query', (q: any) => started.set(q.__knexQueryUid, [performance.now(), cpu()]))
app.db.knex.on('query-response', (_r: any, q: any) => {
  const t = started.get(q.__knexQueryUid); if (t === undefined) return
  const d = performance.now() - t[0]
  const c = cpu() - t[1]
  started.delete(q.__knexQueryUid)
  const key = String(q.sql).replace(/\?(, \?)*/g, '?').replace(/\((\?, )*\?\)(, \((\?, )*\?\))*/g, '(…)').slice(0, 160)
  const e = by.get(key) ?? { n: 0, ms: 0, cpu: 0, max: 0 }
  e.n++; e.ms += d; e.cpu += c; e.max = Math.max(e.max, d); by.set(key, e)
  statementsCpu += c
  if (d > longest) { longest = d; longestSql = key.slice(0, 80) }
})
const c0 = cpu(); const l0 = os.loadavg()[0]
const r = await evaluateReminders(app, { full: process.argv.includes('--full') })
const total = cpu() - c0
console.log(`evaluation ${r.ms} ms wall, ${total.toFixed(0)} ms process CPU (statements ${statementsCpu.toFixed(0)}, the rest ${(total - statementsCpu).toFixed(0)}), load ${l0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}; longest statement ${longest.toFixed(1)} ms wall (${longestSql})`, JSON.stringify(r))
console.log('    CPU ms    wall ms  statements  max wall ms  SQL')
for (const [k, e] of [...by].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 20)) {
  console.log(`${e.cpu.toFixed(0).padStart(10)} ${e.ms.toFixed(0).padStart(10)} ${String(e.n).padStart(11)} ${e.max.toFixed(0).padStart(12)}  ${k}`)
}
await app.db.knex.destroy()
