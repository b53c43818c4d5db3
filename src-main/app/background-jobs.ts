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

export const REMINDER_EVALUATION_MS = 60 * 60 * 1000

/**
 * One run of the jobs, one after another, each failure logged and the next still run. Each job
 * commits in chunks and yields between them, so requests arriving meanwhile (the first page
 * after `crm serve` printed its URL) are answered all through it.
 */
export async function runBackgroundJobs(app: AppContext): Promise<void> {
  try {
    await evaluateReminders(app)
  } catch (e) {
    logError('reminder evaluation failed', e)
  }
  try {
    // 公海 rules: returns to the pool and 公海预警, after the reminders (their last contacts are fresh)
    await evaluatePool(app)
  } catch (e) {
    logError('pool rule evaluation failed', e)
  }
  try {
    await purgeDeletedFiles(app)
  } catch (e) {
    logError('attachment clean-up failed', e)
  }
  try {
    await dailyChurnCheck(app)
  } catch (e) {
    logError('churn check failed', e)
  }
  try {
    await runDueBackup(app) // notes and logs its own failures
  } catch (e) {
    logError('automatic backup failed', e)
  }
}

/** `getApp` is read on every run, so a context swapped in later (database reachable again) is used. */
export function startBackgroundJobs(getApp: () => AppContext, intervalMs = REMINDER_EVALUATION_MS): () => void {
  let running = false
  const run = async () => {
    const app = getApp()
    if (running || app.unreachable) return
    running = true
    try {
      await runBackgroundJobs(app)
    } finally {
      running = false
    }
  }
  // the first run starts once the caller's start-up (the window, the listening socket) is done
  const first = setImmediate(run)
  const timer = setInterval(run, intervalMs)
  timer.unref?.()
  return () => {
    clearImmediate(first)
    clearInterval(timer)
  }
}
