// npm run bench:jobs -- --db sqlite:FILE|postgres://…/DB [--copy-of SOURCE] [--data DIR] [--gaps N] [--without-backup]
// The event loop while the background jobs run (issue 8 item 3): opens the app as `crm serve`
// does (checkpoints in a worker thread, browser mode), then runs `runBackgroundJobs` once (the
// reminder evaluation, 公海 rules, attachment clean-up, daily churn check, automatic backup) while a
// 10 ms timer records every gap between its ticks over 100 ms, with the statements over 30 ms that
// ran inside it (knex's client `_query` timed, BEGIN/COMMIT included). On SQLite a statement runs
// on the event loop (better-sqlite3 is synchronous): its time is the hold. On PostgreSQL the driver
// is asynchronous: a hold is JavaScript — the rows of an answer parsed and turned into the next
// statements — so a gap is shown with the answer before it and the statement after it.
// Prints the jobs' wall and process CPU (all threads: the checkpoint and backup workers too; on
// PostgreSQL also the server backends' CPU), per job and in all, the count of gaps > 100 / > 200 ms,
// the longest gap and what filled it, the load average and the machine.
// --copy-of makes the database afresh first (the first evaluation changes the data): SQLite copies
// the file SOURCE over FILE (its -wal/-shm removed; the copy synced to the disk), PostgreSQL drops DB and creates it from the
// template database SOURCE (nobody may be connected to it). --data is the data folder (the
// backup goes there; default a temporary folder, removed at the end). --without-backup: the
// automatic backup is not taken, as when one was taken earlier that day (on a 2.8 GB file it runs
// over a minute in a worker thread, its copy and integrity check, and holds the loop little).
import os from 'node:os'
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import knexFactory from 'knex'
import { checkpointInWorker, walCheckpointStats } from '../../src-main/db/wal-checkpoints'
import { cliDbConfig, openCliApp } from '../../src-main/cli/cli-db'
import { runBackgroundJobs } from '../../src-main/app/background-jobs'
import { pgServerCpuMs } from './bench-pg'

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const url = arg('db')
if (!url) throw new Error('--db sqlite:FILE or postgres://… is required')
const source = arg('copy-of')
const listed = Number(arg('gaps') ?? 30)
const tmpData = !arg('data')
const dataDir = arg('data') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'crm-jobs-holds-'))
process.env.CRM_QUIET = '1'

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ')
const ms = (x: number) => `${Math.round(x).toLocaleString('en')} ms`
const cpuMs = () => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}
const isPg = url.startsWith('postgres')
const pgDb = isPg ? new URL(url).pathname.slice(1) : ''
const sqliteFile = isPg ? '' : path.resolve(url.replace(/^sqlite:/, ''))

if (source) {
  const t = performance.now()
  if (isPg) {
    const admin = new URL(url)
    admin.pathname = '/postgres'
    const k = knexFactory({ client: 'pg', connection: admin.toString() })
    try {
      if (!/^[a-z_][a-z0-9_]*$/.test(pgDb) || !/^[a-z_][a-z0-9_]*$/.test(source)) throw new Error('database names: [a-z0-9_]')
      await k.raw(`drop database if exists ${pgDb} with (force)`)
      await k.raw(`create database ${pgDb} template ${source}`)
    } finally {
      await k.destroy()
    }
  } else {
    for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) fs.rmSync(f, { force: true })
    execFileSync('cp', [source, sqliteFile])
    // written through to the disk before the run: else the kernel flushes the copy's GBs meanwhile
    // and the run's own writes (its COMMITs, on the event loop) wait behind them
    const fd = fs.openSync(sqliteFile, 'r+')
    fs.fsyncSync(fd)
    fs.closeSync(fd)
  }
  console.log(`fresh copy of ${source}: ${ms(performance.now() - t)}`)
}

const cpus = os.cpus()
console.log(
  `machine: ${cpus.length} × ${cpus[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
    `database ${isPg ? `PostgreSQL ${pgDb}` : `SQLite ${sqliteFile} (${(fs.statSync(sqliteFile).size / 1e9).toFixed(2)} GB)`}; load ${load()}`,
)

// as `crm serve`: a long-running process, SQLite's checkpoints in a worker thread
checkpointInWorker(true)
let t = performance.now()
const app = await openCliApp(await cliDbConfig({ db: url, data: dataDir }), { browserMode: true })
const k = app.db.knex
// the backup job takes a backup of an embedded SQLite file only (backup.service.ts)
if (process.argv.includes('--without-backup')) (app as { dbConfig?: unknown }).dbConfig = undefined
console.log(`opened (migrations, pragma optimize): ${ms(performance.now() - t)}`)
const counts = await k.raw(
  'select (select count(*) from customers) customers, (select count(*) from contacts) contacts, (select count(*) from reminders) reminders',
)
console.log(`data: ${JSON.stringify((isPg ? counts.rows : counts)[0])}`)

// every statement: when it started and answered (ms on performance.now()), its text and rows
/**
 * The main thread's time on a core and waiting for one (ms, Linux schedstat): what a gap was made
 * of — the rest of it the thread was blocked (disk, a write held back by the kernel, a page fault).
 */
const schedFile = `/proc/${process.pid}/task/${process.pid}/schedstat`
const sched = (): { run: number; wait: number } => {
  try {
    const [run, wait] = fs.readFileSync(schedFile, 'utf8').split(' ').map(Number)
    return { run: run! / 1e6, wait: wait! / 1e6 }
  } catch {
    return { run: NaN, wait: NaN }
  }
}
interface Stmt { s: number; e: number; sql: string; rows: number; walPages?: number; run?: number; wait?: number }
/** SQLite: the -wal file's size in pages (4 KiB and a frame header), for what a COMMIT wrote */
const walPages = () => {
  try {
    return Math.round(fs.statSync(`${sqliteFile}-wal`).size / 4120)
  } catch {
    return 0
  }
}
const stmts: Stmt[] = []
type Query = (this: unknown, conn: unknown, obj: { sql: string; response?: unknown }) => Promise<{ response?: unknown }>
// on the prototype: a transaction's client is made from it, not from this client
const proto = Object.getPrototypeOf(k.client) as { _query: Query }
const inner = proto._query
proto._query = async function (conn, obj) {
  const st: Stmt = { s: performance.now(), e: 0, sql: obj.sql.replace(/\s+/g, ' ').trim(), rows: 0 }
  stmts.push(st)
  const commit = !isPg && /^commit/i.test(st.sql)
  const wal0 = commit ? walPages() : 0
  const s0 = isPg ? null : sched()
  try {
    const r = await inner.call(this, conn, obj)
    const resp = r?.response as { rows?: unknown[] } | unknown[] | undefined
    st.rows = Array.isArray(resp) ? resp.length : Array.isArray(resp?.rows) ? resp.rows.length : 0
    return r
  } finally {
    st.e = performance.now()
    if (commit) st.walPages = walPages() - wal0
    if (s0) {
      const s1 = sched()
      st.run = s1.run - s0.run
      st.wait = s1.wait - s0.wait
    }
  }
}

interface Gap { s: number; e: number; job: string; run: number; wait: number }
const gaps: Gap[] = []
interface Job { name: string; s: number; e: number; cpu: number; server: number }
const jobs: Job[] = []
let job = '(start)'
let last = performance.now()
let lastSched = sched()
let longestAny = 0
/** the most time on a core between two ticks (what a gap would be on an idle machine), and that gap's wall */
const mostOnCore = { run: 0, wall: 0 }
const timer = setInterval(() => {
  const now = performance.now()
  const sc = sched()
  longestAny = Math.max(longestAny, now - last)
  if (sc.run - lastSched.run > mostOnCore.run) Object.assign(mostOnCore, { run: sc.run - lastSched.run, wall: now - last })
  if (now - last > 100) gaps.push({ s: last, e: now, job, run: sc.run - lastSched.run, wait: sc.wait - lastSched.wait })
  last = now
  lastSched = sc
}, 10)
const server = () => (isPg ? pgServerCpuMs(pgDb) : 0)
const endJob = () => {
  const j = jobs[jobs.length - 1]
  if (j) Object.assign(j, { e: performance.now(), cpu: cpuMs() - j.cpu, server: server() - j.server })
}
const load0 = load()
const t0 = performance.now()
const cpu0 = cpuMs()
const server0 = server()
await runBackgroundJobs(app, (name) => {
  endJob()
  job = name
  jobs.push({ name, s: performance.now(), e: 0, cpu: cpuMs(), server: server() })
})
endJob()
const wall = performance.now() - t0
const cpu = cpuMs() - cpu0
const serverCpu = server() - server0
clearInterval(timer)
proto._query = inner

const short = (sql: string) => (sql.length > 90 ? sql.slice(0, 87) + '…' : sql)
/** What ran in a gap: the statements over 30 ms in it; on PostgreSQL also the answer before the JavaScript and the statement after it. */
function filled(g: Gap): string {
  const inGap = stmts.filter((x) => x.s < g.e && x.e > g.s)
  const parts: string[] = [`main thread on a core ${ms(g.run)}, waiting for one ${ms(g.wait)}, blocked ${ms(g.e - g.s - g.run - g.wait)}`]
  if (!isPg) {
    // synchronous: a statement's time is a hold; the rest is JavaScript (and the timer's own lateness)
    let inside = 0
    for (const x of inGap) inside += Math.min(x.e, g.e) - Math.max(x.s, g.s)
    for (const x of inGap.filter((x) => x.e - x.s > 30).sort((a, b) => b.e - b.s - (a.e - a.s))) {
      parts.push(`${short(x.sql)} ${ms(x.e - x.s)} (on a core ${ms(x.run!)}, waiting ${ms(x.wait!)}${x.rows ? `, ${x.rows} rows` : ''})`)
    }
    parts.push(`${inGap.length} statements ${ms(inside)} in all, the rest ${ms(g.e - g.s - inside)}`)
  } else {
    const slow = inGap.filter((x) => x.e - x.s > 30)
    if (slow.length) parts.push(`statements over 30 ms (async, waited for): ${slow.map((x) => `${short(x.sql)} ${ms(x.e - x.s)}`).join('; ')}`)
    // the answer whose handling ran in the gap and the next statement it sent
    const answered = stmts.filter((x) => x.e >= g.s - 1 && x.e <= g.e).sort((a, b) => b.rows - a.rows)[0]
    if (answered) {
      const next = stmts.find((x) => x.s >= answered.e)
      parts.push(
        `answer of ${short(answered.sql)} (${answered.rows} rows) at +${ms(answered.e - g.s)}` +
          (next ? `, next statement at +${ms(next.s - g.s)}: ${short(next.sql)}` : ''),
      )
    } else parts.push(`no answer in it (${inGap.length} statements overlapping)`)
  }
  return parts.join('; ')
}

console.log(`\njobs (load before ${load0}):`)
for (const j of jobs) {
  const mine = gaps.filter((g) => g.job === j.name)
  const longest = Math.max(0, ...mine.map((g) => g.e - g.s))
  console.log(
    `  ${j.name}: wall ${ms(j.e - j.s)}, process CPU ${ms(j.cpu)}${isPg ? `, server CPU ${ms(j.server)}` : ''}, ` +
      `gaps > 100 ms: ${mine.length}, > 200 ms: ${mine.filter((g) => g.e - g.s > 200).length}, longest ${ms(longest)}`,
  )
}
const sorted = [...gaps].sort((a, b) => b.e - b.s - (a.e - a.s))
const commits = stmts.filter((x) => /^commit/i.test(x.sql))
console.log(
  `\nall jobs: wall ${ms(wall)}, process CPU ${ms(cpu)}${isPg ? `, server CPU ${ms(serverCpu)}` : ''}; ${stmts.length} statements, ` +
    `${commits.length} COMMITs (longest ${ms(Math.max(0, ...commits.map((x) => x.e - x.s)))}); ` +
    `gaps > 100 ms: ${gaps.length}, > 200 ms: ${gaps.filter((g) => g.e - g.s > 200).length}, > 150 ms: ${gaps.filter((g) => g.e - g.s > 150).length}`,
)
console.log(
  `the most time the main thread spent on a core between two ticks: ${ms(mostOnCore.run)} (a gap of ${ms(mostOnCore.wall)}); ` +
    `gaps with over 100 ms on a core: ${gaps.filter((g) => g.run > 100).length}`,
)
if (!sorted[0]) console.log(`longest gap ${ms(longestAny)}`)
if (sorted[0]) console.log(`longest gap ${ms(sorted[0].e - sorted[0].s)} (${sorted[0].job}, at +${ms(sorted[0].s - t0)}): ${filled(sorted[0])}`)
console.log(`gaps > 100 ms, longest first (up to ${listed}):`)
for (const g of sorted.slice(0, listed)) console.log(`  ${ms(g.e - g.s)} at +${ms(g.s - t0)} (${g.job}): ${filled(g)}`)
// the COMMITs over 50 ms: how long their transaction ran and how many statements it held
const slowCommits = commits.filter((x) => x.e - x.s > 50)
if (slowCommits.length) {
  console.log(`COMMITs over 50 ms (${slowCommits.length}; ${ms(commits.reduce((a, x) => a + x.e - x.s, 0))} in all COMMITs):`)
  for (const c of slowCommits) {
    const i = stmts.indexOf(c)
    let b = i
    while (b > 0 && !/^begin/i.test(stmts[b]!.sql)) b--
    const body = stmts.slice(b + 1, i)
    const kinds = new Map<string, number>()
    for (const x of body) kinds.set(x.sql.slice(0, 40), (kinds.get(x.sql.slice(0, 40)) ?? 0) + 1)
    const top = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([sql, n]) => `${n}× ${sql}…`).join(', ')
    console.log(`  ${ms(c.e - c.s)}${c.run === undefined ? '' : ` (on a core ${ms(c.run)}, waiting ${ms(c.wait!)})`} at +${ms(c.s - t0)}: a transaction of ${ms(c.s - stmts[b]!.s)}, ${body.length} statements (${ms(body.reduce((a, x) => a + x.e - x.s, 0))} in them)${c.walPages !== undefined ? `, the -wal file ${c.walPages >= 0 ? '+' : ''}${c.walPages} pages` : ''}: ${top}`)
  }
}
const w = walCheckpointStats(k)
if (w) console.log(`checkpoint worker: ${w.runs} checkpoints, last ${JSON.stringify(w.last)}${w.failed ? ', FAILED' : ''}`)
console.log(`load average after: ${load()}`)
await k.destroy()
if (tmpData) fs.rmSync(dataDir, { recursive: true, force: true })
