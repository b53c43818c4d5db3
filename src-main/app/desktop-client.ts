// A desktop client (README: Offline sync), as the Electron app in client mode and
// `crm serve --client-dir` both run it: the local cache in the client folder, the central database
// synced on the timer (interval from 同步详情, default 60 s) and on demand, offline by itself while
// the central database does not answer. A new client folder syncs once before it answers (its user
// cannot log in before); that first sync needs the central database and the user's login.
import type { DbConfig } from '../db/config'
import type { Clock } from '../db/clock'
import { logInfo } from '../shared/log'
import { DesktopSync } from '../modules/sync/sync.desktop'

export interface DesktopClientOptions {
  clientDir: string
  central: DbConfig
  dataDir: string
  browserMode: boolean
  login?: string
  clock?: Clock
}

/** Where the Electron app finds its client folder: `--client-dir DIR` (and `--as LOGIN`) or CRM_CLIENT_DIR / CRM_CLIENT_LOGIN. */
export function clientModeFromArgs(argv: string[], env: NodeJS.ProcessEnv): { clientDir: string; login?: string } | null {
  const arg = (name: string) => {
    const i = argv.indexOf(name)
    if (i >= 0 && argv[i + 1]) return argv[i + 1]
    const eq = argv.find((a) => a.startsWith(`${name}=`))
    return eq ? eq.slice(name.length + 1) : undefined
  }
  const clientDir = arg('--client-dir') ?? env.CRM_CLIENT_DIR
  if (!clientDir) return null
  return { clientDir, login: arg('--as') ?? env.CRM_CLIENT_LOGIN }
}

export async function openDesktopClient(o: DesktopClientOptions): Promise<DesktopSync> {
  const d = await DesktopSync.open({ clientDir: o.clientDir, central: o.central, dataDir: o.dataDir, browserMode: o.browserMode, login: o.login, clock: o.clock })
  try {
    await d.start()
  } catch (e) {
    await d.close()
    throw e
  }
  logInfo(`desktop client: cache in ${o.clientDir}, sync every ${Math.round(d.loop.intervalMs / 1000)} s`)
  return d
}
