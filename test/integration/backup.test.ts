// 备份与恢复 of the embedded SQLite database, for real: a backup taken while writes are running
// (from the app's own connection and from another connection in a worker thread) restores to a
// consistent database; automatic daily backups keep exactly N daily and M monthly copies; a
// damaged, foreign or unreadable file is refused with a clear message and changes nothing;
// attachments travel with the database; the restore starts a new sync epoch. PostgreSQL: the
// page shows the server's commands and the app does not back up.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash, randomUUID } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestApp, PG_URL, type TestApp } from '../helpers/test-app'
import { applyRetention, restoreBackup, runDueBackup, takeBackup } from '../../src-main/modules/backup/backup.service'
import { checkSqliteFile } from '../../src-main/db/sqlite-file'
import { listBackups } from '../../src-main/modules/backup/backup.files'
import { expectCode } from './customers.fixtures'

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const epoch = async (t: TestApp) => String((await t.app.db.knex('sync_version').where({ id: 1 }).first('epoch_id')).epoch_id)
const count = async (t: TestApp, table: string, where: Record<string, unknown> = {}) => Number((await t.app.db.knex(table).where(where).count({ n: '*' }))[0].n)

/** Inserts a customer and its contact in one transaction (a writer's unit of work); both carry `tag` in their notes. */
async function writePair(t: TestApp, tag: string, i: number) {
  const now = new Date().toISOString()
  const id = randomUUID()
  await t.app.db.knex.transaction(async (trx) => {
    await trx('customers').insert({ id, code: `W-${tag}-${i}`, name: `写入测试${tag}${i}`, notes: tag, created_at: now, updated_at: now, version: 0 })
    await trx('contacts').insert({ id: randomUUID(), customer_id: id, name: `联系人${i}`, notes: tag, created_at: now, updated_at: now, version: 0 })
  })
}

/** A second connection in another thread inserting pairs as fast as it can until told to stop. */
function startWorkerWriter(file: string, tag: string) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const Database = require(workerData.module)
    const { randomUUID } = require('node:crypto')
    const db = new Database(workerData.file)
    db.pragma('busy_timeout = 5000')
    // the search triggers call crm_double_han, which every app connection registers (src-main/db/connection.ts)
    db.function('crm_double_han', { deterministic: true }, (x) => (typeof x === 'string' ? x.replace(/[\\u3400-\\u4dbf\\u4e00-\\u9fff]/g, '$&$&') : ''))
    const ic = db.prepare("insert into customers (id, code, name, notes, created_at, updated_at, version, customer_type, status, order_count) values (?, ?, ?, ?, ?, ?, 0, 'company', 'normal', 0)")
    const it = db.prepare("insert into contacts (id, customer_id, name, notes, created_at, updated_at, version, birthday_calendar, birthday_leap_month, is_primary) values (?, ?, ?, ?, ?, ?, 0, 'solar', 0, 0)")
    const pair = db.transaction((i) => { const id = randomUUID(); const now = new Date().toISOString(); ic.run(id, 'X-' + workerData.tag + '-' + i, '线程写入' + i, workerData.tag, now, now); it.run(randomUUID(), id, '线程联系人' + i, workerData.tag, now, now) })
    let stop = false, n = 0
    parentPort.on('message', () => { stop = true })
    const loop = () => { for (let k = 0; k < 20 && !stop; k++) pair(n++); if (stop) { db.close(); parentPort.postMessage(n) } else setImmediate(loop) }
    loop()`
  const w = new Worker(code, { eval: true, workerData: { file, tag, module: require.resolve('better-sqlite3') } })
  return { stop: () => new Promise<number>((resolve) => { w.once('message', resolve); w.postMessage('stop') }) }
}

describe('backup and restore [sqlite]', () => {
  let t: TestApp
  let admin: { key: string; userId: string }
  let out: string
  beforeAll(async () => {
    t = await makeTestApp('sqlite')
    admin = await t.userSession('bk_admin', 'admin')
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-backups-'))
    await t.call(admin.key, 'backup', 'saveSettings', { enabled: true, folder: out, keepDaily: 7, keepMonthly: 12 })
    for (let i = 0; i < 50; i++) await t.call(admin.key, 'customers', 'create', { name: `备份测试客户${i}` })
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(out, { recursive: true, force: true })
  })

  it('a backup taken while writes are running restores to a consistent database', async () => {
    const live = (t.app.dbConfig as { file: string }).file
    const worker = startWorkerWriter(live, 'thread')
    let writing = true
    let written = 0
    const appWriter = (async () => {
      while (writing) {
        await writePair(t, 'app', written++)
        await new Promise((r) => setImmediate(r)) // better-sqlite3 answers at once: let timers and the backup's steps run
      }
    })()
    await new Promise((r) => setTimeout(r, 300)) // both writers are busy
    const entry = await t.call(admin.key, 'backup', 'run', {})
    writing = false
    await appWriter
    const threadWritten = await worker.stop()
    expect(written).toBeGreaterThan(0)
    expect(threadWritten).toBeGreaterThan(0)

    // the copy is sound and every unit of work is in it whole or not at all
    const copy = path.join(entry.path, 'crm.sqlite')
    expect(await checkSqliteFile(copy)).toMatchObject({ ok: true })
    const b = new Database(copy, { readonly: true })
    const pairs = (tag: string) => b.prepare('select (select count(*) from customers where notes = ?) c, (select count(*) from contacts where notes = ?) ct').get(tag, tag) as { c: number; ct: number }
    const inBackup = { app: pairs('app'), thread: pairs('thread') }
    b.close()
    expect(inBackup.app.c).toBe(inBackup.app.ct)
    expect(inBackup.thread.c).toBe(inBackup.thread.ct)
    expect(inBackup.app.c).toBeLessThanOrEqual(written)
    expect(inBackup.thread.c).toBeLessThanOrEqual(threadWritten)
    expect(entry.counts.customers).toBe(50 + inBackup.app.c + inBackup.thread.c)

    // restore it: the database is the backup's again, sound, with a new epoch
    const epochBefore = await epoch(t)
    const r = await t.call(admin.key, 'backup', 'restore', { path: entry.path, confirm: true })
    expect(r.restoredFrom).toBe(entry.path)
    expect(await count(t, 'customers', { notes: 'app' })).toBe(inBackup.app.c)
    expect(await count(t, 'contacts', { notes: 'thread' })).toBe(inBackup.thread.ct)
    expect(await count(t, 'customers')).toBe(entry.counts.customers)
    expect((await t.app.db.knex.raw('pragma integrity_check'))[0].integrity_check).toBe('ok')
    expect(await epoch(t)).toBe(r.epochId)
    expect(r.epochId).not.toBe(epochBefore)
    // the data as it was before the restore is in the pre-restore backup
    expect(r.safetyBackup.kind).toBe('pre-restore')
    expect(r.safetyBackup.counts.customers).toBe(50 + written + threadWritten)
    // the app goes on: the session still works, writes land in the restored database
    expect((await t.call(admin.key, 'customers', 'create', { name: '恢复后新客户' })).name).toBe('恢复后新客户')
    // the backup settings outlived the restore
    expect((await t.call(admin.key, 'backup', 'status', {})).settings.folder).toBe(out)
  })

  it('refuses a damaged, foreign or unreadable file with a clear message and changes nothing', async () => {
    const good = await t.call(admin.key, 'backup', 'run', {})
    const live = (t.app.dbConfig as { file: string }).file
    const damaged = path.join(out, 'damaged')
    fs.cpSync(good.path, damaged, { recursive: true })
    const f = path.join(damaged, 'crm.sqlite')
    const buf = fs.readFileSync(f)
    const pageSize = buf.readUInt16BE(16) || 4096
    for (let p = 3; p * pageSize < buf.length - pageSize; p += 2) buf.fill(0x5a, p * pageSize + 8, p * pageSize + pageSize - 8) // scribble over b-tree pages
    fs.writeFileSync(f, buf)
    const foreign = path.join(out, 'foreign.sqlite')
    const fdb = new Database(foreign)
    fdb.exec('create table notes (id integer primary key, body text); insert into notes (body) values (\'hello\')')
    fdb.close()
    const junk = path.join(out, 'junk.sqlite')
    fs.writeFileSync(junk, Buffer.alloc(8192, 7))

    await t.app.db.knex.raw('pragma wal_checkpoint(TRUNCATE)')
    const before = { hash: sha(live), epoch: await epoch(t), customers: await count(t, 'customers'), backups: listBackups(out).length }
    for (const [p, key] of [[damaged, 'backup.errors.corrupt'], [foreign, 'backup.errors.foreign'], [junk, 'backup.errors.unreadable'], [path.join(out, 'missing'), 'backup.errors.notFound']] as const) {
      const r = await t.raw(admin.key, 'backup', 'restore', { path: p, confirm: true })
      const e = expectCode(r, 'rule')
      expect(e.key, p).toBe(key)
      expect(e.message.length).toBeGreaterThan(20)
      const inspected = await t.raw(admin.key, 'backup', 'inspect', { path: p })
      if (key !== 'backup.errors.notFound') expect(inspected.ok && (inspected.data as { ok: boolean; problemKey: string }).problemKey).toBe(key)
    }
    await t.app.db.knex.raw('pragma wal_checkpoint(TRUNCATE)')
    expect(sha(live)).toBe(before.hash)
    expect(await epoch(t)).toBe(before.epoch)
    expect(await count(t, 'customers')).toBe(before.customers)
    expect(listBackups(out).length).toBe(before.backups) // no pre-restore backup was taken either
    // and a restore needs the confirmation
    expectCode(await t.raw(admin.key, 'backup', 'restore', { path: good.path }), 'validation')
  })

  it('takes the attachments along (unchanged ones as hard links) and restores them', async () => {
    const att = path.join(t.app.dataDir, 'attachments', '2026', '12')
    fs.mkdirSync(att, { recursive: true })
    fs.writeFileSync(path.join(att, 'a1.pdf'), 'first attachment')
    const one = await t.call(admin.key, 'backup', 'run', {})
    fs.writeFileSync(path.join(att, 'a2.pdf'), 'second attachment')
    const two = await t.call(admin.key, 'backup', 'run', {})
    expect(one.attachments).toBe(1)
    expect(two.attachments).toBe(2)
    const inOne = fs.statSync(path.join(one.path, 'attachments', '2026', '12', 'a1.pdf'))
    const inTwo = fs.statSync(path.join(two.path, 'attachments', '2026', '12', 'a1.pdf'))
    expect(inTwo.ino).toBe(inOne.ino) // the same file on disk
    fs.rmSync(path.join(att, 'a1.pdf'))
    fs.writeFileSync(path.join(att, 'a3.pdf'), 'added after the backup')
    await t.call(admin.key, 'backup', 'restore', { path: one.path, confirm: true })
    expect(fs.readFileSync(path.join(att, 'a1.pdf'), 'utf8')).toBe('first attachment')
    expect(fs.existsSync(path.join(att, 'a3.pdf'))).toBe(false)
  })

  it('takes one automatic backup a day and keeps exactly the last N daily and M monthly ones', async () => {
    const auto = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-auto-'))
    try {
      await t.call(admin.key, 'backup', 'saveSettings', { enabled: true, folder: auto, keepDaily: 5, keepMonthly: 2 })
      const start = new Date(2026, 8, 1, 9, 0, 0) // 1 September 2026, local time
      for (let d = 0; d < 75; d++) {
        t.clock.setNow(new Date(start.getFullYear(), start.getMonth(), start.getDate() + d, 9))
        expect(await runDueBackup(t.app)).not.toBeNull()
        expect(await runDueBackup(t.app)).toBeNull() // once a day
      }
      const kept = listBackups(auto).filter((b) => b.kind === 'auto')
      expect(kept).toHaveLength(5 + 2)
      const days = kept.map((b) => b.name.slice('crm-backup-'.length, 'crm-backup-'.length + 8))
      // older than the five days: the newest of November before them (the 9th) and of October
      expect(days).toEqual(['20261114', '20261113', '20261112', '20261111', '20261110', '20261109', '20261031'])
      expect(applyRetention(auto, { keepDaily: 5, keepMonthly: 2 })).toEqual([]) // stable
      // a manual backup is never removed by the retention
      const manual = await t.call(admin.key, 'backup', 'run', {})
      t.clock.setNow(new Date(2026, 10, 15, 9))
      await runDueBackup(t.app)
      expect(listBackups(auto).map((b) => b.name)).toContain(manual.name)
      expect(listBackups(auto).filter((b) => b.kind === 'auto')).toHaveLength(7)
      // off: nothing
      await t.call(admin.key, 'backup', 'saveSettings', { enabled: false, folder: auto, keepDaily: 5, keepMonthly: 2 })
      t.clock.setNow(new Date(2026, 10, 16, 9))
      expect(await runDueBackup(t.app)).toBeNull()
    } finally {
      t.clock.reset()
      await t.call(admin.key, 'backup', 'saveSettings', { enabled: true, folder: out, keepDaily: 7, keepMonthly: 12 })
      fs.rmSync(auto, { recursive: true, force: true })
    }
  })

  it('only an administrator backs up and restores', async () => {
    const rep = await t.userSession('bk_rep', 'manager')
    expectCode(await t.raw(rep.key, 'backup', 'run', {}), 'forbidden')
    expectCode(await t.raw(rep.key, 'backup', 'status', {}), 'forbidden')
    expectCode(await t.raw(rep.key, 'backup', 'restore', { path: out, confirm: true }), 'forbidden')
    const status = await t.call(admin.key, 'backup', 'status', {})
    expect(status.supported).toBe(true)
    expect(status.backups.length).toBeGreaterThan(0)
    expect(status.lastAt).not.toBeNull()
  })

  it('exports an .xlsx archive of what the caller may see', async () => {
    const rep = await t.userSession('bk_rep2', 'manager')
    await t.call(rep.key, 'customers', 'create', { name: '客户经理自己的客户' })
    const mine = await t.call(rep.key, 'backup', 'exportArchive', {})
    expect(mine.rows.customers).toBe(1)
    const all = await t.call(admin.key, 'backup', 'exportArchive', { locale: 'en-US' })
    expect(all.rows.customers).toBe(await count(t, 'customers', { deleted_at: null }))
    const ExcelJS = (await import('exceljs')).default
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(mine.path)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['客户', '联系人', '交往记录'])
    expect(wb.worksheets[0].getRow(2).getCell(2).value).toBe('客户经理自己的客户')
    const wb2 = new ExcelJS.Workbook()
    await wb2.xlsx.readFile(all.path)
    expect(wb2.worksheets[0].name).toBe('Customers')
    expect(wb2.worksheets[0].rowCount).toBe(all.rows.customers + 1)
  })
})

describe('backup service helpers [sqlite]', () => {
  it('takeBackup to another folder leaves the configured folder alone (crm backup --out)', async () => {
    const t = await makeTestApp('sqlite')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-out-'))
    try {
      const e = await takeBackup(t.app, 'manual', dir)
      expect(path.dirname(e.path)).toBe(dir)
      expect(fs.existsSync(path.join(e.path, 'manifest.json'))).toBe(true)
      await expect(restoreBackup(t.app, path.join(e.path, 'crm.sqlite'))).resolves.toMatchObject({ restoredFrom: e.path })
    } finally {
      await t.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the daily automatic backup of a big file [sqlite]', () => {
  it('leaves the event loop free: a timer keeps firing all through, and the copy is whole', async () => {
    const t = await makeTestApp('sqlite')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-big-'))
    try {
      const { key } = await t.userSession('big_bk_admin', 'admin')
      await t.call(key, 'backup', 'saveSettings', { enabled: true, folder: dir, keepDaily: 7, keepMonthly: 12 })
      for (let i = 0; i < 5; i++) await t.call(key, 'customers', 'create', { name: `大文件备份客户${i}` })
      // tens of MB of indexed rows: the copy and its integrity_check take a while (on the event loop: one long hold)
      const ROWS = 400_000
      await t.app.db.knex.raw('create table bulk_padding (id integer primary key, a text not null, b text not null)')
      await t.app.db.knex.raw(`insert into bulk_padding (id, a, b) with recursive n(i) as (select 1 union all select i + 1 from n where i < ${ROWS}) select i, hex(randomblob(16)), hex(randomblob(24)) from n`)
      await t.app.db.knex.raw('create index bulk_padding_a on bulk_padding (a)')
      await t.app.db.knex.raw('pragma wal_checkpoint(TRUNCATE)')
      const live = (t.app.dbConfig as { file: string }).file
      expect(fs.statSync(live).size).toBeGreaterThan(30e6)

      const ticks: number[] = []
      const timer = setInterval(() => ticks.push(performance.now()), 5)
      const start = performance.now()
      let entry
      try {
        entry = await runDueBackup(t.app)
      } finally {
        clearInterval(timer)
      }
      const end = performance.now()
      expect(entry).not.toBeNull()
      // counts, not wall-clock bounds (a loaded machine stretches every gap): the timer fired many
      // times and no gap between its ticks (or the ends) covers half of the backup. On the event
      // loop the copy and the check were one hold: no tick in between, one gap ≈ the whole backup.
      const marks = [start, ...ticks, end]
      const gaps = marks.slice(1).map((m, i) => m - marks[i])
      const longest = Math.max(...gaps)
      console.log(`backup of ${(fs.statSync(live).size / 1e6).toFixed(1)} MB: ${(end - start).toFixed(0)} ms, ${ticks.length} ticks, longest gap ${longest.toFixed(1)} ms, load ${os.loadavg()[0].toFixed(2)}`)
      expect(ticks.length).toBeGreaterThanOrEqual(10)
      expect(longest).toBeLessThan((end - start) / 2)

      // a valid, complete copy
      const copy = path.join(entry!.path, 'crm.sqlite')
      expect(await checkSqliteFile(copy)).toMatchObject({ ok: true, problem: null })
      const b = new Database(copy, { readonly: true })
      try {
        expect((b.pragma('integrity_check') as Array<{ integrity_check: string }>)[0].integrity_check).toBe('ok')
        expect((b.prepare('select count(*) n, count(distinct a) d from bulk_padding').get() as { n: number; d: number })).toEqual({ n: ROWS, d: ROWS })
        expect((b.prepare('select count(*) n from customers where deleted_at is null').get() as { n: number }).n).toBe(5)
      } finally {
        b.close()
      }
      expect(entry!.counts.customers).toBe(5)
      expect(entry!.kind).toBe('auto')
    } finally {
      await t.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe.runIf(!!PG_URL)('backup on PostgreSQL', () => {
  it('shows the server commands (no password) and does not back up itself', async () => {
    const t = await makeTestApp('postgres')
    try {
      const { key } = await t.userSession('pg_bk_admin', 'admin')
      const s = await t.call(key, 'backup', 'status', {})
      expect(s.supported).toBe(false)
      expect(s.backups).toEqual([])
      expect(s.serverCommands.map((c) => c.purpose)).toEqual(['backup', 'restore', 'afterRestore'])
      expect(s.serverCommands[0].command).toMatch(/^pg_dump --format=custom/)
      const pw = new URL(PG_URL).password
      if (pw) expect(JSON.stringify(s)).not.toContain(`:${pw}@`)
      expect(s.serverCommands[0].command).toContain(`${new URL(PG_URL).username}@`)
      expect(expectCode(await t.raw(key, 'backup', 'run', {}), 'rule').key).toBe('backup.errors.notSqlite')
      expect(await runDueBackup(t.app)).toBeNull()
      const archive = await t.call(key, 'backup', 'exportArchive', {})
      expect(archive.rows).toEqual({ customers: 0, contacts: 0, interactions: 0 })
    } finally {
      await t.close()
    }
  })
})
