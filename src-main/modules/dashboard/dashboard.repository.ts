// Knex queries of the 工作台: the per-user card layout (the cards themselves are counted by
// their areas' repositories, through their services).
import type { Knex } from 'knex'

export type Row = Record<string, unknown>

export const findLayout = (db: Knex, userId: string): Promise<Row | undefined> =>
  db('dashboard_layouts').where('user_id', userId).whereNull('deleted_at').first()

export const insertLayout = (db: Knex, row: Row) => db('dashboard_layouts').insert(row)

/** Updates the layout only while it still has `expectVersion`: 0 rows changed means someone saved first. */
export async function updateLayout(db: Knex, userId: string, patch: Row, expectVersion: number): Promise<number> {
  return Number(await db('dashboard_layouts').where({ user_id: userId }).where('version', expectVersion).update(patch))
}
