// Minimal logger that never prints secrets: known secret-bearing keys are masked.
const SECRET = /(password|passwd|pwd|secret|token)=([^&\s;]+)/gi

export function redact(s: string): string {
  return s.replace(SECRET, '$1=***').replace(/(\/\/[^:/@\s]+:)([^@\s]+)@/g, '$1***@')
}

/** Logs an error; `brief` logs one short line without the stack (for callers nobody vouches for). */
export function logError(what: string, e: unknown, opts: { brief?: boolean } = {}) {
  if (process.env.CRM_QUIET === '1') return
  if (opts.brief) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200)
    console.error(`[crm] ${what}: ${redact(first)}`)
    return
  }
  const msg = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)
  console.error(`[crm] ${what}: ${redact(msg)}`)
}

export function logInfo(msg: string) {
  if (process.env.CRM_QUIET === '1') return
  console.log(`[crm] ${redact(msg)}`)
}
