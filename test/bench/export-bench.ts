// npm run bench:export [-- --customers 100000] [--dialect sqlite|postgres|both] [--replicate] [--data DIR] [--pg-db NAME] [--list customers|orders|interactions]
// (--data / --pg-db: export a database made elsewhere, e.g. kept by `bench:import --keep DIR --pg-db NAME`.)
// --list: which list to export (default customers); its rows are whatever the database holds.
// --input JSON: the list's filter/sort as the export takes them (e.g. '{"from":"2026-06-01T00:00:00Z"}').
// Also prints the statements the export sent, grouped by their text's start: count and summed wall.
// Exports N demo customers (crm demo's generator; made once into out/bench-export-N, or the
// PostgreSQL database crm_bench_export when CRM_TEST_PG_URL is set, and reused) to .xlsx through
// the exports service as an administrator — list service page by page, dictionary labels,
// primary contacts, streaming WorkbookWriter — and, in the same run, writes the same rows with
// plain exceljs streaming (same columns, widths and formats; rows already in memory, no database)
// for the ratio. Figures: wall time, file size, peak RSS of this process (sampled every 20 ms).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import knexFactory from 'knex'
import ExcelJS from 'exceljs'
import { openApp } from '../../src-main/app/bootstrap'
import type { AppContext } from '../../src-main/modules/context'
import type { DbConfig } from '../../src-main/db/config'
import { ExportInput } from '../../src-main/contract/exports'
import { insertUser, loadActorByLogin } from '../../src-main/modules/auth/auth.service'
import { exportList } from '../../src-main/modules/exports/exports.service'
import { customersExporter, interactionsExporter, Labels, ordersExporter, type ListExporter } from '../../src-main/modules/exports/exports.lists'
import { cellValue } from '../../src-main/modules/exports/exports.writer'
import { pgServerCpuMs } from './bench-pg'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const N = Number(arg('customers', '100000'))
const PG_URL = process.env.CRM_TEST_PG_URL ?? ''
const wanted = arg('dialect', PG_URL ? 'both' : 'sqlite')
const DATA = arg('data', '')
const PG_DB = arg('pg-db', 'crm_bench_export')
const REPLICATE = process.argv.includes('--replicate')
const LIST = arg('list', 'customers') as 'customers' | 'orders' | 'interactions'
const EXPORTERS = { customers: customersExporter, orders: ordersExporter, interactions: interactionsExporter } as Record<string, ListExporter<never>>
if (!EXPORTERS[LIST]) throw new Error(`--list: one of ${Object.keys(EXPORTERS).join(', ')}`)
const dialects = (wanted === 'both' ? ['sqlite', 'postgres'] : [wanted]) as Array<'sqlite' | 'postgres'>
process.env.CRM_QUIET = '1'
const outDir = path.resolve('out/bench-export-files')
fs.mkdirSync(outDir, { recursive: true })

async function pgUrl(): Promise<string> {
  const name = PG_DB
  const admin = knexFactory({ client: 'pg', connection: PG_URL })
  if (!(await admin.raw('select 1 from pg_database where datname = ?', [name])).rows.length) await admin.raw(`create database ${name}`)
  await admin.destroy()
  const u = new URL(PG_URL)
  u.pathname = '/' + name
  return u.toString()
}

async function prepare(dialect: 'sqlite' | 'postgres'): Promise<AppContext> {
  const dataDir = path.resolve(DATA || `out/bench-export-${N}`)
  fs.mkdirSync(dataDir, { recursive: true })
  const url = dialect === 'postgres' ? await pgUrl() : null
  const db: DbConfig = url ? { dialect: 'postgres', url } : { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }
  let app = await openApp({ db, dataDir })
  let have = Number((await app.db.knex('customers').count({ n: '*' }).first())?.n ?? 0)
  if (have < N && have > 0 && REPLICATE) {
    await replicate(app, dialect, N - have)
    have = N
  }
  if (have < N) {
    await app.db.knex.destroy()
    console.log(`[${dialect}] generating ${N - have} demo customers …`)
    execFileSync('npx', ['tsx', 'src-main/cli/crm.ts', 'demo', '--customers', String(N - have), '--data', dataDir, '--seed', '42', ...(url ? ['--db', url] : [])], { stdio: 'inherit' })
    app = await openApp({ db, dataDir })
    await app.db.knex.raw(dialect === 'postgres' ? 'vacuum analyze' : 'analyze')
  }
  if (!(await loadActorByLogin(app, 'bench_admin'))) {
    const role = await app.db.knex('roles').where({ code: 'admin' }).first('id')
    await app.db.knex.transaction((trx) => insertUser(app, trx, { login: 'bench_admin', name: '管理员', password: 'bench-pass-1', roleId: role.id }))
  }
  return app
}

/**
 * --replicate: fills the database up to N customers by copying the demo customers it already has
 * (with their contacts) under new ids, codes (suffix -R<k>) and names (suffix （k）) — for a
 * PostgreSQL figure at 100,000 when generating that many with crm demo takes too long.
 */
async function replicate(app: AppContext, dialect: 'sqlite' | 'postgres', missing: number) {
  if (dialect !== 'postgres') throw new Error('--replicate is for PostgreSQL')
  const k = app.db.knex
  const cols = async (table: string) => (await k.raw('select column_name from information_schema.columns where table_name = ? order by ordinal_position', [table])).rows.map((r: { column_name: string }) => r.column_name as string)
  const customerCols: string[] = await cols('customers')
  const contactCols: string[] = await cols('contacts')
  const base = Number((await k('customers').whereNot('code', 'like', '%-R%').count({ n: '*' }).first())?.n ?? 0)
  console.log(`[postgres] replicating ${base} demo customers and their contacts up to ${N} …`)
  for (let round = 1; missing > 0; round++) {
    const take = Math.min(base, missing)
    await k.transaction(async (trx) => {
      await trx.raw('create temp table rep_map on commit drop as select id as old_id, gen_random_uuid() as new_id from customers where code not like ? order by code limit ?', ['%-R%', take])
      const sel = customerCols.map((c) => (c === 'id' ? 'm.new_id' : c === 'code' ? `c.code || '-R${round}'` : c === 'name' ? `c.name || '（${round}）'` : `c.${c}`))
      await trx.raw(`insert into customers (${customerCols.join(', ')}) select ${sel.join(', ')} from customers c join rep_map m on m.old_id = c.id`)
      const csel = contactCols.map((c) => (c === 'id' ? 'gen_random_uuid()' : c === 'customer_id' ? 'm.new_id' : `x.${c}`))
      await trx.raw(`insert into contacts (${contactCols.join(', ')}) select ${csel.join(', ')} from contacts x join rep_map m on m.old_id = x.customer_id`)
    })
    missing -= take
  }
  await k.raw('vacuum analyze')
}

/** This process's anonymous resident memory (heap, buffers; not the pages of a memory-mapped database file), bytes; 0 off Linux. */
function rssAnon(): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/**
 * Runs fn while sampling this process's RSS; answers its time, the peak RSS in MiB and the peak
 * anonymous RSS (RSS counts the pages of a memory-mapped SQLite file the export read, which are
 * the OS's file cache rather than memory the export holds).
 */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number; peakMiB: number; peakAnonMiB: number }> {
  let peak = process.memoryUsage().rss
  let peakAnon = rssAnon()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
    peakAnon = Math.max(peakAnon, rssAnon())
  }, 20)
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const value = await fn()
  const seconds = (performance.now() - t0) / 1000
  const c = process.cpuUsage(c0)
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  peakAnon = Math.max(peakAnon, rssAnon())
  // CPU time of this process (user + system; SQLite runs inside it, PostgreSQL's server does not)
  return { value, seconds, cpuSeconds: (c.user + c.system) / 1e6, peakMiB: peak / 2 ** 20, peakAnonMiB: peakAnon / 2 ** 20 }
}

const mib = (file: string) => (fs.statSync(file).size / 2 ** 20).toFixed(1)

async function run(dialect: 'sqlite' | 'postgres') {
  const app = await prepare(dialect)
  const actor = (await loadActorByLogin(app, 'bench_admin'))!
  const ctx = { ...app, actor }
  const input = ExportInput.parse({ list: LIST, ...JSON.parse(arg('input', '{}')) })
  const ex = EXPORTERS[LIST]!
  globalThis.gc?.()
  const before = process.memoryUsage().rss / 2 ** 20

  // the statements the export sends: count and summed wall time (request to answer) by their start
  const started = new Map<string, { t: number; key: string }>()
  const stats = new Map<string, { n: number; ms: number }>()
  const onQuery = (q: { __knexQueryUid: string; sql: string }) => started.set(q.__knexQueryUid, { t: performance.now(), key: q.sql.replace(/\s+/g, ' ').slice(0, 90) })
  const onResponse = (_r: unknown, q: { __knexQueryUid: string }) => {
    const s0 = started.get(q.__knexQueryUid)
    if (!s0) return
    started.delete(q.__knexQueryUid)
    const st = stats.get(s0.key) ?? { n: 0, ms: 0 }
    st.n++
    st.ms += performance.now() - s0.t
    stats.set(s0.key, st)
  }
  app.db.knex.on('query', onQuery).on('query-response', onResponse)

  // 1) the app's export: database → list service → xlsx
  const file = path.join(outDir, `${LIST}-${dialect}.xlsx`)
  const srv0 = dialect === 'postgres' ? pgServerCpuMs(PG_DB) : 0
  const ours = await measured(async () => {
    const stream = fs.createWriteStream(file)
    const r = await exportList(ctx, input, stream)
    if (!stream.closed) await once(stream, 'close')
    return r.rows
  })
  // PostgreSQL: the server backends' CPU for the export (the figure the app's CPU leaves out)
  const serverCpu = dialect === 'postgres' ? (pgServerCpuMs(PG_DB) - srv0) / 1000 : 0
  app.db.knex.off('query', onQuery).off('query-response', onResponse)
  for (const [key, st] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) console.log(`[${dialect}]   ${st.n} × ${(st.ms / 1000).toFixed(2)} s wall: ${key}`)

  // 2) the same rows, already in memory, written with plain exceljs streaming (timed: the write only)
  const rows: Array<Record<string, unknown>> = []
  const labels = new Labels(ctx, 'zh-CN')
  const { list: _l, format: _f, encoding: _e, lang: _g, columns: _c, utcOffsetMinutes: _u, ...listInput } = input
  const chunks = ex.chunks
    ? ex.chunks(ctx, listInput as never, 1000, labels)
    : (async function* () {
        for (let p = 1; ; p++) {
          const r = await ex.page(ctx, listInput as never, p, 1000, labels)
          yield r
          if (r.rows.length < 1000) return
        }
      })()
  for await (const r of chunks) rows.push(...r.rows)
  const plainFile = path.join(outDir, `${LIST}-${dialect}-plain.xlsx`)
  const cols = ex.columns
  const plain = await measured(async () => {
    const stream = fs.createWriteStream(plainFile)
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false })
    const ws = wb.addWorksheet(ex.title.zh, { views: [{ state: 'frozen', ySplit: 1 }] })
    const fmt: Record<string, string> = { date: 'yyyy-mm-dd', datetime: 'yyyy-mm-dd hh:mm', money: '#,##0.00', int: '0' }
    ws.columns = cols.map((c) => ({ header: c.zh, key: c.key, width: c.width, style: fmt[c.type] ? { numFmt: fmt[c.type] } : {} }))
    ws.getRow(1).font = { bold: true }
    ws.getRow(1).commit()
    for (const r of rows) ws.addRow(Object.fromEntries(cols.map((c) => [c.key, cellValue(c.type, r[c.key], 480)]))).commit()
    ws.commit()
    await wb.commit()
    if (!stream.closed) await once(stream, 'close')
  })

  console.log(
    `[${dialect}] export ${ours.value} ${LIST} × ${cols.length} columns: ${ours.seconds.toFixed(2)} s wall, ${ours.cpuSeconds.toFixed(2)} s CPU${dialect === 'postgres' ? ` + ${serverCpu.toFixed(2)} s server backends' CPU` : ''}, ${mib(file)} MiB file, ` +
      `peak RSS ${ours.peakMiB.toFixed(0)} MiB (${before.toFixed(0)} MiB before; anonymous ${ours.peakAnonMiB.toFixed(0)} MiB) | plain exceljs write of the same ${rows.length} rows: ` +
      `${plain.seconds.toFixed(2)} s wall, ${plain.cpuSeconds.toFixed(2)} s CPU, ${mib(plainFile)} MiB | ratio ${(ours.seconds / plain.seconds).toFixed(2)}× wall, ` +
      `${(ours.cpuSeconds / plain.cpuSeconds).toFixed(2)}× CPU | load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  )
  await app.db.knex.destroy()
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`)
for (const d of dialects) await run(d)
console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
