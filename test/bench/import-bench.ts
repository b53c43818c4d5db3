// npm run bench:import [-- --rows 100000] [--dialect sqlite|postgres|both] [--pg-db NAME] [--keep DIR] [--format xlsx|csv-gbk] [--worker] [--probe]
// (--worker: the import runs in a worker thread on a connection of its own, as the desktop app and
// `crm serve` run it — app/imports-thread.ts; process CPU and RSS include the worker's. --probe:
// while it runs, a customer list page (page 1 and page 20, 50 rows) is asked for on the main
// thread every 250 ms, and its answer times, counted from when it was due, are printed.)
// (--keep: the imported database stays — SQLite: copied to DIR/crm.sqlite, PostgreSQL: the
// database --pg-db is not dropped — so `bench:export --data DIR --pg-db NAME` can export it.)
// Imports N customer rows (15 columns, .xlsx written once by exceljs' streaming writer from a
// fixed seed into out/bench-import-files) into an empty database through the imports service as
// an administrator — streaming read, cell normalisation, row checks, bulk 查重, chunked writes
// with primary contacts and audit entries — and, in the same run, reads the same file with plain
// exceljs streaming (every row's values touched, nothing else) for the ratio. Figures: wall time,
// peak RSS of this process (sampled every 20 ms), the longest event-loop stall while importing
// (a timer that should fire every 10 ms), and the load average.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knexFactory from 'knex'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { once } from 'node:events'
import { openApp } from '../../src-main/app/bootstrap'
import type { DbConfig } from '../../src-main/db/config'
import { insertUser, loadActorByLogin } from '../../src-main/modules/auth/auth.service'
import { inspectFile, runImport, useImportRunner } from '../../src-main/modules/imports/imports.service'
import { customersList } from '../../src-main/modules/customers/customers.service'
import { importsInWorker } from '../../src-main/app/imports-thread'
import { CustomerListInput } from '../../src-main/contract/customers'
import { checkpointInWorker } from '../../src-main/db/wal-checkpoints'
import { pgServerCpuByPid } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('rows', '100000'))
const PG_URL = process.env.CRM_TEST_PG_URL ?? ''
const wanted = arg('dialect', PG_URL ? 'both' : 'sqlite')
const PG_DB = arg('pg-db', 'crm_bench_import')
const KEEP = arg('keep', '')
const FORMAT = arg('format', 'xlsx') as 'xlsx' | 'csv-gbk'
const WORKER = process.argv.includes('--worker')
const PROBE = process.argv.includes('--probe')
if (WORKER) useImportRunner(importsInWorker())
const dialects = (wanted === 'both' ? ['sqlite', 'postgres'] : [wanted]) as Array<'sqlite' | 'postgres'>
process.env.CRM_QUIET = '1'
// SQLite: checkpoints in a worker thread, as the desktop app and `crm serve` import (process CPU counts the worker's too);
// BENCH_NO_CHECKPOINT still switches them off altogether for its experiment
checkpointInWorker(!process.env.BENCH_NO_CHECKPOINT)
const outDir = path.resolve('out/bench-import-files')
fs.mkdirSync(outDir, { recursive: true })
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ')
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`
/** This process's CPU seconds (user + system) since `from` (the machine is shared: CPU says more than wall time). */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1e6
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CITIES = [['广州', '020', '510000'], ['深圳', '0755', '518000'], ['上海', '021', '200000'], ['杭州', '0571', '310000'], ['成都', '028', '610000'], ['武汉', '027', '430000']]
const WORDS = ['华', '兴', '达', '利', '通', '恒', '泰', '盛', '源', '鑫', '瑞', '丰', '宏', '德', '信', '安', '捷', '诚', '美', '凯']
const TRADES = ['电子', '机械', '贸易', '化工', '纺织', '科技', '五金', '塑胶', '包装', '照明']
const SURNAMES = ['张', '王', '李', '赵', '陈', '刘', '杨', '黄', '周', '吴']
const LEVELS = ['核心客户', '重要客户', '普通客户']
const HEADERS = ['公司名称', '联系人', '职务', '手机', '电话1', '电话2', '传真', '电子邮件1', '公司网站', '公司地址', '邮编', '主营产品', '城市', '客户等级', '备注']

/** The bench's rows (fixed seed): the same for the .xlsx and the GBK CSV. */
function* benchRows(): Generator<Array<string | number>> {
  const r = rng(42)
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!
  for (let i = 0; i < N; i++) {
    const [city, area, post] = pick(CITIES)
    const tel = () => `${area}-${2 + Math.floor(r() * 8)}${String(Math.floor(r() * 1e7)).padStart(7, '0')}`
    yield [
      `${city}${pick(WORDS)}${pick(WORDS)}${TRADES[i % TRADES.length]}有限公司${i}`, `${pick(SURNAMES)}${pick(WORDS)}`, '采购经理',
      13_000_000_000 + Math.floor(r() * 999_999_999), tel(), tel(), tel(), `sales${i}@example.cn`, `www.c${i}.example.cn`,
      `${city}市${pick(WORDS)}${pick(WORDS)}路${1 + Math.floor(r() * 999)}号`, Number(post), `${pick(TRADES)}产品`, city, pick(LEVELS), '展会名单',
    ]
  }
}

async function makeFile(): Promise<string> {
  if (FORMAT === 'csv-gbk') {
    // what Chinese Excel / WPS save as CSV: GBK, CRLF, no BOM
    const file = path.join(outDir, `customers-${N}-gbk.csv`)
    if (fs.existsSync(file)) return file
    const out = fs.createWriteStream(file)
    const line = (cells: Array<string | number>) => iconv.encode(cells.map((c) => (/[",\r\n]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : String(c))).join(',') + '\r\n', 'gbk')
    out.write(line(HEADERS))
    for (const row of benchRows()) if (!out.write(line(row))) await once(out, 'drain')
    out.end()
    await once(out, 'finish')
    return file
  }
  const file = path.join(outDir, `customers-${N}.xlsx`)
  if (fs.existsSync(file)) return file
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false })
  const ws = wb.addWorksheet('客户')
  ws.addRow(HEADERS).commit()
  for (const row of benchRows()) ws.addRow(row).commit()
  ws.commit()
  await wb.commit()
  return file
}

/** Linux: the resident set split into anonymous memory (the heap, SQLite's page cache) and mapped files (SQLite's memory-mapped database). */
function rssParts(): { anon: number; file: number } | null {
  try {
    const s = fs.readFileSync('/proc/self/status', 'utf8')
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN) * 1024
    return { anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') }
  } catch {
    return null
  }
}

function sampler() {
  let peak = process.memoryUsage().rss
  let anon = 0
  let file = 0
  let n = 0
  const t = setInterval(() => {
    // process.memoryUsage() walks the heap's spaces: at 50 samples a second it showed in the
    // import's CPU profile; rss() alone reads the resident size, the parts every 10th sample
    peak = Math.max(peak, process.memoryUsage.rss())
    const p = n++ % 10 ? null : rssParts()
    if (p) {
      anon = Math.max(anon, p.anon)
      file = Math.max(file, p.file)
    }
  }, 20)
  return { stop: () => (clearInterval(t), peak), parts: () => ({ anon, file }) }
}

async function plainRead(file: string): Promise<{ secs: number; cpu: number }> {
  const started = Date.now()
  const cpu0 = process.cpuUsage()
  if (FORMAT === 'csv-gbk') {
    // plain: the file streamed through iconv-lite's GBK decoder and split into lines and cells
    let cells = 0
    let rest = ''
    for await (const chunk of fs.createReadStream(file).pipe(iconv.decodeStream('gbk')) as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\r\n')
      rest = lines.pop()!
      for (const l of lines) cells += l.split(',').length
    }
    if (cells < N * 10) throw new Error(`plain read saw ${cells} cells`)
    return { secs: (Date.now() - started) / 1000, cpu: cpuSince(cpu0) }
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' })
  let cells = 0
  for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row>>) {
    for await (const row of ws) for (const v of row.values as unknown[]) if (v !== undefined) cells++
  }
  if (cells < N * 10) throw new Error(`plain read saw ${cells} cells`)
  return { secs: (Date.now() - started) / 1000, cpu: cpuSince(cpu0) }
}

async function importInto(dialect: 'sqlite' | 'postgres', file: string) {
  let db: DbConfig
  let drop = async () => {}
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-import-'))
  if (dialect === 'postgres') {
    const name = PG_DB
    const admin = knexFactory({ client: 'pg', connection: PG_URL })
    await admin.raw(`drop database if exists ${name} with (force)`)
    await admin.raw(`create database ${name}`)
    const u = new URL(PG_URL)
    u.pathname = '/' + name
    db = { dialect: 'postgres', url: u.toString() }
    drop = async () => {
      if (!KEEP) await admin.raw(`drop database if exists ${name} with (force)`)
      await admin.destroy()
    }
  } else db = { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
  const app = await openApp({ db, dataDir })
  try {
    const role = await app.db.knex('roles').where({ code: 'admin' }).first()
    await app.db.knex.transaction((trx) => insertUser(app, trx, { login: 'bench_admin', name: '导入基准', password: 'bench-pass-1', roleId: role.id, teamId: null }))
    const actor = (await loadActorByLogin(app, 'bench_admin'))!
    const ctx = { ...app, actor }
    const f = { file, fileName: path.basename(file) }
    const insp = await inspectFile(ctx, f, { entity: 'customers', sheet: 0, encoding: 'auto' })
    if (FORMAT === 'csv-gbk' && insp.encoding !== 'gbk' && insp.encoding !== 'gb18030') throw new Error(`encoding detected as ${insp.encoding}`)
    if (insp.mapping.filter(Boolean).length !== 15) throw new Error(`mapped ${insp.mapping.filter(Boolean).length} of 15 columns`)
    // experiments (SQLite): BENCH_CACHE_KIB sets the connection's page cache, BENCH_NO_CHECKPOINT=1 turns the
    // automatic WAL checkpoints off so that the WAL's size at the end says how many pages the import's commits wrote
    if (dialect === 'sqlite' && process.env.BENCH_CACHE_KIB) await app.db.knex.raw(`pragma cache_size = -${Number(process.env.BENCH_CACHE_KIB)}`)
    if (dialect === 'sqlite' && process.env.BENCH_NO_CHECKPOINT) await app.db.knex.raw('pragma wal_autocheckpoint = 0')
    global.gc?.()
    const base = process.memoryUsage().rss
    const mem = sampler()
    let last = Date.now()
    let stall = 0
    // BENCH_SQL: what filled the longest stall — the statements that ran in it (ms, count, the longest)
    let inGap = { ms: 0, n: 0, top: 0, topSql: '' }
    let stallParts = inGap
    const tick = setInterval(() => {
      const now = Date.now()
      if (now - last > stall) {
        stall = now - last
        stallParts = inGap
      }
      inGap = { ms: 0, n: 0, top: 0, topSql: '' }
      last = now
    }, 10)
    // BENCH_SQL=1: wall and process CPU time per kind of statement (first 40 characters of the SQL)
    const sqlTime = new Map<string, [number, number, number]>()
    const begun = new Map<string, [number, NodeJS.CpuUsage]>()
    // the longest single statement (wall and CPU; BEGIN and COMMIT included, which knex's events leave out)
    const longest = { ms: 0, cpu: 0, sql: '' }
    if (process.env.BENCH_SQL) {
      // on the prototype: a transaction's client is a fresh object of the same class
      const proto = Object.getPrototypeOf(app.db.knex.client) as { _query: (this: unknown, c: unknown, o: { sql: string }) => Promise<unknown> }
      const inner = proto._query
      proto._query = async function (c, o) {
        const t0 = performance.now()
        const c0 = process.cpuUsage()
        try {
          return await inner.call(this, c, o)
        } finally {
          const ms = performance.now() - t0
          const u = process.cpuUsage(c0)
          if (/^(begin|commit|rollback|savepoint|release)/i.test(o.sql.trim())) {
            const k = o.sql.trim().slice(0, 40)
            const e = sqlTime.get(k) ?? [0, 0, 0]
            e[0] += ms
            e[1]++
            e[2] += (u.user + u.system) / 1000
            sqlTime.set(k, e)
          }
          inGap.ms += ms
          inGap.n++
          if (ms > inGap.top) Object.assign(inGap, { top: ms, topSql: o.sql.replace(/\s+/g, ' ').slice(0, 40) })
          if (ms > longest.ms) Object.assign(longest, { ms, cpu: (u.user + u.system) / 1000, sql: o.sql.replace(/\s+/g, ' ').slice(0, 60) })
        }
      }
      app.db.knex.on('query', (q: { __knexQueryUid: string }) => begun.set(q.__knexQueryUid, [performance.now(), process.cpuUsage()]))
      app.db.knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
        const k = q.sql.replace(/\s+/g, ' ').slice(0, 40)
        const e = sqlTime.get(k) ?? [0, 0, 0]
        const b = begun.get(q.__knexQueryUid)
        if (b) {
          const u = process.cpuUsage(b[1])
          e[0] += performance.now() - b[0]
          e[2] += (u.user + u.system) / 1000
        }
        e[1]++
        sqlTime.set(k, e)
      })
    }
    const started = Date.now()
    const cpu0 = process.cpuUsage()
    // the server's backends' CPU: polled, so that those of the worker's pool (closed before the run ends) count too
    const srvStart = dialect === 'postgres' ? pgServerCpuByPid(PG_DB) : new Map<string, number>()
    const srvLast = new Map(srvStart)
    const pollServer = () => {
      if (dialect === 'postgres') for (const [pid, ms] of pgServerCpuByPid(PG_DB)) srvLast.set(pid, ms)
    }
    const srvPoll = setInterval(pollServer, 100)
    // the cost per row as the table grows: wall and CPU of each tenth of the rows (and the COMMITs' share with BENCH_SQL)
    const tenth = Math.max(1, Math.floor(N / 10))
    let mark = { rows: 0, t: performance.now(), cpu: process.cpuUsage(), commit: 0 }
    const commitCpu = () => sqlTime.get('COMMIT;')?.[2] ?? 0
    const onProgress = (p: { rowsDone: number }) => {
      if (p.rowsDone - mark.rows < tenth && p.rowsDone < N) return
      const u = process.cpuUsage(mark.cpu)
      const n = p.rowsDone - mark.rows
      if (n <= 0) return
      console.log(`  rows ${String(mark.rows).padStart(6)}–${String(p.rowsDone).padStart(6)}: ${((performance.now() - mark.t) / n).toFixed(2)} ms wall, ${((u.user + u.system) / 1000 / n).toFixed(2)} ms CPU per row${process.env.BENCH_SQL ? ` (COMMIT ${((commitCpu() - mark.commit) / n).toFixed(2)} ms CPU per row)` : ''}; load ${load()}`)
      mark = { rows: p.rowsDone, t: performance.now(), cpu: process.cpuUsage(), commit: commitCpu() }
    }
    // --probe: a user's list pages on the main thread while the import runs
    const probes: number[] = []
    let probing = PROBE
    const probe = (async () => {
      for (let i = 0; probing; i++) {
        // timed from when it was due: a timer held back by a busy event loop counts as waiting
        const due = performance.now() + 250
        await new Promise((r) => setTimeout(r, 250))
        await customersList(ctx, CustomerListInput.parse({ page: i % 2 ? 20 : 1, pageSize: 50 }) as never)
        probes.push(performance.now() - due)
      }
    })()
    const s = await runImport(ctx, f, { entity: 'customers', sheet: 0, encoding: 'auto', mapping: insp.mapping, onDuplicate: 'skip', owner: 'me', createDictValues: false, lang: 'zh-CN' }, { onProgress })
    probing = false
    await probe
    if (PROBE) {
      const sorted = [...probes].sort((a, b) => a - b)
      const q = (x: number) => sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))]?.toFixed(0)
      console.log(`  list pages during the import (${probes.length}): median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`)
    }
    const secs = (Date.now() - started) / 1000
    const cpu = cpuSince(cpu0)
    pollServer()
    clearInterval(srvPoll)
    let serverMs = 0
    for (const [pid, ms] of srvLast) serverMs += ms - (srvStart.get(pid) ?? 0)
    const serverCpu = serverMs / 1000
    clearInterval(tick)
    for (const [k, [ms, n, cpuMs]] of [...sqlTime].sort((a, b) => b[1][0] - a[1][0]).slice(0, 12)) console.log(`  ${ms.toFixed(0).padStart(7)} ms wall ${cpuMs.toFixed(0).padStart(7)} ms CPU ${String(n).padStart(6)}× ${k}`)
    if (process.env.BENCH_SQL) console.log(`  the longest stall (${stall} ms): ${stallParts.n} statements, ${stallParts.ms.toFixed(0)} ms, the longest ${stallParts.top.toFixed(0)} ms (${stallParts.topSql}); the rest JavaScript or waiting for a core`)
    if (process.env.BENCH_SQL) console.log(`  longest statement: ${longest.ms.toFixed(0)} ms wall, ${longest.cpu.toFixed(0)} ms CPU: ${longest.sql}`)
    if (dialect === 'sqlite' && process.env.BENCH_NO_CHECKPOINT) {
      const wal = fs.statSync(path.join(dataDir, 'crm.sqlite-wal')).size
      console.log(`  WAL after the import: ${mb(wal)} = ${Math.round(wal / 4120)} pages written by the import's commits`)
    }
    const peak = mem.stop()
    const parts = mem.parts()
    const customers = Number((await app.db.knex('customers').count({ n: '*' }).first())!.n)
    const contacts = Number((await app.db.knex('contacts').count({ n: '*' }).first())!.n)
    return { secs, cpu, serverCpu, peak, parts, base, stall, s, customers, contacts }
  } finally {
    await app.db.knex.destroy()
    await drop()
    if (KEEP && dialect === 'sqlite') {
      fs.mkdirSync(KEEP, { recursive: true })
      fs.copyFileSync(path.join(dataDir, 'crm.sqlite'), path.join(KEEP, 'crm.sqlite'))
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function main() {
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${mb(os.totalmem())}; node ${process.version}; load average ${load()}; import ${WORKER ? "in a worker thread (--worker)" : "on the main thread"}`)
  const file = await makeFile()
  console.log(`file (${FORMAT}): ${N} rows × 15 columns, ${mb(fs.statSync(file).size)} (${fs.statSync(file).size} bytes), load ${load()}`)
  const plain = await plainRead(file)
  console.log(`${FORMAT === 'xlsx' ? 'plain exceljs streaming read' : 'plain GBK decode + line split'}: ${plain.secs.toFixed(1)} s (process CPU ${plain.cpu.toFixed(1)} s), load ${load()}`)
  for (const d of dialects) {
    const r = await importInto(d, file)
    console.log(
      `[${d}] import ${r.s.imported} imported / ${r.s.rejected} rejected / ${r.s.skipped} skipped (${r.customers} customers, ${r.contacts} contacts) in ${r.secs.toFixed(1)} s (process CPU ${r.cpu.toFixed(1)} s${d === 'postgres' ? `, server backends' CPU ${r.serverCpu.toFixed(1)} s, together ${(r.cpu + r.serverCpu).toFixed(1)} s` : ''})` +
        ` = ${(r.secs / plain.secs).toFixed(1)}× plain read (process CPU ${(r.cpu / plain.cpu).toFixed(1)}×${d === 'postgres' ? `, with the server's ${((r.cpu + r.serverCpu) / plain.cpu).toFixed(1)}×` : ''}); peak RSS ${mb(r.peak)} (before: ${mb(r.base)}; peaks of its parts: anonymous ${mb(r.parts.anon)}, mapped files ${mb(r.parts.file)}); longest event-loop stall ${r.stall} ms; load ${load()}`,
    )
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
