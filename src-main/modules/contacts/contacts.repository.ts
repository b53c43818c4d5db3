import type { Knex } from 'knex'

type Row = Record<string, unknown>

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

/** Live contacts of live customers (contact `ct`, customer `c`), for counts across customers in scope. */
const contactsOfLiveCustomers = (db: Knex) =>
  db('contacts as ct').join('customers as c', 'c.id', 'ct.customer_id').whereNull('ct.deleted_at').whereNull('c.deleted_at')

/** Contacts in scope added in each range [from, to), in one pass. */
export async function countContactsCreated(db: Knex, scope: (q: Knex.QueryBuilder) => void, ranges: Array<{ from: string; to: string }>): Promise<number[]> {
  if (!ranges.length) return []
  const lo = ranges.reduce((a, r) => (r.from < a ? r.from : a), ranges[0].from)
  const hi = ranges.reduce((a, r) => (r.to > a ? r.to : a), ranges[0].to)
  const q = contactsOfLiveCustomers(db).where('ct.created_at', '>=', lo).where('ct.created_at', '<', hi)
  scope(q)
  const row: Record<string, unknown> =
    (await q.first(ranges.map((r, i) => db.raw('sum(case when ct.created_at >= ? and ct.created_at < ? then 1 else 0 end) as ??', [r.from, r.to, `n_${i}`])))) ?? {}
  return ranges.map((_, i) => Number(row[`n_${i}`] ?? 0))
}

/** Contacts in scope whose stored birthday's month-day (`MM-DD`) is one of those given for its calendar. */
export function contactsWithBirthdayOn(db: Knex, scope: (q: Knex.QueryBuilder) => void, monthDays: { solar: string[]; lunar: string[] }): Promise<Row[]> {
  const q = contactsOfLiveCustomers(db).whereNotNull('ct.birthday')
  const monthDayIn = (w: Knex.QueryBuilder, list: string[]) => w.whereRaw(`substring(ct.birthday, 6, 5) in (${list.map(() => '?').join(', ')})`, list)
  q.where((w) => {
    if (monthDays.solar.length) w.orWhere((s) => monthDayIn(s.where('ct.birthday_calendar', 'solar'), monthDays.solar))
    if (monthDays.lunar.length) w.orWhere((s) => monthDayIn(s.where('ct.birthday_calendar', 'lunar'), monthDays.lunar))
  })
  scope(q)
  return q.select('ct.id', 'ct.name', 'ct.birthday', 'ct.birthday_calendar', 'ct.birthday_leap_month', 'ct.customer_id', 'c.name as customer_name').orderBy('ct.id')
}

/** The live primary contacts of these customers (at most one each). */
export const primaryContactsOf = (db: Knex, customerIds: string[]): Promise<Array<{ customer_id: string; name: string; title: string | null; mobile: string | null }>> =>
  db('contacts').whereIn('customer_id', customerIds).where('is_primary', true).whereNull('deleted_at').select('customer_id', 'name', 'title', 'mobile')
