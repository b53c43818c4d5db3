// vue-i18n set-up: zh-CN by default, en-US on request, the choice kept in localStorage.
// Each area has one message file per locale (common, admin, customers…) whose default export
// holds top-level namespaces ({ customers: {...} }); a file without its own namespace key is
// put under its area name.
import { createI18n } from 'vue-i18n'
import zhCommon from './zh-CN/common'
import zhAdmin from './zh-CN/admin'
import zhCustomers from './zh-CN/customers'
import zhReminders from './zh-CN/reminders'
import zhOpportunities from './zh-CN/opportunities'
import zhServices from './zh-CN/services'
import zhRequirements from './zh-CN/requirements'
import zhChurn from './zh-CN/churn'
import zhCompetitors from './zh-CN/competitors'
import zhLock from './zh-CN/lock'
import zhSearch from './zh-CN/search'
import zhPrefs from './zh-CN/prefs'
import zhAbout from './zh-CN/about'
import zhBackup from './zh-CN/backup'
import zhDashboard from './zh-CN/dashboard'
import zhOrders from './zh-CN/orders'
import zhProducts from './zh-CN/products'
import zhTargets from './zh-CN/targets'
import zhDesk from './zh-CN/desk'
import zhPool from './zh-CN/pool'
import zhReports from './zh-CN/reports'
import zhSavedReports from './zh-CN/savedReports'
import zhSync from './zh-CN/sync'
import zhImports from './zh-CN/imports'
import enCommon from './en-US/common'
import enAdmin from './en-US/admin'
import enCustomers from './en-US/customers'
import enReminders from './en-US/reminders'
import enOpportunities from './en-US/opportunities'
import enServices from './en-US/services'
import enRequirements from './en-US/requirements'
import enChurn from './en-US/churn'
import enCompetitors from './en-US/competitors'
import enLock from './en-US/lock'
import enSearch from './en-US/search'
import enPrefs from './en-US/prefs'
import enAbout from './en-US/about'
import enBackup from './en-US/backup'
import enDashboard from './en-US/dashboard'
import enOrders from './en-US/orders'
import enProducts from './en-US/products'
import enTargets from './en-US/targets'
import enDesk from './en-US/desk'
import enPool from './en-US/pool'
import enReports from './en-US/reports'
import enSavedReports from './en-US/savedReports'
import enSync from './en-US/sync'
import enImports from './en-US/imports'

export const LOCALES = ['zh-CN', 'en-US'] as const
export type Locale = (typeof LOCALES)[number]
export const LOCALE_KEY = 'crm.locale'

type Tree = Record<string, unknown>
interface MessageTree {
  [key: string]: string | MessageTree
}
const isTree = (v: unknown): v is Tree => !!v && typeof v === 'object' && !Array.isArray(v)

function deepMerge(into: Tree, from: Tree): Tree {
  for (const [k, v] of Object.entries(from)) {
    into[k] = isTree(v) && isTree(into[k]) ? deepMerge({ ...(into[k] as Tree) }, v) : v
  }
  return into
}

/** Merges area files; `areas` maps an area name to its messages. */
export function mergeAreas(areas: Record<string, Tree>): Tree {
  const out: Tree = {}
  for (const [area, msgs] of Object.entries(areas)) {
    const namespaced = area === 'common' || area === 'admin' || area in msgs ? msgs : { [area]: msgs }
    deepMerge(out, namespaced)
  }
  return out
}

const messages = {
  'zh-CN': mergeAreas({
    common: zhCommon, admin: zhAdmin, customers: zhCustomers as Tree, reminders: zhReminders as Tree, opportunities: zhOpportunities as Tree, services: zhServices as Tree,
    requirements: zhRequirements as Tree, churn: zhChurn as Tree, competitors: zhCompetitors as Tree, dashboard: zhDashboard as Tree, desk: zhDesk as Tree, pool: zhPool as Tree,
    orders: zhOrders as Tree, products: zhProducts as Tree, targets: zhTargets as Tree, reports: zhReports as Tree, savedReports: zhSavedReports as Tree,
    lock: zhLock, search: zhSearch, prefs: zhPrefs, about: zhAbout, backup: zhBackup as Tree, sync: zhSync, imports: zhImports as Tree,
  }),
  'en-US': mergeAreas({
    common: enCommon, admin: enAdmin, customers: enCustomers as Tree, reminders: enReminders as Tree, opportunities: enOpportunities as Tree, services: enServices as Tree,
    requirements: enRequirements as Tree, churn: enChurn as Tree, competitors: enCompetitors as Tree, dashboard: enDashboard as Tree, desk: enDesk as Tree, pool: enPool as Tree,
    orders: enOrders as Tree, products: enProducts as Tree, targets: enTargets as Tree, reports: enReports as Tree, savedReports: enSavedReports as Tree,
    lock: enLock, search: enSearch, prefs: enPrefs, about: enAbout, backup: enBackup as Tree, sync: enSync, imports: enImports as Tree,
  }),
} as unknown as Record<Locale, MessageTree>

function savedLocale(): Locale {
  try {
    const v = localStorage.getItem(LOCALE_KEY)
    return (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

export const currentLocale = (): Locale => i18n.global.locale.value as Locale

/** Switches the UI language and remembers it for the next start. */
export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  try {
    localStorage.setItem(LOCALE_KEY, locale)
  } catch {
    /* private mode: the choice lasts for this run only */
  }
  document.documentElement.lang = locale
}

document.documentElement.lang = savedLocale()
