// Runs of a batch job (reminder evaluation, 公海 rules, churn check) one after another, per database
// handle. Per handle, not per process: a run whose handle was closed under it (quitting, a restore)
// may wait out a connection acquire it will never get (knex: 60 s), and the runs on the handle
// opened after it must not queue behind that.

/** A queue per handle of its own (one per job: one job's runs do not wait for another's). */
export function oneAtATimePerHandle() {
  const queues = new WeakMap<object, Promise<unknown>>()
  return function serialized<T>(handle: object, fn: () => Promise<T>): Promise<T> {
    const run = (queues.get(handle) ?? Promise.resolve()).then(fn, fn)
    queues.set(handle, run.catch(() => undefined))
    return run
  }
}
