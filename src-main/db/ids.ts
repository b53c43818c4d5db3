import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { dialectOf, incrementCounter } from './dialect'

/** UUID primary keys are written by the writer (client or server), never the database. */
export const newId = (): string => randomUUID()

/**
 * Next number of a named sequence (customer codes, opportunity codes…), taken inside the
 * caller's transaction in one race-free statement, so two writers never get the same number,
 * not even the first two of a new sequence (the row stays locked until the caller commits).
 */
export function nextSequence(trx: Knex.Transaction, name: string): Promise<number> {
  return incrementCounter(trx, dialectOf(trx), 'code_sequences', { column: 'name', value: name }, 'value')
}

/** Takes `count` numbers of a named sequence at once; answers the last (the range is last-count+1 … last). */
export function nextSequenceRange(trx: Knex.Transaction, name: string, count: number): Promise<number> {
  return incrementCounter(trx, dialectOf(trx), 'code_sequences', { column: 'name', value: name }, 'value', count)
}

/** e.g. formatCode('KH', 2026, 123) → KH-2026-000123 */
export const formatCode = (prefix: string, year: number, n: number) => `${prefix}-${year}-${String(n).padStart(6, '0')}`
