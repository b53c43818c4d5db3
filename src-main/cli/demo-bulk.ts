// crm demo at scale (issue 8): what lets a 1,000,000-customer demo load in minutes and stay
// within memory. Maintaining every secondary index of a big table row by row (customers has
// about 50) and SQLite's search-index triggers (a recursive CTE per row doubling the Chinese
// characters, ~1 ms a customer) made the load slow down as the tables outgrew the cache. A bulk
// load instead:
// - drops the plain (non-unique) indexes of the tables it fills, and on SQLite the triggers that
//   fill the search index on insert; their definitions go to `bulk_load_suspended` first, so an
//   interrupted load leaves them to the next `crm demo` (restoreSuspended, run before anything);
// - builds them again after the load from those definitions (one sort per index);
// - fills SQLite's search index for the rows inserted meanwhile in pages, with the same text the
//   triggers write (doubleHan is the JS twin of the triggers' SQL: a test compares the two);
// - analyses the tables.
// Unique indexes and primary keys stay (they check the data as it comes). SQL Server: no bulk
// mode (the demo loads as before).
// PostgreSQL also drops the row triggers that keep the summary tables on insert (the 简报's
// briefing_owner_day, the reports' customer_sales_sums: a plpgsql upsert per customer, contact,
// 交往记录, order and payment — half the server's CPU of a load), kept in bulk_load_suspended as
// well; when they are created again, the summary is computed afresh from its tables in the same
// transaction (the migrations' own backfill), so rows anyone wrote meanwhile are counted too.
import type { Knex } from 'knex'
import type { Dialect } from '../db/config'
import { analyzeTables, doubleHan, insertRows } from '../db/dialect'
import type { NameSet } from './demo-data'
import { DemoNameSet } from './demo-data'
import type { Out } from './output'
import { briefingRebuildSql } from '../../db/migrations/20261206005200_briefing-owner-day'
import { COUNTED } from '../../db/migrations/20261206005300_customer-sales-sums'

interface Suspended {
  name: string
  table_name: string
  kind: 'index' | 'trigger'
  definition: string
  seq: number
}

/** SQLite's search indexes kept by insert triggers: the table, its id map, the FTS table, the map's id column, the trigger. */
const SQLITE_SEARCH = [
  { table: 'customers', map: 'customer_search', fts: 'customer_search_fts', column: 'customer_id', trigger: 'customers_search_insert', nullText: '' },
  { table: 'contacts', map: 'contact_search', fts: 'contact_search_fts', column: 'contact_id', trigger: 'contacts_search_insert', nullText: null },
] as const

/**
 * PostgreSQL: the insert triggers that keep a summary table, by summary; each summary's rebuild
 * from its source tables (what its migration's backfill writes). The update triggers stay (a load
 * only inserts).
 */
const PG_SUMMARIES = {
  briefing: { sources: ['customers', 'contacts', 'interactions'], triggers: ['customers_briefing', 'contacts_briefing', 'interactions_briefing'], rebuild: () => briefingRebuildSql('postgres') },
  sales: { sources: ['orders', 'payments'], triggers: ['orders_sales_sums', 'payments_sales_sums'], rebuild: salesSumsRebuildSql },
} as const
const PG_SUMMARY_TRIGGERS: string[] = Object.values(PG_SUMMARIES).flatMap((s) => [...s.triggers])

/** customer_sales_sums from orders and payments (migration 20261206005300's backfill; its rows at 0 are not written). */
function salesSumsRebuildSql(): string[] {
  const part = (table: string, date: string, amount: string, order: boolean, where: string, n: 4 | 7) =>
    `select r.customer_id, left(r.${date}, ${n}) as period, ${order ? `r.${amount}` : '0'} as order_cents, ${order ? '0' : `r.${amount}`} as payment_cents from ${table} as r where ${where}`
  const parts = ([4, 7] as const).flatMap((n) => [
    part('orders', 'order_date', 'total_cents', true, `r.deleted_at is null and r.status in ${COUNTED}`, n),
    part('payments', 'paid_date', 'amount_cents', false, 'r.deleted_at is null', n),
  ])
  return [
    'delete from customer_sales_sums',
    `insert into customer_sales_sums (customer_id, period, order_cents, payment_cents) select u.customer_id, u.period, sum(u.order_cents), sum(u.payment_cents) from (${parts.join(' union all ')}) as u group by u.customer_id, u.period`,
  ]
}

const ident = (s: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`not a plain name: ${s}`)
  return s
}

async function definitions(k: Knex, dialect: Dialect, tables: string[], keep: (definition: string) => boolean): Promise<Omit<Suspended, 'seq'>[]> {
  if (dialect === 'sqlite') {
    const rows: Array<{ type: string; name: string; tbl_name: string; sql: string }> = await k.raw(
      `select type, name, tbl_name, sql from sqlite_master where tbl_name in (${tables.map(() => '?').join(', ')}) and sql is not null and (type = 'index' or type = 'trigger') order by rowid`,
      tables,
    )
    const triggers = new Set<string>(SQLITE_SEARCH.map((s) => s.trigger))
    return rows
      .filter((r) => (r.type === 'trigger' ? triggers.has(r.name) : !/^\s*create\s+unique\s/i.test(r.sql) && !keep(r.sql)))
      .map((r) => ({ name: r.name, table_name: r.tbl_name, kind: r.type as 'index' | 'trigger', definition: r.sql }))
  }
  if (dialect === 'postgres') {
    const res = await k.raw(
      `select i.indexname as name, i.tablename as table_name, i.indexdef as definition
         from pg_indexes i
         join pg_class c on c.relname = i.indexname and c.relnamespace = (select oid from pg_namespace where nspname = i.schemaname)
         join pg_index x on x.indexrelid = c.oid
        where i.schemaname = current_schema() and i.tablename = any(?) and not x.indisunique and not x.indisprimary
        order by c.oid`,
      [tables],
    )
    const triggers = await k.raw(
      `select t.tgname as name, c.relname as table_name, pg_get_triggerdef(t.oid) as definition
         from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where c.relnamespace = (select oid from pg_namespace where nspname = current_schema()) and c.relname = any(?) and t.tgname = any(?) and not t.tgisinternal
        order by t.oid`,
      [tables, PG_SUMMARY_TRIGGERS],
    )
    return [
      ...(res.rows as Array<{ name: string; table_name: string; definition: string }>).filter((r) => !keep(r.definition)).map((r) => ({ ...r, kind: 'index' as const })),
      ...(triggers.rows as Array<{ name: string; table_name: string; definition: string }>).map((r) => ({ ...r, kind: 'trigger' as const })),
    ]
  }
  return []
}

/**
 * SQLite while loading: 192 MB of page cache for the primary keys' B-trees and the index sorts,
 * and no memory map (its pages count in the process's RSS and only help reads).
 */
export async function sqliteLoadMemory(k: Knex): Promise<void> {
  await k.raw('pragma cache_size = -196608')
  await k.raw('pragma mmap_size = 0')
}

/**
 * Drops the plain indexes of `tables` (and SQLite's search-insert triggers among them) after
 * saving their definitions; `keep` names index definitions to leave (the load itself reads
 * through them). Answers how many were dropped. SQL Server: none.
 */
export async function suspendIndexes(k: Knex, dialect: Dialect, tables: string[], keep: (definition: string) => boolean = () => false): Promise<number> {
  if (dialect === 'mssql') return 0
  const defs = await definitions(k, dialect, tables, keep)
  if (!defs.length) return 0
  const now = new Date().toISOString()
  await k.transaction(async (trx) => {
    const base = Number((await trx('bulk_load_suspended').max({ m: 'seq' }))[0]?.m ?? 0)
    await trx('bulk_load_suspended').insert(defs.map((d, i) => ({ ...d, seq: base + i + 1, created_at: now })))
    for (const d of defs) await trx.raw(`drop ${d.kind} ${ident(d.name)}${dialect === 'postgres' && d.kind === 'trigger' ? ` on ${ident(d.table_name)}` : ''}`)
  })
  return defs.length
}

/**
 * Builds again every index and trigger a bulk load dropped (this run's or an interrupted one's),
 * after filling SQLite's search index for the rows inserted meanwhile; then analyses the tables.
 * A no-op when nothing is suspended.
 */
export async function restoreSuspended(k: Knex, dialect: Dialect, out: Out): Promise<void> {
  const rows: Suspended[] = await k('bulk_load_suspended').orderBy('seq').select('name', 'table_name', 'kind', 'definition', 'seq')
  if (!rows.length) return
  const started = Date.now()
  if (dialect === 'sqlite' && rows.some((r) => r.kind === 'trigger')) await fillSqliteSearch(k, out)
  if (dialect === 'sqlite') await sqliteLoadMemory(k)
  // PostgreSQL's summary triggers last, a summary's together with its rebuild
  const summaryOf = (r: Suspended) => (dialect === 'postgres' && r.kind === 'trigger' ? Object.entries(PG_SUMMARIES).find(([, s]) => (s.triggers as readonly string[]).includes(r.name)) : undefined)
  for (const r of rows) {
    if (summaryOf(r)) continue
    const t0 = Date.now()
    await k.transaction(async (trx) => {
      if (dialect === 'postgres') await trx.raw("set local maintenance_work_mem = '256MB'")
      await trx.raw(r.definition)
      await trx('bulk_load_suspended').where({ name: r.name }).delete()
    })
    out.progress(`demo: rebuilt ${r.kind} ${r.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  }
  for (const [name, summary] of Object.entries(PG_SUMMARIES)) {
    const mine = rows.filter((r) => summaryOf(r)?.[0] === name)
    if (!mine.length) continue
    const t0 = Date.now()
    await k.transaction(async (trx) => {
      // writers of the source tables wait until the triggers are back and the sums computed
      await trx.raw(`lock table ${summary.sources.join(', ')} in share row exclusive mode`)
      for (const r of mine) {
        await trx.raw(r.definition)
        await trx('bulk_load_suspended').where({ name: r.name }).delete()
      }
      for (const sql of summary.rebuild()) await trx.raw(sql)
    })
    out.progress(`demo: triggers ${mine.map((r) => r.name).join(', ')} created again, their summary computed (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  }
  const tables = [...new Set(rows.map((r) => r.table_name))]
  await analyzeTables(k, dialect, tables)
  out.log(`demo: ${rows.length} indexes and triggers of ${tables.join(', ')} rebuilt and analysed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** SQLite: the search index rows the insert triggers would have written, for the rows that have none. */
async function fillSqliteSearch(k: Knex, out: Out): Promise<void> {
  for (const s of SQLITE_SEARCH) {
    const before = Number((await k(s.map).max({ m: 'id' }))[0]?.m ?? 0)
    // the triggers give ids in insertion order
    await k.raw(`insert into ${s.map} (${s.column}) select t.id from ${s.table} t where not exists (select 1 from ${s.map} m where m.${s.column} = t.id) order by t.rowid`)
    let after = before
    let n = 0
    for (;;) {
      const page: Array<{ id: number; text: string | null }> = await k(`${s.map} as m`)
        .join(`${s.table} as t`, 't.id', `m.${s.column}`)
        .where('m.id', '>', after)
        .orderBy('m.id')
        .limit(5000)
        .select('m.id', 't.search_text as text')
      if (!page.length) break
      after = page[page.length - 1]!.id
      const rows = page
        .map((p) => ({ rowid: p.id, grams: p.text === null ? s.nullText : doubleHan(p.text) }))
        .filter((p): p is { rowid: number; grams: string } => p.grams !== null)
      await insertRows(k, 'sqlite', s.fts, rows)
      n += page.length
      out.progress(`demo: search index of ${s.table}: ${n}`)
    }
  }
}

/**
 * The company names in the database, read in pages into a DemoNameSet (a bit per possible
 * generated name), so the demo's names stay unique without a string per customer in memory.
 */
export async function takenNames(k: Knex): Promise<NameSet> {
  const taken = new DemoNameSet()
  let after: string | null = null
  for (;;) {
    const q = k('customers').orderBy('id').limit(10_000).select('id', 'name')
    if (after !== null) q.where('id', '>', after)
    const page: Array<{ id: string; name: string }> = await q
    for (const row of page) taken.add(row.name)
    if (page.length < 10_000) return taken
    after = page[page.length - 1]!.id
  }
}
