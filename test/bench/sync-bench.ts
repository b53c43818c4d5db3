// npm run bench:sync -- [--db sqlite|postgres] [--customers 10000] [--records 10] [--pull 100000] [--push 10000] [--only push]
//   [--pg-prefix crm_sync_bench_]
// Offline sync figures of issue 12 on a SQLite file or a fresh PostgreSQL central (CRM_TEST_PG_URL):
//   first fill   a new client pulls a rep's cache: --customers customers, 1.5 contacts each, and a
//                year of records (--records interactions a customer, spread over the last 365 days)
//   no change    a sync with nothing queued and nothing changed (median of 5)
//   pull         --pull rows changed centrally since the client's cursor (interactions edited in
//                bulk writes of 1,000), pulled by that client
//   push         --push offline interactions queued in the client, pushed through the services; with
//                the longest and median time a push transaction held the central version row
// --only push skips the no-change and pull figures (the first fill is needed to fill the cache).
// Each beside a plain batched copy of the same rows measured in the same run (select + chunked
// insert into a fresh SQLite file; chunked insert of the pushed rows into the central database).
// The machine is shared: every figure prints the load average and this process's CPU time (user +
// system; on SQLite that is all the work, on PostgreSQL the server's share shows only in the wall).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import knexFactory from 'knex'
import { openApp } from '../../src-main/app/bootstrap'
import { openDb } from '../../src-main/db/connection'
import { migrateLatest } from '../../src-main/db/migrate'
import { insertChunked } from '../../src-main/db/dialect'
import { nextVersion } from '../../src-main/db/tx'
import { insertUser } from '../../src-main/modules/auth/auth.service'
import { SyncClient } from '../../src-main/modules/sync/sync.client'
import type { AppContext } from '../../src-main/modules/context'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const DIALECT = arg('db', 'sqlite') as 'sqlite' | 'postgres'
const CUSTOMERS = Number(arg('customers', '10000'))
const PULL = Number(arg('pull', '100000'))
const PUSH = Number(arg('push', '10000'))
const RECORDS = Number(arg('records', '10'))
const ONLY = arg('only', '')
const PG_PREFIX = arg('pg-prefix', 'crm_sync_bench_')
process.env.CRM_QUIET = '1'
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ')
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** Wall and process CPU of one measured step. */
async function timed<T>(fn: () => Promise<T>): Promise<{ out: T; ms: number; cpuMs: number }> {
  const c = process.cpuUsage()
  const t = performance.now()
  const out = await fn()
  const u = process.cpuUsage(c)
  return { out, ms: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }
}
const fig = (x: { ms: number; cpuMs: number }) => `${secs(x.ms)} (CPU ${secs(x.cpuMs)})`
const ratio = (a: { ms: number; cpuMs: number }, b: { ms: number; cpuMs: number }) => `ratio wall ${(a.ms / b.ms).toFixed(1)}, CPU ${(a.cpuMs / b.cpuMs).toFixed(1)}`

async function openCentral(dir: string): Promise<{ app: AppContext; size: () => Promise<number>; close: () => Promise<void> }> {
  if (DIALECT === 'postgres') {
    const url = process.env.CRM_TEST_PG_URL
    if (!url) throw new Error('set CRM_TEST_PG_URL for --db postgres')
    const name = PG_PREFIX + randomBytes(4).toString('hex')
    const admin = knexFactory({ client: 'pg', connection: url })
    await admin.raw(`create database ${name}`)
    const u = new URL(url)
    u.pathname = '/' + name
    const app = await openApp({ db: { dialect: 'postgres', url: u.toString() }, dataDir: dir })
    const size = async () => Number((await admin.raw('select pg_database_size(?) as n', [name])).rows[0].n)
    return { app, size, close: async () => { await app.db.knex.destroy(); await admin.raw(`drop database if exists ${name} with (force)`); await admin.destroy() } }
  }
  const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'central.sqlite') }, dataDir: dir })
  const size = async () => ['', '-wal'].map((x) => path.join(dir, 'central.sqlite' + x)).filter((f) => fs.existsSync(f)).reduce((n, f) => n + fs.statSync(f).size, 0)
  return { app, size, close: () => app.db.knex.destroy() }
}

/** Select the given rows and insert them in chunks into a fresh SQLite file (the plain copy). */
async function plainCopy(k: AppContext['db']['knex'], dir: string, name: string, reads: Array<[string, (q: ReturnType<AppContext['db']['knex']>) => unknown]>) {
  const copy = openDb({ dialect: 'sqlite', file: path.join(dir, `${name}.sqlite`) }, { foreignKeys: false })
  await migrateLatest(copy)
  const r = await timed(async () => {
    let n = 0
    for (const [table, where] of reads) {
      const q = k(table).select('*')
      where(q)
      const rows = (await q) as Record<string, unknown>[]
      n += rows.length
      await copy.knex.transaction((trx) => insertChunked(trx, 'sqlite', table, rows))
    }
    return n
  })
  await copy.knex.destroy()
  return r
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sync-bench-'))
  const { app, size, close } = await openCentral(dir)
  const k = app.db.knex
  try {
    const role = await k('roles').where({ code: 'manager' }).first('id')
    const userId = await k.transaction((trx) => insertUser(app, trx, { login: 'benchrep', name: '外勤', password: 'bench-pass-1', roleId: role.id, teamId: null }))
    const channel = (await k('dict_items').where({ type_code: 'interaction_channel' }).first('id')).id
    const customers: string[] = []
    const interactions: string[] = []
    const t0 = Date.now()
    const yearAgo = Date.now() - 365 * 86_400_000
    // 100 customers a transaction: each with 1 or 2 contacts and 10 records over the last year
    for (let c = 0; c < CUSTOMERS; c += 100) {
      await k.transaction(async (trx) => {
        const v = await nextVersion(trx)
        const now = new Date().toISOString()
        const cust: Record<string, unknown>[] = []
        const cts: Record<string, unknown>[] = []
        const ints: Record<string, unknown>[] = []
        for (let i = c; i < Math.min(CUSTOMERS, c + 100); i++) {
          const id = randomUUID()
          customers.push(id)
          cust.push({ id, code: `KH-B-${i + 1}`, name: `基准客户${i + 1}号有限公司`, owner_id: userId, customer_type: 'company', status: 'normal', order_count: 0, created_at: now, updated_at: now, version: v })
          for (let j = 0; j < 1 + (i % 2); j++) {
            cts.push({ id: randomUUID(), customer_id: id, owner_id: userId, name: `联系人${i}-${j}`, mobile: `138${String(i * 2 + j).padStart(8, '0')}`, created_at: now, updated_at: now, version: v })
          }
          for (let j = 0; j < RECORDS; j++) {
            const iid = randomUUID()
            interactions.push(iid)
            const at = new Date(yearAgo + ((i * RECORDS + j) % 365) * 86_400_000).toISOString()
            ints.push({ id: iid, customer_id: id, owner_id: userId, kind: 'record', channel_id: channel, occurred_at: at, subject: `拜访记录${i}-${j}`, detail: '客户对新品感兴趣，约下周再谈。', created_by: userId, created_at: now, updated_at: now, version: v })
          }
        }
        await insertChunked(trx, DIALECT, 'customers', cust)
        await insertChunked(trx, DIALECT, 'contacts', cts)
        await insertChunked(trx, DIALECT, 'interactions', ints)
      })
    }
    const nContacts = Number((await k('contacts').count({ n: '*' }).first())!.n)
    const mb = async () => `${((await size()) / 1048576).toFixed(1)} MB`
    console.log(`central ${DIALECT}: ${CUSTOMERS} customers, ${nContacts} contacts, ${interactions.length} interactions loaded in ${secs(Date.now() - t0)} (${await mb()})`)

    // first fill
    const client = await SyncClient.open(path.join(dir, 'client'))
    const fill = await timed(() => client.sync(app, { login: 'benchrep' }))
    const mine = (q: ReturnType<typeof k>) => q.where({ owner_id: userId })
    const fillCopy = await plainCopy(k, dir, 'copy-fill', [['customers', mine], ['contacts', mine], ['interactions', mine]])
    console.log(`first fill   ${fill.out.pulled} rows in ${fill.out.pages} pages: ${fig(fill)}; plain copy of ${fillCopy.out} rows ${fig(fillCopy)}; ${ratio(fill, fillCopy)}  (load ${load()})`)

    if (ONLY !== 'push') {
    // no-change round trip
    const runs: Array<{ ms: number; cpuMs: number }> = []
    for (let i = 0; i < 5; i++) runs.push(await timed(() => client.sync(app)))
    runs.sort((a, b) => a.ms - b.ms)
    console.log(`no change    median ${runs[2].ms.toFixed(0)} ms (CPU ${runs[2].cpuMs.toFixed(0)} ms; runs ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms)  (load ${load()})`)

    // rows changed centrally since the client's cursor: interactions edited in bulk writes of 1,000
    const since = Number((await k('sync_version').where({ id: 1 }).first('version')).version)
    const changed = interactions.slice(0, Math.min(PULL, interactions.length))
    for (let i = 0; i < changed.length; i += 1000) {
      await k.transaction(async (trx) => {
        const v = await nextVersion(trx)
        const ids = changed.slice(i, i + 1000)
        for (let j = 0; j < ids.length; j += 500) {
          await trx('interactions').whereIn('id', ids.slice(j, j + 500)).update({ outcome: '已报价，等待回复', updated_at: new Date().toISOString(), version: v })
        }
      })
    }
    const pull = await timed(() => client.sync(app))
    const pullCopy = await plainCopy(k, dir, 'copy-pull', [['interactions', (q) => mine(q).where('version', '>', since)]])
    console.log(`pull         ${pull.out.pulled} changed rows in ${pull.out.pages} pages: ${fig(pull)}; plain copy of ${pullCopy.out} rows ${fig(pullCopy)}; ${ratio(pull, pullCopy)}  (load ${load()})`)
    }

    // push
    const write = await timed(async () => {
      for (let i = 0; i < PUSH; i++) {
        await client.write('interactions.create', { customerId: customers[i % customers.length], channelId: channel, occurredAt: '2026-01-05T10:00:00+08:00', subject: `离线记录${i}`, promises: [] })
      }
    })
    const holds: number[] = []
    let worst = { ms: 0, mutations: 0, parts: { lockMs: 0, stepsMs: [] as number[], commitMs: 0 } }
    const pushed = await timed(() =>
      client.sync(app, {
        hooks: {
          afterBatch: (ms, mutations, parts) => {
            holds.push(Math.round(ms))
            if (ms > worst.ms) worst = { ms, mutations, parts }
          },
        },
      }),
    )
    holds.sort((a, b) => a - b)
    const now = new Date().toISOString()
    const plain = Array.from({ length: PUSH }, (_, i) => ({ id: randomUUID(), customer_id: customers[i % customers.length], owner_id: userId, kind: 'record', channel_id: channel, occurred_at: now, subject: `对照${i}`, created_by: userId, created_at: now, updated_at: now, version: 0 }))
    const plainIns = await timed(() => k.transaction((trx) => insertChunked(trx, DIALECT, 'interactions', plain)))
    console.log(`offline      ${PUSH} interactions written to the cache with their outbox entries: ${fig(write)}  (load ${load()})`)
    console.log(`push         ${pushed.out.applied} applied (sync incl. pulling them back): ${fig(pushed)}; plain batched insert ${fig(plainIns)}; ${ratio(pushed, plainIns)}  (load ${load()})`)
    console.log(`push batches ${holds.length} central transactions; held the version row at most ${holds[holds.length - 1]} ms, median ${holds[holds.length >> 1]} ms; central now ${await mb()}`)
    const w = worst.parts
    console.log(`longest hold ${worst.ms.toFixed(0)} ms for ${worst.mutations} mutations: client row ${w.lockMs.toFixed(1)} ms, steps ${w.stepsMs.map((x) => x.toFixed(0)).join(' + ')} ms, commit ${w.commitMs.toFixed(1)} ms`)
    await client.close()
  } finally {
    await close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
