// 系统: the lock policy (锁屏), the About dialog, 复制诊断信息, the update server (更新服务器) and
// the desktop app's updates, and what only the desktop app can do (start at login, native
// folder and file pickers, checking for, downloading and installing an update). Calls that need the desktop shell answer
// `supported: false` in the browser mode; in Electron the shell fills them in (window/desktop-effects).
import { z } from 'zod'
import { call, Empty, optText, text } from './common'
import { isHttpUrl } from './formats'

export const LockPolicy = z.object({
  /** idle minutes before the lock screen, for users who chose none (default 10) */
  idleMinutes: z.number().int().min(1).max(240),
  /** the longest idle time a user may choose; null: no maximum (the server still locks a silent session after 4 hours) */
  maxIdleMinutes: z.number().int().min(1).max(1440).nullable(),
  /** lock when the computer sleeps or its screen is locked (desktop app) */
  lockOnSleep: z.boolean(),
})
export type LockPolicy = z.infer<typeof LockPolicy>

export const LockPolicyInput = z
  .strictObject({
    idleMinutes: z.number().int().min(1).max(240),
    maxIdleMinutes: z.number().int().min(1).max(1440).nullable(),
    lockOnSleep: z.boolean(),
  })
  .refine((p) => p.maxIdleMinutes === null || p.idleMinutes <= p.maxIdleMinutes, { message: 'the default idle time exceeds the maximum', path: ['idleMinutes'] })

export const About = z.object({
  version: z.string(),
  dialect: z.enum(['sqlite', 'postgres', 'mssql']),
  /** where the database is (never a password); only for users who may view the settings */
  dbDescription: z.string().nullable(),
  /** the data folder of this installation (database file, attachments, logs) */
  dataDir: z.string(),
  browserMode: z.boolean(),
  /** runtime versions: node, electron, chrome (the latter two only in the desktop app) */
  runtime: z.record(z.string(), z.string()),
  platform: z.string(),
})

export const Diagnostics = z.object({
  /** plain text for a support request: versions, database kind, data folder, recent log lines — no passwords, no customer data */
  text: z.string(),
  /** true when the desktop app already put it on the clipboard */
  copied: z.boolean(),
})

export const DesktopPrefs = z.object({
  /** false in the browser mode */
  supported: z.boolean(),
  openAtLogin: z.boolean(),
})

export const PickResult = z.object({ supported: z.boolean(), path: z.string().nullable() })

export const UpdateSettings = z.object({
  /** the generic update server (where latest.yml and the installers are); null: no updates */
  url: z.string().nullable(),
  /** the desktop app checks when it starts */
  checkOnStart: z.boolean(),
})
export type UpdateSettings = z.infer<typeof UpdateSettings>

/** An http(s) URL without user or password in it (the desktop apps of every user fetch from it). */
const UpdateUrl = text(500).refine(isHttpUrl, { message: 'not an http(s) URL' })

export const UpdateSettingsInput = z.strictObject({ url: UpdateUrl.nullable(), checkOnStart: z.boolean() })

export const UPDATE_STATUSES = ['disabled', 'idle', 'checking', 'available', 'none', 'downloading', 'downloaded', 'error'] as const
export const UpdateState = z.object({
  status: z.enum(UPDATE_STATUSES),
  /** why updates are off: the browser mode, run from the source tree, or no update server set */
  reason: z.enum(['browser', 'dev', 'no_url']).nullable(),
  currentVersion: z.string(),
  /** the version offered (available, downloading, downloaded) */
  version: z.string().nullable(),
  /** the release notes as plain text */
  releaseNotes: z.string().nullable(),
  releaseDate: z.string().nullable(),
  /** download progress 0–100, bytes */
  percent: z.number().nullable(),
  transferred: z.number().nullable(),
  total: z.number().nullable(),
  /** what went wrong (not translated: the updater's own message, without secrets) */
  error: z.string().nullable(),
})
export type UpdateState = z.infer<typeof UpdateState>

export const systemContract = {
  lockPolicy: call(Empty, LockPolicy),
  saveLockPolicy: call(LockPolicyInput, LockPolicy),
  about: call(Empty, About),
  diagnostics: call(Empty, Diagnostics),
  desktopPrefs: call(Empty, DesktopPrefs),
  saveDesktopPrefs: call(z.strictObject({ openAtLogin: z.boolean() }), DesktopPrefs),
  /** A native folder picker (desktop app): where backups go. */
  chooseFolder: call(z.strictObject({ purpose: z.enum(['backup']), current: optText(1000) }), PickResult),
  /** A native file picker (desktop app): a backup to restore. */
  chooseFile: call(z.strictObject({ purpose: z.enum(['restore']) }), PickResult),
  /** The update server and whether the desktop app checks on start (administrators set them). */
  updateSettings: call(Empty, UpdateSettings),
  saveUpdateSettings: call(UpdateSettingsInput, UpdateSettings),
  /** The desktop app's update: where it stands, check now (菜单 检查更新), download it, 重启并安装. */
  updateStatus: call(Empty, UpdateState),
  checkForUpdates: call(Empty, UpdateState),
  downloadUpdate: call(Empty, UpdateState),
  installUpdate: call(Empty, UpdateState),
} as const
