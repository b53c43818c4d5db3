// One list of what a desktop client serves offline (contract/sync.ts): the sidebar's offline pages
// (router/menu.ts derives its flag from it), main's routing (sync.desktop.ts) and the offline
// operations (sync.ops.ts) must agree — a page left open offline whose calls main would refuse, or
// an offline write main does not route to the outbox, fails here.
import { describe, expect, it, vi } from 'vitest'
import { contract } from '../../src-main/contract/index'
import { CACHE_CALLS, FRESH_CALLS, OFFLINE_ALIASES, OFFLINE_PAGES, OFFLINE_RUNS, OFFLINE_WRITES, servedOffline } from '../../src-main/contract/sync'
import { routeOf } from '../../src-main/modules/sync/sync.desktop'
import { OPS, RUN_OPS } from '../../src-main/modules/sync/sync.ops'

// the menu module reads the auth store only inside homePath(); the store itself is not needed here
vi.mock('../../src-renderer/stores/auth', () => ({ useAuthStore: () => ({ can: () => true }) }))
const { menuItems } = await import('../../src-renderer/router/menu')

const isCall = (name: string) => {
  const [area, call] = name.split('.') as [string, string]
  return Object.hasOwn(contract, area) && Object.hasOwn((contract as unknown as Record<string, object>)[area]!, call)
}

describe('what a desktop client serves offline', () => {
  it('every listed name is a real call', () => {
    for (const name of [...CACHE_CALLS, ...FRESH_CALLS, ...OFFLINE_WRITES, ...Object.keys(OFFLINE_RUNS), ...Object.keys(OFFLINE_ALIASES), ...Object.values(OFFLINE_PAGES).flat()]) {
      expect(isCall(name), name).toBe(true)
    }
  })

  it('every offline menu entry\'s calls are served offline by main\'s routing, and only those entries are open offline', () => {
    const open = menuItems.filter((m) => m.offline).map((m) => m.key)
    expect(open.sort()).toEqual(Object.keys(OFFLINE_PAGES).sort())
    for (const key of open) {
      for (const name of OFFLINE_PAGES[key as keyof typeof OFFLINE_PAGES]) {
        expect(servedOffline(name), `${key}: ${name}`).toBe(true)
        expect(routeOf(name, false), `${key}: ${name} offline`).not.toBe('central')
      }
    }
    // and a central-only page is refused offline
    expect(menuItems.find((m) => m.key === 'orders')!.offline).toBe(false)
    expect(routeOf('orders.list', false)).toBe('central')
  })

  it('the offline writes are the offline operations: on the cache with an outbox entry, online or not; the aliases become theirs offline', () => {
    const callOps = Object.keys(OPS).filter(isCall)
    expect(callOps.sort()).toEqual([...OFFLINE_WRITES].sort())
    for (const name of OFFLINE_WRITES) for (const reachable of [true, false, null]) expect(routeOf(name, reachable), name).toBe('write')
    for (const [name, op] of Object.entries(OFFLINE_ALIASES)) {
      expect(Object.hasOwn(OPS, op), op).toBe(true)
      expect(routeOf(name, false)).toBe('write')
      expect(routeOf(name, true)).toBe('central')
    }
    // a bulk action is a run of an offline operation: on the cache, online or not
    expect(Object.keys(RUN_OPS).sort()).toEqual(Object.keys(OFFLINE_RUNS).sort())
    for (const [name, op] of Object.entries(OFFLINE_RUNS)) {
      expect(RUN_OPS[name]!.op, name).toBe(op)
      expect(Object.hasOwn(OPS, op), op).toBe(true)
      for (const reachable of [true, false, null]) expect(routeOf(name, reachable), name).toBe('write')
    }
    // every operation is either a call of its own name or an alias's
    for (const op of Object.keys(OPS)) expect(isCall(op) || Object.values(OFFLINE_ALIASES).includes(op as never), op).toBe(true)
  })

  it('cached reads run on the cache always; fresh reads centrally while online, on the cache offline', () => {
    for (const name of CACHE_CALLS) expect(routeOf(name, true), name).toBe('cache')
    for (const name of FRESH_CALLS) {
      expect(routeOf(name, true), name).toBe('central')
      expect(routeOf(name, false), name).toBe('cache')
    }
  })
})
