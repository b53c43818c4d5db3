// The background jobs (reminders, 公海 rules, attachments, churn check, backup) when the app stops:
// `crm serve` stopped or the desktop app quitting closes the database handle while a run may be in
// the middle of its jobs. No further job starts, and the running job's failure (its connection gone)
// is not logged as an error — before, every job of the run after it failed in turn and logged
// "Unable to acquire a connection". And an evaluation on a handle opened afterwards (a restore)
// does not queue behind one whose handle was closed under it.
import { afterEach, beforeEach, expect, it } from 'vitest'
import { startBackgroundJobs } from '../../src-main/app/background-jobs'
import { evaluateReminders } from '../../src-main/modules/reminders/system-reminders.service'
import { setLogSink } from '../../src-main/shared/log'
import { describeEachDb, makeTestApp, type TestApp } from '../helpers/test-app'

const HOUR = 3_600_000

describeEachDb('background jobs when the app stops', (dialect) => {
  let t: TestApp
  let errors: string[]
  let started: string[]
  beforeEach(async () => {
    t = await makeTestApp(dialect)
    errors = []
    started = []
    setLogSink((level, line) => level === 'ERROR' && errors.push(line))
  })
  afterEach(async () => {
    setLogSink(null)
    await t?.close()
  })

  /** Starts the jobs; `at(name)` runs as the job of that name is about to start. Resolves once `at` has run. */
  function jobs(name: string, at: () => Promise<unknown> | void) {
    let stop = () => {}
    const reached = new Promise<void>((resolve) => {
      stop = startBackgroundJobs(() => t.app, HOUR, async (job) => {
        started.push(job)
        if (job === name) {
          await at()
          resolve()
        }
      })
    })
    return { stop: () => stop(), reached }
  }
  const settle = () => new Promise((r) => setTimeout(r, 500))

  it('the handle closed between two jobs: the run ends with the job running, nothing logged as failed', async () => {
    const j = jobs('evaluatePool', () => t.app.db.knex.destroy())
    await j.reached
    await settle()
    j.stop()
    expect(started).toEqual(['evaluateReminders', 'evaluatePool'])
    expect(errors).toEqual([])
  })

  it('stopped in the middle of a run: the job running ends, no later job starts', async () => {
    const j = jobs('evaluateReminders', () => j.stop())
    await j.reached
    await settle()
    expect(started).toEqual(['evaluateReminders'])
    expect(errors).toEqual([])
  })

  it('an evaluation on a new handle does not wait behind one whose handle was closed under it', async () => {
    const j = jobs('evaluateReminders', () => undefined)
    await j.reached
    await new Promise<void>((resolve) => t.app.db.knex.once('query', () => resolve())) // the evaluation is under way
    await t.app.db.knex.destroy()
    j.stop()
    const other = await makeTestApp(dialect)
    try {
      const t0 = performance.now()
      await evaluateReminders(other.app, { full: true })
      // a connection acquire the closed run may wait on ends only after knex's 60 s timeout
      expect(performance.now() - t0).toBeLessThan(20_000)
    } finally {
      await other.close()
    }
    expect(errors).toEqual([])
  }, 90_000)
})
