import { z } from 'zod'
import { Action, call, DataScope, Empty, Id, Ok, PermModule, requiredText, str, text } from './common'
import { TimeZone } from './reminders'
import { LOGIN_CHARS, PASSWORD_MAX, PASSWORD_MIN } from './formats'

export const Password = str().min(PASSWORD_MIN).max(PASSWORD_MAX)
export const Login = str().trim().min(2).max(64).regex(LOGIN_CHARS)

export const PermissionEntry = z.object({ actions: z.array(Action), scope: DataScope })
export const Me = z.object({
  userId: Id,
  login: z.string(),
  name: z.string(),
  roleId: Id,
  roleCode: z.string(),
  roleName: z.string(),
  teamId: Id.nullable(),
  permissions: z.partialRecord(PermModule, PermissionEntry),
  /** 上班时间: the local hour system reminders with a date only fall due at; null = the app's (09:00) */
  workHour: z.number().int().min(0).max(23).nullable(),
  /** the user's time zone (IANA); null = the app's reminder time zone */
  timeZone: z.string().nullable(),
})
export type Me = z.infer<typeof Me>

/** 个人设置: the own working hour and time zone (null: back to the app's defaults). */
export const Preferences = z.strictObject({
  workHour: z.number().int().min(0).max(23).nullable(),
  timeZone: TimeZone.nullable(),
})
export type Preferences = z.input<typeof Preferences>

/** Answered before login: no database location (host, file, user), only that it answered. */
export const AppStatus = z.object({
  needsSetup: z.boolean(),
  dialect: z.enum(['sqlite', 'postgres', 'mssql']),
  browserMode: z.boolean(),
  version: z.string(),
  /** the caller's own session is locked (锁屏): only unlock, logout and status are served */
  locked: z.boolean(),
  /** whose session is locked, for the lock screen after a reload (the caller's own) */
  lockedUser: z.object({ name: z.string(), login: z.string() }).nullable(),
})

export const authContract = {
  /** Whether an administrator must be created first (fails with db_unreachable while the database does not answer). */
  status: call(Empty, AppStatus, { public: true }),
  /** First start: create the administrator (only while no user exists). */
  setup: call(z.strictObject({ login: Login, name: requiredText(100), password: Password }), Me, { public: true }),
  login: call(z.strictObject({ login: str().trim().min(1).max(64), password: str().min(1).max(128) }), Me, { public: true }),
  logout: call(Empty, Ok, { public: true }),
  me: call(Empty, Me.nullable(), { public: true }),
  changePassword: call(z.strictObject({ oldPassword: str().min(1).max(128), newPassword: Password }), Ok),
  /** Saves the own working hour and time zone; open system reminders with a date only move to it. */
  savePreferences: call(Preferences, Me),
  /** 锁屏: locks the caller's session (Ctrl/⌘+L, idle timeout); every other call then answers session_locked. */
  lock: call(Empty, Ok),
  /**
   * Lifts the lock with the user's password. A wrong password counts toward the account lockout;
   * when the account is (or becomes) locked or disabled the session ends (log in again).
   */
  unlock: call(z.strictObject({ password: str().min(1).max(128) }), Me),
} as const

/** The calls a locked session may still make. */
export const CALLS_WHILE_LOCKED: readonly string[] = ['auth.status', 'auth.unlock', 'auth.logout', 'auth.lock']

export const TeamRef = z.object({ id: Id, name: z.string() })
export { text }
