import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import type { RolePermission } from '../../src-main/contract/roles'

describeEachDb('roles', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }

  beforeEach(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('admin', 'admin')
  })
  afterEach(async () => {
    await t.close()
  })

  const list = () => t.call(admin.key, 'roles', 'list', {})
  const permRows = (roleId: string) => t.app.db.knex('role_permissions').where({ role_id: roleId }).orderBy('module')
  const auditOf = async (entityId: string) => (await t.call(admin.key, 'audit', 'list', { entity: 'role', entityId })).items
  const version = async () => Number((await t.app.db.knex('sync_version').where({ id: 1 }).first()).version)

  it('lists the seeded roles with permissions and user counts', async () => {
    await t.userSession('rep1', 'manager')
    await t.userSession('rep2', 'manager')
    const roles = await list()
    expect(roles.map((r) => r.code).sort()).toEqual(['admin', 'agent', 'executive', 'manager', 'supervisor'])
    const byCode = Object.fromEntries(roles.map((r) => [r.code, r]))
    expect(byCode.admin).toMatchObject({ name: '系统管理员', nameEn: 'Administrator', isSystem: true, userCount: 1 })
    expect(byCode.manager.userCount).toBe(2)
    expect(byCode.agent.userCount).toBe(0)
    expect(byCode.manager.permissions.find((p) => p.module === 'customers')).toEqual({
      module: 'customers', actions: ['view', 'create', 'edit', 'delete', 'export', 'import'], scope: 'own',
    })
    expect(byCode.admin.permissions.find((p) => p.module === 'settings')).toEqual({ module: 'settings', actions: ['view', 'edit'], scope: 'all' })
    // 导入 of products and orders (issue 11): administrators and 销售主管; a 客户经理 only looks products up and enters orders by hand
    const may = (code: string, module: string, action: string) => !!byCode[code]!.permissions.find((p) => p.module === module)?.actions.includes(action as never)
    expect(['admin', 'supervisor', 'manager', 'agent', 'executive'].map((c) => [c, may(c, 'products', 'import'), may(c, 'orders', 'import')])).toEqual([
      ['admin', true, true], ['supervisor', true, true], ['manager', false, false], ['agent', false, false], ['executive', false, false],
    ])
    // only those with roles.view may list
    const rep = await t.userSession('rep3', 'manager')
    expect(await t.raw(rep.key, 'roles', 'list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('creates a role with a code and permissions; the permissions take effect for its users', async () => {
    const v0 = await version()
    const perms: RolePermission[] = [
      { module: 'reports', actions: ['export', 'view', 'view'], scope: 'all' },
      { module: 'customers', actions: ['view'], scope: 'team' },
      { module: 'orders', actions: [], scope: 'own' },
    ]
    const role = await t.call(admin.key, 'roles', 'save', { code: 'analyst', name: '数据分析', nameEn: 'Analyst', description: '只看报表', permissions: perms })
    expect(role).toMatchObject({ code: 'analyst', name: '数据分析', nameEn: 'Analyst', description: '只看报表', isSystem: false, userCount: 0 })
    // de-duplicated, ordered, empty entries dropped
    expect(role.permissions).toEqual([
      { module: 'customers', actions: ['view'], scope: 'team' },
      { module: 'reports', actions: ['view', 'export'], scope: 'all' },
    ])
    expect((await permRows(role.id)).map((r) => `${r.module}:${r.actions}:${r.scope}`)).toEqual(['customers:view:team', 'reports:view,export:all'])
    expect(Number((await t.app.db.knex('roles').where({ id: role.id }).first()).version)).toBe(v0 + 1)
    const [entry] = await auditOf(role.id)
    expect(entry).toMatchObject({ action: 'create', changes: { code: [null, 'analyst'], name: [null, '数据分析'], 'permissions.customers': [null, 'view/team'], 'permissions.reports': [null, 'view,export/all'] } })

    const user = await t.call(admin.key, 'users', 'create', { login: 'ana', name: 'Ana', password: 'pass-word-1', roleId: role.id })
    expect(user.roleCode).toBe('analyst')
    const key = 'ana-session'
    await t.call(key, 'auth', 'login', { login: 'ana', password: 'pass-word-1' })
    const me = await t.call(key, 'auth', 'me', {})
    expect(me!.permissions).toEqual({ customers: { actions: ['view'], scope: 'team' }, reports: { actions: ['view', 'export'], scope: 'all' } })
    expect(await t.raw(key, 'users', 'list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })

    expect(await t.raw(admin.key, 'roles', 'save', { code: 'analyst', name: '另一个', permissions: [] })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'code', code: 'duplicate' }] } })
    expect(await t.raw(admin.key, 'roles', 'save', { code: 'other', name: '数据分析', permissions: [] })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'name', code: 'duplicate' }] } })
    expect(await t.raw(admin.key, 'roles', 'save', { name: '无代码', permissions: [] })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'code', code: 'required' }] } })
    const twice = await t.raw(admin.key, 'roles', 'save', { code: 'twice', name: 'Twice', permissions: [{ module: 'customers', actions: ['view'], scope: 'own' }, { module: 'customers', actions: ['edit'], scope: 'own' }] })
    expect(twice).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'permissions.1.module', code: 'duplicate' }] } })
    expect((await list()).length).toBe(6)
  })

  it('updates a role: permission rows replaced in one go, audit lists changed permissions', async () => {
    const role = await t.call(admin.key, 'roles', 'save', {
      code: 'helper', name: '助理', permissions: [{ module: 'customers', actions: ['view'], scope: 'own' }, { module: 'contacts', actions: ['view'], scope: 'own' }],
    })
    const rowsBefore = await permRows(role.id)
    const updated = await t.call(admin.key, 'roles', 'save', {
      id: role.id, version: await versionOf(t, 'roles', role.id), name: '销售助理', description: '协助客户经理',
      permissions: [{ module: 'customers', actions: ['view', 'edit'], scope: 'team' }, { module: 'reminders', actions: ['view'], scope: 'own' }],
    })
    expect(updated).toMatchObject({ id: role.id, code: 'helper', name: '销售助理', description: '协助客户经理' })
    expect(updated.permissions).toEqual([
      { module: 'customers', actions: ['view', 'edit'], scope: 'team' },
      { module: 'reminders', actions: ['view'], scope: 'own' },
    ])
    const rowsAfter = await permRows(role.id)
    expect(rowsAfter.map((r) => r.module)).toEqual(['customers', 'reminders'])
    expect(rowsAfter.some((r) => rowsBefore.some((b) => b.id === r.id))).toBe(false)
    const [entry] = await auditOf(role.id)
    expect(entry).toMatchObject({ action: 'update' })
    expect(entry.changes).toEqual({
      name: ['助理', '销售助理'],
      description: [null, '协助客户经理'],
      'permissions.customers': ['view/own', 'view,edit/team'],
      'permissions.contacts': ['view/own', null],
      'permissions.reminders': [null, 'view/own'],
    })
    // saving the same again writes nothing
    const v = await version()
    await t.call(admin.key, 'roles', 'save', { id: role.id, version: await versionOf(t, 'roles', role.id), name: '销售助理', description: '协助客户经理', permissions: updated.permissions })
    expect(await version()).toBe(v)
    expect((await auditOf(role.id)).length).toBe(2)

    expect(await t.raw(admin.key, 'roles', 'save', { id: role.id, version: await versionOf(t, 'roles', role.id), code: 'renamed', name: '销售助理', permissions: [] })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'code', code: 'immutable' }] } })
    expect(await t.raw(admin.key, 'roles', 'save', { id: crypto.randomUUID(), version: 1, name: 'x', permissions: [] })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('a failed save leaves the old permission rows untouched', async () => {
    const role = await t.call(admin.key, 'roles', 'save', { code: 'keep', name: '保持', permissions: [{ module: 'customers', actions: ['view'], scope: 'own' }] })
    await t.call(admin.key, 'roles', 'save', { code: 'taken', name: '占用', permissions: [] })
    const r = await t.raw(admin.key, 'roles', 'save', { id: role.id, version: await versionOf(t, 'roles', role.id), name: '占用', permissions: [{ module: 'orders', actions: ['view'], scope: 'all' }] })
    expect(r).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'name' }] } })
    expect((await permRows(role.id)).map((p) => p.module)).toEqual(['customers'])
  })

  it('the admin role keeps the right to edit roles', async () => {
    const adminRole = (await list()).find((r) => r.code === 'admin')!
    const without = adminRole.permissions.filter((p) => p.module !== 'roles')
    expect(await t.raw(admin.key, 'roles', 'save', { id: adminRole.id, version: await versionOf(t, 'roles', adminRole.id), name: adminRole.name, permissions: without })).toMatchObject({ ok: false, error: { code: 'rule', key: 'roles.errors.adminLockout' } })
    const narrowed = adminRole.permissions.map((p) => (p.module === 'roles' ? { ...p, scope: 'own' as const } : p))
    expect(await t.raw(admin.key, 'roles', 'save', { id: adminRole.id, version: await versionOf(t, 'roles', adminRole.id), name: adminRole.name, permissions: narrowed })).toMatchObject({ ok: false, error: { code: 'rule' } })
    // other changes to the admin role are fine
    const renamed = await t.call(admin.key, 'roles', 'save', { id: adminRole.id, version: await versionOf(t, 'roles', adminRole.id), name: '超级管理员', nameEn: adminRole.nameEn, description: adminRole.description, permissions: adminRole.permissions })
    expect(renamed.name).toBe('超级管理员')
  })

  it('removes an unused custom role; system roles and roles in use cannot be removed', async () => {
    const seeded = await list()
    for (const r of seeded) {
      const res = await t.raw(admin.key, 'roles', 'remove', { id: r.id })
      expect(res).toMatchObject({ ok: false, error: { code: 'rule', key: 'roles.errors.system' } })
    }
    const role = await t.call(admin.key, 'roles', 'save', { code: 'temp', name: '临时', permissions: [{ module: 'customers', actions: ['view'], scope: 'own' }] })
    const user = await t.call(admin.key, 'users', 'create', { login: 'tmp', name: 'Tmp', password: 'pass-word-1', roleId: role.id })
    expect(await t.raw(admin.key, 'roles', 'remove', { id: role.id })).toMatchObject({ ok: false, error: { code: 'in_use', params: { users: 1 } } })
    // a disabled user still holds the role
    await t.call(admin.key, 'users', 'update', { id: user.id, version: await versionOf(t, 'users', user.id), disabled: true })
    expect(await t.raw(admin.key, 'roles', 'remove', { id: role.id })).toMatchObject({ ok: false, error: { code: 'in_use' } })
    const manager = seeded.find((r) => r.code === 'manager')!
    await t.call(admin.key, 'users', 'update', { id: user.id, version: await versionOf(t, 'users', user.id), roleId: manager.id })

    const v0 = await version()
    expect(await t.call(admin.key, 'roles', 'remove', { id: role.id })).toEqual({ ok: true })
    expect((await list()).map((r) => r.id)).not.toContain(role.id)
    const row = await t.app.db.knex('roles').where({ id: role.id }).first()
    expect(row.deleted_at).not.toBeNull() // soft delete, so the delete can travel
    expect(Number(row.version)).toBe(v0 + 1)
    expect(await permRows(role.id)).toEqual([])
    expect((await auditOf(role.id))[0]).toMatchObject({ action: 'delete', changes: { code: ['temp', null] } })
    expect(await t.raw(admin.key, 'roles', 'remove', { id: role.id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    // a removed role cannot be given to a user
    expect(await t.raw(admin.key, 'users', 'update', { id: user.id, version: await versionOf(t, 'users', user.id), roleId: role.id })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'roleId' }] } })
  })

  it('needs roles.create / edit / delete', async () => {
    const exec = await t.userSession('boss', 'executive')
    expect(await t.raw(exec.key, 'roles', 'save', { code: 'x_role', name: 'X', permissions: [] })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const any = (await list())[0]
    expect(await t.raw(exec.key, 'roles', 'save', { id: any.id, version: await versionOf(t, 'roles', any.id), name: 'X', permissions: [] })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await t.raw(exec.key, 'roles', 'remove', { id: any.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})
