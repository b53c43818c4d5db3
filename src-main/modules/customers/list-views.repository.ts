// Saved filters (user_list_views) and list preferences (user_preferences) of a user: knex only.
import type { Knex } from 'knex'
import type { Dialect } from '../../db/config'
import { upsert } from '../../db/dialect'

export type Row = Record<string, unknown>

export const listUserViews = (db: Knex, userId: string, list: string): Promise<Row[]> =>
  db('user_list_views')
    .where({ user_id: userId, list_key: list })
    .whereNull('deleted_at')
    .orderBy([{ column: 'updated_at', order: 'desc' }, { column: 'id' }])
    .select('*')

export const findUserView = (db: Knex, userId: string, id: string): Promise<Row | undefined> =>
  db('user_list_views').where({ id, user_id: userId }).whereNull('deleted_at').first()

export async function countUserViews(db: Knex, userId: string, list: string): Promise<number> {
  const r = await db('user_list_views').where({ user_id: userId, list_key: list }).whereNull('deleted_at').count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

export const insertUserView = (db: Knex, row: Row) => db('user_list_views').insert(row)

/** Updates a live view of the user, only while it has `expectVersion` (when given). */
export function updateUserView(db: Knex, userId: string, id: string, patch: Row, expectVersion?: number) {
  const q = db('user_list_views').where({ id, user_id: userId }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

export async function readPreference(db: Knex, userId: string, key: string): Promise<string | null> {
  const r = await db('user_preferences').where({ user_id: userId, pref_key: key }).first('value')
  return r?.value ?? null
}

export const writePreference = (db: Knex, dialect: Dialect, userId: string, key: string, value: string, now: string) =>
  upsert(db, dialect, 'user_preferences', { user_id: userId, pref_key: key, value, updated_at: now }, ['user_id', 'pref_key'])
