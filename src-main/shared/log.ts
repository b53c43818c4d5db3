// Minimal logger that never prints secrets: every way a password can sit in a URL or a
// connection string is masked (`u:p@`, `?password=`, `;Pwd=`, `"password": "…"`).
const SECRET_PARAM = /((?:password|passwd|pwd|secret|token)=)([^&\s;]+)/gi
const SECRET_JSON = /("(?:password|passwd|pwd|secret|token)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi
const USERINFO = /(\/\/[^:/@\s]*:)([^@\s]+)@/g

export function redact(s: string): string {
  return s.replace(SECRET_PARAM, '$1***').replace(SECRET_JSON, '$1***$3').replace(USERINFO, '$1***@')
}

/** Where log lines also go (the data folder's log file, see log-file.ts); null: the console only. */
type Sink = (level: 'ERROR' | 'INFO', line: string) => void
let sink: Sink | null = null
export function setLogSink(s: Sink | null) {
  sink = s
}

/** Logs an error; `brief` logs one short line without the stack (for callers nobody vouches for). */
export function logError(what: string, e: unknown, opts: { brief?: boolean } = {}) {
  let line: string
  if (opts.brief) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200)
    line = redact(`${what}: ${first}`)
  } else {
    const msg = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)
    line = redact(`${what}: ${msg}`) // the caller's words may hold a connection string too
  }
  sink?.('ERROR', line)
  if (process.env.CRM_QUIET !== '1') console.error(`[crm] ${line}`)
}

export function logWarn(msg: string) {
  if (process.env.CRM_QUIET === '1') return
  console.warn(`[crm] warning: ${redact(msg)}`)
}

export function logInfo(msg: string) {
  sink?.('INFO', redact(msg))
  if (process.env.CRM_QUIET === '1') return
  console.log(`[crm] ${redact(msg)}`)
}
