// The last enabled administrator: two admins who demote or disable each other at the same time
// must not both succeed (each transaction saw the other still an admin). Every change that can
// take an admin away first locks the admin role's row, so the second one counts after the first
// committed and is refused. The race is real on PostgreSQL (separate connections); SQLite runs
// its writers one after another.
import { afterEach, beforeEach, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import type { Role } from '../../src-main/contract/roles'

describeEachDb('last admin under concurrency', (dialect) => {
  let t: TestApp
  let a: { key: string; userId: string }
  let b: { key: string; userId: string }
  let roles: Record<string, Role>

  beforeEach(async () => {
    t = await makeTestApp(dialect)
    a = await t.userSession('admin-a', 'admin', { name: '管理员甲' })
    b = await t.userSession('admin-b', 'admin', { name: '管理员乙' })
    roles = Object.fromEntries((await t.call(a.key, 'roles', 'list', {})).map((r) => [r.code, r]))
  })
  afterEach(async () => {
    await t.close()
  })

  const enabledAdmins = async () =>
    (await t.app.db.knex('users as u').join('roles as r', 'r.id', 'u.role_id').where('r.code', 'admin').where('u.disabled', false).select('u.id')).length

  /** Puts both accounts back to enabled administrators (direct write: the test's own set-up). */
  const restore = () => t.app.db.knex('users').whereIn('id', [a.userId, b.userId]).update({ role_id: roles.admin.id, disabled: false })

  /** Each edit is based on the version of the account as stored before the round. */
  const moves = {
    demote: (id: string, version: number) => ({ id, version, roleId: roles.manager.id }),
    disable: (id: string, version: number) => ({ id, version, disabled: true }),
  }

  for (const [first, second] of [['demote', 'demote'], ['disable', 'disable'], ['demote', 'disable']] as const) {
    it(`two admins who ${first} / ${second} each other at once: one is refused, an enabled admin remains (8 rounds)`, async () => {
      for (let round = 0; round < 8; round++) {
        await restore()
        const [va, vb] = [await versionOf(t, 'users', a.userId), await versionOf(t, 'users', b.userId)]
        const [ra, rb] = await Promise.all([
          t.raw(a.key, 'users', 'update', moves[first](b.userId, vb)),
          t.raw(b.key, 'users', 'update', moves[second](a.userId, va)),
        ])
        const ok = [ra, rb].filter((r) => r.ok)
        expect(ok, `round ${round}: ${JSON.stringify([ra, rb])}`).toHaveLength(1)
        // refused as the last admin, or (when the other change committed before this call was
        // even authorised) because the caller is no longer an enabled admin
        const refused = [ra, rb].find((r) => !r.ok) as { error: { code: string; key?: string } }
        const why = refused.error.code === 'rule' ? refused.error.key : refused.error.code
        expect(['users.errors.lastAdmin', 'forbidden', 'unauthenticated']).toContain(why)
        expect(await enabledAdmins()).toBe(1)
      }
    })
  }
})
