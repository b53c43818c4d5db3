// 离线同步 as a desktop client's user sees it (README: Offline sync): the status-bar item (在线 /
// 离线 / 同步中, pending changes, last successful sync), 立即同步, and the 同步详情 page (recent
// runs, refused changes with their reasons, conflicts to resolve, the sync interval). Outside
// client mode `status` answers `enabled: false` and the renderer shows none of it.
import { z } from 'zod'
import { call, ErrorCode, Id, str } from './common'

export const SyncMode = z.enum(['online', 'offline', 'syncing'])
export type SyncMode = z.infer<typeof SyncMode>

export const SyncError = z.object({
  code: ErrorCode,
  message: z.string(),
  key: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  issues: z.array(z.object({ field: z.string(), code: z.string(), message: z.string(), params: z.record(z.string(), z.unknown()).optional() })).optional(),
})
export type SyncError = z.infer<typeof SyncError>

export const SyncStatus = z.object({
  /** false: not a desktop client (the central database itself); nothing else applies */
  enabled: z.boolean(),
  mode: SyncMode,
  /** changes queued for the central database (pending or held) */
  pending: z.number().int(),
  held: z.number().int(),
  /** changes the central database refused (shown with their reasons) */
  rejected: z.number().int(),
  /** 冲突 waiting for the user */
  conflicts: z.number().int(),
  /** the last successful sync */
  lastSyncAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  /** why the last attempt failed (null when it worked) */
  lastError: SyncError.nullable(),
  intervalSeconds: z.number().int(),
  /** the central database, printable (never a password) */
  central: z.string().nullable(),
})
export type SyncStatus = z.infer<typeof SyncStatus>

export const SyncRun = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  ok: z.boolean(),
  reachable: z.boolean(),
  pushed: z.number().int(),
  applied: z.number().int(),
  kept: z.number().int(),
  rejected: z.number().int(),
  held: z.number().int(),
  conflicts: z.number().int(),
  pulled: z.number().int(),
  removed: z.number().int(),
  reloaded: z.boolean(),
  error: SyncError.nullable(),
})
export type SyncRun = z.infer<typeof SyncRun>

/** an edited value as typed (a number field's value is converted by the service; empty → null) */
const FieldValue = str().max(4000).nullable()

export const SyncConflict = z.object({
  id: z.string(),
  /** customers | contacts */
  entity: z.string(),
  entityId: z.string(),
  /** the record's name as the cache has it */
  label: z.string().nullable(),
  field: z.string(),
  base: z.unknown(),
  local: z.unknown(),
  central: z.unknown(),
  createdAt: z.string(),
})
export type SyncConflict = z.infer<typeof SyncConflict>

export const SyncRejected = z.object({
  mutationId: z.number().int(),
  operation: z.string(),
  entity: z.string(),
  entityId: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
  error: SyncError.nullable(),
})
export type SyncRejected = z.infer<typeof SyncRejected>

export const SyncDetails = z.object({
  status: SyncStatus,
  /** newest first */
  runs: z.array(SyncRun),
  rejected: z.array(SyncRejected),
  held: z.array(z.object({ mutationId: z.number().int(), operation: z.string(), key: z.string().nullable(), createdAt: z.string() })),
  conflicts: z.array(SyncConflict),
})
export type SyncDetails = z.infer<typeof SyncDetails>

export const MIN_SYNC_INTERVAL_S = 5
export const MAX_SYNC_INTERVAL_S = 3600

export const syncContract = {
  status: call(z.strictObject({}), SyncStatus),
  details: call(z.strictObject({}), SyncDetails),
  /** 立即同步: answers when the sync ended (its result is in the status) */
  now: call(z.strictObject({}), SyncStatus),
  /** a 冲突's choice: keep the offline (`local`) or the central value, or `value` (an edited one, given in `value`) */
  resolve: call(z.strictObject({ id: Id, keep: z.enum(['local', 'central', 'value']), value: FieldValue.optional() }), SyncStatus),
  saveSettings: call(z.strictObject({ intervalSeconds: z.number().int().min(MIN_SYNC_INTERVAL_S).max(MAX_SYNC_INTERVAL_S) }), SyncStatus),
} as const

// ---- what a desktop client serves offline: one list, used by main's routing (sync.desktop.ts) and
// the renderer's menu (router/menu.ts), checked against each other by test/unit/offline-calls.test.ts

/** Reads a desktop client's cache answers, online and offline. */
export const CACHE_CALLS = [
  'auth.status', 'auth.login', 'auth.logout', 'auth.me', 'auth.lock', 'auth.unlock',
  'dictionary.all', 'dictionary.items',
  'customers.list', 'customers.get', 'customers.checkDuplicates', 'customers.lookup', 'customers.tags',
  'contacts.list', 'contacts.search',
  'interactions.listByCustomer', 'interactions.search', 'interactions.get', 'interactions.summary', 'interactions.promises',
  // a file this machine lacks is fetched from the central database on demand (offline: sync.fileNotHere)
  'interactions.attachments', 'interactions.openAttachment', 'interactions.downloadAttachment',
  'reminders.centre', 'reminders.badge', 'reminders.list', 'reminders.get', 'reminders.customersToContact', 'reminders.calendar', 'reminders.due',
  'products.list', 'products.get',
  'users.options', 'users.teams',
] as const

/** Reads that run centrally while online and on the cache while offline. */
export const FRESH_CALLS = [
  'search.global', 'dashboard.overview', 'dashboard.layout',
  'system.about', 'system.diagnostics', 'system.desktopPrefs', 'system.lockPolicy', 'system.updateStatus', 'system.updateSettings',
  'settings.getDb', 'customers.getColumns', 'customers.listViews', 'customers.getDedupeSettings', 'reminders.getSettings',
  // the cache holds only the open opportunities and tickets (with their plans and notes): served
  // from it only while offline, so the lists show the closed ones too while online
  'opportunities.list', 'opportunities.get', 'opportunities.board', 'services.list', 'services.get', 'services.counts', 'services.board',
] as const

/** Writes that are offline operations under their own name (sync.ops.ts): on the cache with an outbox entry, online or not. */
export const OFFLINE_WRITES = [
  'customers.create', 'customers.update', 'contacts.create', 'contacts.update',
  'interactions.create', 'interactions.update', 'interactions.remove',
  'reminders.create', 'reminders.update', 'reminders.snooze', 'reminders.done',
  // 兑现 / 未兑现 of a promise (the outbox entry is about its record)
  'interactions.keepPromise', 'interactions.unkeepPromise',
] as const

/**
 * Calls that are a run of one offline operation (the bulk actions of 待办中心 / 日程): the call runs
 * on the cache and queues one outbox entry of the named operation per row it changed, online or
 * not — so each row is applied centrally by that operation's rules, once.
 */
export const OFFLINE_RUNS = {
  'reminders.bulkSnooze': 'reminders.snooze',
  'reminders.bulkDone': 'reminders.done',
} as const

/** Calls that are offline operations under another name: central while online, the operation on the cache while offline. */
export const OFFLINE_ALIASES = {
  'opportunities.recordResult': 'plan_steps.update',
  'services.addNote': 'service_ticket_notes.create',
  'interactions.addAttachment': 'attachments.create',
} as const

const servedSet = new Set<string>([...CACHE_CALLS, ...FRESH_CALLS, ...OFFLINE_WRITES, ...Object.keys(OFFLINE_RUNS), ...Object.keys(OFFLINE_ALIASES)])

/** Whether a desktop client answers `area.call` while the central database cannot be reached. */
export const servedOffline = (name: string) => name.startsWith('sync.') || servedSet.has(name)

/**
 * The sidebar pages that stay open offline, with the calls each needs to show itself (the
 * actions on them that need the central database are disabled there, with the reason).
 */
export const OFFLINE_PAGES = {
  workbench: ['dashboard.layout', 'dashboard.overview'],
  customers: ['customers.list', 'customers.tags', 'customers.getColumns', 'customers.listViews', 'customers.get', 'contacts.list', 'interactions.listByCustomer'],
  contactList: ['contacts.search'],
  reminders: ['reminders.centre', 'reminders.badge', 'reminders.snooze', 'reminders.done', 'reminders.bulkSnooze', 'reminders.bulkDone'],
  calendar: ['reminders.calendar'],
  interactions: ['interactions.search', 'interactions.update', 'interactions.remove'],
  opportunities: ['opportunities.list', 'opportunities.get', 'opportunities.recordResult'],
  opportunityBoard: ['opportunities.board'],
  products: ['products.list', 'products.get'],
  services: ['services.list', 'services.counts', 'services.get', 'services.addNote'],
} as const satisfies Record<string, readonly string[]>
export type OfflinePage = keyof typeof OFFLINE_PAGES

/** Whether a sidebar page stays open offline: all the calls it needs are served offline. */
export const pageServedOffline = (key: string) => Object.hasOwn(OFFLINE_PAGES, key) && OFFLINE_PAGES[key as OfflinePage].every(servedOffline)
