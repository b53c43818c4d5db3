// Database connection settings and their parsing from a URL
// (sqlite:PATH, postgres://…, mssql://user:pass@host:port/db?instance=X&encrypt=true).
import path from 'node:path'

export type Dialect = 'sqlite' | 'postgres' | 'mssql'

export type DbConfig =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string }
  | {
      dialect: 'mssql'
      host: string
      port?: number
      instance?: string
      database: string
      user: string
      password: string
      encrypt?: boolean
      trustServerCertificate?: boolean
    }

export const DEFAULT_DB_FILE = 'crm.sqlite'

export function sqliteConfigForDataDir(dataDir: string): DbConfig {
  return { dialect: 'sqlite', file: path.join(dataDir, DEFAULT_DB_FILE) }
}

export function parseDbUrl(url: string): DbConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (!file) throw new Error('sqlite URL needs a file path, e.g. sqlite:./crm.sqlite')
    return { dialect: 'sqlite', file: file === ':memory:' ? ':memory:' : path.resolve(file) }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { dialect: 'postgres', url }
  if (url.startsWith('mssql://') || url.startsWith('sqlserver://')) {
    const u = new URL(url.replace(/^sqlserver:/, 'mssql:'))
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''))
    if (!u.hostname || !database) throw new Error('mssql URL needs host and database: mssql://user:pass@host:1433/crm')
    return {
      dialect: 'mssql',
      host: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      instance: u.searchParams.get('instance') ?? undefined,
      database,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      encrypt: u.searchParams.get('encrypt') !== 'false',
      trustServerCertificate: u.searchParams.get('trustServerCertificate') === 'true',
    }
  }
  throw new Error(`unsupported database URL: ${url.split(':')[0]}: (use sqlite:, postgres:// or mssql://)`)
}

/** A printable description that never contains a password. */
export function describeDb(c: DbConfig): string {
  if (c.dialect === 'sqlite') return `sqlite:${c.file}`
  if (c.dialect === 'postgres') {
    try {
      const u = new URL(c.url)
      u.password = u.password ? '***' : ''
      return u.toString()
    } catch {
      return 'postgres://…'
    }
  }
  return `mssql://${c.user}@${c.host}${c.instance ? '\\' + c.instance : ''}:${c.port ?? 1433}/${c.database}`
}
