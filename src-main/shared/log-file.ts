// The crash/error log of the desktop app and `crm serve`: <dataDir>/logs/crm.log, one line per
// entry with an ISO time, rotated at 1 MiB (crm.log.1 … crm.log.3 kept). Everything written here
// has already gone through log.ts's redact(); readLogTail() redacts again for what is shown.
import fs from 'node:fs'
import path from 'node:path'
import { redact, setLogSink } from './log'

export const LOG_FILE = 'crm.log'
export const LOG_MAX_BYTES = 1024 * 1024
export const LOG_KEEP = 3

export const logFileOf = (dataDir: string) => path.join(dataDir, 'logs', LOG_FILE)

/** Renames crm.log → crm.log.1 → … (the oldest beyond LOG_KEEP goes). */
function rotate(file: string) {
  for (let i = LOG_KEEP; i >= 1; i--) {
    const from = i === 1 ? file : `${file}.${i - 1}`
    const to = `${file}.${i}`
    try {
      if (fs.existsSync(from)) fs.renameSync(from, to)
    } catch {
      /* another process rotated it: carry on */
    }
  }
}

/**
 * Appends every log line to the data folder's log file from now on (synchronously, so a crash
 * still leaves its last words). Returns a function that stops it. `maxBytes` for tests.
 */
export function startLogFile(dataDir: string, opts: { maxBytes?: number } = {}): () => void {
  const file = logFileOf(dataDir)
  const max = opts.maxBytes ?? LOG_MAX_BYTES
  fs.mkdirSync(path.dirname(file), { recursive: true })
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0
  const write = (level: string, line: string) => {
    const text = `${new Date().toISOString()} ${level} ${line.replace(/\r?\n/g, '\n    ')}\n`
    try {
      if (size + text.length > max && size > 0) {
        rotate(file)
        size = 0
      }
      fs.appendFileSync(file, text, { mode: 0o600 })
      size += Buffer.byteLength(text)
    } catch {
      /* a full disk must not take the app down */
    }
  }
  setLogSink(write)
  return () => setLogSink(null)
}

/** The last `lines` lines of the log (newest last), redacted once more; [] without a log. */
export function readLogTail(dataDir: string, lines = 60): string[] {
  const file = logFileOf(dataDir)
  try {
    const st = fs.statSync(file)
    const len = Math.min(st.size, 256 * 1024)
    const fd = fs.openSync(file, 'r')
    try {
      const buf = Buffer.alloc(len)
      fs.readSync(fd, buf, 0, len, st.size - len)
      const all = buf.toString('utf8').split('\n').filter(Boolean)
      return all.slice(-lines).map(redact)
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return []
  }
}
