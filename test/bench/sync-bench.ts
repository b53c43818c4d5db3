// npm run bench:sync -- [--db sqlite|postgres] [--pull 100000] [--push 10000]
// Offline sync figures of issue 12 on a SQLite file or a fresh PostgreSQL central (CRM_TEST_PG_URL):
//   first fill   a new client pulls a rep's cache: 10 % customers, 90 % interactions, --pull rows
//   no change    a sync with nothing queued and nothing changed (median of 5)
//   push         --push offline interactions queued in the client, pushed through the services
// Each beside a plain batched copy of the same rows measured in the same run (select all + chunked
// insert into a fresh SQLite file; chunked insert of the pushed rows into the central database).
// The machine is shared: the load average is printed with every figure.
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
const PULL = Number(arg('pull', '100000'))
const PUSH = Number(arg('push', '10000'))
process.env.CRM_QUIET = '1'
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ')
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

async function openCentral(dir: string): Promise<{ app: AppContext; close: () => Promise<void> }> {
  if (DIALECT === 'postgres') {
    const url = process.env.CRM_TEST_PG_URL
    if (!url) throw new Error('set CRM_TEST_PG_URL for --db postgres')
    const name = 'crm_sync_bench_' + randomBytes(4).toString('hex')
    const admin = knexFactory({ client: 'pg', connection: url })
    await admin.raw(`create database ${name}`)
    const u = new URL(url)
    u.pathname = '/' + name
    const app = await openApp({ db: { dialect: 'postgres', url: u.toString() }, dataDir: dir })
    return { app, close: async () => { await app.db.knex.destroy(); await admin.raw(`drop database if exists ${name} with (force)`); await admin.destroy() } }
  }
  const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'central.sqlite') }, dataDir: dir })
  return { app, close: () => app.db.knex.destroy() }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sync-bench-'))
  const { app, close } = await openCentral(dir)
  const k = app.db.knex
  try {
    const role = await k('roles').where({ code: 'manager' }).first('id')
    const userId = await k.transaction((trx) => insertUser(app, trx, { login: 'benchrep', name: '外勤', password: 'bench-pass-1', roleId: role.id, teamId: null }))
    const channel = (await k('dict_items').where({ type_code: 'interaction_channel' }).first('id')).id
    const nCust = Math.max(1, Math.round(PULL / 10))
    const customers: string[] = []
    const t0 = Date.now()
    for (let done = 0; done < PULL; ) {
      await k.transaction(async (trx) => {
        const v = await nextVersion(trx)
        const now = new Date().toISOString()
        const rows: Record<string, unknown>[] = []
        const cust: Record<string, unknown>[] = []
        for (let i = 0; i < 1000 && done < PULL; i++, done++) {
          if (customers.length < nCust && done % 10 === 0) {
            const id = randomUUID()
            customers.push(id)
            cust.push({ id, code: `KH-B-${customers.length}`, name: `基准客户${customers.length}号有限公司`, owner_id: userId, customer_type: 'company', status: 'normal', order_count: 0, created_at: now, updated_at: now, version: v })
          } else {
            rows.push({ id: randomUUID(), customer_id: customers[done % customers.length], owner_id: userId, kind: 'record', channel_id: channel, occurred_at: now, subject: `拜访记录${done}`, detail: '客户对新品感兴趣，约下周再谈。', created_by: userId, created_at: now, updated_at: now, version: v })
          }
        }
        await insertChunked(trx, DIALECT, 'customers', cust)
        await insertChunked(trx, DIALECT, 'interactions', rows)
      })
    }
    console.log(`central ${DIALECT}: ${PULL} rows (${customers.length} customers, ${PULL - customers.length} interactions) loaded in ${secs(Date.now() - t0)}`)

    // first fill
    const client = await SyncClient.open(path.join(dir, 'client'))
    let t = Date.now()
    const fill = await client.sync(app, { login: 'benchrep' })
    const fillMs = Date.now() - t
    // plain batched copy of the same rows into a fresh SQLite file
    const copy = openDb({ dialect: 'sqlite', file: path.join(dir, 'copy.sqlite') }, { foreignKeys: false })
    await migrateLatest(copy)
    t = Date.now()
    for (const table of ['customers', 'interactions']) {
      const rows = await k(table).where({ owner_id: userId }).select('*')
      await copy.knex.transaction((trx) => insertChunked(trx, 'sqlite', table, rows))
    }
    const copyMs = Date.now() - t
    await copy.knex.destroy()
    console.log(`first fill   ${fill.pulled} rows in ${fill.pages} pages: ${secs(fillMs)}; plain copy ${secs(copyMs)}; ratio ${(fillMs / copyMs).toFixed(1)}  (load ${load()})`)

    // no-change round trip
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      t = Date.now()
      await client.sync(app)
      times.push(Date.now() - t)
    }
    times.sort((a, b) => a - b)
    console.log(`no change    median ${times[2]} ms (runs ${times.join(', ')} ms)  (load ${load()})`)

    // push
    t = Date.now()
    for (let i = 0; i < PUSH; i++) {
      await client.write('interactions.create', { customerId: customers[i % customers.length], channelId: channel, occurredAt: '2026-01-05T10:00:00+08:00', subject: `离线记录${i}`, promises: [] })
    }
    const writeMs = Date.now() - t
    t = Date.now()
    const pushed = await client.sync(app)
    const pushMs = Date.now() - t
    const now = new Date().toISOString()
    const plain = Array.from({ length: PUSH }, (_, i) => ({ id: randomUUID(), customer_id: customers[i % customers.length], owner_id: userId, kind: 'record', channel_id: channel, occurred_at: now, subject: `对照${i}`, created_by: userId, created_at: now, updated_at: now, version: 0 }))
    t = Date.now()
    await k.transaction((trx) => insertChunked(trx, DIALECT, 'interactions', plain))
    const plainMs = Date.now() - t
    console.log(`offline      ${PUSH} interactions written to the cache with their outbox entries: ${secs(writeMs)}`)
    console.log(`push         ${pushed.applied} applied (sync incl. pulling them back): ${secs(pushMs)}; plain batched insert ${secs(plainMs)}; ratio ${(pushMs / plainMs).toFixed(0)}  (load ${load()})`)
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
