// npm run bench:contacts [-- --db sqlite|postgres] [--customers 100000] [--data DIR] [--pg-db NAME] [--runs 20]
// Times the 联系人 list (contacts.search: contacts of live customers in the caller's scope, newest
// first, by the day they were added; the 工作台's 新增联系人 opens it with its period and scope)
// through dispatch() — zod parse, session, permission, scope, count and page — on an existing demo
// data set: SQLite out/bench-data-N (made by `npm run bench:search` / `npm run bench`; never
// generated here), PostgreSQL the database --pg-db names (e.g. a copy made with `create database
// X template search5_bench`). The list has no text search: contacts by name or mobile are found
// by 全局搜索 (its contacts area: `npm run bench:search`). Printed per request: wall median / p95 /
// max, the app's CPU (process.cpuUsage) and on PostgreSQL the server backends' CPU (/proc, 10 ms
// ticks, mean over the runs), with the load average.
import os from 'node:os'
import path from 'node:path'
import { openApp } from '../../src-main/app/bootstrap'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import type { DbConfig } from '../../src-main/db/config'
import { pgServerCpuMs } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('customers', '100000'))
const RUNS = Number(arg('runs', '20'))
const dialect = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const pgDb = arg('pg-db', 'crm_bench_search')
process.env.CRM_QUIET = '1'

let config: DbConfig
let dataDir: string
if (dialect === 'postgres') {
  const base = process.env.CRM_TEST_PG_URL
  if (!base) throw new Error('set CRM_TEST_PG_URL (postgres://user:pass@host:port/db) for --db postgres')
  if (!/^[a-z_][a-z0-9_]*$/.test(pgDb)) throw new Error(`not a database name: ${pgDb}`)
  const u = new URL(base)
  u.pathname = '/' + pgDb
  config = { dialect: 'postgres', url: u.toString() }
  dataDir = path.resolve('out/bench-contacts-pg')
} else {
  dataDir = path.resolve(arg('data', `out/bench-data-${N}`))
  config = { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
}

const app = await openApp({ db: config, dataDir })
const k = app.db.knex
const live = async (table: string) => Number((await k(table).whereNull('deleted_at').count({ n: '*' }))[0].n)
const customers = await live('customers')
if (customers < N) throw new Error(`${customers} customers, ${N} asked: generate the data set first (npm run bench:search -- --customers ${N})`)
const contacts = await live('contacts')

const sessions = new SessionStore()
async function session(roleCode: string, login: string, teamOf?: string | null) {
  let u = await k('users').where({ login }).first()
  if (!u) {
    const role = await k('roles').where({ code: roleCode }).first()
    await k.transaction((trx) => insertUser(app, trx, { login, name: login, password: 'bench-pass-1', roleId: role.id, teamId: teamOf ?? null }))
    u = await k('users').where({ login }).first()
  }
  sessions.set(login, String(u.id))
  return login
}
const admin = await session('admin', 'bench_admin')
// the owner of the first customer by code (an account manager of the demo) and a supervisor of that team
const ownerRow = await k('customers').join('users', 'users.id', 'customers.owner_id').orderBy('customers.code').first('users.login as login', 'users.team_id as team_id')
if (!ownerRow) throw new Error('no customer has an owner')
sessions.set(ownerRow.login, String((await k('users').where({ login: ownerRow.login }).first()).id))
const manager = String(ownerRow.login)
const supervisor = await session('supervisor', 'bench_supervisor', ownerRow.team_id ?? null)

// the periods 新增联系人 asks for, around the newest contact (demo data ends at its load time)
const newest = new Date(String((await k('contacts').whereNull('deleted_at').max({ at: 'created_at' }))[0].at))
const dayStart = new Date(Date.UTC(newest.getUTCFullYear(), newest.getUTCMonth(), newest.getUTCDate()))
const iso = (d: Date) => d.toISOString()
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000)
const monthStart = new Date(Date.UTC(newest.getUTCFullYear(), newest.getUTCMonth(), 1))
const today = { createdFrom: iso(dayStart), createdTo: iso(addDays(dayStart, 1)) }
const week = { createdFrom: iso(addDays(dayStart, -6)), createdTo: iso(addDays(dayStart, 1)) }
const month = { createdFrom: iso(monthStart), createdTo: iso(addDays(dayStart, 1)) }
const yearAgo = { createdFrom: iso(addDays(dayStart, -365)), createdTo: iso(addDays(dayStart, -335)) }
const pageSize = 20
const middle = Math.max(1, Math.floor(contacts / pageSize / 2))

type Case = [name: string, who: string, input: Record<string, unknown>]
const cases: Case[] = [
  ['first page (admin, all)', admin, {}],
  ['page 2', admin, { page: 2 }],
  [`middle page (page ${middle.toLocaleString('en')} of ${pageSize})`, admin, { page: middle }],
  ['50 a page', admin, { pageSize: 50 }],
  ['added on the newest day (新增联系人 today)', admin, today],
  ['added in the newest 7 days', admin, week],
  ['added in the newest month', admin, month],
  ['added in a 30-day range a year back', admin, yearAgo],
  ['manager (own scope), first page', manager, {}],
  ['manager (own scope), newest month', manager, month],
  [`manager (own scope), middle page`, manager, { page: 20 }],
  ['supervisor (team scope), first page', supervisor, {}],
  ['supervisor, narrowed to own (工作台 mine)', supervisor, { scope: 'own' }],
  ['supervisor (team scope), newest month', supervisor, month],
  ['supervisor (team scope), page 100', supervisor, { page: 100 }],
]

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(xs.length * p) - 1))]!
const rows: string[] = []
let worst = { cpu: 0, name: '' }
const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ')
for (const [name, who, input] of cases) {
  const wall: number[] = []
  const cpu: number[] = []
  let total = 0
  let server0 = 0
  for (let i = 0; i < RUNS + 3; i++) {
    if (i === 3 && dialect === 'postgres') server0 = pgServerCpuMs(pgDb)
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const r = await dispatch({ app, sessions }, 'contacts', 'search', input, who)
    const dt = performance.now() - t0
    const dc = process.cpuUsage(c0)
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    total = (r.data as { total: number }).total
    if (i >= 3) {
      wall.push(dt)
      cpu.push((dc.user + dc.system) / 1000)
    }
  }
  const server = dialect === 'postgres' ? (pgServerCpuMs(pgDb) - server0) / RUNS : 0
  const work = pct(cpu, 0.5) + server
  if (work > worst.cpu) worst = { cpu: work, name }
  const serverCol = dialect === 'postgres' ? ` ${server.toFixed(1)} |` : ''
  rows.push(`| ${name} | ${total.toLocaleString('en')} | ${pct(wall, 0.5).toFixed(1)} | ${pct(wall, 0.95).toFixed(1)} | ${pct(wall, 1).toFixed(1)} | ${pct(cpu, 0.5).toFixed(1)} | ${pct(cpu, 0.95).toFixed(1)} |${serverCol} ${os.loadavg()[0]!.toFixed(1)} |`)
  process.stderr.write(`${name}: ${pct(wall, 0.5).toFixed(1)} ms wall, ${pct(cpu, 0.5).toFixed(1)} ms CPU${dialect === 'postgres' ? ` + ${server.toFixed(1)} server` : ''}\n`)
}

console.log(`\n联系人 list (contacts.search) through dispatch() — ${dialect}${dialect === 'postgres' ? ` (${pgDb})` : ''}, ${customers.toLocaleString('en')} customers, ${contacts.toLocaleString('en')} contacts; ${RUNS} runs each after 3 warm-ups; newest contact ${newest.toISOString()}`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average (1/5/15 min) before ${loadBefore}, after ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`)
const serverHead = dialect === 'postgres' ? ' server CPU ms (mean) |' : ''
console.log(`| request | total | median ms | p95 ms | max ms | app CPU ms (median) | CPU p95 |${serverHead} load (1 min) |`)
console.log(`|---|---:|---:|---:|---:|---:|---:|${dialect === 'postgres' ? '---:|' : ''}---:|`)
for (const r of rows) console.log(r)
console.log(`\nmost work: ${worst.cpu.toFixed(1)} ms CPU${dialect === 'postgres' ? ' (app median + server mean)' : ''} (${worst.name}); target: every request under 100 ms`)
await k.destroy()
