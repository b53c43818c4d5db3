// Routes and the guard: first run → /setup, no session → /login, and a route's
// meta.perm (module + action) checked against the session's permissions.
import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import type { Action, PermModule } from '@contract/common'
import { setUnauthenticatedHandler } from '../api/client'
import { useAuthStore } from '../stores/auth'
import { homePath } from './menu'
import AppLayout from '../views/layout/AppLayout.vue'
import LoginView from '../views/auth/LoginView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** reachable without a session */
    public?: boolean
    /** the permission needed to open the route */
    perm?: { module: PermModule; action: Action }
    /** i18n key of the page title (window title) */
    title?: string
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'auth.loginTitle' } },
  { path: '/setup', name: 'setup', component: () => import('../views/auth/SetupView.vue'), meta: { public: true, title: 'auth.setupTitle' } },
  {
    // 数据库连接设置 before login, only while the desktop app cannot reach its database
    path: '/connection',
    name: 'connection',
    component: () => import('../views/auth/ConnectionView.vue'),
    meta: { public: true, title: 'settings.repair.title' },
    beforeEnter: () => useAuthStore().connectionRepairable || { name: 'login' },
  },
  {
    // the A4 order sheet, outside the app frame (printed, or saved as PDF by the desktop app)
    path: '/print/orders/:id',
    name: 'order-print',
    component: () => import('../views/orders/OrderPrintView.vue'),
    meta: { perm: { module: 'orders', action: 'view' }, title: 'orders.print.title' },
  },
  {
    path: '/',
    component: AppLayout,
    children: [
      // '/' opens the 工作台, or the first screen the role allows (see the guard).
      { path: '', name: 'home', component: { render: () => null } },
      {
        path: 'workbench',
        name: 'workbench',
        component: () => import('../views/dashboard/DashboardView.vue'),
        meta: { perm: { module: 'customers', action: 'view' }, title: 'menu.workbench' },
      },
      {
        path: 'reports',
        name: 'reports',
        component: () => import('../views/reports/ReportsView.vue'),
        meta: { perm: { module: 'reports', action: 'view' }, title: 'menu.reports' },
      },
      {
        path: 'reports/scheduled',
        name: 'scheduled-reports',
        component: () => import('../views/reports/ScheduledReportsView.vue'),
        meta: { perm: { module: 'reports', action: 'schedule' }, title: 'savedReports.title' },
      },
      {
        path: 'customers',
        name: 'customers',
        component: () => import('../views/customers/CustomerListView.vue'),
        meta: { perm: { module: 'customers', action: 'view' }, title: 'menu.customers' },
      },
      {
        path: 'customers/:id',
        name: 'customer',
        component: () => import('../views/customers/CustomerCardView.vue'),
        props: true,
        meta: { perm: { module: 'customers', action: 'view' }, title: 'menu.customers' },
      },
      {
        path: 'contacts',
        name: 'contacts',
        component: () => import('../views/customers/ContactListView.vue'),
        meta: { perm: { module: 'contacts', action: 'view' }, title: 'menu.contactList' },
      },
      {
        path: 'pool',
        name: 'pool',
        component: () => import('../views/pool/PoolView.vue'),
        meta: { perm: { module: 'pool', action: 'view' }, title: 'menu.pool' },
      },
      {
        path: 'dedupe',
        name: 'dedupe',
        component: () => import('../views/customers/DuplicateCheckView.vue'),
        meta: { perm: { module: 'customers', action: 'view' }, title: 'menu.dedupe' },
      },
      {
        path: 'reminders',
        name: 'reminders',
        component: () => import('../views/reminders/ReminderCentreView.vue'),
        meta: { perm: { module: 'reminders', action: 'view' }, title: 'menu.reminders' },
      },
      {
        path: 'orders',
        name: 'orders',
        component: () => import('../views/orders/OrderListView.vue'),
        meta: { perm: { module: 'orders', action: 'view' }, title: 'menu.orders' },
      },
      {
        path: 'orders/:id',
        name: 'order',
        component: () => import('../views/orders/OrderDetailView.vue'),
        meta: { perm: { module: 'orders', action: 'view' }, title: 'menu.orders' },
      },
      {
        path: 'payments',
        name: 'payments',
        component: () => import('../views/orders/PaymentsView.vue'),
        meta: { perm: { module: 'orders', action: 'view' }, title: 'menu.payments' },
      },
      {
        // 同步详情: a desktop client's sync runs, refused changes and conflicts (any user of the client)
        path: 'sync',
        name: 'sync',
        component: () => import('../views/sync/SyncDetailsView.vue'),
        meta: { title: 'sync.details' },
      },
      {
        path: 'products',
        name: 'products',
        component: () => import('../views/products/ProductListView.vue'),
        meta: { perm: { module: 'products', action: 'view' }, title: 'menu.products' },
      },
      {
        path: 'targets',
        name: 'targets',
        component: () => import('../views/targets/TargetsView.vue'),
        meta: { perm: { module: 'targets', action: 'view' }, title: 'menu.targets' },
      },
      {
        path: 'calendar',
        name: 'calendar',
        component: () => import('../views/reminders/ReminderCalendarView.vue'),
        meta: { perm: { module: 'reminders', action: 'view' }, title: 'menu.calendar' },
      },
      {
        path: 'interactions',
        name: 'interactions',
        component: () => import('../views/interactions/InteractionsSearchView.vue'),
        meta: { perm: { module: 'interactions', action: 'view' }, title: 'menu.interactions' },
      },
      {
        path: 'opportunities',
        name: 'opportunities',
        component: () => import('../views/opportunities/OpportunityListView.vue'),
        meta: { perm: { module: 'opportunities', action: 'view' }, title: 'menu.opportunities' },
      },
      {
        path: 'opportunities/board',
        name: 'opportunity-board',
        component: () => import('../views/opportunities/OpportunityBoardView.vue'),
        meta: { perm: { module: 'opportunities', action: 'view' }, title: 'menu.opportunityBoard' },
      },
      {
        path: 'opportunities/funnel',
        name: 'opportunity-funnel',
        component: () => import('../views/opportunities/FunnelView.vue'),
        meta: { perm: { module: 'opportunities', action: 'view' }, title: 'menu.funnel' },
      },
      {
        path: 'opportunities/:id',
        name: 'opportunity',
        component: () => import('../views/opportunities/OpportunityDetailView.vue'),
        props: true,
        meta: { perm: { module: 'opportunities', action: 'view' }, title: 'menu.opportunities' },
      },
      {
        path: 'services',
        name: 'services',
        component: () => import('../views/services/ServiceListView.vue'),
        meta: { perm: { module: 'services', action: 'view' }, title: 'menu.services' },
      },
      {
        path: 'services/:id',
        name: 'service',
        component: () => import('../views/services/ServiceTicketView.vue'),
        meta: { perm: { module: 'services', action: 'view' }, title: 'menu.services' },
      },
      {
        path: 'admin/service-sla',
        name: 'admin-service-sla',
        component: () => import('../views/services/SlaSettingsView.vue'),
        meta: { perm: { module: 'dictionary', action: 'edit' }, title: 'menu.serviceSla' },
      },
      {
        path: 'requirements',
        name: 'requirements',
        component: () => import('../views/requirements/RequirementListView.vue'),
        meta: { perm: { module: 'requirements', action: 'view' }, title: 'menu.requirements' },
      },
      {
        path: 'requirements/matrix',
        name: 'requirement-matrix',
        component: () => import('../views/requirements/RequirementMatrixView.vue'),
        meta: { perm: { module: 'requirements', action: 'view' }, title: 'menu.requirementMatrix' },
      },
      {
        path: 'requirements/:id',
        name: 'requirement',
        component: () => import('../views/requirements/RequirementSheetView.vue'),
        meta: { perm: { module: 'requirements', action: 'view' }, title: 'menu.requirements' },
      },
      {
        path: 'churn',
        name: 'churn',
        component: () => import('../views/churn/ChurnListView.vue'),
        meta: { perm: { module: 'churn', action: 'view' }, title: 'menu.churn' },
      },
      { path: 'admin/users', name: 'admin-users', component: () => import('../views/admin/UsersView.vue'), meta: { perm: { module: 'users', action: 'view' }, title: 'menu.users' } },
      { path: 'admin/roles', name: 'admin-roles', component: () => import('../views/admin/RolesView.vue'), meta: { perm: { module: 'roles', action: 'view' }, title: 'menu.roles' } },
      {
        path: 'admin/dictionary',
        name: 'admin-dictionary',
        component: () => import('../views/admin/DictionaryView.vue'),
        // dictionary.view only fills the dropdowns: the screen is for those who edit the lists
        meta: { perm: { module: 'dictionary', action: 'edit' }, title: 'menu.dictionary' },
      },
      { path: 'admin/audit', name: 'admin-audit', component: () => import('../views/admin/AuditView.vue'), meta: { perm: { module: 'audit', action: 'view' }, title: 'menu.audit' } },
      {
        path: 'settings/database',
        name: 'settings-database',
        component: () => import('../views/settings/DatabaseView.vue'),
        meta: { perm: { module: 'settings', action: 'view' }, title: 'menu.database' },
      },
      {
        path: 'settings/backup',
        name: 'settings-backup',
        component: () => import('../views/settings/BackupView.vue'),
        meta: { perm: { module: 'settings', action: 'view' }, title: 'menu.backup' },
      },
      { path: 'forbidden', name: 'forbidden', component: () => import('../views/ForbiddenView.vue'), meta: { title: 'forbidden.title' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { title: 'notFound.title' } },
    ],
  },
]

// Hash history: works the same from file:// in Electron and from the browser-mode bridge.
export const router = createRouter({ history: createWebHashHistory(), routes })


router.beforeEach(async (to: RouteLocationNormalized) => {
  const auth = useAuthStore()
  await auth.init()
  // locked: nothing is mounted behind the lock screen; the guard runs again after unlocking
  if (auth.locked) return true
  if (auth.needsSetup) return to.name === 'setup' ? true : { name: 'setup' }
  if (to.name === 'setup') return auth.loggedIn ? homePath() : { name: 'login' }
  if (to.meta.public) return to.name === 'login' && auth.loggedIn ? homePath() : true
  if (!auth.loggedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (to.name === 'home') return homePath()
  const perm = to.meta.perm
  if (perm && !auth.can(perm.module, perm.action)) return { name: 'forbidden', query: { from: to.fullPath } }
  return true
})

setUnauthenticatedHandler(() => {
  const auth = useAuthStore()
  auth.forget()
  const current = router.currentRoute.value
  if (!current.meta.public) void router.replace({ name: 'login', query: { redirect: current.fullPath } })
})
