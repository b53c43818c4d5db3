// Database connection settings and their parsing from a URL
// (sqlite:PATH, postgres://…, mssql://user:pass@host:port/db?instance=X&encrypt=true).
import path from 'node:path'
import { redact } from '../shared/log'

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

/**
 * Query parameters that carry a password. node-postgres reads `password` (it wins over the
 * userinfo's); the others mean nothing to it but are still secrets a user may have typed.
 */
export const isPasswordParam = (name: string) => /^(password|passwd|pwd|sslpassword)$/i.test(name)

/** The URL with every password masked (`u:***@`, `?password=***`); never throws. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    for (const k of [...new Set(u.searchParams.keys())]) if (isPasswordParam(k)) u.searchParams.set(k, '***')
    return redact(u.toString())
  } catch {
    // not a URL: nothing in it can be told apart from a password, so none of it is shown
    return `${/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? ''}//…`
  }
}

/**
 * A PostgreSQL URL without any password, and the password node-postgres would use (the
 * `password` query parameter before the userinfo's).
 */
export function splitPgUrl(url: string): { url: string; password: string } {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return { url: redact(url), password: '' } // unusable anyway (node-postgres cannot parse it either): never kept with a secret in it
  }
  const password = u.searchParams.get('password') || safeDecode(u.password)
  u.password = ''
  for (const k of [...new Set(u.searchParams.keys())]) if (isPasswordParam(k)) u.searchParams.delete(k)
  return { url: u.toString(), password }
}

/** Puts a password back into a PostgreSQL URL: in the userinfo, or as `?password=` when the user is a query parameter. */
export function pgUrlWithPassword(url: string, password: string): string {
  if (!password) return url
  const u = new URL(splitPgUrl(url).url)
  if (u.username) u.password = encodeURIComponent(password)
  else u.searchParams.set('password', password)
  return u.toString()
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
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
      password: queryPassword(u.searchParams) ?? decodeURIComponent(u.password),
      encrypt: u.searchParams.get('encrypt') !== 'false',
      trustServerCertificate: u.searchParams.get('trustServerCertificate') === 'true',
    }
  }
  throw new Error(`unsupported database URL: ${url.split(':')[0]}: (use sqlite:, postgres:// or mssql://)`)
}

/** An mssql URL's password given as a query parameter (`?password=` or `?pwd=`). */
function queryPassword(q: URLSearchParams): string | undefined {
  for (const [k, v] of q) if (isPasswordParam(k) && v) return v
  return undefined
}

/** A printable description that never contains a password. */
export function describeDb(c: DbConfig): string {
  if (c.dialect === 'sqlite') return `sqlite:${c.file}`
  if (c.dialect === 'postgres') return maskUrl(c.url)
  return `mssql://${c.user}@${c.host}${c.instance ? '\\' + c.instance : ''}:${c.port ?? 1433}/${c.database}`
}
