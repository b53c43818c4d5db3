// 单实例 (issue 14 item 4) with Electron's app replaced by a fake (Electron cannot run here): the
// first start keeps going, a second start quits at once, and the first one comes forward and
// opens the crm:// link the second was started with.
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { claimSingleInstance, type InstanceApp } from '../../src-main/window/single-instance'

/** Electron's app as far as the single-instance lock goes: one lock per machine, shared by the fakes. */
function fakeApps() {
  let held = false
  const make = () => {
    const events = new EventEmitter()
    const app = {
      requestSingleInstanceLock: vi.fn(() => (held ? false : (held = true))),
      quit: vi.fn(),
      on: (event: string, fn: (...a: unknown[]) => void) => events.on(event, fn),
    }
    return { app: app as unknown as InstanceApp, raw: app, events }
  }
  return { make }
}

describe('single instance (electron mocked)', () => {
  it('a second start quits; the first comes forward and opens the second start\'s crm:// link', () => {
    const apps = fakeApps()
    const first = apps.make()
    const show = vi.fn()
    const open = vi.fn()
    expect(claimSingleInstance(first.app, show, open)).toBe(true)
    expect(first.raw.quit).not.toHaveBeenCalled()

    const second = apps.make()
    const show2 = vi.fn()
    expect(claimSingleInstance(second.app, show2, vi.fn())).toBe(false)
    expect(second.raw.quit).toHaveBeenCalledOnce()
    expect(second.events.listenerCount('second-instance')).toBe(0)

    // Electron tells the first instance with the second one's command line
    first.events.emit('second-instance', {}, ['/opt/crm/crm', '--flag'], '/home/u')
    expect(show).toHaveBeenCalledTimes(1)
    expect(open).not.toHaveBeenCalled()
    first.events.emit('second-instance', {}, ['/opt/crm/crm', 'crm://customer/0b9c0e6e-7d4b-4b43-9a0e-1f9b8f0c1a2b'], '/home/u')
    expect(show).toHaveBeenCalledTimes(2)
    expect(open).toHaveBeenCalledWith('crm://customer/0b9c0e6e-7d4b-4b43-9a0e-1f9b8f0c1a2b')
    expect(show2).not.toHaveBeenCalled()
  })
})
