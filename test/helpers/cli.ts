// The `crm` command as a user runs it (a real process) over a temp data folder, for the CLI tests
// that run it against their own SQLite database (cli-report, cli-backup).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { openApp } from '../../src-main/app/bootstrap'

export const ROOT = path.resolve(__dirname, '..', '..')
export type CliApp = Awaited<ReturnType<typeof openApp>>

/** Runs `crm args…` from the repository (quiet), up to two minutes; its exit code and output. */
export function crm(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CRM_QUIET: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A data folder and an output folder for the calling file: made before its tests (call this first), removed after. */
export function cliFolders(prefix: string): { data: string; out: string } {
  const dirs = { data: '', out: '' }
  beforeAll(() => {
    dirs.data = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`))
    dirs.out = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-out-`))
  })
  afterAll(() => {
    fs.rmSync(dirs.data, { recursive: true, force: true })
    fs.rmSync(dirs.out, { recursive: true, force: true })
  })
  return dirs
}

/** Opens the folder's SQLite database as the app does, runs `fn`, closes it. */
export async function withDb<T>(dataDir: string, fn: (app: CliApp) => Promise<T>): Promise<T> {
  const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dataDir, 'crm.sqlite') }, dataDir })
  try {
    return await fn(app)
  } finally {
    await app.db.knex.destroy()
  }
}
