// No SQL Server runs here, so the migrations' T-SQL is compiled and checked as text:
// Unicode column types, datetime2, uniqueidentifier ids, bit booleans, primary keys,
// nothing PostgreSQL-only, and index keys SQL Server can actually build.
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { printMigrationSql } from '../../src-main/db/migrate'

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
    ]
    for (const [name, p] of pgTables) {
      const m = msTables.get(name)!
      expect(m.columns.map((c) => c.name), name).toEqual(p.columns.map((c) => c.name))
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
      'sync_mutation_results.client_id', 'sync_mutation_results.mutation_id', 'sync_conflicts.client_id',
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
    const db = new Database(':memory:')
    try {
      for (const s of sqlite) db.exec(s)
      const names = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>
      expect(names.map((n) => n.name).sort()).toEqual([...msTables.keys()].sort())
    } finally {
      db.close()
    }
  })
})
