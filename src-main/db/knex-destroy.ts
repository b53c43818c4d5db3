// Work that must end before a knex handle is destroyed: a worker thread's own connection to the
// same SQLite file (checkpoints, an import) is closed first, so that a restore, which replaces the
// file only after destroying the app's handle, never has another connection writing to it.
import type { Knex } from 'knex'

type Client = { destroy: (this: Client, cb?: unknown) => Promise<void> }
const hooks = new WeakMap<object, Set<() => Promise<void>>>()

/** Runs `fn` (and waits for it) when `knex` is destroyed, before its pool closes; the returned function unregisters it. */
export function beforeDestroy(knex: Knex, fn: () => Promise<void>): () => void {
  // knex.destroy() is the client's destroy (knex's own property is read-only)
  const client = knex.client as Client
  let set = hooks.get(client)
  if (!set) {
    const fns = (set = new Set())
    hooks.set(client, fns)
    const destroy = client.destroy
    client.destroy = async function (this: Client, cb?: unknown) {
      if (this === client) {
        const pending = [...fns]
        fns.clear()
        await Promise.all(pending.map((f) => f().catch(() => undefined)))
      }
      return destroy.call(this, cb)
    }
  }
  set.add(fn)
  return () => void set.delete(fn)
}
