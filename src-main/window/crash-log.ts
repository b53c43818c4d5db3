// The desktop app's crash/error log: <data folder>/logs/crm.log (shared/log-file.ts), started
// before anything else so a failed start leaves its reason there. Every logError goes in, and
// so do what would otherwise vanish: an uncaught exception in the main process (watched only:
// Electron still handles it as it would), a promise rejection nobody handled, and a renderer or
// helper process that crashed or was killed. Lines are redacted (no passwords); customer data
// is never logged. 关于 → 复制诊断信息 includes its last lines for administrators.
import { logError, logInfo } from '../shared/log'
import { startLogFile } from '../shared/log-file'

interface Emitter {
  on(event: string, listener: (...args: any[]) => void): unknown
  removeListener(event: string, listener: (...args: any[]) => void): unknown
}

export interface CrashLogOptions {
  dataDir: string
  /** Electron's app (render-process-gone, child-process-gone) */
  app: Emitter
  /** the main process (uncaughtExceptionMonitor, unhandledRejection) */
  proc: Emitter
  version: string
}

/** Starts the log file and the crash listeners; returns a function that stops both. */
export function startCrashLog(o: CrashLogOptions): () => void {
  const stopFile = startLogFile(o.dataDir)
  const listeners: Array<[Emitter, string, (...args: any[]) => void]> = [
    [o.proc, 'uncaughtExceptionMonitor', (e: unknown) => logError('uncaught exception in the main process', e)],
    [o.proc, 'unhandledRejection', (e: unknown) => logError('unhandled promise rejection in the main process', e)],
    [o.app, 'render-process-gone', (_e: unknown, _wc: unknown, d: { reason?: string; exitCode?: number }) =>
      logError('window process gone', `${d?.reason ?? 'unknown'} (exit code ${d?.exitCode ?? '?'})`)],
    [o.app, 'child-process-gone', (_e: unknown, d: { type?: string; reason?: string; exitCode?: number; name?: string }) =>
      logError(`${d?.type ?? 'helper'} process gone`, `${d?.name ? `${d.name}: ` : ''}${d?.reason ?? 'unknown'} (exit code ${d?.exitCode ?? '?'})`)],
  ]
  for (const [em, ev, fn] of listeners) em.on(ev, fn)
  logInfo(`desktop app ${o.version} starting (${process.platform} ${process.arch})`)
  return () => {
    for (const [em, ev, fn] of listeners) em.removeListener(ev, fn)
    stopFile()
  }
}
