// npm run bench:churn [-- --customers 100000 --orders 1000000 --dialect sqlite|postgres --runs 10 --reuse]
//   [--pg-db NAME] (PostgreSQL: that database, e.g. a copy `create database X template crm_bench_churn_100000`)
//   [--profile] (SQLite: the first check's CPU per kind of statement, COMMIT included)
// Times the churn check (runChurnCheck, what the daily job and the 立即检查 button run) on a
// generated database: N customers of 50 account managers in 5 teams (half with a 购买策略 of
// 30/90/180/365 days, the rest on the 180-day default; 10 % never ordered) and M orders, each
// customer's last_order_date as the orders module keeps it. Generated once (out/bench-churn-*
// for SQLite, database crm_bench_churn on CRM_TEST_PG_URL for PostgreSQL; --reuse keeps it).
// Measures: the first check of a database (opens every warning; state reset before each run),
// the steady state (idempotent: nothing opened, nothing written), and the next days' checks
// after 1 % of the customers ordered again and the clock moved on (closes and opens some).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import { AdjustableClock } from '../../src-main/db/clock'
import type { DbConfig } from '../../src-main/db/config'
import { insertChunked } from '../../src-main/db/dialect'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { runChurnCheck } from '../../src-main/modules/churn/churn.service'
import { checkpointInWorker } from '../../src-main/db/wal-checkpoints'
import { benchPgConfig, pgServerCpuMs } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N = Number(arg('customers', '100000'))
const M = Number(arg('orders', '1000000'))
const RUNS = Number(arg('runs', '10'))
const DIALECT = arg('dialect', 'sqlite') as 'sqlite' | 'postgres'
const REUSE = process.argv.includes('--reuse')
const PROFILE = process.argv.includes('--profile')
const PG_DB = arg('pg-db', `crm_bench_churn_${N}`)
const DAY = 86_400_000
process.env.CRM_QUIET = '1'

let seed = 7
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
const expDays = (mean: number) => -Math.log(1 - rnd()) * mean
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const NOW = new Date('2026-06-30T04:00:00Z') // a fixed day: every run sees the same data the same way
const dataDir = path.resolve(`out/bench-churn-${N}`)

async function config(): Promise<DbConfig> {
  if (DIALECT === 'sqlite') {
    if (!REUSE) fs.rmSync(dataDir, { recursive: true, force: true })
    return { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
  }
  return benchPgConfig(PG_DB, REUSE)
}

checkpointInWorker(true) // SQLite: as the desktop app and `crm serve` run the daily check (process CPU counts the worker's too)
const clock = new AdjustableClock()
clock.setNow(NOW)
const cfg = await config()
fs.mkdirSync(dataDir, { recursive: true })
const app = await openApp({ db: cfg, dataDir, clock })
const k = app.db.knex
const count = async (q: Knex.QueryBuilder) => Number((await q.count({ n: '*' }).first())?.n ?? 0)

if ((await count(k('customers'))) < N) await generate()

async function generate() {
  const t0 = performance.now()
  const nowIso = NOW.toISOString()
  await k('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: nowIso })
  const roles = Object.fromEntries((await k('roles').select('id', 'code')).map((r: { id: string; code: string }) => [r.code, r.id]))
  const managers: string[] = []
  await k.transaction(async (trx) => {
    await insertUser(app, trx, { login: 'bench_admin', name: '管理员', password: 'bench-pass-1', roleId: roles.admin })
    for (let t = 0; t < 5; t++) {
      const teamId = randomUUID()
      await trx('teams').insert({ id: teamId, name: `销售${t + 1}组`, created_at: nowIso, updated_at: nowIso, version: 0 })
      await insertUser(app, trx, { login: `sup${t}`, name: `主管${t}`, password: 'bench-pass-1', roleId: roles.supervisor, teamId })
      for (let m = 0; m < 10; m++) managers.push(await insertUser(app, trx, { login: `mgr${t}_${m}`, name: `经理${t}-${m}`, password: 'bench-pass-1', roleId: roles.manager, teamId }))
    }
  })
  const policies = (await k('dict_items').where({ type_code: 'purchase_policy' }).select('id')).map((r: { id: string }) => r.id)
  const categories = (await k('dict_items').where({ type_code: 'category' }).whereNot('label', 'like', '流失%').select('id')).map((r: { id: string }) => r.id)

  type Row = Record<string, unknown>
  const customers: Row[] = []
  const orders: Row[] = []
  let orderCount = 0
  const flush = async () => {
    await k.transaction(async (trx) => {
      await insertChunked(trx, app.db.dialect, 'customers', customers)
      await insertChunked(trx, app.db.dialect, 'orders', orders)
    })
    customers.length = 0
    orders.length = 0
  }
  const now = NOW.getTime()
  for (let i = 0; i < N; i++) {
    const id = randomUUID()
    const owner = pick(managers)
    const created = now - (30 + rnd() * 1200) * DAY
    // 10 % never ordered; of the rest 80 % active (last order ~45 days ago), 20 % lapsed (150–1000 days)
    const n = rnd() < 0.1 ? 0 : Math.max(1, Math.round(((M - orderCount) / (N - i)) * 1.11 * (0.5 + rnd())))
    let last = now - (rnd() < 0.8 ? expDays(45) : 150 + rnd() * 850) * DAY
    last = Math.max(created, last)
    const lastOrder = n ? ymd(last) : null
    let total = 0
    for (let j = 0; j < n; j++) {
      const cents = Math.round(1000 + rnd() * 5_000_000)
      total += cents
      orders.push({
        id: randomUUID(), code: `DD-B-${String(orderCount + j + 1).padStart(8, '0')}`, customer_id: id, order_date: ymd(last), status: 'completed',
        total_cents: cents, received_cents: cents, owner_id: owner, created_at: new Date(last).toISOString(), updated_at: nowIso, version: 1,
      })
      last = Math.max(created, last - expDays(60) * DAY)
    }
    orderCount += n
    customers.push({
      id, code: `KH-B-${String(i + 1).padStart(7, '0')}`, name: `${pick(['广州', '深圳', '上海', '北京', '成都', '武汉'])}${pick(['华', '新', '创', '恒', '盛'])}${pick(['科技', '贸易', '实业', '电子'])}有限公司${i}`,
      customer_type: 'company', status: 'normal', owner_id: owner, created_at: new Date(created).toISOString(), updated_at: nowIso, version: 1,
      purchase_policy_id: rnd() < 0.5 ? pick(policies) : null, category_id: pick(categories),
      last_order_date: lastOrder, first_order_date: n ? ymd(last) : null, order_count: n, order_total_cents: total,
    })
    if (orders.length >= 20_000 || customers.length >= 5000) {
      await flush()
      process.stdout.write(`\rgenerating … ${i + 1} customers, ${orderCount} orders`)
    }
  }
  await flush()
  if (app.db.dialect === 'postgres') await k.raw('analyze')
  else await k.raw('analyze')
  console.log(`\rgenerated ${N.toLocaleString('en')} customers and ${orderCount.toLocaleString('en')} orders in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}

// ---- timings -------------------------------------------------------------------------------------------
const sync = async () => Number((await k('sync_version').where({ id: 1 }).first('version')).version)
const orderRows = await count(k('orders'))
const customerRows = await count(k('customers'))

/** Back to no warnings at all (outside the timed part). */
async function reset() {
  await k('churn_measures').del()
  await k('audit_log').where('entity', 'churn_warning').del()
  await k('audit_log').where('entity', 'customer').del()
  await k('churn_warnings').del()
  await k('customers').whereNot('status', 'normal').update({ status: 'normal' })
  await k('app_settings').where({ key: 'churn.lastCheckDay' }).del()
  if (app.db.dialect === 'postgres') await k.raw('analyze churn_warnings, customers')
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return { med: s[Math.floor(s.length / 2)], max: s[s.length - 1] }
}
const rows: string[] = []
let worst = 0
/** PostgreSQL: the CPU time of the server backends serving the bench database (0 on SQLite). */
const serverCpu = () => (DIALECT === 'postgres' ? pgServerCpuMs(PG_DB) : 0)
/**
 * Wall time, this process's CPU time (SQLite runs in-process: the time on an idle machine) and,
 * on PostgreSQL, the server backends' CPU time: app + server is the work the check needs.
 */
async function timed<T>(fn: () => Promise<T>, wall: number[], cpu: number[], server: number[]): Promise<T> {
  const t = performance.now()
  const c = process.cpuUsage()
  const s = serverCpu()
  const r = await fn()
  const used = process.cpuUsage(c)
  wall.push(performance.now() - t)
  cpu.push((used.user + used.system) / 1000)
  server.push(serverCpu() - s)
  return r
}
function report(name: string, result: string, times: number[], cpu: number[], server: number[]) {
  const { med, max } = stats(times)
  worst = Math.max(worst, max)
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ')
  const serverCol = DIALECT === 'postgres' ? ` ${stats(server).med.toFixed(0)} |` : ''
  const each = cpu.map((x) => x.toFixed(0)).join(' / ')
  rows.push(`| ${name} | ${result} | ${med.toFixed(0)} | ${max.toFixed(0)} | ${stats(cpu).med.toFixed(0)} (${each}) |${serverCol} ${times.length} | ${load} |`)
}

/**
 * --profile (SQLite): the CPU time of each kind of statement of the first check (better-sqlite3 is
 * synchronous: a statement's CPU is spent inside its call), keyed by the statement's first words.
 */
const profile = new Map<string, { n: number; ms: number }>()
let profiling = false
if (PROFILE && DIALECT === 'sqlite') {
  // on the prototype: a transaction's client is made from it, not from this client
  type Query = (this: unknown, conn: unknown, obj: { sql: string }) => Promise<unknown>
  const proto = Object.getPrototypeOf(k.client) as { _query: Query }
  const query = proto._query
  proto._query = async function (this: unknown, conn, obj) {
    if (!profiling) return query.call(this, conn, obj)
    const c = process.cpuUsage()
    try {
      return await query.call(this, conn, obj)
    } finally {
      const used = process.cpuUsage(c)
      const key = obj.sql.replace(/\s+/g, ' ').replace(/\(.*$/, '').slice(0, 40).trim()
      const e = profile.get(key) ?? { n: 0, ms: 0 }
      e.n++
      e.ms += (used.user + used.system) / 1000
      profile.set(key, e)
    }
  }
}

// 1) the first check of a database: every stale customer gets its warning
const first: number[] = []
const firstCpu: number[] = []
const firstServer: number[] = []
let opened = 0
const firstOpened: number[] = []
let profileCpu = 0
for (let i = 0; i < Math.min(3, RUNS); i++) {
  await reset()
  clock.setNow(NOW)
  profiling = i === 0
  opened = (await timed(() => runChurnCheck(app, { actor: null }), first, firstCpu, firstServer)).opened
  firstOpened.push(opened)
  if (profiling) profileCpu = firstCpu[0]!
  profiling = false
}
report('first check of the database (opens every warning)', `${firstOpened.map((n) => n.toLocaleString('en')).join(' / ')} opened`, first, firstCpu, firstServer)

// 2) steady state: nothing to do, nothing written (idempotent)
const steady: number[] = []
const steadyCpu: number[] = []
const steadyServer: number[] = []
const before = { version: await sync(), warnings: await count(k('churn_warnings')) }
for (let i = 0; i < RUNS; i++) {
  const r = await timed(() => runChurnCheck(app, { actor: null }), steady, steadyCpu, steadyServer)
  if (r.opened || r.closed) throw new Error(`not idempotent: ${JSON.stringify(r)}`)
}
if ((await sync()) !== before.version || (await count(k('churn_warnings'))) !== before.warnings) throw new Error('a repeated check wrote something')
const doubled = await k('churn_warnings').whereIn('status', ['open', 'paused']).groupBy('customer_id').having(k.raw('count(*) > 1')).select('customer_id')
if (doubled.length) throw new Error(`${doubled.length} customers with two standing warnings`)
report('repeated check, nothing changed (idempotent)', '0 opened, 0 closed, no writes', steady, steadyCpu, steadyServer)

// 3) the next days: 1 % of the customers order again (as the orders module records it), the day moves on
const daily: number[] = []
const dailyCpu: number[] = []
const dailyServer: number[] = []
let last = ''
for (let d = 1; d <= Math.min(5, RUNS); d++) {
  clock.setNow(new Date(NOW.getTime() + d * DAY))
  const day = ymd(NOW.getTime() + d * DAY)
  const warned = await k('churn_warnings').where('status', 'open').orderBy('id').offset(d * 300).limit(Math.floor(N / 200)).pluck('customer_id')
  const others = await k('customers').whereNotNull('last_order_date').orderBy('code').offset(d * 1000).limit(Math.floor(N / 200)).pluck('id')
  for (let i = 0; i < warned.length; i += 500) await k('customers').whereIn('id', warned.slice(i, i + 500)).update({ last_order_date: day })
  for (let i = 0; i < others.length; i += 500) await k('customers').whereIn('id', others.slice(i, i + 500)).update({ last_order_date: day })
  const r = await timed(() => runChurnCheck(app, { actor: null }), daily, dailyCpu, dailyServer)
  last = `${r.opened} opened, ${r.closed} closed`
}
report('daily check a day later (1 % ordered again, thresholds crossed)', `e.g. ${last}`, daily, dailyCpu, dailyServer)

const live = await count(k('churn_warnings').whereIn('status', ['open', 'paused']))
console.log(`\nChurn check — ${customerRows.toLocaleString('en')} customers, ${orderRows.toLocaleString('en')} orders, ${DIALECT === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; ${live.toLocaleString('en')} standing warnings at the end`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`)
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`)
if (DIALECT === 'postgres') {
  console.log('| run | result | median ms | max ms | app CPU ms: median (each run) | server CPU ms (median) | runs | load average after |')
  console.log('|---|---|---:|---:|---:|---:|---:|---|')
} else {
  console.log('| run | result | median ms | max ms | CPU ms, this process: median (each run) | runs | load average after |')
  console.log('|---|---|---:|---:|---:|---:|---|')
}
for (const r of rows) console.log(r)
if (profile.size) {
  const stmts = [...profile].sort((a, b) => b[1].ms - a[1].ms)
  const inStatements = stmts.reduce((sum, [, e]) => sum + e.ms, 0)
  console.log(`\nfirst check, CPU per statement (run 1: ${profileCpu.toFixed(0)} ms in all)\n| statement | count | CPU ms |\n|---|---:|---:|`)
  for (const [key, e] of stmts) console.log(`| ${key} | ${e.n} | ${e.ms.toFixed(0)} |`)
  console.log(`| JavaScript and the rest (outside statements) | | ${(profileCpu - inStatements).toFixed(0)} |`)
}
console.log(`\nworst run: ${worst.toFixed(0)} ms (target: under 2,000 ms)`)
await k.destroy()
