// Work the main process does on its own, at start and every hour: evaluating system reminders
// (policies, birthdays, promises, follow-ups), removing the files of deleted attachments, the
// daily churn check (once per app day) and the daily automatic backup of an embedded SQLite
// database (taken once a day, checked hourly). Used by the desktop app and `crm serve`.
import type { AppContext } from '../modules/context'
import { evaluateReminders } from '../modules/reminders/system-reminders.service'
import { evaluatePool } from '../modules/pool/pool.service'
import { runDueBackup } from '../modules/backup/backup.service'
import { purgeDeletedFiles } from '../modules/interactions/attachments.service'
import { dailyChurnCheck } from '../modules/churn/churn.service'
import { logError } from '../shared/log'
import { beforeDestroy } from '../db/knex-destroy'
import { releaseMemory } from '../db/dialect'

export const REMINDER_EVALUATION_MS = 60 * 60 * 1000

/** The jobs in their order, each with the message its failure is logged under. */
const JOBS: ReadonlyArray<readonly [(app: AppContext) => Promise<unknown>, string]> = [
  [evaluateReminders, 'reminder evaluation failed'],
  // 公海 rules: returns to the pool and 公海预警, after the reminders (their last contacts are fresh)
  [evaluatePool, 'pool rule evaluation failed'],
  [purgeDeletedFiles, 'attachment clean-up failed'],
  [dailyChurnCheck, 'churn check failed'],
  [runDueBackup, 'automatic backup failed'], // notes and logs its own failures
]

/** When a run ends early: `stopped` (the jobs stopped), `closed` (the run's database handle closed under it). */
export interface RunEnd {
  stopped(): boolean
  closed(): boolean
}

/**
 * One run of the jobs, one after another, each failure logged and the next still run. Each job
 * commits in chunks and yields between them, so requests arriving meanwhile (the first page
 * after `crm serve` printed its URL) are answered all through it. `onJob` is told each job's
 * name as it starts (the jobs' bench). Once stopped or closed (`end`) no further job starts; once
 * closed (quitting, a restore) the failure of the job running — its connection gone under it, what
 * it committed kept — is not logged as an error.
 */
export async function runBackgroundJobs(app: AppContext, onJob?: (name: string) => unknown, end: RunEnd = { stopped: () => false, closed: () => false }): Promise<void> {
  for (const [job, failed] of JOBS) {
    if (end.stopped() || end.closed()) return
    await onJob?.(job.name)
    try {
      await job(app)
    } catch (e) {
      if (!end.closed()) logError(failed, e)
    }
  }
  // what the round's reads left in the process (SQLite's map and cache) is given back: the main
  // process idles small between rounds (issue 8 item 5)
  if (!end.closed()) await releaseMemory(app.db.knex, app.db.dialect).catch((e: unknown) => logError('releasing memory failed', e))
}

/**
 * `getApp` is read on every run, so a context swapped in later (database reachable again) is used.
 * The function returned stops them: no run or job starts after it. `onJob` as in runBackgroundJobs.
 */
export function startBackgroundJobs(getApp: () => AppContext, intervalMs = REMINDER_EVALUATION_MS, onJob?: (name: string) => unknown): () => void {
  let running = false
  let stopped = false
  const run = async () => {
    const app = getApp()
    if (running || stopped || app.unreachable) return
    running = true
    // the handle this run uses being closed (quitting, a restore): the run ends with the job it is in
    let closed = false
    const unhook = beforeDestroy(app.db.knex, async () => {
      closed = true
    })
    try {
      await runBackgroundJobs(app, onJob, { stopped: () => stopped, closed: () => closed })
    } finally {
      unhook()
      running = false
    }
  }
  // the first run starts once the caller's start-up (the window, the listening socket) is done
  const first = setImmediate(run)
  const timer = setInterval(run, intervalMs)
  timer.unref?.()
  return () => {
    stopped = true
    clearImmediate(first)
    clearInterval(timer)
  }
}
