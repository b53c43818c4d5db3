// Texts of the sync area: a stored error as translated text, an operation's and a field's name.
import type { SyncError } from '@contract/sync'
import { ApiCallError } from '../../api/client'
import { errorMessage, fieldLabel, type Translate } from '../../api/errors'

type Te = (key: string) => boolean

export const syncErrorText = (e: SyncError, t: Translate) => errorMessage(new ApiCallError(e), t)

/** `customers.update` → 修改客户 (the raw name for an operation this build does not know). */
export const operationText = (op: string, t: Translate, te: Te) => {
  const key = `sync.ops.${op.replace('.', '_')}`
  return te(key) ? t(key) : op
}

/** A conflicting field's label: the area's own (customers.fields.x), else the shared one. */
export const conflictFieldText = (entity: string, field: string, t: Translate, te: Te) => {
  const key = `${entity}.fields.${field}`
  return te(key) ? t(key) : fieldLabel(field, t)
}

/** A field value as text (empty ones as —). */
export const valueText = (v: unknown) => {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return '—'
  if (Array.isArray(v)) return v.join('、')
  return typeof v === 'object' ? JSON.stringify(v) : String(v)
}
