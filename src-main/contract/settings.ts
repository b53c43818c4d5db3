import { z } from 'zod'
import { call, Empty, Ok, optText, str } from './common'

export const DbConnectionInput = z.discriminatedUnion('dialect', [
  z.strictObject({ dialect: z.literal('sqlite'), file: str().trim().min(1).max(1000) }),
  z.strictObject({
    dialect: z.literal('postgres'),
    url: str().trim().max(1000).regex(/^postgres(ql)?:\/\//),
  }),
  z.strictObject({
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
  }),
])
export type DbConnectionInput = z.input<typeof DbConnectionInput>

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
  /** Saves the connection; it is used from the next start of the app. */
  saveDb: call(DbConnectionInput, z.object({ ok: z.literal(true), restartRequired: z.boolean() })),
  /** Test hook (browser mode with CRM_TEST_HOOKS=1 only): move the app clock. */
  setClock: call(z.strictObject({ now: z.iso.datetime({ offset: true }).nullable() }), Ok),
} as const
