import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'

/** UUID primary keys are written by the writer (client or server), never the database. */
export const newId = (): string => randomUUID()

/**
 * Next number of a named sequence (customer codes, opportunity codes…), taken inside the
 * caller's transaction so two writers never get the same number.
 */
export async function nextSequence(trx: Knex.Transaction, name: string): Promise<number> {
  const updated = await trx('code_sequences').where({ name }).increment('value', 1)
  if (!updated) await trx('code_sequences').insert({ name, value: 1 })
  const row = await trx('code_sequences').where({ name }).first('value')
  return Number(row.value)
}

/** e.g. formatCode('KH', 2026, 123) → KH-2026-000123 */
export const formatCode = (prefix: string, year: number, n: number) => `${prefix}-${year}-${String(n).padStart(6, '0')}`
