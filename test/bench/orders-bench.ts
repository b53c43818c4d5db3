// npm run bench:orders -- [--db sqlite|postgres] [--pg URL] [--customers 100000] [--lines 1000000] [--runs 20] [--reuse]
// Builds (once) a database with `crm demo --customers N` and then more rounds of demo orders for
// every customer until it holds at least L order lines; then, in a fresh process, times the
// order and 回款 requests through the main process's dispatch() (zod parse, session and
// permissions, service, SQL): order list pages with filters and search, a customer's orders,
// an order, 应收款 and 回款记录, 销售目标 and 销售业绩 for a month, a quarter and a year.
// SQLite in out/bench-orders-<N>; PostgreSQL in the database crm_bench_orders (or --pg-db) of --pg
// (default CRM_TEST_PG_URL). --reuse measures the existing data set without adding to it.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import os from 'node:os'
import path from 'node:path'
import knexFactory from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import type { AppContext } from '../../src-main/modules/context'
import type { DbConfig } from '../../src-main/db/config'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { fillOrders } from '../../src-main/cli/demo-orders'
import { makeRng } from '../../src-main/cli/demo-data'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const DIALECT = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const N = Number(arg('customers', '100000'))
const LINES = Number(arg('lines', '1000000'))
const RUNS = Number(arg('runs', '20'))
const PG = arg('pg', process.env.CRM_TEST_PG_URL ?? 'postgres://crm:crm@127.0.0.1:5432/crm')
const dataDir = path.resolve(arg('data', `out/bench-orders-${N}`))
const measure = process.argv.includes('--measure')
process.env.CRM_QUIET = '1'

const PG_DB = arg('pg-db', 'crm_bench_orders')!
const pgUrl = () => {
  const u = new URL(PG)
  u.pathname = '/' + PG_DB
  return u.toString()
}
const config = (): DbConfig => (DIALECT === 'postgres' ? { dialect: 'postgres', url: pgUrl() } : { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') })
const dbArgs = () => (DIALECT === 'postgres' ? ['--db', pgUrl(), '--data', dataDir] : ['--data', dataDir])
const lineCount = async (app: AppContext) => Number((await app.db.knex('order_lines').whereNull('deleted_at').count({ n: '*' }))[0].n)

async function generate() {
  if (DIALECT === 'postgres') {
    const admin = knexFactory({ client: 'pg', connection: PG })
    if (!/^[a-z_][a-z0-9_]*$/.test(PG_DB)) throw new Error(`not a database name: ${PG_DB}`)
    const exists = await admin('pg_database').where({ datname: PG_DB }).first()
    if (!exists) await admin.raw(`create database ${PG_DB}`)
    await admin.destroy()
  }
  let app = await openApp({ db: config(), dataDir })
  const have = Number((await app.db.knex('customers').whereNull('deleted_at').count({ n: '*' }))[0].n)
  await app.db.knex.destroy()
  if (have < N) {
    console.log(`generating ${N - have} demo customers with orders (${DIALECT}) …`)
    execFileSync('npx', ['tsx', 'src-main/cli/crm.ts', 'demo', '--customers', String(N - have), '--seed', '42', ...dbArgs()], { stdio: 'inherit' })
  }
  app = await openApp({ db: config(), dataDir })
  const out = { log: (l: string) => console.log(l), progress: (l: string) => process.stdout.write(`\r${l}\x1b[K`), endProgress: () => undefined }
  for (let round = 1; (await lineCount(app)) < LINES; round++) {
    console.log(`\nround ${round}: ${(await lineCount(app)).toLocaleString('en')} lines so far; more orders for every customer …`)
    await fillOrders(app, makeRng(1000 + round), out, { everyCustomer: true })
  }
  // statistics for the planner; on PostgreSQL also the visibility map, so covering indexes answer without the table
  if (DIALECT === 'sqlite') await app.db.knex.raw('analyze')
  else for (const t of ['orders', 'order_lines', 'payment_plans', 'payments', 'order_stats', 'payment_stats', 'customers', 'users', 'sales_targets']) await app.db.knex.raw('vacuum analyze ??', [t])
  await app.db.knex.destroy()
}

if (!measure) {
  if (!process.argv.includes('--reuse')) await generate()
  // measure in a fresh process: the generator's heap and page cache churn would skew the timings
  execFileSync('npx', ['tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2).filter((a) => a !== '--reuse'), '--measure'], { stdio: 'inherit' })
  process.exit(0)
}

const app = await openApp({ db: config(), dataDir })
const k = app.db.knex
const sessions = new SessionStore()
async function session(login: string, roleCode?: string): Promise<string> {
  let u = await k('users').where({ login }).first()
  if (!u && roleCode) {
    const role = await k('roles').where({ code: roleCode }).first()
    await k.transaction((trx) => insertUser(app, trx, { login, name: login, password: 'bench-pass-1', roleId: role.id, teamId: null }))
    u = await k('users').where({ login }).first()
  }
  sessions.set(login, u.id)
  return login
}
const admin = await session('bench_admin', 'admin')
const supervisor = await session('zhuguan')
const manager = await session('jingli1')
const managerId = (await k('users').where({ login: 'jingli1' }).first('id')).id

const counts = {
  orders: Number((await k('orders').count({ n: '*' }))[0].n),
  lines: Number((await k('order_lines').count({ n: '*' }))[0].n),
  plans: Number((await k('payment_plans').count({ n: '*' }))[0].n),
  payments: Number((await k('payments').count({ n: '*' }))[0].n),
  customers: Number((await k('customers').count({ n: '*' }))[0].n),
}
const busiest = (await k('orders').groupBy('customer_id').select('customer_id').count({ n: '*' }).orderBy('n', 'desc').first()) as unknown as { customer_id: string }
const sample = await k('orders as o').join('customers as c', 'c.id', 'o.customer_id').orderBy('o.code').offset(Math.floor(counts.orders / 2)).first('o.id', 'o.code', 'c.name')
const today = new Date()
const ym = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
const month = `${ym(today)}-01`
const quarter = `${today.getUTCFullYear()}-${String(Math.floor(today.getUTCMonth() / 3) * 3 + 1).padStart(2, '0')}-01`
const year = `${today.getUTCFullYear()}-01-01`
const lastYear = `${today.getUTCFullYear() - 1}-01-01`

const cases: Array<[string, string, string, string, Record<string, unknown>]> = [
  ['order list, first page (admin, all)', admin, 'orders', 'list', {}],
  ['order list, page 1,000 of 20 (deep offset)', admin, 'orders', 'list', { page: 1000 }],
  ['order list, status 已完成', admin, 'orders', 'list', { filter: { status: 'completed' } }],
  ['order list, this year + amount ≥ ¥100,000', admin, 'orders', 'list', { filter: { dateFrom: year, amountMinCents: 10_000_000 } }],
  ['order list, this year + amount ≥ ¥123,456 (inside a band)', admin, 'orders', 'list', { filter: { dateFrom: year, amountMinCents: 12_345_600 } }],
  ['order list, 15 Mar – 10 Sep + ≥ ¥100,000 (edge days)', admin, 'orders', 'list', { filter: { dateFrom: `${today.getUTCFullYear()}-03-15`, dateTo: `${today.getUTCFullYear()}-09-10`, amountMinCents: 10_000_000 } }],
  ['order list, sort by amount desc', admin, 'orders', 'list', { sort: { field: 'totalCents', order: 'desc' } }],
  [`order list, search order number "${sample.code}"`, admin, 'orders', 'list', { filter: { search: sample.code } }],
  [`order list, search customer "${String(sample.name).slice(2, 6)}"`, admin, 'orders', 'list', { filter: { search: String(sample.name).slice(2, 6) } }],
  ['order list, supervisor (team)', supervisor, 'orders', 'list', {}],
  ['order list, manager (own)', manager, 'orders', 'list', {}],
  ['a customer\'s orders (card 历史订单, busiest customer)', admin, 'orders', 'list', { pageSize: 10, filter: { customerId: busiest!.customer_id } }],
  ['one order (lines, plans, payments)', admin, 'orders', 'get', { id: sample.id }],
  ['应收款, first page (admin)', admin, 'orders', 'receivables', {}],
  ['应收款, overdue only', admin, 'orders', 'receivables', { filter: { overdueOnly: true } }],
  ['应收款, manager (own)', manager, 'orders', 'receivables', {}],
  ['回款记录, first page (admin)', admin, 'orders', 'payments', {}],
  ['回款记录, this year', admin, 'orders', 'payments', { filter: { dateFrom: year } }],
  ['回款记录, manager (own)', manager, 'orders', 'payments', {}],
  ['销售业绩, this month (orders)', admin, 'targets', 'performance', { periodType: 'month', periodStart: month }],
  ['销售业绩, this quarter (payments)', admin, 'targets', 'performance', { periodType: 'quarter', periodStart: quarter, basis: 'payments' }],
  ['销售业绩, last year (orders)', admin, 'targets', 'performance', { periodType: 'year', periodStart: lastYear }],
  ['销售业绩, this year, supervisor (team)', supervisor, 'targets', 'performance', { periodType: 'year', periodStart: year }],
  ['销售目标 of this year with progress', admin, 'targets', 'list', { year: today.getUTCFullYear() }],
  ['销售目标, manager (own)', manager, 'targets', 'list', { year: today.getUTCFullYear(), userId: managerId }],
]

const rows: string[] = []
let worst = 0
for (const [name, who, area, call, input] of cases) {
  const times: number[] = []
  const cpu: number[] = []
  let result = ''
  for (let i = 0; i < RUNS + 3; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await dispatch({ app, sessions }, area, call, input, who)
    const dt = performance.now() - t0
    const dc = process.cpuUsage(c0)
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    const d = r.data as { total?: number; rows?: unknown[]; lines?: unknown[] } | unknown[]
    result = Array.isArray(d) ? `${d.length} targets` : d.total !== undefined ? `${d.total.toLocaleString('en')} rows` : d.rows ? `${d.rows.length} rows` : `${d.lines?.length ?? 0} lines`
    if (i >= 3) {
      times.push(dt)
      cpu.push((dc.user + dc.system) / 1000)
    }
  }
  times.sort((a, b) => a - b)
  cpu.sort((a, b) => a - b)
  const med = times[Math.floor(times.length / 2)]
  const p95 = times[Math.ceil(times.length * 0.95) - 1]
  const max = times[times.length - 1]
  worst = Math.max(worst, max)
  rows.push(`| ${name} | ${result} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${max.toFixed(1)} | ${cpu[Math.floor(cpu.length / 2)].toFixed(1)} |`)
}

console.log(`\nOrders and 回款 in the main process — ${DIALECT}, ${counts.customers.toLocaleString('en')} customers, ${counts.orders.toLocaleString('en')} orders, ${counts.lines.toLocaleString('en')} order lines, ${counts.plans.toLocaleString('en')} payment plans, ${counts.payments.toLocaleString('en')} payments; ${RUNS} runs each after 3 warm-ups`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`)
// the CPU time of this process (SQLite runs inside it; PostgreSQL's own work is not counted)
console.log('| request | result | median ms | p95 ms | max ms | median CPU ms (this process) |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const r of rows) console.log(r)
console.log(`\nworst single request: ${worst.toFixed(1)} ms (target: under 100 ms)`)
await k.destroy()
