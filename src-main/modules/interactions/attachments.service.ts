// Attachments of interactions: the renderer sends the file's bytes (base64; in Electron it
// cannot hand over a trusted path), main copies them into <dataDir>/attachments/<yyyy>/
// <id>-<safe name> and answers the stored path for the shell to open with the OS.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ServiceContext } from '../context'
import { MAX_ATTACHMENT_BYTES, type Attachment } from '../../contract/interactions'
import { AppError, fieldError, notFound } from '../../shared/errors'
import { toIso } from '../../db/dialect'
import { newId } from '../../db/ids'
import { nextVersion } from '../../db/tx'
import { requirePerm } from '../auth/permissions'
import { attachmentsOf, findAttachment, findInteraction, insertAttachment, updateAttachment, type Row } from './interactions.repository'
import { canSee, loadModifiable } from './interactions.scope'

const ATTACHMENTS_DIR = 'attachments'
const MAX_NAME_CHARS = 80

const MIME: Record<string, string> = {
  '.pdf': 'application/pdf', '.txt': 'text/plain', '.csv': 'text/csv', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png',
  '.gif': 'image/gif', '.webp': 'image/webp', '.doc': 'application/msword', '.xls': 'application/vnd.ms-excel', '.ppt': 'application/vnd.ms-powerpoint',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.zip': 'application/zip', '.mp3': 'audio/mpeg', '.mp4': 'video/mp4', '.m4a': 'audio/mp4', '.amr': 'audio/amr', '.wav': 'audio/wav',
}

/**
 * A file name safe on Windows, macOS and Linux: no folders, no control or reserved
 * characters, no leading/trailing dots or spaces, at most 80 characters (extension kept).
 * Chinese names stay as they are.
 */
export function safeFileName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? ''
  // eslint-disable-next-line no-control-regex
  let s = base.normalize('NFC').replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '')
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
    id: String(r.id), interactionId: String(r.entity_id), fileName: String(r.file_name), sizeBytes: Number(r.size_bytes),
    mime: (r.mime as string) ?? null, sha256: (r.sha256 as string) ?? null, createdBy: (r.created_by as string) ?? null, createdAt: toIso(r.created_at)!,
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

export async function attachmentsAdd(
  ctx: ServiceContext,
  input: { interactionId: string; fileName: string; contentBase64: string; mime?: string | null },
): Promise<Attachment> {
  const k = ctx.db.knex
  const interaction = await loadModifiable(k, ctx.actor, 'edit', input.interactionId)
  const b64 = input.contentBase64
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw fieldError('contentBase64', 'invalid_base64', 'the file content is not valid base64')
  const size = base64Size(b64)
  if (size > MAX_ATTACHMENT_BYTES) {
    throw fieldError('contentBase64', 'file_too_large', `the file is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, { maximum: MAX_ATTACHMENT_BYTES, size })
  }
  const bytes = Buffer.from(b64, 'base64')
  const now = ctx.clock.now()
  const id = newId()
  const safe = safeFileName(input.fileName)
  const storedName = `${now.getUTCFullYear()}/${id}-${safe}`
  const file = storedPath(ctx.dataDir, storedName)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.part`
  fs.writeFileSync(tmp, bytes)
  fs.renameSync(tmp, file)
  try {
    await k.transaction(async (trx) => {
      await insertAttachment(trx, {
        id, entity: 'interaction', entity_id: input.interactionId, owner_id: interaction.owner_id ?? ctx.actor.userId, file_name: input.fileName.trim(),
        stored_name: storedName, size_bytes: bytes.length, mime: input.mime || MIME[path.extname(safe).toLowerCase()] || null,
        sha256: createHash('sha256').update(bytes).digest('hex'), created_by: ctx.actor.userId, created_at: now.toISOString(),
        updated_at: now.toISOString(), version: await nextVersion(trx), deleted_at: null,
      })
    })
  } catch (e) {
    fs.rmSync(file, { force: true }) // nothing written: no row, no file
    throw e
  }
  return toAttachment((await findAttachment(k, id))!)
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

/** Removes the attachment from the record (soft delete; the file stays until a clean-up). */
export async function attachmentsRemove(ctx: ServiceContext, input: { id: string }) {
  const a = await findAttachment(ctx.db.knex, input.id)
  if (!a) throw notFound('attachment', input.id)
  await loadModifiable(ctx.db.knex, ctx.actor, 'edit', String(a.entity_id)).catch((e) => {
    throw e instanceof AppError && e.code === 'not_found' ? notFound('attachment', input.id) : e
  })
  const nowIso = ctx.clock.now().toISOString()
  await ctx.db.knex.transaction(async (trx) => updateAttachment(trx, input.id, { deleted_at: nowIso, updated_at: nowIso, version: await nextVersion(trx) }))
  return { ok: true as const }
}

export async function attachmentsOpen(ctx: ServiceContext, input: { id: string }) {
  const a = await loadVisibleAttachment(ctx, input.id)
  const file = storedPath(ctx.dataDir, String(a.stored_name))
  if (!fs.existsSync(file)) throw new AppError('not_found', 'the attachment file is missing', { key: 'interactions.errors.fileMissing' })
  return { path: file, fileName: String(a.file_name), mime: (a.mime as string) ?? null, sizeBytes: Number(a.size_bytes), opened: false }
}

export async function attachmentsDownload(ctx: ServiceContext, input: { id: string }) {
  const a = await attachmentsOpen(ctx, input)
  return { fileName: a.fileName, mime: a.mime, contentBase64: (await fs.promises.readFile(a.path)).toString('base64') }
}
