// 导入: customers (with their primary contact), contacts, products and orders (one row per order
// line, grouped by order number) from .xlsx or .csv — upload, inspect
// (sheets, encoding, headers, suggested mapping), preview, run as a background job with progress
// and cancel, summary, error report, 撤销导入, templates and saved mappings.
import { z } from 'zod'
import { call, Id, IsoDateTime, Ok, str } from './common'

export const ImportEntity = z.enum(['customers', 'contacts', 'products', 'orders'])
export type ImportEntity = z.infer<typeof ImportEntity>
export const IMPORT_ENTITIES = ['customers', 'contacts', 'products', 'orders'] as const
/** CSV only: auto-detected (UTF-8 with or without BOM, else GB18030/GBK) unless given. */
export const ImportEncoding = z.enum(['auto', 'utf8', 'gbk', 'gb18030'])
export type ImportEncoding = z.infer<typeof ImportEncoding>
export const OnDuplicate = z.enum(['skip', 'update', 'create'])
export type OnDuplicate = z.infer<typeof OnDuplicate>
export const ImportLang = z.enum(['zh-CN', 'en-US'])

/** Largest upload, decoded: 50 MB (about 67 MB as base64). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024
const MAX_BASE64_CHARS = 72_000_000
/** Columns of a sheet the mapping covers. */
export const MAX_IMPORT_COLUMNS = 200

/** an uploaded file's id (a uuid: it names the stored file, so nothing else is accepted) */
const FileId = Id
const FieldKey = z.string().max(64).regex(/^[a-zA-Z0-9.]+$/)
/** column index → field key (null: the column is not imported) */
export const ImportMapping = z.array(FieldKey.nullable()).max(MAX_IMPORT_COLUMNS)
export type ImportMapping = z.infer<typeof ImportMapping>

export const ImportUpload = z.strictObject({
  fileName: str().trim().min(1).max(255),
  contentBase64: str().max(MAX_BASE64_CHARS),
})

export const ImportSource = z.strictObject({
  fileId: FileId,
  entity: ImportEntity,
  /** index of the sheet in the workbook (xlsx); default the first */
  sheet: z.number().int().min(0).max(255).default(0),
  encoding: ImportEncoding.default('auto'),
})
export type ImportSource = z.input<typeof ImportSource>

export const ImportField = z.object({
  key: z.string(),
  zh: z.string(),
  en: z.string(),
  required: z.boolean(),
})
export type ImportField = z.infer<typeof ImportField>

export const ImportInspection = z.object({
  fileName: z.string(),
  format: z.enum(['xlsx', 'csv']),
  sheets: z.array(z.string()),
  sheet: z.number().int(),
  /** CSV: the encoding read (detected or given); xlsx: null */
  encoding: z.enum(['utf8', 'gb18030', 'gbk']).nullable(),
  headers: z.array(z.string()),
  /** suggested: by a saved mapping (`mappingName`) or by header names and synonyms */
  mapping: ImportMapping,
  mappingName: z.string().nullable(),
  fields: z.array(ImportField),
})
export type ImportInspection = z.infer<typeof ImportInspection>

export const ImportInspectInput = ImportSource.extend({ mappingName: str().max(100).nullish() })

export const ImportIssue = z.object({
  /** field key, or null for the row as a whole */
  field: z.string().nullable(),
  code: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
})
export type ImportIssue = z.infer<typeof ImportIssue>

export const ImportOptions = z.strictObject({
  mapping: ImportMapping,
  onDuplicate: OnDuplicate.default('skip'),
  /** me: the importer; user: `ownerId`; pool: into the 公海 (customers only). Orders: their owner column, else the customer's owner. */
  owner: z.enum(['me', 'user', 'pool']).default('me'),
  ownerId: Id.nullish(),
  /** unknown dictionary values are created (with the dictionary's create right) instead of rejecting the row */
  createDictValues: z.boolean().default(false),
  /** language of the error report's reasons */
  lang: ImportLang.default('zh-CN'),
})
export type ImportOptions = z.input<typeof ImportOptions>

export const ImportPreviewInput = ImportSource.extend({ options: ImportOptions, rows: z.number().int().min(1).max(100).default(20) })

export const ImportPreviewRow = z.object({
  rowNumber: z.number().int(),
  /** field key → the value as it will be stored (dictionary values by their label) */
  values: z.record(z.string(), z.string().nullable()),
  issues: z.array(ImportIssue),
  /** what 查重 found in the database or earlier in the file */
  duplicate: z.enum(['same', 'similar']).nullable(),
  duplicateOf: z.string().nullable(),
})
export const ImportPreview = z.object({ rows: z.array(ImportPreviewRow), fields: z.array(ImportField) })
export type ImportPreview = z.infer<typeof ImportPreview>

export const ImportStatus = z.enum(['running', 'done', 'cancelled', 'failed', 'undone'])
export const ImportSimilar = z.object({ rowNumber: z.number().int(), name: z.string(), similarTo: z.array(z.string()) })

export const ImportSummary = z.object({
  batchId: Id,
  entity: ImportEntity,
  fileName: z.string(),
  status: ImportStatus,
  /** rows read so far (blank rows not counted) */
  rowsDone: z.number().int(),
  /** 0..1 of the file read */
  fraction: z.number(),
  secondsLeft: z.number().nullable(),
  imported: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  rejected: z.number().int(),
  similar: z.array(ImportSimilar),
  hasErrorReport: z.boolean(),
  /** 撤销导入 possible: finished and not undone, something created */
  undoable: z.boolean(),
  /** error key when the run failed */
  failure: z.string().nullable(),
  createdAt: IsoDateTime,
})
export type ImportSummary = z.infer<typeof ImportSummary>

export const ImportFile = z.object({ fileName: z.string(), mime: z.string(), contentBase64: z.string() })
export type ImportFile = z.infer<typeof ImportFile>

export const SavedMapping = z.object({ id: Id, name: z.string(), entity: ImportEntity, columns: z.record(z.string(), z.string()), updatedAt: IsoDateTime })
export type SavedMapping = z.infer<typeof SavedMapping>

const BatchRef = z.strictObject({ batchId: Id })

export const importsContract = {
  /** Stores an uploaded file for the steps below (kept a day); answers its id. */
  upload: call(ImportUpload, z.object({ fileId: Id }), { upload: true }),
  inspect: call(ImportInspectInput, ImportInspection),
  preview: call(ImportPreviewInput, ImportPreview),
  /** Starts the import in the background; poll `progress`. */
  start: call(ImportSource.extend({ options: ImportOptions }), ImportSummary),
  progress: call(BatchRef, ImportSummary),
  cancel: call(BatchRef, Ok),
  errorReport: call(BatchRef.extend({ lang: ImportLang.default('zh-CN') }), ImportFile),
  undo: call(BatchRef, z.object({ removed: z.number().int() })),
  template: call(z.strictObject({ entity: ImportEntity, lang: ImportLang.default('zh-CN') }), ImportFile),
  mappings: call(z.strictObject({ entity: ImportEntity }), z.array(SavedMapping)),
  saveMapping: call(z.strictObject({ entity: ImportEntity, name: str().trim().min(1).max(100), columns: z.record(str().max(200), FieldKey).refine((o) => Object.keys(o).length <= MAX_IMPORT_COLUMNS) }), SavedMapping),
  removeMapping: call(z.strictObject({ id: Id }), Ok),
} as const
