// Attachments of interactions: the renderer sends the file's bytes (base64; in Electron it
// cannot hand over a trusted path), main copies them into <dataDir>/attachments/<yyyy>/
// <id>-<safe name> (folders 0700, files 0600: readable by the OS user only) and answers the
// stored path for the shell to open with the OS. The name shown is sanitised and the MIME type
// comes from the extension, both here (the client's words are never trusted). A deleted
// attachment's file is removed at once; files of attachments deleted with their interaction
// or customer (or left behind by a failed removal) go in the hourly clean-up (purgeDeletedFiles).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import type { AppContext, ServiceContext } from '../context'
import { MAX_ATTACHMENT_BYTES, type Attachment } from '../../contract/interactions'
import { AppError, fieldError, notFound, ruleError } from '../../shared/errors'
import { logError } from '../../shared/log'
import { toIso } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import {
  attachmentContent, attachmentsOf, attachmentsOfEntity, deletedAttachmentIds, findAttachment, findInteraction, insertAttachment, insertAttachmentContent,
  purgeDeletedContents, updateAttachment, type Row,
} from './interactions.repository'
import { canSee, loadModifiable } from './interactions.scope'

const ATTACHMENTS_DIR = 'attachments'
const MAX_NAME_CHARS = 80

const MIME: Record<string, string> = {
  '.pdf': 'application/pdf', '.txt': 'text/plain', '.csv': 'text/csv', '.md': 'text/markdown', '.log': 'text/plain', '.rtf': 'application/rtf',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.bmp': 'image/bmp',
  '.tif': 'image/tiff', '.tiff': 'image/tiff', '.heic': 'image/heic',
  '.doc': 'application/msword', '.xls': 'application/vnd.ms-excel', '.ppt': 'application/vnd.ms-powerpoint',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text', '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.odp': 'application/vnd.oasis.opendocument.presentation',
  '.zip': 'application/zip', '.rar': 'application/vnd.rar', '.7z': 'application/x-7z-compressed',
  '.mp3': 'audio/mpeg', '.mp4': 'video/mp4', '.m4a': 'audio/mp4', '.amr': 'audio/amr', '.wav': 'audio/wav', '.mov': 'video/quicktime',
}

/** The MIME type of a file name, from its extension only; unknown ones are plain bytes. */
export const mimeOf = (name: string) => MIME[path.extname(name).toLowerCase()] ?? 'application/octet-stream'

/**
 * Office documents (and the other formats Office or WPS opens) can carry macros, OLE objects or
 * external links: the OS opens them only after the user confirmed (openAttachment with
 * `confirmed: true`). Macro-enabled ones (.docm, .xlsm…) are never opened at all, only shown in
 * their folder (window/desktop-effects.ts).
 */
export const CONFIRM_BEFORE_OPEN = new Set([
  '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.rtf', '.csv', '.odt', '.ods', '.odp', '.wps', '.et', '.dps',
])
export const needsOpenConfirmation = (name: string) => CONFIRM_BEFORE_OPEN.has(path.extname(name).toLowerCase())

/** Controls (C0, DEL, C1) and the invisible marks that reorder or hide text (bidi overrides and isolates, LRM/RLM, ALM, zero width). */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g
const MAX_DISPLAY_CHARS = 255

/**
 * The name shown for an attachment: the last part of a path only, without control characters
 * or bidi overrides (`报价\u202Efdp.exe` would read as 报价exe.pdf), NFC, trimmed; Chinese and
 * other text kept as typed. The extension seen is the one the file really has.
 */
export function displayName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? ''
  const s = base.normalize('NFC').replace(INVISIBLE, '').trim()
  const chars = [...s]
  const cut = chars.length > MAX_DISPLAY_CHARS ? chars.slice(0, MAX_DISPLAY_CHARS).join('') : s
  return cut.replace(/^[.\s]+$/, '') || 'file'
}

/**
 * A file name safe on Windows, macOS and Linux: no folders, no control or reserved
 * characters, no leading/trailing dots or spaces, at most 80 characters (extension kept).
 * Chinese names stay as they are.
 */
export function safeFileName(name: string): string {
  let s = displayName(name).replace(/[<>:"/\\|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '')
  if (!s) s = 'file'
  const chars = [...s]
  if (chars.length > MAX_NAME_CHARS) {
    const ext = [...path.extname(s)].slice(0, 16)
    s = chars.slice(0, MAX_NAME_CHARS - ext.length).join('') + ext.join('')
  }
  return s
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Decoded size of standard base64 text, without decoding it. */
export function base64Size(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0
  return Math.floor((b64.length * 3) / 4) - pad
}

export function toAttachment(r: Row): Attachment {
  return {
    // rows written before names and types were checked here are shown the same way
    id: String(r.id), interactionId: String(r.entity_id), fileName: displayName(String(r.file_name)), sizeBytes: Number(r.size_bytes),
    mime: mimeOf(String(r.file_name)), sha256: (r.sha256 as string) ?? null, createdBy: (r.created_by as string) ?? null, createdAt: toIso(r.created_at)!,
  }
}

const rootOf = (dataDir: string) => path.resolve(dataDir, ATTACHMENTS_DIR)

/** The absolute path of a stored file, refusing anything outside the attachments folder. */
function storedPath(dataDir: string, storedName: string): string {
  const root = rootOf(dataDir)
  const p = path.resolve(root, storedName)
  if (!p.startsWith(root + path.sep)) throw new AppError('not_found', 'attachment file not found', { key: 'errors.not_found', params: { what: 'attachment' } })
  return p
}

/** Creates the folder (and the attachments root) readable by the OS user only; tightens ones made before. */
function ownerOnlyDir(root: string, dir: string) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  for (const d of new Set([root, dir])) fs.chmodSync(d, 0o700) // a no-op on Windows
}

/** Where a stored file goes and whose it is: the record it belongs to. */
export interface AttachmentTarget {
  entity: string
  entityId: string
  ownerId: string | null
  fileName: string
  contentBase64: string
}

/**
 * Checks and stores one file for a record of any kind (interaction, requirement…): the bytes go
 * to <dataDir>/attachments/<yyyy>/<id>-<safe name> (owner-only), the row to attachments, in its
 * own transaction; nothing stays behind when the row cannot be written. Callers check permissions.
 */
export async function storeAttachment(ctx: ServiceContext, a: AttachmentTarget, opts: { id?: string } = {}): Promise<Row> {
  const k = ctx.db.knex
  const b64 = a.contentBase64
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw fieldError('contentBase64', 'invalid_base64', 'the file content is not valid base64')
  const size = base64Size(b64)
  if (size > MAX_ATTACHMENT_BYTES) {
    throw fieldError('contentBase64', 'file_too_large', `the file is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, { maximum: MAX_ATTACHMENT_BYTES, size })
  }
  const bytes = Buffer.from(b64, 'base64')
  const now = ctx.clock.now()
  const id = opts.id ?? newId()
  const name = displayName(a.fileName)
  const storedName = `${now.getUTCFullYear()}/${id}-${safeFileName(name)}`
  const file = storedPath(ctx.dataDir, storedName)
  ownerOnlyDir(rootOf(ctx.dataDir), path.dirname(file))
  const tmp = `${file}.${process.pid}.part`
  fs.writeFileSync(tmp, bytes, { mode: 0o600 })
  fs.renameSync(tmp, file)
  try {
    await k.transaction(async (trx) => {
      await insertAttachment(trx, {
        id, entity: a.entity, entity_id: a.entityId, owner_id: a.ownerId ?? ctx.actor.userId, file_name: name,
        stored_name: storedName, size_bytes: bytes.length, mime: mimeOf(name),
        sha256: createHash('sha256').update(bytes).digest('hex'), created_by: ctx.actor.userId, created_at: now.toISOString(),
        updated_at: now.toISOString(), version: await nextVersion(trx), deleted_at: null,
      })
      // the bytes in the database too: the other desktop clients cannot reach this machine's folder
      await insertAttachmentContent(trx, id, bytes, now.toISOString())
    })
  } catch (e) {
    fs.rmSync(file, { force: true }) // nothing written: no row, no file
    throw e
  }
  return (await findAttachment(k, id, a.entity))!
}

/** `opts.id`: the id the writer chose (an offline client's attachment, pushed by sync); else a new one. */
export async function attachmentsAdd(ctx: ServiceContext, input: { interactionId: string; fileName: string; contentBase64: string }, opts: { id?: string } = {}): Promise<Attachment> {
  const interaction = await loadModifiable(ctx.db.knex, ctx.actor, 'edit', input.interactionId)
  const row = await storeAttachment(ctx, {
    entity: 'interaction', entityId: input.interactionId, ownerId: (interaction.owner_id as string | null) ?? ctx.actor.userId,
    fileName: input.fileName, contentBase64: input.contentBase64,
  }, opts)
  return toAttachment(row)
}

/** Writes a file fetched for an attachment row under its stored name (owner-only, via a .part file). */
export function saveAttachmentFile(dataDir: string, storedName: string, bytes: Buffer) {
  const file = storedPath(dataDir, storedName)
  ownerOnlyDir(rootOf(dataDir), path.dirname(file))
  const tmp = `${file}.${process.pid}.part`
  fs.writeFileSync(tmp, bytes, { mode: 0o600 })
  fs.renameSync(tmp, file)
  return file
}

/** Whether this machine holds the stored file of an attachment row. */
export const hasAttachmentFile = (dataDir: string, a: Row) => fs.existsSync(storedPath(dataDir, String(a.stored_name)))

/**
 * The stored file of an attachment row, fetched when this machine lacks it: from the database's
 * copy of the bytes (a file written by another desktop), else, on a desktop client's cache, from
 * the central database. Null when no copy is reachable (the client is offline).
 */
async function ensureFile(ctx: ServiceContext, a: Row): Promise<string | null> {
  const file = storedPath(ctx.dataDir, String(a.stored_name))
  if (fs.existsSync(file)) return file
  const bytes = (await attachmentContent(ctx.db.knex, String(a.id))) ?? (ctx.fetchAttachment ? await ctx.fetchAttachment(String(a.id)) : null)
  return bytes ? saveAttachmentFile(ctx.dataDir, String(a.stored_name), bytes) : null
}

/**
 * The bytes of an attachment the caller may see, for a desktop client that lacks its file: the
 * database's copy, else this machine's file (attachments stored before the database kept copies).
 */
export async function attachmentsContent(ctx: ServiceContext, input: { id: string }): Promise<Buffer | null> {
  const a = await loadVisibleAttachment(ctx, input.id)
  const stored = await attachmentContent(ctx.db.knex, input.id)
  if (stored) return stored
  const file = storedPath(ctx.dataDir, String(a.stored_name))
  return fs.existsSync(file) ? fs.promises.readFile(file) : null
}

/** Live attachments of records of one kind (for other modules' records; callers check permissions). */
export const entityAttachments = (db: Knex, entity: string, entityIds: string[]) => attachmentsOfEntity(db, entity, entityIds)

/** One live attachment of a record of that kind. */
export const findEntityAttachment = (db: Knex, entity: string, id: string) => findAttachment(db, id, entity)

/** Takes an attachment off its record (soft delete, so it syncs) and its file off the disk. Callers check permissions. */
export async function dropAttachment(ctx: ServiceContext, a: Row) {
  const nowIso = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => updateAttachment(trx, String(a.id), { deleted_at: nowIso, updated_at: nowIso, version: await nextVersion(trx) }))
  try {
    fs.rmSync(storedPath(ctx.dataDir, String(a.stored_name)), { force: true })
  } catch (e) {
    logError('attachment file not removed (retried by the clean-up)', e)
  }
}

/** The stored file's bytes (base64) of an attachment row, with its shown name and type, for the browser to save. */
export async function attachmentBytes(ctx: ServiceContext, a: Row) {
  const file = await ensureFile(ctx, a)
  if (!file) throw new AppError('not_found', 'the attachment file is missing', { key: 'interactions.errors.fileMissing' })
  const name = displayName(String(a.file_name))
  return { fileName: name, mime: mimeOf(name), contentBase64: (await fs.promises.readFile(file)).toString('base64') }
}

async function loadVisibleAttachment(ctx: ServiceContext, id: string) {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const a = await findAttachment(ctx.db.knex, id)
  const i = a ? await findInteraction(ctx.db.knex, String(a.entity_id)) : undefined
  if (!a || !i || !canSee(ctx.actor, scope, i)) throw notFound('attachment', id)
  return a
}

export async function attachmentsList(ctx: ServiceContext, input: { interactionId: string }): Promise<Attachment[]> {
  const scope = requirePerm(ctx.actor, 'interactions', 'view')
  const i = await findInteraction(ctx.db.knex, input.interactionId)
  if (!i || !canSee(ctx.actor, scope, i)) throw notFound('interaction', input.interactionId)
  return (await attachmentsOf(ctx.db.knex, [input.interactionId])).map(toAttachment)
}

/** Removes the attachment from the record (soft delete, so the deletion syncs) and its file from disk. */
export async function attachmentsRemove(ctx: ServiceContext, input: { id: string }) {
  const a = await findAttachment(ctx.db.knex, input.id)
  if (!a) throw notFound('attachment', input.id)
  await loadModifiable(ctx.db.knex, ctx.actor, 'edit', String(a.entity_id)).catch((e) => {
    throw e instanceof AppError && e.code === 'not_found' ? notFound('attachment', input.id) : e
  })
  const nowIso = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => updateAttachment(trx, input.id, { deleted_at: nowIso, updated_at: nowIso, version: await nextVersion(trx) }))
  // after the commit: a file that cannot go now (locked on Windows) goes in the next clean-up
  try {
    fs.rmSync(storedPath(ctx.dataDir, String(a.stored_name)), { force: true })
  } catch (e) {
    logError('attachment file not removed (retried by the clean-up)', e)
  }
  return { ok: true as const }
}

/** The stored file of an attachment the caller may see. */
async function visibleFile(ctx: ServiceContext, id: string) {
  const a = await loadVisibleAttachment(ctx, id)
  const file = await ensureFile(ctx, a)
  if (!file) throw new AppError('not_found', 'the attachment file is missing', { key: 'interactions.errors.fileMissing' })
  const name = displayName(String(a.file_name))
  return { path: file, fileName: name, mime: mimeOf(name), sizeBytes: Number(a.size_bytes) }
}

/**
 * Desktop: the file for the shell to open with the OS program. An Office document needs
 * `confirmed: true` (the user said yes to opening it); without it the answer is a rule error
 * the renderer turns into that question.
 */
export async function attachmentsOpen(ctx: ServiceContext, input: { id: string; confirmed?: boolean }) {
  const f = await visibleFile(ctx, input.id)
  if (needsOpenConfirmation(f.fileName) && input.confirmed !== true) {
    throw ruleError('interactions.errors.confirmOpen', `opening ${f.fileName} needs a confirmation: Office documents can run macros or embedded content`, { name: f.fileName })
  }
  return { ...f, opened: false }
}

/** Browser mode: the file's bytes, for the browser to save. */
export async function attachmentsDownload(ctx: ServiceContext, input: { id: string }) {
  const f = await visibleFile(ctx, input.id)
  return { fileName: f.fileName, mime: f.mime, contentBase64: (await fs.promises.readFile(f.path)).toString('base64') }
}

const STORED_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-/i
const STALE_PART_MS = 24 * 60 * 60 * 1000

/**
 * The clean-up job: removes the files of deleted attachments (removed one by one, with their
 * interaction, or hidden with their deleted customer), and upload leftovers (`.part`) older than a day; tightens
 * folders to 0700 and files to 0600. A file whose row does not exist is left alone: it may belong
 * to another database this data folder was used with, or to an upload still being committed.
 */
export async function purgeDeletedFiles(app: Pick<AppContext, 'db' | 'dataDir' | 'clock'>): Promise<{ removed: number }> {
  await purgeDeletedContents(app.db.knex)
  const root = rootOf(app.dataDir)
  if (!fs.existsSync(root)) return { removed: 0 }
  fs.chmodSync(root, 0o700)
  const byId = new Map<string, string[]>()
  let removed = 0
  for (const year of fs.readdirSync(root, { withFileTypes: true })) {
    if (!year.isDirectory()) continue
    const dir = path.join(root, year.name)
    fs.chmodSync(dir, 0o700)
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!f.isFile()) continue
      const file = path.join(dir, f.name)
      if (f.name.endsWith('.part')) {
        if (app.clock.now().getTime() - fs.statSync(file).mtimeMs > STALE_PART_MS) {
          fs.rmSync(file, { force: true })
          removed++
        }
        continue
      }
      fs.chmodSync(file, 0o600)
      const id = STORED_FILE.exec(f.name)?.[1]?.toLowerCase()
      if (id) byId.set(id, [...(byId.get(id) ?? []), file])
    }
  }
  for (const id of await deletedAttachmentIds(app.db.knex, [...byId.keys()])) {
    for (const file of byId.get(id) ?? []) {
      try {
        fs.rmSync(file, { force: true })
        removed++
      } catch (e) {
        logError('attachment file not removed', e)
      }
    }
  }
  return { removed }
}
