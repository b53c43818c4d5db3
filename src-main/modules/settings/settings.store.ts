// Where the database connection is kept between runs: <dataDir>/connection.json.
// The password never lands on disk in plain text: with a codec (Electron's safeStorage)
// it is stored encrypted; without one (browser mode) it lives in memory for this run only.
import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { DbConnectionInput } from '../../contract/settings'
import { pgUrlWithPassword, splitPgUrl, type DbConfig } from '../../db/config'

export interface SettingsStore {
  load(): DbConfig | null
  save(cfg: DbConfig): void
  /** false when a saved password would not survive a restart */
  readonly canSavePassword: boolean
}

export interface SecretCodec {
  encrypt(s: string): string
  decrypt(s: string): string
}

export type DbConnection = z.output<typeof DbConnectionInput>

/** The contract's connection form → the config knex is opened with. */
export function toDbConfig(c: DbConnection): DbConfig {
  if (c.dialect === 'sqlite') return { dialect: 'sqlite', file: c.file === ':memory:' ? c.file : path.resolve(c.file) }
  if (c.dialect === 'postgres') return { dialect: 'postgres', url: c.url }
  return {
    dialect: 'mssql',
    host: c.host,
    port: c.port ?? undefined,
    instance: c.instance || undefined,
    database: c.database,
    user: c.user,
    password: c.password ?? '',
    encrypt: c.encrypt,
    trustServerCertificate: c.trustServerCertificate,
  }
}

/**
 * Separates the password from everything else. A PostgreSQL URL loses every password it
 * carries (`u:p@` and `?password=`, `?pwd=`…), so what is left may be shown and stored.
 */
export function splitPassword(cfg: DbConfig): { rest: DbConfig; password: string } {
  if (cfg.dialect === 'mssql') return { rest: { ...cfg, password: '' }, password: cfg.password }
  if (cfg.dialect === 'postgres') {
    const { url, password } = splitPgUrl(cfg.url)
    return { rest: { dialect: 'postgres', url }, password }
  }
  return { rest: cfg, password: '' }
}

export function withPassword(cfg: DbConfig, password: string): DbConfig {
  if (!password) return cfg
  if (cfg.dialect === 'mssql') return { ...cfg, password }
  if (cfg.dialect === 'postgres') return { dialect: 'postgres', url: pgUrlWithPassword(cfg.url, password) }
  return cfg
}

interface StoredFile {
  /** 2: the password is stored as typed; 1 (older): a PostgreSQL password as it stood in the URL (percent-encoded) */
  version: 1 | 2
  /** the connection without any password */
  config: Record<string, unknown>
  /** the password, encrypted by the codec (never stored in clear text) */
  passwordEncrypted?: string
}

export class FileSettingsStore implements SettingsStore {
  readonly file: string
  private memoryPassword = ''

  constructor(
    dataDir: string,
    private readonly codec: SecretCodec | null = null,
  ) {
    this.file = path.join(dataDir, 'connection.json')
  }

  get canSavePassword() {
    return !!this.codec
  }

  load(): DbConfig | null {
    let stored: StoredFile
    try {
      stored = JSON.parse(fs.readFileSync(this.file, 'utf8'))
    } catch {
      return null // missing or unreadable: fall back to the default database
    }
    const parsed = DbConnectionInput.safeParse(stored?.config)
    if (!parsed.success) return null
    const cfg = toDbConfig(parsed.data)
    let password = this.memoryPassword
    if (this.codec && typeof stored.passwordEncrypted === 'string') {
      try {
        password = this.codec.decrypt(stored.passwordEncrypted)
        if (stored.version === 1 && cfg.dialect === 'postgres') password = safeDecode(password)
      } catch {
        password = '' // e.g. another OS user's key: the admin types it again
      }
    }
    // a file written by hand (or by an older version) may hold a password in clear text:
    // it is used, and with a codec the file is rewritten at once with the password encrypted
    if (splitPassword(cfg).password) {
      if (this.codec) {
        try {
          this.save(cfg)
        } catch {
          // a read-only folder: it is used as it is
        }
      }
      return cfg
    }
    return withPassword(cfg, password)
  }

  save(cfg: DbConfig): void {
    const { rest, password } = splitPassword(cfg)
    const config: Record<string, unknown> = { ...rest }
    if (rest.dialect === 'mssql') delete config.password
    const data: StoredFile = { version: 2, config }
    if (password && this.codec) data.passwordEncrypted = this.codec.encrypt(password)
    this.memoryPassword = this.codec ? '' : password
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 })
    fs.renameSync(tmp, this.file)
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** For tests and runs without a data folder: nothing outlives the process. */
export class MemorySettingsStore implements SettingsStore {
  readonly canSavePassword = false
  constructor(private cfg: DbConfig | null = null) {}
  load(): DbConfig | null {
    return this.cfg ? { ...this.cfg } : null
  }
  save(cfg: DbConfig): void {
    this.cfg = { ...cfg }
  }
}
