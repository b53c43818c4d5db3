// Where the database connection is kept between runs: <dataDir>/connection.json.
// The password never lands on disk in plain text: with a codec (Electron's safeStorage)
// it is stored encrypted; without one (browser mode) it lives in memory for this run only.
import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { DbConnectionInput } from '../../contract/settings'
import type { DbConfig } from '../../db/config'

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

/** Separates the password (as written in the config) from everything else. */
export function splitPassword(cfg: DbConfig): { rest: DbConfig; password: string } {
  if (cfg.dialect === 'mssql') return { rest: { ...cfg, password: '' }, password: cfg.password }
  if (cfg.dialect === 'postgres') {
    try {
      const u = new URL(cfg.url)
      const password = u.password
      u.password = ''
      return { rest: { dialect: 'postgres', url: u.toString() }, password }
    } catch {
      return { rest: cfg, password: '' }
    }
  }
  return { rest: cfg, password: '' }
}

export function withPassword(cfg: DbConfig, password: string): DbConfig {
  if (!password) return cfg
  if (cfg.dialect === 'mssql') return { ...cfg, password }
  if (cfg.dialect === 'postgres') {
    const u = new URL(cfg.url)
    if (!u.username) return cfg
    u.password = password
    return { dialect: 'postgres', url: u.toString() }
  }
  return cfg
}

interface StoredFile {
  version: 1
  config: Record<string, unknown>
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
    let password = this.memoryPassword
    if (this.codec && typeof stored.passwordEncrypted === 'string') {
      try {
        password = this.codec.decrypt(stored.passwordEncrypted)
      } catch {
        password = '' // e.g. another OS user's key: the admin types it again
      }
    }
    return withPassword(toDbConfig(parsed.data), password)
  }

  save(cfg: DbConfig): void {
    const { rest, password } = splitPassword(cfg)
    const config: Record<string, unknown> = { ...rest }
    if (rest.dialect === 'mssql') delete config.password
    const data: StoredFile = { version: 1, config }
    if (password && this.codec) data.passwordEncrypted = this.codec.encrypt(password)
    this.memoryPassword = this.codec ? '' : password
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const tmp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 })
    fs.renameSync(tmp, this.file)
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
