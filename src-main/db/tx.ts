// One transaction per user action; every synced write stamps the next central version
// from the single sync_version row, so version order is commit order on every dialect.
import type { Knex } from 'knex'
import type { Dialect } from './config'
import { waitForCheckpoints } from './wal-checkpoints'

export async function nextVersion(trx: Knex.Transaction): Promise<number> {
  await trx('sync_version').where({ id: 1 }).increment('version', 1)
  const row = await trx('sync_version').where({ id: 1 }).first('version')
  return Number(row.version)
}

export function withTx<T>(knex: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(fn)
}

/**
 * Lets waiting work go first between two chunks: a setImmediate lets incoming I/O (a request
 * that arrived while the chunk ran) in, then, while others use or wait for the database, the run
 * waits. On SQLite the one connection is shared and a user's request is several queries one after
 * another: the run waits until the pool has been idle for IDLE_MS, so a request's next query is not
 * put behind the next chunk (up to MAX_YIELD_MS, so a busy app still sees the run finish).
 * Elsewhere users have connections of their own: only the queued ones go first.
 */
const IDLE_MS = 3
type Pool = { numPendingAcquires(): number; numUsed(): number }

/** Whether some work waits for a connection of this knex's pool (on SQLite: for the one connection). */
export function workIsWaiting(knex: Knex): boolean {
  const pool = (knex.client as { pool?: Pool }).pool
  return !!pool && pool.numPendingAcquires() > 0
}

const MAX_YIELD_MS = 2000
export async function yieldToWaitingWork(knex: Knex, dialect: Dialect) {
  const pool = (knex.client as { pool?: Pool }).pool
  await new Promise((resolve) => setImmediate(resolve))
  // SQLite with checkpoints in a worker: a job that outran them waits here, not in a COMMIT
  if (dialect === 'sqlite') await waitForCheckpoints(knex)
  const start = performance.now()
  let busyAt = start
  while (pool && performance.now() - start < MAX_YIELD_MS) {
    const busy = pool.numPendingAcquires() > 0 || (dialect === 'sqlite' && pool.numUsed() > 0)
    const now = performance.now()
    if (busy) busyAt = now
    else if (dialect !== 'sqlite' || now - busyAt >= IDLE_MS) break
    await new Promise((resolve) => setTimeout(resolve, busy ? 0 : 1))
  }
}
