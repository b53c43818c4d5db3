// npx tsx test/bench/customer-write-probe.ts sqlite:PATH/crm.sqlite|postgres://…/DB [--rows 2000] [--runs 3] [--offset 20000]
// What one customer write costs with the table's indexes (and, on SQLite, the search index's
// triggers), on a (large) database: (a) inserts of copies of live rows (new id and code), (b)
// non-HOT updates of live rows — status, last_order_date and updated_at change, as the churn
// check and an order write change them (updated_at is in several indexes, so every index gets a
// new entry on PostgreSQL). Each run in one transaction, timed, then rolled back: the database is
// left as it was. Prints per customer: process CPU and, on PostgreSQL, the server backend's CPU
// (/proc utime+stime of this connection's backend, 10 ms ticks), with the index count and the load.
import Database from 'better-sqlite3'
import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import pg from 'pg'
import { registerSqliteFunctions } from '../../src-main/db/connection'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const target = process.argv[2]
if (!target || target.startsWith('--')) throw new Error('usage: customer-write-probe.ts sqlite:PATH|postgres://… [--rows N] [--runs N] [--offset N]')
const ROWS = Number(arg('rows', '2000'))
const RUNS = Number(arg('runs', '3'))
const OFFSET = Number(arg('offset', '20000'))
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ')
const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system

function backendCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100
}

type Step = { name: string; run: (i: number, run: number) => Promise<void> | void }
const line = (name: string, run: number, n: number, wallMs: number, cpu: number, serverMs?: number) =>
  console.log(
    `run ${run} ${name}: ${n} rows: ${((wallMs * 1000) / n).toFixed(0)} µs wall, ${(cpu / n).toFixed(0)} µs process CPU` +
      (serverMs === undefined ? '' : `, ${((serverMs * 1000) / n).toFixed(0)} µs server CPU`) + ' per customer',
  )

async function sqlite(file: string) {
  const db = new Database(file)
  registerSqliteFunctions(db) // the search index's triggers call crm_double_han
  const cols = (db.prepare('pragma table_info(customers)').all() as Array<{ name: string }>).map((c) => c.name)
  const src = db.prepare('select * from customers where deleted_at is null order by id limit ? offset ?').all(ROWS, OFFSET) as Array<Record<string, unknown>>
  if (src.length < ROWS) throw new Error(`only ${src.length} rows past offset ${OFFSET}`)
  const indexes = (db.prepare("select count(*) as n from sqlite_master where type = 'index' and tbl_name = 'customers'").get() as { n: number }).n
  console.log(`${file}: ${indexes} indexes on customers; load average ${load()}`)
  const ins = db.prepare(`insert into customers (${cols.join(',')}) values (${cols.map((c) => '@' + c).join(',')})`)
  const upd = db.prepare("update customers set status = case status when 'normal' then 'churn_warning' else 'normal' end, last_order_date = '2026-12-01', updated_at = ? where id = ?")
  const steps: Step[] = [
    { name: 'insert', run: (i, run) => void ins.run({ ...src[i], id: randomUUID(), code: `PROBE${run}${String(i).padStart(7, '0')}` }) },
    { name: 'update', run: (i) => void upd.run(new Date(Date.UTC(2026, 11, 7, 0, 0, i)).toISOString(), src[i]!.id) },
  ]
  for (const step of steps)
    for (let run = 0; run < RUNS; run++) {
      db.exec('begin')
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      for (let i = 0; i < src.length; i++) await step.run(i, run)
      const wall = performance.now() - t0
      const cpu = cpuUs(process.cpuUsage(c0))
      db.exec('rollback')
      line(step.name, run, src.length, wall, cpu)
    }
  console.log(`load average after ${load()}`)
  db.close()
}

async function postgres(url: string) {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const pid = Number((await c.query('select pg_backend_pid() as p')).rows[0].p)
  const cols = (await c.query("select column_name from information_schema.columns where table_name = 'customers' and table_schema = current_schema() order by ordinal_position")).rows.map((r) => r.column_name as string)
  const src = (await c.query('select * from customers where deleted_at is null order by id limit $1 offset $2', [ROWS, OFFSET])).rows as Array<Record<string, unknown>>
  if (src.length < ROWS) throw new Error(`only ${src.length} rows past offset ${OFFSET}`)
  const indexes = Number((await c.query("select count(*) as n from pg_indexes where tablename = 'customers' and schemaname = current_schema()")).rows[0].n)
  console.log(`${url.replace(/\/\/[^@]*@/, '//')}: ${indexes} indexes on customers; load average ${load()}`)
  const insSql = `insert into customers (${cols.map((x) => `"${x}"`).join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')})`
  const updSql = "update customers set status = case status when 'normal' then 'churn_warning' else 'normal' end, last_order_date = '2026-12-01', updated_at = $1 where id = $2"
  const steps: Step[] = [
    { name: 'insert', run: async (i, run) => void (await c.query({ name: 'probe_ins', text: insSql, values: cols.map((x) => (x === 'id' ? randomUUID() : x === 'code' ? `PROBE${run}${String(i).padStart(7, '0')}` : src[i]![x])) })) },
    { name: 'update', run: async (i) => void (await c.query({ name: 'probe_upd', text: updSql, values: [new Date(Date.UTC(2026, 11, 7, 0, 0, i)).toISOString(), src[i]!.id] })) },
  ]
  for (const step of steps)
    for (let run = 0; run < RUNS; run++) {
      await c.query('begin')
      const s0 = backendCpuMs(pid)
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      for (let i = 0; i < src.length; i++) await step.run(i, run)
      const wall = performance.now() - t0
      const cpu = cpuUs(process.cpuUsage(c0))
      const server = backendCpuMs(pid) - s0
      await c.query('rollback')
      line(step.name, run, src.length, wall, cpu, server)
    }
  console.log(`load average after ${load()}`)
  await c.end()
}

if (target.startsWith('postgres')) await postgres(target)
else await sqlite(target.replace(/^sqlite:/, ''))
