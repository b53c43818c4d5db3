// The stored version of a row, for tests that edit a row they did not just read through the api
// (an edit must say which version it is based on; a stale one answers conflict).
import type { TestApp } from './test-app'

export async function versionOf(t: TestApp, table: string, id: string): Promise<number> {
  const r = await t.app.db.knex(table).where({ id }).first('version')
  if (!r) throw new Error(`no ${table} row ${id}`)
  return Number(r.version)
}
