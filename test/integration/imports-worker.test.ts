// 导入 in a worker thread (app/imports-thread.ts), as the desktop app and `crm serve` run it: the
// rows read, checked and written by a thread with a database connection of its own, on SQLite and
// PostgreSQL. The same summary, error report and 撤销导入 as a run on the main thread; the main
// thread's event loop free all through it (a timer never late by 200 ms, lists answered); cancel;
// the app's database handle closing stops the run first (a restore replaces the file only after).
import knexFactory from 'knex'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { importsInWorker } from '../../src-main/app/imports-thread'
import { useImportRunner } from '../../src-main/modules/imports/imports.service'
import { describeEachDb, makeTestApp, MSSQL_IDS, type TestApp } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'
import { importFile, readWorkbook, upload, waitFor, xlsx } from './imports.fixtures'

const rowsOf = (prefix: string, n: number, phone: number) => {
  const rows: unknown[][] = [['公司名称', '联系人', '手机', '电话1']]
  for (let i = 0; i < n; i++) rows.push([`${prefix}${String(i).padStart(5, '0')}号有限公司`, `联系人${i}`, 13800000000 + i, `020-${phone + i}`])
  return rows
}

describeEachDb('imports in a worker thread', (dialect) => {
  let t: TestApp
  let s: Staff
  /** runs the worker runner took (it answers null where it cannot: the run would then go on the main thread) */
  let inWorker = 0
  const k = () => t.app.db.knex
  /** Waits until the run has written its first chunk. */
  const untilSomeWritten = async (batchId: string) => {
    for (let i = 0; i < 500; i++) {
      if ((await t.call(s.mgrA1.key, 'imports', 'progress', { batchId })).imported > 0) return
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  const count = async (like: string) => Number((await k()('customers').where('name', 'like', like).whereNull('deleted_at').count({ n: '*' }).first())!.n)

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(new Date('2026-12-06T02:00:00Z'))
    const runner = importsInWorker({ dbOptions: { normaliseIds: MSSQL_IDS } })
    useImportRunner({
      run: (ctx, spec, onState) => {
        const r = runner.run(ctx, spec, onState)
        if (r) inWorker++
        return r
      },
    })
  })
  afterAll(async () => {
    useImportRunner(null)
    await t?.close()
  })

  it('writes the rows from its own connection: the summary, the app clock, primary contacts, the error report and 撤销导入 as on the main thread', async () => {
    const rows = rowsOf('线程导入', 600, 80000000)
    rows.push(['线程坏邮箱有限公司', '王五', 'not-a-phone', null])
    rows.push([null, '无名', 13900000000, null])
    const r = await importFile(t, s.mgrA1.key, '客户.xlsx', await xlsx(rows))
    expect(r).toMatchObject({ status: 'done', rowsDone: 602, imported: 600, rejected: 2, hasErrorReport: true, undoable: true })
    const first = await k()('customers').where({ name: '线程导入00000号有限公司' }).first()
    expect(first).toMatchObject({ owner_id: s.mgrA1.userId, phone: '020-80000000' })
    // the worker's clock is the app's (moved by the test): not the machine's
    expect(new Date(String(first.created_at)).toISOString()).toMatch(/^2026-12-06T02:0/)
    const [c] = await k()('contacts').where({ customer_id: first.id }).whereNull('deleted_at')
    expect(c).toMatchObject({ name: '联系人0', mobile: '13800000000' })
    const rep = await readWorkbook((await t.call(s.mgrA1.key, 'imports', 'errorReport', { batchId: r.batchId })).contentBase64)
    expect(rep).toHaveLength(3)
    expect(rep[1]!.at(-1)).toContain('手机')
    expect(rep[2]!.at(-1)).toContain('客户名称：必填')
    // the batch row the worker wrote: what progress and undo read afterwards
    const batch = await k()('import_batches').where({ id: r.batchId }).first()
    expect(batch).toMatchObject({ status: 'done', imported: 600, rejected: 2 })
    expect(inWorker).toBe(1)
    expect(await t.call(s.mgrA1.key, 'imports', 'undo', { batchId: r.batchId })).toEqual({ removed: 600 })
    expect(await count('线程导入%')).toBe(0)
  })

  it('leaves the main thread free: a 10 ms timer is never 200 ms late and other calls answer while 3,000 rows import', async () => {
    const fileId = await upload(t, s.mgrA1.key, 'big.xlsx', await xlsx(rowsOf('并行线程', 3000, 81000000)))
    const started = await t.call(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'contact.name', 'contact.mobile', 'phone'] } })
    let last = performance.now()
    let worst = 0
    const timer = setInterval(() => {
      const now = performance.now()
      worst = Math.max(worst, now - last)
      last = now
    }, 10)
    const seen = new Set<number>()
    let answered = 0
    try {
      for (;;) {
        await new Promise((r) => setTimeout(r, 20))
        await t.call(s.mgrA2.key, 'customers', 'list', { page: 1, pageSize: 20 })
        await t.call(s.mgrA2.key, 'reminders', 'badge', {})
        answered++
        const p = await t.call(s.mgrA1.key, 'imports', 'progress', { batchId: started.batchId })
        if (p.status !== 'running') break
        seen.add(p.rowsDone)
      }
    } finally {
      clearInterval(timer)
    }
    const r = await waitFor(t, s.mgrA1.key, started.batchId)
    expect(r).toMatchObject({ status: 'done', imported: 3000 })
    expect(worst, `the longest gap of the main thread's timer during the import: ${worst.toFixed(0)} ms`).toBeLessThan(200)
    // progress came from the worker while it ran, and the calls were answered all through it
    expect(seen.size).toBeGreaterThanOrEqual(3)
    expect(answered).toBeGreaterThanOrEqual(seen.size)
    expect(await count('并行线程%')).toBe(3000)
    expect(inWorker).toBe(2)
  })

  it('users\' writes during the import (BEGIN IMMEDIATE: they wait for its chunk) never fail and are kept', async () => {
    const fileId = await upload(t, s.mgrA1.key, 'w.xlsx', await xlsx(rowsOf('写入并行', 2000, 82000000)))
    const started = await t.call(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'contact.name', 'contact.mobile', 'phone'] } })
    const names: string[] = []
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 30))
      const name = `并行新建${i}有限公司`
      await t.call(s.mgrA2.key, 'customers', 'create', { name })
      names.push(name)
    }
    const r = await waitFor(t, s.mgrA1.key, started.batchId)
    expect(r).toMatchObject({ status: 'done', imported: 2000 })
    expect(await count('并行新建%')).toBe(10)
  })

  it('cancel reaches the worker: it stops after its chunk and the summary counts what was written', async () => {
    const fileId = await upload(t, s.mgrA1.key, 'c.xlsx', await xlsx(rowsOf('线程取消', 3000, 83000000)))
    const started = await t.call(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'contact.name', 'contact.mobile', 'phone'] } })
    await untilSomeWritten(started.batchId)
    await t.call(s.mgrA1.key, 'imports', 'cancel', { batchId: started.batchId })
    const r = await waitFor(t, s.mgrA1.key, started.batchId)
    expect(r.status).toBe('cancelled')
    expect(r.imported).toBeGreaterThan(0)
    expect(r.imported).toBeLessThan(3000)
    expect(await count('线程取消%')).toBe(r.imported)
    expect(await k()('import_batches').where({ id: r.batchId }).first()).toMatchObject({ status: 'cancelled', imported: r.imported })
  })

  it('a worker thread that cannot start (a packaged app that cannot load it): the import runs on the main thread instead', async () => {
    const before = inWorker
    useImportRunner({ run: () => ({ done: Promise.reject(new Error('the worker could not load its entry')), cancel: () => undefined }) })
    try {
      const r = await importFile(t, s.mgrA1.key, '回退.xlsx', await xlsx(rowsOf('线程回退', 300, 85000000)))
      expect(r).toMatchObject({ status: 'done', imported: 300, rejected: 0 })
      expect(await count('线程回退%')).toBe(300)
      expect(await k()('import_batches').where({ id: r.batchId }).first()).toMatchObject({ status: 'done', imported: 300 })
    } finally {
      const runner = importsInWorker({ dbOptions: { normaliseIds: MSSQL_IDS } })
      useImportRunner({ run: (ctx, spec, onState) => runner.run(ctx, spec, onState) })
    }
    expect(inWorker).toBe(before)
  })

  it('closing the app\'s database handle stops a running import first: nothing writes to the file after it', async () => {
    const fileId = await upload(t, s.mgrA1.key, 'd.xlsx', await xlsx(rowsOf('线程关闭', 3000, 84000000)))
    const started = await t.call(s.mgrA1.key, 'imports', 'start', { fileId, entity: 'customers', options: { mapping: ['name', 'contact.name', 'contact.mobile', 'phone'] } })
    await untilSomeWritten(started.batchId)
    const cfg = t.app.dbConfig!
    await t.app.db.knex.destroy()
    // a handle of its own: the batch row says the run was cancelled, with what it wrote; nothing is added later
    const other = cfg.dialect === 'sqlite'
      ? knexFactory({ client: 'better-sqlite3', connection: { filename: cfg.file }, useNullAsDefault: true })
      : knexFactory({ client: 'pg', connection: (cfg as { url: string }).url })
    try {
      const b = await other('import_batches').where({ id: started.batchId.toLowerCase() }).first()
      expect(b).toMatchObject({ status: 'cancelled' })
      const n = async () => Number((await other('customers').where('name', 'like', '线程关闭%').count({ n: '*' }).first())!.n)
      const written = await n()
      expect(written).toBe(Number(b.imported))
      expect(written).toBeLessThan(3000)
      await new Promise((r) => setTimeout(r, 300))
      expect(await n()).toBe(written)
    } finally {
      await other.destroy()
    }
    // the test app's handle is gone: give close() a fresh one
    t.app.db.knex = (await import('../../src-main/db/connection')).openDb(cfg).knex
  })
})
