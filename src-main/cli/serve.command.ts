// crm serve: the browser mode. Opens the database, builds the renderer when needed and
// serves both on the loopback interface until SIGINT/SIGTERM.
import { AdjustableClock } from '../db/clock'
import { startBridge } from '../server/http-bridge'
import { startBackgroundJobs } from '../app/background-jobs'
import { CliError, intOpt, noPositionals, parseArgs } from './cli-args'
import { cliDbConfig, DB_OPTIONS, openCliApp } from './cli-db'
import type { Out } from './output'
import { ensureRendererBuilt } from './renderer-build'

export const serveUsage = 'crm serve --port P [--data DIR] [--db URL] [--host 127.0.0.1]'

export async function serveCommand(argv: string[], out: Out): Promise<void> {
  const p = parseArgs(argv, { strings: [...DB_OPTIONS, 'port', 'host'] })
  if (p.flags.help) return out.log(serveUsage)
  noPositionals(p, 'serve')
  const port = intOpt(p, 'port', 1, 65535)
  if (port === undefined) throw new CliError('missing --port')
  const host = p.opts.host ?? '127.0.0.1'
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
  const stopJobs = startBackgroundJobs(() => app)
  out.log(`CRM running at http://${host}:${port}/`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  stopJobs()
  await bridge.close()
  await app.db.knex.destroy()
}
