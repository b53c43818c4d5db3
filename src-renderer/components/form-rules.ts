// Element Plus form rules with translated messages. Build them inside computed() so the
// messages follow a language switch:
//   const rules = computed(() => ({ name: [required(t, t('fields.name'))] }))
import type { FormItemRule } from 'element-plus'
import { isEmail, isHttpUrl, isLogin, isMobile, isPhone, isPostcode, isTaxId, isWebsite, PASSWORD_MAX, PASSWORD_MIN } from './cn-formats'

type T = (key: string, params?: Record<string, unknown>) => string

export const required = (t: T, field: string, trigger: 'blur' | 'change' = 'blur'): FormItemRule => ({
  required: true,
  trigger,
  validator: (_r, v, cb) => {
    const empty = v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0)
    cb(empty ? new Error(t(trigger === 'change' ? 'validation.requiredSelect' : 'validation.required', { field })) : undefined)
  },
})

export const maxLen = (t: T, field: string, maximum: number): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => cb(typeof v === 'string' && v.trim().length > maximum ? new Error(t('validation.too_big', { field, maximum })) : undefined),
})

export const minLen = (t: T, field: string, minimum: number): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => cb(typeof v === 'string' && v !== '' && v.trim().length < minimum ? new Error(t('validation.too_small', { field, minimum })) : undefined),
})

// e-mail, login, password and the update address: the contract's rules (contract/formats.ts), mirrored in cn-formats.ts
export const email = (t: T): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => cb(v && !isEmail(String(v)) ? new Error(t('validation.email')) : undefined),
})

export const login = (t: T): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => cb(v && !isLogin(String(v)) ? new Error(t('validation.login')) : undefined),
})

export const password = (t: T): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => cb(v && (String(v).length < PASSWORD_MIN || String(v).length > PASSWORD_MAX) ? new Error(t('validation.passwordMin')) : undefined),
})

/** Blank, or an http(s) URL without user or password; answers the message ('' when fine), for a check outside el-form rules. */
export const httpUrlProblem = (t: T, field: string, v: string): string => (v.trim() && !isHttpUrl(v) ? t('validation.httpUrl', { field }) : '')

/** The confirm field must equal `other()`. */
export const sameAs = (t: T, other: () => string): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => cb(v !== other() ? new Error(t('validation.passwordMismatch')) : undefined),
})

export const intRange = (t: T, field: string, min: number, max: number): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => {
    if (v === null || v === undefined || v === '') return cb()
    const n = Number(v)
    cb(!Number.isInteger(n) || n < min || n > max ? new Error(t('validation.range', { field, min, max })) : undefined)
  },
})

/** The formats of components/cn-formats.ts (the contract checks the same: contract/formats.ts). */
export type FormatCode = 'mobile' | 'phone' | 'postcode' | 'tax_id' | 'website'
const FORMAT_CHECKS: Record<FormatCode, (v: string) => boolean> = {
  mobile: isMobile,
  phone: isPhone,
  postcode: isPostcode,
  tax_id: isTaxId,
  website: isWebsite,
}

/**
 * A text in one of those formats (blank passes). `kept` returns the stored value: an edit that
 * leaves an older, non-conforming value as it was is not blocked (the server checks only what is sent).
 */
export const format = (t: T, field: string, code: FormatCode, kept?: () => string | null | undefined): FormItemRule => ({
  trigger: 'blur',
  validator: (_r, v, cb) => {
    const s = typeof v === 'string' ? v.trim() : ''
    if (!s || (kept && s === (kept() ?? '').trim())) return cb()
    cb(FORMAT_CHECKS[code](s) ? undefined : new Error(t(`validation.${code}`, { field })))
  },
})
