// The whole typed contract: area → call → {input, output}. Channel names are
// `crm:<area>:<call>`. Imports nothing but zod (through the area files).
import type { z } from 'zod'
import { authContract } from './auth'
import { usersContract } from './users'
import { rolesContract } from './roles'
import { dictionaryContract } from './dictionary'
import { customersContract } from './customers'
import { contactsContract } from './contacts'
import { auditContract } from './audit'
import { settingsContract } from './settings'
import { interactionsContract } from './interactions'
import { remindersContract } from './reminders'
import { opportunitiesContract } from './opportunities'
import { servicesContract } from './services'
import { requirementsContract } from './requirements'
import { churnContract } from './churn'
import { competitorsContract } from './competitors'
import { searchContract } from './search'
import { systemContract } from './system'
import { backupContract } from './backup'
import { dashboardContract } from './dashboard'
import { productsContract } from './products'
import { ordersContract } from './orders'
import { targetsContract } from './targets'
import { exportsContract } from './exports'
import { removalContract } from './removal'
import { poolContract } from './pool'
import { importsContract } from './imports'
import { reportsContract } from './reports'
import { syncContract } from './sync'
import type { CallDef } from './common'

export const contract = {
  auth: authContract,
  users: usersContract,
  roles: rolesContract,
  dictionary: dictionaryContract,
  customers: customersContract,
  contacts: contactsContract,
  audit: auditContract,
  settings: settingsContract,
  interactions: interactionsContract,
  reminders: remindersContract,
  opportunities: opportunitiesContract,
  services: servicesContract,
  requirements: requirementsContract,
  churn: churnContract,
  competitors: competitorsContract,
  search: searchContract,
  system: systemContract,
  backup: backupContract,
  dashboard: dashboardContract,
  products: productsContract,
  orders: ordersContract,
  targets: targetsContract,
  exports: exportsContract,
  removal: removalContract,
  pool: poolContract,
  imports: importsContract,
  reports: reportsContract,
  sync: syncContract,
} as const

export type Contract = typeof contract
export type Area = keyof Contract
export type CallName<A extends Area> = keyof Contract[A] & string

type Def<A extends Area, C extends CallName<A>> = Contract[A][C] extends CallDef<infer I, infer O> ? { input: I; output: O } : never

/** What the renderer passes (defaults may be omitted). */
export type CallInput<A extends Area, C extends CallName<A>> = z.input<Def<A, C>['input']>
/** What the renderer receives. */
export type CallOutput<A extends Area, C extends CallName<A>> = z.output<Def<A, C>['output']>
/** What a handler receives after parsing (defaults filled in). */
export type ParsedInput<A extends Area, C extends CallName<A>> = z.output<Def<A, C>['input']>

/** The API as the renderer sees it: api.customers.list(input) → Promise<output>. */
export type CrmApi = {
  [A in Area]: { [C in CallName<A>]: (input: CallInput<A, C>) => Promise<CallOutput<A, C>> }
}

export const channelOf = (area: string, call: string) => `crm:${area}:${call}`

/** Every [area, call] pair, for the preload and the HTTP bridge. */
export const allCalls = (): Array<[Area, string]> =>
  (Object.keys(contract) as Area[]).flatMap((a) => Object.keys(contract[a]).map((c) => [a, c] as [Area, string]))

export * from './common'
