// Randomized offline sync (issue 12): several clients make random offline edits, go on and off
// line and crash at random points (fault hooks); the central database changes too. After everyone
// syncs, every cache equals the central data of its scope and every acknowledged write is present
// exactly once. A fixed seed makes a failure reproducible (CRM_SYNC_SEED=… to try others).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'
import type { SyncClient, SyncHooks } from '../../src-main/modules/sync/sync.client'
import { makeSyncWorld, openClient, removeClientDirs, type Rep, type SyncWorld } from './sync.fixtures'

const SEED = Number(process.env.CRM_SYNC_SEED ?? 20261206)

function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describeEachDb('offline sync, randomized', (dialect) => {
  let t: TestApp
  let w: SyncWorld
  let repA2: Rep
  beforeAll(async () => {
    t = await makeTestApp(dialect)
    w = await makeSyncWorld(t, 'r')
    repA2 = { ...(await t.userSession('srepa2r', 'manager', { teamId: w.teamA, name: '业务员甲二' })), login: 'srepa2r' }
  })
  afterAll(async () => {
    await t?.close()
    removeClientDirs()
  })

  it(`random offline edits, crashes and central changes converge (seed ${SEED})`, async () => {
    const rnd = mulberry32(SEED)
    const pickOf = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]
    const k = t.app.db.knex
    const reps = [w.repA, repA2, w.repB]
    const customersOf = new Map<string, string[]>()
    for (const r of reps) {
      const ids: string[] = []
      for (let i = 0; i < 4; i++) ids.push((await t.call(r.key, 'customers', 'create', { name: `随机客户${r.login}-${i}` })).id)
      customersOf.set(r.userId, ids)
    }
    const clients = new Map<string, SyncClient>()
    for (const r of reps) {
      const c = await openClient()
      await c.sync(t.app, { login: r.login })
      clients.set(r.userId, c)
    }
    const subjects: string[] = []
    let seq = 0
    const crashHooks = (): SyncHooks => {
      const where = pickOf(['none', 'none', 'afterCentralCommit', 'beforeLocalAck', 'afterPullPage', 'beforeSync'])
      const boom = () => {
        throw new Error(`random crash at ${where}`)
      }
      return where === 'none' ? {} : { [where]: boom }
    }
    for (let step = 0; step < 60; step++) {
      const rep = pickOf(reps)
      const c = clients.get(rep.userId)!
      const action = rnd()
      const mine = (await c.local.db.knex('customers').where({ owner_id: rep.userId }).whereNull('deleted_at').pluck('id')) as string[]
      if (action < 0.35 && mine.length) {
        const subject = `随机记录${++seq}`
        subjects.push(subject)
        await c.write('interactions.create', { customerId: pickOf(mine), channelId: w.channel, occurredAt: '2026-02-01T09:00:00+08:00', subject, promises: [] })
      } else if (action < 0.55 && mine.length) {
        const id = pickOf(mine)
        const row = await c.local.db.knex('customers').where({ id }).first()
        await c.write('customers.update', { id, version: Number(row.version), fields: { [pickOf(['city', 'address', 'wantsAgent'])]: pickOf(['广州', '深圳', '珠海', '汕头', '佛山']) } })
      } else if (action < 0.62) {
        await c.write('customers.create', { name: `离线随机客户${++seq}` })
      } else if (action < 0.75) {
        // a central edit by the rep's supervisor or the rep elsewhere
        const ids = customersOf.get(rep.userId)!
        const id = pickOf(ids)
        const row = await k('customers').where({ id }).first()
        await t.call(w.admin.key, 'customers', 'update', { id, version: Number(row.version), fields: { [pickOf(['city', 'address', 'legalRep'])]: pickOf(['上海', '北京', '王总', '杭州']) } })
      } else {
        await c.sync(t.app, { hooks: crashHooks() }).catch((e: Error) => {
          if (!/random crash/.test(e.message)) throw e
        })
      }
    }
    // everyone online: sync until quiet (a second round brings what others pushed last)
    for (let round = 0; round < 2; round++) for (const c of clients.values()) await c.sync(t.app)
    for (const rep of reps) {
      const c = clients.get(rep.userId)!
      expect((await c.state()).pending).toBe(0)
      const cols = ['id', 'name', 'city', 'address', 'legal_rep', 'wants_agent', 'code', 'version', 'owner_id']
      const central = await k('customers').where({ owner_id: rep.userId }).whereNull('deleted_at').orderBy('id').select(cols)
      const local = await c.local.db.knex('customers').whereNull('deleted_at').orderBy('id').select(cols)
      expect(local.map((r: Record<string, unknown>) => ({ ...r, version: Number(r.version) }))).toEqual(central.map((r: Record<string, unknown>) => ({ ...r, version: Number(r.version) })))
      const centralNotes = await k('interactions').where({ owner_id: rep.userId }).whereNull('deleted_at').orderBy('id').pluck('id')
      const localNotes = await c.local.db.knex('interactions').whereNull('deleted_at').orderBy('id').pluck('id')
      expect(localNotes).toEqual(centralNotes)
    }
    // every written note exactly once centrally
    const counts = await k('interactions').whereIn('subject', subjects).groupBy('subject').select('subject').count({ n: '*' })
    expect(counts).toHaveLength(subjects.length)
    for (const r of counts) expect(Number(r.n)).toBe(1)
    for (const c of clients.values()) await c.close()
  })
})
