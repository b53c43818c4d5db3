import { svc, type AreaHandlers } from '../../ipc/handler-types'
import { getDb, migrateDb, saveDb, setClock, testDb } from './settings.service'

export const settingsHandlers: AreaHandlers<'settings'> = {
  getDb: (c) => getDb(svc(c)),
  testDb: (c, i) => testDb(svc(c), i),
  migrateDb: (c, i) => migrateDb(svc(c), i),
  saveDb: (c, i) => saveDb(svc(c), i),
  setClock: (c, i) => setClock(svc(c), i),
}
