// npm run bench -- --customers N [--db URL] [--data DIR] [--runs 20] [--seed 42] [--evaluate] [--only TEXT[,TEXT…]]
// Times customer list requests in the main process (dispatch: zod parse + session + service +
// SQL) on a demo database: SQLite by default (out/bench-data-N/crm.sqlite), or the database --db
// names (sqlite:PATH, postgres://…; a PostgreSQL database that does not exist yet is created).
// A database with fewer than N customers is topped up with `crm demo --seed SEED` (the same seed,
// the same data), so the figures are reproducible; every probe (the sample customer, the contact
// name, the pinyin initials) is chosen from the data by code order, never at random. Printed
// with the figures: the database, its size, the machine, and the load average before and after
// (a busy shared machine makes wall times longer; the app's CPU time per request shows its own
// work apart from waiting for a core or, on PostgreSQL, for the server). --evaluate also times a
// whole-database reminder evaluation and the incremental one after it. --only runs just the
// requests whose name holds one of the comma-separated texts (e.g. --only "middle page,region").
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import knexFactory from 'knex'
import { cliDbConfig, openCliApp } from '../../src-main/cli/cli-db'
import { describeDb } from '../../src-main/db/config'
import type { AppContext } from '../../src-main/modules/context'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { pgServerCpuMs } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('customers', '100000'))
const RUNS = Number(arg('runs', '20'))
const SEED = arg('seed', '42')
const dataDir = path.resolve(arg('data', `out/bench-data-${N}`))
const dbUrl = arg('db', `sqlite:${path.join(dataDir, 'crm.sqlite')}`)
process.env.CRM_QUIET = '1'

/** A PostgreSQL database named in the URL is created when missing (the server's `postgres` database is asked). */
async function ensurePgDatabase(url: string) {
  if (!/^postgres(ql)?:/.test(url)) return
  const u = new URL(url)
  const name = u.pathname.slice(1)
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: letters, digits and _ only`)
  u.pathname = '/postgres'
  const admin = knexFactory({ client: 'pg', connection: u.toString() })
  try {
    if (!(await admin.raw('select 1 from pg_database where datname = ?', [name])).rows.length) await admin.raw(`create database ${name}`)
  } finally {
    await admin.destroy()
  }
}

const cpuMs = () => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ')

await ensurePgDatabase(dbUrl)
const cfg = await cliDbConfig({ db: dbUrl, data: dataDir })
const open = () => openCliApp(cfg)
const live = async (app: AppContext) => Number((await app.db.knex('customers').whereNull('deleted_at').count({ n: '*' }))[0].n)

let app = await open()
const have = await live(app)
if (have < N) {
  await app.db.knex.destroy()
  console.log(`generating ${N - have} demo customers (seed ${SEED}) into ${describeDb(cfg.config)} …`)
  const t0 = performance.now()
  execFileSync('npx', ['tsx', 'src-main/cli/crm.ts', 'demo', '--customers', String(N - have), '--db', dbUrl, '--data', dataDir, '--seed', SEED], {
    stdio: 'inherit',
  })
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  app = await open()
}
const k = app.db.knex
const total = await live(app)
const contacts = Number((await k('contacts').whereNull('deleted_at').count({ n: '*' }))[0].n)
const loadBefore = load()
/** PostgreSQL: the database whose server backends' CPU is read (pgServerCpuMs) */
const pgDb = /^postgres(ql)?:/.test(dbUrl) ? new URL(dbUrl).pathname.slice(1) : ''

const sessions = new SessionStore()
/** A session for a demo user, or for a bench user of that role made once (in the team of the first manager). */
async function session(login: string, roleCode: string): Promise<string> {
  let u = await k('users').where({ login }).first('id')
  if (!u) {
    const role = await k('roles').where({ code: roleCode }).first('id')
    const teamId = (await k('users').whereNotNull('team_id').orderBy('login').first('team_id'))?.team_id ?? null
    await k.transaction((trx) => insertUser(app, trx, { login, name: login, password: 'bench-pass-1', roleId: role.id, teamId }))
    u = await k('users').where({ login }).first('id')
  }
  sessions.set(login, String(u.id))
  return login
}
const admin = await session('bench_admin', 'admin')
// crm demo's users: an account manager (own customers) and the supervisor of that team
const manager = await session('jingli1', 'manager')
const supervisor = await session('zhuguan', 'supervisor')

// probes from the data, by code order: the customer in the middle, its primary contact
const sample = await k('customers').whereNull('deleted_at').orderBy('code').offset(Math.floor(total / 2)).first('id', 'name', 'phone', 'region_id', 'level_id', 'industry_id', 'category_id', 'owner_id')
const contact = await k('contacts').where({ customer_id: sample.id }).whereNull('deleted_at').orderBy([{ column: 'is_primary', order: 'desc' }, 'name']).first('name')
const { pinyin } = await import('pinyin-pro')
const initials = pinyin(String(sample.name), { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase().slice(0, 6)
const word3 = String(sample.name).slice(2, 5) // three characters from the middle of a name (past the city)
const pageSize = 50
const middle = Math.max(1, Math.floor(total / pageSize / 2))
const last = Math.max(1, Math.ceil(total / pageSize))

type Case = [name: string, who: string, input: Record<string, unknown>]
const cases: Case[] = [
  ['first page, default sort (admin, all)', admin, {}],
  [`middle page (page ${middle.toLocaleString('en')} of ${pageSize})`, admin, { page: middle, pageSize }],
  [`last page (page ${last.toLocaleString('en')} of ${pageSize})`, admin, { page: last, pageSize }],
]
for (const field of ['code', 'name', 'createdAt', 'lastContactAt', 'nextContactAt', 'orderTotalCents', 'creditRating']) {
  for (const order of field === 'orderTotalCents' ? ['desc', 'asc'] : ['desc']) cases.push([`sort by ${field} ${order}`, admin, { sort: { field, order } }])
}
cases.push(
  ['filter region', admin, { filter: { regionId: sample.region_id } }],
  ['filter level', admin, { filter: { levelId: sample.level_id } }],
  ['filter category', admin, { filter: { categoryId: sample.category_id } }],
  ['filter region + level + industry', admin, { filter: { regionId: sample.region_id, levelId: sample.level_id, industryId: sample.industry_id } }],
  ['filter owner', admin, { filter: { ownerId: sample.owner_id } }],
  ['filter status (churn warning)', admin, { filter: { status: 'churn_warning' } }],
  ['search 2 characters "科技"', admin, { filter: { search: '科技' } }],
  ['search 2 characters "科技", exact count asked', admin, { filter: { search: '科技' }, exactCount: true }],
  ['search 2 characters "有限"', admin, { filter: { search: '有限' } }],
  [`search 2 characters "${String(contact?.name ?? '').slice(0, 2)}" (a contact's name)`, admin, { filter: { search: String(contact?.name ?? '').slice(0, 2) } }],
  [`search 3 characters "${word3}"`, admin, { filter: { search: word3 } }],
  [`search pinyin initials "${initials}"`, admin, { filter: { search: initials } }],
  ['search phone (last 6 digits)', admin, { filter: { search: String(sample.phone ?? '').slice(-6) } }],
  [`search contact name "${contact?.name}"`, admin, { filter: { search: String(contact?.name ?? '') } }],
  ['search "%" (a LIKE wildcard, literal)', admin, { filter: { search: '%' } }],
  ['manager (own scope), first page', manager, {}],
  ['manager (own scope), sort by order total desc', manager, { sort: { field: 'orderTotalCents', order: 'desc' } }],
  ['manager (own scope), search "有限"', manager, { filter: { search: '有限' } }],
  ['supervisor (team scope), first page', supervisor, {}],
  ['supervisor (team scope), filter region', supervisor, { filter: { regionId: sample.region_id } }],
)

const only = arg('only', '').split(',').map((s) => s.trim()).filter(Boolean)
const chosen = only.length ? cases.filter(([name]) => only.some((o) => name.includes(o))) : cases
if (!chosen.length) throw new Error(`--only ${only.join(',')}: no request's name holds it`)

const rows: string[] = []
let worst = { ms: 0, name: '' }
for (const [name, who, input] of chosen) {
  const wall: number[] = []
  const cpu: number[] = []
  let count = ''
  let server0 = 0
  for (let i = 0; i < RUNS + 3; i++) {
    if (i === 3 && pgDb) server0 = pgServerCpuMs(pgDb)
    const t0 = performance.now()
    const c0 = cpuMs()
    const r = await dispatch({ app, sessions }, 'customers', 'list', input, who)
    const dt = performance.now() - t0
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    const data = r.data as { total: number; totalCapped?: boolean }
    count = data.total.toLocaleString('en') + (data.totalCapped ? '+' : '')
    if (i >= 3) {
      wall.push(dt)
      cpu.push(cpuMs() - c0)
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const sorted = [...wall].sort((a, b) => a - b)
  const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1]!
  const max = sorted[sorted.length - 1]!
  if (med(wall) > worst.ms) worst = { ms: med(wall), name }
  // PostgreSQL: the server backends' CPU over the measured runs, per request (10 ms clock ticks: a mean)
  const server = pgDb ? ` ${((pgServerCpuMs(pgDb) - server0) / RUNS).toFixed(1)} |` : ''
  process.stderr.write(`${name}: ${med(wall).toFixed(1)} ms\n`)
  rows.push(`| ${name} | ${count} | ${med(wall).toFixed(1)} | ${p95.toFixed(1)} | ${max.toFixed(1)} | ${med(cpu).toFixed(1)} |${server}`)
}

let evaluation = ''
if (process.argv.includes('--evaluate')) {
  const first = await evaluateReminders(app, { full: true })
  const again = await evaluateReminders(app)
  evaluation = `\nreminder evaluation: whole database ${(first.ms / 1000).toFixed(1)} s (${first.created} created, ${first.updated} updated, ${first.retracted} retracted); the incremental run after it ${again.ms.toFixed(0)} ms`
}

const cpu0 = os.cpus()[0]
console.log(`\nCustomer list through dispatch() — ${describeDb(cfg.config)} (${app.db.dialect}), ${total.toLocaleString('en')} customers, ${contacts.toLocaleString('en')} contacts`)
console.log(`${RUNS} runs each after 3 warm-ups; demo seed ${SEED}; probes: customer ${sample.name} (the middle one by code), contact ${contact?.name}`)
console.log(`machine: ${cpu0?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average (1/5/15 min) before ${loadBefore}, after ${load()}\n`)
console.log(`| request | matches | median ms | p95 ms | max ms | app CPU ms (median) |${pgDb ? ' server CPU ms (mean) |' : ''}`)
console.log(`|---|---:|---:|---:|---:|---:|${pgDb ? '---:|' : ''}`)
for (const r of rows) console.log(r)
console.log(`\npeak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`)
console.log(`\nslowest median: ${worst.ms.toFixed(1)} ms (${worst.name}); target: every request under 100 ms${evaluation}`)
await k.destroy()
