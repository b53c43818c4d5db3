// `crm demo` adds the issue 10 records through the services: requirement sheets in every state
// (one changed after approval), churn warnings (open, with measures, confirmed → 流失 category),
// competitors; a second run on the same database still succeeds and adds no second competitor set.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp } from '../../src-main/app/bootstrap'
import { REQUIREMENT_STATUSES } from '../../src-main/contract/requirements'

const ROOT = path.resolve(__dirname, '..', '..')
const crm = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/crm.ts', ...args], { cwd: ROOT, env: { ...process.env, CRM_QUIET: '1' }, encoding: 'utf8', timeout: 180_000 })

describe('crm demo: requirements, churn, competitors', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-retention-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('writes them through the services, and again on a second run', async () => {
    const r = crm(['demo', '--customers', '80', '--data', dir, '--seed', '5'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const said = /retention demo: 18 requirement sheets in every state, \d+ competitors, (\d+) churn warnings \(\d+ measures, (\d+) confirmed\)/.exec(r.stdout)
    expect(said, r.stdout).not.toBeNull()
    const [opened, confirmed] = [Number(said![1]), Number(said![2])]
    // stale customers (never ordered, or the last order over 200 days ago): a third stay open, the rest get measures, a third confirmed
    expect(opened).toBeGreaterThanOrEqual(10)
    expect(confirmed).toBeGreaterThanOrEqual(3)
    const app = await openApp({ db: { dialect: 'sqlite', file: path.join(dir, 'crm.sqlite') }, dataDir: dir })
    const k = app.db.knex
    try {
      const states = await k('requirements').groupBy('status').select('status').count({ n: '*' })
      expect(Object.fromEntries((states as Array<{ status: string; n: number }>).map((s) => [s.status, Number(s.n)]))).toEqual(Object.fromEntries(REQUIREMENT_STATUSES.map((s) => [s, 2])))
      expect(Number((await k('audit_log').where('entity', 'requirement').count({ n: '*' }))[0].n)).toBeGreaterThan(18 * 2)
      const warnings = await k('churn_warnings').groupBy('status').select('status').count({ n: '*' })
      const byStatus = Object.fromEntries((warnings as Array<{ status: string; n: number }>).map((s) => [s.status, Number(s.n)]))
      expect(byStatus.open + byStatus.paused + byStatus.confirmed).toBe(opened)
      expect(byStatus.open).toBeGreaterThanOrEqual(3)
      expect(byStatus.paused).toBeGreaterThanOrEqual(3)
      expect(byStatus.confirmed).toBe(confirmed)
      expect(Number((await k('churn_measures').count({ n: '*' }))[0].n)).toBeGreaterThanOrEqual(10)
      const lost = await k('customers as c').join('churn_warnings as w', 'w.customer_id', 'c.id').join('dict_items as d', 'd.id', 'c.category_id').where('w.status', 'confirmed').select('c.status', 'd.label')
      expect(lost).toHaveLength(confirmed)
      for (const c of lost) expect(c).toMatchObject({ status: 'churned', label: expect.stringMatching(/^流失/) })
      const shares = await k('competitors').groupBy('customer_id').sum({ s: 'share_pct' }).select('customer_id')
      expect(shares.length).toBeGreaterThanOrEqual(20)
      for (const s of shares) expect(Number(s.s)).toBeLessThanOrEqual(100)
    } finally {
      await k.destroy()
    }
    const again = crm(['demo', '--customers', '10', '--data', dir, '--seed', '6'])
    expect(again.stderr).toBe('')
    expect(again.status).toBe(0)
  })
})
