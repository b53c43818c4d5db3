// npx tsx test/bench/reminders-bench.ts [--customers 100000] [--interactions 1000000] [--runs 20] [--data DIR] [--reuse]
// Generates a SQLite database with N customers (policies, orders), contacts with birthdays
// (some 农历), M interactions (last/next contact kept on the customers), promises and a sales
// staff in teams (bulk inserts with insertChunked) and runs the first evaluation; then, in a
// fresh process (no generator heap), times the reminder work in the main process: the steady
// state and incremental evaluations, due(), the reminder centre, 今日需联系客户, the customer
// timeline and the policy-overdue queries themselves. --reuse measures an existing data set.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import { insertChunked } from '../../src-main/db/dialect'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { contactPolicyCandidates, policyItems, purchasePolicyCandidates } from '../../src-main/modules/reminders/system-reminders.repository'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N = Number(arg('customers', '100000'))
const M = Number(arg('interactions', '1000000'))
const RUNS = Number(arg('runs', '20'))
const dataDir = path.resolve(arg('data', `out/bench-reminders-${N}`))
const DAY = 86_400_000
process.env.CRM_QUIET = '1'
const measure = process.argv.includes('--measure')
const statsFile = path.join(dataDir, 'bench-first-evaluation.json')

// a small deterministic PRNG so every run builds the same data set
let seed = 42
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
const expDays = (mean: number) => -Math.log(1 - rnd()) * mean
const pad = (n: number) => String(n).padStart(2, '0')
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`

if (!measure && !(process.argv.includes('--reuse') && fs.existsSync(statsFile))) await generate()
if (!measure) {
  // measure in a fresh process: the generator's heap and page cache churn would skew the timings
  const pass = process.argv.slice(2).filter((a) => a !== '--reuse')
  execFileSync('npx', ['tsx', fileURLToPath(import.meta.url), ...pass, '--data', dataDir, '--measure'], { stdio: 'inherit' })
  process.exit(0)
}

const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }, dataDir })
const k = app.db.knex
const now = Date.now()
const nowIso = new Date(now).toISOString()
const logins: Record<string, string> = {}
for (const [role, login] of [['admin', 'bench_admin'], ['supervisor', 'sup0'], ['manager', 'mgr0_0']]) logins[role] = (await k('users').where({ login }).first('id')).id
const channels = (await k('dict_items').where({ type_code: 'interaction_channel' }).select('id')).map((r: { id: string }) => r.id)
const { first, genSeconds, interactionCount, contactCount } = JSON.parse(fs.readFileSync(statsFile, 'utf8'))
await evaluateReminders(app) // an incremental run first: the state any later run starts from

async function generate() {
  fs.rmSync(dataDir, { recursive: true, force: true })
  const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }, dataDir })
  const k = app.db.knex
  await k('app_settings').insert({ key: 'reminders.timeZone', value: 'Asia/Shanghai', updated_at: new Date().toISOString() })
  const now = Date.now()
  const nowIso = new Date(now).toISOString()

  // ---- staff: 5 teams × (1 supervisor + 10 account managers) -----------------------------------
  const t0 = performance.now()
  const roles = Object.fromEntries((await k('roles').select('id', 'code')).map((r: { id: string; code: string }) => [r.code, r.id]))
  const managers: string[] = []
  const logins: Record<string, string> = {}
  const teams: string[] = []
  await k.transaction(async (trx) => {
    logins.admin = await insertUser(app, trx, { login: 'bench_admin', name: '管理员', password: 'bench-pass-1', roleId: roles.admin })
    for (let t = 0; t < 5; t++) {
      const teamId = randomUUID()
      teams.push(teamId)
      await trx('teams').insert({ id: teamId, name: `销售${t + 1}组`, created_at: nowIso, updated_at: nowIso, version: 0 })
      const sup = await insertUser(app, trx, { login: `sup${t}`, name: `主管${t}`, password: 'bench-pass-1', roleId: roles.supervisor, teamId })
      if (t === 0) logins.supervisor = sup
      for (let m = 0; m < 10; m++) {
        const id = await insertUser(app, trx, { login: `mgr${t}_${m}`, name: `经理${t}-${m}`, password: 'bench-pass-1', roleId: roles.manager, teamId })
        managers.push(id)
        if (t === 0 && m === 0) logins.manager = id
      }
    }
  })

  const dict = async (type: string) => (await k('dict_items').where({ type_code: type }).select('id')).map((r: { id: string }) => r.id)
  const contactPolicies = await dict('contact_policy')
  const purchasePolicies = await dict('purchase_policy')
  const channels = await dict('interaction_channel')

  // ---- customers, interactions, contacts, promises ------------------------------------------------------
  type Row = Record<string, unknown>
  async function flush(table: string, rows: Row[]) {
    if (!rows.length) return
    await k.transaction((trx) => insertChunked(trx as Knex, 'sqlite', table, rows))
    rows.length = 0
  }
  const customers: Row[] = []
  const interactions: Row[] = []
  const contacts: Row[] = []
  const promises: Row[] = []
  let interactionCount = 0
  let contactCount = 0
  let promiseCount = 0
  let followUps = 0
  for (let i = 0; i < N; i++) {
    const id = randomUUID()
    const owner = pick(managers)
    const created = now - (30 + rnd() * 1000) * DAY
    // interactions of this customer: the rest of M spread evenly, the latest about 20 days ago on average
    const n = Math.max(0, Math.round(((M - interactionCount) / (N - i)) * (0.5 + rnd())))
    const dates: number[] = []
    let latest = now - expDays(20) * DAY
    for (let j = 0; j < n; j++) {
      dates.push(Math.max(created, latest))
      latest -= expDays(40) * DAY
    }
    let next: string | null = null
    dates.forEach((at, j) => {
      const follow = j === 0 && rnd() < 0.3 ? new Date(at + (1 + rnd() * 20) * DAY).toISOString() : null
      if (follow) {
        followUps++
        if (!next || follow < next) next = follow
      }
      const iid = randomUUID()
      interactions.push({
        id: iid, customer_id: id, owner_id: owner, created_by: owner, kind: rnd() < 0.2 ? 'visit' : 'record', channel_id: pick(channels),
        occurred_at: new Date(at).toISOString(), subject: `第${j + 1}次联系：${pick(['报价', '回访', '催款', '技术交流', '合同', '送样'])}`,
        detail: rnd() < 0.5 ? '客户对新产品有兴趣，需要进一步报价。' : null, next_follow_up_at: follow,
        created_at: new Date(at).toISOString(), updated_at: new Date(at).toISOString(), version: 1,
      })
      if (j === 0 && rnd() < 0.1) {
        promises.push({
          id: randomUUID(), interaction_id: iid, customer_id: id, owner_id: owner, content: '承诺发送报价单',
          due_date: ymd(new Date(at + (rnd() * 30 - 10) * DAY)), kept_at: rnd() < 0.6 ? nowIso : null, created_at: nowIso, updated_at: nowIso, version: 1,
        })
        promiseCount++
      }
    })
    interactionCount += n
    const ordered = rnd() < 0.6
    customers.push({
      id, code: `KH-B-${String(i + 1).padStart(7, '0')}`, name: `${pick(['广州', '深圳', '上海', '北京', '成都', '武汉'])}${pick(['华', '新', '创', '恒', '盛'])}${pick(['科技', '贸易', '实业', '电子'])}有限公司${i}`,
      customer_type: 'company', status: 'normal', owner_id: owner, created_at: new Date(created).toISOString(), updated_at: nowIso, version: 1,
      contact_policy_id: rnd() < 0.7 ? pick(contactPolicies) : null, purchase_policy_id: rnd() < 0.5 ? pick(purchasePolicies) : null,
      last_order_date: ordered ? ymd(new Date(now - expDays(60) * DAY)) : null, order_count: ordered ? 1 : 0,
      last_contact_at: dates.length ? new Date(dates[0]).toISOString() : null, next_contact_at: next,
    })
    const nc = rnd() < 0.5 ? 1 : 2
    for (let c = 0; c < nc; c++) {
      const lunar = rnd() < 0.1
      const birthday = rnd() < 0.6 ? `${1960 + Math.floor(rnd() * 40)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * (lunar ? 29 : 28)))}` : null
      contacts.push({
        id: randomUUID(), customer_id: id, owner_id: owner, name: `联系人${i}-${c}`, is_primary: c === 0, created_at: nowIso, updated_at: nowIso, version: 1,
        birthday, birthday_md: birthday ? birthday.slice(5, 10) : null, birthday_calendar: lunar ? 'lunar' : 'solar', birthday_leap_month: false,
      })
      contactCount++
    }
    if (customers.length >= 5000) {
      await flush('customers', customers)
      await flush('contacts', contacts)
      await flush('interactions', interactions)
      await flush('interaction_promises', promises)
      process.stdout.write(`\rgenerating … ${i + 1} customers, ${interactionCount} interactions`)
    }
  }
  await flush('customers', customers)
  await flush('contacts', contacts)
  await flush('interactions', interactions)
  await flush('interaction_promises', promises)
  const genSeconds = (performance.now() - t0) / 1000
  console.log(`\rgenerated ${N.toLocaleString('en')} customers, ${interactionCount.toLocaleString('en')} interactions, ${contactCount.toLocaleString('en')} contacts, ${promiseCount.toLocaleString('en')} promises in ${genSeconds.toFixed(0)} s`)
  void followUps
  const first = await evaluateReminders(app)
  console.log(`first evaluation: ${first.ms.toFixed(0)} ms, created ${first.created.toLocaleString('en')} reminders`)
  fs.writeFileSync(statsFile, JSON.stringify({ first, genSeconds, interactionCount, contactCount }))
  await k.destroy()
}

// ---- timings ----------------------------------------------------------------------------------------------------
const rows: string[] = []
let worst = 0
async function time(name: string, fn: () => Promise<string>, runs = RUNS, count = true) {
  const times: number[] = []
  let info = ''
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now()
    info = await fn()
    if (i >= 3) times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const med = times[Math.floor(times.length / 2)]
  const p95 = times[Math.max(0, Math.ceil(times.length * 0.95) - 1)]
  const max = times[times.length - 1]
  if (count) worst = Math.max(worst, max)
  rows.push(`| ${name} | ${info} | ${med.toFixed(1)} | ${p95.toFixed(1)} | ${max.toFixed(1)} |`)
}

const reminderCount = Number((await k('reminders').count({ n: '*' }).first())!.n)

const sessions = new SessionStore()
sessions.set('admin', logins.admin)
sessions.set('manager', logins.manager)
sessions.set('supervisor', logins.supervisor)
const call = async (who: string, area: string, name: string, input: unknown) => {
  const r = await dispatch({ app, sessions }, area, name, input, who)
  if (!r.ok) throw new Error(`${area}.${name}: ${r.error.code} ${r.error.message}`)
  return r.data as Record<string, unknown> & { total?: number }
}

await time('evaluate(), steady state (nothing changed)', async () => {
  const r = await evaluateReminders(app)
  if (r.created + r.updated + r.closed + r.retracted + r.revived) throw new Error(`not idempotent: ${JSON.stringify(r)}`)
  return 'no writes'
})
await time('evaluate({ full: true }), as at start (nothing to do)', async () => {
  const r = await evaluateReminders(app, { full: true })
  if (r.created + r.updated + r.closed + r.retracted + r.revived) throw new Error(`not idempotent: ${JSON.stringify(r)}`)
  return 'no writes'
}, 5, false)
// an hour of other writes: 300 customers and 100 contacts edited (new versions), then the hourly run
const sample = (await k('customers').orderBy('code').select('id')).map((r: { id: string }) => r.id)
const contactSample = (await k('contacts').orderBy('id').limit(5000).select('id')).map((r: { id: string }) => r.id)
{
  const times: number[] = []
  for (let run = 0; run < RUNS; run++) {
    await k.transaction(async (trx) => {
      await trx('sync_version').where({ id: 1 }).increment('version', 1)
      const v = Number((await trx('sync_version').where({ id: 1 }).first('version')).version)
      for (let i = 0; i < 300; i++) await trx('customers').where({ id: pick(sample) }).update({ version: v, updated_at: nowIso })
      for (let i = 0; i < 100; i++) await trx('contacts').where({ id: pick(contactSample) }).update({ version: v, updated_at: nowIso })
    })
    const t = performance.now()
    await evaluateReminders(app)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const max = times[times.length - 1]
  worst = Math.max(worst, max)
  rows.push(`| evaluate(), hourly after 300 customer + 100 contact edits | incremental | ${times[Math.floor(times.length / 2)].toFixed(1)} | ${times[Math.max(0, Math.ceil(times.length * 0.95) - 1)].toFixed(1)} | ${max.toFixed(1)} |`)
}
const policies = await policyItems(k, 'contact_policy')
const endOfToday = new Date(now + DAY)
await time('contact-policy overdue customers without a reminder (SQL, all policies)', async () => {
  let n = 0
  for (const p of policies) n += (await contactPolicyCandidates(k, String(p.id), new Date(endOfToday.getTime() - Number(p.cycle_days) * DAY).toISOString(), null)).length
  return `${n} rows`
})
const buy = await policyItems(k, 'purchase_policy')
await time('purchase-policy overdue customers without a reminder (SQL, all policies)', async () => {
  let n = 0
  for (const p of buy) n += (await purchasePolicyCandidates(k, String(p.id), ymd(new Date(now - Number(p.cycle_days) * DAY)), null)).length
  return `${n} rows`
})
await time(`今日需联系客户, admin (all ${N.toLocaleString('en')}), first page + count`, async () => `${(await call('admin', 'reminders', 'customersToContact', {})).total} customers`)
await time('今日需联系客户, manager (own)', async () => `${(await call('manager', 'reminders', 'customersToContact', {})).total} customers`)
{
  // the first calls deliver what fell due before (100 per call): time that once, then the steady state
  const t = performance.now()
  let delivered = 0
  for (let n = -1; n !== 0; delivered += n) n = ((await call('manager', 'reminders', 'due', {})) as unknown as { items: unknown[] }).items.length
  rows.push(`| due() for a manager, first calls: deliver all that fell due | ${delivered} delivered | ${(performance.now() - t).toFixed(1)} (total) | | |`)
}
await time('due() for a manager (nothing new to notify)', async () => {
  const r = ((await call('manager', 'reminders', 'due', {})) as unknown as { items: unknown[] }).items
  return `${r.length} due`
})
await time('reminder centre, manager', async () => {
  const c = (await call('manager', 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })) as { counts: Record<string, number> }
  return `overdue ${c.counts.overdue}, today ${c.counts.today}, upcoming ${c.counts.upcoming}`
})
await time('reminder centre, supervisor (+ team overdue follow-ups)', async () => {
  const c = (await call('supervisor', 'reminders', 'centre', { timeZone: 'Asia/Shanghai' })) as { teamOverdueCount: number }
  return `team overdue ${c.teamOverdueCount}`
})
await time('sidebar badge, manager', async () => `badge ${(await call('manager', 'reminders', 'badge', { timeZone: 'Asia/Shanghai' })).badge}`)
const someCustomer = (await k('customers').where({ owner_id: logins.manager }).orderBy('id').first('id')).id
await time('customer timeline (listByCustomer, first page)', async () => `${(await call('manager', 'interactions', 'listByCustomer', { customerId: someCustomer })).total} records`)
await time('card summary (last/next contact, policy, promises)', async () => {
  await call('manager', 'interactions', 'summary', { customerId: someCustomer })
  return '1 customer'
})
await time('search records, manager, text "报价" + last 30 days', async () => {
  const r = await call('manager', 'interactions', 'search', { text: '报价', from: new Date(now - 30 * DAY).toISOString() })
  return `${r.total} records`
}, RUNS, false)
await time(`search records, admin, text "催款" (all ${interactionCount.toLocaleString('en')})`, async () => `${(await call('admin', 'interactions', 'search', { text: '催款' })).total} records`, 5, false)
let seq = 0
await time('create an interaction (+ follow-up, customer facts, the customer\'s reminders)', async () => {
  await call('manager', 'interactions', 'create', {
    customerId: someCustomer, channelId: channels[0], occurredAt: new Date(now - 1000 * ++seq).toISOString(), subject: '基准测试记录',
    nextFollowUpAt: new Date(now + 3 * DAY).toISOString(), promises: [{ content: '发送资料', dueDate: ymd(new Date(now + 2 * DAY)) }],
  })
  return 'one write'
}, RUNS, false)

const size = fs.statSync(path.join(dataDir, 'crm.sqlite')).size
console.log(`\nReminders in the main process — ${N.toLocaleString('en')} customers, ${interactionCount.toLocaleString('en')} interactions, ${contactCount.toLocaleString('en')} contacts, ${reminderCount.toLocaleString('en')} reminders, SQLite ${(size / 2 ** 20).toFixed(0)} MiB, ${RUNS} runs each after 3 warm-ups`)
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`)
console.log(`data set generated in ${Number(genSeconds).toFixed(0)} s; first evaluation (creates every due reminder once): ${first.ms.toFixed(0)} ms, ${first.created.toLocaleString('en')} reminders\n`)
console.log('| request | result | median ms | p95 ms | max ms |')
console.log('|---|---:|---:|---:|---:|')
for (const r of rows) console.log(r)
console.log(`\nworst finding/evaluation request: ${worst.toFixed(1)} ms (target: under 200 ms)`)
await k.destroy()
