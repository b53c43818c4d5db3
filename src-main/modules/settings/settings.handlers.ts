import type { AppContext } from '../context'
import { svc, type AreaHandlers, type CallContext } from '../handler-types'
import { canRepairWithoutLogin, getDb, migrateDb, saveDb, setClock, testDb, type SettingsContext } from './settings.service'

/** The calls that repair the connection; without a session they reach the service only while the database is unreachable. */
const REPAIR_CALLS: ReadonlySet<string> = new Set(['getDb', 'testDb', 'saveDb'])

/** Whether dispatch may pass this settings call on without a session; the service checks again. */
export const runsWithoutSession = (app: AppContext, call: string) => REPAIR_CALLS.has(call) && canRepairWithoutLogin(app)

/** The service context with the actor, or none while the connection is being repaired. */
const repairCtx = (c: CallContext): SettingsContext => ({ ...c.app, actor: c.actor })

export const settingsHandlers: AreaHandlers<'settings'> = {
  getDb: (c) => getDb(repairCtx(c)),
  testDb: (c, i) => testDb(repairCtx(c), i),
  migrateDb: (c, i) => migrateDb(svc(c), i),
  saveDb: (c, i) => saveDb(repairCtx(c), i),
  setClock: (c, i) => setClock(svc(c), i),
}
