// SQLite WAL checkpoints off the main thread (issue 8 item 3). A checkpoint copies the pages
// committed to the -wal file back into the database file and syncs it. SQLite's automatic
// checkpoint runs inside the COMMIT that crosses its mark (1,000 pages), on the thread of the
// connection that commits — in this app the main process's event loop, where every IPC call and
// HTTP request waits. On a 2.8 GB file (100,000 customers) the background jobs' commits held the
// loop up to 1.7 s that way, 4.3 of their 5.3 s of COMMIT time (BENCHMARKS.md).
//
// In the app's long-running processes (the desktop app and `crm serve`, which switch this on) the
// app's connection checkpoints only as a fallback, at a much larger mark, and a connection of its
// own in a worker thread checkpoints soon after commits: PASSIVE, so it never waits for or blocks
// the app's readers and its writer (they go on reading the -wal file while it copies). The worker
// starts the first time the -wal file holds more than a few pages' worth, so short-lived handles
// (commands, tests) never start a thread. Elsewhere SQLite checkpoints as it always did.
import fs from 'node:fs'
import type { Knex } from 'knex'
import { logError } from '../shared/log'
import { openSqliteInWorker, type SqliteWorkerHandle } from './sqlite-worker'
import { beforeDestroy } from './knex-destroy'

/** The app's connection's own automatic checkpoint while the worker does them (~80 MB of WAL): only if the worker falls behind or fails. */
export const WAL_FALLBACK_PAGES = 20_000
/** What the -wal file is cut back to when it starts over after a checkpoint (a long job's commits can grow it to hundreds of MB). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
/** The worker starts once the -wal file is this large (SQLite's own mark is 1,000 pages of 4 KiB). */
const START_BYTES = 2 * 1024 * 1024
/** At most one checkpoint asked for per this many ms; each one after the commits that came before it. */
const EVERY_MS = 200

let offThread = false
/** The desktop app and `crm serve` run checkpoints off the main thread for every SQLite file they open from now on. */
export function checkpointInWorker(on: boolean) {
  offThread = on
}
export const checkpointsOffThread = () => offThread

export interface WalCheckpointStats {
  /** checkpoints the worker ran */
  runs: number
  /** the last one's answer: frames in the -wal file and how many of them are in the database file */
  last: { log: number; checkpointed: number } | null
  /** the worker could not start or failed: the app's connection checkpoints by itself again */
  failed: boolean
}

const statsOf = new WeakMap<Knex, WalCheckpointStats>()
const drainOf = new WeakMap<Knex, (frames: number, maxMs: number) => Promise<void>>()

/**
 * A batch job's commits can outrun the worker's checkpoints (on a file larger than the machine's
 * memory each one writes pages scattered over the file): the -wal file then never starts over, and
 * once it holds WAL_FALLBACK_PAGES the app's connection checkpoints inside its COMMITs again, on
 * the event loop (the first churn check at 1,000,000 customers: the -wal file at 21,720 frames, the
 * database file synced from the main thread). Past this many frames not yet in the database, a job
 * waits between its transactions for the worker (waitForCheckpoints) — the event loop free
 * meanwhile — and its next write starts the -wal file over (the same check: at most 5,979 frames).
 */
export const WAL_DRAIN_FRAMES = 5_000

/**
 * Between two transactions of a batch job: when the worker's last checkpoint left at least `frames`
 * frames in the -wal file and not all of them in the database, waits (asynchronously) until one
 * has copied them all — at most `maxMs`. Without a worker (commands, tests, PostgreSQL) at once.
 */
export async function waitForCheckpoints(knex: Knex, frames = WAL_DRAIN_FRAMES, maxMs = 5000): Promise<void> {
  await drainOf.get(knex)?.(frames, maxMs)
}
/** What the worker of this knex did (tests and benchmarks); null when none is attached. */
export const walCheckpointStats = (knex: Knex): WalCheckpointStats | null => statsOf.get(knex) ?? null

/**
 * Attaches the worker's checkpoints to the app's knex of an SQLite file: asked for after the
 * queries the knex answers (at most every EVERY_MS), closed before the knex is destroyed (a
 * restore replaces the file only after that).
 */
export function attachWalCheckpoints(knex: Knex, file: string): void {
  const stats: WalCheckpointStats = { runs: 0, last: null, failed: false }
  statsOf.set(knex, stats)
  const walFile = `${file}-wal`
  let worker: Promise<SqliteWorkerHandle | null> | null = null
  let running = false
  let again = false
  let lastAsked = 0
  let timer: NodeJS.Timeout | null = null
  let closed = false
  // before the worker starts: the -wal file's size looked at most every EVERY_MS (a burst of
  // queries would otherwise stat it once each), the last query of a window seen at its end
  let lastStat = -Infinity
  let statTimer: NodeJS.Timeout | null = null

  const fail = (e: unknown) => {
    if (stats.failed) return
    stats.failed = true
    logError('WAL checkpoints in a worker thread failed; the database connection checkpoints by itself again', e)
    knex.raw('pragma wal_autocheckpoint = 1000').catch(() => undefined)
  }
  const start = () =>
    (worker ??= openSqliteInWorker(file, { readonly: false }).catch((e) => {
      fail(e)
      return null
    }))
  const checkpoint = async () => {
    timer = null
    if (closed || stats.failed) return
    if (running) {
      again = true
      return
    }
    running = true
    lastAsked = performance.now()
    try {
      const w = await start()
      if (!w || closed) return
      const [r] = await w.pragma<{ busy: number; log: number; checkpointed: number }>('wal_checkpoint(PASSIVE)')
      stats.runs++
      stats.last = r ? { log: Number(r.log), checkpointed: Number(r.checkpointed) } : null
    } catch (e) {
      if (!closed) fail(e)
    } finally {
      running = false
      // commits that came while it ran: one more after them
      if (again && !closed) {
        again = false
        schedule()
      }
    }
  }
  const schedule = () => {
    if (timer || closed || stats.failed) return
    timer = setTimeout(checkpoint, Math.max(0, EVERY_MS - (performance.now() - lastAsked)))
    timer.unref?.()
  }
  /** Not started yet: the worker starts once the -wal file has grown past the mark (a stat, no more). */
  const startIfGrown = () => {
    statTimer = null
    if (closed || stats.failed || timer || worker) return
    lastStat = performance.now()
    let size = 0
    try {
      size = fs.statSync(walFile).size
    } catch {
      return
    }
    if (size >= START_BYTES) schedule()
  }
  knex.on('query-response', () => {
    if (closed || stats.failed || timer) return
    if (running) {
      again = true
      return
    }
    if (!worker) {
      if (statTimer) return
      const wait = EVERY_MS - (performance.now() - lastStat)
      if (wait <= 0) startIfGrown()
      else {
        statTimer = setTimeout(startIfGrown, wait)
        statTimer.unref?.()
      }
      return
    }
    schedule()
  })

  drainOf.set(knex, async (frames, maxMs) => {
    const end = performance.now() + maxMs
    const behind = () => !!stats.last && stats.last.log >= frames && stats.last.checkpointed < stats.last.log
    // by the last checkpoint's answer (at most one EVERY_MS and one checkpoint old): until one
    // finds every frame in the database (the next write then starts the -wal file over)
    while (!closed && !stats.failed && worker && behind() && performance.now() < end) {
      if (!timer && !running) schedule()
      await new Promise((r) => setTimeout(r, 20))
    }
  })

  beforeDestroy(knex, async () => {
    closed = true
    if (timer) clearTimeout(timer)
    if (statTimer) clearTimeout(statTimer)
    const w = worker ? await worker : null
    // a checkpoint under way ends first (the worker answers one message at a time)
    if (w) await w.close().catch(() => undefined)
  })
}
