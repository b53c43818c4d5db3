// 导入: customers (with their primary contact), contacts, products and orders (imports.products,
// imports.orders) from an .xlsx or a CSV. The file is
// read as a stream, row by row; every row is read by its mapped fields, checked like the form
// checks it, and 查重'd (customers: the customers service's rules, against the database and the
// rows before it in the file) before anything of it is written. Valid rows are written in chunks,
// each chunk one transaction (bulk statements under SQL Server's 2100 parameters), yielding to
// the event loop between chunks so other calls keep answering. A rejected row is never written:
// it goes to the error report with its reason. An import runs as a job (progress, cancel) and can
// be undone (撤销导入) while the records it created are unchanged.
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import type { ServiceContext } from '../context'
import type { DictTypeCode } from '../../contract/dictionary'
import {
  IMPORT_ENTITIES, MAX_IMPORT_BYTES, type ImportEntity, type ImportFile, type ImportInspection, type ImportIssue, type ImportMapping, type ImportPreview,
  type ImportSummary, type OnDuplicate, type SavedMapping,
} from '../../contract/imports'
import { AppError, fieldError, notFound, ruleError } from '../../shared/errors'
import { logError } from '../../shared/log'
import { toIso } from '../../db/dialect'
import { newId } from '../../db/ids'
import { normalizeCompanyName, taxKey } from '../../db/name-keys'
import { nextVersion, yieldToWaitingWork } from '../../db/tx'
import { can, inScope, requirePerm } from '../auth/permissions'
import {
  assertMayAssignTo, CustomerFields, editScopeOf, findCustomerBySameName, findDuplicatesMany, insertImportedCustomers, mayCreateDuplicates,
  removeImportedCustomers, updateFromImport, type ImportedCustomer,
} from '../customers/customers.service'
import { assertMayAddContacts, ContactFields, insertImportedContacts, liveContactsOf, removeImportedContacts, updateContactFromImport, type ImportedContact } from '../contacts/contacts.service'
import { dictItemsOfType, dictSave } from '../dictionary/dictionary.service'
import { assertMayImportToPool, releaseImported } from '../pool/pool.service'
import { MIME } from '../exports/exports.service'
import { FIELD_SPECS, fieldsOf, suggestMapping, type FieldSpec } from './imports.fields'
import { convertRow, DictIndex, isBlank, rowTexts, splitContact, zodIssues, type ConvertedRow } from './imports.rows'
import { openSheet, type CsvEncoding, type OpenedSheet } from './imports.reader'
import { checkProductRow, productDuplicates, ProductWriter } from './imports.products'
import { checkOrderRow, orderDuplicates, OrderWriter, resolveOrderRows } from './imports.orders'
import { removeImportedProducts } from '../products/products.service'
import { removeImportedOrders } from '../orders/orders.service'
import { openErrorReport, reasonText, templateWorkbook, type ErrorReport } from './imports.report'
import {
  deleteMapping, findBatch, findMapping, findMappingByName, insertBatch, insertMapping, mappingsOf, updateBatch, updateMapping, type BatchRow,
} from './imports.repository'

type Lang = 'zh-CN' | 'en-US'

export interface ImportRun {
  entity: ImportEntity
  sheet: number
  encoding: 'auto' | CsvEncoding
  mapping: ImportMapping
  onDuplicate: OnDuplicate
  owner: 'me' | 'user' | 'pool'
  ownerId?: string | null
  createDictValues: boolean
  lang: Lang
}

/** Rows per chunk: one transaction and one yield each. */
export const IMPORT_CHUNK = 250
/** Similar-name rows listed in the summary at most. */
const SIMILAR_MAX = 200
const HEADER_SCAN_ROWS = 20
const UPLOAD_TTL_MS = 24 * 3600_000

const importsDir = (ctx: ServiceContext, sub: string) => path.join(ctx.dataDir, 'imports', sub)

/** The import right of the entity and the right to create its records (orders: and to see the customers they name). */
function requireImport(ctx: ServiceContext, entity: ImportEntity) {
  requirePerm(ctx.actor, entity, 'import')
  requirePerm(ctx.actor, entity, 'create')
  if (entity === 'orders') requirePerm(ctx.actor, 'customers', 'view')
}

// ---- uploaded files ----------------------------------------------------------------------------

/** Stores an uploaded file for the wizard's steps; only its uploader can use it, for a day. */
export async function importsUpload(ctx: ServiceContext, input: { fileName: string; contentBase64: string }): Promise<{ fileId: string }> {
  if (!IMPORT_ENTITIES.some((e) => can(ctx.actor, e, 'import'))) requirePerm(ctx.actor, 'customers', 'import')
  const ext = path.extname(input.fileName).toLowerCase()
  if (!['.xlsx', '.csv', '.txt'].includes(ext)) {
    throw new AppError('rule', `not an .xlsx or .csv file: ${input.fileName}`, { key: ext === '.xls' ? 'imports.errors.oldExcel' : 'imports.errors.unsupportedType', params: { name: input.fileName } })
  }
  const bytes = Buffer.from(input.contentBase64, 'base64')
  if (bytes.length > MAX_IMPORT_BYTES) throw fieldError('contentBase64', 'too_large', 'the file is larger than 50 MB', { maximum: MAX_IMPORT_BYTES })
  const dir = importsDir(ctx, 'uploads')
  await fs.promises.mkdir(dir, { recursive: true })
  await removeStaleUploads(dir, ctx.clock.now().getTime())
  const fileId = newId()
  await fs.promises.writeFile(path.join(dir, `${fileId}.data`), bytes)
  await fs.promises.writeFile(path.join(dir, `${fileId}.json`), JSON.stringify({ userId: ctx.actor.userId, fileName: input.fileName, at: ctx.clock.now().toISOString() }))
  return { fileId }
}

async function removeStaleUploads(dir: string, now: number) {
  for (const name of await fs.promises.readdir(dir)) {
    const p = path.join(dir, name)
    try {
      if (now - (await fs.promises.stat(p)).mtimeMs > UPLOAD_TTL_MS) await fs.promises.rm(p, { force: true })
    } catch {
      // removed meanwhile
    }
  }
}

async function uploadedFile(ctx: ServiceContext, fileId: string): Promise<{ file: string; fileName: string }> {
  const dir = importsDir(ctx, 'uploads')
  try {
    const meta = JSON.parse(await fs.promises.readFile(path.join(dir, `${fileId}.json`), 'utf8')) as { userId: string; fileName: string }
    if (meta.userId !== ctx.actor.userId) throw notFound('file', fileId)
    return { file: path.join(dir, `${fileId}.data`), fileName: meta.fileName }
  } catch (e) {
    if (e instanceof AppError) throw e
    throw notFound('file', fileId)
  }
}

// ---- reading -------------------------------------------------------------------------------------

interface Sheet {
  opened: OpenedSheet
  headers: string[]
  /** the data rows after the header row */
  rows: AsyncGenerator<{ rowNumber: number; cells: unknown[] }>
}

/** Opens the sheet and reads up to its header: the first row with a cell in it. */
async function openWithHeader(file: string, sheet: number, encoding: 'auto' | CsvEncoding): Promise<Sheet> {
  const opened = await openSheet(file, { sheet, encoding })
  let headers: string[] | null = null
  let scanned = 0
  for (;;) {
    const n = await opened.rows.next()
    if (n.done) break
    const texts = n.value.cells.map((c) => rowTexts('customers', [], [c], 1)[0]!)
    if (!isBlank(texts)) {
      headers = texts
      break
    }
    if (++scanned > HEADER_SCAN_ROWS) break
  }
  if (!headers) {
    opened.close()
    throw new AppError('rule', 'the sheet has no header row', { key: 'imports.errors.noHeader' })
  }
  while (headers.length && headers[headers.length - 1] === '') headers.pop()
  return { opened, headers, rows: opened.rows }
}

/** A header as shown: its text, or the column letter for a blank one (a merged header cell's other columns). */
export const columnLabel = (headers: string[], i: number) => headers[i] || `(${columnLetter(i)})`
function columnLetter(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

async function savedColumns(ctx: ServiceContext, entity: ImportEntity, name: string | null | undefined): Promise<Record<string, string> | undefined> {
  if (!name) return undefined
  const m = await findMappingByName(ctx.db.knex, ctx.actor.userId, entity, name)
  if (!m) throw new AppError('not_found', `no saved mapping ${name}`, { key: 'imports.errors.noMapping', params: { name } })
  return JSON.parse(m.mapping) as Record<string, string>
}

export async function inspectFile(ctx: ServiceContext, f: { file: string; fileName: string }, input: { entity: ImportEntity; sheet: number; encoding: 'auto' | CsvEncoding; mappingName?: string | null }): Promise<ImportInspection> {
  requireImport(ctx, input.entity)
  const s = await openWithHeader(f.file, input.sheet, input.encoding)
  s.opened.close()
  const labels = s.headers.map((_, i) => columnLabel(s.headers, i))
  return {
    fileName: f.fileName, format: s.opened.format, sheets: s.opened.sheets, sheet: s.opened.sheet, encoding: s.opened.encoding, headers: labels,
    mapping: suggestMapping(input.entity, s.headers, await savedColumns(ctx, input.entity, input.mappingName)),
    mappingName: input.mappingName ?? null, fields: fieldsOf(input.entity),
  }
}

export async function importsInspect(ctx: ServiceContext, input: { fileId: string; entity: ImportEntity; sheet: number; encoding: 'auto' | CsvEncoding; mappingName?: string | null }) {
  return inspectFile(ctx, await uploadedFile(ctx, input.fileId), input)
}

// ---- checking rows -------------------------------------------------------------------------------

async function loadDicts(ctx: ServiceContext, entity: ImportEntity): Promise<DictIndex> {
  const idx = new DictIndex()
  const types = new Set(FIELD_SPECS[entity].filter((f) => f.type === 'dict').map((f) => f.dict!))
  for (const t of types) for (const d of await dictItemsOfType(ctx.db.knex, t)) if (d.enabled) idx.add(t, d.id, d.label, d.labelEn)
  return idx
}

function checkMapping(entity: ImportEntity, mapping: ImportMapping) {
  const keys = new Set(FIELD_SPECS[entity].map((f) => f.key))
  const seen = new Set<string>()
  for (const k of mapping) {
    if (!k) continue
    if (!keys.has(k)) throw fieldError('mapping', 'invalid_field', `unknown field ${k}`, { field: k })
    if (seen.has(k)) throw fieldError('mapping', 'mapped_twice', `field ${k} is mapped to two columns`, { field: k })
    seen.add(k)
  }
  for (const f of FIELD_SPECS[entity]) if (f.required && !seen.has(f.key)) throw fieldError('mapping', 'required_unmapped', `no column is mapped to ${f.key}`, { field: f.key })
}

const TOTALS = new Set(['合计', '总计', '小计', 'total', 'totals', 'sum'])

/** The fields a record row names something by (an exported list's totals row has none of them). */
const NAME_FIELDS: Record<ImportEntity, string[]> = { customers: ['name'], contacts: ['customerName'], products: ['name'], orders: ['productCode', 'productName'] }

/** An exported list's totals row (合计 first, no name): not a record. */
function isTotalsRow(entity: ImportEntity, mapping: ImportMapping, texts: string[]): boolean {
  const first = texts.find((x) => x !== '')
  if (!first || !TOTALS.has(first.toLowerCase())) return false
  return NAME_FIELDS[entity].every((f) => {
    const col = mapping.indexOf(f)
    return col < 0 || !texts[col]
  })
}

/** A checked row: its form input (customer fields / contact fields) or its issues. */
interface CheckedRow extends ConvertedRow {
  customer?: Record<string, unknown>
  contact?: Record<string, unknown> | null
  /** contacts: the customer it belongs to */
  customerId?: string
  customerOwnerId?: string | null
}

function checkCustomerRow(r: ConvertedRow): CheckedRow {
  const out: CheckedRow = { ...r }
  const { own, contact } = splitContact(r.values)
  const { code: _code, ...typed } = own
  const pc = CustomerFields.safeParse(typed)
  if (!pc.success) out.issues.push(...zodIssues(pc.error).filter((i) => !out.issues.some((x) => x.field === i.field)))
  else out.customer = pc.data as Record<string, unknown>
  if (contact) {
    if (contact.name === undefined) out.issues.push({ field: 'contact.name', code: 'no_contact_name' })
    else {
      const cc = ContactFields.safeParse({ ...contact, isPrimary: true })
      if (!cc.success) out.issues.push(...zodIssues(cc.error, 'contact.'))
      else out.contact = cc.data as Record<string, unknown>
    }
  }
  return out
}

function checkContactRow(r: ConvertedRow): CheckedRow {
  const out: CheckedRow = { ...r }
  const { customerName: _c, ...own } = r.values
  const cc = ContactFields.safeParse(own)
  if (!cc.success) out.issues.push(...zodIssues(cc.error))
  else out.contact = cc.data as Record<string, unknown>
  return out
}

// ---- the run -------------------------------------------------------------------------------------

interface Job {
  batchId: string
  userId: string
  entity: ImportEntity
  fileName: string
  status: ImportSummary['status']
  createdAt: string
  started: number
  rowsDone: number
  fraction: () => number
  imported: number
  updated: number
  skipped: number
  rejected: number
  similar: ImportSummary['similar']
  hasErrorReport: boolean
  cancel: boolean
  failure: string | null
  firstVersion: number | null
  lastVersion: number | null
  /** a run elsewhere (ImportRunner): passes the cancel on */
  onCancel?: () => void
}

const jobs = new Map<string, Job>()

/** A job's state as it crosses threads (an ImportRunner's progress): the fraction done as a number. */
export type ImportJobState = Omit<Job, 'fraction' | 'cancel' | 'onCancel' | 'started' | 'userId'> & { fraction: number }

/** What a runner needs to run an import's rows: the batch row exists and the file's header was read. */
export interface ImportJobSpec {
  batchId: string
  file: string
  fileName: string
  run: ImportRun
  createdAt: string
}

/**
 * Runs the rows of an import somewhere else than on this thread: the desktop app and `crm serve`
 * run them in a worker thread on a database connection of its own (app/imports-thread.ts), so
 * that neither the reading and checking of 100,000 rows nor the chunks' transactions hold the
 * event loop every other call waits on. Null when it cannot (the run then goes on here).
 */
export interface ImportRunner {
  run(ctx: ServiceContext, spec: ImportJobSpec, onState: (s: ImportJobState) => void): { done: Promise<void>; cancel(): void } | null
}
let runner: ImportRunner | null = null
/** Sets (or clears) where imports run their rows from now on. */
export function useImportRunner(r: ImportRunner | null) {
  runner = r
}

function stateOf(j: Job): ImportJobState {
  return {
    batchId: j.batchId, entity: j.entity, fileName: j.fileName, status: j.status, createdAt: j.createdAt, rowsDone: j.rowsDone,
    fraction: j.status === 'running' ? j.fraction() : 1, imported: j.imported, updated: j.updated, skipped: j.skipped, rejected: j.rejected,
    similar: j.similar, hasErrorReport: j.hasErrorReport, failure: j.failure, firstVersion: j.firstVersion, lastVersion: j.lastVersion,
  }
}

function summaryOf(j: Job): ImportSummary {
  const f = j.status === 'running' ? j.fraction() : 1
  const elapsed = (Date.now() - j.started) / 1000
  return {
    batchId: j.batchId, entity: j.entity, fileName: j.fileName, status: j.status, rowsDone: j.rowsDone, fraction: f,
    secondsLeft: j.status === 'running' && f > 0.01 ? Math.max(0, Math.round((elapsed * (1 - f)) / f)) : null,
    imported: j.imported, updated: j.updated, skipped: j.skipped, rejected: j.rejected, similar: j.similar,
    hasErrorReport: j.hasErrorReport, undoable: j.status !== 'running' && j.status !== 'undone' && j.imported > 0, failure: j.failure, createdAt: j.createdAt,
  }
}

function summaryOfBatch(b: BatchRow): ImportSummary {
  return {
    batchId: b.id, entity: b.entity as ImportEntity, fileName: b.file_name, status: (b.status === 'running' ? 'failed' : b.status) as ImportSummary['status'],
    rowsDone: Number(b.total_rows), fraction: 1, secondsLeft: null,
    imported: Number(b.imported), updated: Number(b.updated), skipped: Number(b.skipped), rejected: Number(b.rejected),
    similar: b.similar ? JSON.parse(b.similar) : [], hasErrorReport: !!b.error_file,
    undoable: b.status !== 'running' && b.status !== 'undone' && Number(b.imported) > 0, failure: b.status === 'running' ? 'imports.errors.interrupted' : null,
    createdAt: toIso(b.created_at)!,
  }
}

export interface RunHooks {
  onProgress?: (s: ImportSummary) => void
}

/** Checks the choices before anything is read: mapping, owner, the right to create duplicates. */
async function checkRun(ctx: ServiceContext, o: ImportRun) {
  requireImport(ctx, o.entity)
  checkMapping(o.entity, o.mapping)
  if (o.entity === 'customers') {
    if (o.owner === 'user') {
      if (!o.ownerId) throw fieldError('ownerId', 'required', 'choose the owner')
      if (o.ownerId !== ctx.actor.userId) await assertMayAssignTo(ctx, o.ownerId)
    }
    if (o.owner === 'pool') assertMayImportToPool(ctx)
    if (o.onDuplicate === 'create' && !(await mayCreateDuplicates(ctx.db.knex, ctx.actor))) {
      throw ruleError('imports.errors.createDuplicatesNotAllowed', 'your role may not create duplicate customers')
    }
  }
  if (o.onDuplicate === 'update' && o.entity === 'orders') throw ruleError('imports.errors.ordersNoUpdate', 'imported orders are skipped or created, never updated')
  if (o.onDuplicate === 'update') requirePerm(ctx.actor, o.entity, 'edit')
  if (o.createDictValues) requirePerm(ctx.actor, 'dictionary', 'create')
}

/** Starts an import of an uploaded file as a background job; answers its first summary at once. */
export async function importsStart(ctx: ServiceContext, input: { fileId: string; entity: ImportEntity; sheet: number; encoding: 'auto' | CsvEncoding; options: Omit<ImportRun, 'entity' | 'sheet' | 'encoding'> }): Promise<ImportSummary> {
  const f = await uploadedFile(ctx, input.fileId)
  const run: ImportRun = { ...input.options, entity: input.entity, sheet: input.sheet, encoding: input.encoding }
  const job = await beginImport(ctx, f, run)
  void job.done.catch((e) => logError('import', e))
  return summaryOf(job.job)
}

/**
 * Runs an import to its end (the CLI awaits this; the IPC call starts it and polls). Reading
 * errors before the first row (not a spreadsheet, no header) are thrown; later ones end the
 * run as failed with what was written so far kept and reported.
 */
export async function runImport(ctx: ServiceContext, f: { file: string; fileName: string }, o: ImportRun, hooks: RunHooks = {}): Promise<ImportSummary> {
  const { job, done } = await beginImport(ctx, f, o, hooks)
  await done
  return summaryOf(job)
}

async function beginImport(ctx: ServiceContext, f: { file: string; fileName: string }, o: ImportRun, hooks: RunHooks = {}) {
  await checkRun(ctx, o)
  const sheet = await openWithHeader(f.file, o.sheet, o.encoding)
  const batchId = newId()
  const now = ctx.clock.now().toISOString()
  try {
    await insertBatch(ctx.db.knex, {
      id: batchId, entity: o.entity, user_id: ctx.actor.userId, file_name: f.fileName.slice(0, 255), status: 'running',
      options: JSON.stringify({ mapping: o.mapping, onDuplicate: o.onDuplicate, owner: o.owner, ownerId: o.ownerId ?? null, createDictValues: o.createDictValues }),
      created_at: now,
    })
  } catch (e) {
    sheet.opened.close()
    throw e
  }
  const job: Job = {
    batchId, userId: ctx.actor.userId, entity: o.entity, fileName: f.fileName, status: 'running', createdAt: now, started: Date.now(), rowsDone: 0,
    fraction: sheet.opened.fraction, imported: 0, updated: 0, skipped: 0, rejected: 0, similar: [], hasErrorReport: false, cancel: false, failure: null,
    firstVersion: null, lastVersion: null,
  }
  jobs.set(batchId, job)
  let heard = false
  const elsewhere = runner?.run(ctx, { batchId, file: f.file, fileName: f.fileName, run: o, createdAt: now }, (s) => {
    heard = true
    const { fraction, ...rest } = s
    Object.assign(job, rest)
    job.fraction = () => fraction
    hooks.onProgress?.(summaryOf(job))
  })
  if (!elsewhere) return { job, done: execute(ctx, job, sheet, o, hooks) }
  sheet.opened.close() // the runner reads the file itself
  job.onCancel = elsewhere.cancel
  const done = elsewhere.done.then(
    () => forgetLater(job),
    async (e: unknown) => {
      if (!heard) {
        // the thread never started (its first message comes before it reads or writes anything):
        // the run goes on here, as where no runner is set
        logError('the import could not run in a worker thread; it runs on the main thread', e)
        job.onCancel = undefined
        const again = await openWithHeader(f.file, o.sheet, o.encoding)
        job.fraction = again.opened.fraction
        return execute(ctx, job, again, o, hooks)
      }
      // the run ended without its last state (the thread failed): the batch says failed, with the counts it reached
      logError('import run', e)
      if (job.status === 'running') {
        job.status = 'failed'
        job.failure = 'imports.errors.failed'
        await endBatch(ctx, job, 'failed', {})
        hooks.onProgress?.(summaryOf(job))
      }
      forgetLater(job)
    },
  )
  return { job, done }
}

/** The batch row at a run's end: its status and the counts it reached (what progress and undo read afterwards). */
function endBatch(ctx: ServiceContext, job: Job, status: ImportSummary['status'], more: { error_file?: string | null }) {
  return updateBatch(ctx.db.knex, job.batchId, {
    status, total_rows: job.rowsDone, imported: job.imported, updated: job.updated, skipped: job.skipped, rejected: job.rejected,
    similar: JSON.stringify(job.similar), first_version: job.firstVersion, last_version: job.lastVersion, ...more, finished_at: ctx.clock.now().toISOString(),
  })
}

/** The summary stays in memory a while for the UI's last poll, then comes from the table. */
function forgetLater(job: Job) {
  setTimeout(() => jobs.delete(job.batchId), 10 * 60_000).unref?.()
}

/**
 * An import's rows run here for a runner elsewhere (the worker thread of app/imports-thread.ts):
 * the file opened again, the job's state given to `onState` after every chunk and a few times a
 * second, and at its end (the batch row written, as a run on the calling thread writes it).
 */
export function runImportRows(ctx: ServiceContext, spec: ImportJobSpec, onState: (s: ImportJobState) => void): { done: Promise<void>; cancel(): void } {
  const job: Job = {
    batchId: spec.batchId, userId: ctx.actor.userId, entity: spec.run.entity, fileName: spec.fileName, status: 'running', createdAt: spec.createdAt,
    started: Date.now(), rowsDone: 0, fraction: () => 0, imported: 0, updated: 0, skipped: 0, rejected: 0, similar: [], hasErrorReport: false,
    cancel: false, failure: null, firstVersion: null, lastVersion: null,
  }
  const post = () => onState(stateOf(job))
  const done = (async () => {
    post() // before anything is read or written: the caller knows the run started here
    const timer = setInterval(post, 300)
    try {
      const sheet = await openWithHeader(spec.file, spec.run.sheet, spec.run.encoding)
      job.fraction = sheet.opened.fraction
      await execute(ctx, job, sheet, spec.run, { onProgress: post })
    } finally {
      clearInterval(timer)
    }
  })()
  return { done, cancel: () => void (job.cancel = true) }
}

async function execute(ctx: ServiceContext, job: Job, sheet: Sheet, o: ImportRun, hooks: RunHooks) {
  const reportFile = path.join(importsDir(ctx, 'reports'), `${job.batchId}.xlsx`)
  let report: ErrorReport | null = null
  const headers = sheet.headers.map((_, i) => columnLabel(sheet.headers, i))
  const reject = async (row: ConvertedRow, issues: ImportIssue[]) => {
    job.rejected++
    if (!report) {
      await fs.promises.mkdir(path.dirname(reportFile), { recursive: true })
      report = openErrorReport(reportFile, headers, o.lang)
      job.hasErrorReport = true
    }
    await report.add(row.texts, reasonText(o.entity, issues, o.lang))
  }
  const state = new RunState(ctx, o, await loadDicts(ctx, o.entity), job)
  // the job shows its end only once the batch row says it (the report and undo read that row)
  let final: ImportSummary['status'] = 'running'
  try {
    let chunk: ConvertedRow[] = []
    const flush = async () => {
      if (!chunk.length) return
      const rows = chunk
      chunk = []
      await state.writeChunk(rows, job, reject)
      hooks.onProgress?.(summaryOf(job))
      // other calls first between chunks (SQLite: the requests waiting for its one connection)
      await yieldToWaitingWork(ctx.db.knex, ctx.db.dialect)
    }
    const orders = state.orders
    // orders: the file is read first (an order's lines may be anywhere in it), then written — each half of the progress bar
    if (orders) job.fraction = () => sheet.opened.fraction() / 2
    for await (const raw of sheet.rows) {
      if (job.cancel) break
      const texts = rowTexts(o.entity, o.mapping, raw.cells, headers.length)
      if (isBlank(texts) || isTotalsRow(o.entity, o.mapping, texts)) continue
      job.rowsDone++
      const row = convertRow(o.entity, o.mapping, raw.rowNumber, texts, state.dicts, o.createDictValues)
      if (orders) {
        orders.add(row)
        if (job.rowsDone % IMPORT_CHUNK === 0) await new Promise((r) => setImmediate(r))
        continue
      }
      chunk.push(row)
      if (chunk.length >= IMPORT_CHUNK) await flush()
    }
    if (!job.cancel) await flush()
    if (orders && !job.cancel) {
      const total = Math.max(1, orders.total)
      job.fraction = () => 0.5 + (0.5 * Math.min(orders.done, total)) / total
      await orders.finish(job, reject, IMPORT_CHUNK, async () => {
        hooks.onProgress?.(summaryOf(job))
        await yieldToWaitingWork(ctx.db.knex, ctx.db.dialect)
      })
    }
    final = job.cancel ? 'cancelled' : 'done'
  } catch (e) {
    final = 'failed'
    job.failure = e instanceof AppError && e.extra.key ? e.extra.key : 'imports.errors.failed'
    if (!(e instanceof AppError)) logError('import run', e)
  } finally {
    sheet.opened.close()
    if (report) await (report as ErrorReport).finish().catch((e: unknown) => logError('import error report', e))
  }
  await endBatch(ctx, job, final, { error_file: job.hasErrorReport ? path.basename(reportFile) : null })
  job.status = final
  hooks.onProgress?.(summaryOf(job))
  forgetLater(job)
}

/** What one run carries from chunk to chunk: dictionaries (with values it created) and the file's own rows for 查重. */
class RunState {
  /** name key / tax key → the row number that first had it (rows written or pending) */
  private seenName = new Map<string, number>()
  private seenTax = new Map<string, number>()
  /** contacts: customer name → customer (looked up once) */
  private customers = new Map<string, { id: string; ownerId: string | null; name: string } | null>()
  private contactNames = new Map<string, number>()
  private createDupes = false
  private products: ProductWriter | null = null
  /** orders: the rows gathered while reading, written at the end */
  readonly orders: OrderWriter | null = null

  constructor(
    private ctx: ServiceContext,
    private o: ImportRun,
    readonly dicts: DictIndex,
    job: Job,
  ) {
    const note = (v: number) => this.noteVersion(job, v)
    if (o.entity === 'products') this.products = new ProductWriter(ctx, o.onDuplicate, job.batchId, note, issuesOfError)
    if (o.entity === 'orders') this.orders = new OrderWriter(ctx, o.onDuplicate, job.batchId, note, issuesOfError)
  }

  async writeChunk(rows: ConvertedRow[], job: Job, reject: (r: ConvertedRow, issues: ImportIssue[]) => Promise<void>) {
    await this.createDictValues(rows)
    if (this.o.entity === 'customers') await this.writeCustomers(rows, job, reject)
    else if (this.products) await this.products.write(rows, job, reject)
    else await this.writeContacts(rows, job, reject)
  }

  /** Unknown dictionary values the user chose to create, each once (its own transaction, before the chunk's). */
  private async createDictValues(rows: ConvertedRow[]) {
    for (const r of rows) {
      for (const n of r.newDictValues) {
        const id = this.dicts.find(n.typeCode, n.label) ?? (await this.createDictValue(n.typeCode, n.label))
        if (id) r.values[n.field] = id
        else {
          delete r.values[n.field]
          r.issues.push({ field: n.field, code: 'dict_create_failed', params: { value: n.label } })
        }
      }
      r.newDictValues = []
    }
  }

  private async createDictValue(typeCode: DictTypeCode, label: string): Promise<string | null> {
    try {
      const item = await dictSave(this.ctx, { typeCode, label: label.slice(0, 100) })
      this.dicts.add(typeCode, item.id, item.label, item.labelEn)
      return item.id
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      return null // e.g. a policy needs its cycle days: the rows are rejected
    }
  }

  private async writeCustomers(rows: ConvertedRow[], job: Job, reject: (r: ConvertedRow, issues: ImportIssue[]) => Promise<void>) {
    const checked = rows.map(checkCustomerRow)
    const valid = checked.filter((r) => !r.issues.length)
    for (const r of checked) if (r.issues.length) await reject(r, r.issues)
    const found = valid.length ? await findDuplicatesMany(this.ctx.db.knex, valid.map((r) => ({ name: String(r.customer!.name), taxId: r.customer!.taxId as string | null, phone: r.customer!.phone as string | null, phone2: r.customer!.phone2 as string | null }))) : []
    const create: Array<{ row: CheckedRow; item: ImportedCustomer }> = []
    const updates: Array<{ row: CheckedRow; id: string; ownerName: string | null }> = []
    const pendingByRow = new Map<number, { row: CheckedRow; item: ImportedCustomer }>()
    const editScope = editScopeOf(this.ctx.actor)
    this.createDupes ||= this.o.onDuplicate === 'create'
    for (let i = 0; i < valid.length; i++) {
      const row = valid[i]!
      const c = row.customer!
      const matches = found[i]!
      const nameKey = normalizeCompanyName(String(c.name))
      const tax = taxKey(c.taxId as string | null)
      const earlier = this.seenName.get(nameKey) ?? (tax ? this.seenTax.get(tax) : undefined)
      const same = matches.filter((m) => m.level === 'same')
      const isDuplicate = same.length > 0 || earlier !== undefined
      if (isDuplicate && this.o.onDuplicate === 'skip') {
        job.skipped++
        continue
      }
      if (isDuplicate && this.o.onDuplicate === 'update') {
        const pending = earlier !== undefined ? pendingByRow.get(earlier) : undefined
        if (pending) {
          // an earlier row of this chunk, not written yet: the later row's values win
          Object.assign(pending.item.fields, presentFields(row))
          job.updated++
          continue
        }
        const target = same[0]
        if (!target) {
          job.skipped++ // the earlier row was rejected or skipped: nothing to update
          continue
        }
        if (!editScope || !inScope(this.ctx.actor, editScope, target.row.owner_id, target.row.owner_team_id) || (!target.row.owner_id && editScope !== 'all')) {
          await reject(row, [{ field: null, code: 'not_permitted', params: { owner: target.row.owner_name ?? '公海', name: target.row.name } }])
          continue
        }
        updates.push({ row, id: target.row.id, ownerName: target.row.owner_name })
        continue
      }
      // new (or 仍然新建): similar names are imported and listed
      const similar = matches.filter((m) => m.level === 'similar' || isDuplicate)
      if (similar.length && job.similar.length < SIMILAR_MAX) job.similar.push({ rowNumber: row.rowNumber, name: String(c.name), similarTo: similar.slice(0, 3).map((m) => m.row.name) })
      const item: ImportedCustomer = {
        fields: c as never, code: (row.values.code as string | undefined) ?? null,
        contact: row.contact ? { name: String(row.contact.name), mobile: (row.contact.mobile as string | null) ?? null } : null,
      }
      create.push({ row, item })
      pendingByRow.set(row.rowNumber, { row, item })
      if (nameKey && !this.seenName.has(nameKey)) this.seenName.set(nameKey, row.rowNumber)
      if (tax && !this.seenTax.has(tax)) this.seenTax.set(tax, row.rowNumber)
    }
    if (!create.length && !updates.length) return
    const ownerId = this.o.owner === 'user' && this.o.ownerId ? this.o.ownerId : this.ctx.actor.userId
    const failed: Array<{ row: CheckedRow; issues: ImportIssue[] }> = []
    // the checks and 查重 above, the write below: with other work between them (SQLite's driver
    // answers synchronously, so without this a whole chunk was one turn of the event loop; a bare
    // setImmediate from the stream's I/O callback runs before any timer or new request)
    await yieldToWaitingWork(this.ctx.db.knex, this.ctx.db.dialect)
    await this.ctx.db.knex.transaction(async (trx) => {
      const version = await nextVersion(trx)
      this.noteVersion(job, version)
      let updated = 0
      for (const u of updates) {
        try {
          if (await updateFromImport(trx, this.ctx, editScope!, u.id, presentFields(u.row) as never, version)) updated++
        } catch (e) {
          if (!(e instanceof AppError)) throw e
          failed.push({ row: u.row, issues: issuesOfError(e) })
        }
      }
      let ids: string[] = []
      if (create.length) {
        ids = await insertImportedCustomers(trx, this.ctx, create.map((c) => c.item), { ownerId, batchId: job.batchId, version })
        const contacts: ImportedContact[] = []
        create.forEach((c, i) => {
          if (c.row.contact) contacts.push({ customerId: ids[i]!, ownerId, fields: { ...c.row.contact, isPrimary: true }, newCustomer: true })
        })
        if (contacts.length) await insertImportedContacts(trx, this.ctx, contacts, { batchId: job.batchId, version })
        if (this.o.owner === 'pool') await releaseImported(trx, this.ctx, ids, version)
      }
      job.imported += ids.length
      job.updated += updated
      job.skipped += updates.length - updated - failed.length
    })
    for (const f of failed) await reject(f.row, f.issues)
  }

  private async writeContacts(rows: ConvertedRow[], job: Job, reject: (r: ConvertedRow, issues: ImportIssue[]) => Promise<void>) {
    const checked = rows.map(checkContactRow)
    // the customer each row names, by the same name rule as 查重 (同名), and the right to add contacts to it
    for (const r of checked) {
      if (r.issues.length) continue
      const name = String(r.values.customerName ?? '')
      const key = normalizeCompanyName(name)
      if (!this.customers.has(key)) {
        const c = await findCustomerBySameName(this.ctx.db.knex, name)
        let ok = !!c
        if (c) {
          try {
            await assertMayAddContacts(this.ctx.db.knex, this.ctx, c.id)
          } catch (e) {
            if (!(e instanceof AppError)) throw e
            ok = false
          }
        }
        this.customers.set(key, ok && c ? { id: c.id, ownerId: c.ownerId, name: c.name } : null)
      }
      const c = this.customers.get(key)
      if (!c) r.issues.push({ field: 'customerName', code: 'no_customer', params: { value: name } })
      else {
        r.customerId = c.id
        r.customerOwnerId = c.ownerId
      }
    }
    for (const r of checked) if (r.issues.length) await reject(r, r.issues)
    const valid = checked.filter((r) => !r.issues.length)
    if (!valid.length) return
    const existing = new Map<string, string>()
    for (const c of await liveContactsOf(this.ctx.db.knex, valid.map((r) => r.customerId!))) existing.set(`${c.customer_id}|${c.name.trim()}`, c.id)
    const create: ImportedContact[] = []
    const updates: Array<{ row: CheckedRow; id: string }> = []
    for (const r of valid) {
      const key = `${r.customerId}|${String(r.contact!.name).trim()}`
      const dupId = existing.get(key)
      const inFile = this.contactNames.has(key)
      if ((dupId || inFile) && this.o.onDuplicate === 'skip') {
        job.skipped++
        continue
      }
      if (dupId && this.o.onDuplicate === 'update') {
        updates.push({ row: r, id: dupId })
        continue
      }
      if (inFile && this.o.onDuplicate === 'update') {
        job.skipped++
        continue
      }
      this.contactNames.set(key, r.rowNumber)
      const { customerName: _n, ...fields } = r.values
      create.push({ customerId: r.customerId!, ownerId: r.customerOwnerId ?? null, fields: { ...r.contact!, isPrimary: fields.isPrimary === true }, newCustomer: false })
    }
    const failed: Array<{ row: CheckedRow; issues: ImportIssue[] }> = []
    await this.ctx.db.knex.transaction(async (trx) => {
      const version = await nextVersion(trx)
      this.noteVersion(job, version)
      for (const u of updates) {
        try {
          const { customerName: _n, ...fields } = u.row.values
          if (await updateContactFromImport(trx, this.ctx, u.id, fields, version)) job.updated++
          else job.skipped++
        } catch (e) {
          if (!(e instanceof AppError)) throw e
          failed.push({ row: u.row, issues: issuesOfError(e) })
        }
      }
      if (create.length) job.imported += (await insertImportedContacts(trx, this.ctx, create, { batchId: job.batchId, version })).length
    })
    for (const f of failed) await reject(f.row, f.issues)
  }

  private noteVersion(job: Job, v: number) {
    job.firstVersion = job.firstVersion === null ? v : Math.min(job.firstVersion, v)
    job.lastVersion = job.lastVersion === null ? v : Math.max(job.lastVersion, v)
  }
}

/** The fields a row has a value for (an update changes only those; defaults do not count). */
function presentFields(row: CheckedRow): Record<string, unknown> {
  const { own } = splitContact(row.values)
  const c = row.customer ?? {}
  return Object.fromEntries(Object.keys(own).filter((k) => k !== 'code').map((k) => [k, c[k] ?? own[k]]))
}

function issuesOfError(e: AppError): ImportIssue[] {
  if (e.extra.issues?.length) return e.extra.issues.map((i) => ({ field: i.field ?? null, code: i.code, params: i.params }))
  if (e.code === 'conflict') return [{ field: null, code: 'conflict' }]
  return [{ field: null, code: 'write_failed', params: { message: e.message } }]
}

/** An enum or yes/no value as the template lists it, in the language of the run. */
function enumLabel(s: FieldSpec, v: unknown, lang: Lang): string {
  const zh = lang === 'zh-CN'
  if (s.type === 'bool') return v ? (zh ? '是' : 'yes') : zh ? '否' : 'no'
  const keys = Object.entries(s.values ?? {}).filter(([, x]) => x === v).map(([k]) => k)
  return keys.find((k) => /\p{Script=Han}/u.test(k) === zh) ?? String(v)
}

// ---- preview -------------------------------------------------------------------------------------

export async function previewFile(ctx: ServiceContext, f: { file: string; fileName: string }, o: ImportRun, count: number): Promise<ImportPreview> {
  requireImport(ctx, o.entity)
  const sheet = await openWithHeader(f.file, o.sheet, o.encoding)
  const dicts = await loadDicts(ctx, o.entity)
  const rows: ConvertedRow[] = []
  try {
    for await (const raw of sheet.rows) {
      const texts = rowTexts(o.entity, o.mapping, raw.cells, sheet.headers.length)
      if (isBlank(texts) || isTotalsRow(o.entity, o.mapping, texts)) continue
      rows.push(convertRow(o.entity, o.mapping, raw.rowNumber, texts, dicts, o.createDictValues))
      if (rows.length >= count) break
    }
  } finally {
    sheet.opened.close()
  }
  const checked: ConvertedRow[] = rows.map(o.entity === 'customers' ? checkCustomerRow : o.entity === 'products' ? checkProductRow : o.entity === 'orders' ? checkOrderRow : checkContactRow)
  if (o.entity === 'orders') await resolveOrderRows(ctx, checked)
  const specs = new Map(FIELD_SPECS[o.entity].map((s) => [s.key, s]))
  const shown = (key: string, v: unknown): string | null => {
    if (v === null || v === undefined) return null
    const s = specs.get(key)
    if (s?.type === 'dict') return dicts.labelOf(String(v))
    if (s?.type === 'money') return (Number(v) / 100).toFixed(2)
    if (s?.type === 'discount') return `${Number(v) / 100}%`
    if (s?.type === 'enum' || s?.type === 'bool') return enumLabel(s, v, o.lang)
    if (Array.isArray(v)) return v.join(',')
    return String(v)
  }
  let dupes: Awaited<ReturnType<typeof findDuplicatesMany>> = []
  if (o.entity === 'customers') {
    const probes = checked.map((r) => ({ name: String(r.values.name ?? ''), taxId: (r.values.taxId as string) ?? null, phone: (r.values.phone as string) ?? null, phone2: (r.values.phone2 as string) ?? null }))
    dupes = await findDuplicatesMany(ctx.db.knex, probes)
  }
  const productDupes = o.entity === 'products' ? await productDuplicates(ctx, checked) : []
  const orderDupes = o.entity === 'orders' ? await orderDuplicates(ctx, checked) : []
  const seen = new Map<string, number>()
  return {
    fields: fieldsOf(o.entity),
    rows: checked.map((r, i) => {
      let duplicate: 'same' | 'similar' | null = null
      let duplicateOf: string | null = null
      if (o.entity === 'customers') {
        const m = dupes[i] ?? []
        const key = normalizeCompanyName(String(r.values.name ?? ''))
        if (m.length) {
          duplicate = m[0]!.level
          duplicateOf = m[0]!.row.name
        } else if (key && seen.has(key)) {
          duplicate = 'same'
          duplicateOf = `#${seen.get(key)}`
        }
        if (key && !seen.has(key)) seen.set(key, r.rowNumber)
      }
      if (productDupes[i]) [duplicate, duplicateOf] = ['same', productDupes[i]!.name]
      if (orderDupes[i]) [duplicate, duplicateOf] = ['same', orderDupes[i]!]
      return {
        rowNumber: r.rowNumber, issues: r.issues, duplicate, duplicateOf,
        values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, shown(k, v)])),
      }
    }),
  }
}

export async function importsPreview(ctx: ServiceContext, input: { fileId: string; entity: ImportEntity; sheet: number; encoding: 'auto' | CsvEncoding; rows: number; options: Omit<ImportRun, 'entity' | 'sheet' | 'encoding'> }) {
  checkMapping(input.entity, input.options.mapping)
  return previewFile(ctx, await uploadedFile(ctx, input.fileId), { ...input.options, entity: input.entity, sheet: input.sheet, encoding: input.encoding }, input.rows)
}

// ---- after the run: progress, cancel, report, undo ---------------------------------------------------

async function ownBatch(ctx: ServiceContext, batchId: string): Promise<BatchRow> {
  const b = await findBatch(ctx.db.knex, batchId)
  if (!b || b.user_id !== ctx.actor.userId) throw notFound('import', batchId)
  return b
}

export async function importsProgress(ctx: ServiceContext, input: { batchId: string }): Promise<ImportSummary> {
  const j = jobs.get(input.batchId)
  if (j && j.userId === ctx.actor.userId) return summaryOf(j)
  return summaryOfBatch(await ownBatch(ctx, input.batchId))
}

/** Stops a running import after its current chunk: what was written stays (and is in the summary). */
export async function importsCancel(ctx: ServiceContext, input: { batchId: string }) {
  const j = jobs.get(input.batchId)
  if (!j || j.userId !== ctx.actor.userId) {
    await ownBatch(ctx, input.batchId)
    return { ok: true as const }
  }
  j.cancel = true
  j.onCancel?.()
  return { ok: true as const }
}

export async function importsErrorReport(ctx: ServiceContext, input: { batchId: string; lang: Lang }): Promise<ImportFile> {
  const b = await ownBatch(ctx, input.batchId)
  if (!b.error_file || jobs.get(b.id)?.status === 'running') throw notFound('error report', input.batchId)
  const bytes = await fs.promises.readFile(path.join(importsDir(ctx, 'reports'), path.basename(b.error_file)))
  const base = path.basename(b.file_name).replace(/\.[^.]+$/, '')
  return { fileName: `${base}_${input.lang === 'en-US' ? 'errors' : '错误报告'}.xlsx`, mime: MIME.xlsx, contentBase64: bytes.toString('base64') }
}

/** 撤销导入: removes what the import created (updates of existing records stay); refused once any of it changed. */
export async function importsUndo(ctx: ServiceContext, input: { batchId: string }): Promise<{ removed: number }> {
  const b = await ownBatch(ctx, input.batchId)
  if (b.status === 'running' || jobs.get(b.id)?.status === 'running') throw ruleError('imports.errors.stillRunning', 'the import is still running')
  if (b.status === 'undone') throw ruleError('imports.errors.alreadyUndone', 'the import was undone already')
  const last = b.last_version === null ? 0 : Number(b.last_version)
  const removed = await ctx.db.knex.transaction(async (trx) => {
    const remove = { customers: removeImportedCustomers, contacts: removeImportedContacts, products: removeImportedProducts, orders: removeImportedOrders }[b.entity as ImportEntity]
    const n = await remove(trx, ctx, b.id, last)
    await updateBatch(trx, b.id, { status: 'undone', undone_at: ctx.clock.now().toISOString() })
    return n
  })
  const j = jobs.get(b.id)
  if (j) j.status = 'undone'
  return { removed }
}

// ---- templates and saved mappings --------------------------------------------------------------------

const TEMPLATE_ZH: Record<ImportEntity, string> = { customers: '客户', contacts: '联系人', products: '产品', orders: '订单' }

export async function importsTemplate(ctx: ServiceContext, input: { entity: ImportEntity; lang: Lang }): Promise<ImportFile> {
  requirePerm(ctx.actor, input.entity, 'import')
  const bytes = await templateWorkbook(input.entity, input.lang, (t) => dictItemsOfType(ctx.db.knex, t as DictTypeCode))
  const zh = input.lang === 'zh-CN'
  const name = zh ? `${TEMPLATE_ZH[input.entity]}导入模板` : `${input.entity}-import-template`
  return { fileName: `${name}.xlsx`, mime: MIME.xlsx, contentBase64: bytes.toString('base64') }
}

const toSaved = (r: { id: string; name: string; entity: string; mapping: string; updated_at: unknown }): SavedMapping => ({
  id: r.id, name: r.name, entity: r.entity as ImportEntity, columns: JSON.parse(r.mapping), updatedAt: toIso(r.updated_at)!,
})

export async function importsMappings(ctx: ServiceContext, input: { entity: ImportEntity }): Promise<SavedMapping[]> {
  requirePerm(ctx.actor, input.entity, 'import')
  return (await mappingsOf(ctx.db.knex, ctx.actor.userId, input.entity)).map(toSaved)
}

/** Saves (or replaces, by name) the user's mapping of header names to fields. */
export async function importsSaveMapping(ctx: ServiceContext, input: { entity: ImportEntity; name: string; columns: Record<string, string> }): Promise<SavedMapping> {
  requirePerm(ctx.actor, input.entity, 'import')
  const keys = new Set(FIELD_SPECS[input.entity].map((f) => f.key))
  const bad = Object.values(input.columns).find((k) => !keys.has(k))
  if (bad) throw fieldError('columns', 'invalid_field', `unknown field ${bad}`, { field: bad })
  const k: Knex = ctx.db.knex
  const now = ctx.clock.now().toISOString()
  const existing = await findMappingByName(k, ctx.actor.userId, input.entity, input.name)
  if (existing) await updateMapping(k, existing.id, { mapping: JSON.stringify(input.columns), updated_at: now })
  else await insertMapping(k, { id: newId(), user_id: ctx.actor.userId, entity: input.entity, name: input.name, mapping: JSON.stringify(input.columns), created_at: now, updated_at: now })
  return toSaved((await findMappingByName(k, ctx.actor.userId, input.entity, input.name))!)
}

export async function importsRemoveMapping(ctx: ServiceContext, input: { id: string }) {
  const m = await findMapping(ctx.db.knex, input.id)
  if (!m || m.user_id !== ctx.actor.userId) throw notFound('mapping', input.id)
  await deleteMapping(ctx.db.knex, input.id)
  return { ok: true as const }
}
