// `crm demo` on PostgreSQL writes the data SQLite gets for the same seed: the bulk load's
// multi-row inserts there go through unnest (insertRows, src-main/db/dialect.ts) and commit
// without waiting for the WAL flush; what they write must not differ. Compared per customer
// code: the customers, their contacts, 交往记录, promises, reminders and the number of orders —
// not the ids (random) nor the instants (relative to each run's clock).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL, testDialects } from '../helpers/test-app'

const ROOT = path.resolve(__dirname, '..', '..')
const crm = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], { cwd: ROOT, env: { ...process.env, CRM_QUIET: '1' }, encoding: 'utf8', timeout: 300_000 })
const DEMO = ['demo', '--customers', '150', '--seed', '42', '--bulk']

/** What a seed decides, by customer code. */
async function content(k: Knex) {
  const customers = await k('customers as c')
    .join('users as u', 'u.id', 'c.owner_id')
    .orderBy('c.code')
    .select('c.code', 'c.name', 'c.phone', 'c.email', 'c.credit_rating', 'c.registered_capital_cents', 'c.search_text', 'c.name_key', 'u.login', 'c.order_count')
  const contacts = await k('contacts as t')
    .join('customers as c', 'c.id', 't.customer_id')
    .orderBy(['c.code', 't.name', 't.mobile'])
    .select('c.code', 't.name', 't.mobile', 't.is_primary', 't.birthday', 't.search_text')
  const interactions = await k('interactions as i')
    .join('customers as c', 'c.id', 'i.customer_id')
    .orderBy(['c.code', 'i.occurred_at'])
    .select('c.code', 'i.kind', 'i.subject', 'i.detail', 'i.outcome', 'i.goal_met', k.raw('i.next_follow_up_at is not null as follow_up'))
  const promises = await k('interaction_promises as p').join('customers as c', 'c.id', 'p.customer_id').groupBy('c.code').orderBy('c.code').select('c.code').count({ n: '*' })
  const reminders = await k('reminders as r')
    .join('customers as c', 'c.id', 'r.customer_id')
    .groupBy('c.code', 'r.source')
    .orderBy(['c.code', 'r.source'])
    .select('c.code', 'r.source')
    .count({ n: '*' })
  const orders = await k('orders as o').join('customers as c', 'c.id', 'o.customer_id').groupBy('c.code').orderBy('c.code').select('c.code').count({ n: '*' })
  const norm = <T extends Record<string, unknown>>(rows: T[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([key, v]) => [key, typeof v === 'boolean' ? Number(v) : typeof v === 'bigint' || key === 'n' || key === 'registered_capital_cents' ? (v === null ? null : Number(v)) : v])))
  return {
    customers: norm(customers),
    contacts: norm(contacts),
    interactions: norm(interactions),
    promises: norm(promises),
    reminders: norm(reminders),
    orders: norm(orders),
  }
}

const onPostgres = testDialects().includes('postgres')

describe.runIf(onPostgres)('crm demo on PostgreSQL: the data SQLite gets for the same seed', () => {
  let dir: string
  let dbName: string
  let admin: Knex
  let pgUrl: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-pg-'))
    dbName = 'crm_t_demo_' + randomBytes(5).toString('hex')
    admin = knexFactory({ client: 'pg', connection: PG_URL })
    await admin.raw(`create database ${dbName}`)
    const u = new URL(PG_URL)
    u.pathname = '/' + dbName
    pgUrl = u.toString()
  })
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    await admin.raw(`drop database if exists ${dbName} with (force)`)
    await admin.destroy()
  })

  it('writes the same customers, contacts, history and orders per customer code', async () => {
    const lite = crm([...DEMO, '--data', dir])
    expect(lite.stderr).toBe('')
    expect(lite.status).toBe(0)
    const pg = crm([...DEMO, '--data', dir, '--db', pgUrl])
    expect(pg.stderr).toBe('')
    expect(pg.status).toBe(0)
    expect(pg.stdout).toMatch(/bulk load, \d+ indexes/)

    const a = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'crm.sqlite') }, useNullAsDefault: true })
    const b = knexFactory({ client: 'pg', connection: pgUrl })
    try {
      const [sqlite, postgres] = [await content(a), await content(b)]
      expect(sqlite.customers).toHaveLength(150)
      expect(sqlite.interactions.length).toBeGreaterThan(300) // many rows per statement: PostgreSQL's unnest path
      expect(sqlite.orders.length).toBeGreaterThan(50)
      for (const key of Object.keys(sqlite) as Array<keyof typeof sqlite>) expect(postgres[key], key).toEqual(sqlite[key])
    } finally {
      await a.destroy()
      await b.destroy()
    }
  }, 600_000)
})
