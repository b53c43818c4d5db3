// npm run bench:pool -- [--db sqlite|postgres] [--customers 100000] [--runs 5]
// The 公海 rule job over N customers (SQLite file, or a fresh PostgreSQL database on
// CRM_TEST_PG_URL). Generates 50 account managers in 5 teams and N customers with contacts, one
// interaction each and 20 % with a manual reminder; last contacts spread exponentially (mean 30
// days, 5 % never), last orders (mean 45 days, 10 % never); rules: 90 days without follow-up,
// 180 days without an order, 公海预警 7 days before. Then times evaluatePool():
//   catch-up   the first run after the rules were switched on long ago (every due customer)
//   next day   the clock one day on: that day's returns and warnings (the steady daily work)
//   no change  again at once: nothing due, warnings unchanged
// Each timed run is a fresh state (the data set is rebuilt per kind of run) except "no change".
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import knexFactory from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import { AdjustableClock } from '../../src-main/db/clock'
import { insertChunked } from '../../src-main/db/dialect'
import { customerKeyColumns, phoneKey } from '../../src-main/db/name-keys'
import type { AppContext } from '../../src-main/modules/context'
import { evaluatePool } from '../../src-main/modules/pool/pool.service'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const DIALECT = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const N = Number(arg('customers', '100000'))
const RUNS = Number(arg('runs', '5'))
const DAY = 86_400_000
const NOW = Date.parse('2026-06-01T02:00:00.000Z')
process.env.CRM_QUIET = '1'

let seed = 42
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const expDays = (mean: number) => -Math.log(1 - rnd()) * mean
const iso = (ms: number) => new Date(ms).toISOString()

async function openBench(): Promise<{ app: AppContext; clock: AdjustableClock; close: () => Promise<void> }> {
  const clock = new AdjustableClock()
  clock.setNow(new Date(NOW))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-pool-bench-'))
  if (DIALECT === 'postgres') {
    const url = process.env.CRM_TEST_PG_URL
    if (!url) throw new Error('set CRM_TEST_PG_URL for --db postgres')
    const name = 'crm_pool_bench_' + randomBytes(4).toString('hex')
    const admin = knexFactory({ client: 'pg', connection: url })
    await admin.raw(`create database ${name}`)
    const u = new URL(url)
    u.pathname = '/' + name
    const app = await openApp({ db: { dialect: 'postgres', url: u.toString() }, dataDir: dir, clock })
    return {
      app, clock,
      close: async () => {
        await app.db.knex.destroy()
        await admin.raw(`drop database if exists ${name} with (force)`)
        await admin.destroy()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') }, dataDir: dir, clock })
  return { app, clock, close: async () => { await app.db.knex.destroy(); fs.rmSync(dir, { recursive: true, force: true }) } }
}

async function generate(app: AppContext) {
  seed = 42
  const k = app.db.knex
  const d = app.db.dialect
  const t0 = performance.now()
  const managerRole = (await k('roles').where({ code: 'manager' }).first('id')).id
  const managers: string[] = []
  const stamp = { created_at: iso(NOW - 800 * DAY), updated_at: iso(NOW - 800 * DAY), version: 1 }
  const teams = Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), name: `销售${i + 1}组`, ...stamp }))
  await insertChunked(k, d, 'teams', teams)
  const users: Array<Record<string, unknown>> = []
  for (let i = 0; i < 50; i++) {
    const id = randomUUID()
    managers.push(id)
    users.push({ id, login: `mgr${i}`, name: `经理${i}`, password_hash: 'x', role_id: managerRole, team_id: teams[i % 5].id, disabled: false, failed_logins: 0, ...stamp })
  }
  await insertChunked(k, d, 'users', users)
  const TRADE = '星河蓝海华为金鼎宏图恒信天诚远航博达嘉禾中科新锐汇通鼎盛'
  for (let done = 0; done < N; done += 5000) {
    const customers: Array<Record<string, unknown>> = []
    const contacts: Array<Record<string, unknown>> = []
    const interactions: Array<Record<string, unknown>> = []
    const reminders: Array<Record<string, unknown>> = []
    for (let i = done; i < Math.min(N, done + 5000); i++) {
      const id = randomUUID()
      const owner = managers[Math.floor(rnd() * managers.length)]
      const created = NOW - (100 + Math.floor(rnd() * 600)) * DAY
      const lastContact = rnd() < 0.05 ? null : NOW - Math.min(expDays(30), 700) * DAY
      const lastOrder = rnd() < 0.1 ? null : iso(NOW - Math.min(expDays(45), 700) * DAY).slice(0, 10)
      const name = `${TRADE[i % TRADE.length]}${TRADE[(i * 7) % TRADE.length]}科技${i}号有限公司`
      const phone = `0755-${String(20000000 + i)}`
      customers.push({
        id, code: `KH-B-${String(i).padStart(7, '0')}`, name, owner_id: owner, customer_type: 'company', status: 'normal', order_count: 0,
        phone, last_contact_at: lastContact === null ? null : iso(lastContact), last_order_date: lastOrder, owner_since: iso(created),
        created_at: iso(created), updated_at: iso(created), version: 1, ...customerKeyColumns({ name, phone }),
      })
      const mobile = `139${String(10000000 + i).padStart(8, '0')}`
      contacts.push({ id: randomUUID(), customer_id: id, owner_id: owner, name: '联系人', mobile, mobile_key: phoneKey(mobile), is_primary: true, created_at: iso(created), updated_at: iso(created), version: 1 })
      interactions.push({
        id: randomUUID(), customer_id: id, owner_id: owner, kind: 'record', occurred_at: iso(lastContact ?? created), subject: '电话沟通', created_by: owner,
        created_at: iso(created), updated_at: iso(created), version: 1,
      })
      if (rnd() < 0.2) {
        const due = iso(NOW + Math.floor(rnd() * 30) * DAY)
        reminders.push({
          id: randomUUID(), owner_id: owner, title: '回访', customer_id: id, due_at: due, fire_at: due, repeat_rule: 'none', notify_ahead_minutes: 0,
          source: 'manual', created_at: iso(created), updated_at: iso(created), version: 1,
        })
      }
    }
    await k.transaction(async (trx) => {
      await insertChunked(trx, d, 'customers', customers)
      await insertChunked(trx, d, 'contacts', contacts)
      await insertChunked(trx, d, 'interactions', interactions)
      await insertChunked(trx, d, 'reminders', reminders)
    })
  }
  if (d === 'postgres') for (const t of ['customers', 'contacts', 'interactions', 'reminders', 'users']) await k.raw(`analyze ${t}`)
  // the rules, switched on long ago (so every customer is judged by its own dates)
  await k('app_settings').insert({
    key: 'pool.rules', updated_at: iso(NOW),
    value: JSON.stringify({ noFollowUpDays: 90, noOrderDays: 180, warnDays: 7, reclaimDays: 30, maxOwned: null, noFollowUpSince: iso(NOW - 1000 * DAY), noOrderSince: iso(NOW - 1000 * DAY) }),
  })
  return (performance.now() - t0) / 1000
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const rows: string[] = []
const report = (what: string, r: { returned: number; warned: number; withdrawn: number }, ms: number[], cpu: number[]) =>
  rows.push(`| ${what} | ${r.returned} | ${r.warned} | ${r.withdrawn} | ${median(ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)} | ${median(cpu).toFixed(0)} |`)
/** One rule run, with the CPU time this process spent on it (on a loaded machine wall time mostly measures the wait for a core). */
const timed = async (app: AppContext, cpu: number[]) => {
  const c0 = process.cpuUsage()
  const r = await evaluatePool(app)
  const c = process.cpuUsage(c0)
  cpu.push((c.user + c.system) / 1000)
  return r
}
const loads: number[] = []

// catch-up and next-day runs each need the data set as it was: rebuilt per measured run
const catchUp: number[] = []
const nextDay: number[] = []
const noChange: number[] = []
const cpu = { catchUp: [] as number[], nextDay: [] as number[], noChange: [] as number[] }
let last = { catchUp: { returned: 0, warned: 0, withdrawn: 0 }, nextDay: { returned: 0, warned: 0, withdrawn: 0 }, noChange: { returned: 0, warned: 0, withdrawn: 0 } }
let genSeconds = 0
const runs = Math.max(1, RUNS)
for (let i = 0; i < runs; i++) {
  const b = await openBench()
  genSeconds = await generate(b.app)
  loads.push(os.loadavg()[0]!)
  let r = await timed(b.app, cpu.catchUp)
  catchUp.push(r.ms)
  last.catchUp = r
  b.clock.setNow(new Date(NOW + DAY))
  r = await timed(b.app, cpu.nextDay)
  nextDay.push(r.ms)
  last.nextDay = r
  r = await timed(b.app, cpu.noChange)
  noChange.push(r.ms)
  loads.push(os.loadavg()[0]!)
  last.noChange = r
  await b.close()
  process.stderr.write(`run ${i + 1}/${runs}: catch-up ${catchUp.at(-1)} ms, next day ${nextDay.at(-1)} ms, no change ${noChange.at(-1)} ms\n`)
}
report('catch-up: first run after the rules (every due customer)', last.catchUp, catchUp, cpu.catchUp)
report('next day: that day’s returns and warnings', last.nextDay, nextDay, cpu.nextDay)
report('no change: again at once', last.noChange, noChange, cpu.noChange)
console.log(`\n${DIALECT}, ${N.toLocaleString('en')} customers (generated in ${genSeconds.toFixed(1)} s), ${runs} runs each; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the runs\n`)
console.log('| run | returned | warnings made | warnings withdrawn | median ms | max ms | median CPU ms (this process) |')
console.log('|---|---:|---:|---:|---:|---:|---:|')
for (const r of rows) console.log(r)
