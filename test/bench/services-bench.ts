// npx tsx test/bench/services-bench.ts [-- --customers 60000] — measures the service-ticket
// requests in the main process (dispatch: zod parse + session + service + SQL) on a demo database
// (`crm demo` makes one ticket per three customers, at most 20,000), and the ticket part of the
// reminder evaluation. The database is generated once into out/bench-services-<N> and reused.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { openApp } from '../../src-main/app/bootstrap'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N = Number(arg('customers', '60000'))
const RUNS = Number(arg('runs', '20'))
const dataDir = path.resolve(arg('data', `out/bench-services-${N}`))
process.env.CRM_QUIET = '1'

const file = path.join(dataDir, 'crm.sqlite')
let app = await openApp({ db: { dialect: 'sqlite', file }, dataDir })
if (Number((await app.db.knex('customers').count({ n: '*' }))[0].n) < N) {
  await app.db.knex.destroy()
  console.log(`generating ${N} demo customers and their service tickets in ${dataDir} …`)
  execFileSync('npx', ['tsx', 'src-main/cli/crm.ts', 'demo', '--customers', String(N), '--data', dataDir, '--seed', '42'], { stdio: 'inherit' })
  app = await openApp({ db: { dialect: 'sqlite', file }, dataDir })
}
const k = app.db.knex
const tickets = Number((await k('service_tickets').count({ n: '*' }))[0].n)
const notes = Number((await k('service_ticket_notes').count({ n: '*' }))[0].n)

const sessions = new SessionStore()
async function session(roleCode: string, login: string, teamId: string | null = null) {
  let u = await k('users').where({ login }).first()
  if (!u) {
    const role = await k('roles').where({ code: roleCode }).first()
    await k.transaction((trx) => insertUser(app, trx, { login, name: login, password: 'bench-pass-1', roleId: role.id, teamId }))
    u = await k('users').where({ login }).first()
  }
  sessions.set(login, u.id)
  return login
}
const admin = await session('admin', 'bench_admin')
const agent = await session('agent', 'bench_agent')
const manager = await k('users as u').join('roles as r', 'r.id', 'u.role_id').where('r.code', 'manager').first('u.login', 'u.id')
sessions.set(manager.login, manager.id)
const supervisor = await k('users as u').join('roles as r', 'r.id', 'u.role_id').where('r.code', 'supervisor').first('u.login', 'u.id')
sessions.set(supervisor.login, supervisor.id)
const repair = (await k('dict_items').where({ type_code: 'service_type', label: '维修' }).first('id')).id
const one = await k('service_tickets').where('status', 'archived').orderBy('code').offset(Math.floor(tickets / 2)).first('id', 'code')

const cases: Array<[string, string, string, Record<string, unknown>]> = [
  ['list: first page, all (agent)', agent, 'list', {}],
  ['list: archived, page 100', agent, 'list', { status: 'archived', page: 100 }],
  ['list: search "漏油" (notes too)', agent, 'list', { filter: { text: '漏油' } }],
  ['list: search a code', agent, 'list', { filter: { text: one.code } }],
  ['list: overdue', agent, 'list', { filter: { overdue: true } }],
  ['list: manager, own scope', manager.login, 'list', {}],
  ['list: supervisor, team scope, 新创建', supervisor.login, 'list', { status: 'new' }],
  ['counts (tabs)', agent, 'counts', {}],
  ['counts, team scope', supervisor.login, 'counts', {}],
  ['board, 20 per column', agent, 'board', {}],
  ['get one ticket with its notes', agent, 'get', { id: one.id }],
  ['similar (维修, 500 candidates)', agent, 'similar', { typeId: repair, summary: '液压站漏油', request: '油管接头渗油，需要上门检修' }],
]

const ms = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y)
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95) - 1] ?? s.at(-1)!, max: s.at(-1)! }
}
console.log(`${tickets} tickets, ${notes} notes (${N} customers); ${RUNS} runs after 3 warm-ups; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`)
console.log('| request | matches | median ms | p95 ms | max ms | CPU ms (median) |\n|---|---:|---:|---:|---:|---:|')
for (const [name, who, call, input] of cases) {
  const times: number[] = []
  const cpu: number[] = []
  let matches = 0
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const r = await dispatch({ app, sessions }, 'services', call, input, who)
    const dt = performance.now() - t0
    const dc = process.cpuUsage(c0)
    if (i >= 3) cpu.push((dc.user + dc.system) / 1000)
    if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
    const d = r.data as { total?: number; all?: number; length?: number; notes?: unknown[] }
    matches = d.total ?? d.all ?? (Array.isArray(d) ? d.length : 1)
    if (i >= 3) times.push(dt)
  }
  const m = ms(times)
  console.log(`| ${name} | ${matches.toLocaleString('en')} | ${m.median.toFixed(1)} | ${m.p95.toFixed(1)} | ${m.max.toFixed(1)} | ${ms(cpu).median.toFixed(1)} |`)
}
// the hourly reminder evaluation, which now settles the waiting tickets near their SLA (in chunks of 500)
const evalTimes: number[] = []
const evalCpu: number[] = []
for (let i = 0; i < 5; i++) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  await evaluateReminders(app)
  evalTimes.push(performance.now() - t0)
  const dc = process.cpuUsage(c0)
  evalCpu.push((dc.user + dc.system) / 1000)
}
const waiting = Number((await k('service_tickets').whereIn('status', ['new', 'assigned']).count({ n: '*' }))[0].n)
console.log(`hourly reminder evaluation (${waiting} waiting tickets): first ${evalTimes[0].toFixed(1)} ms, then median ${ms(evalTimes.slice(1)).median.toFixed(1)} ms (CPU ${ms(evalCpu.slice(1)).median.toFixed(1)} ms)`)
await k.destroy()
