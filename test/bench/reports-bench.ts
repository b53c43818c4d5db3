// npm run bench:reports [-- --customers 100000] [--orders 400000] [--runs 10] [--dialect sqlite|postgres|both] [--reuse] [--pg-db NAME] [--only TEXT]
// Builds a database with N customers (level, region, industry, nature, size, source and category
// set on most), 10 account managers in one team who own them, O sales orders over the last two
// years (all statuses, a tenth not counted; about what 1,000,000 order lines of `crm demo` come
// to), a payment on most counted orders, N/1 service tickets over two years (types, urgencies,
// statuses, minutes to assign / resolve, satisfaction) and N/20 churn warnings; rows are written
// directly (the reports read these tables only). Then times each report through dispatch() —
// zod, session, reports.view, the service, its SQL — for the administrator (company scope) and
// one report for an account manager (own). SQLite always; PostgreSQL when CRM_TEST_PG_URL is set
// (database crm_bench_reports or --pg-db NAME, e.g. a copy made with `create database NAME template
// crm_bench_reports`; rebuilt unless --reuse). Prints the query plans of the biggest
// aggregate. Target: every report under 300 ms at company scope. The load average is printed:
// the machine is shared, so the figures are noisy.
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import type { AppContext } from '../../src-main/modules/context'
import { insertChunked } from '../../src-main/db/dialect'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import type { DbConfig } from '../../src-main/db/config'
import { amountsByCustomer } from '../../src-main/modules/reports/reports.repository'
import { benchPgConfig, pgServerCpuMs } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('customers', '100000'))
const O = Number(arg('orders', String(N * 4)))
const RUNS = Number(arg('runs', '10'))
const REUSE = process.argv.includes('--reuse')
const PG_DB = arg('pg-db', 'crm_bench_reports')
const PG_URL = process.env.CRM_TEST_PG_URL ?? ''
const wanted = arg('dialect', PG_URL ? 'both' : 'sqlite')
const dialects = (wanted === 'both' ? ['sqlite', 'postgres'] : [wanted]) as Array<'sqlite' | 'postgres'>
const DAY = 86_400_000
process.env.CRM_QUIET = '1'

let seed = 42
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!
const ymd = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(0, 10)
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ')

async function generate(app: AppContext, dialect: 'sqlite' | 'postgres') {
  seed = 42
  const k = app.db.knex
  const now = Date.now()
  const nowIso = new Date(now).toISOString()
  await k('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: nowIso })
  const roles = Object.fromEntries((await k('roles').select('id', 'code')).map((r: { id: string; code: string }) => [r.code, r.id]))
  const managers: string[] = []
  let adminId = ''
  await k.transaction(async (trx) => {
    adminId = await insertUser(app, trx, { login: 'bench_admin', name: '管理员', password: 'bench-pass-1', roleId: roles.admin })
    const teamId = randomUUID()
    await trx('teams').insert({ id: teamId, name: '销售一组', created_at: nowIso, updated_at: nowIso, version: 0 })
    await insertUser(app, trx, { login: 'sup0', name: '主管', password: 'bench-pass-1', roleId: roles.supervisor, teamId })
    for (let m = 0; m < 10; m++) managers.push(await insertUser(app, trx, { login: `mgr${m}`, name: `经理${m}`, password: 'bench-pass-1', roleId: roles.manager, teamId }))
  })
  const dict = async (type: string) => (await k('dict_items').where({ type_code: type }).select('id')).map((r: { id: string }) => r.id)
  const dims = Object.fromEntries(await Promise.all(['level', 'region', 'industry', 'nature', 'size', 'source', 'category'].map(async (d) => [d, await dict(d)] as const)))
  const types = await dict('service_type')
  const reasons = await dict('churn_reason')

  type Row = Record<string, unknown>
  const buffers = new Map<string, Row[]>()
  const ORDER = ['customers', 'orders', 'payments', 'service_tickets', 'churn_warnings']
  const flushAll = async () => {
    await k.transaction(async (trx) => {
      for (const table of ORDER) {
        const rows = buffers.get(table) ?? []
        if (rows.length) await insertChunked(trx as Knex, dialect, table, rows)
        rows.length = 0
      }
    })
  }
  const push = (table: string, row: Row) => {
    if (!buffers.has(table)) buffers.set(table, [])
    buffers.get(table)!.push(row)
  }
  const base = (owner: string, at: number) => ({ id: randomUUID(), owner_id: owner, created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), version: 1 })
  let orders = 0
  let tickets = 0
  for (let i = 0; i < N; i++) {
    const owner = managers[i % managers.length]!
    const created = now - rnd() * 1095 * DAY
    const c: Row = { ...base(owner, created), code: `KH-R-${String(i + 1).padStart(7, '0')}`, name: `报表客户${i + 1}有限公司`, customer_type: 'company', status: 'normal', order_count: 0 }
    for (const [d, ids] of Object.entries(dims)) c[`${d}_id`] = rnd() < 0.85 ? pick(ids) : null
    push('customers', c)
    const id = c.id as string
    const n = Math.max(0, Math.round(((O - orders) / (N - i)) * (0.2 + 1.6 * rnd())))
    for (let j = 0; j < n; j++) {
      const at = now - rnd() * 730 * DAY
      const r = rnd()
      const status = r < 0.5 ? 'completed' : r < 0.7 ? 'shipped' : r < 0.9 ? 'approved' : r < 0.95 ? 'pending' : 'cancelled'
      const total = Math.round(1000 + rnd() * 5_000_000)
      const o = { ...base(owner, at), code: `DD-R-${String(++orders).padStart(8, '0')}`, customer_id: id, order_date: ymd(at), status, total_cents: total, received_cents: 0 }
      push('orders', o)
      if (status !== 'pending' && status !== 'cancelled' && rnd() < 0.7) {
        push('payments', { ...base(owner, at), order_id: o.id, customer_id: id, paid_date: ymd(Math.min(now, at + rnd() * 60 * DAY)), amount_cents: Math.round(total * (0.3 + 0.7 * rnd())) })
      }
    }
    if (rnd() < 1) {
      const at = now - rnd() * 730 * DAY
      const status = pick(['new', 'assigned', 'handled', 'feedback', 'archived', 'archived', 'archived'])
      const done = status === 'handled' || status === 'feedback' || status === 'archived'
      tickets++
      push('service_tickets', {
        ...base(owner, at), code: `FW-R-${String(tickets).padStart(8, '0')}`, customer_id: id, type_id: rnd() < 0.9 ? pick(types) : null, urgency: rnd() < 0.2 ? 'urgent' : 'normal',
        status, summary: '设备报修', created_by: owner, assign_minutes: status === 'new' ? null : Math.round(rnd() * 600), resolve_minutes: done ? Math.round(rnd() * 5000) : null,
        satisfaction: status === 'archived' || status === 'feedback' ? 1 + Math.floor(rnd() * 5) : null,
      })
    }
    if (i % 20 === 0) {
      const at = now - rnd() * 600 * DAY
      const status = pick(['open', 'paused', 'confirmed', 'confirmed', 'cancelled'])
      push('churn_warnings', {
        ...base(owner, at), customer_id: id, detected_at: new Date(at).toISOString(), status, last_order_date: ymd(at - 200 * DAY),
        reason_id: status === 'confirmed' ? pick(reasons) : null, confirmed_at: status === 'confirmed' ? new Date(Math.min(now, at + rnd() * 60 * DAY)).toISOString() : null,
      })
    }
    if (i % 2000 === 1999) await flushAll()
    if (i % 10000 === 9999) process.stdout.write(`\r${dialect}: ${i + 1} customers, ${orders} orders\x1b[K`)
  }
  await flushAll()
  process.stdout.write('\n')
  void adminId
  if (dialect === 'postgres') await k.raw('vacuum analyze')
  else await k.raw('analyze')
}

async function plan(app: AppContext, dialect: 'sqlite' | 'postgres') {
  const k = app.db.knex
  const year = new Date().getUTCFullYear()
  const q = amountsByCustomer(k, 'orders', { first: `${year}-01-01`, last: `${year}-12-31` }, {}, () => undefined, false)
  const { sql, bindings } = q.toSQL()
  if (dialect === 'sqlite') {
    const rows = await k.raw(`explain query plan ${sql}`, bindings as Knex.RawBinding[])
    return (rows as Array<{ detail: string }>).map((r) => r.detail).join('\n')
  }
  const r = await k.raw(`explain (analyze, costs off, timing off) ${sql}`, bindings as Knex.RawBinding[])
  return (r.rows as Array<Record<string, string>>).map((x) => x['QUERY PLAN']).join('\n')
}

async function measure(dialect: 'sqlite' | 'postgres') {
  let db: DbConfig
  const dataDir = path.resolve(`out/bench-reports-${N}`)
  if (dialect === 'sqlite') {
    if (!REUSE) fs.rmSync(dataDir, { recursive: true, force: true })
    fs.mkdirSync(dataDir, { recursive: true })
    db = { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
  } else db = await benchPgConfig(PG_DB, REUSE)
  const app = await openApp({ db, dataDir })
  const k = app.db.knex
  let generated: number | null = null
  if (Number((await k('customers').count({ n: '*' }).first())?.n ?? 0) < N) {
    const t0 = performance.now()
    await generate(app, dialect)
    generated = (performance.now() - t0) / 1000
  }
  const sessions = new SessionStore()
  const as = async (login: string) => {
    const u = await k('users').where({ login }).first('id')
    sessions.set(login, u.id)
    return login
  }
  const [admin, mgr] = [await as('bench_admin'), await as('mgr0')]
  const count = async (t: string) => Number((await k(t).count({ n: '*' }).first())?.n ?? 0)
  const sizes = { customers: await count('customers'), orders: await count('orders'), payments: await count('payments'), tickets: await count('service_tickets'), 'churn warnings': await count('churn_warnings') }
  const zone = { timeZone: 'Asia/Shanghai' }
  type Case = [name: string, who: string, call: string, input: Record<string, unknown>]
  const cases: Case[] = [
    ['客户贡献分析, 本年, by orders (company)', admin, 'contribution', { period: 'year' }],
    ['客户贡献分析, 本年, by payments (company)', admin, 'contribution', { period: 'year', basis: 'payments' }],
    ['客户贡献分析, 本月 (company)', admin, 'contribution', { period: 'month' }],
    ['客户贡献分析, 本月, by payments (company)', admin, 'contribution', { period: 'month', basis: 'payments' }],
    ['客户贡献分析, 本季 (company)', admin, 'contribution', { period: 'quarter' }],
    ...(['level', 'region', 'industry', 'nature', 'size', 'source', 'category'] as const).map((d): Case => [`客户构成分析, ${d}, 本年 (company)`, admin, 'composition', { period: 'year', dimension: d }]),
    ['客户构成分析, level, 本月 (company)', admin, 'composition', { period: 'month', dimension: 'level' }],
    ['客户服务分析, 本年 (company)', admin, 'service', { period: 'year' }],
    ['客户流失分析, 本年 (company)', admin, 'churn', { period: 'year' }],
    ['销售漏斗与业绩, 本年 (company)', admin, 'pipeline', { period: 'year' }],
    ['跟进统计, 本年 (company)', admin, 'followups', { period: 'year' }],
    ['客户贡献分析, 本年, account manager (own)', mgr, 'contribution', { period: 'year' }],
    ['客户贡献分析, 本年, by payments, account manager (own)', mgr, 'contribution', { period: 'year', basis: 'payments' }],
    ['客户构成分析, level, account manager (own)', mgr, 'composition', { period: 'year', dimension: 'level' }],
  ]
  const rows: string[] = []
  let worst = 0
  let worstCpu = 0
  const server = () => (dialect === 'postgres' ? pgServerCpuMs(PG_DB) : 0)
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const only = arg('only', '')
  for (const [name, who, call, input] of cases.filter(([name]) => name.includes(only))) {
    const times: number[] = []
    const appCpu: number[] = []
    const dbCpu: number[] = []
    for (let i = 0; i < RUNS + 2; i++) {
      const c0 = process.cpuUsage()
      const s0 = server()
      const t0 = performance.now()
      const r = await dispatch({ app, sessions }, 'reports', call, { ...zone, ...input }, who)
      const dt = performance.now() - t0
      const c = process.cpuUsage(c0)
      const ds = server() - s0
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
      if (i >= 2) {
        times.push(dt)
        appCpu.push((c.user + c.system) / 1000)
        dbCpu.push(ds)
      }
    }
    times.sort((a, b) => a - b)
    const med = times[Math.floor(times.length / 2)]!
    const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!
    const cpu = median(appCpu) + median(dbCpu)
    worst = Math.max(worst, med)
    worstCpu = Math.max(worstCpu, cpu)
    rows.push(`| ${name} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${median(appCpu).toFixed(1)} | ${dialect === 'postgres' ? median(dbCpu).toFixed(0) : '—'} | ${load()} |`)
  }
  console.log(`\n### ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — ${Object.entries(sizes).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ')}`)
  if (generated !== null) console.log(`generated in ${generated.toFixed(0)} s`)
  console.log(`${RUNS} runs each after 2 warm-ups; machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}`)
  console.log('app CPU: this process (on SQLite all the work, the engine runs in it); server CPU: the PostgreSQL backends of the bench database (/proc, 10 ms ticks)\n')
  console.log('| report | median ms | p95 ms | app CPU ms (median) | server CPU ms (median) | load average (1/5/15 min) |')
  console.log('|---|---:|---:|---:|---:|---|')
  for (const r of rows) console.log(r)
  console.log(`\nslowest median CPU (app + server): ${worstCpu.toFixed(1)} ms (target: under 300 ms)`)
  console.log(`slowest median wall: ${worst.toFixed(1)} ms (on a loaded machine mostly waiting for a core)`)
  console.log(`\nplan of the per-customer sums (本年, company):\n${await plan(app, dialect)}`)
  await k.destroy()
}

for (const d of dialects) await measure(d)
