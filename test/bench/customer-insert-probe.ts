// npx tsx test/bench/customer-insert-probe.ts PATH/crm.sqlite [--rows 2000] [--runs 3]
// What one customer insert costs on a (large) SQLite file with its indexes and triggers: copies
// of live rows (new id and code) inserted in one transaction, timed, then rolled back — the file
// is left as it was. Prints wall and process CPU per customer and the index count, per run.
import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import { registerSqliteFunctions } from '../../src-main/db/connection'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const file = process.argv[2]
if (!file || file.startsWith('--')) throw new Error('usage: customer-insert-probe.ts PATH/crm.sqlite [--rows N] [--runs N]')
const db = new Database(file)
registerSqliteFunctions(db) // the search index's triggers call crm_double_han
const cols = (db.prepare('pragma table_info(customers)').all() as Array<{ name: string }>).map((c) => c.name)
const src = db.prepare('select * from customers where deleted_at is null limit ? offset 400000').all(Number(arg('rows', '2000'))) as Array<Record<string, unknown>>
const ins = db.prepare(`insert into customers (${cols.join(',')}) values (${cols.map((c) => '@' + c).join(',')})`)
const indexes = (db.prepare("select count(*) as n from sqlite_master where type = 'index' and tbl_name = 'customers'").get() as { n: number }).n
console.log(`${file}: ${indexes} indexes on customers; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`)
for (let run = 0; run < Number(arg('runs', '3')); run++) {
  db.exec('begin')
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  src.forEach((r, i) => ins.run({ ...r, id: randomUUID(), code: `PROBE${run}${String(i).padStart(7, '0')}` }))
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  db.exec('rollback')
  console.log(`run ${run}: ${src.length} inserts: ${((wall * 1000) / src.length).toFixed(0)} µs wall, ${((cpu.user + cpu.system) / src.length).toFixed(0)} µs CPU per customer`)
}
db.close()
