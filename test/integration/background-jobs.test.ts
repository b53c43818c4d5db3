// The main process evaluates system reminders by itself, at start and on a timer.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startBackgroundJobs } from '../../src-main/app/background-jobs'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

describeEachDb('background jobs', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await makeTestApp(dialect)
  })
  afterAll(async () => t.close())

  it('creates the contact-policy reminder of a customer not contacted within its cycle, without any call', async () => {
    const { key } = await t.userSession('bg_admin', 'admin')
    const weekly = (await t.call(key, 'dictionary', 'items', { typeCode: 'contact_policy' })).find((i) => i.cycleDays === 7)!
    const customer = await t.call(key, 'customers', 'create', { name: '定时任务测试有限公司', contactPolicyId: weekly.id })
    const policyReminders = () => t.app.db.knex('reminders').where({ customer_id: customer.id, source: 'contact_policy' }).whereNull('deleted_at')
    t.clock.advance(10 * 24 * 3600_000)
    const stop = startBackgroundJobs(() => t.app, 100)
    try {
      expect(await until(async () => (await policyReminders()).length === 1)).toBe(true)
      await new Promise((r) => setTimeout(r, 400)) // several more runs: still exactly one
      expect(await policyReminders()).toHaveLength(1)
    } finally {
      stop()
      t.clock.reset()
    }
  })

  it('does nothing while the database is unreachable', async () => {
    let touched = 0
    const fake = { ...t.app, unreachable: true, db: { ...t.app.db, get knex(): never { touched++; throw new Error('db down') } } }
    const stop = startBackgroundJobs(() => fake, 20)
    await new Promise((r) => setTimeout(r, 100))
    stop()
    expect(touched).toBe(0)
  })
})
