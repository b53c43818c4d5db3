// When the central database is down at start the desktop app still opens: every call
// answers db_unreachable (auth.status included) until a retry gets the real context.
import { describe, expect, it, vi } from 'vitest'
import { dispatch } from '../../src-main/ipc/dispatch'
import { SessionStore } from '../../src-main/ipc/sessions'
import { retryUntilOpen, unreachableApp } from '../../src-main/window/unreachable-app'
import type { AppContext } from '../../src-main/modules/context'

const config = { dialect: 'mssql' as const, host: 'db.example', port: 1433, database: 'crm', user: 'crm', password: 'Secret-77' }

describe('unreachable database', () => {
  it('answers every call, auth.status first, with db_unreachable and never the password nor where the database is', async () => {
    const deps = { app: unreachableApp({ config, dataDir: '/tmp/x' }), sessions: new SessionStore() }
    for (const [area, call, input] of [['auth', 'status', {}], ['auth', 'login', { login: 'a', password: 'b' }]] as const) {
      const r = await dispatch(deps, area, call, input, 'k')
      expect(r).toMatchObject({ ok: false, error: { code: 'db_unreachable', key: 'errors.db_unreachable' } })
      // before login nobody learns the host, the database or the user, let alone the password
      for (const secret of ['db.example', 'Secret-77', '1433', '"crm"']) expect(JSON.stringify(r)).not.toContain(secret)
    }
    await expect(deps.app.db.knex.destroy()).resolves.toBeUndefined()
  })

  it('retries until the database opens, then hands over the real context', async () => {
    vi.useFakeTimers()
    try {
      const real = { dataDir: '/tmp/x' } as AppContext
      const open = vi.fn().mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValueOnce(real)
      const onOpen = vi.fn()
      retryUntilOpen(open, onOpen, 1000)
      await vi.advanceTimersByTimeAsync(1000)
      expect(open).toHaveBeenCalledTimes(1)
      expect(onOpen).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(1000)
      expect(onOpen).toHaveBeenCalledWith(real)
      await vi.advanceTimersByTimeAsync(5000)
      expect(open).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })
})
