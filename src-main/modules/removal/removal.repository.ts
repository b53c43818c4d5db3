// Counts of the rows a delete takes with it (see customers.remove, contacts.remove,
// interactions.remove for what each really does).
import type { Knex } from 'knex'

const count = async (q: Knex.QueryBuilder) => Number((await q.count({ n: '*' }).first())?.n ?? 0)

const liveInteractionsOf = (db: Knex, customerId: string) => db('interactions').where({ customer_id: customerId }).whereNull('deleted_at')

export async function customerImpact(db: Knex, id: string) {
  return {
    contacts: await count(db('contacts').where({ customer_id: id }).whereNull('deleted_at')),
    interactions: await count(liveInteractionsOf(db, id)),
    promises: await count(db('interaction_promises').where({ customer_id: id }).whereNull('deleted_at')),
    attachments: await count(
      db('attachments').where({ entity: 'interaction' }).whereNull('deleted_at').whereIn('entity_id', liveInteractionsOf(db, id).select('id')),
    ),
    reminders: await count(db('reminders').where({ customer_id: id }).whereNull('deleted_at').whereNull('done_at')),
    keptInteractions: 0,
  }
}

export async function contactImpact(db: Knex, id: string) {
  return {
    contacts: 0,
    interactions: 0,
    promises: 0,
    attachments: 0,
    // birthday reminders are withdrawn with the contact; other reminders and records keep their customer
    reminders: await count(db('reminders').where({ contact_id: id, source: 'birthday' }).whereNull('deleted_at').whereNull('done_at')),
    keptInteractions: await count(db('interactions').where({ contact_id: id }).whereNull('deleted_at')),
  }
}

export async function interactionImpact(db: Knex, id: string) {
  const promises = db('interaction_promises').where({ interaction_id: id }).whereNull('deleted_at')
  return {
    contacts: 0,
    interactions: 0,
    promises: await count(promises.clone()),
    attachments: await count(db('attachments').where({ entity: 'interaction', entity_id: id }).whereNull('deleted_at')),
    // its follow-up and its promises' reminders
    reminders: await count(
      db('reminders')
        .whereNull('deleted_at')
        .whereNull('done_at')
        .where((w) => w.where({ source: 'follow_up', source_id: id }).orWhere((p) => p.where('source', 'promise').whereIn('source_id', promises.clone().select('id')))),
    ),
    keptInteractions: 0,
  }
}

/** The customer an interaction or contact belongs to (deleted rows answer nothing). */
export const parentCustomerOf = (db: Knex, table: 'contacts' | 'interactions', id: string): Promise<{ customer_id: string } | undefined> =>
  db(table).where({ id }).whereNull('deleted_at').first('customer_id')
