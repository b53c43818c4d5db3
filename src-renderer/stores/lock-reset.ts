// While the lock screen is up the renderer holds no customer data: every store but the
// session's own is disposed and its state dropped, so the screens mounted after unlocking
// start from empty stores and load again.
import type { Pinia } from 'pinia'

/** Store ids kept across a lock: the session (who is locked) only. */
const KEEP = new Set(['auth'])

interface PiniaInternals {
  _s: Map<string, { $dispose(): void }>
  state: { value: Record<string, unknown> }
}

/** Disposes every store but the kept ones; returns the ids disposed. */
export function disposeDataStores(pinia: Pinia): string[] {
  const p = pinia as unknown as PiniaInternals
  const ids = [...p._s.keys()].filter((id) => !KEEP.has(id))
  for (const id of ids) {
    p._s.get(id)?.$dispose()
    delete p.state.value[id]
  }
  return ids
}
