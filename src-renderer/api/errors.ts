// Turns an ApiCallError (or anything thrown) into translated text, and puts server field
// issues under the matching Element Plus form items.
import type { FieldIssue } from '@contract/index'
import { ApiCallError } from './client'
import { i18n } from '../locales'

type Params = Record<string, unknown>
/** The translate function of useI18n() or i18n.global. */
export type Translate = (key: string, params?: Params) => string
/** Optional labels for fields: a map (field → text) or a function; falls back to fields.<name>. */
export type FieldLabels = Record<string, string> | ((field: string) => string | undefined)

// A loose view of the global composer: its full message typing is too deep for helpers.
const g = () => i18n.global as unknown as { t: Translate; te: (key: string, locale?: string) => boolean }
const has = (key: string) => g().te(key) || g().te(key, 'zh-CN')

/** `contacts.0.mobile` → `mobile`: the last part that is not an index. */
const leafOf = (field: string) =>
  field
    .split('.')
    .filter((p) => !/^\d+$/.test(p))
    .pop() ?? field

export function fieldLabel(field: string, t: Translate, labels?: FieldLabels): string {
  const leaf = leafOf(field)
  const own = typeof labels === 'function' ? (labels(field) ?? labels(leaf)) : (labels?.[field] ?? labels?.[leaf])
  if (own) return own
  if (has(`fields.${leaf}`)) return t(`fields.${leaf}`)
  return leaf
}

/** Translated text of one field issue, e.g. "用户名已存在". */
export function issueMessage(issue: FieldIssue, t: Translate, labels?: FieldLabels): string {
  const field = fieldLabel(issue.field, t, labels)
  const params: Params = { ...(issue.params ?? {}), field }
  const numeric = typeof issue.params?.minimum === 'number' || typeof issue.params?.maximum === 'number'
  let key = `validation.${issue.code}`
  if (issue.code === 'too_small' && issue.params?.minimum === 1) key = 'validation.required'
  else if (issue.code === 'invalid_format' && /email/i.test(issue.message)) key = 'validation.email'
  else if ((issue.code === 'too_small' || issue.code === 'too_big') && numeric && /number/i.test(issue.message)) key += '_number'
  if (!has(key)) key = 'validation.custom'
  return t(key, params)
}

/**
 * The message to show for a failed call: the rule key when the server sent one, otherwise
 * errors.<code>; a validation error names its first field issue.
 */
export function errorMessage(e: unknown, t: Translate = g().t, labels?: FieldLabels): string {
  if (!(e instanceof ApiCallError)) {
    const msg = e instanceof Error ? e.message : String(e)
    return t('errors.unknown', { message: msg })
  }
  const err = e.error
  const params: Params = { ...(err.params ?? {}) }
  if (err.code === 'validation' && err.issues?.length) return issueMessage(err.issues[0], t, labels)
  if (err.key && has(err.key)) return t(err.key, params)
  if (has(`errors.${err.code}`)) return t(`errors.${err.code}`, params)
  return t('errors.unknown', { message: err.message })
}

/** Someone changed the row since it was read (its version moved on): reload before editing again. */
export const isConflict = (e: unknown): boolean => e instanceof ApiCallError && e.error.code === 'conflict'

/** The field issues of an error (empty when it has none). */
export const issuesOf = (e: unknown): FieldIssue[] => (e instanceof ApiCallError ? (e.error.issues ?? []) : [])

/**
 * Shows server field errors under the form items: bind `:error="formErrors.<prop>"` on each
 * el-form-item. Clears earlier messages first; returns true when at least one field matched.
 */
export function applyFieldErrors(
  issues: FieldIssue[] | undefined,
  formErrors: Record<string, string>,
  t: Translate = g().t,
  labels?: FieldLabels,
): boolean {
  clearFieldErrors(formErrors)
  let matched = false
  for (const issue of issues ?? []) {
    const candidates = [issue.field, leafOf(issue.field)]
    const prop = candidates.find((c) => c in formErrors)
    if (!prop || formErrors[prop]) continue
    formErrors[prop] = issueMessage(issue, t, labels)
    matched = true
  }
  return matched
}

export function clearFieldErrors(formErrors: Record<string, string>) {
  for (const k of Object.keys(formErrors)) formErrors[k] = ''
}
