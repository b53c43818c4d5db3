// Default roles from DOMAIN.md. Roles are data: the admin edits them afterwards;
// seeding only inserts what is missing.
import type { Action, DataScope, PermModule } from '../../src-main/contract/common'

type Perms = Partial<Record<PermModule, { actions: Action[]; scope: DataScope }>>

const ALL: Action[] = ['view', 'create', 'edit', 'delete', 'assign', 'approve', 'export', 'import']
const business: PermModule[] = ['customers', 'contacts', 'interactions', 'reminders', 'opportunities', 'orders', 'products', 'services', 'requirements', 'churn']
const every = (actions: Action[], scope: DataScope, modules: PermModule[]): Perms =>
  Object.fromEntries(modules.map((m) => [m, { actions, scope }]))

export interface SeedRole {
  code: string
  name: string
  nameEn: string
  description: string
  permissions: Perms
}

export const seedRoles: SeedRole[] = [
  {
    code: 'admin',
    name: '系统管理员',
    nameEn: 'Administrator',
    description: '用户、角色、权限、数据字典、数据库连接、备份',
    permissions: {
      ...every(ALL, 'all', business),
      pool: { actions: ['view', 'claim', 'assign'], scope: 'all' },
      targets: { actions: ['view', 'create', 'edit', 'delete', 'export'], scope: 'all' },
      reports: { actions: ['view', 'export', 'schedule'], scope: 'all' },
      dictionary: { actions: ['view', 'create', 'edit', 'delete'], scope: 'all' },
      users: { actions: ['view', 'create', 'edit', 'delete'], scope: 'all' },
      roles: { actions: ['view', 'create', 'edit', 'delete'], scope: 'all' },
      audit: { actions: ['view', 'export'], scope: 'all' },
      settings: { actions: ['view', 'edit'], scope: 'all' },
    },
  },
  {
    code: 'supervisor',
    name: '销售主管',
    nameEn: 'Sales supervisor',
    description: '创建并指派销售机会与服务工单，制定开发计划，查看团队数据与全部报表，审批订单与折扣',
    permissions: {
      ...every(['view', 'create', 'edit', 'delete', 'assign', 'approve', 'export', 'import'], 'team', business),
      pool: { actions: ['view', 'claim', 'assign'], scope: 'team' },
      products: { actions: ['view', 'create', 'edit', 'export', 'import'], scope: 'all' },
      targets: { actions: ['view', 'create', 'edit', 'delete', 'export'], scope: 'team' },
      reports: { actions: ['view', 'export', 'schedule'], scope: 'all' },
      dictionary: { actions: ['view'], scope: 'all' },
      users: { actions: ['view'], scope: 'team' },
      audit: { actions: ['view'], scope: 'team' },
    },
  },
  {
    code: 'manager',
    name: '客户经理',
    nameEn: 'Account manager',
    description: '维护自己的客户与联系人，记录交往，创建销售机会，执行开发计划，处理服务工单，采取流失措施',
    permissions: {
      ...every(['view', 'create', 'edit', 'delete', 'export', 'import'], 'own', ['customers', 'contacts', 'interactions', 'reminders']),
      pool: { actions: ['view', 'claim'], scope: 'own' },
      opportunities: { actions: ['view', 'create', 'edit', 'delete'], scope: 'own' },
      orders: { actions: ['view', 'create', 'edit'], scope: 'own' },
      products: { actions: ['view'], scope: 'all' },
      services: { actions: ['view', 'create', 'edit'], scope: 'own' },
      requirements: { actions: ['view', 'create', 'edit'], scope: 'own' },
      churn: { actions: ['view', 'edit'], scope: 'own' },
      targets: { actions: ['view'], scope: 'own' },
      reports: { actions: ['view'], scope: 'own' },
      // dictionary.view: the dropdowns; the 数据字典 screen needs dictionary.edit (router/menu.ts)
      dictionary: { actions: ['view'], scope: 'all' },
    },
  },
  {
    code: 'agent',
    name: '客服专员',
    nameEn: 'Service agent',
    description: '创建、处理服务工单并记录反馈',
    permissions: {
      customers: { actions: ['view'], scope: 'all' },
      contacts: { actions: ['view'], scope: 'all' },
      interactions: { actions: ['view', 'create'], scope: 'own' },
      reminders: { actions: ['view', 'create', 'edit', 'delete'], scope: 'own' },
      services: { actions: ['view', 'create', 'edit'], scope: 'all' },
      products: { actions: ['view'], scope: 'all' },
      dictionary: { actions: ['view'], scope: 'all' },
    },
  },
  {
    code: 'executive',
    name: '高管',
    nameEn: 'Executive',
    description: '只读：全公司的全部报表与列表',
    permissions: {
      ...every(['view', 'export'], 'all', business),
      pool: { actions: ['view'], scope: 'all' },
      targets: { actions: ['view', 'export'], scope: 'all' },
      reports: { actions: ['view', 'export', 'schedule'], scope: 'all' },
      dictionary: { actions: ['view'], scope: 'all' },
      users: { actions: ['view'], scope: 'all' },
      audit: { actions: ['view'], scope: 'all' },
    },
  },
]
