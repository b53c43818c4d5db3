// The sidebar entries and the permission each needs; the router uses the same list to pick
// the first screen a user may open. An entry shows only what the role can really use there:
// 数据字典 is for editing the lists (dictionary.edit; dictionary.view only fills dropdowns),
// 操作日志 for reading the log (audit.view).
import type { Action, PermModule } from '@contract/common'
import { pageServedOffline } from '@contract/sync'
import { useAuthStore } from '../stores/auth'

export interface MenuItem {
  key:
    | 'workbench' | 'customers' | 'contactList' | 'pool' | 'dedupe' | 'reminders' | 'calendar' | 'interactions' | 'opportunities' | 'opportunityBoard' | 'funnel' | 'orders' | 'payments' | 'products'
    | 'targets' | 'reports' | 'services' | 'requirements' | 'requirementMatrix' | 'churn' | 'users' | 'roles' | 'dictionary' | 'serviceSla' | 'audit' | 'database' | 'backup'
  path: string
  label: string
  group: 'main' | 'system'
  /** the sidebar section a main entry is listed under (the 工作台 stands above them all) */
  section?: MenuSection
  perm: { module: PermModule; action: Action }
  /**
   * served by a desktop client's offline cache: stays open while offline (the others are disabled
   * then) — derived from the one list of what a client serves offline (contract/sync.ts)
   */
  offline: boolean
}

/** The sections of the sidebar's main part, in order, each with its title (menu.sections.<key>). */
export const MENU_SECTIONS = ['customers', 'sales', 'service'] as const
export type MenuSection = (typeof MENU_SECTIONS)[number]

const entries: Array<Omit<MenuItem, 'offline'>> = [
  // 工作台: the home page after login (each card checks its own area's permission in main)
  { key: 'workbench', path: '/workbench', label: 'menu.workbench', group: 'main', perm: { module: 'customers', action: 'view' } },
  { key: 'customers', path: '/customers', label: 'menu.customers', group: 'main', section: 'customers', perm: { module: 'customers', action: 'view' } },
  { key: 'contactList', path: '/contacts', label: 'menu.contactList', group: 'main', section: 'customers', perm: { module: 'contacts', action: 'view' } },
  { key: 'pool', path: '/pool', label: 'menu.pool', group: 'main', section: 'customers', perm: { module: 'pool', action: 'view' } },
  { key: 'dedupe', path: '/dedupe', label: 'menu.dedupe', group: 'main', section: 'customers', perm: { module: 'customers', action: 'view' } },
  { key: 'reminders', path: '/reminders', label: 'menu.reminders', group: 'main', section: 'customers', perm: { module: 'reminders', action: 'view' } },
  { key: 'calendar', path: '/calendar', label: 'menu.calendar', group: 'main', section: 'customers', perm: { module: 'reminders', action: 'view' } },
  { key: 'interactions', path: '/interactions', label: 'menu.interactions', group: 'main', section: 'customers', perm: { module: 'interactions', action: 'view' } },
  { key: 'opportunities', path: '/opportunities', label: 'menu.opportunities', group: 'main', section: 'sales', perm: { module: 'opportunities', action: 'view' } },
  { key: 'opportunityBoard', path: '/opportunities/board', label: 'menu.opportunityBoard', group: 'main', section: 'sales', perm: { module: 'opportunities', action: 'view' } },
  { key: 'funnel', path: '/opportunities/funnel', label: 'menu.funnel', group: 'main', section: 'sales', perm: { module: 'opportunities', action: 'view' } },
  { key: 'orders', path: '/orders', label: 'menu.orders', group: 'main', section: 'sales', perm: { module: 'orders', action: 'view' } },
  { key: 'payments', path: '/payments', label: 'menu.payments', group: 'main', section: 'sales', perm: { module: 'orders', action: 'view' } },
  { key: 'products', path: '/products', label: 'menu.products', group: 'main', section: 'sales', perm: { module: 'products', action: 'view' } },
  { key: 'targets', path: '/targets', label: 'menu.targets', group: 'main', section: 'sales', perm: { module: 'targets', action: 'view' } },
  { key: 'reports', path: '/reports', label: 'menu.reports', group: 'main', section: 'sales', perm: { module: 'reports', action: 'view' } },
  { key: 'services', path: '/services', label: 'menu.services', group: 'main', section: 'service', perm: { module: 'services', action: 'view' } },
  { key: 'requirements', path: '/requirements', label: 'menu.requirements', group: 'main', section: 'service', perm: { module: 'requirements', action: 'view' } },
  { key: 'requirementMatrix', path: '/requirements/matrix', label: 'menu.requirementMatrix', group: 'main', section: 'service', perm: { module: 'requirements', action: 'view' } },
  { key: 'churn', path: '/churn', label: 'menu.churn', group: 'main', section: 'service', perm: { module: 'churn', action: 'view' } },
  { key: 'users', path: '/admin/users', label: 'menu.users', group: 'system', perm: { module: 'users', action: 'view' } },
  { key: 'roles', path: '/admin/roles', label: 'menu.roles', group: 'system', perm: { module: 'roles', action: 'view' } },
  { key: 'dictionary', path: '/admin/dictionary', label: 'menu.dictionary', group: 'system', perm: { module: 'dictionary', action: 'edit' } },
  { key: 'serviceSla', path: '/admin/service-sla', label: 'menu.serviceSla', group: 'system', perm: { module: 'dictionary', action: 'edit' } },
  { key: 'audit', path: '/admin/audit', label: 'menu.audit', group: 'system', perm: { module: 'audit', action: 'view' } },
  { key: 'database', path: '/settings/database', label: 'menu.database', group: 'system', perm: { module: 'settings', action: 'view' } },
  { key: 'backup', path: '/settings/backup', label: 'menu.backup', group: 'system', perm: { module: 'settings', action: 'view' } },
]

export const menuItems: MenuItem[] = entries.map((m) => ({ ...m, offline: pageServedOffline(m.key) }))

/** The first screen the user may open (the 工作台 for most roles). */
export function homePath(): string {
  const auth = useAuthStore()
  return menuItems.find((m) => auth.can(m.perm.module, m.perm.action))?.path ?? '/forbidden'
}
