// Minimal logger that never prints secrets: known secret-bearing keys are masked.
const SECRET = /(password|passwd|pwd|secret|token)=([^&\s;]+)/gi

export function redact(s: string): string {
  return s.replace(SECRET, '$1=***').replace(/(\/\/[^:/@\s]+:)([^@\s]+)@/g, '$1***@')
}

export function logError(what: string, e: unknown) {
  if (process.env.CRM_QUIET === '1') return
  const msg = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)
  console.error(`[crm] ${what}: ${redact(msg)}`)
}

export function logInfo(msg: string) {
  if (process.env.CRM_QUIET === '1') return
  console.log(`[crm] ${redact(msg)}`)
}
