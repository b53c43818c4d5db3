// npm run bench:opportunities [-- --opportunities 100000] [--runs 20] [--dialect sqlite|postgres|both] [--reuse] [--pg-db crm_bench_opps]
// Builds a database with N demo opportunities (crm demo's generator: two years, every state,
// plans and results) and a sales staff of 5 teams × (1 supervisor + 10 account managers), then
// times the board and the 销售漏斗 as requests through dispatch() (zod, session, service, SQL)
// for an admin (all), a supervisor (team) and an account manager (own). SQLite always; PostgreSQL
// when CRM_TEST_PG_URL is set (a database crm_bench_opps, or --pg-db, on that server, dropped
// and rebuilt unless --reuse). Target: every request under 100 ms. Besides the wall time, the CPU time the
// app's own process spent (process.cpuUsage: JS and, for SQLite, the database engine) shows the
// work apart from waiting for a busy CPU or, for PostgreSQL, for the server.
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import { openApp } from '../../src-main/app/bootstrap'
import type { AppContext } from '../../src-main/modules/context'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { demoOpportunities } from '../../src-main/cli/demo-opportunities'
import type { DbConfig } from '../../src-main/db/config'
import { benchPgConfig } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('opportunities', '100000'))
const RUNS = Number(arg('runs', '20'))
const REUSE = process.argv.includes('--reuse')
const PG_URL = process.env.CRM_TEST_PG_URL ?? ''
const wanted = arg('dialect', PG_URL ? 'both' : 'sqlite')
const dialects = (wanted === 'both' ? ['sqlite', 'postgres'] : [wanted]) as Array<'sqlite' | 'postgres'>
process.env.CRM_QUIET = '1'
const quiet = { log: (l: string) => console.log(l), progress: (l: string) => process.stdout.write(`\r${l}\x1b[K`), endProgress: () => process.stdout.write('\n') }

async function prepare(dialect: 'sqlite' | 'postgres'): Promise<{ app: AppContext; generated: number | null }> {
  const dataDir = path.resolve(`out/bench-opps-${N}`)
  let db: DbConfig
  if (dialect === 'sqlite') {
    if (!REUSE) fs.rmSync(dataDir, { recursive: true, force: true })
    fs.mkdirSync(dataDir, { recursive: true })
    db = { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
  } else db = await benchPgConfig(arg('pg-db', 'crm_bench_opps'), REUSE)
  const app = await openApp({ db, dataDir })
  const k = app.db.knex
  const have = Number((await k('opportunities').count({ n: '*' }).first())?.n ?? 0)
  if (have >= N) return { app, generated: null }
  const t0 = performance.now()
  const roles = Object.fromEntries((await k('roles').select('id', 'code')).map((r: { id: string; code: string }) => [r.code, r.id]))
  await k.transaction(async (trx) => {
    await insertUser(app, trx, { login: 'bench_admin', name: '管理员', password: 'bench-pass-1', roleId: roles.admin })
    for (let t = 0; t < 5; t++) {
      const teamId = randomUUID()
      const now = new Date().toISOString()
      await trx('teams').insert({ id: teamId, name: `销售${t + 1}组`, created_at: now, updated_at: now, version: 0 })
      await insertUser(app, trx, { login: `sup${t}`, name: `主管${t}`, password: 'bench-pass-1', roleId: roles.supervisor, teamId })
      for (let m = 0; m < 10; m++) await insertUser(app, trx, { login: `mgr${t}_${m}`, name: `经理${t}-${m}`, password: 'bench-pass-1', roleId: roles.manager, teamId })
    }
  })
  await demoOpportunities(app, { count: N - have, seed: 42, reminders: false }, quiet)
  // the steady state autovacuum keeps (visibility map set: index-only scans) / SQLite's statistics
  if (dialect === 'postgres') await k.raw('vacuum analyze')
  else await k.raw('analyze')
  return { app, generated: (performance.now() - t0) / 1000 }
}

async function measure(dialect: 'sqlite' | 'postgres') {
  const { app, generated } = await prepare(dialect)
  const k = app.db.knex
  const sessions = new SessionStore()
  const as = async (login: string) => {
    const u = await k('users').where({ login }).first('id')
    sessions.set(login, u.id)
    return login
  }
  const [admin, sup, mgr] = [await as('bench_admin'), await as('sup0'), await as('mgr0_0')]
  const counts = Object.fromEntries(
    ((await k('opportunities').whereNull('deleted_at').groupBy('status').select('status').count({ n: '*' })) as Array<{ status: string; n: unknown }>).map((r) => [r.status, Number(r.n)]),
  )
  const steps = Number((await k('plan_steps').count({ n: '*' }).first())?.n ?? 0)
  const year = new Date().getFullYear()
  const thisYear = { from: new Date(year, 0, 1).toISOString(), to: new Date(year + 1, 0, 1).toISOString() }
  const sample = await k('opportunities').orderBy('code').offset(Math.floor(N / 2)).first('customer_name')
  const word = String(sample?.customer_name ?? '科技').slice(2, 4)

  const cases: Array<[string, string, string, Record<string, unknown>, (d: never) => string]> = [
    ['board, admin (all)', admin, 'board', {}, (d: { count: number }) => `${d.count.toLocaleString('en')} open`],
    ['board, supervisor (team)', sup, 'board', {}, (d: { count: number }) => `${d.count.toLocaleString('en')} open`],
    ['board, account manager (own)', mgr, 'board', {}, (d: { count: number }) => `${d.count.toLocaleString('en')} open`],
    [`board, admin, search "${word}"`, admin, 'board', { filter: { search: word } }, (d: { count: number }) => `${d.count.toLocaleString('en')} open`],
    ['funnel, admin, all time, by manager', admin, 'funnel', {}, (d: { total: number }) => `${d.total.toLocaleString('en')} opps`],
    ['funnel, admin, all time, by team', admin, 'funnel', { groupBy: 'team' }, (d: { total: number }) => `${d.total.toLocaleString('en')} opps`],
    ['funnel, admin, this year', admin, 'funnel', thisYear, (d: { total: number }) => `${d.total.toLocaleString('en')} opps`],
    ['funnel, supervisor (team), all time', sup, 'funnel', {}, (d: { total: number }) => `${d.total.toLocaleString('en')} opps`],
    ['funnel, account manager (own), all time', mgr, 'funnel', {}, (d: { total: number }) => `${d.total.toLocaleString('en')} opps`],
    ['list, admin, first page', admin, 'list', {}, (d: { total: number }) => `${d.total.toLocaleString('en')} rows`],
    [`list, admin, search "${word}"`, admin, 'list', { filter: { search: word } }, (d: { total: number }) => `${d.total.toLocaleString('en')} rows`],
    ['list, admin, page 1,000 of 20 (deep offset)', admin, 'list', { page: 1000 }, (d: { total: number }) => `${d.total.toLocaleString('en')} rows`],
    ['list, admin, page 4,000 of 20 (past the middle)', admin, 'list', { page: 4000 }, (d: { total: number }) => `${d.total.toLocaleString('en')} rows`],
    // other areas over the opportunities: 全局搜索 (its opportunities area through the search index) and 销售漏斗与业绩
    [`全局搜索 "${word}", admin`, admin, 'search.global', { term: word }, (d: { groups: Array<{ kind: string; items: unknown[] }> }) => `${d.groups.find((g) => g.kind === 'opportunity')?.items.length ?? 0} opp hits`],
    [`全局搜索 "${word}", account manager`, mgr, 'search.global', { term: word }, (d: { groups: Array<{ kind: string; items: unknown[] }> }) => `${d.groups.find((g) => g.kind === 'opportunity')?.items.length ?? 0} opp hits`],
    ['销售漏斗与业绩, admin, this year, by manager', admin, 'reports.pipeline', { period: 'year' }, () => 'report'],
    ['销售漏斗与业绩, admin, this year, by team', admin, 'reports.pipeline', { period: 'year', groupBy: 'team' }, () => 'report'],
    ['销售漏斗与业绩, supervisor (team), this year', sup, 'reports.pipeline', { period: 'year' }, () => 'report'],
  ]
  const rows: string[] = []
  let worst = 0
  for (const [name, who, call, input, describe] of cases) {
    const times: number[] = []
    const cpu: number[] = []
    let result = ''
    for (let i = 0; i < RUNS + 3; i++) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      const [area, fn] = call.includes('.') ? call.split('.') as [string, string] : ['opportunities', call]
      const r = await dispatch({ app, sessions }, area, fn, input, who)
      const dt = performance.now() - t0
      const c = process.cpuUsage(c0)
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`)
      result = describe(r.data as never)
      if (i >= 3) {
        times.push(dt)
        cpu.push((c.user + c.system) / 1000)
      }
    }
    times.sort((a, b) => a - b)
    cpu.sort((a, b) => a - b)
    const med = times[Math.floor(times.length / 2)]!
    const p95 = times[Math.ceil(times.length * 0.95) - 1]!
    const max = times[times.length - 1]!
    if (call === 'board' || call === 'funnel') worst = Math.max(worst, max)
    rows.push(`| ${name} | ${result} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${max.toFixed(1)} | ${cpu[Math.floor(cpu.length / 2)]!.toFixed(1)} |`)
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  console.log(`\n### ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — ${total.toLocaleString('en')} opportunities (${Object.entries(counts).map(([s, n]) => `${s} ${n.toLocaleString('en')}`).join(', ')}), ${steps.toLocaleString('en')} plan steps`)
  if (generated !== null) console.log(`generated in ${generated.toFixed(0)} s`)
  console.log(`${RUNS} runs each after 3 warm-ups; machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`)
  console.log('| request | result | median ms | p95 ms | max ms | app CPU ms (median) |')
  console.log('|---|---:|---:|---:|---:|---:|')
  for (const r of rows) console.log(r)
  console.log(`\nworst board/funnel request: ${worst.toFixed(1)} ms (target: under 100 ms)`)
  await k.destroy()
}

for (const d of dialects) await measure(d)
