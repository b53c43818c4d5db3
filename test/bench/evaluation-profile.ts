// npx tsx test/bench/evaluation-profile.ts SQLITE_FILE | --pg DATABASE [--full] [--now ISO]: one reminder evaluation (whole database with --full, else
// the hourly incremental one) on a SQLite file, every statement timed and grouped by its SQL, with the process CPU
// and the load average (issue 8: where the first evaluation at 1,000,000 customers spent its time). On SQLite a
// statement runs synchronously between knex's 'query' and 'query-response' events, so the process CPU between them
// is the statement's own (better-sqlite3's work, the page reads' system time); the rest of the run's CPU is the app's.
// On PostgreSQL (--pg, the database on CRM_TEST_PG_URL's server) a statement's wall time is mostly the server's: sorted by it.
import os from 'node:os'
import { openApp } from '../../src-main/app/bootstrap'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
process.env.CRM_QUIET = '1'
const at = process.argv.indexOf('--now') > 0 ? new Date(process.argv[process.argv.indexOf('--now') + 1]!) : null
const pg = process.argv.indexOf('--pg') > 0 ? process.argv[process.argv.indexOf('--pg') + 1]! : null
const url = new URL(process.env.CRM_TEST_PG_URL ?? 'postgres://localhost/')
url.pathname = '/' + pg
const app = await openApp({
  db: pg ? { dialect: 'postgres', url: url.toString() } : { dialect: 'sqlite', file: process.argv[2]! },
  dataDir: os.tmpdir(),
  ...(at ? { clock: { now: () => new Date(at) } } : {}),
})
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
for (const [k, e] of [...by].sort((a, b) => (pg ? b[1].ms - a[1].ms : b[1].cpu - a[1].cpu)).slice(0, 20)) {
  console.log(`${e.cpu.toFixed(0).padStart(10)} ${e.ms.toFixed(0).padStart(10)} ${String(e.n).padStart(11)} ${e.max.toFixed(0).padStart(12)}  ${k}`)
}
await app.db.knex.destroy()
