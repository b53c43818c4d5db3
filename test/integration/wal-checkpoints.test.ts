// SQLite WAL checkpoints in a worker thread (issue 8 item 3): in the desktop app and `crm serve`
// the app's connection no longer checkpoints inside its COMMITs on the event loop.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openDb } from '../../src-main/db/connection'
import { checkpointInWorker, waitForCheckpoints, walCheckpointStats, WAL_FALLBACK_PAGES, WAL_SIZE_LIMIT_BYTES } from '../../src-main/db/wal-checkpoints'

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return false
}

describe('WAL checkpoints off the main thread (SQLite)', () => {
  const dirs: string[] = []
  const tempFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-wal-'))
    dirs.push(dir)
    return path.join(dir, 'crm.sqlite')
  }
  afterEach(() => {
    vi.restoreAllMocks()
    checkpointInWorker(false)
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })

  /** ~4 MB of committed pages in 40 transactions (the -wal file passes the worker's start mark). */
  const writeMegabytes = async (db: ReturnType<typeof openDb>) => {
    await db.knex.schema.createTable('blobs', (t) => {
      t.integer('n').primary()
      t.text('body')
    })
    for (let i = 0; i < 40; i++) {
      await db.knex.transaction(async (trx) => {
        await trx('blobs').insert(Array.from({ length: 25 }, (_, j) => ({ n: i * 25 + j, body: `${i}-${j}-`.padEnd(4000, '数据') })))
      })
    }
  }

  it('the worker checkpoints every committed frame, the connection only at a fallback mark, and the data is all there after close', async () => {
    checkpointInWorker(true)
    const file = tempFile()
    const db = openDb({ dialect: 'sqlite', file })
    expect((await db.knex.raw('pragma wal_autocheckpoint'))[0]).toEqual({ wal_autocheckpoint: WAL_FALLBACK_PAGES })
    expect((await db.knex.raw('pragma journal_size_limit'))[0]).toEqual({ journal_size_limit: WAL_SIZE_LIMIT_BYTES })
    await writeMegabytes(db)
    const stats = walCheckpointStats(db.knex)!
    expect(stats).not.toBeNull()
    // after the last commit: a checkpoint that found every frame of the -wal file in the database
    expect(await until(() => stats.runs > 0 && !!stats.last && stats.last.log > 0 && stats.last.checkpointed === stats.last.log)).toBe(true)
    expect(stats.failed).toBe(false)
    // the -wal file is now larger than SQLite's own mark would have let it grow before a checkpoint
    // on this connection: the COMMITs above did not checkpoint
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(1000 * 4096)
    await db.knex.destroy() // closes the worker's handle first; resolves (no thread left waiting)
    const check = new Database(file, { readonly: true })
    try {
      expect(check.prepare('select count(*) as n, sum(length(body)) as chars from blobs').get()).toEqual({ n: 1000, chars: 1000 * 4000 })
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      check.close()
    }
  })

  it('is off unless switched on: the connection checkpoints by itself as SQLite does (commands, tests, :memory:)', async () => {
    const file = tempFile()
    const db = openDb({ dialect: 'sqlite', file })
    try {
      expect((await db.knex.raw('pragma wal_autocheckpoint'))[0]).toEqual({ wal_autocheckpoint: 1000 })
      expect(walCheckpointStats(db.knex)).toBeNull()
    } finally {
      await db.knex.destroy()
    }
    checkpointInWorker(true)
    const mem = openDb({ dialect: 'sqlite', file: ':memory:' })
    try {
      expect(walCheckpointStats(mem.knex)).toBeNull()
    } finally {
      await mem.knex.destroy()
    }
  })

  it('a handle that wrote little never starts a thread', async () => {
    checkpointInWorker(true)
    const db = openDb({ dialect: 'sqlite', file: tempFile() })
    try {
      await db.knex.schema.createTable('small', (t) => t.integer('n'))
      await db.knex('small').insert({ n: 1 })
      await new Promise((r) => setTimeout(r, 300))
      expect(walCheckpointStats(db.knex)).toMatchObject({ runs: 0, failed: false })
    } finally {
      await db.knex.destroy()
    }
  })

  it('before the worker starts, the -wal file is looked at at most every 200 ms, and a WAL grown by the last query of a burst still starts it', async () => {
    checkpointInWorker(true)
    const file = tempFile()
    const walStats: number[] = []
    const statSync = fs.statSync
    vi.spyOn(fs, 'statSync').mockImplementation(((p: fs.PathLike, o?: fs.StatSyncOptions) => {
      if (String(p) === `${file}-wal`) walStats.push(performance.now())
      return statSync(p, o)
    }) as typeof fs.statSync)
    const db = openDb({ dialect: 'sqlite', file })
    try {
      await db.knex.schema.createTable('blobs', (t) => {
        t.integer('n').primary()
        t.text('body')
      })
      // a burst of small queries: one stat per window, not one per query
      const from = performance.now()
      let queries = 0
      while (performance.now() - from < 600) {
        await db.knex('blobs').count({ n: '*' })
        queries++
      }
      const seen = walStats.length
      expect(queries).toBeGreaterThan(seen * 3)
      expect(seen).toBeLessThanOrEqual(Math.floor((performance.now() - from) / 200) + 2)
      for (let i = 1; i < walStats.length; i++) expect(walStats[i]! - walStats[i - 1]!).toBeGreaterThanOrEqual(199)
      expect(walCheckpointStats(db.knex)).toMatchObject({ runs: 0, failed: false })
      // ~3 MB in one transaction right after a query: its COMMIT falls in that query's window,
      // and no query comes after it — the window's end still sees the grown file
      await db.knex('blobs').count({ n: '*' })
      await db.knex.transaction(async (trx) => {
        for (let i = 0; i < 30; i++) await trx('blobs').insert(Array.from({ length: 25 }, (_, j) => ({ n: i * 25 + j, body: `${i}-${j}-`.padEnd(4000, 'x') })))
      })
      const stats = walCheckpointStats(db.knex)!
      expect(await until(() => stats.runs > 0 && !!stats.last && stats.last.checkpointed === stats.last.log)).toBe(true)
      expect(stats.failed).toBe(false)
    } finally {
      await db.knex.destroy()
    }
  })

  it('a job that outran the checkpoints waits between its transactions until every frame is in the database (waitForCheckpoints), and only then', async () => {
    checkpointInWorker(true)
    const file = tempFile()
    const db = openDb({ dialect: 'sqlite', file })
    let reader: Database.Database | null = null
    try {
      await writeMegabytes(db)
      reader = new Database(file, { readonly: true })
      const stats = walCheckpointStats(db.knex)!
      expect(await until(() => !!stats.last && stats.last.checkpointed === stats.last.log)).toBe(true)
      // caught up: no wait at all
      let t = performance.now()
      await waitForCheckpoints(db.knex, 1, 5000)
      expect(performance.now() - t).toBeLessThan(100)
      // a reader's snapshot keeps the worker from copying the frames committed after it: behind
      reader.prepare('begin').run()
      reader.prepare('select count(*) as n from blobs').get()
      for (let i = 0; i < 10; i++) await db.knex('blobs').where('n', i).update({ body: `${i}`.padEnd(4000, '改') })
      expect(await until(() => !!stats.last && stats.last.checkpointed < stats.last.log)).toBe(true)
      t = performance.now()
      await waitForCheckpoints(db.knex, 1, 400)
      expect(performance.now() - t).toBeGreaterThanOrEqual(380) // waited for it, up to the limit given
      // the reader gone, the worker copies the rest and the wait ends
      reader.prepare('commit').run()
      t = performance.now()
      await waitForCheckpoints(db.knex, 1, 10_000)
      expect(performance.now() - t).toBeLessThan(5000)
      expect(stats.last!.checkpointed).toBe(stats.last!.log)
      // not behind by the threshold (the default: thousands of frames): no wait
      t = performance.now()
      await waitForCheckpoints(db.knex)
      expect(performance.now() - t).toBeLessThan(100)
    } finally {
      reader?.close()
      await db.knex.destroy()
    }
  })

  it('waitForCheckpoints without a worker (commands, tests) returns at once', async () => {
    const db = openDb({ dialect: 'sqlite', file: tempFile() })
    try {
      await writeMegabytes(db)
      const t = performance.now()
      await waitForCheckpoints(db.knex, 1, 5000)
      expect(performance.now() - t).toBeLessThan(100)
    } finally {
      await db.knex.destroy()
    }
  })
})
