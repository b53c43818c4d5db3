// A workbook opened with the app (文件关联, electron-builder `fileAssociations`: "open with" on a
// .xlsx or .csv file): macOS hands its path to the running app (`open-file`), Windows and Linux
// start the app with the path among its arguments — the first start, or a second start whose
// arguments the one instance receives (`second-instance`). Main keeps the one path last opened
// and reads it only when our page asks (desktop-shell.ts), to preselect it in the import wizard;
// the upload then goes through imports.upload like a file picked in the wizard (permission
// checks there). Only the path the system handed us is ever read.
import fs from 'node:fs'
import path from 'node:path'
import { MAX_IMPORT_BYTES } from '../contract/imports'

/** The extensions the installers associate with the app (electron-builder.yml fileAssociations). */
export const IMPORT_FILE_EXTENSIONS = ['.xlsx', '.csv'] as const

/** Whether a path names a file the import wizard reads (by its extension). */
export const isImportFile = (p: string): boolean => (IMPORT_FILE_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase())

/**
 * The .xlsx / .csv file among a process's arguments (the last one; options and crm:// links are
 * not files), made absolute against the directory the process was started in; null without one.
 */
export function importFileInArgv(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const a = argv[i]!
    if (a.startsWith('-') || /^[a-z][a-z0-9+.-]*:\/\//i.test(a) || !isImportFile(a)) continue
    return path.resolve(cwd, a)
  }
  return null
}

/** The opened file as the page receives it: its name and content, or why it cannot be read. */
export type OpenedFile =
  | { fileName: string; contentBase64: string }
  | { fileName: string; error: 'tooLarge' | 'unreadable' }

/** Reads an opened file for the import wizard (at most MAX_IMPORT_BYTES, the upload's limit). */
export function readOpenedFile(file: string): OpenedFile {
  const fileName = path.basename(file)
  try {
    const st = fs.statSync(file)
    if (!st.isFile()) return { fileName, error: 'unreadable' }
    if (st.size > MAX_IMPORT_BYTES) return { fileName, error: 'tooLarge' }
    return { fileName, contentBase64: fs.readFileSync(file).toString('base64') }
  } catch {
    return { fileName, error: 'unreadable' }
  }
}
