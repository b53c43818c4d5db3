// The 销售漏斗's summaries (opportunity_stats, opportunity_closed_stats; migration
// 20261206002300) stay exact through every kind of opportunity write: after each one the funnel
// read from the summaries (whole months) equals the funnel counted from the opportunities
// themselves, for the company (all) and a team, over all time, whole months and periods with
// partial months at either end; and the summary tables equal a rebuild from the rows.
// Runs on SQLite, PostgreSQL and in mssql id mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpportunityCreate, OpportunityDetail } from '../../src-main/contract/opportunities'
import { loadActor } from '../../src-main/modules/auth/auth.service'
import { opportunitiesFunnel, splitByMonths } from '../../src-main/modules/opportunities/pipeline.service'
import { rebuildOpportunityStats } from '../../src-main/modules/opportunities/stats.repository'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import { dictId, makeStaff, type Staff } from './customers.fixtures'
import { freezeClock } from './reminders.fixtures'

const PERIODS: Array<{ from?: string; to?: string }> = [
  {},
  { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
  { from: '2026-02-01T00:00:00Z', to: '2026-04-01T00:00:00Z' },
  { from: '2026-02-14T08:00:00Z' }, // a partial month, then every later one
  { to: '2026-03-20T00:00:00+08:00' }, // every month before March, then part of it (an offset)
  { from: '2026-01-31T16:00:00Z', to: '2026-03-31T16:00:00Z' }, // Shanghai's February and March
  { from: '2026-03-05T00:00:00Z', to: '2026-03-25T00:00:00Z' }, // inside one month: no whole month
]

describe('splitByMonths', () => {
  it('splits a period into the whole UTC months inside it and the parts before and after', () => {
    expect(splitByMonths(null, null)).toEqual({ head: null, months: { fromMonth: null, toMonth: null }, tail: null })
    expect(splitByMonths('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')).toEqual({ head: null, months: { fromMonth: '2026-01', toMonth: '2027-01' }, tail: null })
    expect(splitByMonths('2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z')).toEqual({
      head: ['2025-12-31T16:00:00.000Z', '2026-01-01T00:00:00.000Z'], months: { fromMonth: '2026-01', toMonth: '2026-12' },
      tail: ['2026-12-01T00:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    })
    expect(splitByMonths('2026-12-15T00:00:00.000Z', null)).toEqual({ head: ['2026-12-15T00:00:00.000Z', '2027-01-01T00:00:00.000Z'], months: { fromMonth: '2027-01', toMonth: null }, tail: null })
    expect(splitByMonths('2026-03-05T00:00:00.000Z', '2026-03-25T00:00:00.000Z').months).toBeNull()
    expect(splitByMonths('2026-03-05T00:00:00.000Z', '2026-04-25T00:00:00.000Z').months).toBeNull()
  })
})

describeEachDb('the funnel\'s summaries', (dialect) => {
  let t: TestApp
  let s: Staff
  const k = () => t.app.db.knex
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    t = await makeTestApp(dialect)
    freezeClock(t, '2026-01-20T03:00:00.000Z')
    s = await makeStaff(t)
    for (const l of ['初步接洽', '需求确认', '方案报价', '商务谈判']) ids[l] = await dictId(t, 'opportunity_stage', l)
    ids.web = await dictId(t, 'opportunity_source', '网站')
    ids.price = await dictId(t, 'opportunity_lost_reason', '价格过高')
  })
  afterAll(() => t.close())

  const base = (over: Partial<OpportunityCreate> = {}): OpportunityCreate => ({
    customerName: `漏斗汇总${Math.random().toString(36).slice(2, 8)}`, probability: 20, summary: '采购', description: '描述', ...over,
  })

  /** The funnel from the summaries equals the one counted from the rows, for every period, scope and grouping. */
  async function expectExact(after: string) {
    for (const who of [s.admin, s.supA, s.supB]) {
      const actor = (await loadActor(t.app, who.userId))!
      for (const p of PERIODS) {
        for (const groupBy of ['manager', 'team'] as const) {
          const viaStats = await opportunitiesFunnel({ ...t.app, actor }, { ...p, groupBy })
          const direct = await opportunitiesFunnel({ ...t.app, actor }, { ...p, groupBy }, { direct: true })
          expect(viaStats, `${after}: ${who.userId} ${JSON.stringify(p)} ${groupBy}`).toEqual(direct)
        }
      }
    }
    // the list's count (from the summaries without a search, filter by status / stage / 客户经理)
    // equals the rows' count, in each scope
    const live = await k()('opportunities').whereNull('deleted_at').select('owner_id', 'status', 'stage_id', 'assigned_to')
    const teamOf = new Map((await k()('users').select('id', 'team_id')).map((u: Record<string, unknown>) => [String(u.id).toLowerCase(), u.team_id]))
    const lc = (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase())
    for (const who of [s.admin, s.supA, s.supB]) {
      const team = teamOf.get(who.userId.toLowerCase())
      for (const filter of [{}, { status: 'assigned' as const }, { status: 'won' as const }, { stageId: ids['需求确认']! }, { assignedTo: s.mgrA1.userId }]) {
        const r = await t.call(who.key, 'opportunities', 'list', { filter, pageSize: 1 })
        const want = live.filter((o: Record<string, unknown>) => (who === s.admin || (o.owner_id && teamOf.get(lc(o.owner_id)!) === team)) &&
          (!('status' in filter) || o.status === filter.status) && (!('stageId' in filter) || lc(o.stage_id) === lc(filter.stageId)) &&
          (!('assignedTo' in filter) || lc(o.assigned_to) === lc(filter.assignedTo))).length
        expect(r.total, `${after}: list count ${who.userId} ${JSON.stringify(filter)}`).toBe(want)
      }
    }
    // the stored cells are the ones a rebuild makes (cells emptied by moves aside)
    const read = async (db: typeof k extends () => infer K ? K : never) => ({
      funnel: (await db('opportunity_stats').where('opp_count', '<>', 0).orderBy('id').select('id', 'opp_count', 'amount_cents', 'weighted')).map((r) => [r.id, Number(r.opp_count), Number(r.amount_cents), Number(r.weighted)]),
      closed: (await db('opportunity_closed_stats').where('opp_count', '<>', 0).orderBy('id').select('id', 'opp_count', 'amount_cents')).map((r) => [r.id, Number(r.opp_count), Number(r.amount_cents)]),
    })
    const kept = await read(k())
    let rebuilt: Awaited<ReturnType<typeof read>> | undefined
    const undo = new Error('undo the rebuild')
    await k()
      .transaction(async (trx) => {
        await rebuildOpportunityStats(trx, t.app.db.dialect)
        rebuilt = await read(trx)
        throw undo
      })
      .catch((e) => expect(e).toBe(undo))
    expect(kept, after).toEqual(rebuilt)
    expect(kept.funnel.length, after).toBeGreaterThan(0)
  }

  const at = (iso: string) => t.clock.setNow(new Date(iso))

  it('stays exact through create, edit, stage moves, 指派, hand-over, 开发成功/失败 and delete, across months', async () => {
    // created in January, February and March, by a 客户经理, a supervisor and an admin
    at('2026-01-20T03:00:00.000Z')
    const a = await t.call(s.mgrA1.key, 'opportunities', 'create', base({ stageId: ids['初步接洽'], expectedAmountCents: 1000_00, sourceId: ids.web }))
    const b = await t.call(s.supA.key, 'opportunities', 'create', base({ expectedAmountCents: 2000_00 }))
    await expectExact('create')
    at('2026-02-14T09:00:00.000Z')
    const c = await t.call(s.mgrB.key, 'opportunities', 'create', base({ stageId: ids['方案报价'], probability: 55, expectedAmountCents: 3333_33 }))
    const d = await t.call(s.admin.key, 'opportunities', 'create', base({ sourceId: ids.web }))
    at('2026-03-10T02:00:00.000Z')
    let e: OpportunityDetail = await t.call(s.mgrA2.key, 'opportunities', 'create', base({ stageId: ids['需求确认'], expectedAmountCents: 500_00 }))
    await expectExact('create in three months')

    // edit while 未分配 (probability and the expected amount's weight)
    e = await t.call(s.mgrA2.key, 'opportunities', 'update', { id: e.id, version: e.version, fields: { probability: 35, summary: '改过的概要' } })
    await expectExact('edit')

    // stage moves on the board, an amount, a probability typed
    let a2: OpportunityDetail = await t.call(s.mgrA1.key, 'opportunities', 'track', { id: a.id, version: a.version, stageId: ids['方案报价'] })
    a2 = await t.call(s.mgrA1.key, 'opportunities', 'track', { id: a.id, version: a2.version, expectedAmountCents: 1234_56, probability: 60 })
    const c2 = await t.call(s.mgrB.key, 'opportunities', 'track', { id: c.id, version: c.version, stageId: ids['初步接洽'] }) // moved back
    await expectExact('track')

    // 指派 (owner and 客户经理 change), then hand-over to another 客户经理
    const b2 = await t.call(s.supA.key, 'opportunities', 'assign', { id: b.id, version: b.version, assigneeId: s.mgrA1.userId })
    const b3 = await t.call(s.supA.key, 'opportunities', 'assign', { id: b.id, version: b2.version, assigneeId: s.mgrA2.userId })
    const a3 = await t.call(s.supA.key, 'opportunities', 'assign', { id: a.id, version: a2.version, assigneeId: s.mgrA1.userId })
    const c3 = await t.call(s.supB.key, 'opportunities', 'assign', { id: c.id, version: c2.version, assigneeId: s.mgrB.userId })
    await expectExact('assign and hand over')

    // 开发成功 in March, 开发失败 in April (another closing month)
    await t.call(s.mgrA1.key, 'opportunities', 'close', { id: a.id, version: a3.version, outcome: 'won' })
    at('2026-04-02T01:00:00.000Z')
    await t.call(s.mgrB.key, 'opportunities', 'close', { id: c.id, version: c3.version, outcome: 'lost', lostReasonId: ids.price })
    await t.call(s.supA.key, 'opportunities', 'close', { id: b.id, version: b3.version, outcome: 'lost', lostReasonId: ids.price, note: '预算取消' })
    await expectExact('won and lost')

    // delete (未分配, by its creator): out of every cell
    await t.call(s.admin.key, 'opportunities', 'remove', { id: d.id, version: d.version })
    await t.call(s.mgrA2.key, 'opportunities', 'remove', { id: e.id, version: e.version })
    await expectExact('delete')

    // a refused write (stale version) changes nothing
    expect((await t.raw(s.mgrA1.key, 'opportunities', 'track', { id: a.id, version: a.version, stageId: ids['商务谈判'] })).ok).toBe(false)
    await expectExact('conflict')

    // the summaries did answer: their counts are the live opportunities
    const live = Number((await k()('opportunities').whereNull('deleted_at').count({ n: '*' }).first())!.n)
    expect(Number((await k()('opportunity_stats').sum({ n: 'opp_count' }).first())!.n)).toBe(live)
    const closed = Number((await k()('opportunities').whereNull('deleted_at').whereIn('status', ['won', 'lost']).count({ n: '*' }).first())!.n)
    expect(Number((await k()('opportunity_closed_stats').sum({ n: 'opp_count' }).first())!.n)).toBe(closed)
    // and a funnel of all time counts each one once
    const all = await t.call(s.admin.key, 'opportunities', 'funnel', {})
    expect(all).toMatchObject({ total: 3, won: 1, lost: 2, open: 0 })
    expect(all.closed.lostReasons).toEqual([{ reasonId: ids.price, count: 2, amountCents: 3333_33 + 2000_00 }])
  })
})
