import type { Knex } from 'knex'

export const findContact = (db: Knex, id: string) => db('contacts').where({ id }).whereNull('deleted_at').first()

/** Primary first, then in the order they were added. */
export const listContacts = (db: Knex, customerId: string) =>
  db('contacts')
    .where({ customer_id: customerId })
    .whereNull('deleted_at')
    .orderBy([{ column: 'is_primary', order: 'desc' }, { column: 'created_at' }, { column: 'id' }])
    .select('*')

export const insertContact = (db: Knex, row: Record<string, unknown>) => db('contacts').insert(row)
/**
 * Updates a contact; with `expectVersion` only while its stored version is still that one (the
 * version the edit is based on). Answers how many rows changed: 0 means someone changed it first.
 */
export async function updateContact(db: Knex, id: string, patch: Record<string, unknown>, expectVersion?: number): Promise<number> {
  const q = db('contacts').where({ id })
  if (expectVersion !== undefined) q.where('version', expectVersion)
  return Number(await q.update(patch))
}

/** Live primary contacts of a customer other than `exceptId`. */
export const otherPrimaries = (db: Knex, customerId: string, exceptId: string | null): Promise<Array<{ id: string }>> => {
  const q = db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').where('is_primary', true)
  if (exceptId) q.whereNot('id', exceptId)
  return q.select('id')
}

/** The earliest-added live contact other than `exceptId`: the one promoted to primary. */
export const firstOther = (db: Knex, customerId: string, exceptId: string): Promise<{ id: string } | undefined> =>
  db('contacts')
    .where({ customer_id: customerId })
    .whereNull('deleted_at')
    .whereNot('id', exceptId)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .first('id')

export async function countLive(db: Knex, customerId: string): Promise<number> {
  const row = await db('contacts').where({ customer_id: customerId }).whereNull('deleted_at').count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}

export const customerOwner = (db: Knex, customerId: string): Promise<{ owner_id: string | null } | undefined> =>
  db('customers').where({ id: customerId }).whereNull('deleted_at').first('owner_id')
