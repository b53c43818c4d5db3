// One transaction per user action; every synced write stamps the next central version
// from the single sync_version row, so version order is commit order on every dialect.
import type { Knex } from 'knex'

export async function nextVersion(trx: Knex.Transaction): Promise<number> {
  await trx('sync_version').where({ id: 1 }).increment('version', 1)
  const row = await trx('sync_version').where({ id: 1 }).first('version')
  return Number(row.version)
}

export function withTx<T>(knex: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return knex.transaction(fn)
}
