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

// without PostgreSQL (the mssql id mode runs SQLite only): a second SQLite file of the same seed
describe(`crm demo on ${onPostgres ? 'PostgreSQL' : 'a second SQLite file'}: the data SQLite gets for the same seed`, () => {
  let dir: string
  let dir2: string
  let dbName: string
  let admin: Knex
  let pgUrl: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-pg-'))
    dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-pg-'))
    if (!onPostgres) return
    dbName = 'crm_t_demo_' + randomBytes(5).toString('hex')
    admin = knexFactory({ client: 'pg', connection: PG_URL })
    await admin.raw(`create database ${dbName}`)
    const u = new URL(PG_URL)
    u.pathname = '/' + dbName
    pgUrl = u.toString()
  })
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(dir2, { recursive: true, force: true })
    if (!onPostgres) return
    await admin.raw(`drop database if exists ${dbName} with (force)`)
    await admin.destroy()
  })

  it('writes the same customers, contacts, history and orders per customer code', async () => {
    const lite = crm([...DEMO, '--data', dir])
    expect(lite.stderr).toBe('')
    expect(lite.status).toBe(0)
    const pg = crm([...DEMO, ...(onPostgres ? ['--data', dir, '--db', pgUrl] : ['--data', dir2])])
    expect(pg.stderr).toBe('')
    expect(pg.status).toBe(0)
    expect(pg.stdout).toMatch(/bulk load, \d+ indexes/)

    const sqliteAt = (d: string) => knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(d, 'crm.sqlite') }, useNullAsDefault: true })
    const a = sqliteAt(dir)
    const b = onPostgres ? knexFactory({ client: 'pg', connection: pgUrl }) : sqliteAt(dir2)
    try {
      const [sqlite, postgres] = [await content(a), await content(b)]
      expect(sqlite.customers).toHaveLength(150)
      expect(sqlite.interactions.length).toBeGreaterThan(300) // many rows per statement: PostgreSQL's unnest path
      expect(sqlite.orders.length).toBeGreaterThan(50)
      for (const key of Object.keys(sqlite) as Array<keyof typeof sqlite>) expect(postgres[key], key).toEqual(sqlite[key])
      if (!onPostgres) return
      // the summaries whose triggers the bulk load set aside were computed again: as their tables say
      const briefing = await b('briefing_owner_day').where((q) => q.whereNot('customers', 0).orWhereNot('contacts', 0).orWhereNot('interactions', 0)).orderBy(['owner_id', 'day']).select('owner_id', 'day', 'customers', 'contacts', 'interactions')
      const day = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD')`
      const expected = await b.raw(
        `select owner_id, day, sum(customers)::int as customers, sum(contacts)::int as contacts, sum(interactions)::int as interactions from (
           select c.owner_id, ${day('c.created_at')} as day, 1 as customers, 0 as contacts, 0 as interactions from customers c where c.deleted_at is null
           union all select c.owner_id, ${day('x.created_at')}, 0, 1, 0 from contacts x join customers c on c.id = x.customer_id where x.deleted_at is null and c.deleted_at is null
           union all select c.owner_id, ${day('x.occurred_at')}, 0, 0, 1 from interactions x join customers c on c.id = x.customer_id where x.deleted_at is null and c.deleted_at is null
         ) u group by owner_id, day order by owner_id, day`,
      )
      expect(briefing.length).toBeGreaterThan(100)
      expect(briefing).toEqual(expected.rows)
      const sums = await b('customer_sales_sums').where((q) => q.whereNot('order_cents', 0).orWhereNot('payment_cents', 0)).orderBy(['customer_id', 'period']).select('customer_id', 'period', 'order_cents', 'payment_cents')
      const fromOrders = await b.raw(
        `select customer_id, period, sum(o)::bigint as order_cents, sum(p)::bigint as payment_cents from (
           select customer_id, left(order_date, 4) as period, total_cents as o, 0 as p from orders where deleted_at is null and status in ('approved', 'shipped', 'completed')
           union all select customer_id, left(order_date, 7), total_cents, 0 from orders where deleted_at is null and status in ('approved', 'shipped', 'completed')
           union all select customer_id, left(paid_date, 4), 0, amount_cents from payments where deleted_at is null
           union all select customer_id, left(paid_date, 7), 0, amount_cents from payments where deleted_at is null
         ) u group by customer_id, period having sum(o) <> 0 or sum(p) <> 0 order by customer_id, period`,
      )
      expect(sums.length).toBeGreaterThan(100)
      expect(sums).toEqual(fromOrders.rows)
    } finally {
      await a.destroy()
      await b.destroy()
    }
  }, 600_000)
})
