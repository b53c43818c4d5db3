// Which process has a data folder open for good: the desktop app and `crm serve` write
// <dataDir>/crm.pid while they run, so `crm restore` can refuse to swap the database file
// under them (they would go on writing to the replaced file and lose it).
import fs from 'node:fs'
import path from 'node:path'

export const RUN_LOCK_FILE = 'crm.pid'

export interface RunLock {
  pid: number
  what: string
  startedAt: string
}

const lockFileOf = (dataDir: string) => path.join(dataDir, RUN_LOCK_FILE)

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

/** The other process running on this data folder, if any (a stale file is ignored). */
export function runningApp(dataDir: string): RunLock | null {
  try {
    const lock = JSON.parse(fs.readFileSync(lockFileOf(dataDir), 'utf8')) as RunLock
    if (!Number.isInteger(lock.pid) || lock.pid === process.pid || !alive(lock.pid)) return null
    return lock
  } catch {
    return null
  }
}

/** Marks the data folder as in use by this process until the returned function is called (or the process exits). */
export function holdRunLock(dataDir: string, what: string): () => void {
  const file = lockFileOf(dataDir)
  try {
    fs.mkdirSync(dataDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, what, startedAt: new Date().toISOString() }))
  } catch {
    return () => {}
  }
  const release = () => {
    try {
      const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as RunLock
      if (lock.pid === process.pid) fs.rmSync(file, { force: true })
    } catch {
      /* gone already */
    }
  }
  process.once('exit', release)
  return release
}
