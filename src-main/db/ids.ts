import { createHash, randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { dialectOf, incrementCounter } from './dialect'

/** UUID primary keys are written by the writer (client or server), never the database. */
export const newId = (): string => randomUUID()

let lastMs = 0
let seq = 0
/**
 * A time-ordered UUID (version 7 layout: 48-bit milliseconds, a 12-bit counter within the
 * millisecond, 62 random bits) for bulk writers (imports, their audit entries): ids written one
 * after another sort one after another, so the primary key and every index that ends in the id
 * (the list's sort covers: most imported rows tie on everything before it) take each new row on
 * their last page instead of a random one. A 250-row chunk of random ids dirtied a page of each
 * such index per row, written again at every COMMIT (SQLite: the WAL; PostgreSQL: the heap's
 * b-trees); ordered ids share the last few. Same format and column type as `newId`.
 */
export function newOrderedId(): string {
  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    seq = 0
  } else if (++seq > 0xfff) {
    lastMs++ // a 4,097th id in one millisecond: borrow the next one
    seq = 0
  }
  ms = lastMs
  const t = ms.toString(16).padStart(12, '0')
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${seq.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`
}

/**
 * A name-based (v5-style) UUID of a key: every writer computes the same id for the same key, so
 * a derived row (a summary bucket) is found by its key alone. `key` is the caller's full key text
 * (give it a prefix of its own table); ids inside it should be lower-case.
 */
export function namedId(key: string): string {
  const h = createHash('sha1').update('crm-named:' + key).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

/** The id of an order_stats bucket (owner × month × status × amount band), the same for every writer. */
export const orderStatsId = (ownerId: string | null, month: string, status: string, band: number) =>
  namedId(`order_stats|${ownerId ? ownerId.toLowerCase() : '-'}|${month}|${status}|${band}`)

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
