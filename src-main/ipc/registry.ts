// Every area's handlers, keyed like the contract. A missing call is a type error.
import type { Area } from '../contract/index'
import type { AreaHandlers } from '../modules/handler-types'
import { authHandlers } from '../modules/auth/auth.handlers'
import { usersHandlers } from '../modules/users/users.handlers'
import { rolesHandlers } from '../modules/roles/roles.handlers'
import { dictionaryHandlers } from '../modules/dictionary/dictionary.handlers'
import { customersHandlers } from '../modules/customers/customers.handlers'
import { contactsHandlers } from '../modules/contacts/contacts.handlers'
import { auditHandlers } from '../modules/audit/audit.handlers'
import { settingsHandlers } from '../modules/settings/settings.handlers'
import { interactionsHandlers } from '../modules/interactions/interactions.handlers'
import { remindersHandlers } from '../modules/reminders/reminders.handlers'
import { opportunitiesHandlers } from '../modules/opportunities/opportunities.handlers'
import { servicesHandlers } from '../modules/services/services.handlers'
import { requirementsHandlers } from '../modules/requirements/requirements.handlers'
import { churnHandlers } from '../modules/churn/churn.handlers'
import { competitorsHandlers } from '../modules/competitors/competitors.handlers'
import { searchHandlers } from '../modules/search/search.handlers'
import { systemHandlers } from '../modules/system/system.handlers'
import { backupHandlers } from '../modules/backup/backup.handlers'
import { dashboardHandlers } from '../modules/dashboard/dashboard.handlers'
import { reportsHandlers } from '../modules/reports/reports.handlers'
import { productsHandlers } from '../modules/products/products.handlers'
import { ordersHandlers } from '../modules/orders/orders.handlers'
import { targetsHandlers } from '../modules/targets/targets.handlers'
import { exportsHandlers } from '../modules/exports/exports.handlers'
import { removalHandlers } from '../modules/removal/removal.handlers'
import { poolHandlers } from '../modules/pool/pool.handlers'
import { importsHandlers } from '../modules/imports/imports.handlers'
import { syncHandlers } from '../modules/sync/sync.handlers'

export const handlers: { [A in Area]: AreaHandlers<A> } = {
  auth: authHandlers,
  users: usersHandlers,
  roles: rolesHandlers,
  dictionary: dictionaryHandlers,
  customers: customersHandlers,
  contacts: contactsHandlers,
  audit: auditHandlers,
  settings: settingsHandlers,
  interactions: interactionsHandlers,
  reminders: remindersHandlers,
  opportunities: opportunitiesHandlers,
  services: servicesHandlers,
  requirements: requirementsHandlers,
  churn: churnHandlers,
  competitors: competitorsHandlers,
  search: searchHandlers,
  system: systemHandlers,
  backup: backupHandlers,
  dashboard: dashboardHandlers,
  reports: reportsHandlers,
  products: productsHandlers,
  orders: ordersHandlers,
  targets: targetsHandlers,
  exports: exportsHandlers,
  removal: removalHandlers,
  pool: poolHandlers,
  imports: importsHandlers,
  sync: syncHandlers,
}
