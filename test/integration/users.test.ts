import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import type { Role } from '../../src-main/contract/roles'

describeEachDb('users', (dialect) => {
  let t: TestApp
  let admin: { key: string; userId: string }
  let roles: Record<string, Role>

  beforeEach(async () => {
    t = await makeTestApp(dialect)
    admin = await t.userSession('admin', 'admin', { name: '管理员' })
    roles = Object.fromEntries((await t.call(admin.key, 'roles', 'list', {})).map((r) => [r.code, r]))
  })
  afterEach(async () => {
    await t.close()
  })

  const version = async () => Number((await t.app.db.knex('sync_version').where({ id: 1 }).first()).version)
  const userRow = (id: string) => t.app.db.knex('users').where({ id }).first()
  const auditOf = async (entityId: string) => (await t.call(admin.key, 'audit', 'list', { entity: 'user', entityId })).items
  const create = (login: string, extra: Record<string, unknown> = {}) =>
    t.call(admin.key, 'users', 'create', { login, name: `用户${login}`, password: 'pass-word-1', roleId: roles.manager.id, ...extra })

  it('creates a user: stamped version, audit without the password, duplicate login refused', async () => {
    const teamId = await t.teamId('华南一组')
    const v0 = await version()
    const u = await create('li.si', { name: '李四', email: 'lisi@example.com', phone: '13800000000', teamId })
    expect(u).toMatchObject({ login: 'li.si', name: '李四', roleCode: 'manager', roleName: '客户经理', teamId, teamName: '华南一组', email: 'lisi@example.com', phone: '13800000000', disabled: false, lockedUntil: null, lastLoginAt: null })
    const row = await userRow(u.id)
    expect(Number(row.version)).toBe(v0 + 1)
    expect(row.password_hash).toMatch(/^scrypt\$/)
    const [entry] = await auditOf(u.id)
    expect(entry).toMatchObject({ action: 'create', userId: admin.userId, changes: { login: [null, 'li.si'], name: [null, '李四'], role: [null, 'manager'], teamId: [null, teamId] } })
    expect(entry.changes).not.toHaveProperty('roleId') // the role once, by code
    expect(JSON.stringify(entry)).not.toMatch(/password|scrypt/)

    const dup = await t.raw(admin.key, 'users', 'create', { login: 'LI.SI', name: 'x', password: 'pass-word-1', roleId: roles.manager.id })
    expect(dup).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'login', code: 'duplicate' }] } })
    const badRole = await t.raw(admin.key, 'users', 'create', { login: 'wang', name: 'x', password: 'pass-word-1', roleId: crypto.randomUUID() })
    expect(badRole).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'roleId', code: 'not_found' }] } })
    const badTeam = await t.raw(admin.key, 'users', 'create', { login: 'wang', name: 'x', password: 'pass-word-1', roleId: roles.manager.id, teamId: crypto.randomUUID() })
    expect(badTeam).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'teamId', code: 'not_found' }] } })
    // the new user can log in with the given password
    expect(await t.raw('new', 'auth', 'login', { login: 'li.si', password: 'pass-word-1' })).toMatchObject({ ok: true })
  })

  it('lists with paging and search by login or name, literal wildcards, disabled filter', async () => {
    for (let i = 1; i <= 12; i++) await create(`rep${String(i).padStart(2, '0')}`, { name: i === 7 ? '王五' : `Rep ${i}` })
    await create('odd_name', { name: '100% 折扣' })
    const p1 = await t.call(admin.key, 'users', 'list', { page: 1, pageSize: 5 })
    expect(p1.total).toBe(14)
    expect(p1.items.map((u) => u.login)).toEqual(['admin', 'odd_name', 'rep01', 'rep02', 'rep03'])
    const p3 = await t.call(admin.key, 'users', 'list', { page: 3, pageSize: 5 })
    expect(p3.items.map((u) => u.login)).toEqual(['rep09', 'rep10', 'rep11', 'rep12'])
    expect((await t.call(admin.key, 'users', 'list', { search: '王五' })).items.map((u) => u.login)).toEqual(['rep07'])
    expect((await t.call(admin.key, 'users', 'list', { search: 'REP1' })).items.map((u) => u.login)).toEqual(['rep10', 'rep11', 'rep12'])
    // "_" and "%" are literal, not wildcards
    expect((await t.call(admin.key, 'users', 'list', { search: '_' })).items.map((u) => u.login)).toEqual(['odd_name'])
    expect((await t.call(admin.key, 'users', 'list', { search: '0%' })).items.map((u) => u.login)).toEqual(['odd_name'])
    expect((await t.call(admin.key, 'users', 'list', { search: "'; drop table users; --" })).total).toBe(0)

    const rep05 = (await t.call(admin.key, 'users', 'list', { search: 'rep05' })).items[0]
    await t.call(admin.key, 'users', 'update', { id: rep05.id, version: await versionOf(t, 'users', rep05.id), disabled: true })
    expect((await t.call(admin.key, 'users', 'list', { pageSize: 100 })).total).toBe(14)
    const enabled = await t.call(admin.key, 'users', 'list', { pageSize: 100, includeDisabled: false })
    expect(enabled.total).toBe(13)
    expect(enabled.items.some((u) => u.id === rep05.id)).toBe(false)
  })

  it('list and options follow the scope: team scope sees its own team, no users permission sees only itself', async () => {
    const north = await t.teamId('华北组')
    const south = await t.teamId('华南组')
    const sup = await t.userSession('sup', 'supervisor', { teamId: north })
    const mate = await create('mate', { teamId: north })
    const other = await create('other', { teamId: south })
    const rep = await t.userSession('rep', 'manager', { teamId: north })
    await t.call(admin.key, 'users', 'update', { id: mate.id, version: await versionOf(t, 'users', mate.id), disabled: true })

    const seen = await t.call(sup.key, 'users', 'list', { pageSize: 100 })
    expect(seen.items.map((u) => u.login).sort()).toEqual(['mate', 'rep', 'sup'])
    const options = await t.call(sup.key, 'users', 'options', {})
    expect(options.map((o) => o.login).sort()).toEqual(['rep', 'sup']) // enabled only
    expect(options.find((o) => o.login === 'rep')).toEqual({ id: rep.userId, name: 'rep', login: 'rep', teamId: north, roleCode: 'manager' })
    const adminOptions = await t.call(admin.key, 'users', 'options', {})
    expect(adminOptions.map((o) => o.login).sort()).toEqual(['admin', 'other', 'rep', 'sup'])
    expect(adminOptions.some((o) => o.id === other.id)).toBe(true)

    expect(await t.call(rep.key, 'users', 'options', {})).toEqual([{ id: rep.userId, name: 'rep', login: 'rep', teamId: north, roleCode: 'manager' }])
    expect(await t.raw(rep.key, 'users', 'list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await t.raw(sup.key, 'users', 'create', { login: 'x1', name: 'x', password: 'pass-word-1', roleId: roles.manager.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await t.raw(sup.key, 'users', 'update', { id: rep.userId, version: await versionOf(t, 'users', rep.userId), name: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await t.raw(sup.key, 'users', 'saveTeam', { name: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect((await t.call(sup.key, 'users', 'teams', {})).map((x) => x.name)).toEqual(['华北组'])
  })

  it('a team-limited user editor can neither grant nor manage a role wider than its own', async () => {
    const north = await t.teamId('华北组')
    const saveRole = (code: string, permissions: unknown) => t.call(admin.key, 'roles', 'save', { code, name: code, permissions } as never)
    const editorRole = await saveRole('team_editor', [
      { module: 'users', actions: ['view', 'create', 'edit'], scope: 'team' },
      { module: 'customers', actions: ['view', 'edit'], scope: 'team' },
    ])
    const narrow = await saveRole('narrow', [{ module: 'customers', actions: ['view'], scope: 'own' }])
    const widerScope = await saveRole('wider_scope', [{ module: 'customers', actions: ['view'], scope: 'all' }])
    const editorRights = await saveRole('user_editor', [{ module: 'users', actions: ['view', 'edit'], scope: 'team' }])
    const editor = await t.userSession('ed', 'manager', { teamId: north })
    await t.app.db.knex('users').where({ id: editor.userId }).update({ role_id: editorRole.id })
    const boss = await create('boss', { teamId: north, roleId: roles.admin.id })
    const sup = await create('sup', { teamId: north, roleId: roles.supervisor.id })
    const newUser = (login: string, roleId: string) => t.raw(editor.key, 'users', 'create', { login, name: login, password: 'pass-word-1', roleId })
    const refused = { ok: false, error: { code: 'forbidden' } }

    for (const roleId of [roles.admin.id, roles.supervisor.id, widerScope.id, editorRights.id, editorRole.id]) expect(await newUser(`x${roleId.slice(0, 6)}`, roleId)).toMatchObject(refused)
    const mate = await newUser('mate', narrow.id)
    expect(mate).toMatchObject({ ok: true, data: { roleCode: 'narrow', teamId: north } })
    const mateId = (mate as { data: { id: string } }).data.id
    expect(await t.raw(editor.key, 'users', 'update', { id: mateId, version: await versionOf(t, 'users', mateId), roleId: roles.admin.id })).toMatchObject(refused)
    expect(await t.raw(editor.key, 'users', 'update', { id: mateId, version: await versionOf(t, 'users', mateId), roleId: editorRights.id })).toMatchObject(refused)
    expect(await t.raw(editor.key, 'users', 'update', { id: mateId, version: await versionOf(t, 'users', mateId), name: '同事' })).toMatchObject({ ok: true, data: { name: '同事' } })
    expect(await t.raw(editor.key, 'users', 'resetPassword', { id: mateId, password: 'pass-word-2' })).toMatchObject({ ok: true })

    const bossBefore = await userRow(boss.id)
    for (const target of [boss.id, sup.id]) {
      expect(await t.raw(editor.key, 'users', 'resetPassword', { id: target, password: 'taken-over-1' })).toMatchObject(refused)
      expect(await t.raw(editor.key, 'users', 'update', { id: target, version: await versionOf(t, 'users', target), name: 'x' })).toMatchObject(refused)
      expect(await t.raw(editor.key, 'users', 'unlock', { id: target })).toMatchObject(refused)
    }
    expect((await userRow(boss.id)).password_hash).toBe(bossBefore.password_hash)
    expect(await t.raw('b', 'auth', 'login', { login: 'boss', password: 'taken-over-1' })).toMatchObject({ ok: false })
  })

  it('updates name, role, team, email, phone; audit has old → new; no-op writes nothing', async () => {
    const teamId = await t.teamId('A组')
    const u = await create('zhao', { email: 'a@example.com', phone: '1' })
    const v0 = await version()
    const updated = await t.call(admin.key, 'users', 'update', { id: u.id, version: await versionOf(t, 'users', u.id), name: '赵六', roleId: roles.supervisor.id, teamId, email: '', phone: '021-1234' })
    expect(updated).toMatchObject({ name: '赵六', roleCode: 'supervisor', teamId, teamName: 'A组', email: null, phone: '021-1234' })
    expect(Number((await userRow(u.id)).version)).toBe(v0 + 1)
    const [entry] = await auditOf(u.id)
    expect(entry).toMatchObject({
      action: 'update',
      changes: { name: [`用户zhao`, '赵六'], role: ['manager', 'supervisor'], teamId: [null, teamId], email: ['a@example.com', null], phone: ['1', '021-1234'] },
    })
    expect(entry.changes).not.toHaveProperty('roleId')
    // omitted fields stay; explicit null clears the team
    const cleared = await t.call(admin.key, 'users', 'update', { id: u.id, version: await versionOf(t, 'users', u.id), teamId: null })
    expect(cleared).toMatchObject({ name: '赵六', teamId: null, phone: '021-1234' })
    const v1 = await version()
    const auditCount = (await auditOf(u.id)).length
    await t.call(admin.key, 'users', 'update', { id: u.id, version: await versionOf(t, 'users', u.id), name: '赵六' })
    expect(await version()).toBe(v1)
    expect((await auditOf(u.id)).length).toBe(auditCount)

    expect(await t.raw(admin.key, 'users', 'update', { id: crypto.randomUUID(), version: 1, name: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await t.raw(admin.key, 'users', 'update', { id: u.id, version: await versionOf(t, 'users', u.id), roleId: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'roleId' }] } })
  })

  it('disabling ends the user\'s sessions at once; you cannot disable yourself', async () => {
    const rep = await t.userSession('rep', 'manager')
    t.sessions.set('rep-second-window', rep.userId)
    const off = await t.call(admin.key, 'users', 'update', { id: rep.userId, version: await versionOf(t, 'users', rep.userId), disabled: true })
    expect(off.disabled).toBe(true)
    expect(t.sessions.get(rep.key)).toBeNull()
    expect(t.sessions.get('rep-second-window')).toBeNull()
    expect(t.sessions.get(admin.key)).not.toBeNull()
    expect((await auditOf(rep.userId))[0].changes).toEqual({ disabled: [false, true] })
    // enabling again: the user can log in
    await t.call(admin.key, 'users', 'update', { id: rep.userId, version: await versionOf(t, 'users', rep.userId), disabled: false })
    expect(await t.raw('again', 'auth', 'login', { login: 'rep', password: 'secret-pass-1' })).toMatchObject({ ok: true })

    const self = await t.raw(admin.key, 'users', 'update', { id: admin.userId, version: await versionOf(t, 'users', admin.userId), disabled: true })
    expect(self).toMatchObject({ ok: false, error: { code: 'rule', key: 'users.errors.cannotDisableSelf' } })
    expect((await userRow(admin.userId)).disabled).toBeFalsy()
  })

  it('the last enabled administrator keeps the admin role', async () => {
    const own = await t.raw(admin.key, 'users', 'update', { id: admin.userId, version: await versionOf(t, 'users', admin.userId), roleId: roles.manager.id })
    expect(own).toMatchObject({ ok: false, error: { code: 'rule', key: 'users.errors.lastAdmin' } })
    // a second admin who is disabled does not count
    const second = await create('admin2', { roleId: roles.admin.id })
    await t.call(admin.key, 'users', 'update', { id: second.id, version: await versionOf(t, 'users', second.id), disabled: true })
    expect(await t.raw(admin.key, 'users', 'update', { id: admin.userId, version: await versionOf(t, 'users', admin.userId), roleId: roles.manager.id })).toMatchObject({ ok: false, error: { code: 'rule' } })
    // once another admin is enabled, either may step down, but not both
    await t.call(admin.key, 'users', 'update', { id: second.id, version: await versionOf(t, 'users', second.id), disabled: false })
    expect(await t.call(admin.key, 'users', 'update', { id: admin.userId, version: await versionOf(t, 'users', admin.userId), roleId: roles.manager.id })).toMatchObject({ roleCode: 'manager' })
    const s2 = 'admin2-session'
    t.sessions.set(s2, second.id)
    expect(await t.raw(s2, 'users', 'update', { id: second.id, version: await versionOf(t, 'users', second.id), roleId: roles.manager.id })).toMatchObject({ ok: false, error: { code: 'rule', key: 'users.errors.lastAdmin' } })
    const row = await userRow(second.id)
    expect(row.role_id).toBe(roles.admin.id)
  })

  it('resets a password: old one stops working, sessions end, audit has no hash', async () => {
    const rep = await t.userSession('rep', 'manager')
    const v0 = await version()
    const hashBefore = (await userRow(rep.userId)).password_hash
    expect(await t.call(admin.key, 'users', 'resetPassword', { id: rep.userId, password: 'brand-new-1' })).toEqual({ ok: true })
    expect(t.sessions.get(rep.key)).toBeNull()
    const row = await userRow(rep.userId)
    expect(row.password_hash).not.toBe(hashBefore)
    expect(row.password_hash).toMatch(/^scrypt\$/)
    expect(Number(row.version)).toBe(v0 + 1)
    expect(await t.raw('a', 'auth', 'login', { login: 'rep', password: 'secret-pass-1' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
    expect(await t.raw('b', 'auth', 'login', { login: 'rep', password: 'brand-new-1' })).toMatchObject({ ok: true })
    const [entry] = await auditOf(rep.userId)
    expect(Object.keys(entry.changes)).toEqual(['passwordResetAt'])
    expect(JSON.stringify(entry)).not.toContain('scrypt')
    expect(await t.raw(admin.key, 'users', 'resetPassword', { id: crypto.randomUUID(), password: 'brand-new-1' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('unlocks a locked account', async () => {
    const rep = await t.userSession('rep', 'manager')
    for (let i = 0; i < 5; i++) await t.raw('x', 'auth', 'login', { login: 'rep', password: 'wrong-password' })
    expect(await t.raw('x', 'auth', 'login', { login: 'rep', password: 'secret-pass-1' })).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } })
    const listed = (await t.call(admin.key, 'users', 'list', { search: 'rep' })).items[0]
    expect(listed.lockedUntil).not.toBeNull()
    expect(new Date(listed.lockedUntil!).getTime()).toBeGreaterThan(t.clock.now().getTime())
    const v0 = await version()
    expect(await t.call(admin.key, 'users', 'unlock', { id: rep.userId })).toEqual({ ok: true })
    const row = await userRow(rep.userId)
    expect(row.locked_until).toBeNull()
    expect(Number(row.failed_logins)).toBe(0)
    expect(Number(row.version)).toBe(v0 + 1)
    expect((await auditOf(rep.userId))[0].changes).toMatchObject({ lockedUntil: [listed.lockedUntil, null] })
    expect(await t.raw('x', 'auth', 'login', { login: 'rep', password: 'secret-pass-1' })).toMatchObject({ ok: true })
    // unlocking an unlocked user changes nothing
    await t.call(admin.key, 'users', 'unlock', { id: rep.userId })
    expect(await version()).toBe(v0 + 1)
  })

  it('teams: create, rename, leader, member count, duplicate names refused', async () => {
    const v0 = await version()
    const team = await t.call(admin.key, 'users', 'saveTeam', { name: '华东销售部' })
    expect(team).toEqual({ id: team.id, name: '华东销售部', leaderId: null, memberCount: 0, version: v0 + 1 })
    expect(Number((await t.app.db.knex('teams').where({ id: team.id }).first()).version)).toBe(v0 + 1)
    const a = await create('a1', { teamId: team.id })
    await create('a2', { teamId: team.id })
    const renamed = await t.call(admin.key, 'users', 'saveTeam', { id: team.id, version: await versionOf(t, 'teams', team.id), name: '华东一部', leaderId: a.id })
    expect(renamed).toEqual({ id: team.id, name: '华东一部', leaderId: a.id, memberCount: 2, version: expect.any(Number) })
    const teams = await t.call(admin.key, 'users', 'teams', {})
    expect(teams).toEqual([renamed])
    const log = (await t.call(admin.key, 'audit', 'list', { entity: 'team', entityId: team.id })).items
    expect(log.map((e) => e.action)).toEqual(['update', 'create'])
    expect(log[0].changes).toEqual({ name: ['华东销售部', '华东一部'], leaderId: [null, a.id] })

    expect(await t.raw(admin.key, 'users', 'saveTeam', { name: '华东一部' })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'name', code: 'duplicate' }] } })
    expect(await t.raw(admin.key, 'users', 'saveTeam', { name: '新组', leaderId: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'leaderId' }] } })
    expect(await t.raw(admin.key, 'users', 'saveTeam', { id: crypto.randomUUID(), version: 1, name: '新组' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect((await t.call(admin.key, 'users', 'teams', {})).length).toBe(1)
  })

  it('a team-limited editor can make only a user of its own team the leader; other and unknown ids answer alike', async () => {
    const north = await t.teamId('华北组')
    const south = await t.teamId('华南组')
    const editorRole = await t.call(admin.key, 'roles', 'save', {
      code: 'team_editor', name: '组内用户管理', permissions: [{ module: 'users', actions: ['view', 'create', 'edit'], scope: 'team' }],
    } as never)
    const editor = await t.userSession('ed', 'manager', { teamId: north })
    await t.app.db.knex('users').where({ id: editor.userId }).update({ role_id: editorRole.id })
    const mate = await create('mate', { teamId: north })
    const stranger = await create('stranger', { teamId: south })
    const noTeam = await create('loner')
    const unknown = crypto.randomUUID()
    const v0 = await version()

    // the strip of each answer that could tell ids apart: code, field, issue code, message
    const answer = async (input: Record<string, unknown>) => {
      // an edit says which version of the team it is based on (the stored one; 1 for an unknown id)
      const version = input.id ? Number((await t.app.db.knex('teams').where({ id: input.id }).first('version'))?.version ?? 1) : undefined
      const r = await t.raw(editor.key, 'users', 'saveTeam', { name: '华北组', version, ...input })
      return r.ok ? r : { ok: r.ok, error: { code: r.error.code, message: r.error.message, key: r.error.key ?? null, issues: r.error.issues ?? null, params: r.error.params ?? null } }
    }
    const refusedLeader = await answer({ id: north, leaderId: unknown })
    expect(refusedLeader).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'leaderId', code: 'not_found' }] } })
    for (const leaderId of [stranger.id, noTeam.id, admin.userId]) expect(await answer({ id: north, leaderId }), leaderId).toEqual(refusedLeader)
    expect(await version()).toBe(v0)
    expect((await t.app.db.knex('teams').where({ id: north }).first('leader_id')).leader_id).toBeNull()

    // another team's id answers as an unknown one, for the team itself and for a user's team
    const otherTeam = await answer({ id: south, leaderId: stranger.id })
    expect(otherTeam).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const unknownTeam = await answer({ id: unknown, leaderId: stranger.id })
    // the same answer but for the id the caller sent itself
    expect(JSON.stringify(otherTeam).replaceAll(south, '<id>')).toBe(JSON.stringify(unknownTeam).replaceAll(unknown, '<id>'))
    const viewer = await t.call(admin.key, 'roles', 'save', { code: 'team_viewer', name: '组内查看', permissions: [{ module: 'users', actions: ['view'], scope: 'team' }] } as never)
    const newUser = (teamId: string) => t.raw(editor.key, 'users', 'create', { login: 'x' + teamId.slice(0, 6), name: 'x', password: 'pass-word-1', roleId: viewer.id, teamId })
    expect(await newUser(north)).toMatchObject({ ok: true }) // the role itself is one it may grant
    const userInSouth = await newUser(south)
    expect(userInSouth).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ field: 'teamId', code: 'not_found' }] } })
    expect(userInSouth).toEqual(await newUser(unknown))
    expect(await t.raw(editor.key, 'users', 'update', { id: mate.id, version: await versionOf(t, 'users', mate.id), teamId: south })).toEqual(await t.raw(editor.key, 'users', 'update', { id: mate.id, version: await versionOf(t, 'users', mate.id), teamId: unknown }))

    // one of its own team may lead it
    expect(await t.call(editor.key, 'users', 'saveTeam', { id: north, version: await versionOf(t, 'teams', north), name: '华北组', leaderId: mate.id })).toMatchObject({ id: north, leaderId: mate.id })
    // an administrator (scope all) may still pick anyone
    expect(await t.call(admin.key, 'users', 'saveTeam', { id: south, version: await versionOf(t, 'teams', south), name: '华南组', leaderId: stranger.id })).toMatchObject({ leaderId: stranger.id })
  })

  it('stores text with SQL metacharacters literally', async () => {
    const name = `O'Brien"; drop table users; --`
    const u = await create('obrien', { name })
    expect(u.name).toBe(name)
    expect((await t.call(admin.key, 'users', 'list', { search: "o'brien" })).items.map((x) => x.name)).toEqual([name])
    expect(Number((await t.app.db.knex('users').count({ n: '*' }))[0].n)).toBe(2)
  })
})
