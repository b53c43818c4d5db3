// Every seeded role × every requirements / churn call, on a sheet and a warning of 经理甲一's
// customer (team A). Expected: allowed, forbidden (no such action) or not_found (out of scope).
// A refused call writes nothing (the sync version and the rows stay). Competitors follow the
// customer's rights (competitors.test.ts).
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import type { Requirement, RequirementStatus } from '../../src-main/contract/requirements'
import { runChurnCheck } from '../../src-main/modules/churn/churn.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, syncVersion, type Staff, type Who } from './customers.fixtures'

type Outcome = 'ok' | 'forbidden' | 'not_found'
type Role = 'admin' | 'supA' | 'supB' | 'mgrA1' | 'mgrA2' | 'agent' | 'exec'
const ROLES: Role[] = ['admin', 'supA', 'supB', 'mgrA1', 'mgrA2', 'agent', 'exec']

/** Outcomes in ROLES order. */
const row = (...o: Outcome[]) => Object.fromEntries(ROLES.map((r, i) => [r, o[i]])) as Record<Role, Outcome>
const VIEW = row('ok', 'ok', 'not_found', 'ok', 'not_found', 'forbidden', 'ok')
const EDIT = row('ok', 'ok', 'not_found', 'ok', 'not_found', 'forbidden', 'forbidden')
const APPROVE = row('ok', 'ok', 'not_found', 'forbidden', 'forbidden', 'forbidden', 'forbidden')
const DELETE = APPROVE
const EXPORT = row('ok', 'ok', 'ok', 'forbidden', 'forbidden', 'forbidden', 'ok')
const CHECK = row('ok', 'ok', 'ok', 'forbidden', 'forbidden', 'forbidden', 'forbidden')

describeEachDb('permissions: requirements and churn by role and scope', (dialect) => {
  let t: TestApp
  let s: Staff
  let customerId: string
  let dept: string
  const who = (r: Role): Who => s[r]

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    customerId = (await t.call(s.admin.key, 'customers', 'create', { name: '权限矩阵客户有限公司', ownerId: s.mgrA1.userId })).id
    dept = await dictId(t, 'review_department', '质量部')
  })
  afterAll(async () => {
    t.clock.reset()
    await t.close()
  })

  /** A sheet of 经理甲一 driven by the admin to `status`. */
  async function sheet(status: RequirementStatus): Promise<Requirement> {
    const a = s.admin.key
    let r = await t.call(s.mgrA1.key, 'requirements', 'create', { customerId, workContent: `权限测试 ${status}`, plannedStart: '2026-01-01', plannedFinish: '2026-01-31' })
    const go = async (fn: (r: Requirement) => Promise<Requirement>, until: RequirementStatus) => {
      if (r.status !== status && r.status !== until) r = await fn(r)
    }
    const order: Array<[RequirementStatus, (r: Requirement) => Promise<Requirement>]> = [
      ['organising', (x) => t.call(a, 'requirements', 'organise', { id: x.id, version: x.version })],
      ['reviewing', (x) => t.call(a, 'requirements', 'startReview', { id: x.id, version: x.version, departmentIds: [dept] })],
      ['reported', async (x) => {
        const y = await t.call(a, 'requirements', 'review', { id: x.id, version: x.version, departmentId: dept, feasible: true })
        return t.call(a, 'requirements', 'report', { id: y.id, version: y.version, report: '可行' })
      }],
      ['approved', (x) => t.call(a, 'requirements', 'approve', { id: x.id, version: x.version })],
      ['confirmed', (x) => t.call(a, 'requirements', 'confirm', { id: x.id, version: x.version, signedDate: '2026-01-02', signerName: '客户甲' })],
      ['in_progress', (x) => t.call(a, 'requirements', 'start', { id: x.id, version: x.version })],
    ]
    for (const [next, fn] of order) {
      if (r.status === status) break
      await go(fn, next)
    }
    expect(r.status).toBe(status)
    return r
  }

  const outcome = (r: ApiResult<unknown>): Outcome | string => (r.ok ? 'ok' : r.error.code === 'forbidden' || r.error.code === 'not_found' ? r.error.code : `${r.error.code}: ${r.error.message}`)

  /** `prepare` makes what the call needs (its writes do not count), then the call runs. */
  async function expectMatrix(name: string, expected: Record<Role, Outcome>, prepare: (w: Who) => Promise<() => Promise<ApiResult<unknown>>>) {
    for (const role of ROLES) {
      const run = await prepare(who(role))
      const before = await syncVersion(t)
      const got = outcome(await run())
      expect(got, `${name} as ${role}`).toBe(expected[role])
      if (got !== 'ok') expect(await syncVersion(t), `${name} as ${role} wrote nothing`).toBe(before)
    }
  }

  it('requirements: list, get, create, update, remove, download and export', async () => {
    const r = await sheet('received')
    for (const role of ROLES) {
      const res = await t.raw(who(role).key, 'requirements', 'list', { pageSize: 500 })
      const expected = VIEW[role]
      if (expected === 'forbidden') expect(outcome(res), role).toBe('forbidden')
      else expect(res.ok && (res.data as { items: Array<{ id: string }> }).items.some((x) => x.id === r.id), role).toBe(expected === 'ok')
    }
    await expectMatrix('get', VIEW, async (w) => () => t.raw(w.key, 'requirements', 'get', { id: r.id }))
    await expectMatrix('create', row('ok', 'ok', 'not_found', 'ok', 'not_found', 'forbidden', 'forbidden'), async (w) => () =>
      t.raw(w.key, 'requirements', 'create', { customerId, workContent: '新需求' }))
    await expectMatrix('update', EDIT, async (w) => {
      const cur = await t.call(s.admin.key, 'requirements', 'get', { id: r.id })
      return () => t.raw(w.key, 'requirements', 'update', { id: r.id, version: cur.version, fields: { notes: `by ${w.userId}` } })
    })
    await expectMatrix('remove', DELETE, async (w) => {
      const id = (await sheet('received')).id
      return () => t.raw(w.key, 'requirements', 'remove', { id })
    })
    const file = await t.call(s.admin.key, 'requirements', 'addAttachment', { requirementId: r.id, fileName: 'a.txt', contentBase64: Buffer.from('a').toString('base64') })
    await expectMatrix('downloadAttachment', VIEW, async (w) => () => t.raw(w.key, 'requirements', 'downloadAttachment', { id: file.id }))
    await expectMatrix('addAttachment', EDIT, async (w) => () =>
      t.raw(w.key, 'requirements', 'addAttachment', { requirementId: r.id, fileName: 'b.txt', contentBase64: Buffer.from('b').toString('base64') }))
    await expectMatrix('removeAttachment', EDIT, async (w) => {
      const f = await t.call(s.admin.key, 'requirements', 'addAttachment', { requirementId: r.id, fileName: 'c.txt', contentBase64: Buffer.from('c').toString('base64') })
      return () => t.raw(w.key, 'requirements', 'removeAttachment', { id: f.id })
    })
    await expectMatrix('exportMatrix', EXPORT, async (w) => () => t.raw(w.key, 'requirements', 'exportMatrix', {}))
  })

  it('requirements: every flow step', async () => {
    // each entry: the state the sheet starts in, and the call (the report step first records a review)
    const steps: Array<[string, RequirementStatus | 'reviewed', Record<Role, Outcome>, (w: Who, r: Requirement) => Promise<ApiResult<unknown>>]> = [
      ['organise', 'received', EDIT, (w, r) => t.raw(w.key, 'requirements', 'organise', { id: r.id, version: r.version })],
      ['startReview', 'organising', EDIT, (w, r) => t.raw(w.key, 'requirements', 'startReview', { id: r.id, version: r.version, departmentIds: [dept] })],
      ['review', 'reviewing', EDIT, (w, r) => t.raw(w.key, 'requirements', 'review', { id: r.id, version: r.version, departmentId: dept, feasible: true })],
      ['report', 'reviewed', EDIT, (w, r) => t.raw(w.key, 'requirements', 'report', { id: r.id, version: r.version, report: '报告' })],
      ['approve', 'reported', APPROVE, (w, r) => t.raw(w.key, 'requirements', 'approve', { id: r.id, version: r.version })],
      ['reject', 'reported', APPROVE, (w, r) => t.raw(w.key, 'requirements', 'reject', { id: r.id, version: r.version, reason: '不做' })],
      ['confirm', 'approved', EDIT, (w, r) => t.raw(w.key, 'requirements', 'confirm', { id: r.id, version: r.version, signedDate: '2026-01-03', signerName: '客户乙' })],
      ['start', 'confirmed', EDIT, (w, r) => t.raw(w.key, 'requirements', 'start', { id: r.id, version: r.version })],
      ['finish', 'in_progress', EDIT, (w, r) => t.raw(w.key, 'requirements', 'finish', { id: r.id, version: r.version })],
      ['update after approval (with reason)', 'approved', EDIT, (w, r) =>
        t.raw(w.key, 'requirements', 'update', { id: r.id, version: r.version, fields: { plannedFinish: '2026-02-15' }, reason: '客户要求' })],
    ]
    for (const [name, from, expected, run] of steps) {
      await expectMatrix(name, expected, async (w) => {
        let r = await sheet(from === 'reviewed' ? 'reviewing' : from)
        if (from === 'reviewed') r = await t.call(s.admin.key, 'requirements', 'review', { id: r.id, version: r.version, departmentId: dept, feasible: false, opinion: '否' })
        return () => run(w, r)
      })
    }
  })

  it('churn: list, get, forCustomer, addMeasure, confirm, runCheck', async () => {
    // a warning on 经理甲一's customer: created long ago, never ordered
    t.clock.setNow(new Date(Date.now() - 400 * 86_400_000))
    const stale = (await t.call(s.admin.key, 'customers', 'create', { name: '权限矩阵流失客户有限公司', ownerId: s.mgrA1.userId })).id
    t.clock.reset()
    await runChurnCheck(t.app, { actor: null })
    const w0 = (await t.call(s.admin.key, 'churn', 'forCustomer', { customerId: stale }))!
    expect(w0.status).toBe('open')
    for (const role of ROLES) {
      const res = await t.raw(who(role).key, 'churn', 'list', { pageSize: 500 })
      if (VIEW[role] === 'forbidden') expect(outcome(res), role).toBe('forbidden')
      else expect(res.ok && (res.data as { items: Array<{ id: string }> }).items.some((x) => x.id === w0.id), role).toBe(VIEW[role] === 'ok')
    }
    await expectMatrix('churn.get', VIEW, async (w) => () => t.raw(w.key, 'churn', 'get', { id: w0.id }))
    await expectMatrix('churn.forCustomer', VIEW, async (w) => () => t.raw(w.key, 'churn', 'forCustomer', { customerId: stale }))
    await expectMatrix('churn.addMeasure', EDIT, async (w) => {
      const cur = await t.call(s.admin.key, 'churn', 'get', { id: w0.id })
      return () => t.raw(w.key, 'churn', 'addMeasure', { id: w0.id, version: cur.version, measureDate: '2026-01-05', content: `措施 ${w.userId}` })
    })
    const reason = await dictId(t, 'churn_reason', '价格因素')
    await expectMatrix('churn.confirm', EDIT, async (w) => {
      // each allowed confirm ends a warning: make a fresh one for the next role
      t.clock.setNow(new Date(Date.now() - 400 * 86_400_000))
      const id = (await t.call(s.admin.key, 'customers', 'create', { name: `确认流失 ${w.userId}`, ownerId: s.mgrA1.userId })).id
      t.clock.reset()
      await runChurnCheck(t.app, { actor: null })
      const x = (await t.call(s.admin.key, 'churn', 'forCustomer', { customerId: id }))!
      return () => t.raw(w.key, 'churn', 'confirm', { id: x.id, version: x.version, reasonId: reason })
    })
    await expectMatrix('churn.runCheck', CHECK, async (w) => () => t.raw(w.key, 'churn', 'runCheck', {}))
  })
})
