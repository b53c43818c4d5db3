// Errors that cross the boundary as data ({ok:false, error}), never as a crash.
import type { ApiError, ErrorCode, FieldIssue } from '../contract/common'

export class AppError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
    public extra: { key?: string; params?: Record<string, unknown>; issues?: FieldIssue[] } = {},
  ) {
    super(message)
    this.name = 'AppError'
  }
  toApi(): ApiError {
    return { code: this.code, message: this.message, ...this.extra }
  }
}

export const notFound = (what: string, id?: string) =>
  new AppError('not_found', `${what} not found${id ? `: ${id}` : ''}`, { key: 'errors.not_found', params: { what } })

export const forbidden = (module: string, action: string) =>
  new AppError('forbidden', `no permission: ${module}.${action}`, { key: 'errors.forbidden', params: { module, action } })

/** A field-level validation error raised by a service rule (not by zod). */
export const fieldError = (field: string, code: string, message: string, params?: Record<string, unknown>) =>
  new AppError('validation', message, { issues: [{ field, code, message, params }] })

/** A business rule refused the action; `key` is translated by the UI. */
export const ruleError = (key: string, message: string, params?: Record<string, unknown>) =>
  new AppError('rule', message, { key, params })

/**
 * The row changed since the caller read it: its stored version is no longer the one the edit
 * was based on (`current` when known). The UI reloads and lets the user try again.
 */
export const conflict = (what: string, current?: number) =>
  new AppError('conflict', `the ${what} was changed meanwhile; reload and try again`, {
    key: 'errors.conflict',
    params: current === undefined ? { what } : { what, version: current },
  })
