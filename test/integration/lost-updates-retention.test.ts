// Lost updates on the retention records (客户需求单, 流失预警, 竞争对手), as lost-updates.test.ts
// does for the older ones: every edit and flow step says which version it is based on and the
// UPDATE checks it in its WHERE, so of ten calls on one version sent at once exactly one is
// applied (and audited) and nine answer `conflict` — on PostgreSQL too, where the transactions
// run side by side. A call based on an old version is refused and writes nothing; a call
// without a version is a validation error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../src-main/contract/common'
import { runChurnCheck } from '../../src-main/modules/churn/churn.service'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { versionOf } from '../helpers/versions'
import { dictId, errorOf, makeStaff, type Staff } from './customers.fixtures'

/** Exactly one of the results is ok; every other one is a conflict. */
function oneWinner(results: Array<ApiResult<unknown>>) {
  const codes = results.map((r) => (r.ok ? 'ok' : r.error.code))
  expect(codes.filter((c) => c === 'ok')).toHaveLength(1)
  expect(codes.filter((c) => c === 'conflict')).toHaveLength(results.length - 1)
}

const ten = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 10 }, (_, i) => fn(i)))

const NOW = new Date('2026-06-30T04:00:00Z')

describeEachDb('lost updates (retention)', (dialect) => {
  let t: TestApp
  let s: Staff
  let cust: string
  let quality: string
  const k = () => t.app.db.knex
  const audited = (entity: string, id: string, action: string) => k()('audit_log').where({ entity, entity_id: id, action })

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    s = await makeStaff(t)
    t.clock.setNow(NOW)
    await t.call(s.admin.key, 'reminders', 'saveSettings', { timeZone: 'Asia/Shanghai' })
    cust = (await t.call(s.admin.key, 'customers', 'create', { name: '并发需求客户有限公司', ownerId: s.mgrA1.userId })).id
    quality = await dictId(t, 'review_department', '质量部')
  })
  afterAll(async () => {
    t.clock.reset()
    await t.close()
  })

  const newSheet = () => t.call(s.mgrA1.key, 'requirements', 'create', { customerId: cust, workContent: '非标夹具设计', plannedFinish: '2026-07-10' })

  /** A customer of mgrA1 whose last order is a year old, and the warning the check opens for it. */
  async function newWarning(name: string) {
    const c = await t.call(s.admin.key, 'customers', 'create', { name, ownerId: s.mgrA1.userId })
    await k()('customers').where({ id: c.id }).update({ last_order_date: '2025-06-01', order_count: 1, created_at: '2025-01-01T00:00:00.000Z' })
    await runChurnCheck(t.app, { actor: null })
    return (await t.call(s.mgrA1.key, 'churn', 'forCustomer', { customerId: c.id }))!
  }

  describe('ten parallel calls on one version: one applied, nine conflict', () => {
    it('requirements.update and a flow step', async () => {
      const r = await newSheet()
      oneWinner(await ten((i) => t.raw(s.mgrA1.key, 'requirements', 'update', { id: r.id, version: r.version, fields: { notes: `备注${i}` } })))
      expect(await audited('requirement', r.id, 'update')).toHaveLength(1)
      const v = await versionOf(t, 'requirements', r.id)
      oneWinner(await ten(() => t.raw(s.mgrA1.key, 'requirements', 'organise', { id: r.id, version: v })))
      const o = await t.call(s.mgrA1.key, 'requirements', 'get', { id: r.id })
      expect(o.status).toBe('organising')
      oneWinner(await ten(() => t.raw(s.mgrA1.key, 'requirements', 'startReview', { id: r.id, version: o.version, departmentIds: [quality] })))
    })

    it('churn.addMeasure', async () => {
      const w = await newWarning('并发暂缓客户有限公司')
      oneWinner(await ten((i) => t.raw(s.mgrA1.key, 'churn', 'addMeasure', { id: w.id, version: w.version, measureDate: '2026-06-29', content: `措施${i}` })))
      expect((await t.call(s.mgrA1.key, 'churn', 'get', { id: w.id })).measures).toHaveLength(1)
    })

    it('competitors.update', async () => {
      const c = await t.call(s.mgrA1.key, 'competitors', 'create', { customerId: cust, name: '三一重工', sharePct: 30 })
      oneWinner(await ten((i) => t.raw(s.mgrA1.key, 'competitors', 'update', { id: c.id, version: c.version, fields: { notes: `备注${i}` } })))
      expect(await audited('competitor', c.id, 'update')).toHaveLength(1)
    })
  })

  describe('a call based on an old version is refused and writes nothing', () => {
    async function refused(table: string, id: string, send: () => Promise<ApiResult<unknown>>) {
      const before = await versionOf(t, table, id)
      const e = errorOf(await send())
      expect(e.code).toBe('conflict')
      expect(e.key).toBe('errors.conflict')
      expect(await versionOf(t, table, id)).toBe(before)
    }

    it('requirements: update and the steps', async () => {
      const r = await newSheet()
      const edited = await t.call(s.mgrA1.key, 'requirements', 'update', { id: r.id, version: r.version, fields: { priority: 'high' } })
      await refused('requirements', r.id, () => t.raw(s.mgrA1.key, 'requirements', 'update', { id: r.id, version: r.version, fields: { priority: 'low' } }))
      await refused('requirements', r.id, () => t.raw(s.mgrA1.key, 'requirements', 'organise', { id: r.id, version: r.version }))
      const o = await t.call(s.mgrA1.key, 'requirements', 'organise', { id: r.id, version: edited.version })
      await refused('requirements', r.id, () => t.raw(s.mgrA1.key, 'requirements', 'startReview', { id: r.id, version: edited.version, departmentIds: [quality] }))
      expect((await t.call(s.mgrA1.key, 'requirements', 'get', { id: r.id })).status).toBe(o.status)
    })

    it('churn: a measure and the confirmation', async () => {
      const w = await newWarning('旧版本流失客户有限公司')
      const m = await t.call(s.mgrA1.key, 'churn', 'addMeasure', { id: w.id, version: w.version, measureDate: '2026-06-29', content: '上门拜访' })
      await refused('churn_warnings', w.id, () => t.raw(s.mgrA1.key, 'churn', 'addMeasure', { id: w.id, version: w.version, measureDate: '2026-06-30', content: '电话' }))
      const reason = await dictId(t, 'churn_reason', '被竞争对手抢走')
      await refused('churn_warnings', w.id, () => t.raw(s.mgrA1.key, 'churn', 'confirm', { id: w.id, version: w.version, reasonId: reason }))
      const after = await t.call(s.mgrA1.key, 'churn', 'get', { id: w.id })
      expect(after).toMatchObject({ status: 'paused', version: m.version })
      expect(after.measures).toHaveLength(1)
    })

    it('competitors', async () => {
      const c = await t.call(s.mgrA1.key, 'competitors', 'create', { customerId: cust, name: '振华重工', sharePct: 20 })
      await t.call(s.mgrA1.key, 'competitors', 'update', { id: c.id, version: c.version, fields: { strengths: '交期短' } })
      await refused('competitors', c.id, () => t.raw(s.mgrA1.key, 'competitors', 'update', { id: c.id, version: c.version, fields: { strengths: '价格低' } }))
    })

    it('a call without the version it is based on is a validation error', async () => {
      const r = await newSheet()
      for (const [area, call, input] of [
        ['requirements', 'update', { id: r.id, fields: { notes: 'x' } }],
        ['requirements', 'organise', { id: r.id }],
        ['requirements', 'approve', { id: r.id }],
        ['requirements', 'finish', { id: r.id }],
        ['churn', 'addMeasure', { id: r.id, measureDate: '2026-06-29', content: 'x' }],
        ['churn', 'confirm', { id: r.id, reasonId: r.id }],
        ['competitors', 'update', { id: r.id, fields: { notes: 'x' } }],
      ] as const) {
        const e = errorOf(await t.raw(s.admin.key, area, call, input))
        expect(e.code, `${area}.${call}`).toBe('validation')
        expect(e.issues?.map((i) => i.field), `${area}.${call}`).toContain('version')
      }
    })
  })
})
