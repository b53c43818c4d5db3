// A .xlsx/.csv file opened with the desktop app (文件关联: "open with" in Explorer / Finder /
// the file manager). The shell tells the page the file's name ('importFile'); the page asks main
// for its content once and keeps it here until someone is logged in and unlocked. The layout
// then picks the list whose import wizard imports it for this user (customers/contacts, orders,
// products — the first the role may import) and goes there; that list opens its wizard, which
// takes the file as if picked in it. Without any import right the user is told so.
import { ref } from 'vue'
import type { ImportEntity } from '@contract/imports'
import type { CrmShell } from '../../api/client'

export interface OpenedImportFile {
  name: string
  /** null: it could not be read (error says why) */
  file: File | null
  error: 'tooLarge' | 'unreadable' | null
  /** set by the layout: the wizard (and entity) that imports it for the logged-in user */
  entity: ImportEntity | null
}

/** The file waiting for its import wizard (one: a newer one replaces it). */
export const openedImportFile = ref<OpenedImportFile | null>(null)

function fileOf(name: string, base64: string): File {
  const bin = atob(base64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  const type = name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  return new File([bytes], name, { type })
}

/** The shell said a file was opened: fetch it from main and keep it for the import wizard. */
export async function receiveOpenedFile(shell: CrmShell, name: string): Promise<void> {
  const got = (await shell.openedFile()) as { fileName?: unknown; contentBase64?: unknown; error?: unknown } | null
  if (!got || typeof got.fileName !== 'string') return
  const fileName = got.fileName || name
  if (typeof got.contentBase64 === 'string') openedImportFile.value = { name: fileName, file: fileOf(fileName, got.contentBase64), error: null, entity: null }
  else openedImportFile.value = { name: fileName, file: null, error: got.error === 'tooLarge' ? 'tooLarge' : 'unreadable', entity: null }
}

/** Which list's wizard imports a file for a user with these rights (the lists' own conditions), or null. */
export function importTargetOf(can: (module: ImportEntity, action: 'import' | 'create') => boolean): { entity: ImportEntity; path: string } | null {
  if (can('customers', 'import')) return { entity: 'customers', path: '/customers' }
  if (can('contacts', 'import')) return { entity: 'contacts', path: '/customers' }
  if (can('orders', 'import') && can('orders', 'create')) return { entity: 'orders', path: '/orders' }
  if (can('products', 'import') && can('products', 'create')) return { entity: 'products', path: '/products' }
  return null
}

/** The wizard of `entities` takes the waiting file, if it is meant for it (once). */
export function takeOpenedFile(entities: readonly ImportEntity[]): { file: File; entity: ImportEntity } | null {
  const o = openedImportFile.value
  if (!o?.file || !o.entity || !entities.includes(o.entity)) return null
  openedImportFile.value = null
  return { file: o.file, entity: o.entity }
}
