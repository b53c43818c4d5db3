// npm run bench [-- --customers 100000] — measures customer list requests in the main
// process (dispatch: zod parse + session + service + SQL) on a demo database.
// The database is generated once with `crm demo` into out/bench-data and reused.
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { openApp } from '../../src-main/app/bootstrap'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N = Number(arg('customers', '100000'))
const RUNS = Number(arg('runs', '20'))
const dataDir = path.resolve(arg('data', `out/bench-data-${N}`))

process.env.CRM_QUIET = '1'
const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }, dataDir })
const k = app.db.knex
const have = Number((await k('customers').whereNull('deleted_at').count({ n: '*' }))[0].n)
if (have < N) {
  await k.destroy()
  console.log(`generating ${N - have} demo customers in ${dataDir} …`)
  execFileSync('npx', ['tsx', 'src-main/cli/crm.ts', 'demo', '--customers', String(N - have), '--data', dataDir, '--seed', '42'], { stdio: 'inherit' })
  process.argv.push('--regenerated')
}
const app2 = have < N ? await openApp({ db: { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }, dataDir }) : app
const kk = app2.db.knex
const total = Number((await kk('customers').whereNull('deleted_at').count({ n: '*' }))[0].n)
const contacts = Number((await kk('contacts').whereNull('deleted_at').count({ n: '*' }))[0].n)

const sessions = new SessionStore()
async function session(roleCode: string, login: string) {
  let u = await kk('users').where({ login }).first()
  if (!u) {
    const role = await kk('roles').where({ code: roleCode }).first()
    const owner = await kk('customers').whereNotNull('owner_id').first('owner_id')
    const teamId = owner ? (await kk('users').where({ id: owner.owner_id }).first())?.team_id : null
    await kk.transaction((trx) => insertUser(app2, trx, { login, name: login, password: 'bench-pass-1', roleId: role.id, teamId }))
    u = await kk('users').where({ login }).first()
  }
  sessions.set(login, u.id)
  return login
}
const admin = await session('admin', 'bench_admin')
// a manager who owns customers: the owner of the first customer
const ownerRow = await kk('customers').join('users', 'users.id', 'customers.owner_id').first('users.login as login', 'users.role_id')
const manager = ownerRow ? (sessions.set(ownerRow.login, (await kk('users').where({ login: ownerRow.login }).first()).id), ownerRow.login) : admin
const supervisor = await session('supervisor', 'bench_supervisor')

const sample = await kk('customers').orderBy('code').offset(Math.floor(total / 2)).first('name', 'phone', 'region_id', 'level_id', 'industry_id')
const contact = await kk('contacts').orderBy('id').first('name')
const { pinyin } = await import('pinyin-pro')
const initials = pinyin(sample.name, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase().slice(0, 6)

const cases: Array<[string, string, Record<string, unknown>]> = [
  ['first page, default sort (admin, all)', admin, {}],
  ['page 2,000 of 50 (deep offset)', admin, { page: 2000, pageSize: 50 }],
  ['sort by name', admin, { sort: { field: 'name', order: 'asc' } }],
  ['sort by order total desc', admin, { sort: { field: 'orderTotalCents', order: 'desc' } }],
  ['filter region', admin, { filter: { regionId: sample.region_id } }],
  ['filter region + level + industry', admin, { filter: { regionId: sample.region_id, levelId: sample.level_id, industryId: sample.industry_id } }],
  ['search name fragment "科技"', admin, { filter: { search: '科技' } }],
  [`search pinyin initials "${initials}"`, admin, { filter: { search: initials } }],
  ['search phone', admin, { filter: { search: String(sample.phone ?? '').slice(-6) } }],
  [`search contact name "${contact?.name}"`, admin, { filter: { search: contact?.name ?? '' } }],
  ['manager (own scope), first page', manager, {}],
  ['manager (own scope), search "有限"', manager, { filter: { search: '有限' } }],
  ['supervisor (team scope), filter region', supervisor, { filter: { regionId: sample.region_id } }],
]

const rows: string[] = []
let worst = 0
for (const [name, who, input] of cases) {
  const times: number[] = []
  let count = 0
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now()
    const r = await dispatch({ app: app2, sessions }, 'customers', 'list', input, who)
    const dt = performance.now() - t0
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    count = (r.data as { total: number }).total
    if (i >= 3) times.push(dt)
  }
  times.sort((a, b) => a - b)
  const med = times[Math.floor(times.length / 2)]
  const p95 = times[Math.floor(times.length * 0.95) - 1] ?? times[times.length - 1]
  const max = times[times.length - 1]
  worst = Math.max(worst, max)
  rows.push(`| ${name} | ${count.toLocaleString('en')} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${max.toFixed(1)} |`)
}

console.log(`\nCustomer list in the main process — ${total.toLocaleString('en')} customers, ${contacts.toLocaleString('en')} contacts, SQLite, ${RUNS} runs each after 3 warm-ups`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`)
console.log('| request | matches | median ms | p95 ms | max ms |')
console.log('|---|---:|---:|---:|---:|')
for (const r of rows) console.log(r)
console.log(`\nworst single request: ${worst.toFixed(1)} ms (target: under 100 ms)`)
await kk.destroy()
if (app2 !== app) await app.db.knex.destroy().catch(() => {})
