// Queries of the 公海预警 reminders (knex only).
import type { Knex } from 'knex'

export type Row = Record<string, unknown>

/** Ids of the open reminders of one system source. */
export const openRemindersOfSource = async (db: Knex, source: string): Promise<string[]> =>
  (await db('reminders').where({ source }).whereNull('done_at').whereNull('deleted_at').select('id')).map((r: { id: string }) => String(r.id).toLowerCase())

/** One patch for many reminders, in statements of at most 1000 ids. */
export async function patchReminders(db: Knex, ids: string[], patch: Row) {
  for (let i = 0; i < ids.length; i += 1000) await db('reminders').whereIn('id', ids.slice(i, i + 1000)).update(patch)
}
