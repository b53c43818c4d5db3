// Every difference between SQLite, PostgreSQL and SQL Server that services care about
// lives here: upsert, paging, chunked inserts, LIKE escaping, value normalisation.
import type { Knex } from 'knex'
import type { Dialect } from './config'

/** Parameters one statement may carry; SQL Server's hard limit is 2100. */
export const MAX_PARAMS: Record<Dialect, number> = { mssql: 2000, sqlite: 30000, postgres: 60000 }

/**
 * Rows one INSERT may carry: SQL Server's VALUES list takes at most 1000 rows, and knex
 * writes a multi-row SQLite insert as a compound SELECT (at most 500 terms).
 */
export const MAX_ROWS: Record<Dialect, number> = { mssql: 1000, sqlite: 500, postgres: 10000 }

export function chunkRows<T extends object>(dialect: Dialect, rows: T[]): T[][] {
  if (rows.length === 0) return []
  // knex binds the union of all rows' keys for every row, so count that, not the first row's
  const keys = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k)
  const cols = Math.max(1, keys.size)
  const size = Math.max(1, Math.min(MAX_ROWS[dialect], Math.floor(MAX_PARAMS[dialect] / cols)))
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

/** Insert many rows in statements that stay under the dialect's parameter limit. */
export async function insertChunked<T extends object>(db: Knex, dialect: Dialect, table: string, rows: T[]): Promise<void> {
  for (const chunk of chunkRows(dialect, rows)) await db(table).insert(chunk)
}

/** Rows one statement of insertRows carries at most; smaller statements come in halving sizes. */
const ROWS_PER_STATEMENT = 128

const plainName = (s: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`not a plain name: ${s}`)
  return s
}

/**
 * Inserts rows as insertChunked does (under the dialect's parameter limit, the same values:
 * a key a row lacks is NULL on SQLite and DEFAULT on PostgreSQL, as knex writes them), but
 * writes the multi-row INSERT itself instead of knex's query builder, which cost a fifth of a
 * bulk load's CPU (crm demo) and compiles a 250-row SQLite insert as a compound SELECT. The
 * columns are the union of the rows' keys. Statements carry 128 rows (fewer when the columns
 * are many), and the rest of a batch goes in halving sizes (64, 32 … 1): a handful of distinct
 * statement texts per table, which SQLite keeps prepared — one text per batch size would fill
 * the connection's statement cache with hundreds of big statements (hundreds of MB). SQL
 * Server: insertChunked (its 2100-parameter limit).
 */
export async function insertRows<T extends object>(db: Knex, dialect: Dialect, table: string, rows: T[]): Promise<void> {
  if (!rows.length) return
  if (dialect === 'mssql') return insertChunked(db, dialect, table, rows)
  const keys = new Set<string>()
  for (const r of rows) for (const key of Object.keys(r)) keys.add(key)
  const cols = [...keys].map(plainName)
  if (dialect === 'postgres' && rows.length >= UNNEST_FROM && unnestable(rows, cols)) return insertUnnest(db, table, rows, cols)
  const head = `insert into ${plainName(table)} (${cols.map((c) => `"${c}"`).join(', ')}) values `
  const one = `(${cols.map(() => '?').join(', ')})`
  let size = Math.max(1, Math.min(ROWS_PER_STATEMENT, MAX_ROWS[dialect], Math.floor(MAX_PARAMS[dialect] / cols.length)))
  for (let at = 0; at < rows.length; ) {
    while (size > 1 && rows.length - at < size) size >>= 1
    const chunk = rows.slice(at, at + size)
    at += chunk.length
    const bindings: unknown[] = []
    let values: string[] | null = null
    for (let r = 0; r < chunk.length; r++) {
      const row = chunk[r] as Record<string, unknown>
      let marks: string[] | null = null
      for (let c = 0; c < cols.length; c++) {
        const v = row[cols[c]!]
        if (v === undefined && dialect === 'postgres') {
          // knex writes DEFAULT for a key the row lacks: the column's default, not NULL
          marks ??= cols.map(() => '?')
          marks[c] = 'default'
        } else bindings.push(v ?? null)
      }
      if (marks && !values) values = Array.from(chunk, () => one)
      if (values) values[r] = marks ? `(${marks.join(', ')})` : one
    }
    await db.raw(head + (values ? values.join(', ') : Array.from(chunk, () => one).join(', ')), bindings as Knex.RawBinding[])
  }
}

/** From this many rows on, PostgreSQL gets insertUnnest (below it the VALUES list: no catalog read for a one-row insert). */
const UNNEST_FROM = 32
/** Rows one unnest statement carries at most (its arrays' text stays a few MB). */
const UNNEST_ROWS = 5000

/** insertUnnest writes what the VALUES list writes when every row has every column and no value is an array. */
function unnestable(rows: object[], cols: string[]): boolean {
  for (const r of rows) {
    const row = r as Record<string, unknown>
    for (const c of cols) {
      const v = row[c]
      if (v === undefined || Array.isArray(v)) return false // a lacking key is DEFAULT, not NULL; an array would nest
    }
  }
  return true
}

/** PostgreSQL column types (format_type) per table, per knex configuration (a handle and its transactions share it). */
const pgColumnTypes = new WeakMap<object, Map<string, Map<string, string>>>()

async function columnTypes(db: Knex, table: string): Promise<Map<string, string>> {
  const config = db.client.config as object
  let tables = pgColumnTypes.get(config)
  if (!tables) pgColumnTypes.set(config, (tables = new Map()))
  let types = tables.get(table)
  if (!types) {
    const res = await db.raw(
      'select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = to_regclass(?) and a.attnum > 0 and not a.attisdropped',
      [table],
    )
    types = new Map((res.rows as Array<{ name: string; type: string }>).map((r) => [r.name, r.type]))
    tables.set(table, types)
  }
  return types
}

/**
 * PostgreSQL: rows as `insert … select * from unnest($1::type[], $2::type[], …)` — one
 * statement of one parameter per column for up to UNNEST_ROWS rows, instead of VALUES lists of
 * 128 rows × every column as parameters (crm demo at 100,000 customers: the server parsed and
 * planned a statement of thousands of parameters per 128 rows, issue 8). The arrays are typed as
 * the table's columns, so the server converts each value as it converts a bound parameter.
 */
async function insertUnnest(db: Knex, table: string, rows: object[], cols: string[]): Promise<void> {
  const types = await columnTypes(db, table)
  const casts = cols.map((c, i) => {
    const type = types.get(c)
    if (!type) throw new Error(`no column ${c} in ${table}`)
    return `?::${type}[]`
  })
  const sql = `insert into ${plainName(table)} (${cols.map((c) => `"${c}"`).join(', ')}) select * from unnest(${casts.join(', ')})`
  for (let at = 0; at < rows.length; at += UNNEST_ROWS) {
    const chunk = rows.slice(at, at + UNNEST_ROWS) as Array<Record<string, unknown>>
    const arrays = cols.map((c) => chunk.map((r) => r[c] ?? null))
    await db.raw(sql, arrays as unknown as Knex.RawBinding[])
  }
}

/**
 * PostgreSQL: the rest of transaction `trx` commits without waiting for its WAL to reach the
 * disk (synchronous_commit off, this transaction only). For a bulk job that can be run again
 * (crm demo): a crash loses its last commits, never the database's consistency.
 */
export async function bulkCommit(trx: Knex.Transaction, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await trx.raw('set local synchronous_commit = off')
}

/**
 * A chunk of id tuples as a table the database reads, bound as one parameter per column at most
 * (not one per value): `FROM ${sql}` gives `alias(col0, col1, …)`, one row per tuple. What lets a
 * batch job write INSERT … SELECT / UPDATE … WHERE id IN with ids its writer made (UUID keys are
 * written by the writer, never the database) without building a many-row statement in JavaScript.
 * SQLite: json_each over a JSON array of arrays; PostgreSQL: unnest of uuid arrays; SQL Server:
 * OPENJSON … WITH (uniqueidentifier) — one nvarchar(max) parameter, far under 2,100.
 */
export function idTuplesFrom(dialect: Dialect, alias: string, columns: readonly string[], tuples: readonly (readonly string[])[]): { sql: string; bindings: Knex.RawBinding[] } {
  const a = plainName(alias)
  const cols = columns.map(plainName)
  if (dialect === 'postgres') {
    return {
      sql: `unnest(${cols.map(() => '?::uuid[]').join(', ')}) as ${a}(${cols.join(', ')})`,
      bindings: cols.map((_, i) => tuples.map((t) => t[i]!)) as unknown as Knex.RawBinding[],
    }
  }
  const json = JSON.stringify(tuples)
  if (dialect === 'mssql') return { sql: `openjson(?) with (${cols.map((c, i) => `${c} uniqueidentifier '$[${i}]'`).join(', ')}) as ${a}`, bindings: [json] }
  return { sql: `(select ${cols.map((c, i) => `json_extract(value, '$[${i}]') as ${c}`).join(', ')} from json_each(?)) as ${a}`, bindings: [json] }
}

/** A parameter in a SELECT list that a column of `type` receives (PostgreSQL types an unknown parameter there as text). */
export function paramAs(dialect: Dialect, type: 'timestamp' | 'uuid'): string {
  if (dialect !== 'postgres') return '?'
  return type === 'timestamp' ? '?::timestamptz' : '?::uuid'
}

/** String concatenation of SQL expressions (SQL Server: concat(); elsewhere ||). */
export const concatSql = (dialect: Dialect, parts: readonly string[]): string => (dialect === 'mssql' ? `concat(${parts.join(', ')})` : `(${parts.join(' || ')})`)

/** The dialect a knex handle (or one of its transactions) talks to. */
export function dialectOf(db: Knex): Dialect {
  const client = String(db.client.config.client)
  if (client === 'mssql') return 'mssql'
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return 'postgres'
  return 'sqlite'
}

/**
 * Every index a SQLite read names (INDEXED BY: deletedCustomerIds, fromIndexed). Such a read
 * fails ("no such index") while the index is missing — after an interrupted `crm demo` bulk
 * load, which drops indexes and keeps their definitions in bulk_load_suspended — so the start-up
 * builds these again first (repairNamedIndexes in db/prepare.ts). A new INDEXED BY joins the list.
 */
export const SQLITE_NAMED_INDEXES = [
  'customers_deleted_ids',
  'interaction_promises_open_due',
  'orders_date_customer_sums',
  'payments_date_customer_amount',
  'customer_sales_sums_period',
  'customer_sales_sums_order_rank',
  'customer_sales_sums_payment_rank',
  'customers_level_id_cover',
  'customers_region_id_cover',
  'customers_industry_id_cover',
  'customers_nature_id_cover',
  'customers_size_id_cover',
  'customers_source_id_cover',
  'customers_category_id_cover',
  'service_tickets_report_cover',
  'interactions_follow_up_live',
] as const

function named(index: string) {
  if (!(SQLITE_NAMED_INDEXES as readonly string[]).includes(index)) throw new Error(`${index} is read by name (INDEXED BY): add it to SQLITE_NAMED_INDEXES`)
}

/**
 * The ids of the deleted customers, as a subquery for `not in` (a deleted customer's records are
 * hidden): from the partial index customers_deleted_ids (migration 20261206005100, the deleted
 * customers' ids only). SQLite names it (INDEXED BY): its planner has no statistics for an empty
 * partial index and chose by luck — at 100,000 customers it scanned a whole covering index of the
 * customers (5–9 ms on every read of the service tickets, issue 14), in a small database another
 * covering index, even with the ids asked for in the index's order. The index exists wherever
 * the migrations ran; an interrupted `crm demo` bulk load leaves it suspended, and the start-up
 * builds it again (repairNamedIndexes in db/prepare.ts). Elsewhere the plain query: PostgreSQL
 * and SQL Server find the index themselves.
 */
export function deletedCustomerIds(db: Knex): Knex.QueryBuilder {
  named('customers_deleted_ids')
  const from: Knex.QueryBuilder = dialectOf(db) === 'sqlite' ? db.from(db.raw('customers indexed by customers_deleted_ids')) : db('customers')
  return from.whereNotNull('deleted_at').select('id')
}

const list = (n: number, item: string) => Array.from({ length: n }, () => item).join(', ')

/**
 * Insert or update one row by its key columns, race-free: two first writers never both insert.
 * PostgreSQL and SQLite: INSERT … ON CONFLICT. SQL Server has no ON CONFLICT, and UPDATE then
 * INSERT lets two first writers both insert: one MERGE WITH (HOLDLOCK) (a key-range lock on the
 * key until the transaction ends, so the second writer waits and then updates).
 */
export async function upsert(
  db: Knex,
  dialect: Dialect,
  table: string,
  row: Record<string, unknown>,
  keys: string[],
): Promise<void> {
  const rest = Object.keys(row).filter((k) => !keys.includes(k))
  if (dialect === 'mssql') {
    await db.raw(...mssqlMerge(table, row, keys, rest))
    return
  }
  const q = db(table).insert(row).onConflict(keys)
  await (rest.length ? q.merge(rest) : q.ignore())
}

/**
 * Adds the `add` columns' values to the row with `row`'s key (creating it with `row` + `add`),
 * race-free in one statement: two writers' additions both land (a summary row's counts kept by
 * deltas). PostgreSQL and SQLite: INSERT … ON CONFLICT DO UPDATE SET c = t.c + excluded.c; SQL
 * Server: MERGE WITH (HOLDLOCK) … WHEN MATCHED THEN UPDATE SET c = t.c + s.c. The key columns of
 * `row` must be `keys`' columns plus any others written only on insert.
 */
export async function upsertAdd(
  db: Knex,
  dialect: Dialect,
  table: string,
  row: Record<string, unknown>,
  keys: string[],
  add: Record<string, number>,
): Promise<void> {
  if (dialect === 'mssql') {
    await db.raw(...mssqlMergeAdd(table, row, keys, add))
    return
  }
  const all = { ...row, ...add }
  const sums = Object.keys(add)
  await db(table)
    .insert(all)
    .onConflict(keys)
    .merge(Object.fromEntries(sums.map((c) => [c, db.raw('??.?? + excluded.??', [table, c, c])])))
}

/** SQL Server's statement of upsertAdd: MERGE WITH (HOLDLOCK), the sums added when the key exists. */
export function mssqlMergeAdd(table: string, row: Record<string, unknown>, keys: string[], add: Record<string, number>): [string, Knex.RawBinding[]] {
  const all = { ...row, ...add }
  const sums = Object.keys(add)
  const cols = Object.keys(all)
  const sql =
    `merge into ?? with (holdlock) as t using (values (${list(cols.length, '?')})) as s (${list(cols.length, '??')}) ` +
    `on ${keys.map(() => 't.?? = s.??').join(' and ')}` +
    ` when matched then update set ${list(sums.length, '?? = t.?? + s.??')}` +
    ` when not matched then insert (${list(cols.length, '??')}) values (${list(cols.length, 's.??')});`
  const bindings = [
    table, ...cols.map((c) => all[c] as Knex.RawBinding), ...cols, ...keys.flatMap((k) => [k, k]), ...sums.flatMap((k) => [k, k, k]), ...cols, ...cols,
  ]
  return [sql, bindings]
}

function mssqlMerge(table: string, row: Record<string, unknown>, keys: string[], rest: string[]): [string, Knex.RawBinding[]] {
  const cols = Object.keys(row)
  const sql =
    `merge into ?? with (holdlock) as t using (values (${list(cols.length, '?')})) as s (${list(cols.length, '??')}) ` +
    `on ${keys.map(() => 't.?? = s.??').join(' and ')}` +
    (rest.length ? ` when matched then update set ${list(rest.length, '?? = s.??')}` : '') +
    ` when not matched then insert (${list(cols.length, '??')}) values (${list(cols.length, 's.??')});`
  const bindings = [
    table, ...cols.map((c) => row[c] as Knex.RawBinding), ...cols, ...keys.flatMap((k) => [k, k]), ...rest.flatMap((k) => [k, k]), ...cols, ...cols,
  ]
  return [sql, bindings]
}

/**
 * Adds 1 to a named counter row (creating it at 1) and answers the new value, race-free in one
 * statement: INSERT … ON CONFLICT DO UPDATE … RETURNING on PostgreSQL and SQLite (a second first
 * writer waits for the first and then increments), MERGE WITH (HOLDLOCK) … OUTPUT on SQL Server.
 */
export async function incrementCounter(
  db: Knex,
  dialect: Dialect,
  table: string,
  key: { column: string; value: string },
  valueColumn: string,
  by = 1,
): Promise<number> {
  if (!Number.isInteger(by) || by < 1) throw new Error(`counter step must be a positive integer: ${by}`)
  let rows: Array<Record<string, unknown>>
  if (dialect === 'mssql') {
    rows = await db.raw(
      'merge into ?? with (holdlock) as t using (values (?)) as s (??) on t.?? = s.?? ' +
        'when matched then update set ?? = t.?? + ? when not matched then insert (??, ??) values (s.??, ?) output inserted.??;',
      [table, key.value, key.column, key.column, key.column, valueColumn, valueColumn, by, key.column, valueColumn, key.column, by, valueColumn],
    )
  } else {
    rows = await db(table)
      .insert({ [key.column]: key.value, [valueColumn]: by })
      .onConflict(key.column)
      .merge({ [valueColumn]: db.raw('??.?? + ?', [table, valueColumn, by]) })
      .returning(valueColumn)
  }
  const value = Number(rows?.[0]?.[valueColumn])
  if (!Number.isFinite(value)) throw new Error(`counter ${table}.${key.value} returned no value`)
  return value
}

/**
 * SELECT from `table` locking the rows it reads until the transaction ends, so writers that
 * take the same lock run one after another: FOR NO KEY UPDATE on PostgreSQL (foreign-key checks
 * of inserts are not blocked), WITH (UPDLOCK, HOLDLOCK) on SQL Server. SQLite needs no hint: a
 * database has one writer at a time (and this app one connection).
 */
export function selectForUpdate(db: Knex, dialect: Dialect, table: string): Knex.QueryBuilder {
  if (dialect === 'mssql') return db.from(db.raw('?? with (updlock, holdlock)', [table]))
  const q = db(table)
  return dialect === 'postgres' ? q.forNoKeyUpdate() : q
}

/**
 * Refreshes the planner statistics of tables after a bulk load (an import, a demo load, the
 * first reminder evaluation): a table filled inside a few transactions is not analysed by
 * autovacuum before the next query runs, and PostgreSQL then plans nested loops over millions
 * of row pairs (measured: 130 s instead of 47 ms). SQLite samples at most 1,000 rows per index
 * (analysis_limit), so this stays quick on a million rows; SQL Server updates them sampled.
 */
export async function analyzeTables(db: Knex, dialect: Dialect, tables: string[]): Promise<void> {
  for (const t of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(t)) throw new Error(`not a table name: ${t}`)
    if (dialect === 'postgres') await db.raw(`analyze ${t}`)
    else if (dialect === 'mssql') await db.raw(`update statistics ${t}`)
    else {
      await db.raw('pragma analysis_limit = 1000')
      await db.raw(`analyze ${t}`)
    }
  }
  if (dialect === 'postgres') forgetGramStats(db) // the search's gram statistics are read again
}

/** SQLite: the number a pragma reads back (`pragma mmap_size` → 268435456). */
async function pragmaNumber(db: Knex, pragma: string): Promise<number> {
  return Number(Object.values(((await db.raw(`pragma ${pragma}`)) as Array<Record<string, number>>)[0] ?? {})[0] ?? 0)
}

/**
 * Runs `fn` with SQLite's memory map over the whole database file (and the room it may grow by
 * meanwhile) instead of the connection's first 256 MB: a batch job that walks a big file then reads
 * its pages from the OS cache in place, rather than by one read() system call per page into the
 * page cache (a third of the first reminder evaluation's CPU at 1,000,000 customers was the
 * kernel's read(), issue 8). SQLite caps the size at its build's limit (2 GB here). Restored after;
 * elsewhere just `fn`.
 */
export async function withFileMapped<T>(db: Knex, dialect: Dialect, fn: () => Promise<T>): Promise<T> {
  if (dialect !== 'sqlite') return fn()
  const was = await pragmaNumber(db, 'mmap_size')
  const size = (await pragmaNumber(db, 'page_count')) * (await pragmaNumber(db, 'page_size'))
  if (size * 1.25 <= was) return fn()
  await db.raw(`pragma mmap_size = ${Math.trunc(size * 1.25)}`)
  try {
    return await fn()
  } finally {
    await db.raw(`pragma mmap_size = ${Math.trunc(was)}`)
  }
}

/**
 * SQLite: gives back the memory a batch job left to the connection (the background jobs call it
 * after each round): the page cache's unused pages (`shrink_memory`), and the pages of the file's
 * memory map that the job's reads brought in — the map is dropped and made again at the same size,
 * empty (the file's pages stay in the OS cache; a later read maps them again without a disk read).
 * After the first start-up jobs of a 1,000,000-customer file the map alone held 80 MiB of the main
 * process's resident memory (issue 8 item 5). Elsewhere nothing.
 */
export async function releaseMemory(db: Knex, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return
  await db.raw('pragma shrink_memory')
  const size = await pragmaNumber(db, 'mmap_size')
  if (size <= 0) return
  await db.raw('pragma mmap_size = 0')
  await db.raw(`pragma mmap_size = ${Math.trunc(size)}`)
}

/**
 * SQLite: the rows inserted, updated or deleted on this connection since it opened (trigger
 * writes included: `total_changes()`); elsewhere 0. A batch job's transaction on SQLite holds a
 * changed page for about every row it wrote, and its COMMIT writes them all to the WAL on the
 * event loop (~13 µs of CPU a page): the rows written since its BEGIN bound how long it holds.
 */
export async function rowsWrittenSoFar(db: Knex, dialect: Dialect): Promise<number> {
  if (dialect !== 'sqlite') return 0
  return Number(((await db.raw('select total_changes() as n')) as Array<{ n: number }>)[0]?.n ?? 0)
}

/**
 * analyzeTables of one table a batch job just filled, in steps with `between` (a yield) after each:
 * on SQLite one index at a time (its statements run on the event loop: ANALYZE of the reminders at
 * 1,000,000 customers, 2.4 million rows and eleven indexes, was one statement of 21 s wall at load 20,
 * issue 8); elsewhere the table in one statement (the server's work, off the app's event loop).
 */
export async function analyzeTableInSteps(db: Knex, dialect: Dialect, table: string, between: () => Promise<void>): Promise<void> {
  if (dialect !== 'sqlite') return analyzeTables(db, dialect, [table])
  const indexes = (await db.raw(`pragma index_list(${plainName(table)})`)) as Array<{ name: string }>
  for (const { name } of indexes) {
    await db.raw('pragma analysis_limit = 1000')
    await db.raw(`analyze "${name.replace(/"/g, '""')}"`)
    await between()
  }
}

/**
 * The rows of `matches` (a query over `alias`; `columns`: the ones the caller selects and sorts
 * by, which PostgreSQL's CTE of that alias then has), to be sorted and paged by the caller, for a query that counts every match anyway (`count(*) over ()`).
 * PostgreSQL gets them from a materialised CTE of that alias, so it finds the matches the cheapest
 * way (a scan, or a trigram index) and then sorts them: with the ORDER BY … LIMIT in the same
 * query it walks the sort column's index instead and reads every row in index order (measured on
 * 300,000 customers: 7.3 s instead of well under a second). Elsewhere the query as it is.
 */
export function matchesThenSort(db: Knex, alias: string, matches: Knex.QueryBuilder, columns: string[]): Knex.QueryBuilder {
  if (dialectOf(db) !== 'postgres') return matches
  return db.withMaterialized(alias, matches.select(columns)).from(alias)
}

/**
 * As matchesThenSort, but at most `rows` matches (in no order) on every database, for a count
 * capped at `rows` − 1: a CTE of that alias with the LIMIT inside (SQL Server: TOP), so the
 * database finds the matches the cheapest way, stops at `rows`, and sorts those. When it counts
 * fewer than `rows` they are all the matches and the page read from them is the list's page.
 */
export function someMatchesThenSort(db: Knex, alias: string, matches: Knex.QueryBuilder, columns: string[], rows: number): Knex.QueryBuilder {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`a positive row count: ${rows}`)
  const cte = matches.select(columns).limit(rows)
  return (dialectOf(db) === 'postgres' ? db.withMaterialized(alias, cte) : db.with(alias, cte)).from(alias)
}

/**
 * An inner join of `table` on `left = right` that keeps the tables before it as the outer loop.
 * SQLite: CROSS JOIN (its planner never reorders one), for counts its statistics misjudge — e.g.
 * a period's interactions of the customers in scope read per customer from a covering index
 * (100,000 index seeks) instead of each of 160,000 interactions probing its customer: 5× less
 * CPU. PostgreSQL and SQL Server choose the order (and a hash join) themselves: a plain join.
 */
export function joinOuterFirst(db: Knex, q: Knex.QueryBuilder, table: string, left: string, right: string): Knex.QueryBuilder {
  return dialectOf(db) === 'sqlite' ? q.joinRaw('cross join ?? on ?? = ??', [table, left, right]) : q.join(table, left, right)
}

/**
 * `column is null` for a soft-delete column that is null on nearly every row (a live row). On
 * SQLite written so no index serves it: its planner would otherwise walk every live row through
 * the deleted_at index rather than a narrower range (a reminder evaluation's slice of customers:
 * 1.5–2.5 s per slice on 300,000 customers instead of 20 ms). PostgreSQL and SQL Server estimate
 * it from their statistics and keep the plain form.
 */
export function whereLive(db: Knex, q: Knex.QueryBuilder, column: string): Knex.QueryBuilder {
  return dialectOf(db) === 'sqlite' ? q.whereRaw('coalesce(??, ??) is null', [column, column]) : q.whereNull(column)
}

/**
 * `column = value`; with `unindexed`, written on SQLite so no index serves it (the query has a
 * narrower range to read by, which SQLite's planner would otherwise pass over); elsewhere plain.
 */
export function whereEquals(db: Knex, q: Knex.QueryBuilder, column: string, value: unknown, o: { unindexed?: boolean } = {}): Knex.QueryBuilder {
  if (o.unindexed && dialectOf(db) === 'sqlite') return q.whereRaw('coalesce(??, ??) = ?', [column, column, value as Knex.Value])
  return q.where(column, value as Knex.Value)
}

/** `column IN (values)`; with `unindexed`, written on SQLite so no index serves it (as whereEquals); elsewhere plain. */
export function whereAmong(db: Knex, q: Knex.QueryBuilder, column: string, values: readonly string[], o: { unindexed?: boolean } = {}): Knex.QueryBuilder {
  if (o.unindexed && dialectOf(db) === 'sqlite') return q.whereRaw(`coalesce(??, ??) in (${values.map(() => '?').join(', ')})`, [column, column, ...values])
  return q.whereIn(column, values as string[])
}

/** Escapes LIKE wildcards (and SQL Server's [ ]) so user text matches literally. */
export function likePattern(value: string, mode: 'contains' | 'prefix' = 'contains'): string {
  const escaped = value.replace(/[\\%_[]/g, (c) => '\\' + c)
  return mode === 'contains' ? `%${escaped}%` : `${escaped}%`
}

/** `column LIKE ? ESCAPE '\'` with a literal-safe pattern. */
export function whereLike(q: Knex.QueryBuilder, column: string, value: string, mode: 'contains' | 'prefix' = 'contains') {
  return q.whereRaw(`?? like ? escape '\\'`, [column, likePattern(value, mode)])
}

/** Case-insensitive substring match on any of `columns` (one OR group). */
export function whereContainsAny(q: Knex.QueryBuilder, columns: string[], value: string) {
  const pattern = likePattern(value.toLowerCase())
  return q.where((w) => {
    for (const c of columns) w.orWhereRaw(`lower(??) like ? escape '\\'`, [c, pattern])
  })
}

export interface PageRequest {
  page: number
  pageSize: number
}

/**
 * OFFSET/FETCH paging. SQL Server rejects OFFSET without ORDER BY, so a query without one
 * fails here on every dialect (in tests on SQLite too), not only in production.
 */
export function applyPage(q: Knex.QueryBuilder, p: PageRequest) {
  const statements = (q as unknown as { _statements?: Array<{ grouping?: string }> })._statements ?? []
  if (!statements.some((s) => s.grouping === 'order')) throw new Error('applyPage needs an orderBy (SQL Server requires ORDER BY with OFFSET)')
  return q.limit(p.pageSize).offset((p.page - 1) * p.pageSize)
}

/** The number of rows a query matches (its select and order dropped). */
export async function countRows(q: Knex.QueryBuilder): Promise<number> {
  const r = await q.clone().clearSelect().clearOrder().count({ n: '*' }).first()
  return Number(r?.n ?? 0)
}

/**
 * Whole days from one calendar date to another, as SQL: `from` and `to` are SQL expressions
 * (columns or `?` placeholders) holding YYYY-MM-DD text. Positive when `to` is later.
 */
export function daysBetweenSql(dialect: Dialect, from: string, to: string): string {
  if (dialect === 'sqlite') return `cast(julianday(${to}) - julianday(${from}) as integer)`
  if (dialect === 'postgres') return `(cast(${to} as date) - cast(${from} as date))`
  return `datediff(day, cast(${from} as date), cast(${to} as date))`
}

// ---- normalising driver values ---------------------------------------------------

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether a value is a string shaped like a UUID (any case). */
export const isUuidShaped = (v: unknown): v is string =>
  typeof v === 'string' && v.length === 36 && v.charCodeAt(8) === 45 && UUID_SHAPE.test(v)

/**
 * Applies `f` to every UUID-shaped string of a driver response: rows (plain objects), arrays of
 * rows or values (pluck), a single row (first) or a value. Rows are fresh objects from the
 * driver, so they are changed in place (no copies of big result sets); anything else
 * (Dates, Buffers, driver result objects) is left alone.
 */
export function mapUuidStrings<T>(resp: T, f: (s: string) => string, depth = 0): T {
  if (isUuidShaped(resp)) return f(resp) as T
  if (resp === null || typeof resp !== 'object' || depth > 2) return resp
  if (Array.isArray(resp)) {
    for (let i = 0; i < resp.length; i++) {
      const v = resp[i]
      if (typeof v === 'string') {
        if (isUuidShaped(v)) resp[i] = f(v)
      } else if (v !== null && typeof v === 'object') mapUuidStrings(v, f, depth + 1)
    }
    return resp
  }
  const proto = Object.getPrototypeOf(resp)
  if (proto !== Object.prototype && proto !== null) return resp
  const row = resp as Record<string, unknown>
  for (const k in row) {
    const v = row[k]
    if (typeof v === 'string' && isUuidShaped(v)) row[k] = f(v)
  }
  return resp
}

const lower = (s: string) => s.toLowerCase()

/**
 * The database boundary's id normalisation: the app writes and compares lower-case UUIDs,
 * SQL Server's driver reads uniqueidentifier back upper-case (unless lowerCaseGuids is on),
 * so every UUID-shaped string read is lower-cased (knex `postProcessResponse`). Cheap: a
 * length and a character test per string value before the pattern. A text column whose whole
 * value is an upper-case UUID reads back lower-cased on SQL Server; nothing the app stores.
 */
export const lowerCaseIds = <T>(resp: T): T => mapUuidStrings(resp, lower)

/** Timestamps come back as Date (mssql), ISO string (pg, parsers set) or text (sqlite). */
export function toIso(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null
  if (v instanceof Date) return v.toISOString()
  const s = String(v)
  const d = new Date(s.includes('T') || s.endsWith('Z') ? s : s.replace(' ', 'T') + 'Z')
  return Number.isNaN(d.getTime()) ? s : d.toISOString()
}

export function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true'
}

export function toNum(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : null
}

// ---- date bucketing ---------------------------------------------------------------------------

/**
 * The YYYY-MM month of a date-only column (stored as YYYY-MM-DD text): `substring(col, 1, 7)`,
 * which SQLite (3.34+), PostgreSQL and SQL Server all accept (SQL Server has no substr).
 * Use the same expression in SELECT and GROUP BY (SQL Server requires it).
 */
export const monthOf = (knex: Knex, column: string) => knex.raw('substring(??, 1, 7)', [column])

/**
 * The limit of a read of every row of an ordered list (an export's ordered ids): a number no list
 * reaches rather than no limit, because the lists' window helpers always write `.limit(n)` with
 * their OFFSET — on SQL Server TOP (n) at offset 0 and OFFSET … FETCH NEXT n otherwise, and an
 * ordered read without either could not stand as a subquery there (SQL Server refuses an ORDER BY
 * in a subquery or derived table without TOP or OFFSET).
 */
export const ALL_ROWS = 1_000_000_000

/**
 * Which window of an ordered list of `total` rows holds the page at `offset`: a page past the
 * middle is read from the other end (order reversed, `offset` counted from the end; the caller
 * reverses the rows), so no page steps over more than half the list's index entries.
 */
export function pageWindow(offset: number, limit: number, total: number): { offset: number; limit: number; reverse: boolean } {
  if (offset <= total / 2) return { offset, limit, reverse: false }
  const rows = Math.max(0, Math.min(limit, total - offset))
  return { offset: Math.max(0, total - offset - rows), limit: rows, reverse: true }
}

/**
 * The band of an integer column among ascending `edges` (the number of edges at or below the
 * value): a CASE over literal integers, the same SQL on every dialect.
 */
export function bandOf(knex: Knex, column: string, edges: readonly number[]): Knex.Raw {
  for (const e of edges) if (!Number.isSafeInteger(e)) throw new Error(`not an integer edge: ${e}`)
  const whens = edges.map((e, i) => `when ?? < ${e} then ${i}`).join(' ')
  return knex.raw(`(case ${whens} else ${edges.length} end)`, edges.map(() => column))
}
/** Whether a search term holds Chinese characters: it can then only match names (not pinyin, codes or phones). */
export const hasHan = (term: string) => /\p{Script=Han}/u.test(term)

/**
 * Case-insensitive LIKE for search terms: SQLite's LIKE and SQL Server's default collation
 * already ignore case, PostgreSQL needs ILIKE. `mode` as in likePattern.
 */
export function likeCi(db: Knex, dialect: Dialect, column: string, value: string, mode: 'contains' | 'prefix' = 'contains'): Knex.Raw {
  return db.raw(`?? ${dialect === 'postgres' ? 'ilike' : 'like'} ? escape '\\'`, [column, likePattern(value, mode)])
}

/**
 * The rank of a name match in SQL: 0 the name is the term, 1 it starts with it, 2 the second
 * column (short name) is or starts with it, 3 anything else (the caller's WHERE matched).
 */
export function nameRank(db: Knex, dialect: Dialect, name: string, term: string, second?: string): Knex.Raw {
  const op = dialect === 'postgres' ? 'ilike' : 'like'
  const prefix = likePattern(term, 'prefix')
  const eq = likePattern(term, 'prefix').replace(/%$/, '')
  const secondWhen = second ? ` when ?? ${op} ? escape '\\' then 2` : ''
  return db.raw(`case when ?? ${op} ? escape '\\' then 0 when ?? ${op} ? escape '\\' then 1${secondWhen} else 3 end`, [
    name, eq, name, prefix, ...(second ? [second, prefix] : []),
  ])
}

/**
 * `column` starts with `value` (case as stored). On SQLite a range over the binary order, so a
 * covering index starting with the column is searched instead of scanned; elsewhere LIKE 'v%'.
 */
export function wherePrefix(q: Knex.QueryBuilder, dialect: Dialect, column: string, value: string) {
  if (dialect === 'sqlite') return q.where(column, '>=', value).where(column, '<', value + '\u{10FFFF}')
  return whereLike(q, column, value, 'prefix')
}

/** Characters of a search text or name PostgreSQL's prefix indexes hold (migration 20261206002210); a search term has at most 100. */
export const SEARCH_PREFIX_CHARS = 100

/**
 * `column` starts with `value` (case as stored), ordered by `column`, as an index range read in
 * order: on SQLite a range over the binary order (covering indexes over search_text and name);
 * on PostgreSQL over `left(column, 100) COLLATE "C"` (code-point order, the expression indexes of
 * migration 20261206002210 — a LIKE prefix needs the C collation to use a btree); on SQL Server
 * LIKE 'v%' ordered by the column.
 */
export function searchPrefixRange(q: Knex.QueryBuilder, dialect: Dialect, column: string, value: string): Knex.QueryBuilder {
  if (dialect === 'postgres' && [...value].length <= SEARCH_PREFIX_CHARS) {
    const expr = `left(??, ${SEARCH_PREFIX_CHARS}) collate "C"`
    return q.whereRaw(`${expr} >= ?`, [column, value]).whereRaw(`${expr} < ?`, [column, value + '\u{10FFFF}']).orderByRaw(expr, [column])
  }
  return wherePrefix(q, dialect, column, value).orderBy(column)
}

/** The characters (a one-character term) or character pairs of a search term, as crm_search_grams makes them. */
export function termGrams(term: string): string[] {
  const chars = [...term]
  if (chars.length <= 1) return chars
  return [...new Set(chars.slice(0, -1).map((c, i) => c + chars[i + 1]))]
}

/**
 * On PostgreSQL: only rows whose search text holds every character pair of the term, through
 * the GIN index over crm_search_grams(search_text) (migration 20261206000700); the caller's LIKE
 * then checks them. Elsewhere nothing: SQLite scans a narrow covering index instead.
 */
export function whereSearchGrams(q: Knex.QueryBuilder, dialect: Dialect, column: string, term: string) {
  if (dialect !== 'postgres') return q
  return q.whereRaw('crm_search_grams(??) @> ?::text[]', [column, termGrams(term)])
}

/**
 * The YYYY-MM month of a timestamp column on the wall clock `offsetMinutes` from UTC (a whole
 * number, written into the SQL so SELECT and GROUP BY hold the same text, as SQL Server requires):
 * strftime on SQLite (ISO text), to_char on PostgreSQL (timestamptz read as UTC), CONVERT(…, 126)
 * on SQL Server (datetime2).
 */
export function monthOfInstant(knex: Knex, column: string, offsetMinutes: number): Knex.Raw {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 840) throw new Error(`not a UTC offset: ${offsetMinutes}`)
  const d = dialectOf(knex)
  if (d === 'sqlite') return knex.raw(`strftime('%Y-%m', ??, '${offsetMinutes >= 0 ? '+' : ''}${offsetMinutes} minutes')`, [column])
  if (d === 'postgres') return knex.raw(`to_char((?? at time zone 'UTC') + interval '${offsetMinutes} minutes', 'YYYY-MM')`, [column])
  return knex.raw(`convert(char(7), dateadd(minute, ${offsetMinutes}, ??), 126)`, [column])
}

/** The YYYY-MM-DD day of a timestamp column on the wall clock `offsetMinutes` from UTC (as monthOfInstant). */
export function dayOfInstant(knex: Knex, column: string, offsetMinutes: number): Knex.Raw {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 840) throw new Error(`not a UTC offset: ${offsetMinutes}`)
  const d = dialectOf(knex)
  if (d === 'sqlite') return knex.raw(`strftime('%Y-%m-%d', ??, '${offsetMinutes >= 0 ? '+' : ''}${offsetMinutes} minutes')`, [column])
  if (d === 'postgres') return knex.raw(`to_char((?? at time zone 'UTC') + interval '${offsetMinutes} minutes', 'YYYY-MM-DD')`, [column])
  return knex.raw(`convert(char(10), dateadd(minute, ${offsetMinutes}, ??), 23)`, [column])
}

/**
 * PostgreSQL: runs `fn` in a transaction with `set local work_mem = '<mb>MB'`, for one big read
 * whose sort or hash would otherwise spill to disk at the default 4 MB (客户贡献分析 at 100,000
 * customers: 10–15 % less server CPU at 32 MB, BENCHMARKS.md 统计报表); the setting ends with the
 * transaction. SQLite and SQL Server: `fn` on the connection as it is.
 */
export async function withWorkMem<T>(knex: Knex, mb: number, fn: (k: Knex) => Promise<T>): Promise<T> {
  if (dialectOf(knex) !== 'postgres') return fn(knex)
  if (!Number.isInteger(mb) || mb < 1 || mb > 1024) throw new Error(`work_mem out of range: ${mb}`)
  return knex.transaction(async (trx) => {
    await trx.raw(`set local work_mem = '${mb}MB'`)
    return fn(trx)
  })
}

/**
 * `table as alias`, on SQLite read through `index` (INDEXED BY): for a GROUP BY of a column that
 * leads another index SQLite's planner prefers walking that index in group order over reading
 * the date range of a covering index (measured: the per-customer sums of a year over 246,000
 * orders walked orders_customer_id_order_date_index and every row). Elsewhere plain.
 */
export function fromIndexed(knex: Knex, table: string, alias: string, index: string): Knex.QueryBuilder {
  named(index)
  if (dialectOf(knex) !== 'sqlite') return knex(`${table} as ${alias}`)
  return knex.from(knex.raw('?? as ?? indexed by ??', [table, alias, index]))
}

/**
 * An id column as a sort key that orders ids as their text does (the app compares ids as
 * lower-case strings): SQLite and PostgreSQL (uuid: byte order = hex text order) sort the column
 * itself; SQL Server sorts a uniqueidentifier by its last byte group first, so its text form
 * (upper-case hex, hyphens in the same places: the same order) is sorted instead.
 */
export function idSortKey(knex: Knex, column: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(column)) throw new Error(`not a column: ${column}`)
  return dialectOf(knex) === 'mssql' ? `cast(${column} as char(36))` : column
}

/** Text with every CJK ideograph doubled (长春 → 长长春春), as migration 20261206002100 indexes search texts. */
export function doubleHan(s: string): string {
  return s.replace(HAN, '$&$&')
}
/** CJK ideographs the SQLite search index doubles (Unified Ideographs and Extension A; all in the BMP, so no surrogate is split). */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/g

/**
 * The FTS5 query for a search term in SQLite's customer search index: the distinct trigrams of
 * the term with its Chinese characters doubled, all required (so 科技 asks for 科技技, which only
 * a text holding 科技 has). null when the term makes no trigram (one Chinese character, one or
 * two Latin ones): the index cannot narrow that search.
 */
export function searchIndexQuery(term: string): string | null {
  const chars = [...doubleHan(term)]
  if (chars.length < 3) return null
  const grams = new Set<string>()
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''))
  return [...grams].map((g) => `"${g.replaceAll('"', '""')}"`).join(' AND ')
}

/** Whether the database has an index that narrows a customer search for `term` (SQL Server: none, it scans). */
export function customerSearchIndexed(dialect: Dialect, term: string): boolean {
  return searchIndexServes(dialect, term)
}

/**
 * Only customers the search index says may hold `term` (the caller's LIKE then checks them):
 * SQLite's trigram index of migration 20261206002100, PostgreSQL's GIN index over the search
 * text's characters and pairs. Use when customerSearchIndexed(dialect, term).
 */
export function whereCustomerSearchIndexed(db: Knex, q: Knex.QueryBuilder, dialect: Dialect, idColumn: string, searchColumn: string, term: string) {
  if (dialect === 'postgres') return whereSearchGrams(q, dialect, searchColumn, term)
  const match = searchIndexQuery(term)
  if (dialect !== 'sqlite' || !match) return q
  return q.whereRaw('?? in (select customer_id from customer_search where id in (select rowid from customer_search_fts where customer_search_fts match ?))', [idColumn, match])
}

// ---- the search indexes of 全局搜索 (customers' and contacts' search_text) ---------------------

/**
 * The indexes over a table's lower-cased `search_text`: SQLite's FTS5 trigram index (Chinese
 * characters doubled) with its side table giving each row a stable integer (migrations
 * 20261206002100 customers, 20261206002200 contacts); PostgreSQL's GIN index over
 * crm_search_grams (characters and character pairs, migration 20261206000700). SQL Server: none.
 */
const SEARCH_INDEXES = {
  customers: { side: 'customer_search', key: 'customer_id', fts: 'customer_search_fts', grams: 'customers_search_grams' },
  contacts: { side: 'contact_search', key: 'contact_id', fts: 'contact_search_fts', grams: 'contacts_search_grams' },
} as const
export type SearchTable = keyof typeof SEARCH_INDEXES

/**
 * Whether the search index can narrow a search for `needle` (the text looked for in the search
 * text: a term, or '|' + term for a part starting with it): SQLite when it makes a trigram
 * (3 characters, a Chinese one counting twice), PostgreSQL always (its grams are single
 * characters and pairs; whether reading them pays is searchIndexCount's question), SQL Server never.
 */
export function searchIndexServes(dialect: Dialect, needle: string): boolean {
  if (dialect === 'sqlite') return searchIndexQuery(needle) !== null
  return dialect === 'postgres' && needle.length > 0
}

/**
 * `table as alias` for a search of its search text for `needle`, narrowed by the search index
 * where one serves; the caller adds the LIKE that decides (the index only narrows), the live and
 * scope conditions, its columns and a LIMIT.
 * - SQLite with a trigram: read from the FTS5 index first (CROSS JOIN: SQLite never reorders it,
 *   so the index stays the outer loop and a LIMIT stops reading it early), each row through the
 *   side table to the table's row.
 * - PostgreSQL with `grams` (a term the statistics call rare): only rows of the GIN index holding
 *   every character pair of the needle. Without (a common term): the plain table — a scan that
 *   stops at the caller's LIMIT costs less than a bitmap of most rows rechecked.
 * - SQL Server (no index here) and SQLite without a trigram: the plain table; the caller bounds
 *   the rows such a search reads (boundedSearchFrom) unless a LIKE prefix range serves.
 */
export function searchIndexFrom(db: Knex, dialect: Dialect, table: SearchTable, alias: string, needle: string, o: { grams?: boolean } = {}): Knex.QueryBuilder {
  const ix = SEARCH_INDEXES[table]
  if (dialect === 'sqlite') {
    const match = searchIndexQuery(needle)
    if (!match) return db(`${table} as ${alias}`)
    return db
      .from(ix.fts)
      .joinRaw('cross join ?? on ??.?? = ??.rowid cross join ?? as ?? on ??.?? = ??.??', [ix.side, ix.side, 'id', ix.fts, table, alias, alias, 'id', ix.side, ix.key])
      .whereRaw('?? match ?', [ix.fts, match])
  }
  const q = db(`${table} as ${alias}`)
  if (dialect === 'postgres' && o.grams !== false && needle) q.whereRaw('crm_search_grams(??) @> ?::text[]', [`${alias}.search_text`, termGrams(needle)])
  return q
}

/**
 * What a memo of the database's own facts (its indexes, its statistics) is keyed by: the knex
 * client's configuration, one object shared by a knex handle and every transaction started from
 * it (knex gives a transaction its own client but the same `config`), so a call inside a
 * transaction finds what a call outside it read, and the other way round. Keyed by the handle,
 * a transaction never hit the memo (it read pg_stats again on every search inside one).
 */
function databaseOf(db: Knex): object {
  return (db.client as { config: object }).config
}

const trigramMemo = new WeakMap<object, Map<string, Promise<boolean>>>()

/** Whether PostgreSQL has the pg_trgm index `<table>_search_trgm` (pg_trgm is optional: migrations 20261206001200, 20261206002210). */
function pgTrigramIndexed(db: Knex, table: SearchTable): Promise<boolean> {
  let memo = trigramMemo.get(databaseOf(db))
  if (!memo) trigramMemo.set(databaseOf(db), (memo = new Map()))
  let p = memo.get(table)
  if (!p) {
    p = db
      .raw('select 1 as ok from pg_indexes where schemaname = current_schema() and indexname = ?', [`${table}_search_trgm`])
      .then((r: { rows: unknown[] }) => r.rows.length > 0)
    memo.set(table, p)
  }
  return p
}

/**
 * Whether a search for `needle` in `table`'s search text reads PostgreSQL's GIN grams
 * (searchIndexFrom's `grams`): for a needle with Chinese characters when the statistics call it
 * rare (at most `rare` rows: a common gram's bitmap is most rows, rechecked); for one without
 * (pinyin, digits, codes) never when the table has a pg_trgm index — the plain LIKE then lets the
 * planner use that index, whose trigrams are far more selective than character pairs of digits
 * and Latin letters (a mobile fragment's pairs 13, 38, 80… are each in most rows) or scan a
 * common term until its LIMIT; without pg_trgm as for Chinese. Elsewhere false.
 */
export async function searchReadsGrams(db: Knex, dialect: Dialect, table: SearchTable, needle: string, rare: number): Promise<boolean> {
  if (dialect !== 'postgres' || !searchIndexQuery(needle)) return false
  if (!hasHan(needle) && (await pgTrigramIndexed(db, table))) return false
  return (await searchIndexCount(db, dialect, table, needle, rare)) <= rare
}

/**
 * A search no index narrows (a 1-character term, 2 Latin letters or digits on SQLite, a common
 * term on PostgreSQL, any term on SQL Server) reads at most `rows` rows of `inner` (a query over
 * `table as alias` with the caller's live and scope conditions and its columns, no LIMIT): the
 * rows become the derived table `alias`, on which the caller adds its LIKE and LIMIT. Knex writes
 * the inner LIMIT as LIMIT on SQLite and PostgreSQL and as TOP on SQL Server. Never a full scan:
 * what such a term finds beyond this is left to the prefix ranges (names starting with it).
 */
export function boundedSearchFrom(db: Knex, inner: Knex.QueryBuilder, alias: string, rows: number): Knex.QueryBuilder {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`bounded search needs a positive row count: ${rows}`)
  return db.from(inner.limit(rows).as(alias))
}

/**
 * `column` holds `value` (lower-cased search text, `value` lower-cased): LIKE '%v%' with the
 * wildcards escaped, on every database (SQL Server's default collation ignores case as well).
 */
export function whereSearchText(q: Knex.QueryBuilder, column: string, value: string, mode: 'contains' | 'part-prefix' = 'contains') {
  if (mode === 'contains') return whereLike(q, column, value)
  return q.whereRaw(`?? like ? escape '\\'`, [column, `%|${likePattern(value, 'prefix')}`])
}

/**
 * How many customers the search index offers for `term`, counted up to `cap` + 1 (a common term
 * stops early): SQLite counts the trigram index's rows; PostgreSQL the live rows of the GIN
 * index that LIKE confirms (an estimate from its statistics, see searchIndexCount).
 */
export function customerSearchIndexCount(db: Knex, dialect: Dialect, term: string, cap: number): Promise<number> {
  return searchIndexCount(db, dialect, 'customers', term, cap)
}

/**
 * How many rows of `table` the search index offers for `needle`, counted up to `cap` + 1 on
 * SQLite (Infinity: no trigram, the index cannot narrow it), estimated on PostgreSQL, Infinity on
 * SQL Server (no index).
 */
export async function searchIndexCount(db: Knex, dialect: Dialect, table: SearchTable, needle: string, cap: number): Promise<number> {
  const ix = SEARCH_INDEXES[table]
  if (dialect === 'sqlite') {
    const match = searchIndexQuery(needle)
    if (!match) return Infinity
    const r = await db.raw(`select count(*) as n from (select rowid from ${ix.fts} where ${ix.fts} match ? limit ?)`, [match, cap + 1])
    return Number((r as Array<{ n: number }>)[0]!.n)
  }
  if (dialect !== 'postgres') return Infinity
  // PostgreSQL: from the GIN index's statistics (most common grams and their share of the rows),
  // not by reading it — a common gram's bitmap is every row, and rechecking crm_search_grams on
  // each cost 10 s for 有限 at 66,000 customers. A term is as common as its rarest gram; a gram not
  // among the most common is rare. No statistics yet (never analysed): treated as rare (the index
  // path is exact, only slower for a common term).
  return gramsEstimate(await gramStats(db, table, ix.grams), needle)
}

/** A GIN grams index's statistics: each most common gram's share of the rows, and the rows (null: never analysed). */
interface GramStats {
  freq: Map<string, number>
  rows: number
}

/** How long gram statistics read from pg_stats are reused (they change only when the table is analysed). */
export const GRAM_STATS_TTL_MS = 5 * 60_000
const gramStatsMemo = new WeakMap<object, Map<string, { at: number; stats: Promise<GramStats | null> }>>()

/**
 * PostgreSQL: the statistics of the GIN index `grams` over `table`, read from pg_stats once per
 * GRAM_STATS_TTL_MS per database (databaseOf: a transaction shares its knex handle's). Reading
 * them costs a join over the pg_stats view and parsing a few thousand grams and shares (10–40 ms
 * of server and app time at 100,000 customers) — before, every search paid that once per area; they only steer the choice
 * between the index and a scan (searchReadsGrams, the ticket and opportunity searches), never
 * what is found, so statistics a few minutes old do no harm.
 */
function gramStats(db: Knex, table: string, grams: string): Promise<GramStats | null> {
  let memo = gramStatsMemo.get(databaseOf(db))
  if (!memo) gramStatsMemo.set(databaseOf(db), (memo = new Map()))
  const now = Date.now()
  const known = memo.get(grams)
  if (known && now - known.at < GRAM_STATS_TTL_MS) return known.stats
  const stats = db
    .raw(
      `select s.most_common_elems::text::text[] as elems, s.most_common_elem_freqs as freqs, c.reltuples as rows
       from pg_stats s join pg_class c on c.relname = ? and c.relnamespace = to_regnamespace(current_schema())
       where s.schemaname = current_schema() and s.tablename = ?`,
      [table, grams],
    )
    .then((r: { rows: Array<{ elems: string[] | null; freqs: number[] | null; rows: number }> }) => {
      const st = r.rows[0]
      if (!st?.elems || !st.freqs) return null
      return { freq: new Map(st.elems.map((g, i) => [g, Number(st.freqs![i])])), rows: Number(st.rows) }
    })
  const entry = { at: now, stats }
  memo.set(grams, entry)
  stats.catch(() => memo!.get(grams) === entry && memo!.delete(grams)) // a failed read is not kept
  return stats
}

/** Rows the statistics expect to hold every gram of `needle`: as many as its rarest gram (0: none analysed, or a gram not among the most common). */
function gramsEstimate(st: GramStats | null, needle: string): number {
  if (!st) return 0
  const share = Math.min(...termGrams(needle).map((g) => st.freq.get(g) ?? 0))
  return Math.round(share * st.rows)
}

/** Forget the gram statistics read so far of `db`'s database (also when `db` is a transaction): after an analyse, the new figures are read. */
export function forgetGramStats(db: Knex): void {
  gramStatsMemo.delete(databaseOf(db))
}

// ---- search indexes of other tables ------------------------------------------------------------

/**
 * A table's search index as the customers' (above): SQLite's trigram FTS table with its
 * id map, PostgreSQL's GIN index over crm_search_grams(search_text); SQL Server has none.
 */
export interface TextSearchIndex {
  /** the table the search text is in */
  table: string
  /** SQLite: the table mapping the FTS rowid (`id`) to the row (`column`) */
  map: string
  mapColumn: string
  /** SQLite: the FTS5 trigram table */
  fts: string
  /** PostgreSQL: the GIN index over crm_search_grams(search_text) */
  grams: string
}

/** The opportunities' search index (migration 20261206002310). */
export const OPPORTUNITY_SEARCH_INDEX: TextSearchIndex = {
  table: 'opportunities', map: 'opportunity_search', mapColumn: 'opportunity_id', fts: 'opportunity_search_fts', grams: 'opportunities_search_grams',
}

/** The service tickets' search index (migration 20261206003200). */
export const TICKET_SEARCH_INDEX: TextSearchIndex = {
  table: 'service_tickets', map: 'ticket_search', mapColumn: 'ticket_id', fts: 'ticket_search_fts', grams: 'service_tickets_search_grams',
}

/**
 * Only rows the search index says may hold `term` (the caller's LIKE then checks them): as
 * whereCustomerSearchIndexed, for another table's index. SQL Server: unchanged (a plain LIKE).
 */
export function whereTextSearchIndexed(db: Knex, q: Knex.QueryBuilder, dialect: Dialect, ix: TextSearchIndex, idColumn: string, searchColumn: string, term: string) {
  if (dialect === 'postgres') return whereSearchGrams(q, dialect, searchColumn, term)
  const match = searchIndexQuery(term)
  if (dialect !== 'sqlite' || !match) return q
  return q.whereRaw(`?? in (select ?? from ?? where id in (select rowid from ?? where ?? match ?))`, [idColumn, ix.mapColumn, ix.map, ix.fts, ix.fts, match])
}

/**
 * How many rows the search index offers for `term`, up to `cap` + 1 (as customerSearchIndexCount):
 * SQLite counts the trigram index's rows; PostgreSQL estimates from the GIN index's statistics
 * (a common gram rechecked on every row costs seconds); Infinity where no index narrows the term.
 */
export async function textSearchIndexCount(db: Knex, dialect: Dialect, ix: TextSearchIndex, term: string, cap: number): Promise<number> {
  if (dialect === 'sqlite') {
    const match = searchIndexQuery(term)
    if (!match) return Infinity
    const r = await db.raw('select count(*) as n from (select rowid from ?? where ?? match ? limit ?)', [ix.fts, ix.fts, match, cap + 1])
    return Number((r as Array<{ n: number }>)[0]!.n)
  }
  if (dialect !== 'postgres' || !term) return Infinity
  return gramsEstimate(await gramStats(db, ix.table, ix.grams), term)
}
