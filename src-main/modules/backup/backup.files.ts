// A backup on disk: the folder crm-backup-<yyyyMMdd-HHmmss>-<kind>/ holding crm.sqlite, the
// attachments/ tree and manifest.json (written last: a folder without it is not a backup; one
// still being written is called <name>.partial). Attachments unchanged since the previous
// backup are hard links to its copy (attachment files are never rewritten in place), so a
// daily backup costs the space of the database and the new files only.
import fs from 'node:fs'
import path from 'node:path'
import type { BackupEntry, BackupKind } from '../../contract/backup'

export const DB_FILE = 'crm.sqlite'
export const ATTACHMENTS = 'attachments'
export const MANIFEST = 'manifest.json'
const NAME = /^crm-backup-(\d{8})-(\d{6})-(auto|manual|pre-restore)(-\d+)?$/

export interface Manifest {
  format: 1
  app: 'crm-desktop'
  appVersion: string
  kind: BackupKind
  createdAt: string
  database: string
  schema: string | null
  epochId: string | null
  counts: Record<string, number>
  attachments: { files: number; bytes: number }
  databaseBytes: number
}

const pad = (n: number) => String(n).padStart(2, '0')
/** crm-backup-20261206-031500-auto (local time of this computer) */
export function backupName(at: Date, kind: BackupKind): string {
  const d = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}`
  const t = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`
  return `crm-backup-${d}-${t}-${kind}`
}

/** A name not yet taken in `folder` (a second backup within the same second gets -2, -3…). */
export function freeName(folder: string, base: string): string {
  let name = base
  for (let i = 2; fs.existsSync(path.join(folder, name)) || fs.existsSync(path.join(folder, `${name}.partial`)); i++) name = `${base}-${i}`
  return name
}

export function readManifest(dir: string): Manifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest
    return m && m.format === 1 && m.app === 'crm-desktop' ? m : null
  } catch {
    return null
  }
}

export function toEntry(dir: string, m: Manifest): BackupEntry {
  return {
    name: path.basename(dir),
    path: dir,
    kind: m.kind,
    createdAt: m.createdAt,
    sizeBytes: m.databaseBytes + m.attachments.bytes,
    attachments: m.attachments.files,
    appVersion: m.appVersion,
    schema: m.schema,
    counts: m.counts,
  }
}

/** The finished backups in a folder, newest first; leftovers of an interrupted backup are removed. */
export function listBackups(folder: string): BackupEntry[] {
  let names: string[]
  try {
    names = fs.readdirSync(folder)
  } catch {
    return []
  }
  const out: BackupEntry[] = []
  for (const n of names) {
    const dir = path.join(folder, n)
    if (n.endsWith('.partial') && NAME.test(n.slice(0, -'.partial'.length))) {
      fs.rmSync(dir, { recursive: true, force: true })
      continue
    }
    if (!NAME.test(n)) continue
    const m = readManifest(dir)
    if (m) out.push(toEntry(dir, m))
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name))
}

/**
 * Copies the attachments tree `from` into `to`; a file with the same relative path, size and
 * modification time in `linkFrom` (the previous backup) is hard-linked from there instead.
 */
export function copyAttachments(from: string, to: string, linkFrom: string | null): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  fs.mkdirSync(to, { recursive: true })
  const walk = (rel: string) => {
    const src = path.join(from, rel)
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(src, { withFileTypes: true })
    } catch {
      return // no attachments yet
    }
    fs.mkdirSync(path.join(to, rel), { recursive: true })
    for (const e of entries) {
      const r = path.join(rel, e.name)
      if (e.isDirectory()) {
        walk(r)
        continue
      }
      if (!e.isFile()) continue
      const st = fs.statSync(path.join(from, r))
      const dest = path.join(to, r)
      let linked = false
      if (linkFrom) {
        const prev = path.join(linkFrom, r)
        try {
          const ps = fs.statSync(prev)
          if (ps.size === st.size && Math.abs(ps.mtimeMs - st.mtimeMs) < 2) { // utimes keeps about a millisecond
            fs.linkSync(prev, dest)
            linked = true
          }
        } catch {
          linked = false // not there, or another disk: copy
        }
      }
      if (!linked) {
        fs.copyFileSync(path.join(from, r), dest)
        fs.utimesSync(dest, st.atime, st.mtime) // the next backup compares it
      }
      files++
      bytes += st.size
    }
  }
  walk('')
  return { files, bytes }
}

/** A backup folder (or the database file inside one, or a bare database file) → its parts. */
export function resolveBackup(p: string): { dir: string | null; dbFile: string; attachments: string | null; manifest: Manifest | null } | null {
  const abs = path.resolve(p)
  let st: fs.Stats
  try {
    st = fs.statSync(abs)
  } catch {
    return null
  }
  const dir = st.isDirectory() ? abs : path.basename(abs) === DB_FILE ? path.dirname(abs) : null
  if (dir) {
    const dbFile = path.join(dir, DB_FILE)
    if (!fs.existsSync(dbFile)) return null
    const att = path.join(dir, ATTACHMENTS)
    const manifest = readManifest(dir)
    // a bare crm.sqlite beside other files is taken alone unless its folder is a backup
    if (!st.isDirectory() && !manifest) return { dir: null, dbFile: abs, attachments: null, manifest: null }
    return { dir, dbFile, attachments: fs.existsSync(att) ? att : null, manifest }
  }
  return { dir: null, dbFile: abs, attachments: null, manifest: null }
}

export const dirSize = (file: string) => {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}
