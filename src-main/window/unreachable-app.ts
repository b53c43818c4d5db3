// When the central database cannot be reached at start, the window still opens: the app
// runs on a stand-in context whose every database use fails with `db_unreachable` (so
// auth.status tells the renderer, which shows a clear message), while the main process
// keeps retrying and swaps in the real context once the database answers. Being marked
// `unreachable`, it lets the connection settings run without a login so they can be fixed.
import type { Knex } from 'knex'
import type { AppContext } from '../modules/context'
import { describeDb, type DbConfig } from '../db/config'
import { systemClock } from '../db/clock'
import { AppError } from '../shared/errors'

/**
 * Answered to every call, auth.status before login included: that the database does not
 * answer, never where it is (the main process logs the masked location).
 */
export function unreachableError() {
  return new AppError('db_unreachable', 'the database cannot be reached', { key: 'errors.db_unreachable' })
}

/** A knex stand-in: calling it or touching any of its members throws db_unreachable. */
function failingKnex(): Knex {
  const fail = () => {
    throw unreachableError()
  }
  return new Proxy(function () {} as unknown as Knex, {
    apply: fail,
    get: (_t, prop) => (prop === 'then' ? undefined : prop === 'destroy' ? async () => {} : fail()),
  })
}

export function unreachableApp(o: { config: DbConfig; dataDir: string; settingsStore?: AppContext['settingsStore'] }): AppContext {
  return {
    db: { knex: failingKnex(), dialect: o.config.dialect },
    clock: systemClock,
    dataDir: o.dataDir,
    browserMode: false,
    dbDescription: describeDb(o.config),
    dbConfig: o.config,
    settingsStore: o.settingsStore,
    unreachable: true,
  }
}

/** Retries `open` every `intervalMs` until it succeeds; returns a stop function. */
export function retryUntilOpen(open: () => Promise<AppContext>, onOpen: (app: AppContext) => void, intervalMs = 15_000): () => void {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const attempt = async () => {
    if (stopped) return
    try {
      const app = await open()
      if (stopped) await app.db.knex.destroy()
      else onOpen(app)
    } catch {
      if (!stopped) timer = setTimeout(attempt, intervalMs)
    }
  }
  timer = setTimeout(attempt, intervalMs)
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
  }
}
