// npm run bench:search [-- --db sqlite|postgres] [--customers 100000] [--runs 20]
// Measures 全局搜索 (search.global) in the main process — dispatch: zod parse, session,
// permissions, every area's searchTop (customers, contacts, opportunities, orders, tickets)
// and its SQL — on a demo database of N customers (about 2 contacts and 0–6 orders each).
// SQLite: generated once into out/bench-data-N (shared with `npm run bench`); PostgreSQL:
// database crm_bench_search on CRM_TEST_PG_URL's server. A data set made before demo
// customers had orders gets its demo orders added once. `--pg-db NAME` picks another PostgreSQL
// database (e.g. a copy made with `create database X template gsearch_bench`).
// Two tables: the whole search.global per request (wall, main-process CPU and, on PostgreSQL,
// the server's CPU: the backends' utime + stime from /proc, 10 ms ticks, averaged over the runs),
// then each area's searchTop alone (called with the request's own call context) per request.
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import knexFactory from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { fillOrders } from '../../src-main/cli/demo-orders'
import { readFileSync } from 'node:fs'
import { SEARCH_AREAS, type SearchTop } from '../../src-main/modules/search/search.service'
import type { ServiceContext } from '../../src-main/modules/context'
import { makeRng } from '../../src-main/cli/demo-data'
import type { DbConfig } from '../../src-main/db/config'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N = Number(arg('customers', '100000'))
const RUNS = Number(arg('runs', '20'))
const dialect = arg('db', 'sqlite') as 'sqlite' | 'postgres'
process.env.CRM_QUIET = '1'

let config: DbConfig
let dataDir: string
if (dialect === 'postgres') {
  const base = process.env.CRM_TEST_PG_URL
  if (!base) throw new Error('set CRM_TEST_PG_URL (postgres://user:pass@host:port/db) for --db postgres')
  const dbName = arg('pg-db', 'crm_bench_search')
  const admin = knexFactory({ client: 'pg', connection: base })
  const exists = await admin('pg_database').where({ datname: dbName }).first()
  if (!exists) await admin.raw(`create database ${dbName}`)
  await admin.destroy()
  const u = new URL(base)
  u.pathname = '/' + dbName
  config = { dialect: 'postgres', url: u.toString() }
  dataDir = path.resolve(`out/bench-search-pg`)
} else {
  dataDir = path.resolve(arg('data', `out/bench-data-${N}`))
  config = { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
}

let app = await openApp({ db: config, dataDir })
const count = async () => Number((await app.db.knex('customers').whereNull('deleted_at').count({ n: '*' }))[0].n)
const have = await count()
if (have < N) {
  await app.db.knex.destroy()
  console.log(`generating ${N - have} demo customers …`)
  const target = dialect === 'postgres' ? ['--db', (config as { url: string }).url] : ['--data', dataDir]
  execFileSync('npx', ['tsx', 'src-main/cli/crm.ts', 'demo', '--customers', String(N - have), ...target, '--seed', '42'], { stdio: 'inherit' })
  app = await openApp({ db: config, dataDir })
}
const orderCount = async () => Number((await app.db.knex('orders').whereNull('deleted_at').count({ n: '*' }))[0].n)
if ((await orderCount()) === 0) {
  console.log('adding demo orders …')
  const out = { log: (l: string) => console.log(l), progress: (l: string) => process.stdout.write(`\r${l}\x1b[K`), endProgress: () => undefined }
  await fillOrders(app, makeRng(42), out)
  await app.db.knex.raw('analyze')
}
const k = app.db.knex
if (dialect === 'postgres') await k.raw('analyze')
const orders = await orderCount()
const total = await count()
const contacts = Number((await k('contacts').whereNull('deleted_at').count({ n: '*' }))[0].n)

const sessions = new SessionStore()
async function session(roleCode: string, login: string, teamOf?: string | null) {
  let u = await k('users').where({ login }).first()
  if (!u) {
    const role = await k('roles').where({ code: roleCode }).first()
    await k.transaction((trx) => insertUser(app, trx, { login, name: login, password: 'bench-pass-1', roleId: role.id, teamId: teamOf ?? null }))
    u = await k('users').where({ login }).first()
  }
  sessions.set(login, u.id)
  return login
}
const admin = await session('admin', 'bench_admin')
const ownerRow = await k('customers').join('users', 'users.id', 'customers.owner_id').orderBy('customers.code').first('users.login as login', 'users.team_id as team_id')
const manager = ownerRow ? (sessions.set(ownerRow.login, (await k('users').where({ login: ownerRow.login }).first()).id), ownerRow.login) : admin
const supervisor = await session('supervisor', 'bench_supervisor', ownerRow?.team_id ?? null)

const sample = await k('customers').orderBy('code').offset(Math.floor(total / 2)).first('name', 'code', 'phone')
const contact = await k('contacts').orderBy('id').first('name', 'mobile')
const { pinyin } = await import('pinyin-pro')
const order = await k('orders as o').join('customers as c', 'c.id', 'o.customer_id').whereNull('o.deleted_at').orderBy('o.code').offset(Math.floor(orders / 2)).first('o.code', 'c.name')
const ticketCount = Number((await k('service_tickets').whereNull('deleted_at').count({ n: '*' }))[0].n)
const ticket = await k('service_tickets').whereNull('deleted_at').orderBy('code').offset(Math.floor(ticketCount / 2)).first('code', 'summary')
const ticketWord = ticket ? [...String(ticket.summary)].slice(0, 2).join('') : '漏水'
const agent = await session('agent', 'bench_agent')
const initials = pinyin(sample.name, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase().slice(0, 6)
const fullPinyin = pinyin(sample.name, { toneType: 'none', type: 'array' }).join('').toLowerCase().slice(0, 9)

const cases: Array<[string, string, string]> = [
  [`exact customer name "${sample.name}"`, admin, sample.name],
  ['name prefix "广州"', admin, '广州'],
  ['two characters "科技"', admin, '科技'],
  ['very common "有限"', admin, '有限'],
  ['one character "张"', admin, '张'],
  [`pinyin initials "${initials}"`, admin, initials],
  [`full pinyin prefix "${fullPinyin}"`, admin, fullPinyin],
  [`customer code "${sample.code}"`, admin, sample.code],
  ['phone fragment', admin, String(sample.phone ?? '').replace(/\D/g, '').slice(-6)],
  [`contact name "${contact.name}"`, admin, contact.name],
  ['mobile fragment', admin, String(contact.mobile ?? '').slice(0, 7)],
  ['no match "zzqxw"', admin, 'zzqxw'],
  [`order number "${order.code}"`, admin, order.code],
  [`order number without prefix "${order.code.slice(3)}"`, admin, order.code.slice(3)],
  [`order sequence digits "${order.code.slice(-4)}"`, admin, order.code.slice(-4)],
  [`order number prefix "${order.code.slice(0, 10)}"`, admin, order.code.slice(0, 10)],
  [`order's customer "${order.name}"`, admin, order.name],
  [`manager (own scope) order sequence digits "${order.code.slice(-4)}"`, manager, order.code.slice(-4)],
  ['manager (own scope) "科技"', manager, '科技'],
  [`manager (own scope) initials "${initials}"`, manager, initials],
  ['supervisor (team scope) "有限"', supervisor, '有限'],
  ...(ticket
    ? ([
        [`ticket code "${ticket.code}"`, admin, ticket.code],
        [`ticket summary words "${ticketWord}"`, admin, ticketWord],
        [`客服专员 ticket summary words "${ticketWord}"`, agent, ticketWord],
        ['客服专员 "漏油"', agent, '漏油'],
        ['客服专员 one character "修"', agent, '修'],
      ] as Array<[string, string, string]>)
    : []),
]

// each area's searchTop, wrapped: the last call context per login (to call the area alone below)
const ctxOf = new Map<string, ServiceContext>()
for (const a of SEARCH_AREAS) {
  const inner: SearchTop = a.searchTop
  a.searchTop = (ctx, term, limit) => {
    ctxOf.set(ctx.actor.login, ctx)
    return inner(ctx, term, limit)
  }
}

/**
 * PostgreSQL: the CPU ms each server backend of this database has used so far (/proc, same
 * machine), by pid; cpuSince sums what the backends used since such a reading (a backend that
 * ended meanwhile drops out, a new one counts whole).
 */
const TICK_MS = 10
async function serverCpu(): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  if (dialect !== 'postgres') return out
  const r = await k.raw('select pid from pg_stat_activity where datname = current_database()')
  for (const { pid } of r.rows as Array<{ pid: number }>) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      out.set(pid, (Number(f[11]) + Number(f[12])) * TICK_MS) // utime, stime (fields 14 and 15)
    } catch {
      // a backend that ended meanwhile
    }
  }
  return out
}
async function cpuSince(before: Map<number, number>): Promise<number> {
  let ms = 0
  for (const [pid, now] of await serverCpu()) ms += now - (before.get(pid) ?? 0)
  return ms
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(xs.length * p) - 1))]

const rows: string[] = []
let worst = 0
for (const [name, who, term] of cases) {
  const times: number[] = []
  const cpu: number[] = []
  let hits = 0
  let server0 = new Map<number, number>()
  for (let i = 0; i < RUNS + 3; i++) {
    if (i === 3) server0 = await serverCpu()
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const r = await dispatch({ app, sessions }, 'search', 'global', { term, limit: 5 }, who)
    const dt = performance.now() - t0
    const dc = process.cpuUsage(c0)
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    hits = (r.data as { groups: Array<{ items: unknown[] }> }).groups.reduce((n, g) => n + g.items.length, 0)
    if (i >= 3) {
      times.push(dt)
      cpu.push((dc.user + dc.system) / 1000)
    }
  }
  const serverMs = dialect === 'postgres' ? (await cpuSince(server0)) / RUNS : 0
  cpu.sort((a, b) => a - b)
  times.sort((a, b) => a - b)
  const med = times[Math.floor(times.length / 2)]
  const p95 = times[Math.floor(times.length * 0.95) - 1] ?? times[times.length - 1]
  const max = times[times.length - 1]
  worst = Math.max(worst, max)
  const serverCol = dialect === 'postgres' ? ` ${serverMs.toFixed(1)} |` : ''
  rows.push(`| ${name} | ${hits} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${max.toFixed(1)} | ${cpu[Math.floor(cpu.length / 2)].toFixed(1)} | ${pct(cpu, 0.95).toFixed(1)} |${serverCol} ${os.loadavg()[0].toFixed(1)} |`)
}

// each area alone, with the request's call context: wall p50 / p95, main-process CPU p50 / p95 (and the server's, PostgreSQL)
const areaRows: string[] = []
for (const [name, who, term] of cases) {
  const ctx = ctxOf.get(who)
  const cells: string[] = []
  for (const a of SEARCH_AREAS) {
    if (!ctx || !ctx.actor.permissions[a.module]?.actions.includes('view')) {
      cells.push('—')
      continue
    }
    const wall: number[] = []
    const cpu: number[] = []
    let server0 = new Map<number, number>()
    for (let i = 0; i < RUNS + 2; i++) {
      if (i === 2) server0 = await serverCpu()
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      await a.searchTop({ ...ctx }, term, 5) // a fresh call context: nothing memoised from the last call
      const dc = process.cpuUsage(c0)
      if (i >= 2) {
        wall.push(performance.now() - t0)
        cpu.push((dc.user + dc.system) / 1000)
      }
    }
    const server = dialect === 'postgres' ? ` +${((await cpuSince(server0)) / RUNS).toFixed(1)}` : ''
    cells.push(`${pct(wall, 0.5).toFixed(1)}/${pct(wall, 0.95).toFixed(1)} · ${pct(cpu, 0.5).toFixed(1)}/${pct(cpu, 0.95).toFixed(1)}${server}`)
  }
  areaRows.push(`| ${name} | ${cells.join(' | ')} | ${os.loadavg()[0].toFixed(1)} |`)
}

console.log(`\nGlobal search in the main process — ${total.toLocaleString('en')} customers, ${contacts.toLocaleString('en')} contacts, ${orders.toLocaleString('en')} orders, ${dialect}, ${RUNS} runs each after 3 warm-ups`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`)
const serverHead = dialect === 'postgres' ? ' server CPU ms (mean) |' : ''
console.log(`| request | hits shown | median ms | p95 ms | max ms | main-process CPU ms (median) | CPU p95 |${serverHead} load (1 min) |`)
console.log(`|---|---:|---:|---:|---:|---:|---:|${dialect === 'postgres' ? '---:|' : ''}---:|`)
for (const r of rows) console.log(r)
console.log(`\nEach area alone (searchTop with the request's call context): wall p50/p95 ms · main-process CPU p50/p95 ms${dialect === 'postgres' ? ' +server CPU ms (mean)' : ''}; — = the caller may not view it\n`)
console.log(`| request | ${SEARCH_AREAS.map((a) => a.kind).join(' | ')} | load (1 min) |`)
console.log(`|---|${SEARCH_AREAS.map(() => '---:').join('|')}|---:|`)
for (const r of areaRows) console.log(r)
console.log(`\nworst single request: ${worst.toFixed(1)} ms (target: under 50 ms)`)
await k.destroy()
