// npm run bench:dashboard [-- --customers 100000] [--pg-db NAME] [--interactions 1000000] [--runs 10] [--dialect sqlite|postgres|both] [--reuse] [--generate-only]
// Builds a database with N customers (created over three years, last follow-ups spread, a fifth
// with a 联系策略), 1.5 contacts each (half with a birthday, a tenth of those 农历), M
// interactions over two years, a promise on every tenth, 20,000 opportunities and the staff's
// reminders; the sales staff is one team of 1 supervisor + 10 account managers who own every
// customer (so the supervisor's team scope is all N customers) and an administrator. Then times
// dashboard.overview (every card, 本月) through dispatch() — zod, session, each area's service,
// SQL — for the supervisor (team), the administrator (company) and an account manager (own),
// and each card alone for the supervisor. SQLite always; PostgreSQL when CRM_TEST_PG_URL is set
// (database crm_bench_dash or --pg-db NAME, rebuilt unless --reuse). Target: under 300 ms.
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
import { DASHBOARD_CARDS } from '../../src-main/contract/dashboard'
import { fillOrders } from '../../src-main/cli/demo-orders'
import { makeRng } from '../../src-main/cli/demo-data'
import { benchPgConfig, pgServerCpuMs } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('customers', '100000'))
const M = Number(arg('interactions', '1000000'))
const RUNS = Number(arg('runs', '10'))
const REUSE = process.argv.includes('--reuse')
const GENERATE_ONLY = process.argv.includes('--generate-only')
const PG_DB = arg('pg-db', 'crm_bench_dash')
const PG_URL = process.env.CRM_TEST_PG_URL ?? ''
const wanted = arg('dialect', PG_URL ? 'both' : 'sqlite')
const dialects = (wanted === 'both' ? ['sqlite', 'postgres'] : [wanted]) as Array<'sqlite' | 'postgres'>
const DAY = 86_400_000
process.env.CRM_QUIET = '1'

let seed = 42
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!
const pad = (n: number) => String(n).padStart(2, '0')

async function generate(app: AppContext, dialect: 'sqlite' | 'postgres') {
  seed = 42
  const k = app.db.knex
  const now = Date.now()
  const nowIso = new Date(now).toISOString()
  await k('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: nowIso })
  const roles = Object.fromEntries((await k('roles').select('id', 'code')).map((r: { id: string; code: string }) => [r.code, r.id]))
  const managers: string[] = []
  await k.transaction(async (trx) => {
    await insertUser(app, trx, { login: 'bench_admin', name: '管理员', password: 'bench-pass-1', roleId: roles.admin })
    const teamId = randomUUID()
    await trx('teams').insert({ id: teamId, name: '销售一组', created_at: nowIso, updated_at: nowIso, version: 0 })
    await insertUser(app, trx, { login: 'sup0', name: '主管', password: 'bench-pass-1', roleId: roles.supervisor, teamId })
    for (let m = 0; m < 10; m++) managers.push(await insertUser(app, trx, { login: `mgr${m}`, name: `经理${m}`, password: 'bench-pass-1', roleId: roles.manager, teamId }))
  })
  const dict = async (type: string) => (await k('dict_items').where({ type_code: type }).select('id')).map((r: { id: string }) => r.id)
  const policies = await dict('contact_policy')
  const channels = await dict('interaction_channel')
  const stages = await dict('opportunity_stage')

  type Row = Record<string, unknown>
  const buffers = new Map<string, Row[]>()
  // parents before children (foreign keys)
  const ORDER = ['customers', 'contacts', 'interactions', 'interaction_promises', 'opportunities', 'reminders']
  const flushAll = async () => {
    await k.transaction(async (trx) => {
      for (const table of ORDER) {
        const rows = buffers.get(table) ?? []
        if (rows.length) await insertChunked(trx as Knex, dialect, table, rows)
        rows.length = 0
      }
    })
  }
  const push = async (table: string, row: Row) => {
    if (!buffers.has(table)) buffers.set(table, [])
    buffers.get(table)!.push(row)
  }
  let interactions = 0
  for (let i = 0; i < N; i++) {
    const id = randomUUID()
    const owner = managers[i % managers.length]!
    const created = now - rnd() * 1095 * DAY
    const n = Math.max(0, Math.round(((M - interactions) / (N - i)) * (0.5 + rnd())))
    let last: number | null = null
    for (let j = 0; j < n; j++) {
      const at = created + rnd() * (now - created)
      if (at < now - 730 * DAY && j > 0) continue
      last = last === null || at > last ? at : last
      const iid = randomUUID()
      interactions++
      await push('interactions', {
        id: iid, customer_id: id, owner_id: owner, created_by: owner, kind: 'record', channel_id: pick(channels), occurred_at: new Date(at).toISOString(),
        subject: '电话回访', created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), version: 1,
      })
      if (interactions % 10 === 0) {
        const due = new Date(at + rnd() * 60 * DAY)
        await push('interaction_promises', {
          id: randomUUID(), interaction_id: iid, customer_id: id, owner_id: owner, content: '承诺发送报价单',
          due_date: `${due.getUTCFullYear()}-${pad(due.getUTCMonth() + 1)}-${pad(due.getUTCDate())}`, kept_at: rnd() < 0.6 ? new Date(at).toISOString() : null,
          created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), version: 1,
        })
      }
    }
    await push('customers', {
      id, code: `KH-B-${String(i + 1).padStart(7, '0')}`, name: `基准客户${i + 1}有限公司`, owner_id: owner, customer_type: 'company', status: 'normal',
      order_count: 0, contact_policy_id: rnd() < 0.2 ? pick(policies) : null, last_contact_at: last === null ? null : new Date(last).toISOString(),
      created_at: new Date(created).toISOString(), updated_at: new Date(created).toISOString(), version: 1,
    })
    const contacts = rnd() < 0.5 ? 1 : 2
    for (let c = 0; c < contacts; c++) {
      const at = created + rnd() * (now - created)
      const birthday = rnd() < 0.5 ? `19${50 + Math.floor(rnd() * 50)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}` : null
      await push('contacts', {
        id: randomUUID(), customer_id: id, owner_id: owner, name: `联系人${i}-${c}`, birthday, birthday_md: birthday ? birthday.slice(5, 10) : null, birthday_calendar: birthday && rnd() < 0.1 ? 'lunar' : 'solar',
        birthday_leap_month: false, is_primary: c === 0, created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), version: 1,
      })
    }
    if (i % 5 === 0) {
      const at = created + rnd() * (now - created)
      const status = pick(['unassigned', 'assigned', 'assigned', 'assigned', 'won', 'lost'])
      await push('opportunities', {
        id: randomUUID(), code: `SJ-B-${String(i + 1).padStart(7, '0')}`, customer_id: id, customer_name: `基准客户${i + 1}有限公司`, probability: 30,
        summary: '设备采购', description: '—', expected_amount_cents: Math.round(rnd() * 1e8), stage_id: pick(stages), status,
        assigned_to: status === 'unassigned' ? null : owner, owner_id: status === 'unassigned' ? null : owner, created_by: owner,
        closed_at: status === 'won' || status === 'lost' ? new Date(at + 30 * DAY).toISOString() : null,
        created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), version: 1,
      })
    }
    if (i % 50 === 0) {
      const due = now + (rnd() - 0.7) * 10 * DAY
      await push('reminders', {
        id: randomUUID(), title: '回电', owner_id: owner, customer_id: id, due_at: new Date(due).toISOString(), fire_at: new Date(due).toISOString(),
        source: 'manual', repeat_rule: 'none', notify_ahead_minutes: 0, created_at: nowIso, updated_at: nowIso, version: 1,
      })
    }
    if (i % 2000 === 1999) await flushAll()
    if (i % 10000 === 9999) process.stdout.write(`\r${dialect}: ${i + 1} customers, ${interactions} interactions\x1b[K`)
  }
  await flushAll()
  process.stdout.write('\n')
}

/** 订单/回款/目标 as `crm demo` makes them (orders of every customer, payments, monthly targets), when there are none yet. */
async function ensureOrders(app: AppContext) {
  if (await app.db.knex('orders').first('id')) return false
  const out = { log: (l: string) => console.log(l), progress: (l: string) => process.stdout.write(`\r${l}\x1b[K`), endProgress: () => process.stdout.write('\n') }
  await fillOrders(app, makeRng(42), out)
  process.stdout.write('\n')
  return true
}

async function measure(dialect: 'sqlite' | 'postgres') {
  let db: DbConfig
  const dataDir = path.resolve(`out/bench-dash-${N}`)
  if (dialect === 'sqlite') {
    if (!REUSE) fs.rmSync(dataDir, { recursive: true, force: true })
    fs.mkdirSync(dataDir, { recursive: true })
    db = { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
  } else db = await benchPgConfig(PG_DB, REUSE)
  const app = await openApp({ db, dataDir })
  const k = app.db.knex
  let generated: number | null = null
  const t0 = performance.now()
  let changed = false
  if (Number((await k('customers').count({ n: '*' }).first())?.n ?? 0) < N) {
    await generate(app, dialect)
    changed = true
  }
  if (await ensureOrders(app)) changed = true
  if (changed) {
    if (dialect === 'postgres') await k.raw('vacuum analyze')
    else await k.raw('analyze')
    generated = (performance.now() - t0) / 1000
  }
  if (GENERATE_ONLY) {
    console.log(`${dialect}: data ready${generated === null ? '' : ` (generated in ${generated.toFixed(0)} s)`}`)
    await k.destroy()
    return
  }
  const sessions = new SessionStore()
  const as = async (login: string) => {
    const u = await k('users').where({ login }).first('id')
    sessions.set(login, u.id)
    return login
  }
  const [admin, sup, mgr] = [await as('bench_admin'), await as('sup0'), await as('mgr0')]
  const count = async (t: string) => Number((await k(t).count({ n: '*' }).first())?.n ?? 0)
  const sizes = {
    customers: await count('customers'), contacts: await count('contacts'), interactions: await count('interactions'), opportunities: await count('opportunities'),
    orders: await count('orders'), payments: await count('payments'), sales_targets: await count('sales_targets'),
  }
  const zone = { timeZone: 'Asia/Shanghai' }
  type Case = [name: string, who: string, input: Record<string, unknown>]
  const cases: Case[] = [
    ['overview, supervisor (team = all customers), 本月', sup, { scope: 'team', period: 'month' }],
    ['overview, supervisor, 本周', sup, { scope: 'team', period: 'week' }],
    ['overview, supervisor, 本季', sup, { scope: 'team', period: 'quarter' }],
    ['overview, supervisor, 本年', sup, { scope: 'team', period: 'year' }],
    ['overview, administrator (company), 本月', admin, { scope: 'all', period: 'month' }],
    ['overview, administrator, 本周', admin, { scope: 'all', period: 'week' }],
    ['overview, administrator, 本季', admin, { scope: 'all', period: 'quarter' }],
    ['overview, administrator, 本年', admin, { scope: 'all', period: 'year' }],
    ['overview, account manager (own), 本月', mgr, { scope: 'own', period: 'month' }],
    ...DASHBOARD_CARDS.map((c): Case => [`  card ${c} alone, supervisor, 本月`, sup, { scope: 'team', period: 'month', cards: [c] }]),
    ...DASHBOARD_CARDS.map((c): Case => [`  card ${c} alone, administrator (company), 本月`, admin, { scope: 'all', period: 'month', cards: [c] }]),
    ...(['briefing', 'funnel', 'performance'] as const).flatMap((c): Case[] => [
      [`  card ${c} alone, supervisor, 本年`, sup, { scope: 'team', period: 'year', cards: [c] }],
      [`  card ${c} alone, administrator (company), 本年`, admin, { scope: 'all', period: 'year', cards: [c] }],
    ]),
  ]
  const rows: string[] = []
  let worst = 0
  const server = () => (dialect === 'postgres' ? pgServerCpuMs(PG_DB) : 0)
  for (const [name, who, input] of cases) {
    const times: number[] = []
    const cpu: number[] = []
    const dbCpu: number[] = []
    for (let i = 0; i < RUNS + 2; i++) {
      const c0 = process.cpuUsage()
      const s0 = server()
      const t0 = performance.now()
      const r = await dispatch({ app, sessions }, 'dashboard', 'overview', { ...zone, ...input }, who)
      const dt = performance.now() - t0
      const c = process.cpuUsage(c0)
      const ds = server() - s0
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
      if (i >= 2) {
        times.push(dt)
        cpu.push((c.user + c.system) / 1000)
        dbCpu.push(ds)
      }
    }
    dbCpu.sort((a, b) => a - b)
    times.sort((a, b) => a - b)
    cpu.sort((a, b) => a - b)
    const med = times[Math.floor(times.length / 2)]!
    const max = times[times.length - 1]!
    if (!name.startsWith('  ')) worst = Math.max(worst, med)
    rows.push(`| ${name} | ${med.toFixed(1)} | ${max.toFixed(1)} | ${cpu[Math.floor(cpu.length / 2)]!.toFixed(1)} | ${dialect === 'postgres' ? dbCpu[Math.floor(dbCpu.length / 2)]!.toFixed(0) : '—'} | ${os.loadavg()[0]!.toFixed(1)} |`)
  }
  console.log(`\n### ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — ${Object.entries(sizes).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ')}`)
  if (generated !== null) console.log(`generated in ${generated.toFixed(0)} s`)
  console.log(`${RUNS} runs each after 2 warm-ups; machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`)
  console.log(`app CPU: this process (on SQLite all the work); server CPU: the PostgreSQL backends of ${PG_DB} (/proc, 10 ms ticks)`)
  console.log('| request | median ms | max ms | app CPU ms (median) | server CPU ms (median) | load (1 min) |')
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const r of rows) console.log(r)
  console.log(`\nslowest whole-page median: ${worst.toFixed(1)} ms (target: under 300 ms)`)
  await k.destroy()
}

for (const d of dialects) await measure(d)
