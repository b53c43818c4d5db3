// npm run bench:backup [-- --file /work/bench/reports-100000/crm.sqlite] [--tmp DIR] [--module PATH] [--optimize]
// The event loop during the backup of a big SQLite file (issue 8 item 3): copies --file (only
// read: a read-only handle) into a temporary folder with backupSqliteFile, checks the copy with
// checkSqliteFile (integrity_check, counts) — what the daily automatic backup does — while a
// 10 ms timer records the gaps between its ticks. Prints per phase the wall time, the process
// CPU (all threads: the worker's copy and check count too), the main thread's event-loop
// utilisation, the longest gap and the load average. --module takes sqlite-file.ts from another
// tree (e.g. the code before the change). --optimize then times what every connection runs at
// open (`pragma optimize`, without and with the analysis limit bit 0x10) on the copy with its
// statistics removed (never analysed: the worst case). The copy is deleted at the end. The machine is shared: the figures are noisy.
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : def
}
const FILE = arg('file', '/work/bench/reports-100000/crm.sqlite')
const TMP = fs.mkdtempSync(path.join(arg('tmp', os.tmpdir()), 'crm-backup-bench-'))
const MODULE = path.resolve(arg('module', path.join(import.meta.dirname, '../../src-main/db/sqlite-file.ts')))

type Check = { ok: boolean; detail: string | null; counts: Record<string, number> }
const mod = (await import(MODULE)) as { backupSqliteFile: (s: string, d: string) => Promise<number>; checkSqliteFile: (f: string) => Check | Promise<Check> }

async function phase<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const gaps: number[] = []
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    gaps.push(now - last)
    last = now
  }, 10)
  const cpu0 = process.cpuUsage()
  const elu0 = performance.eventLoopUtilization()
  const t0 = performance.now()
  let r: T
  try {
    r = await fn()
  } finally {
    clearInterval(timer)
  }
  const wall = performance.now() - t0
  gaps.push(performance.now() - last)
  const cpu = process.cpuUsage(cpu0)
  const elu = performance.eventLoopUtilization(elu0)
  console.log(
    `${name}: wall ${(wall / 1000).toFixed(1)} s, process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, ` +
      `main-thread loop busy ${(elu.active / 1000).toFixed(2)} s, ${gaps.length} ticks, longest gap ${Math.max(...gaps).toFixed(0)} ms, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  )
  return r
}

console.log(`${os.cpus().length} × ${os.cpus()[0]?.model}; ${FILE} ${(fs.statSync(FILE).size / 1e9).toFixed(2)} GB; sqlite-file from ${MODULE}`)
const copy = path.join(TMP, 'crm.sqlite')
try {
  const pages = await phase('backup (online backup API)', () => mod.backupSqliteFile(FILE, copy))
  const check = await phase('check of the copy (integrity_check, counts)', () => mod.checkSqliteFile(copy))
  console.log(`  ${pages} pages; check ${check.ok ? 'ok' : `failed: ${check.detail}`}; counts ${JSON.stringify(check.counts)}`)
  if (process.argv.includes('--optimize')) {
    // 0x10002: every table (0x10000), ANALYZE where it may help (0x2), no analysis limit (0x10
    // missing: each ANALYZE reads whole tables); 0x10012: the same with SQLite's temporary limit
    for (const mask of ['0x10002', '0x10012']) {
      const w = new Database(copy)
      w.exec('delete from sqlite_stat1')
      w.close()
      const fresh = new Database(copy)
      await phase(`pragma optimize = ${mask} at open, never analysed`, () => void fresh.pragma(`optimize = ${mask}`))
      console.log(`  ${(fresh.prepare('select count(*) n from sqlite_stat1').get() as { n: number }).n} rows of sqlite_stat1 after it`)
      await phase(`pragma optimize = ${mask} at the next open`, () => void fresh.pragma(`optimize = ${mask}`))
      fresh.close()
    }
  }
} finally {
  fs.rmSync(TMP, { recursive: true, force: true })
}
