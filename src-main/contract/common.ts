// Shared building blocks of the typed IPC contract. Imports nothing but zod:
// the renderer imports the inferred types from this folder.
import { z } from 'zod'

/**
 * A UUID, lower-cased: the app stores and compares lower-case ids, while SQL Server and
 * PostgreSQL also accept an upper-case one; so `ID` and `id` can never be two different users.
 */
export const Id = z.uuid().transform((s) => s.toLowerCase())
export const IsoDateTime = z.iso.datetime({ offset: true })
/** A calendar date without time, YYYY-MM-DD (birthdays, expected close dates). */
export const IsoDate = z.iso.date()

/** A NUL (PostgreSQL refuses it) or a lone UTF-16 surrogate (each database stores it differently). */
const BAD_CHARS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/** Every string input starts here: NUL and lone surrogates are a validation error, alike on every database. */
export const str = () => z.string().refine((v) => !BAD_CHARS.test(v), { message: 'contains a NUL or an invalid Unicode character' })

/** Free text with a hard cap so a huge payload is rejected, never stored. */
export const text = (max = 255) => str().trim().max(max)
export const optText = (max = 255) => text(max).nullish()
export const requiredText = (max = 255) => str().trim().min(1).max(max)

export const PageInput = z.strictObject({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(500).default(20),
})

export const SortInput = z.strictObject({
  field: str().max(64),
  order: z.enum(['asc', 'desc']).default('asc'),
})

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })

/**
 * The version an edit is based on: the `version` of the row as the caller read it. The update
 * applies only while the stored row still has it; otherwise the call answers `conflict`.
 */
export const BaseVersion = z.number().int().min(0)

/** A save that creates (no id) or edits (id): an edit must say which version it is based on. */
export const versionWithId = (v: { id?: string; version?: number }, ctx: z.RefinementCtx) => {
  if (v.id && v.version === undefined) ctx.addIssue({ code: 'custom', path: ['version'], message: 'an edit needs the version it is based on' })
}

export const Empty = z.strictObject({}).default({})
export const Ok = z.object({ ok: z.literal(true) })

/** Error codes that cross the boundary; the renderer translates them (errors.<code>). */
export const ErrorCode = z.enum([
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'locked',
  /** the caller's session is locked (锁屏): unlock with the password first */
  'session_locked',
  'invalid_credentials',
  'setup_required',
  'already_setup',
  'in_use',
  'db_unreachable',
  'rule',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export interface FieldIssue {
  /** dotted path of the field, e.g. "name" or "contacts.0.mobile" */
  field: string
  /** zod issue code or a domain code such as "duplicate" */
  code: string
  message: string
  params?: Record<string, unknown>
}

export interface ApiError {
  code: ErrorCode
  /** English fallback text; the UI shows errors.<code> / rule keys translated. */
  message: string
  /** i18n key for domain rule errors (e.g. "customers.errors.codeTaken"). */
  key?: string
  params?: Record<string, unknown>
  issues?: FieldIssue[]
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError }

/** One contract call: its input and output schemas. */
export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  /** true when the call may run without a logged-in session */
  public?: boolean
  /** true for the file uploads: the only calls whose payload may be larger than 1 MB */
  upload?: boolean
}

export const call = <I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  opts: { public?: boolean; upload?: boolean } = {},
): CallDef<I, O> => ({ input, output, ...opts })

export const DataScope = z.enum(['own', 'team', 'all'])
export type DataScope = z.infer<typeof DataScope>

/** `claim`: 领取 (and 放入) customers of the 公海 (module `pool`); `schedule`: 定时报告 (module `reports`). */
export const Action = z.enum(['view', 'create', 'edit', 'delete', 'assign', 'approve', 'export', 'import', 'claim', 'schedule'])
export type Action = z.infer<typeof Action>

/** Permission modules, one per business area plus the admin areas. */
export const PermModule = z.enum([
  'customers',
  /** 公海: customers without an owner (view, claim, assign) */
  'pool',
  'contacts',
  'interactions',
  'reminders',
  'opportunities',
  'orders',
  'products',
  'services',
  'requirements',
  'churn',
  'targets',
  'reports',
  'dictionary',
  'users',
  'roles',
  'audit',
  'settings',
])
export type PermModule = z.infer<typeof PermModule>
