// The permission modules and actions as runtime lists (the renderer imports only types from
// the contract); the checks below fail to compile if the contract gains a value.
import type { Action, DataScope, PermModule } from '@contract/common'

export const PERM_MODULES = [
  'customers',
  'pool',
  'contacts',
  'interactions',
  'reminders',
  'opportunities',
  'orders',
  'products',
  'services',
  'requirements',
  'churn',
  'targets',
  'reports',
  'dictionary',
  'users',
  'roles',
  'audit',
  'settings',
] as const satisfies readonly PermModule[]

/**
 * Modules and actions the app does not have yet: the role matrix marks them 即将推出 (they can be
 * granted ahead, nothing uses them until the module lands). THE one list to update when a
 * module or an action is built (销售机会, 订单 … are being built now).
 */
export const COMING_MODULES: readonly PermModule[] = ['opportunities', 'orders', 'products', 'services', 'requirements', 'churn']
export const COMING_ACTIONS: readonly Action[] = ['approve', 'export', 'import']

export const ACTIONS = ['view', 'create', 'edit', 'delete', 'assign', 'approve', 'export', 'import', 'claim', 'schedule'] as const satisfies readonly Action[]
export const SCOPES = ['own', 'team', 'all'] as const satisfies readonly DataScope[]

type Exhaustive<T extends true> = T
export type ModulesComplete = Exhaustive<Exclude<PermModule, (typeof PERM_MODULES)[number]> extends never ? true : false>
export type ActionsComplete = Exhaustive<Exclude<Action, (typeof ACTIONS)[number]> extends never ? true : false>
export type ScopesComplete = Exhaustive<Exclude<DataScope, (typeof SCOPES)[number]> extends never ? true : false>
