// Shared set-up of the 全局搜索 suites (search.test.ts, search-index.test.ts): a test app per
// database with the staff of customers.fixtures, customers and contacts made through the
// services (their ids kept by name), and search.global read as groups or titles per kind.
import { afterAll, beforeAll } from 'vitest'
import type { SearchHit, SearchKind } from '../../src-main/contract/search'
import { makeTestApp, type TestApp, type TestDialect } from '../helpers/test-app'
import { makeStaff, type Staff } from './customers.fixtures'

export interface SearchFixture {
  /** the app and the staff: set in the fixture's beforeAll */
  readonly t: TestApp
  readonly s: Staff
  /** the ids of the customers and contacts made through customer() / contact(), by name */
  ids: Record<string, string>
  search(key: string, term: string, limit?: number): Promise<{ groups: Array<{ kind: SearchKind; items: SearchHit[] }>; searched: SearchKind[] }>
  /** the hits of one kind (none: []) */
  group(key: string, term: string, kind: SearchKind, limit?: number): Promise<SearchHit[]>
  titles(key: string, term: string, kind: SearchKind, limit?: number): Promise<string[]>
  /** a customer made by the administrator for `owner` */
  customer(owner: string, name: string, fields?: Record<string, unknown>): Promise<string>
  contact(customerId: string, name: string, mobile?: string): Promise<string>
}

/**
 * Registers beforeAll (app, staff, then `seed`) and afterAll (close) in the calling describe
 * block and answers the fixture; read `t` and `s` inside hooks and tests only.
 */
export function searchFixture(dialect: TestDialect, seed: (f: SearchFixture) => Promise<void> = async () => undefined): SearchFixture {
  let app: TestApp | undefined
  let staff: Staff | undefined
  const need = <T>(v: T | undefined): T => {
    if (!v) throw new Error('searchFixture: read t and s inside hooks and tests')
    return v
  }
  const f: SearchFixture = {
    get t() {
      return need(app)
    },
    get s() {
      return need(staff)
    },
    ids: {},
    search: (key, term, limit = 5) => f.t.call(key, 'search', 'global', { term, limit }),
    group: async (key, term, kind, limit = 5) => (await f.search(key, term, limit)).groups.find((g) => g.kind === kind)?.items ?? [],
    titles: async (key, term, kind, limit = 5) => (await f.group(key, term, kind, limit)).map((h) => h.title),
    async customer(owner, name, fields = {}) {
      const c = await f.t.call(f.s.admin.key, 'customers', 'create', { name, ownerId: owner, ...fields })
      f.ids[name] = c.id
      return c.id
    },
    async contact(customerId, name, mobile) {
      const c = await f.t.call(f.s.admin.key, 'contacts', 'create', { customerId, fields: { name, mobile } })
      f.ids[name] = c.id
      return c.id
    },
  }
  beforeAll(async () => {
    app = await makeTestApp(dialect)
    staff = await makeStaff(app)
    await seed(f)
  })
  afterAll(async () => app?.close())
  return f
}
