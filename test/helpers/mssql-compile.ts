// The unit tests that check compiled T-SQL (no SQL Server here: knex compiles without a
// connection): one compiler per file, destroyed after its tests, and one list of what SQL
// Server does not understand.
import type { Knex } from 'knex'
import { afterAll, expect } from 'vitest'
import { compilerOnly } from '../../src-main/db/connection'

type Dialect = Parameters<typeof compilerOnly>[0]

/** A compile-only knex for the dialect, destroyed after the calling file's tests. */
export function compiler(dialect: Dialect = 'mssql'): Knex {
  const k = compilerOnly(dialect)
  afterAll(() => k.destroy())
  return k
}

/** The statement as the driver gets it: text with @p0… placeholders and its bindings. */
export const sql = (q: unknown) => (q as Knex.QueryBuilder).toSQL().toNative()

/** SQLite- or PostgreSQL-only syntax that SQL Server refuses. */
export const NOT_TSQL = /\blimit\b|\|\||ilike|::|substr\(|strftime|to_char|= true|= false|\bnulls (first|last)\b|returning|indexed by/i

/** Nothing SQLite- or PostgreSQL-only, and within SQL Server's 2100-parameter limit; the compiled text. */
export function expectTsql(q: unknown): string {
  const { sql: text, bindings } = sql(q)
  expect(text).not.toMatch(NOT_TSQL)
  expect(bindings.length).toBeLessThan(2100)
  return text
}

/** An id in the shape of the app's ids. */
export const ID = '00000000-0000-4000-8000-000000000001'
