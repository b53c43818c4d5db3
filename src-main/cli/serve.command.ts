// crm serve: the browser mode. Opens the database, builds the renderer when needed and
// serves both on the loopback interface until SIGINT/SIGTERM. With --client-dir it runs as a
// desktop client (README: Offline sync): the local cache in that folder answers, the central
// database (--db) is synced on a timer, and the client goes offline and back by itself.
import path from 'node:path'
import { AdjustableClock } from '../db/clock'
import { describeDb } from '../db/config'
import { startBridge, type Bridge } from '../server/http-bridge'
import { startBackgroundJobs } from '../app/background-jobs'
import { importsInWorker } from '../app/imports-thread'
import { useImportRunner } from '../modules/imports/imports.service'
import { startReportScheduler } from '../app/report-scheduler'
import { holdRunLock } from '../app/run-lock'
import { openDesktopClient } from '../app/desktop-client'
import { startLogFile } from '../shared/log-file'
import { AppError } from '../shared/errors'
import { Option, type Command } from 'commander'
import { CliError, intArg, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import { checkpointInWorker } from '../db/wal-checkpoints'
import type { Out } from './output'
import { ensureRendererBuilt } from './renderer-build'
import type { AppContext } from '../modules/context'
import type { DesktopSync } from '../modules/sync/sync.desktop'

interface ServeOpts extends DbOpts {
  port?: number
  host: string
  clientDir?: string
  as?: string
}

export function registerServe(program: Command, out: Out) {
  withDbOptions(program.command('serve'))
    .summary('run the browser mode on the loopback interface')
    .description(
      'Run the browser mode on the loopback interface until Ctrl+C: the same app in a browser.\n' +
        'With --client-dir DIR it runs as a desktop client: the offline cache in DIR, the central database (--db) synced\n' +
        'every N seconds (同步详情; default 60) and on demand, offline by itself while the central database does not answer.\n' +
        'The first start of a client folder needs --as LOGIN (whose cache it is) and a reachable central database.',
    )
    .addOption(new Option('--port <n>', 'port to listen on').argParser(intArg('port', 1, 65535)))
    .option('--host <host>', '127.0.0.1 or localhost', '127.0.0.1')
    .option('--client-dir <dir>', 'run as a desktop client with its offline cache in this folder')
    .option('--as <login>', 'with --client-dir: the user whose cache it is (needed on the first start)')
    .action((o: ServeOpts) => serve(o, out))
}

async function serve(p: ServeOpts, out: Out): Promise<void> {
  const port = p.port
  if (port === undefined) throw new CliError('missing --port')
  const host = p.host
  if (host !== '127.0.0.1' && host !== 'localhost') throw new CliError('--host must be 127.0.0.1 or localhost: the browser mode never listens on the network')
  if (p.as && !p.clientDir) throw new CliError('--as needs --client-dir')

  const staticDir = await ensureRendererBuilt()
  const clock = process.env.CRM_TEST_HOOKS === '1' ? new AdjustableClock() : undefined
  // a long-running process answering requests: SQLite's checkpoints go to a worker thread
  checkpointInWorker(true)
  const db = await cliDbConfig(p)
  let app: AppContext
  let client: DesktopSync | undefined
  if (p.clientDir) {
    const clientDir = path.resolve(p.clientDir)
    try {
      client = await openDesktopClient({ clientDir, central: db.config, dataDir: db.dataDir, browserMode: true, login: p.as, clock })
    } catch (e) {
      throw new CliError(e instanceof AppError ? `${e.code}: ${e.message}` : (e as Error).message)
    }
    app = client.cache
  } else {
    app = await openCliApp(db, { browserMode: true, clock })
  }
  const closeApp = async () => {
    if (client) await client.close()
    else await app.db.knex.destroy()
  }
  let bridge: Bridge
  try {
    bridge = await startBridge({ app, port, staticDir, host, client })
  } catch (e) {
    await closeApp()
    const code = (e as { code?: string }).code
    throw new CliError(code === 'EADDRINUSE' ? `port ${port} is already in use` : (e as Error).message)
  }
  const releaseLock = holdRunLock(app.dataDir, client ? 'desktop client (crm serve --client-dir)' : 'browser mode (crm serve)')
  const stopLog = startLogFile(app.dataDir)
  out.log(`CRM running at http://${host}:${port}/${client ? ` as a desktop client of ${describeDb(db.config)} (cache in ${app.dataDir})` : ''}`)
  // after listening, in the background: the first reminder evaluation (minutes on a large fresh
  // database) commits in chunks and yields between them, so requests are answered all through it.
  // A desktop client runs none: the central database's own server does (its results are pulled).
  const stopJobs = client ? () => undefined : startBackgroundJobs(() => app)
  // imports run in a worker thread on a connection of their own (a desktop client's cache: here)
  if (!client) useImportRunner(importsInWorker())
  // 定时报告: likewise on the server of the central database only
  const stopReports = client ? () => undefined : startReportScheduler(() => app)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  stopJobs()
  stopReports()
  await bridge.close()
  await closeApp()
  stopLog()
  releaseLock()
}
