// 定时报告's timer in the main process (the desktop app and `crm serve`): every few minutes the
// saved reports that are due are generated, one after another, each awaited and the event loop
// given back between them (IPC and HTTP calls are answered all through a pass). A pass never
// overlaps the previous one; the claim in the service keeps other processes (a second desktop
// app on the same central database) from running the same period again.
import type { AppContext } from '../modules/context'
import { runDueReports } from '../modules/reports/reports.saved.service'
import { logError } from '../shared/log'

export const REPORT_SCHEDULER_MS = 5 * 60 * 1000

/** `getApp` is read on every pass (a context swapped in later is used). Answers the stop function. */
export function startReportScheduler(getApp: () => AppContext, intervalMs = REPORT_SCHEDULER_MS): () => void {
  let running = false
  const pass = async () => {
    const app = getApp()
    if (running || app.unreachable) return
    running = true
    try {
      await runDueReports(app)
    } catch (e) {
      logError('scheduled reports failed', e)
    } finally {
      running = false
    }
  }
  const first = setTimeout(pass, Math.min(intervalMs, 30_000))
  const timer = setInterval(pass, intervalMs)
  first.unref?.()
  timer.unref?.()
  return () => {
    clearTimeout(first)
    clearInterval(timer)
  }
}
