// Minimal logger that never prints secrets: every way a password can sit in a URL or a
// connection string is masked (`u:p@`, `?password=`, `;Pwd=`, `"password": "…"`).
const SECRET_PARAM = /((?:password|passwd|pwd|secret|token)=)([^&\s;]+)/gi
const SECRET_JSON = /("(?:password|passwd|pwd|secret|token)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi
const USERINFO = /(\/\/[^:/@\s]*:)([^@\s]+)@/g

export function redact(s: string): string {
  return s.replace(SECRET_PARAM, '$1***').replace(SECRET_JSON, '$1***$3').replace(USERINFO, '$1***@')
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

export function logWarn(msg: string) {
  if (process.env.CRM_QUIET === '1') return
  console.warn(`[crm] warning: ${redact(msg)}`)
}

export function logInfo(msg: string) {
  if (process.env.CRM_QUIET === '1') return
  console.log(`[crm] ${redact(msg)}`)
}
