// No SQL Server runs here, so the migrations' T-SQL is compiled and checked as text:
// Unicode column types, datetime2, uniqueidentifier ids, bit booleans, primary keys,
// nothing PostgreSQL-only, and index keys SQL Server can actually build.
import Database from 'better-sqlite3'
import { registerSqliteFunctions } from '../../src-main/db/connection'
import { beforeAll, describe, expect, it } from 'vitest'
import { printMigrationSql } from '../../src-main/db/migrate'
import { NULLS_LAST_SORTS } from '../../db/migrations/20261206001200_customer-list-indexes'

/** An in-memory SQLite database with the SQL functions every app connection registers (the search triggers call crm_double_han). */
function appSqlite() {
  const db = new Database(':memory:')
  registerSqliteFunctions(db)
  return db
}

interface Column {
  name: string
  type: string
}
interface Table {
  name: string
  columns: Column[]
  primaryKey: string[]
  sql: string
}

const statementsOf = (chunks: string[]) =>
  chunks
    .filter((c) => !c.startsWith('-- migration'))
    .flatMap((c) => c.split(/;\s*\n/))
    .map((s) => s.trim().replace(/;$/, ''))
    .filter(Boolean)

/** Splits on commas that are not inside parentheses or quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote: string | null = null
  let cur = ''
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'") quote = ch
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
      continue
    }
    cur += ch
  }
  if (cur.trim()) out.push(cur.trim())
  return out
}

/** Parses CREATE TABLE statements; `q` is the dialect's identifier quote pair. */
function parseTables(statements: string[], q: [string, string]): Map<string, Table> {
  const [o, c] = q.map((x) => x.replace(/[[\]]/g, '\\$&'))
  const ident = `${o}([^${c}]+)${c}`
  const tables = new Map<string, Table>()
  for (const sql of statements) {
    const m = new RegExp(`^create table ${ident} \\((.*)\\)$`, 'is').exec(sql)
    if (!m) continue
    const t: Table = { name: m[1], columns: [], primaryKey: [], sql }
    for (const part of splitTopLevel(m[2])) {
      const pk = new RegExp(`primary key \\((.*)\\)`, 'i').exec(part)
      if (/^constraint /i.test(part) || /^(primary|foreign) key/i.test(part)) {
        if (pk) t.primaryKey = [...pk[1].matchAll(new RegExp(ident, 'g'))].map((x) => x[1])
        continue
      }
      const col = new RegExp(`^${ident} ([a-z0-9]+(?:\\([^)]*\\))?)`, 'i').exec(part)
      if (!col) throw new Error(`cannot parse column: ${part}`)
      t.columns.push({ name: col[1], type: col[2].toLowerCase() })
    }
    tables.set(t.name, t)
  }
  // columns later migrations add: ALTER TABLE [t] ADD [c] type …, [d] type … (PostgreSQL: add column "c" type)
  for (const sql of statements) {
    const m = new RegExp(`^alter table ${ident} add (?:column )?(.*)$`, 'is').exec(sql)
    if (!m) continue
    const t = tables.get(m[1])
    if (!t) throw new Error(`ALTER TABLE of an unknown table: ${sql}`)
    // a key added afterwards (SQL Server: a NONCLUSTERED uuid key of a table made by a later migration)
    const key = new RegExp(`^constraint ${ident} primary key (?:nonclustered |clustered )?\\((.*)\\)$`, 'i').exec(m[2])
    if (key) {
      t.primaryKey = [...key[2].matchAll(new RegExp(ident, 'g'))].map((x) => x[1])
      continue
    }
    for (const part of splitTopLevel(m[2]).map((x) => x.replace(/^add (?:column )?/i, ''))) {
      if (/^constraint /i.test(part)) continue
      const col = new RegExp(`^${ident} ([a-z0-9]+(?:\\([^)]*\\))?)`, 'i').exec(part)
      if (!col) throw new Error(`cannot parse column: ${part}`)
      t.columns.push({ name: col[1], type: col[2].toLowerCase() })
    }
  }
  return tables
}

/** The SQL with quoted identifiers and string literals blanked, so only keywords and types remain. */
const codeOnly = (sql: string) => sql.replace(/\[[^\]]*\]/g, '[]').replace(/N?'(?:[^']|'')*'/g, "''")

describe('mssql DDL (printMigrationSql)', () => {
  let mssql: string[]
  let pg: string[]
  let sqlite: string[]
  let msTables: Map<string, Table>
  let pgTables: Map<string, Table>

  beforeAll(async () => {
    mssql = statementsOf(await printMigrationSql('mssql'))
    pg = statementsOf(await printMigrationSql('postgres'))
    sqlite = statementsOf(await printMigrationSql('sqlite'))
    msTables = parseTables(mssql, ['[', ']'])
    pgTables = parseTables(pg, ['"', '"'])
  })

  it('compiles every table of the schema', () => {
    expect(msTables.size).toBeGreaterThanOrEqual(30)
    for (const name of ['users', 'roles', 'role_permissions', 'teams', 'customers', 'contacts', 'audit_log', 'sync_version']) expect(msTables.has(name), name).toBe(true)
    expect([...msTables.keys()].sort()).toEqual([...pgTables.keys()].sort())
  })

  it('has no bare varchar / text / ntext: every character column is nvarchar', () => {
    for (const s of mssql) expect(codeOnly(s), s).not.toMatch(/\b(varchar|text|ntext|char|nchar)\b/i)
    for (const t of msTables.values()) {
      for (const c of t.columns) {
        if (/char|text/.test(c.type)) expect(c.type, `${t.name}.${c.name}`).toMatch(/^nvarchar\((\d+|max)\)$/)
      }
    }
  })

  it('maps every column type like PostgreSQL does, in SQL Server terms', () => {
    const expected: Array<[RegExp, RegExp]> = [
      [/^(varchar|character varying)\(\d+\)$/, /^nvarchar\(\d+\)$/],
      [/^text$/, /^nvarchar\(max\)$/],
      [/^timestamptz$/, /^datetime2$/],
      [/^uuid$/, /^uniqueidentifier$/],
      [/^boolean$/, /^bit$/],
      [/^bigint$/, /^bigint$/],
      [/^integer$/, /^int$/],
      [/^decimal\(18, 3\)$/, /^decimal\(18, 3\)$/],
      [/^bytea$/, /^varbinary\(max\)$/], // attachment_contents: a file's bytes
    ]
    for (const [name, p] of pgTables) {
      const m = msTables.get(name)!
      // SQL Server's computed columns (ADD [c] AS (expr) PERSISTED) stand for PostgreSQL's expression indexes
      const stored = m.columns.filter((c) => c.type !== 'as')
      expect(m.columns.filter((c) => c.type === 'as').map((c) => c.name), name).toEqual(name === 'customers' ? NULLS_LAST_SORTS.map(([, short]) => `${short}_nulls_last`) : [])
      expect(stored.map((c) => c.name), name).toEqual(p.columns.map((c) => c.name))
      for (const pc of p.columns) {
        const mc = m.columns.find((c) => c.name === pc.name)!
        const rule = expected.find(([pgType]) => pgType.test(pc.type))
        expect(rule, `unexpected PostgreSQL type ${pc.type} for ${name}.${pc.name}`).toBeDefined()
        expect(mc.type, `${name}.${pc.name} (${pc.type})`).toMatch(rule![1])
      }
    }
  })

  it('stores every timestamp as datetime2 (never datetime, datetimeoffset or smalldatetime)', () => {
    for (const s of mssql) expect(codeOnly(s), s).not.toMatch(/\b(datetime|smalldatetime|datetimeoffset|timestamp)\b/i)
    let stamps = 0
    for (const t of msTables.values()) {
      for (const c of t.columns) {
        if (/_at$/.test(c.name)) {
          stamps++
          expect(c.type, `${t.name}.${c.name}`).toBe('datetime2')
        }
      }
    }
    expect(stamps).toBeGreaterThan(50)
  })

  it('uses uniqueidentifier for ids and references', () => {
    // deliberately not UUIDs: the single counter row, client-chosen strings and mutation counters
    const notUuid = new Set([
      'sync_version.id', 'sync_version.epoch_id', 'sync_clients.client_id', 'sync_clients.last_mutation_id',
      'sync_mutation_results.client_id', 'sync_mutation_results.mutation_id', 'sync_conflicts.client_id', 'sync_outbox.mutation_id',
      'customers.tax_id', // 税号, a business number
    ])
    let ids = 0
    for (const t of msTables.values()) {
      for (const c of t.columns) {
        if (c.name !== 'id' && !c.name.endsWith('_id')) continue
        if (notUuid.has(`${t.name}.${c.name}`)) continue
        ids++
        expect(c.type, `${t.name}.${c.name}`).toBe('uniqueidentifier')
      }
    }
    expect(ids).toBeGreaterThan(60)
  })

  it('uses bit for booleans', () => {
    const bits = [...msTables.values()].flatMap((t) => t.columns.filter((c) => c.type === 'bit').map((c) => `${t.name}.${c.name}`))
    expect(bits).toEqual(expect.arrayContaining(['users.disabled', 'roles.is_system', 'dict_items.enabled', 'contacts.is_primary', 'interactions.goal_met']))
  })

  it('has nothing PostgreSQL- or SQLite-only and no cascades', () => {
    for (const s of mssql) {
      const code = codeOnly(s)
      expect(code, s).not.toMatch(/on conflict/i)
      expect(code, s).not.toMatch(/\bcascade\b/i)
      expect(code, s).not.toMatch(/\b(jsonb|json|serial|bigserial|boolean|timestamptz|uuid|autoincrement|returning)\b/i)
      expect(s, s).not.toMatch(/`/)
    }
  })

  it('gives every table a primary key', () => {
    for (const t of msTables.values()) {
      expect(t.primaryKey.length, t.name).toBeGreaterThan(0)
      for (const k of t.primaryKey) expect(t.columns.map((c) => c.name), `${t.name} primary key ${k}`).toContain(k)
    }
  })

  it('writes non-ASCII string literals with the N prefix', () => {
    for (const s of mssql) {
      for (const m of s.matchAll(/(N?)'((?:[^']|'')*)'/g)) {
        // eslint-disable-next-line no-control-regex
        if (/[^\x00-\x7f]/.test(m[2])) expect(m[1], `literal ${m[0]} in ${s}`).toBe('N')
      }
    }
  })

  it('indexes only columns SQL Server can index (no nvarchar(max), keys within 1700 bytes)', () => {
    const bytes = (type: string) => {
      const n = /^nvarchar\((\d+)\)$/.exec(type)
      if (n) return Number(n[1]) * 2
      return ({ uniqueidentifier: 16, datetime2: 8, bigint: 8, int: 4, bit: 1 } as Record<string, number>)[type] ?? 17
    }
    let checked = 0
    for (const s of mssql) {
      const m = /^create (?:unique )?index \[[^\]]+\] on \[([^\]]+)\] \(([^)]*)\)/i.exec(s)
      if (!m) continue
      checked++
      const table = msTables.get(m[1])!
      const cols = [...m[2].matchAll(/\[([^\]]+)\]/g)].map((x) => table.columns.find((c) => c.name === x[1])!)
      for (const c of cols) expect(c.type, `${s}`).not.toBe('nvarchar(max)')
      expect(cols.reduce((n, c) => n + bytes(c.type), 0), s).toBeLessThanOrEqual(1700)
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('compiles for PostgreSQL and runs on a real SQLite database', () => {
    expect(pg.length).toBeGreaterThan(60)
    expect(pg.filter((s) => /^create table/i.test(s)).length).toBe(msTables.size)
    expect(pg.join('\n')).not.toMatch(/\bcascade\b/i)
    const db = appSqlite()
    try {
      for (const s of sqlite) db.exec(s)
      const names = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>
      // SQLite's own search indexes (customers 20261206002100, contacts 20261206002200, opportunities 20261206002310, service tickets 20261206003200): their tables and the FTS5 tables
      expect(names.map((n) => n.name).filter((n) => !/^(customer|contact|opportunity|ticket)_search/.test(n)).sort()).toEqual([...msTables.keys()].sort())
    } finally {
      db.close()
    }
  })
})

/**
 * Replays the T-SQL's effect on keys the way SQL Server enforces it: a primary key referenced by
 * a foreign key cannot be dropped, a foreign key needs the referenced key, a table has at most
 * one clustered index (a PRIMARY KEY without NONCLUSTERED is the clustered one).
 */
function replayKeys(statements: string[]) {
  const pk = new Map<string, { name: string; clustered: boolean }>()
  const fks = new Map<string, { table: string; column: string; references: string }>()
  const clusteredIndex = new Map<string, string>()
  const clusteredName = new Map<string, string>()
  const hasClustered = (table: string) => clusteredIndex.has(table) || !!pk.get(table)?.clustered
  const addFk = (name: string, table: string, column: string, references: string) => {
    if (!pk.has(references)) throw new Error(`foreign key ${name} references ${references}, which has no primary key`)
    fks.set(name, { table, column, references })
  }
  for (const sql of statements) {
    let m = /^create table \[([^\]]+)\] \((.*)\)$/is.exec(sql)
    if (m) {
      const table = m[1]
      const key = /constraint \[([^\]]+)\] primary key( nonclustered)? \(/i.exec(m[2])
      if (key) pk.set(table, { name: key[1], clustered: !key[2] })
      for (const f of m[2].matchAll(/constraint \[([^\]]+)\] foreign key \(\[([^\]]+)\]\) references \[([^\]]+)\]/gi)) addFk(f[1], table, f[2], f[3])
      continue
    }
    m = /^alter table \[([^\]]+)\] drop constraint \[([^\]]+)\]$/i.exec(sql)
    if (m) {
      const [, table, name] = m
      if (pk.get(table)?.name === name) {
        const referencing = [...fks].filter(([, f]) => f.references === table).map(([n]) => n)
        if (referencing.length) throw new Error(`cannot drop ${name}: referenced by ${referencing.join(', ')}`)
        pk.delete(table)
      } else if (!fks.delete(name)) throw new Error(`no constraint ${name} on ${table}`)
      continue
    }
    m = /^alter table \[([^\]]+)\] add constraint \[([^\]]+)\] primary key (nonclustered |clustered )?\(\[id\]\)$/i.exec(sql)
    if (m) {
      const clustered = !/nonclustered/i.test(m[3] ?? '')
      if (pk.has(m[1])) throw new Error(`${m[1]} has a primary key already`)
      if (clustered && hasClustered(m[1])) throw new Error(`${m[1]} has a clustered index already`)
      pk.set(m[1], { name: m[2], clustered })
      continue
    }
    m = /^alter table \[([^\]]+)\] add constraint \[([^\]]+)\] foreign key \(\[([^\]]+)\]\) references \[([^\]]+)\] \(\[id\]\)$/i.exec(sql)
    if (m) {
      addFk(m[2], m[1], m[3], m[4])
      continue
    }
    m = /^create clustered index \[([^\]]+)\] on \[([^\]]+)\] \(\[([^\]]+)\]\)$/i.exec(sql)
    if (m) {
      if (hasClustered(m[2])) throw new Error(`${m[2]} has a clustered index already`)
      clusteredIndex.set(m[2], m[3])
      clusteredName.set(m[2], m[1])
      continue
    }
    m = /^drop index \[([^\]]+)\] on \[([^\]]+)\]$/i.exec(sql)
    // dropping another index of the table (a list index replaced) leaves its clustering as it is
    if (m && clusteredName.get(m[2]) === m[1]) clusteredIndex.delete(m[2])
  }
  return { pk, fks, clusteredIndex }
}

describe('mssql: uuid primary keys are not the clustered index (migration 20261206000100)', () => {
  const MIGRATION = '20261206000100_mssql-nonclustered-uuid-keys'
  let chunks: string[]
  let all: string[]
  let before: ReturnType<typeof replayKeys>
  let after: ReturnType<typeof replayKeys>
  let tables: Map<string, Table>

  beforeAll(async () => {
    chunks = await printMigrationSql('mssql')
    all = statementsOf(chunks)
    const start = chunks.indexOf(`-- migration ${MIGRATION}`)
    expect(start).toBeGreaterThan(0)
    before = replayKeys(statementsOf(chunks.slice(0, start)))
    after = replayKeys(all)
    tables = parseTables(all, ['[', ']'])
  })

  const uuidKeyed = () => [...tables.values()].filter((t) => t.primaryKey.join() === 'id' && t.columns.find((c) => c.name === 'id')?.type === 'uniqueidentifier')

  it('starts from clustered uuid keys (knex\'s default) and ends with every one NONCLUSTERED, same constraint names', () => {
    expect(uuidKeyed().length).toBeGreaterThanOrEqual(29)
    for (const t of uuidKeyed()) {
      // a table created by a later migration starts out nonclustered itself
      if (before.pk.has(t.name)) expect(before.pk.get(t.name), t.name).toEqual({ name: `${t.name}_pkey`, clustered: true })
      expect(after.pk.get(t.name), t.name).toEqual({ name: `${t.name}_pkey`, clustered: false })
    }
    expect([...tables.keys()].filter((n) => !before.pk.has(n) && after.pk.has(n))).toEqual(
      expect.arrayContaining(['service_ticket_notes', 'service_sla', 'user_list_views', 'payment_plans', 'payments', 'order_stats', 'payment_stats']),
    )
    for (const name of ['payment_plans', 'payments', 'order_stats', 'payment_stats']) expect(uuidKeyed().map((t) => t.name)).toContain(name)
    // keys that are not random stay as they are
    for (const name of ['sync_version', 'sync_clients', 'code_sequences', 'app_settings', 'dict_types']) expect(after.pk.get(name)?.clustered, name).toBe(true)
  })

  it('drops the foreign keys before the keys they reference and re-creates every one of them (replayed as SQL Server checks it)', () => {
    expect(before.fks.size).toBeGreaterThanOrEqual(19)
    // the foreign keys of tables made by later migrations come on top
    expect([...after.fks].filter(([, f]) => before.pk.has(f.table)).sort()).toEqual([...before.fks].sort())
  })

  it('clusters each table on a column that rises with inserts and never changes (never the ever-changing version)', () => {
    for (const t of uuidKeyed()) {
      const col = after.clusteredIndex.get(t.name)
      // heaps: a few rows per role; the derived order, payment and opportunity stats (a row per owner and month …)
      const heap = ['role_permissions', 'order_stats', 'payment_stats', 'opportunity_stats', 'opportunity_closed_stats'].includes(t.name)
      const expected = t.name === 'audit_log' ? 'at' : t.name === 'sync_tombstones' ? 'version' : heap ? undefined : 'created_at'
      expect(col, t.name).toBe(expected)
      if (col) expect(t.columns.find((c) => c.name === col)?.type, `${t.name}.${col}`).toMatch(/^(datetime2|bigint)$/)
    }
  })

  it('writes the keys and the clustered indexes in T-SQL knex cannot produce itself', () => {
    expect(all).toContain('ALTER TABLE [customers] DROP CONSTRAINT [customers_pkey]')
    expect(all).toContain('create clustered index [customers_created_at_clustered] on [customers] ([created_at])')
    expect(all).toContain('alter table [customers] add constraint [customers_pkey] primary key nonclustered ([id])')
    expect(all).toContain('ALTER TABLE [contacts] ADD CONSTRAINT [contacts_customer_id_foreign] FOREIGN KEY ([customer_id]) REFERENCES [customers] ([id])')
    // within a table: key dropped, then the clustered index, then the nonclustered key
    const at = (s: string) => all.indexOf(s)
    expect(at('ALTER TABLE [customers] DROP CONSTRAINT [customers_pkey]')).toBeLessThan(at('create clustered index [customers_created_at_clustered] on [customers] ([created_at])'))
    expect(at('create clustered index [customers_created_at_clustered] on [customers] ([created_at])')).toBeLessThan(
      at('alter table [customers] add constraint [customers_pkey] primary key nonclustered ([id])'),
    )
  })

  it('is a no-op on PostgreSQL and SQLite', async () => {
    for (const d of ['postgres', 'sqlite'] as const) {
      const out = await printMigrationSql(d)
      const from = out.indexOf(`-- migration ${MIGRATION}`)
      const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
      expect(out.slice(from, next < 0 ? undefined : next)).toEqual([`-- migration ${MIGRATION}`])
    }
  })
})


describe('mssql: the 工作台 layouts (migration 20261206001100)', () => {
  it('one row per user keyed by the user, the cards as nvarchar(max), datetime2 times; the 简报 indexes', async () => {
    const chunks = await printMigrationSql('mssql')
    const from = chunks.indexOf('-- migration 20261206001100_dashboard-layouts')
    expect(from).toBeGreaterThan(0)
    const sql = statementsOf(chunks.slice(from))
    expect(sql[0]).toContain('CREATE TABLE [dashboard_layouts] ([user_id] uniqueidentifier, [created_at] datetime2 not null, [updated_at] datetime2 not null')
    expect(sql[0]).toContain('[cards] nvarchar(max) not null')
    expect(sql[0]).toContain('CONSTRAINT [dashboard_layouts_pkey] PRIMARY KEY ([user_id])')
    expect(sql).toContain('CREATE INDEX [customers_created_at_index] ON [customers] ([created_at])')
    expect(sql).toContain('CREATE INDEX [customers_scope_cover] ON [customers] ([id], [owner_id], [deleted_at])')
    expect(sql).toContain('CREATE INDEX [contacts_created_cover] ON [contacts] ([created_at], [customer_id], [deleted_at])')
    expect(sql).toContain('CREATE INDEX [interactions_period_cover] ON [interactions] ([occurred_at], [customer_id], [deleted_at])')
  })
})

describe('migration 20261206001300: users get a working hour and a time zone', () => {
  it('adds two nullable columns, nvarchar and int on SQL Server, and prints no data statement', async () => {
    const chunks = await printMigrationSql('mssql')
    const from = chunks.indexOf('-- migration 20261206001300_user-work-hour')
    expect(from).toBeGreaterThan(0)
    const next = chunks.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    const own = statementsOf(chunks.slice(from, next < 0 ? undefined : next))
    expect(own).toEqual(['ALTER TABLE [users] ADD [work_hour] int null, [time_zone] nvarchar(64) null'])
  })
})

describe('the customer list\'s indexes on every database (migration 20261206001200)', () => {
  const MIGRATION = '20261206001200_customer-list-indexes'
  const part = async (d: 'mssql' | 'postgres' | 'sqlite') => {
    const out = await printMigrationSql(d)
    const from = out.indexOf(`-- migration ${MIGRATION}`)
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    return statementsOf(out.slice(from, next < 0 ? undefined : next))
  }
  const nullsLast = (col: string) => `case when ${col} is null then 1 else 0 end`

  it('covers every column the list sorts nulls last (the same set as the list query; pool_at: migration 20261206000800)', async () => {
    const src = (await import('node:fs')).readFileSync('src-main/modules/customers/customers.repository.ts', 'utf8')
    const set = /const NULLABLE_SORT = new Set\(\[([^\]]*)\]\)/.exec(src)![1]!.match(/'(\w+)'/g)!.map((x) => x.slice(1, -1).replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()))
    // 入公海时间 sorts only the 公海 list, whose rows all have one: the customer-desk migration's
    // pool_at index serves it (no nulls-last key needed)
    expect(set).toContain('pool_at')
    const out = await printMigrationSql('mssql')
    const from = out.indexOf('-- migration 20261206000800_customer-desk')
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    expect(statementsOf(out.slice(from, next)).map((x) => x.toLowerCase())).toContain('create index [customers_pool_at_index] on [customers] ([pool_at])')
    expect(NULLS_LAST_SORTS.map(([c]) => c.replace(/_at$|_cents$/, '')).sort()).toEqual(set.filter((c) => c !== 'pool_at').map((c) => c.replace(/_at$|_cents$/, '')).sort())
  })

  it('SQL Server: the (owner, updated) and created indexes, and each nulls-last sort through a persisted computed column of the list\'s key', async () => {
    const ms = (await part('mssql')).map((x) => x.toLowerCase())
    expect(ms).toContain('create index [customers_owner_updated] on [customers] ([owner_id], [updated_at], [id])')
    expect(ms).toContain('create index [customers_created_sort] on [customers] ([created_at], [id])')
    for (const [col, short] of NULLS_LAST_SORTS) {
      expect(ms).toContain(`alter table [customers] add [${short}_nulls_last] as (${nullsLast(col)}) persisted`)
      expect(ms).toContain(`create index [customers_${short}_desc] on [customers] ([${short}_nulls_last], [${col}] desc, [id] desc)`)
      expect(ms).toContain(`create index [customers_${short}_asc] on [customers] ([${short}_nulls_last], [${col}], [id])`)
    }
    expect(ms.join('\n')).not.toMatch(/gin|trgm|\$\$/i)
  })

  it('PostgreSQL and SQLite: the same indexes, the nulls-last sorts by expression; PostgreSQL adds the trigram index when pg_trgm is there', async () => {
    for (const d of ['postgres', 'sqlite'] as const) {
      const s = await part(d)
      const q = d === 'postgres' ? '"' : '`'
      expect(s, d).toContain(`create index ${q}customers_owner_updated${q} on ${q}customers${q} (${q}owner_id${q}, ${q}updated_at${q}, ${q}id${q})`)
      for (const [col, short] of NULLS_LAST_SORTS) {
        expect(s, d).toContain(`create index customers_${short}_desc on customers ((${nullsLast(col)}), ${col} desc, id desc)`)
        expect(s, d).toContain(`create index customers_${short}_asc on customers ((${nullsLast(col)}), ${col}, id)`)
      }
      const trgm = s.find((x) => x.includes('gin_trgm_ops'))
      if (d === 'sqlite') expect(trgm).toBeUndefined()
      else expect(trgm).toMatch(/if exists \(select 1 from pg_extension where extname = 'pg_trgm'\) then\s+create index if not exists customers_search_trgm on customers using gin \(search_text gin_trgm_ops\)/)
    }
  })

  it('runs on a real SQLite database, and SQLite reads every sort and a manager\'s list from an index (no sort of all rows)', async () => {
    const db = appSqlite()
    try {
      for (const s of statementsOf(await printMigrationSql('sqlite'))) db.exec(s)
      const plan = (sql: string) => (db.prepare(`explain query plan ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      for (const [col, short] of NULLS_LAST_SORTS) {
        const desc = plan(`select c.id from customers as c order by ${nullsLast('c.' + col)} asc, c.${col} desc, c.id desc limit 20`)
        expect(desc, col).toMatch(new RegExp(`customers_${short}_desc`))
        expect(desc, col).not.toMatch(/TEMP B-TREE/)
        expect(plan(`select id from customers as c order by ${nullsLast(col)} asc, ${col} asc, id asc limit 20`), col).toMatch(new RegExp(`customers_${short}_asc`))
      }
      // migration 20261206002110 replaced these with covering ones (deleted_at, owner_id)
      expect(plan('select c.id from customers as c order by c.created_at desc, c.id desc limit 20')).toMatch(/customers_created_cover/)
      const mgr = plan("select id from customers as c where c.owner_id = 'x' order by c.updated_at desc, c.id desc limit 20")
      expect(mgr).toMatch(/customers_owner_cover/)
      expect(mgr).not.toMatch(/TEMP B-TREE/)
    } finally {
      db.close()
    }
  })
})

describe('migration 20261206001800: the 工作台 at 100,000 customers (birthday month-day, open promises, 跟进记录 per customer)', () => {
  const MIGRATION = '20261206001800_dashboard-speed'
  const part = async (d: 'mssql' | 'postgres' | 'sqlite') => {
    const out = await printMigrationSql(d)
    const from = out.indexOf(`-- migration ${MIGRATION}`)
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    return statementsOf(out.slice(from, next < 0 ? undefined : next))
  }

  it('SQL Server: an nvarchar(5) column, backfilled from the stored birthday with SUBSTRING, then the indexes (keys SQL Server can build)', async () => {
    expect(await part('mssql')).toEqual([
      'ALTER TABLE [contacts] ADD [birthday_md] nvarchar(5) null',
      'update contacts set birthday_md = substring(birthday, 6, 5) where birthday is not null',
      'CREATE INDEX [contacts_birthday_md] ON [contacts] ([birthday_md], [birthday_calendar], [customer_id], [deleted_at])',
      'CREATE INDEX [interaction_promises_open_due] ON [interaction_promises] ([kept_at], [deleted_at], [due_date], [customer_id], [interaction_id])',
      'CREATE INDEX [interactions_live_cover] ON [interactions] ([id], [deleted_at])',
      'CREATE INDEX [interactions_customer_period_cover] ON [interactions] ([customer_id], [occurred_at], [deleted_at])',
    ])
  })

  it('PostgreSQL and SQLite: the same column, backfill and indexes', async () => {
    for (const d of ['postgres', 'sqlite'] as const) {
      const q = d === 'postgres' ? '"' : '`'
      const s = await part(d)
      expect(s, d).toContain(`alter table ${q}contacts${q} add column ${q}birthday_md${q} varchar(5) null`)
      expect(s, d).toContain('update contacts set birthday_md = substring(birthday, 6, 5) where birthday is not null')
      expect(s.some((x) => x.startsWith(`create index ${q}contacts_birthday_md${q}`)), d).toBe(true)
      for (const name of ['interaction_promises_open_due', 'interactions_live_cover', 'interactions_customer_period_cover']) {
        expect(s.some((x) => x.startsWith(`create index ${q}${name}${q}`)), `${d} ${name}`).toBe(true)
      }
    }
  })
})

describe('the customer list\'s covering sort indexes and the search index (migrations 20261206002100, 20261206002110)', () => {
  const part = async (d: 'mssql' | 'postgres' | 'sqlite', migration: string) => {
    const out = await printMigrationSql(d)
    const from = out.indexOf(`-- migration ${migration}`)
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    return statementsOf(out.slice(from, next < 0 ? undefined : next)).map((x) => x.toLowerCase())
  }

  it('SQL Server: each sort\'s index carries id, deleted_at and owner_id (nulls-last sorts by their computed column), the narrower ones dropped; no search index', async () => {
    const ms = await part('mssql', '20261206002110_customer-list-cover')
    expect(ms).toContain('create index [customers_updated_cover] on [customers] ([updated_at], [id], [deleted_at], [owner_id])')
    expect(ms).toContain('create index [customers_pinyin_cover] on [customers] ([name_pinyin], [id], [deleted_at], [owner_id])')
    expect(ms).toContain('create index [customers_owner_cover] on [customers] ([owner_id], [updated_at], [id], [deleted_at])')
    for (const [col, short] of NULLS_LAST_SORTS) {
      expect(ms).toContain(`create index [customers_${short}_desc_cover] on [customers] ([${short}_nulls_last], [${col}] desc, [id] desc, [deleted_at], [owner_id])`)
      expect(ms).toContain(`create index [customers_${short}_asc_cover] on [customers] ([${short}_nulls_last], [${col}], [id], [deleted_at], [owner_id])`)
      expect(ms).toContain(`drop index [customers_${short}_desc] on [customers]`)
    }
    expect(ms).toContain('drop index [customers_owner_updated] on [customers]')
    // the search index is SQLite's alone (SQL Server: a full-text index the DBA creates, BENCHMARKS.md)
    expect(await part('mssql', '20261206002100_customer-search-index')).toEqual([])
    expect(await part('postgres', '20261206002100_customer-search-index')).toEqual([])
  })

  it('SQLite: the trigram search index and its triggers run, and keep the index with the customers\' search text', async () => {
    const db = appSqlite()
    try {
      for (const s of statementsOf(await printMigrationSql('sqlite'))) db.exec(s)
      const cols = (db.prepare('pragma table_info(customers)').all() as Array<{ name: string; notnull: number; dflt_value: unknown }>)
      const row: Record<string, unknown> = {}
      for (const c of cols) if (c.notnull && c.dflt_value === null) row[c.name] = c.name === 'version' ? 1 : `x-${c.name}`
      const insert = (id: string, text: string) => {
        const r = { ...row, id, code: id, name: id, search_text: text }
        db.prepare(`insert into customers (${Object.keys(r).join(', ')}) values (${Object.keys(r).map(() => '?').join(', ')})`).run(...Object.values(r))
      }
      insert('a', '长春辉亿建材有限公司|cchyjc|0431-1234567')
      insert('b', '深圳科技有限公司|szkj')
      const find = (match: string) => (db.prepare('select s.customer_id as id from customer_search_fts f join customer_search s on s.id = f.rowid where customer_search_fts match ? order by 1').all(match) as Array<{ id: string }>).map((r) => r.id)
      expect(find('"科技技"')).toEqual(['b']) // 科技, doubled
      expect(find('"有有限" AND "有限限"')).toEqual(['a', 'b'])
      expect(find('"chy" AND "hyj"')).toEqual(['a'])
      db.prepare("update customers set search_text = '其他公司' where id = 'b'").run()
      expect(find('"科技技"')).toEqual([])
      expect(find('"其他他"')).toEqual(['b'])
      db.prepare("delete from customers where id = 'a'").run()
      expect(find('"chy"')).toEqual([])
      expect(db.prepare('select count(*) as n from customer_search').get()).toEqual({ n: 1 })
    } finally {
      db.close()
    }
  })

  it('PostgreSQL: the search prefix indexes in code-point order and the contacts\' pg_trgm index (migration 20261206002210); none elsewhere', async () => {
    expect(await part('mssql', '20261206002210_search-prefix-indexes')).toEqual([])
    expect(await part('sqlite', '20261206002210_search-prefix-indexes')).toEqual([])
    const pg = await part('postgres', '20261206002210_search-prefix-indexes')
    for (const [name, table, col] of [['customers_search_prefix', 'customers', 'search_text'], ['contacts_search_prefix', 'contacts', 'search_text'], ['customers_name_prefix', 'customers', 'name'], ['contacts_name_prefix', 'contacts', 'name']]) {
      expect(pg).toContain(`create index ${name} on ${table} ((left(${col}, 100) collate "c"))`)
    }
    expect(pg.join('\n')).toContain('create index if not exists contacts_search_trgm on contacts using gin (search_text gin_trgm_ops)')
  })

  it('SQLite: the contacts\' trigram search index (migration 20261206002200) and its triggers keep it with the contacts\' search text, an upsert too; none elsewhere', async () => {
    expect(await part('mssql', '20261206002200_contact-search-index')).toEqual([])
    expect(await part('postgres', '20261206002200_contact-search-index')).toEqual([])
    const db = appSqlite()
    try {
      for (const s of statementsOf(await printMigrationSql('sqlite'))) db.exec(s)
      db.pragma('foreign_keys = off') // contacts alone, without their customers
      const cols = (db.prepare('pragma table_info(contacts)').all() as Array<{ name: string; notnull: number; dflt_value: unknown }>)
      const row: Record<string, unknown> = {}
      for (const c of cols) if (c.notnull && c.dflt_value === null) row[c.name] = c.name === 'version' ? 1 : c.name === 'is_primary' ? 0 : `x-${c.name}`
      const put = (id: string, text: string | null, upsert = false) => {
        const r = { ...row, id, name: id, search_text: text }
        const keys = Object.keys(r)
        const conflict = upsert ? ` on conflict (id) do update set ${keys.filter((k) => k !== 'id').map((k) => `${k} = excluded.${k}`).join(', ')}` : ''
        db.prepare(`insert into contacts (${keys.join(', ')}) values (${keys.map(() => '?').join(', ')})${conflict}`).run(...Object.values(r))
      }
      put('a', '张伟|13700002222|zhangwei|zw')
      put('b', '王小明|wangxiaoming|wxm')
      put('n', null) // no search text yet: not in the index, no failure
      const find = (match: string) => (db.prepare('select s.contact_id as id from contact_search_fts f join contact_search s on s.id = f.rowid where contact_search_fts match ? order by 1').all(match) as Array<{ id: string }>).map((r) => r.id)
      expect(find('"张张伟" AND "张伟伟"')).toEqual(['a'])
      expect(find('"|zw"')).toEqual(['a'])
      expect(find('"000"')).toEqual(['a'])
      put('b', '王大明|wangdaming|wdm', true) // the sync pull's upsert (DO UPDATE)
      expect(find('"wxm"')).toEqual([])
      expect(find('"wdm"')).toEqual(['b'])
      put('n', '李四|lisi|ls', true)
      expect(find('"lis"')).toEqual(['n'])
      db.prepare("delete from contacts where id = 'a'").run()
      expect(find('"|zw"')).toEqual([])
      expect(db.prepare('select count(*) as n from contact_search').get()).toEqual({ n: 2 })
    } finally {
      db.close()
    }
  })
})

describe('mssql: 定时报告 (migration 20261206002500)', () => {
  it('saved_reports and saved_report_runs: nvarchar, nvarchar(max) JSON, datetime2 times, uniqueidentifier keys NONCLUSTERED, no data statement printed', async () => {
    const chunks = await printMigrationSql('mssql')
    const from = chunks.indexOf('-- migration 20261206002500_saved-reports')
    expect(from).toBeGreaterThan(0)
    const next = chunks.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    const sql = statementsOf(chunks.slice(from, next < 0 ? undefined : next))
    const saved = sql.find((x) => x.startsWith('CREATE TABLE [saved_reports]'))!
    for (const col of [
      '[id] uniqueidentifier not null', '[name] nvarchar(100) not null', '[report] nvarchar(32) not null', '[filters] nvarchar(max) not null',
      '[owner_id] uniqueidentifier not null', "[schedule] nvarchar(16) not null CONSTRAINT [saved_reports_schedule_default] DEFAULT 'none'", '[weekday] int null',
      '[month_day] int null', '[folder] nvarchar(1000) null', '[next_run_at] datetime2 null', '[last_run_at] datetime2 null', '[last_error_key] nvarchar(100) null',
      '[last_error_params] nvarchar(max) null', '[created_at] datetime2 not null', '[version] bigint not null', '[deleted_at] datetime2 null',
    ]) expect(saved, col).toContain(col)
    const runs = sql.find((x) => x.startsWith('CREATE TABLE [saved_report_runs]'))!
    for (const col of ['[saved_report_id] uniqueidentifier not null', '[trigger] nvarchar(16) not null', '[period_first] nvarchar(10) not null', '[files] nvarchar(max) null', '[finished_at] datetime2 null']) expect(runs, col).toContain(col)
    expect(sql).toContain('create clustered index [saved_reports_created_at_clustered] on [saved_reports] ([created_at])')
    expect(sql).toContain('alter table [saved_reports] add constraint [saved_reports_pkey] primary key nonclustered ([id])')
    expect(sql).toContain('alter table [saved_report_runs] add constraint [saved_report_runs_pkey] primary key nonclustered ([id])')
    expect(sql).toContain('CREATE INDEX [saved_reports_next_run_at_index] ON [saved_reports] ([next_run_at])')
    for (const s of sql) expect(s).not.toMatch(/role_permissions/)
  })
})

describe('the deleted customers\' ids index (migration 20261206005100)', () => {
  const part = async (d: 'mssql' | 'postgres' | 'sqlite') => {
    const out = await printMigrationSql(d)
    const from = out.indexOf('-- migration 20261206005100_customers-deleted-ids')
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    return statementsOf(out.slice(from, next < 0 ? undefined : next)).map((x) => x.toLowerCase())
  }

  it('is a filtered index on SQL Server and a partial one on PostgreSQL and SQLite: the ids of deleted customers only', async () => {
    expect(await part('mssql')).toEqual(['create index [customers_deleted_ids] on [customers] ([id]) where [deleted_at] is not null'])
    expect(await part('postgres')).toEqual(['create index customers_deleted_ids on customers (id) where deleted_at is not null'])
    expect(await part('sqlite')).toEqual(['create index customers_deleted_ids on customers (id) where deleted_at is not null'])
  })

})

describe('the reminders\' indexes for the first evaluation (migration 20261207000600)', () => {
  const part = async (d: 'mssql' | 'postgres' | 'sqlite') => {
    const out = await printMigrationSql(d)
    const from = out.indexOf('-- migration 20261207000600_reminders-evaluation-indexes')
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    return statementsOf(out.slice(from, next < 0 ? undefined : next)).map((x) => x.toLowerCase())
  }
  const dropped = ['reminders_owner_id_index', 'reminders_customer_id_index', 'reminders_source_key_index', 'reminders_source_id_index']

  it('drops four indexes by name, adds the source cover and the filtered / partial follow-up index (T-SQL: DROP INDEX … ON the table)', async () => {
    expect(await part('mssql')).toEqual([
      ...dropped.map((n) => `drop index [${n}] on [reminders]`),
      'create index [reminders_source_id_cover] on [reminders] ([source_id], [source], [retracted_at])',
      'create index [interactions_follow_up_live] on [interactions] ([customer_id], [id]) where [next_follow_up_at] is not null and [deleted_at] is null',
    ])
    expect(await part('postgres')).toEqual([
      ...dropped.map((n) => `drop index "${n}"`),
      'create index "reminders_source_id_cover" on "reminders" ("source_id", "source", "retracted_at")',
      'create index interactions_follow_up_live on interactions (customer_id, id) where next_follow_up_at is not null and deleted_at is null',
    ])
    expect((await part('sqlite')).slice(0, 4)).toEqual(dropped.map((n) => `drop index \`${n}\``))
  })

  it('on a real SQLite database: the reads by owner or customer keep an index, the follow-up candidates of a slice check each reminder from the cover', async () => {
    const db = appSqlite()
    try {
      for (const s of statementsOf(await printMigrationSql('sqlite'))) db.exec(s)
      const names = (db.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'reminders' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>).map((r) => r.name)
      expect(names).toEqual([
        'reminders_customer_id_source_done_at_index', 'reminders_due_at_index', 'reminders_owner_id_done_at_due_at_index',
        'reminders_owner_id_notified_at_fire_at_index', 'reminders_source_done_at_index', 'reminders_source_id_cover', 'reminders_version_index',
      ])
      const plan = (sql: string) => (db.prepare(`explain query plan ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ')
      expect(plan("select id from reminders where customer_id = 'x' and done_at is null and deleted_at is null")).toMatch(/USING INDEX reminders_customer_id_source_done_at_index \(customer_id=\?\)/)
      expect(plan("select count(*) from reminders r where r.owner_id = 'x' and r.done_at is null")).toMatch(/USING (COVERING )?INDEX reminders_owner_id_\w+_index \(owner_id=\?/)
      expect(plan("select 1 from reminders r where r.source = 'follow_up' and r.source_id = 'x' and r.retracted_at is null")).toMatch(/USING COVERING INDEX reminders_source_id_cover \(source_id=\? AND source=\? AND retracted_at=\?\)/)
    } finally {
      db.close()
    }
  })
})

describe('the customer list\'s dictionary covers (migration 20261207000700)', () => {
  const part = async (d: 'mssql' | 'postgres' | 'sqlite') => {
    const out = await printMigrationSql(d)
    const from = out.indexOf('-- migration 20261207000700_customer-dimension-covers')
    expect(from).toBeGreaterThan(0)
    const next = out.findIndex((x, i) => i > from && x.startsWith('-- migration '))
    return statementsOf(out.slice(from, next < 0 ? undefined : next)).map((x) => x.toLowerCase())
  }
  const cover = (lead: string[]) => [...lead, 'owner_id', 'deleted_at', 'updated_at', 'id']

  it('widens the four narrow dimension covers of 20261207000200 under the same names (no index more): each dimension first, the other three in a cycle, then owner, deleted_at, updated_at, id — the same on every dialect', async () => {
    const want: Array<[string, string[]]> = [
      ['customers_region_id_cover', cover(['region_id', 'level_id', 'industry_id', 'category_id'])],
      ['customers_level_id_cover', cover(['level_id', 'industry_id', 'category_id', 'region_id'])],
      ['customers_industry_id_cover', cover(['industry_id', 'category_id', 'region_id', 'level_id'])],
      ['customers_category_id_cover', cover(['category_id', 'region_id', 'level_id', 'industry_id'])],
    ]
    expect(await part('mssql')).toEqual(want.flatMap(([name, cols]) => [`drop index [${name}] on [customers]`, `create index [${name}] on [customers] (${cols.map((c) => `[${c}]`).join(', ')})`]))
    for (const d of ['postgres', 'sqlite'] as const) {
      expect(await part(d)).toEqual(want.flatMap(([name, cols]) => [`drop index ${name}`, `create index ${name} on customers (${cols.join(', ')})`]))
    }
  })

  it('runs on a real SQLite database: the wide covers there, no single-column dimension index, the customers\' triggers kept; three filters read from one cover', async () => {
    const db = appSqlite()
    try {
      for (const s of statementsOf(await printMigrationSql('sqlite'))) db.exec(s)
      const names = (type: string) => (db.prepare('select name from sqlite_master where type = ? and tbl_name = ?').all(type, 'customers') as Array<{ name: string }>).map((r) => r.name)
      const indexes = names('index')
      for (const d of ['region', 'level', 'industry', 'category']) {
        expect(indexes).toContain(`customers_${d}_id_cover`)
        expect(indexes).not.toContain(`customers_${d}_id_index`)
        const cols = (db.prepare(`select name from pragma_index_info('customers_${d}_id_cover') order by seqno`).all() as Array<{ name: string }>).map((r) => r.name)
        expect(cols.slice(4)).toEqual(['owner_id', 'deleted_at', 'updated_at', 'id'])
      }
      expect(names('trigger').length).toBeGreaterThan(0)
      const plan = (db.prepare("explain query plan select id, updated_at from customers where region_id = 'a' and level_id = 'b' and industry_id = 'c' and deleted_at is null").all() as Array<{ detail: string }>).map((r) => r.detail).join('; ')
      expect(plan).toMatch(/COVERING INDEX customers_region_id_cover \(region_id=\? AND level_id=\? AND industry_id=\?/)
    } finally {
      db.close()
    }
  })
})
