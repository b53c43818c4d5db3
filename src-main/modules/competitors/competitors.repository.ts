// Knex queries of 竞争对手 records (per customer).
import type { Knex } from 'knex'

export type Row = Record<string, unknown>

export const competitorsOf = (db: Knex, customerId: string): Promise<Row[]> =>
  db('competitors').where({ customer_id: customerId }).whereNull('deleted_at').orderBy([{ column: 'share_pct', order: 'desc' }, { column: 'name' }, { column: 'id' }]).select('*')

export const findCompetitor = (db: Knex, id: string): Promise<Row | undefined> => db('competitors').where({ id }).whereNull('deleted_at').first()

export const insertCompetitor = (db: Knex, row: Row) => db('competitors').insert(row)

/** Updates a live row only while it still has `expectVersion`. */
export const updateCompetitor = (db: Knex, id: string, patch: Row, expectVersion?: number) => {
  const q = db('competitors').where({ id }).whereNull('deleted_at')
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return q.update(patch)
}

/** The shares of a customer's other competitors (all but `exceptId`). */
export async function otherShares(db: Knex, customerId: string, exceptId: string | null): Promise<number> {
  const q = db('competitors').where({ customer_id: customerId }).whereNull('deleted_at')
  if (exceptId) q.whereNot('id', exceptId)
  const r = await q.sum({ s: 'share_pct' }).first()
  return Number(r?.s ?? 0)
}

export const customerOwner = (db: Knex, id: string): Promise<Row | undefined> =>
  db('customers as c').leftJoin('users as u', 'u.id', 'c.owner_id').where('c.id', id).whereNull('c.deleted_at').first('c.id', 'c.owner_id', 'u.team_id as owner_team_id')
