import { z } from 'zod'
import { call, Empty, Ok, optText, str } from './common'

const SqliteConnection = z.strictObject({ dialect: z.literal('sqlite'), file: str().trim().min(1).max(1000) })
const PostgresConnection = z.strictObject({
  dialect: z.literal('postgres'),
  /** a password in it (`user:pass@` or `?password=`) is split off before the URL is stored or shown */
  url: str().trim().max(1000).regex(/^postgres(ql)?:\/\//),
})
const MssqlConnection = z.strictObject({
  dialect: z.literal('mssql'),
  host: str().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535).nullish(),
  instance: optText(100),
  database: str().trim().min(1).max(128),
  user: str().trim().min(1).max(128),
  /** empty keeps the saved password */
  password: str().max(256).optional(),
  encrypt: z.boolean().default(true),
  trustServerCertificate: z.boolean().default(false),
})

export const DbConnectionInput = z.discriminatedUnion('dialect', [SqliteConnection, PostgresConnection, MssqlConnection])
export type DbConnectionInput = z.input<typeof DbConnectionInput>

/**
 * Saving a connection. While the desktop app cannot reach its database nobody can log in (the
 * users live in that database), so the change is made without a session and must carry
 * `confirmLocalChange: true`: the user confirmed that this computer's settings file changes.
 */
const confirm = { confirmLocalChange: z.literal(true).optional() }
export const DbSaveInput = z.discriminatedUnion('dialect', [SqliteConnection.extend(confirm), PostgresConnection.extend(confirm), MssqlConnection.extend(confirm)])
export type DbSaveInput = z.input<typeof DbSaveInput>

/** The saved connection as shown in the form: never the password itself. */
export const DbConnectionView = z.object({
  dialect: z.enum(['sqlite', 'postgres', 'mssql']),
  file: z.string().nullable(),
  url: z.string().nullable(),
  host: z.string().nullable(),
  port: z.number().nullable(),
  instance: z.string().nullable(),
  database: z.string().nullable(),
  user: z.string().nullable(),
  hasPassword: z.boolean(),
  encrypt: z.boolean(),
  trustServerCertificate: z.boolean(),
  /** false in the browser mode: the password will not be saved */
  canSavePassword: z.boolean(),
  description: z.string(),
})

export const DbTestResult = z.object({
  ok: z.boolean(),
  serverVersion: z.string().nullable(),
  pendingMigrations: z.array(z.string()),
  /** English text, e.g. why the connection failed (never the password) */
  message: z.string().nullable(),
  /** the same in the UI's language: i18n key (settings.dbTest.*) and its params */
  messageKey: z.string().optional(),
  messageParams: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** the database driver's own words about a failure (never the password) */
  detail: z.string().optional(),
})

export const settingsContract = {
  getDb: call(Empty, DbConnectionView),
  /** Connects with the given settings and reports the server version and pending migrations. */
  testDb: call(DbConnectionInput, DbTestResult),
  migrateDb: call(DbConnectionInput, z.object({ applied: z.array(z.string()) })),
  /** Saves the connection (never its password in clear text); it is used from the next start of the app. */
  saveDb: call(DbSaveInput, z.object({ ok: z.literal(true), restartRequired: z.boolean() })),
  /** Test hook (browser mode with CRM_TEST_HOOKS=1 only): move the app clock. */
  setClock: call(z.strictObject({ now: z.iso.datetime({ offset: true }).nullable() }), Ok),
} as const
