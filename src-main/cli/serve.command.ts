// crm serve: the browser mode. Opens the database, builds the renderer when needed and
// serves both on the loopback interface until SIGINT/SIGTERM.
import { AdjustableClock } from '../db/clock'
import { startBridge } from '../server/http-bridge'
import { startBackgroundJobs } from '../app/background-jobs'
import { holdRunLock } from '../app/run-lock'
import { startLogFile } from '../shared/log-file'
import { Option, type Command } from 'commander'
import { CliError, intArg, withDbOptions, type DbOpts } from './cli-args'
import { cliDbConfig, openCliApp } from './cli-db'
import type { Out } from './output'
import { ensureRendererBuilt } from './renderer-build'

interface ServeOpts extends DbOpts {
  port?: number
  host: string
}

export function registerServe(program: Command, out: Out) {
  withDbOptions(program.command('serve'))
    .summary('run the browser mode on the loopback interface')
    .description('Run the browser mode on the loopback interface until Ctrl+C: the same app in a browser.')
    .addOption(new Option('--port <n>', 'port to listen on').argParser(intArg('port', 1, 65535)))
    .option('--host <host>', '127.0.0.1 or localhost', '127.0.0.1')
    .action((o: ServeOpts) => serve(o, out))
}

async function serve(p: ServeOpts, out: Out): Promise<void> {
  const port = p.port
  if (port === undefined) throw new CliError('missing --port')
  const host = p.host
  if (host !== '127.0.0.1' && host !== 'localhost') throw new CliError('--host must be 127.0.0.1 or localhost: the browser mode never listens on the network')

  const staticDir = await ensureRendererBuilt()
  const clock = process.env.CRM_TEST_HOOKS === '1' ? new AdjustableClock() : undefined
  const app = await openCliApp(await cliDbConfig(p), { browserMode: true, clock })
  let bridge
  try {
    bridge = await startBridge({ app, port, staticDir, host })
  } catch (e) {
    await app.db.knex.destroy()
    const code = (e as { code?: string }).code
    throw new CliError(code === 'EADDRINUSE' ? `port ${port} is already in use` : (e as Error).message)
  }
  const releaseLock = holdRunLock(app.dataDir, 'browser mode (crm serve)')
  const stopLog = startLogFile(app.dataDir)
  out.log(`CRM running at http://${host}:${port}/`)
  // after listening, in the background: the first reminder evaluation (minutes on a large fresh
  // database) commits in chunks and yields between them, so requests are answered all through it
  const stopJobs = startBackgroundJobs(() => app)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  stopJobs()
  await bridge.close()
  await app.db.knex.destroy()
  stopLog()
  releaseLock()
}
